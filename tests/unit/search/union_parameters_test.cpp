// Parameters whose values are exactly those of other parameters of their type
// are stored under those (search/union_parameters.hpp): Observation's combo-*.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "carnet/search/extractor.hpp"
#include "unit/search/extract_fixture.hpp"

namespace carnet::search {
namespace {

std::vector<std::int32_t> keys_of(const char* type, std::initializer_list<const char*> codes) {
  std::vector<std::int32_t> out;
  for (const char* code : codes) out.push_back(index_key(type, code));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::int32_t> stored_under(const char* type, const char* code) {
  const SearchParameter* p = testing::registry_with_systems().find(type, code);
  EXPECT_NE(p, nullptr) << type << "." << code;
  if (p == nullptr) return {};
  std::vector<std::int32_t> out = p->stored_under;
  std::sort(out.begin(), out.end());
  return out;
}

TEST(UnionParameters, ObservationCombosAreStoredUnderTheirParts) {
  EXPECT_EQ(stored_under("Observation", "combo-code"), keys_of("Observation", {"code", "component-code"}));
  EXPECT_EQ(stored_under("Observation", "combo-value-quantity"),
            keys_of("Observation", {"value-quantity", "component-value-quantity"}));
  EXPECT_EQ(stored_under("Observation", "combo-value-concept"),
            keys_of("Observation", {"value-concept", "component-value-concept"}));
  EXPECT_EQ(stored_under("Observation", "combo-data-absent-reason"),
            keys_of("Observation", {"data-absent-reason", "component-data-absent-reason"}));
  // Composites: only the parts with the same components (code + quantity).
  EXPECT_EQ(stored_under("Observation", "combo-code-value-quantity"),
            keys_of("Observation", {"code-value-quantity", "component-code-value-quantity"}));
  EXPECT_EQ(stored_under("Observation", "combo-code-value-concept"),
            keys_of("Observation", {"code-value-concept", "component-code-value-concept"}));
}

TEST(UnionParameters, PatientIsTheSubjectOfTypePatient) {
  for (const char* type : {"Observation", "Condition", "Encounter", "Procedure", "DiagnosticReport"}) {
    const SearchParameter* p = testing::registry_with_systems().find(type, "patient");
    ASSERT_NE(p, nullptr) << type;
    EXPECT_EQ(p->stored_under, std::vector<std::int32_t>{index_key(type, "subject")}) << type;
    EXPECT_EQ(p->stored_target_type, "Patient") << type;
  }
  // A plain path (AllergyIntolerance.patient) has rows of its own.
  EXPECT_TRUE(stored_under("AllergyIntolerance", "patient").empty());
  EXPECT_TRUE(
      testing::registry_with_systems().find("AllergyIntolerance", "patient")->stored_target_type.empty());
  // The entries of one code know each other, for searches over several types.
  const SearchParameter* obs = testing::registry_with_systems().find("Observation", "patient");
  EXPECT_TRUE(std::any_of(obs->same_code.begin(), obs->same_code.end(),
                          [](const SearchParameter* p) { return p->base == "AllergyIntolerance"; }));
}

TEST(UnionParameters, OtherParametersKeepTheirOwnRows) {
  EXPECT_TRUE(stored_under("Observation", "code").empty());
  EXPECT_TRUE(stored_under("Observation", "component-code").empty());
  EXPECT_TRUE(stored_under("Observation", "subject").empty());
  EXPECT_TRUE(stored_under("Condition", "code").empty());
  EXPECT_TRUE(stored_under("Patient", "name").empty());
}

TEST(UnionParameters, NoRowIsExtractedUnderAUnionsOwnKey) {
  const core::Json observation = core::parse_json(
      R"({"resourceType":"Observation","status":"final",)"
      R"("code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},)"
      R"("component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},)"
      R"("valueQuantity":{"value":120,"system":"http://unitsofmeasure.org","code":"mm[Hg]"}}]})");
  const auto e = extract(testing::registry_with_systems(), observation, {});
  const std::int32_t combo = index_key("Observation", "combo-code");
  const std::int32_t code = index_key("Observation", "code");
  const std::int32_t component = index_key("Observation", "component-code");
  auto count = [&e](std::int32_t key) {
    return std::count_if(e.tokens.begin(), e.tokens.end(), [key](const auto& t) { return t.key == key; });
  };
  EXPECT_EQ(count(combo), 0);
  EXPECT_EQ(count(code), 1);
  EXPECT_EQ(count(component), 1);
  const std::int32_t combo_pair = index_key("Observation", "combo-code-value-quantity");
  EXPECT_TRUE(std::none_of(e.composites.begin(), e.composites.end(),
                           [combo_pair](const auto& c) { return c.key == combo_pair; }));
  EXPECT_EQ(std::count_if(e.composites.begin(), e.composites.end(),
                          [](const auto& c) {
                            return c.key == index_key("Observation", "component-code-value-quantity");
                          }),
            1);
}

}  // namespace
}  // namespace carnet::search
