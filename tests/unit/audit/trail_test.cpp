// audit::Trail: every record is committed exactly once before record() returns,
// concurrent records share one commit, a failed commit refuses the requests it
// carried (503) without poisoning the next ones, and shutdown loses nothing.

#include "carnet/audit/trail.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "carnet/core/access_record.hpp"
#include "carnet/core/error.hpp"

namespace carnet::audit {
namespace {

using core::AccessRecord;

AccessRecord rec(int n) {
  AccessRecord r;
  r.entity_type = "Patient";
  r.entity_id = std::to_string(n);
  r.http_status = 200;
  return r;
}

// A fake database: remembers every committed batch; can be told to fail or to
// hold a commit until released.
class FakeStore {
 public:
  Trail::Flush flush() {
    return [this](std::span<const AccessRecord> batch) {
      std::unique_lock lock(mutex_);
      const int call = ++calls_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return !hold_; });
      if (failing_.count(call) != 0) throw std::runtime_error("disk full");
      batches_.emplace_back(batch.begin(), batch.end());
    };
  }

  void hold() {
    std::lock_guard lock(mutex_);
    hold_ = true;
  }
  void release() {
    std::lock_guard lock(mutex_);
    hold_ = false;
    changed_.notify_all();
  }
  // Makes commit number `call` (1-based, in the order flush is entered) fail.
  void fail_call(int call) {
    std::lock_guard lock(mutex_);
    failing_.insert(call);
  }
  // Blocks until flush has been entered `n` times.
  void wait_calls(int n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return calls_ >= n; });
  }

  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::vector<std::vector<AccessRecord>> batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  // How many times each entity id was committed.
  std::map<std::string, int> committed() {
    std::lock_guard lock(mutex_);
    std::map<std::string, int> seen;
    for (const auto& b : batches_)
      for (const auto& r : b) ++seen[r.entity_id];
    return seen;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool hold_ = false;
  std::set<int> failing_;
  int calls_ = 0;
  std::vector<std::vector<AccessRecord>> batches_;
};

TEST(AuditTrail, SingleRecordIsCommittedBeforeRecordReturns) {
  FakeStore store;
  Trail trail(store.flush(), 16);
  trail.record(rec(1));
  auto batches = store.batches();
  ASSERT_EQ(batches.size(), 1u);
  ASSERT_EQ(batches[0].size(), 1u);
  EXPECT_EQ(batches[0][0].entity_id, "1");
  EXPECT_EQ(batches[0][0].http_status, 200);
}

TEST(AuditTrail, RecordsFromManyThreadsAreCommittedExactlyOnce) {
  constexpr int kThreads = 16, kEach = 50;
  FakeStore store;
  {
    Trail trail(store.flush(), 8);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) trail.record(rec(t * 1000 + i));
      });
    }
    for (auto& th : threads) th.join();
    // Every record() has returned: all of them are already committed.
    auto seen = store.committed();
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kEach));
    for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id;
  }
  EXPECT_EQ(store.committed().size(), static_cast<std::size_t>(kThreads * kEach));
}

TEST(AuditTrail, ConcurrentRecordsShareACommit) {
  constexpr int kThreads = 12;
  FakeStore store;
  Trail trail(store.flush(), 64);
  store.hold();
  std::thread first([&] { trail.record(rec(0)); });
  store.wait_calls(1);  // the writer is inside the first commit

  std::atomic<int> started{0};
  std::vector<std::thread> threads;
  for (int t = 1; t <= kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++started;
      trail.record(rec(t));
    });
  }
  while (started.load() < kThreads) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let them queue behind the held commit
  store.release();
  first.join();
  for (auto& th : threads) th.join();

  EXPECT_EQ(store.committed().size(), static_cast<std::size_t>(kThreads + 1));
  EXPECT_LT(store.calls(), kThreads + 1) << "each record got its own commit";
  EXPECT_GT(store.batches().size(), 0u);
  std::size_t largest = 0;
  for (const auto& b : store.batches()) largest = std::max(largest, b.size());
  EXPECT_GT(largest, 1u);
}

TEST(AuditTrail, MaxBatchBoundsEveryCommit) {
  constexpr int kThreads = 20;
  constexpr std::size_t kMax = 3;
  FakeStore store;
  Trail trail(store.flush(), kMax);
  store.hold();
  std::thread first([&] { trail.record(rec(0)); });
  store.wait_calls(1);
  std::atomic<int> started{0};
  std::vector<std::thread> threads;
  for (int t = 1; t <= kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++started;
      trail.record(rec(t));
    });
  }
  while (started.load() < kThreads) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  store.release();
  first.join();
  for (auto& th : threads) th.join();

  auto batches = store.batches();
  std::size_t total = 0;
  for (const auto& b : batches) {
    EXPECT_LE(b.size(), kMax);
    EXPECT_GE(b.size(), 1u);
    total += b.size();
  }
  EXPECT_EQ(total, static_cast<std::size_t>(kThreads + 1));
  for (const auto& [id, n] : store.committed()) EXPECT_EQ(n, 1) << id;
}

TEST(AuditTrail, MaxBatchZeroStillCommits) {
  FakeStore store;
  Trail trail(store.flush(), 0);
  trail.record(rec(1));
  trail.record(rec(2));
  EXPECT_EQ(store.committed().size(), 2u);
}

TEST(AuditTrail, FailedCommitRefusesTheRequestWith503) {
  FakeStore store;
  Trail trail(store.flush(), 16);
  store.fail_call(1);
  try {
    trail.record(rec(1));
    FAIL() << "record() returned although the commit failed";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 503);
    ASSERT_FALSE(e.issues().empty());
    EXPECT_EQ(e.issues()[0].code, "transient");
    EXPECT_EQ(e.issues()[0].diagnostics.find("disk full"), std::string::npos) << "internal detail leaked";
  }
  EXPECT_TRUE(store.committed().empty());
}

TEST(AuditTrail, RecordsSucceedAgainAfterAFailedCommit) {
  FakeStore store;
  Trail trail(store.flush(), 16);
  store.fail_call(1);
  EXPECT_THROW(trail.record(rec(1)), core::Error);
  EXPECT_NO_THROW(trail.record(rec(2)));
  EXPECT_NO_THROW(trail.record(rec(3)));
  auto seen = store.committed();
  EXPECT_EQ(seen.count("1"), 0u);
  EXPECT_EQ(seen["2"], 1);
  EXPECT_EQ(seen["3"], 1);
}

TEST(AuditTrail, FailedCommitRefusesEveryRecordItCarried) {
  constexpr int kThreads = 8;
  FakeStore store;
  Trail trail(store.flush(), 64);
  store.hold();
  store.fail_call(2);                                // the commit of the records queued behind the held one
  std::thread first([&] { trail.record(rec(0)); });  // commit #1 (held, succeeds)
  store.wait_calls(1);
  std::atomic<int> started{0}, refused{0}, served{0};
  std::vector<std::thread> threads;
  for (int t = 1; t <= kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++started;
      try {
        trail.record(rec(t));
        ++served;
      } catch (const core::Error& e) {
        EXPECT_EQ(e.status(), 503);
        ++refused;
      }
    });
  }
  while (started.load() < kThreads) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let them queue behind the held commit
  store.release();
  first.join();
  for (auto& th : threads) th.join();

  auto seen = store.committed();
  EXPECT_EQ(seen["0"], 1);
  EXPECT_GE(refused.load(), 1);
  EXPECT_EQ(served.load() + refused.load(), kThreads);
  // Exactly the callers told "served" were committed; a refused one never was.
  EXPECT_EQ(seen.size() - 1, static_cast<std::size_t>(served.load()));
}

TEST(AuditTrail, FlushThrowingCoreErrorIsAlso503) {
  std::atomic<int> calls{0};
  Trail trail(
      [&](std::span<const AccessRecord>) {
        if (calls++ == 0) throw core::unavailable("db down");
      },
      4);
  try {
    trail.record(rec(1));
    FAIL() << "no error";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 503);
  }
  EXPECT_NO_THROW(trail.record(rec(2)));
}

TEST(AuditTrail, DestructionAfterConcurrentUseLosesNothing) {
  constexpr int kThreads = 6, kEach = 20;
  FakeStore store;
  auto trail = std::make_unique<Trail>(store.flush(), 4);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) trail->record(rec(t * 100 + i));
    });
  }
  for (auto& th : threads) th.join();
  const int calls_before = store.calls();
  trail.reset();
  EXPECT_EQ(store.calls(), calls_before) << "destructor committed an empty batch";
  auto seen = store.committed();
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kEach));
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id;
  for (const auto& b : store.batches()) EXPECT_FALSE(b.empty());
}

TEST(AuditTrail, AsyncRecordCallsBackOnceCommitted) {
  FakeStore store;
  Trail trail(store.flush(), 16);
  store.hold();
  std::promise<bool> committed;
  trail.record_async(rec(1), [&](std::exception_ptr error) {
    // Already durable when we are told.
    committed.set_value(!error && store.committed().count("1") == 1);
  });
  store.wait_calls(1);  // record_async returned while its commit is held
  auto future = committed.get_future();
  EXPECT_EQ(future.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  store.release();
  EXPECT_TRUE(future.get());
}

TEST(AuditTrail, AsyncRecordOfAFailedCommitGets503) {
  FakeStore store;
  Trail trail(store.flush(), 16);
  store.fail_call(1);
  std::promise<int> status;
  trail.record_async(rec(1), [&](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
      status.set_value(200);
    } catch (const core::Error& e) {
      EXPECT_EQ(e.issues().at(0).code, "transient");
      status.set_value(e.status());
    }
  });
  EXPECT_EQ(status.get_future().get(), 503);
  EXPECT_TRUE(store.committed().empty());
}

TEST(AuditTrail, IdleDestructorCommitsNothing) {
  FakeStore store;
  { Trail trail(store.flush(), 8); }
  EXPECT_EQ(store.calls(), 0);
}

}  // namespace
}  // namespace carnet::audit
