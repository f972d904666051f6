#pragma once
// Private: one SearchParameter resource read into plain fields, before it is
// expanded onto resource types and compiled (registry_builder.cpp).

#include <stdexcept>
#include <string>
#include <vector>

#include "carnet/core/json.hpp"
#include "carnet/search/parameters.hpp"

namespace carnet::search::detail {

/// A SearchParameter that cannot be used. what() is client-safe: it names the
/// parameter and the problem, never resource content.
class DefinitionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// SearchParameter.component.
struct ComponentDefinition {
  std::string definition;  ///< canonical URL of the component parameter
  std::string expression;
};

/// The fields of a SearchParameter resource the registry uses.
struct Definition {
  std::string url;
  std::string code;
  std::string status;
  ParamType type = ParamType::token;
  std::vector<std::string> bases;
  std::string expression;
  std::vector<std::string> targets;
  std::vector<ComponentDefinition> components;
};

/// Reads `resource` (a SearchParameter). Throws DefinitionError when a field the
/// registry needs is missing or of the wrong JSON kind, or the type is unknown.
Definition read_definition(const core::Json& resource);

/// "SearchParameter 'url'" (or the code when there is no url), for messages.
std::string describe(const Definition& definition);

}  // namespace carnet::search::detail
