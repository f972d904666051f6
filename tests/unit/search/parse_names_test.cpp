// parse_search: the parameter name grammar — chains, _has, the parameters of
// every resource, system searches, and unknown parameters in lenient and
// strict handling (http://hl7.org/fhir/R4/search.html#chaining, #has, #all, #errors).

#include <gtest/gtest.h>

#include "carnet/search/query.hpp"
#include "extract_fixture.hpp"

namespace carnet::search {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

Query parse(std::string_view type, const Params& params, bool strict = false) {
  ParseOptions options;
  options.strict = strict;
  return parse_search(type, params, testing::registry(), nullptr, options);
}

Criterion one(std::string_view type, const std::string& name, const std::string& value) {
  Query q = parse(type, {{name, value}}, true);
  EXPECT_EQ(q.criteria.size(), 1u);
  return q.criteria.empty() ? Criterion{} : q.criteria.front();
}

// The issue of the core::Error 400 thrown by parsing `params`.
core::Issue error_400(std::string_view type, const Params& params, bool strict = false) {
  try {
    parse(type, params, strict);
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 400);
    if (!e.issues().empty()) return e.issues().front();
  }
  ADD_FAILURE() << "accepted: " << params.front().first;
  return {};
}

void expect_400(std::string_view type, const std::string& name, const std::string& value) {
  const core::Issue issue = error_400(type, {{name, value}});
  EXPECT_NE(issue.diagnostics.find(name), std::string::npos) << issue.diagnostics;
}

TEST(ParseNames, ChainKeepsTargetsDefiningTheNextParameter) {
  auto c = one("Observation", "subject.name", "peter");
  EXPECT_EQ(c.kind, Criterion::Kind::chain);
  EXPECT_EQ(c.resource_type, "Observation");
  EXPECT_EQ(c.param->code, "subject");
  // Group and Device, also targets of subject, have no `name`.
  EXPECT_EQ(c.target_types, (std::vector<std::string>{"Patient", "Location"}));
  ASSERT_TRUE(c.next);
  EXPECT_EQ(c.next->kind, Criterion::Kind::value);
  EXPECT_EQ(c.next->resource_type, "Patient");
  EXPECT_EQ(c.next->param->code, "name");
  EXPECT_EQ(std::get<StringQuery>(c.next->values.at(0)).normalized, "peter");
}

TEST(ParseNames, ChainWithType) {
  auto c = one("Observation", "subject:Patient.name:exact", "Peter");
  EXPECT_EQ(c.kind, Criterion::Kind::chain);
  EXPECT_EQ(c.modifier, Modifier::type);
  EXPECT_EQ(c.target_types, std::vector<std::string>{"Patient"});
  EXPECT_EQ(c.next->modifier, Modifier::exact);
  c = one("Observation", "subject:Patient.birthdate:missing", "true");
  EXPECT_EQ(c.next->kind, Criterion::Kind::missing);
  c = one("Observation", "subject:Patient._id", "p1");
  EXPECT_EQ(c.next->kind, Criterion::Kind::id);
}

TEST(ParseNames, ChainOfAnyDepth) {
  auto c = one("Observation", "patient.organization.name", "Acme");
  EXPECT_EQ(c.param->code, "patient");
  EXPECT_EQ(c.target_types, std::vector<std::string>{"Patient"});
  ASSERT_TRUE(c.next);
  EXPECT_EQ(c.next->kind, Criterion::Kind::chain);
  EXPECT_EQ(c.next->resource_type, "Patient");
  EXPECT_EQ(c.next->param->code, "organization");
  EXPECT_EQ(c.next->target_types, std::vector<std::string>{"Organization"});
  ASSERT_TRUE(c.next->next);
  EXPECT_EQ(c.next->next->resource_type, "Organization");
  EXPECT_EQ(c.next->next->param->code, "name");
  EXPECT_FALSE(c.next->next->next);
}

TEST(ParseNames, ChainErrors) {
  expect_400("Observation", "subject.nonexistent", "x");
  expect_400("Patient", "gender.name", "x");
  expect_400("Observation", "subject:Medication.code", "x");
  expect_400("Observation", "subject:identifier.name", "x");
  expect_400("Observation", "subject.", "x");
  expect_400("Observation", ".subject", "x");  // a chain from no parameter
  expect_400("Observation", "subject..name", "x");
  expect_400("Observation", "subject:Patient.birthdate", "not-a-date");
  expect_400("Patient", "link.link.link.link.link.link.link.link.link.link", "x");
}

TEST(ParseNames, HasPointsBack) {
  auto c = one("Patient", "_has:Observation:patient:code", "http://loinc.org|1234-5");
  EXPECT_EQ(c.kind, Criterion::Kind::has);
  EXPECT_EQ(c.resource_type, "Patient");
  EXPECT_EQ(c.has_type, "Observation");
  EXPECT_EQ(c.param->code, "patient");
  EXPECT_EQ(c.param->base, "Observation");
  ASSERT_TRUE(c.next);
  EXPECT_EQ(c.next->resource_type, "Observation");
  EXPECT_EQ(c.next->param->code, "code");
  EXPECT_EQ(std::get<TokenQuery>(c.next->values.at(0)).code, "1234-5");
}

TEST(ParseNames, HasNested) {
  auto c = one("Patient", "_has:Observation:patient:_has:AuditEvent:entity:agent", "Practitioner/1");
  EXPECT_EQ(c.has_type, "Observation");
  ASSERT_TRUE(c.next);
  EXPECT_EQ(c.next->kind, Criterion::Kind::has);
  EXPECT_EQ(c.next->resource_type, "Observation");
  EXPECT_EQ(c.next->has_type, "AuditEvent");
  EXPECT_EQ(c.next->param->code, "entity");
  ASSERT_TRUE(c.next->next);
  EXPECT_EQ(c.next->next->param->code, "agent");
  EXPECT_EQ(std::get<ReferenceQuery>(c.next->next->values.at(0)).type, "Practitioner");
}

TEST(ParseNames, HasWithChainAndModifier) {
  auto c = one("Patient", "_has:Observation:patient:performer:Practitioner.name", "Smith");
  EXPECT_EQ(c.next->kind, Criterion::Kind::chain);
  EXPECT_EQ(c.next->target_types, std::vector<std::string>{"Practitioner"});
  c = one("Patient", "_has:Observation:patient:code:text", "glucose");
  EXPECT_EQ(c.next->modifier, Modifier::text);
}

TEST(ParseNames, HasErrors) {
  expect_400("Patient", "_has:Observation:code:status", "final");
  expect_400("Patient", "_has:Foo:patient:code", "1");
  expect_400("Patient", "_has:Observation:patient", "1");
  expect_400("Patient", "_has:Observation:patient:", "1");
  expect_400("Encounter", "_has:Observation:patient:code", "1");
  // An unknown parameter on the referring type is like any unknown parameter.
  EXPECT_EQ(parse("Patient", {{"_has:Observation:patient:nonexistent", "1"}}).warnings.size(), 1u);
  error_400("Patient", {{"_has:Observation:patient:nonexistent", "1"}}, true);
}

TEST(ParseNames, ResourceLevelParameters) {
  auto c = one("Patient", "_id", "a,b");
  EXPECT_EQ(c.kind, Criterion::Kind::id);
  EXPECT_EQ(c.ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.param, nullptr);
  EXPECT_EQ(one("Patient", "_id:not", "a").modifier, Modifier::not_);
  c = one("Patient", "_lastUpdated", "gt2020-01-01");
  EXPECT_EQ(c.kind, Criterion::Kind::last_updated);
  EXPECT_EQ(std::get<DateQuery>(c.values.at(0)).prefix, Prefix::gt);
  c = one("Patient", "_text", "Cancer");
  EXPECT_EQ(c.kind, Criterion::Kind::text);
  EXPECT_EQ(std::get<StringQuery>(c.values.at(0)).normalized, "cancer");
  EXPECT_EQ(one("Patient", "_content", "x").kind, Criterion::Kind::content);
  c = one("Patient", "_list", "42");
  EXPECT_EQ(c.kind, Criterion::Kind::list);
  EXPECT_EQ(c.ids, std::vector<std::string>{"42"});
  EXPECT_EQ(one("AllergyIntolerance", "_list", "$current-allergies").ids.at(0), "$current-allergies");
  expect_400("Patient", "_id", "bad id");
  expect_400("Patient", "_id", "");
  expect_400("Patient", "_id:exact", "a");
  expect_400("Patient", "_lastUpdated", "yesterday");
}

TEST(ParseNames, CommonParametersComeFromTheRegistry) {
  auto c = one("Patient", "_tag", "http://acme.org/tags|vip");
  EXPECT_EQ(c.kind, Criterion::Kind::value);
  EXPECT_EQ(c.param->code, "_tag");
  EXPECT_EQ(std::get<TokenQuery>(c.values.at(0)).code, "vip");
  EXPECT_EQ(one("Patient", "_profile", "http://acme.org/p").param->type, ParamType::uri);
  EXPECT_EQ(one("Patient", "_security", "R").param->code, "_security");
  EXPECT_EQ(one("Patient", "_source", "http://acme.org/src").param->code, "_source");
}

TEST(ParseNames, UnknownParameterLenientIsAWarning) {
  Query q = parse("Patient", {{"foo", "bar"}, {"gender", "male"}, {"name:exact", "x"}});
  EXPECT_EQ(q.criteria.size(), 2u);
  ASSERT_EQ(q.warnings.size(), 1u);
  EXPECT_EQ(q.warnings[0].severity, core::Severity::warning);
  EXPECT_EQ(q.warnings[0].code, "not-supported");
  EXPECT_NE(q.warnings[0].diagnostics.find("foo"), std::string::npos);
  EXPECT_EQ(q.self_params,
            (std::vector<std::pair<std::string, std::string>>{{"gender", "male"}, {"name:exact", "x"}}));
}

TEST(ParseNames, ARepeatedNameAndValueIsOneCriterion) {
  Query q = parse("Observation", {{"code:missing", "false"},
                                  {"code", "1234-5"},
                                  {"code:missing", "false"},
                                  {"code", "1234-5"},
                                  {"code", "9999-9"}});
  ASSERT_EQ(q.criteria.size(), 3u);  // the same value ANDed with itself is one condition
  EXPECT_EQ(q.criteria[0].kind, Criterion::Kind::missing);
  EXPECT_EQ(q.self_params, (std::vector<std::pair<std::string, std::string>>{
                               {"code:missing", "false"}, {"code", "1234-5"}, {"code", "9999-9"}}));
  // Repeats do not count against the limit of criteria either.
  Params many(200, {"code", "1234-5"});
  EXPECT_EQ(parse("Observation", many).criteria.size(), 1u);
}

TEST(ParseNames, UnknownParameterStrictIs400) {
  const core::Issue issue = error_400("Patient", {{"foo", "bar"}}, true);
  EXPECT_EQ(issue.code, "not-supported");
  EXPECT_NE(issue.diagnostics.find("foo"), std::string::npos);
}

TEST(ParseNames, UnsupportedParameters) {
  for (const char* name : {"_filter", "_query", "_contained", "_containedType"}) {
    Query q = parse("Patient", {{name, "x"}});
    EXPECT_TRUE(q.criteria.empty()) << name;
    ASSERT_EQ(q.warnings.size(), 1u) << name;
    EXPECT_NE(q.warnings[0].diagnostics.find(name), std::string::npos);
    EXPECT_NE(error_400("Patient", {{name, "x"}}, true).diagnostics.find(name), std::string::npos);
  }
  Query q = parse("Location", {{"near", "42.25|-83.69|10|km"}});
  EXPECT_TRUE(q.criteria.empty());
  EXPECT_EQ(q.warnings.size(), 1u);
}

TEST(ParseNames, SystemSearchParameters) {
  Query q = parse("", {{"_id", "1"}, {"_tag", "vip"}, {"_lastUpdated", "2020"}});
  EXPECT_TRUE(q.types.empty());
  ASSERT_EQ(q.criteria.size(), 3u);
  EXPECT_EQ(q.criteria[1].param->base, "Resource");
  EXPECT_EQ(q.criteria[1].resource_type, "");
  // _type is applied first wherever it appears.
  q = parse("", {{"name", "smith"}, {"_type", "Patient,Organization"}});
  EXPECT_EQ(q.types, (std::vector<std::string>{"Patient", "Organization"}));
  ASSERT_EQ(q.criteria.size(), 1u);
  EXPECT_EQ(q.criteria[0].param->type, ParamType::string);
  q = parse("", {{"_type", "Patient"}, {"_has:Observation:patient:code", "1"}});
  EXPECT_EQ(q.criteria.at(0).kind, Criterion::Kind::has);
  expect_400("", "name", "smith");
  EXPECT_NE(error_400("", {{"_type", "Patient,Observation"}, {"name", "x"}}).diagnostics.find("name"),
            std::string::npos);
  expect_400("", "_type", "Patient,Foo");
  expect_400("", "_type", "");
  expect_400("", "_has:Observation:patient:code", "1");
}

TEST(ParseNames, TypeOnATypeSearchIsIgnored) {
  Query q = parse("Patient", {{"_type", "Observation"}});
  EXPECT_EQ(q.types, std::vector<std::string>{"Patient"});
  EXPECT_EQ(q.warnings.size(), 1u);
  error_400("Patient", {{"_type", "Observation"}}, true);
  error_400("Foo", {{"_id", "1"}});
}

}  // namespace
}  // namespace carnet::search
