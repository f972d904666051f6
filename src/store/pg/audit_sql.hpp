#pragma once
// The WHERE clause of an AuditEvent search on table audit_event.

#include <string>

#include "carnet/store/resource_store.hpp"
#include "store/pg/search_sql.hpp"

namespace carnet::store::pg {

/// The filters of `q` as one SQL condition on audit_event's columns (values
/// as parameters of `b`): "true" without filters. Filters are AND'ed, the
/// values of one filter OR'ed. A value that cannot match (an outcome that is
/// not a number, a reference without an id) gives "false" for that value.
std::string audit_filter_sql(const AuditQuery& q, SqlBuilder& b);

}  // namespace carnet::store::pg
