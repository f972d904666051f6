// number_range: the implicit range of a decimal from its significant digits
// (http://hl7.org/fhir/R4/search.html#number: "100" matches [99.5, 100.5)).

#include "carnet/search/extractor.hpp"
#include "search/extract_decimal.hpp"

namespace carnet::search {

std::optional<NumberValue> number_range(std::string_view text) {
  auto d = detail::parse_decimal(text);
  if (!d) return std::nullopt;
  detail::Decimal low;
  detail::Decimal high;
  detail::half_unit_range(*d, low, high);
  return NumberValue{detail::to_text(*d), detail::to_text(low), detail::to_text(high)};
}

}  // namespace carnet::search
