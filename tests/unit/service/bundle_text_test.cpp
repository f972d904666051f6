// BundleText writes a Bundle around resource texts already serialised
// (service/bundle_text.hpp): what comes out must be the JSON a client parses.
#include "service/bundle_text.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "carnet/core/json.hpp"

namespace carnet::service {
namespace {

TEST(BundleText, SearchsetWithTotalLinksAndEntries) {
  BundleText b("searchset");
  b.total(2);
  b.link("self", "http://h/fhir/Patient?name=a%22b");
  b.link("next", "http://h/fhir/Patient?_cursor=x");
  b.reserve_entries(1024);
  b.entry("http://h/fhir", "Patient", "p1", R"({"resourceType":"Patient","id":"p1"})",
          R"("search":{"mode":"match"})");
  b.entry("http://h/fhir/Patient/p2", R"({"resourceType":"Patient","id":"p2"})",
          R"("search":{"mode":"include"})");
  b.entry({}, R"({"resourceType":"OperationOutcome"})", R"("search":{"mode":"outcome"})");
  const auto json = core::parse_json(b.finish(), 64);
  EXPECT_EQ(json["resourceType"], "Bundle");
  EXPECT_EQ(json["type"], "searchset");
  EXPECT_EQ(json["total"], 2);
  EXPECT_TRUE(json["id"].is_string());
  EXPECT_TRUE(json["meta"]["lastUpdated"].is_string());
  ASSERT_EQ(json["link"].size(), 2u);
  EXPECT_EQ(json["link"][0]["relation"], "self");
  EXPECT_EQ(json["link"][0]["url"], "http://h/fhir/Patient?name=a%22b");
  ASSERT_EQ(json["entry"].size(), 3u);
  EXPECT_EQ(json["entry"][0]["fullUrl"], "http://h/fhir/Patient/p1");
  EXPECT_EQ(json["entry"][0]["resource"]["id"], "p1");
  EXPECT_EQ(json["entry"][0]["search"]["mode"], "match");
  EXPECT_EQ(json["entry"][1]["fullUrl"], "http://h/fhir/Patient/p2");
  EXPECT_EQ(json["entry"][1]["search"]["mode"], "include");
  EXPECT_FALSE(json["entry"][2].contains("fullUrl"));
  EXPECT_EQ(json["entry"][2]["resource"]["resourceType"], "OperationOutcome");
}

TEST(BundleText, NoEntriesIsTheHeadAlone) {
  BundleText b("history");
  b.link("self", "http://h/fhir/_history");
  const auto json = core::parse_json(b.finish(), 64);
  EXPECT_EQ(json["type"], "history");
  EXPECT_FALSE(json.contains("entry"));
  EXPECT_FALSE(json.contains("total"));
  EXPECT_EQ(json["link"].size(), 1u);
}

TEST(BundleText, EntriesWithoutResourceOrTail) {
  BundleText b("history");
  b.entry("http://h/fhir/Patient/p1", "", R"("request":{"method":"DELETE","url":"Patient/p1"})");
  b.entry("http://h/fhir", "Patient", "p2", "", "");
  const auto json = core::parse_json(b.finish(), 64);
  ASSERT_EQ(json["entry"].size(), 2u);
  EXPECT_FALSE(json["entry"][0].contains("resource"));
  EXPECT_EQ(json["entry"][0]["request"]["method"], "DELETE");
  EXPECT_EQ(json["entry"][1], core::parse_json(R"({"fullUrl":"http://h/fhir/Patient/p2"})", 8));
}

TEST(BundleText, FullUrlPiecesAreEscaped) {
  BundleText b("searchset");
  b.entry("http://h/\"x\"\\", "Patient", "a\nb", "", "");
  const auto json = core::parse_json(b.finish(), 64);
  EXPECT_EQ(json["entry"][0]["fullUrl"], "http://h/\"x\"\\/Patient/a\nb");
}

TEST(BundleText, HeadAfterTheFirstEntryIsAProgrammingError) {
  BundleText b("searchset");
  b.entry("http://h/fhir/Patient/p1", "{}", "");
  EXPECT_THROW(b.total(1), std::logic_error);
  EXPECT_THROW(b.link("next", "http://h"), std::logic_error);
  b.finish();
  EXPECT_THROW(b.finish(), std::logic_error);
}

TEST(JsonEscape, RunsAndSpecialCharacters) {
  std::string out;
  core::append_json_escaped(out, "plain/text-1.2");
  EXPECT_EQ(out, "plain/text-1.2");
  out.clear();
  core::append_json_escaped(out, "a\"b\\c\nd\re\tf\bg\fh\x01i\x1f");
  EXPECT_EQ(out, R"(a\"b\\c\nd\re\tf\bg\fh\u0001i\u001f)");
  out.clear();
  core::append_json_string(out, "caf\xC3\xA9");  // UTF-8 passes through
  EXPECT_EQ(out, "\"caf\xC3\xA9\"");
  out.clear();
  core::append_json_string(out, "");
  EXPECT_EQ(out, "\"\"");
}

}  // namespace
}  // namespace carnet::service
