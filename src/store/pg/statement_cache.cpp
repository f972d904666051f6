#include "store/pg/statement_cache.hpp"

#include <stdexcept>

namespace carnet::store::pg {

StatementCache::StatementCache(std::size_t capacity) : capacity_(capacity) {
  if (capacity_ == 0) throw std::invalid_argument("StatementCache: capacity must be > 0");
}

pqxx::result StatementCache::exec(pqxx::transaction_base& tx, const std::string& sql, const Params& params) {
  // A search with thousands of values is a shape of its own, rarely repeated,
  // and its plan is large: kept prepared, a few of them held gigabytes in a
  // backend (found by fuzzing). Such statements run unnamed.
  if (sql.size() > kMaxCachedSqlBytes) return tx.exec_params(sql, params.dynamic());
  auto it = entries_.find(sql);
  if (it == entries_.end()) {
    // libpqxx registers the definition here and sends it (Parse) with the
    // first execution; the name only has to be unique on this connection.
    std::string name = "search_" + std::to_string(next_name_++);
    tx.conn().prepare(name, sql);
    uses_.push_front(sql);
    it = entries_.emplace(sql, Entry{std::move(name), uses_.begin()}).first;
  } else if (it->second.use != uses_.begin()) {
    uses_.splice(uses_.begin(), uses_, it->second.use);
  }
  return tx.exec_prepared(it->second.name, params.dynamic());
}

void StatementCache::trim(pqxx::connection& conn) {
  while (entries_.size() > capacity_) {
    auto it = entries_.find(uses_.back());
    const std::string name = it->second.name;
    entries_.erase(it);
    uses_.pop_back();
    conn.unprepare(name);
  }
}

}  // namespace carnet::store::pg
