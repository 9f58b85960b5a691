// Field work through the API on the small demo county: a cadre logs a
// visit (民情日记) with two fields and sees its households with what is due;
// an admin enters a paper diary for a named cadre; a cadre reports progress
// on its tasks until they are done; scope and validation hold; every change
// is journaled and the journal verifies.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "api_fixture.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

std::string DaysFromToday(int days) {
  return DateFromDays(DaysFromDate(ChinaDateOf(SystemClock().NowMillis())) + days).ToString();
}

class FieldworkApiTest : public ApiFixture {
 protected:
  static void SetUpTestSuite() { template_ = SharedTemplate(true); }  // the county paired
  // Pairs the county, and a cadre with a contact household and one it does not hold.
  void SetUp() override {
    ApiFixture::SetUp();
    if (HasFatalFailure()) return;
    county_ = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
    std::unique_ptr<Store> store = OpenOrDie(path_);
    ASSERT_NE(store, nullptr);
    Result<PairingState> pairs = store->Pairs(kCounty);
    ASSERT_TRUE(pairs.ok() && !pairs->contacts.empty());
    cadre_ = pairs->contacts.front().cadre_code;
    household_ = pairs->contacts.front().household_code;
    for (const CadreHousehold& pair : pairs->contacts) {
      if (pair.cadre_code != cadre_) {
        other_cadre_ = pair.cadre_code;
        not_held_ = pair.household_code;
        break;
      }
    }
    ASSERT_FALSE(not_held_.empty());
  }

  SignedInAs county_;
  std::string cadre_, household_, other_cadre_, not_held_;
};

TEST_F(FieldworkApiTest, ACadreLogsAVisitWithTwoFieldsAndSeesWhatIsDue) {
  SignedInAs cadre = SignIn("wangjh", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  const std::string today = DaysFromToday(0);

  json mine = Json(Call("GET", "/api/v1/me/households", "", cadre.headers));
  json* entry = nullptr;
  for (json& item : mine["items"]) {
    if (item["household"] == household_ && item["pairing"] == "contact") entry = &item;
  }
  ASSERT_NE(entry, nullptr) << mine.dump();
  EXPECT_TRUE((*entry)["last_visit"].is_null());
  EXPECT_EQ((*entry)["pairing"], "contact");
  EXPECT_EQ((*entry)["since"], today);
  EXPECT_EQ((*entry)["next_due"], DaysFromToday(91)) << "a contact household is due quarterly";
  EXPECT_FALSE((*entry)["overdue"].get<bool>());

  // Two fields: the household and the kind. The date is today, the cadre the one signed in.
  HttpResponse logged = Call("POST", "/api/v1/visits",
                             json{{"household", household_}, {"kind", "入户走访"}}.dump(), cadre.headers);
  ASSERT_EQ(logged.status, 201) << logged.body;
  json visit = Json(logged);
  EXPECT_EQ(visit["cadre"], cadre_);
  EXPECT_EQ(visit["kind"], "home_visit");
  EXPECT_EQ(visit["date"], today);
  EXPECT_TRUE(visit["direct"].get<bool>());
  EXPECT_EQ(visit["id"].get<std::string>().size(), 17u);

  // A phone call is kept but is not direct contact.
  HttpResponse phoned = Call(
      "POST", "/api/v1/visits",
      json{{"household", household_}, {"kind", "phone"}, {"heard", "问补贴何时发"}}.dump(), cadre.headers);
  ASSERT_EQ(phoned.status, 201) << phoned.body;
  EXPECT_FALSE(Json(phoned)["direct"].get<bool>());

  mine = Json(Call("GET", "/api/v1/me/households", "", cadre.headers));
  for (const json& item : mine["items"]) {
    if (item["household"] != household_ || item["pairing"] != "contact") continue;
    EXPECT_EQ(item["last_visit"]["date"], today);
    EXPECT_EQ(item["last_visit"]["kind"], "phone");
    EXPECT_FALSE(item["last_visit"]["direct"].get<bool>());
    EXPECT_EQ(item["next_due"], DaysFromToday(91));
  }
  // Only its own households, and only its own visits.
  for (const json& item : mine["items"]) EXPECT_NE(item["household"], not_held_);
  HttpResponse elsewhere = Call("POST", "/api/v1/visits",
                                json{{"household", not_held_}, {"kind", "home_visit"}}.dump(), cadre.headers);
  EXPECT_EQ(elsewhere.status, 404) << elsewhere.body;
  HttpResponse as_other =
      Call("POST", "/api/v1/visits",
           json{{"household", household_}, {"kind", "talk"}, {"cadre", other_cadre_}}.dump(), cadre.headers);
  EXPECT_EQ(as_other.status, 400) << as_other.body;
  EXPECT_NE(as_other.body.find("\"field\":\"cadre\""), std::string::npos) << as_other.body;

  // The household's visits, newest first, for whoever reads the household.
  json listed = Json(Call("GET", "/api/v1/households/" + household_ + "/visits", "", county_.headers));
  ASSERT_EQ(listed["items"].size(), 2u) << listed.dump();
  EXPECT_EQ(listed["items"][0]["kind"], "phone");
  EXPECT_EQ(listed["items"][0]["heard"], "问补贴何时发");
  EXPECT_EQ(listed["items"][1]["kind"], "home_visit");

  // Journaled, and the journal verifies.
  std::unique_ptr<Store> store = OpenOrDie(path_);
  std::int64_t checked = 0;
  Status verified = store->VerifyJournal(&checked);
  EXPECT_TRUE(verified.ok()) << verified.ToString();
  std::vector<JournalEntry> entries = *store->ReadJournal(0, 1'000'000);
  int journaled = 0;
  for (const JournalEntry& e : entries) journaled += e.entity == "visits" && e.actor == "wangjh";
  EXPECT_EQ(journaled, 2);
}

TEST_F(FieldworkApiTest, APromiseBecomesAnAppealInTheSameStepOrNothingIsWritten) {
  SignedInAs cadre = SignIn("wangjh", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  HttpResponse logged = Call("POST", "/api/v1/visits",
                             json{{"household", household_},
                                  {"kind", "home_visit"},
                                  {"promised", "帮着问医保报销"},
                                  {"appeal", {{"type", "求助"}, {"topic", "medical"}}}}
                                 .dump(),
                             cadre.headers);
  ASSERT_EQ(logged.status, 201) << logged.body;
  json visit = Json(logged);
  ASSERT_TRUE(visit["appeal"].is_object()) << visit.dump();
  EXPECT_EQ(visit["appeal"]["handler"], cadre_) << "the household's contact cadre holds it";
  json appeal =
      Json(Call("GET", "/api/v1/appeals/" + visit["appeal"]["id"].get<std::string>(), "", cadre.headers));
  EXPECT_EQ(appeal["channel"], "visit");
  EXPECT_EQ(appeal["content"], "帮着问医保报销");

  // A promise as the cadre's own task, due in 30 days.
  HttpResponse tasked = Call("POST", "/api/v1/visits",
                             json{{"household", household_},
                                  {"kind", "home_visit"},
                                  {"promised", "下周把补贴政策送来"},
                                  {"task", json::object()}}
                                 .dump(),
                             cadre.headers);
  ASSERT_EQ(tasked.status, 201) << tasked.body;
  EXPECT_EQ(Json(tasked)["task"]["deadline"], DaysFromToday(30));
  json mine = Json(Call("GET", "/api/v1/me/tasks", "", cadre.headers));
  bool found = false;
  for (const json& t : mine["items"]) found = found || t["task"] == "下周把补贴政策送来";
  EXPECT_TRUE(found) << mine.dump();
  HttpResponse no_promise =
      Call("POST", "/api/v1/visits",
           json{{"household", household_}, {"kind", "talk"}, {"task", json::object()}}.dump(), cadre.headers);
  EXPECT_EQ(no_promise.status, 400);
  EXPECT_NE(no_promise.body.find("\"field\":\"promised\""), std::string::npos) << no_promise.body;

  // A bad appeal refuses the visit too.
  HttpResponse refused = Call(
      "POST", "/api/v1/visits",
      json{{"household", household_}, {"kind", "talk"}, {"appeal", {{"type", "求助"}, {"topic", "天气"}}}}
          .dump(),
      cadre.headers);
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("\"field\":\"appeal.topic\""), std::string::npos) << refused.body;
  json listed = Json(Call("GET", "/api/v1/households/" + household_ + "/visits", "", county_.headers));
  EXPECT_EQ(listed["items"].size(), 2u) << "only the visits with a good appeal or task were written";
}

TEST_F(FieldworkApiTest, VisitsAndTasksAreListedInScopeAndPaged) {
  SignedInAs cadre = SignIn("wangjh", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  SignedInAs other = SignIn("zhaoliu", {Role::kCadre}, {ScopeKind::kCadre, other_cadre_});
  std::set<std::string> mine;
  for (int days : {0, 1, 2, 3, 4}) {
    HttpResponse r =
        Call("POST", "/api/v1/visits",
             json{{"household", household_}, {"kind", "talk"}, {"date", DaysFromToday(-days)}}.dump(),
             cadre.headers);
    ASSERT_EQ(r.status, 201) << r.body;
    mine.insert(Json(r)["id"].get<std::string>());
  }
  ASSERT_EQ(
      Call("POST", "/api/v1/visits", json{{"household", not_held_}, {"kind", "talk"}}.dump(), other.headers)
          .status,
      201);
  // The cadre pages through its own five, newest first, and sees no other's.
  std::set<std::string> seen;
  std::string cursor, last_date = "9999";
  int pages = 0;
  do {
    json page = Json(Call("GET", "/api/v1/visits?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), "",
                          cadre.headers));
    for (const json& v : page["items"]) {
      EXPECT_EQ(v["cadre"], cadre_);
      EXPECT_LE(v["date"].get<std::string>(), last_date);
      last_date = v["date"];
      EXPECT_TRUE(seen.insert(v["id"]).second);
    }
    cursor = page["next"].is_null() ? "" : page["next"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen, mine);
  EXPECT_EQ(pages, 3);
  // The county sees both; a date window and a household narrow it.
  EXPECT_EQ(Json(Call("GET", "/api/v1/visits", "", county_.headers))["items"].size(), 6u);
  EXPECT_EQ(Json(Call("GET", "/api/v1/visits?from=" + DaysFromToday(-1) + "&household=" + household_, "",
                      county_.headers))["items"]
                .size(),
            2u);
  EXPECT_EQ(Call("GET", "/api/v1/visits?from=yesterday", "", county_.headers).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/visits?cursor=junk", "", county_.headers).status, 400);

  // Tasks: the county's all, by deadline; a cadre's own; none overdue yet.
  json tasks = Json(Call("GET", "/api/v1/tasks?limit=1000", "", county_.headers));
  ASSERT_FALSE(tasks["items"].empty()) << "the pairing gave assistance tasks";
  std::string previous;
  for (const json& t : tasks["items"]) {
    EXPECT_GE(t["deadline"].get<std::string>(), previous);
    previous = t["deadline"];
  }
  const std::string holder = tasks["items"][0]["cadre"];
  SignedInAs assistant = SignIn("bangfu", {Role::kCadre}, {ScopeKind::kCadre, holder});
  json own = Json(Call("GET", "/api/v1/tasks", "", assistant.headers));
  ASSERT_FALSE(own["items"].empty());
  for (const json& t : own["items"]) EXPECT_EQ(t["cadre"], holder);
  EXPECT_TRUE(Json(Call("GET", "/api/v1/tasks?overdue=1", "", county_.headers))["items"].empty());
  EXPECT_EQ(Call("GET", "/api/v1/tasks?status=lost", "", county_.headers).status, 400);
}

TEST_F(FieldworkApiTest, AMeetingDecisionIsCarriedOutByItsCadreAndReportedToItsOffice) {
  std::unique_ptr<Store> store = OpenOrDie(path_);
  Result<std::optional<Household>> h = store->GetHousehold(household_);
  ASSERT_TRUE(h.ok() && h->has_value());
  json unit_page = Json(Call("GET", "/api/v1/units?limit=1", "", county_.headers));
  ASSERT_FALSE(unit_page["items"].empty());
  const std::string office = unit_page["items"][0]["code"];
  json body = {{"meeting", "县委常委会第12次会议"},
               {"meeting_date", DaysFromToday(-3)},
               {"decision", "年底前完成东岭村饮水管网改造"},
               {"handler", cadre_},
               {"supervisor", office},
               {"deadline", DaysFromToday(30)},
               {"level", "重点"}};
  HttpResponse added = Call("POST", "/api/v1/decisions", body.dump(), county_.headers);
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string id = Json(added)["id"];
  EXPECT_EQ(Json(added)["level"], "major");
  json bad = body;
  bad["deadline"] = DaysFromToday(-10);
  HttpResponse early = Call("POST", "/api/v1/decisions", bad.dump(), county_.headers);
  EXPECT_EQ(early.status, 400);
  EXPECT_NE(early.body.find("\"field\":\"deadline\""), std::string::npos);
  bad = body;
  bad["supervisor"] = "NOOFFICE";
  EXPECT_EQ(Call("POST", "/api/v1/decisions", bad.dump(), county_.headers).status, 404);

  // The cadre sees its own and reports; another cadre neither sees nor reports it.
  SignedInAs cadre = SignIn("wangjh", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  SignedInAs other = SignIn("zhaoliu", {Role::kCadre}, {ScopeKind::kCadre, other_cadre_});
  EXPECT_EQ(Json(Call("GET", "/api/v1/decisions?open=1", "", cadre.headers))["items"].size(), 1u);
  EXPECT_TRUE(Json(Call("GET", "/api/v1/decisions", "", other.headers))["items"].empty());
  EXPECT_EQ(
      Call("POST", "/api/v1/decisions/" + id + "/progress", json{{"progress", 50}}.dump(), other.headers)
          .status,
      404);
  HttpResponse half = Call("POST", "/api/v1/decisions/" + id + "/progress",
                           json{{"progress", 50}, {"notes", "管材已到位"}}.dump(), cadre.headers);
  ASSERT_EQ(half.status, 200) << half.body;
  HttpResponse done =
      Call("POST", "/api/v1/decisions/" + id + "/progress", json{{"progress", 100}}.dump(), cadre.headers);
  ASSERT_EQ(done.status, 200);
  EXPECT_EQ(Json(done)["status"], "done");
  EXPECT_NE(Json(done)["notes"].get<std::string>().find("管材已到位"), std::string::npos);
  EXPECT_EQ(
      Call("POST", "/api/v1/decisions/" + id + "/progress", json{{"progress", 100}}.dump(), cadre.headers)
          .status,
      409);
  // Told: the cadre when it was decided, the office at each report.
  std::vector<json> told = Outbox();
  ASSERT_EQ(told.size(), 3u);
  EXPECT_EQ(told[0]["kind"], "new_decision");
  EXPECT_EQ(told[0]["recipient"], cadre_);
  EXPECT_EQ(told[2]["kind"], "progress_report");
  EXPECT_EQ(told[2]["recipient"], office);
  std::int64_t checked = 0;
  EXPECT_TRUE(OpenOrDie(path_)->VerifyJournal(&checked).ok());
}

TEST_F(FieldworkApiTest, EveryFieldIsCheckedAndNamed) {
  SignedInAs cadre = SignIn("lisi", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  auto field_of = [&](const json& body) {
    HttpResponse r = Call("POST", "/api/v1/visits", body.dump(), cadre.headers);
    EXPECT_EQ(r.status, 400) << body.dump() << ": " << r.body;
    json error = Json(r)["error"];
    return error.value("field", std::string());
  };
  EXPECT_EQ(field_of({{"kind", "home_visit"}}), "household");
  EXPECT_EQ(field_of({{"household", household_}}), "kind");
  EXPECT_EQ(field_of({{"household", household_}, {"kind", "fly"}}), "kind");
  EXPECT_EQ(field_of({{"household", household_}, {"kind", "talk"}, {"date", DaysFromToday(1)}}), "date");
  EXPECT_EQ(field_of({{"household", household_}, {"kind", "talk"}, {"date", DaysFromToday(-400)}}), "date");
  EXPECT_EQ(field_of({{"household", household_}, {"kind", "talk"}, {"date", "昨天"}}), "date");
  EXPECT_EQ(field_of({{"household", household_}, {"kind", "talk"}, {"heard", std::string(5000, 'x')}}),
            "heard");
  EXPECT_EQ(field_of({{"household", household_}, {"kind", 3}}), "kind");
  // An earlier day, as offices write dates, is taken.
  HttpResponse earlier =
      Call("POST", "/api/v1/visits",
           json{{"household", household_}, {"kind", "蹲点住村"}, {"date", DaysFromToday(-3)}}.dump(),
           cadre.headers);
  ASSERT_EQ(earlier.status, 201) << earlier.body;
  EXPECT_EQ(Json(earlier)["date"], DaysFromToday(-3));
  EXPECT_EQ(Json(earlier)["kind"], "stay");
}

TEST_F(FieldworkApiTest, AnAdminEntersAPaperDiaryForANamedCadre) {
  HttpResponse unnamed = Call("POST", "/api/v1/visits",
                              json{{"household", household_}, {"kind", "talk"}}.dump(), county_.headers);
  EXPECT_EQ(unnamed.status, 400) << unnamed.body;
  EXPECT_NE(unnamed.body.find("\"field\":\"cadre\""), std::string::npos) << unnamed.body;
  HttpResponse entered =
      Call("POST", "/api/v1/visits",
           json{{"household", household_}, {"kind", "talk"}, {"cadre", cadre_}, {"date", DaysFromToday(-10)}}
               .dump(),
           county_.headers);
  ASSERT_EQ(entered.status, 201) << entered.body;
  EXPECT_EQ(Json(entered)["cadre"], cadre_);
  HttpResponse nobody = Call(
      "POST", "/api/v1/visits",
      json{{"household", household_}, {"kind", "talk"}, {"cadre", "149901X99999"}}.dump(), county_.headers);
  EXPECT_EQ(nobody.status, 404) << nobody.body;
  // A township admin outside the household's township reaches neither it nor its visits.
  SignedInAs other = SignIn("other", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kOtherTownship});
  EXPECT_EQ(Call("GET", "/api/v1/households/" + household_ + "/visits", "", other.headers).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/visits",
                 json{{"household", household_}, {"kind", "talk"}, {"cadre", cadre_}}.dump(), other.headers)
                .status,
            404);
}

TEST_F(FieldworkApiTest, ACadreReportsProgressUntilATaskIsDone) {
  std::unique_ptr<Store> store = OpenOrDie(path_);
  // A cadre with an assistance task (pairing made them for new assistance pairs).
  Result<PairingState> pairs = store->Pairs(kCounty);
  ASSERT_TRUE(pairs.ok());
  Task task;
  for (const CadreHousehold& pair : pairs->assistance) {
    std::vector<Task> tasks = *store->TasksOf(pair.household_code);
    if (!tasks.empty()) {
      task = tasks.front();
      break;
    }
  }
  ASSERT_FALSE(task.need.empty()) << "the run made no task";
  store.reset();
  SignedInAs cadre = SignIn("zhaosi", {Role::kCadre}, {ScopeKind::kCadre, task.cadre_code});

  json mine = Json(Call("GET", "/api/v1/me/tasks", "", cadre.headers));
  ASSERT_FALSE(mine["items"].empty());
  EXPECT_EQ(mine["items"][0]["status"], "open");
  for (const json& item : mine["items"]) EXPECT_EQ(item["cadre"], task.cadre_code);

  json body = {
      {"household", task.household_code}, {"need", task.need}, {"progress", 60}, {"notes", "已联系农技站"}};
  HttpResponse half = Call("POST", "/api/v1/tasks/progress", body.dump(), cadre.headers);
  ASSERT_EQ(half.status, 200) << half.body;
  EXPECT_EQ(Json(half)["progress"], 60);
  EXPECT_EQ(Json(half)["status"], "open");
  EXPECT_NE(Json(half)["notes"].get<std::string>().find("进度 60%:已联系农技站"), std::string::npos);

  body["progress"] = 100;
  body.erase("notes");
  HttpResponse done = Call("POST", "/api/v1/tasks/progress", body.dump(), cadre.headers);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(Json(done)["status"], "done");
  EXPECT_EQ(Call("POST", "/api/v1/tasks/progress", body.dump(), cadre.headers).status, 409) << "closed";

  body["progress"] = 101;
  EXPECT_EQ(Json(Call("POST", "/api/v1/tasks/progress", body.dump(), cadre.headers))["error"]["field"],
            "progress");
  body["progress"] = 10;
  body["need"] = "没有的需求";
  EXPECT_EQ(Call("POST", "/api/v1/tasks/progress", body.dump(), cadre.headers).status, 404);

  std::vector<Task> stored = *OpenOrDie(path_)->TasksOf(task.household_code);
  auto it = std::find_if(stored.begin(), stored.end(), [&](const Task& t) {
    return t.cadre_code == task.cadre_code && t.need == task.need;
  });
  ASSERT_NE(it, stored.end());
  EXPECT_EQ(it->status, TaskStatus::kDone);
  EXPECT_EQ(it->progress, 100);
}

// 「上级强调联系时……」: visits bunched after a campaign date raise the flag,
// explained, with the visits behind it; the flags keep to the caller's scope.
TEST_F(FieldworkApiTest, VisitsBunchedAfterACampaignAreFlagged) {
  Config config = app_->config();
  Result<Date> campaign = ParseDate(DaysFromToday(-30));
  ASSERT_TRUE(campaign.ok());
  config.visits.campaign_dates = {*campaign};
  config.key_file = path_ + ".key";
  router_ = Router();
  app_.reset();
  Result<std::unique_ptr<App>> app = App::Open(DbTarget(path_), config, SystemClock());
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  app_ = std::move(*app);
  router_ = app_->BuildRouter();
  SignedInAs county = SignIn("county2", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});

  // Four home visits, each within a few days after the campaign: every one an echo.
  std::vector<std::string> ids;
  for (int day : {-30, -29, -27, -25}) {
    HttpResponse r = Call("POST", "/api/v1/visits",
                          json{{"household", household_},
                               {"kind", "home_visit"},
                               {"cadre", cadre_},
                               {"date", DaysFromToday(day)}}
                              .dump(),
                          county.headers);
    ASSERT_EQ(r.status, 201) << r.body;
    ids.push_back(Json(r)["id"]);
  }
  json flags = Json(Call("GET", "/api/v1/flags", "", county.headers));
  EXPECT_GT(flags["cadres_checked"].get<int>(), 0);
  const json* stressed = nullptr;
  for (const json& f : flags["items"]) {
    if (f["cadre"] == cadre_ && f["kind"] == "only_when_stressed") stressed = &f;
  }
  ASSERT_NE(stressed, nullptr) << flags.dump();
  EXPECT_FALSE((*stressed)["explanation"].get<std::string>().empty());
  EXPECT_EQ((*stressed)["visits"].size(), ids.size());
  for (const json& f : flags["items"]) EXPECT_NE(f["cadre"], other_cadre_) << "no visit, nothing bunched";

  // Another township's admin sees none of this county's township 001.
  SignedInAs other = SignIn("other2", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kOtherTownship});
  json theirs = Json(Call("GET", "/api/v1/flags", "", other.headers));
  for (const json& f : theirs["items"]) EXPECT_NE(f["cadre"], cadre_);
}

// A phone that lost the answer sends the same visit again with the same
// client_id: it is found, not counted twice, and its task not made twice.
TEST_F(FieldworkApiTest, AVisitSentAgainWithItsClientIdIsRecordedOnce) {
  SignedInAs cadre = SignIn("wangjh", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  const json visit{{"household", household_},
                   {"kind", "home_visit"},
                   {"promised", "帮忙联系修路"},
                   {"task", json::object()},
                   {"client_id", "3f2c9a1e-7b4d-4c1a-9e2f-0a1b2c3d4e5f"}};
  HttpResponse first = Call("POST", "/api/v1/visits", visit.dump(), cadre.headers);
  ASSERT_EQ(first.status, 201) << first.body;
  HttpResponse again = Call("POST", "/api/v1/visits", visit.dump(), cadre.headers);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Json(again)["id"], Json(first)["id"]);
  EXPECT_EQ(Json(again)["repeated"], true);
  json diary = Json(Call("GET", "/api/v1/households/" + household_ + "/visits", "", county_.headers));
  EXPECT_EQ(diary["items"].size(), 1u) << diary.dump();
  json tasks = Json(Call("GET", "/api/v1/me/tasks", "", cadre.headers));
  int promises = 0;
  for (const json& t : tasks["items"]) promises += t.dump().find("承诺 ") != std::string::npos;
  EXPECT_EQ(promises, 1) << tasks.dump();
  // Another visit (another client_id) is a visit of its own.
  json other = visit;
  other["client_id"] = "0000aaaa";
  EXPECT_EQ(Call("POST", "/api/v1/visits", other.dump(), cadre.headers).status, 201);
  other["client_id"] = "not a uuid!";
  HttpResponse bad = Call("POST", "/api/v1/visits", other.dump(), cadre.headers);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json(bad)["error"]["field"], "client_id");
}

// The flags a dashboard counts and a unit head pages through: one kind, one
// cadre, pages that put together are the whole list, and bad parameters named.
class FieldworkApiLaterTest : public FieldworkApiTest {
 protected:
  void SetUp() override {
    manual_clock_ = true;
    FieldworkApiTest::SetUp();
  }
};

TEST_F(FieldworkApiLaterTest, FlagsFilterByKindAndCadreAndPageWithoutLosingAny) {
  clock_.Advance(200LL * 24 * 3600 * 1000);  // 200 days on, no visit: every pair is a gap
  SignedInAs county = SignIn("county3", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  json all = Json(Call("GET", "/api/v1/flags", "", county.headers));
  ASSERT_GT(all["items"].size(), 3u) << "200 days without a visit leave households unvisited";
  int summed = 0;
  for (const auto& [kind, n] : all["counts"].items()) {
    int counted = 0;
    for (const json& f : all["items"]) counted += f["kind"] == kind;
    EXPECT_EQ(n.get<int>(), counted) << kind;
    summed += n.get<int>();
  }
  EXPECT_EQ(summed, static_cast<int>(all["items"].size()));
  json summary = Json(Call("GET", "/api/v1/flags?summary=1", "", county.headers));
  EXPECT_EQ(summary["counts"], all["counts"]);
  EXPECT_TRUE(summary["items"].empty());

  json gaps = Json(Call("GET", "/api/v1/flags?kind=forgotten_when_busy", "", county.headers));
  EXPECT_EQ(gaps["items"].size(), static_cast<size_t>(all["counts"]["forgotten_when_busy"].get<int>()));
  for (const json& f : gaps["items"]) EXPECT_EQ(f["kind"], "forgotten_when_busy");

  const std::string someone = all["items"][0]["cadre"];
  json one = Json(Call("GET", "/api/v1/flags?cadre=" + someone, "", county.headers));
  EXPECT_EQ(one["cadres_checked"], 1);
  size_t theirs = 0;
  for (const json& f : all["items"]) theirs += f["cadre"] == someone;
  EXPECT_EQ(one["items"].size(), theirs);

  // Pages of at least a quarter of the flags (each page reads every cadre of
  // the county, so a handful of pages, not hundreds), a cadre's never split,
  // until next is null.
  const size_t limit = std::max<size_t>(2, all["items"].size() / 4);
  std::vector<json> paged;
  std::string cursor;
  int pages = 0;
  for (; pages < 1000; ++pages) {
    json got = Json(Call(
        "GET", "/api/v1/flags?limit=" + std::to_string(limit) + (cursor.empty() ? "" : "&cursor=" + cursor),
        "", county.headers));
    for (const json& f : got["items"]) paged.push_back(f);
    if (got["next"].is_null()) break;
    EXPECT_GE(got["items"].size(), limit) << "only the last page holds fewer";
    cursor = got["next"];
  }
  EXPECT_GE(pages, 2) << "the flags took more than one page";
  auto key = [](const json& f) {
    return f["cadre"].get<std::string>() + f["kind"].get<std::string>() + f["household"].get<std::string>();
  };
  std::multiset<std::string> whole, pieces;
  for (const json& f : all["items"]) whole.insert(key(f));
  for (const json& f : paged) pieces.insert(key(f));
  EXPECT_EQ(pieces, whole);

  EXPECT_EQ(Call("GET", "/api/v1/flags?kind=lazy", "", county.headers).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/flags?limit=0", "", county.headers).status, 400);
  SignedInAs other = SignIn("other3", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kOtherTownship});
  EXPECT_EQ(Call("GET", "/api/v1/flags?cadre=" + someone, "", other.headers).status, 404)
      << "another township's cadre is not found, as if it did not exist";
}

}  // namespace
}  // namespace lianxin::testing
