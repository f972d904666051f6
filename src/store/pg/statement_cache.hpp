#pragma once
// Named prepared statements for SQL text built at run time: searches, and
// the index writes (one text per shape, index_writer.hpp).
//
// A search's SQL text depends only on its shape (which parameters, modifiers,
// sort keys, page size), never on its values: they travel as parameters. So
// the same text recurs, and preparing it once per connection spares
// PostgreSQL the parse and, once it settles on a generic plan (after five
// executions, plan_cache_mode = auto), the planning of every later request.
// Measured: planning and parsing were a fifth of PostgreSQL's CPU per search
// (docs/benchmarks.md).

#include <cstddef>
#include <cstdint>
#include <list>
#include <pqxx/connection>
#include <pqxx/result>
#include <pqxx/transaction_base>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/pg/params.hpp"

namespace carnet::store::pg {

/// SQL texts longer than this are run unnamed, not kept prepared.
inline constexpr std::size_t kMaxCachedSqlBytes = 32 * 1024;

/// The prepared statements of one connection, least recently used first out.
/// Used by one thread at a time, like its connection.
class StatementCache {
 public:
  /// `capacity`: the statements kept prepared once trim() runs (> 0).
  explicit StatementCache(std::size_t capacity);

  /// Runs `sql` with `params` in `tx` as a named prepared statement of
  /// tx.conn(), preparing it the first time this cache sees the text. Every
  /// call of one cache must use the same connection.
  pqxx::result exec(pqxx::transaction_base& tx, const std::string& sql, const Params& params);

  /// Deallocates the least recently used statements beyond capacity. Must run
  /// while no transaction is open on `conn` (DEALLOCATE is sent directly).
  void trim(pqxx::connection& conn);

  /// Statements currently prepared (tests).
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string name;
    std::list<std::string>::iterator use;  // its place in uses_
  };
  std::size_t capacity_;
  std::list<std::string> uses_;  // SQL texts, most recently used first
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t next_name_ = 0;
};

/// A pooled connection: a libpqxx connection and the prepared statements of
/// the searches run on it.
class PooledConnection : public pqxx::connection {
 public:
  /// Search shapes kept prepared per connection.
  static constexpr std::size_t kSearchStatements = 256;

  explicit PooledConnection(const std::string& url) : pqxx::connection(url), statements_(kSearchStatements) {}
  StatementCache& statements() { return statements_; }

 private:
  StatementCache statements_;
};

}  // namespace carnet::store::pg
