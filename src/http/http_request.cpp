#include <string_view>

#include "carnet/http/server.hpp"

namespace carnet::http {

namespace {

// ASCII-only on purpose: header names are tokens (RFC 7230 §3.2.6), and a
// locale-aware tolower would make the lookup depend on the process locale.
char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace

const std::string* HttpRequest::header(std::string_view name) const {
  // Names are stored lower-case, but a caller passing "Content-Type" should not
  // silently get nullptr: compare case-insensitively, it costs nothing here.
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

}  // namespace carnet::http
