// The function registry: name → implementation and arity, looked up once at
// compile time (http://hl7.org/fhirpath/N1/#functions, FHIR R4 §2.3.4 additions).

#include <string_view>

#include "fhir/fhirpath/functions.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

constexpr FunctionEntry kFunctions[] = {
    {"empty", fn_empty, 0, 0}, {"exists", fn_exists, 0, 1}, {"all", fn_all, 1, 1},
    {"allTrue", fn_all_true, 0, 0}, {"anyTrue", fn_any_true, 0, 0}, {"allFalse", fn_all_false, 0, 0},
    {"anyFalse", fn_any_false, 0, 0}, {"subsetOf", fn_subset_of, 1, 1}, {"supersetOf", fn_superset_of, 1, 1},
    {"count", fn_count, 0, 0}, {"distinct", fn_distinct, 0, 0}, {"isDistinct", fn_is_distinct, 0, 0},
    {"not", fn_not, 0, 0}, {"hasValue", fn_has_value, 0, 0}, {"getValue", fn_get_value, 0, 0},
    {"iif", fn_iif, 2, 3}, {"trace", fn_trace, 1, 2}, {"aggregate", fn_aggregate, 1, 2},
    {"today", fn_today, 0, 0}, {"now", fn_now, 0, 0}, {"timeOfDay", fn_time_of_day, 0, 0},
    {"memberOf", fn_empty_result, 1, 1}, {"conformsTo", fn_empty_result, 1, 1},
    {"subsumes", fn_empty_result, 1, 1}, {"subsumedBy", fn_empty_result, 1, 1},
    {"htmlChecks", fn_true_result, 0, 0}, {"htmlchecks", fn_true_result, 0, 0},
    {"sum", fn_sum, 0, 0}, {"min", fn_min, 0, 0}, {"max", fn_max, 0, 0}, {"avg", fn_avg, 0, 0},
    {"where", fn_where, 1, 1}, {"select", fn_select, 1, 1}, {"repeat", fn_repeat, 1, 1},
    {"ofType", fn_of_type, 1, 1}, {"as", fn_as, 1, 1}, {"is", fn_is, 1, 1}, {"single", fn_single, 0, 0},
    {"first", fn_first, 0, 0}, {"last", fn_last, 0, 0}, {"tail", fn_tail, 0, 0}, {"skip", fn_skip, 1, 1},
    {"take", fn_take, 1, 1}, {"intersect", fn_intersect, 1, 1}, {"exclude", fn_exclude, 1, 1},
    {"union", fn_union, 1, 1}, {"combine", fn_combine, 1, 1}, {"children", fn_children, 0, 0},
    {"descendants", fn_descendants, 0, 0}, {"extension", fn_extension, 1, 1}, {"resolve", fn_resolve, 0, 0},
    {"type", fn_type, 0, 0},
    {"startsWith", fn_starts_with, 1, 1}, {"endsWith", fn_ends_with, 1, 1}, {"contains", fn_contains, 1, 1},
    {"matches", fn_matches, 1, 2}, {"replaceMatches", fn_replace_matches, 2, 2}, {"indexOf", fn_index_of, 1, 1},
    {"substring", fn_substring, 1, 2}, {"upper", fn_upper, 0, 0}, {"lower", fn_lower, 0, 0},
    {"replace", fn_replace, 2, 2}, {"length", fn_length, 0, 0}, {"toChars", fn_to_chars, 0, 0},
    {"trim", fn_trim, 0, 0}, {"split", fn_split, 1, 1}, {"join", fn_join, 0, 1}, {"encode", fn_encode, 1, 1},
    {"decode", fn_decode, 1, 1},
    {"toString", fn_to_string, 0, 0}, {"toInteger", fn_to_integer, 0, 0}, {"toDecimal", fn_to_decimal, 0, 0},
    {"toBoolean", fn_to_boolean, 0, 0}, {"toDate", fn_to_date, 0, 0}, {"toDateTime", fn_to_date_time, 0, 0},
    {"toTime", fn_to_time, 0, 0}, {"toQuantity", fn_to_quantity, 0, 1},
    {"convertsToString", fn_converts_to_string, 0, 0}, {"convertsToInteger", fn_converts_to_integer, 0, 0},
    {"convertsToDecimal", fn_converts_to_decimal, 0, 0}, {"convertsToBoolean", fn_converts_to_boolean, 0, 0},
    {"convertsToDate", fn_converts_to_date, 0, 0}, {"convertsToDateTime", fn_converts_to_date_time, 0, 0},
    {"convertsToTime", fn_converts_to_time, 0, 0}, {"convertsToQuantity", fn_converts_to_quantity, 0, 1},
    {"yearOf", fn_year_of, 0, 0}, {"monthOf", fn_month_of, 0, 0}, {"dayOf", fn_day_of, 0, 0},
    {"hourOf", fn_hour_of, 0, 0}, {"minuteOf", fn_minute_of, 0, 0}, {"secondOf", fn_second_of, 0, 0},
    {"millisecondOf", fn_millisecond_of, 0, 0}, {"timezoneOffsetOf", fn_timezone_offset_of, 0, 0},
    {"dateOf", fn_date_of, 0, 0}, {"timeOf", fn_time_of, 0, 0}, {"precision", fn_precision, 0, 0},
    {"sort", fn_sort, 0, 8}, {"matchesFull", fn_matches_full, 1, 2}, {"lastIndexOf", fn_last_index_of, 1, 1},
    {"escape", fn_escape, 1, 1}, {"unescape", fn_unescape, 1, 1},
    {"abs", fn_abs, 0, 0}, {"ceiling", fn_ceiling, 0, 0}, {"floor", fn_floor, 0, 0}, {"round", fn_round, 0, 1},
    {"sqrt", fn_sqrt, 0, 0}, {"ln", fn_ln, 0, 0}, {"log", fn_log, 1, 1}, {"power", fn_power, 1, 1},
    {"exp", fn_exp, 0, 0}, {"truncate", fn_truncate, 0, 0},
};

}  // namespace

const FunctionEntry* find_function(std::string_view name) {
  for (const FunctionEntry& f : kFunctions)
    if (name == f.name) return &f;
  return nullptr;
}

}  // namespace carnet::fhir::fhirpath::detail
