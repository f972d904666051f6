// Reading SearchParameter resources (http://hl7.org/fhir/R4/searchparameter.html)
// into the fields the registry needs.

#include "search/registry_definition.hpp"

#include <string_view>

namespace carnet::search::detail {
namespace {

std::string string_field(const core::Json& resource, const char* name, const std::string& who) {
  auto it = resource.find(name);
  if (it == resource.end()) return {};
  if (!it->is_string()) throw DefinitionError(who + ": " + name + " must be a string");
  return it->get<std::string>();
}

std::vector<std::string> string_list(const core::Json& resource, const char* name, const std::string& who) {
  std::vector<std::string> out;
  auto it = resource.find(name);
  if (it == resource.end()) return out;
  if (!it->is_array()) throw DefinitionError(who + ": " + name + " must be an array");
  for (const core::Json& item : *it) {
    if (!item.is_string()) throw DefinitionError(who + ": " + name + " must hold strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

std::string describe(const Definition& definition) {
  return "SearchParameter '" + (definition.url.empty() ? definition.code : definition.url) + "'";
}

Definition read_definition(const core::Json& resource) {
  if (!resource.is_object() || resource.value("resourceType", "") != "SearchParameter")
    throw DefinitionError("not a SearchParameter resource");
  Definition d;
  d.url = string_field(resource, "url", "SearchParameter");
  d.code = string_field(resource, "code", "SearchParameter");
  const std::string who = describe(d);
  if (d.code.empty()) throw DefinitionError(who + ": code is missing");
  d.status = string_field(resource, "status", who);
  const std::string type = string_field(resource, "type", who);
  auto parsed = param_type_from_code(type);
  if (!parsed) throw DefinitionError(who + ": unknown type '" + type + "'");
  d.type = *parsed;
  d.bases = string_list(resource, "base", who);
  if (d.bases.empty()) throw DefinitionError(who + ": base is missing");
  d.expression = string_field(resource, "expression", who);
  d.targets = string_list(resource, "target", who);
  if (auto it = resource.find("component"); it != resource.end()) {
    if (!it->is_array()) throw DefinitionError(who + ": component must be an array");
    for (const core::Json& c : *it) {
      if (!c.is_object()) throw DefinitionError(who + ": component must hold objects");
      ComponentDefinition component{string_field(c, "definition", who), string_field(c, "expression", who)};
      if (component.definition.empty() || component.expression.empty())
        throw DefinitionError(who + ": each component needs a definition and an expression");
      d.components.push_back(std::move(component));
    }
  }
  return d;
}

}  // namespace carnet::search::detail
