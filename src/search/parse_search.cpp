// parse_search: the query string of a FHIR search as a SQL-free Query
// (http://hl7.org/fhir/R4/search.html). Each parameter is either a result
// parameter (parse_results.cpp), a criterion (parse_criteria.cpp), or ignored
// with a warning unless the client asked for strict handling.

#include <algorithm>
#include <array>
#include <set>

#include "carnet/search/query.hpp"
#include "search/parse_context.hpp"
#include "search/parse_criteria.hpp"
#include "search/parse_results.hpp"

namespace carnet::search {
namespace {

// Chains and _has may nest; the bound keeps a hostile query from recursing
// deeply (each link costs a join in the store anyway).
constexpr std::size_t kMaxLinks = 8;
constexpr std::size_t kMaxCriteria = 64;  // AND-ed search parameters in one search

// Result parameters that make sense once: a repeat is ambiguous.
constexpr std::array<std::string_view, 6> kSingletons{"_sort",  "_count",   "_cursor",
                                                      "_total", "_summary", "_type"};

std::size_t links(std::string_view name) {
  std::size_t n = static_cast<std::size_t>(std::count(name.begin(), name.end(), '.'));
  for (std::size_t at = name.find("_has:"); at != std::string_view::npos; at = name.find("_has:", at + 1))
    ++n;
  return n;
}

}  // namespace

Query parse_search(std::string_view type, const std::vector<std::pair<std::string, std::string>>& params,
                   const Registry& registry, const Terminology* terminology, const ParseOptions& options) {
  Query q;
  q.count = std::min(options.default_count, options.max_count);
  detail::ParseContext ctx{registry, terminology, options, q, type.empty()};
  if (!type.empty()) {
    if (!detail::is_resource_type(registry, type))
      throw core::invalid("Unknown resource type " + std::string(type));
    q.types.emplace_back(type);
  }
  // _type first: wherever it appears, it decides which parameters a system search may use.
  for (const auto& [name, value] : params)
    if (name == "_type" && ctx.system) q.types = detail::parse_types(ctx, name, value);

  std::vector<std::string_view> seen;
  std::set<std::pair<std::string_view, std::string_view>> criteria_seen;
  for (const auto& [name, value] : params) {
    const std::size_t colon = name.find(':');
    const std::string_view code = std::string_view(name).substr(0, colon);
    const std::string_view modifier =
        colon == std::string::npos ? std::string_view{} : std::string_view(name).substr(colon + 1);
    if (std::find(kSingletons.begin(), kSingletons.end(), code) != kSingletons.end()) {
      if (std::find(seen.begin(), seen.end(), code) != seen.end()) detail::fail(name, "must not be repeated");
      seen.push_back(code);
    }
    if (code == "_format" || code == "_pretty") continue;  // the HTTP layer applies them
    if (code == "_type") {
      if (!ctx.system) {
        detail::unsupported(ctx, name, "_type applies to searches across all types only");
      } else {
        if (!modifier.empty()) detail::fail(name, "this parameter takes no modifier");
        q.self_params.emplace_back(name, value);
      }
      continue;
    }
    if (detail::is_result_parameter(code)) {
      if (auto shown = detail::apply_result(ctx, code, modifier, name, value))
        q.self_params.emplace_back(name, *std::move(shown));
      continue;
    }
    if (links(name) > kMaxLinks) detail::fail(name, "too many chained links");
    // A repeat of the same name and value ANDs a condition with itself: it
    // changes nothing but the cost (ten `code:missing=false` took a second).
    if (!criteria_seen.emplace(name, value).second) continue;
    if (auto criterion = detail::parse_criterion(ctx, type, name, value, name)) {
      // Each criterion is a check on every candidate row: 2,300 of them made
      // one search run for over a minute (found by fuzzing).
      if (q.criteria.size() == kMaxCriteria) {
        throw core::too_costly("A search takes at most " + std::to_string(kMaxCriteria) +
                               " criteria (search parameters other than _sort, _count, _include...)");
      }
      q.criteria.push_back(*std::move(criterion));
      q.self_params.emplace_back(name, value);
    }
  }
  return q;
}

}  // namespace carnet::search
