#pragma once
/// Construction of the PostgreSQL implementation of the storage interface.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "carnet/store/resource_store.hpp"

namespace carnet::store {

/// Applies the migrations not yet recorded in table `schema_migration`, in
/// order, each in its own transaction, under an advisory lock so that two
/// starting servers do not race. Returns the names applied now.
/// Throws core::Error (503) when the database is unreachable, std::runtime_error
/// when a migration fails.
std::vector<std::string> migrate(const std::string& url);

/// A ResourceStore on PostgreSQL with a pool of `pool_size` connections
/// (opened lazily; each has every statement prepared once). Searches keep
/// the versions they read in memory, up to `version_cache_bytes` (0: none),
/// and read from PostgreSQL only the versions not kept.
std::unique_ptr<ResourceStore> make_pg_store(const std::string& url, std::size_t pool_size,
                                             std::size_t version_cache_bytes);

}  // namespace carnet::store
