#include "store/pg/search_includes.hpp"

#include <algorithm>
#include <pqxx/pqxx>
#include <unordered_set>
#include <utility>

#include "store/pg/row_mapping.hpp"
#include "store/pg/search_sql.hpp"
#include "store/pg/statements.hpp"
#include "store/pg/version_loader.hpp"

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

// A resource an include reached: where it is, and its current version's seq.
struct Found {
  PageRow row;
  VersionRef ref;
};

// Rows: rid, seq, res_type, res_id ('' when unknown: load_versions reads it
// with the version) — the include statements select the distinct resources
// reached; their versions are loaded once all rounds ran.
std::vector<Found> found_rows(const pqxx::result& rows) {
  std::vector<Found> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (const auto& row : rows) {
    Found f;
    f.ref = {row[1].as<std::int64_t>(), row[2].as<std::string>(), row[3].as<std::string>()};
    f.row = {row[0].as<std::int64_t>(), f.ref.type, f.ref.id};
    out.push_back(std::move(f));
  }
  return out;
}

// Rows: rid, seq of resources of `type`, in any order and maybe repeated:
// each once, in rid order, `limit` at most (their ids come with their versions).
std::vector<Found> referrers(const pqxx::result& rows, const std::string& type, std::size_t limit) {
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;  // rid, seq
  pairs.reserve(static_cast<std::size_t>(rows.size()));
  for (const auto& row : rows) pairs.emplace_back(row[0].as<std::int64_t>(), row[1].as<std::int64_t>());
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end(),
                          [](const auto& a, const auto& b) { return a.first == b.first; }),
              pairs.end());
  if (pairs.size() > limit) pairs.resize(limit);
  std::vector<Found> out;
  out.reserve(pairs.size());
  for (const auto& [rid, seq] : pairs)
    out.push_back(Found{PageRow{rid, type, ""}, VersionRef{seq, type, ""}});
  return out;
}

// _include: what the references of `sources` (of inc.source_type) point to.
std::vector<Found> include_targets(pqxx::transaction_base& tx, StatementCache& statements,
                                   const search::Include& inc, const std::vector<PageRow>& sources,
                                   std::size_t limit) {
  auto rids = rids_of_type(sources, inc.source_type);
  if (rids.empty()) return {};
  SqlBuilder b;
  std::string rows =
      "SELECT DISTINCT t.rid, t.seq, t.res_type, t.res_id FROM idx_reference x JOIN resource t ON t.res_type "
      "= "
      "x.target_type AND t.res_id = x.target_id WHERE x.rid = ANY(" +
      b.param(array_literal(rids), "bigint[]") + ")" + key_filter(inc, "x") + " AND NOT t.deleted";
  if (!inc.target_type.empty() && inc.target_type != "*")
    rows += " AND t.res_type = " + b.param(inc.target_type);
  rows += " ORDER BY t.rid LIMIT " + b.param(std::to_string(limit), "bigint");
  return found_rows(statements.exec(tx, rows, b.params()));
}

// The index rows `x` of references to `targets` (of `type`, "" or "*": all):
// " FROM ... WHERE ...". By the targets' types and ids when all are known (a
// page's rows), which spares a lookup of each target's resource row (half
// the buffers of `enc_revinclude`'s statement, docs/benchmarks.md); with one
// type, as one index scan over the ids (`= ANY`: a tenth cheaper than a
// join, pgbench); else by the targets' resource rows, by rid.
std::string referring_rows_sql(const std::vector<PageRow>& targets, const std::string& type, SqlBuilder& b) {
  std::vector<std::string> types, ids;
  bool one_type = true;
  for (const auto& r : targets) {
    if (!type.empty() && type != "*" && r.type != type) continue;
    if (r.id.empty()) {
      return " FROM (SELECT res_type, res_id FROM resource WHERE rid = ANY(" +
             b.param(array_literal(rids_of_type(targets, type)), "bigint[]") +
             ")) t JOIN idx_reference x ON x.target_type = t.res_type AND x.target_id = t.res_id WHERE true";
    }
    one_type = one_type && (types.empty() || r.type == types.front());
    types.push_back(r.type);
    ids.push_back(r.id);
  }
  if (one_type && !types.empty()) {
    return " FROM idx_reference x WHERE x.target_type = " + b.param(types.front()) +
           " AND x.target_id = ANY(" + b.param(array_literal(ids), "text[]") + ")";
  }
  return " FROM unnest(" + b.param(array_literal(types), "text[]") + ", " +
         b.param(array_literal(ids), "text[]") +
         ") AS t(res_type, res_id) JOIN idx_reference x ON x.target_type = t.res_type AND x.target_id = "
         "t.res_id WHERE true";
}

// _revinclude: the resources of inc.source_type whose reference points to one of `targets`.
std::vector<Found> include_referrers(pqxx::transaction_base& tx, StatementCache& statements,
                                     const search::Include& inc, const std::vector<PageRow>& targets,
                                     std::size_t limit) {
  auto rids = rids_of_type(targets, inc.target_type);
  if (rids.empty()) return {};
  SqlBuilder b;
  if (inc.param != nullptr && !inc.source_type.empty() && inc.source_type != "*") {
    // The parameter's keys name the source type, and index rows exist only
    // for live resources: the referrers and their current versions come from
    // the target index alone (seq 0: a row of an older Carnet, migrations/0008).
    // Unordered and not made distinct: PostgreSQL sorting a page's ~150
    // rows cost as much as finding them (docs/benchmarks.md); the rows are
    // sorted and made distinct here. Only when more than `limit` rows come
    // back does the cut need an order: then the ordered statement decides.
    const std::string from = referring_rows_sql(targets, inc.target_type, b) + key_filter(inc, "x");
    const std::string seq =
        "CASE WHEN x.seq <> 0 THEN x.seq ELSE (SELECT s.seq FROM resource s WHERE s.rid = x.rid) END";
    // One limit for both statements: `limit` + 1 rows tell that more than `limit` exist.
    const std::string more = b.param(std::to_string(limit + 1), "bigint");
    const auto rows = statements.exec(tx, "SELECT x.rid, " + seq + from + " LIMIT " + more, b.params());
    if (static_cast<std::size_t>(rows.size()) > limit) {
      const std::string sql =
          "SELECT DISTINCT x.rid, " + seq + from + " ORDER BY x.rid LIMIT " + more + " - 1";
      return referrers(statements.exec(tx, sql, b.params()), inc.source_type, limit);
    }
    return referrers(rows, inc.source_type, limit);
  }
  std::string rows =
      "SELECT DISTINCT s.rid, s.seq, s.res_type, s.res_id FROM resource t JOIN idx_reference x ON "
      "x.target_type "
      "= t.res_type AND x.target_id = t.res_id JOIN resource s ON s.rid = x.rid WHERE t.rid = ANY(" +
      b.param(array_literal(rids), "bigint[]") + ")" + key_filter(inc, "x") + " AND NOT s.deleted";
  if (!inc.source_type.empty() && inc.source_type != "*")
    rows += " AND s.res_type = " + b.param(inc.source_type);
  rows += " ORDER BY s.rid LIMIT " + b.param(std::to_string(limit), "bigint");
  return found_rows(statements.exec(tx, rows, b.params()));
}

}  // namespace

std::vector<SharedVersion> find_includes(pqxx::transaction_base& tx, StatementCache& statements,
                                         VersionCache& versions, const search::Query& q,
                                         const std::vector<PageRow>& matches) {
  if ((q.includes.empty() && q.revincludes.empty()) || matches.empty()) return {};
  // A hash set: ~200 inserts per page with its includes, where a tree's
  // nodes and rebalancing were 2-3 % of Carnet's samples (docs/benchmarks.md).
  std::unordered_set<std::int64_t> seen;
  seen.reserve(matches.size() * 8);
  for (const auto& m : matches) seen.insert(m.rid);
  std::vector<std::pair<std::int64_t, VersionRef>> included;  // by rid
  std::vector<PageRow> sources = matches;
  for (int round = 0; round < kMaxIncludeRounds && !sources.empty() && included.size() < kMaxIncluded;
       ++round) {
    std::vector<PageRow> added;
    auto take = [&](std::vector<Found> found) {
      for (auto& f : found) {
        if (included.size() >= kMaxIncluded) return;
        if (seen.insert(f.row.rid).second) {
          added.push_back(f.row);
          included.emplace_back(f.row.rid, std::move(f.ref));
        }
      }
    };
    // Enough rows to fill kMaxIncluded even if some were seen already (at
    // most the page and earlier includes).
    auto limit = [&] { return kMaxIncluded - included.size() + seen.size(); };
    // The first round starts from the matches with every include; later
    // rounds only follow the :iterate ones from what was just added.
    for (const auto& inc : q.includes) {
      if (round == 0 || inc.iterate) take(include_targets(tx, statements, inc, sources, limit()));
    }
    for (const auto& inc : q.revincludes) {
      if (round == 0 || inc.iterate) take(include_referrers(tx, statements, inc, sources, limit()));
    }
    sources = std::move(added);
  }
  std::sort(included.begin(), included.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<VersionRef> refs;
  refs.reserve(included.size());
  for (auto& [rid, ref] : included) refs.push_back(std::move(ref));
  return load_versions(tx, versions, refs);
}

}  // namespace carnet::store::pg
