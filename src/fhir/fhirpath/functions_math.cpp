// Math functions (http://hl7.org/fhirpath/N1/#math).

#include <cmath>

#include "fhir/fhirpath/functions.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

std::optional<Value> number_input(const Collection& in, std::string_view what) {
  auto v = value_singleton(in, what);
  if (!v) return std::nullopt;
  Value s = to_system(*v);
  if (!is_number(s) && s.kind != Kind::kQuantity)
    throw EvaluationError(std::string(what) + " expects a number");
  return s;
}

Collection decimal_or_empty(long double d) {
  if (std::isnan(d) || std::isinf(d)) return {};
  return single_result(make_decimal(d));
}

Collection to_integer_result(long double d) {
  if (std::isnan(d) || std::isinf(d)) return {};
  return single_result(make_integer(static_cast<std::int64_t>(d)));
}

// ceiling/floor/truncate of a Quantity keep its unit.
Collection rounded(const Value& v, long double d) {
  if (v.kind == Kind::kQuantity)
    return single_result(make_quantity(make_integer(static_cast<std::int64_t>(d)), v.unit));
  return to_integer_result(d);
}

}  // namespace

CARNET_FP_FN(fn_abs) {
  auto v = number_input(in, "abs()");
  if (!v) return {};
  if (v->kind == Kind::kInteger)
    return single_result(make_integer(v->integer < 0 ? -v->integer : v->integer));
  if (v->kind == Kind::kQuantity)
    return single_result(make_quantity(make_decimal(std::fabs(v->decimal)), v->unit));
  Value r = *v;
  if (!r.text.empty() && r.text[0] == '-') r.text.erase(0, 1);
  r.decimal = std::fabs(r.decimal);
  return single_result(r);
}

CARNET_FP_FN(fn_ceiling) {
  auto v = number_input(in, "ceiling()");
  if (!v) return {};
  return rounded(*v, std::ceil(v->kind == Kind::kQuantity ? v->decimal : numeric(*v)));
}

CARNET_FP_FN(fn_floor) {
  auto v = number_input(in, "floor()");
  if (!v) return {};
  return rounded(*v, std::floor(v->kind == Kind::kQuantity ? v->decimal : numeric(*v)));
}

CARNET_FP_FN(fn_truncate) {
  auto v = number_input(in, "truncate()");
  if (!v) return {};
  return rounded(*v, std::trunc(v->kind == Kind::kQuantity ? v->decimal : numeric(*v)));
}

CARNET_FP_FN(fn_round) {
  auto v = number_input(in, "round()");
  if (!v) return {};
  std::int64_t digits = 0;
  if (!call.args.empty()) {
    auto d = to_integer_arg(ev.arg(call, 0, frame), "round()");
    if (d) digits = *d;
    if (digits < 0) throw EvaluationError("round() precision must be >= 0");
  }
  long double scale = std::pow(10.0L, static_cast<long double>(digits));
  long double x = v->kind == Kind::kQuantity ? v->decimal : numeric(*v);
  long double r = std::round(x * scale) / scale;
  if (v->kind == Kind::kQuantity) return single_result(make_quantity(make_decimal(r), v->unit));
  if (digits == 0 && v->kind == Kind::kInteger)
    return single_result(make_integer(static_cast<std::int64_t>(r)));
  return single_result(make_decimal(r));
}

CARNET_FP_FN(fn_sqrt) {
  auto v = number_input(in, "sqrt()");
  if (!v) return {};
  long double x = numeric(*v);
  if (x < 0) return {};
  return decimal_or_empty(std::sqrt(x));
}

CARNET_FP_FN(fn_ln) {
  auto v = number_input(in, "ln()");
  if (!v) return {};
  return decimal_or_empty(std::log(numeric(*v)));
}

CARNET_FP_FN(fn_log) {
  auto v = number_input(in, "log()");
  auto b = number_input(ev.arg(call, 0, frame), "log()");
  if (!v || !b) return {};
  return decimal_or_empty(std::log(numeric(*v)) / std::log(numeric(*b)));
}

CARNET_FP_FN(fn_power) {
  auto v = number_input(in, "power()");
  auto e = number_input(ev.arg(call, 0, frame), "power()");
  if (!v || !e) return {};
  long double r = std::pow(numeric(*v), numeric(*e));
  if (v->kind == Kind::kInteger && e->kind == Kind::kInteger && e->integer >= 0 && !std::isnan(r) &&
      std::fabs(r) < 9.2e18L)
    return single_result(make_integer(static_cast<std::int64_t>(r)));
  return decimal_or_empty(r);
}

CARNET_FP_FN(fn_exp) {
  auto v = number_input(in, "exp()");
  if (!v) return {};
  return decimal_or_empty(std::exp(numeric(*v)));
}

}  // namespace carnet::fhir::fhirpath::detail
