#pragma once
// Private: composite values (http://hl7.org/fhir/R4/search.html#composite):
// the components are taken from the same element, so that "code = LOINC x and
// value > 5" cannot pair the code of one component with the value of another.

#include <vector>

#include "carnet/fhir/fhirpath/expression.hpp"
#include "carnet/search/index_entries.hpp"
#include "carnet/search/parameters.hpp"

namespace carnet::search::detail {

/// Most combinations kept per element: the cross product of components with
/// many values each (a code with 5 codings × 5 values...) stays bounded.
inline constexpr std::size_t kMaxCombinations = 64;

/// For each element of `elements` (what the composite's own expression
/// selected), evaluates each component's expression on it and adds the cross
/// product of the component values to `out`. An element where one component
/// has no value adds nothing. Throws fhirpath::EvaluationError like evaluate().
void add_composites(const SearchParameter& parameter, const fhir::fhirpath::Collection& elements,
                    const core::Json& resource, const fhir::fhirpath::EvaluationOptions& options,
                    std::vector<Entry<CompositeValue>>& out);

}  // namespace carnet::search::detail
