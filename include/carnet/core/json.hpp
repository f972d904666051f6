#pragma once
/// JSON as FHIR needs it: element order kept (ordered_json), decimals kept as the
/// exact text the client sent (FHIR R4 §2.1.0 "decimal": 1.50 ≠ 1.5), duplicate
/// keys and over-deep nesting refused.
///
/// A decimal is stored inside the Json tree as a binary value with subtype
/// kDecimalSubtype whose bytes are its original text. Parsing JSON text never
/// produces binary values, so the encoding cannot collide with client data.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace carnet::core {

using Json = nlohmann::ordered_json;

/// Binary subtype that marks an exact-text decimal.
inline constexpr std::uint8_t kDecimalSubtype = 0xDE;

/// Parses `text` keeping decimals exact. Throws Error 400 (code "structure")
/// naming line/column for malformed JSON, duplicate keys, or nesting deeper than
/// `max_depth` levels of objects/arrays. Thread-safe.
Json parse_json(std::string_view text, std::size_t max_depth = 64);

/// Serialises `value`, writing decimals back verbatim. `indent` < 0 is compact.
std::string to_json_text(const Json& value, int indent = -1);

/// Appends the serialisation of `value` to `out`.
void append_json_text(std::string& out, const Json& value, int indent = -1);

/// True when `value` holds an exact-text decimal.
bool is_decimal(const Json& value) noexcept;

/// Makes a decimal from its text (the caller guarantees JSON number syntax).
Json make_decimal(std::string_view text);

/// The text of a decimal or any JSON number; empty for other values.
std::string number_text(const Json& value);

/// Appends `text` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view text);
/// Appends `text` escaped for a JSON string, without the quotes (to write one
/// string from several pieces).
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace carnet::core
