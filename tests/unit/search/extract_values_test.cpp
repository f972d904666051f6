// Number ranges, UCUM canonical forms and date ranges: the value semantics of
// http://hl7.org/fhir/R4/search.html#number, #quantity and #date.

#include <gtest/gtest.h>

#include "carnet/core/clock.hpp"
#include "carnet/search/extractor.hpp"

namespace carnet::search {
namespace {

core::Instant at(std::string_view text) {
  return core::parse_fhir_date_range(text)->start;
}

TEST(SearchNumberRange, ImplicitPrecision) {
  auto hundred = number_range("100");
  ASSERT_TRUE(hundred);
  EXPECT_EQ(hundred->value, "100");
  EXPECT_EQ(hundred->low, "99.5");
  EXPECT_EQ(hundred->high, "100.5");

  auto scaled = number_range("1.50");
  ASSERT_TRUE(scaled);
  EXPECT_EQ(scaled->value, "1.50");
  EXPECT_EQ(scaled->low, "1.495");
  EXPECT_EQ(scaled->high, "1.505");

  auto exponent = number_range("1e2");
  ASSERT_TRUE(exponent);
  EXPECT_EQ(exponent->value, "100");
  EXPECT_EQ(exponent->low, "50");
  EXPECT_EQ(exponent->high, "150");
}

TEST(SearchNumberRange, SignsZeroAndSmallValues) {
  auto negative = number_range("-3.2");
  ASSERT_TRUE(negative);
  EXPECT_EQ(negative->low, "-3.25");
  EXPECT_EQ(negative->high, "-3.15");
  auto zero = number_range("0");
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->low, "-0.5");
  EXPECT_EQ(zero->high, "0.5");
  auto small = number_range("0.000368");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->low, "0.0003675");
  EXPECT_EQ(small->high, "0.0003685");
  auto tiny = number_range("-0.5");
  ASSERT_TRUE(tiny);
  EXPECT_EQ(tiny->low, "-0.55");
  EXPECT_EQ(tiny->high, "-0.45");
  auto down = number_range("1.5e-3");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->value, "0.0015");
  EXPECT_EQ(down->low, "0.00145");
}

TEST(SearchNumberRange, RejectsWhatIsNotADecimal) {
  for (const char* bad : {"", "abc", "1.", ".5", "1e", "1..2", "1,5", "12a", "1e99999"})
    EXPECT_FALSE(number_range(bad)) << bad;
}

TEST(SearchUcum, PrefixedUnitsConvertToTheBaseUnit) {
  auto mg = ucum_canonical("5", "mg");
  ASSERT_TRUE(mg);
  EXPECT_EQ(mg->value, "0.005");
  EXPECT_EQ(mg->code, "g");
  auto kg = ucum_canonical("70.5", "kg");
  ASSERT_TRUE(kg);
  EXPECT_EQ(kg->value, "70500");
  EXPECT_EQ(kg->code, "g");
}

TEST(SearchUcum, AbsurdUnitsAreNotConvertible) {
  // Found by fuzzing: these threw (std::stoi out of range) or overflowed
  // PostgreSQL's numeric, making searches and writes answer 500.
  EXPECT_FALSE(ucum_canonical("5", "m99999999999"));
  EXPECT_FALSE(ucum_canonical("5", "m-99999999999"));
  EXPECT_FALSE(ucum_canonical("5", "m12"));  // exponents are -4..4
  std::string huge = "10*999";
  for (int i = 0; i < 139; ++i) huge += ".10*999";
  EXPECT_FALSE(ucum_canonical("5", huge));
  EXPECT_FALSE(ucum_canonical("5", "10*-999.10*-999"));
  auto square = ucum_canonical("2", "m2");
  ASSERT_TRUE(square);
  EXPECT_EQ(square->code, "m2");
}

TEST(SearchUcum, DivisionsConvertBothSides) {
  auto per_dl = ucum_canonical("100", "mg/dL");
  ASSERT_TRUE(per_dl);
  EXPECT_EQ(per_dl->value, "1.00");  // 100 ± 0.5 mg/dL keeps its precision: 1.00 g/L
  EXPECT_EQ(per_dl->code, "g/L");
  auto mmol = ucum_canonical("5.5", "mmol/L");
  ASSERT_TRUE(mmol);
  EXPECT_EQ(mmol->value, "0.0055");
  EXPECT_EQ(mmol->code, "mol/L");
  auto cells = ucum_canonical("4.5", "10*9/L");
  ASSERT_TRUE(cells);
  EXPECT_EQ(cells->value, "4500000000");
  EXPECT_EQ(cells->code, "/L");
  auto rate = ucum_canonical("72", "/min");
  ASSERT_TRUE(rate);
  EXPECT_EQ(rate->value, "1.2");
  EXPECT_EQ(rate->code, "/s");
  auto bmi = ucum_canonical("22.5", "kg/m2");
  ASSERT_TRUE(bmi);
  EXPECT_EQ(bmi->value, "22500");
  EXPECT_EQ(bmi->code, "g/m2");
}

TEST(SearchUcum, ClinicalUnitsStayAndTimeGoesToSeconds) {
  auto pressure = ucum_canonical("120", "mm[Hg]");
  ASSERT_TRUE(pressure);
  EXPECT_EQ(pressure->value, "120");
  EXPECT_EQ(pressure->code, "mm[Hg]");
  auto percent = ucum_canonical("98", "%");
  ASSERT_TRUE(percent);
  EXPECT_EQ(percent->code, "%");
  auto minutes = ucum_canonical("56", "min");
  ASSERT_TRUE(minutes);
  EXPECT_EQ(minutes->value, "3360");
  EXPECT_EQ(minutes->code, "s");
  auto pounds = ucum_canonical("185", "[lb_av]");
  ASSERT_TRUE(pounds);
  EXPECT_EQ(pounds->value, "83914.58845");
  EXPECT_EQ(pounds->code, "g");
  auto celsius = ucum_canonical("37.2", "Cel");
  ASSERT_TRUE(celsius);
  EXPECT_EQ(celsius->value, "37.2");
  EXPECT_EQ(celsius->code, "Cel");
  auto annotated = ucum_canonical("3", "{cells}/uL");
  ASSERT_TRUE(annotated);
  EXPECT_EQ(annotated->value, "3000000");
  EXPECT_EQ(annotated->code, "/L");
}

TEST(SearchUcum, UnknownUnitsAreNotConverted) {
  EXPECT_FALSE(ucum_canonical("5", "lbs"));
  EXPECT_FALSE(ucum_canonical("5", "mmHg"));
  EXPECT_FALSE(ucum_canonical("5", "xyz/L"));
  EXPECT_FALSE(ucum_canonical("5", ""));
  EXPECT_FALSE(ucum_canonical("5", "Cel/s"));  // a non-ratio scale cannot be combined
  EXPECT_FALSE(ucum_canonical("five", "mg"));
}

TEST(SearchDateRange, PrecisionMakesTheRange) {
  auto month = core::parse_fhir_date_range("2013-05");
  ASSERT_TRUE(month);
  EXPECT_EQ(month->start, at("2013-05-01T00:00:00Z"));
  EXPECT_EQ(month->end, at("2013-06-01T00:00:00Z"));
  auto zoned = core::parse_fhir_date_range("2015-01-17T16:00:00+10:00");
  ASSERT_TRUE(zoned);
  EXPECT_EQ(zoned->start, at("2015-01-17T06:00:00Z"));
  EXPECT_EQ(zoned->end, at("2015-01-17T06:00:01Z"));
}

}  // namespace
}  // namespace carnet::search
