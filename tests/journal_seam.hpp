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

// The chain, its sealed head and every row of `tables` against it.
inline Status VerifyOnSeam(sql::Connection& db, const std::vector<const JournalTable*>& tables,
                           std::string (*seal)(const JournalMark&)) {
  std::set<std::string, std::less<>> names;
  for (const JournalTable* table : tables) names.emplace(table->name);
  JournalWalk walk(std::move(names), std::nullopt);
  LX_ASSIGN_OR_RETURN(sql::Statement * entries,
                      db.Prepare("SELECT seq, at_millis, actor, action, entity, entity_key, before, after, "
                                 "prev_hash, hash FROM journal ORDER BY seq"));
  entries->Reset();
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, entries->Step());
    if (!row) break;
    JournalEntry e{entries->Int(0),
                   entries->Int(1),
                   std::string(entries->Text(2)),
                   std::string(entries->Text(3)),
                   std::string(entries->Text(4)),
                   std::string(entries->Text(5)),
                   std::string(entries->Text(6)),
                   std::string(entries->Text(7))};
    LX_RETURN_IF_ERROR(walk.Entry(e, entries->Blob(8), entries->Blob(9)));
  }
  LX_ASSIGN_OR_RETURN(sql::Statement * head,
                      db.Prepare("SELECT seq, hash, mac FROM journal_head WHERE id = 1"));
  head->Reset();
  LX_ASSIGN_OR_RETURN(bool sealed, head->Step());
  if (!sealed) return Status::Tampered("journal_head_missing");
  const JournalMark recorded{head->Int(0), std::string(head->Blob(1))};
  const bool mac_ok = head->Blob(2) == seal(recorded);
  head->Reset();
  if (!mac_ok) return Status::Tampered("journal_head_mac");
  LX_RETURN_IF_ERROR(walk.Head(recorded));
  for (const JournalTable* table : tables) {
    std::string columns;
    for (size_t i = 0; i < table->columns.size(); ++i) {
      columns += (i ? ", " : "") + std::string(table->columns[i].name);
    }
    LX_ASSIGN_OR_RETURN(sql::Statement * rows,
                        db.Prepare("SELECT " + columns + " FROM " + std::string(table->name)));
    rows->Reset();
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, rows->Step());
      if (!row) break;
      JournalRow values;
      for (size_t i = 0; i < table->columns.size(); ++i) values.push_back(rows->Get(static_cast<int>(i)));
      LX_RETURN_IF_ERROR(walk.Row(*table, values));
    }
  }
  return walk.Finish();
}

}  // namespace lianxin::testing
