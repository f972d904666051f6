#pragma once
/// A FHIR REST interaction, as the router understood the URL
/// (http://hl7.org/fhir/R4/http.html).

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace carnet::service {

/// The interactions of the R4 RESTful API Carnet knows about.
enum class Kind {
  read,
  vread,
  update,
  patch,
  remove,  ///< delete (a keyword in C++)
  create,
  search_type,
  search_system,
  search_compartment,
  history_instance,
  history_type,
  history_system,
  capabilities,
  batch,     ///< POST [base] (batch or transaction)
  operation  ///< $name at system, type or instance level
};

/// The http://hl7.org/fhir/restful-interaction code of `kind`.
const char* interaction_code(Kind kind) noexcept;

/// AuditEvent.action for `kind`: C, R, U, D or E.
char audit_action(Kind kind) noexcept;

/// One decoded query parameter.
using Param = std::pair<std::string, std::string>;

/// What the URL asked for.
struct Interaction {
  Kind kind = Kind::read;
  std::string type;              ///< resource type, empty at system level
  std::string id;                ///< resource id (instance level)
  std::optional<int> version;    ///< vread
  std::string operation;         ///< "$name" for operations
  std::string compartment_type;  ///< search_compartment: the type searched
  std::vector<Param> params;     ///< decoded query (and form) parameters, in order
  std::string query;             ///< raw query string as sent (for the audit trail)

  /// First value of parameter `name`, or nullptr.
  const std::string* param(std::string_view name) const;
};

}  // namespace carnet::service
