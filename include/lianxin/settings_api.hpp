// 参数与字典 in the console (settings.hpp), behind the gate (access.hpp):
//
//   GET  /api/v1/settings                    every settable section: the values in force,
//                                            the file's, what the console keeps over it,
//                                            its version, who changed it and when, and a
//                                            problem when what is kept no longer applies
//                                            sysadmin, county_admin, auditor
//   PUT  /api/v1/settings/{section}          {"values": {key: value…} | [entries…],
//                                             "version": N} → the section as it now stands;
//                                            409 setting_stale when N is not the stored
//                                            version; 422 naming "values.<key>"   sysadmin
//   POST /api/v1/settings/{section}/reset    {"version": N}: the section follows the file
//                                            again                                sysadmin
//
// A change takes effect for every request after it (LiveConfig). A change to
// the needs or the difficulty rules scores the households again in the same
// transaction ("rescored": how many changed). Audited as settings_change.
//
//   AddSettingsRoutes(gate, {writer, reads, file_config, live, users, clock});
#pragma once

#include "lianxin/access.hpp"
#include "lianxin/auth.hpp"
#include "lianxin/clock.hpp"
#include "lianxin/config.hpp"
#include "lianxin/settings.hpp"
#include "lianxin/store_pool.hpp"
#include "lianxin/writer.hpp"

namespace lianxin {

struct SettingsApiDeps {
  GroupCommitWriter& writer;
  StorePool& reads;
  const Config& file;  // the configuration file's, under the console's settings
  LiveConfig& live;    // replaced on each change
  UserRepository& audit;
  const Clock& clock;
};

// Holds references to all it is given, which must outlive the router.
void AddSettingsRoutes(ApiRouter& api, const SettingsApiDeps& deps);

}  // namespace lianxin
