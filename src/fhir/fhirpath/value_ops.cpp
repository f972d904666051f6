// Equality, equivalence, ordering and arithmetic of values
// (http://hl7.org/fhirpath/N1/#operations).

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "fhir/fhirpath/engine.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

bool is_temporal(Kind k) {
  return k == Kind::kDate || k == Kind::kDateTime || k == Kind::kTime;
}

bool is_quantity_type(std::string_view t) {
  return t == "Quantity" || t == "Age" || t == "Duration" || t == "Distance" || t == "Count" ||
         t == "SimpleQuantity" || t == "MoneyQuantity";
}

std::string number_text_of(const Value& v) {
  return v.kind == Kind::kInteger ? std::to_string(v.integer) : v.text;
}

// Calendar keywords and their UCUM definite-duration equivalents (seconds and below only).
std::string unit_key(std::string_view u) {
  std::string s(u);
  if (s.size() > 1 && s.back() == 's' && s != "ms" && s != "s" && s.find('\'') == std::string::npos &&
      (s == "years" || s == "months" || s == "weeks" || s == "days" || s == "hours" || s == "minutes" ||
       s == "seconds" || s == "milliseconds"))
    s.pop_back();
  if (s == "second") return "s";
  if (s == "millisecond") return "ms";
  return s;
}

// A Quantity of unit '1' against a number: compare as numbers (UCUM dimensionless).
void unitless(Value& a, Value& b) {
  auto fix = [](Value& q, const Value& n) {
    if (q.kind == Kind::kQuantity && q.unit == "1" && is_number(n)) q = make_decimal_text(q.text);
  };
  fix(a, b);
  fix(b, a);
}

// Brings a string to the temporal kind of the other operand when it parses.
bool align(Value& a, Value& b) {
  unitless(a, b);
  auto fix = [](Value& s, const Value& t) {
    if (s.kind != Kind::kString || !is_temporal(t.kind)) return;
    Kind k = t.kind == Kind::kTime                                                ? Kind::kTime
             : s.text.find('T') != std::string::npos || t.kind == Kind::kDateTime ? Kind::kDateTime
                                                                                  : Kind::kDate;
    if (auto p = parse_temporal(s.text, k)) {
      s.kind = k;
      s.temporal = *p;
    }
  };
  fix(a, b);
  fix(b, a);
  if (is_temporal(a.kind) && is_temporal(b.kind)) {
    if ((a.kind == Kind::kTime) != (b.kind == Kind::kTime)) return false;
    return true;
  }
  return true;
}

int fraction_digits(const std::string& t) {
  auto dot = t.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(t.size() - dot - 1);
}

// String equivalence: case-insensitive, each whitespace character (NBSP too) as one space.
std::string lower(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      out += ' ';
      ++i;
    } else if (std::isspace(c) != 0) {
      out += ' ';
    } else {
      out += static_cast<char>(std::tolower(c));
    }
  }
  return out;
}

}  // namespace

bool is_number(const Value& v) {
  return v.kind == Kind::kInteger || v.kind == Kind::kDecimal;
}

long double numeric(const Value& v) {
  return v.kind == Kind::kInteger ? static_cast<long double>(v.integer) : v.decimal;
}

Value to_system(const Value& v) {
  if (v.kind != Kind::kNode || v.json == nullptr) return v;
  const core::Json& j = *v.json;
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    // Untyped (no model) strings that look like FHIR dates/dateTimes are taken as such.
    const bool date_like =
        v.type.empty() && s.size() >= 7 && s[4] == '-' && std::isdigit(static_cast<unsigned char>(s[0])) != 0;
    Kind k = date_like          ? (s.find('T') != std::string::npos ? Kind::kDateTime : Kind::kDate)
             : v.type == "date" ? Kind::kDate
             : v.type == "dateTime" || v.type == "instant" ? Kind::kDateTime
             : v.type == "time"                            ? Kind::kTime
                                                           : Kind::kString;
    if (k != Kind::kString) {
      if (auto t = parse_temporal(s, k)) {
        Value r;
        r.kind = k;
        r.temporal = *t;
        r.text = s;
        return r;
      }
    }
    return make_string(s);
  }
  if (j.is_boolean()) return make_boolean(j.get<bool>());
  if (core::is_decimal(j) || j.is_number_float()) return make_decimal_text(core::number_text(j));
  if (j.is_number_integer()) {
    if (v.type == "decimal") return make_decimal_text(core::number_text(j));
    return make_integer(j.get<std::int64_t>());
  }
  if (j.is_object() && j.contains("value") && (is_quantity_type(v.type) || v.type.empty())) {
    const core::Json& amount = j["value"];
    if (!(amount.is_number() || core::is_decimal(amount))) return v;
    if (v.type.empty() && !j.contains("unit") && !j.contains("code")) return v;
    Value a = make_decimal_text(core::number_text(amount));
    std::string unit;
    if (j.contains("code") && j["code"].is_string())
      unit = j["code"].get<std::string>();
    else if (j.contains("unit") && j["unit"].is_string())
      unit = j["unit"].get<std::string>();
    return make_quantity(a, unit);
  }
  return v;
}

std::optional<Value> singleton(const Collection& c, std::string_view what) {
  if (c.empty()) return std::nullopt;
  if (c.size() > 1)
    throw EvaluationError(std::string(what) + " expects a single item, got " + std::to_string(c.size()));
  return c.front();
}

std::optional<Value> value_singleton(const Collection& c, std::string_view what) {
  auto v = singleton(c, what);
  if (v && v->kind == Kind::kNode && v->json == nullptr) return std::nullopt;
  return v;
}

std::optional<bool> to_boolean(const Collection& c, std::string_view what) {
  auto v = value_singleton(c, what);
  if (!v) return std::nullopt;
  Value s = to_system(*v);
  if (s.kind == Kind::kBoolean) return s.boolean;
  return true;
}

std::optional<std::string> to_string_arg(const Collection& c, std::string_view what) {
  auto v = value_singleton(c, what);
  if (!v) return std::nullopt;
  if (v->kind == Kind::kNode && v->json != nullptr && v->json->is_string())
    return v->json->get<std::string>();
  Value s = to_system(*v);
  if (s.kind == Kind::kString || is_temporal(s.kind)) return s.text;
  throw EvaluationError(std::string(what) + " expects a string");
}

std::optional<std::int64_t> to_integer_arg(const Collection& c, std::string_view what) {
  auto v = value_singleton(c, what);
  if (!v) return std::nullopt;
  Value s = to_system(*v);
  if (s.kind == Kind::kInteger) return s.integer;
  throw EvaluationError(std::string(what) + " expects an integer");
}

std::optional<bool> equal_values(const Value& a0, const Value& b0) {
  // Two primitives of the tree are equal only when their extensions are too.
  if (a0.kind == Kind::kNode && b0.kind == Kind::kNode &&
      (a0.extension != nullptr || b0.extension != nullptr)) {
    if (a0.extension == nullptr || b0.extension == nullptr || !(*a0.extension == *b0.extension)) return false;
  }
  Value a = to_system(a0);
  Value b = to_system(b0);
  if (a.kind == Kind::kNode || b.kind == Kind::kNode) {
    if (a.kind != b.kind) return false;
    if (a.json == nullptr || b.json == nullptr) {
      if (a.json != b.json) return false;
      if (a.extension == nullptr || b.extension == nullptr) return a.extension == b.extension;
      return *a.extension == *b.extension;
    }
    return *a.json == *b.json;
  }
  if (!align(a, b)) return false;
  if (is_number(a) && is_number(b)) {
    if (a.kind == Kind::kInteger && b.kind == Kind::kInteger) return a.integer == b.integer;
    return canonical_decimal(number_text_of(a)) == canonical_decimal(number_text_of(b));
  }
  if (a.kind != b.kind) {
    if (is_temporal(a.kind) && is_temporal(b.kind)) {
      auto c = compare_temporal(a.temporal, b.temporal, Kind::kDateTime);
      if (!c) return std::nullopt;
      return *c == 0;
    }
    return false;
  }
  switch (a.kind) {
    case Kind::kBoolean: return a.boolean == b.boolean;
    case Kind::kString: return a.text == b.text;
    case Kind::kDate:
    case Kind::kDateTime:
    case Kind::kTime: {
      auto c = compare_temporal(a.temporal, b.temporal, a.kind);
      if (!c) return std::nullopt;
      return *c == 0;
    }
    case Kind::kQuantity:
      if (unit_key(a.unit) != unit_key(b.unit)) return std::nullopt;
      return canonical_decimal(a.text) == canonical_decimal(b.text);
    default: return false;
  }
}

bool equivalent_values(const Value& a0, const Value& b0) {
  if (a0.kind == Kind::kNode && b0.kind == Kind::kNode && a0.json == nullptr && b0.json == nullptr)
    return true;
  Value a = to_system(a0);
  Value b = to_system(b0);
  if (!align(a, b)) return false;
  if (a.kind == Kind::kString && b.kind == Kind::kString) return lower(a.text) == lower(b.text);
  if ((is_number(a) && is_number(b)) || (a.kind == Kind::kQuantity && b.kind == Kind::kQuantity)) {
    if (a.kind == Kind::kQuantity && unit_key(a.unit) != unit_key(b.unit)) return false;
    std::string ta = canonical_decimal(number_text_of(a));
    std::string tb = canonical_decimal(number_text_of(b));
    int digits = std::min(fraction_digits(ta), fraction_digits(tb));
    long double scale = std::pow(10.0L, static_cast<long double>(digits));
    return std::llround(numeric(a) * scale) == std::llround(numeric(b) * scale);
  }
  if (is_temporal(a.kind) && is_temporal(b.kind)) {
    auto c = compare_temporal(a.temporal, b.temporal, a.kind == b.kind ? a.kind : Kind::kDateTime);
    return c && *c == 0;
  }
  auto e = equal_values(a, b);
  return e && *e;
}

std::optional<int> compare_values(const Value& a0, const Value& b0) {
  Value a = to_system(a0);
  Value b = to_system(b0);
  align(a, b);
  if (is_number(a) && is_number(b)) {
    if (a.kind == Kind::kInteger && b.kind == Kind::kInteger)
      return a.integer < b.integer ? -1 : a.integer > b.integer ? 1 : 0;
    long double x = numeric(a);
    long double y = numeric(b);
    if (canonical_decimal(number_text_of(a)) == canonical_decimal(number_text_of(b))) return 0;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.kind == Kind::kString && b.kind == Kind::kString) {
    int c = a.text.compare(b.text);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (is_temporal(a.kind) && is_temporal(b.kind) && (a.kind == Kind::kTime) == (b.kind == Kind::kTime))
    return compare_temporal(a.temporal, b.temporal, a.kind == b.kind ? a.kind : Kind::kDateTime);
  if (a.kind == Kind::kQuantity && b.kind == Kind::kQuantity) {
    if (unit_key(a.unit) != unit_key(b.unit)) return std::nullopt;
    return a.decimal < b.decimal ? -1 : a.decimal > b.decimal ? 1 : 0;
  }
  throw EvaluationError("operands cannot be compared");
}

bool contains_value(const Collection& c, const Value& v) {
  for (const Value& x : c) {
    auto e = equal_values(x, v);
    if (e && *e) return true;
  }
  return false;
}

std::optional<Value> arithmetic(BinaryOp op, const Value& a0, const Value& b0) {
  Value a = to_system(a0);
  Value b = to_system(b0);
  if (is_number(a) && is_number(b)) {
    bool ints = a.kind == Kind::kInteger && b.kind == Kind::kInteger;
    long double x = numeric(a);
    long double y = numeric(b);
    switch (op) {
      case BinaryOp::kAdd:
      case BinaryOp::kSub:
      case BinaryOp::kMul:
        if (ints) {
          std::int64_t r = 0;
          bool over = op == BinaryOp::kAdd   ? __builtin_add_overflow(a.integer, b.integer, &r)
                      : op == BinaryOp::kSub ? __builtin_sub_overflow(a.integer, b.integer, &r)
                                             : __builtin_mul_overflow(a.integer, b.integer, &r);
          if (over) return std::nullopt;
          return make_integer(r);
        }
        return make_decimal(op == BinaryOp::kAdd ? x + y : op == BinaryOp::kSub ? x - y : x * y);
      case BinaryOp::kDiv:
        if (y == 0) return std::nullopt;
        return make_decimal(x / y);
      case BinaryOp::kIntDiv:
        if (y == 0) return std::nullopt;
        if (ints) return make_integer(a.integer / b.integer);
        return make_integer(static_cast<std::int64_t>(std::trunc(x / y)));
      case BinaryOp::kMod:
        if (y == 0) return std::nullopt;
        if (ints) return make_integer(a.integer % b.integer);
        return make_decimal(std::fmod(x, y));
      default: break;
    }
  }
  if (op == BinaryOp::kAdd && a.kind == Kind::kString && b.kind == Kind::kString)
    return make_string(a.text + b.text);
  if ((op == BinaryOp::kAdd || op == BinaryOp::kSub) && is_temporal(a.kind) && b.kind == Kind::kQuantity) {
    long double amount = op == BinaryOp::kSub ? -b.decimal : b.decimal;
    auto t = add_duration(a.temporal, a.kind, amount, b.unit);
    if (!t) throw EvaluationError("cannot add '" + b.unit + "' to a date/time");
    Value r = a;
    r.temporal = *t;
    r.text = format_temporal(*t, a.kind);
    return r;
  }
  if (a.kind == Kind::kQuantity || b.kind == Kind::kQuantity) {
    if ((op == BinaryOp::kAdd || op == BinaryOp::kSub) && a.kind == b.kind) {
      if (unit_key(a.unit) != unit_key(b.unit)) return std::nullopt;
      return make_quantity(make_decimal(op == BinaryOp::kAdd ? a.decimal + b.decimal : a.decimal - b.decimal),
                           a.unit);
    }
    if (op == BinaryOp::kMul || op == BinaryOp::kDiv) {
      long double x = a.kind == Kind::kQuantity ? a.decimal : numeric(a);
      long double y = b.kind == Kind::kQuantity ? b.decimal : numeric(b);
      if (op == BinaryOp::kDiv && y == 0) return std::nullopt;
      std::string unit;
      if (a.kind == Kind::kQuantity && b.kind == Kind::kQuantity) {
        // Unit algebra needs UCUM; only dimensionless factors are handled.
        if (b.unit == "1")
          unit = a.unit;
        else if (a.unit == "1" && op == BinaryOp::kMul)
          unit = b.unit;
        else
          return std::nullopt;
      } else {
        unit = a.kind == Kind::kQuantity ? a.unit : b.unit;
      }
      return make_quantity(make_decimal(op == BinaryOp::kMul ? x * y : x / y), unit);
    }
  }
  throw EvaluationError("operator not defined for these operand types");
}

}  // namespace carnet::fhir::fhirpath::detail
