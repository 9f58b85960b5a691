// A whole server (App::BuildRouter: every route behind the gate) over a copy
// of a small demo county, driven through Router::Handle with real sessions,
// for the API tests that span modules (registry, access matrix, golden
// exchanges, crash and backup tests use the binary instead).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "lianxin/app.hpp"
#include "lianxin/demo.hpp"
#include "lianxin/pairing_service.hpp"
#include "test_util.hpp"

namespace lianxin::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The demo county's code, a township with households (DemoOptions
// household_villages puts them in the first villages of township 001) and
// another without.
inline constexpr char kCounty[] = "149901";
inline constexpr char kTownship[] = "149901001000";
inline constexpr char kOtherTownship[] = "149901013000";
inline constexpr char kApiPassword[] = "Lianxin-2026-safe";

struct SignedInAs {
  Headers headers;  // Cookie and X-CSRF-Token
  std::string username;
};

class ApiFixture : public ::testing::Test {
 protected:
  // The small demo county every test copies, made once for all the test
  // processes of one build (ctest runs each test in a process of its own):
  // SharedTemplate(false) is the registry alone, SharedTemplate(true) the
  // county paired, as POST /api/v1/pairing/run does for the county admin
  // "county". A suite whose every test starts paired says
  //   static void SetUpTestSuite() { template_ = SharedTemplate(true); }
  static void SetUpTestSuite() { template_ = SharedTemplate(false); }
  static void TearDownTestSuite() { template_.clear(); }

  // Made under a lock in the temp dir, keyed by this test binary (its size
  // and time: a rebuild makes it again), the backend and the PostgreSQL
  // cluster, so no process uses a template another build or cluster made.
  // Earlier builds' templates are removed when this build makes one.
  static std::string SharedTemplate(bool paired) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    const char* cluster = std::getenv("LIANXIN_TEST_PG");
    const std::string build = std::to_string(
        std::hash<std::string>{}(self.string() + "|" + std::to_string(fs::file_size(self, ec)) + "|" +
                                 std::to_string(fs::last_write_time(self, ec).time_since_epoch().count())));
    const std::string backend =
        OnPostgres() ? "pg" + std::to_string(std::hash<std::string>{}(cluster ? cluster : "")) : "sqlite";
    const std::string key = build + "_" + backend;
    const fs::path root = fs::temp_directory_path() / ("lianxin-api-templates-" + std::to_string(::getuid()));
    fs::create_directories(root, ec);
    const int lock = ::open((root / "lock").c_str(), O_CREAT | O_RDWR, 0600);
    EXPECT_GE(lock, 0) << "cannot open " << (root / "lock");
    if (lock >= 0) ::flock(lock, LOCK_EX);
    const fs::path dir = root / build / backend / (paired ? "paired" : "registry");
    const std::string path = (dir / "county.db").string();
    const fs::path pg_name = dir / "postgres-database";
    if (fs::exists(dir / "ready")) {
      if (OnPostgres()) TestDatabases()[path] = ReadFile(pg_name);
    } else {
      // Earlier builds' templates (never this build's other backend: its
      // tests may be copying from them right now).
      for (const fs::directory_entry& other : fs::directory_iterator(root, ec)) {
        if (other.is_directory() && other.path().filename() != build) fs::remove_all(other.path(), ec);
      }
      fs::remove_all(dir, ec);
      fs::create_directories(dir, ec);
      MakeTemplate(path, paired);
      if (::testing::Test::HasFatalFailure()) {
        fs::remove_all(dir, ec);
      } else {
        if (OnPostgres()) {
          // A name no test process's database can take (they are t<pid>_<n>), kept for the
          // cluster's life.
          const std::string name = "tpl_" + key + (paired ? "_paired" : "_registry");
          OnTestCluster("DROP DATABASE IF EXISTS " + name);
          OnTestCluster("ALTER DATABASE " + TestDatabases().at(path) + " RENAME TO " + name);
          TestDatabases()[path] = name;
          std::ofstream(pg_name) << name;
        }
        std::ofstream(dir / "ready") << "ready\n";
      }
    }
    if (lock >= 0) ::close(lock);
    return path;
  }

  static void MakeTemplate(const std::string& path, bool paired) {
    Result<std::unique_ptr<Store>> store = Store::Open(DbTarget(path), DbOptions(path));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::unique_ptr<WriteTxn> txn = std::move((*store)->Begin("demo")).value();
    TxnSink sink(*txn);
    ASSERT_TRUE(GenerateDemo({.household_villages = 2}, Config::Defaults(), sink).ok());
    ASSERT_TRUE(txn->Commit().ok());
    if (!paired) return;
    PairRunOptions options;
    options.actor = "county";
    options.county = kCounty;
    Result<PairRun> run = RunPairing(**store, Config::Defaults(), options);
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    ASSERT_TRUE(run->written);
  }

  void SetUp() override {
    path_ = dir_ / "county.db";
    const std::string target = CopyTestDb(template_, path_);
    Config config = Config::Defaults();
    // Argon2 at its lowest cost: these tests sign in, they do not measure hashing.
    config.auth.argon2_opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
    config.auth.argon2_memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
    config.auth.totp_required_roles.clear();
    config.auth.totp_for_personal_data = false;
    // These tests sign in hundreds of times a second from one address.
    config.auth.signin_per_address_per_minute = 0;
    config.auth.signin_per_account_per_minute = 0;
    config.key_file = path_ + ".key";
    config.server.outbox = dir_ / "outbox.jsonl";
    const Clock& clock = manual_clock_ ? static_cast<const Clock&>(clock_) : SystemClock();
    Result<std::unique_ptr<App>> app = App::Open(target, config, clock);
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(*app);
    router_ = app_->BuildRouter();
  }

  // An account with these roles and scope, signed in, its session unrestricted.
  SignedInAs SignIn(const std::string& username, const std::set<Role>& roles, const Scope& scope) {
    Actor cli{"cli:test", "local"};
    Result<CreatedUser> created = app_->auth().CreateUser(cli, username, username, roles, scope);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    Status set = app_->auth().SetPassword(cli, username, kApiPassword, false);
    EXPECT_TRUE(set.ok()) << set.ToString();
    return SignInAgain(username);
  }

  // A new session for an account SignIn made (after the clock moved past
  // the old one's idle limit).
  SignedInAs SignInAgain(const std::string& username) {
    HttpResponse in = Call("POST", "/api/v1/session",
                           nlohmann::json{{"username", username}, {"password", kApiPassword}}.dump());
    EXPECT_EQ(in.status, 200) << in.body;
    if (in.status != 200) return {};
    std::string cookie(in.headers.Get("Set-Cookie").value_or(""));
    std::string csrf = nlohmann::json::parse(in.body)["csrf_token"];
    return {
        {{"Cookie", "lx_session=" + std::string(CookieValue(cookie, "lx_session"))}, {"X-CSRF-Token", csrf}},
        username};
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                    const Headers& headers = {}) {
    HttpRequest request;
    request.method = method;
    EXPECT_TRUE(request.SetTarget(target).ok()) << target;
    request.body = body;
    request.remote_address = "127.0.0.1";
    request.id = "test-" + std::to_string(++requests_);
    if (!body.empty()) request.headers.Set("Content-Type", "application/json");  // `headers` may replace it
    for (const auto& [name, value] : headers) request.headers.Set(name, value);
    return router_.Handle(request);
  }

  static nlohmann::json Json(const HttpResponse& response) {
    return nlohmann::json::parse(response.body, nullptr, false);
  }

  // The notifications the server sent so far (its outbox), one JSON object each.
  std::vector<nlohmann::json> Outbox() const {
    std::ifstream in(dir_ / "outbox.jsonl");
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  static inline std::string template_;  // SharedTemplate's county.db
  // A suite that moves time sets manual_clock_ before ApiFixture::SetUp; the
  // server then reads clock_, which starts at the real now.
  bool manual_clock_ = false;
  ManualClock clock_{SystemClock().NowMillis()};
  TempDir dir_;
  std::string path_;
  std::unique_ptr<App> app_;
  Router router_;
  int requests_ = 0;
};

}  // namespace lianxin::testing
