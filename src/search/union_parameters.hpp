#pragma once
// Private: parameters whose values are exactly those of other parameters of
// their type. R4's Observation has six: combo-code is "Observation.code |
// Observation.component.code", the union of code and component-code;
// combo-value-quantity, combo-code-value-quantity... likewise. Their values are
// not written a second time: a search on combo-code reads the rows of code and
// of component-code (SearchParameter::stored_under).

#include "search/registry_builder.hpp"

namespace carnet::search::detail {

/// Sets SearchParameter::stored_under on each parameter P of `tables` whose
/// expression (the parts on its own type, expression_for_type) is a union of
/// at least two parts, each of them the whole expression of another parameter
/// Q of the same type with the same kind of value (same ParamType, same
/// implicit_system; for composites the same components) that is not itself
/// stored under others. P must be the only parameter with its code (no other
/// type defines it): searches across types name each type's key by code.
/// Clears it on the others. Call again after implicit_system changes.
void link_union_parameters(RegistryTables& tables);

}  // namespace carnet::search::detail
