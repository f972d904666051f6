// parse_search: result parameters (_sort, _count, _cursor, _total, _summary,
// _elements, _include, _revinclude), the self link parameters, and garbage
// input (http://hl7.org/fhir/R4/search.html#return).

#include <gtest/gtest.h>

#include <random>

#include "carnet/search/query.hpp"
#include "extract_fixture.hpp"

namespace carnet::search {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

Query parse(std::string_view type, const Params& params, bool strict = false, ParseOptions options = {}) {
  options.strict = strict;
  return parse_search(type, params, testing::registry(), nullptr, options);
}

void expect_400(std::string_view type, const Params& params, const std::string& named, bool strict = false) {
  try {
    parse(type, params, strict);
    ADD_FAILURE() << "accepted: " << params.front().first << "=" << params.front().second;
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 400);
    ASSERT_FALSE(e.issues().empty());
    EXPECT_NE(e.issues()[0].diagnostics.find(named), std::string::npos) << e.issues()[0].diagnostics;
  }
}

TEST(ParseResults, SortKeys) {
  Query q = parse("Patient", {{"_sort", "-birthdate,_id,name,-_lastUpdated"}});
  ASSERT_EQ(q.sort.size(), 4u);
  EXPECT_TRUE(q.sort[0].descending);
  EXPECT_EQ(q.sort[0].param->code, "birthdate");
  EXPECT_EQ(q.sort[0].code, "birthdate");
  EXPECT_EQ(q.sort[1].param, nullptr);
  EXPECT_EQ(q.sort[1].code, "_id");
  EXPECT_FALSE(q.sort[1].descending);
  EXPECT_EQ(q.sort[2].param->type, ParamType::string);
  EXPECT_EQ(q.sort[3].code, "_lastUpdated");
  EXPECT_TRUE(q.sort[3].descending);
}

TEST(ParseResults, SortOnUnknownParameter) {
  Query q = parse("Patient", {{"_sort", "foo,-birthdate"}});
  ASSERT_EQ(q.sort.size(), 1u);
  EXPECT_EQ(q.sort[0].code, "birthdate");
  EXPECT_EQ(q.warnings.size(), 1u);
  EXPECT_EQ(q.self_params, (Params{{"_sort", "-birthdate"}}));
  expect_400("Patient", {{"_sort", "foo"}}, "_sort", true);
  expect_400("Patient", {{"_sort", "-"}}, "_sort");
  expect_400("Patient", {{"_sort", "name,,birthdate"}}, "_sort");
}

TEST(ParseResults, CountIsCapped) {
  ParseOptions options;
  options.default_count = 20;
  options.max_count = 100;
  EXPECT_EQ(parse("Patient", {}, false, options).count, 20u);
  Query q = parse("Patient", {{"_count", "5000"}}, false, options);
  EXPECT_EQ(q.count, 100u);
  EXPECT_EQ(q.self_params, (Params{{"_count", "100"}}));
  EXPECT_EQ(parse("Patient", {{"_count", "0"}}, false, options).count, 0u);
  EXPECT_EQ(parse("Patient", {{"_count", "99999999999999999999999999"}}, false, options).count, 100u);
  options.default_count = 500;
  EXPECT_EQ(parse("Patient", {}, false, options).count, 100u);
  expect_400("Patient", {{"_count", "abc"}}, "_count");
  expect_400("Patient", {{"_count", "-1"}}, "_count");
  expect_400("Patient", {{"_count", ""}}, "_count");
  expect_400("Patient", {{"_count", "1"}, {"_count", "2"}}, "_count");
}

TEST(ParseResults, CursorIsKeptOutOfTheSelfLink) {
  Query q = parse("Patient", {{"_cursor", "opaque-123"}, {"gender", "male"}});
  EXPECT_EQ(q.cursor, "opaque-123");
  EXPECT_EQ(q.self_params, (Params{{"gender", "male"}}));
}

TEST(ParseResults, TotalAndSummary) {
  EXPECT_EQ(parse("Patient", {}).total, TotalMode::none);
  EXPECT_EQ(parse("Patient", {{"_total", "accurate"}}).total, TotalMode::accurate);
  EXPECT_EQ(parse("Patient", {{"_total", "estimate"}}).total, TotalMode::estimate);
  EXPECT_EQ(parse("Patient", {{"_summary", "count"}}).summary, Summary::count);
  EXPECT_EQ(parse("Patient", {{"_summary", "true"}}).summary, Summary::yes);
  EXPECT_EQ(parse("Patient", {{"_summary", "text"}}).summary, Summary::text);
  EXPECT_EQ(parse("Patient", {{"_summary", "data"}}).summary, Summary::data);
  EXPECT_EQ(parse("Patient", {{"_summary", "false"}}).summary, Summary::none);
  expect_400("Patient", {{"_total", "all"}}, "_total");
  expect_400("Patient", {{"_summary", "yes"}}, "_summary");
  expect_400("Patient", {{"_total:exact", "none"}}, "_total:exact");
}

TEST(ParseResults, Elements) {
  Query q = parse("Patient", {{"_elements", "name,birthDate"}, {"_elements", "gender,name"}});
  EXPECT_EQ(q.elements, (std::vector<std::string>{"name", "birthDate", "gender"}));
}

TEST(ParseResults, Includes) {
  Query q = parse("Observation", {{"_include", "Observation:subject"},
                                  {"_include", "Observation:subject:Patient"},
                                  {"_include:iterate", "Patient:general-practitioner"},
                                  {"_include:recurse", "Patient:organization"},
                                  {"_include", "*"},
                                  {"_include", "Observation:*"},
                                  {"_revinclude", "Provenance:target"}});
  ASSERT_EQ(q.includes.size(), 6u);
  EXPECT_EQ(q.includes[0].source_type, "Observation");
  EXPECT_EQ(q.includes[0].param->code, "subject");
  EXPECT_EQ(q.includes[0].target_type, "");
  EXPECT_FALSE(q.includes[0].iterate);
  EXPECT_EQ(q.includes[1].target_type, "Patient");
  EXPECT_TRUE(q.includes[2].iterate);
  EXPECT_EQ(q.includes[2].param->code, "general-practitioner");
  EXPECT_TRUE(q.includes[3].iterate);
  EXPECT_EQ(q.includes[4].source_type, "*");
  EXPECT_EQ(q.includes[4].param, nullptr);
  EXPECT_EQ(q.includes[5].source_type, "Observation");
  EXPECT_EQ(q.includes[5].param, nullptr);
  ASSERT_EQ(q.revincludes.size(), 1u);
  EXPECT_EQ(q.revincludes[0].source_type, "Provenance");
  EXPECT_EQ(q.revincludes[0].param->code, "target");
}

TEST(ParseResults, IncludeErrors) {
  expect_400("Observation", {{"_include", "Observation:code"}}, "_include");
  expect_400("Observation", {{"_include", "Observation:subject:Medication"}}, "_include");
  expect_400("Observation", {{"_include", "Foo:bar"}}, "_include");
  expect_400("Observation", {{"_include", "Observation"}}, "_include");
  expect_400("Observation", {{"_include", "Observation:nope"}}, "_include");
  expect_400("Observation", {{"_include:foo", "Observation:subject"}}, "_include:foo");
  expect_400("Observation", {{"_revinclude", "Provenance:agent-type"}}, "_revinclude");
}

TEST(ParseResults, SelfParamsInOrder) {
  Query q = parse("Patient", {{"name", "smith"},
                              {"_format", "json"},
                              {"_count", "10"},
                              {"_pretty", "true"},
                              {"unknown", "1"},
                              {"_include", "Patient:organization"},
                              {"birthdate", "ge2000"}});
  EXPECT_EQ(q.self_params, (Params{{"name", "smith"},
                                   {"_count", "10"},
                                   {"_include", "Patient:organization"},
                                   {"birthdate", "ge2000"}}));
  EXPECT_EQ(q.warnings.size(), 1u);  // unknown only: _format and _pretty are silent
}

// No input may end in anything but a Query or a core::Error 400.
TEST(ParseResults, GarbageNeverCrashes) {
  const std::vector<std::string> names = {"name",
                                          "birthdate",
                                          "gender",
                                          "identifier",
                                          "general-practitioner",
                                          "_id",
                                          "_has",
                                          "_has:",
                                          "_include",
                                          "_sort",
                                          "_count",
                                          "subject",
                                          ".",
                                          ":",
                                          "",
                                          "_lastUpdated",
                                          "value-quantity",
                                          "code-value-quantity",
                                          "link.link",
                                          "_has:Observation:patient:",
                                          "name:",
                                          "subject:",
                                          "_revinclude:iterate",
                                          "_summary"};
  const std::string alphabet = "ab0129:.|$,\\_-/ +%Zeqgtle\xc3\xa9T*";
  std::mt19937 rng(42);
  auto garbage = [&](std::size_t max) {
    std::string s;
    const std::size_t n = rng() % (max + 1);
    for (std::size_t i = 0; i < n; ++i) s += alphabet[rng() % alphabet.size()];
    return s;
  };
  for (int i = 0; i < 4000; ++i) {
    std::string name = names[rng() % names.size()];
    if (rng() % 3 == 0) name += garbage(12);
    const std::string value = garbage(24);
    for (const std::string_view type : {"Patient", "Observation", ""}) {
      for (bool strict : {false, true}) {
        try {
          parse(type, {{name, value}}, strict);
        } catch (const core::Error& e) {
          EXPECT_EQ(e.status(), 400) << name << "=" << value;
        }
      }
    }
  }
}

}  // namespace
}  // namespace carnet::search
