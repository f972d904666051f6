// The character-level grammar of search values: escapes, separators, prefixes
// and modifier names (http://hl7.org/fhir/R4/search.html#escaping, #prefix, #modifiers).

#include "search/parse_text.hpp"

#include <array>

namespace carnet::search::detail {
namespace {

constexpr std::array<std::pair<std::string_view, Prefix>, 9> kPrefixes{{
    {"eq", Prefix::eq},
    {"ne", Prefix::ne},
    {"gt", Prefix::gt},
    {"lt", Prefix::lt},
    {"ge", Prefix::ge},
    {"le", Prefix::le},
    {"sa", Prefix::sa},
    {"eb", Prefix::eb},
    {"ap", Prefix::ap},
}};

constexpr std::array<std::pair<std::string_view, Modifier>, 11> kModifiers{{
    {"missing", Modifier::missing},
    {"exact", Modifier::exact},
    {"contains", Modifier::contains},
    {"text", Modifier::text},
    {"not", Modifier::not_},
    {"above", Modifier::above},
    {"below", Modifier::below},
    {"in", Modifier::in},
    {"not-in", Modifier::not_in},
    {"of-type", Modifier::of_type},
    {"identifier", Modifier::identifier},
}};

bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}

}  // namespace

std::vector<std::string_view> split_escaped(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;  // the escaped character is never a separator
      continue;
    }
    if (text[i] == separator) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      const char next = text[i + 1];
      if (next == ',' || next == '$' || next == '|' || next == '\\') {
        out.push_back(next);
        ++i;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

std::optional<std::pair<Prefix, std::string_view>> split_prefix(std::string_view value) {
  // A prefix is two lower-case letters; numbers and dates start with a digit
  // or a sign, so anything else lower-case is a malformed prefix.
  if (value.size() < 2 || !is_lower(value[0]) || !is_lower(value[1])) return std::pair{Prefix::eq, value};
  for (const auto& [text, prefix] : kPrefixes)
    if (value.substr(0, 2) == text) return std::pair{prefix, value.substr(2)};
  return std::nullopt;
}

std::optional<Modifier> modifier_from_text(std::string_view text) {
  for (const auto& [name, modifier] : kModifiers)
    if (text == name) return modifier;
  return std::nullopt;
}

}  // namespace carnet::search::detail
