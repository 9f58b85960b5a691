// The pairing API through the gate, on a real SQLite file holding a small
// demo county: a county admin signed in with a real session previews, runs,
// explains, pins and unpins; a township admin of another township is kept
// out of households that are not theirs.
#include "lianxin/pairing_api.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>

#include "lianxin/demo.hpp"
#include "lianxin/pairing_service.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

constexpr char kPassword[] = "Lianxin-2026-safe";
// Households live in the first villages of township 001 only (DemoOptions).
constexpr char kHousehold[] = "1499010010010001";
constexpr char kOtherTownship[] = "149901013000";

using Headers = std::vector<std::pair<std::string, std::string>>;

class PairingApiTest : public ::testing::Test {
 protected:
  // The demo county is generated once; each test works on its own copy.
  static void SetUpTestSuite() {
    template_dir_ = new TempDir;
    std::unique_ptr<Store> store = OpenOrDie(*template_dir_ / "county.db");
    ASSERT_NE(store, nullptr);
    std::unique_ptr<WriteTxn> txn = std::move(store->Begin("demo")).value();
    TxnSink sink(*txn);
    ASSERT_TRUE(GenerateDemo({.household_villages = 3}, Config::Defaults(), sink).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  static void TearDownTestSuite() {
    delete template_dir_;
    template_dir_ = nullptr;
  }

  void SetUp() override {
    path_ = dir_ / "county.db";
    const std::string target = CopyTestDb(*template_dir_ / "county.db", path_);
    repository_ = std::move(Store::OpenUserRepository(DbTarget(path_), DbOptions(path_))).value();
    // Argon2 at its lowest cost: the tests sign in, they do not measure hashing.
    policy_.argon2_opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
    policy_.argon2_memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
    auth_ = std::make_unique<AuthService>(*repository_, policy_, SystemClock());
    CreateUser("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, "149901"});
    CreateUser("township", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kOtherTownship});

    writer_ = std::make_unique<GroupCommitWriter>(OpenOrDie(path_), WriterOptions{}, nullptr);
    reads_ = std::make_unique<StorePool>(
        [this] { return Store::Open(DbTarget(path_), DbOptions(path_, nullptr, false)); });
    api_ = std::make_unique<ApiRouter>(router_, *auth_, ApiOptions{});
    AddSessionRoutes(*api_);
    AddPairingRoutes(*api_, *writer_, *reads_, live_);
    county_ = SignIn("county");
    township_ = SignIn("township");
  }

  void CreateUser(const std::string& username, const std::set<Role>& roles, const Scope& scope) {
    const Actor sysadmin{"cli:test", "local"};  // the local operator: no approval needed
    Result<CreatedUser> created = auth_->CreateUser(sysadmin, username, username, roles, scope);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    // A password set by the admin, not a one-time one: the session is not restricted.
    Status set = auth_->SetPassword(sysadmin, username, kPassword, false);
    ASSERT_TRUE(set.ok()) << set.ToString();
  }

  // Signs in through the API; the headers a state-changing request sends.
  Headers SignIn(const std::string& username) {
    HttpResponse in = Call("POST", "/api/v1/session",
                           nlohmann::json{{"username", username}, {"password", kPassword}}.dump());
    EXPECT_EQ(in.status, 200) << in.body;
    if (in.status != 200) return {};
    nlohmann::json body = nlohmann::json::parse(in.body);
    EXPECT_FALSE(body["must_change_password"].get<bool>());
    std::string cookie(in.headers.Get("Set-Cookie").value_or(""));
    return {{"Cookie", "lx_session=" + std::string(CookieValue(cookie, "lx_session"))},
            {"X-CSRF-Token", body["csrf_token"].get<std::string>()}};
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                    const Headers& headers = {}) {
    HttpRequest request;
    request.method = method;
    EXPECT_TRUE(request.SetTarget(target).ok());
    request.body = body;
    request.remote_address = "127.0.0.1";
    if (!body.empty()) request.headers.Set("Content-Type", "application/json");
    for (const auto& [name, value] : headers) request.headers.Set(name, value);
    return router_.Handle(request);
  }

  // Calls as the county admin and parses the answer, which must have `status`.
  nlohmann::json CountyCall(const std::string& method, const std::string& target, const nlohmann::json& body,
                            int status) {
    HttpResponse response = Call(method, target, body.is_null() ? "" : body.dump(), county_);
    EXPECT_EQ(response.status, status) << method << " " << target << ": " << response.body;
    return nlohmann::json::parse(response.body, nullptr, false);
  }

  PairingState Pairs() {
    Result<StorePool::Lease> store = reads_->Acquire();
    EXPECT_TRUE(store.ok());
    return store.ok() ? *(*store)->Pairs() : PairingState{};
  }
  PairingState Pins() {
    Result<StorePool::Lease> store = reads_->Acquire();
    EXPECT_TRUE(store.ok());
    return store.ok() ? *(*store)->Pins() : PairingState{};
  }

  static TempDir* template_dir_;
  TempDir dir_;
  std::string path_;
  Config config_ = Config::Defaults();
  LiveConfig live_{config_};
  std::unique_ptr<UserRepository> repository_;
  AuthPolicy policy_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<GroupCommitWriter> writer_;
  std::unique_ptr<StorePool> reads_;
  Router router_;
  std::unique_ptr<ApiRouter> api_;
  Headers county_, township_;
};

TempDir* PairingApiTest::template_dir_ = nullptr;

TEST_F(PairingApiTest, PreviewAnswersTheSummaryAndWritesNothing) {
  PairingState before = Pairs();
  nlohmann::json preview = CountyCall("POST", "/api/v1/pairing/preview", nlohmann::json::object(), 200);
  EXPECT_FALSE(preview["written"].get<bool>());
  EXPECT_GT(preview["households"]["total"].get<int>(), 0);
  EXPECT_GT(preview["changes"]["made"].get<int>(), 0) << "what a run would write";
  EXPECT_EQ(Pairs(), before);
  EXPECT_TRUE(before.contacts.empty());
  // A township admin may preview too, but not run.
  EXPECT_EQ(Call("POST", "/api/v1/pairing/preview", "{}", township_).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/pairing/run", "{}", township_).status, 403);
  EXPECT_EQ(Pairs(), before);
}

TEST_F(PairingApiTest, RunWritesPairsCoveringEveryHousehold) {
  nlohmann::json run = CountyCall("POST", "/api/v1/pairing/run", nlohmann::json::object(), 200);
  EXPECT_TRUE(run["written"].get<bool>());
  int total = run["households"]["total"].get<int>();
  EXPECT_GT(total, 0);
  EXPECT_EQ(run["households"]["covered"].get<int>(), total);
  PairingState pairs = Pairs();
  EXPECT_EQ(static_cast<int>(pairs.contacts.size()), total);
  EXPECT_FALSE(pairs.unit_villages.empty());
  // A second run keeps every pair.
  nlohmann::json again = CountyCall("POST", "/api/v1/pairing/run", nlohmann::json::object(), 200);
  EXPECT_EQ(again["changes"]["made"], 0);
  EXPECT_EQ(Pairs(), pairs);
  Result<StorePool::Lease> store = reads_->Acquire();
  ASSERT_TRUE(store.ok());
  std::int64_t checked = 0;
  EXPECT_TRUE((*store)->VerifyJournal(&checked).ok());
}

TEST_F(PairingApiTest, ExplainAnswersWithinScopeOnly) {
  nlohmann::json why = CountyCall("GET", std::string("/api/v1/pairing/explain/") + kHousehold, nullptr, 200);
  EXPECT_EQ(why["household"], kHousehold);
  EXPECT_EQ(why["village"], "149901001001");
  EXPECT_FALSE(why["contact"].get<std::string>().empty());
  EXPECT_FALSE(why["rules"].empty());
  // The same explanation as the service gives (and `lianxin pair --explain`).
  {
    Result<StorePool::Lease> store = reads_->Acquire();
    ASSERT_TRUE(store.ok());
    Result<Explanation> direct = ExplainPairing(**store, config_, kHousehold);
    ASSERT_TRUE(direct.ok()) << direct.status().ToString();
    EXPECT_EQ(why, ExplanationJson(*direct));
  }
  EXPECT_TRUE(Pairs().contacts.empty()) << "explaining writes nothing";

  CountyCall("GET", "/api/v1/pairing/explain/1499010010019999", nullptr, 404);
  HttpResponse outside = Call("GET", std::string("/api/v1/pairing/explain/") + kHousehold, "", township_);
  EXPECT_EQ(outside.status, 404);
  EXPECT_NE(outside.body.find("not_found"), std::string::npos) << outside.body;
}

// The exit gate through the API: a village pinned to another unit while the
// unit holding it has open tasks there is refused (409, not planned again
// as a stale plan would be); the county admin's reason lets it through.
TEST_F(PairingApiTest, TheExitGateRefusesARunUntilTheCountyAdminSaysWhy) {
  EXPECT_EQ(
      CountyCall("POST", "/api/v1/pairing/run", nlohmann::json{{"exit_override", 5}}, 400)["error"]["field"],
      "exit_override");
  CountyCall("POST", "/api/v1/pairing/run", nlohmann::json::object(), 200);
  const PairingState first = Pairs();
  ASSERT_GE(first.unit_villages.size(), 2u);
  // A village whose unit's cadres hold open tasks there (every new assistance pair made some).
  std::unique_ptr<Store> store = OpenOrDie(path_);
  std::optional<UnitVillage> held;
  for (const UnitVillage& pair : first.unit_villages) {
    for (const CadreHousehold& assistance : first.assistance) {
      if (held || !assistance.household_code.starts_with(pair.village_code)) continue;
      if (!store->TasksOf(assistance.household_code)->empty()) held = pair;
    }
  }
  ASSERT_TRUE(held.has_value()) << "the run made no task in a held village";
  std::string other_unit;
  for (const UnitVillage& pair : first.unit_villages) {
    if (pair.unit_code != held->unit_code) other_unit = pair.unit_code;
  }
  store.reset();
  CountyCall("POST", "/api/v1/pairing/pins",
             nlohmann::json{{"kind", "unit_village"},
                            {"holder", other_unit},
                            {"held", held->village_code},
                            {"reason", "县委调整包村单位"}},
             201);
  nlohmann::json refused = CountyCall("POST", "/api/v1/pairing/run", nlohmann::json::object(), 409);
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("exit_gate"), std::string::npos) << refused;
  EXPECT_EQ(Pairs(), first) << "nothing written";
  nlohmann::json run = CountyCall("POST", "/api/v1/pairing/run",
                                  nlohmann::json{{"exit_override", "县委调整包村单位,任务移交"}}, 200);
  EXPECT_TRUE(run["written"].get<bool>());
  EXPECT_NE(Pairs(), first);
}

TEST_F(PairingApiTest, PinNeedsAReasonAndAKnownKind) {
  nlohmann::json pin = {{"kind", "contact"}, {"holder", "149901C00001"}, {"held", kHousehold}};
  nlohmann::json refused = CountyCall("POST", "/api/v1/pairing/pins", pin, 400);
  EXPECT_EQ(refused["error"]["field"], "reason");
  pin["reason"] = "  ";
  EXPECT_EQ(CountyCall("POST", "/api/v1/pairing/pins", pin, 400)["error"]["field"], "reason");
  pin["reason"] = "户主要求";
  pin["kind"] = "friendship";
  EXPECT_EQ(CountyCall("POST", "/api/v1/pairing/pins", pin, 400)["error"]["field"], "kind");
  pin["kind"] = "contact";
  pin["held"] = "1499010010019999";
  CountyCall("POST", "/api/v1/pairing/pins", pin, 404);
  EXPECT_EQ(CountyCall("POST", "/api/v1/pairing/pins", "not json", 400)["error"]["field"], "body");
  EXPECT_TRUE(Pins().contacts.empty());
  // Only the county pins.
  pin["held"] = kHousehold;
  EXPECT_EQ(Call("POST", "/api/v1/pairing/pins", pin.dump(), township_).status, 403);
  EXPECT_TRUE(Pins().contacts.empty());
}

TEST_F(PairingApiTest, APinIsKeptByTheNextRunAndCanBeRemovedOnce) {
  CountyCall("POST", "/api/v1/pairing/run", nlohmann::json::object(), 200);
  PairingState pairs = Pairs();
  ASSERT_FALSE(pairs.contacts.empty());
  // Household H of village V moves, by hand, to another cadre contacting in V.
  const CadreHousehold first = pairs.contacts.front();
  const std::string village = first.household_code.substr(0, 12);
  auto other = std::find_if(pairs.contacts.begin(), pairs.contacts.end(), [&](const CadreHousehold& p) {
    return p.household_code.substr(0, 12) == village && p.cadre_code != first.cadre_code;
  });
  ASSERT_NE(other, pairs.contacts.end());
  const CadreHousehold pinned{other->cadre_code, first.household_code};

  nlohmann::json pin = {{"kind", "contact"},
                        {"holder", pinned.cadre_code},
                        {"held", pinned.household_code},
                        {"reason", "户主要求由该干部联系"}};
  nlohmann::json made = CountyCall("POST", "/api/v1/pairing/pins", pin, 201);
  EXPECT_TRUE(made["pinned"].get<bool>());
  EXPECT_TRUE(made["next_run_applies"].get<bool>());
  EXPECT_EQ(Pins().contacts, std::vector<CadreHousehold>{pinned});
  EXPECT_EQ(Pairs(), pairs) << "a pin waits for the next run";
  // Explaining tells what is stored, not what a solve now would make.
  const std::string explain = "/api/v1/pairing/explain/" + first.household_code;
  EXPECT_EQ(CountyCall("GET", explain, nullptr, 200)["contact"], first.cadre_code);

  nlohmann::json run = CountyCall("POST", "/api/v1/pairing/run", nlohmann::json::object(), 200);
  EXPECT_EQ(run["pins"]["total"], 1);
  EXPECT_EQ(run["pins"]["kept"], 1);
  std::vector<CadreHousehold> contacts = Pairs().contacts;
  EXPECT_NE(std::find(contacts.begin(), contacts.end(), pinned), contacts.end());
  EXPECT_EQ(std::find(contacts.begin(), contacts.end(), first), contacts.end());
  nlohmann::json why = CountyCall("GET", explain, nullptr, 200);
  EXPECT_EQ(why["contact"], pinned.cadre_code);
  EXPECT_NE(why.dump().find("人工锁定"), std::string::npos) << why.dump();

  pin.erase("reason");
  nlohmann::json removed = CountyCall("DELETE", "/api/v1/pairing/pins", pin, 200);
  EXPECT_TRUE(removed["unpinned"].get<bool>());
  EXPECT_TRUE(Pins().contacts.empty());
  CountyCall("DELETE", "/api/v1/pairing/pins", pin, 404);
}

}  // namespace
}  // namespace lianxin::testing
