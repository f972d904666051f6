// String manipulation functions (http://hl7.org/fhirpath/N1/#string-manipulation).
// Strings are handled as bytes: length()/indexOf()/substring() count UTF-8 code
// units, which matches code points for ASCII text only.

#include <algorithm>
#include <cctype>
#include <regex>

#include "fhir/fhirpath/functions.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

std::optional<std::string> input_string(const Collection& in, std::string_view what) {
  return to_string_arg(in, what);
}

// FHIRPath regexes are single-line mode ('.' matches newlines): rewrite each
// unescaped '.' outside a class as [\s\S] for std::regex (ECMAScript).
std::regex make_regex(const std::string& pattern, const std::string& flags = "", bool full = false) {
  if (flags.find_first_not_of("im") != std::string::npos)
    throw EvaluationError("unsupported regex flags '" + flags + "'");
  const bool icase = flags.find('i') != std::string::npos;
  const bool multiline = flags.find('m') != std::string::npos;
  std::string p;
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      p += c;
      p += pattern[++i];
      continue;
    }
    if (c == '[') in_class = true;
    if (c == ']') in_class = false;
    if (c == '.' && !in_class) {
      p += "[\\s\\S]";
      continue;
    }
    p += c;
  }
  if (full) p = "^(?:" + p + ")$";
  try {
    auto options = std::regex::ECMAScript;
    if (icase) options |= std::regex::icase;
    if (multiline) options |= std::regex::multiline;
    return std::regex(p, options);
  } catch (const std::regex_error&) {
    throw EvaluationError("invalid regular expression");
  }
}

constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(const std::string& s, bool url) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned b0 = static_cast<unsigned char>(s[i]);
    unsigned b1 = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    unsigned b2 = i + 2 < s.size() ? static_cast<unsigned char>(s[i + 2]) : 0;
    unsigned n = (b0 << 16) | (b1 << 8) | b2;
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < s.size() ? kBase64[(n >> 6) & 63] : '=';
    out += i + 2 < s.size() ? kBase64[n & 63] : '=';
    i += 3;
  }
  if (url) {
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string s) {
  std::replace(s.begin(), s.end(), '-', '+');
  std::replace(s.begin(), s.end(), '_', '/');
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') break;
    auto p = kBase64.find(c);
    if (p == std::string_view::npos) return std::nullopt;
    buf = (buf << 6) | static_cast<unsigned>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

struct Escape {
  std::string_view raw;
  std::string_view escaped;
};
constexpr Escape kHtml[] = {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}};
constexpr Escape kJson[] = {{"\\", "\\\\"}, {"\"", "\\\""}};

// Replaces, left to right, each `from` sequence of the table by its `to` side.
template <std::size_t N>
std::string translate(const std::string& s, const Escape (&table)[N], bool unescape) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool done = false;
    for (const Escape& e : table) {
      std::string_view from = unescape ? e.escaped : e.raw;
      if (s.compare(i, from.size(), from) == 0) {
        out.append(unescape ? e.raw : e.escaped);
        i += from.size();
        done = true;
        break;
      }
    }
    if (!done) out += s[i++];
  }
  return out;
}

Collection escape_impl(const Evaluator& ev, const Collection& in, const Node& call, const Frame& frame,
                       bool unescape) {
  auto s = input_string(in, call.name);
  auto f = to_string_arg(ev.arg(call, 0, frame), call.name);
  if (!s || !f) return {};
  if (*f == "html") return single_result(make_string(translate(*s, kHtml, unescape)));
  if (*f == "json") return single_result(make_string(translate(*s, kJson, unescape)));
  return {};
}

}  // namespace

CARNET_FP_FN(fn_escape) {
  return escape_impl(ev, in, call, frame, false);
}
CARNET_FP_FN(fn_unescape) {
  return escape_impl(ev, in, call, frame, true);
}

CARNET_FP_FN(fn_starts_with) {
  auto s = input_string(in, "startsWith()");
  auto p = to_string_arg(ev.arg(call, 0, frame), "startsWith()");
  if (!s || !p) return {};
  return bool_result(s->rfind(*p, 0) == 0);
}

CARNET_FP_FN(fn_ends_with) {
  auto s = input_string(in, "endsWith()");
  auto p = to_string_arg(ev.arg(call, 0, frame), "endsWith()");
  if (!s || !p) return {};
  return bool_result(s->size() >= p->size() && s->compare(s->size() - p->size(), p->size(), *p) == 0);
}

CARNET_FP_FN(fn_contains) {
  auto s = input_string(in, "contains()");
  auto p = to_string_arg(ev.arg(call, 0, frame), "contains()");
  if (!s || !p) return {};
  return bool_result(s->find(*p) != std::string::npos);
}

CARNET_FP_FN(fn_matches) {
  auto s = input_string(in, "matches()");
  auto p = to_string_arg(ev.arg(call, 0, frame), "matches()");
  if (!s || !p) return {};
  std::string flags;
  if (call.args.size() > 1) flags = to_string_arg(ev.arg(call, 1, frame), "matches()").value_or("");
  return bool_result(std::regex_search(*s, make_regex(*p, flags)));
}

CARNET_FP_FN(fn_matches_full) {
  auto s = input_string(in, "matchesFull()");
  auto p = to_string_arg(ev.arg(call, 0, frame), "matchesFull()");
  if (!s || !p) return {};
  std::string flags;
  if (call.args.size() > 1) flags = to_string_arg(ev.arg(call, 1, frame), "matchesFull()").value_or("");
  return bool_result(std::regex_search(*s, make_regex(*p, flags, true)));
}

CARNET_FP_FN(fn_last_index_of) {
  auto s = input_string(in, "lastIndexOf()");
  auto p = to_string_arg(ev.arg(call, 0, frame), "lastIndexOf()");
  if (!s || !p) return {};
  auto pos = s->rfind(*p);
  return single_result(make_integer(pos == std::string::npos ? -1 : static_cast<std::int64_t>(pos)));
}

CARNET_FP_FN(fn_replace_matches) {
  auto s = input_string(in, "replaceMatches()");
  auto p = to_string_arg(ev.arg(call, 0, frame), "replaceMatches()");
  auto r = to_string_arg(ev.arg(call, 1, frame), "replaceMatches()");
  if (!s || !p || !r) return {};
  if (p->empty()) return single_result(make_string(*s));
  return single_result(make_string(std::regex_replace(*s, make_regex(*p), *r)));
}

CARNET_FP_FN(fn_index_of) {
  auto s = input_string(in, "indexOf()");
  auto p = to_string_arg(ev.arg(call, 0, frame), "indexOf()");
  if (!s || !p) return {};
  auto pos = s->find(*p);
  return single_result(make_integer(pos == std::string::npos ? -1 : static_cast<std::int64_t>(pos)));
}

CARNET_FP_FN(fn_substring) {
  auto s = input_string(in, "substring()");
  auto start = to_integer_arg(ev.arg(call, 0, frame), "substring()");
  if (!s || !start) return {};
  if (*start < 0 || static_cast<std::size_t>(*start) >= s->size()) return {};
  std::size_t len = std::string::npos;
  if (call.args.size() > 1) {
    auto l = to_integer_arg(ev.arg(call, 1, frame), "substring()");
    if (l) len = *l < 0 ? 0 : static_cast<std::size_t>(*l);
  }
  return single_result(make_string(s->substr(static_cast<std::size_t>(*start), len)));
}

CARNET_FP_FN(fn_upper) {
  auto s = input_string(in, "upper()");
  if (!s) return {};
  std::transform(s->begin(), s->end(), s->begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return single_result(make_string(*s));
}

CARNET_FP_FN(fn_lower) {
  auto s = input_string(in, "lower()");
  if (!s) return {};
  std::transform(s->begin(), s->end(), s->begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return single_result(make_string(*s));
}

CARNET_FP_FN(fn_replace) {
  auto s = input_string(in, "replace()");
  auto p = to_string_arg(ev.arg(call, 0, frame), "replace()");
  auto r = to_string_arg(ev.arg(call, 1, frame), "replace()");
  if (!s || !p || !r) return {};
  std::string out;
  if (p->empty()) {
    out = *r;
    for (char c : *s) {
      out += c;
      out += *r;
    }
    return single_result(make_string(out));
  }
  std::size_t i = 0;
  while (true) {
    auto pos = s->find(*p, i);
    if (pos == std::string::npos) break;
    out.append(*s, i, pos - i);
    out += *r;
    i = pos + p->size();
  }
  out.append(*s, i, std::string::npos);
  return single_result(make_string(out));
}

CARNET_FP_FN(fn_length) {
  auto s = input_string(in, "length()");
  if (!s) return {};
  return single_result(make_integer(static_cast<std::int64_t>(s->size())));
}

CARNET_FP_FN(fn_to_chars) {
  auto s = input_string(in, "toChars()");
  if (!s) return {};
  Collection out;
  for (char c : *s) out.push_back(make_string(std::string(1, c)));
  return out;
}

CARNET_FP_FN(fn_trim) {
  auto s = input_string(in, "trim()");
  if (!s) return {};
  auto b = s->find_first_not_of(" \t\r\n\f\v");
  if (b == std::string::npos) return single_result(make_string(""));
  auto e = s->find_last_not_of(" \t\r\n\f\v");
  return single_result(make_string(s->substr(b, e - b + 1)));
}

CARNET_FP_FN(fn_split) {
  auto s = input_string(in, "split()");
  auto sep = to_string_arg(ev.arg(call, 0, frame), "split()");
  if (!s || !sep) return {};
  Collection out;
  if (sep->empty()) {
    for (char c : *s) out.push_back(make_string(std::string(1, c)));
    return out;
  }
  std::size_t i = 0;
  while (true) {
    auto pos = s->find(*sep, i);
    if (pos == std::string::npos) break;
    out.push_back(make_string(s->substr(i, pos - i)));
    i = pos + sep->size();
  }
  out.push_back(make_string(s->substr(i)));
  return out;
}

CARNET_FP_FN(fn_join) {
  std::string sep;
  if (!call.args.empty()) sep = to_string_arg(ev.arg(call, 0, frame), "join()").value_or("");
  if (in.empty()) return {};
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i > 0) out += sep;
    Value s = to_system(in[i]);
    if (s.kind != Kind::kString) throw EvaluationError("join() expects strings");
    out += s.text;
  }
  return single_result(make_string(out));
}

CARNET_FP_FN(fn_encode) {
  auto s = input_string(in, "encode()");
  auto f = to_string_arg(ev.arg(call, 0, frame), "encode()");
  if (!s || !f) return {};
  if (*f == "hex") {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : *s) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return single_result(make_string(out));
  }
  if (*f == "base64" || *f == "urlbase64")
    return single_result(make_string(base64_encode(*s, *f == "urlbase64")));
  return {};
}

CARNET_FP_FN(fn_decode) {
  auto s = input_string(in, "decode()");
  auto f = to_string_arg(ev.arg(call, 0, frame), "decode()");
  if (!s || !f) return {};
  if (*f == "hex") {
    if (s->size() % 2 != 0 || s->find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
      throw EvaluationError("decode('hex') expects an even number of hex digits");
    std::string out;
    for (std::size_t i = 0; i + 1 < s->size(); i += 2)
      out += static_cast<char>(std::stoi(s->substr(i, 2), nullptr, 16));
    return single_result(make_string(out));
  }
  if (*f == "base64" || *f == "urlbase64") {
    auto d = base64_decode(*s);
    if (d) return single_result(make_string(*d));
  }
  return {};
}

}  // namespace carnet::fhir::fhirpath::detail
