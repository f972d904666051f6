#pragma once
// The search index rows of resources (migrations/0003_search_index.sql), written
// by one statement, `write_index`, in the transaction of the versions they
// index: creates (a whole grouped batch at once), updates, deletes and $reindex.

#include <cstdint>
#include <string>
#include <vector>

#include "carnet/search/index_entries.hpp"
#include "store/pg/params.hpp"
#include "store/pg/statements.hpp"

namespace carnet::store::pg {

/// The parameters of `write_index`: the rids whose rows are deleted, then one
/// array per column of every index table for the rows inserted. Not thread-safe.
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
  /// True when nothing is deleted nor inserted.
  bool empty() const { return removed_.empty() && rows_ == 0; }
  /// The statement's parameters, in order.
  Params params() const;

 private:
  std::vector<std::string> removed_;
  std::vector<ArrayColumns> tables_;  // one per index table, in the order of write_index_sql()
  std::size_t rows_ = 0;
};

/// The SQL of the `write_index` statement: data-modifying CTEs deleting the
/// rows of $1 (bigint[]) from every index table and inserting the unnest of the
/// following arrays, all in one round trip.
std::string write_index_sql();

}  // namespace carnet::store::pg
