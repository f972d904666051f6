// Which modifiers each parameter type takes, and what they make of a value
// (http://hl7.org/fhir/R4/search.html#modifiers; token: #token; uri: #uri).

#include "search/parse_modifiers.hpp"

#include <algorithm>

#include "carnet/search/extractor.hpp"
#include "carnet/search/terminology.hpp"
#include "search/parse_text.hpp"
#include "search/parse_values.hpp"

namespace carnet::search::detail {
namespace {

bool allowed(ParamType type, Modifier modifier) {
  switch (modifier) {
    case Modifier::none:
    case Modifier::missing: return true;
    case Modifier::exact:
    case Modifier::contains: return type == ParamType::string;
    case Modifier::text:
    case Modifier::not_:
    case Modifier::in:
    case Modifier::not_in:
    case Modifier::of_type: return type == ParamType::token;
    case Modifier::above:
    case Modifier::below: return type == ParamType::token || type == ParamType::uri;
    case Modifier::identifier:
    case Modifier::type: return type == ParamType::reference;
  }
  return false;
}

// :of-type is system|code|value on an Identifier's type (search.html#token).
TokenQuery parse_of_type(std::string_view raw, std::string_view name) {
  const auto parts = split_escaped(raw, '|');
  if (parts.size() != 3 || parts[1].empty() || parts[2].empty())
    fail(name, ":of-type takes system|code|value");
  TokenQuery out;
  out.type_system = unescape(parts[0]);
  out.type_code = unescape(parts[1]);
  out.code = unescape(parts[2]);
  return out;
}

// :in / :not-in: the codes of the value set (search.html#token). A value set
// the server does not have is its limit, handled as the client prefers
// (docs/api.md "Strict and lenient handling"), like an unknown hierarchy.
std::optional<TokenQuery> parse_in(ParseContext& ctx, std::string_view raw, std::string_view name) {
  const std::string url = unescape(raw);
  if (url.empty()) fail(name, "empty value set URL");
  if (!ctx.terminology) {
    unsupported(ctx, name, "value set modifiers are not available on this server");
    return std::nullopt;
  }
  auto expansion = ctx.terminology->expand(url);
  if (!expansion) {
    unsupported(ctx, name,
                "unknown value set '" + url + "' (the value sets of schemas/valuesets.json are known)");
    return std::nullopt;
  }
  TokenQuery out;
  out.codes = std::move(expansion->codes);
  out.whole_systems = std::move(expansion->whole_systems);
  return out;
}

// :below / :above: the code and its descendants (ancestors) in the code
// system's is-a hierarchy; only the hierarchies shipped in schemas/ are known.
std::optional<TokenQuery> parse_hierarchy(ParseContext& ctx, Modifier modifier, std::string_view raw,
                                          std::string_view name) {
  TokenQuery out = parse_token(raw, name);
  if (!out.system || out.system->empty() || !out.code)
    fail(name, ":above/:below on a token take system|code");
  std::optional<std::vector<std::string>> codes;
  if (ctx.terminology)
    codes = modifier == Modifier::below ? ctx.terminology->descendants(*out.system, *out.code)
                                        : ctx.terminology->ancestors(*out.system, *out.code);
  if (!codes) {
    unsupported(ctx, name, "the hierarchy of this code system is not known to the server");
    return std::nullopt;
  }
  for (std::string& code : *codes) out.codes.emplace_back(*out.system, std::move(code));
  return out;
}

std::optional<QueryValue> parse_token_value(ParseContext& ctx, Modifier modifier, std::string_view raw,
                                            std::string_view name) {
  switch (modifier) {
    case Modifier::text: {
      TokenQuery out;
      out.text = normalize_string(unescape(raw));
      if (out.text.empty()) fail(name, "empty text");
      return out;
    }
    case Modifier::of_type: return parse_of_type(raw, name);
    case Modifier::in:
    case Modifier::not_in: return parse_in(ctx, raw, name);
    case Modifier::above:
    case Modifier::below: return parse_hierarchy(ctx, modifier, raw, name);
    default: return parse_token(raw, name);
  }
}

ReferenceQuery parse_typed_reference(ParseContext& ctx, const SearchParameter& param, std::string_view type,
                                     std::string_view raw, std::string_view name) {
  ReferenceQuery out = parse_reference(raw, name, ctx.registry, &param);
  if (out.type.empty() && out.url.empty()) out.type = type;  // subject:Patient=123 is Patient/123
  if (!out.type.empty() && out.type != type)
    fail(name, "the reference does not point to a " + std::string(type));
  return out;
}

}  // namespace

std::vector<std::string> split_list(std::string_view value, std::string_view name) {
  std::vector<std::string> out;
  for (std::string_view part : split_escaped(value, ',')) {
    if (part.empty()) fail(name, "empty value");
    out.push_back(unescape(part));
  }
  return out;
}

std::optional<std::vector<QueryValue>> parse_values(ParseContext& ctx, const SearchParameter& param,
                                                    Modifier modifier, std::string_view type_modifier,
                                                    std::string_view name, std::string_view value) {
  if (!allowed(param.type, modifier))
    fail(name, std::string("modifier not valid on a ") + to_string(param.type));
  if (param.type == ParamType::special) {
    unsupported(ctx, name, "parameters of type special are not supported");
    return std::nullopt;
  }
  std::vector<QueryValue> values;
  for (std::string_view raw : split_escaped(value, ',')) {
    if (raw.empty()) fail(name, "empty value");
    if (param.type == ParamType::token) {
      auto token = parse_token_value(ctx, modifier, raw, name);
      if (!token) return std::nullopt;
      values.push_back(*std::move(token));
    } else if (modifier == Modifier::identifier) {
      values.push_back(parse_reference_identifier(raw, name));
    } else if (modifier == Modifier::type) {
      values.push_back(parse_typed_reference(ctx, param, type_modifier, raw, name));
    } else {
      values.push_back(parse_plain(raw, name, param, ctx.registry));
    }
  }
  return values;
}

}  // namespace carnet::search::detail
