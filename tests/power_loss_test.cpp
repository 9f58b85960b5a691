// Power loss at a random moment under group-commit write load (power_loss.hpp):
// every write the writer acknowledged survives, the file passes
// integrity_check and the journal verifies. The long version (hundreds of
// rounds) is bench/power_loss_bench.cpp; LIANXIN_POWER_LOSS_ROUNDS sets the
// count here.
#include "power_loss.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "test_util.hpp"

namespace lianxin::powerloss {
namespace {

int Rounds() {
  const char* rounds = std::getenv("LIANXIN_POWER_LOSS_ROUNDS");
  return rounds ? std::max(1, std::atoi(rounds)) : 8;
}

// Every cut makes the writer log its failed commits: hundreds of lines that
// say only what the test expects.
class QuietLog {
 public:
  QuietLog() : level_(spdlog::get_level()) { spdlog::set_level(spdlog::level::off); }
  ~QuietLog() { spdlog::set_level(level_); }

 private:
  spdlog::level::level_enum level_;
};

TEST(PowerLossTest, NoAcknowledgedWriteIsLost) {
  QuietLog quiet;
  testing::TempDir dir;
  std::string path = dir / "county.db";
  Vfs vfs;
  int acknowledged = 0, cut_mid_write = 0;
  for (int round = 0; round < Rounds(); ++round) {
    ASSERT_TRUE(Prepare(path, round).ok());
    RoundResult result = RunRound(vfs, path, round, /*seed=*/1000 + round);
    SCOPED_TRACE("round " + std::to_string(round) + ", power cut after " + std::to_string(result.operations) +
                 " writes and syncs");
    EXPECT_EQ(result.lost, 0) << "of " << result.acknowledged << " acknowledged";
    EXPECT_EQ(result.integrity, "ok");
    EXPECT_TRUE(result.journal.ok()) << result.journal.ToString();
    acknowledged += result.acknowledged;
    cut_mid_write += result.refused > 0;
  }
  // The rounds exercised what they claim: writes were acknowledged, and the
  // power went while some were still in flight.
  EXPECT_GT(acknowledged, 0);
  EXPECT_GT(cut_mid_write, 0);
  EXPECT_GT(vfs.main_file_syncs(), 0) << "no checkpoint reached the main file";
}

// The negative control: a disk whose syncs do nothing (what synchronous=OFF
// amounts to) loses acknowledged writes at a power cut, and this harness sees
// it. Without this, the test above could pass by never cutting anything.
TEST(PowerLossTest, ALyingSyncLosesAcknowledgedWrites) {
  QuietLog quiet;
  testing::TempDir dir;
  std::string path = dir / "county.db";
  Vfs vfs;
  ASSERT_TRUE(Prepare(path, 0).ok());
  vfs.set_lying_sync(true);
  RoundResult result = RunRound(vfs, path, 0, /*seed=*/7, /*cut_at=*/-1, /*clients=*/4, /*per_client=*/20);
  vfs.set_lying_sync(false);
  EXPECT_EQ(result.acknowledged, 80);
  EXPECT_GT(result.lost, 0);
}

}  // namespace
}  // namespace lianxin::powerloss
