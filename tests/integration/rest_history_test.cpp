// history at instance, type and system level: order, _count/next, _since, _at.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "carnet/core/clock.hpp"
#include "carnet/core/json.hpp"
#include "support/test_server.hpp"

namespace carnet::testing {
namespace {

using core::Json;

Json body_of(const Response& r) {
  return core::parse_json(r.body);
}

std::string path_of(const std::string& url) {
  auto pos = url.find("/fhir");
  return url.substr(pos);
}

void put_basic(HttpClient& http, const std::string& id, const std::string& text) {
  auto r = http.request("PUT", "/fhir/Basic/" + id, fhir_json_headers(),
                        R"({"resourceType":"Basic","id":")" + id + R"(","code":{"text":")" + text + R"("}})");
  ASSERT_LT(r.status, 300) << r.body;
}

TEST(RestHistory, InstanceHistoryIsNewestFirstWithRequestAndResponse) {
  auto http = TestServer::shared().client();
  put_basic(http, "hist-inst", "a");
  put_basic(http, "hist-inst", "b");
  ASSERT_EQ(http.request("DELETE", "/fhir/Basic/hist-inst").status, 204);
  auto r = http.request("GET", "/fhir/Basic/hist-inst/_history");
  ASSERT_EQ(r.status, 200);
  auto b = body_of(r);
  EXPECT_EQ(b["type"], "history");
  ASSERT_EQ(b["entry"].size(), 3u);
  EXPECT_FALSE(b["entry"][0].contains("resource"));  // the deletion
  EXPECT_EQ(b["entry"][0]["request"]["method"], "DELETE");
  EXPECT_EQ(b["entry"][1]["resource"]["meta"]["versionId"], "2");
  EXPECT_EQ(b["entry"][1]["request"]["method"], "PUT");
  EXPECT_EQ(b["entry"][1]["response"]["etag"], "W/\"2\"");
  EXPECT_EQ(b["entry"][2]["resource"]["code"]["text"], "a");
  EXPECT_EQ(http.request("GET", "/fhir/Basic/hist-never/_history").status, 404);
}

TEST(RestHistory, CountAndNextLinksWalkEveryVersionOnce) {
  auto http = TestServer::shared().client();
  for (int i = 0; i < 7; ++i) put_basic(http, "hist-page", std::string("v").append(std::to_string(i)));
  std::vector<std::string> versions;
  std::string next = "/fhir/Basic/hist-page/_history?_count=3";
  int pages = 0;
  while (!next.empty()) {
    auto b = body_of(http.request("GET", next));
    ++pages;
    for (const auto& e : b["entry"]) versions.push_back(e["resource"]["meta"]["versionId"]);
    next.clear();
    for (const auto& l : b["link"])
      if (l["relation"] == "next") next = path_of(l["url"]);
    // A write between pages must not shift later pages.
    if (pages == 1) put_basic(http, "hist-page", "late");
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(versions, (std::vector<std::string>{"7", "6", "5", "4", "3", "2", "1"}));
}

TEST(RestHistory, SinceAndAtSelectVersionsByTime) {
  auto http = TestServer::shared().client();
  put_basic(http, "hist-time", "old");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::string between = core::to_fhir_instant(core::now());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  put_basic(http, "hist-time", "new");

  auto since = body_of(http.request("GET", "/fhir/Basic/hist-time/_history?_since=" + between));
  ASSERT_EQ(since["entry"].size(), 1u);
  EXPECT_EQ(since["entry"][0]["resource"]["code"]["text"], "new");

  auto at = body_of(http.request("GET", "/fhir/Basic/hist-time/_history?_at=" + between));
  ASSERT_EQ(at["entry"].size(), 1u);
  EXPECT_EQ(at["entry"][0]["resource"]["code"]["text"], "old");

  EXPECT_EQ(http.request("GET", "/fhir/Basic/hist-time/_history?_since=yesterday").status, 400);
  EXPECT_EQ(http.request("GET", "/fhir/Basic/hist-time/_history?_count=-1").status, 400);
  EXPECT_EQ(http.request("GET", "/fhir/Basic/hist-time/_history?name=x").status, 400);
}

TEST(RestHistory, TypeAndSystemHistoryIncludeNewChanges) {
  auto http = TestServer::shared().client();
  put_basic(http, "hist-type", "t");
  auto type = body_of(http.request("GET", "/fhir/Basic/_history?_count=1"));
  ASSERT_EQ(type["entry"].size(), 1u);
  EXPECT_EQ(type["entry"][0]["resource"]["id"], "hist-type");
  auto system = body_of(http.request("GET", "/fhir/_history?_count=1"));
  ASSERT_EQ(system["entry"].size(), 1u);
  EXPECT_EQ(
      system["entry"][0]["fullUrl"].get<std::string>().find("/fhir/Basic/hist-type") != std::string::npos,
      true);
}

}  // namespace
}  // namespace carnet::testing
