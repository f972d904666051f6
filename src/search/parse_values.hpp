#pragma once
// Private to the search module: one search value (escaped, as split on ',')
// into its query.hpp struct, by parameter type (http://hl7.org/fhir/R4/search.html#ptypes).
// Each parser throws core::Error 400 naming parameter `name` for a malformed value.

#include <string_view>

#include "carnet/search/parameters.hpp"
#include "carnet/search/query.hpp"

namespace carnet::search::detail {

/// `[code]`, `system|code`, `|code`, `system|`.
TokenQuery parse_token(std::string_view raw, std::string_view name);

/// Any non-empty text: normalized form and the text as sent.
StringQuery parse_string(std::string_view raw, std::string_view name);

/// `[prefix]date`: the range the date denotes (core::parse_fhir_date_range).
DateQuery parse_date(std::string_view raw, std::string_view name);

/// `[prefix]decimal` with the implicit range of its precision.
NumberQuery parse_number(std::string_view raw, std::string_view name);

/// `[prefix]number`, `[prefix]number|system|code`, `[prefix]number||code`; with
/// the UCUM canonical form when the system is UCUM or absent and the unit converts.
QuantityQuery parse_quantity(std::string_view raw, std::string_view name);

/// `id`, `Type/id`, `Type/id/_history/vid`, an absolute URL (split into type
/// and id too when it ends in Type/id), a canonical `url|version`. `param`
/// (may be null, for composite components) restricts the types to its targets.
ReferenceQuery parse_reference(std::string_view raw, std::string_view name, const Registry& registry,
                               const SearchParameter* param);

/// :identifier on a reference: `value`, `system|value`, `|value`.
ReferenceQuery parse_reference_identifier(std::string_view raw, std::string_view name);

/// A non-empty URI, unescaped.
UriQuery parse_uri(std::string_view raw, std::string_view name);

/// `a$b...`: one component per component of `param`, each by its type.
CompositeQuery parse_composite(std::string_view raw, std::string_view name, const SearchParameter& param,
                               const Registry& registry);

/// The value of `param` without modifier, by its type. Throws 400 for a
/// special parameter (the caller handles those before).
QueryValue parse_plain(std::string_view raw, std::string_view name, const SearchParameter& param,
                       const Registry& registry);

}  // namespace carnet::search::detail
