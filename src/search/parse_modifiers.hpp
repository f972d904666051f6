#pragma once
// Private to the search module: the values of one criterion, by parameter type
// and modifier (http://hl7.org/fhir/R4/search.html#modifiers), including the
// token modifiers that need the terminology (:in, :not-in, :above, :below).

#include <optional>
#include <string_view>
#include <vector>

#include "carnet/search/query.hpp"
#include "search/parse_context.hpp"

namespace carnet::search::detail {

/// Splits `value` on ',' (OR) and parses each part for `param` with
/// `modifier` (not missing). `type_modifier` is the resource type of a
/// `:[type]` modifier (Modifier::type). Throws 400 naming `name` for a
/// modifier the type does not take or a malformed value; nullopt when the
/// criterion is left out (unsupported, lenient).
std::optional<std::vector<QueryValue>> parse_values(ParseContext& ctx, const SearchParameter& param,
                                                    Modifier modifier, std::string_view type_modifier,
                                                    std::string_view name, std::string_view value);

/// Splits `value` on ',' into unescaped non-empty parts; 400 naming `name` for an empty part.
std::vector<std::string> split_list(std::string_view value, std::string_view name);

}  // namespace carnet::search::detail
