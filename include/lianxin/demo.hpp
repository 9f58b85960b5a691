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

#include "lianxin/config.hpp"
#include "lianxin/registry.hpp"
#include "lianxin/status.hpp"

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

}  // namespace lianxin
