// FHIR search over real HTTP and PostgreSQL (http://hl7.org/fhir/R4/search.html):
// what a client sees — statuses, matched ids, links, entry modes. The server and
// database are shared with the other tests, so the data of this suite carries a
// family name and an identifier system of its own.
#include <gtest/gtest.h>

#include <random>
#include <set>

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

class SearchRest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    family_ = "Srch" + random_letters(10);
    system_ = "urn:carnet-test:" + random_letters(10);
    auto http = TestServer::shared().client();
    auto patient = [&](const std::string& given, const std::string& value, const std::string& birth) {
      Json p = {{"resourceType", "Patient"},
                {"identifier", Json::array({{{"system", system_}, {"value", value}}})},
                {"name", Json::array({{{"family", family_}, {"given", Json::array({given})}}})},
                {"birthDate", birth}};
      auto r = http.request("POST", "/fhir/Patient", fhir_json_headers(), core::to_json_text(p));
      EXPECT_EQ(r.status, 201) << r.body;
      return core::parse_json(r.body);
    };
    Json a = patient("Alice", "A1", "1970-05-06");
    a_ = a["id"];
    a_updated_ = a["meta"]["lastUpdated"];
    b_ = patient("Bob", "B2", "1985-01-01")["id"];
    c_ = patient("Chloé", "C3", "2001-12-31")["id"];
    auto observation = [&](const std::string& patient_id, const std::string& code) {
      Json o = {{"resourceType", "Observation"},
                {"status", "final"},
                {"code", {{"coding", Json::array({{{"system", "http://loinc.org"}, {"code", code}}})}}},
                {"subject", {{"reference", "Patient/" + patient_id}}}};
      auto r = http.request("POST", "/fhir/Observation", fhir_json_headers(), core::to_json_text(o));
      EXPECT_EQ(r.status, 201) << r.body;
      return core::parse_json(r.body)["id"].get<std::string>();
    };
    oa1_ = observation(a_, "29463-7");
    oa2_ = observation(a_, "8302-2");
    ob1_ = observation(b_, "29463-7");
  }

  // GET `target`; asserts 200 and returns the Bundle.
  Json get(const std::string& target, const Headers& headers = {}) {
    auto r = http.request("GET", target, headers);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return core::parse_json(r.body);
  }

  // The ids of the entries in `mode` ("match", "include"), in order.
  static std::vector<std::string> ids(const Json& bundle, const std::string& mode = "match") {
    std::vector<std::string> out;
    for (const auto& e : bundle.value("entry", Json::array()))
      if (e["search"]["mode"] == mode) out.push_back(e["resource"]["id"]);
    return out;
  }
  static std::set<std::string> id_set(const Json& bundle, const std::string& mode = "match") {
    auto v = ids(bundle, mode);
    return {v.begin(), v.end()};
  }
  // A link's URL as a request target (from "/fhir" on), or "".
  static std::string link(const Json& bundle, const std::string& relation) {
    for (const auto& l : bundle.value("link", Json::array())) {
      if (l["relation"] != relation) continue;
      std::string url = l["url"];
      return url.substr(url.find("/fhir"));
    }
    return {};
  }

  HttpClient http = TestServer::shared().client();
  static inline std::string family_, system_, a_, b_, c_, a_updated_, oa1_, oa2_, ob1_;
};

TEST_F(SearchRest, ByFamilyAndNameFindsTheSuitesPatients) {
  Json bundle = get("/fhir/Patient?family=" + family_);
  EXPECT_EQ(bundle["resourceType"], "Bundle");
  EXPECT_EQ(bundle["type"], "searchset");
  EXPECT_EQ(id_set(bundle), (std::set<std::string>{a_, b_, c_}));
  for (const auto& e : bundle["entry"])
    EXPECT_NE(e["fullUrl"].get<std::string>().find("/fhir/Patient/" + e["resource"]["id"].get<std::string>()),
              std::string::npos);
  EXPECT_EQ(id_set(get("/fhir/Patient?name=" + family_.substr(0, 8))), (std::set<std::string>{a_, b_, c_}));
  EXPECT_EQ(ids(get("/fhir/Patient?family=" + family_ + "&given=chloe")), std::vector<std::string>{c_});
}

TEST_F(SearchRest, ByIdentifierBirthdateIdAndLastUpdated) {
  EXPECT_EQ(ids(get("/fhir/Patient?identifier=" + system_ + "%7CB2")), std::vector<std::string>{b_});
  EXPECT_EQ(ids(get("/fhir/Patient?family=" + family_ + "&birthdate=1970-05-06")),
            std::vector<std::string>{a_});
  EXPECT_EQ(id_set(get("/fhir/Patient?family=" + family_ + "&birthdate=ge1985-01-01")),
            (std::set<std::string>{b_, c_}));
  EXPECT_EQ(ids(get("/fhir/Patient?family=" + family_ + "&birthdate=lt1980")), std::vector<std::string>{a_});
  EXPECT_EQ(id_set(get("/fhir/Patient?_id=" + a_ + "," + c_)), (std::set<std::string>{a_, c_}));
  EXPECT_EQ(id_set(get("/fhir/Patient?family=" + family_ + "&_lastUpdated=ge" + a_updated_)),
            (std::set<std::string>{a_, b_, c_}));
  EXPECT_TRUE(ids(get("/fhir/Patient?family=" + family_ + "&_lastUpdated=lt" + a_updated_)).empty());
}

TEST_F(SearchRest, PostSearchAnswersLikeGet) {
  std::string query = "family=" + family_ + "&_sort=birthdate";
  Json by_get = get("/fhir/Patient?" + query);
  auto post = http.request("POST", "/fhir/Patient/_search",
                           {{"Content-Type", "application/x-www-form-urlencoded"}}, query);
  ASSERT_EQ(post.status, 200) << post.body;
  Json by_post = core::parse_json(post.body);
  EXPECT_EQ(ids(by_post), (std::vector<std::string>{a_, b_, c_}));
  EXPECT_EQ(ids(by_post), ids(by_get));
  EXPECT_EQ(link(by_post, "self"), link(by_get, "self"));
  auto json_body = http.request("POST", "/fhir/Patient/_search", fhir_json_headers(), "{}");
  EXPECT_EQ(json_body.status, 415);
}

TEST_F(SearchRest, CompartmentSearchFindsThePatientsObservations) {
  EXPECT_EQ(id_set(get("/fhir/Patient/" + a_ + "/Observation")), (std::set<std::string>{oa1_, oa2_}));
  EXPECT_EQ(ids(get("/fhir/Patient/" + a_ + "/Observation?code=http://loinc.org%7C29463-7")),
            std::vector<std::string>{oa1_});
  EXPECT_TRUE(ids(get("/fhir/Patient/" + c_ + "/Observation")).empty());
  // Every type of the compartment: the Patient itself and its Observations.
  EXPECT_EQ(id_set(get("/fhir/Patient/" + a_ + "/*")), (std::set<std::string>{a_, oa1_, oa2_}));
  EXPECT_EQ(id_set(get("/fhir/Patient/" + a_ + "/*?_type=Observation")), (std::set<std::string>{oa1_, oa2_}));
  // Audited against the patient whose compartment was searched.
  EXPECT_GE(
      TestServer::shared().sql_scalar("SELECT count(*) FROM audit_event WHERE interaction = 'search-type' "
                                      "AND patient = 'Patient/" +
                                      c_ + "' AND entity_type = 'Observation'"),
      1);
}

// The other compartments (Encounter, Practitioner, RelatedPerson, Device):
// their members' reference parameters point to the compartment's resource,
// which is itself in it ({def}). Ids of this test's own.
TEST_F(SearchRest, EncounterAndPractitionerCompartments) {
  const std::string tag = random_letters(8);
  const std::string pr = "pr-" + tag, pt = "pt-" + tag, enc = "enc-" + tag, other = "enc2-" + tag;
  auto put = [&](const std::string& type, const std::string& id, Json body) {
    body["resourceType"] = type;
    body["id"] = id;
    auto r = http.request("PUT", "/fhir/" + type + "/" + id, fhir_json_headers(), core::to_json_text(body));
    ASSERT_EQ(r.status, 201) << r.body;
  };
  auto ref = [](const std::string& target) { return Json{{"reference", target}}; };
  put("Practitioner", pr, Json::object());
  put("Patient", pt, {{"generalPractitioner", Json::array({ref("Practitioner/" + pr)})}});
  put("Encounter", enc,
      {{"status", "finished"},
       {"class", {{"code", "AMB"}}},
       {"subject", ref("Patient/" + pt)},
       {"participant", Json::array({{{"individual", ref("Practitioner/" + pr)}}})}});
  put("Encounter", other,
      {{"status", "finished"}, {"class", {{"code", "AMB"}}}, {"subject", ref("Patient/" + pt)}});
  auto obs = [&](const std::string& id, const std::string& encounter, bool performed,
                 const std::string& code) {
    Json o = {{"status", "final"},
              {"code", {{"coding", Json::array({{{"system", "http://loinc.org"}, {"code", code}}})}}},
              {"subject", ref("Patient/" + pt)},
              {"encounter", ref("Encounter/" + encounter)}};
    if (performed) o["performer"] = Json::array({ref("Practitioner/" + pr)});
    put("Observation", id, o);
  };
  obs("o1-" + tag, enc, true, "29463-7");
  obs("o2-" + tag, enc, false, "8302-2");
  obs("o3-" + tag, other, false, "29463-7");

  using Set = std::set<std::string>;
  EXPECT_EQ(id_set(get("/fhir/Encounter/" + enc + "/Observation")), (Set{"o1-" + tag, "o2-" + tag}));
  EXPECT_EQ(ids(get("/fhir/Encounter/" + enc + "/Observation?code=http://loinc.org%7C8302-2")),
            std::vector<std::string>{"o2-" + tag});
  EXPECT_EQ(id_set(get("/fhir/Encounter/" + enc + "/*")), (Set{enc, "o1-" + tag, "o2-" + tag}));
  EXPECT_EQ(id_set(get("/fhir/Encounter/" + other + "/*")), (Set{other, "o3-" + tag}));
  EXPECT_EQ(id_set(get("/fhir/Encounter/" + enc + "/Encounter")), Set{enc});

  EXPECT_EQ(id_set(get("/fhir/Practitioner/" + pr + "/Observation")), Set{"o1-" + tag});
  EXPECT_EQ(id_set(get("/fhir/Practitioner/" + pr + "/Patient")), Set{pt});
  EXPECT_EQ(id_set(get("/fhir/Practitioner/" + pr + "/*")), (Set{pr, pt, enc, "o1-" + tag}));
  EXPECT_EQ(id_set(get("/fhir/Practitioner/" + pr + "/*?_type=Encounter,Observation")),
            (Set{enc, "o1-" + tag}));
  // A type that is no member of the compartment has nothing in it.
  EXPECT_TRUE(ids(get("/fhir/Encounter/" + enc + "/Practitioner")).empty());
  EXPECT_TRUE(ids(get("/fhir/Practitioner/nobody-" + tag + "/*")).empty());

  // Paging inside a compartment walks every member once.
  std::set<std::string> seen;
  std::string next = "/fhir/Practitioner/" + pr + "/*?_count=1";
  for (int page = 0; page < 10 && !next.empty(); ++page) {
    auto b = get(next);
    for (const auto& id : ids(b)) EXPECT_TRUE(seen.insert(id).second) << id;
    next = link(b, "next");
  }
  EXPECT_EQ(seen, (Set{pr, pt, enc, "o1-" + tag}));

  auto not_a_compartment = http.request("GET", "/fhir/Observation/o1-" + tag + "/Condition");
  EXPECT_EQ(not_a_compartment.status, 400);
  EXPECT_NE(not_a_compartment.body.find("not a compartment"), std::string::npos);
}

TEST_F(SearchRest, StrictRefusesUnknownParametersLenientIgnoresAndSaysSo) {
  std::string target = "/fhir/Patient?family=" + family_ + "&no-such-parameter=1";
  auto strict = http.request("GET", target, {{"Prefer", "handling=strict"}});
  EXPECT_EQ(strict.status, 400);
  EXPECT_EQ(core::parse_json(strict.body)["resourceType"], "OperationOutcome");
  EXPECT_NE(strict.body.find("no-such-parameter"), std::string::npos);

  Json lenient = get(target, {{"Prefer", "handling=lenient"}});
  EXPECT_EQ(id_set(lenient), (std::set<std::string>{a_, b_, c_}));
  const Json& outcome = lenient["entry"].back();
  EXPECT_EQ(outcome["search"]["mode"], "outcome");
  EXPECT_EQ(outcome["resource"]["resourceType"], "OperationOutcome");
  EXPECT_NE(outcome["resource"].dump().find("no-such-parameter"), std::string::npos);
  EXPECT_EQ(link(lenient, "self"), "/fhir/Patient?family=" + family_);
}

TEST_F(SearchRest, UnknownValueSetFollowsTheClientsHandling) {
  std::string target = "/fhir/Patient?family=" + family_ + "&gender:in=http://example.org/no-such-vs";
  auto strict = http.request("GET", target, {{"Prefer", "handling=strict"}});
  EXPECT_EQ(strict.status, 400) << strict.body;
  EXPECT_NE(strict.body.find("no-such-vs"), std::string::npos);
  Json lenient = get(target);
  EXPECT_EQ(id_set(lenient), (std::set<std::string>{a_, b_, c_}));
  EXPECT_NE(lenient["entry"].back()["resource"].dump().find("unknown value set"), std::string::npos);
  EXPECT_EQ(link(lenient, "self"), "/fhir/Patient?family=" + family_);
}

TEST_F(SearchRest, MalformedDateIs400NamingTheParameter) {
  auto r = http.request("GET", "/fhir/Patient?birthdate=1970-13-45");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("birthdate"), std::string::npos) << r.body;
}

TEST_F(SearchRest, CountPagesAndNextLinksWalkEveryMatchOnce) {
  std::vector<std::string> seen;
  std::string next = "/fhir/Patient?family=" + family_ + "&_sort=birthdate&_count=1";
  for (int pages = 0; !next.empty() && pages < 10; ++pages) {
    Json page = get(next);
    EXPECT_LE(page.value("entry", Json::array()).size(), 1u);
    for (const auto& id : ids(page)) seen.push_back(id);
    if (pages > 0) {
      EXPECT_FALSE(link(page, "previous").empty());
    }
    next = link(page, "next");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{a_, b_, c_}));
}

TEST_F(SearchRest, TotalAndSummaryCount) {
  EXPECT_EQ(get("/fhir/Patient?family=" + family_ + "&_total=accurate")["total"], 3);
  Json count = get("/fhir/Patient?family=" + family_ + "&_summary=count");
  EXPECT_EQ(count["total"], 3);
  EXPECT_FALSE(count.contains("entry"));
}

TEST_F(SearchRest, ElementsSubsetsTheResources) {
  Json bundle = get("/fhir/Patient?family=" + family_ + "&_elements=birthDate");
  ASSERT_EQ(bundle["entry"].size(), 3u);
  for (const auto& e : bundle["entry"]) {
    const Json& p = e["resource"];
    EXPECT_TRUE(p.contains("birthDate"));
    EXPECT_FALSE(p.contains("name"));
    EXPECT_EQ(p["meta"]["tag"].back()["code"], "SUBSETTED");
  }
}

TEST_F(SearchRest, IncludeAndRevincludeAddEntriesInIncludeMode) {
  Json inc = get("/fhir/Observation?subject=Patient/" + a_ + "&_include=Observation:subject");
  EXPECT_EQ(id_set(inc), (std::set<std::string>{oa1_, oa2_}));
  EXPECT_EQ(ids(inc, "include"), std::vector<std::string>{a_});

  Json rev = get("/fhir/Patient?_id=" + a_ + "&_revinclude=Observation:subject");
  EXPECT_EQ(ids(rev), std::vector<std::string>{a_});
  EXPECT_EQ(id_set(rev, "include"), (std::set<std::string>{oa1_, oa2_}));
}

TEST_F(SearchRest, SystemSearchWithType) {
  EXPECT_EQ(id_set(get("/fhir?_type=Patient&_id=" + a_ + "," + b_)), (std::set<std::string>{a_, b_}));
  auto post = http.request("POST", "/fhir/_search", {{"Content-Type", "application/x-www-form-urlencoded"}},
                           "_type=Observation&_id=" + ob1_);
  ASSERT_EQ(post.status, 200) << post.body;
  EXPECT_EQ(ids(core::parse_json(post.body)), std::vector<std::string>{ob1_});
}

TEST_F(SearchRest, SystemSearchWithTypeReadsEachTypesPatientRows) {
  // `patient` is read from the subject rows of type Patient on Observation and
  // Encounter, from rows of its own on AllergyIntolerance (a plain path):
  // each type's entry decides (search/union_parameters.hpp). A patient of
  // this test's own, so that the other tests' compartments do not change.
  auto post = [&](const Json& resource) {
    auto r = http.request("POST", "/fhir/" + resource["resourceType"].get<std::string>(), fhir_json_headers(),
                          core::to_json_text(resource));
    EXPECT_EQ(r.status, 201) << r.body;
    return core::parse_json(r.body)["id"].get<std::string>();
  };
  const std::string d = post({{"resourceType", "Patient"}, {"gender", "other"}});
  const Json subject = {{"reference", "Patient/" + d}};
  const std::string obs = post({{"resourceType", "Observation"},
                                {"status", "final"},
                                {"code", {{"text", "weight"}}},
                                {"subject", subject}});
  const std::string enc = post({{"resourceType", "Encounter"},
                                {"status", "finished"},
                                {"class", {{"code", "AMB"}}},
                                {"subject", subject}});
  const std::string allergy = post({{"resourceType", "AllergyIntolerance"}, {"patient", subject}});
  // A Group subject is not a patient.
  post({{"resourceType", "Encounter"},
        {"status", "finished"},
        {"class", {{"code", "AMB"}}},
        {"subject", {{"reference", "Group/" + d}}}});
  EXPECT_EQ(id_set(get("/fhir?_type=Observation,Encounter&patient=Patient/" + d)),
            (std::set<std::string>{obs, enc}));
  EXPECT_EQ(id_set(get("/fhir?_type=Encounter,AllergyIntolerance,Observation&patient=" + d)),
            (std::set<std::string>{obs, enc, allergy}));
  EXPECT_EQ(id_set(get("/fhir/Encounter?patient=" + d)), (std::set<std::string>{enc}));
  // subject has both (a bare id matches any type); the Group one is not a patient.
  EXPECT_EQ(id_set(get("/fhir/Encounter?subject=" + d)).size(), 2U);
  const auto group = id_set(get("/fhir/Encounter?subject:Group=" + d));
  ASSERT_EQ(group.size(), 1U);
  EXPECT_EQ(group.count(enc), 0U);
}

TEST_F(SearchRest, CapabilityStatementListsSearchParameters) {
  Json cs = get("/fhir/metadata");
  const Json* patient = nullptr;
  for (const auto& r : cs["rest"][0]["resource"])
    if (r["type"] == "Patient") patient = &r;
  ASSERT_NE(patient, nullptr);
  std::set<std::string> names;
  for (const auto& p : (*patient)["searchParam"]) names.insert(p["name"].get<std::string>());
  for (const char* n : {"family", "birthdate", "identifier", "general-practitioner"})
    EXPECT_TRUE(names.contains(n));
  std::set<std::string> common;
  for (const auto& p : cs["rest"][0]["searchParam"]) common.insert(p["name"].get<std::string>());
  EXPECT_TRUE(common.contains("_id"));
  EXPECT_TRUE(common.contains("_lastUpdated"));
}

}  // namespace
}  // namespace carnet::testing
