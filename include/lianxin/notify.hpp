// Notifications (PRODUCT.md §3): who is told what when an appeal moves — a
// new appeal for its handler, a reminder (督办, naming how many and whether
// the bulletin will list it), the notice that its deadline has passed, and
// the household's evaluation request. One interface; the county's SMS gateway
// plugs in behind it. What ships writes one JSON line per message to a file
// (the outbox a gateway or an operator picks up), so nothing is lost when
// no gateway is configured.
//
//   FileNotifier outbox("/var/lib/lianxin/outbox.jsonl");
//   LX_RETURN_IF_ERROR(outbox.Send(AppealNotice(NoticeKind::kNewAppeal, appeal, handler, now)));
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "lianxin/appeals.hpp"
#include "lianxin/status.hpp"
#include "lianxin/tasks.hpp"

namespace lianxin {

enum class NoticeKind { kNewAppeal, kReminder, kOverdue, kEvaluationRequest, kNewDecision, kProgressReport };
// new_appeal, reminder, overdue, evaluation_request, new_decision, progress_report
std::string_view Token(NoticeKind v);

struct Notification {
  NoticeKind kind = NoticeKind::kNewAppeal;
  std::string recipient;  // a cadre, unit or household code
  std::string appeal_id;  // the appeal, or the meeting decision, it is about
  std::string text;       // what the message says, in plain Chinese
  std::int64_t at_millis = 0;
};

// The message for `kind` about `appeal`, to `recipient`. The text names the
// appeal and its deadline, never the household's ID number or phone.
Notification AppealNotice(NoticeKind kind, const Appeal& appeal, const std::string& recipient,
                          std::int64_t now_millis);

// A meeting decision (会议决定事项) handed to its cadre (kNewDecision), or
// progress on it reported up the line to its supervising office
// (kProgressReport).
Notification DecisionNotice(NoticeKind kind, const Decision& decision, const std::string& recipient,
                            std::int64_t now_millis);

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Thread-safe. kUnavailable when the message could not be handed on.
  virtual Status Send(const Notification& notification) = 0;
};

// Appends one JSON object a line to a file, flushed per message.
class FileNotifier final : public Notifier {
 public:
  explicit FileNotifier(std::string path) : path_(std::move(path)) {}
  Status Send(const Notification& notification) override;

 private:
  std::string path_;
  std::mutex mutex_;
};

}  // namespace lianxin
