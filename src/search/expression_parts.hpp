#pragma once
// Private: reading the official search parameter expressions as text. Many
// are unions over several resource types ("AllergyIntolerance.patient |
// Observation.subject.where(resolve() is Patient) | ..."); only the parts on
// one type can select anything on its resources.

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace carnet::search::detail {

/// The operands of the top-level union of `expression`, trimmed: "A.x | (B.y
/// as T)" → ["A.x", "(B.y as T)"]. A `|` inside parentheses, brackets or a
/// quoted string ('a|b', `x|y`) does not split. An expression that is not a
/// union is its only part.
std::vector<std::string_view> union_parts(std::string_view expression);

/// `expression` without the union parts that start from another resource type
/// than `type` ("Observation.subject | Condition.subject" on Observation →
/// "Observation.subject"). A part starts from a type when its first identifier
/// (after opening parentheses) is in `resource_types` and followed by `.`,
/// a space or `)`. Parts on `type`, on Resource/DomainResource or not led by a
/// type name are kept. Returns `expression` unchanged when every part is kept,
/// and also when none would be (it then selects nothing on `type` either way).
/// Evaluating the result on a `type` resource selects the same values, except
/// that a union that shrinks to one part no longer removes duplicates (the
/// same value indexed twice matches the same searches).
std::string expression_for_type(std::string_view expression, std::string_view type,
                                const std::unordered_set<std::string_view>& resource_types);

}  // namespace carnet::search::detail
