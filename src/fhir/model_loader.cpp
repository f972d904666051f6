// Model::load and the simple accessors. The resource types and their elements
// come from the official definitions in schemas/ (never a hand-written list).

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "fhir/model_impl.hpp"

namespace carnet::fhir {
namespace {

using nlohmann::json;

bool is_one_of(const std::string& key, std::initializer_list<std::string_view> keys) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// What Model keeps of a StructureDefinition bundle:
// entry[].resource.{resourceType,id,type,kind,abstract,derivation,fhirVersion,
// snapshot.element[].{path,min,max,isSummary,sliceName,contentReference,type[].{code,extension[].{url,valueUrl}},
// binding.{strength,valueSet}}}.
bool keep_structure(const std::vector<std::string>& parents, const std::string& key) {
  switch (parents.size()) {
    case 0: return key == "entry";
    case 1: return key == "resource";
    case 2:
      return is_one_of(
          key, {"resourceType", "id", "type", "kind", "abstract", "derivation", "fhirVersion", "snapshot"});
    case 3: return parents[2] == "snapshot" && key == "element";
    case 4:
      return is_one_of(
          key, {"path", "min", "max", "isSummary", "sliceName", "contentReference", "type", "binding"});
    case 5:
      return (parents[4] == "type" && is_one_of(key, {"code", "extension"})) ||
             (parents[4] == "binding" && is_one_of(key, {"strength", "valueSet"}));
    case 6: return parents[5] == "extension" && is_one_of(key, {"url", "valueUrl"});
    default: return false;
  }
}

std::string string_at(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json& resource_of(const json& entry) {
  static const json kNone = json::object();
  auto it = entry.find("resource");
  return it != entry.end() && it->is_object() ? *it : kNone;
}

bool is_structure_definition(const json& r) {
  return string_at(r, "resourceType") == "StructureDefinition";
}

const json& entries(const json& bundle, const std::filesystem::path& file) {
  auto it = bundle.find("entry");
  if (it == bundle.end() || !it->is_array()) {
    throw std::runtime_error("FHIR definitions file " + file.string() + " is not a Bundle with entries");
  }
  return *it;
}

}  // namespace

Model::Model() : impl_(std::make_unique<Impl>()) {}
Model::~Model() = default;

std::shared_ptr<const Model> Model::load(const std::filesystem::path& schemas_dir) {
  std::shared_ptr<Model> model(new Model());
  ModelData& impl = model->impl_->data;

  // Datatypes first: the primitive type names decide how resource elements are checked.
  const auto types_file = schemas_dir / "profiles-types.json";
  const json types = detail::parse_filtered(types_file, keep_structure);
  std::unordered_set<std::string> primitives;
  for (const auto& e : entries(types, types_file)) {
    const json& r = resource_of(e);
    if (is_structure_definition(r) && string_at(r, "kind") == "primitive-type") {
      primitives.insert(string_at(r, "id"));
    }
  }
  for (const auto& e : entries(types, types_file)) {
    const json& r = resource_of(e);
    // Constraints (SimpleQuantity, MoneyQuantity) are profiles on Quantity, not types.
    if (!is_structure_definition(r) || string_at(r, "kind") != "complex-type" ||
        string_at(r, "derivation") == "constraint") {
      continue;
    }
    detail::index_structure(r, impl, primitives);
  }

  const auto resources_file = schemas_dir / "profiles-resources.json";
  const json resources = detail::parse_filtered(resources_file, keep_structure);
  for (const auto& e : entries(resources, resources_file)) {
    const json& r = resource_of(e);
    if (!is_structure_definition(r) || string_at(r, "kind") != "resource") continue;
    // Concrete resource types: http://hl7.org/fhir/R4/resourcelist.html
    if (r.value("abstract", true) || string_at(r, "derivation") != "specialization") continue;
    impl.resource_types.push_back(string_at(r, "type"));
    if (auto v = string_at(r, "fhirVersion"); !v.empty()) impl.fhir_version = v;
    detail::index_structure(r, impl, primitives);
  }
  std::sort(impl.resource_types.begin(), impl.resource_types.end());
  if (impl.resource_types.empty()) {
    throw std::runtime_error("FHIR definitions file " + resources_file.string() +
                             " defines no resource type");
  }
  for (const auto& t : impl.resource_types) impl.resource_type_set.insert(t);
  detail::link_nodes(impl);

  detail::load_patient_compartment(schemas_dir, impl);
  detail::load_compartments(schemas_dir, impl);
  return model;
}

const std::string& Model::fhir_version() const {
  return impl_->data.fhir_version;
}

bool Model::is_resource_type(std::string_view type) const {
  return impl_->data.resource_type_set.contains(type);
}

const std::vector<std::string>& Model::resource_types() const {
  return impl_->data.resource_types;
}

std::optional<Model::ElementFlags> Model::element_flags(std::string_view type,
                                                        std::string_view property) const {
  const Node* node = impl_->data.find_node(std::string(type));
  if (node == nullptr || !is_resource_type(type)) return std::nullopt;
  auto it = node->elements.find(std::string(property));
  if (it == node->elements.end()) return std::nullopt;
  const ElementDef& def = it->second;
  // A choice element's FHIRPath is "value.ofType(Quantity)": its name is before the dot.
  return ElementFlags{def.summary, def.mandatory, def.fhirpath.substr(0, def.fhirpath.find('.'))};
}

std::optional<Model::ElementType> Model::element_type(std::string_view path) const {
  const ModelData& data = impl_->data;
  auto dot = path.find('.');
  if (dot == std::string_view::npos || !is_resource_type(path.substr(0, dot))) return std::nullopt;
  const Node* node = data.find_node(std::string(path.substr(0, dot)));
  const ElementDef* def = nullptr;
  while (dot != std::string_view::npos) {
    if (node == nullptr) return std::nullopt;  // a step below a primitive
    const std::size_t start = dot + 1;
    dot = path.find('.', start);
    const std::string_view name = path.substr(start, dot == std::string_view::npos ? dot : dot - start);
    auto it = node->elements.find(std::string(name));
    if (it == node->elements.end()) return std::nullopt;
    def = &it->second;
    node = def->kind == ValueKind::complex ? def->node : nullptr;
  }
  if (def == nullptr) return std::nullopt;
  return ElementType{def->type, def->required_value_set};
}

}  // namespace carnet::fhir
