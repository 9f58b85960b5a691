// Appeals through the API on the small demo county: an operator files a
// household's appeal and it reaches the household's contact cadre at once;
// the cadre signs and replies, the operator closes and records the rating;
// the loop refuses what it does not allow, naming what it does; a 退单
// suggests the next handler of the route; an overdue appeal is noticed once
// and supervised; the three rates are counted for the county's month. Every
// step is journaled and the journal verifies.
#include "lianxin/appeals_api.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "api_fixture.hpp"
#include "lianxin/inspect.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

constexpr std::int64_t kHour = 3'600'000;

class AppealsApiTest : public ApiFixture {
 protected:
  static void SetUpTestSuite() { template_ = SharedTemplate(true); }  // the county paired
  void SetUp() override {
    manual_clock_ = true;
    ApiFixture::SetUp();
    if (HasFatalFailure()) return;
    county_ = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
    operator_ = SignIn("op12345", {Role::kOperator}, {ScopeKind::kRegion, kCounty});
    std::unique_ptr<Store> store = OpenOrDie(path_);
    ASSERT_NE(store, nullptr);
    Result<PairingState> pairs = store->Pairs(kCounty);
    ASSERT_TRUE(pairs.ok() && !pairs->contacts.empty());
    cadre_ = pairs->contacts.front().cadre_code;
    household_ = pairs->contacts.front().household_code;
    for (const CadreHousehold& pair : pairs->contacts) {
      if (pair.cadre_code != cadre_) {
        other_cadre_ = pair.cadre_code;
        break;
      }
    }
    ASSERT_FALSE(other_cadre_.empty());
  }

  json File(const json& body, const SignedInAs& as, int expected = 201) {
    HttpResponse filed = Call("POST", "/api/v1/appeals", body.dump(), as.headers);
    EXPECT_EQ(filed.status, expected) << filed.body;
    return Json(filed);
  }

  HttpResponse Act(const std::string& id, const json& body, const SignedInAs& as) {
    return Call("POST", "/api/v1/appeals/" + id + "/actions", body.dump(), as.headers);
  }

  // Moves the clock on and signs everyone in again (sessions idle out).
  void Later(std::int64_t millis, std::initializer_list<SignedInAs*> others = {}) {
    clock_.Advance(millis);
    for (SignedInAs* as : {&county_, &operator_}) *as = SignInAgain(as->username);
    for (SignedInAs* as : others) *as = SignInAgain(as->username);
  }

  json Help(const std::string& urgency = "general") {
    return {{"household", household_},
            {"type", "help"},
            {"topic", "饮水供水"},
            {"urgency", urgency},
            {"content", "自来水停了三天"}};
  }

  SignedInAs county_, operator_;
  std::string cadre_, household_, other_cadre_;
};

TEST_F(AppealsApiTest, AnAppealGoesToTheContactCadreAndRoundTheLoopToItsRating) {
  json appeal = File(Help(), operator_);
  const std::string id = appeal["id"];
  EXPECT_EQ(appeal["state"], "dispatched");
  EXPECT_EQ(appeal["handler"], cadre_) << "the household's contact cadre gets it first";
  EXPECT_EQ(appeal["handler_kind"], "cadre");
  EXPECT_EQ(appeal["cadre"], cadre_);
  EXPECT_EQ(appeal["topic"], "water");
  EXPECT_EQ(appeal["channel"], "operator");
  EXPECT_FALSE(appeal["deadline"].is_null());
  std::vector<json> told = Outbox();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0]["kind"], "new_appeal");
  EXPECT_EQ(told[0]["recipient"], cadre_);
  EXPECT_EQ(told[0]["appeal"], id);

  SignedInAs cadre = SignIn("wangjh", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  json mine = Json(Call("GET", "/api/v1/appeals?open=1", "", cadre.headers));
  ASSERT_EQ(mine["items"].size(), 1u) << mine.dump();
  EXPECT_EQ(mine["items"][0]["id"], id);
  json seen = Json(Call("GET", "/api/v1/appeals/" + id, "", cadre.headers));
  EXPECT_EQ(seen["actions"], (json{"sign", "return"})) << seen.dump();

  Later(kHour, {&cadre});
  HttpResponse signed_ = Act(id, {{"action", "sign"}}, cadre);
  ASSERT_EQ(signed_.status, 200) << signed_.body;
  EXPECT_EQ(Json(signed_)["state"], "handling");
  ASSERT_EQ(Act(id, {{"action", "progress"}, {"note", "已联系供水站检修"}}, cadre).status, 200);
  HttpResponse replied = Act(id, {{"action", "答复"}, {"note", "水管已修好,今天恢复供水"}}, cadre);
  ASSERT_EQ(replied.status, 200) << replied.body;
  EXPECT_EQ(Json(replied)["reply"], "水管已修好,今天恢复供水");
  // Closing and rating are the dispatcher's, not the cadre's.
  EXPECT_EQ(Act(id, {{"action", "close"}}, cadre).status, 403);
  ASSERT_EQ(Act(id, {{"action", "close"}}, operator_).status, 200);
  told = Outbox();
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[1]["kind"], "evaluation_request");
  EXPECT_EQ(told[1]["recipient"], household_);
  HttpResponse rated = Act(id, {{"action", "rate"}, {"solved", true}, {"satisfaction", "满意"}}, operator_);
  ASSERT_EQ(rated.status, 200) << rated.body;
  EXPECT_EQ(Json(rated)["state"], "rated");
  EXPECT_EQ(Json(rated)["satisfaction"], "satisfied");

  json whole = Json(Call("GET", "/api/v1/appeals/" + id, "", county_.headers));
  std::vector<std::string> actions;
  for (const json& step : whole["steps"]) actions.push_back(step["action"]);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"file", "dispatch", "sign", "progress", "reply", "close", "rate"}));
  EXPECT_EQ(whole["steps"][2]["actor"], "wangjh");
  EXPECT_EQ(whole["actions"], json::array()) << "a rated appeal is finished";

  std::unique_ptr<Store> store = OpenOrDie(path_);
  std::int64_t checked = 0;
  Status verified = store->VerifyJournal(&checked);
  EXPECT_TRUE(verified.ok()) << verified.ToString();
  int steps = 0, rows = 0;
  std::vector<JournalEntry> entries = *store->ReadJournal(0, 1'000'000);
  for (const JournalEntry& e : entries) {
    steps += e.entity == "appeal_steps";
    rows += e.entity == "appeals";
  }
  EXPECT_EQ(steps, 7);
  EXPECT_EQ(rows, 6) << "the appeal written once per step that changed it (a progress note is only a step)";
}

TEST_F(AppealsApiTest, AStepTheLoopDoesNotAllowIsRefusedNamingTheOnesItDoes) {
  const std::string id = File(Help(), operator_)["id"];
  HttpResponse early = Act(id, {{"action", "reply"}, {"note", "好"}}, operator_);
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_NE(early.body.find("签收"), std::string::npos) << early.body;
  EXPECT_NE(early.body.find("退单"), std::string::npos) << early.body;
  EXPECT_NE(early.body.find("appeal_transition"), std::string::npos) << early.body;
  // A reason is required to send it back; an unknown action is named.
  HttpResponse no_reason = Act(id, {{"action", "return"}}, operator_);
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_NE(no_reason.body.find("\"field\":\"note\""), std::string::npos) << no_reason.body;
  HttpResponse unknown = Act(id, {{"action", "approve"}}, operator_);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("\"field\":\"action\""), std::string::npos) << unknown.body;
  // Supervising before the deadline is refused.
  EXPECT_EQ(Act(id, {{"action", "supervise"}}, operator_).status, 409);

  // Another cadre neither sees it nor may sign it.
  SignedInAs other = SignIn("zhaoliu", {Role::kCadre}, {ScopeKind::kCadre, other_cadre_});
  EXPECT_EQ(Call("GET", "/api/v1/appeals/" + id, "", other.headers).status, 404);
  EXPECT_EQ(Act(id, {{"action", "sign"}}, other).status, 404);
  json listed = Json(Call("GET", "/api/v1/appeals", "", other.headers));
  for (const json& item : listed["items"]) EXPECT_NE(item["id"], id);
}

TEST_F(AppealsApiTest, EveryFieldOfAFilingIsCheckedAndNamed) {
  auto field_of = [&](json body) {
    HttpResponse r = Call("POST", "/api/v1/appeals", body.dump(), operator_.headers);
    EXPECT_EQ(r.status, 400) << r.body;
    return Json(r)["error"]["field"].get<std::string>();
  };
  json base = Help();
  json bad = base;
  bad["topic"] = "天气";
  EXPECT_EQ(field_of(bad), "topic");
  bad = base;
  bad["type"] = "抱怨";
  EXPECT_EQ(field_of(bad), "type");
  bad = base;
  bad["urgency"] = "soon";
  EXPECT_EQ(field_of(bad), "urgency");
  bad = base;
  bad["content"] = "";
  EXPECT_EQ(field_of(bad), "content");
  bad = base;
  bad["content"] = std::string(5000, 'x');
  EXPECT_EQ(field_of(bad), "content");
  bad = base;
  bad["channel"] = "card";
  EXPECT_EQ(field_of(bad), "channel");
  bad = base;
  bad.erase("household");
  EXPECT_EQ(field_of(bad), "household");
  bad = base;
  bad["household"] = "149901999999999";
  EXPECT_EQ(Call("POST", "/api/v1/appeals", bad.dump(), operator_.headers).status, 404);
  // Nothing was filed by any of them.
  json listed = Json(Call("GET", "/api/v1/appeals", "", county_.headers));
  EXPECT_TRUE(listed["items"].empty()) << listed.dump();
}

TEST_F(AppealsApiTest, AReturnedAppealSuggestsTheNextOfItsRouteAndAComplaintSkipsTheCadre) {
  SignedInAs cadre = SignIn("wangjh", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  const std::string id = File(Help(), operator_)["id"];
  HttpResponse returned = Act(id, {{"action", "退单"}, {"note", "供水归县水利局管"}}, cadre);
  ASSERT_EQ(returned.status, 200) << returned.body;
  EXPECT_EQ(Json(returned)["state"], "received");
  EXPECT_EQ(Json(returned)["returns"], 1);
  json seen = Json(Call("GET", "/api/v1/appeals/" + id, "", operator_.headers));
  ASSERT_TRUE(seen["suggested_handler"].is_object()) << seen.dump();
  EXPECT_NE(seen["suggested_handler"]["handler"], cadre_) << "the cadre that sent it back is passed over";
  EXPECT_EQ(seen["suggested_handler"]["kind"], "unit");
  EXPECT_EQ(seen["steps"][2]["handler"], cadre_) << "the return keeps who sent it back";

  HttpResponse nowhere = Act(id, {{"action", "dispatch"}, {"handler", "NOBODY"}}, operator_);
  EXPECT_EQ(nowhere.status, 400) << nowhere.body;
  EXPECT_NE(nowhere.body.find("\"field\":\"handler\""), std::string::npos);
  HttpResponse to_unit =
      Act(id, {{"action", "dispatch"}, {"handler", seen["suggested_handler"]["handler"]}}, operator_);
  ASSERT_EQ(to_unit.status, 200) << to_unit.body;
  EXPECT_EQ(Json(to_unit)["handler_kind"], "unit");

  // A complaint may be about the cadre: it starts at the township.
  json complaint = Help();
  complaint["type"] = "投诉";
  json filed = File(complaint, operator_);
  EXPECT_EQ(filed["handler_kind"], "region");
  EXPECT_EQ(filed["handler"], std::string(household_).substr(0, 9) + "000");
  // A cadre's own households only, and an appeal of its own visit is channel "visit".
  json from_visit = File(Help(), cadre);
  EXPECT_EQ(from_visit["channel"], "visit");
}

TEST_F(AppealsApiTest, AnOverdueAppealIsNoticedOnceSupervisedAndListedForTheBulletin) {
  const std::string id = File(Help("urgent"), operator_)["id"];
  EXPECT_EQ(*NotifyOverdueAppeals(app_->writer(), clock_, app_->notifier()), 0);
  Later(25 * kHour);  // past the 24 h limit
  json queue =
      Json(Call("GET", std::string("/api/v1/appeals?overdue=1&region=") + kTownship, "", county_.headers));
  ASSERT_EQ(queue["items"].size(), 1u) << queue.dump();
  EXPECT_TRUE(queue["items"][0]["overdue"].get<bool>());
  EXPECT_EQ(*NotifyOverdueAppeals(app_->writer(), clock_, app_->notifier()), 1);
  EXPECT_EQ(*NotifyOverdueAppeals(app_->writer(), clock_, app_->notifier()), 0) << "noticed once";
  std::vector<json> told = Outbox();
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[1]["kind"], "overdue");
  EXPECT_EQ(told[1]["recipient"], cadre_);

  // The cadre may not ask for more time now: 延期 is asked before the deadline.
  SignedInAs cadre = SignIn("wangjh", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  ASSERT_EQ(Act(id, {{"action", "sign"}}, cadre).status, 200);
  HttpResponse late = Act(id, {{"action", "extend"}, {"days", 3}, {"note", "等配件"}}, cadre);
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_NE(late.body.find("appeal_extend_late"), std::string::npos);

  SignedInAs inspector = SignIn("ducha", {Role::kInspector}, {ScopeKind::kRegion, kCounty});
  ASSERT_EQ(Act(id, {{"action", "supervise"}}, inspector).status, 200);
  HttpResponse second = Act(id, {{"action", "督办"}}, inspector);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Json(second)["reminders"], 2);
  EXPECT_TRUE(Json(second)["in_bulletin"].get<bool>());
  told = Outbox();
  ASSERT_EQ(told.size(), 4u);
  EXPECT_EQ(told[3]["kind"], "reminder");
  json bulletin = Json(Call("GET", "/api/v1/appeals?bulletin=1", "", county_.headers));
  ASSERT_EQ(bulletin["items"].size(), 1u);
  EXPECT_EQ(bulletin["items"][0]["id"], id);
}

TEST_F(AppealsApiTest, AnUnsatisfiedRatingReopensTheAppealWithANewDeadline) {
  SignedInAs cadre = SignIn("wangjh", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  const std::string id = File(Help(), operator_)["id"];
  ASSERT_EQ(Act(id, {{"action", "sign"}}, cadre).status, 200);
  ASSERT_EQ(Act(id, {{"action", "reply"}, {"note", "已反映"}}, cadre).status, 200);
  ASSERT_EQ(Act(id, {{"action", "close"}}, operator_).status, 200);
  json before = Json(Call("GET", "/api/v1/appeals/" + id, "", operator_.headers));
  Later(48 * kHour);
  HttpResponse rated =
      Act(id, {{"action", "rate"}, {"solved", false}, {"satisfaction", "unsatisfied"}}, operator_);
  ASSERT_EQ(rated.status, 200) << rated.body;
  json after = Json(rated);
  EXPECT_EQ(after["state"], "handling") << "重办: back to the same handler";
  EXPECT_EQ(after["handler"], cadre_);
  EXPECT_EQ(after["reopened"], 1);
  EXPECT_GT(after["deadline"].get<std::string>(), before["deadline"].get<std::string>());
}

TEST_F(AppealsApiTest, TheThreeRatesOfTheMonthAreCountedForTheCountyAndEachCadre) {
  SignedInAs cadre = SignIn("wangjh", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  // Three appeals: one signed at once and rated solved and satisfied; one
  // signed after two days and rated unsolved but basically satisfied; one
  // never signed.
  const std::string a = File(Help(), operator_)["id"];
  const std::string b = File(Help(), operator_)["id"];
  File(Help(), operator_);
  ASSERT_EQ(Act(a, {{"action", "sign"}}, cadre).status, 200);
  Later(48 * kHour, {&cadre});
  ASSERT_EQ(Act(b, {{"action", "sign"}}, cadre).status, 200);
  for (const auto& [id, solved, satisfaction] :
       {std::tuple{a, true, "satisfied"}, std::tuple{b, false, "basically_satisfied"}}) {
    ASSERT_EQ(Act(id, {{"action", "reply"}, {"note", "已处理"}}, cadre).status, 200);
    ASSERT_EQ(Act(id, {{"action", "close"}}, operator_).status, 200);
    ASSERT_EQ(
        Act(id, {{"action", "rate"}, {"solved", solved}, {"satisfaction", satisfaction}}, operator_).status,
        200);
  }
  const Date received = ChinaDateOf(clock_.NowMillis() - 48 * kHour);
  char month[16];
  std::snprintf(month, sizeof month, "%04d-%02d", received.year, received.month);
  HttpResponse response = Call("GET", std::string("/api/v1/rates?month=") + month, "", county_.headers);
  ASSERT_EQ(response.status, 200) << response.body;
  json rates = Json(response);
  EXPECT_EQ(rates["region"], kCounty);
  const json& total = rates["total"];
  EXPECT_EQ(total["dispatched"], 3);
  EXPECT_EQ(total["responded"], 1) << "signed within 24 h";
  EXPECT_EQ(total["rated"], 2);
  EXPECT_DOUBLE_EQ(total["response_rate"].get<double>(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(total["resolution_rate"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(total["satisfaction_rate"].get<double>(), 1.0);
  EXPECT_NEAR(total["score"].get<double>(), (30.0 / 3 + 35 * 0.5 + 35 * 1.0), 1e-9);
  ASSERT_EQ(rates["cadres"].size(), 1u);
  EXPECT_EQ(rates["cadres"][0]["code"], cadre_);
  EXPECT_EQ(rates["townships"][0]["code"], std::string(household_).substr(0, 9) + "000");
  // Another month counts nothing, and says so with nulls, not zeros.
  json empty = Json(Call("GET", "/api/v1/rates?month=2020-01", "", county_.headers));
  EXPECT_EQ(empty["total"]["dispatched"], 0);
  EXPECT_TRUE(empty["total"]["response_rate"].is_null());
  HttpResponse bad = Call("GET", "/api/v1/rates?month=2026-13", "", county_.headers);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"field\":\"month\""), std::string::npos);
}

TEST_F(AppealsApiTest, QueuesPageWithoutLosingOrRepeatingAnAppeal) {
  std::set<std::string> filed;
  for (int i = 0; i < 7; ++i) filed.insert(File(Help(), operator_)["id"].get<std::string>());
  for (const char* open : {"", "&open=1"}) {
    std::set<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
      json page = Json(Call(
          "GET", "/api/v1/appeals?limit=3" + std::string(open) + (cursor.empty() ? "" : "&cursor=" + cursor),
          "", county_.headers));
      for (const json& item : page["items"]) EXPECT_TRUE(seen.insert(item["id"]).second) << item["id"];
      cursor = page["next"].is_null() ? "" : page["next"].get<std::string>();
      ++pages;
    } while (!cursor.empty() && pages < 10);
    EXPECT_EQ(seen, filed) << open;
    EXPECT_EQ(pages, 3);
  }
  EXPECT_EQ(Call("GET", "/api/v1/appeals?cursor=junk", "", county_.headers).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/appeals?state=lost", "", county_.headers).status, 400);
}

// The dashboard: each township's households and coverage counted again
// from the registry and the pairs; the month's direct visits (a phone call
// left out) and open and overdue appeals in the household's own township;
// a township admin sees its villages and not the county.
TEST_F(AppealsApiTest, TheDashboardCountsEachAreaAsTheRegistryPairsVisitsAndAppealsSay) {
  class Households final : public RegistrySink {
   public:
    Status Add(const Region&) override { return Status::Ok(); }
    Status Add(const Unit&) override { return Status::Ok(); }
    Status Add(const Org&) override { return Status::Ok(); }
    Status Add(const Cadre&) override { return Status::Ok(); }
    Status Add(const Household& h) override {
      village_of[h.code] = h.village_code;
      return Status::Ok();
    }
    Status Add(const Member&) override { return Status::Ok(); }
    std::map<std::string, std::string> village_of;
  } registry;
  std::map<std::string, int> households, covered;
  {
    std::unique_ptr<Store> store = OpenOrDie(path_);
    ASSERT_TRUE(store->Scan(RecordKind::kHouseholds, registry).ok());
    Result<PairingState> pairs = store->Pairs(kCounty);
    ASSERT_TRUE(pairs.ok());
    std::set<std::string> held;
    for (const CadreHousehold& p : pairs->contacts) held.insert(p.household_code);
    for (const auto& [code, village] : registry.village_of) {
      const std::string township = village.substr(0, 9) + "000";
      ++households[township];
      covered[township] += held.count(code) ? 1 : 0;
    }
  }
  const std::string mine = registry.village_of[household_].substr(0, 9) + "000";
  SignedInAs cadre = SignIn("cadre1", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  for (const char* kind : {"home_visit", "phone"}) {
    ASSERT_EQ(
        Call("POST", "/api/v1/visits", json{{"household", household_}, {"kind", kind}}.dump(), cadre.headers)
            .status,
        201);
  }
  File(Help("urgent"), operator_);  // due in 24 hours

  auto area = [](const json& board, const std::string& code) {
    for (const json& a : board["areas"])
      if (a["code"] == code) return a;
    return json();
  };
  json board = Json(Call("GET", "/api/v1/dashboard", "", county_.headers));
  ASSERT_EQ(board["region"], kCounty) << board.dump();
  int total = 0;
  for (const json& a : board["areas"]) {
    const std::string code = a["code"];
    EXPECT_EQ(a["households"], households[code]) << code;
    EXPECT_EQ(a["covered"], covered[code]) << code;
    total += a["households"].get<int>();
  }
  EXPECT_EQ(board["total"]["households"], total);
  EXPECT_EQ(total, static_cast<int>(registry.village_of.size()));
  json here = area(board, mine);
  ASSERT_FALSE(here.is_null()) << mine;
  EXPECT_EQ(here["direct_visits"], 1) << "the phone call is not direct contact";
  EXPECT_EQ(here["visited_households"], 1);
  EXPECT_EQ(here["open_appeals"], 1);
  EXPECT_EQ(here["overdue_appeals"], 0);
  EXPECT_EQ(here["rates"]["dispatched"], 1);
  EXPECT_EQ(board["total"]["open_appeals"], 1);

  Later(25 * kHour);
  EXPECT_EQ(area(Json(Call("GET", "/api/v1/dashboard", "", county_.headers)), mine)["overdue_appeals"], 1)
      << "a day later the urgent appeal is past its deadline";

  SignedInAs township = SignIn("township1", {Role::kTownshipAdmin}, {ScopeKind::kRegion, mine});
  json villages = Json(Call("GET", "/api/v1/dashboard", "", township.headers));
  EXPECT_EQ(villages["region"], mine);
  ASSERT_FALSE(villages["areas"].empty());
  for (const json& a : villages["areas"])
    EXPECT_EQ(a["code"].get<std::string>().substr(0, 9), mine.substr(0, 9));
  EXPECT_EQ(area(villages, registry.village_of[household_])["direct_visits"], 1);
  EXPECT_EQ(Call("GET", "/api/v1/dashboard?region=149901", "", township.headers).status, 404)
      << "the county is above the township's scope";
  EXPECT_EQ(Call("GET", "/api/v1/dashboard?region=1499", "", county_.headers).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/dashboard?month=2026-13", "", county_.headers).status, 400);
}

// The monthly notice (每月公示) through the API: a draft counted now for
// those who oversee, published once by the county's admin with the root hash
// it was counted at, then read by anyone as it was published.
TEST_F(AppealsApiTest, TheMonthlyNoticeIsDraftedPublishedOnceAndReadByAnyone) {
  SignedInAs cadre = SignIn("cadre2", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  ASSERT_EQ(Call("POST", "/api/v1/visits", json{{"household", household_}, {"kind", "home_visit"}}.dump(),
                 cadre.headers)
                .status,
            201);
  json draft = Json(Call("GET", "/api/v1/notice", "", county_.headers));
  ASSERT_TRUE(draft.contains("total")) << draft.dump();
  EXPECT_TRUE(draft["published"].is_null());
  EXPECT_EQ(draft["region"], kCounty);
  EXPECT_GE(draft["total"]["direct_visits"].get<int>(), 1);
  for (const json& silent : draft["silent"]) EXPECT_NE(silent["code"], cadre_) << "the cadre visited";
  const std::string month = draft["month"];

  HttpResponse html = Call("GET", "/api/v1/notice?format=html", "", county_.headers);
  EXPECT_EQ(html.status, 200);
  EXPECT_EQ(html.headers.Get("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_NE(html.body.find(draft["title"].get<std::string>()), std::string::npos);
  EXPECT_EQ(html.headers.Get("Content-Security-Policy").value_or(""),
            "default-src 'none'; style-src 'unsafe-inline'");
  HttpResponse pdf = Call("GET", "/api/v1/notice?format=pdf", "", county_.headers);
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.rfind("%PDF", 0), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/notice?format=doc", "", county_.headers).status, 400);

  // Who may: the cadre reads no notice; a township's admin publishes none.
  EXPECT_EQ(Call("GET", "/api/v1/notice", "", cadre.headers).status, 403);
  SignedInAs township = SignIn("township", {Role::kTownshipAdmin}, {ScopeKind::kRegion, "149901001000"});
  EXPECT_NE(Call("GET", "/api/v1/notice?region=149901", "", township.headers).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/notice", "", township.headers).status, 200);
  const json body = {{"region", kCounty}, {"month", month}};
  EXPECT_EQ(Call("POST", "/api/v1/notices", body.dump(), township.headers).status, 403);

  HttpResponse published = Call("POST", "/api/v1/notices", body.dump(), county_.headers);
  ASSERT_EQ(published.status, 201) << published.body;
  const json record = Json(published);
  EXPECT_EQ(record["id"], std::string(kCounty) + ":" + month);
  EXPECT_EQ(record["published_by"], "county");
  EXPECT_EQ(record["journal"]["hash"].get<std::string>().size(), 64u);
  HttpResponse twice = Call("POST", "/api/v1/notices", body.dump(), county_.headers);
  EXPECT_EQ(twice.status, 409);
  EXPECT_NE(twice.body.find("notice_published"), std::string::npos);
  EXPECT_EQ(Json(Call("GET", "/api/v1/notice", "", county_.headers))["published"]["by"], "county");

  // Anyone: the list and the notice as published, without signing in.
  json list = Json(Call("GET", "/api/v1/public/notices"));
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0], record);
  json read = Json(Call("GET", "/api/v1/public/notices/" + record["id"].get<std::string>()));
  EXPECT_EQ(read["journal"], record["journal"]);
  EXPECT_EQ(read["total"], draft["total"]);
  EXPECT_EQ(Call("GET", "/api/v1/public/notices/149901:1999-01").status, 404);
  EXPECT_EQ(Json(Call("GET", "/api/v1/public/notices?region=149901002000"))["items"].size(), 0u);

  // The visiting cadre's dossier, for the county's admin; not for the cadre.
  const json dossier = Json(Call("GET", "/api/v1/cadres/" + cadre_ + "/dossier", "", county_.headers));
  EXPECT_EQ(dossier["cadre"], cadre_);
  EXPECT_GE(dossier["months"].back()["direct"].get<int>(), 1);
  EXPECT_EQ(Call("GET", "/api/v1/cadres/" + cadre_ + "/dossier?format=pdf", "", county_.headers)
                .body.rfind("%PDF", 0),
            0u);
  EXPECT_EQ(Call("GET", "/api/v1/cadres/" + cadre_ + "/dossier?from=2026-13-01", "", county_.headers).status,
            400);
  EXPECT_EQ(Call("GET", "/api/v1/cadres/" + cadre_ + "/dossier", "", cadre.headers).status, 403);
}

// An unannounced inspection (不打招呼督查): drawn from its seed — the same
// seed draws the same households, another seed others — hidden from the
// township until it closes, filled in household by household (a finding
// made a task for the cadre), its awareness rate counted, then closed.
TEST_F(AppealsApiTest, AnInspectionIsDrawnFromItsSeedHiddenUntilClosedAndCounted) {
  SignedInAs inspector = SignIn("inspector", {Role::kInspector}, {ScopeKind::kRegion, kCounty});
  const json params = {{"region", kCounty},
                       {"month", "2026-12"},
                       {"seed", "notice-root-hash"},
                       {"villages", 1},
                       {"households", 2}};
  HttpResponse opened = Call("POST", "/api/v1/inspections", params.dump(), inspector.headers);
  ASSERT_EQ(opened.status, 201) << opened.body;
  const json inspection = Json(opened);
  const std::string id = inspection["id"];
  ASSERT_GE(inspection["checks"].size(), 2u);
  EXPECT_EQ(inspection["state"], "open");
  std::set<std::string> drawn;
  for (const json& c : inspection["checks"]) drawn.insert(c["household"]);

  // Anyone can draw again from the published seed and get the same households.
  auto draw = [&](const std::string& seed) {
    std::unique_ptr<Store> store = OpenOrDie(path_);
    Inspection again{"", kCounty, "2026-12", seed, 1, 2};
    Result<InspectionDraw> sample = DrawFromStore(*store, again);
    EXPECT_TRUE(sample.ok()) << sample.status().ToString();
    std::set<std::string> households;
    if (sample.ok())
      for (const auto& [village, codes] : sample->households_by_village)
        households.insert(codes.begin(), codes.end());
    return households;
  };
  EXPECT_EQ(draw("notice-root-hash"), drawn);
  EXPECT_NE(draw("another-seed"), drawn);
  // … through the API too: a dry run returns the same sample and keeps nothing.
  json dry = params;
  dry["dry_run"] = true;
  HttpResponse repeated = Call("POST", "/api/v1/inspections", dry.dump(), inspector.headers);
  ASSERT_EQ(repeated.status, 200) << repeated.body;
  std::set<std::string> again;
  const json repeated_draw = Json(repeated);
  for (const json& v : repeated_draw["villages"])
    for (const json& h : v["households"]) again.insert(h.get<std::string>());
  EXPECT_EQ(again, drawn);
  EXPECT_EQ(Json(Call("GET", "/api/v1/inspections", "", inspector.headers))["items"].size(), 1u);
  // The checklist names whom the inspector asks about, as the registry does.
  for (const json& c : inspection["checks"]) {
    EXPECT_FALSE(c["head_name"].get<std::string>().empty()) << c.dump();
    EXPECT_FALSE(c["village_name"].get<std::string>().empty()) << c.dump();
    EXPECT_EQ(c["cadre_name"].get<std::string>().empty(), c["cadre"].get<std::string>().empty()) << c.dump();
  }

  // Hidden from the inspected while open: the township sees nothing, the cadre may not ask.
  const std::string household = inspection["checks"][0]["household"];
  const std::string township_code = household.substr(0, 9) + "000";
  SignedInAs township = SignIn("township", {Role::kTownshipAdmin}, {ScopeKind::kRegion, township_code});
  EXPECT_EQ(Json(Call("GET", "/api/v1/inspections", "", township.headers))["items"].size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/inspections/" + id, "", township.headers).status, 404);
  SignedInAs cadre = SignIn("cadre2", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  EXPECT_EQ(Call("GET", "/api/v1/inspections/" + id, "", cadre.headers).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/inspections", params.dump(), township.headers).status, 403);

  // The checklist.
  const std::string second = inspection["checks"][1]["household"];
  const std::string checks = "/api/v1/inspections/" + id + "/checks";
  HttpResponse first_check = Call(
      "POST", checks,
      json{{"household", household}, {"knows_cadre", true}, {"visits", "yes"}, {"satisfaction", "satisfied"}}
          .dump(),
      inspector.headers);
  ASSERT_EQ(first_check.status, 200) << first_check.body;
  HttpResponse second_check = Call("POST", checks,
                                   json{{"household", second},
                                        {"knows_cadre", false},
                                        {"visits", "no"},
                                        {"findings", "登记的两次走访群众说没有"},
                                        {"task", true}}
                                       .dump(),
                                   inspector.headers);
  ASSERT_EQ(second_check.status, 200) << second_check.body;
  const std::string task_key = Json(second_check)["checks"][1]["task"];
  // Answered again without the switch: the task made stays linked, and
  // stays as it was.
  HttpResponse again_check = Call("POST", checks,
                                  json{{"household", second},
                                       {"knows_cadre", false},
                                       {"visits", "no"},
                                       {"findings", "登记的两次走访群众说没有"}}
                                      .dump(),
                                  inspector.headers);
  ASSERT_EQ(again_check.status, 200) << again_check.body;
  EXPECT_EQ(Json(again_check)["checks"][1]["task"], task_key);
  const json figures = Json(again_check)["figures"];
  EXPECT_EQ(figures["tasks"], 1);
  EXPECT_EQ(Json(Call("GET", "/api/v1/inspections", "", inspector.headers))["items"][0]["figures"]["checked"],
            2)
      << "the list carries each inspection's figures";
  EXPECT_EQ(figures["checked"], 2);
  EXPECT_EQ(figures["awareness_rate"], 0.5);
  EXPECT_EQ(figures["visits_true_rate"], 0.5);
  EXPECT_EQ(figures["satisfaction_rate"], 1.0);
  EXPECT_EQ(figures["findings"], 1);
  {
    std::unique_ptr<Store> store = OpenOrDie(path_);
    Result<std::vector<Task>> tasks = store->TasksOf(second);
    ASSERT_TRUE(tasks.ok());
    const bool made = std::any_of(tasks->begin(), tasks->end(), [&](const Task& t) {
      return t.need == "督查整改 " + id && t.task == "登记的两次走访群众说没有";
    });
    EXPECT_TRUE(made) << "the finding is a task for the household's cadre";
  }
  EXPECT_EQ(Call("POST", checks,
                 json{{"household", "149901999999999"}, {"knows_cadre", true}, {"visits", "yes"}}.dump(),
                 inspector.headers)
                .status,
            404)
      << "a household not drawn";
  HttpResponse bad =
      Call("POST", checks, json{{"household", household}, {"knows_cadre", true}, {"visits", "maybe"}}.dump(),
           inspector.headers);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json(bad)["error"]["field"], "visits");

  // Closed: no more answers; the township reads its own households' rows.
  HttpResponse closed = Call("POST", "/api/v1/inspections/" + id + "/close", "", inspector.headers);
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(Json(closed)["state"], "closed");
  EXPECT_EQ(Call("POST", "/api/v1/inspections/" + id + "/close", "", inspector.headers).status, 409);
  EXPECT_EQ(
      Call("POST", checks, json{{"household", household}, {"knows_cadre", true}, {"visits", "yes"}}.dump(),
           inspector.headers)
          .status,
      409);
  const json seen = Json(Call("GET", "/api/v1/inspections/" + id, "", township.headers));
  ASSERT_TRUE(seen.contains("checks")) << seen.dump();
  EXPECT_FALSE(seen["checks"].empty());
  for (const json& c : seen["checks"])
    EXPECT_EQ(c["village"].get<std::string>().substr(0, 9), household.substr(0, 9));
  EXPECT_EQ(Json(Call("GET", "/api/v1/inspections", "", township.headers))["items"].size(), 1u);
}

// Callback checks (回访核验): a share of the month's direct visits drawn from
// the seed (phone calls are never drawn), the household's answer recorded by
// an operator, each cadre's denial rate counted; cadres never see the list.
TEST_F(AppealsApiTest, CallbacksDrawTheMonthsDirectVisitsAndCountDenials) {
  SignedInAs cadre = SignIn("cadre2", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  std::vector<std::string> direct;
  for (const char* kind : {"home_visit", "talk", "phone"}) {
    HttpResponse logged =
        Call("POST", "/api/v1/visits", json{{"household", household_}, {"kind", kind}}.dump(), cadre.headers);
    ASSERT_EQ(logged.status, 201) << logged.body;
    if (std::string(kind) != "phone") direct.push_back(Json(logged)["id"]);
  }
  const std::string month = Json(Call("GET", "/api/v1/notice", "", county_.headers))["month"];
  const json body = {{"region", kCounty}, {"month", month}, {"seed", "root"}, {"share", 1.0}};
  HttpResponse drawn = Call("POST", "/api/v1/callbacks", body.dump(), county_.headers);
  ASSERT_EQ(drawn.status, 201) << drawn.body;
  json list = Json(drawn);
  std::set<std::string> visits;
  for (const json& c : list["items"]) visits.insert(c["visit"]);
  for (const std::string& id : direct) EXPECT_TRUE(visits.count(id)) << "every direct visit at share 1";
  EXPECT_EQ(visits.size(), list["added"].get<size_t>());
  EXPECT_EQ(Json(Call("POST", "/api/v1/callbacks", body.dump(), county_.headers))["added"], 0)
      << "drawn once";

  EXPECT_EQ(Call("GET", "/api/v1/callbacks", "", cadre.headers).status, 403);
  HttpResponse denied =
      Call("POST", "/api/v1/callbacks/" + direct[0],
           json{{"outcome", "denied"}, {"note", "户主说没人来过"}}.dump(), operator_.headers);
  ASSERT_EQ(denied.status, 200) << denied.body;
  EXPECT_EQ(Json(denied)["outcome_label"], "否认");
  ASSERT_EQ(
      Call("POST", "/api/v1/callbacks/" + direct[1], json{{"outcome", "confirmed"}}.dump(), operator_.headers)
          .status,
      200);
  EXPECT_EQ(
      Call("POST", "/api/v1/callbacks/" + direct[1], json{{"outcome", "pending"}}.dump(), operator_.headers)
          .status,
      400);
  EXPECT_EQ(Call("POST", "/api/v1/callbacks/V0000000000000000", json{{"outcome", "denied"}}.dump(),
                 operator_.headers)
                .status,
            404);
  const json after = Json(Call("GET", "/api/v1/callbacks?month=" + month, "", operator_.headers));
  bool counted = false;
  for (const json& c : after["cadres"]) {
    if (c["cadre"] != cadre_) continue;
    counted = true;
    EXPECT_EQ(c["denied"], 1);
    EXPECT_EQ(c["confirmed"], 1);
    EXPECT_EQ(c["denial_rate"], 0.5);
  }
  EXPECT_TRUE(counted) << after.dump();
  // The operator sees whom to call, and may reveal that household's phone —
  // nothing else — with a reason (and, outside this fixture, a second factor).
  EXPECT_FALSE(after["items"][0]["head_name"].get<std::string>().empty()) << after.dump();
  EXPECT_FALSE(after["items"][0]["cadre_name"].get<std::string>().empty()) << after.dump();
  HttpResponse id_number = Call(
      "POST", "/api/v1/reveal",
      json{{"kind", "households"}, {"id", household_}, {"field", "head_id_number"}, {"reason", "回访核验"}}
          .dump(),
      operator_.headers);
  EXPECT_EQ(id_number.status, 403) << id_number.body;
  EXPECT_NE(id_number.body.find("接线员只能查看农户的联系电话"), std::string::npos) << id_number.body;
  HttpResponse phone = Call(
      "POST", "/api/v1/reveal",
      json{{"kind", "households"}, {"id", household_}, {"field", "phone"}, {"reason", "回访核验"}}.dump(),
      operator_.headers);
  EXPECT_EQ(phone.status, 200) << phone.body;  // the fixture asks no second factor
}

}  // namespace
}  // namespace lianxin::testing
