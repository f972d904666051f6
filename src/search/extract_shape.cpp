// Telling FHIR data types apart for extraction
// (http://hl7.org/fhir/R4/datatypes.html): by the engine's type when known,
// else by the elements present.

#include "search/extract_shape.hpp"

#include <array>

namespace carnet::search::detail {
namespace {

namespace fp = fhir::fhirpath;

// ContactPoint.system codes (http://hl7.org/fhir/R4/valueset-contact-point-system.html):
// an Identifier's system is a URI, so these tell the two apart.
bool is_contact_system(std::string_view s) {
  static constexpr std::array<std::string_view, 7> kCodes{"phone", "fax", "email", "pager",
                                                          "url",   "sms", "other"};
  for (std::string_view c : kCodes)
    if (c == s) return true;
  return false;
}

bool has(const core::Json& j, const char* name) {
  return j.find(name) != j.end();
}

bool is_number(const core::Json& j) {
  return j.is_number() || core::is_decimal(j);
}

Shape shape_of_type(std::string_view t) {
  if (t == "Coding") return Shape::coding;
  if (t == "CodeableConcept") return Shape::codeable_concept;
  if (t == "Identifier") return Shape::identifier;
  if (t == "ContactPoint") return Shape::contact_point;
  if (t == "Quantity" || t == "Age" || t == "Duration" || t == "Distance" || t == "Count" ||
      t == "SimpleQuantity" || t == "MoneyQuantity")
    return Shape::quantity;
  if (t == "Money") return Shape::money;
  if (t == "Range") return Shape::range;
  if (t == "Period") return Shape::period;
  if (t == "Timing") return Shape::timing;
  if (t == "Reference") return Shape::reference;
  if (t == "HumanName") return Shape::human_name;
  if (t == "Address") return Shape::address;
  return Shape::none;
}

Shape shape_of_object(const core::Json& j) {
  if (has(j, "resourceType")) return Shape::resource;
  if (has(j, "coding")) return Shape::codeable_concept;
  if (has(j, "value") && is_number(j["value"])) return has(j, "currency") ? Shape::money : Shape::quantity;
  if (has(j, "low") || has(j, "high")) return Shape::range;
  if (has(j, "start") || has(j, "end")) return Shape::period;
  if (has(j, "event") || has(j, "repeat")) return Shape::timing;
  if (has(j, "family") || has(j, "given") || has(j, "prefix") || has(j, "suffix")) return Shape::human_name;
  if (has(j, "line") || has(j, "city") || has(j, "district") || has(j, "state") || has(j, "postalCode") ||
      has(j, "country"))
    return Shape::address;
  if (has(j, "reference")) return Shape::reference;
  if (has(j, "value") && j["value"].is_string()) {
    if (has(j, "system") && is_contact_system(string_member(j, "system"))) return Shape::contact_point;
    return Shape::identifier;
  }
  if (has(j, "code") || has(j, "system")) return Shape::coding;
  if (has(j, "identifier")) return Shape::reference;   // a logical reference only
  if (has(j, "display")) return Shape::coding;         // display only: still searchable by :text
  if (has(j, "text")) return Shape::codeable_concept;  // a concept given as text only
  return Shape::other_object;
}

}  // namespace

std::string_view string_member(const core::Json& object, std::string_view name) {
  if (!object.is_object()) return {};
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

Shape shape_of(const fp::Value& value) {
  switch (value.kind) {
    case fp::Kind::kString:
    case fp::Kind::kDate:
    case fp::Kind::kDateTime:
    case fp::Kind::kTime: return Shape::string_primitive;
    case fp::Kind::kBoolean: return Shape::boolean_primitive;
    case fp::Kind::kInteger:
    case fp::Kind::kDecimal: return Shape::number_primitive;
    case fp::Kind::kQuantity: return Shape::none;
    case fp::Kind::kNode: break;
  }
  if (value.json == nullptr) return Shape::none;
  const core::Json& j = *value.json;
  if (j.is_string()) return Shape::string_primitive;
  if (j.is_boolean()) return Shape::boolean_primitive;
  if (is_number(j)) return Shape::number_primitive;
  if (!j.is_object()) return Shape::none;
  if (!value.type.empty()) {
    Shape typed = shape_of_type(value.type);
    if (typed != Shape::none) return typed;
  }
  return shape_of_object(j);
}

std::string primitive_text(const fp::Value& value) {
  switch (value.kind) {
    case fp::Kind::kBoolean: return value.boolean ? "true" : "false";
    case fp::Kind::kInteger: return std::to_string(value.integer);
    case fp::Kind::kString:
    case fp::Kind::kDecimal:
    case fp::Kind::kDate:
    case fp::Kind::kDateTime:
    case fp::Kind::kTime: return value.text;
    case fp::Kind::kQuantity: return {};
    case fp::Kind::kNode: break;
  }
  if (value.json == nullptr) return {};
  const core::Json& j = *value.json;
  if (j.is_string()) return j.get<std::string>();
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  return core::number_text(j);
}

}  // namespace carnet::search::detail
