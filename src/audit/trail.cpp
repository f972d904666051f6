#include "carnet/audit/trail.hpp"

#include <spdlog/spdlog.h>

#include <vector>

#include "carnet/core/error.hpp"

namespace carnet::audit {

// Each batch has its own condition variable: finishing one commit wakes only
// the callers it carried, not those already queued for the next one.
struct Trail::Batch {
  std::vector<core::AccessRecord> records;
  std::condition_variable committed;
  bool done = false;
  bool ok = false;
};

Trail::Trail(Flush flush, std::size_t max_batch)
    : flush_(std::move(flush)), max_batch_(max_batch == 0 ? 1 : max_batch), open_(std::make_shared<Batch>()) {
  writer_ = std::thread([this] { run(); });
}

Trail::~Trail() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_one();
  writer_.join();
}

void Trail::record(core::AccessRecord record) {
  std::unique_lock lock(mutex_);
  // A full batch waits for the writer to take it: one commit never grows unbounded.
  room_.wait(lock, [&] { return open_->records.size() < max_batch_; });
  auto batch = open_;
  batch->records.push_back(std::move(record));
  work_.notify_one();
  batch->committed.wait(lock, [&] { return batch->done; });
  if (!batch->ok) {
    throw core::unavailable("The audit trail could not be written; the request was not served");
  }
}

void Trail::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !open_->records.empty(); });
    if (open_->records.empty()) return;  // stopping and nothing left
    auto batch = std::exchange(open_, std::make_shared<Batch>());
    room_.notify_all();  // room in the new open batch
    lock.unlock();
    bool ok = true;
    try {
      flush_(batch->records);  // all or nothing: one statement
    } catch (const std::exception& e) {
      ok = false;
      spdlog::error("audit trail commit failed for {} records: {}", batch->records.size(), e.what());
    }
    lock.lock();
    batch->ok = ok;
    batch->done = true;
    lock.unlock();
    batch->committed.notify_all();  // outside the lock: woken callers need it at once
    lock.lock();
  }
}

}  // namespace carnet::audit
