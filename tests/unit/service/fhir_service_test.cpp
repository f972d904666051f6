// FhirService on an in-memory store (no database: the PostgreSQL store is
// covered by the integration tests). Checks the service's own decisions:
// statuses, headers, id rules, audit fields, history paging.
#include "carnet/service/fhir_service.hpp"

#include <gtest/gtest.h>

#include <set>

#include "carnet/core/error.hpp"
#include "unit/service/service_fixture.hpp"

namespace carnet::service {
namespace {

using core::Json;

TEST_F(ServiceTest, CreateAssignsANewIdAndAnswers201) {
  auto reply = call(Kind::create, "Patient", {}, R"({"resourceType":"Patient","id":"mine","active":true})");
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.etag, "W/\"1\"");
  Json body = core::parse_json(reply.body);
  EXPECT_NE(body["id"], "mine");
  EXPECT_EQ(reply.location, "http://test/fhir/Patient/" + body["id"].get<std::string>() + "/_history/1");
  EXPECT_TRUE(last_context.audited);
  EXPECT_EQ(last_context.audit.action, 'C');
  EXPECT_EQ(last_context.audit.patient, "Patient/" + body["id"].get<std::string>());
}

TEST_F(ServiceTest, UpdateRequiresTheUrlIdInTheBody) {
  EXPECT_THROW(call(Kind::update, "Patient", "a", R"({"resourceType":"Patient","id":"b"})"), core::Error);
  EXPECT_THROW(call(Kind::update, "Patient", "a", R"({"resourceType":"Patient"})"), core::Error);
  EXPECT_EQ(call(Kind::update, "Patient", "a", R"({"resourceType":"Patient","id":"a"})").status, 201);
  EXPECT_EQ(call(Kind::update, "Patient", "a", R"({"resourceType":"Patient","id":"a"})").status, 200);
  EXPECT_EQ(last_context.audit.action, 'U');
}

TEST_F(ServiceTest, ObservationAuditNamesItsPatient) {
  call(
      Kind::update, "Observation", "o",
      R"({"resourceType":"Observation","id":"o","status":"final","code":{"text":"t"},"subject":{"reference":"Patient/p9"}})");
  EXPECT_EQ(last_context.audit.patient, "Patient/p9");
  call(Kind::read, "Observation", "o");
  EXPECT_EQ(last_context.audit.patient, "Patient/p9");
  EXPECT_EQ(last_context.audit.entity_version, 1);
}

TEST_F(ServiceTest, ReadOfDeletedIsGoneWithTheDeletionsETag) {
  call(Kind::update, "Basic", "d", R"({"resourceType":"Basic","id":"d","code":{"text":"x"}})");
  EXPECT_EQ(call(Kind::remove, "Basic", "d").status, 204);
  try {
    call(Kind::read, "Basic", "d");
    FAIL() << "expected 410";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 410);
    ASSERT_FALSE(e.headers().empty());
    EXPECT_EQ(e.headers().front(), (std::pair<std::string, std::string>{"ETag", "W/\"2\""}));
  }
  try {
    call(Kind::remove, "Basic", "never");
    FAIL() << "expected 404";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 404);
    EXPECT_TRUE(last_context.audited);  // the store wrote the refusal's record
  }
}

TEST_F(ServiceTest, AuditEventIsReadOnly) {
  for (Kind k : {Kind::create, Kind::update, Kind::remove, Kind::history_instance}) {
    try {
      call(k, "AuditEvent", "1", R"({"resourceType":"AuditEvent"})");
      FAIL() << "expected 405";
    } catch (const core::Error& e) {
      EXPECT_EQ(e.status(), 405);
    }
  }
}

TEST_F(ServiceTest, HistoryPagesWithACursorLink) {
  for (int i = 0; i < 5; ++i)
    call(Kind::update, "Basic", "h", R"({"resourceType":"Basic","id":"h","code":{"text":"x"}})");
  auto reply = call(Kind::history_instance, "Basic", "h", {}, {{"_count", "2"}});
  Json bundle = core::parse_json(reply.body);
  EXPECT_EQ(bundle["type"], "history");
  ASSERT_EQ(bundle["entry"].size(), 2u);
  EXPECT_EQ(bundle["entry"][0]["resource"]["meta"]["versionId"], "5");
  std::string next;
  for (const auto& l : bundle["link"])
    if (l["relation"] == "next") next = l["url"];
  EXPECT_NE(next.find("http://test/fhir/Basic/h/_history?_count=2&_cursor="), std::string::npos) << next;
}

TEST_F(ServiceTest, WritesIndexTheResourceWithItsCompartment) {
  call(Kind::update, "Patient", "ix",
       R"({"resourceType":"Patient","id":"ix","name":[{"family":"Lefèvre"}]})");
  auto index = store.index_of("Patient", "ix");
  EXPECT_EQ(index.compartment_patients, std::vector<std::string>{"ix"});
  EXPECT_FALSE(index.strings.empty());
  auto created = call(Kind::create, "Observation", {},
                      R"({"resourceType":"Observation","status":"final","code":{"text":"t"},)"
                      R"("subject":{"reference":"Patient/ix"}})");
  std::string id = core::parse_json(created.body)["id"];
  EXPECT_EQ(store.index_of("Observation", id).compartment_patients, std::vector<std::string>{"ix"});
}

TEST_F(ServiceTest, ReadHonoursSummaryAndElements) {
  call(Kind::update, "Patient", "r1",
       R"({"resourceType":"Patient","id":"r1","name":[{"family":"Roux"}],"birthDate":"1970-01-01",)"
       R"("maritalStatus":{"text":"M"}})");
  auto reply = call(Kind::read, "Patient", "r1", {}, {{"_elements", "birthDate"}});
  EXPECT_EQ(reply.etag, "W/\"1\"");
  Json p = core::parse_json(reply.body);
  EXPECT_EQ(p["birthDate"], "1970-01-01");
  EXPECT_FALSE(p.contains("name"));
  EXPECT_EQ(p["meta"]["tag"][0]["code"], "SUBSETTED");
  Json summary = core::parse_json(call(Kind::read, "Patient", "r1", {}, {{"_summary", "true"}}).body);
  EXPECT_TRUE(summary.contains("name"));
  EXPECT_FALSE(summary.contains("maritalStatus"));
  EXPECT_FALSE(core::parse_json(call(Kind::read, "Patient", "r1").body)["meta"].contains("tag"));
  EXPECT_EQ(status_of(Kind::read, "Patient", "r1", "", std::vector<Param>{{"_summary", "count"}}), 400);
}

TEST_F(ServiceTest, CapabilityStatementListsSearch) {
  Json cs = core::parse_json(call(Kind::capabilities, "").body);
  const Json& rest = cs["rest"][0];
  std::set<std::string> common, interactions;
  for (const auto& p : rest["searchParam"]) common.insert(p["name"].get<std::string>());
  for (const char* name : {"_id", "_lastUpdated", "_tag", "_profile", "_security", "_source", "_text",
                           "_content", "_list", "_has", "_type"})
    EXPECT_TRUE(common.contains(name)) << name;
  for (const auto& i : rest["interaction"]) interactions.insert(i["code"].get<std::string>());
  EXPECT_TRUE(interactions.contains("search-system"));

  const Json* observation = nullptr;
  for (const auto& r : rest["resource"])
    if (r["type"] == "Observation") observation = &r;
  ASSERT_NE(observation, nullptr);
  bool code = false, search_type = false;
  for (const auto& p : (*observation)["searchParam"]) {
    if (p["name"] == "code") {
      code = true;
      EXPECT_EQ(p["type"], "token");
      EXPECT_EQ(p["definition"], "http://hl7.org/fhir/SearchParameter/clinical-code");
    }
    EXPECT_NE(p["name"], "_id");  // declared once, at rest level
  }
  for (const auto& i : (*observation)["interaction"]) search_type = search_type || i["code"] == "search-type";
  EXPECT_TRUE(code);
  EXPECT_TRUE(search_type);
  auto includes = (*observation)["searchInclude"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(includes.begin(), includes.end(), "Observation:subject"), includes.end());
  auto revs = (*observation)["searchRevInclude"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(revs.begin(), revs.end(), "DiagnosticReport:result"), revs.end());

  // AuditEvent: the parameters the trail answers, no more.
  const Json* audit = nullptr;
  for (const auto& r : rest["resource"])
    if (r["type"] == "AuditEvent") audit = &r;
  ASSERT_NE(audit, nullptr);
  std::set<std::string> audit_params;
  for (const auto& p : (*audit)["searchParam"]) audit_params.insert(p["name"].get<std::string>());
  EXPECT_EQ(audit_params, (std::set<std::string>{"_count", "patient", "entity", "date", "action", "outcome",
                                                 "subtype", "address"}));
}

}  // namespace
}  // namespace carnet::service
