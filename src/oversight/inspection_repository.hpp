// The inspections' storage (不打招呼督查, inspections.hpp), written once on
// the SQL seam for every database: an inspection and its checklist opened
// together, each row filled in, the inspection closed — journaled through
// the caller's JournalWriter in the caller's transaction — and read back;
// and the villages and households a draw chooses from. The store behind the
// Store interface delegates here (store/sql_store/inspections.cpp).
//
//   InspectionRepository inspections(db, &journal, now_millis);
//   LX_ASSIGN_OR_RETURN(std::string id, inspections.Open(inspection, households));
//
// Threads: one repository per connection and transaction, one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "journal/writer.hpp"
#include "lianxin/inspections.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

class InspectionRepository {
 public:
  // `journal` (and `at_millis`, the time of the change) only when it writes.
  explicit InspectionRepository(sql::Connection& db, JournalWriter* journal = nullptr,
                                std::int64_t at_millis = 0)
      : db_(db), journal_(journal), at_millis_(at_millis) {}

  // Its journaled tables: inspections, inspection_checks.
  static const JournalTable& InspectionsTable();
  static const JournalTable& ChecksTable();

  // As WriteTxn::OpenInspection, RecordInspectionCheck and CloseInspection say.
  Result<std::string> Open(Inspection inspection, const std::vector<std::string>& households);
  Status Record(const InspectionCheck& check);
  Status Close(std::string_view id);
  // As Store::InspectionCandidatesUnder, GetInspection, ListInspections and
  // InspectionChecks say.
  Result<InspectionCandidates> Candidates(std::string_view region);
  Result<std::optional<Inspection>> Get(std::string_view id);
  Result<std::vector<Inspection>> List(std::string_view region);
  Result<std::vector<InspectionCheck>> Checks(std::string_view id);

 private:
  sql::Connection& db_;
  JournalWriter* journal_;
  std::int64_t at_millis_;
};

// The callback checks' storage (回访核验), the same way: a month's draw of
// logged direct visits kept, each outcome recorded, and read back.
class CallbackRepository {
 public:
  explicit CallbackRepository(sql::Connection& db, JournalWriter* journal = nullptr,
                              std::int64_t at_millis = 0)
      : db_(db), journal_(journal), at_millis_(at_millis) {}

  // Its journaled table: callbacks.
  static const JournalTable& Table();

  // As WriteTxn::AddCallbacks, RecordCallback and Store::ListCallbacks say.
  Result<std::vector<Callback>> Add(std::string_view region, std::string_view month, std::string_view seed,
                                    double share);
  Status Record(std::string_view visit_id, CallbackOutcome outcome, const std::string& note,
                const std::string& actor);
  Result<std::vector<Callback>> List(std::string_view region, std::string_view month);

 private:
  sql::Connection& db_;
  JournalWriter* journal_;
  std::int64_t at_millis_;
};

// The households' ratings of their cadres (民主评议), the same way.
class RatingRepository {
 public:
  explicit RatingRepository(sql::Connection& db, JournalWriter* journal = nullptr, std::int64_t at_millis = 0)
      : db_(db), journal_(journal), at_millis_(at_millis) {}

  // Its journaled table: ratings.
  static const JournalTable& Table();

  // As WriteTxn::RateCadre, Store::RatingsByHousehold and Store::RatingsOfCadre say.
  Status Rate(std::string_view household_code, std::string_view cadre_code, int year,
              Satisfaction satisfaction);
  Result<std::map<std::string, Satisfaction>> ByHousehold(std::string_view household_code, int year);
  Result<std::vector<Satisfaction>> OfCadre(std::string_view cadre_code, int from_year, int to_year);

 private:
  sql::Connection& db_;
  JournalWriter* journal_;
  std::int64_t at_millis_;
};

}  // namespace lianxin
