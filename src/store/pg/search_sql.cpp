// Criteria → SQL conditions on a resource row: each criterion an EXISTS (or
// NOT EXISTS) subquery on its index table, keyed by rid and the parameter's
// index key, so that the planner can drive the search from the index tables.
#include "store/pg/search_sql.hpp"

#include <algorithm>

#include "carnet/core/error.hpp"
#include "store/pg/patient_key.hpp"
#include "store/pg/statements.hpp"

namespace carnet::store::pg {
namespace {

using search::Criterion;
using search::Modifier;
using search::ParamType;

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

// The types whose index keys a criterion uses: those the caller gives (the
// searched types, a chain's targets, the _has type), else its own.
std::vector<std::string> types_of(const Criterion& c, const std::vector<std::string>& context) {
  if (!context.empty()) return context;
  if (!c.resource_type.empty()) return {c.resource_type};
  return {};
}

// The reference targets a criterion may point to: `:Type` or the chain's
// types, else the parameter's.
std::vector<std::string> targets_of(const Criterion& c) {
  if (!c.target_types.empty()) return c.target_types;
  if (c.param != nullptr) return c.param->targets;
  return {};
}

const search::SearchParameter& param_of(const Criterion& c) {
  if (c.param == nullptr) throw core::invalid("A search criterion has no parameter");
  return *c.param;
}

// EXISTS (SELECT 1 FROM <table> x WHERE x.rid = <alias>.rid AND <key>): any value at all.
std::string exists_row(const char* table, const search::SearchParameter& param,
                       const std::vector<std::string>& types, std::string_view alias, SqlBuilder& b) {
  const std::string x = b.alias("x");
  return "EXISTS (SELECT 1 FROM " + std::string(table) + " " + x + " WHERE " + x +
         ".rid = " + std::string(alias) + ".rid AND " + key_condition(x + ".key", param, types) + ")";
}

// The index rows matching a value criterion: table, alias and conditions
// (its keys and any of its values), without the link to a resource row.
struct IndexMatch {
  std::string table, alias, where;
  std::string keys, any;  ///< where = keys AND any: the parameter's keys, then its values
};

IndexMatch value_match(const Criterion& c, const std::vector<std::string>& types, SqlBuilder& b) {
  const auto& param = param_of(c);
  IndexMatch m{index_table(param), b.alias("x"), "", "", ""};
  const auto targets = targets_of(c);
  std::vector<std::string> values;
  for (const auto& v : c.values) values.push_back(value_sql(v, c.modifier, m.alias + ".", targets, b));
  std::string any = values.empty()       ? "false"
                    : values.size() == 1 ? values[0]
                                         : "(" + join(values, " OR ") + ")";
  m.keys = key_condition(m.alias + ".key", param, types);
  m.any = std::move(any);
  m.where = m.keys + " AND " + m.any;
  return m;
}

bool negated(const Criterion& c) {
  return c.modifier == Modifier::not_ || c.modifier == Modifier::not_in;
}

std::string value_criterion(const Criterion& c, const std::vector<std::string>& types, std::string_view alias,
                            SqlBuilder& b) {
  const auto m = value_match(c, types, b);
  std::string sub = "EXISTS (SELECT 1 FROM " + m.table + " " + m.alias + " WHERE " + m.alias +
                    ".rid = " + std::string(alias) + ".rid AND " + m.where + ")";
  // :not / :not-in: the resources with no matching value, including those with no value at all.
  return negated(c) ? "NOT " + sub : sub;
}

std::string missing_criterion(const Criterion& c, const std::vector<std::string>& types,
                              std::string_view alias, SqlBuilder& b) {
  const auto& param = param_of(c);
  std::string sub = exists_row(index_table(param), param, types, alias, b);
  return c.missing ? "NOT " + sub : sub;
}

// param (a reference) points to a live resource of target_types matching `next`.
std::string chain_criterion(const Criterion& c, const std::vector<std::string>& types, std::string_view alias,
                            SqlBuilder& b) {
  const auto& param = param_of(c);
  if (!c.next) throw core::invalid("The chained parameter " + param.code + " has nothing after it");
  const auto targets = targets_of(c);
  const std::string x = b.alias("x"), t = b.alias("t");
  std::string sql = "EXISTS (SELECT 1 FROM idx_reference " + x + " JOIN resource " + t + " ON " + t +
                    ".res_type = " + x + ".target_type AND " + t + ".res_id = " + x + ".target_id WHERE " +
                    x + ".rid = " + std::string(alias) + ".rid AND " +
                    key_condition(x + ".key", param, types) + " AND NOT " + t + ".deleted";
  if (!targets.empty()) sql += " AND " + x + ".target_type = ANY(" + b.array(targets) + ")";
  // The next criterion applies to each target type with its own keys.
  return sql + " AND " + criterion_sql(*c.next, targets, t, b) + ")";
}

// Some live resource of has_type whose reference `param` points here matches `next`.
std::string has_criterion(const Criterion& c, std::string_view alias, SqlBuilder& b) {
  const auto& param = param_of(c);
  if (!c.next) throw core::invalid("_has:" + c.has_type + ":" + param.code + " has no parameter after it");
  const std::vector<std::string> source{c.has_type};
  const std::string x = b.alias("x"), s = b.alias("s");
  const std::string a(alias);
  return "EXISTS (SELECT 1 FROM idx_reference " + x + " JOIN resource " + s + " ON " + s + ".rid = " + x +
         ".rid WHERE " + key_condition(x + ".key", param, source) + " AND " + x + ".target_type = " + a +
         ".res_type AND " + x + ".target_id = " + a + ".res_id AND NOT " + s + ".deleted AND " + s +
         ".res_type = " + b.param(c.has_type) + " AND " + criterion_sql(*c.next, source, s, b) + ")";
}

std::string text_criterion(const Criterion& c, const char* column, std::string_view alias, SqlBuilder& b) {
  const std::string x = b.alias("x");
  std::vector<std::string> values;
  for (const auto& v : c.values) {
    if (const auto* s = std::get_if<search::StringQuery>(&v)) {
      values.push_back(x + "." + column + " LIKE " + b.param("%" + like_escape(s->normalized) + "%"));
    }
  }
  if (values.empty()) return "false";
  return "EXISTS (SELECT 1 FROM idx_text " + x + " WHERE " + x + ".rid = " + std::string(alias) +
         ".rid AND (" + join(values, " OR ") + "))";
}

// _list: the resource is an item of one of the (live) Lists `ids`.
std::string list_criterion(const Criterion& c, std::string_view alias, SqlBuilder& b) {
  const std::string l = b.alias("l"), x = b.alias("x"), a(alias);
  return "EXISTS (SELECT 1 FROM resource " + l + " JOIN idx_reference " + x + " ON " + x + ".rid = " + l +
         ".rid WHERE " + l + ".res_type = 'List' AND " + l + ".res_id = ANY(" + b.array(c.ids) +
         ") AND NOT " + l + ".deleted AND " + x +
         ".key = " + std::to_string(search::index_key("List", "item")) + " AND " + x + ".target_type = " + a +
         ".res_type AND " + x + ".target_id = " + a + ".res_id)";
}

}  // namespace

std::string SqlBuilder::param(std::string_view value, std::string_view type) {
  // PostgreSQL takes at most 65,535 parameters; far fewer already make a
  // statement that plans for seconds.
  if (count_ >= kMaxSearchParameters) {
    throw core::too_costly("The search has too many values: at most " + std::to_string(kMaxSearchParameters) +
                           " in all");
  }
  params_.text(value);
  return "$" + std::to_string(++count_) + "::" + std::string(type);
}

std::string SqlBuilder::array(const std::vector<std::string>& values) {
  return param(array_literal(values), "text[]");
}

std::string SqlBuilder::alias(std::string_view stem) {
  return std::string(stem) + std::to_string(++aliases_);
}

namespace {

// The entry of `param`'s code on `type`: itself, another type's (same_code),
// or null when the code is not defined there.
const search::SearchParameter* entry_on(const search::SearchParameter& param, std::string_view type) {
  if (type == param.base) return &param;
  for (const search::SearchParameter* other : param.same_code)
    if (other->base == type) return other;
  return nullptr;
}

}  // namespace

std::vector<StoredRows> stored_rows(const search::SearchParameter& param,
                                    const std::vector<std::string>& types) {
  std::vector<StoredRows> out;
  auto add = [&out](std::int32_t key, std::string_view target_type) {
    for (const StoredRows& r : out)
      if (r.key == key && r.target_type == target_type) return;
    out.push_back({key, target_type});
  };
  auto add_entry = [&add](const search::SearchParameter& e) {
    // A parameter stored under others (search/union_parameters.hpp) reads their rows.
    if (e.stored_under.empty()) return add(e.key, {});
    for (std::int32_t k : e.stored_under) add(k, e.stored_target_type);
  };
  // Entries are keyed per (type, code), also those of the parameters of every
  // type (the Registry gives each type its own copy, base "Patient"...).
  if (types.empty()) add_entry(param);
  for (const auto& type : types) {
    if (const search::SearchParameter* e = entry_on(param, type)) {
      add_entry(*e);
    } else {
      add(search::index_key(type, param.code), {});  // no rows: the type has no such parameter
    }
  }
  return out;
}

std::string key_condition(std::string_view column, const search::SearchParameter& param,
                          const std::vector<std::string>& types) {
  // `column` is "<alias>.key": a target type filter is on the same row.
  const std::string_view alias = column.substr(0, column.size() - std::string_view("key").size());
  std::string plain, typed;
  std::size_t plain_count = 0;
  for (const StoredRows& r : stored_rows(param, types)) {
    if (r.target_type.empty()) {
      plain += (plain.empty() ? "" : ", ") + std::to_string(r.key);
      ++plain_count;
    } else {
      // A resource type name (letters only, checked by the Registry): safe inline.
      typed += std::string(typed.empty() ? "" : " OR ") + "(" + std::string(column) + " = " +
               std::to_string(r.key) + " AND " + std::string(alias) + "target_type = '" +
               std::string(r.target_type) + "')";
    }
  }
  std::string in;
  if (plain_count == 1) in = std::string(column) + " = " + plain;
  if (plain_count > 1) in = std::string(column) + " IN (" + plain + ")";
  if (typed.empty()) return in;
  if (in.empty() && typed.find(" OR ") == std::string::npos) return typed;
  return "(" + (in.empty() ? typed : in + " OR " + typed) + ")";
}

const char* index_table(const search::SearchParameter& param) {
  switch (param.type) {
    case ParamType::number: return "idx_number";
    case ParamType::date: return "idx_date";
    case ParamType::string: return "idx_string";
    case ParamType::token: return "idx_token";
    case ParamType::reference: return "idx_reference";
    case ParamType::composite: return "idx_composite";
    case ParamType::quantity: return "idx_quantity";
    case ParamType::uri: return "idx_uri";
    case ParamType::special: break;
  }
  throw core::invalid("The search parameter " + param.code + " is not supported", param.code);
}

std::string criterion_sql(const Criterion& c, const std::vector<std::string>& context, std::string_view alias,
                          SqlBuilder& b) {
  const auto types = types_of(c, context);
  const std::string a(alias);
  switch (c.kind) {
    case Criterion::Kind::value: return value_criterion(c, types, alias, b);
    case Criterion::Kind::missing: return missing_criterion(c, types, alias, b);
    case Criterion::Kind::chain: return chain_criterion(c, types, alias, b);
    case Criterion::Kind::has: return has_criterion(c, alias, b);
    case Criterion::Kind::id: {
      std::string in = a + ".res_id = ANY(" + b.array(c.ids) + ")";
      return c.modifier == Modifier::not_ ? "NOT (" + in + ")" : in;
    }
    case Criterion::Kind::last_updated: {
      std::vector<std::string> values;
      for (const auto& v : c.values) {
        if (const auto* d = std::get_if<search::DateQuery>(&v))
          values.push_back(instant_sql(*d, a + ".last_updated", b));
      }
      return values.empty() ? "false" : "(" + join(values, " OR ") + ")";
    }
    case Criterion::Kind::text: return text_criterion(c, "narrative", alias, b);
    case Criterion::Kind::content: return text_criterion(c, "content", alias, b);
    case Criterion::Kind::list: return list_criterion(c, alias, b);
  }
  return "false";
}

namespace {

constexpr int kNeverDrives = 100;

// How good a criterion is at driving a search (lower = fewer rows expected):
// our knowledge of FHIR data, not the planner's. A reference to one resource
// (patient=X) or a coded value finds few rows; dates, numbers and whole code
// systems many; negations and :missing are checks, never drivers.
int driver_rank(const Criterion& c) {
  switch (c.kind) {
    case Criterion::Kind::id: return 0;
    case Criterion::Kind::value: {
      if (negated(c) || c.param == nullptr) return kNeverDrives;
      switch (c.param->type) {
        case ParamType::reference:
          return c.modifier == Modifier::none || c.modifier == Modifier::type ? 1 : 3;
        case ParamType::token: {
          if (c.modifier == Modifier::text || c.modifier == Modifier::in || c.modifier == Modifier::below ||
              c.modifier == Modifier::above)
            return 4;
          const bool whole_system = std::any_of(c.values.begin(), c.values.end(), [](const auto& v) {
            const auto* t = std::get_if<search::TokenQuery>(&v);
            return t != nullptr && !t->code;
          });
          return whole_system ? 5 : 2;
        }
        case ParamType::uri: return 3;
        case ParamType::string: return c.modifier == Modifier::contains ? 7 : 4;
        default: return 5;
      }
    }
    case Criterion::Kind::list: return 3;
    case Criterion::Kind::chain: return 6;
    case Criterion::Kind::has: return 6;
    case Criterion::Kind::text:
    case Criterion::Kind::content: return 8;
    case Criterion::Kind::last_updated: return 9;
    case Criterion::Kind::missing: return kNeverDrives;
  }
  return kNeverDrives;
}

// Criteria that only look at the resource's rid (its index rows), so they can
// be checked on an index row before the resource row is read.
bool rid_only(const Criterion& c) {
  switch (c.kind) {
    case Criterion::Kind::value:
    case Criterion::Kind::missing:
    case Criterion::Kind::chain:
    case Criterion::Kind::text:
    case Criterion::Kind::content: return true;
    default: return false;
  }
}

// An EXISTS subquery the planner may not turn into a join: with OFFSET 0 it
// stays a per-row check (PostgreSQL only pulls up EXISTS without
// LIMIT/OFFSET). Other conditions are returned unchanged.
std::string as_check(std::string sql) {
  const std::string_view v(sql);
  const bool exists = v.starts_with("EXISTS (") || v.starts_with("NOT EXISTS (");
  if (!exists || !v.ends_with(")")) return sql;
  sql.insert(sql.size() - 1, " OFFSET 0");
  return sql;
}

// The rids of the resources in compartment `c` (a reference of one of its
// member parameters to c.type/c.id, or the compartment's own resource), as a
// subquery yielding column `rid`.
std::string compartment_rows(const search::CompartmentQuery& c, SqlBuilder& b) {
  std::vector<std::string> keys;
  for (const auto& [member, params] : c.members) {
    for (const auto* p : params) keys.push_back(key_condition("cr.key", *p, {member}));
  }
  // Nothing of the searched types can be in it (and no parameter may be
  // added that the SQL does not use).
  if (keys.empty() && !c.self) return "SELECT NULL::bigint AS rid WHERE false";
  const std::string id = b.param(c.id), type = b.param(c.type);
  std::vector<std::string> sources;
  if (!keys.empty()) {
    sources.push_back("SELECT cr.rid FROM idx_reference cr WHERE cr.target_id = " + id +
                      " AND cr.target_type = " + type + " AND (" + join(keys, " OR ") + ")");
  }
  if (c.self) {
    sources.push_back("SELECT cs.rid FROM resource cs WHERE cs.res_type = " + type +
                      " AND cs.res_id = " + id);
  }
  return join(sources, " UNION ALL ");
}

// The types whose keys criterion `c` uses in a search of `key_types`.
std::vector<std::string> key_types_of(const Criterion& c, const std::vector<std::string>& key_types) {
  return c.resource_type.empty() ? key_types : std::vector<std::string>{c.resource_type};
}

// The Patient id when criterion `c` only matches references to that one
// Patient (patient=X, subject=Patient/X, subject:Patient=X): rows of target
// type Patient and id X.
std::optional<std::string> patient_of(const Criterion& c, const std::vector<std::string>& types) {
  if (c.kind != Criterion::Kind::value || c.param == nullptr || c.param->type != ParamType::reference ||
      (c.modifier != Modifier::none && c.modifier != Modifier::type) || c.values.size() != 1) {
    return std::nullopt;
  }
  const auto* ref = std::get_if<search::ReferenceQuery>(&c.values.front());
  if (ref == nullptr || ref->id.empty() || !ref->url.empty()) return std::nullopt;
  bool to_patient = ref->type == "Patient";
  if (ref->type.empty()) {
    const auto rows = stored_rows(*c.param, types);
    to_patient = targets_of(c) == std::vector<std::string>{"Patient"} ||
                 (!rows.empty() && std::all_of(rows.begin(), rows.end(), [](const StoredRows& r) {
                   return r.target_type == "Patient";
                 }));
  }
  return to_patient ? std::optional<std::string>(ref->id) : std::nullopt;
}

constexpr std::size_t kCompartment = static_cast<std::size_t>(-1);

// The one Patient every match of a query is about, and what says so: its
// patient compartment (kCompartment) or the criterion at `source`.
struct PatientScope {
  std::string id;
  std::size_t source = kCompartment;
};

std::optional<PatientScope> patient_scope(const search::Query& q, const std::vector<std::string>& key_types) {
  if (q.compartment_patient) return PatientScope{*q.compartment_patient, kCompartment};
  for (std::size_t i = 0; i < q.criteria.size(); ++i) {
    const auto& c = q.criteria[i];
    if (auto id = patient_of(c, key_types_of(c, key_types))) return PatientScope{std::move(*id), i};
  }
  return std::nullopt;
}

// A token criterion on codes (not :text, :in, :not... nor a whole system):
// with a patient scope it drives through (key, code, pat) of the token
// lookup index (store/pg/patient_key.hpp).
bool code_criterion(const Criterion& c) {
  return c.kind == Criterion::Kind::value && c.param != nullptr && c.param->type == ParamType::token &&
         c.modifier == Modifier::none && driver_rank(c) == 2;
}

// A date criterion with values (prefixes included; not :missing): with a
// patient scope it drives through (pat, key, rid) of idx_date_patient.
bool date_criterion(const Criterion& c) {
  return c.kind == Criterion::Kind::value && c.param != nullptr && c.param->type == ParamType::date &&
         c.modifier == Modifier::none && !c.values.empty();
}

}  // namespace

namespace {

// Which condition drives a search: a criterion (its index), the compartment
// (kCompartment) or none (criteria.size()).
struct Plan {
  std::size_t driver = 0;
  int best = kNeverDrives;
  std::optional<PatientScope> scope;  ///< the patient whose key narrows the driving criterion
  /// The driver is a date criterion read as the patient's date rows grouped
  /// per resource; the scope is checked against a hash of its rows.
  bool patient_dates = false;
};

// Searches run as prepared statements with generic plans, which cannot know
// that patient=X finds 200 rows and code=Y 20,000: the planner would guess.
// So the plan is ours: the best-ranked condition drives, the others are
// per-row checks.
Plan plan_of(const search::Query& q, const std::vector<std::string>& key_types, Drive drive) {
  const bool in_compartment = q.compartment_patient || q.compartment;
  Plan p{in_compartment ? kCompartment : q.criteria.size(), in_compartment ? 1 : kNeverDrives, std::nullopt};
  for (std::size_t i = 0; i < q.criteria.size(); ++i) {
    if (const int rank = driver_rank(q.criteria[i]); rank < p.best) {
      p.best = rank;
      p.driver = i;
    }
  }
  // Scoped to one patient, codes are read from the entries of that patient's
  // key (and key 0) rather than by testing every resource of the patient:
  // a handful of rows instead of hundreds. The patient criterion (or the
  // compartment) is then checked on each.
  // Dates likewise, when no code narrows further: the patient's date rows of
  // the parameter are one range of idx_date_patient.
  if (p.best >= 1 && !q.compartment) {
    if (auto patient = patient_scope(q, key_types)) {
      const auto first = [&q](bool (*fits)(const Criterion&)) {
        return static_cast<std::size_t>(std::find_if(q.criteria.begin(), q.criteria.end(), fits) -
                                        q.criteria.begin());
      };
      if (const auto code = first(code_criterion); code < q.criteria.size()) {
        p.driver = code;
        p.scope = std::move(patient);
      } else if (const auto date = first(date_criterion); date < q.criteria.size()) {
        p.driver = date;
        p.scope = std::move(patient);
        p.patient_dates = true;
      }
    }
  }
  if (drive == Drive::rows) p.driver = q.criteria.size();  // rows come from elsewhere: everything is a check
  return p;
}

bool index_driven(const search::Query& q, const Plan& p) {
  return p.driver == kCompartment ||
         (p.driver < q.criteria.size() && q.criteria[p.driver].kind == Criterion::Kind::value);
}

// The driver's index rows that pass the rid-only checks: a query selecting
// `<alias>.rid` (duplicates possible), and whether every criterion was
// checked there.
struct DrivenRows {
  std::string sql, alias;
  bool all_checked_here = true;
};

// The rids the patient scope of a query admits, as a subquery yielding `rid`:
// its patient compartment's rows, or the rows matching its patient criterion.
std::string scope_rows(const search::Query& q, const std::vector<std::string>& key_types,
                       const PatientScope& scope, SqlBuilder& b) {
  if (scope.source == kCompartment) {
    return "SELECT pc.rid FROM idx_compartment pc WHERE pc.patient_id = " + b.param(scope.id);
  }
  const auto& c = q.criteria[scope.source];
  const auto m = value_match(c, key_types_of(c, key_types), b);
  return "SELECT " + m.alias + ".rid FROM " + m.table + " " + m.alias + " WHERE " + m.where;
}

// Whether the patient-dates driver can yield the first sort key's value
// (as `s0`, when driven_rows is asked to): that key is the driving date
// parameter.
bool sort_value_here(const search::Query& q, const std::vector<std::string>& key_types, const Plan& p) {
  if (!p.patient_dates || q.sort.empty()) return false;
  const Criterion& c = q.criteria[p.driver];
  const auto* sorted = q.sort.front().param;
  // Same code on the same types: the same index keys (stored_rows).
  return sorted != nullptr && sorted->type == ParamType::date && sorted->code == c.param->code &&
         key_types_of(c, key_types) == key_types;
}

DrivenRows driven_rows(const search::Query& q, const std::vector<std::string>& key_types, const Plan& p,
                       SqlBuilder& b, bool with_sort_value = false, bool with_seq = false) {
  DrivenRows out;
  if (p.driver == kCompartment && q.compartment) {
    out.alias = "cm";
    out.sql = "SELECT cm.rid FROM (" + compartment_rows(*q.compartment, b) + ") cm WHERE true";
  } else if (p.driver == kCompartment) {
    out.alias = "pc";
    out.sql =
        "SELECT pc.rid FROM idx_compartment pc WHERE pc.patient_id = " + b.param(*q.compartment_patient);
  } else if (p.patient_dates) {
    // One range of (pat, key) read per resource: a resource matches when any
    // of its values does (as EXISTS would say). Its patient is then checked
    // against a hash of the scope's rows, built once: the candidates are
    // about as many as the patient's resources, too many to probe one by one.
    const auto& c = q.criteria[p.driver];
    const auto m = value_match(c, key_types_of(c, key_types), b);
    out.alias = b.alias("g");
    // A resource's rows all carry its key: the group holds all its values of
    // the parameter, so its sort value is the one sort_columns would read.
    // Its rows also carry its current version's seq (0: written by an older
    // Carnet, migrations/0009).
    std::string inner = m.alias + ".rid", outer = out.alias + ".rid";
    if (with_sort_value) {
      inner += ", " + date_sort_value(m.alias, q.sort.front().descending) + " AS s0";
      outer += ", " + out.alias + ".s0";
    }
    if (with_seq) {
      inner += ", max(" + m.alias + ".seq) AS seq";
      outer += ", " + out.alias + ".seq";
    }
    out.sql = "SELECT " + outer + " FROM (SELECT " + inner + " FROM idx_date " + m.alias + " WHERE " +
              m.alias + ".pat IN (" + b.param(std::to_string(patient_key(p.scope->id)), "integer") +
              ", 0) AND " + m.keys + " GROUP BY " + m.alias + ".rid HAVING bool_or(" + m.any + ")) " +
              out.alias + " WHERE coalesce(" + out.alias + ".rid IN (" +
              scope_rows(q, key_types, *p.scope, b) + "), false)";
  } else {
    const auto& c = q.criteria[p.driver];
    const auto m = value_match(c, key_types_of(c, key_types), b);
    out.alias = m.alias;
    out.sql = "SELECT " + m.alias + ".rid FROM " + m.table + " " + m.alias + " WHERE " + m.where;
    if (p.scope) {
      out.sql += " AND " + m.alias + ".pat IN (" +
                 b.param(std::to_string(patient_key(p.scope->id)), "integer") + ", 0)";
    }
    if (q.compartment_patient) {
      out.sql += " AND " + as_check("EXISTS (SELECT 1 FROM idx_compartment pc WHERE pc.rid = " + m.alias +
                                    ".rid AND pc.patient_id = " + b.param(*q.compartment_patient) + ")");
    }
  }
  for (std::size_t i = 0; i < q.criteria.size(); ++i) {
    if (i == p.driver || (p.patient_dates && i == p.scope->source)) continue;
    const Criterion& c = q.criteria[i];
    if (rid_only(c)) {
      out.sql += " AND " + as_check(criterion_sql(c, key_types_of(c, key_types), out.alias, b));
    } else {
      out.all_checked_here = false;
    }
  }
  return out;
}

}  // namespace

std::string date_sort_value(std::string_view alias, bool descending) {
  const std::string a(alias);
  return descending ? "max(" + a + ".high)" : "min(" + a + ".low)";
}

std::optional<IndexRids> index_rids_sql(const search::Query& q, const std::vector<std::string>& key_types,
                                        SqlBuilder& b) {
  const Plan p = plan_of(q, key_types, Drive::index);
  // Index rows exist only for live resources of the keys' types (not so the
  // compartment's: every type).
  if (!index_driven(q, p) || p.driver == kCompartment) return std::nullopt;
  for (std::size_t i = 0; i < q.criteria.size(); ++i) {
    if (i != p.driver && !rid_only(q.criteria[i])) return std::nullopt;
  }
  const bool sort_value = sort_value_here(q, key_types, p);
  auto rows = driven_rows(q, key_types, p, b, sort_value, p.patient_dates);
  // The patient-dates driver yields each rid once (grouped).
  if (p.patient_dates) return IndexRids{std::move(rows.sql), sort_value, true};
  return IndexRids{"SELECT DISTINCT" + rows.sql.substr(6), false, false};
}

std::optional<std::string> index_page_sql(const search::Query& q, const std::vector<std::string>& key_types,
                                          SqlBuilder& b, const RidWindow& window) {
  const Plan p = plan_of(q, key_types, Drive::index);
  // As index_rids_sql; and only the reference and date rows carry their
  // resource's seq (migrations/0008, 0009).
  if (!index_driven(q, p) || p.driver == kCompartment || p.patient_dates) return std::nullopt;
  const std::string_view table = index_table(param_of(q.criteria[p.driver]));
  if (table != "idx_reference" && table != "idx_date") return std::nullopt;
  for (std::size_t i = 0; i < q.criteria.size(); ++i) {
    if (i != p.driver && !rid_only(q.criteria[i])) return std::nullopt;
  }
  const auto rows = driven_rows(q, key_types, p, b);
  const std::string rid = rows.alias + ".rid";
  // rows.sql starts with "SELECT <rid>": each resource's rows all carry its seq.
  std::string sql = "SELECT DISTINCT " + rid + ", " + rows.alias + ".seq" + rows.sql.substr(7 + rid.size());
  if (window.after) {
    sql +=
        " AND " + rid + (window.backward ? " < " : " > ") + b.param(std::to_string(*window.after), "bigint");
  }
  return sql + " ORDER BY " + rid + (window.backward ? " DESC" : "") + " LIMIT " +
         std::to_string(window.limit);
}

std::string filter_sql(const search::Query& q, const std::vector<std::string>& key_types, SqlBuilder& b,
                       Drive drive, const RidWindow* window) {
  std::vector<std::string> parts;
  if (q.types.size() == 1) {
    parts.push_back("r.res_type = " + b.param(q.types[0]));
  } else if (!q.types.empty()) {
    parts.push_back("r.res_type = ANY(" + b.array(q.types) + ")");
  }
  parts.push_back("NOT r.deleted");

  // A driving compartment or value criterion becomes "r.rid IN (its index
  // rows that pass the rid-only checks)", so that resource rows are read for
  // matches only. With nothing that drives, the planner decides.
  const Plan plan = plan_of(q, key_types, drive);
  const std::size_t driver = plan.driver;
  const bool plan_is_ours = drive == Drive::rows || plan.best < kNeverDrives;
  auto condition = [&](const Criterion& c, std::string_view alias) {
    return criterion_sql(c, key_types_of(c, key_types), alias, b);
  };

  if (drive == Drive::index && index_driven(q, plan)) {
    auto rows = driven_rows(q, key_types, plan, b);
    std::string source = std::move(rows.sql);
    if (window != nullptr && rows.all_checked_here && driver != kCompartment) {
      // Index rows exist only for live resources of the keys' types (not so
      // the compartment's: every type), so these rids all match: the page is
      // the first `limit` of them.
      const std::string rid = rows.alias + ".rid";
      if (window->after) {
        source += " AND " + rid + (window->backward ? " < " : " > ") +
                  b.param(std::to_string(*window->after), "bigint");
      }
      source = "SELECT DISTINCT" + source.substr(6) + " ORDER BY " + rid + (window->backward ? " DESC" : "") +
               " LIMIT " + std::to_string(window->limit);
    }
    parts.push_back("r.rid IN (" + source + ")");
    for (std::size_t i = 0; i < q.criteria.size(); ++i) {
      if (i != driver && !rid_only(q.criteria[i])) parts.push_back(as_check(condition(q.criteria[i], "r")));
    }
    return join(parts, " AND ");
  }

  if (q.compartment_patient) {
    std::string patient_rows =
        "EXISTS (SELECT 1 FROM idx_compartment pc WHERE pc.rid = r.rid AND pc.patient_id = " +
        b.param(*q.compartment_patient) + ")";
    parts.push_back(plan_is_ours ? as_check(std::move(patient_rows)) : std::move(patient_rows));
  }
  if (q.compartment) parts.push_back("r.rid IN (" + compartment_rows(*q.compartment, b) + ")");
  for (std::size_t i = 0; i < q.criteria.size(); ++i) {
    std::string sql = condition(q.criteria[i], "r");
    const bool check = plan_is_ours && i != driver;
    parts.push_back(check ? as_check(std::move(sql)) : std::move(sql));
  }
  return join(parts, " AND ");
}

}  // namespace carnet::store::pg
