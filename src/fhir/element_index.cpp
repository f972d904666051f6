// Turns StructureDefinition snapshots into Nodes: one per resource type, complex
// datatype and backbone element, each mapping JSON property names to ElementDefs.
// http://hl7.org/fhir/R4/elementdefinition.html, http://hl7.org/fhir/R4/json.html

#include <stdexcept>
#include <string>
#include <unordered_set>

#include "fhir/model_impl.hpp"

namespace carnet::fhir::detail {
namespace {

using nlohmann::json;

constexpr std::string_view kSystemPrefix = "http://hl7.org/fhirpath/System.";
constexpr std::string_view kFhirTypeExtension =
    "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type";

std::string string_at(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The FHIR type code of one ElementDefinition.type. The `value` of primitives
// and Element.id / Extension.url use FHIRPath System types with the FHIR type
// given by an extension (http://hl7.org/fhir/R4/extension-structuredefinition-fhir-type.html).
std::string type_code(const json& type) {
  std::string code = string_at(type, "code");
  if (code.rfind(kSystemPrefix, 0) != 0) return code;
  if (auto ext = type.find("extension"); ext != type.end() && ext->is_array()) {
    for (const auto& e : *ext) {
      if (string_at(e, "url") == kFhirTypeExtension) return string_at(e, "valueUrl");
    }
  }
  std::string system = code.substr(kSystemPrefix.size());
  if (system == "String") return "string";
  if (system == "Boolean") return "boolean";
  if (system == "Integer") return "integer";
  if (system == "Decimal") return "decimal";
  if (system == "Date") return "date";
  if (system == "DateTime") return "dateTime";
  if (system == "Time") return "time";
  return "string";
}

ValueKind kind_of(const std::string& code, const std::unordered_set<std::string>& primitives) {
  if (code == "Resource") return ValueKind::resource;
  if (!primitives.contains(code)) return ValueKind::complex;
  if (code == "boolean") return ValueKind::boolean;
  if (code == "integer") return ValueKind::integer;
  if (code == "positiveInt") return ValueKind::positive_int;
  if (code == "unsignedInt") return ValueKind::unsigned_int;
  if (code == "decimal") return ValueKind::decimal;
  if (code == "id") return ValueKind::id;
  return ValueKind::string;  // strings, codes, uris, dates, base64Binary, xhtml (Narrative.div)
}

std::string json_suffix(const std::string& code) {
  std::string s = code;
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

}  // namespace

void index_structure(const json& sd, ModelData& impl, const std::unordered_set<std::string>& primitives) {
  const auto snapshot = sd.find("snapshot");
  if (snapshot == sd.end() || !snapshot->contains("element")) {
    throw std::runtime_error("FHIR definitions: StructureDefinition " + string_at(sd, "id") +
                             " has no snapshot");
  }
  const json& elements = (*snapshot)["element"];
  const bool is_resource = string_at(sd, "kind") == "resource";

  // Paths that have children in this snapshot: backbone elements (and Element-typed
  // groups such as Timing.repeat) whose content is defined inline.
  std::unordered_set<std::string> parents;
  for (const auto& e : elements) {
    const std::string path = string_at(e, "path");
    if (auto dot = path.rfind('.'); dot != std::string::npos) parents.insert(path.substr(0, dot));
  }

  for (const auto& e : elements) {
    if (e.contains("sliceName")) continue;  // core snapshots do not slice; a slice adds no property
    const std::string path = string_at(e, "path");
    const auto dot = path.rfind('.');
    if (dot == std::string::npos) {
      impl.nodes[path].name = path;
      continue;
    }
    const std::string max = string_at(e, "max");
    if (max == "0") continue;  // prohibited element
    Node& parent = impl.nodes[path.substr(0, dot)];
    if (parent.name.empty()) parent.name = path.substr(0, dot);
    std::string name = path.substr(dot + 1);
    const bool repeating = max != "1";

    ElementDef def;
    def.repeating = repeating;
    // For _summary (http://hl7.org/fhir/R4/search.html#summary).
    if (auto s = e.find("isSummary"); s != e.end() && s->is_boolean()) def.summary = s->get<bool>();
    if (auto m = e.find("min"); m != e.end() && m->is_number_integer())
      def.mandatory = m->get<long long>() > 0;
    def.fhirpath = name;
    // For the implicit code system of `code` elements (http://hl7.org/fhir/R4/terminologies.html#code).
    if (auto b = e.find("binding"); b != e.end() && b->is_object() && string_at(*b, "strength") == "required")
      def.required_value_set = string_at(*b, "valueSet");
    if (auto ref = string_at(e, "contentReference"); !ref.empty()) {
      def.node_path = ref.substr(ref.find('#') + 1);  // "#Questionnaire.item"
      parent.elements.emplace(name, std::move(def));
      continue;
    }
    if (parents.contains(path)) {
      def.node_path = path;
      parent.elements.emplace(name, std::move(def));
      continue;
    }
    const auto types = e.find("type");
    if (types == e.end() || !types->is_array() || types->empty()) {
      throw std::runtime_error("FHIR definitions: element " + path + " has no type");
    }
    const bool choice = name.size() > 3 && name.ends_with("[x]");
    if (choice) name.resize(name.size() - 3);
    for (const auto& t : *types) {
      ElementDef d = def;
      d.type = type_code(t);
      d.kind = kind_of(d.type, primitives);
      // Resource.id is an `id` (http://hl7.org/fhir/R4/resource.html#id); the
      // snapshot types it as a System.String.
      if (is_resource && name == "id" && path.find('.') == dot) d.kind = ValueKind::id;
      if (d.kind == ValueKind::complex) d.node_path = d.type;
      if (choice) {
        d.fhirpath = name + ".ofType(" + d.type + ")";
        parent.elements.emplace(name + json_suffix(d.type), std::move(d));
      } else {
        parent.elements.emplace(name, std::move(d));
        break;  // only choice elements carry several types
      }
    }
  }
}

void link_nodes(ModelData& impl) {
  for (auto& [node_name, node] : impl.nodes) {
    for (auto& [prop, def] : node.elements) {
      if (def.kind != ValueKind::complex) continue;
      def.node = impl.find_node(def.node_path);
      if (def.node == nullptr) {
        throw std::runtime_error("FHIR definitions: type " + def.node_path + " of " + node_name + "." + prop +
                                 " is not defined");
      }
    }
  }
}

bool is_valid_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace carnet::fhir::detail
