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
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "carnet/store/resource_store.hpp"

namespace carnet::store::pg {

/// Immutable resource versions by seq, bounded by the memory their texts
/// take; the least recently used go first. Thread-safe (sharded by seq, one
/// mutex per shard). With capacity 0 it keeps nothing.
class VersionCache {
 public:
  /// `capacity_bytes`: what the kept versions may take in all (bodies plus
  /// a fixed overhead per entry, see charge()).
  explicit VersionCache(std::size_t capacity_bytes);

  /// A copy of version `seq`, if kept (it becomes the most recently used).
  std::optional<StoredVersion> find(std::int64_t seq);

  /// Keeps `v` under v.info.seq (`created` is not kept: history only). A
  /// version larger than a shard's share of the capacity is not kept.
  void put(const StoredVersion& v);

  /// Memory charged for the versions kept now.
  std::size_t bytes() const;
  /// Versions kept now.
  std::size_t size() const;

  /// What one version is charged: its texts and a fixed overhead.
  static std::size_t charge(const StoredVersion& v);

 private:
  static constexpr std::size_t kShards = 16;
  using Entry = std::pair<std::int64_t, std::shared_ptr<const StoredVersion>>;
  struct Shard {
    mutable std::mutex mutex;
    std::list<Entry> lru;  // most recently used first
    std::unordered_map<std::int64_t, std::list<Entry>::iterator> by_seq;
    std::size_t bytes = 0;
  };
  Shard& shard_of(std::int64_t seq);

  std::size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
};

}  // namespace carnet::store::pg
