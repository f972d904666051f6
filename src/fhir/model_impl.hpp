#pragma once
/// Private to the fhir module: the data Model::Impl keeps after load, and the
/// functions that build and use it. Nothing here is part of the public API.

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "carnet/fhir/model.hpp"

namespace carnet::fhir {

/// How the JSON value of a primitive FHIR type is checked
/// (http://hl7.org/fhir/R4/json.html#primitive).
enum class ValueKind : std::uint8_t {
  complex,       ///< an object checked against a Node
  resource,      ///< an object checked by its own resourceType
  boolean,       ///< JSON true/false
  integer,       ///< JSON integer in int32 range
  positive_int,  ///< JSON integer 1..2^31-1
  unsigned_int,  ///< JSON integer 0..2^31-1
  decimal,       ///< any JSON number
  id,            ///< JSON string matching [A-Za-z0-9\-\.]{1,64}
  string,        ///< any other primitive: a non-empty JSON string
};

struct Node;

/// One JSON property an object may hold. A choice element `value[x]` gives one
/// ElementDef per allowed type (`valueQuantity`, `valueString`, ...).
struct ElementDef {
  std::string fhirpath;   ///< the name in FHIRPath: "name", or "value.ofType(Quantity)" for a choice
  std::string type;       ///< the FHIR type code ("HumanName", "string", "Resource"); empty for backbones
  std::string node_path;  ///< children: own snapshot path ("Patient.contact") or contentReference target
  ValueKind kind = ValueKind::complex;
  bool repeating = false;          ///< max cardinality is not "1": the JSON value is an array
  bool summary = false;            ///< ElementDefinition.isSummary (_summary=true keeps it)
  bool mandatory = false;          ///< min cardinality > 0 (every _summary form keeps it)
  std::string required_value_set;  ///< binding.valueSet when binding.strength is required
  const Node* node = nullptr;      ///< the children, resolved after load when kind == complex
};

/// The elements of one complex datatype, resource or backbone element.
struct Node {
  std::string name;                                      ///< "HumanName", "Patient", "Patient.contact"
  std::unordered_map<std::string, ElementDef> elements;  ///< by JSON property name
};

/// One step of a compartment search-parameter path ("subject", or "value" as Quantity).
struct PathStep {
  std::string name;
  std::string as_type;  ///< non-empty for `as(Type)` / `ofType(Type)` on a choice element
};
using SimplePath = std::vector<PathStep>;

/// Everything the Model keeps after load (Model::Impl wraps it: Impl is private to Model).
struct ModelData {
  std::string fhir_version = "4.0.1";
  std::vector<std::string> resource_types;                                 // sorted
  std::unordered_set<std::string_view> resource_type_set;                  // views into resource_types
  std::unordered_map<std::string, Node> nodes;                             // types, resources, backbones
  std::unordered_map<std::string, std::vector<SimplePath>> patient_paths;  // by resource type
  /// Every CompartmentDefinition: compartment type → member type → parameter codes ("{def}" included).
  std::map<std::string, std::map<std::string, std::vector<std::string>>> compartments;

  /// The node of a resource type or complex datatype, or nullptr.
  const Node* find_node(const std::string& name) const {
    auto it = nodes.find(name);
    return it == nodes.end() ? nullptr : &it->second;
  }
};

struct Model::Impl {
  ModelData data;
};

namespace detail {

/// Parses a large definitions file keeping only the properties `keep` accepts.
/// `keep(parent_keys, key)` sees the chain of object keys above (array levels
/// skipped). Throws std::runtime_error naming the file.
using KeepFn = bool (*)(const std::vector<std::string>& parents, const std::string& key);
nlohmann::json parse_filtered(const std::filesystem::path& file, KeepFn keep);

/// Reads a whole file. Throws std::runtime_error naming it.
std::string read_file(const std::filesystem::path& file);

/// Adds the nodes of one StructureDefinition (filtered JSON) to `impl.nodes`.
void index_structure(const nlohmann::json& structure_definition, ModelData& impl,
                     const std::unordered_set<std::string>& primitive_types);

/// Resolves ElementDef::node everywhere. Throws std::runtime_error on a type
/// the definitions do not define.
void link_nodes(ModelData& impl);

/// Loads the patient compartment paths from the compartment and search parameter files.
void load_patient_compartment(const std::filesystem::path& schemas_dir, ModelData& impl);
/// Loads the members of every compartment (schemas/compartments/CompartmentDefinition-*.json).
void load_compartments(const std::filesystem::path& schemas_dir, ModelData& impl);

/// True when `s` is a valid FHIR id ([A-Za-z0-9\-\.]{1,64}).
bool is_valid_id(std::string_view s) noexcept;

}  // namespace detail
}  // namespace carnet::fhir
