// Two clients updating one resource: with the same If-Match exactly one wins;
// without If-Match every update becomes its own version.
#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "carnet/core/json.hpp"
#include "support/test_server.hpp"

namespace carnet::testing {
namespace {

std::string basic(const std::string& id, const std::string& text) {
  return R"({"resourceType":"Basic","id":")" + id + R"(","code":{"text":")" + text + R"("}})";
}

TEST(Concurrency, SameIfMatchExactlyOneWins) {
  auto& server = TestServer::shared();
  for (int round = 0; round < 10; ++round) {
    std::string id = "conc-ifm-" + std::to_string(round);
    auto setup = server.client();
    ASSERT_EQ(setup.request("PUT", "/fhir/Basic/" + id, fhir_json_headers(), basic(id, "0")).status, 201);
    std::atomic<int> ok{0}, precondition{0}, other{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 2; ++c) {
      clients.emplace_back([&, c] {
        auto http = server.client();
        auto h = fhir_json_headers();
        h.emplace_back("If-Match", "W/\"1\"");
        int s = http.request("PUT", "/fhir/Basic/" + id, h, basic(id, "client" + std::to_string(c))).status;
        (s == 200 ? ok : s == 412 ? precondition : other)++;
      });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(ok.load(), 1) << "round " << round;
    EXPECT_EQ(precondition.load(), 1) << "round " << round;
    EXPECT_EQ(other.load(), 0);
    auto current = core::parse_json(setup.request("GET", "/fhir/Basic/" + id).body);
    EXPECT_EQ(current["meta"]["versionId"], "2");
  }
}

TEST(Concurrency, WithoutIfMatchNoUpdateIsLost) {
  auto& server = TestServer::shared();
  const std::string id = "conc-free";
  constexpr int kClients = 4, kEach = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto http = server.client();
      for (int i = 0; i < kEach; ++i) {
        int s = http.request("PUT", "/fhir/Basic/" + id, fhir_json_headers(),
                             basic(id, std::to_string(c * 100 + i)))
                    .status;
        if (s != 200 && s != 201) ++failures;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto http = server.client();
  auto current = core::parse_json(http.request("GET", "/fhir/Basic/" + id).body);
  EXPECT_EQ(current["meta"]["versionId"], std::to_string(kClients * kEach));
  auto history = core::parse_json(http.request("GET", "/fhir/Basic/" + id + "/_history?_count=1000").body);
  EXPECT_EQ(history["entry"].size(), static_cast<std::size_t>(kClients * kEach));
  std::set<std::string> texts;
  for (const auto& e : history["entry"]) texts.insert(e["resource"]["code"]["text"].get<std::string>());
  EXPECT_EQ(texts.size(), static_cast<std::size_t>(kClients * kEach));
}

}  // namespace
}  // namespace carnet::testing

namespace carnet::testing {
namespace {

// Concurrent POSTs share grouped commits: each still gets its own id, version
// 1, a readable resource and exactly one audit record.
TEST(Concurrency, ConcurrentCreatesAreEachStoredAndAuditedOnce) {
  auto& server = TestServer::shared();
  long long audits_before = server.sql_scalar("SELECT count(*) FROM audit_event");
  constexpr int kClients = 8, kEach = 25;
  std::vector<std::vector<std::string>> ids(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto http = server.client();
      for (int i = 0; i < kEach; ++i) {
        auto r = http.request(
            "POST", "/fhir/Basic", fhir_json_headers(),
            R"({"resourceType":"Basic","code":{"text":"grouped-)" + std::to_string(c * 100 + i) + R"("}})");
        if (r.status == 201) ids[c].push_back(core::parse_json(r.body)["id"]);
      }
    });
  }
  for (auto& t : clients) t.join();
  std::set<std::string> unique;
  for (const auto& list : ids) unique.insert(list.begin(), list.end());
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kClients * kEach));
  EXPECT_EQ(server.sql_scalar("SELECT count(*) FROM audit_event") - audits_before, kClients * kEach);
  auto http = server.client();
  auto one = core::parse_json(http.request("GET", "/fhir/Basic/" + ids[3][7]).body);
  EXPECT_EQ(one["code"]["text"], "grouped-307");
  EXPECT_EQ(one["meta"]["versionId"], "1");
}

}  // namespace
}  // namespace carnet::testing

namespace carnet::testing {
namespace {

// A row locked elsewhere for too long ends the request with 503 after the
// lock timeout (10 s) instead of holding the client and a worker forever.
TEST(Concurrency, LockHeldTooLongIsAnswered503NotAHang) {
  auto& server = TestServer::shared();
  ClientOptions patient;
  patient.timeout = std::chrono::seconds(30);  // longer than the server's lock timeout
  HttpClient http("127.0.0.1", server.http_port(), patient);
  ASSERT_EQ(
      http.request("PUT", "/fhir/Basic/conc-locked", fhir_json_headers(), basic("conc-locked", "a")).status,
      201);
  pqxx::connection blocker(server.database_url());
  pqxx::work hold(blocker);
  hold.exec("SELECT 1 FROM resource WHERE res_type = 'Basic' AND res_id = 'conc-locked' FOR UPDATE");
  auto r = http.request("PUT", "/fhir/Basic/conc-locked", fhir_json_headers(), basic("conc-locked", "b"));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(core::parse_json(r.body)["issue"][0]["code"], "transient");
  hold.abort();
  EXPECT_EQ(
      http.request("PUT", "/fhir/Basic/conc-locked", fhir_json_headers(), basic("conc-locked", "c")).status,
      200);
}

}  // namespace
}  // namespace carnet::testing
