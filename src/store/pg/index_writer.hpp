#pragma once
// The search index rows of resources (migrations/0003_search_index.sql), written
// by one statement in the transaction of the versions they index: creates (a
// whole grouped batch at once), updates, deletes and $reindex.
//
// The statement has a text per shape: DELETEs only when rows are replaced,
// an INSERT only for the tables that get rows. A batch of creates neither
// opens nor plans the ten DELETEs and the empty INSERTs: measured with
// pgbench, that fixed part was 0.74 → 0.40 ms per statement
// (docs/benchmarks.md, eighth session).

#include <cstdint>
#include <string>
#include <vector>

#include "carnet/search/index_entries.hpp"
#include "store/pg/params.hpp"
#include "store/pg/statements.hpp"

namespace carnet::store::pg {

/// The rows to delete and insert, and the statement that does it. Not thread-safe.
class IndexRows {
 public:
  IndexRows();

  /// Deletes every index row of `rid` (the inserts of the same statement are
  /// not affected: they are invisible to its deletes).
  void remove(std::int64_t rid);
  /// Inserts the rows of `entries` for `rid`, whose current version is
  /// `seq` (kept on the reference and date rows: migrations/0008, 0009). Values that cannot
  /// be stored (a number or quantity without a value) are skipped.
  void add(std::int64_t rid, std::int64_t seq, const search::IndexEntries& entries);
  /// True when nothing is deleted nor inserted (values add() skips count for nothing).
  bool empty() const { return removed_.empty() && filled_tables() == 0; }
  /// The SQL of the statement for these rows (see write_index_sql()); the
  /// text is shared by every IndexRows of the same shape on this thread, and
  /// the reference is valid on the calling thread only. Not for an empty().
  const std::string& sql() const;
  /// Its parameters, in order.
  Params params() const;

 private:
  /// Bit t set when table t (in the order of migrations/0003) gets rows.
  std::uint32_t filled_tables() const;

  std::vector<std::string> removed_;
  std::vector<ArrayColumns> tables_;  // one per index table, in the order of write_index_sql()
};

/// The SQL that writes index rows, in one round trip: with `deletes`,
/// data-modifying CTEs deleting the rows of $1 (bigint[]) from every index
/// table; then, for each table whose bit is set in `filled_tables`, one
/// INSERT of the unnest of the following arrays (one per column).
std::string write_index_sql(bool deletes, std::uint32_t filled_tables);

}  // namespace carnet::store::pg
