// 参数与字典 (PRODUCT.md §7): the business rules and dictionaries a system
// admin changes in the console, kept in the store over the configuration
// file. The file (lianxin.toml, or the defaults) stays the base: a section
// the console never touched follows the file, and resetting a section in
// the console hands it back to the file.
//
// The store keeps, per section, a TOML document holding that section alone
// and only the keys that differ from the file, so a later change to the file
// still reaches every key the console left alone. Every command that opens a
// store (`lianxin pair`, `import`, `serve` …) applies them the same way:
//
//   LX_ASSIGN_OR_RETURN(std::vector<StoredSetting> stored, store.Settings());
//   SettingsApplied applied = ApplySettings(file_config, stored);
//   // applied.config is in force; applied.problems names what could not apply
//
// What stays in the file only: [server] and [auth] (read when the server
// starts; the security policy is the security admin's, not the console's),
// timezone, key_file, busy_timeout_ms, log_level and appeals.holiday_file.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lianxin/config.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

// The sections the console may set, in the order the console shows them:
// the dictionaries — skills (技能), needs (需求标签, each with its task, its
// matching skills and its weight) — and the parameters: appeals (12345
// limits, rate weights and the topic dictionary), difficulty (富裕难度),
// pairing, visits (cadence and the three phenomena), scoring and ledger.
const std::vector<std::string_view>& SettableSections();
bool IsSettableSection(std::string_view section);

// Whether a change to `section` changes households' difficulty scores and
// tiers (needs' weights, the difficulty rules): the stored scores are then
// computed again in the same transaction (RescoreHouseholds).
bool SectionScoresHouseholds(std::string_view section);

struct SettingsApplied {
  Config config;  // `file` with every stored section that applies over it
  // Sections kept in the store that could not apply over the file as it is
  // now (the file lost a skill a stored need names …): the section and why.
  // Those sections follow the file until an admin saves or resets them.
  std::vector<std::pair<std::string, std::string>> problems;
};
SettingsApplied ApplySettings(const Config& file, const std::vector<StoredSetting>& stored);

// A section of `config` as JSON: an object of its keys, or the array of its
// entries for needs and skills ([{label, synonyms, …}]).
nlohmann::json SectionJson(const Config& config, std::string_view section);

// What `setting` keeps over the file, shaped as SectionJson (only the keys
// it sets); null when it keeps nothing or cannot be read.
nlohmann::json StoredJson(const StoredSetting& setting);

// What the console asks to keep for `section`: `values` shaped as
// SectionJson gives them — for a section of keys, any of its keys (the rest
// keep the file's); for needs and skills the whole list. Checked over `file`
// with the other stored sections, by the same rules as the file. Gives the
// TOML to keep ("" when everything equals the file). Refusals are
// kInvalidInput with the field named as in the request body:
// "values.contact_load", "values[2].label".
Result<std::string> SettingToml(const Config& file, const std::vector<StoredSetting>& stored,
                                std::string_view section, const nlohmann::json& values);

// The configuration a running server uses: the file's with the stored
// settings over it, replaced whole when the console changes one. A request
// takes the snapshot in force when it starts and keeps it to its end.
//
// Threads: Current and Replace from any thread.
class LiveConfig {
 public:
  explicit LiveConfig(Config config) : current_(std::make_shared<const Config>(std::move(config))) {}
  std::shared_ptr<const Config> Current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void Replace(Config config) {
    auto next = std::make_shared<const Config>(std::move(config));
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Config> current_;
};

}  // namespace lianxin
