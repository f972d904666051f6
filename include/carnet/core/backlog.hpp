#pragma once
/// A count of requests waiting for a worker thread. The HTTP transport counts
/// them in when it queues a request for the worker pool and out when a worker
/// picks it up; the audit trail reads it to tell a saturated server (every
/// core busy, requests queueing: gathering their records into fewer commits
/// frees CPU for them) from one with CPU to spare (a commit started at once
/// answers sooner, and gathering would only add latency).

#include <atomic>
#include <cstddef>

namespace carnet::core {

class Backlog {
 public:
  /// A request joined the queue. Thread-safe.
  void enter() noexcept { waiting_.fetch_add(1, std::memory_order_relaxed); }
  /// A request left the queue (a worker took it). Thread-safe.
  void leave() noexcept { waiting_.fetch_sub(1, std::memory_order_relaxed); }
  /// Requests queued now: a snapshot, possibly stale by the time it is used. Thread-safe.
  std::size_t waiting() const noexcept { return waiting_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::size_t> waiting_{0};
};

}  // namespace carnet::core
