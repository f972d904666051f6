// Data-driven: every official R4 example (tests/fixtures/examples) is PUT at
// its own id, read back and compared equal except `meta`. AuditEvent examples
// must be refused with 405: the audit trail is written by the server only.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "carnet/core/json.hpp"
#include "support/test_server.hpp"

namespace carnet::testing {
namespace {

using core::Json;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::filesystem::path> example_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(CARNET_FIXTURES_DIR) / "examples")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Json without_meta(Json j) {
  j.erase("meta");
  return j;
}

TEST(OfficialExamples, EveryExampleRoundTripsExceptMeta) {
  auto files = example_files();
  ASSERT_GE(files.size(), 600u);
  auto http = TestServer::shared().client();
  std::vector<std::string> failures;
  int stored = 0, refused = 0;
  for (const auto& file : files) {
    std::string text = read_file(file);
    Json sent = core::parse_json(text, 1000);
    std::string type = sent["resourceType"];
    std::string id = sent["id"];
    std::string url = "/fhir/" + type + "/" + id;
    auto put = http.request("PUT", url, fhir_json_headers(), text);
    if (type == "AuditEvent") {
      if (put.status != 405)
        failures.push_back(file.filename().string() + ": expected 405, got " + std::to_string(put.status));
      ++refused;
      continue;
    }
    if (put.status != 201 && put.status != 200) {
      failures.push_back(file.filename().string() + ": PUT " + std::to_string(put.status) + " " +
                         put.body.substr(0, 300));
      continue;
    }
    auto get = http.request("GET", url);
    if (get.status != 200) {
      failures.push_back(file.filename().string() + ": GET " + std::to_string(get.status));
      continue;
    }
    Json back = core::parse_json(get.body, 1000);
    if (without_meta(back) != without_meta(sent)) {
      failures.push_back(file.filename().string() + ": read back differs");
      continue;
    }
    // Client meta (profiles, tags, security) is kept; the server sets versionId and lastUpdated.
    if (sent.contains("meta")) {
      for (auto it = sent["meta"].begin(); it != sent["meta"].end(); ++it) {
        if (it.key() == "versionId" || it.key() == "lastUpdated") continue;
        if (back["meta"][it.key()] != it.value())
          failures.push_back(file.filename().string() + ": meta." + it.key() + " lost");
      }
    }
    ++stored;
  }
  std::string report;
  for (const auto& f : failures) report += "  " + f + "\n";
  EXPECT_TRUE(failures.empty()) << failures.size() << " examples failed:\n" << report;
  EXPECT_EQ(refused, 5);
  std::cout << "[ examples ] " << stored << " stored and read back, " << refused << " AuditEvent refused\n";
}

}  // namespace
}  // namespace carnet::testing
