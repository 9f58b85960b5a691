// lianxin: the command line. One function per subcommand; each returns a
// Status that the one table in status.cpp turns into the exit code.
#include <fcntl.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <tuple>

#include "cli/user_cmd.hpp"
#include "journal/record.hpp"
#include "lianxin/app.hpp"
#include "lianxin/bulletin.hpp"
#include "lianxin/cards.hpp"
#include "lianxin/cards_pdf.hpp"
#include "lianxin/config.hpp"
#include "lianxin/demo.hpp"
#include "lianxin/document.hpp"
#include "lianxin/dossier.hpp"
#include "lianxin/inspect.hpp"
#include "lianxin/notice.hpp"
#include "lianxin/pairing_service.hpp"
#include "lianxin/progress.hpp"
#include "lianxin/registry_io.hpp"
#include "lianxin/settings.hpp"
#include "lianxin/static_files.hpp"
#include "lianxin/store.hpp"
#include "lianxin/yearend.hpp"
#include "store/sql/sql.hpp"

namespace lianxin {
namespace {

struct Common {
  std::string config_path = "lianxin.toml";
  bool config_given = false;
  std::string db;
  std::string key_file;  // --key: overrides the configuration's key_file
  bool quiet = false;
};

// Progress of long work on standard error, only when that is a terminal and
// --quiet was not given: a script or a pipe sees nothing of it.
Progress& ProgressFor(const Common& common) {
  static TerminalProgress progress(stderr, !common.quiet && isatty(fileno(stderr)) != 0);
  return progress;
}

// Passes every record on to `inner`, counting them for the progress line.
class CountingSink final : public RegistrySink {
 public:
  CountingSink(RegistrySink& inner, Progress& progress) : inner_(inner), progress_(progress) {}
  Status Add(const Region& r) override { return Pass(r); }
  Status Add(const Unit& u) override { return Pass(u); }
  Status Add(const Org& o) override { return Pass(o); }
  Status Add(const Cadre& c) override { return Pass(c); }
  Status Add(const Household& h) override { return Pass(h); }
  Status Add(const Member& m) override { return Pass(m); }

 private:
  template <typename Record>
  Status Pass(const Record& record) {
    progress_.Update(++records_);
    return inner_.Add(record);
  }
  RegistrySink& inner_;
  Progress& progress_;
  std::uint64_t records_ = 0;
};

Result<Config> LoadConfig(const Common& common) {
  Result<Config> config = Config::Load(common.config_path, common.config_given);
  if (config.ok()) spdlog::set_level(spdlog::level::from_str(config->log_level));
  if (config.ok() && !common.key_file.empty()) config->key_file = common.key_file;
  return config;
}

// Opens the store and puts the console's settings (参数与字典, settings.hpp)
// over `config`, as the server does: every command works by the same rules.
// `bulk`: a command that writes much (StoreOptions::bulk).
Result<std::unique_ptr<Store>> OpenStore(Config& config, const std::string& path, bool create,
                                         bool bulk = false) {
  StoreOptions options;
  options.key_file = config.key_file;
  options.busy_timeout_ms = config.busy_timeout_ms;
  options.create = create;
  options.bulk = bulk;
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(path, options));
  LX_ASSIGN_OR_RETURN(std::vector<StoredSetting> stored, store->Settings());
  SettingsApplied applied = ApplySettings(config, stored);
  for (const auto& [section, why] : applied.problems)
    spdlog::warn("控制台保存的参数 [{}] 未生效,沿用配置文件: {}", section, why);
  config = std::move(applied.config);
  return store;
}

Result<RecordKind> KindOf(const std::string& text) {
  std::optional<RecordKind> kind = ParseRecordKind(text);
  if (!kind) return Status::Usage("--kind 应为 regions|units|orgs|cadres|households|members,而不是 " + text);
  return *kind;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void PrintCounts(const RegistryCounts& c) {
  std::cout << "区划 regions        " << c.regions << " (乡镇 " << c.townships << ", 村 " << c.villages
            << ")\n"
            << "单位 units          " << c.units << "\n"
            << "党组织 orgs         " << c.orgs << " (软弱涣散村党支部 weak branches " << c.weak_branches
            << ")\n"
            << "干部 cadres         " << c.cadres << " (农村党员 village members " << c.village_members
            << ")\n"
            << "农户 households     " << c.households << "\n"
            << "家庭成员 members    " << c.members << "\n";
}

Status RunDemo(const Common& common, const std::string& scale_text, std::uint64_t seed,
               const std::string& out_dir, bool fieldwork) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(DemoScale scale, ParseDemoScale(scale_text));
  DemoOptions options{scale, seed};
  auto start = std::chrono::steady_clock::now();
  if (!out_dir.empty()) {
    // Synthetic people only, so the files carry ID numbers in full and import back.
    LX_ASSIGN_OR_RETURN(std::unique_ptr<ExportDirSink> files, ExportDirSink::Open(out_dir, {.reveal = true}));
    CountingSink counted(*files, ProgressFor(common));
    ProgressFor(common).Begin("生成演示文件 " + out_dir, 0, "条");
    LX_RETURN_IF_ERROR(GenerateDemo(options, config, counted));
    ProgressFor(common).End();
    LX_RETURN_IF_ERROR(files->Close());
    for (const std::string& note : files->notes()) std::cout << note << "\n";
    std::cout << "演示数据文件已写入 demo files written to " << out_dir << "\n";
  }
  if (!common.db.empty()) {
    LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, true, /*bulk=*/true));
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store->Begin("demo"));
    txn->JournalInsertsInBatches();
    TxnSink sink(*txn);
    CountingSink counted(sink, ProgressFor(common));
    ProgressFor(common).Begin("生成演示县 " + common.db, 0, "条");
    LX_RETURN_IF_ERROR(GenerateDemo(options, config, counted));
    ProgressFor(common).End();
    LX_RETURN_IF_ERROR(txn->Commit());
    LX_ASSIGN_OR_RETURN(RegistryCounts counts, store->Counts());
    std::cout << "演示县已写入 demo county written to " << common.db << " (" << sink.changed
              << " 条新增或更新 changed, " << SecondsSince(start) << " s)\n";
    PrintCounts(counts);
    if (fieldwork) {
      // A year ago the county paired; since then its cadres have worked.
      store.reset();
      ManualClock clock(SystemClock().NowMillis() - 365 * kMillisPerDay);
      StoreOptions options;
      options.key_file = config.key_file;
      options.busy_timeout_ms = config.busy_timeout_ms;
      options.clock = &clock;
      LX_ASSIGN_OR_RETURN(store, Store::Open(common.db, options));
      PairRunOptions pairing;
      pairing.actor = "demo";
      pairing.today = ChinaDateOf(clock.NowMillis());
      pairing.progress = &ProgressFor(common);
      LX_ASSIGN_OR_RETURN(PairRun run, RunPairing(*store, config, pairing));
      clock.Set(SystemClock().NowMillis());
      const std::string cards = sql::IsPostgres(common.db) ? "" : common.db + ".cards.csv";
      ProgressFor(common).Begin("生成一年的走访和诉求 a year of field work", 0, "天");
      LX_ASSIGN_OR_RETURN(
          FieldworkReport work,
          GenerateFieldwork(*store, clock, config, {.seed = seed, .townships = 3, .cards_csv = cards}));
      ProgressFor(common).End();
      std::cout << "结对 paired: " << run.changes.made
                << " 对 pairs; 一年的工作 a year of field work in townships "
                   "001–003: "
                << work.visits << " 次走访 visits, " << work.appeals << " 件诉求 appeals, " << work.cards
                << " 张连心卡 cards" << (cards.empty() ? "" : " (卡号 codes in " + cards + ")") << "\n";
      if (config.visits.campaign_dates.empty()) {
        std::cout
            << "提示 note: [visits] campaign_dates 为空,“上级强调时才联系”无从判断 (no campaign dates in the "
               "configuration)\n";
      }
    }
  }
  if (out_dir.empty() && common.db.empty()) return Status::Usage("demo 需要 --db 或 --out-dir");
  return Status::Ok();
}

Status RunImport(const Common& common, const std::string& kind_text, const std::string& file, bool dry_run) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(RecordKind kind, KindOf(kind_text));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, true, /*bulk=*/!dry_run));
  ImportOptions options;
  options.dry_run = dry_run;
  options.actor = "cli:import";
  options.progress = &ProgressFor(common);
  auto start = std::chrono::steady_clock::now();
  LX_ASSIGN_OR_RETURN(ImportReport report, ImportFile(*store, config, kind, file, options));
  for (const std::string& note : report.notes) std::cerr << file << ": " << note << "\n";
  for (const ImportProblem& problem : report.problems) std::cerr << problem.ToString() << "\n";
  if (!report.problems.empty()) {
    return Status::Invalid("有问题,未导入任何数据 (problems found, nothing imported)");
  }
  std::cout << (dry_run ? "检查通过(未写入) dry run ok: " : "导入完成 imported: ") << report.rows
            << " 行 rows, " << report.inserted << " 新增 inserted, " << report.updated << " 更新 updated, "
            << report.unchanged << " 未变 unchanged (" << SecondsSince(start) << " s)\n";
  if (dry_run) {
    // What the import would change, column by column, before the clerk commits it.
    for (const auto& [column, records] : report.changed_columns) {
      std::cout << "  将修改 would change “" << column << "”: " << records << " 条 records\n";
    }
  }
  return Status::Ok();
}

Status RunExport(const Common& common, const std::string& kind_text, const std::string& out,
                 bool template_only, bool reveal) {
  LX_ASSIGN_OR_RETURN(RecordKind kind, KindOf(kind_text));
  if (template_only) {
    LX_RETURN_IF_ERROR(WriteTemplate(kind, out));
    std::cout << "模板已写入 template written to " << out << "\n";
    return Status::Ok();
  }
  if (common.db.empty()) return Status::Usage("export 需要 --db(或 --template)");
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  LX_RETURN_IF_ERROR(ExportKind(*store, kind, out, {.reveal = reveal, .progress = &ProgressFor(common)}));
  std::cout << "已导出 exported " << kind_text << " to " << out
            << (reveal ? "(含完整身份证号和电话)" : "(已脱敏 masked)") << "\n";
  return Status::Ok();
}

void PrintPairing(const PairRun& run) {
  const PairingResult& r = run.result;
  std::cout << (run.written ? "结对已更新 pairing written" : "试算(未写入) dry run, nothing written") << " ("
            << run.seconds << " s)\n"
            << "单位包村 villages paired      " << r.villages_paired << " / " << r.villages_total << "\n"
            << "联系户 households covered     " << r.households_covered << " / " << r.households_total << "\n"
            << "包扶 assistance pairs         " << r.assistance_pairs << " (名额 quota " << r.assistance_quota
            << ", 难度不符 tier mismatches " << r.tier_mismatches << ", 超额 quota violations "
            << r.quota_violations << ")\n"
            << "干部有联系户 cadres w/ contact " << r.cadres_with_contact << " / " << r.cadres_total << "\n"
            << "较差支部有领导 weak branches   " << r.weak_branches_covered << " / " << r.weak_branches_total
            << "\n"
            << "变动 changes                  新增 made " << run.changes.made << ", 结束 ended "
            << run.changes.ended << ", 保持 kept " << run.changes.kept << ", 新任务 tasks "
            << run.tasks_created << "\n";
  // How each county's choice of units was shown to cover the most it can.
  int by_bound = 0;
  for (const UnitVillageSolve& s : r.unit_village_solves) {
    if (s.proof == CoverageProof::kBound && s.refinement_proved) {
      ++by_bound;
      continue;
    }
    std::cout << "包村求解 unit↔village 县 county " << s.county_code << ": 可覆盖 coverable " << s.coverable
              << " / " << s.households << ", "
              << (s.proof == CoverageProof::kTimeLimit
                      ? "到时限,已证明上限 time limit, proved bound " + std::to_string(s.bound)
                      : std::string(s.proof == CoverageProof::kSearch
                                        ? "分支定界已证明最优 proved optimal by search"
                                        : "达到容量上限 at the capacity bound"))
              << (s.refinement_proved
                      ? ""
                      : ";扶贫户、干部联系户和分值在时限内未证明最优 needy, cadres and price not proved best")
              << " (" << s.seconds << " s)\n";
  }
  if (by_bound > 0) {
    std::cout << "包村求解 unit↔village " << by_bound
              << " 个县达到容量上限,已是最优 counties at the capacity bound (optimal)\n";
  }
  if (!r.uncovered.empty()) {
    std::cout << "未覆盖 uncovered (" << r.uncovered.size() << "):\n";
    for (const Uncovered& u : r.uncovered)
      std::cout << "  " << Token(u.kind) << " " << u.id << ": " << u.reason << "\n";
  }
}

void PrintExplanation(const Explanation& e) {
  std::cout << "户 household " << e.household_code << " (村 " << e.village_code << ", 难度 " << Label(e.tier)
            << ")\n"
            << "  包村单位 unit       " << (e.unit_code.empty() ? "-" : e.unit_code) << "\n"
            << "  联系干部 contact    " << (e.contact_cadre_code.empty() ? "-" : e.contact_cadre_code) << "\n"
            << "  包扶干部 assistance " << (e.assistance_cadre_code.empty() ? "-" : e.assistance_cadre_code)
            << "\n";
  for (const std::string& rule : e.rules) std::cout << "  · " << rule << "\n";
  if (!e.alternatives.empty()) std::cout << "  次优选择 next-best choices:\n";
  for (const Alternative& a : e.alternatives) {
    std::cout << "    " << Token(a.pairing) << " " << (a.code.empty() ? "(none)" : a.code) << ": +"
              << a.cost_delta << " 分"
              << (a.coverage_delta ? ", 覆盖 −" + std::to_string(a.coverage_delta) : "") << "  " << a.note
              << "\n";
  }
}

// The codes of the database's counties, in order.
Result<std::vector<std::string>> CountiesOf(Store& store) {
  class Counties final : public RegistrySink {
   public:
    Status Add(const Region& r) override {
      if (r.level == RegionLevel::kCounty) codes.push_back(r.code);
      return Status::Ok();
    }
    Status Add(const Unit&) override { return Status::Ok(); }
    Status Add(const Org&) override { return Status::Ok(); }
    Status Add(const Cadre&) override { return Status::Ok(); }
    Status Add(const Household&) override { return Status::Ok(); }
    Status Add(const Member&) override { return Status::Ok(); }
    std::vector<std::string> codes;
  } counties;
  LX_RETURN_IF_ERROR(store.ScanWithoutSecrets(RecordKind::kRegions, counties));
  return std::move(counties.codes);
}

// `pair [--county C]`: one county, or each of the database's counties in
// turn — a run, a commit and one county's registry in memory at a time, so
// a province pairs in the memory of its largest county. A database of one
// county is paired whole, as it always was.
Status RunPair(const Common& common, bool dry_run, bool json, const std::string& explain,
               const std::string& exit_override, const std::string& county) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false, /*bulk=*/!dry_run));
  if (!explain.empty()) {
    // Explaining computes but never writes.
    LX_ASSIGN_OR_RETURN(Explanation why, ExplainPairing(*store, config, explain));
    if (json) {
      std::cout << ExplanationJson(why).dump(2) << "\n";
    } else {
      PrintExplanation(why);
    }
    return Status::Ok();
  }
  LX_ASSIGN_OR_RETURN(std::vector<std::string> counties, CountiesOf(*store));
  if (!county.empty()) {
    if (std::find(counties.begin(), counties.end(), county) == counties.end()) {
      return Status::Usage("数据库中没有县 " + county + " (county_unknown)");
    }
    counties = {county};
  } else if (counties.size() <= 1) {
    counties = {""};  // the whole database
  }
  nlohmann::json summaries = nlohmann::json::array();
  for (const std::string& code : counties) {
    PairRunOptions options;
    options.dry_run = dry_run;
    options.exit_override = exit_override;
    options.county = code;
    options.progress = &ProgressFor(common);
    LX_ASSIGN_OR_RETURN(PairRun run, RunPairing(*store, config, options));
    if (json) {
      nlohmann::json summary = PairingSummaryJson(run);
      if (!code.empty()) summary["county"] = code;
      summaries.push_back(std::move(summary));
    } else {
      if (counties.size() > 1) std::cout << "== 县 county " << code << "\n";
      PrintPairing(run);
    }
  }
  // One county's summary as it always was; several as a list.
  if (json) std::cout << (summaries.size() == 1 ? summaries[0] : summaries).dump(2) << "\n";
  return Status::Ok();
}

Result<PairingKind> PairingKindOf(const std::string& text) {
  std::optional<PairingKind> kind = ParsePairingKind(text);
  if (!kind) return Status::Usage("--kind 应为 unit_village|assistance|contact|contact_point,而不是 " + text);
  return *kind;
}

// A manual override: the pair is kept by every later run while it breaks no
// hard rule. Takes effect at the next `lianxin pair`.
Status RunPin(const Common& common, const std::string& kind_text, const std::string& holder,
              const std::string& held, const std::string& reason, bool remove) {
  LX_ASSIGN_OR_RETURN(PairingKind kind, PairingKindOf(kind_text));
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store->Begin("cli:pin"));
  LX_RETURN_IF_ERROR(remove ? txn->RemovePin(kind, holder, held) : txn->SetPin(kind, holder, held, reason));
  LX_RETURN_IF_ERROR(txn->Commit());
  std::cout << (remove ? "已取消固定 unpinned " : "已固定 pinned ") << kind_text << " " << holder << " → "
            << held << (remove ? "" : ",下次结对时生效 (applies at the next `lianxin pair`)") << "\n";
  return Status::Ok();
}

// The household codes and heads' names a region's list selects.
class HouseholdCollector final : public RegistrySink {
 public:
  Status Add(const Region&) override { return Status::Ok(); }
  Status Add(const Unit&) override { return Status::Ok(); }
  Status Add(const Org&) override { return Status::Ok(); }
  Status Add(const Cadre&) override { return Status::Ok(); }
  Status Add(const Household& h) override {
    households.emplace_back(h.code, h.head_name);
    return Status::Ok();
  }
  Status Add(const Member&) override { return Status::Ok(); }
  std::vector<std::pair<std::string, std::string>> households;
};

// Every household under `region` (code and head), a page at a time;
// kNotFound when there is none.
Result<HouseholdCollector> HouseholdsUnder(Store& store, const std::string& region) {
  HouseholdCollector collected;
  ListQuery query;
  query.scope = {ScopeKind::kRegion, region};
  query.limit = 1000;
  do {
    LX_ASSIGN_OR_RETURN(ListPage page, store.List(RecordKind::kHouseholds, query, collected));
    query.cursor = page.next;
  } while (!query.cursor.empty());
  if (collected.households.empty()) return Status::NotFound("该地区没有农户: " + region);
  return collected;
}

// Who each household's card names: its village, its contact and assistance
// cadres with their units and phones.
class CardPeople final : public RegistrySink {
 public:
  Status Add(const Region& r) override {
    names[r.code] = r.name;
    return Status::Ok();
  }
  Status Add(const Unit& u) override {
    names[u.code] = u.name;
    return Status::Ok();
  }
  Status Add(const Org&) override { return Status::Ok(); }
  Status Add(const Cadre& c) override {
    cadres[c.code] = c;
    return Status::Ok();
  }
  Status Add(const Household&) override { return Status::Ok(); }
  Status Add(const Member&) override { return Status::Ok(); }
  std::string Name(const std::string& code) const {
    auto it = names.find(code);
    return it == names.end() ? code : it->second;
  }
  std::map<std::string, std::string> names;
  std::map<std::string, Cadre> cadres;
  std::map<std::string, std::string> village_unit;  // 包村单位 of each village
};

// The cards of `households` (household, head, card code — empty: the
// household code is printed), with their village, contact and assistance
// cadres, units and phones; each QR code the household's page on `origin`.
Result<std::vector<ContactCard>> CardsOf(Store& store,
                                         const std::vector<std::array<std::string, 3>>& households,
                                         const std::string& origin, CardPeople& people) {
  for (RecordKind kind : {RecordKind::kRegions, RecordKind::kUnits, RecordKind::kCadres})
    LX_RETURN_IF_ERROR(store.Scan(kind, people));
  LX_ASSIGN_OR_RETURN(PairingState pairs, store.Pairs());
  std::map<std::string, std::string> contact, assistance;
  for (const CadreHousehold& p : pairs.contacts) contact[p.household_code] = p.cadre_code;
  for (const CadreHousehold& p : pairs.assistance) assistance[p.household_code] = p.cadre_code;
  for (const UnitVillage& p : pairs.unit_villages) people.village_unit[p.village_code] = p.unit_code;
  std::vector<ContactCard> cards;
  for (const auto& [household, head, code] : households) {
    ContactCard card;
    card.village = people.Name(TownshipOfCode(household)) + " " + people.Name(household.substr(0, 12));
    card.household_head = head;
    card.household_code = household;
    card.card_code = code;
    if (!code.empty()) card.url = origin + "/h/#" + code;
    for (auto [holders, who, unit, phone] :
         {std::tuple{&contact, &card.contact_cadre, &card.contact_unit, &card.contact_phone},
          std::tuple{&assistance, &card.assistance_cadre, &card.assistance_unit, &card.assistance_phone}}) {
      auto held = holders->find(household);
      if (held == holders->end()) continue;
      auto cadre = people.cadres.find(held->second);
      if (cadre == people.cadres.end()) continue;
      *who = cadre->second.name;
      *unit = cadre->second.unit_code.empty() ? "" : people.Name(cadre->second.unit_code);
      *phone = cadre->second.phone.Reveal();
    }
    cards.push_back(std::move(card));
  }
  return cards;
}

// The printed cards of `issued` (household, head, code), eight to an A4
// page, each QR code the household's page on `origin`.
Status PrintCards(Store& store, const std::vector<std::array<std::string, 3>>& issued,
                  const std::string& origin, const std::string& out) {
  CardPeople people;
  LX_ASSIGN_OR_RETURN(std::vector<ContactCard> cards, CardsOf(store, issued, origin, people));
  return WriteCardsPdf(cards, out);
}

// `card sign --region CODE --out FILE`: the village signs (联系牌), one a
// village, each listing every household with its contact and assistance
// cadres, their units and phones, and the unit that holds the village — as
// PDF to print and hang, or HTML or XLSX.
Status RunCardSign(const Common& common, const std::string& region, const std::string& out) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  if (!RegionSubtreePrefix(region)) return Status::Usage("--region 应为 6 位或 12 位区划代码: " + region);
  LX_ASSIGN_OR_RETURN(HouseholdCollector collected, HouseholdsUnder(*store, region));
  std::vector<std::array<std::string, 3>> households;
  for (const auto& [code, head] : collected.households) households.push_back({code, head, ""});
  CardPeople people;
  LX_ASSIGN_OR_RETURN(std::vector<ContactCard> cards, CardsOf(*store, households, "", people));
  Document doc;
  doc.title = "党员干部直接联系群众联系牌";
  doc.issuer = "中共" + people.Name(region.substr(0, 6)) + "委组织部";
  std::string village;
  std::vector<std::vector<std::string>> rows;
  auto flush = [&] {
    if (village.empty()) return;
    doc.blocks.push_back(DocHeading(people.Name(TownshipOfCode(village)) + " " + people.Name(village)));
    auto unit = people.village_unit.find(village);
    doc.blocks.push_back(DocParagraph(
        "包村单位:" +
        (unit == people.village_unit.end() ? std::string("(未落实)") : people.Name(unit->second)) +
        "。有事请找联系干部,也可拨打 12345 或扫连心卡上的二维码反映。"));
    doc.blocks.push_back(DocTable({"户主", "联系干部", "单位", "电话", "包扶干部", "电话"}, rows,
                                  {1.2, 1.2, 2.2, 1.9, 1.2, 1.9}));
    doc.blocks.push_back(DocPageBreak());
    rows.clear();
  };
  for (const ContactCard& card : cards) {
    const std::string here = card.household_code.substr(0, 12);
    if (here != village) {
      flush();
      village = here;
    }
    rows.push_back({card.household_head, card.contact_cadre.empty() ? "(未落实)" : card.contact_cadre,
                    card.contact_unit, card.contact_phone, card.assistance_cadre, card.assistance_phone});
  }
  flush();
  LX_RETURN_IF_ERROR(WriteDocument(doc, out));
  std::cout << "联系牌 village signs → " << out << "(" << cards.size() << " 户 households)\n";
  return Status::Ok();
}

// `card reissue|revoke HOUSEHOLD`, `card issue --region CODE --out FILE.csv|.pdf`:
// a new code for one household (printed once: only its blind index is
// kept), the card in force ended, or new cards for a whole region written
// to a file only this user reads: the codes as CSV, or the cards to print
// (连心卡, eight to an A4 page, each QR code the household's page on the
// site's address, [server] origin or --origin).
Status RunCard(const Common& common, const std::string& action, const std::string& household,
               const std::string& region, const std::string& out, std::string origin) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  const std::int64_t now = SystemClock().NowMillis();
  const std::int64_t expires = now + static_cast<std::int64_t>(config.server.card_valid_days) * kMillisPerDay;
  if (action == "issue") {
    if (region.empty() || out.empty()) return Status::Usage("card issue 需要 --region 和 --out");
    if (!RegionSubtreePrefix(region)) return Status::Usage("--region 应为 6 位或 12 位区划代码: " + region);
    const bool pdf = out.ends_with(".pdf");
    if (origin.empty()) origin = config.server.origin;
    while (origin.ends_with('/')) origin.pop_back();
    if (pdf && !origin.starts_with("https://") && !origin.starts_with("http://")) {
      return Status::Usage(
          "打印连心卡需要网站地址(二维码指向 地址/h/#卡号): --origin https://… 或 [server] origin "
          "(printed cards need the site's address for their QR codes)");
    }
    LX_ASSIGN_OR_RETURN(HouseholdCollector collected, HouseholdsUnder(*store, region));
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return Status::Invalid("无法新建 " + out + "(文件须不存在) cannot create " + out, "--out");
    ::close(fd);
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store->Begin("cli:card"));
    std::string csv = "household_code,head_name,card_code\n";
    std::vector<std::array<std::string, 3>> issued;
    for (const auto& [code, head] : collected.households) {
      LX_ASSIGN_OR_RETURN(std::string card, txn->IssueCard(code, expires));
      csv += code + "," + head + "," + FormatCardCode(card) + "\n";
      issued.push_back({code, head, FormatCardCode(card)});
    }
    // The file first, then the commit: new codes nobody can print are never in force.
    if (pdf) {
      Status printed = PrintCards(*store, issued, origin, out);
      if (!printed.ok()) {
        std::filesystem::remove(out);
        return printed;
      }
      std::filesystem::permissions(out,
                                   std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    } else {
      std::ofstream file(out, std::ios::trunc);
      file << csv;
      file.close();
      if (!file) return Status::Internal("无法写入 " + out);
    }
    LX_RETURN_IF_ERROR(txn->Commit());
    std::cout << "已为 " << collected.households.size() << " 户发放新卡 issued cards, codes in " << out
              << " (仅本用户可读 mode 0600;旧卡已作废 earlier cards revoked)\n";
    return Status::Ok();
  }
  if (household.empty()) return Status::Usage("card " + action + " 需要户编号 HOUSEHOLD");
  LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store->Begin("cli:card"));
  if (action == "revoke") {
    LX_RETURN_IF_ERROR(txn->RevokeCard(household));
    LX_RETURN_IF_ERROR(txn->Commit());
    std::cout << "已作废 " << household << " 的连心卡 revoked\n";
    return Status::Ok();
  }
  LX_ASSIGN_OR_RETURN(std::string card, txn->IssueCard(household, expires));
  LX_RETURN_IF_ERROR(txn->Commit());
  std::cout << household << " 的新连心卡号 new card code: " << FormatCardCode(card)
            << "\n(只显示这一次,旧卡已作废 shown once; the earlier card is revoked)\n";
  return Status::Ok();
}

// `apikey add NAME --region CODE` prints an Open311 client's key once (only
// its blind index is kept); `apikey revoke NAME` ends it.
Status RunApiKey(const Common& common, const std::string& action, const std::string& name,
                 const std::string& region) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store->Begin("cli:apikey"));
  if (action == "revoke") {
    LX_RETURN_IF_ERROR(txn->RevokeApiKey(name));
    LX_RETURN_IF_ERROR(txn->Commit());
    std::cout << "已作废密钥 revoked " << name << "\n";
    return Status::Ok();
  }
  if (!RegionSubtreePrefix(region)) return Status::Usage("--region 应为 6 位或 12 位区划代码: " + region);
  LX_ASSIGN_OR_RETURN(std::optional<Region> found, txn->FindRegion(region));
  if (!found) return Status::NotFound("区划不存在: " + region);
  LX_ASSIGN_OR_RETURN(
      std::string key,
      txn->AddApiKey(name, region.size() == 12 && region.ends_with("000000") ? region.substr(0, 6) : region));
  LX_RETURN_IF_ERROR(txn->Commit());
  std::cout << "Open311 密钥 key for " << name << ": " << key
            << "\n(只显示这一次,请交给对接方 shown once; give it to the client)\n";
  return Status::Ok();
}

Status RunBackup(const Common& common, const std::string& out) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  ProgressFor(common).Begin("在线备份并检查完整性 " + out, 0, "");
  Status backed_up = store->Backup(out);
  ProgressFor(common).End();
  LX_RETURN_IF_ERROR(backed_up);
  std::cout << "备份完成并通过完整性检查 backup written and checked: " << out
            << "\n密钥文件不在备份中,请另行妥善保管 (the key file is not in the backup: keep it apart)\n";
  return Status::Ok();
}

// Moves a county between databases, SQLite and PostgreSQL either way: the
// source must verify, the target must be empty, every row moves in one
// transaction, and the target must then verify with the same root hash.
// One key serves both: --key (or the configuration's key_file), else the
// SQLite source's own; a SQLite target gets a copy of it beside it.
Status RunMigrate(const Common& common, const std::string& from, const std::string& to) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  std::string key = config.key_file;
  if (key.empty() && !sql::IsPostgres(from)) key = from + ".key";
  if (key.empty()) return Status::Usage("从 PostgreSQL 迁出须用 --key 指定密钥文件 (key_file_required)");
  std::string target_key = key;
  const bool target_file = !sql::IsPostgres(to);
  std::error_code ec;
  if (target_file) {
    if (std::filesystem::exists(to, ec)) return Status::Invalid("目标文件已存在: " + to + " (target_exists)");
    target_key = to + ".key";
  }
  StoreOptions source_options;
  source_options.key_file = key;
  source_options.busy_timeout_ms = config.busy_timeout_ms;
  source_options.create = false;
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> source, Store::Open(from, source_options));
  std::int64_t source_entries = 0;
  Status verified = source->VerifyJournal(&source_entries);
  if (!verified.ok()) return Status(verified.code(), "源库日志校验失败,未迁移: " + verified.message());
  // Only now does anything appear beside the target: its copy of the key.
  bool copied_key = false;
  if (target_file && !std::filesystem::exists(target_key, ec)) {
    std::filesystem::copy_file(key, target_key, ec);
    if (ec) return Status::Internal("无法复制密钥文件到 " + target_key + ": " + ec.message());
    copied_key = true;
  }
  StoreOptions target_options = source_options;
  target_options.key_file = target_key;
  target_options.create = true;
  target_options.bulk = true;
  Status moved;
  std::int64_t target_entries = 0;
  std::unique_ptr<Store> target;
  {
    Result<std::unique_ptr<Store>> opened = Store::Open(to, target_options);
    moved = opened.status();
    if (moved.ok()) target = std::move(*opened);
  }
  if (moved.ok()) moved = source->CopyInto(*target, &ProgressFor(common));
  if (moved.ok()) moved = target->VerifyJournal(&target_entries);
  if (!moved.ok()) {
    target.reset();
    if (target_file) {
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(to + suffix, ec);
    }
    if (copied_key) {
      std::filesystem::remove(target_key, ec);
      std::filesystem::remove(Store::JournalCheckpointPath(target_key), ec);
    }
    return Status(moved.code(), "迁移失败,目标未改动 migration failed, nothing kept: " + moved.message());
  }
  LX_ASSIGN_OR_RETURN(std::string source_head, source->JournalHead());
  LX_ASSIGN_OR_RETURN(std::string target_head, target->JournalHead());
  LX_ASSIGN_OR_RETURN(RegistryCounts source_counts, source->Counts());
  LX_ASSIGN_OR_RETURN(RegistryCounts target_counts, target->Counts());
  auto side = [](const std::string& name, const RegistryCounts& c, std::int64_t entries,
                 const std::string& head) {
    std::cout << name << "  区划 " << c.regions << "  单位 " << c.units << "  党组织 " << c.orgs << "  干部 "
              << c.cadres << "  农户 " << c.households << "  成员 " << c.members << "  日志 " << entries
              << "  根哈希 " << head << "\n";
  };
  std::cout << "已迁移并在两边校验日志 migrated, journal verified on both sides\n";
  side("源 from", source_counts, source_entries, source_head);
  side("新 to  ", target_counts, target_entries, target_head);
  if (source_head != target_head || source_entries != target_entries) {
    return Status::Internal("两边的根哈希不同 (root hashes differ)");
  }
  return Status::Ok();
}

Status RunRestore(const Common& common, const std::string& from) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  StoreOptions options;
  options.key_file = config.key_file;
  LX_RETURN_IF_ERROR(Store::Restore(common.db, from, options));
  std::cout << "已从 " << from << " 恢复 restored into " << common.db << "(完整性、密钥和日志均已核对)\n";
  return Status::Ok();
}

// Serves the API on the database: the first start creates the three admins
// and writes their one-time passwords to a file only the operator reads. Flags override [server] of the
// config. Stops on SIGINT/SIGTERM: in-flight requests finish, queued writes commit.
Status RunServe(const Common& common, const std::string& listen, const std::string& cert,
                const std::string& key) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  if (!listen.empty()) config.server.listen = listen;
  if (!cert.empty() || !key.empty()) {
    if (cert.empty() || key.empty()) return Status::Usage("--tls-cert 和 --tls-key 须同时给出");
    config.server.tls_cert = cert;
    config.server.tls_key = key;
  }
  LX_ASSIGN_OR_RETURN(std::unique_ptr<App> app, App::Open(common.db, config, SystemClock()));
  LX_ASSIGN_OR_RETURN(std::vector<CreatedUser> admins, app->auth().CreateInitialAdmins());
  if (!admins.empty()) {
    // Not to the log, which others may read or collect: to a file only the
    // local operator reads.
    // Beside the database file; for PostgreSQL, beside the key file.
    LX_ASSIGN_OR_RETURN(
        std::string file,
        WriteInitialPasswords(sql::IsPostgres(common.db) ? config.key_file : common.db, admins));
    std::string names;
    for (const CreatedUser& admin : admins) names += (names.empty() ? "" : ", ") + admin.user.username;
    std::cout << "已创建初始管理员 created the initial admins " << names
              << ";一次性密码见 one-time passwords in " << file
              << " (仅本用户可读 mode 0600;首次登录须改密码并绑定动态口令 change them and enrol TOTP "
                 "at first sign-in)\n";
  }
  Router router = app->BuildRouter();
  AddStaticFiles(router, WebRoot(config));  // the web app at /, when built
  HttpServer server(app->server_options(), std::move(router), app->metrics());
  LX_RETURN_IF_ERROR(server.Start());
  app->StartSweeps();
  std::string address =
      config.server.listen.substr(0, config.server.listen.rfind(':') + 1) + std::to_string(server.port());
  std::cout << "连心服务已启动 serving on " << (config.server.tls_cert.empty() ? "http://" : "https://")
            << address << "\n"
            << "  登录 sign in: POST /api/v1/session {\"username\",\"password\"}; "
               "接口文档 API: /api/v1/openapi.json; Ctrl-C 停止 to stop"
            << std::endl;
  Status served = server.RunUntilSignal();
  app->Stop();  // after the server: its last requests may be waiting on a commit
  return served;
}

Status RunSummary(const Common& common) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  LX_ASSIGN_OR_RETURN(RegistryCounts counts, store->Counts());
  LX_ASSIGN_OR_RETURN(int version, store->SchemaVersion());
  LX_ASSIGN_OR_RETURN(std::string head, store->JournalHead());
  std::cout << "数据库 database     " << sql::Redacted(common.db) << " (schema " << version << ")\n";
  PrintCounts(counts);
  LX_ASSIGN_OR_RETURN(std::string checkpoint, store->JournalCheckpoint());
  std::cout << "日志根哈希 journal  " << (head.empty() ? "(empty)" : head) << "\n";
  std::cout << "日志检查点 checkpoint " << (checkpoint.empty() ? "(none: run journal verify)" : checkpoint)
            << "\n";
  return Status::Ok();
}

// `journal verify [--at HASH]`: the whole chain and every journaled row; with
// --at, also that HASH (a published notice's root hash) is an entry of the
// verified chain — so nothing up to it was changed since — and what was
// written after it, by table: new records, changes and removals.
Status RunJournalVerify(const Common& common, const std::string& at) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  std::int64_t checked = 0, rows = 0;
  Status status = store->VerifyJournal(&checked, &rows);
  if (!status.ok()) {
    return Status(status.code(), "日志校验失败 journal verification failed: " + status.message());
  }
  LX_ASSIGN_OR_RETURN(std::string head, store->JournalHead());
  std::cout << "日志完整 journal ok: " << checked << " 条 entries, " << rows << " 行记录 rows, 根哈希 head "
            << head << "\n";
  if (at.empty()) return Status::Ok();
  LX_ASSIGN_OR_RETURN(std::optional<std::int64_t> seq, store->JournalSeqOf(at));
  if (!seq) {
    return Status::Tampered("根哈希 " + at +
                            " 不是本日志中的任何一条:日志被重写过,或哈希抄错了 (root_hash_not_found) "
                            "the hash is not an entry of this journal");
  }
  LX_ASSIGN_OR_RETURN(std::vector<NoticeRecord> notices, store->ListNotices(""));
  for (const NoticeRecord& notice : notices) {
    if (notice.journal_hash == at)
      std::cout << "公示 notice " << notice.id << " 《" << notice.title << "》\n";
  }
  std::cout << "根哈希 " << at << " 是第 " << *seq << " 条;此前的 " << *seq
            << " 条记录未被改动 entries up to it unchanged\n";
  // What came after, by table: inserted, changed, removed.
  std::map<std::string, std::array<std::int64_t, 3>> after;
  std::int64_t cursor = *seq, later = 0;
  while (true) {
    LX_ASSIGN_OR_RETURN(std::vector<JournalEntry> page, store->ReadJournal(cursor, 1000));
    if (page.empty()) break;
    for (const JournalEntry& e : page) {
      ++later;
      auto& counts = after[e.entity];
      if (e.action == kInsertBatchAction) {
        LX_ASSIGN_OR_RETURN(auto rows, ParseInsertBatch(e.after));
        counts[0] += static_cast<std::int64_t>(rows.size());
        continue;
      }
      ++counts[e.before.empty() ? 0 : e.after.empty() ? 2 : 1];
    }
    cursor = page.back().seq;
  }
  std::cout << "其后追加 " << later << " 条 entries since";
  std::cout << (later ? ":\n" : "\n");
  for (const auto& [entity, counts] : after) {
    std::cout << "  " << entity << "  新增 inserted " << counts[0] << "  修改 changed " << counts[1]
              << "  删除 removed " << counts[2] << "\n";
  }
  return Status::Ok();
}

// The region a notice is for when --region is not given: the database's one county.
Result<std::string> OnlyCounty(Store& store) {
  LX_ASSIGN_OR_RETURN(std::vector<std::string> counties, CountiesOf(store));
  if (counties.size() == 1) return counties[0];
  std::string listed;
  for (const std::string& code : counties) listed += " " + code;
  return Status::Usage("数据库中有 " + std::to_string(counties.size()) +
                       " 个县,请用 --region 指定:" + listed);
}

// `inspect draw --month M --seed S [--region CODE] [--villages N] [--households N] [--dry-run]`:
// the unannounced inspection's sample, drawn from the published seed; with
// --dry-run nothing is stored (anyone repeating a draw), otherwise the
// inspection is opened with its checklist. `inspect list`: those kept.
Status RunInspect(const Common& common, const std::string& action, Inspection params, bool dry_run) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  if (action == "list") {
    LX_ASSIGN_OR_RETURN(std::vector<Inspection> inspections, store->ListInspections(params.region_code));
    for (const Inspection& i : inspections) {
      std::cout << i.id << "  " << i.region_code << "  " << i.month << "  "
                << (i.closed ? "已结束 closed" : "进行中 open") << "  种子 seed " << i.seed << "\n";
    }
    return Status::Ok();
  }
  if (params.region_code.empty()) {
    LX_ASSIGN_OR_RETURN(params.region_code, OnlyCounty(*store));
  }
  LX_ASSIGN_OR_RETURN(InspectionDraw draw, DrawFromStore(*store, params));
  if (!dry_run) {
    LX_ASSIGN_OR_RETURN(Inspection opened, OpenDrawnInspection(*store, params, CliActor().username));
    std::cout << "督查已开启 inspection opened: " << opened.id << "\n";
  } else {
    std::cout << "复抽,未保存 dry run, nothing stored\n";
  }
  std::cout << params.region_code << " " << params.month << " 种子 seed " << params.seed << " (每个乡镇 "
            << params.villages_per_township << " 个村,每村 " << params.households_per_village << " 户)\n";
  for (const auto& [township, villages] : draw.villages_by_township) {
    for (const std::string& village : villages) {
      std::cout << township << "  " << village << ":";
      for (const std::string& household : draw.households_by_village[village]) std::cout << " " << household;
      std::cout << "\n";
    }
  }
  return Status::Ok();
}

// `callback draw --month M --seed S [--share F] [--region CODE]`: a share of
// the month's direct visits drawn for callback checks (回访核验) from the
// published seed and kept; `callback list [--month M]`: the list with each
// cadre's denial rate.
Status RunCallback(const Common& common, const std::string& action, std::string region,
                   const std::string& month, const std::string& seed, double share) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  if (region.empty()) {
    LX_ASSIGN_OR_RETURN(region, OnlyCounty(*store));
  }
  if (action == "draw") {
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store->Begin(CliActor().username));
    LX_ASSIGN_OR_RETURN(std::vector<Callback> added, txn->AddCallbacks(region, month, seed, share));
    LX_RETURN_IF_ERROR(txn->Commit());
    std::cout << "新抽回访 drawn " << added.size() << " 条 visits (" << region << " " << month
              << ", 种子 seed " << seed << ")\n";
  }
  LX_ASSIGN_OR_RETURN(std::vector<Callback> all, store->ListCallbacks(region, month));
  for (const Callback& c : all) {
    std::cout << c.visit_id << "  " << c.visited_on << "  " << c.cadre_code << " -> " << c.household_code
              << "  " << Label(c.outcome) << "\n";
  }
  for (const auto& [cadre, r] : CallbackRatesByCadre(all)) {
    char rate[16] = "—";
    if (r.denial_rate) std::snprintf(rate, sizeof rate, "%.1f%%", 100 * *r.denial_rate);
    std::cout << "干部 cadre " << cadre << ": 抽 " << r.drawn << ",属实 " << r.confirmed << ",否认 "
              << r.denied << ",联系不上 " << r.unreachable << ",待回访 " << r.pending << ",否认率 " << rate
              << "\n";
  }
  return Status::Ok();
}

// `report bulletin --month M [--region CODE] --out FILE`: the situation
// bulletin (情况通报), counted now, as PDF, HTML, XLSX or JSON.
Status RunReportBulletin(const Common& common, std::string region, const std::string& month,
                         const std::string& out) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  if (region.empty()) {
    LX_ASSIGN_OR_RETURN(region, OnlyCounty(*store));
  }
  if (region.size() == 12 && region.ends_with("000000")) region.resize(6);
  LX_ASSIGN_OR_RETURN(BulletinFigures figures,
                      CountBulletin(*store, region, month, config.appeals, SystemClock().NowMillis()));
  LX_RETURN_IF_ERROR(WriteBulletin(figures, out));
  std::cout << "情况通报 bulletin " << region << " " << month << " → " << out << "(未直接联系群众的干部 "
            << figures.notice.silent.size() << " 名,督办中的诉求 " << figures.supervised.size()
            << " 件,督查发现问题 " << figures.findings.size() << " 条,回访否认 " << figures.denials.size()
            << " 条)\n";
  return Status::Ok();
}

// `report dossier --cadre CODE --out FILE [--from DATE] [--to DATE]`: one
// cadre's whole contact-work record (考核档案), by default over the last year.
Status RunReportDossier(const Common& common, const std::string& cadre, std::string from, std::string to,
                        const std::string& out) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  Date end = ChinaDateOf(SystemClock().NowMillis());
  if (!to.empty()) {
    LX_ASSIGN_OR_RETURN(end, ParseDate(to));
  }
  Date start = DateFromDays(DaysFromDate(end) - 364);
  if (!from.empty()) {
    LX_ASSIGN_OR_RETURN(start, ParseDate(from));
  }
  if (start > end) return Status::Usage("--from 应早于 --to");
  LX_ASSIGN_OR_RETURN(DossierFigures dossier, CountDossier(*store, cadre, config, start, end));
  LX_RETURN_IF_ERROR(WriteDossier(dossier, out));
  char score[32] = "—";
  if (dossier.score.score) std::snprintf(score, sizeof score, "%.1f", *dossier.score.score);
  std::cout << "考核档案 dossier " << dossier.name << " (" << cadre << ") " << start.ToString() << "–"
            << end.ToString() << " → " << out << ",综合得分 score " << score << "\n";
  return Status::Ok();
}

// `report yearend --year Y [--region CODE] --out FILE [--audit]`: the
// 八项规定 ledger's year-end special inspection (专项检查), or with --audit
// the three registers in full for the audit office.
Status RunReportYearEnd(const Common& common, std::string region, int year, bool audit,
                        const std::string& out) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  if (region.empty()) {
    LX_ASSIGN_OR_RETURN(region, OnlyCounty(*store));
  }
  if (region.size() == 12 && region.ends_with("000000")) region.resize(6);
  if (year == 0) year = ChinaDateOf(SystemClock().NowMillis()).year;
  LX_ASSIGN_OR_RETURN(YearEndFigures figures, CountYearEnd(*store, region, year));
  LX_RETURN_IF_ERROR(audit ? WriteLedgerAudit(figures, out) : WriteYearEnd(figures, out));
  std::cout << (audit ? "台账审计导出 ledger audit " : "年底专项检查 year-end inspection ") << region << " "
            << year << " → " << out << "(会议 " << figures.meetings << " 次,其中无会月内 "
            << figures.meetings_in_no_meeting_months << " 次;接待 " << figures.receptions << " 批次,违规 "
            << figures.receptions_with_breaches << " 批次;更正 " << figures.corrections << " 处)\n";
  return Status::Ok();
}

// `report notice --month M [--region CODE] --out FILE [--publish]`: the
// monthly notice (每月公示) as PDF, HTML, XLSX or JSON. A month already
// published is printed as it was published; otherwise the figures are
// counted now (a draft), and --publish keeps them unchangeable first.
Status RunReportNotice(const Common& common, std::string region, const std::string& month,
                       const std::string& out, bool publish, const std::string& issuer) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(config, common.db, false));
  if (region.empty()) {
    LX_ASSIGN_OR_RETURN(region, OnlyCounty(*store));
  }
  if (RegionSubtreePrefix(region) && region.size() == 12 && region.ends_with("000000")) region.resize(6);
  LX_ASSIGN_OR_RETURN(std::optional<NoticeRecord> kept, store->GetNotice(NoticeId(region, month)));
  NoticeFigures figures;
  if (kept) {
    if (publish) {
      return Status::Conflict(region + " " + month + " 的公示已于 " + ChinaIsoTime(kept->published_millis) +
                              " 发布,发布后不再更改 (notice_published)");
    }
    LX_ASSIGN_OR_RETURN(figures, NoticeOfRecord(*kept));
  } else {
    const std::int64_t now = SystemClock().NowMillis();
    LX_ASSIGN_OR_RETURN(figures, CountNotice(*store, region, month, config.appeals, now, issuer));
    if (publish) {
      NoticeRecord record = NoticeRecordOf(figures, CliActor().username);
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store->Begin(record.published_by));
      LX_RETURN_IF_ERROR(txn->PublishNotice(record));
      LX_RETURN_IF_ERROR(txn->Commit());
      LX_ASSIGN_OR_RETURN(kept, store->GetNotice(record.id));
      if (!kept) return Status::Internal("公示发布后读不到: " + record.id);
      LX_ASSIGN_OR_RETURN(figures, NoticeOfRecord(*kept));
    }
  }
  LX_RETURN_IF_ERROR(WriteNotice(figures, out));
  std::cout << (figures.published_millis ? "已发布的公示 published notice "
                                         : "公示草稿(未发布) draft notice ")
            << NoticeId(figures.region, figures.month) << " → " << out << "\n"
            << "日志根哈希 root hash " << (figures.journal_hash.empty() ? "(empty)" : figures.journal_hash)
            << " (第 " << figures.journal_seq << " 条 entry)\n";
  if (figures.published_millis) {
    std::cout << "核验 verify: lianxin journal verify --db " << sql::Redacted(common.db) << " --at "
              << figures.journal_hash << "\n";
  }
  return Status::Ok();
}

// The file's configuration, or with --db what is in force for that
// database: the console's settings over the file.
Status RunConfigShow(const Common& common) {
  LX_ASSIGN_OR_RETURN(Config config, LoadConfig(common));
  if (!common.db.empty()) LX_RETURN_IF_ERROR(OpenStore(config, common.db, false).status());
  std::cout << config.ToToml();
  return Status::Ok();
}

int Main(int argc, char** argv) {
  // Logs go to standard error so that standard output stays the command's answer.
  spdlog::set_default_logger(spdlog::stderr_color_mt("lianxin"));
  spdlog::set_level(spdlog::level::warn);
  CLI::App app{"连心 Lianxin — 党员干部直接联系群众 (cadre–household direct contact)"};
  app.require_subcommand(1);
  Common common;
  app.add_option_function<std::string>(
      "--config",
      [&](const std::string& path) {
        common.config_path = path;
        common.config_given = true;
      },
      "配置文件 config file (default ./lianxin.toml)");
  app.add_flag("-q,--quiet", common.quiet, "不显示进度 no progress line on the terminal");
  app.add_option(
      "--key", common.key_file,
      "密钥文件 key file (default: <数据库文件>.key; PostgreSQL 必须指定 required for PostgreSQL)");

  Status status;
  auto db_option = [&](CLI::App* sub, bool required) {
    auto* option =
        sub->add_option("--db", common.db, "数据库文件或 postgresql:// 地址 database file or PostgreSQL URI");
    if (required) option->required();
  };

  std::string scale = "county", out_dir;
  std::uint64_t seed = 1;
  CLI::App* demo = app.add_subcommand("demo", "生成演示县 build the demo county");
  db_option(demo, false);
  demo->add_option("--scale", scale, "county|city|province");
  demo->add_option("--seed", seed, "随机种子 seed");
  demo->add_option("--out-dir", out_dir, "同时写出 CSV 和 XLSX 文件 also write CSV and XLSX files");
  bool registry_only = false;
  demo->add_flag("--registry-only", registry_only,
                 "只生成登记数据,不结对、不生成走访和诉求 the registry alone: no pairing, visits or appeals");
  demo->callback([&] {
    // A year of field work is the county's; a city or province is for loads.
    status = RunDemo(common, scale, seed, out_dir, !registry_only && scale == "county");
  });

  std::string kind, file;
  bool dry_run = false;
  CLI::App* import_cmd = app.add_subcommand("import", "导入登记表 import a registry file (CSV/XLSX)");
  db_option(import_cmd, true);
  import_cmd->add_option("--kind", kind, "regions|units|orgs|cadres|households|members")->required();
  import_cmd->add_option("file", file, "文件 file")->required();
  import_cmd->add_flag("--dry-run", dry_run, "只检查不写入 validate only");
  import_cmd->callback([&] { status = RunImport(common, kind, file, dry_run); });

  std::string out;
  bool template_only = false, reveal = false;
  CLI::App* export_cmd = app.add_subcommand("export", "导出登记表 export the registry (XLSX/CSV)");
  db_option(export_cmd, false);
  export_cmd->add_option("--kind", kind, "regions|units|orgs|cadres|households|members")->required();
  export_cmd->add_option("--out", out, "输出文件 .xlsx|.csv")->required();
  export_cmd->add_flag("--template", template_only, "只写表头和示例行 header and an example row");
  export_cmd->add_flag("--reveal", reveal, "不脱敏 write ID numbers and phones in full");
  export_cmd->callback([&] { status = RunExport(common, kind, out, template_only, reveal); });

  bool json = false;
  std::string explain;
  CLI::App* pair = app.add_subcommand("pair", "结对:单位包村、包扶、联系户、联系点 compute the pairings");
  db_option(pair, true);
  pair->add_flag("--dry-run", dry_run, "只计算不写入 compute without writing");
  pair->add_flag("--json", json, "输出 JSON");
  pair->add_option("--explain", explain, "说明某户的结对理由 explain one household");
  std::string exit_override;
  pair->add_option(
      "--exit-override", exit_override,
      "准许单位在任务未完成时撤出村的理由(记入日志) the reason to let units leave villages whose "
      "tasks are open (journaled)");
  std::string pair_county;
  pair->add_option("--county", pair_county,
                   "只结对这个县(6 位区划代码);不给时多县的库逐县结对 pair this county only (6 digits); "
                   "without it a database of several counties is paired county by county");
  pair->callback([&] { status = RunPair(common, dry_run, json, explain, exit_override, pair_county); });

  std::string pin_kind, holder, held, reason;
  bool unpin = false;
  CLI::App* pin =
      app.add_subcommand("pin", "固定一对结对(人工调整,须说明理由) pin a pair as a manual override");
  db_option(pin, true);
  pin->add_option("--kind", pin_kind, "unit_village|assistance|contact|contact_point")->required();
  pin->add_option("--holder", holder, "单位或干部编号 unit or cadre code")->required();
  pin->add_option("--held", held, "村、户编号或党组织代码 village, household or org code")->required();
  pin->add_option("--reason", reason, "理由 reason (required unless --remove)");
  pin->add_flag("--remove", unpin, "取消固定 remove the pin");
  pin->callback([&] { status = RunPin(common, pin_kind, holder, held, reason, unpin); });

  std::string card_household, card_region, card_out, card_origin;
  CLI::App* card =
      app.add_subcommand("card", "连心卡:发卡、补卡、作废 contact cards: issue, reissue, revoke");
  card->require_subcommand(1);
  std::string sign_region, sign_out;
  CLI::App* sign =
      card->add_subcommand("sign", "联系牌:每村一张,列出每户的联系干部 village signs listing every pair");
  db_option(sign, true);
  sign->add_option("--region", sign_region, "区划代码 region code (county, township or village)")->required();
  sign->add_option("--out", sign_out, "输出文件 .pdf .html .xlsx output file")->required();
  sign->callback([&] { status = RunCardSign(common, sign_region, sign_out); });
  for (const char* action : {"reissue", "revoke", "issue"}) {
    CLI::App* sub = card->add_subcommand(
        action, std::string(action) == "reissue" ? "为一户换发新卡(旧卡作废) a new code for one household"
                : std::string(action) == "revoke" ? "作废一户的卡 end a household's card"
                                                  : "为一个地区的每户发新卡,写入 CSV new cards for a region");
    db_option(sub, true);
    if (std::string(action) == "issue") {
      sub->add_option("--region", card_region, "区划代码 region code (county, township or village)")
          ->required();
      sub->add_option("--out", card_out,
                      "卡号文件 .csv,或打印用的连心卡 .pdf the codes as CSV, or the cards to print as PDF "
                      "(must not exist)")
          ->required();
      sub->add_option(
          "--origin", card_origin,
          "网站地址,二维码指向 地址/h/#卡号 the site's address for the QR codes (default [server] origin)");
    } else {
      sub->add_option("household", card_household, "户编号 household code")->required();
    }
    sub->callback([&, action] {
      status = RunCard(common, action, card_household, card_region, card_out, card_origin);
    });
  }

  std::string key_name, key_region;
  CLI::App* apikey = app.add_subcommand("apikey", "Open311 对接密钥 Open311 clients' keys");
  apikey->require_subcommand(1);
  CLI::App* key_add = apikey->add_subcommand("add", "新建密钥(只显示一次) a new key, shown once");
  CLI::App* key_revoke = apikey->add_subcommand("revoke", "作废密钥 end a key");
  for (CLI::App* sub : {key_add, key_revoke}) {
    db_option(sub, true);
    sub->add_option("name", key_name, "对接方名称 the client's name")->required();
  }
  key_add->add_option("--region", key_region, "其请求所属地区 the region its requests file into")->required();
  key_add->callback([&] { status = RunApiKey(common, "add", key_name, key_region); });
  key_revoke->callback([&] { status = RunApiKey(common, "revoke", key_name, key_region); });

  std::string backup_out, restore_from;
  CLI::App* backup =
      app.add_subcommand("backup", "在线备份并做完整性检查 back up online, then check the copy");
  db_option(backup, true);
  backup->add_option("--out", backup_out, "备份文件 backup file (must not exist)")->required();
  backup->callback([&] { status = RunBackup(common, backup_out); });
  std::string migrate_from, migrate_to;
  CLI::App* migrate = app.add_subcommand(
      "migrate", "把一个库整体迁到另一个库 (SQLite ⇄ PostgreSQL) move a database into an empty one");
  migrate->add_option("--from", migrate_from, "源库 source: file or postgresql://…")->required();
  migrate->add_option("--to", migrate_to, "目标空库 empty target: new file or postgresql://…")->required();
  migrate->callback([&] { status = RunMigrate(common, migrate_from, migrate_to); });
  CLI::App* restore = app.add_subcommand("restore", "从备份恢复 restore from a backup");
  db_option(restore, true);
  restore->add_option("--from", restore_from, "备份文件 backup file")->required();
  restore->callback([&] { status = RunRestore(common, restore_from); });

  std::string listen, tls_cert, tls_key;
  CLI::App* serve = app.add_subcommand("serve", "启动服务 serve the API");
  db_option(serve, true);
  serve->add_option("--listen", listen,
                    "监听地址 address:port (默认 default [server] listen, 127.0.0.1:8080)");
  serve->add_option("--tls-cert", tls_cert, "TLS 证书 certificate (PEM)");
  serve->add_option("--tls-key", tls_key, "TLS 私钥 private key (PEM)");
  serve->callback([&] { status = RunServe(common, listen, tls_cert, tls_key); });

  CLI::App* summary = app.add_subcommand("summary", "数据库概况 what the database holds");
  db_option(summary, true);
  summary->callback([&] { status = RunSummary(common); });

  CLI::App* journal = app.add_subcommand("journal", "写入日志 the write journal");
  journal->require_subcommand(1);
  CLI::App* verify = journal->add_subcommand("verify", "校验哈希链和数据 verify the chain and the data");
  db_option(verify, true);
  std::string verify_at;
  verify->add_option("--at", verify_at,
                     "公示上的根哈希:核验此前的记录未被改动 a published notice's root hash: prove nothing "
                     "before it changed");
  verify->callback([&] { status = RunJournalVerify(common, verify_at); });

  CLI::App* inspect = app.add_subcommand("inspect", "不打招呼督查 unannounced inspections");
  inspect->require_subcommand(1);
  Inspection inspect_params;
  bool inspect_dry = false;
  CLI::App* inspect_draw =
      inspect->add_subcommand("draw", "按公布的种子抽样并开启督查 draw the sample from a published seed");
  db_option(inspect_draw, true);
  inspect_draw->add_option("--month", inspect_params.month, "月份 month YYYY-MM")->required();
  inspect_draw
      ->add_option("--seed", inspect_params.seed,
                   "事先公布的种子,如上月公示的根哈希 the seed published beforehand")
      ->required();
  inspect_draw->add_option("--region", inspect_params.region_code,
                           "县或乡镇代码 county or township (default: the one county)");
  inspect_draw->add_option("--villages", inspect_params.villages_per_township,
                           "每个乡镇抽几个村 (default 2)");
  inspect_draw->add_option("--households", inspect_params.households_per_village, "每村抽几户 (default 5)");
  inspect_draw->add_flag("--dry-run", inspect_dry, "只复抽,不保存 draw again without storing");
  inspect_draw->callback([&] { status = RunInspect(common, "draw", inspect_params, inspect_dry); });
  CLI::App* inspect_list = inspect->add_subcommand("list", "列出督查 list the inspections");
  db_option(inspect_list, true);
  inspect_list->add_option("--region", inspect_params.region_code, "区划代码 region code");
  inspect_list->callback([&] { status = RunInspect(common, "list", inspect_params, false); });

  CLI::App* callback = app.add_subcommand("callback", "回访核验 callback checks of logged visits");
  callback->require_subcommand(1);
  std::string callback_region, callback_month, callback_seed;
  double callback_share = 0.05;
  CLI::App* callback_draw =
      callback->add_subcommand("draw", "按公布的种子抽取当月走访作回访 draw a month's visits to call back");
  db_option(callback_draw, true);
  callback_draw->add_option("--month", callback_month, "月份 month YYYY-MM")->required();
  callback_draw->add_option("--seed", callback_seed, "事先公布的种子 the seed published beforehand")
      ->required();
  callback_draw->add_option("--share", callback_share, "抽取比例 share of the visits (default 0.05)");
  callback_draw->add_option("--region", callback_region, "县或乡镇代码 (default: the one county)");
  callback_draw->callback([&] {
    status = RunCallback(common, "draw", callback_region, callback_month, callback_seed, callback_share);
  });
  CLI::App* callback_list = callback->add_subcommand("list", "回访名单和否认率 the list and denial rates");
  db_option(callback_list, true);
  callback_list->add_option("--month", callback_month, "月份 month YYYY-MM (default: all)");
  callback_list->add_option("--region", callback_region, "区划代码 region code");
  callback_list->callback(
      [&] { status = RunCallback(common, "list", callback_region, callback_month, "", 0); });

  CLI::App* report =
      app.add_subcommand("report",
                         "报表:每月公示、情况通报、考核档案、八项规定专项检查 reports: the notice, the "
                         "bulletin, a cadre's dossier, the ledger's year-end inspection");
  report->require_subcommand(1);
  std::string notice_region, notice_month, notice_out, notice_issuer;
  bool notice_publish = false;
  CLI::App* notice = report->add_subcommand("notice", "每月公示 the monthly public notice");
  db_option(notice, true);
  notice->add_option("--month", notice_month, "月份 month YYYY-MM")->required();
  notice->add_option("--region", notice_region,
                     "县或乡镇区划代码 county or township code (default: the database's one county)");
  notice->add_option("--out", notice_out, "输出文件 .pdf .html .xlsx .json output file")->required();
  notice->add_flag(
      "--publish", notice_publish,
      "发布:保存为不可更改的公示并印上日志根哈希 publish: keep it unchangeable, with the root hash");
  notice->add_option("--issuer", notice_issuer, "发文机关 issuing body (default 中共<县>委组织部)");
  notice->callback([&] {
    status = RunReportNotice(common, notice_region, notice_month, notice_out, notice_publish, notice_issuer);
  });
  CLI::App* bulletin = report->add_subcommand("bulletin", "情况通报 the situation bulletin");
  db_option(bulletin, true);
  bulletin->add_option("--month", notice_month, "月份 month YYYY-MM")->required();
  bulletin->add_option("--region", notice_region, "县或乡镇区划代码 (default: the database's one county)");
  bulletin->add_option("--out", notice_out, "输出文件 .pdf .html .xlsx .json output file")->required();
  bulletin->callback([&] { status = RunReportBulletin(common, notice_region, notice_month, notice_out); });
  int yearend_year = 0;
  bool yearend_audit = false;
  CLI::App* yearend = report->add_subcommand(
      "yearend",
      "八项规定年底专项检查(--audit:审计导出) the ledger's year-end inspection, or its audit export");
  db_option(yearend, true);
  yearend->add_option("--year", yearend_year, "年份 year (default: this year)")
      ->check(CLI::Range(2000, 2100));
  yearend->add_option("--region", notice_region, "县或乡镇区划代码 (default: the database's one county)");
  yearend->add_flag("--audit", yearend_audit, "三本台账全文,供审计部门 the three registers in full");
  yearend->add_option("--out", notice_out, "输出文件 .pdf .html .xlsx .json output file")->required();
  yearend->callback(
      [&] { status = RunReportYearEnd(common, notice_region, yearend_year, yearend_audit, notice_out); });
  std::string dossier_cadre, dossier_from, dossier_to;
  CLI::App* dossier =
      report->add_subcommand("dossier", "干部考核档案 a cadre's dossier for promotion review");
  db_option(dossier, true);
  dossier->add_option("--cadre", dossier_cadre, "干部编号 cadre code")->required();
  dossier->add_option("--from", dossier_from, "起始日期 YYYY-MM-DD (default: a year before --to)");
  dossier->add_option("--to", dossier_to, "截止日期 YYYY-MM-DD (default: today)");
  dossier->add_option("--out", notice_out, "输出文件 .pdf .html .xlsx .json output file")->required();
  dossier->callback(
      [&] { status = RunReportDossier(common, dossier_cadre, dossier_from, dossier_to, notice_out); });

  CLI::App* config = app.add_subcommand("config", "配置 configuration");
  config->require_subcommand(1);
  CLI::App* show = config->add_subcommand("show", "显示生效配置 print the effective configuration");
  db_option(show, false);
  show->callback([&] { status = RunConfigShow(common); });

  AddUserCommands(app, status, [&] { return LoadConfig(common); });
  if (argc == 1) {
    // A bare `lianxin` shows what it can do rather than one line of complaint.
    std::cerr << app.help();
    return ExitCodeFor(Code::kUsage);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return ExitCodeFor(Code::kUsage);
  }
  if (!status.ok()) std::cerr << "lianxin: " << status.message() << "\n";
  return ExitCodeFor(status.code());
}  // namespace

}  // namespace
}  // namespace lianxin

int main(int argc, char** argv) {
  try {
    return lianxin::Main(argc, argv);
  } catch (const std::exception& e) {
    // The one last-resort handler: anything thrown is a bug or the environment.
    std::cerr << "lianxin: 内部错误 internal error: " << e.what() << "\n";
    return lianxin::ExitCodeFor(lianxin::Code::kInternal);
  }
}
