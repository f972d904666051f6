#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/fhir/model_fixture.hpp"

namespace carnet::fhir {
namespace {

using testing::json;
using testing::model;
using Refs = std::vector<std::string>;

core::Json example(const std::string& file) {
  return testing::read_json(testing::examples_dir() / file);
}

TEST(FhirCompartment, ObservationExampleBelongsToItsSubject) {
  EXPECT_EQ(model().patient_compartment(example("Observation-example.json")), Refs{"Patient/example"});
}

TEST(FhirCompartment, ObservationPerformerPatientsAreIncludedOnce) {
  const auto obs = json(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
    "subject":{"reference":"Patient/a"},
    "performer":[{"reference":"Practitioner/d"},{"reference":"http://example.org/fhir/Patient/b/_history/3"},
                 {"reference":"Patient/a"}]})");
  EXPECT_EQ(model().patient_compartment(obs), (Refs{"Patient/a", "Patient/b"}));
}

TEST(FhirCompartment, EncounterFollowsSubjectWhenItIsAPatient) {
  EXPECT_EQ(model().patient_compartment(json(R"({"resourceType":"Encounter","status":"finished",
    "class":{"code":"AMB"},"subject":{"reference":"Patient/e1"}})")),
            Refs{"Patient/e1"});
  EXPECT_TRUE(model()
                  .patient_compartment(json(R"({"resourceType":"Encounter","status":"finished",
    "class":{"code":"AMB"},"subject":{"reference":"Group/g1"}})"))
                  .empty());
  EXPECT_EQ(model().patient_compartment(example("Encounter-example.json")), Refs{"Patient/example"});
}

TEST(FhirCompartment, PatientIsInItsOwnCompartmentAndLinks) {
  EXPECT_EQ(model().patient_compartment(example("Patient-example.json")), Refs{"Patient/example"});
  EXPECT_EQ(model().patient_compartment(json(R"({"resourceType":"Patient","id":"p1",
    "link":[{"other":{"reference":"Patient/p2"},"type":"replaced-by"}]})")),
            (Refs{"Patient/p1", "Patient/p2"}));
}

TEST(FhirCompartment, ResourcesOutsideThePatientCompartment) {
  // Organization is not a patient-compartment type; contained and urn references are not patients.
  EXPECT_TRUE(model().patient_compartment(example("Organization-1.json")).empty());
  EXPECT_TRUE(
      model()
          .patient_compartment(json(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
    "subject":{"reference":"#p"}})"))
          .empty());
  EXPECT_TRUE(
      model()
          .patient_compartment(json(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
    "subject":{"reference":"urn:uuid:0b2c3e4f-1111-2222-3333-444455556666"}})"))
          .empty());
  EXPECT_TRUE(
      model()
          .patient_compartment(json(R"({"resourceType":"Observation","status":"final","code":{"text":"x"}})"))
          .empty());
  EXPECT_TRUE(model().patient_compartment(json("[]")).empty());
}

TEST(FhirCompartment, NestedPathsAndWhereFilters) {
  EXPECT_EQ(model().patient_compartment(json(R"({"resourceType":"Group","type":"person","actual":true,
    "member":[{"entity":{"reference":"Patient/m1"}},{"entity":{"reference":"Patient/m2"}}]})")),
            (Refs{"Patient/m1", "Patient/m2"}));
  EXPECT_EQ(model().patient_compartment(json(R"({"resourceType":"Person",
    "link":[{"target":{"reference":"Patient/x"}},{"target":{"reference":"RelatedPerson/r"}}]})")),
            Refs{"Patient/x"});
}

TEST(FhirCompartment, EveryCompartmentDefinitionIsLoaded) {
  using Codes = std::vector<std::string>;
  const auto* encounter = model().compartment("Encounter");
  ASSERT_NE(encounter, nullptr);
  EXPECT_EQ(encounter->at("Observation"), Codes{"encounter"});
  EXPECT_EQ(encounter->at("Encounter"), Codes{"{def}"});
  EXPECT_FALSE(encounter->contains("Patient"));  // listed without parameters: not a member
  const auto* practitioner = model().compartment("Practitioner");
  ASSERT_NE(practitioner, nullptr);
  EXPECT_EQ(practitioner->at("Patient"), Codes{"general-practitioner"});
  EXPECT_EQ(practitioner->at("Encounter"), (Codes{"practitioner", "participant"}));
  for (const char* type : {"Patient", "RelatedPerson", "Device"})
    EXPECT_NE(model().compartment(type), nullptr);
  EXPECT_EQ(model().compartment("Observation"), nullptr);
}

}  // namespace
}  // namespace carnet::fhir
