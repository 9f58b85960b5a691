#include "registry/first_rows.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_map>

namespace lianxin {
namespace {

// Against the standard map, through many growths: every key keeps the row
// that first held it, and only a key seen before is reported as such.
TEST(FirstRowsTest, KeepsTheFirstRowOfEveryKeyAsTheStandardMapDoes) {
  FirstRows first;
  std::unordered_map<std::string, int> expected;
  for (int row = 1; row <= 200000; ++row) {
    // Keys of several lengths, every fifth one seen before.
    std::string key = std::to_string(row % 5 == 0 ? row / 5 : row * 7919);
    if (row % 3 == 0) key += "X";
    auto [held, fresh] = first.Emplace(key, row);
    auto [it, expected_fresh] = expected.emplace(key, row);
    ASSERT_EQ(fresh, expected_fresh) << key;
    ASSERT_EQ(held, it->second) << key;
  }
  EXPECT_EQ(first.size(), expected.size());
  EXPECT_EQ(first.Emplace("", 7), std::make_pair(7, true));
  EXPECT_EQ(first.Emplace("", 8), std::make_pair(7, false));
}

// A file sorted by its key, as offices export them, is taken in order until
// a key comes out of order: a repeat of one far back, a new one that sorts
// before the last. Both are then answered as the standard map would.
TEST(FirstRowsTest, AnAscendingRunThenKeysOutOfOrder) {
  FirstRows first;
  std::unordered_map<std::string, int> expected;
  auto both = [&](const std::string& key, int row) {
    auto [held, fresh] = first.Emplace(key, row);
    auto [it, expected_fresh] = expected.emplace(key, row);
    EXPECT_EQ(fresh, expected_fresh) << key;
    EXPECT_EQ(held, it->second) << key;
  };
  int row = 1;
  for (int n = 100000; n < 150000; n += 2) both("1499010010" + std::to_string(n), row++);
  both("1499010010100000", row++);  // the first key again
  both("1499010010100001", row++);  // new, between two kept
  both("1499010010149998", row++);  // the last again
  for (int n = 100001; n < 100101; n += 2) both("1499010010" + std::to_string(n), row++);
  both("1499010010100001", row++);
  EXPECT_EQ(first.size(), expected.size());
}

}  // namespace
}  // namespace lianxin
