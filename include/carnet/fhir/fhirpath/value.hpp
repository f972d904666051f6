#pragma once
/// FHIRPath values: the items of the collections an expression works on.
/// A value is either a node of the FHIR JSON tree being evaluated (with its FHIR
/// type when known) or a System value (Boolean, Integer, Decimal, String, Date,
/// DateTime, Time, Quantity) made by a literal, an operator or a function.
/// See http://hl7.org/fhirpath/N1/#types-and-reflection.

#include <cstdint>
#include <string>
#include <vector>

#include "carnet/core/json.hpp"

namespace carnet::fhir::fhirpath {

/// The kind of a value. kNode is an element of the evaluated resource.
enum class Kind : std::uint8_t {
  kNode,
  kBoolean,
  kInteger,
  kDecimal,
  kString,
  kDate,
  kDateTime,
  kTime,
  kQuantity,
};

/// A partial date, date-time or time (FHIRPath allows any prefix precision).
struct Temporal {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
  /// Components present: 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second,
  /// 7 millisecond. A Time starts at 4.
  int precision = 0;
  /// True when a time-zone offset (or Z) was given.
  bool has_tz = false;
  /// Offset from UTC in minutes when has_tz.
  int tz_minutes = 0;
};

/// One item of a collection. Plain data: copyable, no shared state.
struct Value {
  Kind kind = Kind::kBoolean;
  bool boolean = false;
  std::int64_t integer = 0;
  /// kDecimal, and the amount of a kQuantity.
  long double decimal = 0;
  /// kString: the string; kDecimal/kQuantity: the exact decimal text of the
  /// amount; kDate/kDateTime/kTime: the literal text (without `@`).
  std::string text;
  /// kQuantity: the UCUM unit or calendar duration keyword.
  std::string unit;
  /// kDate/kDateTime/kTime.
  Temporal temporal;
  /// kNode: the element; null when only the `_name` extension sibling exists.
  /// Points into the evaluated resource, which must outlive the value.
  const core::Json* json = nullptr;
  /// kNode: the `_name` sibling (id/extension of a primitive), or null.
  const core::Json* extension = nullptr;
  /// kNode: the FHIR type name ("Patient", "Quantity", "string") or "" when unknown.
  std::string type;
};

/// An ordered FHIRPath collection.
using Collection = std::vector<Value>;

/// Value factories. Thread-safe, noexcept apart from allocation.
Value make_boolean(bool b);
Value make_integer(std::int64_t i);
/// A Decimal from a number; its text is the shortest faithful rendering.
Value make_decimal(long double d);
/// A Decimal from its exact text (JSON/FHIRPath number syntax).
Value make_decimal_text(std::string text);
Value make_string(std::string s);
/// A Quantity of `amount` (a Decimal or Integer value) with `unit`.
Value make_quantity(const Value& amount, std::string unit);
/// A node of the tree, with its FHIR type when known.
Value make_node(const core::Json* json, const core::Json* extension, std::string type);

/// The JSON form of a value, as fhirpath.js reports results: primitives as
/// JSON primitives, dates and times as their text, Quantity as
/// "<value> '<unit>'", nodes as their JSON (null for an extension-only primitive).
core::Json to_json(const Value& v);

/// The FHIRPath string form of a value (toString()); "" for complex nodes.
std::string to_display(const Value& v);

}  // namespace carnet::fhir::fhirpath
