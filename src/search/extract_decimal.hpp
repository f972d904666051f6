#pragma once
// Private: exact decimal texts as (digits, scale) for the number and quantity
// ranges and the UCUM conversions. No floating point: "1.50" stays 150 × 10^-2.

#include <optional>
#include <string>
#include <string_view>

namespace carnet::search::detail {

/// A decimal as sign × digits × 10^-scale. `digits` has no leading zeros ("0" for zero).
/// scale < 0 stands for trailing zeros that are not significant ("1e2": digits "1", scale -2).
struct Decimal {
  bool negative = false;
  std::string digits = "0";
  int scale = 0;
};

/// Parses JSON/FHIR number syntax ("-1.50", "1e2", "+3" also accepted). nullopt
/// when malformed or when the exponent is beyond ±1000.
std::optional<Decimal> parse_decimal(std::string_view text);

/// Plain text without exponent, keeping the scale ("1.50", "100" for 1e2).
std::string to_text(const Decimal& d);

/// a × b, exactly.
Decimal multiply(const Decimal& a, const Decimal& b);

/// a ÷ divisor. Exact when the quotient terminates within `max_digits`
/// significant digits, else truncated there (time units: /min, /h...).
Decimal divide(const Decimal& a, const Decimal& divisor, int max_digits = 20);

/// The implicit range [d - ½ unit of the last digit, d + ½ unit), exactly.
void half_unit_range(const Decimal& d, Decimal& low, Decimal& high);

}  // namespace carnet::search::detail
