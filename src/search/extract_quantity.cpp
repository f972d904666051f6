// number and quantity values (http://hl7.org/fhir/R4/search.html#number,
// #quantity): exact decimal text with the implicit range of its precision, and
// for quantities the unit plus the UCUM canonical form when it converts simply.

#include "carnet/search/extractor.hpp"
#include "search/extract_shape.hpp"
#include "search/extract_values.hpp"

namespace carnet::search::detail {
namespace {

constexpr std::string_view kUcum = "http://unitsofmeasure.org";
constexpr std::string_view kCurrencies = "urn:iso:std:iso:4217";

std::string number_member(const core::Json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() ? std::string() : core::number_text(*it);
}

// The canonical form of each bound converted with the same factor, so that a
// precision range stays a precision range. An empty bound (open Range end) stays empty.
std::optional<NumberValue> canonical_of(const NumberValue& number, std::string_view code, std::string& unit) {
  std::optional<NumberValue> out{NumberValue{}};
  for (auto [from, to] : {std::pair{&number.value, &out->value}, std::pair{&number.low, &out->low},
                          std::pair{&number.high, &out->high}}) {
    if (from->empty()) continue;
    auto converted = ucum_canonical(*from, code);
    if (!converted) return std::nullopt;
    *to = std::move(converted->value);
    unit = std::move(converted->code);
  }
  return out;
}

void set_units(const core::Json& quantity, QuantityValue& q) {
  q.system = string_member(quantity, "system");
  q.unit = string_member(quantity, "unit");
  std::string_view code = string_member(quantity, "code");
  q.code = code.empty() ? q.unit : std::string(code);
  // Without a system, a code that UCUM knows is taken as UCUM (ucum_canonical says no otherwise).
  if ((q.system == kUcum || q.system.empty()) && !q.code.empty())
    q.canonical = canonical_of(q.number, q.code, q.canonical_code);
  if (!q.canonical) q.canonical_code.clear();
}

void add_quantity(const core::Json& quantity, std::vector<QuantityValue>& out) {
  auto number = number_range(number_member(quantity, "value"));
  if (!number) return;
  QuantityValue q;
  q.number = std::move(*number);
  set_units(quantity, q);
  out.push_back(std::move(q));
}

void add_money(const core::Json& money, std::vector<QuantityValue>& out) {
  auto number = number_range(number_member(money, "value"));
  if (!number) return;
  QuantityValue q;
  q.number = std::move(*number);
  q.code = string_member(money, "currency");
  if (!q.code.empty()) q.system = kCurrencies;
  out.push_back(std::move(q));
}

// A Range is searched as the interval [low, high] (search.html#quantity), not as one value.
void add_range(const core::Json& range, std::vector<QuantityValue>& out) {
  auto low = range.find("low");
  auto high = range.find("high");
  const core::Json* bound = low != range.end() && low->is_object()     ? &*low
                            : high != range.end() && high->is_object() ? &*high
                                                                       : nullptr;
  if (bound == nullptr) return;
  QuantityValue q;
  if (low != range.end() && low->is_object()) q.number.low = number_member(*low, "value");
  if (high != range.end() && high->is_object()) q.number.high = number_member(*high, "value");
  if (q.number.low.empty() && q.number.high.empty()) return;
  set_units(*bound, q);
  out.push_back(std::move(q));
}

}  // namespace

void numbers_of(const fp::Value& value, std::vector<NumberValue>& out) {
  if (shape_of(value) != Shape::number_primitive) return;
  if (auto number = number_range(primitive_text(value))) out.push_back(std::move(*number));
}

void quantities_of(const fp::Value& value, std::vector<QuantityValue>& out) {
  if (value.kind == fp::Kind::kQuantity) {
    auto number = number_range(value.text);
    if (!number) return;
    QuantityValue q;
    q.number = std::move(*number);
    q.code = value.unit;
    q.unit = value.unit;
    q.canonical = canonical_of(q.number, q.code, q.canonical_code);
    if (!q.canonical) q.canonical_code.clear();
    out.push_back(std::move(q));
    return;
  }
  switch (shape_of(value)) {
    case Shape::quantity: add_quantity(*value.json, out); return;
    case Shape::money: add_money(*value.json, out); return;
    case Shape::range: add_range(*value.json, out); return;
    default: return;
  }
}

}  // namespace carnet::search::detail
