// Extraction on the official R4 examples (tests/fixtures/examples): the values
// a search on each parameter must find.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "carnet/search/extractor.hpp"
#include "unit/search/extract_fixture.hpp"

namespace carnet::search {
namespace {

using testing::example;
using testing::registry;

std::int32_t key(const char* type, const char* code) {
  const SearchParameter* p = registry().find(type, code);
  EXPECT_NE(p, nullptr) << type << "." << code;
  return p != nullptr ? p->key : 0;
}

template <typename Value>
std::vector<Value> of(const std::vector<Entry<Value>>& entries, std::int32_t k) {
  std::vector<Value> out;
  for (const auto& e : entries)
    if (e.key == k) out.push_back(e.value);
  return out;
}

core::Instant at(std::string_view text) {
  return core::parse_fhir_date_range(text)->start;
}

TEST(SearchExtractExamples, PatientNameBirthdateIdentifierGender) {
  const IndexEntries e = extract(registry(), example("Patient-example.json"), {"example"});
  EXPECT_EQ(e.compartment_patients, std::vector<std::string>{"example"});

  std::vector<std::string> names;
  for (const StringValue& s : of(e.strings, key("Patient", "name"))) names.push_back(s.normalized);
  for (const char* part : {"chalmers", "peter", "james", "jim", "windsor"})
    EXPECT_NE(std::find(names.begin(), names.end(), part), names.end()) << part;
  auto family = of(e.strings, key("Patient", "family"));
  ASSERT_EQ(family.size(), 2u);
  EXPECT_EQ(family[0].exact, "Chalmers");

  auto birthdate = of(e.dates, key("Patient", "birthdate"));
  ASSERT_EQ(birthdate.size(), 1u);
  EXPECT_EQ(birthdate[0].low, at("1974-12-25T00:00:00Z"));
  EXPECT_EQ(birthdate[0].high, at("1974-12-26T00:00:00Z"));

  auto identifier = of(e.tokens, key("Patient", "identifier"));
  ASSERT_EQ(identifier.size(), 1u);
  EXPECT_EQ(identifier[0].system, "urn:oid:1.2.36.146.595.217.0.1");
  EXPECT_EQ(identifier[0].code, "12345");
  EXPECT_EQ(identifier[0].type_system, "http://terminology.hl7.org/CodeSystem/v2-0203");
  EXPECT_EQ(identifier[0].type_code, "MR");

  auto gender = of(e.tokens, key("Patient", "gender"));
  ASSERT_EQ(gender.size(), 1u);
  EXPECT_EQ(gender[0].code, "male");
  EXPECT_TRUE(gender[0].system.empty());

  auto active = of(e.tokens, key("Patient", "active"));
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].code, "true");

  auto phones = of(e.tokens, key("Patient", "phone"));
  ASSERT_EQ(phones.size(), 3u);
  EXPECT_EQ(phones[0].code, "(03) 5555 6473");

  auto city = of(e.strings, key("Patient", "address-city"));
  ASSERT_EQ(city.size(), 1u);
  EXPECT_EQ(city[0].normalized, "pleasantville");
  auto address = of(e.strings, key("Patient", "address"));
  EXPECT_GE(address.size(), 6u);  // line, city, district, state, postalCode, text

  auto organization = of(e.references, key("Patient", "organization"));
  ASSERT_EQ(organization.size(), 1u);
  EXPECT_EQ(organization[0].target_type, "Organization");
  EXPECT_EQ(organization[0].target_id, "1");

  EXPECT_NE(e.narrative.find("peter james"), std::string::npos);
  EXPECT_NE(e.content.find("chalmers"), std::string::npos);
  EXPECT_EQ(e.content.find("<div"), std::string::npos);
}

TEST(SearchExtractExamples, ObservationCodeValueDateSubject) {
  const IndexEntries e = extract(registry(), example("Observation-example.json"), {"example"});
  auto code = of(e.tokens, key("Observation", "code"));
  ASSERT_EQ(code.size(), 4u);
  EXPECT_EQ(code[0].system, "http://loinc.org");
  EXPECT_EQ(code[0].code, "29463-7");
  EXPECT_EQ(code[0].text, "body weight");

  auto value = of(e.quantities, key("Observation", "value-quantity"));
  ASSERT_EQ(value.size(), 1u);
  EXPECT_EQ(value[0].number.value, "185");
  EXPECT_EQ(value[0].number.low, "184.5");
  EXPECT_EQ(value[0].system, "http://unitsofmeasure.org");
  EXPECT_EQ(value[0].code, "[lb_av]");
  EXPECT_EQ(value[0].unit, "lbs");
  ASSERT_TRUE(value[0].canonical);
  EXPECT_EQ(value[0].canonical_code, "g");
  EXPECT_EQ(value[0].canonical->value, "83914.58845");

  auto date = of(e.dates, key("Observation", "date"));
  ASSERT_EQ(date.size(), 1u);
  EXPECT_EQ(date[0].low, at("2016-03-28T00:00:00Z"));
  EXPECT_EQ(date[0].high, at("2016-03-29T00:00:00Z"));

  auto subject = of(e.references, key("Observation", "subject"));
  ASSERT_EQ(subject.size(), 1u);
  EXPECT_EQ(subject[0].target_type, "Patient");
  EXPECT_EQ(subject[0].target_id, "example");
  EXPECT_TRUE(subject[0].url.empty());
  // patient = subject.where(resolve() is Patient): the subject rows of type
  // Patient are its values; nothing is written under its own key.
  EXPECT_TRUE(of(e.references, key("Observation", "patient")).empty());
  EXPECT_EQ(registry().find("Observation", "patient")->stored_target_type, "Patient");

  // One composite per coding of the code, each with the one value.
  auto composite = of(e.composites, key("Observation", "code-value-quantity"));
  ASSERT_EQ(composite.size(), 4u);
  ASSERT_EQ(composite[0].components.size(), 2u);
  EXPECT_EQ(std::get<TokenValue>(composite[0].components[0]).code, "29463-7");
  EXPECT_EQ(std::get<QuantityValue>(composite[0].components[1]).number.value, "185");
}

TEST(SearchExtractExamples, BloodPressureComponentsPairCodeWithItsValue) {
  const IndexEntries e = extract(registry(), example("Observation-blood-pressure.json"), {});
  auto pairs = of(e.composites, key("Observation", "component-code-value-quantity"));
  // Systolic has 3 codings, diastolic 1.
  ASSERT_EQ(pairs.size(), 4u);
  for (const CompositeValue& c : pairs) {
    const std::string& code = std::get<TokenValue>(c.components[0]).code;
    const std::string& value = std::get<QuantityValue>(c.components[1]).number.value;
    if (code == "8462-4") {
      EXPECT_EQ(value, "60");
    } else {
      EXPECT_EQ(value, "107");
    }
  }
  auto values = of(e.quantities, key("Observation", "component-value-quantity"));
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].canonical_code, "mm[Hg]");
}

TEST(SearchExtractExamples, EncounterPeriodWithTimeZoneAndLength) {
  const IndexEntries e = extract(registry(), example("Encounter-home.json"), {});
  auto date = of(e.dates, key("Encounter", "date"));
  ASSERT_EQ(date.size(), 1u);
  EXPECT_EQ(date[0].low, at("2015-01-17T06:00:00Z"));
  EXPECT_EQ(date[0].high, at("2015-01-17T06:30:01Z"));

  const IndexEntries f = extract(registry(), example("Encounter-f203.json"), {});
  auto days = of(f.dates, key("Encounter", "date"));
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].low, at("2013-03-11T00:00:00Z"));
  EXPECT_EQ(days[0].high, at("2013-03-21T00:00:00Z"));

  const IndexEntries g = extract(registry(), example("Encounter-f202.json"), {});
  auto length = of(g.quantities, key("Encounter", "length"));
  ASSERT_EQ(length.size(), 1u);
  EXPECT_EQ(length[0].canonical_code, "s");
  EXPECT_EQ(length[0].canonical->value, "3360");
}

TEST(SearchExtractExamples, AppointmentDateAndActors) {
  const IndexEntries e = extract(registry(), example("Appointment-example.json"), {"example"});
  auto date = of(e.dates, key("Appointment", "date"));
  ASSERT_EQ(date.size(), 1u);
  EXPECT_EQ(date[0].low, at("2013-12-10T09:00:00Z"));
  EXPECT_EQ(date[0].high, at("2013-12-10T09:00:01Z"));
  auto actors = of(e.references, key("Appointment", "actor"));
  ASSERT_EQ(actors.size(), 3u);
  EXPECT_EQ(actors[2].target_type, "Location");
  // practitioner = actor.where(resolve() is Practitioner): read from the actor rows.
  EXPECT_TRUE(of(e.references, key("Appointment", "practitioner")).empty());
  EXPECT_EQ(std::count_if(actors.begin(), actors.end(),
                          [](const auto& a) { return a.target_type == "Practitioner"; }),
            1);
}

TEST(SearchExtractExamples, NumberFromADecimal) {
  const IndexEntries e = extract(registry(), example("RiskAssessment-riskexample.json"), {});
  auto probability = of(e.numbers, key("RiskAssessment", "probability"));
  ASSERT_EQ(probability.size(), 1u);
  EXPECT_EQ(probability[0].value, "0.000368");
  EXPECT_EQ(probability[0].low, "0.0003675");
  EXPECT_EQ(probability[0].high, "0.0003685");
}

TEST(SearchExtractExamples, MetaTagsProfilesAndUris) {
  core::Json patient = example("Patient-example.json");
  patient["meta"] = core::Json{{"profile", {"http://example.org/StructureDefinition/p|2.0"}},
                               {"tag", {{{"system", "http://example.org/tags"}, {"code", "vip"}}}}};
  const IndexEntries e = extract(registry(), patient, {});
  auto tags = of(e.tokens, key("Patient", "_tag"));
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].code, "vip");
  auto profiles = of(e.uris, key("Patient", "_profile"));
  ASSERT_EQ(profiles.size(), 1u);
  EXPECT_EQ(profiles[0].uri, "http://example.org/StructureDefinition/p|2.0");
  // _id and _lastUpdated come from the resource table, not from the index.
  EXPECT_TRUE(of(e.tokens, key("Patient", "_id")).empty());
}

// Keys of the parameters that produced at least one entry.
std::set<std::int32_t> keys_with_entries(const IndexEntries& e) {
  std::set<std::int32_t> keys;
  auto add = [&keys](const auto& entries) {
    for (const auto& entry : entries) keys.insert(entry.key);
  };
  add(e.strings);
  add(e.tokens);
  add(e.references);
  add(e.dates);
  add(e.numbers);
  add(e.quantities);
  add(e.uris);
  add(e.composites);
  return keys;
}

// Extracting every official example must not throw, and a parameter whose
// expression selects something must nearly always make an entry of it (what is
// left, about 200 of 5,500: local "#id" references, display-only references,
// Timings without dates, identifiers without value).
TEST(SearchExtractExamples, EveryOfficialExample) {
  std::size_t resources = 0;
  std::size_t values = 0;
  std::size_t with_narrative = 0;
  std::size_t selected = 0;
  std::size_t indexed = 0;
  for (const auto& file : std::filesystem::directory_iterator(testing::examples_dir())) {
    if (file.path().extension() != ".json") continue;
    const core::Json resource = testing::read_json(file.path());
    IndexEntries e;
    ASSERT_NO_THROW(e = extract(registry(), resource, {})) << file.path().filename();
    ++resources;
    values += e.strings.size() + e.tokens.size() + e.references.size() + e.dates.size() + e.numbers.size() +
              e.quantities.size() + e.uris.size() + e.composites.size();
    if (!e.narrative.empty()) ++with_narrative;
    EXPECT_FALSE(e.content.empty()) << file.path().filename();
    EXPECT_LE(e.content.size(), 64u * 1024u);
    const std::set<std::int32_t> keys = keys_with_entries(e);
    for (const SearchParameter* p : registry().for_type(resource["resourceType"].get<std::string>())) {
      // A composite's element without one of its components makes no entry, rightly.
      if (p->expression == nullptr || p->type == ParamType::composite || p->code == "_id" ||
          p->code == "_lastUpdated")
        continue;
      fhir::fhirpath::Collection result;
      try {
        result = p->expression->evaluate(resource);
      } catch (const fhir::fhirpath::EvaluationError&) {
        continue;
      }
      if (result.empty()) continue;
      ++selected;
      // A union of other parameters (Observation combo-code) has its entries under theirs.
      const auto& under = p->stored_under;
      if (under.empty() ? keys.count(p->key) != 0
                        : std::any_of(under.begin(), under.end(),
                                      [&keys](std::int32_t k) { return keys.count(k) != 0; }))
        ++indexed;
    }
  }
  EXPECT_EQ(resources, 642u);
  EXPECT_GT(values, 6500u);  // 6,801: patient/practitioner... are read from subject/actor rows
  EXPECT_GT(with_narrative, 550u);
  EXPECT_GT(selected, 5000u);
  EXPECT_GE(indexed * 100, selected * 95);  // 96.5% today
}

}  // namespace
}  // namespace carnet::search
