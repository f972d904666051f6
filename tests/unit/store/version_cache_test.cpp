// The in-memory cache of resource versions by seq that searches read through.
#include "store/pg/version_cache.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <thread>
#include <vector>

namespace carnet::store::pg {
namespace {

StoredVersion version(std::int64_t seq, std::string body) {
  StoredVersion v;
  v.info.type = "Observation";
  v.info.id = "o" + std::to_string(seq);
  v.info.seq = seq;
  v.info.version = 2;
  v.method = "PUT";
  v.body = std::move(body);
  v.patient = "Patient/p1";
  return v;
}

// seqs that fall in the same shard (the cache has 16, by seq modulo 16), so
// that a test controls what one shard holds.
constexpr std::int64_t kSameShard = 16;

TEST(VersionCache, ReturnsWhatWasKeptAndNothingElse) {
  VersionCache cache(1 << 20);
  cache.put(version(7, R"({"resourceType":"Observation","id":"o7"})"));
  const auto found = cache.find(7);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->body, R"({"resourceType":"Observation","id":"o7"})");
  EXPECT_EQ(found->info.type, "Observation");
  EXPECT_EQ(found->info.id, "o7");
  EXPECT_EQ(found->info.version, 2);
  EXPECT_EQ(found->method, "PUT");
  EXPECT_EQ(found->patient, "Patient/p1");
  EXPECT_EQ(cache.find(8), nullptr);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find(7), found);  // shared, not copied
}

TEST(VersionCache, KeepsASharedVersionAsItIs) {
  VersionCache cache(1 << 20);
  auto v = std::make_shared<const StoredVersion>(version(9, "{}"));
  cache.put(v);
  EXPECT_EQ(cache.find(9), v);
  EXPECT_EQ(cache.bytes(), VersionCache::charge(*v));
}

TEST(VersionCache, HistoryFlagIsNotKept) {
  VersionCache cache(1 << 20);
  auto v = version(3, "{}");
  v.created = true;  // a history entry's flag: not part of the version
  cache.put(v);
  EXPECT_FALSE(cache.find(3)->created);
}

TEST(VersionCache, CapacityZeroKeepsNothing) {
  VersionCache cache(0);
  cache.put(version(1, "{}"));
  EXPECT_EQ(cache.find(1), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(VersionCache, AVersionFoundSinceItWasKeptOutlivesOneThatWasNot) {
  const auto a = version(0, std::string(100, 'a'));
  const auto b = version(kSameShard, std::string(100, 'b'));
  const auto c = version(2 * kSameShard, std::string(100, 'c'));
  // Room for two of them per shard.
  VersionCache cache(16 * (VersionCache::charge(a) + VersionCache::charge(b)));
  cache.put(a);
  cache.put(b);
  ASSERT_NE(cache.find(0), nullptr);  // a gets a second chance, b (older than c) none
  cache.put(c);
  EXPECT_NE(cache.find(0), nullptr);
  EXPECT_EQ(cache.find(kSameShard), nullptr);
  EXPECT_NE(cache.find(2 * kSameShard), nullptr);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.bytes(), VersionCache::charge(a) + VersionCache::charge(c));
}

TEST(VersionCache, WithoutFindsTheOldestGoesFirst) {
  const auto a = version(0, std::string(100, 'a'));
  const auto b = version(kSameShard, std::string(100, 'b'));
  const auto c = version(2 * kSameShard, std::string(100, 'c'));
  const auto d = version(3 * kSameShard, std::string(100, 'd'));
  VersionCache cache(16 * (VersionCache::charge(b) + VersionCache::charge(c)));  // b, c, d: same size
  cache.put(a);
  cache.put(b);
  cache.put(c);  // a goes
  EXPECT_EQ(cache.find(0), nullptr);
  ASSERT_NE(cache.find(kSameShard), nullptr);  // b found: passed over once
  cache.put(d);                                // so c goes, though newer
  EXPECT_NE(cache.find(kSameShard), nullptr);
  EXPECT_EQ(cache.find(2 * kSameShard), nullptr);
  EXPECT_NE(cache.find(3 * kSameShard), nullptr);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(VersionCache, ASeqKeepsItsFirstContent) {
  VersionCache cache(1 << 20);
  cache.put(version(5, "first"));
  cache.put(version(5, "second"));
  EXPECT_EQ(cache.find(5)->body, "first");
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), VersionCache::charge(version(5, "first")));
}

TEST(VersionCache, AVersionLargerThanAShardIsNotKept) {
  VersionCache cache(16 * 1024);  // 1 KiB per shard
  cache.put(version(1, std::string(2048, 'x')));
  EXPECT_EQ(cache.find(1), nullptr);
  cache.put(version(2, std::string(100, 'x')));
  EXPECT_NE(cache.find(2), nullptr);
}

TEST(VersionCache, FindAllAnswersInOrderAndCountsAsFinds) {
  const auto a = version(0, std::string(100, 'a'));
  const auto b = version(kSameShard, std::string(100, 'b'));
  const auto c = version(2 * kSameShard, std::string(100, 'c'));
  VersionCache cache(16 * (VersionCache::charge(a) + VersionCache::charge(b)));
  cache.put(a);
  cache.put(b);
  cache.put(version(5, "{}"));  // another shard
  const std::vector<std::int64_t> seqs{5, 99, 0, 5};
  const auto found = cache.find_all(seqs);
  ASSERT_EQ(found.size(), 4u);
  ASSERT_NE(found[0], nullptr);
  EXPECT_EQ(found[0]->info.seq, 5);
  EXPECT_EQ(found[1], nullptr);
  ASSERT_NE(found[2], nullptr);
  EXPECT_EQ(found[2]->body, std::string(100, 'a'));
  EXPECT_EQ(found[3], found[0]);
  EXPECT_TRUE(cache.find_all({}).empty());
  // a was found through find_all: it outlives b when c comes.
  cache.put(c);
  EXPECT_NE(cache.find(0), nullptr);
  EXPECT_EQ(cache.find(kSameShard), nullptr);
  EXPECT_EQ(VersionCache(0).find_all(seqs), std::vector<SharedVersion>(4));
}

// Without finds the clock is first in, first out: after many puts into one
// shard, the last `room` versions are kept and no other. Random seqs collide
// in the shard's table, so that evictions move other entries back.
TEST(VersionCache, KeepsExactlyTheNewestAcrossManyEvictions) {
  // Every seq has 7 digits, so every version is charged the same.
  const auto one = version(1600000, std::string(64, 'x'));
  constexpr std::size_t room = 300;  // versions per shard: the table grows several times first
  VersionCache cache(16 * room * VersionCache::charge(one));
  std::vector<std::int64_t> put;
  std::set<std::int64_t> seen;
  std::uint64_t x = 12345;
  while (put.size() < 3000) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const auto seq = static_cast<std::int64_t>(100000 + (x >> 40) % 100000) * kSameShard;
    if (!seen.insert(seq).second) continue;
    cache.put(version(seq, std::string(64, 'x')));
    put.push_back(seq);
  }
  EXPECT_EQ(cache.size(), room);
  EXPECT_EQ(cache.bytes(), room * VersionCache::charge(one));
  const auto found = cache.find_all(put);
  for (std::size_t j = 0; j < put.size(); ++j) {
    const bool newest = j >= put.size() - room;
    ASSERT_EQ(found[j] != nullptr, newest) << "seq " << put[j] << ", put " << j;
    if (newest) {
      EXPECT_EQ(found[j]->info.seq, put[j]);
    }
  }
}

TEST(VersionCache, StaysWithinCapacityUnderConcurrentUse) {
  const std::size_t capacity = 64 * 1024;
  VersionCache cache(capacity);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (std::int64_t i = 0; i < 5000; ++i) {
        const std::int64_t seq = (i * 7 + t) % 3000;
        // Half the lookups go through find_all, with a neighbour in another shard.
        const std::vector<std::int64_t> pair{seq, seq + 1};
        auto found = i % 2 == 0 ? cache.find(seq) : cache.find_all(pair)[0];
        if (found) {
          EXPECT_EQ(found->info.seq, seq);
          EXPECT_EQ(found->body, std::string(static_cast<std::size_t>(seq % 200), 'z'));
        } else {
          cache.put(version(seq, std::string(static_cast<std::size_t>(seq % 200), 'z')));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(cache.bytes(), capacity);
  EXPECT_GT(cache.size(), 0u);
}

}  // namespace
}  // namespace carnet::store::pg
