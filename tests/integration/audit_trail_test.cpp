// Exactly one AuditEvent per request, allowed or refused, committed before the
// response; the trail is readable, paged, and append-only.
#include <gtest/gtest.h>

#include "carnet/core/json.hpp"
#include "support/test_server.hpp"

namespace carnet::testing {
namespace {

using core::Json;

long long audit_rows() {
  return TestServer::shared().sql_scalar("SELECT count(*) FROM audit_event");
}

TEST(AuditTrail, OneEventPerRequestWhateverTheOutcome) {
  auto http = TestServer::shared().client();
  long long before = audit_rows();
  int requests = 0;
  auto send = [&](const char* method, const std::string& target, const std::string& body = {}) {
    ++requests;
    return http.request(method, target, body.empty() ? Headers{} : fhir_json_headers(), body);
  };
  send("PUT", "/fhir/Patient/audit-p", R"({"resourceType":"Patient","id":"audit-p"})");  // 201
  send("GET", "/fhir/Patient/audit-p");                                                  // 200
  send("GET", "/fhir/Patient/audit-p/_history/1");                                       // 200
  send("GET", "/fhir/Patient/audit-p/_history");                                         // 200
  send("GET", "/fhir/Patient/audit-missing");                                            // 404
  send("POST", "/fhir/Patient", "{not json");                                            // 400
  send("GET", "/fhir/Unknown/1");                                                        // 404
  send("PATCH", "/fhir/Patient/audit-p", "{}");                                          // 405 / 415
  send("DELETE", "/fhir/Patient/audit-p");                                               // 204
  send("DELETE", "/fhir/Patient/audit-none");                                            // 404
  send("GET", "/fhir/metadata");                                                         // 200
  send("GET", "/fhir/AuditEvent?_count=1");                                              // 200
  send("POST", "/fhir/AuditEvent", R"({"resourceType":"AuditEvent"})");                  // 405
  EXPECT_EQ(audit_rows() - before, requests);
}

TEST(AuditTrail, EventsDescribeTheAccess) {
  auto http = TestServer::shared().client();
  ASSERT_EQ(http.request("PUT", "/fhir/Patient/audit-who", fhir_json_headers(),
                         R"({"resourceType":"Patient","id":"audit-who"})")
                .status,
            201);
  ASSERT_EQ(
      http.request("PUT", "/fhir/Observation/audit-obs", fhir_json_headers(),
                   R"({"resourceType":"Observation","id":"audit-obs","status":"final","code":{"text":"t"},)"
                   R"("subject":{"reference":"Patient/audit-who"}})")
          .status,
      201);
  ASSERT_EQ(http.request("GET", "/fhir/Observation/audit-obs").status, 200);
  ASSERT_EQ(http.request("GET", "/fhir/Observation/audit-nope").status, 404);

  auto list = core::parse_json(http.request("GET", "/fhir/AuditEvent?_count=3").body);
  EXPECT_EQ(list["type"], "searchset");
  EXPECT_GE(list["total"].get<long long>(), 4);
  ASSERT_EQ(list["entry"].size(), 3u);
  const Json& failed = list["entry"][0]["resource"];  // newest first: the 404
  EXPECT_EQ(failed["resourceType"], "AuditEvent");
  EXPECT_EQ(failed["outcome"], "4");
  EXPECT_EQ(failed["action"], "R");
  EXPECT_EQ(failed["subtype"][0]["code"], "read");
  const Json& read = list["entry"][1]["resource"];
  EXPECT_EQ(read["outcome"], "0");
  EXPECT_EQ(read["entity"][0]["what"]["reference"], "Observation/audit-obs/_history/1");
  EXPECT_EQ(read["entity"][1]["what"]["reference"], "Patient/audit-who");
  EXPECT_EQ(read["agent"][0]["network"]["address"], "127.0.0.1");
  EXPECT_EQ(read["source"]["observer"]["display"], "Carnet FHIR server");
  const Json& created = list["entry"][2]["resource"];
  EXPECT_EQ(created["action"], "C");
  EXPECT_EQ(created["subtype"][0]["code"], "create");

  // Read one by id; the read itself is audited.
  std::string id = read["id"];
  long long before = audit_rows();
  auto one = http.request("GET", "/fhir/AuditEvent/" + id);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(core::parse_json(one.body)["id"], id);
  EXPECT_EQ(audit_rows(), before + 1);
}

TEST(AuditTrail, PagingWalksWithoutRepeats) {
  auto http = TestServer::shared().client();
  for (int i = 0; i < 60; ++i) http.request("GET", "/fhir/metadata");
  std::set<std::string> seen;
  std::string next = "/fhir/AuditEvent?_count=50";
  int pages = 0;
  while (!next.empty() && pages < 5) {
    auto b = core::parse_json(http.request("GET", next).body);
    for (const auto& e : b["entry"]) EXPECT_TRUE(seen.insert(e["resource"]["id"].get<std::string>()).second);
    next.clear();
    for (const auto& l : b["link"])
      if (l["relation"] == "next")
        next = l["url"].get<std::string>().substr(l["url"].get<std::string>().find("/fhir"));
    ++pages;
  }
  EXPECT_GT(seen.size(), 50u);
}

TEST(AuditTrail, RowsAreAppendOnly) {
  EXPECT_THROW(TestServer::shared().sql_scalar(
                   "WITH d AS (DELETE FROM audit_event RETURNING 1) SELECT count(*) FROM d"),
               std::exception);
  EXPECT_THROW(TestServer::shared().sql_scalar(
                   "WITH u AS (UPDATE audit_event SET agent_who = 'x' RETURNING 1) SELECT count(*) FROM u"),
               std::exception);
}

TEST(AuditTrail, AuditEventsCannotBeWrittenThroughTheApi) {
  auto http = TestServer::shared().client();
  EXPECT_EQ(http.request("PUT", "/fhir/AuditEvent/1", fhir_json_headers(),
                         R"({"resourceType":"AuditEvent","id":"1"})")
                .status,
            405);
  EXPECT_EQ(http.request("DELETE", "/fhir/AuditEvent/1").status, 405);
}

}  // namespace
}  // namespace carnet::testing

namespace carnet::testing {
namespace {

// When the audit record cannot be written, the request fails with 503 and its
// data change is rolled back. A trigger makes inserts for one id fail.
class AuditFailure : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServer::shared().sql_exec(
        "CREATE OR REPLACE FUNCTION sabotage_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.entity_id = 'audit-sabotage' THEN RAISE EXCEPTION 'audit store unavailable'; END IF; "
        "RETURN NEW; END $$; "
        "CREATE TRIGGER sabotage BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION "
        "sabotage_audit()");
  }
  void TearDown() override { TestServer::shared().sql_exec("DROP TRIGGER sabotage ON audit_event"); }
};

TEST_F(AuditFailure, WriteIsRolledBackAndAnswered503) {
  auto http = TestServer::shared().client();
  auto r = http.request("PUT", "/fhir/Patient/audit-sabotage", fhir_json_headers(),
                        R"({"resourceType":"Patient","id":"audit-sabotage"})");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(core::parse_json(r.body)["issue"][0]["code"], "transient");
  ASSERT_NE(r.header("retry-after"), nullptr);
  EXPECT_EQ(TestServer::shared().sql_scalar(
                "SELECT count(*) FROM resource_version WHERE res_id = 'audit-sabotage'"),
            0);
  EXPECT_EQ(TestServer::shared().sql_scalar("SELECT count(*) FROM resource WHERE res_id = 'audit-sabotage'"),
            0);
}

TEST_F(AuditFailure, ReadIsNotAnsweredWithoutItsAuditRecord) {
  auto http = TestServer::shared().client();
  auto r = http.request("GET", "/fhir/Patient/audit-sabotage");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.body.find("\"resourceType\":\"Patient\""), std::string::npos);
}

}  // namespace
}  // namespace carnet::testing
