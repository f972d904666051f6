#pragma once
// Resource versions by seq, kept in memory between requests.
//
// A version never changes once written (resource_version refuses UPDATE and
// DELETE, migrations/0001), and a new version gets a new seq: a kept copy can
// never be stale. So a search asks PostgreSQL only for the seqs of its page
// and includes, and reads from resource_version just the versions not kept
// here. Fetching bodies was two thirds of PostgreSQL's work for a page with
// its includes (docs/benchmarks.md).

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "carnet/store/resource_store.hpp"

namespace carnet::store::pg {

/// Immutable resource versions by seq, bounded by the memory their texts
/// take. Eviction is CLOCK (second chance): the oldest kept version goes
/// first unless it was found since it was last passed over. A hit only sets
/// a flag, where an LRU list moved nodes and touched their neighbours: on
/// `enc_revinclude` (~200 finds per request) the list's cache misses and a
/// copy of each version were 10 % of Carnet's CPU (docs/benchmarks.md).
/// A version just kept is examined last, so it goes only if every older one
/// was found since the clock last passed it. Thread-safe (sharded by seq, one
/// mutex per shard). With capacity 0 it keeps nothing.
class VersionCache {
 public:
  /// `capacity_bytes`: what the kept versions may take in all (bodies plus
  /// a fixed overhead per entry, see charge()).
  explicit VersionCache(std::size_t capacity_bytes);

  /// Version `seq`, shared (never copied), or null when not kept.
  SharedVersion find(std::int64_t seq);

  /// Keeps `v` under v->info.seq. A version larger than a shard's share of
  /// the capacity is not kept. `v->created` must be false (history only).
  void put(SharedVersion v);
  /// Keeps a copy of `v` without its `created` flag.
  void put(const StoredVersion& v);

  /// Memory charged for the versions kept now.
  std::size_t bytes() const;
  /// Versions kept now.
  std::size_t size() const;

  /// What one version is charged: its texts and a fixed overhead.
  static std::size_t charge(const StoredVersion& v);

 private:
  static constexpr std::size_t kShards = 16;
  struct Slot {
    SharedVersion version;
    bool found_since_passed = false;  // CLOCK's reference bit
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::int64_t, Slot> by_seq;
    std::deque<std::int64_t> clock;  // the kept seqs, oldest (next to examine) first
    std::size_t bytes = 0;
  };
  Shard& shard_of(std::int64_t seq);

  std::size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
};

}  // namespace carnet::store::pg
