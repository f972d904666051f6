#include "store/pg/search_snapshot.hpp"

#include <atomic>
#include <chrono>
#include <pqxx/pqxx>

#include "store/pg/params.hpp"
#include "store/pg/statements.hpp"

namespace carnet::store::pg {

namespace {

// Expired snapshots are deleted at most once a minute (by the save that
// comes due). Deleting on every save made each one walk the index entries of
// the rows deleted since the last vacuum: 6 ms of PostgreSQL per sorted
// search after an hour of them. Loads ignore expired rows not yet deleted.
bool cleanup_due() {
  using Clock = std::chrono::steady_clock;
  static std::atomic<Clock::rep> next{0};
  const auto now = Clock::now().time_since_epoch().count();
  auto due = next.load(std::memory_order_relaxed);
  if (now < due) return false;
  const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::minutes(1)).count();
  return next.compare_exchange_strong(due, now + interval, std::memory_order_relaxed);
}

}  // namespace

std::int64_t save_snapshot(pqxx::connection& conn, const std::vector<std::int64_t>& rids,
                           const std::optional<Cursor>& tail) {
  std::vector<std::string> texts;
  texts.reserve(rids.size());
  for (auto rid : rids) texts.push_back(std::to_string(rid));
  Params p;
  p.text(array_literal(texts));
  if (tail) {
    p.text(array_literal(tail->values)).integer(tail->rid);
  } else {
    p.null().null();
  }
  pqxx::nontransaction tx(conn);  // one statement: committed on its own
  static const std::string insert =
      "INSERT INTO search_snapshot (rids, tail_values, tail_rid) VALUES ($1::bigint[], $2::text[], "
      "$3::bigint) "
      "RETURNING id";
  static const std::string insert_and_clean =
      "WITH expired AS (DELETE FROM search_snapshot WHERE created < now() - " +
      std::string(kSnapshotLifetime) + ") " + insert;
  return tx.exec_params(cleanup_due() ? insert_and_clean : insert, p.dynamic())[0][0].as<std::int64_t>();
}

std::optional<SnapshotInfo> load_snapshot(pqxx::transaction_base& tx, std::int64_t id) {
  auto r = tx.exec_params(
      "SELECT cardinality(rids), tail_rid FROM search_snapshot WHERE id = $1 AND created >= now() - " +
          std::string(kSnapshotLifetime),
      id);
  if (r.empty()) return std::nullopt;
  SnapshotInfo info;
  info.size = r[0][0].as<std::int64_t>();
  if (!r[0][1].is_null()) {
    Cursor tail;
    tail.rid = r[0][1].as<std::int64_t>();
    for (const auto& row :
         tx.exec_params("SELECT u.v FROM search_snapshot s, unnest(s.tail_values) WITH ORDINALITY AS u(v, n) "
                        "WHERE s.id = $1 ORDER BY u.n",
                        id)) {
      tail.values.push_back(row[0].is_null() ? std::nullopt
                                             : std::optional<std::string>(row[0].as<std::string>()));
    }
    info.tail = std::move(tail);
  }
  return info;
}

}  // namespace carnet::store::pg
