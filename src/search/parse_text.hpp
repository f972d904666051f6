#pragma once
// Private to the search module: the character-level grammar of search values
// (http://hl7.org/fhir/R4/search.html#escaping and #prefix). Values stay
// escaped while they are split on ',', '$' and '|', and are unescaped last.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "carnet/search/query.hpp"

namespace carnet::search::detail {

/// Splits `text` on each `separator` not preceded by a backslash escape. The
/// parts keep their escapes. "a\,b,c" on ',' → {"a\,b", "c"}; "" → {""}.
std::vector<std::string_view> split_escaped(std::string_view text, char separator);

/// Removes the escapes `\,` `\$` `\|` `\\`. A backslash before another
/// character, or at the end, is kept as written.
std::string unescape(std::string_view text);

/// The comparison prefix at the start of a number/date/quantity value and the
/// rest of the value. No prefix = eq. nullopt when the value starts with two
/// lower-case letters that are not a prefix ("xx2020").
std::optional<std::pair<Prefix, std::string_view>> split_prefix(std::string_view value);

/// The modifier named `text` ("exact", "not-in"...), or nullopt when it is not
/// one (it may then be a resource type, for references).
std::optional<Modifier> modifier_from_text(std::string_view text);

}  // namespace carnet::search::detail
