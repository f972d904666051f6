#include "search/expression_parts.hpp"

#include <cctype>

namespace carnet::search::detail {
namespace {

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// The resource type a part starts from, or "" when it does not start with an
// identifier followed by '.', ' ' or ')'.
std::string_view leading_type(std::string_view part) {
  std::size_t i = 0;
  while (i < part.size() && (part[i] == '(' || part[i] == ' ')) ++i;
  const std::size_t start = i;
  while (i < part.size() && is_identifier_char(part[i])) ++i;
  if (i == start || i == part.size()) return {};
  if (part[i] != '.' && part[i] != ' ' && part[i] != ')') return {};
  return part.substr(start, i - start);
}

}  // namespace

std::vector<std::string_view> union_parts(std::string_view expr) {
  std::vector<std::string_view> parts;
  int depth = 0;
  char quote = 0;  // inside '...' or `...`
  std::size_t start = 0;
  for (std::size_t i = 0; i < expr.size(); ++i) {
    const char c = expr[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;  // an escaped character, the closing quote included
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '`') {
      quote = c;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      --depth;
    } else if (c == '|' && depth == 0) {
      parts.push_back(trim(expr.substr(start, i - start)));
      start = i + 1;
    }
  }
  parts.push_back(trim(expr.substr(start)));
  return parts;
}

std::string expression_for_type(std::string_view expression, std::string_view type,
                                const std::unordered_set<std::string_view>& resource_types) {
  const auto parts = union_parts(expression);
  std::string kept;
  std::size_t count = 0;
  for (std::string_view part : parts) {
    const std::string_view from = leading_type(part);
    if (!from.empty() && from != type && resource_types.count(from) != 0) continue;
    if (!kept.empty()) kept += " | ";
    kept += part;
    ++count;
  }
  if (count == parts.size() || count == 0) return std::string(expression);
  return kept;
}

}  // namespace carnet::search::detail
