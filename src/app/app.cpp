#include "lianxin/app.hpp"

#include <spdlog/spdlog.h>

#include "lianxin/api.hpp"
#include "lianxin/appeals_api.hpp"
#include "lianxin/fieldwork_api.hpp"
#include "lianxin/inspection_api.hpp"
#include "lianxin/ledger_api.hpp"
#include "lianxin/notice_api.hpp"
#include "lianxin/open311_api.hpp"
#include "lianxin/pairing_api.hpp"
#include "lianxin/public_api.hpp"
#include "lianxin/registry_api.hpp"
#include "lianxin/settings_api.hpp"
#include "lianxin/system_api.hpp"
#include "store/sql/sql.hpp"

namespace lianxin {

namespace {
// A flat object of a few strings (username, password, TOTP code…).
const RouteLimits kSmallJsonBody{.body_limit = 16 * 1024,
                                 .json = JsonLimits{.max_depth = 2, .max_values = 64}};
}  // namespace

Result<std::unique_ptr<App>> App::Open(const std::string& path, const Config& config, const Clock& clock) {
  std::unique_ptr<App> app(new App(config, clock));
  app->path_ = path;
  app->started_millis_ = clock.NowMillis();
  StoreOptions options;
  options.key_file = config.key_file;
  options.busy_timeout_ms = config.busy_timeout_ms;
  options.create = false;
  options.clock = &clock;
  app->metrics_ = std::make_shared<Metrics>();
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> write_store, Store::Open(path, options));
  // The console's settings over the file (参数与字典).
  LX_ASSIGN_OR_RETURN(std::vector<StoredSetting> stored, write_store->Settings());
  SettingsApplied applied = ApplySettings(config, stored);
  for (const auto& [section, why] : applied.problems)
    spdlog::warn("控制台保存的参数 [{}] 未生效,沿用配置文件: {}", section, why);
  app->live_.Replace(std::move(applied.config));
  app->reads_ = std::make_unique<StorePool>([path, options] { return Store::Open(path, options); });
  WriterOptions writer;
  writer.max_batch = config.server.group_commit ? config.server.max_batch : 1;
  // No read snapshot is kept between requests while a batch is written, so
  // the checkpoint after its commit waits for no idle one (store_pool.hpp).
  StorePool* reads = app->reads_.get();
  writer.before_batch = [reads] { reads->HoldReads(); };
  writer.after_batch = [reads] { reads->AllowKeptReads(); };
  app->writer_ = std::make_unique<GroupCommitWriter>(std::move(write_store), writer, app->metrics_.get());
  // Accounts, sessions and audit events are written by the same writer: one
  // connection writes, and sign-ins share its group commits.
  LX_ASSIGN_OR_RETURN(app->users_, Store::OpenUserRepository(path, options, app->writer_.get()));
  app->auth_ = std::make_unique<AuthService>(*app->users_, config.auth, clock);
  std::string outbox = config.server.outbox;
  if (outbox.empty()) outbox = (sql::IsPostgres(path) ? config.key_file : path) + ".outbox.jsonl";
  app->notifier_ = std::make_unique<FileNotifier>(outbox);
  return app;
}

App::~App() { Stop(); }

void App::StartSweeps() {
  if (sweeper_.joinable()) return;
  sweeper_ = std::thread([this] {
    std::unique_lock lock(sweep_mutex_);
    while (!stopping_) {
      lock.unlock();
      Result<int> sent = NotifyOverdueAppeals(*writer_, clock_, *notifier_);
      if (!sent.ok()) spdlog::warn("超期提醒未能完成: {}", sent.status().message());
      lock.lock();
      sweep_wake_.wait_for(lock, std::chrono::minutes(1), [this] { return stopping_; });
    }
  });
}

void App::Stop() {
  {
    std::lock_guard lock(sweep_mutex_);
    stopping_ = true;
  }
  sweep_wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
  if (writer_) writer_->Stop();
}

Router App::BuildRouter() {
  Router router;
  ApiOptions api;
  api.tls = !config_.server.tls_cert.empty();
  api.expected_origin = config_.server.origin;
  api.trusted_proxies = SplitAddresses(config_.server.trusted_proxies);
  ApiRouter gate(router, *auth_, api);
  AddSessionRoutes(gate);
  AddAccountRoutes(gate, *users_);
  AddRegistryRoutes(gate, {*writer_, *reads_, live_, *users_, clock_});
  AddPairingRoutes(gate, *writer_, *reads_, live_);
  AddFieldworkRoutes(gate, {*writer_, *reads_, live_, clock_, *notifier_});
  AddAppealRoutes(gate, {*writer_, *reads_, live_, clock_, *notifier_});
  AddPublicRoutes(gate, {*writer_, *reads_, live_, clock_, *notifier_});
  AddNoticeRoutes(gate, {*writer_, *reads_, live_, clock_, *notifier_});
  AddInspectionRoutes(gate, {*writer_, *reads_, live_, clock_, *notifier_});
  AddLedgerRoutes(gate, {*writer_, *reads_, live_, clock_, *notifier_});
  AddOpen311Routes(gate, {*writer_, *reads_, live_, clock_, *notifier_});
  AddSettingsRoutes(gate, {*writer_, *reads_, config_, live_, *users_, clock_});
  AddOpenApiRoute(gate);
  AddSystemRoutes(gate, {*reads_, *auth_, clock_, path_, started_millis_});
  // Routes anyone may reach before signing in, or whose body is a few short
  // strings: their body is read only up to this, and parsed only this deep,
  // so an unauthenticated 8 MiB "[[[…" costs nothing.
  for (const char* pattern : {"/api/v1/session", "/api/v1/me/password", "/api/v1/me/totp/confirm",
                              "/api/v1/public/card", "/api/v1/public/appeals", "/api/v1/public/appeals/list",
                              "/api/v1/public/appeals/{id}/rate", "/api/v1/public/ratings"}) {
    router.Limit("POST", pattern, kSmallJsonBody);
  }
  // Work whose memory comes and goes in bulk: a pairing solve, an upload's
  // parse, an export. A few at a time, and their memory given back after.
  router.SetHeavyConcurrency(config_.server.heavy_concurrency, config_.server.heavy_queue);
  for (const RouteInfo& route : router.Routes()) {
    std::string_view pattern = route.pattern;
    bool heavy = pattern == "/api/v1/pairing/run" || pattern == "/api/v1/pairing/preview" ||
                 pattern.starts_with("/api/v1/pairing/explain/") || pattern.ends_with("/upload") ||
                 pattern.ends_with("/export");
    if (heavy) router.Limit(route.method, route.pattern, {.heavy = true});
  }
  return router;
}

ServerOptions App::server_options() const {
  const ServerConfig& s = config_.server;
  ServerOptions options;
  options.listen = s.listen;
  options.threads = s.threads;
  options.handler_threads = s.handler_threads;
  options.body_limit = static_cast<std::uint64_t>(s.body_limit);
  options.header_limit = static_cast<std::uint32_t>(s.header_limit);
  options.json = {.max_depth = s.json_max_depth, .max_values = s.json_max_values};
  options.max_connections = s.max_connections;
  options.max_connections_per_address = s.max_connections_per_address;
  options.read_timeout = std::chrono::milliseconds(s.read_timeout_ms);
  options.write_timeout = std::chrono::milliseconds(s.write_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(s.idle_timeout_ms);
  options.drain_timeout = std::chrono::milliseconds(s.drain_timeout_ms);
  options.tls_cert_file = s.tls_cert;
  options.tls_key_file = s.tls_key;
  return options;
}

}  // namespace lianxin
