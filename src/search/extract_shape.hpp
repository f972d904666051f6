#pragma once
// Private: what kind of FHIR value a FHIRPath result is. The engine knows the
// type of choice elements (valueQuantity) and resources; other nodes carry no
// type, so their JSON shape decides (Coding has system/code, HumanName
// family/given...), as FHIR data types are recognisable by their elements.

#include <string>
#include <string_view>

#include "carnet/core/json.hpp"
#include "carnet/fhir/fhirpath/value.hpp"

namespace carnet::search::detail {

enum class Shape {
  none,  ///< nothing indexable (extension-only primitive, unknown object)
  string_primitive,
  boolean_primitive,
  number_primitive,
  coding,
  codeable_concept,
  identifier,
  contact_point,
  quantity,  ///< Quantity and its profiles: Age, Duration, Distance, Count, SimpleQuantity
  money,
  range,
  period,
  timing,
  reference,
  human_name,
  address,
  resource,
  other_object,
};

/// The shape of `value` (a node or a System value: String, Boolean, Decimal,
/// Integer, Date/DateTime map to the primitive shapes; Quantity to quantity only
/// when it is a node). Uses the FHIR type when the engine knows it.
Shape shape_of(const fhir::fhirpath::Value& value);

/// The string member `name` of `object`, or "" when absent or not a string.
std::string_view string_member(const core::Json& object, std::string_view name);

/// The text of a System value or a primitive node: strings as they are,
/// booleans "true"/"false", numbers as their exact text; "" for objects.
std::string primitive_text(const fhir::fhirpath::Value& value);

}  // namespace carnet::search::detail
