#include "lianxin/ledger.hpp"

#include <algorithm>
#include <cstdio>

namespace lianxin {

namespace {

std::string MonthOf(const Date& date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d", date.year, date.month);
  return text;
}

std::string Yuan(double yuan) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", yuan);
  return text;
}

}  // namespace

Status CheckMeeting(const Meeting& meeting, const LedgerRules& rules) {
  if (meeting.minutes < 0 || meeting.attendees < 0 || meeting.cost_yuan < 0) {
    return Status::Invalid("会议的时长、人数和费用不能为负 (meeting_figures)");
  }
  if (meeting.exempt && meeting.exempt_reason.empty()) {
    return Status::Invalid("exempt_reason: 无会月例外须写明理由 (meeting_exempt_reason)", "exempt_reason");
  }
  const std::string month = MonthOf(meeting.date);
  bool no_meeting = std::find(rules.no_meeting_months.begin(), rules.no_meeting_months.end(), month) !=
                    rules.no_meeting_months.end();
  if (no_meeting && !meeting.exempt) {
    return Status::Conflict(
        month + " 是无会月,不安排会议;确需召开须由县级管理员批准为例外并写明理由 (no_meeting_month)");
  }
  return Status::Ok();
}

std::vector<LedgerBreach> CheckReception(const ReceptionReport& report, const LedgerRules& rules) {
  std::vector<LedgerBreach> breaches;
  if (report.companions > rules.max_companions) {
    breaches.push_back({"companions",
                        "陪同 " + std::to_string(report.companions) + " 人,超过 " +
                            std::to_string(rules.max_companions) + " 人",
                        "轻车简从、减少陪同"});
  }
  if (report.meal_people > 0 && report.meal_yuan > rules.meal_yuan_per_person * report.meal_people) {
    breaches.push_back({"meals",
                        "用餐 " + std::to_string(report.meal_people) + " 人共 " + Yuan(report.meal_yuan) +
                            " 元,超过每人 " + Yuan(rules.meal_yuan_per_person) + " 元的工作餐标准",
                        "简化接待"});
  }
  struct Flag {
    bool set;
    const char* item;
    const char* what;
    const char* rule;
  };
  for (const Flag& f : {Flag{report.banners, "banners", "张贴悬挂了标语横幅", "不张贴悬挂标语横幅"},
                        Flag{report.welcome_crowds, "welcome_crowds", "安排了群众迎送", "不安排群众迎送"},
                        Flag{report.carpets, "carpets", "铺设了迎宾地毯", "不铺设迎宾地毯"},
                        Flag{report.flowers, "flowers", "摆放了花草", "不摆放花草"},
                        Flag{report.banquet, "banquet", "安排了宴请", "不安排宴请"}}) {
    if (f.set) breaches.push_back({f.item, f.what, f.rule});
  }
  return breaches;
}

}  // namespace lianxin
