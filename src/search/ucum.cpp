// A small UCUM converter (https://ucum.org/ucum) for quantity search in
// canonical units (http://hl7.org/fhir/R4/search.html#quantity: "5.4 mg" finds
// "0.0054 g"). It handles what clinical data mostly uses: SI prefixes on the
// metric atoms, a few customary atoms, time units, integer exponents, products
// ('.'), divisions ('/'), 10*n factors and {annotations}. Anything else is
// "not convertible" (nullopt) and the quantity is indexed by its own unit only.
//
// Arithmetic is exact decimal (extract_decimal.hpp); only a division by a unit
// factor that is not a power of ten (/min, /h...) is cut at 20 significant digits.

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "carnet/search/extractor.hpp"
#include "search/extract_decimal.hpp"

namespace carnet::search {
namespace {

using detail::Decimal;

struct Atom {
  std::string_view code;
  std::string_view factor;     ///< value of 1 unit in the canonical atom
  std::string_view canonical;  ///< the canonical atom
  bool metric;                 ///< takes SI prefixes
  bool alone = false;          ///< non-ratio scale (Cel): convertible only on its own
};

// Canonical atoms are UCUM base units except L, eq, U, [iU], %, mm[Hg] and
// cm[H2O], kept because clinical values are compared in them and a search in
// those units must find them unchanged.
constexpr Atom kAtoms[] = {
    {"g", "1", "g", true},
    {"m", "1", "m", true},
    {"L", "1", "L", true},
    {"l", "1", "L", true},
    {"s", "1", "s", true},
    {"mol", "1", "mol", true},
    {"eq", "1", "eq", true},
    {"U", "1", "U", true},
    {"[iU]", "1", "[iU]", true},
    {"[IU]", "1", "[iU]", true},
    {"min", "60", "s", false},
    {"h", "3600", "s", false},
    {"d", "86400", "s", false},
    {"wk", "604800", "s", false},
    {"mo", "2629800", "s", false},  // mean Julian month
    {"a", "31557600", "s", false},  // Julian year
    {"%", "1", "%", false},
    {"mm[Hg]", "1", "mm[Hg]", false},
    {"cm[H2O]", "1", "cm[H2O]", false},
    {"[lb_av]", "453.59237", "g", false},
    {"[oz_av]", "28.349523125", "g", false},
    {"[in_i]", "0.0254", "m", false},
    {"[ft_i]", "0.3048", "m", false},
    {"Cel", "1", "Cel", false, true},
    {"[degF]", "1", "[degF]", false, true},
};

struct Prefix {
  std::string_view code;
  int exponent;
};
constexpr Prefix kPrefixes[] = {{"da", 1}, {"Y", 24}, {"Z", 21}, {"E", 18},  {"P", 15},  {"T", 12},
                                {"G", 9},  {"M", 6},  {"k", 3},  {"h", 2},   {"d", -1},  {"c", -2},
                                {"m", -3}, {"u", -6}, {"n", -9}, {"p", -12}, {"f", -15}, {"a", -18}};

Decimal power_of_ten(int exponent) {
  return Decimal{false, "1", -exponent};
}

const Decimal& atom_factor(const Atom& atom) {
  static const std::map<std::string_view, Decimal> factors = [] {
    std::map<std::string_view, Decimal> out;
    for (const Atom& a : kAtoms) out.emplace(a.code, *detail::parse_decimal(a.factor));
    return out;
  }();
  return factors.at(atom.code);
}

const Atom* find_atom(std::string_view code) {
  for (const Atom& a : kAtoms)
    if (a.code == code) return &a;
  return nullptr;
}

// The units of a code, reduced: factor and canonical atom → net exponent.
struct Reduced {
  Decimal numerator{false, "1", 0};
  Decimal denominator{false, "1", 0};
  std::map<std::string_view, int> atoms;
  bool alone = false;
  int terms = 0;
};

void apply(Reduced& r, const Decimal& factor, int exponent) {
  for (int i = 0; i < (exponent < 0 ? -exponent : exponent); ++i) {
    Decimal& side = exponent > 0 ? r.numerator : r.denominator;
    side = detail::multiply(side, factor);
  }
}

// One term: "mg", "m2", "10*3", "s-1" (sign: +1 numerator, -1 denominator).
bool add_term(std::string_view term, int sign, Reduced& r) {
  if (term.empty()) return true;  // "/min", or an annotation alone
  ++r.terms;
  if (term.rfind("10*", 0) == 0 || term.rfind("10^", 0) == 0) {
    auto e = detail::parse_decimal(term.substr(3));
    if (!e || e->scale != 0 || e->digits.size() > 3) return false;
    const int exponent = std::stoi(e->digits) * (e->negative ? -1 : 1);
    apply(r, power_of_ten(exponent), sign);
    return true;
  }
  int exponent = 1;
  std::size_t end = term.size();
  while (end > 0 && term[end - 1] >= '0' && term[end - 1] <= '9') --end;
  if (end < term.size() && end > 0 && term[end - 1] != ']') {
    std::size_t digits_start = end;
    if (term.size() - digits_start > 1) return false;  // exponents are -4..4: "m99999999999" is no unit
    if (end > 1 && (term[end - 1] == '-' || term[end - 1] == '+')) --end;
    exponent = term[digits_start] - '0';
    if (term[end] == '-') exponent = -exponent;
    if (exponent == 0 || exponent > 4 || exponent < -4) return false;
    term = term.substr(0, end);
  }
  const Atom* atom = find_atom(term);
  Decimal factor;
  if (atom != nullptr) {
    factor = atom_factor(*atom);
  } else {
    for (const Prefix& p : kPrefixes) {
      if (term.size() <= p.code.size() || term.substr(0, p.code.size()) != p.code) continue;
      const Atom* base = find_atom(term.substr(p.code.size()));
      if (base == nullptr || !base->metric) continue;
      atom = base;
      factor = detail::multiply(power_of_ten(p.exponent), atom_factor(*base));
      break;
    }
  }
  if (atom == nullptr) return false;
  if (atom->alone) r.alone = true;
  apply(r, factor, sign * exponent);
  r.atoms[atom->canonical] += sign * exponent;
  return true;
}

std::string strip_annotations(std::string_view code) {
  std::string out;
  int depth = 0;
  for (char c : code) {
    if (c == '{')
      ++depth;
    else if (c == '}')
      depth = depth > 0 ? depth - 1 : 0;
    else if (depth == 0)
      out.push_back(c);
  }
  return out;
}

std::optional<Reduced> reduce(std::string_view code) {
  Reduced r;
  const std::string bare = strip_annotations(code);
  std::string_view rest = bare;
  int sign = 1;
  while (true) {
    const std::size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    while (true) {
      const std::size_t dot = part.find('.');
      if (!add_term(part.substr(0, dot), sign, r)) return std::nullopt;
      if (dot == std::string_view::npos) break;
      part = part.substr(dot + 1);
    }
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
    sign = -1;  // UCUM: a/b/c = a.b-1.c-1
  }
  if (r.alone && (r.terms != 1 || r.atoms.size() != 1 || r.atoms.begin()->second != 1)) return std::nullopt;
  return r;
}

std::string canonical_code(const std::map<std::string_view, int>& atoms) {
  std::string numerator;
  std::string denominator;
  for (const auto& [atom, exponent] : atoms) {
    if (exponent == 0) continue;
    const int magnitude = exponent < 0 ? -exponent : exponent;
    std::string term(atom);
    if (magnitude != 1) term += std::to_string(magnitude);
    if (exponent > 0) {
      if (!numerator.empty()) numerator.push_back('.');
      numerator += term;
    } else {
      denominator.push_back('/');
      denominator += term;
    }
  }
  if (numerator.empty() && denominator.empty()) return "1";
  return numerator + denominator;
}

}  // namespace

std::optional<CanonicalQuantity> ucum_canonical(std::string_view value, std::string_view ucum_code) {
  if (ucum_code.empty()) return std::nullopt;
  auto amount = detail::parse_decimal(value);
  if (!amount) return std::nullopt;
  auto reduced = reduce(ucum_code);
  if (!reduced || reduced->terms == 0) return std::nullopt;
  if (reduced->denominator.digits.size() > 17) return std::nullopt;  // divide() takes a 64-bit divisor
  // A factor beyond 10^±100 ("10*999.10*999...") is no real unit, and its
  // canonical value would overflow PostgreSQL's numeric: not convertible.
  for (const Decimal* d : {&reduced->numerator, &reduced->denominator}) {
    if (static_cast<std::size_t>(std::abs(d->scale)) + d->digits.size() > 100) return std::nullopt;
  }
  Decimal result = detail::multiply(*amount, reduced->numerator);
  if (reduced->denominator.digits != "1" || reduced->denominator.scale != 0)
    result = detail::divide(result, reduced->denominator);
  return CanonicalQuantity{detail::to_text(result), canonical_code(reduced->atoms)};
}

}  // namespace carnet::search
