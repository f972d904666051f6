#pragma once
/// OperationOutcome and Bundle builders (http://hl7.org/fhir/R4/operationoutcome.html,
/// http://hl7.org/fhir/R4/bundle.html).

#include <string>
#include <vector>

#include "carnet/core/error.hpp"
#include "carnet/core/json.hpp"

namespace carnet::fhir {

/// An OperationOutcome with one issue per entry (expression → issue.expression).
core::Json operation_outcome(const std::vector<core::Issue>& issues);

/// An OperationOutcome with one information issue (e.g. a successful delete).
core::Json information_outcome(const std::string& diagnostics);

}  // namespace carnet::fhir
