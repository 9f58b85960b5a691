// Tasks (包扶任务, PRODUCT.md §3): what an assistance pair must get done for
// its household, one per need, with a target and a deadline.
//
//   std::vector<Task> tasks = TasksForAssistance(household, cadre.code, config, today);
//
// 「规定完不成者,不得撤出村」: open tasks hold a unit in its village (the exit gate).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lianxin/registry.hpp"
#include "lianxin/status.hpp"
#include "lianxin/validate.hpp"

namespace lianxin {

struct Config;  // config.hpp: the task rules are Config::needs

// 项目绩效管理考评: a major (重点/部级) task carries more points than a normal (一般/科级) one.
enum class TaskLevel { kMajor, kNormal };
enum class TaskStatus { kOpen, kDone, kCancelled };
std::string_view Token(TaskLevel v);   // major, normal
std::string_view Token(TaskStatus v);  // open, done, cancelled

struct Task {
  std::string household_code;
  std::string cadre_code;
  std::string need;      // the need tag it answers
  std::string task;      // what to do (NeedRule::task)
  std::string target;    // when it is done (NeedRule::target, filled in)
  std::string deadline;  // YYYY-MM-DD
  TaskLevel level = TaskLevel::kNormal;
  TaskStatus status = TaskStatus::kOpen;
  int progress = 0;  // percent
  std::string notes;
  bool operator==(const Task&) const = default;
};

// One task per need of the household that the configuration gives a task,
// due `deadline_days` after `today`. "{income_line}" in a target becomes the
// configured income line.
std::vector<Task> TasksForAssistance(const Household& household, const std::string& cadre_code,
                                     const Config& config, const Date& today);

// Open past its deadline on `today`.
bool IsOverdue(const Task& task, const Date& today);

// 会议决定事项: a decision of a meeting, carried out by a named cadre and
// supervised by an office (a unit), with progress reported up the line —
// a task that belongs to no household.
struct Decision {
  std::string id;  // D + 16 hex digits, made when it is recorded
  std::string meeting;
  Date meeting_date;
  std::string decision;
  std::string handler;     // the cadre named to carry it out
  std::string supervisor;  // the supervising office (督办单位), a unit code
  std::string deadline;    // YYYY-MM-DD
  TaskLevel level = TaskLevel::kNormal;
  TaskStatus status = TaskStatus::kOpen;
  int progress = 0;
  std::string notes;
  std::string created_by;
  bool operator==(const Decision&) const = default;
};
bool IsOverdue(const Decision& decision, const Date& today);
// As ReportProgress for a task.
Status ReportProgress(Decision& decision, int progress, std::string_view note, const Date& today);

// Progress reported on `today`: the percentage (0..100; kInvalidInput,
// field "progress", outside it) and a dated line in the notes with `note`,
// if any; at 100 % the task is done. kConflict (task_closed) for a task no
// longer open, which is left as it was.
Status ReportProgress(Task& task, int progress, std::string_view note, const Date& today);

}  // namespace lianxin
