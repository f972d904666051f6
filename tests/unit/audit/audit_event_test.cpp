// audit::to_audit_event: what GET /fhir/AuditEvent shows for one access record
// (FHIR R4 AuditEvent, IHE BALP RESTful pattern).

#include "carnet/audit/audit_event.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "carnet/core/access_record.hpp"
#include "carnet/core/clock.hpp"
#include "carnet/core/json.hpp"
#include "carnet/fhir/model.hpp"

namespace carnet::audit {
namespace {

using core::AccessRecord;
using core::Json;
using namespace std::chrono;

core::Instant at_2026_11_29() {
  return time_point_cast<microseconds>(sys_days{year{2026} / November / 29}) + hours{19} + minutes{3} +
         seconds{33} + microseconds{123456};
}

AccessRecord read_record() {
  AccessRecord r;
  r.recorded = at_2026_11_29();
  r.interaction = "read";
  r.action = 'R';
  r.http_status = 200;
  r.agent_address = "192.0.2.10";
  r.http_method = "GET";
  r.entity_type = "Observation";
  r.entity_id = "obs-1";
  r.patient = "Patient/p1";
  return r;
}

// The entity whose what.reference is `ref`, or null.
Json entity_for(const Json& ev, const std::string& ref) {
  if (!ev.contains("entity")) return nullptr;
  for (const auto& e : ev["entity"])
    if (e.contains("what") && e["what"].value("reference", "") == ref) return e;
  return nullptr;
}

TEST(AuditEvent, ReadHasTypeSubtypeActionAndTime) {
  Json ev = to_audit_event(42, read_record());
  EXPECT_EQ(ev["resourceType"], "AuditEvent");
  EXPECT_EQ(ev["id"], "42");
  EXPECT_EQ(ev["type"]["system"], "http://terminology.hl7.org/CodeSystem/audit-event-type");
  EXPECT_EQ(ev["type"]["code"], "rest");
  ASSERT_EQ(ev["subtype"].size(), 1u);
  EXPECT_EQ(ev["subtype"][0]["system"], "http://hl7.org/fhir/restful-interaction");
  EXPECT_EQ(ev["subtype"][0]["code"], "read");
  EXPECT_EQ(ev["action"], "R");
  EXPECT_EQ(ev["recorded"], "2026-11-29T19:03:33.123456Z");
}

TEST(AuditEvent, ResourceTypeComesFirst) {
  Json ev = to_audit_event(1, read_record());
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.begin().key(), "resourceType");
}

TEST(AuditEvent, SuccessfulReadHasOutcomeZero) {
  Json ev = to_audit_event(1, read_record());
  EXPECT_EQ(ev["outcome"], "0");
  EXPECT_EQ(ev["outcomeDesc"], "HTTP 200");
}

TEST(AuditEvent, ReadNamesTheEntityAndItsPatient) {
  Json ev = to_audit_event(1, read_record());
  ASSERT_TRUE(ev.contains("entity"));
  ASSERT_EQ(ev["entity"].size(), 2u);

  Json obs = entity_for(ev, "Observation/obs-1");
  ASSERT_FALSE(obs.is_null()) << ev.dump();
  EXPECT_EQ(obs["type"]["system"], "http://terminology.hl7.org/CodeSystem/audit-entity-type");
  EXPECT_EQ(obs["type"]["code"], "2");
  EXPECT_EQ(obs["role"]["system"], "http://terminology.hl7.org/CodeSystem/object-role");
  EXPECT_EQ(obs["role"]["code"], "4");
  EXPECT_FALSE(obs.contains("query"));

  Json patient = entity_for(ev, "Patient/p1");
  ASSERT_FALSE(patient.is_null()) << ev.dump();
  EXPECT_EQ(patient["type"]["code"], "1");
  EXPECT_EQ(patient["role"]["code"], "1");
}

TEST(AuditEvent, VreadReferenceNamesTheVersion) {
  AccessRecord r = read_record();
  r.interaction = "vread";
  r.entity_version = 3;
  Json ev = to_audit_event(1, r);
  EXPECT_FALSE(entity_for(ev, "Observation/obs-1/_history/3").is_null()) << ev.dump();
  EXPECT_EQ(ev["subtype"][0]["code"], "vread");
}

TEST(AuditEvent, NotFoundIsMinorFailure) {
  AccessRecord r = read_record();
  r.http_status = 404;
  r.outcome_desc = "Observation/obs-1 is not known";
  r.patient.clear();
  Json ev = to_audit_event(7, r);
  EXPECT_EQ(ev["outcome"], "4");
  EXPECT_EQ(ev["outcomeDesc"], "HTTP 404: Observation/obs-1 is not known");
}

TEST(AuditEvent, ServerFailureIsSeriousFailure) {
  AccessRecord r = read_record();
  r.http_status = 503;
  r.outcome_desc = "The database is unavailable";
  Json ev = to_audit_event(8, r);
  EXPECT_EQ(ev["outcome"], "8");
  EXPECT_EQ(ev["outcomeDesc"], "HTTP 503: The database is unavailable");
  r.http_status = 500;
  EXPECT_EQ(to_audit_event(8, r)["outcome"], "8");
}

TEST(AuditEvent, OutcomeCodeBoundaries) {
  AccessRecord r;
  for (auto [status, code] : {std::pair{200, "0"},
                              {201, "0"},
                              {304, "0"},
                              {399, "0"},
                              {400, "4"},
                              {499, "4"},
                              {500, "8"},
                              {599, "8"}}) {
    r.http_status = status;
    EXPECT_EQ(to_audit_event(1, r)["outcome"], code) << status;
  }
}

TEST(AuditEvent, UnroutableRequestHasNoEntity) {
  AccessRecord r;  // interaction "unknown", nothing addressed
  r.recorded = at_2026_11_29();
  r.http_status = 404;
  r.outcome_desc = "Unknown resource type 'Foo'";
  Json ev = to_audit_event(9, r);
  EXPECT_EQ(ev["subtype"][0]["code"], "unknown");
  EXPECT_EQ(ev["action"], "E");
  EXPECT_EQ(ev["outcome"], "4");
  EXPECT_FALSE(ev.contains("entity"));
}

TEST(AuditEvent, SearchQueryIsBase64) {
  AccessRecord r;
  r.recorded = at_2026_11_29();
  r.interaction = "search-type";
  r.action = 'R';
  r.http_status = 200;
  r.entity_type = "Patient";
  r.query = "name=Smith&_count=10";
  Json ev = to_audit_event(10, r);
  ASSERT_TRUE(ev.contains("entity"));
  ASSERT_EQ(ev["entity"].size(), 1u);
  EXPECT_EQ(ev["entity"][0]["what"]["reference"], "Patient");
  EXPECT_EQ(ev["entity"][0]["query"], "bmFtZT1TbWl0aCZfY291bnQ9MTA=");
}

TEST(AuditEvent, Base64PaddingForEveryLength) {
  AccessRecord r;
  r.entity_type = "Patient";
  const std::pair<const char*, const char*> cases[] = {{"a", "YQ=="},
                                                       {"ab", "YWI="},
                                                       {"abc", "YWJj"},
                                                       {"abcd", "YWJjZA=="},
                                                       {"_id=\xC3\xA9", "X2lkPcOp"},
                                                       {"q=?\x3F>", "cT0/Pz4="}};
  for (auto [query, expected] : cases) {
    r.query = query;
    EXPECT_EQ(to_audit_event(1, r)["entity"][0]["query"], expected) << query;
  }
}

TEST(AuditEvent, SystemSearchQueryHasAnEntityWithoutWhat) {
  AccessRecord r;
  r.interaction = "search-system";
  r.action = 'R';
  r.http_status = 200;
  r.query = "_lastUpdated=gt2026";
  Json ev = to_audit_event(11, r);
  ASSERT_TRUE(ev.contains("entity"));
  ASSERT_EQ(ev["entity"].size(), 1u);
  EXPECT_FALSE(ev["entity"][0].contains("what"));
  EXPECT_EQ(ev["entity"][0]["type"]["code"], "2");
  EXPECT_EQ(ev["entity"][0]["query"], "X2xhc3RVcGRhdGVkPWd0MjAyNg==");
}

TEST(AuditEvent, AnonymousAgentWithNetworkAddress) {
  Json ev = to_audit_event(1, read_record());
  ASSERT_EQ(ev["agent"].size(), 1u);
  const Json& agent = ev["agent"][0];
  EXPECT_EQ(agent["who"]["display"], "anonymous");
  EXPECT_EQ(agent["requestor"], true);
  EXPECT_EQ(agent["type"]["coding"][0]["system"],
            "http://terminology.hl7.org/CodeSystem/v3-ParticipationType");
  EXPECT_EQ(agent["type"]["coding"][0]["code"], "IRCP");
  EXPECT_EQ(agent["network"]["address"], "192.0.2.10");
  EXPECT_EQ(agent["network"]["type"], "2");
}

TEST(AuditEvent, AgentWithoutAddressHasNoNetwork) {
  AccessRecord r = read_record();
  r.agent_address.clear();
  Json ev = to_audit_event(1, r);
  EXPECT_FALSE(ev["agent"][0].contains("network"));
}

TEST(AuditEvent, Ipv6AddressIsKept) {
  AccessRecord r = read_record();
  r.agent_address = "2001:db8::1";
  EXPECT_EQ(to_audit_event(1, r)["agent"][0]["network"]["address"], "2001:db8::1");
}

TEST(AuditEvent, SourceIsTheServer) {
  Json ev = to_audit_event(1, read_record());
  EXPECT_EQ(ev["source"]["site"], "carnet");
  EXPECT_FALSE(ev["source"]["observer"]["display"].get<std::string>().empty());
  EXPECT_EQ(ev["source"]["type"][0]["system"], "http://terminology.hl7.org/CodeSystem/security-source-type");
  EXPECT_EQ(ev["source"]["type"][0]["code"], "4");
}

TEST(AuditEvent, WriteActions) {
  AccessRecord r = read_record();
  r.interaction = "create";
  r.action = 'C';
  r.http_status = 201;
  r.entity_version = 1;
  Json ev = to_audit_event(1, r);
  EXPECT_EQ(ev["action"], "C");
  EXPECT_EQ(ev["subtype"][0]["code"], "create");
  EXPECT_EQ(ev["outcome"], "0");
  r.interaction = "delete";
  r.action = 'D';
  EXPECT_EQ(to_audit_event(1, r)["action"], "D");
}

TEST(AuditEvent, SerialisesAsValidJson) {
  AccessRecord r = read_record();
  r.outcome_desc = "quote \" backslash \\ newline \n";
  r.http_status = 400;
  const std::string text = core::to_json_text(to_audit_event(5, r));
  Json back = core::parse_json(text);
  EXPECT_EQ(back["outcomeDesc"], "HTTP 400: quote \" backslash \\ newline \n");
}

// Every shape the renderer produces passes the server's own R4 structure check.
TEST(AuditEvent, RenderedEventsAreValidR4) {
  static const auto model = fhir::Model::load(std::filesystem::path(CARNET_SOURCE_DIR) / "schemas");
  AccessRecord failed = read_record();
  failed.http_status = 404;
  failed.outcome_desc = "not known";
  failed.entity_version = 2;
  AccessRecord search;
  search.interaction = "search-type";
  search.entity_type = "Patient";
  search.query = "name=Smith";
  AccessRecord system;
  system.query = "_count=1";
  AccessRecord bare;
  for (const AccessRecord& r : {read_record(), failed, search, system, bare}) {
    Json ev = to_audit_event(3, r);
    auto issues = model->check(ev);
    for (const auto& i : issues) ADD_FAILURE() << i.expression << ": " << i.diagnostics << "\n" << ev.dump();
  }
}

TEST(AuditEvent, LargeSequenceNumberIsTheId) {
  EXPECT_EQ(to_audit_event(9007199254740993LL, read_record())["id"], "9007199254740993");
}

}  // namespace
}  // namespace carnet::audit
