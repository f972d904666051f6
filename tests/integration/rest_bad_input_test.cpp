// Every kind of bad input: the right status, an OperationOutcome that says what
// and where, and nothing stored.
#include <gtest/gtest.h>

#include "carnet/core/json.hpp"
#include "support/test_server.hpp"

namespace carnet::testing {
namespace {

using core::Json;

struct BadCase {
  const char* name;
  const char* method;
  const char* target;
  const char* content_type;
  std::string body;
  int status;
  const char* issue_code;
};

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.name;
}

std::string deep_json(int depth) {
  std::string s = R"({"resourceType":"Basic","id":"bad-deep","code":)";
  for (int i = 0; i < depth; ++i) s += R"({"extension":[)";
  for (int i = 0; i < depth; ++i) s += "]}";
  return s + "}";
}

class RestBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(RestBadInput, AnswersOutcomeAndStoresNothing) {
  const auto& c = GetParam();
  auto& server = TestServer::shared();
  auto http = server.client();
  long long versions_before = server.sql_scalar("SELECT count(*) FROM resource_version");
  Headers h;
  if (c.content_type[0] != '\0') h.emplace_back("Content-Type", c.content_type);
  auto r = http.request(c.method, c.target, h, c.body);
  EXPECT_EQ(r.status, c.status) << r.body;
  Json oo = core::parse_json(r.body);
  EXPECT_EQ(oo["resourceType"], "OperationOutcome");
  EXPECT_EQ(oo["issue"][0]["code"], c.issue_code) << r.body;
  EXPECT_FALSE(oo["issue"][0].value("diagnostics", "").empty());
  EXPECT_EQ(server.sql_scalar("SELECT count(*) FROM resource_version"), versions_before);
}

const char* kJson = "application/fhir+json";

INSTANTIATE_TEST_SUITE_P(
    Cases, RestBadInput,
    ::testing::Values(
        BadCase{"InvalidJson", "POST", "/fhir/Patient", kJson, R"({"resourceType":"Patient",)", 400,
                "structure"},
        BadCase{"EmptyBody", "POST", "/fhir/Patient", kJson, "", 400, "structure"},
        BadCase{"NotAnObject", "POST", "/fhir/Patient", kJson, "[1,2]", 400, "structure"},
        BadCase{"DuplicateKey", "POST", "/fhir/Patient", kJson,
                R"({"resourceType":"Patient","active":true,"active":false})", 400, "structure"},
        BadCase{"UnknownType", "POST", "/fhir/Patientx", kJson, R"({"resourceType":"Patientx"})", 404,
                "not-found"},
        BadCase{"UnknownTypeRead", "GET", "/fhir/Foo/1", "", "", 404, "not-found"},
        BadCase{"TypeMismatch", "POST", "/fhir/Patient", kJson, R"({"resourceType":"Observation"})", 400,
                "invalid"},
        BadCase{"BadIdSyntax", "PUT", "/fhir/Patient/bad_id!", kJson,
                R"({"resourceType":"Patient","id":"bad_id!"})", 400, "invalid"},
        BadCase{"IdTooLong", "GET",
                "/fhir/Patient/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "", "",
                400, "invalid"},
        BadCase{"BodyIdDiffers", "PUT", "/fhir/Patient/bad-a", kJson,
                R"({"resourceType":"Patient","id":"bad-b"})", 400, "invalid"},
        BadCase{"BodyIdMissing", "PUT", "/fhir/Patient/bad-a", kJson, R"({"resourceType":"Patient"})", 400,
                "invalid"},
        BadCase{"XmlBody", "POST", "/fhir/Patient", "application/fhir+xml", "<Patient/>", 415,
                "not-supported"},
        BadCase{"TextBody", "POST", "/fhir/Patient", "text/plain", "hello", 415, "not-supported"},
        BadCase{"NoContentType", "POST", "/fhir/Patient", "", R"({"resourceType":"Patient"})", 415,
                "not-supported"},
        BadCase{"TooDeep", "PUT", "/fhir/Basic/bad-deep", kJson, deep_json(80), 400, "structure"},
        BadCase{"UnknownElement", "POST", "/fhir/Patient", kJson,
                R"({"resourceType":"Patient","nickname":"x"})", 400, "structure"},
        BadCase{"IntegerAsDecimal", "POST", "/fhir/Patient", kJson,
                R"({"resourceType":"Patient","multipleBirthInteger":1.5})", 400, "value"},
        BadCase{"StringAsNumber", "POST", "/fhir/Patient", kJson, R"({"resourceType":"Patient","gender":3})",
                400, "structure"},
        BadCase{"MethodOnType", "DELETE", "/fhir/Patient", "", "", 405, "not-supported"},
        BadCase{"MethodOnInstance", "POST", "/fhir/Patient/bad-a", kJson, "{}", 405, "not-supported"},
        BadCase{"WriteAuditEvent", "POST", "/fhir/AuditEvent", kJson, R"({"resourceType":"AuditEvent"})", 405,
                "not-supported"},
        BadCase{"BadPercent", "GET", "/fhir/Patient/a%zz", "", "", 400, "invalid"},
        BadCase{"OutsideBase", "GET", "/elsewhere", "", "", 404, "not-found"}),
    [](const ::testing::TestParamInfo<BadCase>& case_info) { return std::string(case_info.param.name); });

// Bad headers, and a body over the transport's limit.
TEST(RestBadInputHeaders, MalformedIfMatchIs400) {
  auto http = TestServer::shared().client();
  auto h = fhir_json_headers();
  h.emplace_back("If-Match", "banana");
  auto r = http.request("PUT", "/fhir/Patient/bad-ifm", h, R"({"resourceType":"Patient","id":"bad-ifm"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(http.request("GET", "/fhir/Patient/bad-ifm").status, 404);
}

TEST(RestBadInputHeaders, BodyOverTheLimitIs413) {
  auto http = TestServer::shared().client();
  std::string huge =
      R"({"resourceType":"Basic","id":"bad-big","code":{"text":")" + std::string(17 << 20, 'x') + "\"}}";
  auto r = http.request("PUT", "/fhir/Basic/bad-big", fhir_json_headers(), huge);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(core::parse_json(r.body)["issue"][0]["code"], "too-costly");
  EXPECT_EQ(TestServer::shared().client().request("GET", "/fhir/Basic/bad-big").status, 404);
}

}  // namespace
}  // namespace carnet::testing
