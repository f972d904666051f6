// Search page links (http://hl7.org/fhir/R4/http.html#paging).
#include "service/paging.hpp"

#include <gtest/gtest.h>

namespace carnet::service {
namespace {

TEST(PageUrl, PathAloneWhenNothingFollows) {
  EXPECT_EQ(page_url("http://h/fhir/Patient", {}, std::nullopt), "http://h/fhir/Patient");
}

TEST(PageUrl, PlusAndAmpersandStayEncoded) {
  EXPECT_EQ(page_url("http://h/fhir/Patient",
                     {{"_lastUpdated", "ge2026-01-01T00:00:00+01:00"}, {"a&b", "c=d"}}, std::nullopt),
            "http://h/fhir/Patient?_lastUpdated=ge2026-01-01T00:00:00%2B01:00&a%26b=c%3Dd");
}

TEST(PageUrl, ReencodesParametersAndAppendsTheCursor) {
  std::vector<Param> params{
      {"name", "Lé a"}, {"identifier", "http://s|1,2"}, {"_cursor", "old"}, {"subject:Patient", "p1"}};
  EXPECT_EQ(page_url("http://h/fhir/Observation", params, std::string("c-9")),
            "http://h/fhir/Observation?name=L%C3%A9%20a&identifier=http://"
            "s%7C1,2&subject:Patient=p1&_cursor=c-9");
}

}  // namespace
}  // namespace carnet::service
