#include "store/pg/search_order.hpp"

#include "carnet/core/error.hpp"

namespace carnet::store::pg {
namespace {

using search::ParamType;

// The value of one parameter a resource is sorted on: with several values,
// the lowest when ascending and the highest when descending (a date range's
// start ascending, its end descending).
SortColumn param_column(const search::SortKey& key, const std::vector<std::string>& types) {
  const auto& p = *key.param;
  const std::string agg = key.descending ? "max" : "min";
  std::string table, aggregate, type;
  auto of = [&agg](const char* value) { return agg + "(" + value + ")"; };
  switch (p.type) {
    case ParamType::date:
      table = "idx_date", aggregate = date_sort_value("x", key.descending), type = "timestamptz";
      break;
    case ParamType::string: table = "idx_string", aggregate = of("x.norm"), type = "text"; break;
    case ParamType::token: table = "idx_token", aggregate = of("x.code"), type = "text"; break;
    case ParamType::number: table = "idx_number", aggregate = of("x.value"), type = "numeric"; break;
    case ParamType::quantity: table = "idx_quantity", aggregate = of("x.value"), type = "numeric"; break;
    case ParamType::uri: table = "idx_uri", aggregate = of("x.uri"), type = "text"; break;
    case ParamType::reference:
      table = "idx_reference";
      aggregate = of("coalesce(x.target_type || '/' || x.target_id, x.url)");
      type = "text";
      break;
    case ParamType::composite: table = "idx_composite", aggregate = of("x.c1_code"), type = "text"; break;
    case ParamType::special: throw core::invalid("The search results cannot be sorted on " + p.code, "_sort");
  }
  return {"(SELECT " + aggregate + " FROM " + table + " x WHERE x.rid = r.rid AND " +
              key_condition("x.key", p, types) + ")",
          type, key.descending};
}

}  // namespace

std::vector<SortColumn> sort_columns(const search::Query& q, const std::vector<std::string>& key_types) {
  std::vector<SortColumn> out;
  for (const auto& key : q.sort) {
    // _id and _lastUpdated are columns of the resource row, even when the
    // parser hands over their SearchParameter (they have no index entries).
    const std::string& code = key.param != nullptr ? key.param->code : key.code;
    if (code == "_id") {
      out.push_back({"r.res_id", "text", key.descending, true});
    } else if (code == "_lastUpdated") {
      out.push_back({"r.last_updated", "timestamptz", key.descending, true});
    } else if (key.param != nullptr) {
      out.push_back(param_column(key, key_types));
    } else {
      throw core::invalid("The search results cannot be sorted on " + key.code, "_sort");
    }
  }
  return out;
}

std::string sort_signature(const search::Query& q) {
  std::string out;
  for (const auto& key : q.sort) {
    out += (key.descending ? "-" : "") + (key.param != nullptr ? key.param->code : key.code) + ",";
  }
  return out + "rid";
}

std::string order_by_sql(const std::vector<SortColumn>& columns, bool reversed) {
  std::string out = "ORDER BY ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    // NULLS LAST in the page's order, so NULLS FIRST when walking it backwards.
    const bool descending = columns[i].descending != reversed;
    out += "m.s" + std::to_string(i) + (descending ? " DESC" : " ASC") +
           (reversed ? " NULLS FIRST, " : " NULLS LAST, ");
  }
  return out + (reversed ? "m.rid DESC" : "m.rid ASC");
}

std::string keyset_sql(const std::vector<SortColumn>& columns, const Cursor& cursor, SqlBuilder& b) {
  // (s0 beyond c0) OR (s0 = c0 AND s1 beyond c1) OR ... OR (all equal AND rid beyond).
  // "Beyond" is after in the order for a forward cursor, before for a backward one;
  // NULLs sort last, so after a non-NULL value come greater values and NULLs.
  std::string out = "(";
  std::string equal_so_far;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string s = "m.s" + std::to_string(i);
    const auto& c = cursor.values[i];
    const bool greater = columns[i].descending == cursor.backward;  // "beyond" means a greater value
    std::string beyond, equal;
    if (!c) {
      beyond = cursor.backward ? s + " IS NOT NULL" : "false";
      equal = s + " IS NULL";
    } else {
      const std::string v = b.param(*c, columns[i].type);
      beyond = "(" + s + (greater ? " > " : " < ") + v + (cursor.backward ? ")" : " OR " + s + " IS NULL)");
      equal = s + " = " + v;
    }
    out += (equal_so_far.empty() ? "" : "(" + equal_so_far + " AND ") + beyond +
           (equal_so_far.empty() ? "" : ")") + " OR ";
    equal_so_far += (equal_so_far.empty() ? "" : " AND ") + equal;
  }
  const std::string rid =
      "m.rid" + std::string(cursor.backward ? " < " : " > ") + b.param(std::to_string(cursor.rid), "bigint");
  out += equal_so_far.empty() ? rid : "(" + equal_so_far + " AND " + rid + ")";
  return out + ")";
}

}  // namespace carnet::store::pg
