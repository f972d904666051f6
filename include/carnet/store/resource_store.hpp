#pragma once
/// The storage interface the services use; store/pg implements it on PostgreSQL.
/// No libpqxx in this header (ARCHITECTURE.md).

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "carnet/core/access_record.hpp"
#include "carnet/core/clock.hpp"
#include "carnet/search/index_entries.hpp"
#include "carnet/search/query.hpp"

namespace carnet::store {

/// Where one version of a resource sits in the global change order.
struct VersionInfo {
  std::string type;
  std::string id;
  int version = 0;
  std::int64_t seq = 0;  ///< global change sequence number (unique per version)
  core::Instant last_updated{};
  bool deleted = false;
};

/// One stored version with its text as clients read it back.
struct StoredVersion {
  VersionInfo info;
  std::string method;    ///< "POST", "PUT" or "DELETE" — how this version was made
  std::string body;      ///< exact resource text; empty for a deletion
  std::string patient;   ///< "Patient/<id>" whose compartment holds it, or empty
  bool created = false;  ///< history only: this version created the resource (first, or after a deletion)
};

/// One parameter of an AuditEvent search (http://hl7.org/fhir/R4/auditevent.html#search):
/// an audit row matches when it matches one of the values (a comma list).
struct AuditFilter {
  enum class Field {
    patient,  ///< "Patient/<id>": the row's patient, or the Patient read itself
    entity,   ///< "Type/<id>": the resource accessed, or the row's patient
    date,     ///< `dates` on the time recorded
    action,   ///< C R U D E
    outcome,  ///< 0 4 8 12
    subtype,  ///< the FHIR interaction code (read, search-type, create...)
    address,  ///< the client's network address starts with the value (case-insensitive)
  };
  Field field = Field::patient;
  std::vector<std::string> values;       ///< every field but date
  std::vector<search::DateQuery> dates;  ///< Field::date
};

/// An AuditEvent search: rows matching every filter, newest first.
struct AuditQuery {
  std::vector<AuditFilter> filters;
  std::size_t count = 0;                   ///< page size (one more row is read)
  std::optional<std::int64_t> before_seq;  ///< cursor: only older rows
};

/// Produces the text of the version being written, once its number and time
/// are known (meta.versionId and meta.lastUpdated go inside it).
using Renderer = std::function<std::string(int version, core::Instant last_updated)>;

/// What a write did.
struct WriteResult {
  StoredVersion stored;
  bool created = false;  ///< no live version existed before (201)
};

/// A create (POST, `must_be_new`) or an update/create-on-update (PUT).
struct WriteRequest {
  std::string type;
  std::string id;
  std::optional<int> if_match;  ///< version the client last saw (If-Match), if any
  bool must_be_new = false;     ///< POST: the id was just assigned and must not exist
  std::string patient;          ///< "Patient/<id>" whose compartment holds it, or empty
  /// The search index entries of the new version, written in the same
  /// transaction (replacing those of the previous version).
  search::IndexEntries index;
  Renderer render;
  /// Completes the audit record once the outcome is known (status, action),
  /// inside the transaction, just before the record is inserted.
  std::function<void(core::AccessRecord&, const WriteResult&)> complete_audit;
};

/// What a delete did.
struct RemoveResult {
  bool existed = false;                 ///< the id had any version (live or deleted)
  std::optional<VersionInfo> deletion;  ///< the deletion version written, if it was live
};

/// Which history to list, newest first.
struct HistoryQuery {
  std::string type;                      ///< empty = whole system
  std::string id;                        ///< empty = whole type
  std::optional<core::Instant> since;    ///< only versions last_updated >= since
  std::optional<core::InstantRange> at;  ///< only versions current at some point in [start, end)
  std::size_t count = 50;
  std::optional<std::int64_t> before_seq;  ///< paging cursor: only seq < before_seq
};

/// A stored version shared, not copied: versions are immutable, and a search
/// hands out those its store keeps in memory as they are.
using SharedVersion = std::shared_ptr<const StoredVersion>;

/// One page of search results.
struct SearchResult {
  std::vector<SharedVersion> matches;  ///< at most Query::count, in the query's order (never null)
  std::vector<SharedVersion>
      included;  ///< _include/_revinclude results, each once, none also in matches (never null)
  std::optional<std::int64_t> total;  ///< when Query::total is estimate/accurate
  /// Opaque cursors (URL-safe characters only) for the next/previous pages, if
  /// there are any. Walking `next` never skips or repeats a resource that keeps
  /// matching, whatever is written in between.
  std::optional<std::string> next_cursor;
  std::optional<std::string> previous_cursor;
};

/// A current resource version to re-index ($reindex).
struct ReindexItem {
  std::int64_t rid = 0;  ///< the store's internal resource number (scan order)
  std::int64_t seq = 0;  ///< the version's change sequence number
  std::string type;
  std::string id;
  std::string body;
};

/// One stored audit row with its position.
struct StoredAccess {
  std::int64_t seq = 0;
  core::AccessRecord record;
};

/// Thread-safe: every method may be called from any worker thread at once.
/// Every method may throw core::Error (409 conflict, 412, 503 unavailable...).
class ResourceStore {
 public:
  virtual ~ResourceStore() = default;

  /// The newest version (possibly a deletion), or nullopt if the id never existed.
  virtual std::optional<StoredVersion> read(const std::string& type, const std::string& id) = 0;
  /// One version, or nullopt.
  virtual std::optional<StoredVersion> read_version(const std::string& type, const std::string& id,
                                                    int version) = 0;
  /// Writes a new version and `audit` (its entity_version filled in) in one
  /// transaction. Throws precondition_failed (412) when if_match is stale or the
  /// resource does not exist, conflict (409) when must_be_new and it exists.
  virtual WriteResult write(const WriteRequest& request, core::AccessRecord& audit) = 0;

  /// Tells how a create ended: its result, or the exception that refused it
  /// (then nothing was written, not even `audit`).
  using CreateDone = std::function<void(std::optional<WriteResult> result, std::exception_ptr error)>;

  /// A create (`request.must_be_new`) as write(), without holding the calling
  /// thread while it waits for a commit shared with other creates: `done`
  /// runs once, possibly on another thread (the store's commit writer), and
  /// must be quick and not throw. `request.render` and `complete_audit` are
  /// called before this returns; exceptions thrown before anything is queued
  /// reach the caller instead of `done`. The default writes at once and then
  /// calls `done` on this thread.
  virtual void create_async(WriteRequest&& request, core::AccessRecord audit, CreateDone done) {
    std::optional<WriteResult> result;
    std::exception_ptr error;
    try {
      result = write(request, audit);
    } catch (...) {
      error = std::current_exception();
    }
    done(std::move(result), error);
  }
  /// Logically deletes and writes `audit` in one transaction. When there was
  /// nothing live to delete the audit row is written alone. Throws
  /// precondition_failed on a stale If-Match.
  /// `complete_audit` is called before the audit record is inserted.
  virtual RemoveResult remove(
      const std::string& type, const std::string& id, std::optional<int> if_match, core::AccessRecord& audit,
      const std::function<void(core::AccessRecord&, const RemoveResult&)>& complete_audit) = 0;
  /// History, newest first: at most `count` + 1 rows (one more tells a next page exists).
  virtual std::vector<StoredVersion> history(const HistoryQuery& query) = 0;

  /// Runs a search. Throws core::Error 400 for a cursor it did not make.
  virtual SearchResult search(const search::Query& query) = 0;

  /// $reindex: up to `limit` live current versions of `types` (all types when
  /// empty) with rid > after_rid, in rid order.
  virtual std::vector<ReindexItem> reindex_scan(const std::vector<std::string>& types, std::int64_t after_rid,
                                                std::size_t limit) = 0;
  /// $reindex: replaces the index entries of each item in one transaction,
  /// skipping items whose resource changed since the scan (their seq is no
  /// longer current: the write that changed them indexed them). Returns how
  /// many were re-indexed.
  virtual std::size_t reindex_write(std::span<const std::pair<ReindexItem, search::IndexEntries>> items) = 0;

  /// Appends audit rows in one transaction (the grouped commit of audit::Trail).
  virtual void append_audit(std::span<const core::AccessRecord> records) = 0;
  /// Audit rows matching every filter of `q`, newest first: at most q.count
  /// + 1, only seq < q.before_seq if given.
  virtual std::vector<StoredAccess> list_audit(const AuditQuery& q) = 0;
  /// Number of audit rows matching every filter of `q` (count and cursor ignored).
  virtual std::int64_t count_audit(const AuditQuery& q) = 0;
  /// One audit row by seq.
  virtual std::optional<StoredAccess> read_audit(std::int64_t seq) = 0;
};

}  // namespace carnet::store
