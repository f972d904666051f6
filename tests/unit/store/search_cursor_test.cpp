// The _cursor of paging links: keyset positions, stored snapshots, and
// snapshots the cursor carries itself (store/pg/search_cursor.hpp).
#include "store/pg/search_cursor.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "carnet/core/error.hpp"

namespace carnet::store::pg {
namespace {

int status_of_decoding(const std::string& text, const std::string& signature, std::size_t values) {
  try {
    decode_cursor(text, signature, values);
    return 200;
  } catch (const core::Error& e) {
    return e.status();
  }
}

TEST(SearchCursor, CarriedSnapshotsComeBackAsTheyWent) {
  // Neighbours close and far, going down as well as up, and the extremes.
  const std::vector<std::int64_t> rids{
      1'000'000, 1'000'001, 999'990, 5, 7'000'000'000, 1, std::numeric_limits<std::int64_t>::max(), 2};
  Cursor out{true, {}, 0, 0, 3, rids};
  const auto text = encode_cursor(out, "-date,rid");
  EXPECT_TRUE(carries_snapshot(text));
  for (char c : text) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') << text;
  }
  const auto back = decode_cursor(text, "-date,rid", 1);
  EXPECT_TRUE(back.backward);
  EXPECT_EQ(back.rids, rids);
  EXPECT_EQ(back.position, 3);
  EXPECT_EQ(back.snapshot, 0);
  EXPECT_TRUE(back.in_snapshot());
}

TEST(SearchCursor, NearbyRidsTakeAFewCharactersEach) {
  std::vector<std::int64_t> rids;
  for (std::int64_t i = 0; i < 300; ++i) rids.push_back(5'000'000 + (i % 2 == 0 ? i : -i));
  // 300 rids within ±300 of each other: ~2 bytes each, 4/3 for base64url.
  EXPECT_LT(carried_size(rids), 900U);
}

TEST(SearchCursor, StoredSnapshotsAndKeysetPositionsCarryNoRids) {
  const auto stored = encode_cursor(Cursor{false, {}, 0, 42, 50, {}}, "-date,rid");
  EXPECT_FALSE(carries_snapshot(stored));
  const auto s = decode_cursor(stored, "-date,rid", 1);
  EXPECT_EQ(s.snapshot, 42);
  EXPECT_EQ(s.position, 50);
  EXPECT_TRUE(s.rids.empty());
  const auto keyset = encode_cursor(Cursor{false, {std::string("2020")}, 9, 0, 0, {}}, "date,rid");
  const auto k = decode_cursor(keyset, "date,rid", 1);
  EXPECT_FALSE(k.in_snapshot());
  EXPECT_EQ(k.rid, 9);
}

TEST(SearchCursor, DamagedCarriedSnapshotsAreRefused) {
  const auto good = encode_cursor(Cursor{false, {}, 0, 0, 2, {10, 20, 30}}, "-date,rid");
  const auto dot = good.find('.');
  ASSERT_NE(dot, std::string::npos);
  const std::string head = good.substr(0, dot);
  EXPECT_EQ(status_of_decoding(good, "-date,rid", 1), 200);
  EXPECT_EQ(status_of_decoding(good, "date,rid", 1), 400);                       // another sort
  EXPECT_EQ(status_of_decoding(head + ".", "-date,rid", 1), 400);                // no rids
  EXPECT_EQ(status_of_decoding(head + ".gA", "-date,rid", 1), 400);              // a varint cut short (0x80)
  EXPECT_EQ(status_of_decoding(head + ".a*b", "-date,rid", 1), 400);             // not base64url
  EXPECT_EQ(status_of_decoding(head + ".//////////////", "-date,rid", 1), 400);  // a varint past 64 bits
  std::vector<std::int64_t> too_many(kMaxCarriedRids + 1, 1);
  EXPECT_EQ(
      status_of_decoding(encode_cursor(Cursor{false, {}, 0, 0, 1, too_many}, "-date,rid"), "-date,rid", 1),
      400);
  // A stored snapshot's id and carried rids at once: not a cursor of ours.
  const auto both = encode_cursor(Cursor{false, {}, 0, 7, 2, {}}, "-date,rid") + good.substr(dot);
  EXPECT_EQ(status_of_decoding(both, "-date,rid", 1), 400);
}

}  // namespace
}  // namespace carnet::store::pg
