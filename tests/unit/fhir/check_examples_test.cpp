#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "unit/fhir/model_fixture.hpp"

namespace carnet::fhir {
namespace {

using testing::model;

std::string describe(const std::vector<core::Issue>& issues) {
  std::string out;
  for (const auto& i : issues) out += "  [" + i.code + "] " + i.expression + ": " + i.diagnostics + "\n";
  return out;
}

// Every official R4 example is valid R4 JSON, so check() must accept it.
TEST(FhirCheckExamples, EveryOfficialExamplePasses) {
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::examples_dir())) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().filename().string();
    const auto issues = model().check(testing::read_json(entry.path()));
    EXPECT_TRUE(issues.empty()) << name << ":\n" << describe(issues);
    ++checked;
  }
  EXPECT_EQ(checked, 642u);
}

}  // namespace
}  // namespace carnet::fhir
