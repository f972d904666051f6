#pragma once
// Snapshots of a sorted search's order (table search_snapshot). Keyset paging
// alone cannot keep its promise when the sort values change between pages (an
// updated birthDate moves its resource behind the cursor, or ahead of it to be
// returned again), so a search sorted on anything but _id takes, at its first
// page, the ordered rids of its matches and pages through that list: each
// later page re-checks that its resources still match, but keeps their first
// order. Resources created after the first page are not in the walk.

#include <cstdint>
#include <optional>
#include <pqxx/connection>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "store/pg/search_cursor.hpp"

namespace carnet::store::pg {

/// The most rids a snapshot holds; past them the walk goes on by keyset from
/// the last one (with the keyset's limits).
inline constexpr std::size_t kMaxSnapshot = 10000;

/// How long a walk can go on after its first page (SQL interval).
inline constexpr const char* kSnapshotLifetime = "interval '2 hours'";

/// What a stored snapshot holds besides its rids.
struct SnapshotInfo {
  std::int64_t size = 0;       ///< number of rids (positions 1..size)
  std::optional<Cursor> tail;  ///< truncated: the keyset position of its last rid
};

/// Stores a snapshot in its own statement, outside the search's read-only
/// transaction (once a minute the same statement deletes the expired ones).
/// Returns its id.
std::int64_t save_snapshot(pqxx::connection& conn, const std::vector<std::int64_t>& rids,
                           const std::optional<Cursor>& tail);

/// The snapshot `id`, or nullopt when it expired (older than
/// kSnapshotLifetime, deleted or not) or never existed.
std::optional<SnapshotInfo> load_snapshot(pqxx::transaction_base& tx, std::int64_t id);

}  // namespace carnet::store::pg
