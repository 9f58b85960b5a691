// Journaled writes through the SQL seam, the same on SQLite and PostgreSQL:
// each insert, update and delete of a journaled table's row, and each event
// (an audit record), becomes the chain's next entry in the caller's
// transaction, and the chain's head is sealed before it commits.
//
//   JournalWriter journal(db, [&](const JournalMark& m) { return cipher.BlindIndex("journal_head", …); });
//   LX_RETURN_IF_ERROR(db.Begin());
//   LX_RETURN_IF_ERROR(journal.Start("zhangsan", now_millis));
//   LX_ASSIGN_OR_RETURN(UpsertOutcome outcome, journal.Upsert(kPins, row));
//   LX_RETURN_IF_ERROR(journal.SealHead());
//   LX_RETURN_IF_ERROR(db.Commit());
//
// The tables it writes: `journal` (seq, at_millis, actor, action, entity,
// entity_key, before, after, prev_hash, hash), `journal_head` (id = 1, seq,
// hash, mac) and the journaled tables, each keyed by its first column.
// Threads: one writer per connection, used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "journal/record.hpp"
#include "store/sql/sql.hpp"

namespace lianxin {

class JournalWriter {
 public:
  // `seal` gives the MAC of a head, which only the key holder can make.
  using Seal = std::function<std::string(const JournalMark&)>;
  JournalWriter(sql::Connection& db, Seal seal) : db_(db), seal_(std::move(seal)) {}

  // At the start of each transaction: the chain's head as stored, and who
  // acts when.
  [[nodiscard]] Status Start(std::string actor, std::int64_t at_millis);

  // Inserts the row or updates the one with its key. Unchanged when every
  // column is equal, a ciphertext counting as equal when its blind index is
  // (the stored ciphertext is then kept, so re-importing the same person is
  // no change). Journaled as insert or update.
  [[nodiscard]] Result<UpsertOutcome> Upsert(const JournalTable& table, JournalRow row);
  // Writes `row` over `old` (same key) as it is, journaled as `action`
  // (a schema upgrade's "reseal").
  [[nodiscard]] Status Rewrite(const JournalTable& table, const JournalRow& old, const JournalRow& row,
                               std::string_view action);
  // Deletes the row with `key`, journaled; kNotFound when there is none.
  [[nodiscard]] Status Delete(const JournalTable& table, const std::string& key);
  // An entry with no row of its own (an audit event), or one for a row
  // written otherwise (a schema upgrade's "adopt").
  [[nodiscard]] Status Append(std::string_view action, std::string_view entity, const std::string& key,
                              std::string before, std::string after);

  // Makes SealHead write the head even when nothing was appended.
  void SealAtEnd() { appended_ = true; }
  // Writes the sealed head when anything was appended; call before commit.
  [[nodiscard]] Status SealHead();
  const JournalMark& head() const { return head_; }

 private:
  // A table's statements, prepared on first use and kept: the connection
  // owns them, so the pointers stay valid.
  struct Statements {
    sql::Statement* insert = nullptr;
    sql::Statement* select = nullptr;
    sql::Statement* remove = nullptr;
    // An UPDATE per set of changed columns (true at each changed index).
    std::map<std::vector<bool>, sql::Statement*> updates;
  };
  Result<Statements*> For(const JournalTable& table);
  Result<sql::Statement*> UpdateOf(const JournalTable& table, Statements& st,
                                   const std::vector<bool>& changed);

  sql::Connection& db_;
  std::unordered_map<const JournalTable*, Statements> statements_;
  sql::Statement* append_ = nullptr;
  Seal seal_;
  std::string actor_;
  std::int64_t at_millis_ = 0;
  JournalMark head_;
  bool appended_ = false;
};

}  // namespace lianxin
