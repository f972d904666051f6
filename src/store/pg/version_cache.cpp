#include "store/pg/version_cache.hpp"

#include <algorithm>
#include <bit>
#include <utility>

namespace carnet::store::pg {
namespace {

constexpr std::size_t kMinSlots = 64;

// Fibonacci hashing: consecutive seqs (a shard's are 16 apart) spread over
// the table; the top bits of the product index it.
std::uint64_t mix(std::int64_t seq) {
  return static_cast<std::uint64_t>(seq) * 0x9E3779B97F4A7C15ull;
}

}  // namespace

std::size_t VersionCache::Shard::home(std::int64_t seq) const {
  return static_cast<std::size_t>(mix(seq) >> (64 - std::countr_zero(slots.size())));
}

VersionCache::Slot* VersionCache::Shard::slot_of(std::int64_t seq) {
  if (slots.empty()) return nullptr;
  const std::size_t mask = slots.size() - 1;
  for (std::size_t i = home(seq);; i = (i + 1) & mask) {
    Slot& s = slots[i];
    if (!s.version) return nullptr;
    if (s.seq == seq) return &s;
  }
}

VersionCache::Slot& VersionCache::Shard::insert(std::int64_t seq, SharedVersion v) {
  if ((used + 1) * 2 > slots.size()) {
    std::vector<Slot> old(std::max(kMinSlots, slots.size() * 2));
    old.swap(slots);
    used = 0;
    for (auto& s : old) {
      if (s.version) {
        insert(s.seq, std::move(s.version)).found_since_passed = s.found_since_passed;
      }
    }
  }
  const std::size_t mask = slots.size() - 1;
  std::size_t i = home(seq);
  while (slots[i].version) i = (i + 1) & mask;
  slots[i] = Slot{seq, std::move(v), false};
  ++used;
  return slots[i];
}

void VersionCache::Shard::erase(Slot* slot) {
  const std::size_t mask = slots.size() - 1;
  auto hole = static_cast<std::size_t>(slot - slots.data());
  // Each later slot of the run moves into the hole unless its home lies
  // cyclically in (hole, j]: there it would no longer be found.
  for (std::size_t j = (hole + 1) & mask; slots[j].version; j = (j + 1) & mask) {
    const std::size_t h = home(slots[j].seq);
    const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
    if (stays) continue;
    slots[hole] = std::move(slots[j]);
    hole = j;
  }
  slots[hole] = Slot{};
  --used;
}

VersionCache::VersionCache(std::size_t capacity_bytes) : shard_capacity_(capacity_bytes / kShards) {}

VersionCache::Shard& VersionCache::shard_of(std::int64_t seq) {
  // seqs are consecutive: the low bits spread them evenly.
  return shards_[static_cast<std::uint64_t>(seq) % kShards];
}

std::size_t VersionCache::charge(const StoredVersion& v) {
  // The table slot (32 bytes, two per kept version at most half full), the
  // clock's entry, the shared_ptr block and StoredVersion's string headers:
  // about 256 bytes.
  constexpr std::size_t kOverhead = 256;
  return kOverhead + v.body.size() + v.patient.size() + v.info.type.size() + v.info.id.size() +
         v.method.size();
}

SharedVersion VersionCache::find(std::int64_t seq) {
  if (shard_capacity_ == 0) return nullptr;
  auto& s = shard_of(seq);
  std::lock_guard lock(s.mutex);
  Slot* slot = s.slot_of(seq);
  if (slot == nullptr) return nullptr;
  slot->found_since_passed = true;
  return slot->version;
}

std::vector<SharedVersion> VersionCache::find_all(std::span<const std::int64_t> seqs) {
  std::vector<SharedVersion> out(seqs.size());
  if (shard_capacity_ == 0) return out;
  // Positions in `seqs`, shard by shard.
  std::array<std::vector<std::size_t>, kShards> by_shard;
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    by_shard[static_cast<std::uint64_t>(seqs[i]) % kShards].push_back(i);
  }
  for (std::size_t k = 0; k < kShards; ++k) {
    if (by_shard[k].empty()) continue;
    auto& s = shards_[k];
    std::lock_guard lock(s.mutex);
    if (s.slots.empty()) continue;
    for (const auto i : by_shard[k]) __builtin_prefetch(&s.slots[s.home(seqs[i])]);
    for (const auto i : by_shard[k]) {
      if (Slot* slot = s.slot_of(seqs[i])) {
        slot->found_since_passed = true;
        out[i] = slot->version;
      }
    }
  }
  return out;
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
  if (s.slot_of(seq) != nullptr) return;  // a seq has one content
  // Allocations first (clock, then table), each undone if the next fails:
  // the table and the clock always hold the same seqs.
  s.clock.push_back(seq);
  try {
    s.insert(seq, std::move(v));
  } catch (...) {
    s.clock.pop_back();
    throw;
  }
  s.bytes += size;
  // Each pass over a found version clears its flag: at most two turns.
  while (s.bytes > shard_capacity_) {
    const std::int64_t oldest = s.clock.front();
    Slot* slot = s.slot_of(oldest);
    if (slot->found_since_passed) {
      s.clock.push_back(oldest);  // before the pop: a failed push changes nothing
      s.clock.pop_front();
      slot->found_since_passed = false;
      continue;
    }
    s.clock.pop_front();
    s.bytes -= charge(*slot->version);
    s.erase(slot);
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
    total += s.used;
  }
  return total;
}

}  // namespace carnet::store::pg
