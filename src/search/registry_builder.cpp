// Building the registry tables. The official parameters whose base is
// Resource/DomainResource (_id, _lastUpdated, _tag, _text...) are expanded onto
// each concrete type so that every (type, code) has its own entry and index key
// (http://hl7.org/fhir/R4/search.html#all). They also stay reachable under
// their declared base, for searches across all types.

#include "search/registry_builder.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "search/expression_parts.hpp"
#include "search/union_parameters.hpp"

namespace carnet::search::detail {
namespace {

namespace fp = fhir::fhirpath;

// The concrete R4 resources that are not DomainResources (no narrative, no
// contained, no extensions): http://hl7.org/fhir/R4/resourcelist.html
bool is_domain_resource(std::string_view type) {
  return type != "Bundle" && type != "Binary" && type != "Parameters";
}

bool is_abstract_base(std::string_view base) {
  return base == "Resource" || base == "DomainResource";
}

}  // namespace

RegistryBuilder::RegistryBuilder(std::vector<std::string> resource_types) {
  tables_.resource_types = std::move(resource_types);
  for (const std::string& type : tables_.resource_types) type_names_.insert(type);
}

std::shared_ptr<const fp::Expression> RegistryBuilder::compile(const std::string& text,
                                                               const std::string& who) {
  if (text.empty()) return nullptr;
  auto it = compiled_.find(text);
  if (it != compiled_.end()) return it->second;
  try {
    auto expression = std::make_shared<const fp::Expression>(fp::Expression::compile(text));
    compiled_.emplace(text, expression);
    return expression;
  } catch (const fp::ParseError& e) {
    throw DefinitionError(who + ": the expression does not compile: " + e.what());
  }
}

std::vector<std::string> RegistryBuilder::expand(const std::string& base, const std::string& who,
                                                 bool custom) const {
  const auto& types = tables_.resource_types;
  if (!is_abstract_base(base)) {
    if (custom && std::find(types.begin(), types.end(), base) == types.end())
      throw DefinitionError(who + ": base '" + base + "' is not a resource type");
    return {base};
  }
  std::vector<std::string> out{base};
  for (const std::string& type : types)
    if (base == "Resource" || is_domain_resource(type)) out.push_back(type);
  return out;
}

void RegistryBuilder::insert(SearchParameter parameter, const std::string& who) {
  parameter.key = index_key(parameter.base, parameter.code);
  auto [it, inserted] = keys_.emplace(parameter.key, tables_.params.size());
  if (!inserted) {
    const SearchParameter& other = tables_.params[it->second];
    if (other.base == parameter.base && other.code == parameter.code)
      throw DefinitionError(who + ": code '" + parameter.code + "' is already defined for " + parameter.base);
    throw DefinitionError(who + ": the index key of " + parameter.base + "." + parameter.code +
                          " collides with " + other.base + "." + other.code);
  }
  tables_.params.push_back(std::move(parameter));
}

void RegistryBuilder::add_built(const SearchParameter& parameter) {
  insert(parameter, "SearchParameter '" + parameter.url + "'");
}

void RegistryBuilder::add(const Definition& d, bool custom) {
  const std::string who = describe(d);
  if (custom) {
    if (d.status != "active") throw DefinitionError(who + ": status must be active");
    if (d.url.empty()) throw DefinitionError(who + ": url is missing");
    if (d.type == ParamType::special)
      throw DefinitionError(who + ": parameters of type special cannot be defined");
    if (d.expression.empty()) throw DefinitionError(who + ": expression is missing");
  }
  if (d.type == ParamType::composite && d.components.empty())
    throw DefinitionError(who + ": a composite parameter needs components");
  SearchParameter proto;
  proto.url = d.url;
  proto.code = d.code;
  proto.type = d.type;
  proto.expression_text = d.expression;
  proto.expression = compile(d.expression, who);
  proto.targets = d.targets;
  proto.custom = custom;
  // Each type once, though several bases may name it (Patient and Resource).
  std::vector<std::string> types;
  for (const std::string& base : d.bases) {
    for (std::string& type : expand(base, who, custom)) {
      if (std::find(types.begin(), types.end(), type) == types.end()) types.push_back(std::move(type));
    }
  }
  for (std::string& type : types) {
    SearchParameter p = proto;
    p.base = std::move(type);
    // Evaluated on this type's resources only: the other types' parts of a
    // shared union ("AllergyIntolerance.patient | ... | Observation.subject...",
    // some 30 parts) would each be evaluated on every write for nothing.
    if (!d.expression.empty() && !is_abstract_base(p.base))
      p.expression = compile(expression_for_type(d.expression, p.base, type_names_), who);
    if (d.type == ParamType::composite) composites_.emplace_back(tables_.params.size(), d.components);
    insert(std::move(p), who);
  }
}

RegistryTables RegistryBuilder::finish() && {
  std::unordered_map<std::string_view, ParamType> type_of_url;
  for (const SearchParameter& p : tables_.params)
    if (!p.url.empty()) type_of_url.emplace(p.url, p.type);
  for (auto& [index, definitions] : composites_) {
    SearchParameter& p = tables_.params[index];
    const std::string who = "SearchParameter '" + p.url + "'";
    for (const ComponentDefinition& c : definitions) {
      auto found = type_of_url.find(c.definition);
      if (found == type_of_url.end())
        throw DefinitionError(who + ": component definition '" + c.definition + "' is unknown");
      if (found->second == ParamType::composite || found->second == ParamType::special)
        throw DefinitionError(who + ": component '" + c.definition + "' cannot be a composite or special");
      p.components.push_back(Component{c.definition, found->second, compile(c.expression, who)});
    }
  }
  for (const SearchParameter& p : tables_.params) {
    tables_.by_type[p.base].push_back(&p);
    tables_.by_key.emplace(p.key, &p);
    if (!p.url.empty()) tables_.by_url[p.url].push_back(&p);
  }
  for (auto& [type, list] : tables_.by_type)
    std::sort(list.begin(), list.end(),
              [](const SearchParameter* a, const SearchParameter* b) { return a->code < b->code; });
  link_union_parameters(tables_);
  return std::move(tables_);
}

}  // namespace carnet::search::detail
