// The demo county (PRODUCT.md §6): a synthetic registry shaped like the
// seed's 壶关县, deterministic for a seed, streamed record by record so the
// `city` and `province` presets run in bounded memory.
//
// Records arrive at the sink in an order that imports: for each county its
// regions (county, townships, villages), units, orgs, cadres, then for each
// household the household followed by its members. All codes lie under
// 149xxx, a prefix that belongs to no real county, so no generated ID number
// can be a real person's; every ID number has a valid check digit, every
// phone is a valid mobile number, all names are synthetic.
#pragma once

#include <cstdint>
#include <string>

#include "lianxin/clock.hpp"
#include "lianxin/config.hpp"
#include "lianxin/registry.hpp"
#include "lianxin/status.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

enum class DemoScale {
  kCounty,    // 1 county: 13 townships, 390 villages, ~90 k households
  kCity,      // 11 counties, ~1 M households
  kProvince,  // 110 counties, ~10 M households
};
Result<DemoScale> ParseDemoScale(std::string_view text);

struct DemoOptions {
  DemoScale scale = DemoScale::kCounty;
  std::uint64_t seed = 1;
  // When positive, households (and members) are generated for only the first
  // this many villages of each county; regions, units, orgs and cadres stay
  // whole. A small but complete registry, for tests.
  int household_villages = 0;
};

// Generates the registry into `sink`, stopping at the first error the sink
// returns. Households carry their difficulty score and tier computed with
// `config` (ScoreDifficulty), as an import of the same rows would.
Status GenerateDemo(const DemoOptions& options, const Config& config, RegistrySink& sink);

// A year of field work on a paired registry (PRODUCT.md §6, issue "Field
// work" 9), in the households of the first `townships` townships of each
// county: visits at each pairing's cadence, appeals round the 12345 loop,
// progress on assistance tasks. Cadres differ as real ones do — most keep
// the cadence; some visit only after the campaign dates of `[visits]`,
// some stop halfway, some come only when the household has asked, some
// phone instead of going, some answer appeals slowly and let them go
// overdue — so the three rates and the three phenomena differ between them.
// Written a day per transaction, `clock` (the store's) moved through the
// year that ends at its time now; deterministic for a seed. With
// `cards_csv`, the households are given cards and their codes written
// there (mode 0600), for the public page.
struct FieldworkOptions {
  std::uint64_t seed = 1;
  int townships = 3;
  std::string cards_csv;
};
struct FieldworkReport {
  int visits = 0, appeals = 0, cards = 0;
};
Result<FieldworkReport> GenerateFieldwork(Store& store, ManualClock& clock, const Config& config,
                                          const FieldworkOptions& options);

}  // namespace lianxin
