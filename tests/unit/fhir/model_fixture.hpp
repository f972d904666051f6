#pragma once
/// Shared by the fhir unit tests: the Model loaded once from the project's
/// schemas/ folder, and helpers to read fixtures.

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "carnet/core/json.hpp"
#include "carnet/fhir/model.hpp"

namespace carnet::fhir::testing {

/// The model loaded from CARNET_SOURCE_DIR/schemas (loaded on first use, then shared).
inline const Model& model() {
  static const std::shared_ptr<const Model> loaded =
      Model::load(std::filesystem::path(CARNET_SOURCE_DIR) / "schemas");
  return *loaded;
}

/// The folder of the official R4 examples.
inline std::filesystem::path examples_dir() {
  return std::filesystem::path(CARNET_FIXTURES_DIR) / "examples";
}

/// Parses a fixture file with the server's JSON parser (exact decimals).
inline core::Json read_json(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return core::parse_json(text.str());
}

/// Parses inline JSON text.
inline core::Json json(std::string_view text) {
  return core::parse_json(text);
}

}  // namespace carnet::fhir::testing
