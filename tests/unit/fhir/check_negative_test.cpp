#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/fhir/model_fixture.hpp"

namespace carnet::fhir {
namespace {

using testing::json;
using testing::model;

// One issue expected: its code and FHIRPath expression; diagnostics must not echo the value.
void expect_one_issue(std::string_view resource, const std::string& code, const std::string& expression,
                      const std::string& secret = {}) {
  const auto issues = model().check(json(resource));
  ASSERT_EQ(issues.size(), 1u) << resource;
  EXPECT_EQ(issues[0].severity, core::Severity::error);
  EXPECT_EQ(issues[0].code, code);
  EXPECT_EQ(issues[0].expression, expression);
  EXPECT_FALSE(issues[0].diagnostics.empty());
  if (!secret.empty()) {
    EXPECT_EQ(issues[0].diagnostics.find(secret), std::string::npos) << issues[0].diagnostics;
  }
}

TEST(FhirCheck, MinimalPatientIsValid) {
  EXPECT_TRUE(model().check(json(R"({"resourceType":"Patient","id":"p1","active":true})")).empty());
}

TEST(FhirCheck, UnknownElementIsNamed) {
  expect_one_issue(R"({"resourceType":"Patient","nickname":"Bob"})", "structure", "Patient.nickname", "Bob");
  expect_one_issue(R"({"resourceType":"Patient","name":[{"family":"Doe","middle":"X"}]})", "structure",
                   "Patient.name[0].middle");
}

TEST(FhirCheck, WrongJsonTypeIsStructure) {
  expect_one_issue(R"({"resourceType":"Patient","active":"true"})", "structure", "Patient.active");
  expect_one_issue(R"({"resourceType":"Patient","birthDate":19800101})", "structure", "Patient.birthDate");
  expect_one_issue(R"({"resourceType":"Patient","name":["Doe"]})", "structure", "Patient.name[0]");
  expect_one_issue(
      R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":"1"}})",
      "structure", "Observation.value.ofType(Quantity).value");
}

TEST(FhirCheck, DecimalInIntegerIsRejected) {
  expect_one_issue(R"({"resourceType":"Patient","multipleBirthInteger":1.5})", "value",
                   "Patient.multipleBirth.ofType(integer)", "1.5");
  // 1.0 and 1e2 are JSON numbers written as decimals: not FHIR integers.
  expect_one_issue(R"({"resourceType":"Patient","multipleBirthInteger":1.0})", "value",
                   "Patient.multipleBirth.ofType(integer)");
  expect_one_issue(R"({"resourceType":"Patient","multipleBirthInteger":1e2})", "value",
                   "Patient.multipleBirth.ofType(integer)");
  EXPECT_TRUE(model().check(json(R"({"resourceType":"Patient","multipleBirthInteger":2})")).empty());
}

TEST(FhirCheck, IntegerRangesAreEnforced) {
  expect_one_issue(R"({"resourceType":"Patient","multipleBirthInteger":2147483648})", "value",
                   "Patient.multipleBirth.ofType(integer)");
  EXPECT_TRUE(
      model().check(json(R"({"resourceType":"Patient","multipleBirthInteger":-2147483648})")).empty());
  const char* timing = R"({"resourceType":"MedicationRequest","status":"active","intent":"order",
    "medicationCodeableConcept":{"text":"x"},"subject":{"reference":"Patient/p1"},
    "dosageInstruction":[{"timing":{"repeat":{"frequency":0}}}]})";
  expect_one_issue(timing, "value", "MedicationRequest.dosageInstruction[0].timing.repeat.frequency");
  // Attachment.size is an unsignedInt.
  expect_one_issue(R"({"resourceType":"Patient","photo":[{"size":-1}]})", "value", "Patient.photo[0].size");
  EXPECT_TRUE(model().check(json(R"({"resourceType":"Patient","photo":[{"size":0}]})")).empty());
}

TEST(FhirCheck, DecimalAcceptsAnyNumber) {
  EXPECT_TRUE(model()
                  .check(json(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
    "valueQuantity":{"value":1.50}})"))
                  .empty());
  EXPECT_TRUE(model()
                  .check(json(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
    "valueQuantity":{"value":3}})"))
                  .empty());
}

TEST(FhirCheck, ArrayOnMaxOneElement) {
  expect_one_issue(R"({"resourceType":"Patient","gender":["male"]})", "structure", "Patient.gender");
  expect_one_issue(R"({"resourceType":"Patient","name":[{"family":["Doe"]}]})", "structure",
                   "Patient.name[0].family");
}

TEST(FhirCheck, ScalarOnRepeatingElement) {
  expect_one_issue(R"({"resourceType":"Patient","name":{"family":"Doe"}})", "structure", "Patient.name");
  expect_one_issue(R"({"resourceType":"Patient","name":[{"given":"John"}]})", "structure",
                   "Patient.name[0].given", "John");
}

TEST(FhirCheck, EmptyValuesAreRejected) {
  expect_one_issue(R"({"resourceType":"Patient","name":[{"given":["John",""]}]})", "value",
                   "Patient.name[0].given[1]");
  expect_one_issue(R"({"resourceType":"Patient","name":[]})", "structure", "Patient.name");
  expect_one_issue(R"({"resourceType":"Patient","name":[{}]})", "structure", "Patient.name[0]");
  expect_one_issue(R"({"resourceType":"Patient","maritalStatus":{}})", "structure", "Patient.maritalStatus");
}

TEST(FhirCheck, NullIsOnlyAPlaceholderForPrimitiveExtensions) {
  expect_one_issue(R"({"resourceType":"Patient","active":null})", "structure", "Patient.active");
  expect_one_issue(R"({"resourceType":"Patient","name":[{"given":["A",null]}]})", "structure",
                   "Patient.name[0].given[1]");
  EXPECT_TRUE(model()
                  .check(json(R"({"resourceType":"Patient","name":[{"given":["A",null],
    "_given":[null,{"extension":[{"url":"http://example.org/x","valueString":"B"}]}]}]})"))
                  .empty());
}

TEST(FhirCheck, PrimitiveExtensionSiblings) {
  EXPECT_TRUE(model()
                  .check(json(R"({"resourceType":"Patient","_birthDate":{"id":"b1",
    "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"1980-01-01T10:00:00Z"}]}})"))
                  .empty());
  expect_one_issue(R"({"resourceType":"Patient","_birthDate":{"foo":1}})", "structure",
                   "Patient.birthDate.foo");
  expect_one_issue(R"({"resourceType":"Patient","_birthDate":[{"id":"x"}]})", "structure",
                   "Patient.birthDate");
  expect_one_issue(R"({"resourceType":"Patient","_name":{"id":"x"}})", "structure", "Patient._name");
  expect_one_issue(R"({"resourceType":"Patient","name":[{"given":["A","B"],"_given":[null]}]})", "structure",
                   "Patient.name[0].given");
}

TEST(FhirCheck, ChoiceTypes) {
  expect_one_issue(R"({"resourceType":"Patient","deceasedString":"yes"})", "structure",
                   "Patient.deceasedString");
  expect_one_issue(R"({"resourceType":"Patient","deceasedBoolean":true,"deceasedDateTime":"2020"})",
                   "structure", "Patient.deceased.ofType(dateTime)");
}

TEST(FhirCheck, ResourceIdMustBeAValidId) {
  expect_one_issue(R"({"resourceType":"Patient","id":"a b"})", "value", "Patient.id", "a b");
  expect_one_issue(R"({"resourceType":"Patient","id":")" + std::string(65, 'a') + R"("})", "value",
                   "Patient.id");
  // Element ids inside datatypes are plain strings.
  EXPECT_TRUE(
      model().check(json(R"({"resourceType":"Patient","name":[{"id":"n 1","family":"Doe"}]})")).empty());
}

TEST(FhirCheck, ResourceTypeMustBeKnown) {
  expect_one_issue(R"({"resourceType":"Patientt"})", "structure", "");
  expect_one_issue(R"({"resourceType":"DomainResource"})", "structure", "");
  expect_one_issue(R"({"id":"x"})", "structure", "");
  EXPECT_EQ(model().check(json("[]")).size(), 1u);
}

TEST(FhirCheck, ContainedResourcesAreCheckedByTheirType) {
  EXPECT_TRUE(model()
                  .check(json(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
    "contained":[{"resourceType":"Patient","id":"p","active":true}],"subject":{"reference":"#p"}})"))
                  .empty());
  expect_one_issue(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
    "contained":[{"resourceType":"Patient","id":"p","activ":true}]})",
                   "structure", "Observation.contained[0].activ");
  expect_one_issue(R"({"resourceType":"Observation","status":"final","contained":[{"id":"p"}]})", "structure",
                   "Observation.contained[0]");
  expect_one_issue(R"({"resourceType":"Observation","status":"final","contained":[{"resourceType":"Foo"}]})",
                   "structure", "Observation.contained[0]");
  expect_one_issue(
      R"({"resourceType":"Observation","status":"final","contained":{"resourceType":"Patient"}})",
      "structure", "Observation.contained");
  // dom-2: no nested contained resources.
  expect_one_issue(R"({"resourceType":"Observation","status":"final","contained":[{"resourceType":"Patient",
    "id":"p","contained":[{"resourceType":"Organization","id":"o"}]}]})",
                   "structure", "Observation.contained[0].contained");
}

TEST(FhirCheck, BundleEntriesAndParametersAreCheckedByTheirType) {
  expect_one_issue(
      R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient"}},
    {"resource":{"resourceType":"Patient","gender":1}}]})",
      "structure", "Bundle.entry[1].resource.gender");
  expect_one_issue(
      R"({"resourceType":"Parameters","parameter":[{"name":"p","resource":{"resourceType":"Basic","cod":{}}}]})",
      "structure", "Parameters.parameter[0].resource.cod");
}

TEST(FhirCheck, RecursiveContentReference) {
  EXPECT_TRUE(
      model()
          .check(
              json(R"({"resourceType":"Questionnaire","status":"draft","item":[{"linkId":"1","type":"group",
    "item":[{"linkId":"1.1","type":"group","item":[{"linkId":"1.1.1","type":"boolean"}]}]}]})"))
          .empty());
  expect_one_issue(R"({"resourceType":"Questionnaire","status":"draft","item":[{"linkId":"1","type":"group",
    "item":[{"linkId":"1.1","type":"group","item":[{"linkId":"1.1.1","typ":"boolean"}]}]}]})",
                   "structure", "Questionnaire.item[0].item[0].item[0].typ");
}

TEST(FhirCheck, ModifierExtensionOnBackboneAndNarrativeDiv) {
  EXPECT_TRUE(
      model()
          .check(json(
              R"({"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},
    "contact":[{"id":"c","modifierExtension":[{"url":"http://example.org/m","valueBoolean":true}],"gender":"male"}]})"))
          .empty());
  expect_one_issue(R"({"resourceType":"Patient","text":{"status":"generated","div":{"p":"x"}}})", "structure",
                   "Patient.text.div");
}

TEST(FhirCheck, ReportsEveryProblem) {
  const auto issues =
      model().check(json(R"({"resourceType":"Patient","id":"bad id","active":1,"foo":true})"));
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].expression, "Patient.id");
  EXPECT_EQ(issues[1].expression, "Patient.active");
  EXPECT_EQ(issues[2].expression, "Patient.foo");
}

}  // namespace
}  // namespace carnet::fhir
