#pragma once
// Private: builds the lookup tables of a Registry from SearchParameter
// definitions (official or custom), expanding the parameters of every type
// onto the concrete types and compiling each expression once.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "carnet/search/parameters.hpp"
#include "search/registry_definition.hpp"

namespace carnet::search::detail {

/// The data of a Registry: the parameters and their indexes. Pointers point into
/// `params` (a deque, so they stay valid as it grows).
struct RegistryTables {
  std::deque<SearchParameter> params;
  /// Resource type → its parameters sorted by code (the common ones included).
  std::map<std::string, std::vector<const SearchParameter*>, std::less<>> by_type;
  /// index key → parameter: find() hashes (type, code) instead of comparing strings.
  std::unordered_map<std::int32_t, const SearchParameter*> by_key;
  /// Canonical URL → its entries (one per type it applies to).
  std::map<std::string, std::vector<const SearchParameter*>, std::less<>> by_url;
  /// The concrete resource types the registry was built for.
  std::vector<std::string> resource_types;
};

/// Collects parameters, then finish() resolves composite components and indexes
/// them. Not thread-safe; used once per Registry construction.
class RegistryBuilder {
 public:
  explicit RegistryBuilder(std::vector<std::string> resource_types);

  /// Adds a parameter already built by another registry (shares its compiled expressions).
  void add_built(const SearchParameter& parameter);

  /// Expands `definition` onto its bases and compiles its expression. Custom
  /// definitions must be active, have a url and an expression, and name known
  /// bases. Throws DefinitionError: expression that does not compile, (type, code)
  /// already defined, index key collision, custom rule broken.
  void add(const Definition& definition, bool custom);

  /// Resolves composite components (type of the definition URL, compiled
  /// expression) and builds the indexes. Throws DefinitionError for a component
  /// whose definition is unknown or whose expression does not compile.
  RegistryTables finish() &&;

 private:
  std::shared_ptr<const fhir::fhirpath::Expression> compile(const std::string& text, const std::string& who);
  std::vector<std::string> expand(const std::string& base, const std::string& who, bool custom) const;
  void insert(SearchParameter parameter, const std::string& who);

  RegistryTables tables_;
  /// Expressions shared by many entries (Resource.id on 146 types, component "code"...).
  std::unordered_map<std::string, std::shared_ptr<const fhir::fhirpath::Expression>> compiled_;
  /// Pending composites: index in tables_.params → component definitions.
  std::vector<std::pair<std::size_t, std::vector<ComponentDefinition>>> composites_;
  std::unordered_map<std::int32_t, std::size_t> keys_;
  /// The names in tables_.resource_types (expression_for_type).
  std::unordered_set<std::string_view> type_names_;
};

}  // namespace carnet::search::detail
