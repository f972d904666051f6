#include "store/pg/pg_search.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "carnet/core/error.hpp"
#include "store/pg/row_mapping.hpp"
#include "store/pg/search_cursor.hpp"
#include "store/pg/search_includes.hpp"
#include "store/pg/search_order.hpp"
#include "store/pg/search_snapshot.hpp"
#include "store/pg/search_sql.hpp"
#include "store/pg/statements.hpp"
#include "store/pg/version_loader.hpp"

namespace carnet::store::pg {
namespace {

// A REPEATABLE READ, READ ONLY transaction block on a nontransaction, opened
// with one statement: libpqxx's own transaction sends BEGIN and SET
// TRANSACTION apart (a round trip more per search with includes or a total).
// Rolled back unless committed, so that the connection goes back to the pool
// outside any transaction.
class ReadOnlyBlock {
 public:
  explicit ReadOnlyBlock(pqxx::nontransaction& tx) : tx_(tx) {
    tx_.exec0("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  ReadOnlyBlock(const ReadOnlyBlock&) = delete;
  ReadOnlyBlock& operator=(const ReadOnlyBlock&) = delete;
  ~ReadOnlyBlock() {
    if (!open_) return;
    try {
      tx_.exec0("ROLLBACK");
    } catch (...) {
      // The connection is broken: the pool drops it.
    }
  }
  void commit() {
    tx_.exec0("COMMIT");
    open_ = false;
  }

 private:
  pqxx::nontransaction& tx_;
  bool open_ = true;
};

// One row of a page: its version's seq, its rid and type, and where it sits
// in the order (sort values for a keyset cursor, position in a snapshot).
struct PageEntry {
  VersionRef ref;
  PageRow row;
  std::vector<std::optional<std::string>> sort_values;
  std::int64_t position = 0;
};

// The columns every page query starts with: seq, res_type, res_id and rid of
// the resource row `r`. The versions themselves come from the VersionCache or
// one more statement (version_loader.hpp), not from a join.
std::string page_select(const char* r) {
  const std::string a(r);
  return "SELECT " + a + ".seq, " + a + ".res_type, " + a + ".res_id, " + a + ".rid";
}
constexpr pqxx::row::size_type kExtra = 4;  // the index of the first column after page_select

PageEntry to_entry(const pqxx::row& row) {
  PageEntry e;
  e.ref = {row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>()};
  e.row = {row[3].as<std::int64_t>(), e.ref.type, e.ref.id};
  return e;
}

std::optional<std::string> text_of(const pqxx::field& f) {
  return f.is_null() ? std::nullopt : std::optional<std::string>(f.as<std::string>());
}

// A search of every type keys its parameters on each type stored: the
// distinct res_type values, found by skipping through the primary key.
std::vector<std::string> stored_types(pqxx::transaction_base& tx) {
  std::vector<std::string> out;
  for (const auto& row : tx.exec(
           "WITH RECURSIVE t(res_type) AS (SELECT min(res_type) FROM resource UNION ALL SELECT (SELECT "
           "min(res_type) FROM resource WHERE res_type > t.res_type) FROM t WHERE t.res_type IS NOT NULL) "
           "SELECT res_type FROM t WHERE res_type IS NOT NULL")) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

bool uses_parameters(const search::Query& q) {
  return std::any_of(q.criteria.begin(), q.criteria.end(),
                     [](const auto& c) { return c.param != nullptr; }) ||
         std::any_of(q.sort.begin(), q.sort.end(), [](const auto& s) { return s.param != nullptr; });
}

// rid and res_id never change: keyset paging alone keeps its promise.
bool stable_order(const search::Query& q) {
  return std::all_of(q.sort.begin(), q.sort.end(), [](const auto& s) { return s.code == "_id"; });
}

// One search: its page, cursors, includes and total.
class Search {
 public:
  Search(pqxx::transaction_base& tx, StatementCache& statements, VersionCache& versions,
         const search::Query& q)
      : tx_(tx),
        statements_(statements),
        versions_(versions),
        q_(q),
        key_types_(q.types.empty() && uses_parameters(q) ? stored_types(tx) : q.types),
        columns_(sort_columns(q, key_types_)),
        signature_(sort_signature(q)) {
    if (q.cursor) cursor_ = decode_cursor(*q.cursor, signature_, columns_.size());
  }

  /// Reads the page (when count > 0); `snapshot` receives the rids to store
  /// when a first sorted page has more pages after it.
  void read_page(std::vector<std::int64_t>& snapshot, std::optional<Cursor>& tail) {
    if (q_.count == 0) return;
    if (cursor_ && cursor_->in_snapshot()) {
      snapshot_page();
    } else if (!cursor_ && !stable_order(q_)) {
      first_sorted_page(snapshot, tail);
    } else {
      keyset_page();
    }
    std::vector<PageRow> rows;
    std::vector<VersionRef> refs;
    for (auto& e : page_) {
      rows.push_back(e.row);
      refs.push_back(std::move(e.ref));
    }
    result_.matches = load_versions(tx_, versions_, refs);
    // Rows read from index rows alone learn their ids with their versions.
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].id.empty()) rows[i].id = result_.matches[i]->info.id;
    }
    result_.included = find_includes(tx_, statements_, versions_, q_, rows);
  }

  void count_total() {
    auto mode = q_.total;
    if (q_.summary == search::Summary::count && mode == search::TotalMode::none)
      mode = search::TotalMode::accurate;
    if (mode == search::TotalMode::none) return;
    if (known_total_) {
      result_.total = *known_total_;
    } else if (mode == search::TotalMode::accurate) {
      result_.total = count_matches();
    } else {
      result_.total = estimate_matches();
    }
  }

  SearchResult& result() { return result_; }
  const std::string& signature() const { return signature_; }

 private:
  // Keyset: count + 1 rows after (or before) the cursor's sort values and rid.
  void keyset_page() {
    SqlBuilder b;
    std::string inner = "SELECT r.rid, r.res_type, r.res_id, r.seq";
    std::string outer = page_select("m");
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      inner += ", " + columns_[i].expr + " AS s" + std::to_string(i);
      outer += ", m.s" + std::to_string(i) + "::text";
    }
    const bool backward = cursor_ && cursor_->backward;
    std::optional<RidWindow> window;
    if (columns_.empty()) {
      window = RidWindow{cursor_ ? std::optional<std::int64_t>(cursor_->rid) : std::nullopt, backward,
                         q_.count + 1};
    }
    // In rid order with one type, the page may come from the driving index
    // rows alone, without a lookup of each row's resource (its id then comes
    // with its version).
    const auto from_index =
        window && q_.types.size() == 1 ? index_page_sql(q_, key_types_, b, *window) : std::nullopt;
    std::string sql =
        from_index
            ? "SELECT CASE WHEN m.seq <> 0 THEN m.seq ELSE (SELECT pr.seq FROM resource pr WHERE pr.rid = "
              "m.rid) END, " +
                  b.param(q_.types.front()) + ", '', m.rid FROM (" + *from_index + ") m"
            : outer + " FROM (" + inner + " FROM resource r WHERE " +
                  filter_sql(q_, key_types_, b, Drive::index, window ? &*window : nullptr) + ") m";
    if (cursor_) sql += " WHERE " + keyset_sql(columns_, *cursor_, b);
    sql += " " + order_by_sql(columns_, backward) + " LIMIT " + std::to_string(q_.count + 1);
    for (const auto& row : exec(sql, b)) {
      auto e = to_entry(row);
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        e.sort_values.push_back(text_of(row[kExtra + static_cast<pqxx::row::size_type>(i)]));
      }
      page_.push_back(std::move(e));
    }
    const bool more = trim(backward);
    if (!page_.empty()) {
      // Forward: a next page when a row was left over, a previous one unless
      // this is the first. Backward: the page we came from is next.
      if (backward || more) result_.next_cursor = keyset_cursor(page_.back(), false);
      if (backward ? more : cursor_.has_value()) result_.previous_cursor = keyset_cursor(page_.front(), true);
    } else if (cursor_) {
      // Walked past the end (or the start): the other direction comes back to
      // the cursor's row included — rid ± 1 moves the position just past it.
      Cursor back = *cursor_;
      back.backward = !backward;
      back.rid += backward ? -1 : 1;
      (backward ? result_.next_cursor : result_.previous_cursor) = encode_cursor(back, signature_);
    }
    if (!cursor_ && !more) known_total_ = static_cast<std::int64_t>(page_.size());
  }

  // A first page in an order that may change: the ordered rids of (up to
  // kMaxSnapshot + 1) matches, with the seqs of the page's rows, in one
  // statement; the rest kept as a snapshot.
  void first_sorted_page(std::vector<std::int64_t>& snapshot, std::optional<Cursor>& tail) {
    SqlBuilder b;
    // When the index rows answer the whole query, the matches beyond the
    // page never touch the resource table (~100 lookups saved for a
    // patient's Observations sorted by date), and the first sort value may
    // come with them.
    const bool on_index = std::none_of(columns_.begin(), columns_.end(),
                                       [](const SortColumn& c) { return c.needs_resource_row; });
    const auto rids = on_index ? index_rids_sql(q_, key_types_, b) : std::nullopt;
    std::string select = "SELECT r.rid", sort_values, ordered = "SELECT m.rid";
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::string s = "s" + std::to_string(i);
      select += ", " + (i == 0 && rids && rids->first_sort_value ? "r.s0" : columns_[i].expr) + " AS " + s;
      ordered += ", m." + s;
      sort_values += ", o." + s + "::text";
    }
    // With one type searched and the seqs on the index rows, the page's rows
    // need not be looked up at all: their versions are known by seq (type
    // and id come with them).
    const bool seq_known = rids && rids->seq && q_.types.size() == 1;
    if (seq_known) select += ", r.seq";
    const std::string matches =
        rids ? "(" + rids->sql + ") r" : "resource r WHERE " + filter_sql(q_, key_types_, b);
    const std::string order = order_by_sql(columns_, false);  // "ORDER BY m.s0 ..., m.rid ASC"
    std::string sql;
    if (seq_known) {
      // Every row comes with its seq: no numbering, no second pass, just
      // the ordered matches (seq 0: a row written by an older Carnet,
      // migrations/0009; its resource row says).
      std::string values;
      for (std::size_t i = 0; i < columns_.size(); ++i) values += ", m.s" + std::to_string(i) + "::text";
      sql =
          "SELECT CASE WHEN m.seq <> 0 THEN m.seq ELSE (SELECT pr.seq FROM resource pr WHERE pr.rid = m.rid) "
          "END, " +
          b.param(q_.types.front()) + ", '', m.rid" + values + ", m.rid FROM (" + select + " FROM " +
          matches + ") m " + order + " LIMIT " + std::to_string(kMaxSnapshot + 1);
    } else {
      // o: the ordered matches numbered 1..n; the page's rows (n <= count)
      // get their resource row by an outer join, the others only their rid.
      // The lateral subquery (OFFSET 0: not flattened) turns n <= count into
      // a one-time filter, so rows beyond the page are not even looked up.
      const std::string window = order.substr(std::string_view("ORDER BY ").size());
      sql = page_select("pr") + sort_values + ", o.rid FROM (" + ordered + ", row_number() OVER (ORDER BY " +
            window + ") AS n FROM (" + select + " FROM " + matches + ") m " + order + " LIMIT " +
            std::to_string(kMaxSnapshot + 1) +
            ") o LEFT JOIN LATERAL (SELECT pr.seq, pr.res_type, pr.res_id, pr.rid FROM resource pr WHERE o.n "
            "<= " +
            std::to_string(q_.count) + " AND pr.rid = o.rid OFFSET 0) pr ON true ORDER BY o.n";
    }
    const auto rows = exec(sql, b);
    const auto rid_column = kExtra + static_cast<pqxx::row::size_type>(columns_.size());
    const std::size_t n = rows.size();
    for (std::size_t i = 0; i < std::min(n, q_.count); ++i)
      page_.push_back(to_entry(rows[static_cast<int>(i)]));
    if (n <= kMaxSnapshot) known_total_ = static_cast<std::int64_t>(n);
    if (n <= q_.count) return;
    for (std::size_t i = 0; i < std::min(n, kMaxSnapshot); ++i) {
      snapshot.push_back(rows[static_cast<int>(i)][rid_column].as<std::int64_t>());
    }
    if (n > kMaxSnapshot) {
      const auto& last = rows[static_cast<int>(kMaxSnapshot - 1)];
      tail = Cursor{false, {}, last[rid_column].as<std::int64_t>(), 0, 0, {}};
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        tail->values.push_back(text_of(last[kExtra + static_cast<pqxx::row::size_type>(i)]));
      }
    }
  }

  // A page of a snapshot, stored or carried by the cursor: its rids after
  // (or before) the cursor's position that still match.
  void snapshot_page() {
    const bool carried = !cursor_->rids.empty();
    std::optional<SnapshotInfo> info;
    if (carried) {
      info = SnapshotInfo{static_cast<std::int64_t>(cursor_->rids.size()), std::nullopt};
    } else {
      info = load_snapshot(tx_, cursor_->snapshot);
      if (!info) throw core::gone("The search results have expired: repeat the search");
    }
    const bool backward = cursor_->backward;
    SqlBuilder b;
    std::string rids;
    if (carried) {
      std::string list = "{";
      for (auto rid : cursor_->rids) list += std::to_string(rid) + ",";
      list.back() = '}';
      rids = "unnest(" + b.param(list, "bigint[]") + ")";
    } else {
      rids = "search_snapshot ss CROSS JOIN LATERAL unnest(ss.rids)";
    }
    const std::string id = carried ? "" : b.param(std::to_string(cursor_->snapshot), "bigint");
    const std::string position = b.param(std::to_string(cursor_->position), "bigint");
    const std::string sql = page_select("r") + ", s.pos FROM " + rids +
                            " WITH ORDINALITY AS s(rid, pos) JOIN resource r ON r.rid = s.rid WHERE " +
                            (carried ? "" : "ss.id = " + id + " AND ") + "s.pos " + (backward ? "< " : "> ") +
                            position + " AND " + filter_sql(q_, key_types_, b, Drive::rows) +
                            " ORDER BY s.pos " + (backward ? "DESC" : "ASC") + " LIMIT " +
                            std::to_string(q_.count + 1);
    for (const auto& row : exec(sql, b)) {
      auto e = to_entry(row);
      e.position = row[kExtra].as<std::int64_t>();
      page_.push_back(std::move(e));
    }
    const bool more = trim(backward);
    auto at = [&](std::int64_t pos, bool back) {
      return encode_cursor(Cursor{back, {}, 0, cursor_->snapshot, pos, cursor_->rids}, signature_);
    };
    if (!page_.empty()) {
      if (backward || more) {
        result_.next_cursor = at(page_.back().position, false);
      } else if (info->tail) {
        result_.next_cursor = encode_cursor(*info->tail, signature_);  // past the snapshot: keyset
      }
      if (!backward || more) result_.previous_cursor = at(page_.front().position, true);
    } else {
      // Past the end (or the start): the other direction comes back to the cursor's position included.
      (backward ? result_.next_cursor : result_.previous_cursor) =
          at(cursor_->position + (backward ? -1 : 1), !backward);
      if (!backward && info->tail) result_.next_cursor = encode_cursor(*info->tail, signature_);
    }
  }

  // Drops the row read beyond the page and puts a backward page in order.
  // Returns whether there was such a row.
  bool trim(bool backward) {
    const bool more = page_.size() > q_.count;
    if (more) page_.resize(q_.count);
    if (backward) std::reverse(page_.begin(), page_.end());
    return more;
  }

  std::string keyset_cursor(const PageEntry& e, bool backward) const {
    return encode_cursor(Cursor{backward, e.sort_values, e.row.rid, 0, 0, {}}, signature_);
  }

  pqxx::result exec(const std::string& sql, SqlBuilder& b) {
    try {
      return statements_.exec(tx_, sql, b.params());
    } catch (const pqxx::data_exception&) {
      // Only a cursor's sort values can fail to convert: the query's own values were checked by the parser.
      if (cursor_) throw core::invalid("The _cursor parameter is not a cursor of this search", "_cursor");
      throw;
    }
  }

  std::int64_t count_matches() {
    SqlBuilder b;
    const std::string sql = "SELECT count(*) FROM resource r WHERE " + filter_sql(q_, key_types_, b);
    return exec(sql, b)[0][0].as<std::int64_t>();
  }

  // _total=estimate: the planner's estimate of the number of matches, without
  // running the query (the top node's "Plan Rows").
  std::int64_t estimate_matches() {
    SqlBuilder b;
    const std::string sql =
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM resource r WHERE " + filter_sql(q_, key_types_, b);
    // Not prepared: an estimate is rare, and EXPLAIN of a prepared generic
    // plan would estimate for unknown values.
    const auto plan = nlohmann::json::parse(
        tx_.exec_params(sql, b.params().dynamic())[0][0].as<std::string>(), nullptr, false);
    if (plan.is_discarded() || !plan.is_array() || plan.empty()) return count_matches();
    const auto rows = plan[0]["Plan"].value("Plan Rows", -1.0);
    return rows < 0 ? count_matches() : static_cast<std::int64_t>(rows + 0.5);
  }

  pqxx::transaction_base& tx_;
  StatementCache& statements_;
  VersionCache& versions_;
  const search::Query& q_;
  const std::vector<std::string> key_types_;
  const std::vector<SortColumn> columns_;
  const std::string signature_;
  std::optional<Cursor> cursor_;
  std::vector<PageEntry> page_;
  std::optional<std::int64_t> known_total_;  // when the page query saw every match
  SearchResult result_;
};

// Whether the search's statements must see one snapshot, in a transaction
// block (BEGIN and COMMIT: two more round trips). A total must count what the
// page shows; a page of a stored snapshot reads the snapshot, then the page;
// a system search with parameters first lists the types. Every other page
// (keyset, the first in any order, a snapshot the cursor carries) is one
// statement, and a statement sees one snapshot. Its versions, read after it
// when not cached, cannot have changed: a seq names one immutable version.
// Includes and revincludes need no block: they are read a moment after the
// page, as current resources, like a read of each would be.
bool needs_one_snapshot(const search::Query& q) {
  const bool total = q.total != search::TotalMode::none || q.summary == search::Summary::count;
  return total || (q.types.empty() && uses_parameters(q)) ||
         (!stable_order(q) && q.cursor && !carries_snapshot(*q.cursor));
}

// One search on `conn`: in a transaction block when `block` (several
// statements must see one snapshot), else as its single statement.
SearchResult search_in(PooledConnection& conn, VersionCache& versions, const search::Query& q, bool block,
                       std::vector<std::int64_t>& snapshot, std::optional<Cursor>& tail,
                       std::string& signature) {
  pqxx::nontransaction tx(conn);
  std::optional<ReadOnlyBlock> read_only;
  if (block) read_only.emplace(tx);
  Search search(tx, conn.statements(), versions, q);
  search.read_page(snapshot, tail);
  search.count_total();
  if (read_only) read_only->commit();
  tx.commit();
  signature = search.signature();
  return std::move(search.result());
}

}  // namespace

SearchResult run_search(PooledConnection& conn, VersionCache& versions, const search::Query& q) {
  conn.statements().trim(conn);  // outside any transaction
  std::vector<std::int64_t> snapshot;
  std::optional<Cursor> tail;
  std::string signature;
  SearchResult result = search_in(conn, versions, q, needs_one_snapshot(q), snapshot, tail, signature);
  if (!snapshot.empty()) {
    // Small snapshots travel in the links: no write, no expiry, and the next
    // page can be served by any node or a read replica.
    Cursor next{false, {}, 0, 0, static_cast<std::int64_t>(q.count), {}};
    if (!tail && snapshot.size() <= kMaxCarriedRids && carried_size(snapshot) <= kMaxCarriedChars) {
      next.rids = std::move(snapshot);
    } else {
      next.snapshot = save_snapshot(conn, snapshot, tail);
    }
    result.next_cursor = encode_cursor(next, signature);
  }
  return result;
}

}  // namespace carnet::store::pg
