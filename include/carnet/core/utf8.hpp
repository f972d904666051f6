#pragma once
/// UTF-8 validity (RFC 3629): what PostgreSQL and JSON accept as text.

#include <string>
#include <string_view>

namespace carnet::core {

/// True when `text` is well-formed UTF-8: no overlong forms, no surrogates
/// (U+D800–U+DFFF), nothing above U+10FFFF, no truncated sequence.
bool is_valid_utf8(std::string_view text) noexcept;

/// `text` with every ill-formed sequence replaced by U+FFFD; `text` itself
/// when it is valid. For what must be stored whatever a client sent (the
/// audit trail).
std::string to_valid_utf8(std::string_view text);

}  // namespace carnet::core
