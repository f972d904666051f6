// Result parameters: sorting, paging, totals, summaries, element subsets and
// included resources (http://hl7.org/fhir/R4/search.html#return).

#include "search/parse_results.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "search/parse_modifiers.hpp"

namespace carnet::search::detail {
namespace {

constexpr std::array<std::string_view, 8> kResultParameters{
    "_sort", "_count", "_cursor", "_total", "_summary", "_elements", "_include", "_revinclude"};

std::string_view scope_type(const ParseContext& ctx) {
  return ctx.system || ctx.query.types.empty() ? std::string_view{}
                                               : std::string_view{ctx.query.types.front()};
}

std::optional<std::string> apply_sort(ParseContext& ctx, std::string_view name, std::string_view value) {
  std::string shown;
  for (const std::string& item : split_list(value, name)) {
    SortKey key;
    std::string_view code = item;
    if (code.starts_with('-')) {
      key.descending = true;
      code.remove_prefix(1);
    }
    if (code.empty()) fail(name, "empty sort key");
    key.code = code;
    if (code != "_id" && code != "_lastUpdated") {
      key.param = lookup(ctx, scope_type(ctx), code, name);
      if (!key.param || key.param->type == ParamType::special || key.param->type == ParamType::composite) {
        unsupported(ctx, name, "cannot sort on " + std::string(code));
        continue;
      }
    }
    if (!shown.empty()) shown += ',';
    shown += item;
    ctx.query.sort.push_back(std::move(key));
  }
  if (shown.empty()) return std::nullopt;
  return shown;
}

std::string apply_count(ParseContext& ctx, std::string_view name, std::string_view value) {
  if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
    fail(name, "_count takes a whole number >= 0");
  std::size_t count = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), count);
  // A count too big for size_t is capped like any count above the maximum.
  if (ec == std::errc::result_out_of_range || count > ctx.options.max_count) count = ctx.options.max_count;
  ctx.query.count = count;
  return std::to_string(count);
}

// Type:param[:Target], Type:*, or * (search.html#include).
Include parse_include(const ParseContext& ctx, std::string_view name, std::string_view value, bool iterate) {
  Include inc;
  inc.iterate = iterate;
  if (value == "*") {
    inc.source_type = "*";
    return inc;
  }
  const std::size_t c1 = value.find(':');
  if (c1 == std::string_view::npos) fail(name, "expected Type:parameter[:TargetType] or *");
  const std::size_t c2 = value.find(':', c1 + 1);
  const std::string_view source = value.substr(0, c1);
  const std::string_view code = value.substr(c1 + 1, c2 == std::string_view::npos ? c2 : c2 - c1 - 1);
  if (!is_resource_type(ctx.registry, source)) fail(name, "unknown resource type " + std::string(source));
  inc.source_type = source;
  if (code == "*") {
    if (c2 != std::string_view::npos) fail(name, "Type:* takes no target type");
    return inc;
  }
  inc.param = ctx.registry.find(source, code);
  if (!inc.param || inc.param->type != ParamType::reference)
    fail(name, std::string(code) + " is not a reference parameter of " + std::string(source));
  if (c2 != std::string_view::npos) {
    const std::string_view target = value.substr(c2 + 1);
    const auto& targets = inc.param->targets;
    if (!is_resource_type(ctx.registry, target) ||
        (!targets.empty() && std::find(targets.begin(), targets.end(), target) == targets.end()))
      fail(name,
           std::string(target) + " is not a target of " + std::string(source) + ":" + std::string(code));
    inc.target_type = target;
  }
  return inc;
}

}  // namespace

bool is_result_parameter(std::string_view code) {
  return std::find(kResultParameters.begin(), kResultParameters.end(), code) != kResultParameters.end();
}

std::optional<std::string> apply_result(ParseContext& ctx, std::string_view code, std::string_view modifier,
                                        std::string_view name, std::string_view value) {
  Query& q = ctx.query;
  if (code == "_include" || code == "_revinclude") {
    // :recurse is the STU3 name of :iterate, still sent by clients.
    if (!modifier.empty() && modifier != "iterate" && modifier != "recurse")
      fail(name, "modifier not valid (iterate only)");
    Include inc = parse_include(ctx, name, value, !modifier.empty());
    (code == "_include" ? q.includes : q.revincludes).push_back(std::move(inc));
    return std::string(value);
  }
  if (!modifier.empty()) fail(name, "this parameter takes no modifier");
  if (code == "_sort") return apply_sort(ctx, name, value);
  if (code == "_count") return apply_count(ctx, name, value);
  if (code == "_cursor") {
    if (value.empty()) fail(name, "empty cursor");
    q.cursor = std::string(value);
    return std::nullopt;  // the store writes its own cursors into next/previous links
  }
  if (code == "_total") {
    if (value == "none")
      q.total = TotalMode::none;
    else if (value == "estimate")
      q.total = TotalMode::estimate;
    else if (value == "accurate")
      q.total = TotalMode::accurate;
    else
      fail(name, "_total takes none, estimate or accurate");
    return std::string(value);
  }
  if (code == "_summary") {
    if (value == "true")
      q.summary = Summary::yes;
    else if (value == "text")
      q.summary = Summary::text;
    else if (value == "data")
      q.summary = Summary::data;
    else if (value == "count")
      q.summary = Summary::count;
    else if (value == "false")
      q.summary = Summary::none;
    else
      fail(name, "_summary takes true, text, data, count or false");
    return std::string(value);
  }
  // _elements: repeated lists add up.
  for (std::string& element : split_list(value, name)) {
    if (std::find(q.elements.begin(), q.elements.end(), element) == q.elements.end())
      q.elements.push_back(std::move(element));
  }
  return std::string(value);
}

std::vector<std::string> parse_types(const ParseContext& ctx, std::string_view name, std::string_view value) {
  std::vector<std::string> types;
  for (std::string& type : split_list(value, name)) {
    if (!is_resource_type(ctx.registry, type)) fail(name, "unknown resource type " + type);
    if (std::find(types.begin(), types.end(), type) == types.end()) types.push_back(std::move(type));
  }
  return types;
}

}  // namespace carnet::search::detail
