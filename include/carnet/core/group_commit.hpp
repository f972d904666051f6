#pragma once
/// Group commit: callers on many threads submit items and block; a writer
/// thread commits everything submitted meanwhile in one go, then wakes the
/// callers of that batch with their results. One durable commit (one fsync)
/// then serves a whole batch of requests instead of one each. With several
/// writers, the next batch is written while the previous one is still
/// committing (a pipeline: the CPU works while a flush waits for the disk).

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace carnet::core {

template <typename Item, typename Result>
class GroupCommit {
 public:
  /// Commits a batch; returns one result per item, in order, or throws (then
  /// every caller of the batch gets the exception). Runs on writer threads
  /// only; with several writers, concurrently on different batches.
  using Flush = std::function<std::vector<Result>(std::vector<Item>& batch)>;

  /// Tells whether waiting for company pays now (e.g. requests queue for a
  /// worker: the CPU is busy, and fewer commits leave more of it to them).
  /// Called under the GroupCommit's lock on a writer thread: must be quick,
  /// must not throw (it would end the process) and must not call back into
  /// this GroupCommit.
  using Busy = std::function<bool()>;

  /// Starts `writers` writer threads (at least one). `max_batch` bounds one
  /// commit's size. `gather`: while callers are concurrent (the last batch
  /// taken held more than one item, and the open batch's first item came
  /// during a commit or within `gather` after one) and `busy` (when given)
  /// says so, a writer commits a batch only once its first item has waited
  /// that long (or the batch is full, or the writer stops), so that one
  /// commit serves more callers; a lone caller is never held back, even
  /// right after a burst. Zero commits whatever is there at once.
  GroupCommit(Flush flush, std::size_t max_batch, std::size_t writers = 1,
              std::chrono::microseconds gather = std::chrono::microseconds(0), Busy busy = {})
      : flush_(std::move(flush)),
        max_batch_(max_batch == 0 ? 1 : max_batch),
        gather_(gather),
        busy_(std::move(busy)),
        open_(std::make_shared<Batch>()) {
    try {
      for (std::size_t i = 0; i < std::max<std::size_t>(writers, 1); ++i)
        writers_.emplace_back([this] { run(); });
    } catch (...) {
      stop();  // the writers already started, else joinable threads would terminate the process
      throw;
    }
  }

  /// Commits what is pending, then stops. Callers must have returned from submit().
  ~GroupCommit() { stop(); }

  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  /// Returns `item`'s result once its batch is committed; rethrows the flush's
  /// exception when the batch failed. Thread-safe.
  Result submit(Item item) {
    std::unique_lock lock(mutex_);
    // A full batch waits for the writer to take it: one commit never grows unbounded.
    room_.wait(lock, [&] { return open_->items.size() < max_batch_; });
    auto batch = open_;
    const std::size_t index = batch->items.size();
    reserve_one(*batch);
    batch->items.push_back(std::move(item));
    batch->done_callbacks.emplace_back();
    joined(*batch);
    batch->committed.wait(lock, [&] { return batch->done; });
    if (batch->error) std::rethrow_exception(batch->error);
    return std::move(batch->results.at(index));
  }

  /// Called once with the item's result, or with the batch's exception (then
  /// `result` is empty), on a writer thread after the commit. Must be quick
  /// and must not throw nor submit to this GroupCommit (it would hold up the
  /// writer, which is the only one able to make room).
  using Done = std::function<void(std::optional<Result> result, std::exception_ptr error)>;

  /// Queues `item` and returns without waiting for its commit: `done` tells
  /// the outcome. The caller's thread is free meanwhile, and nobody has to
  /// wake it when the batch is committed. Blocks only while the open batch is
  /// full. Thread-safe.
  void submit_async(Item item, Done done) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return open_->items.size() < max_batch_; });
    reserve_one(*open_);
    open_->items.push_back(std::move(item));
    open_->done_callbacks.push_back(std::move(done));
    joined(*open_);
  }

 private:
  // Each batch has its own condition variable: finishing one commit wakes only
  // the callers it carried, not those already queued for the next one.
  struct Batch {
    std::vector<Item> items;
    std::vector<Result> results;
    std::vector<Done> done_callbacks;  // parallel to items; empty for blocking submitters
    std::exception_ptr error;
    std::condition_variable committed;
    bool done = false;
    std::chrono::steady_clock::time_point opened;  // when the first item joined
  };

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_.notify_all();
    for (auto& writer : writers_) writer.join();
  }

  // Under the lock, before an item joins `batch`: room for it and its
  // callback slot, so that a failed allocation leaves the two in step (one
  // slot per item) and the item out.
  static void reserve_one(Batch& batch) {
    batch.items.reserve(batch.items.size() + 1);
    batch.done_callbacks.reserve(batch.done_callbacks.size() + 1);
  }

  // Under the lock, after an item joined the open batch: a writer needs
  // waking only for the first item (it then waits for the gather window) and
  // for the one that fills the batch (commit at once); waking it for every
  // item would cost a context switch each.
  void joined(Batch& batch) {
    if (batch.items.size() == 1) {
      batch.opened = std::chrono::steady_clock::now();
      work_.notify_one();
    } else if (batch.items.size() >= max_batch_) {
      work_.notify_all();
    }
  }

  // Under the lock: whether the open batch should be committed now.
  bool ready() const {
    // PostgreSQL's commit_siblings, in spirit: wait for company only when
    // callers have been arriving together — the last batch taken had
    // several, and this one's first came while a commit ran or soon after
    // (not after a lull). With a `busy` signal, also only while it says
    // the wait pays: callers that arrive together at a server with CPU to
    // spare would only be delayed (docs/benchmarks.md, twelfth session: a
    // fixed 2.5 ms window cost a third of the throughput at 4 connections,
    // and gained 7-12 % at 32). The signal is read here only: when the
    // batch opens, when it fills and at the end of the window.
    if (stopping_ || open_->items.size() >= max_batch_ || gather_.count() == 0) return true;
    const bool concurrent = concurrent_ && (committing_ > 0 || open_->opened - last_committed_ <= gather_);
    return !concurrent || (busy_ && !busy_()) || std::chrono::steady_clock::now() >= open_->opened + gather_;
  }

  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_.wait(lock, [&] { return stopping_ || !open_->items.empty(); });
      if (open_->items.empty()) return;  // stopping and nothing left
      while (!ready()) work_.wait_until(lock, open_->opened + gather_);
      if (open_->items.empty()) continue;  // another writer took it meanwhile
      auto batch = std::exchange(open_, std::make_shared<Batch>());
      concurrent_ = batch->items.size() > 1;
      ++committing_;
      room_.notify_all();  // room in the new open batch
      lock.unlock();
      try {
        batch->results = flush_(batch->items);
        if (batch->results.size() != batch->items.size()) {
          throw std::logic_error("group commit: one result per item expected");
        }
      } catch (...) {
        batch->error = std::current_exception();
      }
      lock.lock();
      batch->done = true;
      --committing_;
      last_committed_ = std::chrono::steady_clock::now();
      lock.unlock();
      batch->committed.notify_all();  // outside the lock: woken callers need it at once
      finish_async(*batch);
      batch.reset();  // its items are freed outside the lock
      lock.lock();
    }
  }

  // Outside the lock; the batch is done, so no blocking submitter touches
  // `results` any more except to move its own slot out (not these slots).
  static void finish_async(Batch& batch) {
    for (std::size_t i = 0; i < batch.done_callbacks.size(); ++i) {
      auto& done = batch.done_callbacks[i];
      if (!done) continue;
      if (batch.error) {
        done(std::nullopt, batch.error);
      } else {
        done(std::move(batch.results[i]), nullptr);
      }
    }
  }

  Flush flush_;
  std::size_t max_batch_;
  std::chrono::microseconds gather_;
  Busy busy_;
  std::mutex mutex_;
  std::condition_variable work_;  // writer waits for items
  std::condition_variable room_;  // callers wait for room in a full open batch
  std::shared_ptr<Batch> open_;   // the batch new items join
  bool stopping_ = false;
  bool concurrent_ = false;                               // the last batch taken held more than one item
  std::size_t committing_ = 0;                            // batches being committed now
  std::chrono::steady_clock::time_point last_committed_;  // when the last commit ended
  std::vector<std::thread> writers_;
};

}  // namespace carnet::core
