// The real `lianxin serve` under write load, killed and backed up: a write
// the server answered 201 for is durable (writer.hpp: "A request is answered
// only after the batch holding it has committed"), the file passes
// integrity_check, the journal verifies, and an online backup taken under
// load restores into a registry that verifies.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "lianxin/api.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

constexpr char kPassword[] = "Lianxin-Crash-7q";
constexpr int kClients = 8;
// Townships 149901001000..149901009000, each with room for villages 001..999:
// every village code the tests create is new, across every round.
constexpr int kTownships = 9;
constexpr int kVillageCodes = kTownships * 999;

CliRun Lianxin(const std::string& args) { return RunShell(LianxinBinary() + " " + args); }

std::string Pad3(int n) {
  std::string digits = std::to_string(n);
  return std::string(3 - digits.size(), '0') + digits;
}

std::string VillageCode(int n) { return "149901" + Pad3(n / 999 + 1) + Pad3(n % 999 + 1); }

// A county with its townships and one county admin who may write there.
void MakeRegistry(const TempDir& dir, const std::string& db) {
  std::string csv = "区划代码,名称,级别,上级代码\n149901,连心县,县,\n";
  for (int t = 1; t <= kTownships; ++t) {
    csv += "149901" + Pad3(t) + "000," + (t == 1 ? std::string("城关镇") : "第" + std::to_string(t) + "镇") +
           ",乡镇,149901\n";
  }
  WriteFile(dir / "regions.csv", csv);
  CliRun imported = Lianxin("import --db " + db + " --kind regions " + (dir / "regions.csv"));
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  WriteFile(dir / "password.txt", std::string(kPassword) + "\n");
  CliRun added =
      Lianxin("user add boss --db " + db + " --role county_admin --scope region:149901 --no-force-change < " +
              (dir / "password.txt"));
  ASSERT_EQ(added.exit_code, 0) << added.output;
}

bool Gone(int pid) {
  if (::kill(pid, 0) != 0) return true;
  // Not our child (the shell started it), so it may linger as a zombie
  // until init reaps it; a zombie holds no file any more. But the main
  // thread shows as a zombie as soon as it has exited itself, while the
  // process's other threads (a loader, the server's workers) may still be
  // on their way out, holding the files and their locks: gone once no
  // thread but the main one is left.
  const std::string proc = "/proc/" + std::to_string(pid);
  std::string stat = ReadFile(proc + "/stat");
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z') return false;
  std::error_code ec;
  auto threads = std::distance(std::filesystem::directory_iterator(proc + "/task", ec),
                               std::filesystem::directory_iterator());
  return ec || threads <= 1;
}

bool WaitGone(int pid) {
  for (int i = 0; i < 600; ++i) {  // polls, with a generous bound; no timing is asserted
    if (Gone(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Gone(pid);
}

// `lianxin serve` on a free port, started by the shell in the background.
struct Server {
  int pid = 0;
  int port = 0;
  std::string log;
};

Server StartServe(const TempDir& dir, const std::string& db, const std::string& name) {
  Server server;
  server.log = dir / (name + ".log");
  std::string pid_file = dir / (name + ".pid");
  if (std::system((LianxinBinary() + " serve --db " + db + " --listen 127.0.0.1:0 > " + server.log +
                   " 2>&1 & echo $! > " + pid_file)
                      .c_str()) != 0) {
    return server;
  }
  server.pid = std::atoi(ReadFile(pid_file).c_str());
  for (int i = 0; i < 600 && server.port == 0; ++i) {  // polls, with a generous bound
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::string output = ReadFile(server.log);
    size_t at = output.find("serving on http://127.0.0.1:");
    if (at != std::string::npos) server.port = std::atoi(output.c_str() + at + 28);
    if (server.pid > 0 && Gone(server.pid)) break;
  }
  return server;
}

// Kills a server a failed assertion left running.
struct KillOnExit {
  int pid;
  ~KillOnExit() {
    if (pid > 0 && !Gone(pid)) ::kill(pid, SIGKILL);
  }
};

// Signs in as the county admin: the cookie and CSRF token every write sends.
httplib::Headers SignIn(int port) {
  httplib::Client client("127.0.0.1", port);
  httplib::Result in =
      client.Post("/api/v1/session", nlohmann::json{{"username", "boss"}, {"password", kPassword}}.dump(),
                  "application/json");
  EXPECT_TRUE(in) << "no answer to sign-in";
  if (!in) return {};
  EXPECT_EQ(in->status, 200) << in->body;
  nlohmann::json body = nlohmann::json::parse(in->body, nullptr, false);
  std::string cookie(in->get_header_value("Set-Cookie"));
  return {{"Cookie", "lx_session=" + std::string(CookieValue(cookie, "lx_session"))},
          {"X-CSRF-Token", body.is_object() ? body.value("csrf_token", "") : ""}};
}

// kClients threads, each creating new villages one after another until
// stopped. A village is acknowledged when its POST was answered 201; a
// request that got no answer (the server died) is not, and may or may not
// have been written.
class WriteLoad {
 public:
  WriteLoad(int port, httplib::Headers headers, std::atomic<int>& next_code) {
    for (int i = 0; i < kClients; ++i) {
      threads_.emplace_back([this, port, headers, &next_code] {
        httplib::Client client("127.0.0.1", port);
        client.set_keep_alive(true);
        client.set_connection_timeout(2);
        client.set_read_timeout(30);
        while (!stop_) {
          int n = next_code++;
          if (n >= kVillageCodes) return;
          std::string code = VillageCode(n);
          nlohmann::json village = {{"code", code},
                                    {"name", "村" + std::to_string(n)},
                                    {"level", "村"},
                                    {"parent_code", "149901" + code.substr(6, 3) + "000"}};
          httplib::Result posted =
              client.Post("/api/v1/regions", headers, village.dump(), "application/json");
          std::lock_guard lock(mu_);
          if (!posted) {
            ++unanswered_;
            // The server is gone: new connections are refused at once.
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          } else if (posted->status == 201) {
            acked_.push_back(code);
          } else if (others_++ == 0) {
            first_other_ = code + ": " + std::to_string(posted->status) + " " + posted->body;
          }
        }
      });
    }
  }
  ~WriteLoad() { Stop(); }

  void Stop() {
    stop_ = true;
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  std::vector<std::string> acked() const {
    std::lock_guard lock(mu_);
    return acked_;
  }
  // Answers other than 201: none is expected, the codes are all new.
  int others() const {
    std::lock_guard lock(mu_);
    return others_;
  }
  std::string first_other() const {
    std::lock_guard lock(mu_);
    return first_other_;
  }
  int unanswered() const {
    std::lock_guard lock(mu_);
    return unanswered_;
  }

  // Waits (bounded) until at least N writes were acknowledged.
  bool WaitForAcks(size_t n) const {
    for (int i = 0; i < 1200; ++i) {  // polls, with a generous bound; no timing is asserted
      if (acked().size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return acked().size() >= n;
  }

 private:
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<std::string> acked_;
  int others_ = 0;
  int unanswered_ = 0;
  std::string first_other_;
  std::vector<std::thread> threads_;
};

// The village codes in DB, read by the sqlite3 shell apart from lianxin.
std::set<std::string> VillagesIn(const std::string& db) {
  CliRun select = RunShell("sqlite3 " + db + " \"SELECT code FROM regions WHERE level = 'village'\"");
  EXPECT_EQ(select.exit_code, 0) << select.output;
  std::set<std::string> codes;
  std::istringstream lines(select.output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) codes.insert(line);
  }
  return codes;
}

// integrity_check, the journal, and every acknowledged village present.
void ExpectIntact(const std::string& db, const std::vector<std::string>& acked, const std::string& when) {
  CliRun integrity = RunShell("sqlite3 " + db + " 'PRAGMA integrity_check'");
  EXPECT_EQ(integrity.exit_code, 0) << when << ": " << integrity.output;
  EXPECT_EQ(integrity.output, "ok\n") << when;
  CliRun journal = Lianxin("journal verify --db " + db);
  EXPECT_EQ(journal.exit_code, 0) << when << ": " << journal.output;
  std::set<std::string> present = VillagesIn(db);
  int lost = 0;
  for (const std::string& code : acked) {
    if (present.count(code) == 0 && lost++ < 10)
      ADD_FAILURE() << when << ": acknowledged " << code << " lost";
  }
  EXPECT_EQ(lost, 0) << when << ": " << lost << " of " << acked.size() << " acknowledged writes lost";
}

TEST(CrashTest, SigkillDuringWritesLosesNoAcknowledgedWrite) {
  constexpr int kRounds = 8;
  constexpr unsigned kSeed = 20261126;
  std::mt19937 rng(kSeed);
  std::uniform_int_distribution<int> delay_ms(100, 400);
  TempDir dir;
  std::string db = dir / "crash.db";
  ASSERT_NO_FATAL_FAILURE(MakeRegistry(dir, db));

  std::atomic<int> next_code{0};
  std::vector<std::string> acked;  // over every round
  int unanswered = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::string when = "round " + std::to_string(round) + " (seed " + std::to_string(kSeed) + ")";
    Server server = StartServe(dir, db, "serve" + std::to_string(round));
    ASSERT_GT(server.pid, 0) << when;
    KillOnExit guard{server.pid};
    ASSERT_GT(server.port, 0) << when << ": " << ReadFile(server.log);
    httplib::Headers headers = SignIn(server.port);
    ASSERT_FALSE(headers.empty()) << when;
    {
      WriteLoad load(server.port, headers, next_code);
      // Killed while writing: after the first acknowledgement, then a moment more.
      EXPECT_TRUE(load.WaitForAcks(1)) << when << ": no write acknowledged: " << load.first_other();
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
      // Alive until now: a server that died by itself is a bug, not this test's kill.
      ASSERT_FALSE(Gone(server.pid)) << when << ": serve died under load: " << ReadFile(server.log);
      ASSERT_EQ(::kill(server.pid, SIGKILL), 0) << when;
      ASSERT_TRUE(WaitGone(server.pid)) << when << ": serve survived SIGKILL";
      load.Stop();
      EXPECT_EQ(load.others(), 0) << when << ": " << load.first_other();
      std::vector<std::string> round_acked = load.acked();
      acked.insert(acked.end(), round_acked.begin(), round_acked.end());
      unanswered += load.unanswered();
    }
    ExpectIntact(db, acked, when);
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(acked.size(), 0u) << "no write was ever acknowledged";
  // What the rounds saw, for the log (not asserted: it depends on the machine).
  std::set<std::string> present = VillagesIn(db);
  std::cout << "[crash] " << kRounds << " rounds, " << next_code.load() << " writes sent, " << acked.size()
            << " acknowledged, " << present.size() << " present, " << unanswered << " unanswered\n";
  // Nothing appears that was never sent.
  std::set<std::string> sent;
  for (int n = 0; n < next_code.load() && n < kVillageCodes; ++n) sent.insert(VillageCode(n));
  for (const std::string& code : present) EXPECT_EQ(sent.count(code), 1u) << code << " was never sent";
}

TEST(CrashTest, BackupUnderWriteLoadRestoresAndVerifies) {
  TempDir dir;
  std::string db = dir / "live.db";
  ASSERT_NO_FATAL_FAILURE(MakeRegistry(dir, db));
  Server server = StartServe(dir, db, "serve");
  ASSERT_GT(server.pid, 0);
  KillOnExit guard{server.pid};
  ASSERT_GT(server.port, 0) << ReadFile(server.log);
  httplib::Headers headers = SignIn(server.port);
  ASSERT_FALSE(headers.empty());

  std::atomic<int> next_code{0};
  std::vector<std::string> before_backup, all_acked;
  {
    WriteLoad load(server.port, headers, next_code);
    EXPECT_TRUE(load.WaitForAcks(20)) << load.first_other();
    before_backup = load.acked();
    CliRun backup = Lianxin("backup --db " + db + " --out " + (dir / "backup.db"));
    EXPECT_EQ(backup.exit_code, 0) << backup.output;
    size_t during = load.acked().size();
    // The load was still running when the backup finished.
    EXPECT_TRUE(load.WaitForAcks(during + 1)) << load.first_other();
    load.Stop();
    EXPECT_EQ(load.others(), 0) << load.first_other();
    EXPECT_EQ(load.unanswered(), 0) << "the server was up all along";
    all_acked = load.acked();
    std::cout << "[backup] " << before_backup.size() << " acknowledged before the backup, " << during
              << " when it finished, " << all_acked.size() << " in all\n";
  }
  ASSERT_FALSE(Gone(server.pid)) << "serve died under load: " << ReadFile(server.log);
  ASSERT_EQ(::kill(server.pid, SIGTERM), 0);
  ASSERT_TRUE(WaitGone(server.pid)) << "serve did not stop on SIGTERM: " << ReadFile(server.log);
  ExpectIntact(db, all_acked, "the live database after SIGTERM");

  std::string restored = dir / "restored.db";
  std::filesystem::copy_file(db + ".key", restored + ".key");
  CliRun restore = Lianxin("restore --db " + restored + " --from " + (dir / "backup.db"));
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  ExpectIntact(restored, before_backup, "the restored backup");
}

// A first import, alone on its file, keeps a rollback journal
// (StoreOptions::bulk): killed once its pages reach the file, it must leave
// nothing of itself, and the next opener must find the file whole, its
// journal verifying and back in WAL.
TEST(CrashTest, SigkillDuringAFirstImportLeavesNothingOfIt) {
  TempDir dir;
  std::string db = dir / "import.db";
  // 4 townships of 50 villages of 1,000 households with long addresses:
  // more than the store's 64 MiB page cache holds, so pages are written into
  // the file well before the commit.
  std::string street;
  for (int i = 0; i < 35; ++i) street += "幸福大道";
  std::string regions = "区划代码,名称,级别,上级代码\n149901,连心县,县,\n";
  std::string households =
      "户编号,所属村,户主姓名,户主身份证号,联系电话,家庭人口,人均纯收入,住房状况,耕地面积,需求,地址,"
      "富裕难度分,"
      "富裕难度\n";
  for (int t = 1; t <= 4; ++t) {
    const std::string township = "149901" + Pad3(t);
    regions += township + "000,第" + std::to_string(t) + "镇,乡镇,149901\n";
    for (int v = 1; v <= 50; ++v) {
      const std::string village = township + Pad3(v);
      regions += village + ",第" + std::to_string(v) + "村,村," + township + "000\n";
      for (int h = 0; h < 1000; ++h) {
        std::string seq = std::to_string(h);
        households += village + std::string(4 - seq.size(), '0') + seq + "," + village + ",户主" + seq +
                      ",,1" + std::to_string(3000000000LL + t * 100000000LL + v * 10000 + h) +
                      ",3,6000,一般,2.5,种养大户," + street + std::to_string(v) + "村" + seq + "号,2,较小\n";
      }
    }
  }
  WriteFile(dir / "regions.csv", regions);
  WriteFile(dir / "households.csv", households);
  CliRun made = Lianxin("import --db " + db + " --kind regions " + (dir / "regions.csv"));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const std::uintmax_t before = std::filesystem::file_size(db);

  std::string pid_file = dir / "import.pid";
  ASSERT_EQ(
      std::system((LianxinBinary() + " import --db " + db + " --kind households " + (dir / "households.csv") +
                   " > " + (dir / "import.log") + " 2>&1 & echo $! > " + pid_file)
                      .c_str()),
      0);
  const int pid = std::atoi(ReadFile(pid_file).c_str());
  ASSERT_GT(pid, 0);
  KillOnExit guard{pid};
  // Killed once the file has grown by 16 MB: rows are in it, not yet committed.
  bool grown = false;
  // Polled while the import runs, which ends it either way; the bound is
  // for a hung import only (a loaded machine took over a minute to get there).
  for (int i = 0; i < 120000 && !grown && !Gone(pid); ++i) {
    std::error_code ec;
    grown = std::filesystem::file_size(db, ec) > before + (16u << 20);
    if (!grown) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(grown) << "the import ended or stalled before its pages reached the file: "
                     << ReadFile(dir / "import.log");
  EXPECT_TRUE(std::filesystem::exists(db + "-journal")) << "a rollback journal, not the WAL";
  EXPECT_FALSE(std::filesystem::exists(db + "-wal"));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  ASSERT_TRUE(WaitGone(pid));

  // The next opener rolls the journal back: no household, the rest intact.
  ExpectIntact(db, {}, "after the killed import");
  CliRun counted = RunShell("sqlite3 " + db + " 'SELECT count(*) FROM households; PRAGMA journal_mode'");
  EXPECT_EQ(counted.output, "0\nwal\n");
  EXPECT_EQ(VillagesIn(db).size(), 200u);
  // And the import goes through when tried again (a part of the file, to keep the test short).
  std::string part = households.substr(0, households.find("1499010010020000"));
  WriteFile(dir / "part.csv", part);
  CliRun again = Lianxin("import --db " + db + " --kind households " + (dir / "part.csv"));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  ExpectIntact(db, {}, "after importing again");
  counted = RunShell("sqlite3 " + db + " 'SELECT count(*) FROM households; PRAGMA journal_mode'");
  EXPECT_EQ(counted.output, "1000\nwal\n");
  EXPECT_FALSE(std::filesystem::exists(db + "-journal")) << "the rollback journal outlived the import";
}

}  // namespace
}  // namespace lianxin::testing
