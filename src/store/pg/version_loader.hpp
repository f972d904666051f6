#pragma once
// The versions a search returns: from the VersionCache, the rest from
// resource_version in one statement.

#include <cstdint>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "carnet/store/resource_store.hpp"
#include "store/pg/version_cache.hpp"

namespace carnet::store::pg {

/// A version a query found: its seq and the resource it belongs to (an
/// empty id: unknown, read with the version).
struct VersionRef {
  std::int64_t seq = 0;
  std::string type;
  std::string id;
};

/// The versions of `refs`, in their order: those `cache` keeps, the others
/// read in one statement of `tx` (prepared "versions_by_seq") and then kept.
/// A seq names one immutable version, so `tx` need not be the transaction
/// that found the refs. Throws std::logic_error when a seq has no version
/// (a ref must come from the resource table or an index row, whose seq
/// always has one).
std::vector<SharedVersion> load_versions(pqxx::transaction_base& tx, VersionCache& cache,
                                         const std::vector<VersionRef>& refs);

}  // namespace carnet::store::pg
