#pragma once
// Private: the function implementations, one family per file, and the
// registry that maps names to them (functions.cpp).

#include "fhir/fhirpath/engine.hpp"

#define CARNET_FP_FN(fname)                                                                     \
  Collection fname([[maybe_unused]] const Evaluator& ev, [[maybe_unused]] const Collection& in, \
                   [[maybe_unused]] const Node& call, [[maybe_unused]] const Frame& frame)

namespace carnet::fhir::fhirpath::detail {

inline Collection single_result(Value v) {
  Collection c;
  c.push_back(std::move(v));
  return c;
}
inline Collection bool_result(bool b) {
  return single_result(make_boolean(b));
}

// functions_existence.cpp
CARNET_FP_FN(fn_empty);
CARNET_FP_FN(fn_exists);
CARNET_FP_FN(fn_all);
CARNET_FP_FN(fn_all_true);
CARNET_FP_FN(fn_any_true);
CARNET_FP_FN(fn_all_false);
CARNET_FP_FN(fn_any_false);
CARNET_FP_FN(fn_subset_of);
CARNET_FP_FN(fn_superset_of);
CARNET_FP_FN(fn_count);
CARNET_FP_FN(fn_distinct);
CARNET_FP_FN(fn_is_distinct);
CARNET_FP_FN(fn_not);
CARNET_FP_FN(fn_has_value);
CARNET_FP_FN(fn_get_value);
CARNET_FP_FN(fn_iif);
CARNET_FP_FN(fn_trace);
CARNET_FP_FN(fn_aggregate);
CARNET_FP_FN(fn_today);
CARNET_FP_FN(fn_now);
CARNET_FP_FN(fn_time_of_day);
CARNET_FP_FN(fn_empty_result);
CARNET_FP_FN(fn_true_result);
CARNET_FP_FN(fn_sum);
CARNET_FP_FN(fn_min);
CARNET_FP_FN(fn_max);
CARNET_FP_FN(fn_avg);

// functions_filter.cpp
CARNET_FP_FN(fn_where);
CARNET_FP_FN(fn_select);
CARNET_FP_FN(fn_repeat);
CARNET_FP_FN(fn_of_type);
CARNET_FP_FN(fn_as);
CARNET_FP_FN(fn_is);
CARNET_FP_FN(fn_single);
CARNET_FP_FN(fn_first);
CARNET_FP_FN(fn_last);
CARNET_FP_FN(fn_tail);
CARNET_FP_FN(fn_skip);
CARNET_FP_FN(fn_take);
CARNET_FP_FN(fn_intersect);
CARNET_FP_FN(fn_exclude);
CARNET_FP_FN(fn_union);
CARNET_FP_FN(fn_combine);
CARNET_FP_FN(fn_children);
CARNET_FP_FN(fn_descendants);
CARNET_FP_FN(fn_extension);
CARNET_FP_FN(fn_resolve);
CARNET_FP_FN(fn_type);

// functions_string.cpp
CARNET_FP_FN(fn_starts_with);
CARNET_FP_FN(fn_ends_with);
CARNET_FP_FN(fn_contains);
CARNET_FP_FN(fn_matches);
CARNET_FP_FN(fn_replace_matches);
CARNET_FP_FN(fn_index_of);
CARNET_FP_FN(fn_substring);
CARNET_FP_FN(fn_upper);
CARNET_FP_FN(fn_lower);
CARNET_FP_FN(fn_replace);
CARNET_FP_FN(fn_length);
CARNET_FP_FN(fn_to_chars);
CARNET_FP_FN(fn_trim);
CARNET_FP_FN(fn_split);
CARNET_FP_FN(fn_matches_full);
CARNET_FP_FN(fn_last_index_of);
CARNET_FP_FN(fn_escape);
CARNET_FP_FN(fn_unescape);
CARNET_FP_FN(fn_join);
CARNET_FP_FN(fn_encode);
CARNET_FP_FN(fn_decode);

// functions_convert.cpp
CARNET_FP_FN(fn_to_string);
CARNET_FP_FN(fn_to_integer);
CARNET_FP_FN(fn_to_decimal);
CARNET_FP_FN(fn_to_boolean);
CARNET_FP_FN(fn_to_date);
CARNET_FP_FN(fn_to_date_time);
CARNET_FP_FN(fn_to_time);
CARNET_FP_FN(fn_to_quantity);
CARNET_FP_FN(fn_converts_to_string);
CARNET_FP_FN(fn_converts_to_integer);
CARNET_FP_FN(fn_converts_to_decimal);
CARNET_FP_FN(fn_converts_to_boolean);
CARNET_FP_FN(fn_converts_to_date);
CARNET_FP_FN(fn_converts_to_date_time);
CARNET_FP_FN(fn_converts_to_time);
CARNET_FP_FN(fn_converts_to_quantity);

// functions_temporal.cpp
CARNET_FP_FN(fn_year_of);
CARNET_FP_FN(fn_month_of);
CARNET_FP_FN(fn_day_of);
CARNET_FP_FN(fn_hour_of);
CARNET_FP_FN(fn_minute_of);
CARNET_FP_FN(fn_second_of);
CARNET_FP_FN(fn_millisecond_of);
CARNET_FP_FN(fn_timezone_offset_of);
CARNET_FP_FN(fn_date_of);
CARNET_FP_FN(fn_time_of);
CARNET_FP_FN(fn_precision);
CARNET_FP_FN(fn_sort);

// functions_math.cpp
CARNET_FP_FN(fn_abs);
CARNET_FP_FN(fn_ceiling);
CARNET_FP_FN(fn_floor);
CARNET_FP_FN(fn_round);
CARNET_FP_FN(fn_sqrt);
CARNET_FP_FN(fn_ln);
CARNET_FP_FN(fn_log);
CARNET_FP_FN(fn_power);
CARNET_FP_FN(fn_exp);
CARNET_FP_FN(fn_truncate);

}  // namespace carnet::fhir::fhirpath::detail
