#pragma once
/// What one request to /fhir did, as the audit trail keeps it. A plain value
/// shared by the layers that fill it (http, service), persist it (store) and
/// render it as a FHIR AuditEvent (audit) — kept in core so that none of them
/// has to depend on another for it.

#include <cstdint>
#include <optional>
#include <string>

#include "carnet/core/clock.hpp"

namespace carnet::core {

/// One audited access. Fields left empty are absent from the AuditEvent.
struct AccessRecord {
  Instant recorded{};
  /// http://hl7.org/fhir/restful-interaction code: read, vread, update, create,
  /// delete, history-instance, history-type, history-system, search-type,
  /// search-system, capabilities, operation; "unknown" when the URL made no sense.
  std::string interaction = "unknown";
  char action = 'E';                    ///< C, R, U, D or E (execute) — AuditEvent.action
  int http_status = 0;                  ///< the status sent to the client
  std::string outcome_desc;             ///< first diagnostics of a failure (client-safe text)
  std::string agent_who = "anonymous";  ///< who called (until authentication exists)
  std::string agent_address;            ///< network address of the caller
  bool tls = false;
  std::string http_method;
  std::string entity_type;  ///< resource type addressed, if any
  std::string entity_id;
  std::optional<int> entity_version;
  std::string patient;  ///< "Patient/<id>" whose compartment holds the entity
  std::string query;    ///< query string of a search or history, as sent

  /// AuditEvent.outcome code: 0 success, 4 minor failure (4xx), 8 serious failure (5xx).
  int outcome_code() const noexcept {
    if (http_status >= 500) return 8;
    if (http_status >= 400) return 4;
    return 0;
  }
};

}  // namespace carnet::core
