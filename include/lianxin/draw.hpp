// Draws anyone can repeat (PRODUCT.md §4: 不打招呼督查 and 回访核验): which
// villages and households an unannounced inspection visits, and which
// logged visits are called back. The seed is published before the draw
// (for example the previous monthly notice's journal root hash), so no one
// can choose the sample, and anyone can draw again and get the same one.
//
// The rule, simple enough to check by hand: each candidate's key is
//   BLAKE2b-256(seed "|" purpose "|" code)            (hex, lower case)
// — what `printf '%s' 'SEED|PURPOSE|CODE' | b2sum -l 256` prints — and the
// sample is the candidates with the smallest keys.
//
//   std::vector<std::string> villages = DrawSample(seed, "2026-12:villages:149901001000", candidates, 2);
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lianxin {

std::string DrawKey(std::string_view seed, std::string_view purpose, std::string_view code);

// The `count` candidates with the smallest keys, in key order (all of them
// when there are fewer). Duplicates count once.
std::vector<std::string> DrawSample(std::string_view seed, std::string_view purpose,
                                    std::vector<std::string> candidates, std::size_t count);

// An inspection's sample for a month: per township, `villages` villages;
// in each, `households` households.
struct InspectionDraw {
  std::map<std::string, std::vector<std::string>> villages_by_township;
  std::map<std::string, std::vector<std::string>> households_by_village;
};
struct InspectionCandidates {
  std::map<std::string, std::vector<std::string>> villages_by_township;
  std::map<std::string, std::vector<std::string>> households_by_village;
};
InspectionDraw DrawInspection(std::string_view seed, std::string_view month,
                              const InspectionCandidates& candidates, std::size_t villages,
                              std::size_t households);

// The logged visits to call back: `share` (0–1) of them, rounded up.
std::vector<std::string> DrawCallbacks(std::string_view seed, std::string_view month,
                                       std::vector<std::string> visit_ids, double share);

}  // namespace lianxin
