#pragma once
/// The durable audit writer for requests that change nothing (reads, searches,
/// refusals): callers block until their record is committed, and records of
/// concurrent requests share one commit (group commit), so the trace costs one
/// fsync per batch, not per request. Writes put their record in their own
/// transaction instead (store::ResourceStore::write).

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>

#include "carnet/core/access_record.hpp"

namespace carnet::audit {

class Trail {
 public:
  /// Commits a batch durably, or throws. Called on the trail's own thread only.
  using Flush = std::function<void(std::span<const core::AccessRecord>)>;

  /// Starts the writer thread. `max_batch` bounds one commit's size.
  Trail(Flush flush, std::size_t max_batch);
  /// Writes what is pending, then stops the writer thread. Callers must have
  /// returned from record() first (app::Instance stops the listeners before).
  ~Trail();
  Trail(const Trail&) = delete;
  Trail& operator=(const Trail&) = delete;

  /// Returns once `record` is committed. Thread-safe. Throws core::Error 503
  /// when the commit failed (the caller must not send its normal response).
  void record(core::AccessRecord record);

 private:
  struct Batch;
  void run();

  Flush flush_;
  std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable work_;  // writer waits for records
  std::condition_variable room_;  // callers wait for room in a full open batch
  std::shared_ptr<Batch> open_;   // the batch new records join
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace carnet::audit
