#pragma once
/// Private to the fhir module: a minimal JSON reader for the large, trusted
/// definition files. nlohmann's lexer copies every string character by character
/// (~70% of the load time of profiles-resources.json); this reader skips the
/// strings nobody keeps with memchr and decodes only the kept ones.
///
/// It calls the nlohmann SAX methods of `Handler` (null, boolean, number_integer,
/// number_unsigned, number_float, string, key, start/end_object, start/end_array)
/// plus two queries: `wants_key()` (false: the key text is not needed) and
/// `wants_value()` (false: the next string value is dropped, so its text is not needed).
/// Throws std::runtime_error naming the byte offset on malformed JSON.

#include <charconv>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace carnet::fhir::detail {

template <class Handler>
class JsonScanner {
 public:
  JsonScanner(const char* begin, const char* end, Handler& handler)
      : begin_(begin), p_(begin), end_(end), h_(handler) {}

  /// Reads one JSON value followed only by whitespace.
  void run() {
    value();
    ws();
    if (p_ != end_) fail("trailing characters");
  }

 private:
  [[noreturn]] void fail(const char* what) const {
    throw std::runtime_error(std::string(what) + " at byte " + std::to_string(p_ - begin_));
  }
  void ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  void expect(char c) {
    ws();
    if (p_ == end_ || *p_ != c) fail("unexpected character");
    ++p_;
  }
  void literal(const char* word) {
    const std::size_t n = std::strlen(word);
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) fail("invalid literal");
    p_ += n;
  }

  void value() {
    ws();
    if (p_ == end_) fail("unexpected end of input");
    switch (*p_) {
      case '{': return object();
      case '[': return array();
      case '"': {
        std::string s;
        string(h_.wants_value() ? &s : nullptr);
        h_.string(s);
        return;
      }
      case 't':
        literal("true");
        h_.boolean(true);
        return;
      case 'f':
        literal("false");
        h_.boolean(false);
        return;
      case 'n':
        literal("null");
        h_.null();
        return;
      default: return number();
    }
  }

  void object() {
    ++p_;
    h_.start_object(static_cast<std::size_t>(-1));
    ws();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      h_.end_object();
      return;
    }
    while (true) {
      ws();
      if (p_ == end_ || *p_ != '"') fail("expected a property name");
      std::string k;
      string(h_.wants_key() ? &k : nullptr);
      h_.key(k);
      expect(':');
      value();
      ws();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      expect('}');
      h_.end_object();
      return;
    }
  }

  void array() {
    ++p_;
    h_.start_array(static_cast<std::size_t>(-1));
    ws();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      h_.end_array();
      return;
    }
    while (true) {
      value();
      ws();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      expect(']');
      h_.end_array();
      return;
    }
  }

  // Reads a string at p_ ('"'); decodes it into `out` unless out is null.
  void string(std::string* out) {
    ++p_;
    const char* start = p_;
    bool escaped = false;
    while (true) {
      const void* q = std::memchr(p_, '"', static_cast<std::size_t>(end_ - p_));
      if (q == nullptr) fail("unterminated string");
      const char* quote = static_cast<const char*>(q);
      std::size_t backslashes = 0;
      for (const char* b = quote; b > start && b[-1] == '\\'; --b) ++backslashes;
      if (backslashes > 0) escaped = true;
      p_ = quote + 1;
      if (backslashes % 2 == 0) break;
    }
    const char* stop = p_ - 1;
    if (out == nullptr) return;
    if (!escaped && std::memchr(start, '\\', static_cast<std::size_t>(stop - start)) == nullptr) {
      out->assign(start, stop);
      return;
    }
    unescape(start, stop, *out);
  }

  void unescape(const char* s, const char* e, std::string& out) {
    out.reserve(static_cast<std::size_t>(e - s));
    while (s < e) {
      if (*s != '\\') {
        out.push_back(*s++);
        continue;
      }
      if (++s == e) fail("invalid escape");
      switch (*s++) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          std::uint32_t cp = hex4(s, e);
          if (cp >= 0xD800 && cp <= 0xDBFF && e - s >= 6 && s[0] == '\\' && s[1] == 'u') {
            s += 2;
            const std::uint32_t low = hex4(s, e);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          utf8(cp, out);
          break;
        }
        default: fail("invalid escape");
      }
    }
  }
  std::uint32_t hex4(const char*& s, const char* e) {
    if (e - s < 4) fail("invalid \\u escape");
    std::uint32_t v = 0;
    auto [ptr, ec] = std::from_chars(s, s + 4, v, 16);
    if (ec != std::errc() || ptr != s + 4) fail("invalid \\u escape");
    s += 4;
    return v;
  }
  static void utf8(std::uint32_t cp, std::string& out) {
    auto put = [&out](std::uint32_t byte) { out.push_back(static_cast<char>(byte)); };
    if (cp < 0x80) {
      put(cp);
    } else if (cp < 0x800) {
      put(0xC0 | (cp >> 6)), put(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      put(0xE0 | (cp >> 12)), put(0x80 | ((cp >> 6) & 0x3F)), put(0x80 | (cp & 0x3F));
    } else {
      put(0xF0 | (cp >> 18)), put(0x80 | ((cp >> 12) & 0x3F)), put(0x80 | ((cp >> 6) & 0x3F)),
          put(0x80 | (cp & 0x3F));
    }
  }

  void number() {
    const char* start = p_;
    bool is_float = false;
    while (p_ != end_ && (std::strchr("-+0123456789.eE", *p_) != nullptr)) {
      if (*p_ == '.' || *p_ == 'e' || *p_ == 'E') is_float = true;
      ++p_;
    }
    if (p_ == start) fail("unexpected character");
    if (!is_float) {
      std::int64_t i = 0;
      if (auto r = std::from_chars(start, p_, i); r.ec == std::errc() && r.ptr == p_) {
        h_.number_integer(i);
        return;
      }
      std::uint64_t u = 0;
      if (auto r = std::from_chars(start, p_, u); r.ec == std::errc() && r.ptr == p_) {
        h_.number_unsigned(u);
        return;
      }
    }
    double d = 0;
    auto r = std::from_chars(start, p_, d);
    if (r.ec != std::errc() || r.ptr != p_) fail("invalid number");
    std::string text(start, p_);
    h_.number_float(d, text);
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  Handler& h_;
};

}  // namespace carnet::fhir::detail
