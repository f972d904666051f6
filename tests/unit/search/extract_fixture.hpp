#pragma once
/// Shared by the search unit tests of the registry and the extractor: the
/// official registry loaded once from schemas/, and the official examples.

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "carnet/core/json.hpp"
#include "carnet/fhir/model.hpp"
#include "carnet/search/parameters.hpp"
#include "carnet/search/terminology.hpp"

namespace carnet::search::testing {

inline std::filesystem::path schemas_dir() {
  return std::filesystem::path(CARNET_SOURCE_DIR) / "schemas";
}

/// The 146 concrete R4 resource types, from the model (loaded once).
inline const std::vector<std::string>& resource_types() {
  static const std::vector<std::string> types = fhir::Model::load(schemas_dir())->resource_types();
  return types;
}

/// The official registry (loaded once, then shared).
inline const std::shared_ptr<const Registry>& registry_ptr() {
  static const std::shared_ptr<const Registry> loaded = Registry::load(schemas_dir(), resource_types());
  return loaded;
}
inline const Registry& registry() {
  return *registry_ptr();
}

/// The official registry with the implicit code systems, as the server uses it
/// (loaded once, then shared).
inline const Registry& registry_with_systems() {
  static const std::shared_ptr<const Registry> loaded = registry_ptr()->with_implicit_systems(
      fhir::Model::load(schemas_dir()), Terminology::load(schemas_dir()));
  return *loaded;
}

inline std::filesystem::path examples_dir() {
  return std::filesystem::path(CARNET_FIXTURES_DIR) / "examples";
}

/// Parses a file with the server's JSON parser (exact decimals).
inline core::Json read_json(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return core::parse_json(text.str(), 128);
}

/// An official example by file name ("Patient-example.json").
inline core::Json example(const std::string& name) {
  return read_json(examples_dir() / name);
}

}  // namespace carnet::search::testing
