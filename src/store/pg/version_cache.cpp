#include "store/pg/version_cache.hpp"

namespace carnet::store::pg {

VersionCache::VersionCache(std::size_t capacity_bytes) : shard_capacity_(capacity_bytes / kShards) {}

VersionCache::Shard& VersionCache::shard_of(std::int64_t seq) {
  // seqs are consecutive: the low bits spread them evenly.
  return shards_[static_cast<std::uint64_t>(seq) % kShards];
}

std::size_t VersionCache::charge(const StoredVersion& v) {
  // The map node, list node, shared_ptr block and string headers: about 256 bytes.
  constexpr std::size_t kOverhead = 256;
  return kOverhead + v.body.size() + v.patient.size() + v.info.type.size() + v.info.id.size() +
         v.method.size();
}

std::optional<StoredVersion> VersionCache::find(std::int64_t seq) {
  if (shard_capacity_ == 0) return std::nullopt;
  auto& s = shard_of(seq);
  std::shared_ptr<const StoredVersion> found;
  {
    std::lock_guard lock(s.mutex);
    const auto it = s.by_seq.find(seq);
    if (it == s.by_seq.end()) return std::nullopt;
    s.lru.splice(s.lru.begin(), s.lru, it->second);
    found = it->second->second;
  }
  return *found;  // copied outside the lock
}

void VersionCache::put(const StoredVersion& v) {
  const std::size_t size = charge(v);
  if (size > shard_capacity_) return;
  auto kept = std::make_shared<StoredVersion>(v);  // copied outside the lock
  kept->created = false;
  auto& s = shard_of(v.info.seq);
  std::lock_guard lock(s.mutex);
  if (s.by_seq.contains(v.info.seq)) return;  // a seq has one content: nothing to replace
  s.lru.emplace_front(v.info.seq, std::move(kept));
  s.by_seq.emplace(v.info.seq, s.lru.begin());
  s.bytes += size;
  while (s.bytes > shard_capacity_) {
    const auto& [seq, old] = s.lru.back();
    s.bytes -= charge(*old);
    s.by_seq.erase(seq);
    s.lru.pop_back();
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
