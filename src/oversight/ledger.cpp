#include "lianxin/ledger.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lianxin {

namespace {

std::string MonthOf(const Date& date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d", date.year, date.month);
  return text;
}

constexpr std::string_view kLineTokens[] = {"meeting",  "reception", "vehicle", "travel",
                                            "training", "overseas",  "other"};
constexpr std::string_view kLineLabels[] = {
    "会议费", "公务接待费", "公务用车运行维护费", "差旅费", "培训费", "因公出国(境)费", "其他"};

Status NotNegative(int value, const char* field, const char* noun) {
  if (value >= 0) return Status::Ok();
  return Status::Invalid(std::string(field) + ": " + noun + "不能为负 (ledger_negative)", field);
}

Status Required(const std::string& value, const char* field, const char* noun) {
  if (!value.empty()) return Status::Ok();
  return Status::Invalid(std::string(field) + ": 须填写" + noun + " (required)", field);
}

}  // namespace

std::string_view Token(BudgetLine line) { return kLineTokens[static_cast<size_t>(line)]; }
std::string_view Label(BudgetLine line) { return kLineLabels[static_cast<size_t>(line)]; }
std::optional<BudgetLine> ParseBudgetLine(std::string_view token) {
  for (size_t i = 0; i < std::size(kLineTokens); ++i) {
    if (token == kLineTokens[i] || token == kLineLabels[i]) return static_cast<BudgetLine>(i);
  }
  return std::nullopt;
}

std::string YuanText(std::int64_t fen) {
  char text[32];
  const std::int64_t whole = fen / 100, part = fen % 100;
  std::snprintf(text, sizeof text, "%s%lld.%02lld", fen < 0 ? "-" : "",
                static_cast<long long>(whole < 0 ? -whole : whole),
                static_cast<long long>(part < 0 ? -part : part));
  return text;
}

Status CheckMeeting(const Meeting& meeting, const LedgerRules& rules) {
  LX_RETURN_IF_ERROR(Required(meeting.title, "title", "会议名称"));
  LX_RETURN_IF_ERROR(Required(meeting.approved_by, "approved_by", "审批人"));
  LX_RETURN_IF_ERROR(NotNegative(meeting.minutes, "minutes", "会议时长"));
  LX_RETURN_IF_ERROR(NotNegative(meeting.attendees, "attendees", "参会人数"));
  if (meeting.cost_fen < 0)
    return Status::Invalid("cost_yuan: 会议费用不能为负 (ledger_negative)", "cost_yuan");
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
  const auto fen_per_person = static_cast<std::int64_t>(std::llround(rules.meal_yuan_per_person * 100));
  if (report.meal_people > 0 && report.meal_fen > fen_per_person * report.meal_people) {
    breaches.push_back({"meals",
                        "用餐 " + std::to_string(report.meal_people) + " 人共 " + YuanText(report.meal_fen) +
                            " 元,超过每人 " + YuanText(fen_per_person) + " 元的工作餐标准",
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

Status CheckReceptionFields(const ReceptionReport& report) {
  LX_RETURN_IF_ERROR(Required(report.visitors, "visitors", "来访单位和人员"));
  LX_RETURN_IF_ERROR(Required(report.reported_to, "reported_to", "报告的党组织或纪检组织"));
  LX_RETURN_IF_ERROR(NotNegative(report.companions, "companions", "陪同人数"));
  LX_RETURN_IF_ERROR(NotNegative(report.meal_people, "meal_people", "用餐人数"));
  if (report.meal_fen < 0)
    return Status::Invalid("meal_yuan: 用餐费用不能为负 (ledger_negative)", "meal_yuan");
  return Status::Ok();
}

Status CheckExpense(const Expense& expense) {
  LX_RETURN_IF_ERROR(Required(expense.item, "item", "支出事项"));
  if (expense.amount_fen <= 0) {
    return Status::Invalid("amount_yuan: 支出金额须大于 0 (ledger_amount)", "amount_yuan");
  }
  return Status::Ok();
}

}  // namespace lianxin
