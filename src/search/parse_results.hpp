#pragma once
// Private to the search module: the parameters that shape the result rather
// than select resources (http://hl7.org/fhir/R4/search.html#return): _sort,
// _count, _cursor, _total, _summary, _elements, _include, _revinclude, and
// _type for system searches.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "search/parse_context.hpp"

namespace carnet::search::detail {

/// True for the parameters apply_result handles.
bool is_result_parameter(std::string_view code);

/// Applies result parameter `code` (with `modifier`, e.g. "iterate") to
/// ctx.query. `name` is the parameter as written. Returns the value to show
/// in the self link, or nullopt when it is not shown (_cursor, or all of it
/// ignored). Throws 400 naming `name` for a malformed value or modifier.
std::optional<std::string> apply_result(ParseContext& ctx, std::string_view code, std::string_view modifier,
                                        std::string_view name, std::string_view value);

/// The _type list of a system search: known resource types, without
/// duplicates, in the order given. Throws 400 for an unknown type.
std::vector<std::string> parse_types(const ParseContext& ctx, std::string_view name, std::string_view value);

}  // namespace carnet::search::detail
