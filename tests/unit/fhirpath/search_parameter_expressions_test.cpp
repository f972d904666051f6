// Every expression of the 1,375 R4 SearchParameters (schemas/search-parameters.json)
// must compile, and must evaluate without throwing on the official examples of
// its base resource types (tests/fixtures/examples).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "carnet/core/json.hpp"
#include "carnet/fhir/fhirpath/expression.hpp"

namespace fp = carnet::fhir::fhirpath;
using carnet::core::Json;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Param {
  std::string id;
  std::string expression;
  std::vector<std::string> bases;
};

std::vector<Param> load_params() {
  Json bundle = carnet::core::parse_json(
      read_file(std::filesystem::path(CARNET_SOURCE_DIR) / "schemas" / "search-parameters.json"), 128);
  std::vector<Param> out;
  for (const Json& entry : bundle["entry"]) {
    const Json& r = entry["resource"];
    if (!r.contains("expression")) continue;
    Param p{r["id"].get<std::string>(), r["expression"].get<std::string>(), {}};
    for (const Json& b : r["base"]) p.bases.push_back(b.get<std::string>());
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

TEST(SearchParameterExpressions, AllCompile) {
  auto params = load_params();
  EXPECT_GE(params.size(), 1300u);
  for (const Param& p : params) {
    EXPECT_NO_THROW(fp::Expression::compile(p.expression)) << p.id << ": " << p.expression;
  }
}

TEST(SearchParameterExpressions, EvaluateOnOfficialExamples) {
  auto params = load_params();
  std::map<std::string, std::vector<Json>> examples;
  for (const auto& f :
       std::filesystem::directory_iterator(std::filesystem::path(CARNET_FIXTURES_DIR) / "examples")) {
    if (f.path().extension() != ".json") continue;
    Json j = carnet::core::parse_json(read_file(f.path()), 128);
    if (j.contains("resourceType")) examples[j["resourceType"].get<std::string>()].push_back(std::move(j));
  }
  std::size_t evaluations = 0;
  std::size_t non_empty = 0;
  for (const Param& p : params) {
    auto expr = fp::Expression::compile(p.expression);
    for (const std::string& base : p.bases) {
      for (const auto& [type, list] : examples) {
        if (base != type && base != "Resource" && base != "DomainResource") continue;
        for (const Json& resource : list) {
          ++evaluations;
          try {
            if (!expr.evaluate(resource).empty()) ++non_empty;
          } catch (const std::exception& e) {
            ADD_FAILURE() << p.id << " on " << type << "/" << resource.value("id", "") << ": " << e.what();
          }
        }
      }
    }
  }
  EXPECT_GT(evaluations, 1000u);
  // Most parameters find something in the examples written to illustrate them.
  EXPECT_GT(non_empty, evaluations / 10);
}
