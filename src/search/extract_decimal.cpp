// Exact decimal arithmetic on digit strings, enough for the implicit ranges of
// http://hl7.org/fhir/R4/search.html#number ("100" means [99.5, 100.5)) and the
// UCUM unit factors, without the rounding of binary floating point.

#include "search/extract_decimal.hpp"

#include <algorithm>
#include <cstdint>

namespace carnet::search::detail {
namespace {

constexpr int kMaxExponent = 1000;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

void strip_leading_zeros(std::string& digits) {
  std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) {
    digits = "0";
  } else if (first > 0) {
    digits.erase(0, first);
  }
}

// |a| + n, |a| - n (requires |a| >= n) on digit strings, for small n.
std::string add_small(std::string digits, unsigned n) {
  unsigned carry = n;
  for (std::size_t i = digits.size(); i-- > 0 && carry > 0;) {
    unsigned sum = static_cast<unsigned>(digits[i] - '0') + carry;
    digits[i] = static_cast<char>('0' + sum % 10);
    carry = sum / 10;
  }
  while (carry > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + carry % 10));
    carry /= 10;
  }
  return digits;
}

std::string subtract_small(std::string digits, unsigned n) {
  int borrow = static_cast<int>(n);
  for (std::size_t i = digits.size(); i-- > 0 && borrow > 0;) {
    int d = (digits[i] - '0') - borrow % 10;
    borrow /= 10;
    if (d < 0) {
      d += 10;
      ++borrow;
    }
    digits[i] = static_cast<char>('0' + d);
  }
  strip_leading_zeros(digits);
  return digits;
}

bool less_than_small(const std::string& digits, unsigned n) {
  return digits.size() <= 9 && std::stoul(digits) < n;
}

// d + delta for a small signed delta at d's own scale.
Decimal add_at_scale(const Decimal& d, int delta) {
  Decimal out = d;
  const unsigned magnitude = static_cast<unsigned>(delta < 0 ? -delta : delta);
  const bool same_sign = d.digits == "0" || (delta < 0) == d.negative;
  if (same_sign) {
    out.negative = d.digits == "0" ? delta < 0 : d.negative;
    out.digits = add_small(d.digits, magnitude);
  } else if (less_than_small(d.digits, magnitude)) {
    out.negative = !d.negative;
    out.digits = std::to_string(magnitude - std::stoul(d.digits));
  } else {
    out.digits = subtract_small(d.digits, magnitude);
  }
  return out;
}

}  // namespace

std::optional<Decimal> parse_decimal(std::string_view text) {
  Decimal d;
  std::size_t pos = 0;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) d.negative = text[pos++] == '-';
  std::string digits;
  std::size_t int_start = pos;
  while (pos < text.size() && is_digit(text[pos])) digits.push_back(text[pos++]);
  if (pos == int_start) return std::nullopt;
  int fraction = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && is_digit(text[pos])) {
      digits.push_back(text[pos++]);
      ++fraction;
    }
    if (fraction == 0) return std::nullopt;
  }
  int exponent = 0;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    bool negative_exponent = false;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative_exponent = text[pos++] == '-';
    std::size_t exp_start = pos;
    while (pos < text.size() && is_digit(text[pos])) {
      exponent = exponent * 10 + (text[pos++] - '0');
      if (exponent > kMaxExponent) return std::nullopt;
    }
    if (pos == exp_start) return std::nullopt;
    if (negative_exponent) exponent = -exponent;
  }
  if (pos != text.size()) return std::nullopt;
  strip_leading_zeros(digits);
  d.digits = std::move(digits);
  d.scale = fraction - exponent;
  if (d.digits == "0") d.negative = false;
  return d;
}

std::string to_text(const Decimal& d) {
  std::string out;
  if (d.negative && d.digits != "0") out.push_back('-');
  if (d.scale <= 0) {
    out += d.digits;
    if (d.digits != "0") out.append(static_cast<std::size_t>(-d.scale), '0');
    return out;
  }
  const auto scale = static_cast<std::size_t>(d.scale);
  std::string digits = d.digits;
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  out.append(digits, 0, digits.size() - scale);
  out.push_back('.');
  out.append(digits, digits.size() - scale, scale);
  return out;
}

Decimal multiply(const Decimal& a, const Decimal& b) {
  std::vector<unsigned> acc(a.digits.size() + b.digits.size(), 0);
  for (std::size_t i = a.digits.size(); i-- > 0;)
    for (std::size_t j = b.digits.size(); j-- > 0;)
      acc[i + j + 1] += static_cast<unsigned>((a.digits[i] - '0') * (b.digits[j] - '0'));
  for (std::size_t k = acc.size(); k-- > 1;) {
    acc[k - 1] += acc[k] / 10;
    acc[k] %= 10;
  }
  Decimal out;
  out.digits.clear();
  for (unsigned v : acc) out.digits.push_back(static_cast<char>('0' + v));
  strip_leading_zeros(out.digits);
  out.scale = a.scale + b.scale;
  out.negative = out.digits != "0" && a.negative != b.negative;
  return out;
}

Decimal divide(const Decimal& a, const Decimal& divisor, int max_digits) {
  // a / (D × 10^-s) = (a × 10^s) / D, D a small integer (unit factors only).
  const std::uint64_t d = std::stoull(divisor.digits);
  Decimal out;
  out.negative = a.negative != divisor.negative;
  out.scale = a.scale - divisor.scale;
  out.digits.clear();
  std::uint64_t remainder = 0;
  int significant = 0;
  std::size_t i = 0;
  while (i < a.digits.size() || (remainder != 0 && significant < max_digits)) {
    const unsigned next = i < a.digits.size() ? static_cast<unsigned>(a.digits[i] - '0') : 0;
    if (i >= a.digits.size()) ++out.scale;  // digits past a's last one are fraction digits
    ++i;
    remainder = remainder * 10 + next;
    const auto q = static_cast<char>('0' + remainder / d);
    remainder %= d;
    if (q != '0' || significant > 0) ++significant;
    out.digits.push_back(q);
  }
  strip_leading_zeros(out.digits);
  if (out.digits == "0") out.negative = false;
  return out;
}

void half_unit_range(const Decimal& d, Decimal& low, Decimal& high) {
  Decimal tenfold = d;
  if (d.digits != "0") tenfold.digits.push_back('0');
  tenfold.scale = d.scale + 1;
  low = add_at_scale(tenfold, -5);
  high = add_at_scale(tenfold, 5);
}

}  // namespace carnet::search::detail
