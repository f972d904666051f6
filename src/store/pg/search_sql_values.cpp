// The conditions of one search value on the columns of an index row
// (http://hl7.org/fhir/R4/search.html#ptypes). The criterion around them
// (search_sql.cpp) OR-s the values and wraps them in EXISTS.
#include <chrono>
#include <string>
#include <variant>

#include "carnet/core/error.hpp"
#include "store/pg/search_sql.hpp"
#include "store/pg/statements.hpp"

namespace carnet::store::pg {
namespace {

using search::Modifier;
using search::Prefix;

std::string col(std::string_view cols, std::string_view name) {
  return std::string(cols) + std::string(name);
}

std::string any_of(const std::vector<std::string>& parts, std::string_view none = "false") {
  if (parts.empty()) return std::string(none);
  if (parts.size() == 1) return parts[0];
  std::string out = "(";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? " OR " : "") + parts[i];
  return out + ")";
}

std::string all_of(const std::vector<std::string>& parts) {
  if (parts.empty()) return "true";
  std::string out = "(";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? " AND " : "") + parts[i];
  return out + ")";
}

// token (search.html#token): [code], [system]|[code], |[code], [system]|, and
// the modifiers that change what is compared. :not and :not-in are the
// negation of the plain / :in match: search_sql.cpp wraps them in NOT EXISTS.
std::string token_sql(const search::TokenQuery& q, Modifier m, std::string_view cols, SqlBuilder& b,
                      bool has_type_columns) {
  if (m == Modifier::text) return col(cols, "text") + " LIKE " + b.param(like_escape(q.text) + "%");
  if (m == Modifier::of_type && has_type_columns) {
    return all_of({col(cols, "type_system") + " = " + b.param(q.type_system),
                   col(cols, "type_code") + " = " + b.param(q.type_code),
                   col(cols, "code") + " = " + b.param(q.code.value_or(""))});
  }
  const bool expands =
      m == Modifier::in || m == Modifier::not_in || m == Modifier::below || m == Modifier::above;
  if (expands &&
      (!q.codes.empty() || !q.whole_systems.empty() || m == Modifier::in || m == Modifier::not_in)) {
    // A value set / hierarchy: its (system, code) pairs, plus whole systems.
    std::vector<std::string> parts;
    if (!q.codes.empty()) {
      std::vector<std::string> systems, codes;
      for (const auto& [system, code] : q.codes) {
        systems.push_back(system);
        codes.push_back(code);
      }
      const std::string c = b.array(codes);
      // code = ANY lets the (key, code, system) index find the rows; the pairs check the systems.
      parts.push_back("(" + col(cols, "code") + " = ANY(" + c + ") AND (" + col(cols, "system") + ", " +
                      col(cols, "code") + ") IN (SELECT * FROM unnest(" + b.array(systems) + ", " + c +
                      ")))");
    }
    if (!q.whole_systems.empty())
      parts.push_back(col(cols, "system") + " = ANY(" + b.array(q.whole_systems) + ")");
    return any_of(parts);
  }
  std::vector<std::string> parts;
  if (q.system) parts.push_back(col(cols, "system") + " = " + b.param(*q.system));
  if (q.code) parts.push_back(col(cols, "code") + " = " + b.param(*q.code));
  return all_of(parts);
}

// string (search.html#string): starts-with on the normalized form by default.
std::string string_sql(const search::StringQuery& q, Modifier m, std::string_view cols, SqlBuilder& b) {
  const std::string norm = col(cols, "norm");
  if (m == Modifier::exact) {
    // The normalized form of an exact match is equal too: it lets the index on norm find the rows.
    return "(" + norm + " = " + b.param(q.normalized) + " AND " + col(cols, "exact") + " = " +
           b.param(q.exact) + ")";
  }
  if (m == Modifier::contains) return norm + " LIKE " + b.param("%" + like_escape(q.normalized) + "%");
  return norm + " LIKE " + b.param(like_escape(q.normalized) + "%");
}

// The columns of a number: the value and, on the index tables, the range of
// a Range (value NULL, an open end NULL).
struct NumberColumns {
  std::string value, low, high;  // low/high empty: points only (composite components)
};

// number (search.html#number, #prefix) on a stored point v and the query's
// value q with its implicit range [lo, hi): eq is lo <= v < hi, ne its
// negation; gt/lt compare with q; ge/le are gt/lt or eq (v >= lo, v < hi);
// sa/eb are above/below the whole range; ap is ±10 % of q (at least the
// implicit range). A stored Range [L, H] follows the prefix definitions on
// ranges, as dates do.
std::string number_sql(Prefix prefix, const search::NumberValue& q, const NumberColumns& c, SqlBuilder& b) {
  // Each placeholder is made when first used: a parameter the SQL never
  // mentions would have no type.
  std::string lo_, hi_, v_;
  auto param = [&](std::string& slot, const std::string& text) -> const std::string& {
    if (slot.empty()) slot = b.param(text.empty() ? q.value : text, "numeric");
    return slot;
  };
  auto lo = [&]() -> const std::string& { return param(lo_, q.low); };
  auto hi = [&]() -> const std::string& { return param(hi_, q.high); };
  auto v = [&]() -> const std::string& { return param(v_, q.value); };
  const std::string& x = c.value;
  std::string point;
  switch (prefix) {
    case Prefix::eq: point = "(" + x + " >= " + lo() + " AND " + x + " < " + hi() + ")"; break;
    case Prefix::ne: point = "NOT (" + x + " >= " + lo() + " AND " + x + " < " + hi() + ")"; break;
    case Prefix::gt: point = x + " > " + v(); break;
    case Prefix::lt: point = x + " < " + v(); break;
    case Prefix::ge: point = x + " >= " + lo(); break;
    case Prefix::le: point = x + " < " + hi(); break;
    case Prefix::sa: point = x + " >= " + hi(); break;
    case Prefix::eb: point = x + " < " + lo(); break;
    case Prefix::ap:
      point = "(" + x + " >= least(" + lo() + ", " + v() + " - abs(" + v() + ") * 0.1) AND " + x +
              " <= greatest(" + hi() + ", " + v() + " + abs(" + v() + ") * 0.1))";
      break;
  }
  if (c.low.empty()) return point;
  const std::string l = "coalesce(" + c.low + ", '-Infinity')", h = "coalesce(" + c.high + ", 'Infinity')";
  auto eq = [&] { return "(" + l + " >= " + lo() + " AND " + h + " <= " + hi() + ")"; };
  std::string range;
  switch (prefix) {
    case Prefix::eq: range = eq(); break;
    case Prefix::ne: range = "NOT " + eq(); break;
    case Prefix::gt: range = h + " > " + v(); break;
    case Prefix::lt: range = l + " < " + v(); break;
    case Prefix::ge: range = "(" + h + " > " + v() + " OR " + eq() + ")"; break;
    case Prefix::le: range = "(" + l + " < " + v() + " OR " + eq() + ")"; break;
    case Prefix::sa: range = l + " >= " + hi(); break;
    case Prefix::eb: range = h + " <= " + lo(); break;
    case Prefix::ap:
      range = "(" + l + " <= greatest(" + hi() + ", " + v() + " + abs(" + v() + ") * 0.1) AND " + h +
              " >= least(" + lo() + ", " + v() + " - abs(" + v() + ") * 0.1))";
      break;
  }
  return "((" + x + " IS NOT NULL AND " + point + ") OR (" + x + " IS NULL AND " + range + "))";
}

// quantity (search.html#quantity): the number, plus system and code (code
// compared with the stored code or unit). When the query converts to UCUM
// canonical units, rows with a canonical form are compared on it.
std::string quantity_sql(const search::QuantityQuery& q, std::string_view cols, bool table, SqlBuilder& b) {
  const NumberColumns raw_columns =
      table ? NumberColumns{col(cols, "value"), col(cols, "low"), col(cols, "high")}
            : NumberColumns{col(cols, "value"), "", ""};
  std::vector<std::string> raw{number_sql(q.prefix, q.value, raw_columns, b)};
  if (q.system && !q.system->empty()) raw.push_back(col(cols, "system") + " = " + b.param(*q.system));
  if (!q.code.empty()) {
    const std::string code = b.param(q.code);
    raw.push_back(table ? "(" + col(cols, "code") + " = " + code + " OR " + col(cols, "unit") + " = " + code +
                              ")"
                        : col(cols, "code") + " = " + code);
  }
  if (!q.canonical || q.canonical_code.empty()) return all_of(raw);
  const NumberColumns canonical = table
                                      ? NumberColumns{col(cols, "canonical_value"),
                                                      col(cols, "canonical_low"), col(cols, "canonical_high")}
                                      : NumberColumns{col(cols, "cvalue"), "", ""};
  const std::string ccode = table ? col(cols, "canonical_code") : col(cols, "ccode");
  return "((" + ccode + " = " + b.param(q.canonical_code) + " AND " +
         number_sql(q.prefix, *q.canonical, canonical, b) + ") OR (" + ccode + " IS NULL AND " + all_of(raw) +
         "))";
}

// reference (search.html#reference).
std::string reference_sql(const search::ReferenceQuery& q, Modifier m, std::string_view cols,
                          const std::vector<std::string>& targets, SqlBuilder& b) {
  if (m == Modifier::identifier) {
    std::vector<std::string> parts{col(cols, "identifier_value") + " = " + b.param(q.identifier_value)};
    if (q.identifier_system)
      parts.push_back(col(cols, "identifier_system") + " = " + b.param(*q.identifier_system));
    return all_of(parts);
  }
  if (!q.url.empty()) {
    std::vector<std::string> parts{col(cols, "url") + " = " + b.param(q.url)};
    if (!q.canonical_version.empty()) {
      parts.push_back(col(cols, "canonical_version") + " = " + b.param(q.canonical_version));
    }
    return all_of(parts);
  }
  std::vector<std::string> parts{col(cols, "target_id") + " = " + b.param(q.id)};
  if (!q.type.empty()) {
    parts.push_back(col(cols, "target_type") + " = " + b.param(q.type));
  } else if (!targets.empty()) {
    parts.push_back(col(cols, "target_type") + " = ANY(" + b.array(targets) + ")");
  }
  if (q.version)
    parts.push_back(col(cols, "target_version") + " = " + b.param(std::to_string(*q.version), "integer"));
  return all_of(parts);
}

// uri (search.html#uri): exact; :below and :above match on whole path
// segments ("http://a.org/fhir" is below "http://a.org", not "http://a.or").
std::string uri_sql(const search::UriQuery& q, Modifier m, std::string_view cols, SqlBuilder& b) {
  const std::string uri = col(cols, "uri");
  if (m == Modifier::below) {
    std::string base = q.uri;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return "(" + uri + " = " + b.param(q.uri) + " OR " + uri + " LIKE " + b.param(like_escape(base) + "/%") +
           ")";
  }
  if (m == Modifier::above) {
    // The stored uri is the value or one of its prefixes ending before a '/'.
    std::vector<std::string> prefixes{q.uri};
    for (std::size_t i = q.uri.find('/'); i != std::string::npos; i = q.uri.find('/', i + 1)) {
      if (i > 0) prefixes.push_back(q.uri.substr(0, i));
      prefixes.push_back(q.uri.substr(0, i + 1));
    }
    return uri + " = ANY(" + b.array(prefixes) + ")";
  }
  return uri + " = " + b.param(q.uri);
}

// Open ends (kMinInstant/kMaxInstant) are not widened.
std::pair<core::Instant, core::Instant> approximate(const search::DateQuery& q) {
  if (q.low == core::kMinInstant || q.high == core::kMaxInstant) return {q.low, q.high};
  const auto now = core::now();
  const auto mid = q.low + (q.high - q.low) / 2;
  const auto gap = mid > now ? mid - now : now - mid;
  const auto widen = gap / 10;  // 10 % of the distance between now and the date (search.html#prefix)
  return {q.low - widen, q.high + widen};
}

}  // namespace

std::string like_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string date_sql(const search::DateQuery& q, std::string_view low_expr, std::string_view high_expr,
                     SqlBuilder& b) {
  const std::string low(low_expr), high(high_expr);
  auto at = [&](core::Instant t) { return b.param(instant_text(t), "timestamptz"); };
  // The stored range lies within the query range.
  auto eq = [&] { return "(" + low + " >= " + at(q.low) + " AND " + high + " <= " + at(q.high) + ")"; };
  switch (q.prefix) {
    case Prefix::eq: return eq();
    case Prefix::ne: return "NOT " + eq();
    case Prefix::gt: return high + " > " + at(q.high);
    case Prefix::lt: return low + " < " + at(q.low);
    case Prefix::ge: return "(" + high + " > " + at(q.high) + " OR " + eq() + ")";
    case Prefix::le: return "(" + low + " < " + at(q.low) + " OR " + eq() + ")";
    case Prefix::sa: return low + " >= " + at(q.high);
    case Prefix::eb: return high + " <= " + at(q.low);
    case Prefix::ap: {
      auto [wlo, whi] = approximate(q);
      return "(" + low + " < " + at(whi) + " AND " + high + " > " + at(wlo) + ")";
    }
  }
  return "false";
}

std::string instant_sql(const search::DateQuery& q, std::string_view column_expr, SqlBuilder& b) {
  // A point t is the range [t, t + 1 µs): the range conditions simplify to
  // comparisons on the column itself, which its index can answer.
  const std::string t(column_expr);
  auto at = [&](core::Instant i) { return b.param(instant_text(i), "timestamptz"); };
  switch (q.prefix) {
    case Prefix::eq: return "(" + t + " >= " + at(q.low) + " AND " + t + " < " + at(q.high) + ")";
    case Prefix::ne: return "NOT (" + t + " >= " + at(q.low) + " AND " + t + " < " + at(q.high) + ")";
    case Prefix::gt:
    case Prefix::sa: return t + " >= " + at(q.high);
    case Prefix::lt:
    case Prefix::eb: return t + " < " + at(q.low);
    case Prefix::ge: return t + " >= " + at(q.low);
    case Prefix::le: return t + " < " + at(q.high);
    case Prefix::ap: {
      auto [wlo, whi] = approximate(q);
      return "(" + t + " >= " + at(wlo) + " AND " + t + " < " + at(whi) + ")";
    }
  }
  return "false";
}

std::string value_sql(const search::QueryValue& v, Modifier m, std::string_view cols,
                      const std::vector<std::string>& targets, SqlBuilder& b) {
  return std::visit(
      [&](const auto& q) -> std::string {
        using T = std::decay_t<decltype(q)>;
        if constexpr (std::is_same_v<T, search::TokenQuery>) {
          return token_sql(q, m, cols, b, true);
        } else if constexpr (std::is_same_v<T, search::StringQuery>) {
          return string_sql(q, m, cols, b);
        } else if constexpr (std::is_same_v<T, search::DateQuery>) {
          return date_sql(q, col(cols, "low"), col(cols, "high"), b);
        } else if constexpr (std::is_same_v<T, search::NumberQuery>) {
          return number_sql(q.prefix, q.value, {col(cols, "value"), col(cols, "low"), col(cols, "high")}, b);
        } else if constexpr (std::is_same_v<T, search::QuantityQuery>) {
          return quantity_sql(q, cols, true, b);
        } else if constexpr (std::is_same_v<T, search::ReferenceQuery>) {
          return reference_sql(q, m, cols, targets, b);
        } else if constexpr (std::is_same_v<T, search::UriQuery>) {
          return uri_sql(q, m, cols, b);
        } else {
          // composite: each component on its own columns (migrations/0003); up to 3 are indexed.
          if (q.components.size() > 3) throw core::invalid("Composite values have at most 3 components");
          std::vector<std::string> parts;
          for (std::size_t i = 0; i < q.components.size(); ++i) {
            parts.push_back(
                component_sql(q.components[i], std::string(cols) + "c" + std::to_string(i + 1) + "_", b));
          }
          return all_of(parts);
        }
      },
      v);
}

std::string component_sql(const search::ComponentQuery& v, std::string_view cols, SqlBuilder& b) {
  const std::string text = col(cols, "text");
  return std::visit(
      [&](const auto& q) -> std::string {
        using T = std::decay_t<decltype(q)>;
        if constexpr (std::is_same_v<T, search::TokenQuery>) {
          return token_sql(q, Modifier::none, cols, b, false);
        } else if constexpr (std::is_same_v<T, search::StringQuery>) {
          return text + " LIKE " + b.param(like_escape(q.normalized) + "%");
        } else if constexpr (std::is_same_v<T, search::DateQuery>) {
          return date_sql(q, col(cols, "dlow"), col(cols, "dhigh"), b);
        } else if constexpr (std::is_same_v<T, search::NumberQuery>) {
          return number_sql(q.prefix, q.value, {col(cols, "value"), "", ""}, b);
        } else if constexpr (std::is_same_v<T, search::QuantityQuery>) {
          return quantity_sql(q, cols, false, b);
        } else if constexpr (std::is_same_v<T, search::ReferenceQuery>) {
          // Stored as "Type/id" (local) or the URL.
          if (!q.url.empty()) return text + " = " + b.param(q.url);
          if (!q.type.empty()) return text + " = " + b.param(q.type + "/" + q.id);
          return text + " LIKE " + b.param("%/" + like_escape(q.id));
        } else {
          return text + " = " + b.param(q.uri);
        }
      },
      v);
}

}  // namespace carnet::store::pg
