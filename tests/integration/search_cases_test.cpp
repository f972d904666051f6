// Data-driven FHIR search: tests/fixtures/search/cases/*.json run over real HTTP
// against a server of its own (TestServer::isolated("search")) that holds only
// the fixture data (official examples, five Synthea patients, search/data).
// Expected results were derived from the data by tests/fixtures/search/make_cases.py,
// never by running Carnet; each case says why. See tests/fixtures/search/README.md.
//
// Also: walking `next` links while another client creates, updates and deletes
// resources of the searched type must neither skip nor repeat a resource that
// kept matching all along.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "carnet/core/json.hpp"
#include "support/fixture_loader.hpp"
#include "support/test_server.hpp"

namespace carnet::testing {
namespace {

namespace fs = std::filesystem;
using core::Json;

// ------------------------------------------------------------------ cases

struct SearchCase {
  std::string file;
  std::string name;
  std::string query;
  std::vector<std::string> expect;
  bool ordered = false;
  std::string why;
  std::optional<std::vector<std::string>> expect_included;
  std::optional<long long> expect_total;
  int expect_status = 200;
  std::optional<int> expect_pages;
  bool first_page_only = false;
  Headers headers;
};

/// gtest prints the case by its name (not as bytes) when one fails.
void PrintTo(const SearchCase& c, std::ostream* os) {
  *os << c.name;
}

std::vector<std::string> strings(const Json& a) {
  std::vector<std::string> out;
  for (const auto& s : a) out.push_back(s.get<std::string>());
  return out;
}

std::vector<SearchCase> load_cases() {
  std::vector<SearchCase> cases;
  fs::path dir = fs::path(CARNET_FIXTURES_DIR) / "search" / "cases";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    Json all = Json::parse(read_text_file(file));
    for (const auto& c : all) {
      SearchCase sc;
      sc.file = file.filename().string();
      sc.name = c.at("name").get<std::string>();
      sc.query = c.at("query").get<std::string>();
      sc.expect = strings(c.at("expect"));
      sc.ordered = c.value("ordered", false);
      sc.why = c.value("why", "");
      if (c.contains("expect_included")) sc.expect_included = strings(c["expect_included"]);
      if (c.contains("expect_total")) sc.expect_total = c["expect_total"].get<long long>();
      sc.expect_status = c.value("expect_status", 200);
      if (c.contains("expect_pages")) sc.expect_pages = c["expect_pages"].get<int>();
      sc.first_page_only = c.value("first_page_only", false);
      if (c.contains("headers"))
        for (auto it = c["headers"].begin(); it != c["headers"].end(); ++it)
          sc.headers.emplace_back(it.key(), it.value().get<std::string>());
      cases.push_back(std::move(sc));
    }
  }
  return cases;
}

const std::vector<SearchCase>& all_cases() {
  static const std::vector<SearchCase> cases = load_cases();
  return cases;
}

// ------------------------------------------------------------------ HTTP helpers

/// Percent-encodes a query component, keeping unreserved characters and the
/// separators FHIR gives a meaning inside a value (, | $ : / *).
std::string encode(std::string_view s) {
  static const std::string keep = "-._~,|$:/*";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || keep.find(static_cast<char>(c)) != std::string::npos) {
      out += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

/// "Patient?name=José&_count=2" → "/fhir/Patient?name=Jos%C3%A9&_count=2".
std::string target_of(const std::string& query) {
  auto q = query.find('?');
  std::string target = "/fhir/" + query.substr(0, q);
  if (q == std::string::npos) return target;
  std::string rest = query.substr(q + 1);
  char sep = '?';
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto amp = rest.find('&', start);
    std::string part = rest.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    auto eq = part.find('=');
    target += sep;
    sep = '&';
    if (eq == std::string::npos) {
      target += encode(part);
    } else {
      target += encode(part.substr(0, eq)) + "=" + encode(part.substr(eq + 1));
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return target;
}

/// The request target of a link URL the server wrote (absolute or not).
std::string target_of_link(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url.starts_with("/") ? url : "/fhir/" + url;
  auto path = url.find('/', scheme + 3);
  return path == std::string::npos ? "/" : url.substr(path);
}

std::string next_link(const Json& bundle) {
  if (!bundle.contains("link")) return {};
  for (const auto& l : bundle["link"])
    if (l.value("relation", "") == "next") return l.value("url", "");
  return {};
}

std::string ref_of(const Json& resource) {
  return resource.value("resourceType", "?") + "/" + resource.value("id", "?");
}

std::string join(const std::vector<std::string>& v, std::size_t limit = 12) {
  std::string s;
  for (std::size_t i = 0; i < v.size() && i < limit; ++i) s += (i ? ", " : "") + v[i];
  if (v.size() > limit) s += ", … (" + std::to_string(v.size()) + " in all)";
  return s.empty() ? "(none)" : s;
}

std::vector<std::string> minus(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::multiset<std::string> bs(b.begin(), b.end());
  std::vector<std::string> out;
  for (const auto& x : a) {
    auto it = bs.find(x);
    if (it == bs.end())
      out.push_back(x);
    else
      bs.erase(it);
  }
  return out;
}

/// What one search returned over all the pages walked.
struct Walk {
  int status = 0;
  std::string error;  ///< transport/parse problem or non-200 page
  std::vector<std::string> matches;
  std::vector<std::string> included;
  std::optional<long long> total;
  int pages = 0;
  std::string first_body;
};

Walk walk(HttpClient& http, const std::string& first_target, const Headers& extra, bool follow) {
  Walk w;
  Headers headers = {{"Accept", "application/fhir+json"}};
  headers.insert(headers.end(), extra.begin(), extra.end());
  std::string target = first_target;
  std::set<std::string> seen_links;
  while (!target.empty()) {
    if (w.pages >= 500 || !seen_links.insert(target).second) {
      w.error = "paging does not end (page " + std::to_string(w.pages) + ", link seen before or > 500 pages)";
      return w;
    }
    auto r = http.request("GET", target, headers);
    if (w.pages == 0) {
      w.status = r.status;
      w.first_body = r.body;
    }
    if (r.status != 200) {
      if (w.pages > 0)
        w.error = "page " + std::to_string(w.pages + 1) + " answered " + std::to_string(r.status);
      return w;
    }
    ++w.pages;
    Json bundle;
    try {
      bundle = core::parse_json(r.body, 1000);
    } catch (const std::exception& e) {
      w.error = std::string("unparsable page: ") + e.what();
      return w;
    }
    if (bundle.value("resourceType", "") != "Bundle" || bundle.value("type", "") != "searchset") {
      w.error = "not a searchset Bundle: " + r.body.substr(0, 200);
      return w;
    }
    if (w.pages == 1 && bundle.contains("total")) w.total = bundle["total"].get<long long>();
    if (bundle.contains("entry")) {
      for (const auto& e : bundle["entry"]) {
        std::string mode = e.contains("search") ? e["search"].value("mode", "match") : "match";
        if (!e.contains("resource")) continue;
        if (mode == "match")
          w.matches.push_back(ref_of(e["resource"]));
        else if (mode == "include")
          w.included.push_back(ref_of(e["resource"]));
      }
    }
    std::string next = next_link(bundle);
    target = follow && !next.empty() ? target_of_link(next) : std::string();
  }
  return w;
}

// ------------------------------------------------------------------ the data

/// The isolated server with the fixture loaded, once per process.
struct Loaded {
  TestServer* server = nullptr;
  std::string problem;  ///< why loading failed; every case reports it
};

const Loaded& loaded() {
  static const Loaded state = [] {
    Loaded l;
    try {
      l.server = &TestServer::isolated("search");
      auto data = search_fixture();
      auto report = put_all(*l.server, data);
      if (!report.failures.empty()) l.problem = "loading the search fixture: " + report.summary();
      std::cout << "[ search   ] fixture: " << report.summary() << "\n";
    } catch (const std::exception& e) {
      l.problem = std::string("starting the isolated server: ") + e.what();
    }
    return l;
  }();
  return state;
}

// ------------------------------------------------------------------ one case

class SearchCaseTest : public ::testing::TestWithParam<SearchCase> {};

TEST_P(SearchCaseTest, Matches) {
  const SearchCase& c = GetParam();
  const Loaded& data = loaded();
  ASSERT_TRUE(data.problem.empty()) << data.problem;
  SCOPED_TRACE(c.file + " " + c.name + ": " + c.query + "  — " + c.why);
  auto http = data.server->client();
  Walk w = walk(http, target_of(c.query), c.headers, !c.first_page_only);

  if (c.expect_status != 200) {
    EXPECT_EQ(w.status, c.expect_status) << w.first_body.substr(0, 400);
    if (w.status == c.expect_status) {
      Json oo = Json::parse(w.first_body, nullptr, false);
      EXPECT_TRUE(oo.is_object() && oo.value("resourceType", "") == "OperationOutcome")
          << "an error answers an OperationOutcome: " << w.first_body.substr(0, 200);
    }
    return;
  }
  ASSERT_EQ(w.status, 200) << w.first_body.substr(0, 600);
  ASSERT_TRUE(w.error.empty()) << w.error;

  // Matches: each once over all pages, then the exact set (or sequence).
  std::vector<std::string> got = w.matches;
  std::vector<std::string> sorted_got = got;
  std::sort(sorted_got.begin(), sorted_got.end());
  std::vector<std::string> repeated;
  for (std::size_t i = 1; i < sorted_got.size(); ++i)
    if (sorted_got[i] == sorted_got[i - 1]) repeated.push_back(sorted_got[i]);
  EXPECT_TRUE(repeated.empty()) << "returned more than once: " << join(repeated);
  std::vector<std::string> want = c.expect;
  std::vector<std::string> sorted_want = want;
  std::sort(sorted_want.begin(), sorted_want.end());
  auto missing = minus(sorted_want, sorted_got);
  auto extra = minus(sorted_got, sorted_want);
  EXPECT_TRUE(missing.empty() && extra.empty())
      << "expected " << want.size() << ", got " << got.size() << "\n  missing:    " << join(missing)
      << "\n  unexpected: " << join(extra);
  if (c.ordered && missing.empty() && extra.empty()) {
    EXPECT_EQ(got, want) << "same resources, wrong order\n  expected: " << join(want, 40)
                         << "\n  got:      " << join(got, 40);
  }

  // Included resources.
  std::vector<std::string> inc = w.included;
  std::sort(inc.begin(), inc.end());
  inc.erase(std::unique(inc.begin(), inc.end()), inc.end());
  if (c.expect_included) {
    auto want_inc = *c.expect_included;
    std::sort(want_inc.begin(), want_inc.end());
    EXPECT_EQ(inc, want_inc) << "included\n  missing:    " << join(minus(want_inc, inc))
                             << "\n  unexpected: " << join(minus(inc, want_inc));
    EXPECT_EQ(w.included.size(), inc.size()) << "an included resource is listed more than once on a page";
  } else {
    EXPECT_TRUE(inc.empty()) << "no _include asked, yet included: " << join(inc);
  }

  if (c.expect_total) {
    ASSERT_TRUE(w.total.has_value()) << "Bundle.total missing";
    EXPECT_EQ(*w.total, *c.expect_total);
  }
  if (c.expect_pages) {
    EXPECT_EQ(w.pages, *c.expect_pages) << "pages walked";
  }
}

std::string case_name(const ::testing::TestParamInfo<SearchCase>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Fixture, SearchCaseTest, ::testing::ValuesIn(all_cases()), case_name);

TEST(SearchCasesFile, HasCasesAndUniqueNames) {
  const auto& cases = all_cases();
  EXPECT_GE(cases.size(), 150u);
  std::set<std::string> names;
  for (const auto& c : cases) EXPECT_TRUE(names.insert(c.name).second) << "duplicate case name " << c.name;
}

TEST(SearchFixture, LoadsIntoItsOwnDatabase) {
  const Loaded& data = loaded();
  ASSERT_TRUE(data.problem.empty()) << data.problem;
  // Only the fixture: the shared server's data live in another database.
  std::set<std::pair<std::string, std::string>> unique;
  for (const auto& r : search_fixture()) unique.emplace(r.type, r.id);
  auto http = data.server->client();
  auto r = http.request("GET", "/fhir/Patient/sx-pat-accent");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(TestServer::shared().client().request("GET", "/fhir/Patient/sx-pat-accent").status, 404)
      << "the shared server must not see the isolated database";
  EXPECT_GT(unique.size(), 1250u);
}

// ------------------------------------------------------------------ paging under writes

std::string pager_patient(const std::string& id, const std::string& family, int version) {
  return R"({"resourceType":"Patient","id":")" + id + R"(","name":[{"family":")" + family +
         R"(","given":["v)" + std::to_string(version) + R"("]}],"birthDate":")" +
         std::to_string(1950 + version % 50) + R"(-01-01"})";
}

/// Walks `query` page by page while a writer thread changes the same type.
/// `stable` resources exist before and after and keep matching (some are
/// updated meanwhile): each must be returned exactly once.
void walk_under_writes(const std::string& prefix, const std::string& extra_params) {
  auto& server = TestServer::isolated("search_paging");
  const std::string family = prefix + "pager";  // one family per test: tests share the database
  const std::string query = "Patient?family=" + family + "&_count=7" + extra_params;
  auto setup = server.client();
  constexpr int kStable = 60, kDoomed = 20;
  std::vector<std::string> stable, doomed;
  for (int i = 0; i < kStable; ++i) {
    std::string id = prefix + "-s" + std::to_string(i);
    stable.push_back(id);
    ASSERT_EQ(
        setup.request("PUT", "/fhir/Patient/" + id, fhir_json_headers(), pager_patient(id, family, 0)).status,
        201);
  }
  for (int i = 0; i < kDoomed; ++i) {
    std::string id = prefix + "-d" + std::to_string(i);
    doomed.push_back(id);
    ASSERT_EQ(
        setup.request("PUT", "/fhir/Patient/" + id, fhir_json_headers(), pager_patient(id, family, 0)).status,
        201);
  }

  std::atomic<bool> stop{false};
  std::atomic<int> writes{0}, write_errors{0};
  std::string first_write_error;  // written by the writer thread only, read after join
  std::thread writer([&] {
    auto http = server.client();
    int k = 0;
    while (!stop.load()) {
      auto ok = [&](const Response& r) {
        ++writes;
        if (r.status != 200 && r.status != 201 && r.status != 204) {
          if (write_errors++ == 0) first_write_error = std::to_string(r.status) + " " + r.body.substr(0, 300);
        }
      };
      // a new matching Patient, a non-matching one, an update that keeps matching, a delete
      std::string fresh = prefix + "-n" + std::to_string(k);
      ok(http.request("PUT", "/fhir/Patient/" + fresh, fhir_json_headers(), pager_patient(fresh, family, k)));
      std::string other = prefix + "-o" + std::to_string(k);
      ok(http.request("PUT", "/fhir/Patient/" + other, fhir_json_headers(),
                      pager_patient(other, "Other" + prefix, k)));
      const std::string& upd = stable[static_cast<std::size_t>(k * 7) % stable.size()];
      ok(http.request("PUT", "/fhir/Patient/" + upd, fhir_json_headers(), pager_patient(upd, family, k + 1)));
      if (k < kDoomed) ok(http.request("DELETE", "/fhir/Patient/" + doomed[static_cast<std::size_t>(k)]));
      ++k;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });

  std::vector<std::string> seen;
  std::string error;
  {
    auto http = server.client();
    std::string target = target_of(query);
    int pages = 0;
    while (!target.empty() && pages < 200) {
      auto r = http.request("GET", target, {{"Accept", "application/fhir+json"}});
      if (r.status != 200) {
        error = "page " + std::to_string(pages + 1) + ": " + std::to_string(r.status) + " " +
                r.body.substr(0, 300);
        break;
      }
      ++pages;
      Json bundle = core::parse_json(r.body, 1000);
      if (bundle.contains("entry"))
        for (const auto& e : bundle["entry"])
          if (e.contains("resource") &&
              (!e.contains("search") || e["search"].value("mode", "match") == "match"))
            seen.push_back(e["resource"].value("id", ""));
      std::string next = next_link(bundle);
      target = next.empty() ? std::string() : target_of_link(next);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let the writer interleave
    }
  }
  stop = true;
  writer.join();
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_GT(writes.load(), 0);
  EXPECT_EQ(write_errors.load(), 0) << "first: " << first_write_error;

  std::map<std::string, int> count;
  for (const auto& id : seen) ++count[id];
  std::vector<std::string> skipped, repeated, foreign;
  for (const auto& id : stable)
    if (count[id] == 0) skipped.push_back(id);
  for (const auto& [id, n] : count) {
    if (n > 1) repeated.push_back(id + " ×" + std::to_string(n));
    if (!id.starts_with(prefix + "-s") && !id.starts_with(prefix + "-d") && !id.starts_with(prefix + "-n"))
      foreign.push_back(id);
  }
  EXPECT_TRUE(skipped.empty()) << "resources that matched all along were skipped: " << join(skipped);
  EXPECT_TRUE(repeated.empty()) << "resources returned more than once: " << join(repeated);
  EXPECT_TRUE(foreign.empty()) << "resources that never matched: " << join(foreign);
}

TEST(SearchPaging, NextLinksUnderConcurrentWritesDefaultOrder) {
  walk_under_writes("pgd", "");
}

TEST(SearchPaging, NextLinksUnderConcurrentWritesSortedById) {
  walk_under_writes("pgi", "&_sort=_id");
}

// The writer changes the birthDate of stable resources, so their sort key moves
// during the walk: keyset paging alone would return a resource again when its
// key moves past the cursor (measured 2026-11-29: 15 repeats); sorted searches
// page over the snapshot of ids taken at the first page (store/pg/search_snapshot).
TEST(SearchPaging, NextLinksUnderConcurrentWritesSortedByUpdatedField) {
  walk_under_writes("pgb", "&_sort=birthdate,_id");
}

}  // namespace
}  // namespace carnet::testing
