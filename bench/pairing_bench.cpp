// Times ComputePairing on the demo county (BENCHMARKS.md B2a, B2c): a first
// run, a re-run with the previous state, and a re-run after 1 % of
// households changed their needs and income. Prints the machine, the median
// of --runs runs, pairs moved, and the peak RSS.
//
//   pairing_bench [--runs N] [--seed S] [--villages N] [--explain HOUSEHOLD|assisted]
//   pairing_bench --scale city|province [--seed S]   (B2b: county by county)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "lianxin/config.hpp"
#include "lianxin/demo.hpp"
#include "lianxin/pairing.hpp"

namespace {

using lianxin::PairingInput;

double Seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

long PeakRssKiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::string Cpu() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "?";
}

// B2b: the city or province preset, streamed county by county (pairing
// works per county), so memory holds one county at a time.
class CountyByCounty : public lianxin::RegistrySink {
 public:
  explicit CountyByCounty(const lianxin::Config& config) : config_(config) { Reset(); }
  lianxin::Status Add(const lianxin::Region& r) override {
    if (r.level == lianxin::RegionLevel::kCounty) LX_RETURN_IF_ERROR(Flush());
    return collect_->Add(r);
  }
  lianxin::Status Add(const lianxin::Unit& u) override { return collect_->Add(u); }
  lianxin::Status Add(const lianxin::Org& o) override { return collect_->Add(o); }
  lianxin::Status Add(const lianxin::Cadre& c) override { return collect_->Add(c); }
  lianxin::Status Add(const lianxin::Household& h) override { return collect_->Add(h); }
  lianxin::Status Add(const lianxin::Member& m) override { return collect_->Add(m); }

  // Pairs the county collected so far.
  lianxin::Status Flush() {
    if (input_.villages.empty()) return lianxin::Status::Ok();
    const auto start = std::chrono::steady_clock::now();
    lianxin::Result<lianxin::PairingResult> result = lianxin::ComputePairing(input_, config_.pairing);
    pairing_seconds += Seconds(std::chrono::steady_clock::now() - start);
    if (!result.ok()) return result.status();
    ++counties;
    households += result->households_total;
    covered += result->households_covered;
    violations += result->quota_violations + result->rule_violations;
    uncovered += static_cast<long>(result->uncovered.size());
    Reset();
    return lianxin::Status::Ok();
  }

  int counties = 0;
  long households = 0, covered = 0, violations = 0, uncovered = 0;
  double pairing_seconds = 0;

 private:
  void Reset() {
    input_ = PairingInput{};
    input_.needs = config_.needs;
    collect_ = std::make_unique<lianxin::PairingInputSink>(input_);
  }
  const lianxin::Config& config_;
  PairingInput input_;
  std::unique_ptr<lianxin::PairingInputSink> collect_;
};

int RunScale(lianxin::DemoScale scale, std::uint64_t seed) {
  const lianxin::Config config = lianxin::Config::Defaults();
  CountyByCounty sink(config);
  const auto start = std::chrono::steady_clock::now();
  lianxin::Status status = lianxin::GenerateDemo({scale, seed, 0}, config, sink);
  if (status.ok()) status = sink.Flush();
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 3;
  }
  const double total = Seconds(std::chrono::steady_clock::now() - start);
  std::printf("machine: %ld cores, %s\n", sysconf(_SC_NPROCESSORS_ONLN), Cpu().c_str());
  std::printf("scale: %d counties, %ld households, %ld covered, %ld uncovered items, %ld violations\n",
              sink.counties, sink.households, sink.covered, sink.uncovered, sink.violations);
  std::printf("pairing: %.1f s (generating the registry too: %.1f s total), peak RSS %ld MiB\n",
              sink.pairing_seconds, total, PeakRssKiB() / 1024);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--scale")) continue;
    lianxin::Result<lianxin::DemoScale> scale = lianxin::ParseDemoScale(argv[i + 1]);
    if (!scale.ok()) {
      std::fprintf(stderr, "%s\n", scale.status().ToString().c_str());
      return 2;
    }
    std::uint64_t seed = 1;
    for (int j = 1; j + 1 < argc; j += 2) {
      if (!std::strcmp(argv[j], "--seed")) seed = std::strtoull(argv[j + 1], nullptr, 10);
    }
    return RunScale(*scale, seed);
  }
  int runs = 5, villages = 0;
  std::uint64_t seed = 1;
  std::string explain;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seed")) seed = std::strtoull(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--villages")) villages = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--explain")) explain = argv[i + 1];
  }
  const lianxin::Config config = lianxin::Config::Defaults();
  PairingInput in;
  in.needs = config.needs;
  lianxin::PairingInputSink sink(in);
  const lianxin::Status generated =
      lianxin::GenerateDemo({lianxin::DemoScale::kCounty, seed, villages}, config, sink);
  if (!generated.ok()) {
    std::fprintf(stderr, "%s\n", generated.ToString().c_str());
    return 3;
  }
  const long rss_input = PeakRssKiB();
  std::printf("machine: %ld cores, %s\n", sysconf(_SC_NPROCESSORS_ONLN), Cpu().c_str());
  std::printf("input: %zu villages, %zu units, %zu cadres, %zu households, %zu orgs\n", in.villages.size(),
              in.units.size(), in.cadres.size(), in.households.size(), in.orgs.size());

  const lianxin::PairingRules rules;
  auto time = [&](const PairingInput& input, lianxin::PairingResult& out) {
    std::vector<double> t;
    for (int r = 0; r < runs; ++r) {
      const auto start = std::chrono::steady_clock::now();
      lianxin::Result<lianxin::PairingResult> result = lianxin::ComputePairing(input, rules);
      t.push_back(Seconds(std::chrono::steady_clock::now() - start));
      if (!result.ok()) {
        std::fprintf(stderr, "%s\n", result.status().ToString().c_str());
        std::exit(3);
      }
      out = std::move(*result);
    }
    return Median(t);
  };
  lianxin::PairingResult first;
  const double t_first = time(in, first);
  const long rss_first = PeakRssKiB();
  std::printf("first run: %.3f s (median of %d)\n", t_first, runs);
  std::printf(
      "  villages %d/%d, households %d/%d covered, needy %d (assisted %d, quota %d), tier mismatches %d, "
      "skill-matched %d, cadres %d/%d with contact, leaders %d/%d, weak branches %d/%d, county leaders %d "
      "(non-public %d, social %d), violations %d+%d, objective %.1f, uncovered %zu\n",
      first.villages_paired, first.villages_total, first.households_covered, first.households_total,
      first.needy_total, first.needy_assisted, first.assistance_quota, first.tier_mismatches,
      first.skill_matched_pairs, first.cadres_with_contact, first.cadres_total, first.leaders_with_branch,
      first.leaders_total, first.weak_branches_covered, first.weak_branches_total, first.county_leaders_total,
      first.county_leaders_with_non_public, first.county_leaders_with_social, first.quota_violations,
      first.rule_violations, first.objective, first.uncovered.size());
  for (std::size_t i = 0; i < first.uncovered.size() && i < 5; ++i) {
    std::printf("  uncovered %s %s: %s\n", std::string(lianxin::Token(first.uncovered[i].kind)).c_str(),
                first.uncovered[i].id.c_str(), first.uncovered[i].reason.c_str());
  }

  in.previous = first.pairs;
  lianxin::PairingResult again;
  const double t_again = time(in, again);
  std::printf("re-run, same input: %.3f s, moved %d\n", t_again, again.moved);

  // 1 % churn: every 100th household gains or loses a need and its income moves.
  int changed = 0;
  for (std::size_t i = 0; i < in.households.size(); i += 100) {
    lianxin::Household& h = in.households[i];
    if (h.needs.empty()) {
      h.needs.push_back(config.needs[i % config.needs.size()].label);
    } else {
      h.needs.pop_back();
    }
    h.income_per_capita = h.income_per_capita * 7 / 10;
    lianxin::ScoreDifficulty(config, h);
    ++changed;
  }
  lianxin::PairingResult churned;
  const double t_churn = time(in, churned);
  const std::size_t pairs = first.pairs.unit_villages.size() + first.pairs.assistance.size() +
                            first.pairs.contacts.size() + first.pairs.contact_points.size();
  std::printf("re-run after %d households changed: %.3f s, moved %d of %zu pairs (%.2f %%)\n", changed,
              t_churn, churned.moved, pairs, 100.0 * churned.moved / static_cast<double>(pairs));
  std::printf(
      "peak RSS: %ld MiB after the first runs (input alone %ld MiB, so pairing and its result %ld MiB); %ld "
      "MiB at the end\n",
      rss_first / 1024, rss_input / 1024, (rss_first - rss_input) / 1024, PeakRssKiB() / 1024);

  const auto start = std::chrono::steady_clock::now();
  std::size_t alternatives = 0;
  for (std::size_t i = 0; i < in.households.size(); i += in.households.size() / 10) {
    auto why = lianxin::ExplainHousehold(in, rules, churned, in.households[i].code);
    if (why.ok()) alternatives += why->alternatives.size();
  }
  if (explain == "assisted" && !churned.pairs.assistance.empty())
    explain = churned.pairs.assistance[0].household_code;
  if (!explain.empty()) {
    auto why = lianxin::ExplainHousehold(in, rules, churned, explain);
    if (!why.ok()) {
      std::printf("%s\n", why.status().ToString().c_str());
    } else {
      for (const std::string& rule : why->rules) std::printf("  %s\n", rule.c_str());
      for (const lianxin::Alternative& a : why->alternatives) {
        std::printf("  alternative %s %s: %+.1f points, %d more goals missed %s\n",
                    std::string(lianxin::Token(a.pairing)).c_str(), a.code.c_str(), a.cost_delta,
                    a.coverage_delta, a.note.c_str());
      }
    }
  }
  std::printf("explain: %.3f s per household (%zu alternatives over 10)\n",
              Seconds(std::chrono::steady_clock::now() - start) / 10, alternatives);
  return 0;
}
