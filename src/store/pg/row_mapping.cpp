#include "store/pg/row_mapping.hpp"

#include <pqxx/field>

namespace carnet::store::pg {

namespace {
std::string text_or_empty(const pqxx::field& f) {
  return f.is_null() ? std::string() : f.as<std::string>();
}
}  // namespace

StoredVersion to_version(const pqxx::row& row, const std::string& type, const std::string& id) {
  StoredVersion v;
  v.info.type = type;
  v.info.id = id;
  v.info.seq = row[0].as<std::int64_t>();
  v.info.version = row[1].as<int>();
  v.info.last_updated = from_epoch_us(row[2].as<std::int64_t>());
  v.method = row[3].as<std::string>();
  v.info.deleted = row[4].is_null();
  if (!v.info.deleted) v.body = row[4].as<std::string>();
  v.patient = text_or_empty(row[5]);
  return v;
}

StoredAccess to_access(const pqxx::row& row) {
  StoredAccess a;
  a.seq = row[0].as<std::int64_t>();
  auto& r = a.record;
  r.recorded = from_epoch_us(row[1].as<std::int64_t>());
  // Columns from index 2 follow kAuditColumns (statements.cpp); row[2] repeats recorded.
  r.interaction = row[3].as<std::string>();
  r.action = row[4].as<std::string>().at(0);
  r.http_status = row[5].as<int>();
  r.outcome_desc = text_or_empty(row[7]);
  r.agent_who = row[8].as<std::string>();
  r.agent_address = text_or_empty(row[9]);
  r.tls = row[10].as<bool>();
  r.http_method = row[11].as<std::string>();
  r.entity_type = text_or_empty(row[12]);
  r.entity_id = text_or_empty(row[13]);
  if (!row[14].is_null()) r.entity_version = row[14].as<int>();
  r.patient = text_or_empty(row[15]);
  r.query = text_or_empty(row[16]);
  return a;
}

}  // namespace carnet::store::pg
