// core clock: FHIR date/dateTime/instant text → the half-open range it denotes,
// and the instant formats the server writes (meta.lastUpdated, Last-Modified).

#include "carnet/core/clock.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>

namespace carnet::core {
namespace {

using namespace std::chrono;

// An instant from UTC calendar fields.
Instant utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, long long us = 0) {
  return time_point_cast<microseconds>(sys_days{year{y} / month{mo} / day{d}}) + hours{h} + minutes{mi} +
         seconds{s} + microseconds{us};
}

void expect_range(std::string_view text, Instant start, Instant end) {
  auto r = parse_fhir_date_range(text);
  ASSERT_TRUE(r.has_value()) << text;
  EXPECT_EQ(to_fhir_instant(r->start), to_fhir_instant(start)) << text;
  EXPECT_EQ(to_fhir_instant(r->end), to_fhir_instant(end)) << text;
}

void expect_invalid(std::string_view text) {
  EXPECT_FALSE(parse_fhir_date_range(text).has_value()) << text;
}

// --- precision ---------------------------------------------------------------------

TEST(CoreClock, YearCoversTheWholeYear) {
  expect_range("2026", utc(2026, 1, 1), utc(2027, 1, 1));
}

TEST(CoreClock, MonthCoversTheWholeMonth) {
  expect_range("2026-11", utc(2026, 11, 1), utc(2026, 12, 1));
  expect_range("2026-12", utc(2026, 12, 1), utc(2027, 1, 1));
  expect_range("2024-02", utc(2024, 2, 1), utc(2024, 3, 1));
}

TEST(CoreClock, DayCoversTheWholeDay) {
  expect_range("2026-11-29", utc(2026, 11, 29), utc(2026, 11, 30));
  expect_range("2026-12-31", utc(2026, 12, 31), utc(2027, 1, 1));
  expect_range("2024-02-29", utc(2024, 2, 29), utc(2024, 3, 1));
}

TEST(CoreClock, MinuteCoversTheWholeMinute) {
  expect_range("2026-11-29T19:03Z", utc(2026, 11, 29, 19, 3), utc(2026, 11, 29, 19, 4));
}

TEST(CoreClock, SecondCoversTheWholeSecond) {
  expect_range("2026-11-29T19:03:33Z", utc(2026, 11, 29, 19, 3, 33), utc(2026, 11, 29, 19, 3, 34));
  expect_range("2026-12-31T23:59:59Z", utc(2026, 12, 31, 23, 59, 59), utc(2027, 1, 1));
}

TEST(CoreClock, FractionalSecondsSetThePrecision) {
  expect_range("2026-11-29T19:03:33.5Z", utc(2026, 11, 29, 19, 3, 33, 500000),
               utc(2026, 11, 29, 19, 3, 33, 600000));
  expect_range("2026-11-29T19:03:33.123Z", utc(2026, 11, 29, 19, 3, 33, 123000),
               utc(2026, 11, 29, 19, 3, 33, 124000));
  expect_range("2026-11-29T19:03:33.123456Z", utc(2026, 11, 29, 19, 3, 33, 123456),
               utc(2026, 11, 29, 19, 3, 33, 123457));
}

TEST(CoreClock, FractionBeyondMicrosecondsIsTruncated) {
  expect_range("2026-11-29T19:03:33.1234567Z", utc(2026, 11, 29, 19, 3, 33, 123456),
               utc(2026, 11, 29, 19, 3, 33, 123457));
}

// --- zones ---------------------------------------------------------------------------

TEST(CoreClock, PositiveOffsetIsSubtracted) {
  expect_range("2026-11-29T19:03:33+01:00", utc(2026, 11, 29, 18, 3, 33), utc(2026, 11, 29, 18, 3, 34));
  expect_range("2026-11-29T01:00:00+05:30", utc(2026, 11, 28, 19, 30), utc(2026, 11, 28, 19, 30, 1));
}

TEST(CoreClock, NegativeOffsetIsAdded) {
  expect_range("2026-11-29T19:03:33-05:00", utc(2026, 11, 30, 0, 3, 33), utc(2026, 11, 30, 0, 3, 34));
}

TEST(CoreClock, ZeroOffsetEqualsZ) {
  auto z = parse_fhir_date_range("2026-11-29T19:03:33Z");
  auto plus = parse_fhir_date_range("2026-11-29T19:03:33+00:00");
  auto minus = parse_fhir_date_range("2026-11-29T19:03:33-00:00");
  ASSERT_TRUE(z && plus && minus);
  EXPECT_EQ(z->start, plus->start);
  EXPECT_EQ(z->start, minus->start);
}

TEST(CoreClock, DateTimeWithoutZoneIsTakenAsUtc) {
  expect_range("2026-11-29T19:03:33", utc(2026, 11, 29, 19, 3, 33), utc(2026, 11, 29, 19, 3, 34));
  expect_range("2026-11-29T19:03", utc(2026, 11, 29, 19, 3), utc(2026, 11, 29, 19, 4));
}

TEST(CoreClock, OffsetAppliesToFractionalInstant) {
  expect_range("2026-11-29T19:03:33.250+02:00", utc(2026, 11, 29, 17, 3, 33, 250000),
               utc(2026, 11, 29, 17, 3, 33, 251000));
}

// --- refusals --------------------------------------------------------------------------

TEST(CoreClock, InvalidMonthIsRefused) {
  expect_invalid("2026-13");
  expect_invalid("2026-00");
  expect_invalid("2026-13-01");
}

TEST(CoreClock, InvalidDayIsRefused) {
  expect_invalid("2026-02-30");
  expect_invalid("2026-02-29");  // 2026 is not a leap year
  expect_invalid("2026-04-31");
  expect_invalid("2026-11-00");
  expect_invalid("2026-11-32");
}

TEST(CoreClock, InvalidTimeIsRefused) {
  expect_invalid("2026-11-29T25:00");
  expect_invalid("2026-11-29T24:00:00Z");
  expect_invalid("2026-11-29T19:60Z");
  expect_invalid("2026-11-29T19:03:61Z");
}

TEST(CoreClock, IncompleteTextIsRefused) {
  for (std::string_view s : {"", "202", "2026-", "2026-1", "2026-11-", "2026-11-2", "2026-11-29T",
                             "2026-11-29T19", "2026-11-29T19:", "2026-11-29T19:0", "2026-11-29T19:03:",
                             "2026-11-29T19:03:3", "2026-11-29T19:03:33.", "2026-11-29T19:03:33.Z"}) {
    expect_invalid(s);
  }
}

TEST(CoreClock, WrongSeparatorsAreRefused) {
  for (std::string_view s : {"2026/11/29", "20261129", "2026-11-29 19:03:33Z", "2026-11-29t19:03:33Z",
                             "2026-11-29T19-03-33Z", "2026-11-29T19:03:33,5Z"}) {
    expect_invalid(s);
  }
}

TEST(CoreClock, MalformedZoneIsRefused) {
  for (std::string_view s :
       {"2026-11-29T19:03:33z", "2026-11-29T19:03:33+0100", "2026-11-29T19:03:33+01",
        "2026-11-29T19:03:33+1:00", "2026-11-29T19:03:33+01:00Z", "2026-11-29T19:03:33ZZ",
        "2026-11-29T19:03:33 Z", "2026-11-29T19:03:33UTC", "2026-11-29Z"}) {
    expect_invalid(s);
  }
}

TEST(CoreClock, ExtremeValidOffsetsAreAccepted) {
  expect_range("2026-11-29T14:00:00+14:00", utc(2026, 11, 29), utc(2026, 11, 29, 0, 0, 1));
  expect_range("2026-11-29T12:00:00-12:00", utc(2026, 11, 30), utc(2026, 11, 30, 0, 0, 1));
}

TEST(CoreClock, OutOfRangeOffsetIsRefused) {
  // FHIR R4 zone syntax: (Z|(+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)).
  expect_invalid("2026-11-29T19:03:33+24:00");
  expect_invalid("2026-11-29T19:03:33+01:60");
  expect_invalid("2026-11-29T19:03:33-99:99");
}

TEST(CoreClock, TrailingGarbageIsRefused) {
  expect_invalid("2026x");
  expect_invalid("2026-11x");
  expect_invalid("2026-11-29x");
  expect_invalid("2026-11-29T19:03:33Zx");
  expect_invalid("-2026");
  expect_invalid("+2026");
}

// --- formatting -----------------------------------------------------------------------

TEST(CoreClock, FhirInstantHasMicrosecondsAndZ) {
  EXPECT_EQ(to_fhir_instant(utc(2026, 11, 29, 19, 3, 33, 123456)), "2026-11-29T19:03:33.123456Z");
  EXPECT_EQ(to_fhir_instant(utc(2026, 1, 2, 3, 4, 5, 6)), "2026-01-02T03:04:05.000006Z");
  EXPECT_EQ(to_fhir_instant(Instant{}), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(to_fhir_instant(utc(1969, 12, 31, 23, 59, 59, 500000)), "1969-12-31T23:59:59.500000Z");
}

TEST(CoreClock, HttpDateIsRfc7231) {
  EXPECT_EQ(to_http_date(utc(2026, 11, 29, 19, 3, 33)), "Sun, 29 Nov 2026 19:03:33 GMT");
  EXPECT_EQ(to_http_date(utc(2026, 1, 5, 7, 8, 9)), "Mon, 05 Jan 2026 07:08:09 GMT");
  EXPECT_EQ(to_http_date(Instant{}), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(CoreClock, HttpDateDropsFractionalSeconds) {
  EXPECT_EQ(to_http_date(utc(2026, 11, 29, 19, 3, 33, 999999)), "Sun, 29 Nov 2026 19:03:33 GMT");
}

TEST(CoreClock, WrittenInstantParsesBackToTheSameInstant) {
  for (Instant t : {now(), utc(2026, 11, 29, 19, 3, 33, 123456), utc(2000, 2, 29, 0, 0, 0, 1), Instant{}}) {
    auto r = parse_fhir_date_range(to_fhir_instant(t));
    ASSERT_TRUE(r.has_value()) << to_fhir_instant(t);
    EXPECT_EQ(r->start, t);
    EXPECT_EQ(r->end, t + microseconds{1});
  }
}

TEST(CoreClock, NowHasMicrosecondPrecisionAndIsCurrent) {
  Instant before = time_point_cast<microseconds>(Clock::now()) - microseconds{1};
  Instant t = now();
  Instant after = time_point_cast<microseconds>(Clock::now()) + microseconds{1};
  EXPECT_LE(before, t);
  EXPECT_LE(t, after);
  EXPECT_EQ(to_fhir_instant(t).size(), std::string("2026-11-29T19:03:33.123456Z").size());
}

}  // namespace
}  // namespace carnet::core
