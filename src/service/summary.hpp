#pragma once
// _summary and _elements on search results: the resource texts reduced to the
// elements asked for, tagged SUBSETTED (http://hl7.org/fhir/R4/search.html#summary,
// #elements).

#include <string>
#include <vector>

#include "carnet/fhir/model.hpp"
#include "carnet/search/query.hpp"

namespace carnet::service {

/// True when `summary` / `elements` ask for less than whole resources
/// (_summary=true|text|data or a non-empty _elements).
bool subsets(search::Summary summary, const std::vector<std::string>& elements);

/// `resource_text` (a stored resource) reduced to top-level elements:
/// - Summary::yes: resourceType, id, meta and the elements with
///   ElementDefinition.isSummary or min > 0;
/// - text: resourceType, id, meta, text and the mandatory elements;
/// - data: everything but text;
/// - otherwise, with `elements` (names such as "name" or "value", without type
///   suffix): resourceType, id, meta, the named and the mandatory elements.
/// A primitive's `_name` sibling follows `name`. meta.tag gets the SUBSETTED
/// code (http://terminology.hl7.org/CodeSystem/v3-ObservationValue). Decimals
/// and element order are kept. Throws core::Error when the text is not JSON.
std::string subset_resource(const std::string& resource_text, search::Summary summary,
                            const std::vector<std::string>& elements, const fhir::Model& model);

}  // namespace carnet::service
