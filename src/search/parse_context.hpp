#pragma once
// Private to the search module: the state one parse_search call shares between
// its steps (names, values, result parameters), and the two ways a step ends
// on what it cannot use: a 400 for a malformed value, or the "unsupported"
// handling that depends on Prefer: handling (http://hl7.org/fhir/R4/search.html#errors).

#include <string>
#include <string_view>
#include <vector>

#include "carnet/core/error.hpp"
#include "carnet/search/parameters.hpp"
#include "carnet/search/query.hpp"

namespace carnet::search {
class Terminology;
}

namespace carnet::search::detail {

/// One parse_search call. Not thread-safe (one per call).
struct ParseContext {
  const Registry& registry;
  const Terminology* terminology;  ///< may be null: :in/:not-in/:above/:below on tokens unsupported
  const ParseOptions& options;
  Query& query;
  /// True for a system search (type ""): criteria apply to `query.types`
  /// (the _type list; empty = every type) and must be defined on all of them.
  bool system = false;
};

/// Throws core::invalid (400) with `message`, naming parameter `name` in the
/// diagnostics and as the expression.
[[noreturn]] void fail(std::string_view name, const std::string& message);

/// What cannot be honoured but may be ignored: strict → throws 400 "not-supported"
/// naming `name`; lenient → records a warning in ctx.query.warnings and returns,
/// and the caller leaves the parameter out.
void unsupported(ParseContext& ctx, std::string_view name, const std::string& message);

/// True when `type` is a concrete resource type of the registry.
bool is_resource_type(const Registry& registry, std::string_view type);

/// True for a FHIR id (http://hl7.org/fhir/R4/datatypes.html#id): [A-Za-z0-9\-\.]{1,64}.
bool is_valid_id(std::string_view id);

/// The parameter `code` as it applies in the current scope: on `type`, or for a
/// system search (type "") on every type of the search, or as a common parameter
/// (base Resource/DomainResource) when the search has no _type. Null when
/// `code` is unknown on `type`; throws 400 naming `name` when a system search
/// cannot use it (not defined on one of the _type types, or not common).
const SearchParameter* lookup(const ParseContext& ctx, std::string_view type, std::string_view code,
                              std::string_view name);

}  // namespace carnet::search::detail
