// The configuration: defaults, overrides, and refusal of what it can't use.
#include <gtest/gtest.h>

#include "lianxin/registry.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

TEST(ConfigTest, OverridesReplaceDefaultsAndTheRestStay) {
  TempDir dir;
  WriteFile(dir / "c.toml", "timezone = \"Asia/Urumqi\"\n[difficulty]\nhardest_at = 70.0\n");
  Result<Config> config = Config::Load(dir / "c.toml", true);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->timezone, "Asia/Urumqi");
  EXPECT_EQ(config->difficulty.hardest_at, 70.0);
  EXPECT_EQ(config->difficulty.income_line, Config::Defaults().difficulty.income_line);
  EXPECT_EQ(config->needs.size(), Config::Defaults().needs.size());
}

TEST(ConfigTest, ErrorsNameTheFileAndTheKey) {
  TempDir dir;
  struct Case {
    std::string toml, expect;
  } cases[] = {
      {"busy_timeout_ms = \"soon\"\n", "busy_timeout_ms"},
      {"[difficulty]\nharder_at = 90.0\n", "harder_at"},
      {"[[needs]]\nlabel = \"低收入\"\nskills = [\"唱歌\"]\n", "唱歌"},
      {"colour = 1\n", "colour"},
      {"timezone = \n", "c.toml:1:"},
  };
  for (const Case& c : cases) {
    WriteFile(dir / "c.toml", c.toml);
    Result<Config> config = Config::Load(dir / "c.toml", true);
    ASSERT_FALSE(config.ok()) << c.toml;
    EXPECT_EQ(config.status().code(), Code::kInvalidInput);
    EXPECT_NE(config.status().message().find(c.expect), std::string::npos) << config.status().message();
  }
}

TEST(ConfigTest, MissingDefaultFileMeansDefaults) {
  Result<Config> config = Config::Load("/nonexistent/lianxin.toml", false);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->ToToml(), Config::Defaults().ToToml());
}

TEST(ConfigTest, DifficultyTiersFollowTheThresholds) {
  Config config = Config::Defaults();
  struct Case {
    std::int64_t income;
    std::vector<std::string> needs;
    Housing housing;
    int size;
    Tier tier;
  } cases[] = {
      {20000, {}, Housing::kSafe, 3, Tier::kEasier},
      {3000, {"低收入"}, Housing::kSafe, 3, Tier::kHarder},        // 20 + 15 = 35
      {0, {"低收入", "大病"}, Housing::kSafe, 3, Tier::kHardest},  // 40 + 15 + 18 = 73
      {6000, {"五保户"}, Housing::kDangerous, 1, Tier::kHarder},   // 20 + 15 = 35
      {9000, {}, Housing::kSafe, 9, Tier::kEasier},                // 2 × 5 = 10
  };
  for (const Case& c : cases) {
    Household h;
    h.income_per_capita = c.income;
    h.needs = c.needs;
    h.housing = c.housing;
    h.size = c.size;
    ScoreDifficulty(config, h);
    EXPECT_EQ(h.tier, c.tier) << c.income << " score " << h.difficulty;
  }
}

}  // namespace
}  // namespace lianxin::testing

namespace lianxin::testing {
namespace {

TEST(DatesTest, DaysRoundTripAndChinaIsUtcPlusEight) {
  for (std::int64_t days : {-719468LL, -1LL, 0LL, 59LL, 11016LL, 20418LL, 2932896LL}) {
    EXPECT_EQ(DaysFromDate(DateFromDays(days)), days);
  }
  EXPECT_EQ(DateFromDays(0), (Date{1970, 1, 1}));
  EXPECT_EQ(DateFromDays(DaysFromDate({2024, 2, 28}) + 1), (Date{2024, 2, 29}));
  EXPECT_EQ(DateFromDays(DaysFromDate({2023, 2, 28}) + 1), (Date{2023, 3, 1}));
  // 2026-11-26 16:30 UTC is already the 27th in Beijing.
  const std::int64_t millis = (DaysFromDate({2026, 11, 26}) * 86400 + 16 * 3600 + 1800) * 1000;
  EXPECT_EQ(ChinaDateOf(millis), (Date{2026, 11, 27}));
  EXPECT_EQ(ChinaDateOf(millis - 1800 * 1000 - 1), (Date{2026, 11, 26}));
}

}  // namespace
}  // namespace lianxin::testing
