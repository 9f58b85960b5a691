// Server health (服务监控, PRODUCT.md §7) for the system admin's console:
//
//   GET /api/v1/system/health → {"started_at", "uptime_seconds",
//        "database": {"backend", "schema_version", "bytes", "journal_head"},
//        "sessions_online", "process": {"rss_bytes", "threads"},
//        "host": {"load_average": [1, 5, 15 min], "disk_free_bytes",
//        "disk_total_bytes"}}
//
// What the system admin needs to see the server is well — nothing of any
// county's records, no secret. `/healthz` stays the load balancer's probe.
#pragma once

#include <cstdint>
#include <string>

#include "lianxin/access.hpp"
#include "lianxin/auth.hpp"
#include "lianxin/clock.hpp"
#include "lianxin/store_pool.hpp"

namespace lianxin {

struct SystemApiDeps {
  StorePool& reads;
  AuthService& auth;
  const Clock& clock;
  std::string database;  // the path or URI the server opened
  std::int64_t started_millis = 0;
};

void AddSystemRoutes(ApiRouter& api, SystemApiDeps deps);

}  // namespace lianxin
