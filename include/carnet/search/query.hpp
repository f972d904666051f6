#pragma once
/// The SQL-free query tree of a FHIR search (http://hl7.org/fhir/R4/search.html):
/// what the parser makes of the query string, what store/pg turns into SQL.
/// Plain data; the SearchParameter pointers point into the Registry the query
/// was parsed with, which the caller keeps alive while the query is used.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "carnet/core/clock.hpp"
#include "carnet/core/error.hpp"
#include "carnet/search/extractor.hpp"
#include "carnet/search/index_entries.hpp"
#include "carnet/search/parameters.hpp"

namespace carnet::search {

/// Comparison prefixes of number, date and quantity values (search.html#prefix).
enum class Prefix { eq, ne, gt, lt, ge, le, sa, eb, ap };

/// Parameter modifiers (search.html#modifiers). `type` is `:[type]` on a
/// reference (the type is in Criterion::target_types).
enum class Modifier {
  none,
  missing,
  exact,
  contains,
  text,
  not_,
  above,
  below,
  in,
  not_in,
  of_type,
  identifier,
  type
};

/// token value: `[code]`, `[system]|[code]`, `|[code]`, `[system]|`.
struct TokenQuery {
  /// nullopt: any system (`code`); "": no system (`|code`); else that system.
  std::optional<std::string> system;
  /// nullopt: any code of `system` (`system|`).
  std::optional<std::string> code;
  /// :text — normalize_string of the text searched (prefix match on display/text).
  std::string text;
  /// :of-type — Identifier.type coding, with the identifier value in `code`.
  std::string type_system;
  std::string type_code;
  /// :in / :not-in / :below / :above — the codes the value set or hierarchy
  /// stands for, as (system, code), plus whole code systems included.
  std::vector<std::pair<std::string, std::string>> codes;
  std::vector<std::string> whole_systems;
};

/// string value (default: starts-with on the normalized form; :exact; :contains).
struct StringQuery {
  std::string normalized;  ///< normalize_string(value)
  std::string exact;       ///< the value as sent
};

/// date value: the range [low, high) the value denotes (precision, time zone)
/// and the prefix to compare the indexed ranges with.
struct DateQuery {
  Prefix prefix = Prefix::eq;
  core::Instant low{};
  core::Instant high{};
};

/// number value with its implicit range from precision.
struct NumberQuery {
  Prefix prefix = Prefix::eq;
  NumberValue value;
};

/// quantity value: `[prefix][number]|[system]|[code]` (system and code optional).
struct QuantityQuery {
  Prefix prefix = Prefix::eq;
  NumberValue value;
  std::optional<std::string> system;  ///< nullopt: any system
  std::string code;                   ///< "" = any unit
  /// The value converted to UCUM canonical units, when system is UCUM (or
  /// absent) and the code converts: then it is compared on the canonical columns.
  std::optional<NumberValue> canonical;
  std::string canonical_code;
};

/// reference value: `[id]`, `[type]/[id]`, `[type]/[id]/_history/[vid]`, an
/// absolute URL, a canonical `url|version`, or (for :identifier) `system|value`.
struct ReferenceQuery {
  std::string type;  ///< empty: any of the parameter's targets (plain `[id]`)
  std::string id;    ///< for relative references
  std::optional<int> version;
  std::string url;                               ///< absolute URL / canonical, without |version
  std::string canonical_version;                 ///< after '|' of a canonical
  std::optional<std::string> identifier_system;  ///< :identifier (nullopt: any system)
  std::string identifier_value;
};

/// uri value (default exact; :below/:above prefix matches on the URL path).
struct UriQuery {
  std::string uri;
};

/// One component of a composite value (`a$b`).
using ComponentQuery =
    std::variant<TokenQuery, StringQuery, DateQuery, NumberQuery, QuantityQuery, ReferenceQuery, UriQuery>;

/// composite value: components in the parameter's order.
struct CompositeQuery {
  std::vector<ComponentQuery> components;
};

/// One value of a criterion; the values of one criterion are OR-ed (comma).
using QueryValue = std::variant<TokenQuery, StringQuery, DateQuery, NumberQuery, QuantityQuery,
                                ReferenceQuery, UriQuery, CompositeQuery>;

/// One condition on the resources of `resource_type`. The criteria of a Query are AND-ed.
struct Criterion {
  enum class Kind {
    value,    ///< param matches one of `values` (with `modifier`)
    missing,  ///< param:missing=true|false (`missing`)
    chain,    ///< param (a reference) points to a resource of `target_types` matching `next`
    has,      ///< _has: some resource of `has_type` whose reference param `param` points here matches `next`
    id,       ///< _id: resource id in `ids` (or not in, with :not)
    last_updated,  ///< _lastUpdated: `values` are DateQuery on resource.last_updated
    text,          ///< _text: `values` are StringQuery, contains-match on the narrative
    content,       ///< _content: `values` are StringQuery, contains-match on all strings
    list,          ///< _list: the resource is an item of List `ids`
  };
  Kind kind = Kind::value;
  std::string resource_type;  ///< the type this criterion filters
  /// The parameter (value, missing, chain; for has: the reference parameter of
  /// `has_type` that points to `resource_type`); null for id/last_updated/text/content/list.
  const SearchParameter* param = nullptr;
  Modifier modifier = Modifier::none;
  std::vector<QueryValue> values;  ///< OR-ed
  std::vector<std::string> ids;    ///< id / list
  bool missing = false;            ///< missing: true = has no value for param
  /// chain / :[type]: the types the reference may point to (one with `:Type`, else the targets).
  std::vector<std::string> target_types;
  std::string has_type;  ///< has: the referring resource type
  /// chain: the criterion on the referenced resource; has: on the referring resource.
  std::shared_ptr<const Criterion> next;
};

/// One _sort key.
struct SortKey {
  /// The parameter; null with `code` "_id" or "_lastUpdated" (resource columns).
  const SearchParameter* param = nullptr;
  std::string code;
  bool descending = false;
};

/// One _include (the referenced resources) or _revinclude (the referring ones).
struct Include {
  std::string source_type;  ///< the type that holds the reference ("*": any)
  /// The reference parameter; null for `*` (every reference parameter of source_type).
  const SearchParameter* param = nullptr;
  std::string target_type;  ///< only targets of this type ("" = any)
  bool iterate = false;     ///< :iterate — also applies to included resources
};

enum class TotalMode { none, estimate, accurate };
enum class Summary { none, yes, text, data, count };  ///< absent/false, true, text, data, count

/// A compartment search other than the Patient's (`Encounter/[id]/[type]`,
/// `Practitioner/[id]/*`; http://hl7.org/fhir/R4/compartmentdefinition.html):
/// the resources whose reference parameters `members` point to `type/id`, and
/// the compartment's own resource when `self`.
struct CompartmentQuery {
  std::string type;  ///< Encounter, Practitioner, RelatedPerson, Device
  std::string id;
  /// Per searched resource type: its parameters that put it in the compartment.
  std::vector<std::pair<std::string, std::vector<const SearchParameter*>>> members;
  bool self = false;  ///< the resource `type/id` itself is searched and in it ({def})
};

/// A parsed search.
struct Query {
  /// Types searched: one for a type or compartment search, the _type list
  /// (or empty = every type) for a system search.
  std::vector<std::string> types;
  /// Compartment search `Patient/[id]/[type]`: the patient id.
  std::optional<std::string> compartment_patient;
  /// Any other compartment search.
  std::optional<CompartmentQuery> compartment;
  std::vector<Criterion> criteria;  ///< AND-ed
  std::vector<SortKey> sort;        ///< empty: the store's stable default order
  std::vector<Include> includes;
  std::vector<Include> revincludes;
  std::size_t count = 50;             ///< page size (_count), 0 allowed (total only)
  std::optional<std::string> cursor;  ///< _cursor from a next/previous link (store-defined)
  TotalMode total = TotalMode::none;
  Summary summary = Summary::none;
  std::vector<std::string> elements;  ///< _elements
  /// Parameters ignored (unknown/unsupported, lenient handling): one warning each,
  /// returned to the client in an OperationOutcome entry.
  std::vector<core::Issue> warnings;
  /// The parameters understood, decoded, in the order given, for the self link
  /// (without _cursor, with _count as applied).
  std::vector<std::pair<std::string, std::string>> self_params;
};

/// How the parser treats what it does not support.
struct ParseOptions {
  bool strict = false;  ///< Prefer: handling=strict — unknown/unsupported parameter → 400
  std::size_t default_count = 50;
  std::size_t max_count = 1000;
};

class Terminology;

/// Parses the parameters of a search on `type` ("" = system search; for a
/// compartment search pass the searched type and set Query::compartment_patient
/// afterwards). Throws core::Error 400 naming the parameter for a malformed
/// value (bad date, prefix, reference, number, modifier not valid for the type)
/// and, when strict, for an unknown or unsupported parameter; core::too_costly
/// (400 too-costly) beyond 64 criteria. `terminology`
/// (may be null) resolves :in/:not-in/:above/:below on tokens.
Query parse_search(std::string_view type, const std::vector<std::pair<std::string, std::string>>& params,
                   const Registry& registry, const Terminology* terminology, const ParseOptions& options);

}  // namespace carnet::search
