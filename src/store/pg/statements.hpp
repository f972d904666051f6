#pragma once
// Every SQL statement of the PostgreSQL store, prepared once per connection.

#include <optional>
#include <pqxx/connection>
#include <string>
#include <string_view>
#include <vector>

#include "carnet/core/access_record.hpp"
#include "store/pg/params.hpp"

namespace carnet::store::pg {

/// Sets the session's timeouts and plan mode (generic plans, see
/// CustomPlans) and prepares all statements on a new connection.
void prepare_statements(pqxx::connection& conn);

/// "SELECT <the columns to_access reads> FROM audit_event " (row_mapping.hpp).
std::string audit_select_sql();

/// Pooled sessions run prepared statements with their generic plan
/// (plan_cache_mode = force_generic_plan): the search SQL fixes its own plan
/// shape (search_sql.cpp) and the writes take arrays, so PostgreSQL's default
/// of planning again with the values (a custom plan on each execution) only
/// cost CPU (docs/benchmarks.md). Statements whose filters are optional
/// parameters (`$n IS NULL OR ...`: history, the audit listing) need the plan
/// made for the values given, or they scan from the newest row: they run
/// inside a CustomPlans scope, which sets the default mode and restores the
/// generic one when it ends. Not nestable; no transaction may be open.
class CustomPlans {
 public:
  explicit CustomPlans(pqxx::connection& conn);
  /// Restores generic plans; a failure is ignored (the pool drops a broken
  /// connection, and a working one accepts the SET).
  ~CustomPlans();
  CustomPlans(const CustomPlans&) = delete;
  CustomPlans& operator=(const CustomPlans&) = delete;

 private:
  pqxx::connection& conn_;
};

/// Appends the 15 audit_event column values, in the order of kAuditColumns.
void add_audit_params(Params& params, const core::AccessRecord& record);

/// Rows turned into one PostgreSQL array literal per column, for statements
/// that insert many rows at once with unnest($1::type[], ...).
class ArrayColumns {
 public:
  explicit ArrayColumns(std::size_t columns) : columns_(columns) {}
  /// Appends a row; `row` has one value per column (nullptr = NULL).
  void add_row(const Params& row);
  /// Appends one value to `column` (rows built column by column: every column
  /// must receive one value per row).
  void add(std::size_t column, std::string_view value);
  /// Appends NULL to `column`.
  void add_null(std::size_t column);
  /// Appends the array literals as parameters, one per column.
  void to_params(Params& params) const;
  /// True when no row was added.
  bool empty() const { return columns_.empty() || columns_.front().empty(); }

 private:
  std::vector<std::string> columns_;
};

/// A PostgreSQL array literal of `values` (for `$n::text[]` parameters).
std::string array_literal(const std::vector<std::string>& values);
/// The same with NULL elements (nullopt).
std::string array_literal(const std::vector<std::optional<std::string>>& values);

/// Appends one audit row's values (as add_audit_params) to `columns`.
void add_audit_row(ArrayColumns& columns, const core::AccessRecord& record);

}  // namespace carnet::store::pg
