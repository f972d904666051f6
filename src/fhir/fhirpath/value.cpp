// Value factories and the JSON/string renderings of values.

#include "carnet/fhir/fhirpath/value.hpp"

#include <cstdlib>

#include "fhir/fhirpath/engine.hpp"

namespace carnet::fhir::fhirpath {

Value make_boolean(bool b) {
  Value v;
  v.kind = Kind::kBoolean;
  v.boolean = b;
  return v;
}

Value make_integer(std::int64_t i) {
  Value v;
  v.kind = Kind::kInteger;
  v.integer = i;
  return v;
}

Value make_decimal(long double d) {
  Value v;
  v.kind = Kind::kDecimal;
  v.decimal = d;
  v.text = detail::decimal_text(d);
  return v;
}

Value make_decimal_text(std::string text) {
  Value v;
  v.kind = Kind::kDecimal;
  v.decimal = std::strtold(text.c_str(), nullptr);
  v.text = std::move(text);
  return v;
}

Value make_string(std::string s) {
  Value v;
  v.kind = Kind::kString;
  v.text = std::move(s);
  return v;
}

Value make_quantity(const Value& amount, std::string unit) {
  Value v;
  v.kind = Kind::kQuantity;
  if (amount.kind == Kind::kInteger) {
    v.decimal = static_cast<long double>(amount.integer);
    v.text = std::to_string(amount.integer);
  } else {
    v.decimal = amount.decimal;
    v.text = amount.text;
  }
  v.unit = std::move(unit);
  return v;
}

Value make_node(const core::Json* json, const core::Json* extension, std::string type) {
  Value v;
  v.kind = Kind::kNode;
  v.json = json;
  v.extension = extension;
  v.type = std::move(type);
  return v;
}

core::Json to_json(const Value& v) {
  switch (v.kind) {
    case Kind::kNode:
      if (v.json == nullptr) return nullptr;
      if (core::is_decimal(*v.json))
        return static_cast<double>(std::strtold(core::number_text(*v.json).c_str(), nullptr));
      return *v.json;
    case Kind::kBoolean: return v.boolean;
    case Kind::kInteger: return v.integer;
    case Kind::kDecimal: return static_cast<double>(v.decimal);
    case Kind::kString: return v.text;
    case Kind::kDate:
    case Kind::kDateTime:
    case Kind::kTime: return v.text;
    case Kind::kQuantity: return to_display(v);
  }
  return nullptr;
}

std::string to_display(const Value& v) {
  switch (v.kind) {
    case Kind::kNode: {
      if (v.json == nullptr) return {};
      const core::Json& j = *v.json;
      if (j.is_string()) return j.get<std::string>();
      if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
      if (j.is_number() || core::is_decimal(j)) return core::number_text(j);
      Value s = detail::to_system(v);
      return s.kind == Kind::kNode ? std::string() : to_display(s);
    }
    case Kind::kBoolean: return v.boolean ? "true" : "false";
    case Kind::kInteger: return std::to_string(v.integer);
    case Kind::kDecimal: return v.text;
    case Kind::kString: return v.text;
    case Kind::kDate:
    case Kind::kDateTime:
    case Kind::kTime: return detail::format_temporal(v.temporal, v.kind);
    case Kind::kQuantity: {
      static constexpr std::string_view kCalendar[] = {
          "year", "years", "month",  "months",  "week",   "weeks",   "day",         "days",
          "hour", "hours", "minute", "minutes", "second", "seconds", "millisecond", "milliseconds"};
      for (auto c : kCalendar)
        if (c == v.unit) return v.text + " " + v.unit;
      return v.text + " '" + v.unit + "'";
    }
  }
  return {};
}

}  // namespace carnet::fhir::fhirpath
