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
#include <span>
#include <vector>

#include "carnet/store/resource_store.hpp"

namespace carnet::store::pg {

/// Immutable resource versions by seq, bounded by the memory their texts
/// take. Eviction is CLOCK (second chance): the oldest kept version goes
/// first unless it was found since it was last passed over. A hit only sets
/// a flag, where an LRU list moved nodes and touched their neighbours: on
/// `enc_revinclude` (~200 finds per request) the list's cache misses and a
/// copy of each version were 10 % of Carnet's CPU (docs/benchmarks.md).
/// A version just kept is examined last: it goes only once every older one
/// not found since the clock last passed it has gone (a version larger than
/// what they free goes too). Thread-safe (sharded by seq, one
/// mutex per shard). With capacity 0 it keeps nothing.
///
/// Each shard is an open-addressing table (linear probing): a find reads
/// one slot, where a node-based map read a bucket, the node before and the
/// node, each a cache miss on a table of ~250,000 versions (`find` was 9 %
/// of Carnet's CPU on `enc_revinclude`, docs/benchmarks.md). find_all looks
/// up a page's seqs shard by shard, one lock each, and asks for all their
/// slots before reading any, so that the misses overlap.
class VersionCache {
 public:
  /// `capacity_bytes`: what the kept versions may take in all (bodies plus
  /// a fixed overhead per entry, see charge()).
  explicit VersionCache(std::size_t capacity_bytes);

  /// Version `seq`, shared (never copied), or null when not kept.
  SharedVersion find(std::int64_t seq);
  /// find() of each of `seqs`, in their order (null where not kept).
  std::vector<SharedVersion> find_all(std::span<const std::int64_t> seqs);

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
    std::int64_t seq = 0;
    SharedVersion version;            // null: the slot is free
    bool found_since_passed = false;  // CLOCK's reference bit
  };
  // An open-addressing table by seq: its size is a power of two (or 0), at
  // most half of it used, and a kept seq sits at its home slot or after it,
  // with no free slot in between (linear probing).
  struct Shard {
    mutable std::mutex mutex;
    std::vector<Slot> slots;
    std::size_t used = 0;
    std::deque<std::int64_t> clock;  // the kept seqs, oldest (next to examine) first
    std::size_t bytes = 0;

    std::size_t home(std::int64_t seq) const;
    /// The slot holding `seq`, or nullptr.
    Slot* slot_of(std::int64_t seq);
    /// Keeps `v` under `seq` (not kept yet), growing the table when needed.
    Slot& insert(std::int64_t seq, SharedVersion v);
    /// Frees `slot` and moves later slots of its run back (no tombstones).
    void erase(Slot* slot);
  };
  Shard& shard_of(std::int64_t seq);

  std::size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
};

}  // namespace carnet::store::pg
