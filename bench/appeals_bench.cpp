// B7 (issue "Field work" 10): the appeal queue at a city hotline's scale.
// Fills a store on the demo county's registry with --appeals appeals spread
// over the past year (most closed and rated, the rest open, some overdue),
// then times: the overdue queue of one township and one cadre's open
// appeals (p99 of --queries page reads each), state changes through the
// group-commit writer from 64 threads, as many as the server's handler
// threads (durable, journaled), and the monthly
// three rates of the whole county.
//
//   appeals_bench [--db DIR] [--appeals N] [--queries N] [--changes N] [--seed S]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lianxin/config.hpp"
#include "lianxin/demo.hpp"
#include "lianxin/registry_io.hpp"
#include "lianxin/writer.hpp"

namespace {

using namespace lianxin;

double Seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

double P99(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, v.size() * 99 / 100)];
}

int Fail(const Status& s) {
  std::fprintf(stderr, "appeals_bench: %s\n", s.ToString().c_str());
  return 1;
}

// The households and their villages, and the cadres, of the registry.
class Collect final : public RegistrySink {
 public:
  Status Add(const Region&) override { return Status::Ok(); }
  Status Add(const Unit&) override { return Status::Ok(); }
  Status Add(const Org&) override { return Status::Ok(); }
  Status Add(const Cadre& c) override {
    if (!c.unit_code.empty()) cadres.push_back(c.code);
    return Status::Ok();
  }
  Status Add(const Household& h) override {
    households.push_back(h.code);
    return Status::Ok();
  }
  Status Add(const Member&) override { return Status::Ok(); }
  std::vector<std::string> households, cadres;
};

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/lianxin-b7";
  long appeals = 1'000'000, queries = 300, changes = 20'000;
  std::uint64_t seed = 1;
  bool keep = false;  // --keep 1: leave the database for a look at its plans
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--keep")) keep = std::atoi(argv[i + 1]) != 0;
    if (!std::strcmp(argv[i], "--db")) dir = argv[i + 1];
    if (!std::strcmp(argv[i], "--appeals")) appeals = std::atol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--queries")) queries = std::atol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--changes")) changes = std::atol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seed")) seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/b7.db";
  const Config config = Config::Defaults();
  StoreOptions options;
  options.create = true;
  Result<std::unique_ptr<Store>> opened = Store::Open(path, options);
  if (!opened.ok()) return Fail(opened.status());
  std::unique_ptr<Store> store = std::move(*opened);
  Collect registry;
  {
    Result<std::unique_ptr<WriteTxn>> txn = store->Begin("bench");
    if (!txn.ok()) return Fail(txn.status());
    TxnSink sink(**txn);
    // The registry, and the households and cadres collected as they pass.
    class Tee final : public RegistrySink {
     public:
      Tee(RegistrySink& a, Collect& b) : a_(a), b_(b) {}
      Status Add(const Region& r) override { return a_.Add(r); }
      Status Add(const Unit& u) override { return a_.Add(u); }
      Status Add(const Org& o) override { return a_.Add(o); }
      Status Add(const Cadre& c) override {
        LX_RETURN_IF_ERROR(b_.Add(c));
        return a_.Add(c);
      }
      Status Add(const Household& h) override {
        LX_RETURN_IF_ERROR(b_.Add(h));
        return a_.Add(h);
      }
      Status Add(const Member& m) override { return a_.Add(m); }

     private:
      RegistrySink& a_;
      Collect& b_;
    } tee(sink, registry);
    Status generated = GenerateDemo({.seed = seed}, config, tee);
    if (!generated.ok()) return Fail(generated);
    Status committed = (*txn)->Commit();
    if (!committed.ok()) return Fail(committed);
  }

  // The appeals: filed over the past year, each handled by a unit cadre.
  std::mt19937_64 rng(seed);
  const std::int64_t now = SystemClock().NowMillis();
  const std::int64_t year = 365 * kMillisPerDay;
  std::vector<std::string> dispatched;  // open appeals waiting to be signed, for the writes
  auto t0 = std::chrono::steady_clock::now();
  for (long done = 0; done < appeals;) {
    Result<std::unique_ptr<WriteTxn>> txn = store->Begin("bench");
    if (!txn.ok()) return Fail(txn.status());
    for (long i = 0; i < 20'000 && done < appeals; ++i, ++done) {
      Appeal a;
      a.household_code = registry.households[rng() % registry.households.size()];
      a.channel = AppealChannel::kOperator;
      a.topic = config.appeals.topics[rng() % config.appeals.topics.size()].code;
      a.content = "基准测试诉求";
      a.received_millis = now - static_cast<std::int64_t>(rng() % year);
      a.handler = registry.cadres[rng() % registry.cadres.size()];
      a.dispatched_millis = a.received_millis + 3'600'000;
      a.deadline_millis = AppealDeadline(a.received_millis, a.urgency, config.appeals, config.calendar);
      const int r = static_cast<int>(rng() % 100);
      if (r < 85) {
        a.state = AppealState::kRated;
        a.signed_millis = a.dispatched_millis + static_cast<std::int64_t>(rng() % (48 * 3'600'000LL));
        a.replied_millis = a.signed_millis + 86'400'000;
        a.closed_millis = a.replied_millis + 3'600'000;
        a.solved = rng() % 10 < 8;
        a.satisfaction = static_cast<Satisfaction>(rng() % 3);
      } else if (r < 95) {
        a.state = AppealState::kHandling;
        a.signed_millis = a.dispatched_millis + 3'600'000;
      } else {
        a.state = AppealState::kDispatched;
      }
      Result<Appeal> filed = (*txn)->FileAppeal(a, "bench");
      if (!filed.ok()) return Fail(filed.status());
      if (filed->state == AppealState::kDispatched) dispatched.push_back(filed->id);
    }
    Status committed = (*txn)->Commit();
    if (!committed.ok()) return Fail(committed);
  }
  const double fill = Seconds(std::chrono::steady_clock::now() - t0);
  std::printf("B7 setup: %ld appeals filed in %.1f s (%.0f a second, each with its first step, journaled)\n",
              appeals, fill, appeals / fill);

  // Reads: the overdue queue of one township, one cadre's open appeals.
  std::vector<double> township, cadre;
  for (long i = 0; i < queries; ++i) {
    AppealQuery q;
    q.scope = {ScopeKind::kRegion, "149901"};
    q.region = "149901" + std::string(3 - std::to_string(1 + i % 13).size(), '0') +
               std::to_string(1 + i % 13) + "000";
    q.overdue_only = true;
    q.now_millis = now;
    auto a = std::chrono::steady_clock::now();
    Result<AppealPage> page = store->ListAppeals(q);
    township.push_back(Seconds(std::chrono::steady_clock::now() - a) * 1000);
    if (!page.ok()) return Fail(page.status());
    AppealQuery mine;
    mine.scope = {ScopeKind::kCadre, registry.cadres[rng() % registry.cadres.size()]};
    mine.open_only = true;
    a = std::chrono::steady_clock::now();
    Result<AppealPage> own = store->ListAppeals(mine);
    cadre.push_back(Seconds(std::chrono::steady_clock::now() - a) * 1000);
    if (!own.ok()) return Fail(own.status());
  }
  std::printf("B7 overdue queue of one township: p99 %.2f ms over %ld reads (target < 50 ms) %s\n",
              P99(township), queries, P99(township) < 50 ? "PASS" : "FAIL");
  std::printf("B7 one cadre's open appeals: p99 %.2f ms over %ld reads (target < 50 ms) %s\n", P99(cadre),
              queries, P99(cadre) < 50 ? "PASS" : "FAIL");

  // The monthly rates of the whole county.
  const Date last = ChinaDateOf(now - 30 * kMillisPerDay);
  char month[16];
  std::snprintf(month, sizeof month, "%04d-%02d", last.year, last.month);
  Result<MonthSpan> span = ParseChinaMonth(month, "month");
  auto r0 = std::chrono::steady_clock::now();
  AppealQuery county;
  county.scope = {ScopeKind::kRegion, "149901"};
  county.received_from = span->from_millis;
  county.received_to = span->to_millis;
  std::vector<Appeal> in_month;
  Status scanned = store->ScanAppeals(county, [&](const Appeal& a) {
    in_month.push_back(a);
    return Status::Ok();
  });
  if (!scanned.ok()) return Fail(scanned);
  std::map<std::string, AppealRates> by_cadre =
      RatesBy(in_month, config.appeals, [](const Appeal& a) { return a.handler; });
  const double rates = Seconds(std::chrono::steady_clock::now() - r0);
  std::printf("B7 monthly rates of the county (%s, %zu appeals, %zu handlers): %.3f s (target < 1 s) %s\n",
              month, in_month.size(), by_cadre.size(), rates, rates < 1 ? "PASS" : "FAIL");

  // Writes: 签收 through the group-commit writer from as many threads as
  // the server has handler threads.
  store.reset();
  options.create = false;
  Result<std::unique_ptr<Store>> writer_store = Store::Open(path, options);
  if (!writer_store.ok()) return Fail(writer_store.status());
  constexpr int kWriters = 64;  // the server's default handler_threads
  GroupCommitWriter writer(std::move(*writer_store), WriterOptions{}, nullptr);
  const long n = std::min<long>(changes, static_cast<long>(dispatched.size()));
  std::atomic<long> next{0}, failed{0};
  auto w0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&] {
      for (long i = next++; i < n; i = next++) {
        Status s = writer.Write([&](Store& st) -> Status {
          LX_ASSIGN_OR_RETURN(std::optional<Appeal> a, st.GetAppeal(dispatched[i]));
          if (!a) return Status::NotFound(dispatched[i]);
          AppealEvent e;
          e.action = AppealAction::kSign;
          e.at_millis = now;
          LX_ASSIGN_OR_RETURN(Appeal next_state, ApplyAppealEvent(*a, e, config.appeals, config.calendar));
          LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, st.Begin("bench"));
          LX_RETURN_IF_ERROR(txn->RecordAppealStep(next_state, e, "bench"));
          return txn->Commit();
        });
        if (!s.ok()) ++failed;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double writes = Seconds(std::chrono::steady_clock::now() - w0);
  writer.Stop();
  std::printf(
      "B7 state changes (签收), durable and journaled, %d threads: %ld in %.2f s = %.0f a second, %ld failed "
      "(target >= 5000/s) %s\n",
      kWriters, n, writes, n / writes, failed.load(), n / writes >= 5000 && failed == 0 ? "PASS" : "FAIL");
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
