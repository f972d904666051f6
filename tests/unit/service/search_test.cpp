// The search services on the in-memory store: what the client sees of the
// Bundle (links, entry modes, totals, the OperationOutcome of ignored
// parameters, subsetting) and what is audited. The store's own matching is
// tested over HTTP (tests/integration/search_rest_test.cpp).
#include <gtest/gtest.h>

#include "carnet/core/error.hpp"
#include "unit/service/service_fixture.hpp"

namespace carnet::service {
namespace {

using core::Json;

class SearchService : public ServiceTest {
 protected:
  void SetUp() override {
    for (const char* id : {"s1", "s2", "s3"}) {
      call(Kind::update, "Patient", id,
           std::string(R"({"resourceType":"Patient","id":")") + id +
               R"(","name":[{"family":"Martin"}],"birthDate":"1980-01-01","maritalStatus":{"text":"M"}})");
    }
    call(Kind::update, "Observation", "o1",
         R"({"resourceType":"Observation","id":"o1","status":"final","code":{"text":"weight"},)"
         R"("subject":{"reference":"Patient/s1"},"valueQuantity":{"value":72.50,"unit":"kg"}})");
  }

  Json search(Kind kind, const std::string& type, std::vector<Param> params, const std::string& id = {}) {
    return core::parse_json(call(kind, type, id, {}, std::move(params)).body);
  }

  static std::string link(const Json& bundle, const std::string& relation) {
    for (const auto& l : bundle.value("link", Json::array()))
      if (l["relation"] == relation) return l["url"];
    return {};
  }
};

TEST_F(SearchService, TypeSearchAnswersASearchsetWithMatchEntriesAndPagingLinks) {
  Json page = search(Kind::search_type, "Patient", {{"_count", "2"}, {"_format", "json"}});
  EXPECT_EQ(page["resourceType"], "Bundle");
  EXPECT_EQ(page["type"], "searchset");
  EXPECT_FALSE(page.contains("total"));  // only when _total asks for one
  ASSERT_EQ(page["entry"].size(), 2u);
  EXPECT_EQ(page["entry"][0]["fullUrl"], "http://test/fhir/Patient/s1");
  EXPECT_EQ(page["entry"][0]["search"]["mode"], "match");
  EXPECT_EQ(page["entry"][0]["resource"]["name"][0]["family"], "Martin");
  EXPECT_EQ(link(page, "self"), "http://test/fhir/Patient?_count=2&_format=json");
  EXPECT_EQ(link(page, "next"), "http://test/fhir/Patient?_count=2&_format=json&_cursor=2");
  EXPECT_EQ(link(page, "previous"), "");

  Json next = search(Kind::search_type, "Patient", {{"_count", "2"}, {"_cursor", "2"}});
  ASSERT_EQ(next["entry"].size(), 1u);
  EXPECT_EQ(next["entry"][0]["fullUrl"], "http://test/fhir/Patient/s3");
  EXPECT_EQ(link(next, "self"), "http://test/fhir/Patient?_count=2&_cursor=2");
  EXPECT_EQ(link(next, "previous"), "http://test/fhir/Patient?_count=2&_cursor=0");
  EXPECT_EQ(link(next, "next"), "");
  EXPECT_EQ(last_context.audit.interaction, "search-type");
  EXPECT_EQ(last_context.audit.entity_type, "Patient");
}

TEST_F(SearchService, TotalIsGivenWhenAsked) {
  Json page = search(Kind::search_type, "Patient", {{"_total", "accurate"}});
  EXPECT_EQ(page["total"], 3);
}

TEST_F(SearchService, LenientIgnoresUnknownParametersWithAnOutcomeEntryStrictRefuses) {
  Json page = search(Kind::search_type, "Patient", {{"family", "Martin"}, {"no-such-param", "x"}});
  const Json& last = page["entry"].back();
  EXPECT_FALSE(last.contains("fullUrl"));
  EXPECT_EQ(last["search"]["mode"], "outcome");
  EXPECT_EQ(last["resource"]["resourceType"], "OperationOutcome");
  EXPECT_EQ(last["resource"]["issue"][0]["severity"], "warning");
  EXPECT_NE(last["resource"]["issue"][0]["diagnostics"].get<std::string>().find("no-such-param"),
            std::string::npos);
  EXPECT_EQ(link(page, "self"), "http://test/fhir/Patient?family=Martin");

  strict = true;
  EXPECT_EQ(status_of(Kind::search_type, "Patient", "", "", std::vector<Param>{{"no-such-param", "x"}}), 400);
}

TEST_F(SearchService, MalformedValueIs400EvenWhenLenient) {
  EXPECT_EQ(status_of(Kind::search_type, "Patient", "", "", std::vector<Param>{{"birthdate", "not-a-date"}}),
            400);
}

TEST_F(SearchService, SummaryCountGivesTheTotalAndNoEntries) {
  Json page = search(Kind::search_type, "Patient", {{"_summary", "count"}});
  EXPECT_EQ(page["total"], 3);
  EXPECT_FALSE(page.contains("entry"));
  EXPECT_EQ(store.queries().back().count, 0u);
  EXPECT_EQ(link(page, "self"), "http://test/fhir/Patient?_summary=count");
}

TEST_F(SearchService, ElementsAndSummarySubsetTheMatchesAndTagThem) {
  Json page = search(Kind::search_type, "Patient", {{"_elements", "birthDate"}});
  const Json& p = page["entry"][0]["resource"];
  EXPECT_EQ(p["birthDate"], "1980-01-01");
  EXPECT_FALSE(p.contains("name"));
  EXPECT_EQ(p["id"], "s1");
  EXPECT_EQ(p["meta"]["tag"][0]["code"], "SUBSETTED");

  Json summary = search(Kind::search_type, "Patient", {{"_summary", "true"}});
  const Json& s = summary["entry"][0]["resource"];
  EXPECT_TRUE(s.contains("name"));
  EXPECT_FALSE(s.contains("maritalStatus"));  // not a summary element of Patient

  Json whole = search(Kind::search_type, "Patient", {});
  EXPECT_FALSE(whole["entry"][0]["resource"]["meta"].contains("tag"));
}

TEST_F(SearchService, IncludedResourcesComeAfterTheMatchesInIncludeMode) {
  store.set_included({*store.read("Observation", "o1")});
  Json page = search(Kind::search_type, "Patient", {{"_id", "s1"}, {"_revinclude", "Observation:subject"}});
  ASSERT_EQ(page["entry"].size(), 2u);
  EXPECT_EQ(page["entry"][0]["search"]["mode"], "match");
  EXPECT_EQ(page["entry"][1]["search"]["mode"], "include");
  EXPECT_EQ(page["entry"][1]["fullUrl"], "http://test/fhir/Observation/o1");
  EXPECT_EQ(last_context.audit.patient, "Patient/s1");  // _id on Patient names one patient
}

TEST_F(SearchService, CompartmentSearchIsAuditedForItsPatient) {
  compartment_type = "Observation";
  Json page = search(Kind::search_compartment, "Patient", {}, "s1");
  ASSERT_EQ(page["entry"].size(), 1u);
  EXPECT_EQ(page["entry"][0]["fullUrl"], "http://test/fhir/Observation/o1");
  EXPECT_EQ(link(page, "self"), "http://test/fhir/Patient/s1/Observation");
  EXPECT_EQ(store.queries().back().compartment_patient, "s1");
  EXPECT_EQ(last_context.audit.patient, "Patient/s1");
  EXPECT_EQ(last_context.audit.entity_type, "Observation");

  compartment_type = "*";
  Json all = search(Kind::search_compartment, "Patient", {}, "s1");
  ASSERT_EQ(all["entry"].size(), 2u);  // the Patient is in its own compartment
  EXPECT_EQ(link(all, "self"), "http://test/fhir/Patient/s1/*");
  EXPECT_TRUE(store.queries().back().types.empty());

  // Other compartments: the members' parameters go to the store; no patient is audited.
  compartment_type = "Observation";
  search(Kind::search_compartment, "Encounter", {}, "e1");
  const search::Query q = store.queries().back();  // queries() returns a copy
  ASSERT_TRUE(q.compartment.has_value());
  EXPECT_FALSE(q.compartment_patient.has_value());
  EXPECT_EQ(q.compartment->type, "Encounter");
  EXPECT_EQ(q.compartment->id, "e1");
  ASSERT_EQ(q.compartment->members.size(), 1u);
  EXPECT_EQ(q.compartment->members[0].first, "Observation");
  ASSERT_EQ(q.compartment->members[0].second.size(), 1u);
  EXPECT_EQ(q.compartment->members[0].second[0]->code, "encounter");
  EXPECT_FALSE(q.compartment->self);
  EXPECT_EQ(last_context.audit.patient, "");

  compartment_type = "*";
  search(Kind::search_compartment, "Encounter", {}, "e1");
  const search::Query all_types = store.queries().back();
  EXPECT_TRUE(all_types.compartment->self);  // {def}: the Encounter itself
  EXPECT_NE(std::find(all_types.types.begin(), all_types.types.end(), "Encounter"), all_types.types.end());
  EXPECT_NE(std::find(all_types.types.begin(), all_types.types.end(), "Observation"), all_types.types.end());

  EXPECT_EQ(status_of(Kind::search_compartment, "Observation", "o1", "", std::vector<Param>{}), 400);
  EXPECT_EQ(last_error_code, "not-supported");
}

TEST_F(SearchService, SystemSearchLinksAtTheBase) {
  Json page = search(Kind::search_system, "", {{"_type", "Observation"}});
  ASSERT_EQ(page["entry"].size(), 1u);
  EXPECT_EQ(page["entry"][0]["fullUrl"], "http://test/fhir/Observation/o1");
  EXPECT_EQ(link(page, "self"), "http://test/fhir?_type=Observation");
  EXPECT_EQ(last_context.audit.interaction, "search-system");
}

TEST_F(SearchService, ReferenceToOnePatientIsAudited) {
  search(Kind::search_type, "Observation", {{"subject", "Patient/s1"}});
  EXPECT_EQ(last_context.audit.patient, "Patient/s1");
  search(Kind::search_type, "Observation", {{"patient", "s2"}});
  EXPECT_EQ(last_context.audit.patient, "Patient/s2");
  search(Kind::search_type, "Observation", {{"code", "x"}});
  EXPECT_EQ(last_context.audit.patient, "");
}

}  // namespace
}  // namespace carnet::service
