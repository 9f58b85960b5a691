// The 八项规定 ledger over HTTP, on the small demo county: no-meeting months
// that refuse a meeting unless a county admin exempts it, reception reports
// flagged item by item, expenses tied to what they were spent on, entries
// never changed but corrected by new ones, every role reaching only its
// own — and the year-end special inspection and the audit export counting
// what is in force.
#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "lianxin/yearend.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

constexpr char kTownship[] = "149901001000";
constexpr char kOtherTownshipCode[] = "149901002000";

class LedgerApiTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    county_ = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
    json units = Json(Call("GET", "/api/v1/units?limit=2", "", county_.headers));
    ASSERT_EQ(units["items"].size(), 2u) << units.dump();
    unit_ = units["items"][0]["code"];
    other_unit_ = units["items"][1]["code"];
  }

  json Meeting(const std::string& date, const std::string& title, int cost_yuan = 200) {
    return {{"unit", unit_},
            {"date", date},
            {"title", title},
            {"minutes", 90},
            {"attendees", 40},
            {"cost_yuan", cost_yuan},
            {"approved_by", "县委办公室"}};
  }

  json Reception(const std::string& date) {
    return {{"unit", unit_},
            {"date", date},
            {"visitors", "市委调研组 3 人"},
            {"purpose", "调研"},
            {"reported_to", "县纪委"},
            {"companions", 2},
            {"meal_people", 5},
            {"meal_yuan", 150},
            {"banquet", false},
            {"banners", false},
            {"welcome_crowds", false},
            {"carpets", false},
            {"flowers", false}};
  }

  HttpResponse Post(const std::string& path, const json& body, const SignedInAs& who) {
    return Call("POST", path, body.dump(), who.headers);
  }

  SignedInAs county_;
  std::string unit_, other_unit_;
};

TEST_F(LedgerApiTest, AMeetingInANoMeetingMonthIsRefusedUntilACountyAdminExemptsIt) {
  HttpResponse marked = Post("/api/v1/ledger/calendar",
                             {{"month", "2026-07"}, {"note", "县委〔2026〕5号:七月为无会月"}}, county_);
  ASSERT_EQ(marked.status, 200) << marked.body;
  EXPECT_EQ(Json(marked)["items"][0]["month"], "2026-07");
  EXPECT_EQ(Post("/api/v1/ledger/calendar", {{"month", "2026-08"}}, county_).status, 400)
      << "a no-meeting month rests on a decision, named in its note";

  SignedInAs head = SignIn("head", {Role::kUnitHead}, {ScopeKind::kUnit, unit_});
  HttpResponse refused = Post("/api/v1/ledger/meetings", Meeting("2026-07-15", "项目推进会"), head);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(Json(refused)["error"]["reason"], "no_meeting_month") << refused.body;

  json exempt = Meeting("2026-07-15", "防汛紧急部署会");
  exempt["exempt"] = true;
  exempt["exempt_reason"] = "汛情紧急";
  HttpResponse not_theirs = Post("/api/v1/ledger/meetings", exempt, head);
  EXPECT_EQ(not_theirs.status, 403) << "only a county admin exempts";
  EXPECT_EQ(Json(not_theirs)["error"]["reason"], "exempt_forbidden") << not_theirs.body;
  exempt.erase("exempt_reason");
  EXPECT_EQ(Post("/api/v1/ledger/meetings", exempt, county_).status, 400) << "an exemption names its reason";
  exempt["exempt_reason"] = "汛情紧急";
  HttpResponse kept = Post("/api/v1/ledger/meetings", exempt, county_);
  ASSERT_EQ(kept.status, 201) << kept.body;
  EXPECT_EQ(Json(kept)["exempt"], true);
  EXPECT_EQ(Json(kept)["recorded_by"], "county");

  // Outside the no-meeting month the unit's head books it alone; taking the
  // month's mark back lets the refused one through.
  EXPECT_EQ(Post("/api/v1/ledger/meetings", Meeting("2026-08-03", "项目推进会"), head).status, 201);
  ASSERT_EQ(Post("/api/v1/ledger/calendar", {{"month", "2026-07"}, {"no_meeting", false}}, county_).status,
            200);
  EXPECT_EQ(Post("/api/v1/ledger/meetings", Meeting("2026-07-15", "项目推进会"), head).status, 201);
}

TEST_F(LedgerApiTest, AReceptionReportIsFlaggedItemByItemWithTheRuleItBreaks) {
  HttpResponse clean = Post("/api/v1/ledger/receptions", Reception("2026-05-06"), county_);
  ASSERT_EQ(clean.status, 201) << clean.body;
  EXPECT_TRUE(Json(clean)["breaches"].empty()) << clean.body;

  json lavish = Reception("2026-05-20");
  lavish["companions"] = 8;
  lavish["meal_yuan"] = "1200.50";
  lavish["banners"] = true;
  lavish["carpets"] = true;
  HttpResponse flagged = Post("/api/v1/ledger/receptions", lavish, county_);
  ASSERT_EQ(flagged.status, 201) << flagged.body;
  const json report = Json(flagged);
  std::vector<std::string> items;
  for (const json& b : report["breaches"]) items.push_back(b["item"]);
  EXPECT_EQ(items, (std::vector<std::string>{"companions", "meals", "banners", "carpets"}));
  EXPECT_EQ(report["meal_yuan"], "1200.50");
  EXPECT_EQ(report["breaches"][3]["rule"], "不铺设迎宾地毯");

  // Every item is answered; money has at most two decimals.
  json unanswered = Reception("2026-05-21");
  unanswered.erase("flowers");
  HttpResponse missing = Post("/api/v1/ledger/receptions", unanswered, county_);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(Json(missing)["error"]["field"], "flowers") << missing.body;
  json odd = Reception("2026-05-21");
  odd["meal_yuan"] = 10.555;
  EXPECT_EQ(Json(Post("/api/v1/ledger/receptions", odd, county_))["error"]["field"], "meal_yuan");
}

TEST_F(LedgerApiTest, EntriesAreNeverChangedButCorrectedByANewOneThatTheTotalsFollow) {
  HttpResponse first = Post("/api/v1/ledger/meetings", Meeting("2026-03-02", "春耕部署会", 500), county_);
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string id = Json(first)["id"];
  json fix = Meeting("2026-03-02", "春耕部署会", 300);
  fix["corrects"] = id;
  HttpResponse second = Post("/api/v1/ledger/meetings", fix, county_);
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(Post("/api/v1/ledger/meetings", fix, county_).status, 409)
      << "corrected once: correct the newest";
  json elsewhere = fix;
  elsewhere["unit"] = other_unit_;
  elsewhere["corrects"] = Json(second)["id"];
  EXPECT_EQ(Post("/api/v1/ledger/meetings", elsewhere, county_).status, 400)
      << "a correction keeps its owner";

  json spent = {{"unit", unit_},      {"date", "2026-03-02"}, {"line", "meeting"},
                {"item", "会场布置"}, {"amount_yuan", 300},   {"meeting", Json(second)["id"]}};
  ASSERT_EQ(Post("/api/v1/ledger/expenses", spent, county_).status, 201);
  spent["line"] = "travel";
  EXPECT_EQ(Json(Post("/api/v1/ledger/expenses", spent, county_))["error"]["field"], "meeting")
      << "only a meeting expense names a meeting";
  spent.erase("meeting");
  spent["amount_yuan"] = 0;
  EXPECT_EQ(Json(Post("/api/v1/ledger/expenses", spent, county_))["error"]["field"], "amount_yuan");

  json book = Json(Call("GET", "/api/v1/ledger?from=2026-01-01&to=2026-12-31", "", county_.headers));
  ASSERT_EQ(book["meetings"].size(), 2u) << book.dump();
  EXPECT_EQ(book["meetings"][0]["superseded"].get<bool>() + book["meetings"][1]["superseded"].get<bool>(), 1);

  json year = Json(Call("GET", "/api/v1/ledger/yearend?year=2026", "", county_.headers));
  EXPECT_EQ(year["meetings"], 1) << "the corrected meeting is not counted twice";
  EXPECT_EQ(year["corrections"], 1);
  for (const json& line : year["budget_lines"]) {
    if (line["line"] == "meeting") {
      EXPECT_EQ(line["yuan"], "300.00");
    }
  }
  for (const json& unit : year["units"]) {
    if (unit["unit"] == unit_) {
      EXPECT_EQ(unit["meeting_yuan"], "300.00") << unit.dump();
    }
  }
}

TEST_F(LedgerApiTest, EachRoleReachesItsOwnAndTheDisciplineOfficeChangesNothing) {
  SignedInAs head = SignIn("head", {Role::kUnitHead}, {ScopeKind::kUnit, unit_});
  SignedInAs township = SignIn("town", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kTownship});
  SignedInAs discipline = SignIn("jiwei", {Role::kDiscipline}, {ScopeKind::kRegion, kCounty});
  ASSERT_EQ(Post("/api/v1/ledger/meetings", Meeting("2026-04-01", "单位例会"), head).status, 201);
  json other = Meeting("2026-04-02", "别的单位的会");
  other["unit"] = other_unit_;
  EXPECT_EQ(Post("/api/v1/ledger/meetings", other, head).status, 404) << "another unit is out of its scope";
  json own = Meeting("2026-04-03", "镇党委会");
  own.erase("unit");
  HttpResponse town = Post("/api/v1/ledger/meetings", own, township);
  ASSERT_EQ(town.status, 201) << town.body;
  EXPECT_EQ(Json(town)["region"], kTownship);
  own["region"] = kOtherTownshipCode;
  EXPECT_EQ(Post("/api/v1/ledger/meetings", own, township).status, 404);
  EXPECT_EQ(Post("/api/v1/ledger/meetings", other, township).status, 404)
      << "a county unit is not the township's";

  json mine = Json(Call("GET", "/api/v1/ledger?from=2026-01-01&to=2026-12-31", "", head.headers));
  ASSERT_EQ(mine["meetings"].size(), 1u) << mine.dump();
  EXPECT_EQ(mine["meetings"][0]["unit"], unit_);
  json theirs = Json(Call("GET", "/api/v1/ledger?from=2026-01-01&to=2026-12-31", "", township.headers));
  ASSERT_EQ(theirs["meetings"].size(), 1u) << theirs.dump();
  EXPECT_EQ(theirs["meetings"][0]["title"], "镇党委会");
  json all = Json(Call("GET", "/api/v1/ledger?from=2026-01-01&to=2026-12-31", "", discipline.headers));
  EXPECT_EQ(all["meetings"].size(), 2u);

  for (const char* path : {"/api/v1/ledger/meetings", "/api/v1/ledger/receptions", "/api/v1/ledger/expenses",
                           "/api/v1/ledger/calendar"}) {
    EXPECT_EQ(Call("POST", path, Reception("2026-04-04").dump(), discipline.headers).status, 403) << path;
  }
  EXPECT_EQ(Call("GET", "/api/v1/ledger/audit?year=2026&format=json", "", discipline.headers).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/ledger/audit?year=2026", "", head.headers).status, 403);
}

TEST_F(LedgerApiTest, TheYearEndInspectionAndTheAuditExportPrintWhatTheLedgerHolds) {
  ASSERT_EQ(Post("/api/v1/ledger/calendar", {{"month", "2026-07"}, {"note", "县委决定"}}, county_).status,
            200);
  json exempt = Meeting("2026-07-15", "防汛紧急部署会");
  exempt["exempt"] = true;
  exempt["exempt_reason"] = "汛情紧急";
  ASSERT_EQ(Post("/api/v1/ledger/meetings", exempt, county_).status, 201);
  json lavish = Reception("2026-09-09");
  lavish["welcome_crowds"] = true;
  ASSERT_EQ(Post("/api/v1/ledger/receptions", lavish, county_).status, 201);
  for (auto [date, line, yuan] :
       {std::tuple{"2025-06-01", "vehicle", 1000}, std::tuple{"2026-06-01", "vehicle", 1500},
        std::tuple{"2026-06-02", "reception", 300}}) {
    json x = {{"unit", unit_}, {"date", date}, {"line", line}, {"item", "支出"}, {"amount_yuan", yuan}};
    ASSERT_EQ(Post("/api/v1/ledger/expenses", x, county_).status, 201);
  }

  json year = Json(Call("GET", "/api/v1/ledger/yearend?year=2026", "", county_.headers));
  EXPECT_EQ(year["meetings_in_no_meeting_months"], 1);
  EXPECT_EQ(year["exempt_meetings"][0]["reason"], "汛情紧急");
  EXPECT_EQ(year["receptions_with_breaches"], 1);
  EXPECT_EQ(year["breaches_by_item"]["welcome_crowds"], 1);
  for (const json& line : year["budget_lines"]) {
    if (line["line"] == "vehicle") {
      EXPECT_EQ(line["yuan"], "1500.00");
      EXPECT_EQ(line["yuan_year_before"], "1000.00");
    }
  }

  HttpResponse html = Call("GET", "/api/v1/ledger/yearend?year=2026&format=html", "", county_.headers);
  ASSERT_EQ(html.status, 200);
  for (const char* words : {"落实中央八项规定精神情况专项检查报告", "一、无会月执行情况", "防汛紧急部署会",
                            "汛情紧急", "不安排群众迎送", "公务用车运行维护费", "+50.0%"}) {
    EXPECT_NE(html.body.find(words), std::string::npos) << words;
  }
  HttpResponse pdf = Call("GET", "/api/v1/ledger/yearend?year=2026&format=pdf", "", county_.headers);
  ASSERT_EQ(pdf.status, 200);
  EXPECT_TRUE(pdf.body.starts_with("%PDF")) << pdf.body.substr(0, 20);

  HttpResponse audit = Call("GET", "/api/v1/ledger/audit?year=2026", "", county_.headers);
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_TRUE(audit.body.starts_with("PK")) << "an XLSX";
  const std::string xlsx = dir_ / "audit.xlsx";
  WriteFile(xlsx, audit.body);
  // One worksheet per register, amounts as numbers a spreadsheet sums.
  const std::string workbook = RunShell("unzip -p " + xlsx + " xl/workbook.xml").output;
  for (const char* sheet : {"汇总", "会议台账", "接待台账", "支出台账"})
    EXPECT_NE(workbook.find(sheet), std::string::npos) << sheet << " in " << workbook;
  const std::string expenses = RunShell("unzip -p " + xlsx + " xl/worksheets/sheet4.xml").output;
  EXPECT_NE(expenses.find("<v>1500</v>"), std::string::npos) << expenses.substr(0, 2000);
}

}  // namespace
}  // namespace lianxin::testing
