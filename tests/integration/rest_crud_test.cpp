// create, read, vread, update, delete and their headers, over real HTTP.
#include <gtest/gtest.h>

#include "carnet/core/json.hpp"
#include "support/test_server.hpp"

namespace carnet::testing {
namespace {

using core::Json;

Json body_of(const Response& r) {
  return core::parse_json(r.body);
}

std::string patient(const std::string& id, const std::string& family) {
  return R"({"resourceType":"Patient","id":")" + id + R"(","name":[{"family":")" + family + R"("}]})";
}

class RestCrud : public ::testing::Test {
 protected:
  HttpClient http = TestServer::shared().client();
};

TEST_F(RestCrud, CreateAssignsIdAndAnswers201WithHeaders) {
  auto r = http.request("POST", "/fhir/Patient", fhir_json_headers(),
                        R"({"resourceType":"Patient","id":"ignored","active":true})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto b = body_of(r);
  std::string id = b["id"];
  EXPECT_NE(id, "ignored");
  EXPECT_EQ(b["meta"]["versionId"], "1");
  EXPECT_TRUE(b["meta"].contains("lastUpdated"));
  ASSERT_NE(r.header("location"), nullptr);
  EXPECT_NE(r.header("location")->find("/fhir/Patient/" + id + "/_history/1"), std::string::npos);
  EXPECT_EQ(*r.header("etag"), "W/\"1\"");
  EXPECT_NE(r.header("last-modified"), nullptr);
  EXPECT_EQ(*r.header("content-type"), "application/fhir+json; charset=utf-8");

  auto read = http.request("GET", "/fhir/Patient/" + id);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body, r.body);
  EXPECT_EQ(*read.header("etag"), "W/\"1\"");
}

TEST_F(RestCrud, UpdateCreatesThenVersionsAndVreadKeepsOldVersions) {
  auto first = http.request("PUT", "/fhir/Patient/crud-upd", fhir_json_headers(), patient("crud-upd", "One"));
  ASSERT_EQ(first.status, 201) << first.body;
  auto second =
      http.request("PUT", "/fhir/Patient/crud-upd", fhir_json_headers(), patient("crud-upd", "Two"));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(*second.header("etag"), "W/\"2\"");
  EXPECT_EQ(body_of(second)["meta"]["versionId"], "2");

  auto v1 = http.request("GET", "/fhir/Patient/crud-upd/_history/1");
  ASSERT_EQ(v1.status, 200);
  EXPECT_EQ(body_of(v1)["name"][0]["family"], "One");
  auto current = http.request("GET", "/fhir/Patient/crud-upd");
  EXPECT_EQ(body_of(current)["name"][0]["family"], "Two");
  EXPECT_EQ(http.request("GET", "/fhir/Patient/crud-upd/_history/3").status, 404);
}

TEST_F(RestCrud, IfMatchStaleIs412AndCurrentSucceeds) {
  ASSERT_EQ(
      http.request("PUT", "/fhir/Patient/crud-ifm", fhir_json_headers(), patient("crud-ifm", "A")).status,
      201);
  auto h = fhir_json_headers();
  h.emplace_back("If-Match", "W/\"7\"");
  auto stale = http.request("PUT", "/fhir/Patient/crud-ifm", h, patient("crud-ifm", "B"));
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(body_of(stale)["resourceType"], "OperationOutcome");
  h.back().second = "W/\"1\"";
  EXPECT_EQ(http.request("PUT", "/fhir/Patient/crud-ifm", h, patient("crud-ifm", "B")).status, 200);
  EXPECT_EQ(http.request("DELETE", "/fhir/Patient/crud-ifm", {{"If-Match", "W/\"1\""}}).status, 412);
  EXPECT_EQ(http.request("DELETE", "/fhir/Patient/crud-ifm", {{"If-Match", "W/\"2\""}}).status, 204);
}

TEST_F(RestCrud, DeleteIsLogicalReadIsGoneHistoryKeepsIt) {
  ASSERT_EQ(
      http.request("PUT", "/fhir/Patient/crud-del", fhir_json_headers(), patient("crud-del", "X")).status,
      201);
  auto del = http.request("DELETE", "/fhir/Patient/crud-del");
  EXPECT_EQ(del.status, 204);
  EXPECT_EQ(*del.header("etag"), "W/\"2\"");

  auto gone = http.request("GET", "/fhir/Patient/crud-del");
  EXPECT_EQ(gone.status, 410);
  EXPECT_EQ(body_of(gone)["issue"][0]["code"], "deleted");
  ASSERT_NE(gone.header("etag"), nullptr);
  EXPECT_EQ(*gone.header("etag"), "W/\"2\"");
  EXPECT_EQ(http.request("GET", "/fhir/Patient/crud-del/_history/1").status, 200);
  EXPECT_EQ(http.request("GET", "/fhir/Patient/crud-del/_history/2").status, 410);

  // Deleting again changes nothing; a never-known id is 404.
  EXPECT_EQ(http.request("DELETE", "/fhir/Patient/crud-del").status, 204);
  EXPECT_EQ(http.request("GET", "/fhir/Patient/crud-del/_history").status, 200);
  EXPECT_EQ(body_of(http.request("GET", "/fhir/Patient/crud-del/_history"))["entry"].size(), 2u);
  EXPECT_EQ(http.request("DELETE", "/fhir/Patient/crud-never").status, 404);

  // Re-creating a deleted resource is a new version, answered 201.
  auto again = http.request("PUT", "/fhir/Patient/crud-del", fhir_json_headers(), patient("crud-del", "Y"));
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(body_of(again)["meta"]["versionId"], "3");
}

TEST_F(RestCrud, ReadOfUnknownIsNotFoundWithOutcome) {
  auto r = http.request("GET", "/fhir/Observation/does-not-exist");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body_of(r)["issue"][0]["code"], "not-found");
}

TEST_F(RestCrud, ConditionalReadAnswers304) {
  ASSERT_EQ(
      http.request("PUT", "/fhir/Patient/crud-304", fhir_json_headers(), patient("crud-304", "C")).status,
      201);
  auto r = http.request("GET", "/fhir/Patient/crud-304", {{"If-None-Match", "W/\"1\""}});
  EXPECT_EQ(r.status, 304);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(RestCrud, DecimalsElementOrderAndUnicodeSurvive) {
  std::string body =
      R"({"resourceType":"Observation","id":"crud-dec","status":"final","code":{"text":"Température ☃ 𝄞"},)"
      R"("valueQuantity":{"value":1.50,"unit":"mg"},"referenceRange":[{"low":{"value":0.000120},"high":{"value":1e2}}]})";
  auto r = http.request("PUT", "/fhir/Observation/crud-dec", fhir_json_headers(), body);
  ASSERT_EQ(r.status, 201) << r.body;
  auto read = http.request("GET", "/fhir/Observation/crud-dec");
  EXPECT_NE(read.body.find(R"("value":1.50,"unit":"mg")"), std::string::npos) << read.body;
  EXPECT_NE(read.body.find(R"("value":0.000120)"), std::string::npos);
  EXPECT_NE(read.body.find(R"("high":{"value":1e2})"), std::string::npos);
  EXPECT_NE(read.body.find("Température ☃ 𝄞"), std::string::npos);
  EXPECT_LT(read.body.find("\"status\""), read.body.find("\"code\""));
}

TEST_F(RestCrud, PreferReturnMinimalAndOperationOutcome) {
  auto h = fhir_json_headers();
  h.emplace_back("Prefer", "return=minimal");
  auto minimal = http.request("PUT", "/fhir/Patient/crud-prefer", h, patient("crud-prefer", "M"));
  EXPECT_EQ(minimal.status, 201);
  EXPECT_TRUE(minimal.body.empty());
  h.back().second = "return=OperationOutcome";
  auto oo = http.request("PUT", "/fhir/Patient/crud-prefer", h, patient("crud-prefer", "N"));
  EXPECT_EQ(oo.status, 200);
  EXPECT_EQ(body_of(oo)["resourceType"], "OperationOutcome");
}

TEST_F(RestCrud, PrettyAndFormatNegotiation) {
  ASSERT_EQ(
      http.request("PUT", "/fhir/Patient/crud-fmt", fhir_json_headers(), patient("crud-fmt", "F")).status,
      201);
  auto pretty = http.request("GET", "/fhir/Patient/crud-fmt?_pretty=true");
  EXPECT_NE(pretty.body.find("\n  \"id\": \"crud-fmt\""), std::string::npos) << pretty.body;
  EXPECT_EQ(http.request("GET", "/fhir/Patient/crud-fmt", {{"Accept", "application/json"}}).status, 200);
  EXPECT_EQ(http.request("GET", "/fhir/Patient/crud-fmt?_format=json").status, 200);
  auto xml = http.request("GET", "/fhir/Patient/crud-fmt", {{"Accept", "application/fhir+xml"}});
  EXPECT_EQ(xml.status, 406);
  EXPECT_EQ(body_of(xml)["resourceType"], "OperationOutcome");
  EXPECT_EQ(http.request("GET", "/fhir/Patient/crud-fmt?_format=xml").status, 406);
}

TEST_F(RestCrud, CapabilityStatementListsEveryResourceType) {
  auto r = http.request("GET", "/fhir/metadata");
  ASSERT_EQ(r.status, 200);
  auto cs = body_of(r);
  EXPECT_EQ(cs["resourceType"], "CapabilityStatement");
  EXPECT_EQ(cs["fhirVersion"], "4.0.1");
  EXPECT_EQ(cs["rest"][0]["resource"].size(), 146u);
  for (const auto& res : cs["rest"][0]["resource"]) {
    if (res["type"] == "AuditEvent") {
      EXPECT_EQ(res["interaction"].size(), 2u);
    }
  }
}

TEST_F(RestCrud, HttpsServesTheSameApi) {
  auto https = TestServer::shared().tls_client();
  auto r = https.request("PUT", "/fhir/Patient/crud-tls", fhir_json_headers(), patient("crud-tls", "T"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_NE(r.header("location")->find("https://"), std::string::npos);
  EXPECT_EQ(https.request("GET", "/fhir/Patient/crud-tls").status, 200);
  EXPECT_FALSE(https.tls_protocol().empty());
}

}  // namespace
}  // namespace carnet::testing

namespace carnet::testing {
namespace {

TEST(RestDetails, PostedPatientIsInItsOwnCompartmentUnderItsAssignedId) {
  auto http = TestServer::shared().client();
  auto r = http.request("POST", "/fhir/Patient", fhir_json_headers(),
                        R"({"resourceType":"Patient","id":"ignored"})");
  ASSERT_EQ(r.status, 201);
  std::string id = core::parse_json(r.body)["id"];
  EXPECT_EQ(TestServer::shared().sql_scalar("SELECT count(*) FROM resource_version WHERE res_id = '" + id +
                                            "' AND patient = 'Patient/" + id + "'"),
            1);
}

TEST(RestDetails, IdThenMetaWhenTheClientSentNoMeta) {
  auto http = TestServer::shared().client();
  auto r = http.request("PUT", "/fhir/Basic/det-order", fhir_json_headers(),
                        R"({"resourceType":"Basic","id":"det-order","code":{"text":"o"}})");
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.body.find(R"({"resourceType":"Basic","id":"det-order","meta":{)"), 0u) << r.body;
}

TEST(RestDetails, RecreatedResourceShows201InHistory) {
  auto http = TestServer::shared().client();
  std::string body = R"({"resourceType":"Basic","id":"det-recreate","code":{"text":"r"}})";
  ASSERT_EQ(http.request("PUT", "/fhir/Basic/det-recreate", fhir_json_headers(), body).status, 201);
  ASSERT_EQ(http.request("DELETE", "/fhir/Basic/det-recreate").status, 204);
  ASSERT_EQ(http.request("PUT", "/fhir/Basic/det-recreate", fhir_json_headers(), body).status, 201);
  ASSERT_EQ(http.request("PUT", "/fhir/Basic/det-recreate", fhir_json_headers(), body).status, 200);
  auto h = core::parse_json(http.request("GET", "/fhir/Basic/det-recreate/_history").body);
  ASSERT_EQ(h["entry"].size(), 4u);
  EXPECT_EQ(h["entry"][0]["response"]["status"], "200 OK");
  EXPECT_EQ(h["entry"][1]["response"]["status"], "201 Created");
  EXPECT_EQ(h["entry"][2]["response"]["status"], "204 No Content");
  EXPECT_EQ(h["entry"][3]["response"]["status"], "201 Created");
}

TEST(RestDetails, MethodNotAllowedListsAllowedMethods) {
  auto http = TestServer::shared().client();
  auto r = http.request("DELETE", "/fhir/Patient");
  EXPECT_EQ(r.status, 405);
  ASSERT_NE(r.header("allow"), nullptr);
  EXPECT_EQ(*r.header("allow"), "GET, HEAD, POST");
  auto audit = http.request("PUT", "/fhir/AuditEvent/1", fhir_json_headers(), "{}");
  EXPECT_EQ(audit.status, 405);
  EXPECT_EQ(*audit.header("allow"), "GET, HEAD");
  auto patch =
      http.request("PATCH", "/fhir/Patient/x", {{"Content-Type", "application/json-patch+json"}}, "[]");
  EXPECT_EQ(patch.status, 405);
}

TEST(RestDetails, DeleteWithIfMatchOfUnknownIdIs404AndDeletionKeepsPatient) {
  auto http = TestServer::shared().client();
  EXPECT_EQ(http.request("DELETE", "/fhir/Basic/det-never", {{"If-Match", "W/\"1\""}}).status, 404);
  ASSERT_EQ(http.request("PUT", "/fhir/Patient/det-pat", fhir_json_headers(),
                         R"({"resourceType":"Patient","id":"det-pat"})")
                .status,
            201);
  ASSERT_EQ(http.request("DELETE", "/fhir/Patient/det-pat").status, 204);
  EXPECT_EQ(
      TestServer::shared().sql_scalar(
          "SELECT count(*) FROM resource_version WHERE res_id = 'det-pat' AND patient = 'Patient/det-pat'"),
      2);
}

TEST(RestDetails, FormatWithUnencodedPlusIsJson) {
  auto http = TestServer::shared().client();
  EXPECT_EQ(http.request("GET", "/fhir/metadata?_format=application/fhir+json").status, 200);
}

}  // namespace
}  // namespace carnet::testing

namespace carnet::testing {
namespace {

TEST(RestDetails, HeadAnnouncesTheLengthOfTheGetBodyWithoutSendingIt) {
  auto http = TestServer::shared().client();
  ASSERT_EQ(http.request("PUT", "/fhir/Basic/det-head", fhir_json_headers(),
                         R"({"resourceType":"Basic","id":"det-head","code":{"text":"h"}})")
                .status,
            201);
  auto get = http.request("GET", "/fhir/Basic/det-head");
  auto head = http.request("HEAD", "/fhir/Basic/det-head");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  ASSERT_NE(head.header("content-length"), nullptr);
  EXPECT_EQ(*head.header("content-length"), std::to_string(get.body.size()));
  EXPECT_EQ(*head.header("etag"), "W/\"1\"");
  // The connection is still usable after a HEAD.
  EXPECT_EQ(http.request("GET", "/fhir/Basic/det-head").status, 200);
}

}  // namespace
}  // namespace carnet::testing
