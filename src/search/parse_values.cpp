// Search values by parameter type (http://hl7.org/fhir/R4/search.html#ptypes).
// Diagnostics name the parameter, never echo the value: values may be patient data.

#include "search/parse_values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "carnet/core/clock.hpp"
#include "carnet/search/extractor.hpp"
#include "search/parse_context.hpp"
#include "search/parse_text.hpp"

namespace carnet::search::detail {
namespace {

constexpr std::string_view kUcum = "http://unitsofmeasure.org";

Prefix prefix_or_fail(std::string_view raw, std::string_view name, std::string_view& rest) {
  auto split = split_prefix(raw);
  if (!split) fail(name, "unknown comparison prefix (expected eq, ne, gt, lt, ge, le, sa, eb or ap)");
  rest = split->second;
  return split->first;
}

NumberValue number_or_fail(std::string_view text, std::string_view name) {
  auto range = number_range(text);
  if (!range) fail(name, "the value is not a number");
  return *std::move(range);
}

bool has_scheme(std::string_view text) {
  // RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!std::isalpha(static_cast<unsigned char>(text[0]))) return false;
  return std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

std::optional<int> version_number(std::string_view text) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

std::vector<std::string_view> path_segments(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = text.find('/', start);
    out.push_back(text.substr(start, slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

void check_target(std::string_view type, std::string_view name, const SearchParameter* param) {
  if (!param || param->targets.empty()) return;
  if (std::find(param->targets.begin(), param->targets.end(), type) == param->targets.end())
    fail(name, std::string(type) + " is not a target type of this parameter");
}

// The type/id/version at the end of an absolute URL ("http://x/fhir/Patient/1"):
// the same resource may be referenced either way (references.html#literal).
void split_url_tail(ReferenceQuery& out, const Registry& registry) {
  std::string_view path = out.url;
  if (const std::size_t q = path.find_first_of("?#"); q != std::string_view::npos) path = path.substr(0, q);
  const auto seg = path_segments(path);
  const std::size_t n = seg.size();
  if (n >= 5 && seg[n - 2] == "_history" && is_resource_type(registry, seg[n - 4]) &&
      is_valid_id(seg[n - 3])) {
    if (auto v = version_number(seg[n - 1])) {
      out.type = seg[n - 4];
      out.id = seg[n - 3];
      out.version = v;
    }
    return;
  }
  if (n >= 3 && is_resource_type(registry, seg[n - 2]) && is_valid_id(seg[n - 1])) {
    out.type = seg[n - 2];
    out.id = seg[n - 1];
  }
}

}  // namespace

TokenQuery parse_token(std::string_view raw, std::string_view name) {
  const auto parts = split_escaped(raw, '|');
  TokenQuery out;
  if (parts.size() == 1) {
    if (parts[0].empty()) fail(name, "empty token");
    out.code = unescape(parts[0]);
    return out;
  }
  if (parts.size() != 2) fail(name, "a token is [system|]code (escape a '|' in a code as \\|)");
  out.system = unescape(parts[0]);
  if (!parts[1].empty()) out.code = unescape(parts[1]);
  if (out.system->empty() && !out.code) fail(name, "a token needs a system or a code");
  return out;
}

StringQuery parse_string(std::string_view raw, std::string_view name) {
  StringQuery out;
  out.exact = unescape(raw);
  if (out.exact.empty()) fail(name, "empty string");
  out.normalized = normalize_string(out.exact);
  return out;
}

DateQuery parse_date(std::string_view raw, std::string_view name) {
  std::string_view rest;
  DateQuery out;
  out.prefix = prefix_or_fail(raw, name, rest);
  std::string text = unescape(rest);
  auto range = core::parse_fhir_date_range(text);
  if (!range && text.size() > 19) {
    // An unencoded '+' of a time zone arrives as a space (form encoding).
    if (const std::size_t space = text.find(' ', 19); space != std::string::npos) {
      text[space] = '+';
      range = core::parse_fhir_date_range(text);
    }
  }
  if (!range) fail(name, "the value is not a FHIR date, dateTime or instant");
  out.low = range->start;
  out.high = range->end;
  return out;
}

NumberQuery parse_number(std::string_view raw, std::string_view name) {
  std::string_view rest;
  NumberQuery out;
  out.prefix = prefix_or_fail(raw, name, rest);
  out.value = number_or_fail(unescape(rest), name);
  return out;
}

QuantityQuery parse_quantity(std::string_view raw, std::string_view name) {
  const auto parts = split_escaped(raw, '|');
  if (parts.size() != 1 && parts.size() != 3) fail(name, "a quantity is [prefix]number[|system|code]");
  std::string_view rest;
  QuantityQuery out;
  out.prefix = prefix_or_fail(parts[0], name, rest);
  out.value = number_or_fail(unescape(rest), name);
  if (parts.size() == 3) {
    if (!parts[1].empty()) out.system = unescape(parts[1]);
    out.code = unescape(parts[2]);
  }
  if (out.code.empty() || (out.system && *out.system != kUcum)) return out;
  // UCUM units convert: 5.4 mg matches 0.0054 g (search.html#quantity). The
  // bounds are converted too, so the implicit range scales with the unit.
  auto value = ucum_canonical(out.value.value, out.code);
  auto low = ucum_canonical(out.value.low, out.code);
  auto high = ucum_canonical(out.value.high, out.code);
  if (value && low && high) {
    out.canonical = NumberValue{value->value, low->value, high->value};
    out.canonical_code = value->code;
  }
  return out;
}

ReferenceQuery parse_reference(std::string_view raw, std::string_view name, const Registry& registry,
                               const SearchParameter* param) {
  const auto parts = split_escaped(raw, '|');
  const std::string text = unescape(parts[0]);
  if (text.empty()) fail(name, "empty reference");
  ReferenceQuery out;
  if (has_scheme(text)) {
    if (parts.size() > 2) fail(name, "a canonical reference is url|version");
    out.url = text;
    if (parts.size() == 2) out.canonical_version = unescape(parts[1]);
    split_url_tail(out, registry);
    return out;
  }
  if (parts.size() != 1) fail(name, "only an absolute canonical URL may carry |version");
  const auto seg = path_segments(text);
  if (seg.size() == 1) {
    if (!is_valid_id(seg[0])) fail(name, "the value is not a resource id");
    out.id = text;
    return out;
  }
  if (seg.size() != 2 && !(seg.size() == 4 && seg[2] == "_history"))
    fail(name, "a reference is id, Type/id, Type/id/_history/version or an absolute URL");
  if (!is_resource_type(registry, seg[0])) fail(name, "unknown resource type in the reference");
  if (!is_valid_id(seg[1])) fail(name, "the value is not a resource id");
  check_target(seg[0], name, param);
  out.type = seg[0];
  out.id = seg[1];
  if (seg.size() == 4) {
    out.version = version_number(seg[3]);
    if (!out.version) fail(name, "the version of a reference must be a number");
  }
  return out;
}

ReferenceQuery parse_reference_identifier(std::string_view raw, std::string_view name) {
  const auto parts = split_escaped(raw, '|');
  ReferenceQuery out;
  if (parts.size() > 2) fail(name, ":identifier takes [system|]value");
  if (parts.size() == 2) out.identifier_system = unescape(parts[0]);
  out.identifier_value = unescape(parts.back());
  if (out.identifier_value.empty()) fail(name, ":identifier needs a value");
  return out;
}

UriQuery parse_uri(std::string_view raw, std::string_view name) {
  UriQuery out{unescape(raw)};
  if (out.uri.empty()) fail(name, "empty uri");
  return out;
}

namespace {

ComponentQuery parse_component(std::string_view raw, std::string_view name, ParamType type,
                               const Registry& registry) {
  switch (type) {
    case ParamType::token: return parse_token(raw, name);
    case ParamType::string: return parse_string(raw, name);
    case ParamType::date: return parse_date(raw, name);
    case ParamType::number: return parse_number(raw, name);
    case ParamType::quantity: return parse_quantity(raw, name);
    case ParamType::reference: return parse_reference(raw, name, registry, nullptr);
    case ParamType::uri: return parse_uri(raw, name);
    case ParamType::composite:
    case ParamType::special: break;
  }
  fail(name, "this composite has a component that cannot be searched");
}

}  // namespace

CompositeQuery parse_composite(std::string_view raw, std::string_view name, const SearchParameter& param,
                               const Registry& registry) {
  const auto parts = split_escaped(raw, '$');
  if (parts.size() != param.components.size())
    fail(name, "expected " + std::to_string(param.components.size()) + " components separated by '$'");
  CompositeQuery out;
  for (std::size_t i = 0; i < parts.size(); ++i)
    out.components.push_back(parse_component(parts[i], name, param.components[i].type, registry));
  return out;
}

QueryValue parse_plain(std::string_view raw, std::string_view name, const SearchParameter& param,
                       const Registry& registry) {
  switch (param.type) {
    case ParamType::token: return parse_token(raw, name);
    case ParamType::string: return parse_string(raw, name);
    case ParamType::date: return parse_date(raw, name);
    case ParamType::number: return parse_number(raw, name);
    case ParamType::quantity: return parse_quantity(raw, name);
    case ParamType::reference: return parse_reference(raw, name, registry, &param);
    case ParamType::uri: return parse_uri(raw, name);
    case ParamType::composite: return parse_composite(raw, name, param, registry);
    case ParamType::special: break;
  }
  fail(name, "parameters of type special are not supported");
}

}  // namespace carnet::search::detail
