// core::GroupCommit: results reach the right callers, batches group, failures
// reach every caller of the failed batch with their type intact.
#include "carnet/core/group_commit.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "carnet/core/error.hpp"

namespace carnet::core {
namespace {

TEST(GroupCommit, EveryCallerGetsTheResultOfItsOwnItem) {
  std::atomic<int> flushes{0};
  GroupCommit<int, std::string> group(
      [&](std::vector<int>& batch) {
        ++flushes;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let callers queue up
        std::vector<std::string> out;
        for (int v : batch) out.push_back(std::string("r").append(std::to_string(v)));
        return out;
      },
      64);
  constexpr int kThreads = 32;
  std::vector<std::string> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { results[t] = group.submit(t); });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(results[t], std::string("r").append(std::to_string(t)));
  EXPECT_LT(flushes.load(), kThreads);  // grouped
}

TEST(GroupCommit, TwoWritersFlushTwoBatchesAtOnce) {
  // The first flush holds until a second one runs beside it (or 5 s pass):
  // with two writers the batch submitted meanwhile does not wait for it.
  std::mutex mutex;
  std::condition_variable changed;
  int running = 0, most = 0;
  GroupCommit<int, int> group(
      [&](std::vector<int>& batch) {
        std::unique_lock lock(mutex);
        most = std::max(most, ++running);
        changed.notify_all();
        changed.wait_for(lock, std::chrono::seconds(5), [&] { return most >= 2; });
        --running;
        return batch;
      },
      64, 2);
  constexpr int kThreads = 16;
  std::vector<int> results(kThreads, -1);
  std::vector<std::thread> threads;
  // The first item's flush is running before the others come: they make a
  // second batch (had they all come before a writer woke, one batch would
  // carry them all).
  threads.emplace_back([&] { results[0] = group.submit(0); });
  {
    std::unique_lock lock(mutex);
    EXPECT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return running == 1; }));
  }
  for (int t = 1; t < kThreads; ++t) {
    threads.emplace_back([&, t] { results[t] = group.submit(t); });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(results[t], t);
  EXPECT_EQ(most, 2);
}

TEST(GroupCommit, FailureReachesEveryCallerOfTheBatchWithItsType) {
  GroupCommit<int, int> group(
      [](std::vector<int>& batch) -> std::vector<int> {
        for (int v : batch)
          if (v < 0) throw unavailable("down");
        return batch;
      },
      8);
  EXPECT_THROW(group.submit(-1), Error);
  try {
    group.submit(-2);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 503);
  }
  EXPECT_EQ(group.submit(5), 5);  // later batches are unaffected
}

TEST(GroupCommit, WrongResultCountIsAnErrorNotACrash) {
  GroupCommit<int, int> group([](std::vector<int>&) { return std::vector<int>{}; }, 4);
  EXPECT_THROW(group.submit(1), std::logic_error);
}

// submit_async: the caller goes on at once; the callback brings each item's
// own result after the commit, on the writer thread, blocking and
// non-blocking submitters sharing batches.
TEST(GroupCommit, AsyncSubmittersGetTheirResultFromTheWriterThread) {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  std::thread::id writer;
  GroupCommit<int, int> group(
      [&](std::vector<int>& batch) {
        std::unique_lock lock(mutex);
        writer = std::this_thread::get_id();
        changed.wait(lock, [&] { return open; });  // held until the test has queued everything
        std::vector<int> out;
        for (int v : batch) out.push_back(v * 10);
        return out;
      },
      64);
  constexpr int kItems = 20;
  std::vector<int> results(kItems, -1);
  std::vector<std::thread::id> threads(kItems);
  std::atomic<int> done{0};
  for (int i = 0; i < kItems; ++i) {
    // Returns although the writer is held: nothing waits for the commit.
    group.submit_async(i, [&, i](std::optional<int> result, std::exception_ptr error) {
      EXPECT_FALSE(error);
      results[i] = result.value_or(-2);
      threads[i] = std::this_thread::get_id();
      ++done;
    });
  }
  EXPECT_EQ(done.load(), 0);
  std::thread blocking([&] { EXPECT_EQ(group.submit(7), 70); });
  {
    std::lock_guard lock(mutex);
    open = true;
  }
  changed.notify_all();
  blocking.join();
  while (done.load() < kItems) std::this_thread::yield();
  for (int i = 0; i < kItems; ++i) {
    EXPECT_EQ(results[i], i * 10);
    EXPECT_EQ(threads[i], writer);
  }
}

TEST(GroupCommit, AsyncSubmittersOfAFailedBatchGetItsException) {
  GroupCommit<int, int> group(
      [](std::vector<int>& batch) -> std::vector<int> {
        for (int v : batch)
          if (v < 0) throw unavailable("down");
        return batch;
      },
      8);
  std::promise<int> status;
  group.submit_async(-1, [&](std::optional<int> result, std::exception_ptr error) {
    EXPECT_FALSE(result);
    try {
      std::rethrow_exception(error);
    } catch (const Error& e) {
      status.set_value(e.status());
    } catch (...) {
      status.set_value(0);
    }
  });
  EXPECT_EQ(status.get_future().get(), 503);
  std::promise<int> later;
  group.submit_async(4, [&](std::optional<int> result, std::exception_ptr) { later.set_value(*result); });
  EXPECT_EQ(later.get_future().get(), 4);
}

// Items submitted while the writer is held in its first flush form the
// second batch; from then on callers are concurrent, and a new batch waits
// for its gather window (long here), unless it fills up first.
TEST(GroupCommit, ConcurrentCallersAreGatheredIntoOneCommit) {
  std::mutex mutex;
  std::condition_variable changed;
  bool release_first = false;
  std::vector<std::size_t> sizes;
  GroupCommit<int, int> group(
      [&](std::vector<int>& batch) {
        std::unique_lock lock(mutex);
        sizes.push_back(batch.size());
        changed.notify_all();
        if (sizes.size() == 1) changed.wait(lock, [&] { return release_first; });
        return batch;
      },
      3, 1, std::chrono::seconds(30));
  std::atomic<int> called{0};
  const auto done = [&](std::optional<int>, std::exception_ptr) {
    {
      std::lock_guard lock(mutex);  // else the notify may come between a waiter's check and its sleep
      ++called;
    }
    changed.notify_all();
  };
  const auto wait_for = [&](auto condition) {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), condition));
  };
  group.submit_async(1, done);  // alone: committed at once
  wait_for([&] { return sizes.size() == 1; });
  group.submit_async(2, done);
  group.submit_async(3, done);
  {
    std::lock_guard lock(mutex);
    release_first = true;
  }
  changed.notify_all();
  wait_for([&] { return called.load() == 3; });  // [2, 3]: two callers at once
  group.submit_async(4, done);
  group.submit_async(5, done);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(sizes.size(), 2u) << "4 and 5 must wait for company";
  }
  group.submit_async(6, done);  // fills the batch: committed without waiting 30 s
  wait_for([&] { return called.load() == 6; });
  std::lock_guard lock(mutex);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 2, 3}));
}

// As above, with a `busy` signal: callers arriving together are gathered
// only while it says the server is saturated; otherwise each batch is
// committed at once, the window notwithstanding.
TEST(GroupCommit, ConcurrentCallersAreGatheredOnlyWhileBusy) {
  // Declared before the GroupCommit: its destructor may still call back.
  std::mutex mutex;
  std::condition_variable changed;
  bool hold = true;  // a flush waits while set
  std::atomic<bool> busy{false};
  std::vector<std::size_t> sizes;
  std::atomic<int> called{0};
  const auto done = [&](std::optional<int>, std::exception_ptr) {
    {
      std::lock_guard lock(mutex);
      ++called;
    }
    changed.notify_all();
  };
  const auto set_hold = [&](bool value) {
    {
      std::lock_guard lock(mutex);
      hold = value;
    }
    changed.notify_all();
  };
  GroupCommit<int, int> group(
      [&](std::vector<int>& batch) {
        std::unique_lock lock(mutex);
        sizes.push_back(batch.size());
        changed.notify_all();
        changed.wait(lock, [&] { return !hold; });
        return batch;
      },
      3, 1, std::chrono::seconds(30), [&] { return busy.load(); });
  // A failed wait must not leave the writer held: the destructor commits what is left.
  struct Release {
    std::function<void()> release;
    ~Release() { release(); }
  } release{[&] { set_hold(false); }};
  const auto wait_for = [&](auto condition) {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), condition));
  };
  const auto flushes = [&] {
    std::lock_guard lock(mutex);
    return sizes.size();
  };
  // A burst: 2 and 3 queue while 1's commit is held, then go as one batch.
  group.submit_async(1, done);
  wait_for([&] { return sizes.size() == 1; });
  group.submit_async(2, done);
  group.submit_async(3, done);
  set_hold(false);
  wait_for([&] { return called.load() == 3; });
  // Concurrent, but not busy: committed at once, not after the 30 s window.
  group.submit_async(4, done);
  group.submit_async(5, done);
  wait_for([&] { return called.load() == 5; });
  // Another burst (still not busy, so 6 is committed at once and held there).
  set_hold(true);
  const std::size_t before = flushes();
  group.submit_async(6, done);
  wait_for([&] { return sizes.size() == before + 1; });
  group.submit_async(7, done);
  group.submit_async(8, done);
  set_hold(false);
  wait_for([&] { return called.load() == 8; });
  // Concurrent and busy: 9 and 10 wait for company until 11 fills the batch.
  busy = true;
  group.submit_async(9, done);
  group.submit_async(10, done);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(called.load(), 8) << "9 and 10 must wait for company while busy";
  group.submit_async(11, done);
  wait_for([&] { return called.load() == 11; });
  std::lock_guard lock(mutex);
  EXPECT_EQ(sizes.back(), 3u) << "9, 10 and 11 in one commit";
}

// One caller at a time (each waits for its commit): never held back by the
// gather window.
TEST(GroupCommit, LoneCallerIsNotHeldBackByTheGatherWindow) {
  std::vector<std::size_t> sizes;
  GroupCommit<int, int> group(
      [&](std::vector<int>& batch) {
        sizes.push_back(batch.size());
        return batch;
      },
      64, 1, std::chrono::seconds(30));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(group.submit(i), i);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(sizes, (std::vector<std::size_t>(5, 1)));
}

// After a burst (a batch of two), a caller arriving after a lull longer than
// the window is alone: committed at once, not held back for the window.
TEST(GroupCommit, LoneCallerAfterABurstIsNotHeldBack) {
  std::mutex mutex;
  std::condition_variable changed;
  bool release_first = false;
  std::vector<std::size_t> sizes;
  const auto window = std::chrono::seconds(2);
  GroupCommit<int, int> group(
      [&](std::vector<int>& batch) {
        std::unique_lock lock(mutex);
        sizes.push_back(batch.size());
        changed.notify_all();
        if (sizes.size() == 1) changed.wait(lock, [&] { return release_first; });
        return batch;
      },
      64, 1, window);
  std::atomic<int> called{0};
  const auto done = [&](std::optional<int>, std::exception_ptr) { ++called; };
  group.submit_async(1, done);
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return sizes.size() == 1; }));
  }
  group.submit_async(2, done);  // both queued while the first commit runs: a burst
  group.submit_async(3, done);
  {
    std::lock_guard lock(mutex);
    release_first = true;
  }
  changed.notify_all();
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return sizes.size() == 2; }));
    EXPECT_EQ(sizes.back(), 2u);
  }
  std::this_thread::sleep_for(window + std::chrono::milliseconds(300));  // the lull
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(group.submit(4), 4);
  EXPECT_LT(std::chrono::steady_clock::now() - start, window / 2) << "held back for the window";
}

TEST(GroupCommit, DestructionCommitsQueuedAsyncItemsAndCallsThemBack) {
  std::atomic<int> committed{0}, called{0};
  {
    GroupCommit<int, int> group(
        [&](std::vector<int>& batch) {
          committed += static_cast<int>(batch.size());
          return batch;
        },
        4);
    for (int i = 0; i < 30; ++i)
      group.submit_async(i, [&](std::optional<int>, std::exception_ptr) { ++called; });
  }
  EXPECT_EQ(committed.load(), 30);
  EXPECT_EQ(called.load(), 30);
}

}  // namespace
}  // namespace carnet::core
