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

/// 65 criteria: one more than a search may take.
const char* many_criteria_target() {
  static const std::string target = [] {
    std::string t = "/fhir/Patient?name=a0";  // distinct values: a repeat would be one criterion
    for (int i = 1; i < 65; ++i) t += "&name=a" + std::to_string(i);
    return t;
  }();
  return target.c_str();
}

/// 21,000 codes in one parameter: more values than a search statement may carry.
std::string many_values_body() {
  std::string body = "code=c0";
  for (int i = 1; i < 21000; ++i) body += ",c" + std::to_string(i);
  return body;
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
        BadCase{"OutsideBase", "GET", "/elsewhere", "", "", 404, "not-found"},
        // Found by fuzzing (500 or 503 before): bytes that are not UTF-8 once
        // decoded, year 0000, more criteria or values than a search may take.
        BadCase{"NotUtf8InPath", "GET", "/fhir/x%FF", "", "", 400, "invalid"},
        BadCase{"NotUtf8InInclude", "GET", "/fhir/Patient?_include=x%FF:y", "", "", 400, "invalid"},
        BadCase{"SurrogateInValue", "GET", "/fhir/Patient?name=%ED%A0%80", "", "", 400, "invalid"},
        BadCase{"BeyondUnicodeInValue", "GET", "/fhir/Patient?family=%F4%90%80%80", "", "", 400, "invalid"},
        BadCase{"NotUtf8InFormBody", "POST", "/fhir/Patient/_search", "application/x-www-form-urlencoded",
                "name=%C0%AF", 400, "invalid"},
        BadCase{"YearZero", "GET", "/fhir/Patient?birthdate=0000", "", "", 400, "invalid"},
        BadCase{"YearZeroLastUpdated", "GET", "/fhir/Observation?_lastUpdated=0000-01", "", "", 400,
                "invalid"},
        BadCase{"HistorySinceYearZero", "GET", "/fhir/Patient/bad-a/_history?_since=0000", "", "", 400,
                "invalid"},
        BadCase{"ReindexWithParameter", "POST", "/fhir/$reindex?type=Foo", "", "", 400, "invalid"},
        BadCase{"AuditEventThroughType", "GET", "/fhir?_type=AuditEvent", "", "", 400, "invalid"},
        BadCase{"AuditEventInCompartment", "GET", "/fhir/Patient/bad-a/AuditEvent", "", "", 400, "invalid"},
        BadCase{"TooManyCriteria", "GET", many_criteria_target(), "", "", 400, "too-costly"},
        BadCase{"TooManyValues", "POST", "/fhir/Observation/_search", "application/x-www-form-urlencoded",
                many_values_body(), 400, "too-costly"}),
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

// Values at the edges of what PostgreSQL can hold are searched, not refused:
// found by fuzzing, they answered 500 before.
TEST(RestSearchEdges, DatesBeforeYearOneAndAbsurdUnitsSearchNormally) {
  auto http = TestServer::shared().client();
  for (const char* target :
       {"/fhir/Patient?birthdate=0001-01-01T00:00:00%2B14:00", "/fhir/Patient?birthdate=ap0100",
        "/fhir/Patient?birthdate=lt0001-01-01", "/fhir/Observation?date=ap0150-06",
        "/fhir/_history?_since=0001-01-01T00:00:00%2B14:00",
        "/fhir/Observation?value-quantity=5%7Chttp://unitsofmeasure.org%7Cm99999999999"}) {
    auto r = http.request("GET", target);
    EXPECT_EQ(r.status, 200) << target << " " << r.body;
    EXPECT_NE(r.body.find("\"resourceType\":\"Bundle\""), std::string::npos) << target;
  }
  auto h = fhir_json_headers();
  auto w = http.request(
      "PUT", "/fhir/Observation/edge-unit", h,
      R"({"resourceType":"Observation","id":"edge-unit","status":"final","code":{"text":"x"},)"
      R"("valueQuantity":{"value":5,"system":"http://unitsofmeasure.org","code":"m99999999999"}})");
  EXPECT_TRUE(w.status == 200 || w.status == 201) << w.body;
  auto found = http.request(
      "GET", "/fhir/Observation?_id=edge-unit&value-quantity=5%7Chttp://unitsofmeasure.org%7Cm99999999999");
  EXPECT_EQ(found.status, 200);
  EXPECT_NE(found.body.find("\"id\":\"edge-unit\""), std::string::npos) << found.body;  // matched as written
}

// A request whose target carries bytes that are not UTF-8 is refused and
// audited (with U+FFFD in their place): one such row used to fail the whole
// grouped audit commit, and with it the requests of other clients (503).
TEST(RestSearchEdges, RawBytesThatAreNotUtf8AreRefusedAndAudited) {
  auto& server = TestServer::shared();
  auto http = server.client();
  const long long before = server.sql_scalar("SELECT count(*) FROM audit_event");
  auto r = http.request("GET",
                        "/fhir/Patient?name=bad\xFF\xFE"
                        "byte");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("not valid UTF-8"), std::string::npos) << r.body;
  EXPECT_GT(server.sql_scalar("SELECT count(*) FROM audit_event"), before);
  EXPECT_EQ(server.sql_scalar("SELECT count(*) FROM audit_event WHERE http_status = 400 AND query = "
                              "'name=bad' || U&'\\FFFD\\FFFD' || 'byte'"),
            1);
  EXPECT_EQ(http.request("GET", "/fhir/metadata").status, 200);  // the trail still works
}

}  // namespace
}  // namespace carnet::testing
