// The appeals' storage (诉求, PRODUCT.md §3), written once on the SQL seam
// for every database: an appeal is filed and each step of its 12345 loop
// recorded — journaled through the caller's JournalWriter, in the caller's
// transaction — and read back one at a time, with its steps, or as a queue
// (store.hpp's AppealQuery). The store behind the Store interface delegates
// here (store/sql_store/appeals.cpp).
//
//   AppealRepository appeals(db, &journal, now_millis);
//   LX_ASSIGN_OR_RETURN(Appeal filed, appeals.File(appeal, "operator1"));
//   LX_RETURN_IF_ERROR(appeals.Record(next, event, "wangjh"));
//
// Threads: one repository per connection and transaction, one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "journal/writer.hpp"
#include "lianxin/appeals.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

class AppealRepository {
 public:
  // `journal` (and `at_millis`, the time of the change) only when the
  // repository writes.
  explicit AppealRepository(sql::Connection& db, JournalWriter* journal = nullptr, std::int64_t at_millis = 0)
      : db_(db), journal_(journal), at_millis_(at_millis) {}

  // The open appeals, word for word the WHERE of the partial indexes of
  // migration 012 that hold the queues: a planner uses such an index only
  // for a query that says the same.
  static constexpr std::string_view kOpenCondition = "state NOT IN ('closed', 'rated')";

  // Its journaled tables: appeals, appeal_steps.
  static const JournalTable& AppealsTable();
  static const JournalTable& StepsTable();

  // As Store's WriteTxn::FileAppeal, RecordAppealStep and UpdateAppeal say.
  Result<Appeal> File(Appeal appeal, const std::string& actor);
  Status Record(const Appeal& next, const AppealEvent& event, const std::string& actor);
  Status Update(const Appeal& appeal);

  // As Store::GetAppeal, AppealSteps, ListAppeals and ScanAppeals say.
  Result<std::optional<Appeal>> Get(std::string_view id);
  Result<std::vector<AppealStep>> Steps(std::string_view id);
  Result<AppealPage> List(const AppealQuery& query);
  Status Scan(const AppealQuery& query, const std::function<Status(const Appeal&)>& each);
  Result<std::optional<HandlerKind>> KindOfHandler(std::string_view code);

 private:
  Status AddStep(const Appeal& appeal, std::string_view action, const std::string& actor,
                 const std::string& note, std::int64_t at);

  sql::Connection& db_;
  JournalWriter* journal_;
  std::int64_t at_millis_;
};

}  // namespace lianxin
