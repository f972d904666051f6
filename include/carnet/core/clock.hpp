#pragma once
/// Instants as FHIR and HTTP write them.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace carnet::core {

using Clock = std::chrono::system_clock;
/// Microsecond precision: PostgreSQL timestamptz keeps exactly this much.
using Instant = std::chrono::time_point<Clock, std::chrono::microseconds>;

/// Open ends of date ranges (search indexes): stored as -infinity/infinity.
inline constexpr Instant kMinInstant = Instant::min();
inline constexpr Instant kMaxInstant = Instant::max();

/// Now, truncated to microseconds.
Instant now();

/// FHIR instant in UTC with microseconds: "2026-11-29T19:03:33.123456Z".
std::string to_fhir_instant(Instant t);

/// RFC 7231 HTTP-date: "Sun, 29 Nov 2026 19:03:33 GMT".
std::string to_http_date(Instant t);

/// Parses a FHIR instant/dateTime/date ("2026", "2026-11", "2026-11-29",
/// "2026-11-29T19:03:33(.fff)(Z|+hh:mm)") into the half-open range it denotes:
/// [start, end). A dateTime without zone is taken as UTC. nullopt when malformed
/// (year 0000 included: FHIR years start at 0001).
struct InstantRange {
  Instant start;
  Instant end;
};
std::optional<InstantRange> parse_fhir_date_range(std::string_view text);

}  // namespace carnet::core
