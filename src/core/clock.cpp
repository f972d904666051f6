#include "carnet/core/clock.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace carnet::core {

using namespace std::chrono;

Instant now() {
  return time_point_cast<microseconds>(Clock::now());
}

std::string to_fhir_instant(Instant t) {
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lld.%06lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()),
                static_cast<long long>(hms.subseconds().count()));
  return buf;
}

std::string to_http_date(Instant t) {
  std::time_t tt = Clock::to_time_t(time_point_cast<Clock::duration>(t));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

namespace {

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return true;
}

}  // namespace

std::optional<InstantRange> parse_fhir_date_range(std::string_view s) {
  int y = 0, mo = 1, d = 1, h = 0, mi = 0, sec = 0;
  // Year 0000 does not exist in FHIR (datatypes.html#date: the year regex
  // starts at 0001).
  if (!read_int(s, 0, 4, y) || y == 0) return std::nullopt;
  if (s.size() == 4) {
    auto start = sys_days{year{y} / January / 1};
    return InstantRange{start, sys_days{year{y + 1} / January / 1}};
  }
  if (s[4] != '-' || !read_int(s, 5, 2, mo) || mo < 1 || mo > 12) return std::nullopt;
  if (s.size() == 7) {
    auto ym = year{y} / month{static_cast<unsigned>(mo)};
    return InstantRange{sys_days{ym / 1}, sys_days{(ym + months{1}) / 1}};
  }
  if (s[7] != '-' || !read_int(s, 8, 2, d)) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  if (s.size() == 10) return InstantRange{sys_days{ymd}, sys_days{ymd} + days{1}};
  if (s[10] != 'T' || !read_int(s, 11, 2, h) || s.size() < 16 || s[13] != ':' || !read_int(s, 14, 2, mi))
    return std::nullopt;
  std::size_t pos = 16;
  microseconds frac{0};
  microseconds precision = minutes{1};
  if (pos < s.size() && s[pos] == ':') {
    if (!read_int(s, pos + 1, 2, sec)) return std::nullopt;
    pos += 3;
    precision = seconds{1};
    if (pos < s.size() && s[pos] == '.') {
      std::size_t digits = 0;
      long long value = 0;
      ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < 6) value = value * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      std::size_t kept = digits < 6 ? digits : 6;
      long long scale = 1;
      for (std::size_t i = kept; i < 6; ++i) scale *= 10;
      frac = microseconds{value * scale};
      precision = microseconds{scale};
    }
  }
  if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
  minutes offset{0};
  if (pos < s.size()) {
    if (s[pos] == 'Z' && pos + 1 == s.size()) {
      // UTC
    } else if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 && s[pos + 3] == ':') {
      int oh = 0, om = 0;
      if (!read_int(s, pos + 1, 2, oh) || !read_int(s, pos + 4, 2, om)) return std::nullopt;
      // FHIR allows offsets up to ±14:00 (http://hl7.org/fhir/R4/datatypes.html#dateTime).
      if (om > 59 || oh > 14 || (oh == 14 && om != 0)) return std::nullopt;
      offset = hours{oh} + minutes{om};
      if (s[pos] == '-') offset = -offset;
    } else {
      return std::nullopt;
    }
  }
  Instant start =
      time_point_cast<microseconds>(sys_days{ymd}) + hours{h} + minutes{mi} + seconds{sec} + frac - offset;
  return InstantRange{start, start + precision};
}

}  // namespace carnet::core
