// The FHIR handler in front of a service on the in-memory store, without the
// transport: POST _search form bodies, Prefer: handling, _pretty with search,
// and what the audit trail records of a search.
#include <gtest/gtest.h>

#include <future>

#include "carnet/http/fhir_handler.hpp"
#include "unit/service/service_fixture.hpp"

namespace carnet::http {
namespace {

using core::Json;

class HandlerSearch : public service::ServiceTest {
 protected:
  void SetUp() override {
    call(service::Kind::update, "Patient", "h1",
         R"({"resourceType":"Patient","id":"h1","name":[{"family":"Roux"}]})");
    call(service::Kind::update, "Patient", "h2",
         R"({"resourceType":"Patient","id":"h2","name":[{"family":"Roux"}]})");
  }

  HttpResponse send(std::string method, std::string target,
                    std::vector<std::pair<std::string, std::string>> headers, std::string body = {}) {
    HttpRequest req;
    req.method = std::move(method);
    req.target = std::move(target);
    req.headers = std::move(headers);
    req.headers.emplace_back("host", "h");
    req.body = std::move(body);
    req.remote_address = "127.0.0.1";
    // The handler answers once the audit record is committed, on the trail's thread.
    std::promise<HttpResponse> answer;
    handler(std::move(req), [&answer](HttpResponse res) { answer.set_value(std::move(res)); });
    return answer.get_future().get();
  }

  static std::string self_link(const Json& bundle) {
    for (const auto& l : bundle["link"])
      if (l["relation"] == "self") return l["url"];
    return {};
  }

  AsyncHandler handler = make_fhir_handler(service, FhirHandlerOptions{});
  const std::pair<std::string, std::string> form{"content-type", "application/x-www-form-urlencoded"};
};

TEST_F(HandlerSearch, PostSearchAppendsTheFormParametersToTheUrlOnes) {
  auto res = send("POST", "/fhir/Patient/_search?family=Roux", {form}, "_count=1&_total=accurate");
  ASSERT_EQ(res.status, 200) << res.body;
  Json bundle = core::parse_json(res.body);
  EXPECT_EQ(bundle["type"], "searchset");
  EXPECT_EQ(bundle["entry"].size(), 1u);
  EXPECT_EQ(bundle["total"], 2);
  EXPECT_EQ(self_link(bundle), "http://h/fhir/Patient?family=Roux&_count=1&_total=accurate");
  EXPECT_EQ(store.queries().back().count, 1u);
  // Audited once, with the whole search.
  EXPECT_EQ(store.audits_.back().interaction, "search-type");
  EXPECT_EQ(store.audits_.back().query, "family=Roux&_count=1&_total=accurate");
  EXPECT_EQ(store.audits_.back().http_status, 200);
}

TEST_F(HandlerSearch, PostSearchWithAJsonBodyIs415) {
  auto res = send("POST", "/fhir/Patient/_search", {{"content-type", "application/fhir+json"}}, "{}");
  EXPECT_EQ(res.status, 415);
  EXPECT_EQ(store.audits_.back().http_status, 415);
}

TEST_F(HandlerSearch, SystemSearchByPost) {
  auto res = send("POST", "/fhir/_search", {form}, "_type=Patient");
  ASSERT_EQ(res.status, 200) << res.body;
  Json bundle = core::parse_json(res.body);
  EXPECT_EQ(bundle["entry"].size(), 2u);
  EXPECT_EQ(self_link(bundle), "http://h/fhir?_type=Patient");
  EXPECT_EQ(store.audits_.back().interaction, "search-system");
}

TEST_F(HandlerSearch, PreferHandlingStrictRefusesUnknownParametersLenientIgnoresThem) {
  auto strict_res = send("GET", "/fhir/Patient?unknown-thing=1", {{"prefer", "handling=strict"}});
  EXPECT_EQ(strict_res.status, 400);
  auto lenient =
      send("GET", "/fhir/Patient?unknown-thing=1", {{"prefer", "return=minimal, handling=lenient"}});
  ASSERT_EQ(lenient.status, 200);
  Json bundle = core::parse_json(lenient.body);
  EXPECT_EQ(bundle["entry"].back()["search"]["mode"], "outcome");
  EXPECT_EQ(self_link(bundle), "http://h/fhir/Patient");
}

TEST_F(HandlerSearch, PrettyAndFormatWorkWithSearch) {
  auto res = send("POST", "/fhir/Patient/_search", {form}, "_pretty=true&_format=json");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("\n  \"type\": \"searchset\""), std::string::npos);
  EXPECT_EQ(self_link(core::parse_json(res.body)), "http://h/fhir/Patient?_pretty=true&_format=json");
  EXPECT_EQ(send("GET", "/fhir/Patient?_format=xml", {}).status, 406);
}

TEST_F(HandlerSearch, ReindexAllowsGetAndPostOnly) {
  auto res = send("PUT", "/fhir/$reindex", {{"content-type", "application/fhir+json"}}, "{}");
  EXPECT_EQ(res.status, 405);
  bool allow = false;
  for (const auto& [name, value] : res.headers)
    allow = allow || (name == "Allow" && value == "GET, HEAD, POST");
  EXPECT_TRUE(allow);
  EXPECT_EQ(send("GET", "/fhir/$reindex", {}).status, 404);  // no job yet
  EXPECT_EQ(store.audits_.back().interaction, "operation");
}

TEST_F(HandlerSearch, PreferReturnStillWorksNextToHandling) {
  auto res = send("POST", "/fhir/Patient",
                  {{"content-type", "application/fhir+json"}, {"prefer", "handling=strict; return=minimal"}},
                  R"({"resourceType":"Patient"})");
  EXPECT_EQ(res.status, 201);
  EXPECT_TRUE(res.body.empty());
}

}  // namespace
}  // namespace carnet::http
