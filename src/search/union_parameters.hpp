#pragma once
// Private: parameters whose values are exactly those of other parameters of
// their type are not written a second time. R4's Observation combo-code is
// "Observation.code | Observation.component.code", the union of code and
// component-code; `patient` on some 30 types is "X.subject.where(resolve() is
// Patient)", the subject references of type Patient. A search on them reads
// the other parameters' rows (SearchParameter::stored_under).

#include "search/registry_builder.hpp"

namespace carnet::search::detail {

/// Sets SearchParameter::stored_under (and stored_target_type) on the
/// parameters of `tables` whose values are other parameters' rows, compared
/// on their expressions' parts on their own type (expression_for_type):
/// - P = Q.where(resolve() is T), every part so, one T (a reference Q): P is
///   Q's rows of target type T (Observation patient: subject's Patient rows).
///   Exact for every reference the index stores with a type ("T/id", absolute
///   ".../T/id", versioned); a `#contained` T reference that carries an
///   identifier is the one difference: its row has no target type, so
///   `patient:identifier=` no longer finds it;
/// - P = Q1 | Q2 | ..., at least two parts, each Q's parts among P's and the Qs
///   covering them, with the same kind of value (ParamType, implicit_system;
///   composites: the same components): P is the Qs' rows (combo-code).
/// A parameter others are stored under is never stored elsewhere. Also sets
/// SearchParameter::same_code. Clears what it sets first: call it again after
/// implicit_system changes.
void link_union_parameters(RegistryTables& tables);

}  // namespace carnet::search::detail
