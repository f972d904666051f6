// Custom SearchParameters (checked on write) and $reindex (the job, its status,
// the registry swaps) on the in-memory store.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "carnet/core/error.hpp"
#include "unit/service/service_fixture.hpp"

namespace carnet::service {
namespace {

using core::Json;

std::string colour_parameter(
    const std::string& status, const std::string& code = "colour",
    const std::string& expression = "Patient.extension.where(url='http://example.org/colour').value") {
  Json sp = {{"resourceType", "SearchParameter"},
             {"id", "colour-" + code},
             {"url", "http://example.org/SearchParameter/" + code},
             {"name", "Colour"},
             {"status", status},
             {"description", "favourite colour"},
             {"code", code},
             {"base", Json::array({"Patient"})},
             {"type", "token"},
             {"expression", expression}};
  return core::to_json_text(sp);
}

class Reindex : public ServiceTest {
 protected:
  Reply reindex(const std::string& method, const std::string& type = {}) {
    Request r;
    r.interaction.kind = Kind::operation;
    r.interaction.type = type;
    r.interaction.operation = "$reindex";
    r.method = method;
    r.base_url = "http://test/fhir";
    last_context = Context{};
    return service.handle(r, last_context);
  }

  static std::string value(const Json& parameters, const std::string& name) {
    for (const auto& p : parameters["parameter"]) {
      if (p["name"] != name) continue;
      for (auto it = p.begin(); it != p.end(); ++it)
        if (it.key() != "name")
          return it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
    }
    return {};
  }

  Json wait_until_done() {
    for (int i = 0; i < 500; ++i) {
      Json s = core::parse_json(reindex("GET").body);
      if (value(s, "status") != "running") return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the job did not finish";
    return {};
  }

  bool colour_is_searchable() {
    strict = true;
    bool ok = status_of(Kind::search_type, "Patient", "", "", std::vector<Param>{{"colour", "red"}}) == 0;
    strict = false;
    return ok;
  }
};

TEST_F(Reindex, UnusableActiveParametersAreRefusedOnWrite) {
  EXPECT_EQ(status_of(Kind::update, "SearchParameter", "colour-colour",
                      colour_parameter("active", "colour", "Patient.extension.where(")),
            422);
  EXPECT_EQ(status_of(Kind::update, "SearchParameter", "colour-name", colour_parameter("active", "name")),
            422);
  // A draft is only stored: it is never used, so it is not checked.
  EXPECT_EQ(status_of(Kind::update, "SearchParameter", "colour-name", colour_parameter("draft", "name")), 0);
  EXPECT_EQ(status_of(Kind::update, "SearchParameter", "colour-colour", colour_parameter("active")), 0);
}

TEST_F(Reindex, StatusBeforeAnyJobIsNotFoundOtherMethodsAreNotAllowed) {
  try {
    reindex("PUT");
    FAIL() << "expected 405";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 405);
  }
  try {
    reindex("GET");
    FAIL() << "expected 404";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 404);
  }
}

TEST_F(Reindex, MakesAStoredCustomParameterUsableOnceTheJobCompletes) {
  call(
      Kind::update, "Patient", "p1",
      R"({"resourceType":"Patient","id":"p1","extension":[{"url":"http://example.org/colour","valueCode":"red"}]})");
  call(Kind::update, "SearchParameter", "colour-colour", colour_parameter("active"));
  EXPECT_FALSE(colour_is_searchable());  // stored, not usable yet

  store.hold_scan(true);
  Reply started = reindex("POST", "Patient");
  EXPECT_EQ(started.status, 202);
  EXPECT_EQ(started.headers.front(),
            (std::pair<std::string, std::string>{"Content-Location", "http://test/fhir/$reindex"}));
  Json s = core::parse_json(started.body);
  EXPECT_EQ(s["resourceType"], "Parameters");
  EXPECT_EQ(value(s, "status"), "running");
  EXPECT_EQ(value(s, "type"), "Patient");
  EXPECT_EQ(last_context.audit.interaction, "operation");

  // While it runs: a second one is refused, writes go on and index the new parameter,
  // searches do not use it yet.
  try {
    reindex("POST");
    FAIL() << "expected 409";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 409);
  }
  call(
      Kind::update, "Patient", "p2",
      R"({"resourceType":"Patient","id":"p2","extension":[{"url":"http://example.org/colour","valueCode":"blue"}]})");
  bool indexed = false;
  for (const auto& t : store.index_of("Patient", "p2").tokens) indexed = indexed || t.value.code == "blue";
  EXPECT_TRUE(indexed);
  EXPECT_FALSE(colour_is_searchable());

  store.hold_scan(false);
  Json done = wait_until_done();
  EXPECT_EQ(value(done, "status"), "completed");
  EXPECT_EQ(value(done, "processed"), "2");
  EXPECT_EQ(value(done, "skipped"), "0");
  EXPECT_FALSE(value(done, "finished").empty());
  bool red = false;
  for (const auto& t : store.index_of("Patient", "p1").tokens) red = red || t.value.code == "red";
  EXPECT_TRUE(red);
  EXPECT_TRUE(colour_is_searchable());

  Json cs = core::parse_json(call(Kind::capabilities, "").body);
  bool listed = false;
  for (const auto& r : cs["rest"][0]["resource"])
    if (r["type"] == "Patient")
      for (const auto& p : r["searchParam"]) listed = listed || p["name"] == "colour";
  EXPECT_TRUE(listed);
}

}  // namespace
}  // namespace carnet::service
