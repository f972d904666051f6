// Terminology: value set expansions and code hierarchies from the official
// valuesets.json and v3-codesystems.json, and the token modifiers that use them
// (http://hl7.org/fhir/R4/search.html#token).

#include "carnet/search/terminology.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "carnet/search/query.hpp"
#include "extract_fixture.hpp"

namespace carnet::search {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;
using Codes = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kNullFlavor = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor";

const Terminology& terminology() {
  static const std::shared_ptr<const Terminology> loaded = [] {
    const auto start = std::chrono::steady_clock::now();
    auto t = Terminology::load(testing::schemas_dir());
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    std::cout << "Terminology::load took " << ms.count()
              << " ms\n";  // speed belongs in bench/, this is a hint
    return t;
  }();
  return *loaded;
}

Query parse(std::string_view type, const Params& params, bool strict = false, bool with_terminology = true) {
  ParseOptions options;
  options.strict = strict;
  return parse_search(type, params, testing::registry(), with_terminology ? &terminology() : nullptr,
                      options);
}

bool has(const Codes& codes, const std::string& system, const std::string& code) {
  return std::find(codes.begin(), codes.end(), std::pair{system, code}) != codes.end();
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(Terminology, AdministrativeGenderHasFourCodes) {
  auto e = terminology().expand("http://hl7.org/fhir/ValueSet/administrative-gender");
  ASSERT_TRUE(e.has_value());
  const std::string system = "http://hl7.org/fhir/administrative-gender";
  EXPECT_EQ(e->codes, (Codes{{system, "female"}, {system, "male"}, {system, "other"}, {system, "unknown"}}));
  EXPECT_TRUE(e->whole_systems.empty());
  // A version suffix names the same value set.
  EXPECT_EQ(terminology().expand("http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1")->codes,
            e->codes);
}

TEST(Terminology, UnknownValueSet) {
  EXPECT_FALSE(terminology().expand("http://acme.org/ValueSet/nope").has_value());
  EXPECT_FALSE(terminology().descendants("http://acme.org/cs", "x").has_value());
  EXPECT_FALSE(terminology().descendants(kNullFlavor, "NOPE").has_value());
}

TEST(Terminology, V3HierarchyDescendantsAndAncestors) {
  EXPECT_EQ(sorted(*terminology().descendants(kNullFlavor, "UNK")),
            sorted({"UNK", "ASKU", "NAV", "NASK", "NAVU", "QS", "TRC"}));
  EXPECT_EQ(sorted(*terminology().descendants(kNullFlavor, "INV")),
            sorted({"INV", "DER", "OTH", "NINF", "PINF", "UNC"}));
  // NAVU lists NAV as a `child` property: a second parent besides ASKU.
  EXPECT_EQ(sorted(*terminology().descendants(kNullFlavor, "NAVU")), sorted({"NAVU", "NAV"}));
  EXPECT_EQ(sorted(*terminology().ancestors(kNullFlavor, "NAV")),
            sorted({"NAV", "ASKU", "NAVU", "UNK", "NI"}));
}

TEST(Terminology, IsAFilterMinusExcludedConcept) {
  auto e = terminology().expand("http://terminology.hl7.org/ValueSet/v3-SeverityObservation");
  ASSERT_TRUE(e.has_value());
  const std::string system = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
  EXPECT_EQ(e->codes, (Codes{{system, "H"}, {system, "L"}, {system, "M"}}));
}

TEST(Terminology, IncludesOfSeveralKinds) {
  // is-a filter, enumerated concepts and a whole (enumerable) system, minus one concept.
  auto e = terminology().expand("http://hl7.org/fhir/ValueSet/encounter-participant-type");
  ASSERT_TRUE(e.has_value());
  const std::string v3 = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
  EXPECT_EQ(e->codes.size(), 12u);
  EXPECT_TRUE(has(e->codes, v3, "ADM"));
  EXPECT_TRUE(has(e->codes, v3, "SPRF"));
  EXPECT_FALSE(has(e->codes, v3, "_ParticipationAncillary"));
  EXPECT_TRUE(has(e->codes, "http://terminology.hl7.org/CodeSystem/participant-type", "translator"));
}

TEST(Terminology, WholeSystemsNotShippedStayWhole) {
  auto e = terminology().expand("http://hl7.org/fhir/ValueSet/observation-codes");
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->codes.empty());
  EXPECT_EQ(e->whole_systems, std::vector<std::string>{"http://loinc.org"});
}

TEST(Terminology, IncludedValueSets) {
  auto both = terminology().expand("http://hl7.org/fhir/ValueSet/event-or-request-resource-types");
  auto events = terminology().expand("http://hl7.org/fhir/ValueSet/event-resource-types");
  auto requests = terminology().expand("http://hl7.org/fhir/ValueSet/request-resource-types");
  ASSERT_TRUE(both && events && requests);
  EXPECT_FALSE(events->codes.empty());
  for (const auto& [system, code] : events->codes) EXPECT_TRUE(has(both->codes, system, code)) << code;
  for (const auto& [system, code] : requests->codes) EXPECT_TRUE(has(both->codes, system, code)) << code;
}

TEST(Terminology, MissingFolderNamesTheFile) {
  try {
    Terminology::load("/nonexistent-carnet-schemas");
    ADD_FAILURE() << "loaded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("valuesets.json"), std::string::npos);
  }
}

TEST(TerminologyModifiers, InAndNotIn) {
  Query q = parse("Patient", {{"gender:in", "http://hl7.org/fhir/ValueSet/administrative-gender"}});
  ASSERT_EQ(q.criteria.size(), 1u);
  EXPECT_EQ(q.criteria[0].modifier, Modifier::in);
  const auto& token = std::get<TokenQuery>(q.criteria[0].values.at(0));
  EXPECT_EQ(token.codes.size(), 4u);
  EXPECT_FALSE(token.system.has_value());
  q = parse("Observation", {{"code:not-in", "http://hl7.org/fhir/ValueSet/observation-codes"}});
  EXPECT_EQ(q.criteria.at(0).modifier, Modifier::not_in);
  EXPECT_EQ(std::get<TokenQuery>(q.criteria[0].values.at(0)).whole_systems,
            std::vector<std::string>{"http://loinc.org"});
}

// A value set the server does not have is its limit, like an unknown
// hierarchy: ignored with a warning, or 400 under Prefer: handling=strict.
TEST(TerminologyModifiers, UnknownValueSetFollowsTheHandlingNamingIt) {
  Query lenient = parse("Patient", {{"gender:in", "http://acme.org/ValueSet/nope"}}, false);
  EXPECT_TRUE(lenient.criteria.empty());
  ASSERT_EQ(lenient.warnings.size(), 1U);
  EXPECT_NE(lenient.warnings[0].diagnostics.find("http://acme.org/ValueSet/nope"), std::string::npos);
  try {
    parse("Patient", {{"gender:in", "http://acme.org/ValueSet/nope"}}, true);
    ADD_FAILURE() << "accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_NE(e.issues().at(0).diagnostics.find("http://acme.org/ValueSet/nope"), std::string::npos);
    EXPECT_NE(e.issues().at(0).diagnostics.find("gender:in"), std::string::npos);
  }
}

TEST(TerminologyModifiers, WithoutTerminologyTheyAreUnsupported) {
  const Params params{{"gender:in", "http://hl7.org/fhir/ValueSet/administrative-gender"}};
  Query q = parse("Patient", params, false, false);
  EXPECT_TRUE(q.criteria.empty());
  ASSERT_EQ(q.warnings.size(), 1u);
  EXPECT_EQ(q.warnings[0].code, "not-supported");
  EXPECT_TRUE(q.self_params.empty());
  try {
    parse("Patient", params, true, false);
    ADD_FAILURE() << "accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.issues().at(0).code, "not-supported");
  }
}

TEST(TerminologyModifiers, BelowAndAbove) {
  Query q = parse("Observation", {{"data-absent-reason:below", std::string(kNullFlavor) + "|UNK"}});
  ASSERT_EQ(q.criteria.size(), 1u);
  EXPECT_EQ(q.criteria[0].modifier, Modifier::below);
  const auto& below = std::get<TokenQuery>(q.criteria[0].values.at(0));
  EXPECT_EQ(below.system, kNullFlavor);
  EXPECT_EQ(below.code, "UNK");
  EXPECT_EQ(below.codes.size(), 7u);
  EXPECT_TRUE(has(below.codes, kNullFlavor, "NAV"));
  q = parse("Observation", {{"data-absent-reason:above", std::string(kNullFlavor) + "|ASKU"}});
  EXPECT_EQ(std::get<TokenQuery>(q.criteria.at(0).values.at(0)).codes.size(), 3u);  // ASKU UNK NI
}

TEST(TerminologyModifiers, BelowOnUnknownHierarchy) {
  Query q = parse("Observation", {{"code:below", "http://loinc.org|1234-5"}});
  EXPECT_TRUE(q.criteria.empty());
  EXPECT_EQ(q.warnings.size(), 1u);
  EXPECT_THROW(parse("Observation", {{"code:below", "http://loinc.org|1234-5"}}, true), core::Error);
  EXPECT_THROW(parse("Observation", {{"code:below", "1234-5"}}), core::Error);  // needs system|code
}

}  // namespace
}  // namespace carnet::search
