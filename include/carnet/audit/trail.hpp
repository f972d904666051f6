#pragma once
/// The durable audit writer for requests that change nothing (reads, searches,
/// refusals): callers block until their record is committed, and records of
/// concurrent requests share one commit (group commit), so the trace costs one
/// fsync per batch, not per request. Writes put their record in their own
/// transaction instead (store::ResourceStore::write).

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <span>

#include "carnet/core/access_record.hpp"
#include "carnet/core/group_commit.hpp"

namespace carnet::audit {

class Trail {
 public:
  /// Commits a batch durably, or throws. Called on the trail's own thread only.
  using Flush = std::function<void(std::span<const core::AccessRecord>)>;

  /// Whether requests queue for a worker now (core::Backlog): gathering
  /// records then frees CPU for them. Quick, thread-safe, never throws.
  using Busy = std::function<bool()>;

  /// Starts the writer thread. `max_batch` bounds one commit's size. While
  /// requests arrive together and `busy` (when given) says the server is
  /// saturated, a commit starts once its first record has waited
  /// `commit_delay` (or the batch is full), so that one commit serves more
  /// of them; a record arriving alone, or at a server with CPU to spare, is
  /// committed at once.
  Trail(Flush flush, std::size_t max_batch,
        std::chrono::microseconds commit_delay = std::chrono::microseconds(0), Busy busy = {});
  /// Writes what is pending, then stops the writer thread. Callers must have
  /// returned from record() first (app::Instance stops the listeners before).
  ~Trail() = default;
  Trail(const Trail&) = delete;
  Trail& operator=(const Trail&) = delete;

  /// Returns once `record` is committed. Thread-safe. Throws core::Error 503
  /// when the commit failed (the caller must not send its normal response).
  void record(core::AccessRecord record);

  /// Called on the trail's writer thread once the record's batch is
  /// committed (`error` null) or failed (`error` is a core::Error 503). Must
  /// be quick, must not throw and must not call record()/record_async().
  using Committed = std::function<void(std::exception_ptr error)>;

  /// Queues `record` and returns at once; `committed` says when it is
  /// durable. The caller must hold its answer until then. Thread-safe.
  void record_async(core::AccessRecord record, Committed committed);

 private:
  core::GroupCommit<core::AccessRecord, bool> group_;
};

}  // namespace carnet::audit
