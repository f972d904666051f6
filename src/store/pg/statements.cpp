#include "store/pg/statements.hpp"

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "carnet/core/utf8.hpp"
#include "store/pg/index_writer.hpp"

namespace carnet::store::pg {
namespace {

constexpr const char* kAuditColumns =
    "recorded, interaction, action, http_status, outcome, outcome_desc, agent_who, agent_address, tls, "
    "http_method, entity_type, entity_id, entity_version, patient, query";

// The audit values as parameters $1..$15 with their types.
constexpr const char* kAuditValues =
    "$1::timestamptz, $2::text, $3::char(1), $4::smallint, $5::smallint, $6::text, $7::text, $8::text, "
    "$9::boolean, $10::text, $11::text, $12::text, $13::integer, $14::text, $15::text";

constexpr const char* kVersionColumns =
    "seq, version, (extract(epoch FROM last_updated) * 1000000)::bigint, method, body, patient";

const std::string kAuditSelect =
    std::string("SELECT seq, (extract(epoch FROM recorded) * 1000000)::bigint, ") + kAuditColumns +
    " FROM audit_event ";

}  // namespace

std::string audit_select_sql() {
  return kAuditSelect;
}

void prepare_statements(pqxx::connection& c) {
  using std::string;
  // No request may hang on the database: a stuck statement or a lock held too
  // long ends with 503 (errors.hpp) instead of holding a worker forever.
  {
    pqxx::nontransaction tx(c);
    tx.exec(
        "SET statement_timeout = '30s'; SET lock_timeout = '10s'; SET idle_in_transaction_session_timeout = "
        "'60s'; SET plan_cache_mode = force_generic_plan");
  }
  c.prepare("read_current", string("SELECT ") + kVersionColumns +
                                " FROM resource_version WHERE res_type = $1 AND res_id = $2 "
                                "ORDER BY version DESC LIMIT 1");
  c.prepare("read_version",
            string("SELECT ") + kVersionColumns +
                " FROM resource_version WHERE res_type = $1 AND res_id = $2 AND version = $3");
  // Versions by seq for a search's page and includes (version_loader.hpp).
  c.prepare("versions_by_seq", string("SELECT ") + kVersionColumns +
                                   ", res_type, res_id FROM resource_version WHERE seq = ANY($1::bigint[])");
  c.prepare("head_for_update",
            "SELECT r.version, r.deleted, v.patient, r.rid FROM resource r LEFT JOIN resource_version v "
            "ON v.seq = r.seq WHERE r.res_type = $1 AND r.res_id = $2 FOR UPDATE OF r");
  c.prepare("insert_head",
            "INSERT INTO resource (res_type, res_id, version, seq, last_updated, deleted) "
            "VALUES ($1, $2, 1, nextval('change_seq'), $3, false) ON CONFLICT DO NOTHING RETURNING seq, rid");
  c.prepare("update_head",
            "UPDATE resource SET version = $3, seq = nextval('change_seq'), last_updated = $4, deleted = $5 "
            "WHERE res_type = $1 AND res_id = $2 RETURNING seq");
  // The version and its audit row in one statement: one round trip.
  c.prepare("insert_version_audit",
            string("WITH v AS (INSERT INTO resource_version (seq, res_type, res_id, version, last_updated, "
                   "method, body, patient) VALUES ($16, $17, $18, $19, $20, $21, $22, $23)) INSERT INTO "
                   "audit_event (") +
                kAuditColumns + ") VALUES (" + kAuditValues + ")");
  // Many creates (a group commit) in one statement: heads, versions and audit
  // rows; ids that already exist are skipped and absent from the result.
  c.prepare(
      "create_many",
      string(
          "WITH i AS (SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], "
          "$5::text[], $6::timestamptz[], $7::text[], $8::char(1)[], $9::smallint[], $10::smallint[], "
          "$11::text[], $12::text[], $13::text[], $14::boolean[], $15::text[], $16::text[], $17::text[], "
          "$18::integer[], $19::text[], $20::text[]) AS t(res_type, res_id, last_updated, body, patient, "
          "recorded, interaction, action, http_status, outcome, outcome_desc, agent_who, agent_address, "
          "tls, http_method, entity_type, entity_id, entity_version, a_patient, query)), "
          "h AS (INSERT INTO resource (res_type, res_id, version, seq, last_updated, deleted) "
          "SELECT res_type, res_id, 1, nextval('change_seq'), last_updated, false FROM i "
          "ON CONFLICT DO NOTHING RETURNING res_type, res_id, seq, rid), "
          "v AS (INSERT INTO resource_version (seq, res_type, res_id, version, last_updated, method, "
          "body, patient) SELECT h.seq, i.res_type, i.res_id, 1, i.last_updated, 'POST', i.body, i.patient "
          "FROM h JOIN i USING (res_type, res_id)), "
          "a AS (INSERT INTO audit_event (") +
          kAuditColumns +
          ") SELECT i.recorded, i.interaction, i.action, i.http_status, i.outcome, i.outcome_desc, "
          "i.agent_who, i.agent_address, i.tls, i.http_method, i.entity_type, i.entity_id, i.entity_version, "
          "i.a_patient, i.query FROM h JOIN i USING (res_type, res_id)) "
          "SELECT res_type, res_id, seq, rid FROM h");
  // $reindex: live current versions in rid order; then, in the writing
  // transaction, the items still current, locked against a concurrent update
  // until their rows are replaced.
  c.prepare("reindex_scan",
            "SELECT r.rid, r.seq, r.res_type, r.res_id, v.body FROM resource r JOIN resource_version v "
            "ON v.seq = r.seq WHERE NOT r.deleted AND (cardinality($1::text[]) = 0 OR r.res_type = ANY($1)) "
            "AND r.rid > $2 ORDER BY r.rid LIMIT $3");
  c.prepare("reindex_lock",
            "SELECT r.rid FROM resource r JOIN unnest($1::bigint[], $2::bigint[]) AS u(rid, seq) "
            "ON r.rid = u.rid AND r.seq = u.seq WHERE NOT r.deleted FOR SHARE OF r");
  c.prepare("insert_audit",
            string("INSERT INTO audit_event (") + kAuditColumns + ") VALUES (" + kAuditValues + ")");
  c.prepare(
      "append_audit",
      string("INSERT INTO audit_event (") + kAuditColumns +
          ") SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::char(1)[], $4::smallint[], "
          "$5::smallint[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[], $11::text[], "
          "$12::text[], $13::integer[], $14::text[], $15::text[])");

  // History, newest first. $1.. filters are optional (NULL = no filter);
  // `at` keeps versions current at some point in [$4, $5).
  const string history_filter =
      " ($3::timestamptz IS NULL OR v.last_updated >= $3) "
      "AND ($4::timestamptz IS NULL OR (v.last_updated < $5::timestamptz AND NOT EXISTS ("
      "  SELECT 1 FROM resource_version n WHERE n.res_type = v.res_type AND n.res_id = v.res_id "
      "  AND n.version > v.version AND n.last_updated <= $4))) "
      "AND ($6::bigint IS NULL OR v.seq < $6) ";
  const string history_select =
      "SELECT v.seq, v.version, (extract(epoch FROM v.last_updated) * 1000000)::bigint, v.method, v.body, "
      "v.patient, v.res_type, v.res_id, "
      // created: the first version, or the first after a deletion (answered 201)
      "(v.method <> 'DELETE' AND (v.version = 1 OR EXISTS (SELECT 1 FROM resource_version p "
      "WHERE p.res_type = v.res_type AND p.res_id = v.res_id AND p.version = v.version - 1 AND p.body IS "
      "NULL))) "
      "FROM resource_version v WHERE ";
  c.prepare("history_instance", history_select + "v.res_type = $1 AND v.res_id = $2 AND" + history_filter +
                                    "ORDER BY v.version DESC LIMIT $7");
  c.prepare("history_type", history_select + "v.res_type = $1 AND $2::text IS NULL AND" + history_filter +
                                "ORDER BY v.seq DESC LIMIT $7");
  c.prepare("history_system", history_select + "$1::text IS NULL AND $2::text IS NULL AND" + history_filter +
                                  "ORDER BY v.seq DESC LIMIT $7");

  c.prepare("read_audit", kAuditSelect + "WHERE seq = $1");
}

CustomPlans::CustomPlans(pqxx::connection& conn) : conn_(conn) {
  pqxx::nontransaction tx(conn_);
  tx.exec("SET plan_cache_mode = auto");
}

CustomPlans::~CustomPlans() {
  try {
    pqxx::nontransaction tx(conn_);
    tx.exec("SET plan_cache_mode = force_generic_plan");
  } catch (...) {
    // See the declaration: nothing to do.
  }
}

void add_audit_params(Params& p, const core::AccessRecord& r) {
  // Every access is recorded, whatever bytes the client sent: PostgreSQL
  // refuses ill-formed UTF-8, and one refused row would fail its whole batch
  // (the requests of other clients too).
  std::vector<std::string> repaired;
  repaired.reserve(9);  // one per text field below: views stay valid
  const auto text = [&repaired](const std::string& v) -> std::string_view {
    return core::is_valid_utf8(v) ? std::string_view(v) : repaired.emplace_back(core::to_valid_utf8(v));
  };
  p.instant(r.recorded)
      .text(text(r.interaction))
      .text(std::string(1, r.action))
      .integer(r.http_status)
      .integer(r.outcome_code())
      .opt_text(text(r.outcome_desc))
      .text(text(r.agent_who))
      .opt_text(text(r.agent_address))
      .boolean(r.tls)
      .text(text(r.http_method))
      .opt_text(text(r.entity_type))
      .opt_text(text(r.entity_id))
      .opt_integer(r.entity_version)
      .opt_text(text(r.patient))
      .opt_text(text(r.query));
}

namespace {

// One element of a PostgreSQL array literal: quoted, with " and \ escaped.
void append_element(std::string& out, std::string_view value) {
  if (!out.empty()) out.push_back(',');
  out.push_back('"');
  // Runs without a quote or backslash are copied whole (a stored body has a
  // quote every few characters, a code or date none).
  for (std::size_t start = 0;;) {
    const std::size_t special = value.find_first_of("\"\\", start);
    out.append(value.substr(start, special - start));
    if (special == std::string_view::npos) break;
    out.push_back('\\');
    out.push_back(value[special]);
    start = special + 1;
  }
  out.push_back('"');
}

void append_null(std::string& out) {
  out += out.empty() ? "NULL" : ",NULL";
}

}  // namespace

void ArrayColumns::add_row(const Params& row) {
  std::size_t i = 0;
  for (const char* v : row.values()) {
    if (v == nullptr) {
      append_null(columns_.at(i++));
    } else {
      append_element(columns_.at(i++), v);
    }
  }
}

void ArrayColumns::add(std::size_t column, std::string_view value) {
  append_element(columns_.at(column), value);
}

void ArrayColumns::add_null(std::size_t column) {
  append_null(columns_.at(column));
}

std::string array_literal(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) append_element(out, v);
  return "{" + out + "}";
}

std::string array_literal(const std::vector<std::optional<std::string>>& values) {
  std::string out;
  for (const auto& v : values) {
    if (v) {
      append_element(out, *v);
    } else {
      append_null(out);
    }
  }
  return "{" + out + "}";
}

void ArrayColumns::to_params(Params& params) const {
  for (const auto& column : columns_) params.text("{" + column + "}");
}

void add_audit_row(ArrayColumns& columns, const core::AccessRecord& record) {
  Params one;
  add_audit_params(one, record);
  columns.add_row(one);
}

}  // namespace carnet::store::pg
