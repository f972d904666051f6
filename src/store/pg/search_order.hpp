#pragma once
// The order of search results and keyset paging over it
// (http://hl7.org/fhir/R4/search.html#sort): the _sort keys, then rid (the
// creation order) as the final tie-break, so that every row has a unique
// position and walking the pages never skips nor repeats a row.

#include <string>
#include <vector>

#include "carnet/search/query.hpp"
#include "store/pg/search_cursor.hpp"
#include "store/pg/search_sql.hpp"

namespace carnet::store::pg {

/// One _sort key as a value computed for each resource row `r`.
struct SortColumn {
  std::string expr;  ///< SQL on `r` (a correlated subquery for a search parameter)
  std::string type;  ///< SQL type of the value (cursor values are cast back to it)
  bool descending = false;
  /// Reads the resource row's columns (_id, _lastUpdated), not only `r.rid`.
  bool needs_resource_row = false;
};

/// The query's _sort keys, with the index keys of `key_types` (see
/// filter_sql). Throws core::invalid (expression "_sort") for a parameter that
/// cannot be sorted on.
std::vector<SortColumn> sort_columns(const search::Query& q, const std::vector<std::string>& key_types);

/// What a cursor's values mean: the sort codes and directions.
std::string sort_signature(const search::Query& q);

/// ORDER BY over the page subquery `m` (columns s0, s1... and rid); `reversed`
/// for the previous page. NULL sort values come last.
std::string order_by_sql(const std::vector<SortColumn>& columns, bool reversed);

/// The rows of `m` strictly after the cursor's position in the order (or
/// strictly before it, for a backward cursor).
std::string keyset_sql(const std::vector<SortColumn>& columns, const Cursor& cursor, SqlBuilder& b);

}  // namespace carnet::store::pg
