#pragma once
/// Renders stored access records as FHIR R4 AuditEvent resources
/// (http://hl7.org/fhir/R4/auditevent.html, IHE BALP "RESTful" pattern).

#include <cstdint>

#include "carnet/core/access_record.hpp"
#include "carnet/core/json.hpp"

namespace carnet::audit {

/// The AuditEvent for row `seq` (its id is the decimal seq). Pure; thread-safe.
core::Json to_audit_event(std::int64_t seq, const core::AccessRecord& record);

}  // namespace carnet::audit
