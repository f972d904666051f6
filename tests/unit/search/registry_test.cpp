#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "carnet/core/error.hpp"
#include "unit/search/extract_fixture.hpp"

namespace carnet::search {
namespace {

using testing::registry;
using testing::resource_types;

core::Json custom_parameter(std::string code, std::string base, std::string expression,
                            std::string status = "active") {
  return core::Json{{"resourceType", "SearchParameter"},
                    {"url", "http://example.org/fhir/SearchParameter/" + base + "-" + code},
                    {"name", code},
                    {"status", status},
                    {"code", code},
                    {"base", core::Json::array({base})},
                    {"type", "token"},
                    {"expression", expression}};
}

int unprocessable_status(const std::shared_ptr<const Registry>& base, const core::Json& custom) {
  try {
    base->with_custom(std::span<const core::Json>(&custom, 1));
  } catch (const core::Error& e) {
    return e.status();
  }
  return 0;
}

TEST(SearchRegistry, ExpandsTheOfficialDefinitionsPerType) {
  ASSERT_EQ(resource_types().size(), 146u);
  // 1,375 definitions name 1,706 bases; the 8 on Resource are also given to each of
  // the 146 types and _text (DomainResource) to the 143 that are DomainResources.
  EXPECT_EQ(registry().size(), 1697u + 8u * 147u + 144u);
}

TEST(SearchRegistry, FindsPerTypeAndCommonParameters) {
  const SearchParameter* birthdate = registry().find("Patient", "birthdate");
  ASSERT_NE(birthdate, nullptr);
  EXPECT_EQ(birthdate->type, ParamType::date);
  EXPECT_EQ(birthdate->base, "Patient");
  ASSERT_NE(birthdate->expression, nullptr);
  EXPECT_EQ(birthdate->expression_text, "Patient.birthDate | Person.birthDate | RelatedPerson.birthDate");
  EXPECT_EQ(birthdate->key, index_key("Patient", "birthdate"));

  const SearchParameter* updated = registry().find("Observation", "_lastUpdated");
  ASSERT_NE(updated, nullptr);
  EXPECT_EQ(updated->type, ParamType::date);
  EXPECT_EQ(updated->expression_text, "Resource.meta.lastUpdated");
  EXPECT_NE(updated->key, registry().find("Patient", "_lastUpdated")->key);
  EXPECT_NE(registry().find("Resource", "_id"), nullptr);

  const SearchParameter* text = registry().find("Patient", "_text");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->expression, nullptr);
  EXPECT_EQ(registry().find("Bundle", "_text"), nullptr);  // Bundle is not a DomainResource

  EXPECT_EQ(registry().find("Patient", "no-such-code"), nullptr);
  EXPECT_EQ(registry().find("NoSuchType", "_id"), nullptr);
}

TEST(SearchRegistry, ReferenceTargetsAndUrls) {
  const SearchParameter* subject = registry().find("Observation", "subject");
  ASSERT_NE(subject, nullptr);
  EXPECT_EQ(subject->type, ParamType::reference);
  EXPECT_NE(std::find(subject->targets.begin(), subject->targets.end(), "Patient"), subject->targets.end());
  EXPECT_EQ(registry().find_by_url("Observation", "http://hl7.org/fhir/SearchParameter/Observation-subject"),
            subject);
  // One definition for many types: each type has its own entry.
  const SearchParameter* patient = registry().find("Condition", "patient");
  ASSERT_NE(patient, nullptr);
  EXPECT_EQ(registry().find_by_url("Condition", patient->url), patient);
  EXPECT_NE(registry().find_by_url("AllergyIntolerance", patient->url), patient);
}

TEST(SearchRegistry, CompositeComponentsAreResolved) {
  const SearchParameter* p = registry().find("Observation", "code-value-quantity");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, ParamType::composite);
  ASSERT_EQ(p->components.size(), 2u);
  EXPECT_EQ(p->components[0].type, ParamType::token);
  EXPECT_EQ(p->components[1].type, ParamType::quantity);
  ASSERT_NE(p->components[1].expression, nullptr);
  EXPECT_EQ(p->components[1].expression->text(), "value.as(Quantity)");
}

TEST(SearchRegistry, ForTypeIsSortedAndHoldsTheCommonParameters) {
  auto list = registry().for_type("Patient");
  ASSERT_FALSE(list.empty());
  std::set<std::string> codes;
  for (std::size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i]->base, "Patient");
    if (i > 0) {
      EXPECT_LT(list[i - 1]->code, list[i]->code);
    }
    codes.insert(list[i]->code);
  }
  for (const char* code :
       {"_id", "_lastUpdated", "_tag", "_profile", "_text", "name", "birthdate", "identifier"})
    EXPECT_TRUE(codes.count(code)) << code;
  EXPECT_TRUE(registry().for_type("NoSuchType").empty());
}

TEST(SearchRegistry, IndexKeysAreStableAndUnique) {
  // FNV-1a 32 of "Patient.birthdate", fixed forever: the keys are stored.
  EXPECT_EQ(index_key("Patient", "birthdate"), index_key("Patient", "birthdate"));
  EXPECT_EQ(static_cast<std::uint32_t>(index_key("", "")), 0x2b0c98f1u);  // FNV-1a of "."
  std::set<std::int32_t> keys;
  std::size_t entries = 0;
  for (const std::string& type : resource_types())
    for (const SearchParameter* p : registry().for_type(type)) {
      keys.insert(p->key);
      ++entries;
    }
  EXPECT_EQ(keys.size(), entries);
}

TEST(SearchRegistry, ParamTypeCodesRoundTrip) {
  for (ParamType t :
       {ParamType::number, ParamType::date, ParamType::string, ParamType::token, ParamType::reference,
        ParamType::composite, ParamType::quantity, ParamType::uri, ParamType::special})
    EXPECT_EQ(param_type_from_code(to_string(t)), t);
  EXPECT_FALSE(param_type_from_code("bogus").has_value());
}

TEST(SearchRegistry, AddsActiveCustomParameters) {
  auto official = Registry::load(testing::schemas_dir(), resource_types());
  core::Json custom =
      custom_parameter("eye-colour", "Patient", "Patient.extension('http://e.org/eye').value");
  auto extended = official->with_custom(std::span<const core::Json>(&custom, 1));
  const SearchParameter* p = extended->find("Patient", "eye-colour");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->custom);
  EXPECT_EQ(extended->size(), official->size() + 1);
  EXPECT_EQ(official->find("Patient", "eye-colour"), nullptr);
  // The set is replaced as a whole when it changes.
  auto again = extended->with_custom(std::span<const core::Json>(&custom, 1));
  EXPECT_EQ(again->size(), extended->size());
  // A custom parameter on Resource applies to every type.
  core::Json everywhere =
      custom_parameter("_owner", "Resource", "Resource.meta.extension('http://e.org/o').value");
  auto common = official->with_custom(std::span<const core::Json>(&everywhere, 1));
  EXPECT_NE(common->find("Observation", "_owner"), nullptr);
}

TEST(SearchRegistry, RefusesUnusableCustomParameters) {
  auto official = Registry::load(testing::schemas_dir(), resource_types());
  EXPECT_EQ(unprocessable_status(official, custom_parameter("x", "Patient", "Patient.id", "draft")), 422);
  EXPECT_EQ(unprocessable_status(official, custom_parameter("name", "Patient", "Patient.name")), 422);
  EXPECT_EQ(unprocessable_status(official, custom_parameter("x", "Patient", "Patient.name.(")), 422);
  EXPECT_EQ(unprocessable_status(official, custom_parameter("x", "NoSuchType", "id")), 422);
  EXPECT_EQ(unprocessable_status(official, custom_parameter("x", "Patient", "")), 422);
  core::Json bad_type = custom_parameter("x", "Patient", "Patient.id");
  bad_type["type"] = "bogus";
  EXPECT_EQ(unprocessable_status(official, bad_type), 422);
  try {
    core::Json redefined = custom_parameter("birthdate", "Patient", "Patient.birthDate");
    official->with_custom(std::span<const core::Json>(&redefined, 1));
    FAIL() << "redefinition accepted";
  } catch (const core::Error& e) {
    ASSERT_FALSE(e.issues().empty());
    EXPECT_NE(e.issues()[0].diagnostics.find("birthdate"), std::string::npos);
  }
}

TEST(SearchRegistry, FromResourcesBuildsASmallRegistry) {
  std::vector<core::Json> resources{custom_parameter("a", "Patient", "Patient.id"),
                                    custom_parameter("b", "Observation", "Observation.id")};
  auto small = Registry::from_resources(resources, resource_types(), false);
  EXPECT_EQ(small->size(), 2u);
  EXPECT_FALSE(small->find("Patient", "a")->custom);
  // The same code twice on one base cannot be told apart.
  resources.push_back(custom_parameter("a", "Patient", "Patient.name"));
  EXPECT_THROW(Registry::from_resources(resources, resource_types(), true), core::Error);
}

TEST(SearchRegistry, RefusesIndexKeyCollisions) {
  // "Patient.c57588" and "Patient.c217162" have the same FNV-1a 32-bit hash.
  ASSERT_EQ(index_key("Patient", "c57588"), index_key("Patient", "c217162"));
  std::vector<core::Json> resources{custom_parameter("c57588", "Patient", "Patient.id"),
                                    custom_parameter("c217162", "Patient", "Patient.id")};
  try {
    Registry::from_resources(resources, resource_types(), true);
    FAIL() << "collision accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 422);
    EXPECT_NE(e.issues()[0].diagnostics.find("collides"), std::string::npos);
  }
}

TEST(SearchRegistry, LoadFailsNamingTheFile) {
  EXPECT_THROW(Registry::load("/nonexistent", resource_types()), std::runtime_error);
}

}  // namespace
}  // namespace carnet::search
