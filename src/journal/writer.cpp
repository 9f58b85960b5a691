#include "journal/writer.hpp"

#include "journal/chain.hpp"

namespace lianxin {

namespace {

Status Run(sql::Statement& statement, const JournalRow& row) {
  for (size_t i = 0; i < row.size(); ++i) statement.Bind(static_cast<int>(i + 1), row[i]);
  return statement.Run();
}

}  // namespace

Result<JournalWriter::Statements*> JournalWriter::For(const JournalTable& table) {
  auto it = statements_.find(&table);
  if (it != statements_.end()) return &it->second;
  const std::string name(table.name), key(table.columns[0].name);
  std::string columns, params;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    columns += (i ? ", " : "") + std::string(table.columns[i].name);
    params += (i ? ", ?" : "?") + std::to_string(i + 1);
  }
  Statements st;
  LX_ASSIGN_OR_RETURN(st.insert, db_.Prepare("INSERT INTO " + name + " (" + columns + ") VALUES (" + params +
                                             ") ON CONFLICT (" + key + ") DO NOTHING"));
  LX_ASSIGN_OR_RETURN(st.select,
                      db_.Prepare("SELECT " + columns + " FROM " + name + " WHERE " + key + " = ?1"));
  LX_ASSIGN_OR_RETURN(st.remove, db_.Prepare("DELETE FROM " + name + " WHERE " + key + " = ?1"));
  return &statements_.emplace(&table, st).first->second;
}

Result<sql::Statement*> JournalWriter::UpdateOf(const JournalTable& table, Statements& st,
                                                const std::vector<bool>& changed) {
  auto it = st.updates.find(changed);
  if (it != st.updates.end()) return it->second;
  std::string sets;
  int param = 1;  // ?1 is the key, the changed columns follow in order
  for (size_t i = 1; i < table.columns.size(); ++i) {
    if (!changed[i]) continue;
    if (!sets.empty()) sets += ", ";
    sets.append(table.columns[i].name).append(" = ?").append(std::to_string(++param));
  }
  std::string sql = "UPDATE ";
  sql.append(table.name).append(" SET ").append(sets).append(" WHERE ");
  sql.append(table.columns[0].name).append(" = ?1");
  LX_ASSIGN_OR_RETURN(sql::Statement * update, db_.Prepare(sql));
  return st.updates.emplace(changed, update).first->second;
}

Status JournalWriter::Start(std::string actor, std::int64_t at_millis) {
  actor_ = std::move(actor);
  at_millis_ = at_millis;
  appended_ = false;
  LX_ASSIGN_OR_RETURN(sql::Statement * newest,
                      db_.Prepare("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1"));
  newest->Reset();
  LX_ASSIGN_OR_RETURN(bool found, newest->Step());
  head_ =
      found ? JournalMark{newest->Int(0), std::string(newest->Blob(1))} : JournalMark{0, JournalGenesis()};
  newest->Reset();
  return Status::Ok();
}

Status JournalWriter::Append(std::string_view action, std::string_view entity, const std::string& key,
                             std::string before, std::string after) {
  JournalEntry entry{head_.seq + 1,       at_millis_,          actor_,
                     std::string(action), std::string(entity), key,
                     std::move(before),   std::move(after)};
  std::string hash = JournalHash(head_.hash, entry);
  if (append_ == nullptr) {
    LX_ASSIGN_OR_RETURN(append_,
                        db_.Prepare("INSERT INTO journal (seq, at_millis, actor, action, entity, "
                                    "entity_key, before, after, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, "
                                    "?5, ?6, ?7, ?8, ?9, ?10)"));
  }
  sql::Statement* insert = append_;
  insert->Bind(1, entry.seq)
      .Bind(2, entry.at_millis)
      .Bind(3, entry.actor)
      .Bind(4, entry.action)
      .Bind(5, entry.entity)
      .Bind(6, entry.key)
      .Bind(7, entry.before)
      .Bind(8, entry.after)
      .BindBlob(9, head_.hash)
      .BindBlob(10, hash);
  LX_RETURN_IF_ERROR(insert->Run());
  head_ = {entry.seq, std::move(hash)};
  appended_ = true;
  return Status::Ok();
}

Result<UpsertOutcome> JournalWriter::Upsert(const JournalTable& table, JournalRow row) {
  LX_ASSIGN_OR_RETURN(Statements * st, For(table));
  // Insert first: on a fresh import nearly every row is new, and an insert
  // that finds the key costs no more than the look-up it saves.
  LX_RETURN_IF_ERROR(Run(*st->insert, row));
  const std::string key = JournalKeyText(row[0]);
  if (st->insert->Changes() == 1) {
    LX_RETURN_IF_ERROR(Append("insert", table.name, key, "", JournalRowJson(table, row)));
    return UpsertOutcome::kInserted;
  }
  sql::Statement* select = st->select;
  select->Bind(1, row[0]);
  LX_ASSIGN_OR_RETURN(bool exists, select->Step());
  if (!exists) return Status::Internal("upsert: row neither inserted nor found: " + key);
  JournalRow old = ReadJournalRow(*select, table.columns.size());
  select->Reset();
  bool changed = false;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const int index_column = table.columns[i].index_column;
    if (index_column >= 0) {
      // Same plaintext (same blind index): keep the stored ciphertext, whose
      // random nonce would otherwise make every re-import look like a change.
      if (old[index_column] == row[index_column]) row[i] = old[i];
      continue;
    }
    if (!(old[i] == row[i])) changed = true;
  }
  if (!changed) return UpsertOutcome::kUnchanged;
  LX_RETURN_IF_ERROR(Rewrite(table, old, row, "update"));
  return UpsertOutcome::kUpdated;
}

Status JournalWriter::Rewrite(const JournalTable& table, const JournalRow& old, const JournalRow& row,
                              std::string_view action) {
  LX_ASSIGN_OR_RETURN(Statements * st, For(table));
  // Only the columns that changed are set: SQLite then leaves alone every
  // index that holds none of them (a state change rewrites a row and its
  // state's indexes, not all nine).
  std::vector<bool> changed(row.size(), false);
  bool any = false;
  for (size_t i = 1; i < row.size(); ++i) any |= changed[i] = !(old[i] == row[i]);
  if (any) {
    LX_ASSIGN_OR_RETURN(sql::Statement * update, UpdateOf(table, *st, changed));
    update->Bind(1, row[0]);
    int param = 1;
    for (size_t i = 1; i < row.size(); ++i)
      if (changed[i]) update->Bind(++param, row[i]);
    LX_RETURN_IF_ERROR(update->Run());
  }
  return Append(action, table.name, JournalKeyText(row[0]), JournalRowJson(table, old),
                JournalRowJson(table, row));
}

Status JournalWriter::Delete(const JournalTable& table, const std::string& key) {
  LX_ASSIGN_OR_RETURN(Statements * st, For(table));
  st->select->Bind(1, key);
  LX_ASSIGN_OR_RETURN(bool found, st->select->Step());
  if (!found) return Status::NotFound(std::string(table.name) + " " + key + " 不存在");
  JournalRow old = ReadJournalRow(*st->select, table.columns.size());
  st->select->Reset();
  st->remove->Bind(1, key);
  LX_RETURN_IF_ERROR(st->remove->Run());
  return Append("delete", table.name, key, JournalRowJson(table, old), "");
}

Status JournalWriter::SealHead() {
  if (!appended_) return Status::Ok();
  LX_ASSIGN_OR_RETURN(sql::Statement * upsert,
                      db_.Prepare("INSERT INTO journal_head (id, seq, hash, mac) VALUES (1, ?1, ?2, ?3) "
                                  "ON CONFLICT (id) DO UPDATE SET seq = ?1, hash = ?2, mac = ?3"));
  upsert->Bind(1, head_.seq).BindBlob(2, head_.hash).BindBlob(3, seal_(head_));
  return upsert->Run();
}

}  // namespace lianxin
