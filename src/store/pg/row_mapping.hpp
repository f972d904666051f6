#pragma once
// Result rows → store values.

#include <pqxx/pqxx>

#include "carnet/store/resource_store.hpp"

namespace carnet::store::pg {

/// Converts microseconds since the epoch (as selected by the statements).
inline core::Instant from_epoch_us(std::int64_t us) {
  return core::Instant(std::chrono::microseconds(us));
}

/// Row: seq, version, last_updated_us, method, body, patient.
StoredVersion to_version(const pqxx::row& row, const std::string& type, const std::string& id);

/// Row: seq, recorded_us, then the audit columns.
StoredAccess to_access(const pqxx::row& row);

}  // namespace carnet::store::pg
