#pragma once
// Every SQL statement of the PostgreSQL store, prepared once per connection.

#include <pqxx/connection>

#include "carnet/core/access_record.hpp"
#include "store/pg/params.hpp"

namespace carnet::store::pg {

/// Prepares all statements on a new connection.
void prepare_statements(pqxx::connection& conn);

/// Appends the 15 audit_event column values, in the order of kAuditColumns.
void add_audit_params(Params& params, const core::AccessRecord& record);

/// Appends one audit row's values as 15 PostgreSQL array literals (for unnest).
class AuditArrays {
 public:
  void add(const core::AccessRecord& record);
  void to_params(Params& params) const;

 private:
  std::vector<std::string> columns_ = std::vector<std::string>(15);
  bool empty_ = true;
};

}  // namespace carnet::store::pg
