#include "carnet/fhir/outcome.hpp"

namespace carnet::fhir {

core::Json operation_outcome(const std::vector<core::Issue>& issues) {
  core::Json list = core::Json::array();
  for (const auto& issue : issues) {
    core::Json i = core::Json::object();
    i["severity"] = core::to_code(issue.severity);
    i["code"] = issue.code;
    if (!issue.diagnostics.empty()) i["diagnostics"] = issue.diagnostics;
    if (!issue.expression.empty()) i["expression"] = core::Json::array({issue.expression});
    list.push_back(std::move(i));
  }
  core::Json oo = core::Json::object();
  oo["resourceType"] = "OperationOutcome";
  oo["issue"] = std::move(list);
  return oo;
}

core::Json information_outcome(const std::string& diagnostics) {
  return operation_outcome({core::Issue{core::Severity::information, "informational", diagnostics, {}}});
}

}  // namespace carnet::fhir
