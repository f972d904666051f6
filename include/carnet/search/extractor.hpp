#pragma once
/// Extraction of the search index entries of a resource at write time: every
/// search parameter of its type (Registry::for_type) is evaluated with its
/// FHIRPath expression and each result converted to typed values
/// (http://hl7.org/fhir/R4/search.html#ptypes).

#include <string>
#include <string_view>

#include "carnet/core/json.hpp"
#include "carnet/search/index_entries.hpp"
#include "carnet/search/parameters.hpp"

namespace carnet::search {

/// Extracts the index entries of `resource` (a valid resource of its
/// resourceType, as stored). `compartment_patients` (ids) is copied into the
/// result as given: the fhir::Model computes it. Never throws for content: a
/// value that cannot be indexed (an unparsable date) is skipped. Thread-safe.
/// `assigned_id`: the id the server gives a resource whose body has none (a
/// create), indexed as if the body had it — without copying the resource.
IndexEntries extract(const Registry& registry, const core::Json& resource,
                     std::vector<std::string> compartment_patients, std::string_view assigned_id = {});

/// The normalized form of a string for string search: Unicode letters without
/// accents (é → e, ß → ss, œ → oe...), lower case, punctuation other than
/// letters/digits turned into spaces, runs of spaces collapsed, trimmed.
/// "Évelyne  D'Arc" → "evelyne d arc". Used on both index and query sides.
std::string normalize_string(std::string_view text);

/// The implicit range of a decimal given its precision: "100" → [99.5, 100.5),
/// "1.50" → [1.495, 1.505), "1e2" → [50, 150). Exact decimal texts. nullopt when
/// `text` is not a decimal.
std::optional<NumberValue> number_range(std::string_view text);

/// The UCUM canonical form of a quantity for the simple units (SI prefixes
/// on g, L, m, s, mol, eq, plus common clinical units: %, mm[Hg], [iU], h, min,
/// d, wk...): the value in the canonical unit and the canonical code, or
/// nullopt when the unit is unknown.
struct CanonicalQuantity {
  std::string value;  ///< exact decimal text
  std::string code;   ///< canonical UCUM code ("g", "L", "mol/L"...)
};
std::optional<CanonicalQuantity> ucum_canonical(std::string_view value, std::string_view ucum_code);

}  // namespace carnet::search
