// The configuration: every rule, weight and limit of Lianxin in one place.
//
// Defaults live in code (`Config::Defaults()`); `lianxin.toml` overrides any
// of them; `lianxin config show` prints the effective result as TOML that
// `Config::Load` reads back unchanged. Unknown keys are an error naming the
// key, so a misspelt setting never silently does nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lianxin/status.hpp"
#include "lianxin/validate.hpp"

namespace lianxin {

// One need tag (PRODUCT.md §2.1): the task it gives an assistance pair, the
// cadre skills that match it, and its weight in the difficulty score.
struct NeedRule {
  std::string label;                  // 低收入
  std::vector<std::string> synonyms;  // other ways offices write it
  std::string task;                   // 增收: raise per-capita income to a target
  std::vector<std::string> skills;    // 农技, 养殖, 营销, 组织
  double difficulty_weight = 0;
};

// The difficulty score (富裕难度) of a household and its tier. The score is
//   income_weight × clamp((income_line − income) / income_line, 0, 1)
//   + Σ weight of each need + dangerous_housing_weight (危房)
//   + per_member_weight × max(0, size − 4)
// and the tier is hardest at or above `hardest_at`, harder at or above
// `harder_at`, easier below.
struct DifficultyRules {
  std::int64_t income_line = 6000;  // yuan per person per year
  double income_weight = 40;
  double dangerous_housing_weight = 15;
  double per_member_weight = 2;
  double hardest_at = 55;
  double harder_at = 30;
};

struct Config {
  std::string timezone = "Asia/Shanghai";
  // Where the key for ID numbers and phones lives; empty means "<db>.key".
  std::string key_file;
  // SQLite waits this long for a lock before giving up.
  int busy_timeout_ms = 5000;
  // trace | debug | info | warn | error | off; logs go to standard error and
  // never carry ID numbers or phones.
  std::string log_level = "warn";
  std::vector<NeedRule> needs;
  Dictionary skills;
  DifficultyRules difficulty;

  static Config Defaults();
  // Reads a TOML file over the defaults; a missing file at the default path
  // is not an error (pass required=true for a path the user named).
  static Result<Config> Load(const std::string& path, bool required);
  std::string ToToml() const;

  // The needs as a dictionary for ParseNeeds.
  Dictionary NeedDictionary() const;
};

// Computes a household's difficulty score and tier under the rules.
struct Household;
void ScoreDifficulty(const Config& config, Household& household);

}  // namespace lianxin
