// Card codes (include/lianxin/cards.hpp): enough randomness, read back as
// typed, and nothing that is not a code accepted as one.
#include "lianxin/cards.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace lianxin {
namespace {

TEST(CardsTest, CodesAreFreshAndUseTheWholeAlphabetEvenly) {
  std::set<std::string> seen;
  std::map<char, int> counts;
  for (int i = 0; i < 4000; ++i) {
    std::string code = NewCardCode();
    ASSERT_EQ(code.size(), kCardCodeChars);
    ASSERT_EQ(NormalizeCardCode(code), code);
    EXPECT_TRUE(seen.insert(code).second) << "a repeated code: " << code;
    for (char c : code) ++counts[c];
  }
  // 64,000 symbols over 32 letters: 2,000 each expected; a biased draw (say
  // a modulo of a byte by 31) would leave one far off.
  ASSERT_EQ(counts.size(), 32u);
  for (const auto& [c, n] : counts) {
    EXPECT_GT(n, 1700) << c;
    EXPECT_LT(n, 2300) << c;
  }
}

TEST(CardsTest, TypedCodesReadAsPrinted) {
  std::string code = "7KQ2M9XD4HTB0RWE";
  EXPECT_EQ(FormatCardCode(code), "7KQ2-M9XD-4HTB-0RWE");
  EXPECT_EQ(NormalizeCardCode("7kq2-m9xd-4htb-0rwe"), code);
  EXPECT_EQ(NormalizeCardCode("7KQ2 M9XD 4HTB ORWE"), code) << "O typed for 0";
  EXPECT_EQ(NormalizeCardCode("1111-1111-1111-111l"), "1111111111111111") << "I and L typed for 1";
  EXPECT_FALSE(NormalizeCardCode("7KQ2-M9XD-4HTB-0RW"));    // too short
  EXPECT_FALSE(NormalizeCardCode("7KQ2-M9XD-4HTB-0RWEX"));  // too long
  EXPECT_FALSE(NormalizeCardCode("7KQ2-M9XD-4HTB-0RWU"));   // U is not in the alphabet
  EXPECT_FALSE(NormalizeCardCode("7KQ2-M9XD-4HTB-0RW%"));
  EXPECT_FALSE(NormalizeCardCode(""));
}

}  // namespace
}  // namespace lianxin
