// The visits' storage (民情日记, PRODUCT.md §3), written once on the SQL seam
// for every database: a visit is added — journaled through the caller's
// JournalWriter, in the caller's transaction — and read back by household or
// by cadre, with the households a cadre holds and since when. The store
// behind the Store interface delegates here (store/sql_store/visits.cpp).
//
//   VisitRepository visits(db, &journal, now_millis);
//   LX_ASSIGN_OR_RETURN(std::string id, visits.Add(visit, "wangjh"));
//
// Threads: one repository per connection and transaction, one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "journal/writer.hpp"
#include "lianxin/store.hpp"
#include "lianxin/visits.hpp"

namespace lianxin {

class VisitRepository {
 public:
  // `journal` (and `at_millis`, the time the visit is recorded at) only when
  // the repository writes.
  explicit VisitRepository(sql::Connection& db, JournalWriter* journal = nullptr, std::int64_t at_millis = 0)
      : db_(db), journal_(journal), at_millis_(at_millis) {}

  // Its journaled table: visits.
  static const JournalTable& Table();
  // The kinds that are not direct contact, as SQL's list: every count of
  // direct visits says `v.kind NOT IN ` and this (CountsAsDirect, in SQL; a
  // test holds the two together).
  static constexpr std::string_view kIndirectKinds = "('phone', 'by_proxy')";

  // Adds `visit` as Store's WriteTxn::AddVisit says; its id.
  Result<std::string> Add(Visit visit, const std::string& recorded_by);
  // As WriteTxn::ConfirmVisit says.
  Status Confirm(std::string_view id, std::string_view household_code);
  // As Store::VisitsOfHousehold, VisitsByCadre and DutiesOf say.
  Result<std::vector<Visit>> OfHousehold(std::string_view household_code, int limit);
  Result<std::vector<Visit>> ByCadre(std::string_view cadre_code);
  Result<std::vector<VisitDuty>> DutiesOf(std::string_view cadre_code, const Date& today);
  // As Store::ListVisits says.
  Result<FieldworkPage<Visit>> List(const FieldworkQuery& query);

 private:
  sql::Connection& db_;
  JournalWriter* journal_;
  std::int64_t at_millis_;
};

}  // namespace lianxin
