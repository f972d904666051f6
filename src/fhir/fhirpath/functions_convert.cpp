// Conversion functions (http://hl7.org/fhirpath/N1/#conversion).

#include <algorithm>
#include <cctype>
#include <regex>

#include "fhir/fhirpath/functions.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

bool is_integer_text(const std::string& s) {
  static const std::regex kInt("[+-]?[0-9]+");
  return std::regex_match(s, kInt);
}

bool is_decimal_text(const std::string& s) {
  static const std::regex kDec("[+-]?[0-9]+(\\.[0-9]+)?");
  return std::regex_match(s, kDec);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Value temporal_value(Kind kind, const Temporal& t) {
  Value v;
  v.kind = kind;
  v.temporal = t;
  v.text = format_temporal(t, kind);
  return v;
}

using Converter = std::optional<Value> (*)(const Value& s, const Evaluator& ev, const Node& call,
                                           const Frame& frame);

std::optional<Value> conv_string(const Value& s, const Evaluator&, const Node&, const Frame&) {
  if (s.kind == Kind::kNode) return std::nullopt;
  return make_string(to_display(s));
}

std::optional<Value> conv_integer(const Value& s, const Evaluator&, const Node&, const Frame&) {
  if (s.kind == Kind::kInteger) return s;
  if (s.kind == Kind::kBoolean) return make_integer(s.boolean ? 1 : 0);
  if (s.kind == Kind::kString && is_integer_text(s.text)) {
    try {
      return make_integer(std::stoll(s.text));
    } catch (const std::out_of_range&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<Value> conv_decimal(const Value& s, const Evaluator&, const Node&, const Frame&) {
  if (s.kind == Kind::kDecimal) return s;
  if (s.kind == Kind::kInteger) return make_decimal_text(std::to_string(s.integer));
  if (s.kind == Kind::kBoolean) return make_decimal_text(s.boolean ? "1.0" : "0.0");
  if (s.kind == Kind::kString && is_decimal_text(s.text)) return make_decimal_text(s.text);
  return std::nullopt;
}

std::optional<Value> conv_boolean(const Value& s, const Evaluator&, const Node&, const Frame&) {
  if (s.kind == Kind::kBoolean) return s;
  if (s.kind == Kind::kInteger) {
    if (s.integer == 1 || s.integer == 0) return make_boolean(s.integer == 1);
    return std::nullopt;
  }
  if (s.kind == Kind::kDecimal) {
    if (s.decimal == 1 || s.decimal == 0) return make_boolean(s.decimal == 1);
    return std::nullopt;
  }
  if (s.kind == Kind::kString) {
    std::string t = lower(s.text);
    if (t == "true" || t == "t" || t == "yes" || t == "y" || t == "1" || t == "1.0")
      return make_boolean(true);
    if (t == "false" || t == "f" || t == "no" || t == "n" || t == "0" || t == "0.0")
      return make_boolean(false);
  }
  return std::nullopt;
}

std::optional<Value> conv_date(const Value& s, const Evaluator&, const Node&, const Frame&) {
  if (s.kind == Kind::kDate) return s;
  Temporal t;
  if (s.kind == Kind::kDateTime) {
    t = s.temporal;
  } else if (s.kind == Kind::kString) {
    auto p = parse_temporal(s.text, Kind::kDateTime);
    if (!p) return std::nullopt;
    t = *p;
  } else {
    return std::nullopt;
  }
  t.precision = std::min(t.precision, 3);
  t.has_tz = false;
  return temporal_value(Kind::kDate, t);
}

std::optional<Value> conv_date_time(const Value& s, const Evaluator&, const Node&, const Frame&) {
  if (s.kind == Kind::kDateTime) return s;
  if (s.kind == Kind::kDate) return temporal_value(Kind::kDateTime, s.temporal);
  if (s.kind == Kind::kString) {
    auto p = parse_temporal(s.text, Kind::kDateTime);
    if (p) return temporal_value(Kind::kDateTime, *p);
  }
  return std::nullopt;
}

std::optional<Value> conv_time(const Value& s, const Evaluator&, const Node&, const Frame&) {
  if (s.kind == Kind::kTime) return s;
  if (s.kind == Kind::kString) {
    std::string_view text = s.text;
    if (!text.empty() && text[0] == 'T') text.remove_prefix(1);
    auto p = parse_temporal(text, Kind::kTime);
    if (p) return temporal_value(Kind::kTime, *p);
  }
  return std::nullopt;
}

std::optional<Value> conv_quantity(const Value& s, const Evaluator& ev, const Node& call,
                                   const Frame& frame) {
  std::optional<Value> q;
  if (s.kind == Kind::kQuantity)
    q = s;
  else if (s.kind == Kind::kInteger || s.kind == Kind::kDecimal)
    q = make_quantity(s, "1");
  else if (s.kind == Kind::kBoolean)
    q = make_quantity(make_decimal_text(s.boolean ? "1.0" : "0.0"), "1");
  else if (s.kind == Kind::kString) {
    static const std::regex kQty(
        "\\s*([+-]?[0-9]+(?:\\.[0-9]+)?)\\s*(?:'([^']+)'|(years?|months?|weeks?|days?|hours?|minutes?|"
        "seconds?|milliseconds?))?\\s*");
    std::smatch m;
    if (!std::regex_match(s.text, m, kQty)) return std::nullopt;
    std::string unit = m[2].matched ? m[2].str() : m[3].matched ? m[3].str() : "1";
    q = make_quantity(make_decimal_text(m[1].str()), unit);
  }
  if (!q) return std::nullopt;
  if (!call.args.empty()) {
    auto unit = to_string_arg(ev.arg(call, 0, frame), "toQuantity()");
    if (unit && *unit != q->unit) return std::nullopt;  // No UCUM conversion yet.
  }
  return q;
}

Collection convert(const Collection& in, Converter c, const Evaluator& ev, const Node& call,
                   const Frame& frame, bool test) {
  auto v = singleton(in, call.name);
  if (!v) return {};
  auto r = c(to_system(*v), ev, call, frame);
  if (test) return bool_result(r.has_value());
  if (!r) return {};
  return single_result(*r);
}

}  // namespace

CARNET_FP_FN(fn_to_string) {
  return convert(in, conv_string, ev, call, frame, false);
}
CARNET_FP_FN(fn_to_integer) {
  return convert(in, conv_integer, ev, call, frame, false);
}
CARNET_FP_FN(fn_to_decimal) {
  return convert(in, conv_decimal, ev, call, frame, false);
}
CARNET_FP_FN(fn_to_boolean) {
  return convert(in, conv_boolean, ev, call, frame, false);
}
CARNET_FP_FN(fn_to_date) {
  return convert(in, conv_date, ev, call, frame, false);
}
CARNET_FP_FN(fn_to_date_time) {
  return convert(in, conv_date_time, ev, call, frame, false);
}
CARNET_FP_FN(fn_to_time) {
  return convert(in, conv_time, ev, call, frame, false);
}
CARNET_FP_FN(fn_to_quantity) {
  return convert(in, conv_quantity, ev, call, frame, false);
}
CARNET_FP_FN(fn_converts_to_string) {
  return convert(in, conv_string, ev, call, frame, true);
}
CARNET_FP_FN(fn_converts_to_integer) {
  return convert(in, conv_integer, ev, call, frame, true);
}
CARNET_FP_FN(fn_converts_to_decimal) {
  return convert(in, conv_decimal, ev, call, frame, true);
}
CARNET_FP_FN(fn_converts_to_boolean) {
  return convert(in, conv_boolean, ev, call, frame, true);
}
CARNET_FP_FN(fn_converts_to_date) {
  return convert(in, conv_date, ev, call, frame, true);
}
CARNET_FP_FN(fn_converts_to_date_time) {
  return convert(in, conv_date_time, ev, call, frame, true);
}
CARNET_FP_FN(fn_converts_to_time) {
  return convert(in, conv_time, ev, call, frame, true);
}
CARNET_FP_FN(fn_converts_to_quantity) {
  return convert(in, conv_quantity, ev, call, frame, true);
}

}  // namespace carnet::fhir::fhirpath::detail
