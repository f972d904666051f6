// Content negotiation (src/http/negotiation.hpp): JSON only; XML is 406 for a
// response and 415 for a body.
#include "http/negotiation.hpp"

#include <gtest/gtest.h>

#include "carnet/core/error.hpp"

namespace carnet::http {
namespace {

HttpRequest with_header(const std::string& name, const std::string& value) {
  HttpRequest r;
  r.method = "GET";
  r.headers.emplace_back(name, value);
  return r;
}

int status_of(const std::function<void()>& f) {
  try {
    f();
    return 0;
  } catch (const core::Error& e) {
    return e.status();
  }
}

TEST(Negotiation, JsonAcceptHeadersAreServed) {
  for (const char* accept :
       {"application/fhir+json", "application/json", "*/*", "application/*",
        "text/html,application/xhtml+xml,*/*;q=0.8", "application/fhir+json; fhirVersion=4.0"}) {
    EXPECT_EQ(status_of([&] { require_json_response(with_header("accept", accept), {}); }), 0) << accept;
  }
  HttpRequest none;
  EXPECT_EQ(status_of([&] { require_json_response(none, {}); }), 0);
}

TEST(Negotiation, XmlOrUnknownAcceptIs406) {
  for (const char* accept :
       {"application/fhir+xml", "application/xml", "text/plain", "application/json;q=0"}) {
    EXPECT_EQ(status_of([&] { require_json_response(with_header("accept", accept), {}); }), 406) << accept;
  }
}

TEST(Negotiation, FormatParameterWinsOverAccept) {
  auto xml_accept = with_header("accept", "application/fhir+xml");
  EXPECT_EQ(status_of([&] { require_json_response(xml_accept, {{"_format", "json"}}); }), 0);
  EXPECT_EQ(status_of([&] { require_json_response(xml_accept, {{"_format", "application/fhir json"}}); }), 0);
  auto json_accept = with_header("accept", "application/fhir+json");
  EXPECT_EQ(status_of([&] { require_json_response(json_accept, {{"_format", "xml"}}); }), 406);
  EXPECT_EQ(status_of([&] { require_json_response(json_accept, {{"_format", "turtle"}}); }), 406);
}

TEST(Negotiation, BodyTypes) {
  EXPECT_EQ(check_body_type(with_header("content-type", "application/fhir+json"), false),
            BodyKind::fhir_json);
  EXPECT_EQ(check_body_type(with_header("content-type", "application/json; charset=UTF-8"), false),
            BodyKind::fhir_json);
  EXPECT_EQ(check_body_type(with_header("content-type", "application/x-www-form-urlencoded"), true),
            BodyKind::form);
  for (const char* type : {"application/fhir+xml", "text/plain", "application/x-www-form-urlencoded",
                           "application/fhir+json; charset=latin1"}) {
    EXPECT_EQ(status_of([&] { check_body_type(with_header("content-type", type), false); }), 415) << type;
  }
  HttpRequest none;
  EXPECT_EQ(status_of([&] { check_body_type(none, false); }), 415);
}

TEST(Negotiation, PrettyOnlyWhenTrue) {
  EXPECT_TRUE(wants_pretty({{"_pretty", "true"}}));
  EXPECT_FALSE(wants_pretty({{"_pretty", "false"}}));
  EXPECT_FALSE(wants_pretty({}));
}

}  // namespace
}  // namespace carnet::http
