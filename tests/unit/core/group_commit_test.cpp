// core::GroupCommit: results reach the right callers, batches group, failures
// reach every caller of the failed batch with their type intact.
#include "carnet/core/group_commit.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
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
  for (int t = 0; t < kThreads; ++t) {
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

}  // namespace
}  // namespace carnet::core
