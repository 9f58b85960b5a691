#include "lianxin/tasks.hpp"

#include "lianxin/config.hpp"

namespace lianxin {

std::string_view Token(TaskLevel v) { return v == TaskLevel::kMajor ? "major" : "normal"; }

std::string_view Token(TaskStatus v) {
  switch (v) {
    case TaskStatus::kOpen:
      return "open";
    case TaskStatus::kDone:
      return "done";
    case TaskStatus::kCancelled:
      return "cancelled";
  }
  return "open";
}

std::vector<Task> TasksForAssistance(const Household& household, const std::string& cadre_code,
                                     const Config& config, const Date& today) {
  std::vector<Task> tasks;
  for (const std::string& need : household.needs) {
    for (const NeedRule& rule : config.needs) {
      if (rule.label != need || rule.task.empty()) continue;
      Task task;
      task.household_code = household.code;
      task.cadre_code = cadre_code;
      task.need = need;
      task.task = rule.task;
      task.target = rule.target;
      const std::string placeholder = "{income_line}";
      if (size_t at = task.target.find(placeholder); at != std::string::npos) {
        task.target.replace(at, placeholder.size(), std::to_string(config.difficulty.income_line));
      }
      task.deadline = DateFromDays(DaysFromDate(today) + rule.deadline_days).ToString();
      task.level = rule.major ? TaskLevel::kMajor : TaskLevel::kNormal;
      tasks.push_back(std::move(task));
    }
  }
  return tasks;
}

bool IsOverdue(const Task& task, const Date& today) {
  return task.status == TaskStatus::kOpen && task.deadline < today.ToString();  // both YYYY-MM-DD
}

namespace {

// The progress, the status and the dated note line, for tasks and decisions alike.
Status Progress(TaskStatus& status, int& current, std::string& notes, int progress, std::string_view note,
                const Date& today) {
  if (progress < 0 || progress > 100) {
    return Status::Invalid("进度应为 0 到 100 的整数 (progress_invalid)", "progress");
  }
  if (status != TaskStatus::kOpen) return Status::Conflict("任务已结束,不能再更新进度 (task_closed)");
  current = progress;
  if (progress == 100) status = TaskStatus::kDone;
  // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) on
  // a chain of string temporaries here.
  if (!notes.empty()) notes += '\n';
  notes += today.ToString();
  notes += " 进度 ";
  notes += std::to_string(progress);
  notes += '%';
  if (!note.empty()) {
    notes += ":";
    notes.append(note);
  }
  return Status::Ok();
}

}  // namespace

Status ReportProgress(Task& task, int progress, std::string_view note, const Date& today) {
  return Progress(task.status, task.progress, task.notes, progress, note, today);
}

Status ReportProgress(Decision& decision, int progress, std::string_view note, const Date& today) {
  return Progress(decision.status, decision.progress, decision.notes, progress, note, today);
}

bool IsOverdue(const Decision& decision, const Date& today) {
  return decision.status == TaskStatus::kOpen && decision.deadline < today.ToString();
}

}  // namespace lianxin
