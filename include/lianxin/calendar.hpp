// Working days and deadlines in China's time (UTC+8, no daylight saving).
//
// Official holidays and the weekend days worked in their place (调休) move
// every year, so they come from a file the county keeps, one day a line:
//
//   # 2026 国庆
//   2026-10-01 休
//   2026-10-10 班
//
// (`休`/`holiday` and `班`/`workday`; `#` starts a comment.) A day the file
// does not name is a working day from Monday to Friday.
//
//   LX_ASSIGN_OR_RETURN(WorkCalendar calendar, WorkCalendar::Parse(text, "holidays.txt"));
//   std::int64_t due = DayLimitDeadline(dispatched_at, 7, /*working_days=*/true, calendar);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "lianxin/status.hpp"
#include "lianxin/validate.hpp"

namespace lianxin {

inline constexpr std::int64_t kMillisPerDay = 86'400'000;
inline constexpr std::int64_t kChinaOffsetMillis = 8 * 3'600'000;

class WorkCalendar {
 public:
  WorkCalendar() = default;
  // Reads the file's text; a bad line is kInvalidInput naming `name:line`.
  static Result<WorkCalendar> Parse(std::string_view text, const std::string& name);

  bool IsWorkday(const Date& date) const;
  // The days the file names (true: a working day), for `config show`.
  const std::map<Date, bool>& exceptions() const { return exceptions_; }

 private:
  std::map<Date, bool> exceptions_;
};

// 0 = Monday … 6 = Sunday.
int WeekdayOf(const Date& date);

// The last millisecond of `date` in China; the first.
std::int64_t EndOfChinaDay(const Date& date);
std::int64_t StartOfChinaDay(const Date& date);

// "2026-12-05T18:00:00+08:00": an instant as ISO 8601 in China's time.
std::string ChinaIsoTime(std::int64_t millis);

// A month "YYYY-MM" as the instants [first, after) it spans in China;
// kInvalidInput (field `field`) when it is not one.
struct MonthSpan {
  std::int64_t from_millis = 0, to_millis = 0;
};
Result<MonthSpan> ParseChinaMonth(std::string_view text, const std::string& field);

// The deadline of a limit of `days` counted from the day after `start_millis`
// (the day itself does not count, as 12345 counts it): the end of the
// `days`-th calendar day, or of the `days`-th working day.
std::int64_t DayLimitDeadline(std::int64_t start_millis, int days, bool working_days,
                              const WorkCalendar& calendar);

}  // namespace lianxin
