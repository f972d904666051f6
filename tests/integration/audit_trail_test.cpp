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

// GET AuditEvent?patient=... — "who looked at my record": the trail answers
// patient, entity, date, action, outcome, subtype and address, AND-ed, newest
// first, with a total of the matches.
TEST(AuditTrail, SearchByPatientEntityDateAndCodes) {
  auto http = TestServer::shared().client();
  const std::string p = "audit-search-" + std::to_string(audit_rows());  // unique in the shared database
  const std::string obs = p + "-obs";
  ASSERT_EQ(http.request("PUT", "/fhir/Patient/" + p, fhir_json_headers(),
                         R"({"resourceType":"Patient","id":")" + p + R"("})")
                .status,
            201);
  ASSERT_EQ(http.request("PUT", "/fhir/Observation/" + obs, fhir_json_headers(),
                         R"({"resourceType":"Observation","id":")" + obs +
                             R"(","status":"final","code":{"text":"t"},"subject":{"reference":"Patient/)" +
                             p + R"("}})")
                .status,
            201);
  ASSERT_EQ(http.request("GET", "/fhir/Observation/" + obs).status, 200);
  ASSERT_EQ(http.request("GET", "/fhir/Observation/" + obs + "-missing").status, 404);

  auto search = [&](const std::string& query, Headers headers = {}) {
    auto r = http.request("GET", "/fhir/AuditEvent?" + query, headers);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    return core::parse_json(r.body);
  };
  auto actions = [](const Json& bundle) {
    std::string out;  // one letter per match, newest first
    for (const auto& e : bundle["entry"])
      if (e["search"]["mode"] == "match") out += e["resource"]["action"].get<std::string>();
    return out;
  };

  // The patient's accesses: the two creates and the read (the 404 read names no patient).
  auto mine = search("patient=Patient/" + p);
  EXPECT_EQ(mine["total"], 3);
  EXPECT_EQ(actions(mine), "RCC");
  EXPECT_EQ(mine["entry"][0]["resource"]["entity"][0]["what"]["reference"],
            "Observation/" + obs + "/_history/1");
  const std::string self = mine["link"][0]["url"];
  EXPECT_NE(self.find("patient=Patient/" + p), std::string::npos) << self;
  // That search was itself an access to the patient's data: the bare id finds it too.
  EXPECT_EQ(actions(search("patient=" + p)), "RRCC");

  // Another server's Patient of the same id is not this one (found by fuzzing).
  EXPECT_EQ(actions(search("patient=http://other.example/fhir/Patient/" + p)), "");
  EXPECT_EQ(actions(search("entity=Observation/" + obs)), "RC");
  EXPECT_EQ(actions(search("entity=Patient/" + p + "&subtype=create")), "CC");
  EXPECT_EQ(actions(search("patient=" + p + "&action=C")), "CC");
  EXPECT_EQ(actions(search("patient=" + p + "&action=http://hl7.org/fhir/audit-event-action|C,U")), "CC");
  EXPECT_EQ(actions(search("patient=" + p + "&action=http://example.org/other|C")), "");
  EXPECT_EQ(actions(search("entity=Observation/" + obs + "-missing&outcome=4")), "R");
  EXPECT_EQ(actions(search("entity=Observation/" + obs + "-missing&outcome=0")), "");
  EXPECT_EQ(actions(search("entity=Observation/" + obs + "&date=ge2020-01-01&date=lt2999")), "RC");
  EXPECT_EQ(actions(search("entity=Observation/" + obs + "&date=lt2020-01-01")), "");
  EXPECT_EQ(actions(search("entity=Observation/" + obs + "&address=127.0")), "RC");
  EXPECT_EQ(actions(search("entity=Observation/" + obs + "&address=10.")), "");
  EXPECT_EQ(search("entity=Observation/" + obs + "&_count=1")["entry"].size(), 1u);

  // A parameter the trail cannot answer: ignored and said (lenient), 400 (strict).
  auto lenient = search("entity=Observation/" + obs + "&agent-name=someone");
  EXPECT_EQ(actions(lenient), "RC");
  const auto& last = lenient["entry"].back();
  EXPECT_EQ(last["search"]["mode"], "outcome");
  EXPECT_EQ(last["resource"]["issue"][0]["code"], "not-supported");
  EXPECT_EQ(lenient["link"][0]["url"].get<std::string>().find("agent-name"), std::string::npos);
  auto strict = http.request("GET", "/fhir/AuditEvent?agent-name=someone", {{"Prefer", "handling=strict"}});
  EXPECT_EQ(strict.status, 400);
  EXPECT_NE(strict.body.find("agent-name"), std::string::npos);
  EXPECT_EQ(
      http.request("GET", "/fhir/AuditEvent?patient:missing=true", {{"Prefer", "handling=strict"}}).status,
      400);
  // Malformed values: 400 naming the parameter.
  auto bad_date = http.request("GET", "/fhir/AuditEvent?date=yesterday");
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_NE(bad_date.body.find("date"), std::string::npos);
  EXPECT_EQ(http.request("GET", "/fhir/AuditEvent?entity=" + obs).status, 400);  // no type
  EXPECT_EQ(http.request("GET", "/fhir/AuditEvent?_sort=date").status, 400);
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

// A create refused at its grouped commit (here: the version insert fails)
// gets 503, stores nothing, and its refusal is in the trail.
TEST(AuditFailureOfCreate, RefusedCreateIsAnswered503AndAuditedAsRefused) {
  auto& server = TestServer::shared();
  server.sql_exec(
      "CREATE OR REPLACE FUNCTION sabotage_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "IF NEW.body LIKE '%create-sabotage%' THEN RAISE EXCEPTION 'version store unavailable'; END IF; "
      "RETURN NEW; END $$; "
      "CREATE TRIGGER sabotage_version BEFORE INSERT ON resource_version FOR EACH ROW EXECUTE FUNCTION "
      "sabotage_version()");
  const long long refused_before = server.sql_scalar(
      "SELECT count(*) FROM audit_event WHERE interaction = 'create' AND entity_type = 'Basic' AND "
      "http_status = 503");
  auto http = server.client();
  auto r = http.request("POST", "/fhir/Basic", fhir_json_headers(),
                        R"({"resourceType":"Basic","code":{"text":"create-sabotage"}})");
  server.sql_exec("DROP TRIGGER sabotage_version ON resource_version");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(core::parse_json(r.body)["issue"][0]["code"], "transient");
  EXPECT_EQ(server.sql_scalar("SELECT count(*) FROM resource_version WHERE body LIKE '%create-sabotage%'"),
            0);
  EXPECT_EQ(
      server.sql_scalar("SELECT count(*) FROM audit_event WHERE interaction = 'create' AND entity_type = "
                        "'Basic' AND http_status = 503") -
          refused_before,
      1);
  // The next create is served.
  EXPECT_EQ(http.request("POST", "/fhir/Basic", fhir_json_headers(),
                         R"({"resourceType":"Basic","code":{"text":"after-sabotage"}})")
                .status,
            201);
}

}  // namespace
}  // namespace carnet::testing
