// The lianxin command as a user runs it: exit codes, messages, files.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "lianxin/cards.hpp"
#include "lianxin/store.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

CliRun Lianxin(const std::string& args) { return RunShell(LianxinBinary() + " " + args); }

const std::string kFixture = (DataDir() / "import" / "fixture").string();

// Imports the fixture registry into DB through the command, as a clerk would.
void ImportFixtureWithCli(const std::string& db) {
  for (std::string kind : {"regions", "units", "orgs", "cadres", "households", "members"}) {
    CliRun run = Lianxin("import --db " + db + " --kind " + kind + " " + kFixture + "/" + kind + ".csv");
    ASSERT_EQ(run.exit_code, 0) << run.output;
  }
}

// Starts `lianxin serve` in the background on a free port, its output in
// LOG and its process id in PID_FILE.
bool StartServe(const std::string& db, const std::string& log, const std::string& pid_file) {
  return std::system((LianxinBinary() + " serve --db " + db + " --listen 127.0.0.1:0 > " + log +
                      " 2>&1 & echo $! > " + pid_file)
                         .c_str()) == 0;
}

TEST(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Lianxin("").exit_code, 2);
  EXPECT_EQ(Lianxin("frobnicate").exit_code, 2);
  EXPECT_EQ(Lianxin("import --kind households").exit_code, 2);
  TempDir dir;
  CliRun bad_kind = Lianxin("import --db " + (dir / "x.db") + " --kind people " + kFixture + "/units.csv");
  EXPECT_EQ(bad_kind.exit_code, 2);
  EXPECT_NE(bad_kind.output.find("regions|units"), std::string::npos) << bad_kind.output;
}

TEST(CliTest, ImportRefusesABadFileWithEveryProblemAndExitsOne) {
  TempDir dir;
  std::string db = dir / "c.db";
  ImportFixtureWithCli(db);
  std::string bad = (DataDir() / "import" / "bad" / "households_bad.households.csv").string();
  CliRun run = Lianxin("import --db " + db + " --kind households " + bad);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find(bad + ":2:户主身份证号: "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("nothing imported"), std::string::npos) << run.output;
  CliRun summary = Lianxin("summary --db " + db);
  EXPECT_EQ(summary.exit_code, 0);
  EXPECT_NE(summary.output.find("农户 households     3"), std::string::npos) << summary.output;
}

TEST(CliTest, JournalVerifyPassesThenCatchesTampering) {
  TempDir dir;
  std::string db = dir / "v.db";
  ASSERT_EQ(Lianxin("import --db " + db + " --kind regions " + kFixture + "/regions.csv").exit_code, 0);
  CliRun ok = Lianxin("journal verify --db " + db);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("1 条 entries, 6 行记录 rows"), std::string::npos)
      << ok.output << "the six regions in one insert_batch entry";
  ASSERT_EQ(
      std::system(
          ("sqlite3 " + db + " \"UPDATE regions SET name='改名村' WHERE code='149901001002'\"").c_str()),
      0);
  CliRun bad = Lianxin("journal verify --db " + db);
  EXPECT_EQ(bad.exit_code, 4) << "tampering has its own exit status";
  EXPECT_NE(bad.output.find("regions 149901001002"), std::string::npos) << bad.output;
}

// The monthly notice from the command line: a draft, then published once
// with its root hash, which `journal verify --at` finds in the verified chain.
TEST(CliTest, ReportNoticePublishesOnceAndVerifyAtFindsItsRootHash) {
  TempDir dir;
  std::string db = dir / "n.db";
  for (const char* kind : {"regions", "units", "orgs", "cadres", "households", "members"}) {
    ASSERT_EQ(
        Lianxin("import --db " + db + " --kind " + kind + " " + kFixture + "/" + kind + ".csv").exit_code, 0);
  }
  CliRun draft = Lianxin("report notice --db " + db + " --month 2026-11 --out " + (dir / "draft.json"));
  ASSERT_EQ(draft.exit_code, 0) << draft.output;
  EXPECT_NE(draft.output.find("草稿"), std::string::npos) << draft.output;
  const nlohmann::json figures = nlohmann::json::parse(ReadFile(dir / "draft.json"));
  EXPECT_EQ(figures["region"], "149901") << "the database's one county by default";
  EXPECT_EQ(figures["total"]["households"], 3);

  CliRun published =
      Lianxin("report notice --db " + db + " --month 2026-11 --publish --out " + (dir / "notice.pdf"));
  ASSERT_EQ(published.exit_code, 0) << published.output;
  const std::string hash = figures["journal"]["hash"];
  EXPECT_NE(published.output.find("--at " + hash), std::string::npos) << published.output;
  EXPECT_EQ(Lianxin("report notice --db " + db + " --month 2026-11 --publish --out " + (dir / "again.pdf"))
                .exit_code,
            1)
      << "a month is published once";
  EXPECT_FALSE(std::filesystem::exists(dir / "again.pdf"));

  CliRun verified = Lianxin("journal verify --db " + db + " --at " + hash);
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("149901:2026-11"), std::string::npos) << verified.output;
  EXPECT_NE(verified.output.find("notices  新增 inserted 1"), std::string::npos) << verified.output;
  // Rows written after it by batches (the pairing's) are counted one by one.
  ASSERT_EQ(Lianxin("pair --db " + db).exit_code, 0);
  const CliRun pairs = RunShell("sqlite3 " + db + " 'SELECT COUNT(*) FROM pairs'");
  const std::string count = pairs.output.substr(0, pairs.output.find('\n'));
  ASSERT_GT(std::stoi(count), 1) << pairs.output;
  CliRun after_pairing = Lianxin("journal verify --db " + db + " --at " + hash);
  EXPECT_NE(after_pairing.output.find("pairs  新增 inserted " + count + " "), std::string::npos)
      << after_pairing.output;
  CliRun unknown = Lianxin("journal verify --db " + db + " --at " + std::string(64, 'a'));
  EXPECT_EQ(unknown.exit_code, 4) << unknown.output;
  EXPECT_NE(unknown.output.find("root_hash_not_found"), std::string::npos) << unknown.output;
  EXPECT_EQ(Lianxin("report notice --db " + db + " --month 2026-11 --region 149901001001 --out " +
                    (dir / "village.pdf"))
                .exit_code,
            1)
      << "a notice is a county's or a township's";
}

// An inspection's draw repeats from its seed: a dry run anyone makes prints
// the households the stored draw holds; another seed draws others. Two
// townships of three villages of eight households: enough to draw from, and
// a second's import where a demo registry took half a minute sanitized.
TEST(CliTest, InspectDrawRepeatsFromItsSeed) {
  TempDir dir;
  std::string db = dir / "i.db";
  std::string regions = "区划代码,名称,级别,上级代码\n149901,连心县,县,\n";
  std::string households = "户编号,所属村,户主姓名,家庭人口,人均纯收入\n";
  for (const std::string township : {"001", "002"}) {
    regions += "149901" + township + "000,镇" + township + ",乡镇,149901\n";
    for (const std::string village : {"001", "002", "003"}) {
      const std::string code = "149901" + township + village;
      regions += code + ",村" + township + village + ",村,149901" + township + "000\n";
      for (int n = 1; n <= 8; ++n) {
        households +=
            code + "000" + std::to_string(n) + "," + code + ",户主" + std::to_string(n) + ",2,5000\n";
      }
    }
  }
  WriteFile(dir / "regions.csv", regions);
  WriteFile(dir / "households.csv", households);
  for (const char* kind : {"regions", "households"}) {
    CliRun imported =
        Lianxin("import --db " + db + " --kind " + kind + " " + (dir / (std::string(kind) + ".csv")));
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
  }
  const std::string args = " --db " + db + " --month 2026-12 --villages 1 --households 3 --seed ";
  CliRun opened = Lianxin("inspect draw" + args + "published-hash");
  ASSERT_EQ(opened.exit_code, 0) << opened.output;
  EXPECT_NE(opened.output.find("督查已开启"), std::string::npos) << opened.output;
  auto sample = [](const std::string& output) { return output.substr(output.find("(每个乡镇")); };
  CliRun again = Lianxin("inspect draw --dry-run" + args + "published-hash");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(sample(again.output), sample(opened.output));
  CliRun other = Lianxin("inspect draw --dry-run" + args + "another-hash");
  EXPECT_NE(sample(other.output), sample(opened.output));
  CliRun listed = Lianxin("inspect list --db " + db);
  EXPECT_NE(listed.output.find("进行中 open"), std::string::npos) << listed.output;
  EXPECT_EQ(Lianxin("inspect draw" + args + "x --region 149901001001").exit_code, 1) << "not a village";
}

// The village signs (联系牌): a page a village, every household with its
// contact cadre, the cadre's unit and phone, and the unit holding the village.
TEST(CliTest, CardSignListsEveryPairOfEachVillage) {
  TempDir dir;
  std::string db = dir / "s.db";
  for (const char* kind : {"regions", "units", "orgs", "cadres", "households", "members"}) {
    ASSERT_EQ(
        Lianxin("import --db " + db + " --kind " + kind + " " + kFixture + "/" + kind + ".csv").exit_code, 0);
  }
  CliRun paired = Lianxin("pair --db " + db);
  ASSERT_EQ(paired.exit_code, 0) << paired.output;
  CliRun signed_ = Lianxin("card sign --db " + db + " --region 149901001000 --out " + (dir / "signs.pdf"));
  ASSERT_EQ(signed_.exit_code, 0) << signed_.output;
  CliRun text = RunShell("pdftotext " + (dir / "signs.pdf") + " -");
  std::erase_if(text.output, [](char c) { return c == '\n' || c == ' '; });
  for (const char* expected :
       {"党员干部直接联系群众联系牌", "东岭镇东岭村", "包村单位", "赵大山", "钱小花", "联系干部"})
    EXPECT_NE(text.output.find(expected), std::string::npos) << expected << " in " << text.output;
  EXPECT_EQ(text.output.find("孙老汉"), std::string::npos) << "another township's household";
  EXPECT_EQ(Lianxin("card sign --db " + db + " --region 1499 --out " + (dir / "x.pdf")).exit_code, 2);
}

TEST(CliTest, ConfigShowPrintsWhatLoadsBack) {
  TempDir dir;
  CliRun run = Lianxin("--config " + (dir / "none.toml") + " config show");
  EXPECT_EQ(run.exit_code, 1) << "a config file the user names must exist";
  run = Lianxin("config show");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("income_line = 6000"), std::string::npos) << run.output;
  WriteFile(dir / "shown.toml", run.output);
  CliRun again = Lianxin("--config " + (dir / "shown.toml") + " config show");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output, run.output);

  // With --db: what that database's console keeps over the file (settings.hpp).
  const std::string db = dir / "s.db";
  ASSERT_EQ(Lianxin("import --db " + db + " --kind regions " + kFixture + "/regions.csv").exit_code, 0);
  {
    Result<std::unique_ptr<Store>> store = Store::Open(db, {.create = false});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::unique_ptr<WriteTxn> txn = std::move((*store)->Begin("sys")).value();
    ASSERT_TRUE(txn->PutSetting("difficulty", "[difficulty]\nincome_line = 7200\n", 0).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  CliRun kept = Lianxin("config show --db " + db);
  ASSERT_EQ(kept.exit_code, 0) << kept.output;
  EXPECT_NE(kept.output.find("income_line = 7200"), std::string::npos) << kept.output;
  EXPECT_NE(Lianxin("config show").output.find("income_line = 6000"), std::string::npos)
      << "the file's alone";
  EXPECT_EQ(Lianxin("journal verify --db " + db).exit_code, 0) << "the setting is journaled like any row";

  WriteFile(dir / "typo.toml", "[difficulty]\nincome_lne = 5000\n");
  CliRun typo = Lianxin("--config " + (dir / "typo.toml") + " config show");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.output.find("difficulty.income_lne"), std::string::npos) << typo.output;
}

TEST(CliTest, ExportTemplateAndMaskedExport) {
  TempDir dir;
  CliRun tpl = Lianxin("export --template --kind members --out " + (dir / "members.xlsx"));
  ASSERT_EQ(tpl.exit_code, 0) << tpl.output;
  EXPECT_TRUE(std::filesystem::exists(dir / "members.xlsx"));
  std::string db = dir / "e.db";
  for (std::string kind : {"regions", "units", "orgs", "cadres"}) {
    ASSERT_EQ(
        Lianxin("import --db " + db + " --kind " + kind + " " + kFixture + "/" + kind + ".csv").exit_code, 0);
  }
  CliRun out = Lianxin("export --db " + db + " --kind cadres --out " + (dir / "cadres.csv"));
  ASSERT_EQ(out.exit_code, 0) << out.output;
  std::string text = ReadFile(dir.path() / "cadres.csv");
  EXPECT_NE(text.find("王建华"), std::string::npos);
  EXPECT_EQ(text.find("14990119750312001X"), std::string::npos);
  EXPECT_EQ(
      Lianxin("export --db " + (dir / "missing.db") + " --kind cadres --out " + (dir / "m.csv")).exit_code,
      1);
}

// Runs `lianxin` and parses its standard output as JSON.
nlohmann::json LianxinJson(const std::string& args, int* exit_code) {
  std::string command = LianxinBinary() + " " + args + " 2>/dev/null";
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  std::array<char, 4096> buffer;
  size_t n;
  while (pipe && (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  int status = pipe ? ::pclose(pipe) : -1;
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return nlohmann::json::parse(output, nullptr, false);
}

TEST(CliTest, PairCoversTheFixtureExplainsAndDryRunWritesNothing) {
  TempDir dir;
  std::string db = dir / "pair.db";
  ImportFixtureWithCli(db);
  int code = -1;
  nlohmann::json dry = LianxinJson("pair --db " + db + " --dry-run --json", &code);
  ASSERT_EQ(code, 0);
  ASSERT_TRUE(dry.is_object());
  EXPECT_EQ(dry["households"]["total"], 3);
  EXPECT_EQ(dry["households"]["covered"], 3);
  EXPECT_EQ(dry["villages"]["paired"], dry["villages"]["total"]);
  EXPECT_EQ(dry["assistance"]["quota_violations"], 0);
  EXPECT_EQ(dry["weak_branches"]["covered"], 1);
  EXPECT_FALSE(dry["written"].get<bool>());
  EXPECT_GT(dry["changes"]["made"].get<int>(), 0);
  for (const char* field : {"objective", "moved", "seconds", "uncovered"})
    EXPECT_TRUE(dry.contains(field)) << field;

  nlohmann::json first = LianxinJson("pair --db " + db + " --json", &code);
  ASSERT_EQ(code, 0);
  EXPECT_TRUE(first["written"].get<bool>());
  EXPECT_EQ(first["changes"]["made"], dry["changes"]["made"]) << "the dry run must have written nothing";
  nlohmann::json again = LianxinJson("pair --db " + db + " --json", &code);
  EXPECT_EQ(again["changes"]["made"], 0);
  EXPECT_EQ(again["moved"], 0);

  nlohmann::json why = LianxinJson("pair --db " + db + " --json --explain 1499010010010001", &code);
  ASSERT_EQ(code, 0);
  EXPECT_EQ(why["household"], "1499010010010001");
  EXPECT_EQ(why["village"], "149901001001");
  EXPECT_FALSE(why["contact"].get<std::string>().empty());
  EXPECT_FALSE(why["rules"].empty());
  EXPECT_EQ(Lianxin("pair --db " + db + " --explain 0000").exit_code, 1);
  EXPECT_EQ(Lianxin("journal verify --db " + db).exit_code, 0);
}

// The fixture again as county 149902: every code moved over, ID numbers and
// phones left out (they are the first county's people), no members.
void ImportSecondCountyWithCli(const TempDir& dir, const std::string& db) {
  for (std::string kind : {"regions", "units", "orgs", "cadres", "households"}) {
    std::istringstream in(ReadFile(kFixture + "/" + kind + ".csv"));
    std::string out;
    for (std::string line; std::getline(in, line);) {
      std::istringstream cells(line);
      std::string cell, row;
      for (bool first = true; std::getline(cells, cell, ','); first = false) {
        const bool personal = (cell.size() == 18 || cell.size() == 11) &&
                              cell.find_first_not_of("0123456789X") == std::string::npos;
        if (personal) cell.clear();
        if (cell.starts_with("149901")) cell.replace(0, 6, "149902");
        row += (first ? "" : ",") + cell;
      }
      if (line.ends_with(",")) row += ",";
      out += row + "\n";
    }
    WriteFile(dir / ("second-" + kind + ".csv"), out);
    CliRun run = Lianxin("import --db " + db + " --kind " + kind + " " + (dir / ("second-" + kind + ".csv")));
    ASSERT_EQ(run.exit_code, 0) << kind << ": " << run.output;
  }
}

// A database of two counties pairs each in turn (one county's registry in
// memory at a time), or the one --county names.
TEST(CliTest, PairGoesCountyByCountyOrToTheOneNamed) {
  TempDir dir;
  std::string db = dir / "two.db";
  ImportFixtureWithCli(db);
  ASSERT_NO_FATAL_FAILURE(ImportSecondCountyWithCli(dir, db));
  int code = -1;
  nlohmann::json one = LianxinJson("pair --db " + db + " --county 149902 --json", &code);
  ASSERT_EQ(code, 0);
  ASSERT_TRUE(one.is_object());
  EXPECT_EQ(one["county"], "149902");
  EXPECT_EQ(one["households"]["total"], 3);
  EXPECT_EQ(one["households"]["covered"], 3);
  EXPECT_TRUE(one["written"].get<bool>());
  nlohmann::json both = LianxinJson("pair --db " + db + " --json", &code);
  ASSERT_EQ(code, 0);
  ASSERT_TRUE(both.is_array());
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0]["county"], "149901");
  EXPECT_GT(both[0]["changes"]["made"].get<int>(), 0) << "the first county had not been paired";
  EXPECT_EQ(both[1]["county"], "149902");
  EXPECT_EQ(both[1]["changes"]["made"], 0) << "the second county was paired already";
  EXPECT_EQ(both[1]["households"]["covered"], 3);
  CliRun text = Lianxin("pair --db " + db + " --dry-run");
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("== 县 county 149901"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("== 县 county 149902"), std::string::npos) << text.output;
  CliRun unknown = Lianxin("pair --db " + db + " --county 149903");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("county_unknown"), std::string::npos) << unknown.output;
  EXPECT_EQ(Lianxin("journal verify --db " + db).exit_code, 0);
}

TEST(CliTest, PinIsKeptByTheNextRunAndNeedsAReason) {
  TempDir dir;
  std::string db = dir / "pin.db";
  ImportFixtureWithCli(db);
  ASSERT_EQ(Lianxin("pair --db " + db).exit_code, 0);
  // The village member of 东岭村 takes household 0001 as a contact, by hand.
  std::string pin = "pin --db " + db + " --kind contact --holder 149901C00003 --held 1499010010010001";
  EXPECT_EQ(Lianxin(pin).exit_code, 1) << "a pin without a reason is refused";
  ASSERT_EQ(Lianxin(pin + " --reason 户主要求由本村党员联系").exit_code, 0);
  int code = -1;
  nlohmann::json run = LianxinJson("pair --db " + db + " --json", &code);
  ASSERT_EQ(code, 0);
  EXPECT_EQ(run["pins"]["kept"], 1);
  nlohmann::json why = LianxinJson("pair --db " + db + " --json --explain 1499010010010001", &code);
  EXPECT_EQ(why["contact"], "149901C00003");
  EXPECT_EQ(Lianxin(pin + " --remove").exit_code, 0);
  EXPECT_EQ(Lianxin(pin + " --remove").exit_code, 1) << "no such pin any more";
  EXPECT_EQ(Lianxin("pin --db " + db + " --kind friendship --holder a --held b --reason c").exit_code, 2);
  EXPECT_EQ(Lianxin("journal verify --db " + db).exit_code, 0);
}

// A village's cards printed for cutting out: each names its cadres, shows
// its code, and its QR code opens the household's page on the site with a
// code in force; without the site's address nothing is issued.
TEST(CliTest, PrintedCardsCarryTheCadresAndAQrCodeOfTheHouseholdsPage) {
  TempDir dir;
  std::string db = dir / "cards.db";
  ImportFixtureWithCli(db);
  ASSERT_EQ(Lianxin("pair --db " + db).exit_code, 0);
  const std::string pdf = dir / "cards.pdf";
  CliRun refused = Lianxin("card issue --db " + db + " --region 149901001001 --out " + pdf);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("origin"), std::string::npos) << refused.output;
  EXPECT_FALSE(std::filesystem::exists(pdf));

  CliRun printed = Lianxin("card issue --db " + db + " --region 149901001001 --out " + pdf +
                           " --origin https://lianxin.example.gov.cn/");
  ASSERT_EQ(printed.exit_code, 0) << printed.output;
  EXPECT_EQ(std::filesystem::status(pdf).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  CliRun text = RunShell("pdftotext " + pdf + " -");
  EXPECT_NE(text.output.find("卡号:"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("联系干部:"), std::string::npos);
  ASSERT_EQ(RunShell("pdftoppm -r 150 -f 1 -l 1 -png " + pdf + " " + (dir / "page")).exit_code, 0);
  CliRun scan = RunShell("zbarimg --quiet --raw --nodbus " + (dir / "page-1.png") + " 2>/dev/null");
  ASSERT_EQ(scan.exit_code, 0) << scan.output;
  std::unique_ptr<Store> store = OpenOrDie(db);
  ASSERT_NE(store, nullptr);
  std::istringstream lines(scan.output);
  int read = 0;
  for (std::string url; std::getline(lines, url); ++read) {
    const std::string prefix = "https://lianxin.example.gov.cn/h/#";
    ASSERT_TRUE(url.starts_with(prefix)) << url;
    std::optional<std::string> code = NormalizeCardCode(url.substr(prefix.size()));
    ASSERT_TRUE(code) << url;
    Result<std::optional<CardRecord>> card = store->FindCard(*code);
    ASSERT_TRUE(card.ok() && card->has_value()) << url;
    EXPECT_EQ((*card)->revoked_millis, 0) << "the printed card is the one in force";
    EXPECT_EQ((*card)->household_code.substr(0, 12), "149901001001");
  }
  EXPECT_GT(read, 0);
}

// 连心卡 from the command line: one household's card reissued (the code
// printed once), revoked, and a village's cards written to a private file.
TEST(CliTest, CardsAreIssuedReissuedAndRevoked) {
  TempDir dir;
  std::string db = dir / "cards.db";
  ImportFixtureWithCli(db);
  CliRun first = Lianxin("card reissue --db " + db + " 1499010010010001");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const std::regex code(R"([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})");
  std::smatch found;
  ASSERT_TRUE(std::regex_search(first.output, found, code)) << first.output;
  const std::string first_code = found[0];
  CliRun second = Lianxin("card reissue --db " + db + " 1499010010010001");
  ASSERT_TRUE(std::regex_search(second.output, found, code)) << second.output;
  EXPECT_NE(found[0], first_code) << "a reissue makes a new code";
  std::unique_ptr<Store> store = OpenOrDie(db);
  ASSERT_NE(store, nullptr);
  std::optional<std::string> normalized = NormalizeCardCode(first_code);
  ASSERT_TRUE(normalized);
  Result<std::optional<CardRecord>> old = store->FindCard(*normalized);
  ASSERT_TRUE(old.ok() && old->has_value());
  EXPECT_GT((*old)->revoked_millis, 0) << "the reissue revoked the card before";
  store.reset();
  EXPECT_EQ(Lianxin("card revoke --db " + db + " 1499010010010001").exit_code, 0);
  EXPECT_EQ(Lianxin("card revoke --db " + db + " 1499010010010001").exit_code, 1) << "none in force";
  EXPECT_EQ(Lianxin("card reissue --db " + db + " 0000").exit_code, 1);
  EXPECT_EQ(Lianxin("card --db " + db).exit_code, 2);

  const std::string csv = dir / "cards.csv";
  CliRun issued = Lianxin("card issue --db " + db + " --region 149901001001 --out " + csv);
  ASSERT_EQ(issued.exit_code, 0) << issued.output;
  EXPECT_EQ(std::filesystem::status(csv).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::ifstream in(csv);
  std::string line;
  int rows = 0;
  std::getline(in, line);
  EXPECT_EQ(line, "household_code,head_name,card_code");
  while (std::getline(in, line)) rows += std::regex_search(line, code);
  EXPECT_GT(rows, 0);
  EXPECT_EQ(Lianxin("card issue --db " + db + " --region 149901001001 --out " + csv).exit_code, 1)
      << "an existing file is not overwritten";

  // Open311 clients' keys: printed once, one name once, revoked.
  CliRun key = Lianxin("apikey add --db " + db + " fixmystreet --region 149901");
  ASSERT_EQ(key.exit_code, 0) << key.output;
  std::smatch printed;
  ASSERT_TRUE(std::regex_search(key.output, printed, std::regex("lx_[0-9a-f]{32}"))) << key.output;
  store = OpenOrDie(db);
  Result<std::optional<ApiKeyRecord>> client = store->FindApiKey(printed[0].str());
  ASSERT_TRUE(client.ok() && client->has_value());
  EXPECT_EQ((*client)->region_code, "149901");
  store.reset();
  EXPECT_NE(Lianxin("apikey add --db " + db + " fixmystreet --region 149901").exit_code, 0)
      << "the name is taken";
  EXPECT_NE(Lianxin("apikey add --db " + db + " other --region 999999").exit_code, 0) << "no such region";
  EXPECT_EQ(Lianxin("apikey revoke --db " + db + " fixmystreet").exit_code, 0);
  EXPECT_EQ(Lianxin("apikey revoke --db " + db + " fixmystreet").exit_code, 1);
  store = OpenOrDie(db);
  EXPECT_FALSE(store->FindApiKey(printed[0].str())->has_value());
  store.reset();
  EXPECT_EQ(Lianxin("journal verify --db " + db).exit_code, 0);
}

// `lianxin serve` as an operator starts it: admins printed once, sign-in over
// real HTTP, a clean stop on SIGTERM.
TEST(CliTest, ServeSignsInTheInitialAdminAndStopsOnSigterm) {
  TempDir dir;
  std::string db = dir / "serve.db";
  ASSERT_EQ(Lianxin("import --db " + db + " --kind regions " + kFixture + "/regions.csv").exit_code, 0);
  std::string log = dir / "serve.log", pid_file = dir / "serve.pid";
  ASSERT_TRUE(StartServe(db, log, pid_file));
  std::string output;
  int port = 0;
  for (int i = 0; i < 600 && port == 0; ++i) {  // polls, with a generous bound; no timing is asserted
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    output = ReadFile(log);
    size_t at = output.find("serving on http://127.0.0.1:");
    if (at != std::string::npos) port = std::atoi(output.c_str() + at + 28);
  }
  ASSERT_GT(port, 0) << output;
  // The one-time passwords are in a file only this user reads, not in the log.
  const std::string file = db + ".initial-passwords";
  ASSERT_NE(output.find(file), std::string::npos) << output;
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(info.st_uid, ::getuid());
  std::string passwords = ReadFile(file);
  size_t at = passwords.find("\nsysadmin ");
  ASSERT_NE(at, std::string::npos) << passwords;
  std::string password = passwords.substr(at + std::strlen("\nsysadmin "));
  password = password.substr(0, password.find('\n'));
  ASSERT_FALSE(password.empty());
  EXPECT_EQ(output.find(password), std::string::npos) << "no password in the log";

  httplib::Client client("127.0.0.1", port);
  httplib::Result health = client.Get("/healthz");
  ASSERT_TRUE(health) << "no answer";
  EXPECT_EQ(health->status, 200);
  httplib::Result in =
      client.Post("/api/v1/session", nlohmann::json{{"username", "sysadmin"}, {"password", password}}.dump(),
                  "application/json");
  ASSERT_TRUE(in);
  EXPECT_EQ(in->status, 200) << in->body;
  EXPECT_TRUE(nlohmann::json::parse(in->body)["must_enrol_totp"].get<bool>()) << "admins must enrol TOTP";

  int pid = std::atoi(ReadFile(pid_file).c_str());
  ASSERT_GT(pid, 0);
  ::kill(pid, SIGTERM);
  bool gone = false;
  for (int i = 0; i < 600 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    gone = ::kill(pid, 0) != 0;
  }
  EXPECT_TRUE(gone) << "serve did not stop on SIGTERM";

  // A second start shows no password: the admins exist already. (Its own
  // log: the shell may truncate a shared one only after we read it.)
  std::string log2 = dir / "serve2.log", pid_file2 = dir / "serve2.pid";
  ASSERT_TRUE(StartServe(db, log2, pid_file2));
  for (int i = 0; i < 600 && ReadFile(log2).find("serving on") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string second = ReadFile(log2);
  EXPECT_NE(second.find("serving on"), std::string::npos) << second;
  EXPECT_EQ(second.find("one-time password"), std::string::npos) << second;
  ::kill(std::atoi(ReadFile(pid_file2).c_str()), SIGTERM);
}

}  // namespace
}  // namespace lianxin::testing
