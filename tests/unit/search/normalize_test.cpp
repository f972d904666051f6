#include <gtest/gtest.h>

#include "carnet/search/extractor.hpp"

namespace carnet::search {
namespace {

TEST(SearchNormalize, FoldsCaseAccentsAndPunctuation) {
  EXPECT_EQ(normalize_string("Évelyne  D'Arc"), "evelyne d arc");
  EXPECT_EQ(normalize_string("Straße"), "strasse");
  EXPECT_EQ(normalize_string("  Chalmers, Peter-James  "), "chalmers peter james");
  EXPECT_EQ(normalize_string("Ñúñez Çağlar"), "nunez caglar");
  EXPECT_EQ(normalize_string("Øre Ålesund Æsir Œuvre ÿ"), "ore alesund aesir oeuvre y");
  EXPECT_EQ(normalize_string("Łódź Dvořák Þór"), "lodz dvorak thor");
  EXPECT_EQ(normalize_string("Ĳssel"), "ijssel");
}

TEST(SearchNormalize, KeepsDigitsAndOtherScripts) {
  EXPECT_EQ(normalize_string("Rue 12B"), "rue 12b");
  EXPECT_EQ(normalize_string("ΑΘΗΝΑ"), "αθηνα");
  EXPECT_EQ(normalize_string("МОСКВА Ёлка"), "москва ёлка");
  EXPECT_EQ(normalize_string("東京"), "東京");
}

TEST(SearchNormalize, TreatsUnicodePunctuationAsSpaces) {
  EXPECT_EQ(normalize_string("D\u2019Arc\u00a0\u2014\u00a0x"), "d arc x");  // ’, no-break space, em dash
  EXPECT_EQ(normalize_string("a\u00d7b\u00f7c"), "a b c");                  // × ÷
}

TEST(SearchNormalize, DropsDecomposedAccents) {
  EXPECT_EQ(normalize_string("E\u0301velyne"), "evelyne");  // E + combining acute
}

TEST(SearchNormalize, EmptyAndSeparatorOnlyGiveEmpty) {
  EXPECT_EQ(normalize_string(""), "");
  EXPECT_EQ(normalize_string(" -- ,. "), "");
}

TEST(SearchNormalize, MalformedUtf8IsASeparator) {
  EXPECT_EQ(normalize_string(std::string("ab\xff"
                                         "cd")),
            "ab cd");
  EXPECT_EQ(normalize_string(std::string("ab\xc3")), "ab");
}

}  // namespace
}  // namespace carnet::search
