// Reproducible draws (include/lianxin/draw.hpp): the key is what b2sum
// prints, the same seed gives the same sample, another seed another one.
#include "lianxin/draw.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace lianxin::testing {
namespace {

TEST(DrawTest, TheKeyIsWhatB2sumPrints) {
  CliRun b2sum = RunShell("printf '%s' 'seed|2026-12:villages:149901001000|149901001001' | b2sum -l 256");
  ASSERT_EQ(b2sum.exit_code, 0) << b2sum.output;
  EXPECT_EQ(b2sum.output.substr(0, 64), DrawKey("seed", "2026-12:villages:149901001000", "149901001001"));
}

TEST(DrawTest, TheSameSeedRepeatsTheDrawAndAnotherSeedChangesIt) {
  std::vector<std::string> villages;
  for (int i = 1; i <= 30; ++i) villages.push_back("1499010010" + std::to_string(10 + i));
  std::vector<std::string> shuffled(villages.rbegin(), villages.rend());
  shuffled.push_back(villages[0]);  // a duplicate counts once
  std::vector<std::string> a = DrawSample("head-abc", "p", villages, 5);
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(DrawSample("head-abc", "p", shuffled, 5), a) << "order of the candidates does not matter";
  EXPECT_NE(DrawSample("head-abd", "p", villages, 5), a);
  EXPECT_NE(DrawSample("head-abc", "q", villages, 5), a) << "each purpose draws on its own";
  EXPECT_EQ(DrawSample("s", "p", {"x", "y"}, 5).size(), 2u);
  // Over many seeds every candidate is drawn about equally often.
  std::map<std::string, int> times;
  for (int s = 0; s < 3000; ++s) {
    for (const std::string& v : DrawSample(std::to_string(s), "p", villages, 3)) ++times[v];
  }
  ASSERT_EQ(times.size(), villages.size());
  for (const auto& [v, n] : times) {
    EXPECT_GT(n, 200) << v;  // expected 300
    EXPECT_LT(n, 400) << v;
  }
}

TEST(DrawTest, AnInspectionDrawsPerTownshipThenPerVillage) {
  InspectionCandidates candidates;
  candidates.villages_by_township = {{"T1", {"V11", "V12", "V13"}}, {"T2", {"V21", "V22"}}};
  for (const char* v : {"V11", "V12", "V13", "V21", "V22"}) {
    for (int h = 0; h < 10; ++h)
      candidates.households_by_village[v].push_back(std::string(v) + "H" + std::to_string(h));
  }
  InspectionDraw draw = DrawInspection("seed", "2026-12", candidates, 2, 3);
  EXPECT_EQ(draw.villages_by_township.at("T1").size(), 2u);
  EXPECT_EQ(draw.villages_by_township.at("T2").size(), 2u);
  EXPECT_EQ(draw.households_by_village.size(), 4u);
  for (const auto& [village, households] : draw.households_by_village) {
    EXPECT_EQ(households.size(), 3u);
    for (const std::string& h : households) EXPECT_TRUE(h.starts_with(village)) << h;
  }
  InspectionDraw again = DrawInspection("seed", "2026-12", candidates, 2, 3);
  EXPECT_EQ(again.villages_by_township, draw.villages_by_township);
  EXPECT_EQ(again.households_by_village, draw.households_by_village);

  std::vector<std::string> visits;
  for (int i = 0; i < 41; ++i) visits.push_back("visit" + std::to_string(i));
  EXPECT_EQ(DrawCallbacks("seed", "2026-12", visits, 0.1).size(), 5u) << "10 % of 41, rounded up";
  EXPECT_TRUE(DrawCallbacks("seed", "2026-12", visits, 0).empty());
}

}  // namespace
}  // namespace lianxin::testing
