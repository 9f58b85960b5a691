// A whole server (App::BuildRouter: every route behind the gate) over a copy
// of a small demo county, driven through Router::Handle with real sessions,
// for the API tests that span modules (registry, access matrix, golden
// exchanges, crash and backup tests use the binary instead).
#pragma once

#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "lianxin/app.hpp"
#include "lianxin/demo.hpp"
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
  static void SetUpTestSuite() {
    template_dir_ = new TempDir;
    const std::string path = *template_dir_ / "county.db";
    Result<std::unique_ptr<Store>> store = Store::Open(DbTarget(path), DbOptions(path));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::unique_ptr<WriteTxn> txn = std::move((*store)->Begin("demo")).value();
    TxnSink sink(*txn);
    ASSERT_TRUE(GenerateDemo({.household_villages = 2}, Config::Defaults(), sink).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  static void TearDownTestSuite() {
    delete template_dir_;
    template_dir_ = nullptr;
  }

  void SetUp() override {
    path_ = dir_ / "county.db";
    const std::string target = CopyTestDb(*template_dir_ / "county.db", path_);
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

  static inline TempDir* template_dir_ = nullptr;
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
