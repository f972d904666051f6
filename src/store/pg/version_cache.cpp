#include "store/pg/version_cache.hpp"

namespace carnet::store::pg {

VersionCache::VersionCache(std::size_t capacity_bytes) : shard_capacity_(capacity_bytes / kShards) {}

VersionCache::Shard& VersionCache::shard_of(std::int64_t seq) {
  // seqs are consecutive: the low bits spread them evenly.
  return shards_[static_cast<std::uint64_t>(seq) % kShards];
}

std::size_t VersionCache::charge(const StoredVersion& v) {
  // The map node, clock slot, shared_ptr block and string headers: about 256 bytes.
  constexpr std::size_t kOverhead = 256;
  return kOverhead + v.body.size() + v.patient.size() + v.info.type.size() + v.info.id.size() +
         v.method.size();
}

SharedVersion VersionCache::find(std::int64_t seq) {
  if (shard_capacity_ == 0) return nullptr;
  auto& s = shard_of(seq);
  std::lock_guard lock(s.mutex);
  const auto it = s.by_seq.find(seq);
  if (it == s.by_seq.end()) return nullptr;
  it->second.found_since_passed = true;
  return it->second.version;
}

void VersionCache::put(const StoredVersion& v) {
  if (charge(v) > shard_capacity_) return;
  auto kept = std::make_shared<StoredVersion>(v);  // copied outside the lock
  kept->created = false;
  put(SharedVersion(std::move(kept)));
}

void VersionCache::put(SharedVersion v) {
  const std::size_t size = charge(*v);
  if (size > shard_capacity_) return;
  const std::int64_t seq = v->info.seq;
  auto& s = shard_of(seq);
  std::lock_guard lock(s.mutex);
  if (!s.by_seq.try_emplace(seq, Slot{std::move(v), false}).second) return;  // a seq has one content
  s.clock.push_back(seq);
  s.bytes += size;
  // Each pass over a found version clears its flag: at most two turns.
  while (s.bytes > shard_capacity_) {
    const std::int64_t oldest = s.clock.front();
    s.clock.pop_front();
    auto slot = s.by_seq.find(oldest);
    if (slot->second.found_since_passed) {
      slot->second.found_since_passed = false;
      s.clock.push_back(oldest);
      continue;
    }
    s.bytes -= charge(*slot->second.version);
    s.by_seq.erase(slot);
  }
}

std::size_t VersionCache::bytes() const {
  std::size_t total = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    total += s.bytes;
  }
  return total;
}

std::size_t VersionCache::size() const {
  std::size_t total = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    total += s.by_seq.size();
  }
  return total;
}

}  // namespace carnet::store::pg
