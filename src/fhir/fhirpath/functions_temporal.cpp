// Date/time component functions of FHIRPath 2.0 (yearOf() ... timeOf(),
// http://hl7.org/fhirpath/2.0.0/#yearof-integer) and sort(); harmless N1 extensions
// that fhirpath.js supports.

#include <algorithm>

#include "fhir/fhirpath/functions.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

// The input as a Date/DateTime/Time (strings parsed), or nullopt.
std::optional<Value> temporal_input(const Collection& in, std::string_view what) {
  auto v = singleton(in, what);
  if (!v) return std::nullopt;
  Value s = to_system(*v);
  if (s.kind == Kind::kString) {
    Kind k = s.text.find('T') != std::string::npos ? Kind::kDateTime : Kind::kDate;
    auto t = parse_temporal(s.text, k);
    if (!t) return std::nullopt;
    s.kind = k;
    s.temporal = *t;
  }
  if (s.kind != Kind::kDate && s.kind != Kind::kDateTime && s.kind != Kind::kTime) return std::nullopt;
  return s;
}

// Component `precision` (1 year ... 7 millisecond) when present.
Collection component(const Collection& in, int precision, std::string_view what) {
  auto v = temporal_input(in, what);
  if (!v || v->temporal.precision < precision) return {};
  if (v->kind == Kind::kTime && precision < 4) return {};
  const Temporal& t = v->temporal;
  const int parts[] = {0, t.year, t.month, t.day, t.hour, t.minute, t.second, t.millis};
  return single_result(make_integer(parts[precision]));
}

}  // namespace

CARNET_FP_FN(fn_year_of) {
  return component(in, 1, "yearOf()");
}
CARNET_FP_FN(fn_month_of) {
  return component(in, 2, "monthOf()");
}
CARNET_FP_FN(fn_day_of) {
  return component(in, 3, "dayOf()");
}
CARNET_FP_FN(fn_hour_of) {
  return component(in, 4, "hourOf()");
}
CARNET_FP_FN(fn_minute_of) {
  return component(in, 5, "minuteOf()");
}
CARNET_FP_FN(fn_second_of) {
  return component(in, 6, "secondOf()");
}
CARNET_FP_FN(fn_millisecond_of) {
  return component(in, 7, "millisecondOf()");
}

CARNET_FP_FN(fn_timezone_offset_of) {
  auto v = temporal_input(in, "timezoneOffsetOf()");
  if (!v || v->kind != Kind::kDateTime || !v->temporal.has_tz) return {};
  return single_result(make_decimal(static_cast<long double>(v->temporal.tz_minutes) / 60.0L));
}

CARNET_FP_FN(fn_date_of) {
  auto v = temporal_input(in, "dateOf()");
  if (!v || v->kind == Kind::kTime) return {};
  Value r = *v;
  r.kind = Kind::kDate;
  r.temporal.precision = std::min(r.temporal.precision, 3);
  r.temporal.has_tz = false;
  r.text = format_temporal(r.temporal, Kind::kDate);
  return single_result(r);
}

CARNET_FP_FN(fn_time_of) {
  auto v = temporal_input(in, "timeOf()");
  if (!v || v->kind != Kind::kDateTime || v->temporal.precision < 4) return {};
  Value r = *v;
  r.kind = Kind::kTime;
  r.temporal.has_tz = false;
  r.text = format_temporal(r.temporal, Kind::kTime);
  return single_result(r);
}

CARNET_FP_FN(fn_precision) {
  auto v = singleton(in, "precision()");
  if (!v) return {};
  Value s = to_system(*v);
  if (s.kind == Kind::kDecimal) {
    auto dot = s.text.find('.');
    return single_result(
        make_integer(dot == std::string::npos ? 0 : static_cast<std::int64_t>(s.text.size() - dot - 1)));
  }
  if (s.kind == Kind::kInteger) return single_result(make_integer(0));
  if (s.kind == Kind::kDate || s.kind == Kind::kDateTime || s.kind == Kind::kTime) {
    static constexpr int kDigits[] = {0, 4, 6, 8, 10, 12, 14, 17};
    int p = s.temporal.precision;
    int digits = kDigits[p];
    if (s.kind == Kind::kTime) digits -= 8;
    return single_result(make_integer(digits));
  }
  return {};
}

CARNET_FP_FN(fn_sort) {
  // Keys: the item itself, or each argument evaluated per item; a leading unary
  // minus in an argument (e.g. sort(-$this)) sorts descending.
  struct Entry {
    Value item;
    std::vector<Value> keys;
  };
  std::vector<Entry> entries;
  std::vector<bool> descending;
  for (const auto& a : call.args) descending.push_back(a->kind == NodeKind::kUnary && a->name == "-");
  for (std::size_t i = 0; i < in.size(); ++i) {
    Entry e{in[i], {}};
    if (call.args.empty()) {
      e.keys.push_back(to_system(in[i]));
    } else {
      for (std::size_t k = 0; k < call.args.size(); ++k) {
        const Node& key = descending[k] ? *call.args[k]->args[0] : *call.args[k];
        Collection focus = single_result(in[i]);
        Frame f = frame;
        f.focus = &focus;
        f.self = &focus.front();
        f.index = static_cast<std::int64_t>(i);
        Collection r = ev.eval(key, f);
        e.keys.push_back(r.empty() ? Value{} : to_system(r.front()));
      }
    }
    entries.push_back(std::move(e));
  }
  std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    for (std::size_t k = 0; k < a.keys.size(); ++k) {
      auto c = compare_values(a.keys[k], b.keys[k]);
      if (!c || *c == 0) continue;
      bool desc = k < descending.size() && descending[k];
      return desc ? *c > 0 : *c < 0;
    }
    return false;
  });
  Collection out;
  for (auto& e : entries) out.push_back(std::move(e.item));
  return out;
}

}  // namespace carnet::fhir::fhirpath::detail
