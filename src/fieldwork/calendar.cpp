#include "lianxin/calendar.hpp"

#include <cstdio>

namespace lianxin {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<WorkCalendar> WorkCalendar::Parse(std::string_view text, const std::string& name) {
  WorkCalendar calendar;
  int line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = Trim(line);
    if (line.empty()) continue;
    std::string where = name + ":" + std::to_string(line_number) + ": ";
    size_t space = line.find_first_of(" \t");
    if (space == std::string_view::npos) {
      return Status::Invalid(where + "应为“日期 休”或“日期 班”,如 2026-10-01 休 (calendar_line)");
    }
    Result<Date> date = ParseDate(line.substr(0, space));
    if (!date.ok()) return Status::Invalid(where + date.status().message());
    std::string_view kind = Trim(line.substr(space));
    bool workday;
    if (kind == "休" || kind == "holiday") {
      workday = false;
    } else if (kind == "班" || kind == "workday") {
      workday = true;
    } else {
      return Status::Invalid(where + "“" + std::string(kind) +
                             "”应为 休/holiday 或 班/workday (calendar_kind)");
    }
    auto [it, inserted] = calendar.exceptions_.emplace(*date, workday);
    if (!inserted && it->second != workday) {
      return Status::Invalid(where + date->ToString() + " 既是休息日又是工作日 (calendar_conflict)");
    }
  }
  return calendar;
}

int WeekdayOf(const Date& date) {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  std::int64_t days = DaysFromDate(date);
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

bool WorkCalendar::IsWorkday(const Date& date) const {
  if (auto it = exceptions_.find(date); it != exceptions_.end()) return it->second;
  return WeekdayOf(date) < 5;
}

std::int64_t EndOfChinaDay(const Date& date) {
  return (DaysFromDate(date) + 1) * kMillisPerDay - kChinaOffsetMillis - 1;
}

std::int64_t StartOfChinaDay(const Date& date) {
  return DaysFromDate(date) * kMillisPerDay - kChinaOffsetMillis;
}

std::string ChinaIsoTime(std::int64_t millis) {
  Date date = ChinaDateOf(millis);
  std::int64_t seconds =
      ((millis + kChinaOffsetMillis) % kMillisPerDay + kMillisPerDay) % kMillisPerDay / 1000;
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", date.year, date.month, date.day,
                static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60),
                static_cast<int>(seconds % 60));
  return text;
}

Result<MonthSpan> ParseChinaMonth(std::string_view text, const std::string& field) {
  Result<Date> first = ParseDate(std::string(text) + "-01");
  if (text.size() != 7 || !first.ok()) {
    return Status::Invalid("月份应写作 YYYY-MM,而不是 " + std::string(text) + " (month_format)", field);
  }
  Date next = *first;
  if (++next.month > 12) {
    next.month = 1;
    ++next.year;
  }
  return MonthSpan{StartOfChinaDay(*first), StartOfChinaDay(next)};
}

std::int64_t DayLimitDeadline(std::int64_t start_millis, int days, bool working_days,
                              const WorkCalendar& calendar) {
  std::int64_t day = DaysFromDate(ChinaDateOf(start_millis));
  int counted = 0;
  while (counted < days) {
    ++day;
    if (!working_days || calendar.IsWorkday(DateFromDays(day))) ++counted;
  }
  return EndOfChinaDay(DateFromDays(day));
}

}  // namespace lianxin
