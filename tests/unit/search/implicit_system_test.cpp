// The implicit code system of `code` elements bound (required) to a value set
// of one code system (http://hl7.org/fhir/R4/search.html#token), set on the
// token parameters by Registry::with_implicit_systems and used by extract().

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "carnet/core/error.hpp"
#include "carnet/search/extractor.hpp"
#include "unit/search/extract_fixture.hpp"

namespace carnet::search {
namespace {

using testing::example;
using testing::registry_with_systems;

std::string system_of(const char* type, const char* code) {
  const SearchParameter* p = registry_with_systems().find(type, code);
  EXPECT_NE(p, nullptr) << type << "." << code;
  return p != nullptr ? p->implicit_system : std::string("<unknown>");
}

std::vector<TokenValue> tokens(const IndexEntries& e, const char* type, const char* code) {
  const SearchParameter* p = registry_with_systems().find(type, code);
  EXPECT_NE(p, nullptr) << type << "." << code;
  std::vector<TokenValue> out;
  for (const auto& entry : e.tokens)
    if (p != nullptr && entry.key == p->key) out.push_back(entry.value);
  return out;
}

TEST(SearchImplicitSystem, RequiredBindingsOfOneSystem) {
  EXPECT_EQ(system_of("Patient", "gender"), "http://hl7.org/fhir/administrative-gender");
  EXPECT_EQ(system_of("Observation", "status"), "http://hl7.org/fhir/observation-status");
  EXPECT_EQ(system_of("Encounter", "status"), "http://hl7.org/fhir/encounter-status");
  // Through a datatype: Patient.address.use (Address.use, required).
  EXPECT_EQ(system_of("Patient", "address-use"), "http://hl7.org/fhir/address-use");
}

TEST(SearchImplicitSystem, NoneWhereNotAPlainBoundCode) {
  // CodeableConcept, Identifier, boolean, id: systems of their own or none.
  EXPECT_EQ(system_of("Observation", "code"), "");
  EXPECT_EQ(system_of("Patient", "identifier"), "");
  EXPECT_EQ(system_of("Patient", "active"), "");
  EXPECT_EQ(system_of("Patient", "_id"), "");
  // Patient.communication.language is a CodeableConcept; Patient.language is not searchable.
  EXPECT_EQ(system_of("Patient", "language"), "");
  // The plain registry has none.
  EXPECT_EQ(testing::registry().find("Patient", "gender")->implicit_system, "");
}

TEST(SearchImplicitSystem, ExtractedAsTheSystemOfTheCode) {
  const IndexEntries patient = extract(registry_with_systems(), example("Patient-example.json"), {"example"});
  auto gender = tokens(patient, "Patient", "gender");
  ASSERT_EQ(gender.size(), 1u);
  EXPECT_EQ(gender[0].system, "http://hl7.org/fhir/administrative-gender");
  EXPECT_EQ(gender[0].code, "male");

  const IndexEntries observation = extract(registry_with_systems(), example("Observation-example.json"), {});
  auto status = tokens(observation, "Observation", "status");
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].system, "http://hl7.org/fhir/observation-status");
  EXPECT_EQ(status[0].code, "final");
  // A CodeableConcept keeps the systems of its codings.
  auto code = tokens(observation, "Observation", "code");
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(code[0].system, "http://loinc.org");
  for (const TokenValue& t : code) EXPECT_NE(t.system, "http://hl7.org/fhir/observation-status");
}

TEST(SearchImplicitSystem, CustomParametersGetTheirsToo) {
  const core::Json custom =
      core::parse_json(R"({"resourceType":"SearchParameter","url":"http://example.org/sp/gender2",
    "name":"gender2","status":"active","code":"gender2","base":["Patient"],"type":"token",
    "expression":"Patient.gender"})",
                       64);
  auto extended = testing::registry_ptr()
                      ->with_implicit_systems(fhir::Model::load(testing::schemas_dir()),
                                              Terminology::load(testing::schemas_dir()))
                      ->with_custom(std::span<const core::Json>(&custom, 1));
  const SearchParameter* p = extended->find("Patient", "gender2");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->implicit_system, "http://hl7.org/fhir/administrative-gender");
  EXPECT_EQ(extended->find("Patient", "gender")->implicit_system,
            "http://hl7.org/fhir/administrative-gender");
}

}  // namespace
}  // namespace carnet::search
