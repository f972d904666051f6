#include "store/pg/index_writer.hpp"

#include <array>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "store/pg/patient_key.hpp"

namespace carnet::store::pg {
namespace {

struct Column {
  std::string name;
  const char* type;
};

struct Table {
  const char* name;
  std::vector<Column> columns;
};

// The composite columns of component n (1-based), in the order of
// migrations/0003_search_index.sql.
void add_component_columns(std::vector<Column>& out, int n) {
  static const std::array<Column, 8> kColumns{{{"system", "text"},
                                               {"code", "text"},
                                               {"text", "text"},
                                               {"value", "numeric"},
                                               {"cvalue", "numeric"},
                                               {"ccode", "text"},
                                               {"dlow", "timestamptz"},
                                               {"dhigh", "timestamptz"}}};
  for (const auto& c : kColumns) out.push_back({"c" + std::to_string(n) + "_" + c.name, c.type});
}

enum TableIndex {
  kString,
  kToken,
  kReference,
  kDate,
  kNumber,
  kQuantity,
  kUri,
  kComposite,
  kText,
  kCompartment
};
constexpr std::uint32_t kDeletesBit = 1u << 31;  // in a shape, above the tables' bits
static_assert(kCompartment < 31, "a shape has one bit per index table below kDeletesBit");
constexpr std::size_t kComponents = 3;  // composite components indexed (the table's c1_..c3_)
constexpr std::size_t kComponentColumns = 8;

const std::vector<Table>& tables() {
  static const std::vector<Table> all = [] {
    std::vector<Table> t;
    const Column rid{"rid", "bigint"}, key{"key", "integer"};
    t.push_back({"idx_string", {rid, key, {"norm", "text"}, {"exact", "text"}}});
    t.push_back({"idx_token",
                 {rid,
                  key,
                  {"system", "text"},
                  {"code", "text"},
                  {"text", "text"},
                  {"type_system", "text"},
                  {"type_code", "text"},
                  {"pat", "integer"}}});
    t.push_back({"idx_reference",
                 {rid,
                  key,
                  {"target_type", "text"},
                  {"target_id", "text"},
                  {"target_version", "integer"},
                  {"url", "text"},
                  {"canonical_version", "text"},
                  {"identifier_system", "text"},
                  {"identifier_value", "text"},
                  {"seq", "bigint"}}});
    t.push_back(
        {"idx_date",
         {rid, key, {"low", "timestamptz"}, {"high", "timestamptz"}, {"pat", "integer"}, {"seq", "bigint"}}});
    t.push_back({"idx_number", {rid, key, {"value", "numeric"}, {"low", "numeric"}, {"high", "numeric"}}});
    t.push_back({"idx_quantity",
                 {rid,
                  key,
                  {"value", "numeric"},
                  {"low", "numeric"},
                  {"high", "numeric"},
                  {"system", "text"},
                  {"code", "text"},
                  {"unit", "text"},
                  {"canonical_value", "numeric"},
                  {"canonical_low", "numeric"},
                  {"canonical_high", "numeric"},
                  {"canonical_code", "text"}}});
    t.push_back({"idx_uri", {rid, key, {"uri", "text"}}});
    Table composite{"idx_composite", {rid, key}};
    for (int n = 1; n <= static_cast<int>(kComponents); ++n) add_component_columns(composite.columns, n);
    t.push_back(std::move(composite));
    t.push_back({"idx_text", {rid, {"narrative", "text"}, {"content", "text"}}});
    t.push_back({"idx_compartment", {rid, {"patient_id", "text"}}});
    return t;
  }();
  return all;
}

// Appends one row's cells column by column.
class RowWriter {
 public:
  RowWriter(ArrayColumns& table, std::int64_t rid) : table_(table) { text(std::to_string(rid)); }
  RowWriter& text(std::string_view v) {
    table_.add(column_++, v);
    return *this;
  }
  RowWriter& null() {
    table_.add_null(column_++);
    return *this;
  }
  RowWriter& opt(std::string_view v) { return v.empty() ? null() : text(v); }
  RowWriter& key(std::int32_t k) { return text(std::to_string(k)); }
  RowWriter& nulls(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) null();
    return *this;
  }

 private:
  ArrayColumns& table_;
  std::size_t column_ = 0;
};

// A number's value and range: a value's range ends default to the value; a
// Range (no value) keeps its open ends NULL.
bool storable(const search::NumberValue& n) {
  return !n.value.empty() || !n.low.empty() || !n.high.empty();
}

void add_number(RowWriter& row, const search::NumberValue& n) {
  if (n.value.empty()) {
    row.null().opt(n.low).opt(n.high);
  } else {
    row.text(n.value).text(n.low.empty() ? n.value : n.low).text(n.high.empty() ? n.value : n.high);
  }
}

std::string reference_text(const search::ReferenceValue& r) {
  if (!r.target_type.empty() && !r.target_id.empty()) return r.target_type + "/" + r.target_id;
  return r.url;
}

// One composite component into its 8 columns (see the migration).
void add_component(RowWriter& row, const search::ComponentValue& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, search::TokenValue>) {
          row.text(v.system).text(v.code).opt(v.text).nulls(5);
        } else if constexpr (std::is_same_v<T, search::StringValue>) {
          row.nulls(2).text(v.normalized).nulls(5);
        } else if constexpr (std::is_same_v<T, search::UriValue>) {
          row.nulls(2).text(v.uri).nulls(5);
        } else if constexpr (std::is_same_v<T, search::ReferenceValue>) {
          row.nulls(2).opt(reference_text(v)).nulls(5);
        } else if constexpr (std::is_same_v<T, search::NumberValue>) {
          row.nulls(3).opt(v.value).nulls(4);
        } else if constexpr (std::is_same_v<T, search::QuantityValue>) {
          row.opt(v.system).opt(v.code).null().opt(v.number.value);
          if (v.canonical && !v.canonical->value.empty()) {
            row.text(v.canonical->value).opt(v.canonical_code);
          } else {
            row.nulls(2);
          }
          row.nulls(2);
        } else if constexpr (std::is_same_v<T, search::DateValue>) {
          row.nulls(6).text(instant_text(v.low)).text(instant_text(v.high));
        }
      },
      value);
}

}  // namespace

IndexRows::IndexRows() {
  for (const auto& t : tables()) tables_.emplace_back(t.columns.size());
}

void IndexRows::remove(std::int64_t rid) {
  removed_.push_back(std::to_string(rid));
}

void IndexRows::add(std::int64_t rid, std::int64_t seq, const search::IndexEntries& e) {
  const std::int32_t pat = patient_key(e);
  for (const auto& s : e.strings) {
    RowWriter(tables_[kString], rid).key(s.key).text(s.value.normalized).text(s.value.exact);
  }
  for (const auto& t : e.tokens) {
    const auto& v = t.value;
    RowWriter(tables_[kToken], rid)
        .key(t.key)
        .text(v.system)
        .text(v.code)
        .opt(v.text)
        .opt(v.type_system)
        .opt(v.type_code)
        .key(pat);
  }
  for (const auto& r : e.references) {
    const auto& v = r.value;
    RowWriter row(tables_[kReference], rid);
    row.key(r.key).opt(v.target_type).opt(v.target_id);
    if (v.target_version) {
      row.text(std::to_string(*v.target_version));
    } else {
      row.null();
    }
    row.opt(v.url).opt(v.canonical_version).opt(v.identifier_system).opt(v.identifier_value);
    row.text(std::to_string(seq));
  }
  for (const auto& d : e.dates) {
    RowWriter(tables_[kDate], rid)
        .key(d.key)
        .text(instant_text(d.value.low))
        .text(instant_text(d.value.high))
        .key(pat)
        .text(std::to_string(seq));
  }
  for (const auto& n : e.numbers) {
    if (!storable(n.value)) continue;
    RowWriter row(tables_[kNumber], rid);
    row.key(n.key);
    add_number(row, n.value);
  }
  for (const auto& q : e.quantities) {
    const auto& v = q.value;
    if (!storable(v.number)) continue;
    RowWriter row(tables_[kQuantity], rid);
    row.key(q.key);
    add_number(row, v.number);
    row.opt(v.system).opt(v.code).opt(v.unit);
    if (v.canonical && storable(*v.canonical) && !v.canonical_code.empty()) {
      add_number(row, *v.canonical);
      row.text(v.canonical_code);
    } else {
      row.nulls(4);
    }
  }
  for (const auto& u : e.uris) RowWriter(tables_[kUri], rid).key(u.key).text(u.value.uri);
  for (const auto& c : e.composites) {
    RowWriter row(tables_[kComposite], rid);
    row.key(c.key);
    const auto& parts = c.value.components;
    for (std::size_t i = 0; i < kComponents; ++i) {
      if (i < parts.size()) {
        add_component(row, parts[i]);
      } else {
        row.nulls(kComponentColumns);
      }
    }
  }
  if (!e.narrative.empty() || !e.content.empty()) {
    RowWriter(tables_[kText], rid).opt(e.narrative).opt(e.content);
  }
  for (const auto& p : e.compartment_patients) RowWriter(tables_[kCompartment], rid).text(p);
}

std::uint32_t IndexRows::filled_tables() const {
  std::uint32_t mask = 0;
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    if (!tables_[t].empty()) mask |= 1u << t;
  }
  return mask;
}

Params IndexRows::params() const {
  Params p;
  if (!removed_.empty()) p.text(array_literal(removed_));
  for (const auto& t : tables_) {
    if (!t.empty()) t.to_params(p);
  }
  return p;
}

const std::string& IndexRows::sql() const {
  // One text per shape, built once per thread: a process sees few shapes (the
  // tables a batch of creates fills, plus "with deletes" for updates).
  thread_local std::unordered_map<std::uint32_t, std::string> texts;
  const std::uint32_t filled = filled_tables();
  const std::uint32_t shape = filled | (removed_.empty() ? 0u : kDeletesBit);
  auto [it, added] = texts.try_emplace(shape);
  if (added) it->second = write_index_sql(!removed_.empty(), filled);
  return it->second;
}

std::string write_index_sql(bool deletes, std::uint32_t filled_tables) {
  std::vector<std::string> ctes;
  int n = 1;
  if (deletes) {
    // The rows of the previous version may be in any table: delete from all.
    // `rid = ANY(array)` (not a join with unnest) keeps the generic plan on
    // the rid indexes: with a join the planner chose sequential scans of
    // every index table once they grew.
    for (std::size_t t = 0; t < tables().size(); ++t) {
      ctes.push_back("d" + std::to_string(t) + " AS (DELETE FROM " + tables()[t].name +
                     " WHERE rid = ANY($1::bigint[]))");
    }
    n = 2;
  }
  for (std::size_t t = 0; t < tables().size(); ++t) {
    if ((filled_tables & (1u << t)) == 0) continue;
    const auto& table = tables()[t];
    std::string names, arrays;
    for (const auto& c : table.columns) {
      if (!names.empty()) {
        names += ", ";
        arrays += ", ";
      }
      names += c.name;
      arrays += "$" + std::to_string(n++) + "::" + c.type + "[]";
    }
    ctes.push_back("i" + std::to_string(t) + " AS (INSERT INTO " + table.name + " (" + names +
                   ") SELECT * FROM unnest(" + arrays + "))");
  }
  std::string sql = "WITH ";
  for (std::size_t i = 0; i < ctes.size(); ++i) sql += (i == 0 ? "" : ", ") + ctes[i];
  return sql + " SELECT 1";
}

}  // namespace carnet::store::pg
