// The whole server assembled in one place: the stores, the writer, the auth
// service and every route behind the gate. `lianxin serve` runs it; the API
// tests (access matrix, golden exchanges, OpenAPI) build the same router, so
// what they check is what users reach.
//
//   LX_ASSIGN_OR_RETURN(std::unique_ptr<App> app, App::Open("county.db", config, SystemClock()));
//   HttpServer server(app->server_options(), app->BuildRouter(), app->metrics());
//   ...
//   server.Stop();
//   app->Stop();  // commits what is queued
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "lianxin/access.hpp"
#include "lianxin/auth.hpp"
#include "lianxin/clock.hpp"
#include "lianxin/config.hpp"
#include "lianxin/http.hpp"
#include "lianxin/metrics.hpp"
#include "lianxin/notify.hpp"
#include "lianxin/settings.hpp"
#include "lianxin/store.hpp"
#include "lianxin/store_pool.hpp"
#include "lianxin/writer.hpp"

namespace lianxin {

class App {
 public:
  // Opens the database at `path` (it must exist: `lianxin demo` or an import
  // makes it) with its key file, a write connection for the writer, a pool
  // of read connections and the user repository. `clock` must outlive the App.
  static Result<std::unique_ptr<App>> Open(const std::string& path, const Config& config, const Clock& clock);
  ~App();

  // Every route of the server behind the gate; ApiOptions from the config
  // (TLS when a certificate is set, the expected Origin).
  Router BuildRouter();
  ServerOptions server_options() const;
  std::shared_ptr<Metrics> metrics() const { return metrics_; }
  AuthService& auth() { return *auth_; }
  UserRepository& users() { return *users_; }
  GroupCommitWriter& writer() { return *writer_; }
  StorePool& reads() { return *reads_; }
  // The configuration file's (what the server was started with), and the
  // one in force: the file's with the console's settings over it
  // (settings.hpp), replaced when the console changes one.
  const Config& config() const { return config_; }
  const LiveConfig& live_config() const { return live_; }
  Notifier& notifier() { return *notifier_; }
  // Starts the server's own periodic work: every minute, the overdue notice
  // of each appeal past its deadline (appeals_api.hpp). `lianxin serve` runs
  // it; the API tests call NotifyOverdueAppeals with their own clock.
  void StartSweeps();
  // Stops the sweeps and the writer after committing what is queued; call after the HTTP
  // server has stopped (its in-flight requests may be waiting on a commit).
  void Stop();

 private:
  App(const Config& config, const Clock& clock) : config_(config), live_(config), clock_(clock) {}
  Config config_;
  LiveConfig live_;
  const Clock& clock_;
  std::string path_;  // the database, for the health page
  std::int64_t started_millis_ = 0;
  std::shared_ptr<Metrics> metrics_;
  std::unique_ptr<UserRepository> users_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<GroupCommitWriter> writer_;
  std::unique_ptr<StorePool> reads_;
  std::unique_ptr<Notifier> notifier_;
  std::mutex sweep_mutex_;
  std::condition_variable sweep_wake_;
  bool stopping_ = false;
  std::thread sweeper_;
};

}  // namespace lianxin
