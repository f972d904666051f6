#pragma once
/// The code systems and value sets shipped in schemas/ (valuesets.json and
/// v3-codesystems.json, copied from the official definitions), for the token
/// modifiers :in, :not-in, :below and :above (http://hl7.org/fhir/R4/search.html#token).
/// No terminology server: only what the files define (enumerated concepts,
/// whole-system includes, is-a hierarchies of CodeSystem.concept nesting).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace carnet::search {

/// Immutable after load; const members are thread-safe.
class Terminology {
 public:
  /// Reads the ValueSet and CodeSystem resources of the Bundles
  /// schemas_dir/valuesets.json and schemas_dir/v3-codesystems.json. Throws
  /// std::runtime_error naming a missing or unreadable file.
  static std::shared_ptr<const Terminology> load(const std::filesystem::path& schemas_dir);

  /// What a value set stands for.
  struct Expansion {
    std::vector<std::pair<std::string, std::string>> codes;  ///< (system, code)
    std::vector<std::string> whole_systems;                  ///< systems included entirely
  };

  /// The expansion of the value set with canonical `url` (with or without
  /// "|version"), following compose.include (concepts, filters is-a/descendent-of
  /// on known hierarchies, whole systems, included value sets) minus
  /// compose.exclude concepts; nullopt when the value set is unknown.
  std::optional<Expansion> expand(std::string_view url) const;

  /// `code` and every code below it in the is-a hierarchy of code system
  /// `system`; nullopt when the system or the code is unknown.
  std::optional<std::vector<std::string>> descendants(std::string_view system, std::string_view code) const;

  /// `code` and every code above it; nullopt when unknown.
  std::optional<std::vector<std::string>> ancestors(std::string_view system, std::string_view code) const;

  ~Terminology();
  Terminology(const Terminology&) = delete;
  Terminology& operator=(const Terminology&) = delete;

 private:
  Terminology();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carnet::search
