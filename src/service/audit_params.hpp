#pragma once
// The AuditEvent search parameters the audit trail answers (audit_access.cpp);
// the CapabilityStatement lists the same.

#include <array>
#include <string_view>

namespace carnet::service {

/// Codes of the official AuditEvent parameters (http://hl7.org/fhir/R4/auditevent.html#search)
/// that GET [base]/AuditEvent filters on.
inline constexpr std::array<std::string_view, 7> kAuditSearchParams{"patient", "entity",  "date",   "action",
                                                                    "outcome", "subtype", "address"};

}  // namespace carnet::service
