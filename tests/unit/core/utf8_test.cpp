// UTF-8 as PostgreSQL and JSON accept it: what a URL may carry once decoded,
// and what the audit trail stores whatever a client sent.
#include "carnet/core/utf8.hpp"

#include <gtest/gtest.h>

namespace carnet::core {
namespace {

TEST(Utf8, WellFormedTextIsValid) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("Dupont"));
  EXPECT_TRUE(is_valid_utf8("Hélène Müller"));
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC"));      // €
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // 😀
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(is_valid_utf8(std::string_view("a\0b", 3)));
}

TEST(Utf8, IllFormedTextIsNot) {
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xFF\xFE"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("caf\xC3"));           // truncated
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
}

TEST(Utf8, IllFormedSequencesAreReplaced) {
  EXPECT_EQ(to_valid_utf8("Hélène"), "Hélène");
  EXPECT_EQ(to_valid_utf8("x\xFFy"), "x\xEF\xBF\xBDy");
  EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(is_valid_utf8(to_valid_utf8("/x%\xFF\xC0\xAF\xF4\x90\x80\x80")));
}

}  // namespace
}  // namespace carnet::core
