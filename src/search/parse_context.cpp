// Errors, warnings and parameter lookups shared by the steps of parse_search.

#include "search/parse_context.hpp"

namespace carnet::search::detail {

void fail(std::string_view name, const std::string& message) {
  throw core::invalid("Search parameter '" + std::string(name) + "': " + message, std::string(name));
}

void unsupported(ParseContext& ctx, std::string_view name, const std::string& message) {
  core::Issue issue{core::Severity::warning, "not-supported",
                    "Search parameter '" + std::string(name) + "': " + message, std::string(name)};
  if (ctx.options.strict) {
    // Prefer: handling=strict (search.html#errors): refuse instead of ignoring.
    issue.severity = core::Severity::error;
    throw core::Error(400, {std::move(issue)});
  }
  issue.diagnostics += " (ignored)";
  ctx.query.warnings.push_back(std::move(issue));
}

bool is_resource_type(const Registry& registry, std::string_view type) {
  // Every concrete type has at least the common parameters (_id...); the
  // abstract bases are also keys of the registry but cannot be searched.
  if (type.empty() || type == "Resource" || type == "DomainResource") return false;
  return !registry.for_type(type).empty();
}

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

namespace {

const SearchParameter* find_common(const Registry& registry, std::string_view code) {
  if (const SearchParameter* p = registry.find("Resource", code)) return p;
  return registry.find("DomainResource", code);
}

}  // namespace

const SearchParameter* lookup(const ParseContext& ctx, std::string_view type, std::string_view code,
                              std::string_view name) {
  if (!type.empty()) return ctx.registry.find(type, code);
  // System search (search.html#all): the parameter must mean the same thing on
  // every type searched.
  const SearchParameter* common = find_common(ctx.registry, code);
  const std::vector<std::string>& types = ctx.query.types;
  if (types.empty()) {
    if (!common)
      fail(name, "a search across all types accepts only the parameters common to all types; add _type");
    return common;
  }
  const SearchParameter* first = nullptr;
  for (const std::string& t : types) {
    const SearchParameter* p = ctx.registry.find(t, code);
    if (!p) fail(name, "not defined on " + t + ", one of the types of _type");
    if (!first) first = p;
    if (p->type != first->type) fail(name, "has different types on the types of _type");
  }
  // The Resource-level entry tells the store the parameter is common.
  return common ? common : first;
}

}  // namespace carnet::search::detail
