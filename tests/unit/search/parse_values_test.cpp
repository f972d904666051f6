// parse_search: values by parameter type, prefixes, escapes and modifiers
// (http://hl7.org/fhir/R4/search.html#ptypes, #prefix, #escaping, #modifiers).

#include <gtest/gtest.h>

#include <chrono>

#include "carnet/search/query.hpp"
#include "extract_fixture.hpp"

namespace carnet::search {
namespace {

using namespace std::chrono;
using Params = std::vector<std::pair<std::string, std::string>>;

Query parse(std::string_view type, const Params& params, bool strict = false) {
  ParseOptions options;
  options.strict = strict;
  return parse_search(type, params, testing::registry(), nullptr, options);
}

// The one criterion of a query with one parameter.
Criterion one(std::string_view type, const std::string& name, const std::string& value) {
  Query q = parse(type, {{name, value}}, true);
  EXPECT_EQ(q.criteria.size(), 1u);
  return q.criteria.empty() ? Criterion{} : q.criteria.front();
}

template <typename T>
const T& val(const Criterion& c, std::size_t i = 0) {
  return std::get<T>(c.values.at(i));
}

void expect_400(std::string_view type, const std::string& name, const std::string& value) {
  try {
    parse(type, {{name, value}});
    ADD_FAILURE() << name << "=" << value << " was accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 400) << name;
    ASSERT_FALSE(e.issues().empty());
    EXPECT_NE(e.issues()[0].diagnostics.find(name), std::string::npos) << e.issues()[0].diagnostics;
  }
}

core::Instant at(sys_days day, microseconds offset = {}) {
  return core::Instant{day.time_since_epoch()} + offset;
}

TEST(ParseValues, TokenForms) {
  auto c = one("Patient", "identifier", "http://ins.fr|123");
  EXPECT_EQ(c.kind, Criterion::Kind::value);
  EXPECT_EQ(c.param->code, "identifier");
  EXPECT_EQ(val<TokenQuery>(c).system, "http://ins.fr");
  EXPECT_EQ(val<TokenQuery>(c).code, "123");
  c = one("Patient", "gender", "male");
  EXPECT_FALSE(val<TokenQuery>(c).system.has_value());
  EXPECT_EQ(val<TokenQuery>(c).code, "male");
  c = one("Patient", "identifier", "|123");
  EXPECT_EQ(val<TokenQuery>(c).system, "");
  c = one("Patient", "identifier", "http://ins.fr|");
  EXPECT_EQ(val<TokenQuery>(c).system, "http://ins.fr");
  EXPECT_FALSE(val<TokenQuery>(c).code.has_value());
}

TEST(ParseValues, CommaIsOrRepeatIsAnd) {
  Query q = parse("Patient", {{"gender", "male,female"}, {"gender", "other"}});
  ASSERT_EQ(q.criteria.size(), 2u);
  EXPECT_EQ(q.criteria[0].values.size(), 2u);
  EXPECT_EQ(q.criteria[1].values.size(), 1u);
  EXPECT_EQ(q.criteria[0].resource_type, "Patient");
}

TEST(ParseValues, Escapes) {
  auto c = one("Patient", "identifier", R"(a\,b,sys\|x|c\|d\\e)");
  ASSERT_EQ(c.values.size(), 2u);
  EXPECT_EQ(val<TokenQuery>(c, 0).code, "a,b");
  EXPECT_EQ(val<TokenQuery>(c, 1).system, "sys|x");
  EXPECT_EQ(val<TokenQuery>(c, 1).code, R"(c|d\e)");
  c = one("Patient", "name", R"(a\$b\,c)");
  EXPECT_EQ(val<StringQuery>(c).exact, "a$b,c");
}

TEST(ParseValues, StringDefaultExactContains) {
  auto c = one("Patient", "name", "Évelyne  D'Arc");
  EXPECT_EQ(c.modifier, Modifier::none);
  EXPECT_EQ(val<StringQuery>(c).exact, "Évelyne  D'Arc");
  EXPECT_EQ(val<StringQuery>(c).normalized, "evelyne d arc");
  EXPECT_EQ(one("Patient", "name:exact", "Eve").modifier, Modifier::exact);
  EXPECT_EQ(one("Patient", "family:contains", "ev").modifier, Modifier::contains);
}

TEST(ParseValues, DateRangesFollowPrecisionAndZone) {
  auto d = val<DateQuery>(one("Patient", "birthdate", "2020-03"));
  EXPECT_EQ(d.prefix, Prefix::eq);
  EXPECT_EQ(d.low, at(2020y / March / 1));
  EXPECT_EQ(d.high, at(2020y / April / 1));
  d = val<DateQuery>(one("Patient", "birthdate", "ge2020-03-01T10:00:00+02:00"));
  EXPECT_EQ(d.prefix, Prefix::ge);
  EXPECT_EQ(d.low, at(2020y / March / 1, hours{8}));
  EXPECT_EQ(d.high, at(2020y / March / 1, hours{8} + seconds{1}));
  // A '+' the client did not encode arrives as a space.
  d = val<DateQuery>(one("Patient", "birthdate", "2020-03-01T10:00:00 02:00"));
  EXPECT_EQ(d.low, at(2020y / March / 1, hours{8}));
}

TEST(ParseValues, AllPrefixes) {
  const std::pair<const char*, Prefix> cases[] = {{"eq", Prefix::eq}, {"ne", Prefix::ne}, {"gt", Prefix::gt},
                                                  {"lt", Prefix::lt}, {"ge", Prefix::ge}, {"le", Prefix::le},
                                                  {"sa", Prefix::sa}, {"eb", Prefix::eb}, {"ap", Prefix::ap}};
  for (const auto& [text, prefix] : cases) {
    EXPECT_EQ(val<DateQuery>(one("Patient", "birthdate", std::string(text) + "2020")).prefix, prefix) << text;
    EXPECT_EQ(val<NumberQuery>(one("RiskAssessment", "probability", std::string(text) + "0.5")).prefix,
              prefix);
    EXPECT_EQ(val<QuantityQuery>(one("Observation", "value-quantity", std::string(text) + "5")).prefix,
              prefix);
  }
}

TEST(ParseValues, NumberHasImplicitRange) {
  auto n = val<NumberQuery>(one("RiskAssessment", "probability", "gt0.8"));
  EXPECT_EQ(n.prefix, Prefix::gt);
  EXPECT_EQ(n.value.value, "0.8");
  EXPECT_EQ(n.value.low, "0.75");
  EXPECT_EQ(n.value.high, "0.85");
}

TEST(ParseValues, QuantityForms) {
  auto q = val<QuantityQuery>(one("Observation", "value-quantity", "5.4|http://unitsofmeasure.org|mg"));
  EXPECT_EQ(q.prefix, Prefix::eq);
  EXPECT_EQ(q.value.value, "5.4");
  EXPECT_EQ(q.system, "http://unitsofmeasure.org");
  EXPECT_EQ(q.code, "mg");
  ASSERT_TRUE(q.canonical.has_value());
  EXPECT_EQ(q.canonical_code, "g");
  EXPECT_EQ(std::stod(q.canonical->value), 0.0054);
  EXPECT_LT(std::stod(q.canonical->low), 0.0054);
  EXPECT_GT(std::stod(q.canonical->high), 0.0054);

  q = val<QuantityQuery>(one("Observation", "value-quantity", "le5.4||mg"));
  EXPECT_EQ(q.prefix, Prefix::le);
  EXPECT_FALSE(q.system.has_value());
  EXPECT_EQ(q.code, "mg");
  EXPECT_TRUE(q.canonical.has_value());

  q = val<QuantityQuery>(one("Observation", "value-quantity", "5.4"));
  EXPECT_FALSE(q.system.has_value());
  EXPECT_EQ(q.code, "");
  EXPECT_FALSE(q.canonical.has_value());

  q = val<QuantityQuery>(one("Observation", "value-quantity", "5.4|http://snomed.info/sct|258684004"));
  EXPECT_FALSE(q.canonical.has_value());  // only UCUM units convert
}

TEST(ParseValues, ReferenceForms) {
  auto r = val<ReferenceQuery>(one("Observation", "subject", "123"));
  EXPECT_EQ(r.type, "");
  EXPECT_EQ(r.id, "123");
  r = val<ReferenceQuery>(one("Observation", "subject", "Patient/123"));
  EXPECT_EQ(r.type, "Patient");
  EXPECT_EQ(r.id, "123");
  EXPECT_FALSE(r.version.has_value());
  r = val<ReferenceQuery>(one("Observation", "subject", "Patient/123/_history/2"));
  EXPECT_EQ(r.version, 2);
  r = val<ReferenceQuery>(one("Observation", "subject", "http://other.org/fhir/Patient/123"));
  EXPECT_EQ(r.url, "http://other.org/fhir/Patient/123");
  EXPECT_EQ(r.type, "Patient");
  EXPECT_EQ(r.id, "123");
  r = val<ReferenceQuery>(one("PlanDefinition", "definition", "http://acme.org/ActivityDefinition/a|1.0"));
  EXPECT_EQ(r.url, "http://acme.org/ActivityDefinition/a");
  EXPECT_EQ(r.canonical_version, "1.0");
  EXPECT_EQ(r.type, "ActivityDefinition");
  r = val<ReferenceQuery>(one("Observation", "subject", "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"));
  EXPECT_EQ(r.url, "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0");
  EXPECT_EQ(r.type, "");
}

TEST(ParseValues, ReferenceTypeModifier) {
  auto c = one("Observation", "subject:Patient", "123");
  EXPECT_EQ(c.kind, Criterion::Kind::value);
  EXPECT_EQ(c.modifier, Modifier::type);
  EXPECT_EQ(c.target_types, std::vector<std::string>{"Patient"});
  EXPECT_EQ(val<ReferenceQuery>(c).type, "Patient");
  EXPECT_EQ(val<ReferenceQuery>(c).id, "123");
  expect_400("Observation", "subject:Patient", "Group/1");
  expect_400("Observation", "subject:Medication", "1");
}

TEST(ParseValues, ReferenceIdentifier) {
  auto c = one("Observation", "subject:identifier", "urn:oid:1.2.250.1.213.1.4.8|1234");
  EXPECT_EQ(c.modifier, Modifier::identifier);
  EXPECT_EQ(val<ReferenceQuery>(c).identifier_system, "urn:oid:1.2.250.1.213.1.4.8");
  EXPECT_EQ(val<ReferenceQuery>(c).identifier_value, "1234");
  c = one("Observation", "subject:identifier", "1234");
  EXPECT_FALSE(val<ReferenceQuery>(c).identifier_system.has_value());
}

TEST(ParseValues, TokenTextNotOfType) {
  auto c = one("Observation", "code:text", "Blood  Pressure");
  EXPECT_EQ(c.modifier, Modifier::text);
  EXPECT_EQ(val<TokenQuery>(c).text, "blood pressure");
  c = one("Patient", "gender:not", "male");
  EXPECT_EQ(c.modifier, Modifier::not_);
  EXPECT_EQ(val<TokenQuery>(c).code, "male");
  c = one("Patient", "identifier:of-type", "http://terminology.hl7.org/CodeSystem/v2-0203|MR|446053");
  EXPECT_EQ(c.modifier, Modifier::of_type);
  EXPECT_EQ(val<TokenQuery>(c).type_system, "http://terminology.hl7.org/CodeSystem/v2-0203");
  EXPECT_EQ(val<TokenQuery>(c).type_code, "MR");
  EXPECT_EQ(val<TokenQuery>(c).code, "446053");
  expect_400("Patient", "identifier:of-type", "MR|446053");
}

TEST(ParseValues, MissingOnAnyType) {
  for (const char* name : {"birthdate", "name", "gender", "general-practitioner"}) {
    auto c = one("Patient", std::string(name) + ":missing", "true");
    EXPECT_EQ(c.kind, Criterion::Kind::missing) << name;
    EXPECT_EQ(c.modifier, Modifier::missing);
    EXPECT_TRUE(c.missing);
    EXPECT_TRUE(c.values.empty());
  }
  EXPECT_FALSE(one("Patient", "birthdate:missing", "false").missing);
  expect_400("Patient", "birthdate:missing", "maybe");
}

TEST(ParseValues, UriAboveBelow) {
  auto c = one("ValueSet", "url:below", "http://acme.org/fhir/");
  EXPECT_EQ(c.modifier, Modifier::below);
  EXPECT_EQ(val<UriQuery>(c).uri, "http://acme.org/fhir/");
  EXPECT_EQ(one("ValueSet", "url:above", "http://acme.org/fhir/ValueSet/x").modifier, Modifier::above);
  EXPECT_EQ(val<UriQuery>(one("ValueSet", "url", "http://acme.org/a\\,b")).uri, "http://acme.org/a,b");
}

TEST(ParseValues, CompositeComponentsByType) {
  auto c = one("Observation", "code-value-quantity", "http://loinc.org|8480-6$gt140||mm[Hg]");
  const auto& composite = val<CompositeQuery>(c);
  ASSERT_EQ(composite.components.size(), 2u);
  EXPECT_EQ(std::get<TokenQuery>(composite.components[0]).code, "8480-6");
  const auto& q = std::get<QuantityQuery>(composite.components[1]);
  EXPECT_EQ(q.prefix, Prefix::gt);
  EXPECT_EQ(q.value.value, "140");
  EXPECT_EQ(q.code, "mm[Hg]");
  expect_400("Observation", "code-value-quantity", "http://loinc.org|8480-6");
  expect_400("Observation", "code-value-quantity", "a$1$2");
}

TEST(ParseValues, ModifierNotValidForType) {
  expect_400("Patient", "name:not", "x");
  expect_400("Patient", "birthdate:exact", "2020");
  expect_400("Patient", "gender:contains", "m");
  expect_400("Patient", "name:foo", "x");
  expect_400("Observation", "code:identifier", "x");
  expect_400("Patient", "name:Patient", "x");
  expect_400("Observation", "value-quantity:below", "5");
  expect_400("Observation", "code-value-quantity:exact", "a$5");
}

TEST(ParseValues, MalformedValuesNameTheParameter) {
  expect_400("Patient", "birthdate", "2020-13");
  expect_400("Patient", "birthdate", "xx2020");
  expect_400("Patient", "birthdate", "");
  expect_400("Patient", "birthdate", "2020,");
  expect_400("RiskAssessment", "probability", "abc");
  expect_400("RiskAssessment", "probability", "gt");
  expect_400("Observation", "value-quantity", "5|mg");
  expect_400("Observation", "value-quantity", "5|a|b|c");
  expect_400("Observation", "subject", "Patient/");
  expect_400("Observation", "subject", "Foo/1");
  expect_400("Observation", "subject", "Medication/1");
  expect_400("Observation", "subject", "Patient/1/_history/x");
  expect_400("Observation", "subject", "a b");
  expect_400("Observation", "subject", "Patient/1|2");
  expect_400("Patient", "gender", "");
  expect_400("Patient", "gender", "a,,b");
  expect_400("Patient", "identifier", "|");
  expect_400("Patient", "identifier", "a|b|c");
  expect_400("Patient", "name", ",");
  expect_400("ValueSet", "url", "");
}

}  // namespace
}  // namespace carnet::search
