// What the configuration's reader shares with the settings kept in the
// store (settings.cpp): reading a TOML document over a configuration, with
// every check `Config::Load` makes, and the configuration as a TOML table.
#pragma once

#include <toml++/toml.h>

#include <string>

#include "lianxin/config.hpp"

namespace lianxin::config_internal {

// Reads `root` over `config`: the keys it holds replace those of `config`,
// an array (needs, skills, topics, campaign dates) replaces it whole. Unknown
// keys, wrong types and values out of range are refused with the key as the
// field ("pairing.contact_load", "needs[2].label"). `config_path` is where
// relative paths (appeals.holiday_file) are found.
Status ApplyToml(const toml::table& root, const std::string& config_path, Config& config);

// Every key of `config`, as `lianxin config show` prints it.
toml::table ToTable(const Config& config);

}  // namespace lianxin::config_internal
