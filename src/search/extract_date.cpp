// date values (http://hl7.org/fhir/R4/search.html#date): every date is the
// range its precision and time zone denote; a Period is [start, end) with open
// ends at the extremes; a Timing is its events and its repeat.boundsPeriod.

#include "carnet/core/clock.hpp"
#include "search/extract_shape.hpp"
#include "search/extract_values.hpp"

namespace carnet::search::detail {
namespace {

void add_date(std::string_view text, std::vector<DateValue>& out) {
  if (auto range = core::parse_fhir_date_range(text)) out.push_back(DateValue{range->start, range->end});
}

// An absent bound is open; a bound that does not parse makes the period unusable.
void add_period(const core::Json& period, std::vector<DateValue>& out) {
  std::string_view start = string_member(period, "start");
  std::string_view end = string_member(period, "end");
  if (start.empty() && end.empty()) return;
  DateValue value{core::kMinInstant, core::kMaxInstant};
  if (!start.empty()) {
    auto range = core::parse_fhir_date_range(start);
    if (!range) return;
    value.low = range->start;
  }
  if (!end.empty()) {
    auto range = core::parse_fhir_date_range(end);
    if (!range) return;
    value.high = range->end;
  }
  out.push_back(value);
}

void add_timing(const core::Json& timing, std::vector<DateValue>& out) {
  if (auto events = timing.find("event"); events != timing.end() && events->is_array())
    for (const core::Json& event : *events)
      if (event.is_string()) add_date(event.get_ref<const std::string&>(), out);
  if (auto repeat = timing.find("repeat"); repeat != timing.end() && repeat->is_object())
    if (auto bounds = repeat->find("boundsPeriod"); bounds != repeat->end() && bounds->is_object())
      add_period(*bounds, out);
}

}  // namespace

void dates_of(const fp::Value& value, std::vector<DateValue>& out) {
  switch (shape_of(value)) {
    case Shape::string_primitive: add_date(primitive_text(value), out); return;
    case Shape::period: add_period(*value.json, out); return;
    case Shape::timing: add_timing(*value.json, out); return;
    default: return;
  }
}

}  // namespace carnet::search::detail
