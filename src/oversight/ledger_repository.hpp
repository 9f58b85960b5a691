// The 八项规定 ledger's storage (ledger.hpp), written once on the SQL seam
// for every database: a county's no-meeting months, and its meetings,
// reception reports and expenses — each entry checked against the ledger's
// rules inside the caller's transaction, journaled through its
// JournalWriter, never changed afterwards (a correction is a new entry) —
// and read back by region, unit and dates. The store behind the Store
// interface delegates here (store/sql_store/ledger.cpp).
//
//   LedgerRepository ledger(db, &journal, now_millis, "zhangsan");
//   LX_ASSIGN_OR_RETURN(std::string id, ledger.AddMeeting(meeting, rules));
//
// Threads: one repository per connection and transaction, one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "journal/writer.hpp"
#include "lianxin/ledger.hpp"
#include "store/sql/sql.hpp"

namespace lianxin {

class LedgerRepository {
 public:
  // `journal`, `at_millis` (the time of the change) and `actor` (who makes
  // it) only when it writes.
  explicit LedgerRepository(sql::Connection& db, JournalWriter* journal = nullptr, std::int64_t at_millis = 0,
                            std::string actor = {})
      : db_(db), journal_(journal), at_millis_(at_millis), actor_(std::move(actor)) {}

  // Its journaled tables: ledger_calendar, ledger_meetings,
  // ledger_receptions, ledger_expenses.
  static const std::vector<const JournalTable*>& Tables();

  // As WriteTxn::SetNoMeetingMonth, AddMeeting, AddReception and AddExpense say.
  Status SetNoMeetingMonth(std::string_view county, std::string_view month, bool no_meeting,
                           const std::string& note);
  Result<std::string> AddMeeting(Meeting meeting, LedgerRules rules);
  Result<std::string> AddReception(ReceptionReport report, const LedgerRules& rules);
  Result<std::string> AddExpense(Expense expense);
  // As Store::NoMeetingMonths and Store::ReadLedger say.
  Result<std::vector<NoMeetingMonth>> NoMeetingMonths(std::string_view county);
  Result<LedgerBook> Read(const LedgerQuery& query);

 private:
  // Checks who the entry belongs to (region, unit) and what it corrects,
  // against `table`; fills in its id, the recorder and the time.
  Status Prepare(LedgerEntry& entry, const JournalTable& table, char prefix);

  sql::Connection& db_;
  JournalWriter* journal_;
  std::int64_t at_millis_;
  std::string actor_;
};

}  // namespace lianxin
