#include <map>
#include <pqxx/pqxx>
#include <set>

#include "carnet/core/group_commit.hpp"
#include "carnet/store/pg_store.hpp"
#include "store/pg/audit_sql.hpp"
#include "store/pg/connection_pool.hpp"
#include "store/pg/errors.hpp"
#include "store/pg/index_writer.hpp"
#include "store/pg/pg_search.hpp"
#include "store/pg/row_mapping.hpp"
#include "store/pg/statements.hpp"
#include "store/pg/version_cache.hpp"

namespace carnet::store {
namespace pg {
namespace {

class PgResourceStore final : public ResourceStore {
  // A create waiting for the next grouped commit.
  struct PendingCreate {
    std::string type;
    std::string id;
    Params row;  // the 20 columns of create_many
    // The request's entries: borrowed (no-op deleter) when its caller waits
    // for the commit, owned when it does not (create_async).
    std::shared_ptr<const search::IndexEntries> index;
  };
  static constexpr std::size_t kMaxCreateBatch = 256;
  // Two writers: one batch is written (statements, index rows) while the
  // previous one waits for its commit's flush. With one, creates were bound by
  // that serial round and the CPU sat idle (docs/benchmarks.md).
  static constexpr std::size_t kCreateWriters = 2;

 public:
  PgResourceStore(const std::string& url, std::size_t pool_size, std::size_t version_cache_bytes)
      : pool_(url, pool_size, [](pqxx::connection& c) { prepare_statements(c); }),
        versions_(version_cache_bytes),
        creates_([this](std::vector<PendingCreate>& batch) { return flush_creates(batch); }, kMaxCreateBatch,
                 kCreateWriters) {}

  std::optional<StoredVersion> read(const std::string& type, const std::string& id) override {
    return with_connection(pool_, [&](pqxx::connection& c) -> std::optional<StoredVersion> {
      pqxx::nontransaction tx(c);
      auto r = tx.exec_prepared("read_current", type, id);
      if (r.empty()) return std::nullopt;
      return to_version(r[0], type, id);
    });
  }

  std::optional<StoredVersion> read_version(const std::string& type, const std::string& id,
                                            int version) override {
    return with_connection(pool_, [&](pqxx::connection& c) -> std::optional<StoredVersion> {
      pqxx::nontransaction tx(c);
      auto r = tx.exec_prepared("read_version", type, id, version);
      if (r.empty()) return std::nullopt;
      return to_version(r[0], type, id);
    });
  }

  WriteResult write(const WriteRequest& req, core::AccessRecord& audit) override {
    if (req.must_be_new) return create(req, audit);
    return with_connection(pool_, [&](PooledConnection& c) { return update(c, req, audit); });
  }

  RemoveResult remove(
      const std::string& type, const std::string& id, std::optional<int> if_match, core::AccessRecord& audit,
      const std::function<void(core::AccessRecord&, const RemoveResult&)>& complete_audit) override {
    return with_connection(pool_, [&](PooledConnection& c) {
      pqxx::work tx(c);
      auto head = tx.exec_prepared("head_for_update", type, id);
      bool live = !head.empty() && !head[0][1].as<bool>();
      if (!head.empty() && !head[0][2].is_null()) audit.patient = head[0][2].as<std::string>();
      // If-Match on an id that never existed is still a 404, not a 412.
      if (if_match && !head.empty() && (!live || head[0][0].as<int>() != *if_match)) {
        throw core::precondition_failed("If-Match does not match the current version of " + type + "/" + id);
      }
      if (!live) {
        RemoveResult result{!head.empty(), std::nullopt};
        complete_audit(audit, result);
        Params p;
        add_audit_params(p, audit);
        recording([&] { tx.exec_prepared("insert_audit", p.dynamic()); });
        tx.commit();
        return result;
      }
      VersionInfo info{type, id, head[0][0].as<int>() + 1, 0, core::now(), true};
      info.seq = tx.exec_prepared("update_head", type, id, info.version,
                                  core::to_fhir_instant(info.last_updated), "true")[0][0]
                     .as<std::int64_t>();
      RemoveResult result{true, info};
      audit.entity_version = info.version;
      complete_audit(audit, result);
      insert_version_and_audit(tx, info, "DELETE", nullptr, audit.patient, audit);
      // A deleted resource matches no search: its index rows go with it.
      IndexRows index;
      index.remove(head[0][3].as<std::int64_t>());
      write_index(c, tx, index);
      tx.commit();
      return result;
    });
  }

  std::vector<StoredVersion> history(const HistoryQuery& q) override {
    return with_connection(pool_, [&](pqxx::connection& c) {
      Params p;
      p.opt_text(q.type).opt_text(q.id).opt_instant(q.since);
      if (q.at) {
        p.instant(q.at->start).instant(q.at->end);
      } else {
        p.null().null();
      }
      p.opt_integer(q.before_seq).integer(static_cast<long long>(q.count + 1));
      const char* statement = !q.id.empty()     ? "history_instance"
                              : !q.type.empty() ? "history_type"
                                                : "history_system";
      CustomPlans plans(c);  // optional filters: $n IS NULL OR ...
      pqxx::nontransaction tx(c);
      std::vector<StoredVersion> out;
      for (const auto& row : tx.exec_prepared(statement, p.dynamic())) {
        out.push_back(to_version(row, row[6].as<std::string>(), row[7].as<std::string>()));
        out.back().created = row[8].as<bool>();
      }
      return out;
    });
  }

  SearchResult search(const search::Query& query) override {
    return with_connection(pool_, [&](PooledConnection& c) { return run_search(c, versions_, query); });
  }

  std::vector<ReindexItem> reindex_scan(const std::vector<std::string>& types, std::int64_t after_rid,
                                        std::size_t limit) override {
    return with_connection(pool_, [&](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      std::vector<ReindexItem> out;
      for (const auto& row :
           tx.exec_prepared("reindex_scan", array_literal(types), after_rid, static_cast<long long>(limit))) {
        out.push_back({row[0].as<std::int64_t>(), row[1].as<std::int64_t>(), row[2].as<std::string>(),
                       row[3].as<std::string>(), row[4].as<std::string>()});
      }
      return out;
    });
  }

  std::size_t reindex_write(std::span<const std::pair<ReindexItem, search::IndexEntries>> items) override {
    if (items.empty()) return 0;
    return with_connection(pool_, [&](PooledConnection& c) -> std::size_t {
      std::vector<std::string> rids, seqs;
      for (const auto& [item, entries] : items) {
        rids.push_back(std::to_string(item.rid));
        seqs.push_back(std::to_string(item.seq));
      }
      pqxx::work tx(c);
      // The items still current, locked (FOR SHARE) until commit: an update
      // waits, then replaces these rows with its own.
      std::set<std::int64_t> current;
      for (const auto& row : tx.exec_prepared("reindex_lock", array_literal(rids), array_literal(seqs))) {
        current.insert(row[0].as<std::int64_t>());
      }
      IndexRows index;
      std::set<std::int64_t> done;
      for (const auto& [item, entries] : items) {
        if (current.count(item.rid) == 0 || !done.insert(item.rid).second) continue;
        index.remove(item.rid);
        index.add(item.rid, item.seq, entries);
      }
      write_index(c, tx, index);
      tx.commit();
      return done.size();
    });
  }

  void append_audit(std::span<const core::AccessRecord> records) override {
    if (records.empty()) return;
    with_connection(pool_, [&](pqxx::connection& c) {
      ArrayColumns arrays(15);
      for (const auto& r : records) add_audit_row(arrays, r);
      Params p;
      arrays.to_params(p);
      pqxx::nontransaction tx(c);  // one statement: atomic and committed on its own
      tx.exec_prepared("append_audit", p.dynamic());
      return 0;
    });
  }

  std::vector<StoredAccess> list_audit(const AuditQuery& q) override {
    return with_connection(pool_, [&](PooledConnection& c) {
      SqlBuilder b;
      std::string sql = audit_select_sql() + " WHERE " + audit_filter_sql(q, b);
      if (q.before_seq) sql += " AND seq < " + b.param(std::to_string(*q.before_seq), "bigint");
      sql += " ORDER BY seq DESC LIMIT " + std::to_string(q.count + 1);
      pqxx::nontransaction tx(c);
      std::vector<StoredAccess> out;
      for (const auto& row : c.statements().exec(tx, sql, b.params())) out.push_back(to_access(row));
      return out;
    });
  }

  std::int64_t count_audit(const AuditQuery& q) override {
    return with_connection(pool_, [&](PooledConnection& c) {
      SqlBuilder b;
      const std::string sql = "SELECT count(*) FROM audit_event WHERE " + audit_filter_sql(q, b);
      pqxx::nontransaction tx(c);
      return c.statements().exec(tx, sql, b.params())[0][0].as<std::int64_t>();
    });
  }

  std::optional<StoredAccess> read_audit(std::int64_t seq) override {
    return with_connection(pool_, [&](pqxx::connection& c) -> std::optional<StoredAccess> {
      pqxx::nontransaction tx(c);
      auto r = tx.exec_prepared("read_audit", seq);
      if (r.empty()) return std::nullopt;
      return to_access(r[0]);
    });
  }

 private:
  // POST: the id is new, so head, version and audit need no lock: concurrent
  // creates are grouped into one statement and one commit (creates_).
  WriteResult create(const WriteRequest& req, core::AccessRecord& audit) {
    WriteResult result;
    // Borrowed: this thread waits for the commit, so `req` outlives the batch.
    auto item = pending_create(req, audit, result,
                               std::shared_ptr<const search::IndexEntries>(&req.index, [](const auto*) {}));
    auto seq = creates_.submit(std::move(item));
    if (!seq) throw already_exists(req.type, req.id);
    result.stored.info.seq = *seq;
    return result;
  }

  void create_async(WriteRequest&& req, core::AccessRecord audit, CreateDone done) override {
    if (!req.must_be_new)
      return ResourceStore::create_async(std::move(req), std::move(audit), std::move(done));
    WriteResult result;
    auto index = std::make_shared<const search::IndexEntries>(std::move(req.index));
    auto item = pending_create(req, audit, result, std::move(index));
    creates_.submit_async(std::move(item), [result = std::move(result), done = std::move(done)](
                                               std::optional<std::optional<std::int64_t>> seq,
                                               std::exception_ptr error) mutable {
      if (error) return done(std::nullopt, error);
      if (!seq || !*seq) {
        return done(std::nullopt,
                    std::make_exception_ptr(already_exists(result.stored.info.type, result.stored.info.id)));
      }
      result.stored.info.seq = **seq;
      done(std::move(result), nullptr);
    });
  }

  static core::Error already_exists(const std::string& type, const std::string& id) {
    return core::conflict("A resource " + type + "/" + id + " already exists");
  }

  // The version of a create (in `result`) and its row of create_many, with
  // `audit` completed for it.
  static PendingCreate pending_create(const WriteRequest& req, core::AccessRecord& audit, WriteResult& result,
                                      std::shared_ptr<const search::IndexEntries> index) {
    auto& info = result.stored.info;
    info = VersionInfo{req.type, req.id, 1, 0, core::now(), false};
    result.stored.method = "POST";
    result.stored.body = req.render(1, info.last_updated);
    result.created = true;
    result.stored.patient = req.patient;
    audit.entity_version = 1;
    req.complete_audit(audit, result);
    PendingCreate item;
    item.type = req.type;
    item.id = req.id;
    item.index = std::move(index);
    item.row.text(req.type)
        .text(req.id)
        .instant(info.last_updated)
        .text(result.stored.body)
        .opt_text(req.patient);
    add_audit_params(item.row, audit);
    return item;
  }

  // One transaction for the whole batch: one statement for the heads, versions
  // and audit rows, one for the index rows of those created; an id that
  // already existed gets no seq.
  std::vector<std::optional<std::int64_t>> flush_creates(std::vector<PendingCreate>& batch) {
    ArrayColumns columns(20);
    for (const auto& item : batch) columns.add_row(item.row);
    Params p;
    columns.to_params(p);
    std::map<std::pair<std::string, std::string>, std::int64_t> seqs;
    with_connection(pool_, [&](PooledConnection& c) {
      seqs.clear();  // a retried attempt starts over
      std::map<std::pair<std::string, std::string>, std::int64_t> rids;
      pqxx::work tx(c);
      pqxx::result r;
      recording([&] { r = tx.exec_prepared("create_many", p.dynamic()); });
      for (const auto& row : r) {
        std::pair<std::string, std::string> key{row[0].as<std::string>(), row[1].as<std::string>()};
        seqs[key] = row[2].as<std::int64_t>();
        rids[key] = row[3].as<std::int64_t>();
      }
      IndexRows index;
      for (const auto& item : batch) {
        auto it = rids.find({item.type, item.id});
        if (it != rids.end() && item.index) index.add(it->second, seqs.at(it->first), *item.index);
      }
      write_index(c, tx, index);
      tx.commit();
      return 0;
    });
    std::vector<std::optional<std::int64_t>> out;
    out.reserve(batch.size());
    for (const auto& item : batch) {
      auto it = seqs.find({item.type, item.id});
      out.push_back(it == seqs.end() ? std::nullopt : std::optional<std::int64_t>(it->second));
    }
    return out;
  }

  // PUT: lock the head row (or insert it), so that concurrent updates queue up
  // and each becomes its own version; If-Match is checked under the lock.
  WriteResult update(PooledConnection& c, const WriteRequest& req, core::AccessRecord& audit) {
    pqxx::work tx(c);
    WriteResult result;
    auto& info = result.stored.info;
    info.type = req.type;
    info.id = req.id;
    std::int64_t rid = 0;
    for (;;) {
      auto head = tx.exec_prepared("head_for_update", req.type, req.id);
      info.last_updated = core::now();
      if (head.empty()) {
        if (req.if_match) {
          throw core::precondition_failed("If-Match was given but " + req.type + "/" + req.id +
                                          " does not exist");
        }
        auto inserted =
            tx.exec_prepared("insert_head", req.type, req.id, core::to_fhir_instant(info.last_updated));
        if (inserted.empty()) continue;  // a concurrent PUT created it first: lock it and go on
        info.version = 1;
        info.seq = inserted[0][0].as<std::int64_t>();
        rid = inserted[0][1].as<std::int64_t>();
        result.created = true;
        break;
      }
      int current = head[0][0].as<int>();
      if (req.if_match && *req.if_match != current) {
        throw core::precondition_failed("If-Match version " + std::to_string(*req.if_match) +
                                        " is not the current version " + std::to_string(current));
      }
      result.created = head[0][1].as<bool>();  // re-creating a deleted resource
      rid = head[0][3].as<std::int64_t>();
      info.version = current + 1;
      info.seq = tx.exec_prepared("update_head", req.type, req.id, info.version,
                                  core::to_fhir_instant(info.last_updated), "false")[0][0]
                     .as<std::int64_t>();
      break;
    }
    result.stored.method = "PUT";
    result.stored.body = req.render(info.version, info.last_updated);
    result.stored.patient = req.patient;
    audit.entity_version = info.version;
    req.complete_audit(audit, result);
    insert_version_and_audit(tx, info, "PUT", result.stored.body.c_str(), req.patient, audit);
    // The new version's index rows replace the previous version's, under the head's lock.
    IndexRows index;
    index.remove(rid);
    index.add(rid, info.seq, req.index);
    write_index(c, tx, index);
    tx.commit();
    return result;
  }

  // Writes `index` in `tx` with the statement of its shape, prepared once per
  // connection (nothing to do when it is empty).
  static void write_index(PooledConnection& c, pqxx::work& tx, const IndexRows& index) {
    if (!index.empty()) c.statements().exec(tx, index.sql(), index.params());
  }

  static void insert_version_and_audit(pqxx::work& tx, const VersionInfo& info, const char* method,
                                       const char* body, const std::string& patient,
                                       const core::AccessRecord& audit) {
    Params p;
    add_audit_params(p, audit);
    p.integer(info.seq)
        .text(info.type)
        .text(info.id)
        .integer(info.version)
        .instant(info.last_updated)
        .text(method);
    if (body != nullptr) {
      p.text(body);
    } else {
      p.null();
    }
    p.opt_text(patient);
    recording([&] { tx.exec_prepared("insert_version_audit", p.dynamic()); });
  }

  // The statements that write a version together with its audit record: if
  // they fail, the transaction rolls back and the client is told the change was
  // not recorded (503), not that the server broke (500).
  template <typename Statement>
  static void recording(Statement&& statement) {
    try {
      statement();
    } catch (const pqxx::sql_error& e) {
      throw core::unavailable("The access could not be recorded in the audit trail; nothing was changed",
                              std::string("version/audit insert failed: ") + e.what());
    }
  }

  ConnectionPool pool_;    // before creates_: its writer flushes through the pool until it stops
  VersionCache versions_;  // what searches found, by seq (version_cache.hpp)
  core::GroupCommit<PendingCreate, std::optional<std::int64_t>> creates_;
};

}  // namespace
}  // namespace pg

std::unique_ptr<ResourceStore> make_pg_store(const std::string& url, std::size_t pool_size,
                                             std::size_t version_cache_bytes) {
  return std::make_unique<pg::PgResourceStore>(url, pool_size, version_cache_bytes);
}

}  // namespace carnet::store
