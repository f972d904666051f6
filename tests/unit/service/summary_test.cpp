// _summary and _elements on the official examples (search.html#summary, #elements).
#include "service/summary.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "carnet/core/json.hpp"
#include "unit/service/service_fixture.hpp"

namespace carnet::service {
namespace {

using core::Json;

std::string example(const std::string& name) {
  std::ifstream in(std::filesystem::path(CARNET_FIXTURES_DIR) / "examples" / name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class Summary : public ServiceTest {
 protected:
  Json subset(const std::string& text, search::Summary summary, std::vector<std::string> elements = {}) {
    return core::parse_json(subset_resource(text, summary, elements, *model()), 1000);
  }
  static bool tagged(const Json& r) {
    for (const auto& t : r["meta"]["tag"])
      if (t["system"] == "http://terminology.hl7.org/CodeSystem/v3-ObservationValue" &&
          t["code"] == "SUBSETTED")
        return true;
    return false;
  }
};

TEST_F(Summary, OnlyRealSubsetsCount) {
  EXPECT_FALSE(subsets(search::Summary::none, {}));
  EXPECT_FALSE(subsets(search::Summary::count, {}));
  EXPECT_TRUE(subsets(search::Summary::yes, {}));
  EXPECT_TRUE(subsets(search::Summary::data, {}));
  EXPECT_TRUE(subsets(search::Summary::none, {"name"}));
}

TEST_F(Summary, TrueKeepsSummaryElementsOfThePatientExample) {
  Json p = subset(example("Patient-example.json"), search::Summary::yes);
  for (const char* kept : {"resourceType", "id", "identifier", "active", "name", "telecom", "gender",
                           "birthDate", "_birthDate", "address", "managingOrganization"})
    EXPECT_TRUE(p.contains(kept)) << kept;
  for (const char* dropped : {"text", "contact"}) EXPECT_FALSE(p.contains(dropped)) << dropped;
  EXPECT_TRUE(tagged(p));
}

TEST_F(Summary, TextKeepsNarrativeAndMandatoryElements) {
  Json o = subset(example("Observation-example.json"), search::Summary::text);
  EXPECT_TRUE(o.contains("text"));
  EXPECT_TRUE(o.contains("status"));  // min 1
  EXPECT_TRUE(o.contains("code"));    // min 1
  EXPECT_FALSE(o.contains("subject"));
  EXPECT_FALSE(o.contains("valueQuantity"));
  EXPECT_TRUE(tagged(o));
}

TEST_F(Summary, DataDropsTheNarrativeOnly) {
  Json whole = core::parse_json(example("Observation-example.json"), 1000);
  Json o = subset(example("Observation-example.json"), search::Summary::data);
  EXPECT_FALSE(o.contains("text"));
  for (auto it = whole.begin(); it != whole.end(); ++it) {
    if (it.key() != "text") {
      EXPECT_EQ(o[it.key()], it.value()) << it.key();
    }
  }
}

TEST_F(Summary, ElementsKeepsTheNamedChoiceElementsAndMandatoryOnes) {
  Json o = subset(example("Observation-example.json"), search::Summary::none, {"value"});
  EXPECT_TRUE(o.contains("valueQuantity"));
  EXPECT_TRUE(o.contains("status"));
  EXPECT_FALSE(o.contains("subject"));
  EXPECT_FALSE(o.contains("text"));
  EXPECT_TRUE(tagged(o));
}

TEST_F(Summary, DecimalsAndOrderAreKept) {
  std::string text =
      R"({"resourceType":"Observation","id":"d","meta":{"versionId":"1","tag":[{"code":"x"}]},"status":"final",)"
      R"("code":{"text":"w"},"valueQuantity":{"value":72.50,"unit":"kg"},"note":[{"text":"n"}]})";
  EXPECT_EQ(
      subset_resource(text, search::Summary::none, {"value"}, *model()),
      R"({"resourceType":"Observation","id":"d","meta":{"versionId":"1","tag":[{"code":"x"},)"
      R"({"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationValue","code":"SUBSETTED",)"
      R"("display":"subsetted"}]},"status":"final","code":{"text":"w"},"valueQuantity":{"value":72.50,"unit":"kg"}})");
}

}  // namespace
}  // namespace carnet::service
