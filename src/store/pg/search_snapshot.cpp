#include "store/pg/search_snapshot.hpp"

#include <pqxx/pqxx>

#include "store/pg/params.hpp"
#include "store/pg/statements.hpp"

namespace carnet::store::pg {

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
  return tx
      .exec_params(
          "WITH expired AS (DELETE FROM search_snapshot WHERE created < now() - interval '2 hours') "
          "INSERT INTO search_snapshot (rids, tail_values, tail_rid) VALUES ($1::bigint[], $2::text[], "
          "$3::bigint) RETURNING id",
          p.dynamic())[0][0]
      .as<std::int64_t>();
}

std::optional<SnapshotInfo> load_snapshot(pqxx::transaction_base& tx, std::int64_t id) {
  auto r = tx.exec_params("SELECT cardinality(rids), tail_rid FROM search_snapshot WHERE id = $1", id);
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
