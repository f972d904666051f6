// core ids: the FHIR id syntax [A-Za-z0-9\-\.]{1,64} and server-assigned UUIDs.

#include "carnet/core/id.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace carnet::core {
namespace {

TEST(CoreId, OrdinaryIdsAreValid) {
  for (std::string_view id :
       {"a", "Z", "0", "example", "pat-1", "1.2.840.10008", "ABC-xyz.09", "-", ".", ".."}) {
    EXPECT_TRUE(is_valid_id(id)) << id;
  }
}

TEST(CoreId, SixtyFourCharactersAreValidSixtyFiveAreNot) {
  EXPECT_TRUE(is_valid_id(std::string(64, 'a')));
  EXPECT_FALSE(is_valid_id(std::string(65, 'a')));
  EXPECT_TRUE(is_valid_id(std::string(63, '9') + "."));
}

TEST(CoreId, EmptyIdIsInvalid) {
  EXPECT_FALSE(is_valid_id(""));
}

TEST(CoreId, CharactersOutsideTheSyntaxAreInvalid) {
  for (std::string_view id : {"a_b", "a b", "a/b", "a:b", "a+b", "a%20b", "a#b", "a?b", "a,b", "a~b", "é",
                              "a\tb", "a\nb", "Patient/1", "caf\xC3\xA9"}) {
    EXPECT_FALSE(is_valid_id(id)) << id;
  }
  EXPECT_FALSE(is_valid_id(std::string("a\0b", 3)));
}

TEST(CoreId, NewUuidIsLowerCaseVersionFour) {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 200; ++i) {
    const std::string id = new_uuid();
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
    EXPECT_TRUE(is_valid_id(id)) << id;
  }
}

TEST(CoreId, NewUuidsAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) seen.insert(new_uuid());
  EXPECT_EQ(seen.size(), 20000u);
}

TEST(CoreId, NewUuidsAreUniqueAcrossThreads) {
  constexpr int kThreads = 8, kEach = 2000;
  std::mutex mutex;
  std::set<std::string> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < kEach; ++i) mine.push_back(new_uuid());
      std::lock_guard lock(mutex);
      seen.insert(mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kEach));
}

}  // namespace
}  // namespace carnet::core
