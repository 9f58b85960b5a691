// A year of field work in a small demo county (GenerateFieldwork): written
// day by day and journaled, the same for a seed, and varied enough that the
// cadres' rates and three-phenomena flags differ.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "lianxin/demo.hpp"
#include "lianxin/pairing_service.hpp"
#include "lianxin/registry_io.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

// The demo county paired a year before `now`, then a year of field work.
struct Worked {
  std::unique_ptr<ManualClock> clock;  // before the store, which holds a pointer to it
  std::unique_ptr<Store> store;
  FieldworkReport report;
};

Worked Work(const std::string& path, const Config& config, std::uint64_t seed, std::int64_t now) {
  Worked w;
  w.clock = std::make_unique<ManualClock>(now - 365 * kMillisPerDay);
  ManualClock* clock = w.clock.get();
  StoreOptions options = DbOptions(path);
  options.clock = clock;
  Result<std::unique_ptr<Store>> store = Store::Open(DbTarget(path), options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return w;
  w.store = std::move(*store);
  {
    std::unique_ptr<WriteTxn> txn = std::move(w.store->Begin("demo")).value();
    TxnSink sink(*txn);
    EXPECT_TRUE(GenerateDemo({.seed = seed, .household_villages = 3}, config, sink).ok());
    EXPECT_TRUE(txn->Commit().ok());
  }
  PairRunOptions pairing;
  pairing.today = ChinaDateOf(clock->NowMillis());
  EXPECT_TRUE(RunPairing(*w.store, config, pairing).ok());
  clock->Set(now);
  Result<FieldworkReport> report = GenerateFieldwork(*w.store, *clock, config, {.seed = seed});
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  if (report.ok()) w.report = *report;
  return w;
}

TEST(DemoFieldworkTest, AYearOfWorkIsJournaledDeterministicAndVariedAmongCadres) {
  const std::int64_t now = StartOfChinaDay({2026, 12, 1}) + 10 * 3'600'000;
  Config config = Config::Defaults();
  config.visits.campaign_dates = {{2026, 3, 5}, {2026, 7, 1}, {2026, 10, 8}};
  TempDir dir;
  Worked a = Work(dir / "a.db", config, 7, now);
  ASSERT_NE(a.store, nullptr);
  EXPECT_GT(a.report.visits, 100);
  EXPECT_GT(a.report.appeals, 10);
  std::int64_t checked = 0;
  Status verified = a.store->VerifyJournal(&checked);
  EXPECT_TRUE(verified.ok()) << verified.ToString();

  // The same seed, the same year.
  Worked b = Work(dir / "b.db", config, 7, now);
  ASSERT_NE(b.store, nullptr);
  EXPECT_EQ(a.report.visits, b.report.visits);
  EXPECT_EQ(a.report.appeals, b.report.appeals);

  // Every appeal was received within the year, and the rates differ by cadre.
  AppealQuery all;
  all.unscoped = true;
  std::vector<Appeal> appeals;
  ASSERT_TRUE(a.store
                  ->ScanAppeals(all,
                                [&](const Appeal& x) {
                                  appeals.push_back(x);
                                  return Status::Ok();
                                })
                  .ok());
  ASSERT_EQ(static_cast<int>(appeals.size()), a.report.appeals);
  std::set<int> scores;
  int overdue_or_late = 0;
  for (const auto& [cadre, rates] :
       RatesBy(appeals, config.appeals, [](const Appeal& x) { return x.cadre_code; })) {
    if (rates.score) scores.insert(static_cast<int>(*rates.score));
  }
  for (const Appeal& x : appeals) {
    EXPECT_GE(x.received_millis, now - 365 * kMillisPerDay);
    EXPECT_LE(x.received_millis, now);
    overdue_or_late += x.reminders > 0 || IsOverdue(x, now);
  }
  EXPECT_GT(scores.size(), 2u) << "the cadres' scores differ";
  EXPECT_GT(overdue_or_late, 0) << "some appeals went overdue";

  // The three phenomena: more than one kind among the cadres.
  std::map<Phenomenon, int> kinds;
  std::set<std::string> cadres;
  for (const Appeal& x : appeals) cadres.insert(x.cadre_code);
  AppealDays filed;
  for (const Appeal& x : appeals) filed[x.household_code].push_back(ChinaDateOf(x.received_millis));
  const Date today = ChinaDateOf(now);
  Result<PairingState> pairs = a.store->Pairs();
  ASSERT_TRUE(pairs.ok());
  for (const CadreHousehold& pair : pairs->contacts) cadres.insert(pair.cadre_code);
  for (const std::string& cadre : cadres) {
    if (cadre.empty()) continue;
    std::vector<VisitDuty> duties = *a.store->DutiesOf(cadre, today);
    std::vector<Visit> visits = *a.store->VisitsByCadre(cadre);
    for (const PhenomenonFlag& flag : DetectPhenomena(cadre, visits, duties, filed, config.visits, today))
      ++kinds[flag.kind];
  }
  EXPECT_GE(kinds.size(), 2u) << "flags of more than one kind";
  EXPECT_GT(kinds[Phenomenon::kForgottenWhenBusy], 0);
}

}  // namespace
}  // namespace lianxin::testing
