// Each resource type's parameters evaluate only the union parts of their
// official expression that start from that type (search/expression_parts.hpp):
// the other types' parts select nothing on its resources and cost a write.

#include "search/expression_parts.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>
#include <vector>

#include "carnet/search/extractor.hpp"
#include "unit/search/extract_fixture.hpp"

namespace carnet::search {
namespace {

using detail::expression_for_type;
using detail::union_parts;

const std::unordered_set<std::string_view>& types() {
  static const std::unordered_set<std::string_view> t{"Observation", "Condition", "Patient", "Encounter"};
  return t;
}

TEST(UnionParts, SplitsTheTopLevelUnionOnly) {
  EXPECT_EQ(union_parts("A.x | (B.y as Quantity) | C.z.where(a | b)"),
            (std::vector<std::string_view>{"A.x", "(B.y as Quantity)", "C.z.where(a | b)"}));
  EXPECT_EQ(union_parts("A.x.where(system = 'a|b') | B[0]"),
            (std::vector<std::string_view>{"A.x.where(system = 'a|b')", "B[0]"}));
  EXPECT_EQ(union_parts("Patient.name"), (std::vector<std::string_view>{"Patient.name"}));
}

TEST(ExpressionForType, KeepsThePartsOfItsTypeAndThoseOfNoType) {
  EXPECT_EQ(expression_for_type("Condition.subject | Observation.subject.where(resolve() is Patient) | "
                                "Encounter.subject",
                                "Observation", types()),
            "Observation.subject.where(resolve() is Patient)");
  EXPECT_EQ(expression_for_type("(Observation.value as Quantity) | (Condition.abatement as Age) | "
                                "(Observation.value as SampledData)",
                                "Observation", types()),
            "(Observation.value as Quantity) | (Observation.value as SampledData)");
  // Not led by a known type: kept (Resource, a function, a variable).
  EXPECT_EQ(expression_for_type("Resource.meta.tag | Condition.code", "Observation", types()),
            "Resource.meta.tag");
  EXPECT_EQ(expression_for_type("Observation.code | %resource.code", "Observation", types()),
            "Observation.code | %resource.code");
  // A name that merely starts like a type is not that type.
  EXPECT_EQ(expression_for_type("ObservationX.code | Condition.code", "Observation", types()),
            "ObservationX.code");
}

TEST(ExpressionForType, LeavesTheExpressionWhenNothingOrEverythingIsDropped) {
  EXPECT_EQ(expression_for_type("Observation.code | Observation.component.code", "Observation", types()),
            "Observation.code | Observation.component.code");
  EXPECT_EQ(expression_for_type("Condition.code | Encounter.type", "Observation", types()),
            "Condition.code | Encounter.type");
}

TEST(ExpressionForType, TheRegistryEvaluatesOnlyTheOwnTypesPart) {
  // clinical-patient is one union over some 30 types; on Observation its
  // compiled expression is the Observation part, with the same result.
  const SearchParameter* p = testing::registry_with_systems().find("Observation", "patient");
  ASSERT_NE(p, nullptr);
  EXPECT_GT(union_parts(p->expression_text).size(), 20U);
  const core::Json observation =
      core::parse_json(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},)"
                       R"("subject":{"reference":"Patient/p1"}})");
  EXPECT_EQ(p->expression->evaluate(observation).size(), 1U);
  // Evaluated on a Condition, the Observation entry's expression selects nothing:
  // it is no longer the whole union.
  const core::Json condition =
      core::parse_json(R"({"resourceType":"Condition","subject":{"reference":"Patient/p1"}})");
  EXPECT_TRUE(p->expression->evaluate(condition).empty());
  const SearchParameter* on_condition = testing::registry_with_systems().find("Condition", "patient");
  ASSERT_NE(on_condition, nullptr);
  EXPECT_EQ(on_condition->expression->evaluate(condition).size(), 1U);
}

}  // namespace
}  // namespace carnet::search
