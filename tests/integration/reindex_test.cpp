// Custom SearchParameters and $reindex over real HTTP and PostgreSQL: a new
// parameter is checked when it is written, is not usable until a $reindex job
// has completed, and then finds the resources stored before it existed.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "carnet/core/json.hpp"
#include "support/test_server.hpp"

namespace carnet::testing {
namespace {

using core::Json;

std::string random_letters(std::size_t n) {
  std::random_device rd;
  std::mt19937 gen(rd());
  std::uniform_int_distribution<int> letter(0, 25);
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + letter(gen)));
  return s;
}

std::string value_of(const Json& parameters, const std::string& name) {
  for (const auto& p : parameters.value("parameter", Json::array())) {
    if (p["name"] != name) continue;
    for (auto it = p.begin(); it != p.end(); ++it)
      if (it.key() != "name")
        return it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
  }
  return {};
}

class Reindex : public ::testing::Test {
 protected:
  void SetUp() override {
    suffix_ = random_letters(8);
    code_ = "colour-" + suffix_;
    extension_url_ = "http://example.org/favourite-colour-" + suffix_;
  }

  std::string search_parameter(const std::string& code, const std::string& expression) const {
    Json sp = {{"resourceType", "SearchParameter"},
               {"url", "http://example.org/SearchParameter/" + code},
               {"name", "FavouriteColour"},
               {"status", "active"},
               {"description", "The patient's favourite colour"},
               {"code", code},
               {"base", Json::array({"Patient"})},
               {"type", "token"},
               {"expression", expression}};
    return core::to_json_text(sp);
  }

  std::string patient_with_colour(const std::string& colour) const {
    Json p = {{"resourceType", "Patient"},
              {"extension", Json::array({{{"url", extension_url_}, {"valueCode", colour}}})},
              {"name", Json::array({{{"family", "Colour" + suffix_}}})}};
    return core::to_json_text(p);
  }

  std::string create(const std::string& type, const std::string& body) {
    auto r = http.request("POST", "/fhir/" + type, fhir_json_headers(), body);
    EXPECT_EQ(r.status, 201) << r.body;
    return core::parse_json(r.body).value("id", "");
  }

  std::set<std::string> match_ids(const Response& r) {
    std::set<std::string> ids;
    for (const auto& e : core::parse_json(r.body).value("entry", Json::array()))
      if (e["search"]["mode"] == "match") ids.insert(e["resource"]["id"].get<std::string>());
    return ids;
  }

  HttpClient http = TestServer::shared().client();
  std::string suffix_, code_, extension_url_;
};

TEST_F(Reindex, UnusableSearchParametersAreRefusedWith422) {
  auto bad_expression = http.request("POST", "/fhir/SearchParameter", fhir_json_headers(),
                                     search_parameter(code_, "Patient.extension.where("));
  EXPECT_EQ(bad_expression.status, 422) << bad_expression.body;
  EXPECT_EQ(core::parse_json(bad_expression.body)["resourceType"], "OperationOutcome");
  auto official = http.request("POST", "/fhir/SearchParameter", fhir_json_headers(),
                               search_parameter("birthdate", "Patient.birthDate"));
  EXPECT_EQ(official.status, 422) << official.body;
  Json unknown_base = core::parse_json(search_parameter(code_, "Patient.gender"));
  unknown_base["base"] = Json::array({"NoSuchType"});
  auto base =
      http.request("POST", "/fhir/SearchParameter", fhir_json_headers(), core::to_json_text(unknown_base));
  EXPECT_EQ(base.status, 422) << base.body;
  // Codes the URL grammar would read as a modifier, a chain, a composite value...
  for (const std::string bad : {"a:b", "a.b", "a$b", "_colour", "zz b", "9lives"}) {
    auto r = http.request("POST", "/fhir/SearchParameter", fhir_json_headers(),
                          search_parameter(bad + suffix_, "Patient.gender"));
    EXPECT_EQ(r.status, 422) << bad << " " << r.body;
  }
}

// Found by fuzzing: a base listed twice (Observation, and again through
// Resource) made the parameter conflict with itself.
TEST_F(Reindex, OverlappingBasesAreOneDefinition) {
  Json sp = core::parse_json(search_parameter(code_ + "-all", "Patient.gender | Observation.status"));
  sp["base"] = Json::array({"Patient", "Observation", "Resource"});
  auto r = http.request("POST", "/fhir/SearchParameter", fhir_json_headers(), core::to_json_text(sp));
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(Reindex, CustomParameterFindsExistingResourcesOnceReindexed) {
  const std::string before = create("Patient", patient_with_colour("green"));
  create("Patient", patient_with_colour("blue"));
  create("SearchParameter",
         search_parameter(code_, "Patient.extension.where(url='" + extension_url_ + "').value"));

  const std::string query = "/fhir/Patient?" + code_ + "=green";
  // Stored, not usable yet: strict refuses it, lenient ignores it.
  EXPECT_EQ(http.request("GET", query, {{"Prefer", "handling=strict"}}).status, 400);
  auto lenient = http.request("GET", query + "&_count=1");
  EXPECT_EQ(lenient.status, 200);
  EXPECT_EQ(core::parse_json(lenient.body)["entry"].back()["search"]["mode"], "outcome");

  auto started = http.request("POST", "/fhir/Patient/$reindex");
  ASSERT_EQ(started.status, 202) << started.body;
  ASSERT_NE(started.header("content-location"), nullptr);
  EXPECT_NE(started.header("content-location")->find("/fhir/$reindex"), std::string::npos);
  Json job = core::parse_json(started.body);
  EXPECT_EQ(job["resourceType"], "Parameters");
  EXPECT_FALSE(value_of(job, "id").empty());
  EXPECT_EQ(value_of(job, "type"), "Patient");

  // Writes go on while the job runs, and are indexed for the new parameter.
  const std::string during = create("Patient", patient_with_colour("green"));

  Json status;
  for (int i = 0; i < 600; ++i) {
    auto r = http.request("GET", "/fhir/$reindex");
    ASSERT_EQ(r.status, 200) << r.body;
    status = core::parse_json(r.body);
    if (value_of(status, "status") != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(value_of(status, "status"), "completed") << status.dump();
  EXPECT_EQ(value_of(status, "id"), value_of(job, "id"));
  EXPECT_NE(value_of(status, "processed"), "0");
  EXPECT_FALSE(value_of(status, "finished").empty());

  auto found = http.request("GET", query, {{"Prefer", "handling=strict"}});
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(match_ids(found), (std::set<std::string>{before, during}));

  Json cs = core::parse_json(http.request("GET", "/fhir/metadata").body);
  bool listed = false;
  for (const auto& r : cs["rest"][0]["resource"])
    if (r["type"] == "Patient")
      for (const auto& p : r["searchParam"]) listed = listed || p["name"] == code_;
  EXPECT_TRUE(listed);
  // Each $reindex request is audited as an operation.
  EXPECT_GE(TestServer::shared().sql_scalar(
                "SELECT count(*) FROM audit_event WHERE interaction = 'operation' AND http_method = 'POST' "
                "AND entity_type = 'Patient' AND http_status = 202"),
            1);
}

}  // namespace
}  // namespace carnet::testing
