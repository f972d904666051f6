// Search criteria from the parameter name grammar: plain and modified
// parameters, chains (search.html#chaining), reverse chains (#has), and the
// parameters every resource has (#all).

#include "search/parse_criteria.hpp"

#include <algorithm>
#include <array>

#include "search/parse_modifiers.hpp"
#include "search/parse_text.hpp"
#include "search/parse_values.hpp"

namespace carnet::search::detail {
namespace {

// Parameters on the resource row itself, not on index tables.
constexpr std::array<std::string_view, 5> kResourceLevel{"_id", "_lastUpdated", "_text", "_content", "_list"};
// Defined by the specification but not implemented: refused or ignored.
constexpr std::array<std::string_view, 5> kUnsupported{"_query", "_filter", "_contained", "_containedType",
                                                       "_has"};

bool is_resource_level(std::string_view code) {
  return std::find(kResourceLevel.begin(), kResourceLevel.end(), code) != kResourceLevel.end();
}

bool targets(const SearchParameter& param, std::string_view type) {
  return param.targets.empty() ||
         std::find(param.targets.begin(), param.targets.end(), type) != param.targets.end();
}

std::optional<Criterion> parse_resource_level(std::string_view type, std::string_view code,
                                              std::string_view modifier, std::string_view value,
                                              std::string_view full) {
  Criterion c;
  c.resource_type = type;
  if (code == "_id" && modifier == "not") {
    c.modifier = Modifier::not_;
  } else if (!modifier.empty()) {
    fail(full, "modifier not valid on " + std::string(code));
  }
  if (code == "_id" || code == "_list") {
    c.kind = code == "_id" ? Criterion::Kind::id : Criterion::Kind::list;
    c.ids = split_list(value, full);
    for (const std::string& id : c.ids)
      // _list also takes the functional lists of search.html#list ($current-allergies...).
      if (!is_valid_id(id) &&
          !(code == "_list" && id.size() > 1 && id[0] == '$' && is_valid_id(id.substr(1))))
        fail(full, "the value is not a resource id");
    return c;
  }
  c.kind = code == "_lastUpdated" ? Criterion::Kind::last_updated
           : code == "_text"      ? Criterion::Kind::text
                                  : Criterion::Kind::content;
  for (std::string_view raw : split_escaped(value, ',')) {
    if (raw.empty()) fail(full, "empty value");
    if (c.kind == Criterion::Kind::last_updated)
      c.values.push_back(parse_date(raw, full));
    else
      c.values.push_back(parse_string(raw, full));
  }
  return c;
}

// _has:Type:reference:rest — some Type whose `reference` points here matches rest.
std::optional<Criterion> parse_has(ParseContext& ctx, std::string_view type, std::string_view name,
                                   std::string_view value, std::string_view full) {
  std::string_view rest = name.substr(5);
  const std::size_t c1 = rest.find(':');
  const std::size_t c2 = c1 == std::string_view::npos ? c1 : rest.find(':', c1 + 1);
  if (c2 == std::string_view::npos || c2 + 1 >= rest.size())
    fail(full, "_has is written _has:Type:reference:parameter");
  const std::string_view has_type = rest.substr(0, c1);
  const std::string_view code = rest.substr(c1 + 1, c2 - c1 - 1);
  if (!is_resource_type(ctx.registry, has_type)) fail(full, "unknown resource type in _has");
  const SearchParameter* param = ctx.registry.find(has_type, code);
  if (!param || param->type != ParamType::reference)
    fail(full, "_has needs a reference parameter of " + std::string(has_type));
  if (!type.empty()) {
    if (!targets(*param, type)) fail(full, std::string(code) + " does not point to " + std::string(type));
  } else {
    if (ctx.query.types.empty()) fail(full, "_has across all types needs _type");
    for (const std::string& t : ctx.query.types)
      if (!targets(*param, t)) fail(full, std::string(code) + " does not point to " + t);
  }
  auto next = parse_criterion(ctx, has_type, rest.substr(c2 + 1), value, full);
  if (!next) return std::nullopt;
  Criterion c;
  c.kind = Criterion::Kind::has;
  c.resource_type = type;
  c.param = param;
  c.has_type = has_type;
  c.next = std::make_shared<const Criterion>(*std::move(next));
  return c;
}

// The code of the first link of a chain's tail ("name" in "name:exact", "organization" in
// "organization.name").
std::string_view first_code(std::string_view tail) {
  if (tail.starts_with("_has:")) return {};
  return tail.substr(0, tail.find_first_of(":."));
}

// head.tail — `head` (code[:Type]) is a reference whose target matches tail.
std::optional<Criterion> parse_chain(ParseContext& ctx, std::string_view type, std::string_view head,
                                     std::string_view tail, std::string_view value, std::string_view full) {
  const std::size_t colon = head.find(':');
  const std::string_view code = head.substr(0, colon);
  const std::string_view modifier =
      colon == std::string_view::npos ? std::string_view{} : head.substr(colon + 1);
  if (code.empty()) fail(full, "a chain starts with a reference parameter (subject.name=...)");
  const SearchParameter* param = lookup(ctx, type, code, full);
  if (!param) {
    unsupported(ctx, full,
                "unknown parameter " + std::string(code) + (type.empty() ? "" : " for " + std::string(type)));
    return std::nullopt;
  }
  if (param->type != ParamType::reference) fail(full, "only reference parameters can be chained");
  if (tail.empty()) fail(full, "empty chained parameter");
  std::vector<std::string> candidates;
  if (!modifier.empty()) {
    if (!is_resource_type(ctx.registry, modifier))
      fail(full, "a chained reference takes only a :Type modifier");
    if (!targets(*param, modifier))
      fail(full, std::string(modifier) + " is not a target of " + std::string(code));
    candidates.emplace_back(modifier);
  } else {
    candidates = param->targets;
    if (candidates.empty())
      fail(full, std::string(code) + " has no target types: write " + std::string(code) + ":Type");
  }
  // Only the targets that define the next parameter (search.html#chaining).
  const std::string_view next_code = first_code(tail);
  std::vector<std::string> kept;
  const SearchParameter* first = nullptr;
  for (std::string& t : candidates) {
    if (next_code.empty() || is_resource_level(next_code)) {
      kept.push_back(std::move(t));
      continue;
    }
    const SearchParameter* next_param = ctx.registry.find(t, next_code);
    if (!next_param) continue;
    if (!first) first = next_param;
    // One `next` stands for every kept target: its values must parse the same way.
    if (next_param->type != first->type)
      fail(full, std::string(next_code) + " differs between the targets of " + std::string(code) +
                     ": write " + std::string(code) + ":Type");
    kept.push_back(std::move(t));
  }
  if (kept.empty())
    fail(full, "no target type of " + std::string(code) + " defines " + std::string(next_code));
  auto next = parse_criterion(ctx, kept.front(), tail, value, full);
  if (!next) return std::nullopt;
  Criterion c;
  c.kind = Criterion::Kind::chain;
  c.resource_type = type;
  c.param = param;
  c.modifier = modifier.empty() ? Modifier::none : Modifier::type;
  c.target_types = std::move(kept);
  c.next = std::make_shared<const Criterion>(*std::move(next));
  return c;
}

}  // namespace

std::optional<Criterion> parse_criterion(ParseContext& ctx, std::string_view type, std::string_view name,
                                         std::string_view value, std::string_view full) {
  if (name.starts_with("_has:")) return parse_has(ctx, type, name, value, full);
  if (const std::size_t dot = name.find('.'); dot != std::string_view::npos)
    return parse_chain(ctx, type, name.substr(0, dot), name.substr(dot + 1), value, full);
  const std::size_t colon = name.find(':');
  const std::string_view code = name.substr(0, colon);
  const std::string_view modifier =
      colon == std::string_view::npos ? std::string_view{} : name.substr(colon + 1);
  if (is_resource_level(code)) return parse_resource_level(type, code, modifier, value, full);
  if (code.empty() || std::find(kUnsupported.begin(), kUnsupported.end(), code) != kUnsupported.end()) {
    unsupported(ctx, full, "not supported by this server");
    return std::nullopt;
  }
  const SearchParameter* param = lookup(ctx, type, code, full);
  if (!param) {
    unsupported(ctx, full,
                "unknown parameter" + (type.empty() ? std::string{} : " for " + std::string(type)));
    return std::nullopt;
  }
  Criterion c;
  c.resource_type = type;
  c.param = param;
  std::string_view type_modifier;
  if (!modifier.empty()) {
    if (auto m = modifier_from_text(modifier)) {
      c.modifier = *m;
    } else if (is_resource_type(ctx.registry, modifier)) {
      if (param->type != ParamType::reference) fail(full, "a :Type modifier is only valid on a reference");
      if (!targets(*param, modifier))
        fail(full, std::string(modifier) + " is not a target of " + std::string(code));
      c.modifier = Modifier::type;
      c.target_types.emplace_back(modifier);
      type_modifier = modifier;
    } else {
      fail(full, "unknown modifier '" + std::string(modifier) + "'");
    }
  }
  if (c.modifier == Modifier::missing) {
    // search.html#missing: any type; the value is true or false only.
    if (value != "true" && value != "false") fail(full, ":missing takes true or false");
    c.kind = Criterion::Kind::missing;
    c.missing = value == "true";
    return c;
  }
  auto values = parse_values(ctx, *param, c.modifier, type_modifier, full, value);
  if (!values) return std::nullopt;
  c.values = *std::move(values);
  return c;
}

}  // namespace carnet::search::detail
