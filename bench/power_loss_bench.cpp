// The long power-loss run (tests/power_loss.hpp): ROUNDS rounds (default 120)
// of group-commit write load cut at a random write or sync, each checked for
// lost acknowledged writes, integrity_check and the journal.
//   power_loss_bench DIR [ROUNDS]
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "power_loss.hpp"

int main(int argc, char** argv) {
  using namespace lianxin::powerloss;
  if (argc < 2) {
    std::fprintf(stderr, "usage: power_loss_bench DIR [ROUNDS]\n");
    return 2;
  }
  std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  std::string path = (dir / "power-loss.db").string();
  // The checkpoint too: a head kept from an earlier run is not in the new journal.
  for (const char* suffix : {"", "-wal", "-shm", ".key", ".key.head"}) std::filesystem::remove(path + suffix);
  int rounds = argc > 2 ? std::atoi(argv[2]) : 120;
  spdlog::set_level(spdlog::level::off);  // each cut logs the writer's failed commits
  long acknowledged = 0, lost = 0, bad_integrity = 0, bad_journal = 0, in_flight = 0;
  Vfs vfs;
  for (int round = 0; round < rounds; ++round) {
    if (!Prepare(path, round).ok()) {
      std::fprintf(stderr, "round %d: could not prepare\n", round);
      return 3;
    }
    RoundResult result = RunRound(vfs, path, round, 1000 + round);
    acknowledged += result.acknowledged;
    lost += result.lost;
    in_flight += result.refused > 0;
    bad_integrity += result.integrity != "ok";
    bad_journal += !result.journal.ok();
    if (result.lost || result.integrity != "ok" || !result.journal.ok()) {
      std::fprintf(stderr, "round %d: lost %d of %d, integrity %s, journal %s\n", round, result.lost,
                   result.acknowledged, result.integrity.c_str(), result.journal.ToString().c_str());
    }
  }
  bool pass = lost == 0 && bad_integrity == 0 && bad_journal == 0;
  std::printf(
      "B9 power loss %d rounds, %ld acknowledged writes, %ld cut mid-write, %ld checkpoints | lost %ld, "
      "integrity failures %ld, journal failures %ld (target 0) %s\n",
      rounds, acknowledged, in_flight, static_cast<long>(vfs.main_file_syncs()), lost, bad_integrity,
      bad_journal, pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
