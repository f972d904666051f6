// Extraction of the value shapes the official examples use little: reference
// forms, canonicals, Timing, Money, Range, CodeableConcept text only, narrative
// entities, and content that cannot be indexed.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "carnet/search/extractor.hpp"
#include "unit/search/extract_fixture.hpp"

namespace carnet::search {
namespace {

using testing::registry;

template <typename Value>
std::vector<Value> of(const std::vector<Entry<Value>>& entries, const char* type, const char* code) {
  const SearchParameter* p = registry().find(type, code);
  EXPECT_NE(p, nullptr) << type << "." << code;
  std::vector<Value> out;
  for (const auto& e : entries)
    if (p != nullptr && e.key == p->key) out.push_back(e.value);
  return out;
}

core::Instant at(std::string_view text) {
  return core::parse_fhir_date_range(text)->start;
}

IndexEntries extract_text(std::string_view json) {
  return extract(registry(), core::parse_json(json), {});
}

TEST(SearchExtractShapes, ReferenceForms) {
  const IndexEntries e = extract_text(R"({"resourceType":"Appointment","status":"booked","participant":[
    {"actor":{"reference":"Patient/p1/_history/3"},"status":"accepted"},
    {"actor":{"reference":"http://other.org/fhir/Practitioner/dr-x"},"status":"accepted"},
    {"actor":{"reference":"urn:uuid:0b5e1c3c-7d5c-4b7d-9f3e-0c3b7e2c9a11"},"status":"accepted"},
    {"actor":{"reference":"#contained1"},"status":"accepted"},
    {"actor":{"identifier":{"system":"urn:oid:1.2.250.1.213.1.4.8","value":"1234567890123"}},"status":"accepted"}]})");
  auto actors = of(e.references, "Appointment", "actor");
  ASSERT_EQ(actors.size(), 4u);  // the contained reference is not searchable by the reference
  EXPECT_EQ(actors[0].target_type, "Patient");
  EXPECT_EQ(actors[0].target_id, "p1");
  EXPECT_EQ(actors[0].target_version, 3);
  EXPECT_EQ(actors[1].url, "http://other.org/fhir/Practitioner/dr-x");
  EXPECT_EQ(actors[1].target_type, "Practitioner");
  EXPECT_EQ(actors[1].target_id, "dr-x");
  EXPECT_EQ(actors[2].url, "urn:uuid:0b5e1c3c-7d5c-4b7d-9f3e-0c3b7e2c9a11");
  EXPECT_TRUE(actors[2].target_type.empty());
  EXPECT_EQ(actors[3].identifier_system, "urn:oid:1.2.250.1.213.1.4.8");
  EXPECT_EQ(actors[3].identifier_value, "1234567890123");
  EXPECT_TRUE(actors[3].target_type.empty());
}

TEST(SearchExtractShapes, CanonicalWithVersion) {
  const IndexEntries e = extract_text(R"({"resourceType":"QuestionnaireResponse","status":"completed",
    "questionnaire":"http://example.org/Questionnaire/phq-9|2.1"})");
  auto q = of(e.references, "QuestionnaireResponse", "questionnaire");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].url, "http://example.org/Questionnaire/phq-9");
  EXPECT_EQ(q[0].canonical_version, "2.1");
  EXPECT_EQ(q[0].target_type, "Questionnaire");
  EXPECT_EQ(q[0].target_id, "phq-9");
}

TEST(SearchExtractShapes, TimingEventsAndBounds) {
  const IndexEntries e = extract_text(R"({"resourceType":"ServiceRequest","status":"active","intent":"order",
    "subject":{"reference":"Patient/p1"},
    "occurrenceTiming":{"event":["2021-02-03","2021-02-10T08:00:00+01:00","not a date"],
                        "repeat":{"boundsPeriod":{"start":"2021-02-01"}}}})");
  auto dates = of(e.dates, "ServiceRequest", "occurrence");
  ASSERT_EQ(dates.size(), 3u);
  EXPECT_EQ(dates[0].low, at("2021-02-03T00:00:00Z"));
  EXPECT_EQ(dates[0].high, at("2021-02-04T00:00:00Z"));
  EXPECT_EQ(dates[1].low, at("2021-02-10T07:00:00Z"));
  EXPECT_EQ(dates[2].low, at("2021-02-01T00:00:00Z"));
  EXPECT_EQ(dates[2].high, core::kMaxInstant);
}

TEST(SearchExtractShapes, MoneyAndRange) {
  const IndexEntries e = extract_text(R"({"resourceType":"Invoice","status":"issued",
    "totalNet":{"value":40.50,"currency":"EUR"}})");
  auto net = of(e.quantities, "Invoice", "totalnet");
  ASSERT_EQ(net.size(), 1u);
  EXPECT_EQ(net[0].number.value, "40.50");
  EXPECT_EQ(net[0].code, "EUR");
  EXPECT_EQ(net[0].system, "urn:iso:std:iso:4217");
  EXPECT_FALSE(net[0].canonical);

  const IndexEntries c = extract_text(R"({"resourceType":"Condition","subject":{"reference":"Patient/p1"},
    "onsetRange":{"low":{"value":10,"unit":"a","system":"http://unitsofmeasure.org","code":"a"},
                  "high":{"value":20,"unit":"a","system":"http://unitsofmeasure.org","code":"a"}}})");
  auto onset = of(c.quantities, "Condition", "onset-age");
  ASSERT_EQ(onset.size(), 1u);
  EXPECT_TRUE(onset[0].number.value.empty());
  EXPECT_EQ(onset[0].number.low, "10");
  EXPECT_EQ(onset[0].number.high, "20");
  EXPECT_EQ(onset[0].code, "a");
  ASSERT_TRUE(onset[0].canonical);
  EXPECT_EQ(onset[0].canonical->low, "315576000");
  EXPECT_EQ(onset[0].canonical_code, "s");
}

TEST(SearchExtractShapes, ConceptTextWithoutCoding) {
  const IndexEntries e = extract_text(R"({"resourceType":"Condition","subject":{"reference":"Patient/p1"},
    "code":{"text":"Mal de tête sévère"}})");
  auto code = of(e.tokens, "Condition", "code");
  ASSERT_EQ(code.size(), 1u);
  EXPECT_TRUE(code[0].code.empty());
  EXPECT_EQ(code[0].text, "mal de tete severe");
}

TEST(SearchExtractShapes, NarrativeEntitiesAndTags) {
  const IndexEntries e = extract_text(R"({"resourceType":"Patient","text":{"status":"generated",
    "div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Jos&#233; &amp; H&eacute;l&#xE8;ne</p><p>&lt;b&gt;</p></div>"}})");
  EXPECT_EQ(e.narrative, "jose h eacute lene b");  // XHTML knows only the XML entities
}

TEST(SearchExtractShapes, UnindexableContentIsSkipped) {
  const IndexEntries e = extract_text(R"({"resourceType":"Patient","birthDate":"not-a-date",
    "name":[{"family":""},{"given":["Ann"]}],"gender":"female","_gender":{"extension":[]}})");
  EXPECT_TRUE(of(e.dates, "Patient", "birthdate").empty());
  auto names = of(e.strings, "Patient", "name");
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].exact, "Ann");
  // Not a resource at all: nothing, no throw.
  EXPECT_TRUE(extract(registry(), core::Json::array(), {}).tokens.empty());
  EXPECT_TRUE(extract(registry(), core::parse_json(R"({"resourceType":"NoSuchType"})"), {}).tokens.empty());
}

}  // namespace
}  // namespace carnet::search
