// Behaviour the search indexer relies on, beyond the fhirpath.js suite.

#include "carnet/fhir/fhirpath/expression.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "carnet/core/json.hpp"

namespace fp = carnet::fhir::fhirpath;

namespace {

fp::Collection eval(const std::string& expr, const carnet::core::Json& resource) {
  return fp::Expression::compile(expr).evaluate(resource);
}

const carnet::core::Json& observation() {
  static const carnet::core::Json kObs = carnet::core::parse_json(R"({
    "resourceType": "Observation", "id": "o1", "status": "final",
    "subject": {"reference": "Patient/123"},
    "performer": [{"reference": "Practitioner/p1"}, {"reference": "Patient/123"}],
    "valueQuantity": {"value": 1.50, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"},
    "effectiveDateTime": "2020-01-02T10:00:00Z"
  })");
  return kObs;
}

}  // namespace

TEST(FhirpathExpression, ChoiceTypeAndAs) {
  auto r = eval("(Observation.value as Quantity).value", observation());
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(fp::to_display(r[0]), "1.50");  // exact decimal text kept
  EXPECT_EQ(eval("Observation.value.ofType(string)", observation()).size(), 0u);
  EXPECT_TRUE(eval("Observation.value is Quantity", observation())[0].boolean);
}

TEST(FhirpathExpression, ResolveIsTypeWithoutResolver) {
  auto r = eval("Observation.performer.where(resolve() is Patient)", observation());
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ((*r[0].json)["reference"], "Patient/123");
}

TEST(FhirpathExpression, DecimalEqualityIsExact) {
  EXPECT_TRUE(eval("Observation.value.value = 1.5", observation())[0].boolean);
  EXPECT_FALSE(eval("0.1 + 0.2 = 0.30000001", observation())[0].boolean);
  EXPECT_TRUE(eval("0.1 + 0.2 = 0.3", observation())[0].boolean);
}

TEST(FhirpathExpression, PrecedenceAndDates) {
  EXPECT_EQ(eval("1 + 2 * 3", observation())[0].integer, 7);
  EXPECT_TRUE(eval("Observation.effective > @2020-01-01", observation())[0].boolean);
  EXPECT_TRUE(eval("@2020-01 < @2020-02-15", observation())[0].boolean);
  EXPECT_TRUE(eval("(@2020-01 = @2020-01-15).empty()", observation())[0].boolean);
}

TEST(FhirpathExpression, SyntaxErrorsThrowParseError) {
  EXPECT_THROW(fp::Expression::compile("Patient.name.("), fp::ParseError);
  EXPECT_THROW(fp::Expression::compile("Patient.nosuchfunction()"), fp::ParseError);
}

TEST(FhirpathExpression, ConcurrentEvaluationOfOneExpression) {
  auto expr = fp::Expression::compile("Observation.performer.where(resolve() is Patient).reference");
  std::vector<std::thread> threads;
  std::vector<std::size_t> counts(4, 0);
  for (std::size_t t = 0; t < counts.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) counts[t] += expr.evaluate(observation()).size();
    });
  }
  for (auto& th : threads) th.join();
  for (std::size_t c : counts) EXPECT_EQ(c, 200u);
}

TEST(FhirpathExpression, ResolveContainedAndPrimitiveExtensions) {
  auto patient = carnet::core::parse_json(R"({
    "resourceType": "Patient", "id": "p",
    "contained": [{"resourceType": "Organization", "id": "org1", "name": "Clinic"}],
    "managingOrganization": {"reference": "#org1"},
    "birthDate": "1980-05-01",
    "_birthDate": {"extension": [{"url": "http://x/time", "valueTime": "10:00:00"}]}
  })");
  auto r = eval("Patient.managingOrganization.resolve().name", patient);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(fp::to_display(r[0]), "Clinic");
  EXPECT_EQ(eval("Patient.birthDate.extension('http://x/time').value", patient).size(), 1u);
  EXPECT_TRUE(eval("Patient.birthDate < @2000", patient)[0].boolean);
}
