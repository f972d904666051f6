#pragma once
// An in-memory ResourceStore for the service and http unit tests (no database:
// the PostgreSQL store is covered by the integration tests). It keeps every
// version, newest last, and records what the services asked for. Its search is
// a stand-in, not FHIR search: it honours the types, _id, the compartment,
// _count, _total and its own offset cursors, and ignores every other criterion
// (the real search is tested over HTTP).

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "carnet/core/error.hpp"
#include "carnet/store/resource_store.hpp"

namespace carnet::testing {

class MemoryStore final : public store::ResourceStore {
 public:
  std::optional<store::StoredVersion> read(const std::string& type, const std::string& id) override {
    std::lock_guard lock(mutex_);
    auto it = versions_.find({type, id});
    if (it == versions_.end()) return std::nullopt;
    return it->second.back();
  }
  std::optional<store::StoredVersion> read_version(const std::string& type, const std::string& id,
                                                   int version) override {
    std::lock_guard lock(mutex_);
    auto it = versions_.find({type, id});
    if (it == versions_.end() || version < 1 || version > static_cast<int>(it->second.size()))
      return std::nullopt;
    return it->second[static_cast<std::size_t>(version - 1)];
  }
  store::WriteResult write(const store::WriteRequest& req, core::AccessRecord& audit) override {
    std::lock_guard lock(mutex_);
    auto& list = versions_[{req.type, req.id}];
    if (req.must_be_new && !list.empty()) throw core::conflict("exists");
    int current = list.empty() ? 0 : list.back().info.version;
    if (req.if_match && *req.if_match != current) throw core::precondition_failed("stale");
    store::WriteResult result;
    result.created = list.empty() || list.back().info.deleted;
    auto& v = result.stored;
    v.info = {req.type, req.id, current + 1, ++seq_, core::now(), false};
    v.method = req.must_be_new ? "POST" : "PUT";
    v.body = req.render(v.info.version, v.info.last_updated);
    v.patient = req.patient;
    audit.entity_version = v.info.version;
    req.complete_audit(audit, result);
    audits_.push_back(audit);
    list.push_back(v);
    if (!rids_.contains({req.type, req.id})) rids_[{req.type, req.id}] = ++rid_;
    indexes_[{req.type, req.id}] = req.index;
    return result;
  }
  store::RemoveResult remove(
      const std::string& type, const std::string& id, std::optional<int>, core::AccessRecord& audit,
      const std::function<void(core::AccessRecord&, const store::RemoveResult&)>& complete) override {
    std::lock_guard lock(mutex_);
    store::RemoveResult result;
    auto it = versions_.find({type, id});
    result.existed = it != versions_.end();
    if (result.existed && !it->second.back().info.deleted) {
      store::StoredVersion v;
      v.info = {type, id, it->second.back().info.version + 1, ++seq_, core::now(), true};
      v.method = "DELETE";
      it->second.push_back(v);
      result.deletion = v.info;
    }
    complete(audit, result);
    audits_.push_back(audit);
    return result;
  }
  std::vector<store::StoredVersion> history(const store::HistoryQuery& q) override {
    std::lock_guard lock(mutex_);
    std::vector<store::StoredVersion> all;
    for (const auto& [key, list] : versions_)
      for (const auto& v : list)
        if ((q.type.empty() || key.first == q.type) && (q.id.empty() || key.second == q.id) &&
            (!q.before_seq || v.info.seq < *q.before_seq))
          all.push_back(v);
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.info.seq > b.info.seq; });
    if (all.size() > q.count + 1) all.resize(q.count + 1);
    return all;
  }

  store::SearchResult search(const search::Query& q) override {
    std::lock_guard lock(mutex_);
    queries_.push_back(q);
    std::vector<store::StoredVersion> all;
    for (const auto& [key, list] : versions_) {
      const auto& v = list.back();
      if (v.info.deleted) continue;
      if (!q.types.empty() && std::find(q.types.begin(), q.types.end(), key.first) == q.types.end()) continue;
      if (q.compartment_patient && v.patient != "Patient/" + *q.compartment_patient) continue;
      bool ok = true;
      for (const auto& c : q.criteria)
        if (c.kind == search::Criterion::Kind::id)
          ok = ok && std::find(c.ids.begin(), c.ids.end(), key.second) != c.ids.end();
      if (ok) all.push_back(v);
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.info.seq < b.info.seq; });
    std::size_t offset = 0;
    if (q.cursor) {
      try {
        offset = std::stoul(*q.cursor);
      } catch (const std::exception&) {
        throw core::invalid("The paging cursor is malformed", "_cursor");
      }
    }
    store::SearchResult result;
    for (std::size_t i = offset; i < all.size() && i < offset + q.count; ++i)
      result.matches.push_back(std::make_shared<const store::StoredVersion>(all[i]));
    if (offset + q.count < all.size()) result.next_cursor = std::to_string(offset + q.count);
    if (offset > 0) result.previous_cursor = std::to_string(offset > q.count ? offset - q.count : 0);
    if (q.total != search::TotalMode::none) result.total = static_cast<std::int64_t>(all.size());
    for (const auto& v : included_)
      result.included.push_back(std::make_shared<const store::StoredVersion>(v));
    return result;
  }

  std::vector<store::ReindexItem> reindex_scan(const std::vector<std::string>& types, std::int64_t after_rid,
                                               std::size_t limit) override {
    std::unique_lock lock(mutex_);
    gate_.wait(lock, [this] { return !hold_scan_; });
    std::vector<store::ReindexItem> items;
    for (const auto& [key, list] : versions_) {
      const auto& v = list.back();
      std::int64_t rid = rids_.at(key);
      if (v.info.deleted || rid <= after_rid) continue;
      if (!types.empty() && std::find(types.begin(), types.end(), key.first) == types.end()) continue;
      items.push_back({rid, v.info.seq, key.first, key.second, v.body});
    }
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.rid < b.rid; });
    if (items.size() > limit) items.resize(limit);
    return items;
  }
  std::size_t reindex_write(
      std::span<const std::pair<store::ReindexItem, search::IndexEntries>> items) override {
    std::lock_guard lock(mutex_);
    std::size_t written = 0;
    for (const auto& [item, entries] : items) {
      auto it = versions_.find({item.type, item.id});
      if (it == versions_.end() || it->second.back().info.seq != item.seq) continue;  // changed meanwhile
      indexes_[{item.type, item.id}] = entries;
      ++written;
    }
    return written;
  }

  void append_audit(std::span<const core::AccessRecord> records) override {
    std::lock_guard lock(mutex_);
    audits_.insert(audits_.end(), records.begin(), records.end());
  }
  std::vector<store::StoredAccess> list_audit(const store::AuditQuery&) override { return {}; }
  std::int64_t count_audit(const store::AuditQuery&) override {
    std::lock_guard lock(mutex_);
    return static_cast<std::int64_t>(audits_.size());
  }
  std::optional<store::StoredAccess> read_audit(std::int64_t) override { return std::nullopt; }

  /// While held, reindex_scan waits (to observe a running $reindex job).
  void hold_scan(bool hold) {
    {
      std::lock_guard lock(mutex_);
      hold_scan_ = hold;
    }
    gate_.notify_all();
  }
  /// The index entries last written for a resource.
  search::IndexEntries index_of(const std::string& type, const std::string& id) {
    std::lock_guard lock(mutex_);
    return indexes_.at({type, id});
  }
  /// The queries search() received, in order.
  std::vector<search::Query> queries() {
    std::lock_guard lock(mutex_);
    return queries_;
  }
  /// Returned as SearchResult::included by every search.
  void set_included(std::vector<store::StoredVersion> included) {
    std::lock_guard lock(mutex_);
    included_ = std::move(included);
  }

  std::vector<core::AccessRecord> audits_;

 private:
  using Key = std::pair<std::string, std::string>;
  std::mutex mutex_;
  std::condition_variable gate_;
  bool hold_scan_ = false;
  std::map<Key, std::vector<store::StoredVersion>> versions_;
  std::map<Key, std::int64_t> rids_;
  std::map<Key, search::IndexEntries> indexes_;
  std::vector<search::Query> queries_;
  std::vector<store::StoredVersion> included_;
  std::int64_t seq_ = 0;
  std::int64_t rid_ = 0;
};

}  // namespace carnet::testing
