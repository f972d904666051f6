// Navigation of the FHIR JSON tree (FHIR R4 §2.6.2 JSON representation: choice
// elements `value[x]`, primitive extensions `_name`) and FHIR type checks
// (http://hl7.org/fhirpath/N1/#types-and-reflection).

#include <cctype>
#include <string>

#include "fhir/fhirpath/engine.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

constexpr std::string_view kPrimitives[] = {
    "boolean",      "integer",  "string",      "decimal",     "uri",  "url",      "canonical",
    "base64Binary", "instant",  "date",        "dateTime",    "time", "code",     "oid",
    "id",           "markdown", "unsignedInt", "positiveInt", "uuid", "integer64"};

bool is_primitive(std::string_view t) {
  for (auto p : kPrimitives)
    if (p == t) return true;
  return false;
}

// "String" → "string", "DateTime" → "dateTime"; complex types unchanged.
std::string choice_type(std::string_view suffix) {
  std::string lower(suffix);
  lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
  return is_primitive(lower) ? lower : std::string(suffix);
}

std::string resource_type_of(const core::Json& j) {
  if (!j.is_object()) return {};
  auto rt = j.find("resourceType");
  return rt != j.end() && rt->is_string() ? rt->get<std::string>() : std::string();
}

// Without a model, recognise the common data types by their shape.
std::string infer_complex(const core::Json& j) {
  if (j.contains("resourceType")) return resource_type_of(j);
  if (j.contains("coding")) return "CodeableConcept";
  if (j.contains("reference") || (j.contains("identifier") && j.contains("type") && j.size() <= 3))
    return "Reference";
  if (j.contains("value") && (j["value"].is_number() || core::is_decimal(j["value"])) &&
      (j.contains("unit") || j.contains("code") || j.contains("system")))
    return "Quantity";
  if (j.contains("url") && j.size() <= 3) return "Extension";
  if (j.contains("family") || j.contains("given")) return "HumanName";
  if (j.contains("start") || j.contains("end")) return "Period";
  if (j.contains("system") && j.contains("code")) return "Coding";
  if (j.contains("system") && j.contains("value")) return "Identifier";
  return {};
}

// "_" + name, built without operator+ (GCC 12 -O3 reports a false -Wrestrict there).
std::string underscored(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  out.push_back('_');
  out.append(name.data(), name.size());
  return out;
}

bool derives_from(std::string_view t, std::string_view base) {
  if (t == base) return true;
  if (base == "string") return t == "code" || t == "id" || t == "markdown";
  if (base == "uri") return t == "url" || t == "canonical" || t == "oid" || t == "uuid";
  if (base == "integer") return t == "positiveInt" || t == "unsignedInt";
  if (base == "Quantity")
    return t == "Age" || t == "Duration" || t == "Distance" || t == "Count" || t == "SimpleQuantity" ||
           t == "MoneyQuantity";
  return false;
}

std::string system_name(Kind k) {
  switch (k) {
    case Kind::kBoolean: return "Boolean";
    case Kind::kInteger: return "Integer";
    case Kind::kDecimal: return "Decimal";
    case Kind::kString: return "String";
    case Kind::kDate: return "Date";
    case Kind::kDateTime: return "DateTime";
    case Kind::kTime: return "Time";
    case Kind::kQuantity: return "Quantity";
    case Kind::kNode: break;
  }
  return {};
}

}  // namespace

void Evaluator::children_named(const Value& v, std::string_view name, Collection& out) const {
  if (v.kind != Kind::kNode) return;
  const core::Json* holder = v.json != nullptr && v.json->is_object() ? v.json : nullptr;
  // A primitive's id and extension live in its `_name` sibling.
  if (holder == nullptr && v.extension != nullptr && v.extension->is_object()) holder = v.extension;
  if (holder == nullptr) return;
  const core::Json& j = *holder;
  std::string ext_key = underscored(name);
  auto it = j.find(name);
  auto ext = j.find(ext_key);
  auto push = [&](const core::Json* value, const core::Json* extension, const std::string& declared) {
    const core::Json* x = value != nullptr && value->is_null() ? nullptr : value;
    const core::Json* e = extension != nullptr && extension->is_null() ? nullptr : extension;
    if (x == nullptr && e == nullptr) return;
    std::string type = declared;
    if (x != nullptr && x->is_object() && x->contains("resourceType")) type = resource_type_of(*x);
    out.push_back(make_node(x, e, std::move(type)));
  };
  auto push_all = [&](const core::Json* value, const core::Json* extension, const std::string& type) {
    const bool value_array = value != nullptr && value->is_array();
    const bool ext_array = extension != nullptr && extension->is_array();
    if (value_array || ext_array) {
      std::size_t n = std::max(value_array ? value->size() : 0, ext_array ? extension->size() : 0);
      for (std::size_t k = 0; k < n; ++k)
        push(value_array && k < value->size() ? &(*value)[k] : nullptr,
             ext_array && k < extension->size() ? &(*extension)[k] : nullptr, type);
    } else {
      push(value, extension, type);
    }
  };
  if (it != j.end() || ext != j.end()) {
    std::string type =
        options_.model != nullptr ? options_.model->element_type(type_of(v), name) : std::string();
    push_all(it != j.end() ? &*it : nullptr, ext != j.end() ? &*ext : nullptr, type);
    return;
  }
  // Choice element: name + capitalised type suffix.
  for (auto c = j.begin(); c != j.end(); ++c) {
    const std::string& key = c.key();
    if (key.size() > name.size() && key.compare(0, name.size(), name) == 0 &&
        std::isupper(static_cast<unsigned char>(key[name.size()])) != 0) {
      auto e = j.find(underscored(key));
      push_all(&c.value(), e != j.end() ? &*e : nullptr,
               choice_type(std::string_view(key).substr(name.size())));
    }
  }
  for (auto c = j.begin(); c != j.end(); ++c) {
    const std::string& key = c.key();
    if (key.size() > name.size() + 1 && key[0] == '_' && key.compare(1, name.size(), name) == 0 &&
        std::isupper(static_cast<unsigned char>(key[name.size() + 1])) != 0 && !j.contains(key.substr(1)))
      push_all(nullptr, &c.value(), choice_type(std::string_view(key).substr(name.size() + 1)));
  }
}

void Evaluator::all_children(const Value& v, Collection& out) const {
  if (v.kind != Kind::kNode) return;
  const core::Json* holder = v.json != nullptr && v.json->is_object() ? v.json : nullptr;
  if (holder == nullptr && v.extension != nullptr && v.extension->is_object()) holder = v.extension;
  if (holder == nullptr) return;
  for (auto c = holder->begin(); c != holder->end(); ++c) {
    const std::string& key = c.key();
    if (key == "resourceType") continue;
    if (key[0] == '_') {
      if (holder->contains(key.substr(1))) continue;
      children_named(v, std::string_view(key).substr(1), out);
      continue;
    }
    children_named(v, key, out);
  }
}

std::string Evaluator::type_of(const Value& v) const {
  if (v.kind != Kind::kNode) return system_name(v.kind);
  if (!v.type.empty()) return v.type;
  if (v.json == nullptr) return {};
  const core::Json& j = *v.json;
  if (j.is_boolean()) return "boolean";
  if (core::is_decimal(j) || j.is_number_float()) return "decimal";
  if (j.is_number_integer()) return "integer";
  if (j.is_string()) return "string";
  if (j.is_object()) return infer_complex(j);
  return {};
}

bool Evaluator::is_type(const Value& v, std::string_view spec) const {
  std::string_view ns;
  std::string_view name = spec;
  if (auto dot = spec.find('.'); dot != std::string_view::npos) {
    ns = spec.substr(0, dot);
    name = spec.substr(dot + 1);
  }
  if (v.kind != Kind::kNode) return ns != "FHIR" && system_name(v.kind) == name;
  std::string t = type_of(v);
  if (t.empty()) return false;
  if (ns == "System") {
    // An untyped JSON primitive stands for its System value.
    if (!v.type.empty()) return false;
    Value s = to_system(v);
    return s.kind != Kind::kNode && system_name(s.kind) == name;
  }
  if (derives_from(t, name)) return true;
  if (options_.model != nullptr && options_.model->is_subtype(t, name)) return true;
  const bool resource = v.json != nullptr && v.json->is_object() && v.json->contains("resourceType");
  if (name == "Element" && !resource) return true;
  if (resource) {
    if (name == "Resource") return true;
    if (name == "DomainResource") return t != "Bundle" && t != "Binary" && t != "Parameters";
  }
  if (v.type.empty() && ns.empty() && v.json != nullptr && !v.json->is_object()) {
    // Untyped primitive: also answer to the System name (String, Integer...).
    Value s = to_system(v);
    if (s.kind != Kind::kNode && system_name(s.kind) == name) return true;
  }
  return false;
}

}  // namespace carnet::fhir::fhirpath::detail
