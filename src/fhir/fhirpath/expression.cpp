// Public entry points: compile and evaluate.

#include "carnet/fhir/fhirpath/expression.hpp"

#include "fhir/fhirpath/engine.hpp"

namespace carnet::fhir::fhirpath {

Expression::Expression(std::shared_ptr<const detail::Node> root, std::string text)
    : root_(std::move(root)), text_(std::move(text)) {}

Expression Expression::compile(std::string_view text) {
  return Expression(std::shared_ptr<const detail::Node>(detail::parse(text)), std::string(text));
}

Collection Expression::evaluate(const core::Json& resource, const EvaluationOptions& options) const {
  std::string type;
  if (resource.is_object()) {
    auto rt = resource.find("resourceType");
    if (rt != resource.end() && rt->is_string()) type = rt->get<std::string>();
  }
  Collection root;
  root.push_back(make_node(&resource, nullptr, std::move(type)));
  return evaluate(root, &resource, options);
}

Collection Expression::evaluate(const Collection& context, const core::Json* resource,
                                const EvaluationOptions& options) const {
  Collection res;
  if (resource != nullptr) {
    std::string type;
    if (resource->is_object() && resource->contains("resourceType") &&
        (*resource)["resourceType"].is_string())
      type = (*resource)["resourceType"].get<std::string>();
    res.push_back(make_node(resource, nullptr, std::move(type)));
  }
  detail::Evaluator ev(options, res, context);
  detail::Frame frame;
  frame.focus = &context;
  return ev.eval(*root_, frame);
}

}  // namespace carnet::fhir::fhirpath
