// The monthly notice (每月公示, notice.hpp): its figures counted on a small
// fixed county against numbers worked out by hand, the printed document's
// text, publishing that keeps it unchanged, and the root hash it carries.
#include "lianxin/notice.hpp"

#include <gtest/gtest.h>

#include "lianxin/appeals_api.hpp"
#include "lianxin/bulletin.hpp"
#include "lianxin/calendar.hpp"
#include "lianxin/config.hpp"
#include "lianxin/dossier.hpp"
#include "lianxin/inspect.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

constexpr char kH1[] = "1499010010010001";  // 东岭村 赵大山
constexpr char kH2[] = "1499010010010002";  // 东岭村 钱小花
constexpr char kH3[] = "1499010020010001";  // 河湾村 孙老汉
constexpr char kC1[] = "149901C00001";      // 王建华, 县委组织部
constexpr char kC2[] = "149901C00002";      // 李红梅, 县农业农村局
constexpr char kC3[] = "149901C00003";      // 张二牛, 东岭村 village member
constexpr std::int64_t kDay = 24 * 3600 * 1000LL;

std::int64_t November(int day, int hour = 10) {
  Result<MonthSpan> span = ParseChinaMonth("2026-11", "month");
  EXPECT_TRUE(span.ok());
  return span->from_millis + (day - 1) * kDay + hour * 3600 * 1000LL;
}

class NoticeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(November(1));
    store_ = OpenOrDie(path_, &clock_);
    ASSERT_NE(store_, nullptr);
    ImportFixture(*store_);
    PairingState pairs;
    pairs.contacts = {{kC1, kH1}, {kC2, kH2}, {kC3, kH3}};
    pairs.assistance = {{kC1, kH3}};
    Write([&](WriteTxn& txn) { return txn.ApplyPairing(pairs, "test").status(); });
    // November: two direct visits by 王建华; phone calls do not count; 张二牛
    // visited in October only; a visit in December is not November's.
    Visit(kC1, kH1, VisitKind::kHomeVisit, {2026, 11, 3});
    Visit(kC1, kH3, VisitKind::kTalk, {2026, 11, 10});
    Visit(kC1, kH1, VisitKind::kPhone, {2026, 11, 20});
    Visit(kC2, kH2, VisitKind::kPhone, {2026, 11, 5});
    Visit(kC3, kH3, VisitKind::kHomeVisit, {2026, 10, 30});
    Visit(kC2, kH2, VisitKind::kHomeVisit, {2026, 12, 1});
    // Tasks: one done, one open, one cancelled (not counted).
    for (auto [household, cadre, need, status] :
         {std::tuple{kH1, kC1, "危房", TaskStatus::kDone}, std::tuple{kH3, kC1, "低收入", TaskStatus::kOpen},
          std::tuple{kH2, kC2, "就业", TaskStatus::kCancelled}}) {
      Task task{household, cadre, need, "任务", "目标", "2026-12-31", TaskLevel::kNormal, status, 0, ""};
      Write([&](WriteTxn& txn) { return txn.Upsert(task).status(); });
    }
    // Appeals: 赵大山's answered, closed and rated solved and satisfied;
    // 孙老汉's still open; one received in December.
    clock_.Set(November(12));
    Appeal first = File(kH1);
    for (AppealAction action :
         {AppealAction::kSign, AppealAction::kReply, AppealAction::kClose, AppealAction::kRate}) {
      clock_.Advance(3600 * 1000);
      first = Step(first, action);
    }
    clock_.Set(November(20));
    open_ = File(kH3);
    clock_.Set(November(30) + 2 * kDay);
    File(kH2);
    clock_.Set(November(30) + 3 * kDay);  // counted on 3 December
  }

  void Write(const std::function<Status(WriteTxn&)>& change) {
    Result<std::unique_ptr<WriteTxn>> txn = store_->Begin("test");
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    Status changed = change(**txn);
    ASSERT_TRUE(changed.ok()) << changed.ToString();
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  void Visit(const std::string& cadre, const std::string& household, VisitKind kind, Date date) {
    lianxin::Visit visit;
    visit.cadre_code = cadre;
    visit.household_code = household;
    visit.kind = kind;
    visit.date = date;
    Write([&](WriteTxn& txn) { return txn.AddVisit(visit, "test").status(); });
  }

  Appeal File(const std::string& household) {
    Appeal appeal;
    appeal.household_code = household;
    appeal.content = "路灯坏了";
    appeal.topic = config_.appeals.topics.front().code;
    Result<Appeal> filed = FileAndRoute(*store_, appeal, "test", true, config_, clock_.NowMillis());
    EXPECT_TRUE(filed.ok()) << filed.status().ToString();
    return filed.ok() ? *filed : Appeal{};
  }

  Appeal Step(const Appeal& appeal, AppealAction action) {
    AppealEvent event;
    event.action = action;
    event.at_millis = clock_.NowMillis();
    event.actor = "test";
    event.note = "已修好";
    event.solved = true;
    event.satisfaction = Satisfaction::kSatisfied;
    Result<Appeal> next = ApplyAppealEvent(appeal, event, config_.appeals, WorkCalendar{});
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok()) return appeal;
    Write([&](WriteTxn& txn) { return txn.RecordAppealStep(*next, event, "test"); });
    return *next;
  }

  NoticeFigures Count(const std::string& region = "149901") {
    Result<NoticeFigures> figures =
        CountNotice(*store_, region, "2026-11", config_.appeals, clock_.NowMillis());
    EXPECT_TRUE(figures.ok()) << figures.status().ToString();
    return figures.ok() ? *figures : NoticeFigures{};
  }

  TempDir dir_;
  std::string path_ = dir_ / "county.db";
  ManualClock clock_{0};
  Appeal open_;  // 孙老汉's, due on 27 November and still open
  Config config_ = Config::Defaults();
  std::unique_ptr<Store> store_;
};

const json& Row(const json& rows, const std::string& code) {
  for (const json& row : rows)
    if (row["code"] == code) return row;
  static const json kNone;
  ADD_FAILURE() << "no row " << code;
  return kNone;
}

// The figures, worked out by hand from the data above.
TEST_F(NoticeTest, CountsEachTownshipVillageAndUnitAsTheRecordsSay) {
  const json notice = NoticeJson(Count());
  EXPECT_EQ(notice["title"], "连心县2026年11月党员干部直接联系群众情况公示");
  EXPECT_EQ(notice["issuer"], "中共连心县委组织部");
  EXPECT_EQ(notice["level"], "county");

  const json& total = notice["total"];
  EXPECT_EQ(total["households"], 3);
  EXPECT_EQ(total["covered"], 3);
  EXPECT_EQ(total["pairs"], 4);  // three contacts and one assistance pair
  EXPECT_EQ(total["direct_visits"], 2);
  EXPECT_EQ(total["visited_households"], 2);
  EXPECT_EQ(total["tasks"], 2);
  EXPECT_EQ(total["tasks_done"], 1);
  EXPECT_EQ(total["silent"], 2);
  EXPECT_EQ(total["appeals"]["received"], 2);
  EXPECT_EQ(total["appeals"]["dispatched"], 2);
  EXPECT_EQ(total["appeals"]["rated"], 1);
  EXPECT_EQ(total["appeals"]["satisfaction_rate"], 1.0);
  EXPECT_DOUBLE_EQ(total["visits_per_pair"].get<double>(), 0.5);

  const json& east = Row(notice["townships"], "149901001000");
  EXPECT_EQ(east["name"], "东岭镇");
  EXPECT_EQ(east["households"], 2);
  EXPECT_EQ(east["pairs"], 2);
  EXPECT_EQ(east["direct_visits"], 1);
  EXPECT_EQ(east["tasks"], 1);  // 钱小花's cancelled task is not counted
  EXPECT_EQ(east["tasks_done"], 1);
  EXPECT_EQ(east["appeals"]["received"], 1);
  EXPECT_EQ(east["appeals"]["resolution_rate"], 1.0);
  const json& west = Row(notice["townships"], "149901002000");
  EXPECT_EQ(west["households"], 1);
  EXPECT_EQ(west["pairs"], 2);
  EXPECT_EQ(west["direct_visits"], 1);
  EXPECT_EQ(west["tasks_done"], 0);
  EXPECT_EQ(west["appeals"]["received"], 1);
  EXPECT_TRUE(west["appeals"]["satisfaction_rate"].is_null());  // nothing rated: absent, not 0

  EXPECT_EQ(notice["villages"].size(), 3u);
  EXPECT_EQ(Row(notice["villages"], "149901001002")["households"], 0);
  EXPECT_EQ(Row(notice["villages"], "149901002001")["parent"], "西川乡");

  const json& organisation = Row(notice["units"], "149901U001");
  EXPECT_EQ(organisation["cadres"], 1);
  EXPECT_EQ(organisation["pairs"], 2);
  EXPECT_EQ(organisation["direct_visits"], 2);
  EXPECT_EQ(organisation["tasks"], 2);
  EXPECT_EQ(organisation["silent"], 0);
  EXPECT_EQ(organisation["appeals"]["received"], 1);  // 孙老汉's contact, 张二牛, has no unit
  const json& agriculture = Row(notice["units"], "149901U002");
  EXPECT_EQ(agriculture["direct_visits"], 0);  // a phone call is not direct contact
  EXPECT_EQ(agriculture["silent"], 1);

  ASSERT_EQ(notice["silent"].size(), 2u);
  std::set<std::string> silent;
  for (const json& cadre : notice["silent"]) silent.insert(cadre["name"]);
  EXPECT_EQ(silent, (std::set<std::string>{"李红梅", "张二牛"}));
}

// The month's unannounced inspections, per village, once closed: an open
// one stays secret, and one of another month is not this notice's.
TEST_F(NoticeTest, ClosedInspectionsOfTheMonthAreCountedPerVillage) {
  auto inspect = [&](const std::string& month, bool close) {
    std::string id;
    Write([&](WriteTxn& txn) -> Status {
      Inspection params{"", "149901", month, "seed", 1, 2};
      LX_ASSIGN_OR_RETURN(id, txn.OpenInspection(params, {kH1, kH2, kH3}));
      InspectionCheck knows{id, kH1};
      knows.knows_cadre = true;
      knows.visits = VisitsHappened::kYes;
      LX_RETURN_IF_ERROR(txn.RecordInspectionCheck(knows));
      InspectionCheck not_known{id, kH3};
      not_known.visits = VisitsHappened::kNo;
      not_known.findings = "登记的走访没有发生";
      LX_RETURN_IF_ERROR(txn.RecordInspectionCheck(not_known));
      return close ? txn.CloseInspection(id) : Status::Ok();
    });
  };
  inspect("2026-11", true);
  inspect("2026-11", false);  // open: secret still
  inspect("2026-10", true);   // another month's
  const NoticeFigures figures = Count();
  const json notice = NoticeJson(figures);
  EXPECT_EQ(notice["total"]["inspection"]["checked"], 2);  // 钱小花 drawn but not yet asked
  EXPECT_EQ(notice["total"]["inspection"]["knows_cadre"], 1);
  EXPECT_EQ(notice["total"]["inspection"]["awareness_rate"], 0.5);
  EXPECT_EQ(notice["total"]["inspection"]["findings"], 1);
  EXPECT_EQ(Row(notice["villages"], "149901001001")["inspection"]["knows_cadre"], 1);
  EXPECT_EQ(Row(notice["villages"], "149901002001")["inspection"]["findings"], 1);
  EXPECT_EQ(Row(notice["townships"], "149901002000")["inspection"]["checked"], 1);
  // Printed as its own part, and read back as published.
  const std::string html = DocumentHtml(NoticeDocument(figures));
  EXPECT_NE(html.find("六、不打招呼督查情况"), std::string::npos);
  EXPECT_NE(html.find("知晓率 50.0%"), std::string::npos);
  Result<NoticeFigures> back = NoticeOfRecord(NoticeRecordOf(figures, "county1"));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->total.findings, 1);
}

TEST_F(NoticeTest, ATownshipsNoticeCoversItsVillagesAlone) {
  const json notice = NoticeJson(Count("149901001000"));
  EXPECT_EQ(notice["title"], "东岭镇2026年11月党员干部直接联系群众情况公示");
  EXPECT_EQ(notice["issuer"], "中共连心县委组织部");
  EXPECT_TRUE(notice["townships"].empty());
  EXPECT_EQ(notice["villages"].size(), 2u);
  EXPECT_EQ(notice["total"]["households"], 2);
  EXPECT_EQ(notice["total"]["appeals"]["received"], 1);
  // 王建华 visited 东岭村; 李红梅 (phone only) is named.
  ASSERT_EQ(notice["silent"].size(), 1u);
  EXPECT_EQ(notice["silent"][0]["name"], "李红梅");
}

TEST_F(NoticeTest, RefusesAVillageAMalformedMonthAndAMissingRegion) {
  for (auto [region, month, field] :
       {std::tuple{"149901001001", "2026-11", "region"}, std::tuple{"149901", "2026-13", "month"},
        std::tuple{"1499", "2026-11", "region"}}) {
    Result<NoticeFigures> figures = CountNotice(*store_, region, month, config_.appeals, clock_.NowMillis());
    ASSERT_FALSE(figures.ok()) << region << " " << month;
    EXPECT_EQ(figures.status().code(), Code::kInvalidInput);
    EXPECT_EQ(figures.status().field(), field);
  }
  EXPECT_EQ(CountNotice(*store_, "149902", "2026-11", config_.appeals, 0).status().code(), Code::kNotFound);
}

TEST_F(NoticeTest, ThePdfReadsInChineseWithItsHeadingsNamesAndRootHash) {
  NoticeFigures figures = Count();
  const std::string pdf = dir_ / "notice.pdf";
  ASSERT_TRUE(WriteNotice(figures, pdf).ok());
  CliRun text = RunShell("pdftotext " + pdf + " -");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  // A title or a row may wrap: read the text without its line breaks.
  std::erase_if(text.output, [](char c) { return c == '\n' || c == ' '; });
  for (const std::string& expected :
       {std::string("连心县2026年11月党员干部直接联系群众情况公示"), std::string("中共连心县委组织部"),
        std::string("2026年12月3日"), std::string("一、总体情况"), std::string("二、各乡镇情况"),
        std::string("三、各村情况"), std::string("四、各单位情况"),
        std::string("五、本月未直接联系群众的干部名单"), std::string("东岭镇"), std::string("河湾村"),
        std::string("县农业农村局"), std::string("李红梅"), std::string("张二牛"),
        std::string("草稿,未发布·日志根哈希") + figures.journal_hash}) {
    EXPECT_NE(text.output.find(expected), std::string::npos) << "the PDF lacks " << expected;
  }
  EXPECT_EQ(text.output.find("王建华"), std::string::npos) << "a cadre who visited is not named";
  // HTML and XLSX from the same figures.
  const std::string html = dir_ / "notice.html";
  ASSERT_TRUE(WriteNotice(figures, html).ok());
  const std::string page = ReadFile(html);
  for (const char* expected : {"四、各单位情况", "李红梅", "县农业农村局"})
    EXPECT_NE(page.find(expected), std::string::npos) << expected;
  ASSERT_TRUE(WriteNotice(figures, dir_ / "notice.xlsx").ok());
  CliRun sheet = RunShell("unzip -p " + (dir_ / "notice.xlsx") + " xl/sharedStrings.xml");
  EXPECT_NE(sheet.output.find("李红梅"), std::string::npos) << sheet.output.substr(0, 400);
  EXPECT_FALSE(WriteNotice(figures, dir_ / "notice.doc").ok());
}

TEST_F(NoticeTest, APublishedNoticeIsKeptAsPublishedAndItsRootHashIsAJournalEntry) {
  NoticeFigures figures = Count();
  ASSERT_FALSE(figures.journal_hash.empty());
  Result<std::optional<std::int64_t>> seq = store_->JournalSeqOf(figures.journal_hash);
  ASSERT_TRUE(seq.ok());
  ASSERT_TRUE(seq->has_value());
  EXPECT_EQ(**seq, figures.journal_seq);
  EXPECT_FALSE(store_->JournalSeqOf(std::string(64, '0'))->has_value());
  EXPECT_FALSE(store_->JournalSeqOf("not hex")->has_value());

  const NoticeRecord record = NoticeRecordOf(figures, "county1");
  Write([&](WriteTxn& txn) { return txn.PublishNotice(record); });
  // A later visit does not change what was published.
  Visit(kC2, kH2, VisitKind::kHomeVisit, {2026, 11, 28});
  Result<std::optional<NoticeRecord>> kept = store_->GetNotice("149901:2026-11");
  ASSERT_TRUE(kept.ok());
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ((*kept)->published_by, "county1");
  EXPECT_EQ((*kept)->published_millis, clock_.NowMillis());
  Result<NoticeFigures> again = NoticeOfRecord(**kept);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  json before = NoticeJson(figures), after = NoticeJson(*again);
  after.erase("published");
  before.erase("published");
  EXPECT_EQ(after, before);
  EXPECT_EQ(NoticeJson(Count())["total"]["direct_visits"], 3) << "a recount sees the later visit";

  // Never twice.
  Result<std::unique_ptr<WriteTxn>> txn = store_->Begin("test");
  ASSERT_TRUE(txn.ok());
  EXPECT_EQ((*txn)->PublishNotice(record).code(), Code::kConflict);
  txn->reset();
  Result<std::vector<NoticeRecord>> listed = store_->ListNotices("149901001000");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty()) << "a township's list holds its own notices, not the county's";
  listed = store_->ListNotices("");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front(), **kept);

  // The journal still verifies with the notice in it.
  std::int64_t checked = 0;
  Status verified = store_->VerifyJournal(&checked);
  EXPECT_TRUE(verified.ok()) << verified.ToString();
}

TEST_F(NoticeTest, ANoticeChangedBehindTheProgramsBackIsCaught) {
  const NoticeRecord record = NoticeRecordOf(Count(), "county1");
  Write([&](WriteTxn& txn) { return txn.PublishNotice(record); });
  store_.reset();
  RawSql(path_,
         "UPDATE notices SET figures = replace(figures, '\"direct_visits\":2', '\"direct_visits\":9')");
  store_ = OpenOrDie(path_, &clock_);
  Result<std::optional<NoticeRecord>> kept = store_->GetNotice(record.id);
  ASSERT_TRUE(kept.ok());
  ASSERT_TRUE(kept->has_value());
  EXPECT_NE((*kept)->figures, record.figures) << "the edit reached the row";
  EXPECT_EQ(NoticeOfRecord(**kept).status().code(), Code::kTampered);
  EXPECT_EQ(store_->VerifyJournal(nullptr).code(), Code::kTampered);
}

TEST(NoticeJsonTest, ReadingBackNamesTheFieldThatIsWrong) {
  NoticeFigures figures;
  figures.region = "149901";
  figures.month = "2026-11";
  figures.villages.push_back(NoticeRow{});
  json good = NoticeJson(figures);
  EXPECT_TRUE(NoticeFromJson(good).ok());
  json bad = good;
  bad["villages"][0]["appeals"]["rated"] = "three";
  Result<NoticeFigures> read = NoticeFromJson(bad);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().field(), "rated");
  bad = good;
  bad.erase("journal");
  EXPECT_EQ(NoticeFromJson(bad).status().field(), "journal");
  EXPECT_FALSE(NoticeFromJson(json::array()).ok());
}

// The bulletin names what went wrong: the rankings, the silent cadres, an
// appeal supervised twice, an inspection's finding, a visit denied on callback.
TEST_F(NoticeTest, TheBulletinRanksAndNamesWhatWentWrong) {
  // 督办 twice, after the deadline: named for the bulletin.
  Appeal late = open_;
  for (int i = 0; i < 2; ++i) late = Step(late, AppealAction::kSupervise);
  ASSERT_TRUE(late.in_bulletin);
  // November's inspection finds something at 孙老汉's.
  Result<Inspection> inspection =
      OpenDrawnInspection(*store_, Inspection{"", "149901", "2026-11", "seed", 5, 5}, "inspector");
  ASSERT_TRUE(inspection.ok()) << inspection.status().ToString();
  InspectionCheck check;
  check.inspection_id = inspection->id;
  check.household_code = kH3;
  check.visits = VisitsHappened::kPartly;
  check.findings = "包扶任务没有进展";
  ASSERT_TRUE(RecordCheck(*store_, check, true, "inspector", {2026, 12, 3}).ok());
  // Every November direct visit called back; 孙老汉 denies 王建华's.
  Result<std::unique_ptr<WriteTxn>> txn = store_->Begin("test");
  ASSERT_TRUE(txn.ok());
  Result<std::vector<Callback>> drawn = (*txn)->AddCallbacks("149901", "2026-11", "seed", 1.0);
  ASSERT_TRUE(drawn.ok()) << drawn.status().ToString();
  ASSERT_EQ(drawn->size(), 2u) << "two direct visits in November; the phone calls are not drawn";
  for (const Callback& c : *drawn) {
    const bool denied = c.household_code == kH3;
    ASSERT_TRUE((*txn)
                    ->RecordCallback(c.visit_id,
                                     denied ? CallbackOutcome::kDenied : CallbackOutcome::kConfirmed,
                                     denied ? "没见过这位干部" : "")
                    .ok());
  }
  ASSERT_TRUE((*txn)->Commit().ok());

  Result<BulletinFigures> bulletin =
      CountBulletin(*store_, "149901", "2026-11", config_.appeals, clock_.NowMillis());
  ASSERT_TRUE(bulletin.ok()) << bulletin.status().ToString();
  const json b = BulletinJson(*bulletin);
  EXPECT_EQ(b["title"], "连心县2026年11月党员干部直接联系群众工作情况通报");
  ASSERT_EQ(b["rankings"]["areas"].size(), 2u);
  EXPECT_EQ(b["rankings"]["areas"][0]["name"], "西川乡") << "every household visited ranks first";
  EXPECT_EQ(b["rankings"]["units"][0]["code"], "149901U001") << "visits per pair";
  ASSERT_EQ(b["supervised_appeals"].size(), 1u);
  EXPECT_EQ(b["supervised_appeals"][0]["id"], late.id);
  EXPECT_EQ(b["supervised_appeals"][0]["township"], "西川乡");
  ASSERT_EQ(b["inspection_findings"].size(), 1u);
  EXPECT_EQ(b["inspection_findings"][0]["findings"], "包扶任务没有进展");
  EXPECT_EQ(b["inspection_findings"][0]["cadre_name"], "张二牛");
  EXPECT_TRUE(b["inspection_findings"][0]["task"].get<bool>());
  ASSERT_EQ(b["callback_denials"].size(), 1u);
  EXPECT_EQ(b["callback_denials"][0]["cadre_name"], "王建华");

  const std::string pdf = dir_ / "bulletin.pdf";
  ASSERT_TRUE(WriteBulletin(*bulletin, pdf).ok());
  CliRun text = RunShell("pdftotext " + pdf + " -");
  std::erase_if(text.output, [](char c) { return c == '\n' || c == ' '; });
  for (const char* expected : {"情况通报", "一、各乡镇排名", "二、各单位排名", "三、未直接联系群众的干部",
                               "李红梅", "四、督办中的群众诉求", "五、不打招呼督查发现的问题",
                               "包扶任务没有进展", "六、回访中群众否认的走访", "没见过这位干部"}) {
    EXPECT_NE(text.output.find(expected), std::string::npos) << "the PDF lacks " << expected;
  }
}

// A cadre's dossier: the record behind the score, and the score from the
// indicators there was something to measure.
TEST_F(NoticeTest, ADossierHoldsTheCadresRecordAndTheScoreBehindIt) {
  // 民主评议: 赵大山 and 孙老汉 rate 王建华; 钱小花 is not his to rate.
  Write([&](WriteTxn& txn) { return txn.RateCadre(kH1, kC1, 2026, Satisfaction::kSatisfied); });
  Write([&](WriteTxn& txn) { return txn.RateCadre(kH3, kC1, 2026, Satisfaction::kUnsatisfied); });
  {
    Result<std::unique_ptr<WriteTxn>> txn = store_->Begin("test");
    ASSERT_TRUE(txn.ok());
    EXPECT_EQ((*txn)->RateCadre(kH2, kC1, 2026, Satisfaction::kSatisfied).code(), Code::kNotFound);
  }
  Result<DossierFigures> dossier = CountDossier(*store_, kC1, config_, {2026, 10, 1}, {2026, 12, 3});
  ASSERT_TRUE(dossier.ok()) << dossier.status().ToString();
  const json d = DossierJson(*dossier);
  EXPECT_EQ(d["name"], "王建华");
  EXPECT_EQ(d["unit"], "县委组织部");
  EXPECT_EQ(d["households"], 2);
  ASSERT_EQ(d["months"].size(), 3u);
  EXPECT_EQ(d["months"][1]["month"], "2026-11");
  EXPECT_EQ(d["months"][1]["direct"], 2);
  EXPECT_EQ(d["months"][1]["other"], 1) << "the phone call";
  EXPECT_EQ(d["tasks_done"], 1);
  EXPECT_EQ(d["appeals"]["received"], 1);
  EXPECT_EQ(d["appeals"]["satisfaction_rate"], 1.0);
  // Measured: cadence, tasks, appeals, the ratings; not inspected, never called back.
  std::set<std::string> absent(d["score"]["absent"].begin(), d["score"]["absent"].end());
  EXPECT_EQ(absent, (std::set<std::string>{"awareness", "callbacks"}));
  EXPECT_EQ(d["ratings"]["given"], 2);
  EXPECT_EQ(d["ratings"]["satisfied"], 1);
  ASSERT_TRUE(d["score"]["value"].is_number());
  double weighted = 0, weights = 0;
  for (const json& p : d["score"]["parts"]) {
    weighted += p["value"].get<double>() * p["weight"].get<double>();
    weights += p["weight"].get<double>();
  }
  EXPECT_NEAR(d["score"]["value"].get<double>(), 100 * weighted / weights, 1e-9);

  const std::string pdf = dir_ / "dossier.pdf";
  ASSERT_TRUE(WriteDossier(*dossier, pdf).ok());
  CliRun text = RunShell("pdftotext " + pdf + " -");
  std::erase_if(text.output, [](char c) { return c == '\n' || c == ' '; });
  for (const char* expected :
       {"王建华同志直接联系群众工作档案", "一、基本情况", "二、考核得分", "三、走访记录", "2026-11"})
    EXPECT_NE(text.output.find(expected), std::string::npos) << expected;
  EXPECT_EQ(CountDossier(*store_, "149901C99999", config_, {2026, 10, 1}, {2026, 12, 3}).status().code(),
            Code::kNotFound);
}

}  // namespace
}  // namespace lianxin::testing
