// For tests of storage written on the SQL seam, on either database: the
// journal's tables, a seal, and what `journal verify` checks, read through
// the seam.
#pragma once

#include <string>
#include <vector>

#include "journal/record.hpp"
#include "store/sql/sql.hpp"

namespace lianxin::testing {

inline Status CreateJournalTables(sql::Connection& db) {
  LX_RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE journal (seq INTEGER PRIMARY KEY, at_millis INTEGER NOT NULL, actor TEXT NOT NULL, "
      "action TEXT NOT NULL, entity TEXT NOT NULL, entity_key TEXT NOT NULL, before TEXT NOT NULL, "
      "after TEXT NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL)"));
  return db.Exec(
      "CREATE TABLE journal_head (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, hash BLOB NOT NULL, "
      "mac BLOB NOT NULL)");
}

// A stand-in for the key holder's MAC.
inline std::string Seal(const JournalMark& head) {
  return "mac:" + std::to_string(head.seq) + ":" + head.hash;
}

// The chain, its sealed head and every row of `tables` against it, as
// `journal verify` reads them (journal/record.hpp).
inline Status VerifyOnSeam(sql::Connection& db, const std::vector<const JournalTable*>& tables,
                           std::string (*seal)(const JournalMark&)) {
  std::set<std::string, std::less<>> names;
  for (const JournalTable* table : tables) names.emplace(table->name);
  JournalWalk walk(std::move(names), std::nullopt);
  LX_RETURN_IF_ERROR(WalkEntries(db, walk));
  LX_RETURN_IF_ERROR(CheckSealedHead(db, seal, walk));
  LX_RETURN_IF_ERROR(WalkRows(db, tables, walk));
  return walk.Finish();
}

}  // namespace lianxin::testing
