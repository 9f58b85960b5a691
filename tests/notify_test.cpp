// Notifications: the words each kind says, and the outbox file a gateway reads.
#include "lianxin/notify.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace lianxin::testing {
namespace {

TEST(NotifyTest, EachKindNamesTheAppealAndTheOutboxKeepsEveryLine) {
  Appeal appeal;
  appeal.id = "A20261205-0001";
  // 2026-12-05 18:00 in China.
  appeal.deadline_millis = DaysFromDate({2026, 12, 5}) * kMillisPerDay + 10 * 3'600'000;
  appeal.reminders = 2;
  TempDir dir;
  FileNotifier outbox(dir / "outbox.jsonl");
  for (NoticeKind kind : {NoticeKind::kNewAppeal, NoticeKind::kReminder, NoticeKind::kOverdue,
                          NoticeKind::kEvaluationRequest}) {
    Notification n = AppealNotice(kind, appeal, "149901C00001", 1);
    EXPECT_NE(n.text.find(appeal.id), std::string::npos) << n.text;
    ASSERT_TRUE(outbox.Send(n).ok());
  }
  EXPECT_NE(AppealNotice(NoticeKind::kNewAppeal, appeal, "x", 1).text.find("12月5日 18:00"),
            std::string::npos);
  std::ifstream in(dir / "outbox.jsonl");
  std::string line;
  std::vector<std::string> kinds;
  while (std::getline(in, line)) kinds.push_back(nlohmann::json::parse(line)["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"new_appeal", "reminder", "overdue", "evaluation_request"}));

  FileNotifier nowhere(dir / "missing/outbox.jsonl");
  EXPECT_EQ(nowhere.Send(AppealNotice(NoticeKind::kReminder, appeal, "x", 1)).code(), Code::kUnavailable);
}

}  // namespace
}  // namespace lianxin::testing
