#include "store/pg/search_includes.hpp"

#include <pqxx/pqxx>
#include <set>

#include "store/pg/row_mapping.hpp"
#include "store/pg/search_sql.hpp"
#include "store/pg/statements.hpp"

namespace carnet::store::pg {
namespace {

// The rids of `rows` whose type is `type` ("" or "*": all of them).
std::vector<std::string> rids_of_type(const std::vector<PageRow>& rows, const std::string& type) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    if (type.empty() || type == "*" || r.type == type) out.push_back(std::to_string(r.rid));
  }
  return out;
}

// The reference keys of an include on its source type; none (every reference
// of the type) when it names no parameter (`Type:*`).
std::string key_filter(const search::Include& inc, const std::string& x) {
  if (inc.param == nullptr) return "";
  std::vector<std::string> types;
  if (!inc.source_type.empty() && inc.source_type != "*") types.push_back(inc.source_type);
  return " AND " + key_condition(x + ".key", *inc.param, types);
}

// _include: what the references of `sources` (of inc.source_type) point to.
std::vector<PageRow> include_targets(pqxx::transaction_base& tx, StatementCache& statements,
                                     const search::Include& inc, const std::vector<PageRow>& sources) {
  auto rids = rids_of_type(sources, inc.source_type);
  if (rids.empty()) return {};
  SqlBuilder b;
  std::string sql =
      "SELECT DISTINCT t.rid, t.res_type FROM idx_reference x JOIN resource t ON t.res_type = x.target_type "
      "AND t.res_id = x.target_id WHERE x.rid = ANY(" +
      b.param(array_literal(rids), "bigint[]") + ")" + key_filter(inc, "x") + " AND NOT t.deleted";
  if (!inc.target_type.empty() && inc.target_type != "*")
    sql += " AND t.res_type = " + b.param(inc.target_type);
  std::vector<PageRow> out;
  for (const auto& row : statements.exec(tx, sql, b.params())) {
    out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>()});
  }
  return out;
}

// _revinclude: the resources of inc.source_type whose reference points to one of `targets`.
std::vector<PageRow> include_referrers(pqxx::transaction_base& tx, StatementCache& statements,
                                       const search::Include& inc, const std::vector<PageRow>& targets) {
  auto rids = rids_of_type(targets, inc.target_type);
  if (rids.empty()) return {};
  SqlBuilder b;
  std::string sql =
      "SELECT DISTINCT s.rid, s.res_type FROM resource t JOIN idx_reference x ON x.target_type = t.res_type "
      "AND x.target_id = t.res_id JOIN resource s ON s.rid = x.rid WHERE t.rid = ANY(" +
      b.param(array_literal(rids), "bigint[]") + ")" + key_filter(inc, "x") + " AND NOT s.deleted";
  if (!inc.source_type.empty() && inc.source_type != "*")
    sql += " AND s.res_type = " + b.param(inc.source_type);
  std::vector<PageRow> out;
  for (const auto& row : statements.exec(tx, sql, b.params())) {
    out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>()});
  }
  return out;
}

}  // namespace

std::vector<StoredVersion> find_includes(pqxx::transaction_base& tx, StatementCache& statements,
                                         const search::Query& q, const std::vector<PageRow>& matches) {
  if ((q.includes.empty() && q.revincludes.empty()) || matches.empty()) return {};
  std::set<std::int64_t> seen;
  for (const auto& m : matches) seen.insert(m.rid);
  std::vector<std::string> included;
  std::vector<PageRow> sources = matches;
  for (int round = 0; round < kMaxIncludeRounds && !sources.empty() && included.size() < kMaxIncluded;
       ++round) {
    std::vector<PageRow> added;
    auto take = [&](const std::vector<PageRow>& found) {
      for (const auto& f : found) {
        if (included.size() >= kMaxIncluded) return;
        if (seen.insert(f.rid).second) {
          added.push_back(f);
          included.push_back(std::to_string(f.rid));
        }
      }
    };
    // The first round starts from the matches with every include; later
    // rounds only follow the :iterate ones from what was just added.
    for (const auto& inc : q.includes) {
      if (round == 0 || inc.iterate) take(include_targets(tx, statements, inc, sources));
    }
    for (const auto& inc : q.revincludes) {
      if (round == 0 || inc.iterate) take(include_referrers(tx, statements, inc, sources));
    }
    sources = std::move(added);
  }
  std::vector<StoredVersion> out;
  if (included.empty()) return out;
  SqlBuilder b;
  const std::string sql =
      "SELECT v.seq, v.version, (extract(epoch FROM v.last_updated) * 1000000)::bigint, v.method, v.body, "
      "v.patient, r.res_type, r.res_id FROM resource r JOIN resource_version v ON v.seq = r.seq WHERE r.rid "
      "= ANY(" +
      b.param(array_literal(included), "bigint[]") + ") AND NOT r.deleted ORDER BY r.rid";
  for (const auto& row : statements.exec(tx, sql, b.params())) {
    out.push_back(to_version(row, row[6].as<std::string>(), row[7].as<std::string>()));
  }
  return out;
}

}  // namespace carnet::store::pg
