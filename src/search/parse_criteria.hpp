#pragma once
// Private to the search module: one search criterion `name=value` from its name
// grammar (http://hl7.org/fhir/R4/search.html): `code[:modifier]`, chains
// (`subject:Patient.name`, any depth), reverse chains (`_has:Type:ref:...`,
// nested) and the resource-level parameters _id, _lastUpdated, _text,
// _content and _list.

#include <optional>
#include <string_view>

#include "carnet/search/query.hpp"
#include "search/parse_context.hpp"

namespace carnet::search::detail {

/// The criterion `name=value` on resources of `type` ("" = the types of a
/// system search). `full_name` is the parameter as the client wrote it, for
/// messages. Throws 400 naming it for a malformed name or value; nullopt when
/// the criterion is left out (unknown or unsupported parameter, lenient).
std::optional<Criterion> parse_criterion(ParseContext& ctx, std::string_view type, std::string_view name,
                                         std::string_view value, std::string_view full_name);

}  // namespace carnet::search::detail
