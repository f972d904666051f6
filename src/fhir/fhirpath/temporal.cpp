// Partial dates and times: parsing, rendering, comparison at precision
// (http://hl7.org/fhirpath/N1/#datetime-equality) and calendar arithmetic
// (http://hl7.org/fhirpath/N1/#date-time-arithmetic).

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "fhir/fhirpath/engine.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

bool two_digits(std::string_view s, std::size_t i, int& out) {
  if (i + 2 > s.size() || s[i] < '0' || s[i] > '9' || s[i + 1] < '0' || s[i + 1] > '9') return false;
  out = (s[i] - '0') * 10 + (s[i + 1] - '0');
  return true;
}

// Parses hh(:mm(:ss(.fff)?)?)? at i into t; returns false on bad syntax.
bool parse_time_part(std::string_view s, std::size_t& i, Temporal& t) {
  if (!two_digits(s, i, t.hour) || t.hour > 23) return false;
  i += 2;
  t.precision = 4;
  if (i < s.size() && s[i] == ':') {
    if (!two_digits(s, i + 1, t.minute) || t.minute > 59) return false;
    i += 3;
    t.precision = 5;
    if (i < s.size() && s[i] == ':') {
      if (!two_digits(s, i + 1, t.second) || t.second > 59) return false;
      i += 3;
      t.precision = 6;
      if (i < s.size() && s[i] == '.') {
        ++i;
        int ms = 0;
        int n = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          if (n < 3) ms = ms * 10 + (s[i] - '0');
          ++n;
          ++i;
        }
        if (n == 0) return false;
        for (int k = n; k < 3; ++k) ms *= 10;
        t.millis = ms;
        t.precision = 7;
      }
    }
  }
  return true;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[(m - 1) % 12];
}

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, Temporal& t) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  t.year = static_cast<int>(y + (m <= 2));
  t.month = static_cast<int>(m);
  t.day = static_cast<int>(d);
}

std::int64_t to_millis(const Temporal& t) {
  std::int64_t days = days_from_civil(t.year, static_cast<unsigned>(t.month > 0 ? t.month : 1),
                                      static_cast<unsigned>(t.day > 0 ? t.day : 1));
  return ((days * 24 + t.hour) * 60 + t.minute) * 60000 + t.second * 1000 + t.millis;
}

void from_millis(std::int64_t ms, Temporal& t) {
  std::int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  std::int64_t rest = ms - days * 86400000;
  civil_from_days(days, t);
  t.hour = static_cast<int>(rest / 3600000);
  t.minute = static_cast<int>(rest / 60000 % 60);
  t.second = static_cast<int>(rest / 1000 % 60);
  t.millis = static_cast<int>(rest % 1000);
}

// Date-time in UTC when it has a zone and a time.
Temporal normalized(const Temporal& t, Kind kind) {
  if (kind != Kind::kDateTime || !t.has_tz || t.precision < 4 || t.tz_minutes == 0) return t;
  Temporal u = t;
  from_millis(to_millis(t) - static_cast<std::int64_t>(t.tz_minutes) * 60000, u);
  u.tz_minutes = 0;
  return u;
}

}  // namespace

std::optional<Temporal> parse_temporal(std::string_view s, Kind kind) {
  Temporal t;
  std::size_t i = 0;
  if (kind == Kind::kTime) {
    if (!parse_time_part(s, i, t) || i != s.size()) return std::nullopt;
    return t;
  }
  if (s.size() < 4) return std::nullopt;
  for (std::size_t k = 0; k < 4; ++k)
    if (s[k] < '0' || s[k] > '9') return std::nullopt;
  t.year = std::atoi(std::string(s.substr(0, 4)).c_str());
  t.precision = 1;
  i = 4;
  if (i < s.size() && s[i] == '-') {
    if (!two_digits(s, i + 1, t.month) || t.month < 1 || t.month > 12) return std::nullopt;
    t.precision = 2;
    i += 3;
    if (i < s.size() && s[i] == '-') {
      if (!two_digits(s, i + 1, t.day) || t.day < 1 || t.day > days_in_month(t.year, t.month))
        return std::nullopt;
      t.precision = 3;
      i += 3;
    }
  }
  if (i < s.size() && s[i] == 'T') {
    if (kind == Kind::kDate) return std::nullopt;
    ++i;
    if (i < s.size() && t.precision == 3) {
      if (!parse_time_part(s, i, t)) return std::nullopt;
    }
  }
  if (i < s.size() && kind == Kind::kDateTime) {
    if (s[i] == 'Z') {
      t.has_tz = true;
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int h = 0;
      int m = 0;
      if (!two_digits(s, i + 1, h) || i + 3 >= s.size() || s[i + 3] != ':' || !two_digits(s, i + 4, m))
        return std::nullopt;
      t.has_tz = true;
      t.tz_minutes = (s[i] == '-' ? -1 : 1) * (h * 60 + m);
      i += 6;
    }
  }
  if (i != s.size()) return std::nullopt;
  return t;
}

std::string format_temporal(const Temporal& t, Kind kind) {
  char buf[64];
  std::string out;
  if (kind != Kind::kTime) {
    std::snprintf(buf, sizeof buf, "%04d", t.year);
    out = buf;
    if (t.precision >= 2) {
      std::snprintf(buf, sizeof buf, "-%02d", t.month);
      out += buf;
    }
    if (t.precision >= 3) {
      std::snprintf(buf, sizeof buf, "-%02d", t.day);
      out += buf;
    }
    if (kind == Kind::kDate || t.precision < 4) return out;
    out += 'T';
  }
  std::snprintf(buf, sizeof buf, "%02d", t.hour);
  out += buf;
  if (t.precision >= 5) {
    std::snprintf(buf, sizeof buf, ":%02d", t.minute);
    out += buf;
  }
  if (t.precision >= 6) {
    std::snprintf(buf, sizeof buf, ":%02d", t.second);
    out += buf;
  }
  if (t.precision >= 7) {
    std::snprintf(buf, sizeof buf, ".%03d", t.millis);
    out += buf;
  }
  if (kind == Kind::kDateTime && t.has_tz) {
    if (t.tz_minutes == 0) {
      out += 'Z';
    } else {
      int m = std::abs(t.tz_minutes);
      std::snprintf(buf, sizeof buf, "%c%02d:%02d", t.tz_minutes < 0 ? '-' : '+', m / 60, m % 60);
      out += buf;
    }
  }
  return out;
}

std::optional<int> compare_temporal(const Temporal& a0, const Temporal& b0, Kind kind) {
  Temporal a = normalized(a0, kind);
  Temporal b = normalized(b0, kind);
  // Seconds and milliseconds are one precision for comparison.
  int pa = a.precision == 7 ? 6 : a.precision;
  int pb = b.precision == 7 ? 6 : b.precision;
  int common = pa < pb ? pa : pb;
  const int ca[] = {0, a.year, a.month, a.day, a.hour, a.minute, a.second * 1000 + a.millis};
  const int cb[] = {0, b.year, b.month, b.day, b.hour, b.minute, b.second * 1000 + b.millis};
  for (int p = kind == Kind::kTime ? 4 : 1; p <= common; ++p) {
    if (ca[p] != cb[p]) return ca[p] < cb[p] ? -1 : 1;
  }
  if (pa != pb) return std::nullopt;
  return 0;
}

std::optional<Temporal> add_duration(const Temporal& t, Kind kind, long double amount,
                                     std::string_view unit) {
  std::string u(unit);
  if (!u.empty() && u.back() == 's' && u != "s" && u != "ms") u.pop_back();
  Temporal r = t;
  auto whole = static_cast<std::int64_t>(std::trunc(amount));
  if (u == "year" || u == "month") {
    if (kind == Kind::kTime) return std::nullopt;
    std::int64_t months = u == "year" ? whole * 12 : whole;
    if (r.precision < 2) months = months / 12 * 12;
    std::int64_t total = static_cast<std::int64_t>(r.year) * 12 + (r.month > 0 ? r.month - 1 : 0) + months;
    r.year = static_cast<int>(total / 12);
    if (r.precision >= 2) r.month = static_cast<int>(total % 12) + 1;
    if (r.precision >= 3 && r.day > days_in_month(r.year, r.month)) r.day = days_in_month(r.year, r.month);
    return r;
  }
  std::int64_t ms = 0;
  if (u == "week" || u == "wk")
    ms = whole * 7 * 86400000;
  else if (u == "day" || u == "d")
    ms = whole * 86400000;
  else if (u == "hour" || u == "h")
    ms = whole * 3600000;
  else if (u == "minute" || u == "min")
    ms = whole * 60000;
  else if (u == "second" || u == "s")
    ms = static_cast<std::int64_t>(std::llround(amount * 1000));
  else if (u == "millisecond" || u == "ms")
    ms = whole;
  else
    return std::nullopt;
  if (kind == Kind::kTime) {
    std::int64_t day = 86400000;
    std::int64_t base =
        ((static_cast<std::int64_t>(t.hour) * 60 + t.minute) * 60 + t.second) * 1000 + t.millis;
    std::int64_t v = ((base + ms) % day + day) % day;
    r.hour = static_cast<int>(v / 3600000);
    r.minute = static_cast<int>(v / 60000 % 60);
    r.second = static_cast<int>(v / 1000 % 60);
    r.millis = static_cast<int>(v % 1000);
    return r;
  }
  if (r.precision < 3) {
    // Below day precision the duration is truncated to whole years/months.
    std::int64_t days = ms / 86400000;
    return add_duration(t, kind, static_cast<long double>(r.precision < 2 ? days / 365 : days / 30),
                        r.precision < 2 ? "year" : "month");
  }
  from_millis(to_millis(t) + ms, r);
  r.precision = t.precision;
  return r;
}

Temporal now_temporal(const std::string& fixed) {
  if (!fixed.empty()) {
    if (auto t = parse_temporal(fixed, Kind::kDateTime)) return *t;
  }
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  Temporal t;
  from_millis(static_cast<std::int64_t>(ms), t);
  t.precision = 7;
  t.has_tz = true;
  return t;
}

std::string canonical_decimal(std::string_view text) {
  std::string s(text);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.erase(0, 1);
  }
  if (s.find_first_of("eE") != std::string::npos) return std::string(text);
  auto dot = s.find('.');
  if (dot != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  std::size_t lead = 0;
  while (lead + 1 < s.size() && s[lead] == '0' && s[lead + 1] != '.') ++lead;
  // Built by appending: GCC 12 -O3 reports a false -Wrestrict on erase/insert here.
  std::string out;
  out.reserve(s.size() + 1);
  const bool zero = lead >= s.size() || s.compare(lead, std::string::npos, "0") == 0;
  if (neg && !zero) out.push_back('-');
  if (lead >= s.size())
    out.push_back('0');
  else
    out.append(s, lead, std::string::npos);
  return out;
}

std::string decimal_text(long double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15Lg", d);
  std::string s = buf;
  if (s.find('e') != std::string::npos && std::fabs(static_cast<double>(d)) > 1e-10L) {
    std::snprintf(buf, sizeof buf, "%.15Lf", d);
    s = canonical_decimal(buf);
  }
  return s;
}

}  // namespace carnet::fhir::fhirpath::detail
