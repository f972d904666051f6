// Existence, boolean-collection, utility and aggregate functions
// (http://hl7.org/fhirpath/N1/#existence, #utility-functions, #aggregates).

#include "fhir/fhirpath/functions.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

// True when some item is the Boolean `wanted`; throws when an item is not a Boolean.
bool any_is(const Collection& in, bool wanted, std::string_view what) {
  bool found = false;
  for (const Value& v : in) {
    Value s = to_system(v);
    if (s.kind != Kind::kBoolean) throw EvaluationError(std::string(what) + " expects booleans");
    if (s.boolean == wanted) found = true;
  }
  return found;
}

bool subset(const Collection& a, const Collection& b) {
  for (const Value& v : a)
    if (!contains_value(b, v)) return false;
  return true;
}

Value temporal_now(const Evaluator& ev, Kind kind, int precision) {
  Value v;
  v.kind = kind;
  v.temporal = now_temporal(ev.options().now);
  if (kind == Kind::kDate) v.temporal.has_tz = false;
  if (precision > 0) v.temporal.precision = precision;
  v.text = format_temporal(v.temporal, kind);
  return v;
}

}  // namespace

CARNET_FP_FN(fn_empty) {
  return bool_result(in.empty());
}

CARNET_FP_FN(fn_exists) {
  if (call.args.empty()) return bool_result(!in.empty());
  // Lenient like fhirpath.js: a criterion yielding several items counts as true.
  for (std::size_t i = 0; i < in.size(); ++i) {
    Collection r = ev.lambda(call, 0, in[i], static_cast<std::int64_t>(i), frame);
    if (r.size() > 1) return bool_result(true);
    auto b = to_boolean(r, "exists");
    if (b && *b) return bool_result(true);
  }
  return bool_result(false);
}

CARNET_FP_FN(fn_all) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    auto b = to_boolean(ev.lambda(call, 0, in[i], static_cast<std::int64_t>(i), frame), "all");
    if (!b || !*b) return bool_result(false);
  }
  return bool_result(true);
}

CARNET_FP_FN(fn_all_true) {
  return bool_result(!any_is(in, false, "allTrue()"));
}
CARNET_FP_FN(fn_any_true) {
  return bool_result(any_is(in, true, "anyTrue()"));
}
CARNET_FP_FN(fn_all_false) {
  return bool_result(!any_is(in, true, "allFalse()"));
}
CARNET_FP_FN(fn_any_false) {
  return bool_result(any_is(in, false, "anyFalse()"));
}

CARNET_FP_FN(fn_subset_of) {
  return bool_result(subset(in, ev.arg(call, 0, frame)));
}
CARNET_FP_FN(fn_superset_of) {
  return bool_result(subset(ev.arg(call, 0, frame), in));
}
CARNET_FP_FN(fn_count) {
  return single_result(make_integer(static_cast<std::int64_t>(in.size())));
}

CARNET_FP_FN(fn_distinct) {
  Collection out;
  for (const Value& v : in)
    if (!contains_value(out, v)) out.push_back(v);
  return out;
}

CARNET_FP_FN(fn_is_distinct) {
  Collection seen;
  for (const Value& v : in) {
    if (contains_value(seen, v)) return bool_result(false);
    seen.push_back(v);
  }
  return bool_result(true);
}

CARNET_FP_FN(fn_not) {
  auto b = to_boolean(in, "not()");
  if (!b) return {};
  return bool_result(!*b);
}

CARNET_FP_FN(fn_has_value) {
  if (in.size() != 1) return bool_result(false);
  const Value& v = in.front();
  if (v.kind != Kind::kNode) return bool_result(true);
  return bool_result(v.json != nullptr && !v.json->is_object() && !v.json->is_array());
}

CARNET_FP_FN(fn_get_value) {
  if (in.size() != 1) return {};
  const Value& v = in.front();
  if (v.kind == Kind::kNode && (v.json == nullptr || v.json->is_object() || v.json->is_array())) return {};
  Value s = to_system(v);
  return single_result(s);
}

CARNET_FP_FN(fn_iif) {
  if (in.size() > 1) throw EvaluationError("iif() expects at most one input item");
  auto run = [&](std::size_t i) {
    return in.size() == 1 ? ev.lambda(call, i, in.front(), frame.index, frame) : ev.arg(call, i, frame);
  };
  Collection criterion = run(0);
  if (criterion.size() == 1) {
    Value s = to_system(criterion.front());
    if (s.kind != Kind::kBoolean) throw EvaluationError("iif() criterion must be a boolean");
  }
  auto b = to_boolean(criterion, "iif()");
  if (b && *b) return run(1);
  if (call.args.size() > 2) return run(2);
  return {};
}

CARNET_FP_FN(fn_trace) {
  return in;
}

CARNET_FP_FN(fn_aggregate) {
  Collection total = call.args.size() > 1 ? ev.arg(call, 1, frame) : Collection{};
  for (std::size_t i = 0; i < in.size(); ++i) {
    Collection focus = single_result(in[i]);
    Frame f = frame;
    f.focus = &focus;
    f.self = &focus.front();
    f.index = static_cast<std::int64_t>(i);
    f.total = &total;
    Collection next = ev.eval(*call.args[0], f);
    total = std::move(next);
  }
  return total;
}

CARNET_FP_FN(fn_today) {
  return single_result(temporal_now(ev, Kind::kDate, 3));
}
CARNET_FP_FN(fn_now) {
  return single_result(temporal_now(ev, Kind::kDateTime, 0));
}
CARNET_FP_FN(fn_time_of_day) {
  return single_result(temporal_now(ev, Kind::kTime, 0));
}
CARNET_FP_FN(fn_empty_result) {
  return {};
}
CARNET_FP_FN(fn_true_result) {
  return bool_result(true);
}

// True when every item is a number or Quantity with a value (aggregates
// of anything else are empty, as in fhirpath.js).
bool all_numeric(const Collection& in) {
  for (const Value& v : in) {
    Value s = to_system(v);
    if (!is_number(s) && s.kind != Kind::kQuantity) return false;
  }
  return true;
}

CARNET_FP_FN(fn_sum) {
  if (in.empty() || !all_numeric(in)) return {};
  Value acc = to_system(in.front());
  for (std::size_t i = 1; i < in.size(); ++i) {
    auto r = arithmetic(BinaryOp::kAdd, acc, in[i]);
    if (!r) return {};
    acc = *r;
  }
  return single_result(acc);
}

CARNET_FP_FN(fn_min) {
  if (in.empty() || !all_numeric(in)) return {};
  Value best = to_system(in.front());
  for (const Value& v : in) {
    auto c = compare_values(v, best);
    if (c && *c < 0) best = to_system(v);
  }
  return single_result(best);
}

CARNET_FP_FN(fn_max) {
  if (in.empty() || !all_numeric(in)) return {};
  Value best = to_system(in.front());
  for (const Value& v : in) {
    auto c = compare_values(v, best);
    if (c && *c > 0) best = to_system(v);
  }
  return single_result(best);
}

CARNET_FP_FN(fn_avg) {
  if (in.empty() || !all_numeric(in)) return {};
  long double s = 0;
  for (const Value& v : in) {
    Value n = to_system(v);
    if (!is_number(n)) throw EvaluationError("avg() expects numbers");
    s += numeric(n);
  }
  return single_result(make_decimal(s / static_cast<long double>(in.size())));
}

}  // namespace carnet::fhir::fhirpath::detail
