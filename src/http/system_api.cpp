#include "lianxin/system_api.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lianxin/api.hpp"
#include "store/sql/sql.hpp"

namespace lianxin {

namespace {

using nlohmann::json;

// The kernel's view of this process: resident memory and threads.
json ProcessJson() {
  std::int64_t rss_pages = 0, threads = 0;
  {
    std::ifstream statm("/proc/self/statm");
    std::int64_t size = 0;
    statm >> size >> rss_pages;
  }
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("Threads:")) threads = std::atoll(line.c_str() + 8);
  }
  return {{"rss_bytes", rss_pages * ::sysconf(_SC_PAGESIZE)}, {"threads", threads}};
}

json HostJson(const std::string& database) {
  json load = json::array();
  std::ifstream loadavg("/proc/loadavg");
  for (int i = 0; i < 3; ++i) {
    double value = 0;
    if (loadavg >> value) load.push_back(value);
  }
  json host = {{"load_average", std::move(load)}};
  // The disk the database file is on (a PostgreSQL server's disk is its own).
  if (!sql::IsPostgres(database)) {
    std::error_code ec;
    const std::filesystem::space_info space =
        std::filesystem::space(std::filesystem::absolute(database).parent_path(), ec);
    if (!ec) {
      host["disk_free_bytes"] = space.available;
      host["disk_total_bytes"] = space.capacity;
    }
  }
  return host;
}

}  // namespace

void AddSystemRoutes(ApiRouter& api, SystemApiDeps deps) {
  api.Add("GET", "/api/v1/system/health", [deps](HttpRequest&, const Caller&) {
    const std::int64_t now = deps.clock.NowMillis();
    const bool postgres = sql::IsPostgres(deps.database);
    json database = {{"backend", postgres ? "postgresql" : "sqlite"}};
    Result<StorePool::Lease> store = deps.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<int> schema = (*store)->SchemaVersion();
    if (!schema.ok()) return HttpResponse::Error(schema.status());
    database["schema_version"] = *schema;
    Result<std::string> head = (*store)->JournalHead();
    if (!head.ok()) return HttpResponse::Error(head.status());
    database["journal_head"] = *head;
    if (!postgres) {
      // The file and its write-ahead log.
      std::uintmax_t bytes = 0;
      for (const std::string& file : {deps.database, deps.database + "-wal"}) {
        std::error_code ec;
        const std::uintmax_t size = std::filesystem::file_size(file, ec);
        if (!ec) bytes += size;
      }
      database["bytes"] = bytes;
    }
    Result<std::vector<Session>> sessions = deps.auth.OnlineSessions();
    if (!sessions.ok()) return HttpResponse::Error(sessions.status());
    return HttpResponse::Json(200, {{"started_at", TimeOrNull(deps.started_millis)},
                                    {"uptime_seconds", (now - deps.started_millis) / 1000},
                                    {"database", std::move(database)},
                                    {"sessions_online", sessions->size()},
                                    {"process", ProcessJson()},
                                    {"host", HostJson(deps.database)}});
  });
}

}  // namespace lianxin
