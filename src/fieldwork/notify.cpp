#include "lianxin/notify.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace lianxin {

namespace {

// "12月5日 18:00" in China's time.
std::string ChinaTime(std::int64_t millis) {
  Date date = ChinaDateOf(millis);
  std::int64_t minutes =
      ((millis + kChinaOffsetMillis) % kMillisPerDay + kMillisPerDay) % kMillisPerDay / 60'000;
  char text[32];
  std::snprintf(text, sizeof text, "%d月%d日 %02d:%02d", date.month, date.day, static_cast<int>(minutes / 60),
                static_cast<int>(minutes % 60));
  return text;
}

}  // namespace

std::string_view Token(NoticeKind v) {
  static constexpr std::string_view kTokens[] = {"new_appeal",         "reminder",     "overdue",
                                                 "evaluation_request", "new_decision", "progress_report"};
  return kTokens[static_cast<int>(v)];
}

Notification AppealNotice(NoticeKind kind, const Appeal& appeal, const std::string& recipient,
                          std::int64_t now_millis) {
  Notification n{kind, recipient, appeal.id, "", now_millis};
  const std::string due = appeal.deadline_millis > 0 ? ChinaTime(appeal.deadline_millis) : "";
  switch (kind) {
    case NoticeKind::kNewAppeal:
      n.text = "【连心】您有一件新诉求(编号 " + appeal.id + "),请及时签收,于 " + due + " 前办结。";
      break;
    case NoticeKind::kReminder:
      n.text = "【连心】督办:诉求 " + appeal.id + " 已超过办理时限(" + due + "),第 " +
               std::to_string(appeal.reminders) + " 次督办,请尽快办理并答复" +
               (appeal.in_bulletin ? ",并将在情况通报中列出。" : "。");
      break;
    case NoticeKind::kOverdue:
      n.text = "【连心】诉求 " + appeal.id + " 已超过办理时限(" + due + "),请尽快办理并答复,超期将被督办。";
      break;
    case NoticeKind::kEvaluationRequest:
      n.text = "【连心】您反映的问题(编号 " + appeal.id + ")已办结,请用连心卡登录评价是否解决、是否满意。";
      break;
    case NoticeKind::kNewDecision:
    case NoticeKind::kProgressReport:
      break;  // about decisions: DecisionNotice
  }
  return n;
}

Notification DecisionNotice(NoticeKind kind, const Decision& decision, const std::string& recipient,
                            std::int64_t now_millis) {
  Notification n{kind, recipient, decision.id, "", now_millis};
  if (kind == NoticeKind::kProgressReport) {
    n.text = "【连心】会议决定事项 " + decision.id + "(" + decision.meeting + ")进度 " +
             std::to_string(decision.progress) + "%" +
             (decision.status == TaskStatus::kDone ? ",已完成。" : "。");
  } else {
    n.text = "【连心】您承办会议决定事项 " + decision.id + "(" + decision.meeting + "),请于 " +
             decision.deadline + " 前办结并报告进度。";
  }
  return n;
}

Status FileNotifier::Send(const Notification& notification) {
  nlohmann::json line = {{"kind", Token(notification.kind)},
                         {"recipient", notification.recipient},
                         {"appeal", notification.appeal_id},
                         {"text", notification.text},
                         {"at_millis", notification.at_millis}};
  std::string text = line.dump() + "\n";
  std::lock_guard lock(mutex_);
  std::FILE* file = std::fopen(path_.c_str(), "a");
  if (file == nullptr) return Status(Code::kUnavailable, "无法写入通知文件 " + path_ + " (notify_write)");
  bool ok = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  ok = std::fflush(file) == 0 && ok;
  ok = std::fclose(file) == 0 && ok;
  if (!ok) return Status(Code::kUnavailable, "无法写入通知文件 " + path_ + " (notify_write)");
  return Status::Ok();
}

}  // namespace lianxin
