#pragma once
/// The search parameters Carnet indexes and searches on: the 1,375 official R4
/// SearchParameters of schemas/search-parameters.json, plus the custom
/// SearchParameter resources made usable by $reindex.
/// See http://hl7.org/fhir/R4/searchparameter.html and search.html.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "carnet/core/json.hpp"
#include "carnet/fhir/fhirpath/expression.hpp"

namespace carnet::fhir {
class Model;
}

namespace carnet::search {

class Terminology;

/// SearchParameter.type (http://hl7.org/fhir/R4/valueset-search-param-type.html).
enum class ParamType { number, date, string, token, reference, composite, quantity, uri, special };

/// "token" for ParamType::token...
const char* to_string(ParamType type) noexcept;
/// The ParamType named `code`, or nullopt.
std::optional<ParamType> param_type_from_code(std::string_view code) noexcept;

/// One component of a composite parameter.
struct Component {
  std::string definition;  ///< canonical URL of the component's SearchParameter
  ParamType type = ParamType::token;
  /// The component expression, evaluated on each element the composite's own
  /// expression selects (e.g. "code" then "value.as(Quantity)").
  std::shared_ptr<const fhir::fhirpath::Expression> expression;
};

/// One search parameter as it applies to one resource type.
struct SearchParameter {
  std::string url;   ///< canonical URL
  std::string code;  ///< the name in the query string ("birthdate", "_id")
  ParamType type = ParamType::token;
  /// The resource type this entry is for ("Patient"; "Resource" for the
  /// parameters of every type: _id, _lastUpdated, _tag, _profile, _security, _source...).
  std::string base;
  /// The FHIRPath expression as written in the definition (may be empty:
  /// _id/_lastUpdated come from the resource table, special ones are handled apart).
  std::string expression_text;
  /// Compiled once at load; null when expression_text is empty. For a concrete
  /// type, only the union parts of expression_text that can select something on
  /// that type ("Observation.subject" of "AllergyIntolerance.patient | ... |
  /// Observation.subject"), so that a write evaluates no other type's parts.
  std::shared_ptr<const fhir::fhirpath::Expression> expression;
  /// reference: the resource types it may point to (SearchParameter.target).
  std::vector<std::string> targets;
  /// composite: the components, in order.
  std::vector<Component> components;
  /// A custom parameter from a SearchParameter resource (not an official one).
  bool custom = false;
  /// token: the code system implied for the plain `code` values it selects,
  /// indexed as their system (http://hl7.org/fhir/R4/search.html#token: a
  /// `code` bound (required) to a value set whose codes all come from one code
  /// system has that system, as Patient.gender has
  /// http://hl7.org/fhir/administrative-gender). Empty when unknown: the
  /// expression (for this base) selects a primitive that is not such a `code`,
  /// or is not a simple path. Set by Registry::with_implicit_systems.
  std::string implicit_system;
  /// The index key of (base type, code): a stable 32-bit hash stored in the index
  /// tables instead of the names. Unique within a Registry (checked at load).
  std::int32_t key = 0;
  /// Empty, or the keys of the other parameters of this type whose values are,
  /// together, exactly this one's (Observation combo-code = code |
  /// component-code): then no row is written under `key` and searches read
  /// the rows of these keys instead. Set by the Registry.
  std::vector<std::int32_t> stored_under;
  /// reference: when not empty, this parameter's values are the rows under
  /// stored_under whose target type is this one (Observation patient =
  /// "Observation.subject.where(resolve() is Patient)": the subject rows of
  /// target type Patient).
  std::string stored_target_type;
  /// The entries of the same code on the other resource types, for searches
  /// over several types (each type's entry may be stored its own way).
  /// Points into the same Registry. Set by the Registry.
  std::vector<const SearchParameter*> same_code;
};

/// The stable index key of search parameter `code` on resource type `type`
/// (FNV-1a of "type.code", as a signed 32-bit integer). Same value on every run
/// and every machine: it is stored in the database.
std::int32_t index_key(std::string_view type, std::string_view code) noexcept;

/// Immutable after construction; all const members are thread-safe.
/// A new Registry is built (with_custom) when custom parameters change and
/// swapped in as a whole.
class Registry {
 public:
  /// Reads schemas_dir/search-parameters.json (a Bundle of SearchParameter) and
  /// compiles every expression. The parameters of base Resource/DomainResource
  /// are expanded onto each of `resource_types` (the concrete types). Throws
  /// std::runtime_error naming the file, or the parameter whose expression does
  /// not compile.
  static std::shared_ptr<const Registry> load(const std::filesystem::path& schemas_dir,
                                              const std::vector<std::string>& resource_types);

  /// Builds from SearchParameter resources (for tests and for with_custom).
  /// `custom` marks them all custom. Throws core::Error (422) for a parameter
  /// that cannot be used: unknown type, expression that does not compile,
  /// an index key collision, a code already defined for one of its bases.
  static std::shared_ptr<const Registry> from_resources(std::span<const core::Json> resources,
                                                        const std::vector<std::string>& resource_types,
                                                        bool custom);

  /// This registry plus the custom SearchParameter resources `custom` (each
  /// with status active); the official parameters cannot be redefined.
  /// Throws core::Error (422) naming the parameter that cannot be used.
  std::shared_ptr<const Registry> with_custom(std::span<const core::Json> custom) const;

  /// This registry with SearchParameter::implicit_system set on each token
  /// parameter, from the required bindings of `model` expanded by
  /// `terminology`. Called once when the server starts; with_custom then does
  /// the same for the custom parameters of the registries built from the result.
  std::shared_ptr<const Registry> with_implicit_systems(std::shared_ptr<const fhir::Model> model,
                                                        std::shared_ptr<const Terminology> terminology) const;

  /// The parameter `code` on `type`, including the parameters of every type
  /// (base "Resource"/"DomainResource"), or null when unknown.
  const SearchParameter* find(std::string_view type, std::string_view code) const;

  /// Every parameter that applies to `type` (its own and the common ones),
  /// sorted by code.
  std::span<const SearchParameter* const> for_type(std::string_view type) const;

  /// The parameter with canonical `url` for `type`, or null.
  const SearchParameter* find_by_url(std::string_view type, std::string_view url) const;

  /// Number of (type, code) entries.
  std::size_t size() const;

  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry();

 private:
  Registry();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carnet::search
