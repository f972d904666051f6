// FHIRPath lexer: http://hl7.org/fhirpath/N1/grammar.html (lexical rules).

#include <cctype>
#include <string>

#include "carnet/fhir/fhirpath/expression.hpp"
#include "fhir/fhirpath/ast.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || is_digit(c);
}

[[noreturn]] void fail(std::string_view what, std::size_t at) {
  throw ParseError("FHIRPath syntax error at offset " + std::to_string(at) + ": " + std::string(what));
}

// Decodes the escapes of a quoted string or delimited identifier.
std::string read_quoted(std::string_view s, std::size_t& i, char quote) {
  std::string out;
  const std::size_t start = i;
  ++i;
  while (i < s.size() && s[i] != quote) {
    char c = s[i];
    if (c == '\\') {
      if (i + 1 >= s.size()) fail("unterminated escape", i);
      char e = s[++i];
      switch (e) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          auto hex4 = [&](std::size_t at, unsigned& v) {
            if (at + 4 > s.size()) return false;
            v = 0;
            for (std::size_t k = at; k < at + 4; ++k) {
              int d = std::isxdigit(static_cast<unsigned char>(s[k])) != 0
                          ? (std::isdigit(static_cast<unsigned char>(s[k])) != 0
                                 ? s[k] - '0'
                                 : (std::tolower(static_cast<unsigned char>(s[k])) - 'a' + 10))
                          : -1;
              if (d < 0) return false;
              v = v * 16 + static_cast<unsigned>(d);
            }
            return true;
          };
          unsigned cp = 0;
          if (!hex4(i + 1, cp)) {  // Not an escape: keep the 'u' (as fhirpath.js does).
            out += 'u';
            break;
          }
          i += 4;
          unsigned low = 0;
          if (cp >= 0xD800 && cp <= 0xDBFF && s.compare(i + 1, 2, "\\u") == 0 && hex4(i + 3, low) &&
              low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
          if (cp >= 0x10000) {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          } else if (cp < 0x80) {
            out += static_cast<char>(cp);
          } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          } else {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          }
          break;
        }
        default: out += e; break;  // \' \" \` \\ \/
      }
      ++i;
      continue;
    }
    out += c;
    ++i;
  }
  if (i >= s.size()) fail("unterminated string", start);
  ++i;
  return out;
}

std::size_t digits(std::string_view s, std::size_t i, std::size_t n) {
  std::size_t k = 0;
  while (k < n && i + k < s.size() && is_digit(s[i + k])) ++k;
  return k;
}

// Scans the time part hh(:mm(:ss(.fff)?)?)? starting at i; returns the end.
std::size_t scan_time(std::string_view s, std::size_t i) {
  if (digits(s, i, 2) != 2) return i;
  i += 2;
  if (i + 2 < s.size() && s[i] == ':' && digits(s, i + 1, 2) == 2) {
    i += 3;
    if (i + 2 < s.size() && s[i] == ':' && digits(s, i + 1, 2) == 2) {
      i += 3;
      if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
        ++i;
        while (i < s.size() && is_digit(s[i])) ++i;
      }
    }
  }
  return i;
}

std::size_t scan_tz(std::string_view s, std::size_t i) {
  if (i < s.size() && s[i] == 'Z') return i + 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-') && digits(s, i + 1, 2) == 2 && i + 3 < s.size() &&
      s[i + 3] == ':' && digits(s, i + 4, 2) == 2)
    return i + 6;
  return i;
}

}  // namespace

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (true) {
    while (i < s.size()) {
      if (std::isspace(static_cast<unsigned char>(s[i])) != 0) {
        ++i;
      } else if (s.compare(i, 2, "//") == 0) {
        while (i < s.size() && s[i] != '\n') ++i;
      } else if (s.compare(i, 2, "/*") == 0) {
        std::size_t end = s.find("*/", i + 2);
        if (end == std::string_view::npos) fail("unterminated comment", i);
        i = end + 2;
      } else {
        break;
      }
    }
    Token t;
    t.offset = i;
    if (i >= s.size()) {
      out.push_back(t);
      return out;
    }
    char c = s[i];
    if (is_ident_start(c)) {
      std::size_t b = i;
      while (i < s.size() && is_ident_char(s[i])) ++i;
      t.kind = TokenKind::kIdentifier;
      t.text = std::string(s.substr(b, i - b));
    } else if (c == '`') {
      t.kind = TokenKind::kDelimited;
      t.text = read_quoted(s, i, '`');
    } else if (c == '\'') {
      t.kind = TokenKind::kString;
      t.text = read_quoted(s, i, '\'');
    } else if (is_digit(c)) {
      std::size_t b = i;
      while (i < s.size() && is_digit(s[i])) ++i;
      if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
        ++i;
        while (i < s.size() && is_digit(s[i])) ++i;
      }
      t.kind = TokenKind::kNumber;
      t.text = std::string(s.substr(b, i - b));
      if (i < s.size() && s[i] == 'L') {  // Long literal: kept as Integer.
        ++i;
      }
    } else if (c == '@') {
      std::size_t b = ++i;
      if (i < s.size() && s[i] == 'T') {
        std::size_t e = scan_time(s, i + 1);
        if (e == i + 1) fail("bad time literal", b);
        t.kind = TokenKind::kTime;
        t.text = std::string(s.substr(i + 1, e - i - 1));
        i = e;
      } else {
        if (digits(s, i, 4) != 4) fail("bad date literal", b);
        i += 4;
        if (i + 2 < s.size() && s[i] == '-' && digits(s, i + 1, 2) == 2) {
          i += 3;
          if (i + 2 < s.size() && s[i] == '-' && digits(s, i + 1, 2) == 2) i += 3;
        }
        if (i < s.size() && s[i] == 'T') {
          i = scan_tz(s, scan_time(s, i + 1));
        } else {
          // A date with a time zone is not a valid literal, but Z after a
          // full date is tolerated by some engines: reject for strictness.
        }
        t.kind = TokenKind::kDateTime;
        t.text = std::string(s.substr(b, i - b));
      }
    } else if (c == '%') {
      ++i;
      t.kind = TokenKind::kVariable;
      if (i < s.size() && (s[i] == '`' || s[i] == '\'')) {
        t.text = read_quoted(s, i, s[i]);
      } else {
        std::size_t b = i;
        while (i < s.size() && (is_ident_char(s[i]) || s[i] == '-')) ++i;
        if (b == i) fail("empty variable name", b);
        t.text = std::string(s.substr(b, i - b));
      }
    } else if (c == '$') {
      std::size_t b = i++;
      while (i < s.size() && is_ident_char(s[i])) ++i;
      t.kind = TokenKind::kIdentifier;
      t.text = std::string(s.substr(b, i - b));
    } else {
      static constexpr std::string_view kTwo[] = {"<=", ">=", "!=", "!~"};
      t.kind = TokenKind::kSymbol;
      for (auto two : kTwo) {
        if (s.compare(i, 2, two) == 0) t.text = std::string(two);
      }
      if (t.text.empty()) {
        if (std::string_view("+-*/|&<>=~()[]{}.,").find(c) == std::string_view::npos)
          fail(std::string("unexpected character '") + c + "'", i);
        t.text = std::string(1, c);
      }
      i += t.text.size();
    }
    out.push_back(std::move(t));
  }
}

}  // namespace carnet::fhir::fhirpath::detail
