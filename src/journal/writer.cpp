#include "journal/writer.hpp"

#include <algorithm>

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
  for (size_t i = 1; i < table.columns.size(); ++i) {
    if (table.columns[i].name == "county_code") st.county = static_cast<int>(i);
  }
  // No conflict target: a county-owned table's key is (key, county_code)
  // since migration 023, the key alone before it (migration 5's upgrade
  // writes through here too). A row that another unique index refuses is
  // then neither inserted nor found (Upsert).
  LX_ASSIGN_OR_RETURN(st.insert, db_.Prepare("INSERT INTO " + name + " (" + columns + ") VALUES (" + params +
                                             ") ON CONFLICT DO NOTHING"));
  if (st.county >= 0 && table.given_key) {
    LX_ASSIGN_OR_RETURN(st.elsewhere, db_.Prepare("SELECT county_code FROM " + name + " WHERE " + key +
                                                  " = ?1 AND county_code <> ?2 LIMIT 1"));
    LX_ASSIGN_OR_RETURN(st.unwrite,
                        db_.Prepare("DELETE FROM " + name + " WHERE " + key + " = ?1 AND county_code = ?2"));
  }
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
  StopLoading();
  ForgetDeferredKeys();
  batch_rows_data_.clear();
  reindex_.clear();
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
  batch_limit_ = 0;
  pending_.clear();
  return Status::Ok();
}

Status JournalWriter::Append(std::string_view action, std::string_view entity, const std::string& key,
                             std::string before, std::string after) {
  // A batch's rows come before any later entry: one about a row of the
  // batch must be that row's newest.
  LX_RETURN_IF_ERROR(Drain());
  return AppendEntry(action, entity, key, std::move(before), std::move(after));
}

Status JournalWriter::FlushBatch() {
  if (!batch_rows_data_.empty()) {
    loader_->Push(std::move(batch_rows_data_));
    batch_rows_data_.clear();
    batch_rows_data_.reserve(batch_limit_);
  }
  if (pending_.empty()) return Status::Ok();
  LX_RETURN_IF_ERROR(AwaitLoader());  // the connection is this thread's again
  std::vector<PendingBatch> pending = std::move(pending_);
  pending_.clear();
  for (PendingBatch& batch : pending) LX_RETURN_IF_ERROR(AppendBatch(batch));
  return Status::Ok();
}

Status JournalWriter::AppendBatch(PendingBatch& batch) {
  return AppendEntry(kInsertBatchAction, batch.entity, batch.rows.first_key(), "", batch.rows.Take());
}

// ---------------------------------------------------------------------------
// Loading new rows on a thread of their own (LoadInto).

JournalWriter::Loader::Loader(JournalWriter& writer, const JournalTable& table, Finish finish)
    : writer_(writer), table_(table), finish_(std::move(finish)), thread_([this] { Run(); }) {}

JournalWriter::Loader::~Loader() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void JournalWriter::Loader::Push(std::vector<JournalRow> rows) {
  Batch batch{std::move(rows), std::nullopt};
  bool behind = false;
  {
    std::lock_guard lock(mutex_);
    behind = !queue_.empty();
  }
  if (behind) batch.digests = Digest(batch.rows);
  std::vector<std::vector<JournalRow>> written;
  {
    std::unique_lock lock(mutex_);
    // Two batches ahead at most: the rows wait in memory, not the whole file.
    idle_.wait(lock, [&] { return queue_.size() < 2; });
    queue_.push_back(std::move(batch));
    written.swap(written_);
  }
  wake_.notify_all();
  // `written` is freed here, on the thread that made its rows.
}

InsertBatch JournalWriter::Loader::Digest(std::vector<JournalRow>& rows) const {
  InsertBatch digests;
  std::string scratch;
  for (JournalRow& row : rows) {
    if (finish_) finish_(row);
    digests.Add(JournalKeyText(row[0], scratch), JournalRecordDigest(table_, row));
  }
  return digests;
}

Status JournalWriter::Loader::Drain() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
  return failure_;
}

void JournalWriter::Loader::Run() {
  std::vector<std::string> columns;
  for (const JournalColumn& column : table_.columns) columns.emplace_back(column.name);
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopped
    Batch batch = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    const bool failed = !failure_.ok();
    lock.unlock();
    // After a failure the rest is dropped: the transaction will not commit.
    Status done = failed ? Status::Ok() : Load(batch, columns);
    lock.lock();
    // The rows go back to the thread that made them, to be freed there:
    // memory freed on another thread than the one that took it costs
    // glibc its arena's lock, which the making thread holds as often.
    written_.push_back(std::move(batch.rows));
    if (!done.ok() && failure_.ok()) failure_ = done;
    busy_ = false;
    idle_.notify_all();
  }
}

// A batch's rows, then its insert_batch entry: each row digested here
// unless the caller did (Push).
Status JournalWriter::Loader::Load(Batch& batch, const std::vector<std::string>& columns) {
  LX_ASSIGN_OR_RETURN(std::unique_ptr<sql::CopyIn> copy, writer_.db_.BeginCopy(table_.name, columns));
  InsertBatch insert_batch = batch.digests ? std::move(*batch.digests) : Digest(batch.rows);
  size_t failed = 0;
  Status added = copy->AddRows(batch.rows, failed);
  if (!added.ok()) {
    return Status(added.code(), std::string(table_.name) + " " + JournalKeyText(batch.rows[failed][0]) +
                                    ": " + added.message());
  }
  // PostgreSQL's COPY says which row at the end (its key in the message).
  Status finished = copy->Finish();
  if (!finished.ok()) return Status(finished.code(), std::string(table_.name) + ": " + finished.message());
  copy.reset();  // (their foreign keys stay unenforced until AwaitLoader: ResumeForeignKeys)
  // The chain's head is this thread's while it holds the connection.
  LoadedEntry entry =
      writer_.NextEntry(kInsertBatchAction, table_.name, insert_batch.first_key(), "", insert_batch.Take());
  return writer_.StoreEntry(entry);
}

Status JournalWriter::LoadInto(const JournalTable& table, Finish finish) {
  LX_RETURN_IF_ERROR(Drain());
  if (batch_limit_ == 0) batch_limit_ = kDefaultBatchRows;
  // The table's indexes are made again at the end, by a sort each; a
  // rollback brings them back as they were.
  LX_ASSIGN_OR_RETURN(std::vector<sql::Connection::Index> indexes, db_.Indexes(table.name));
  for (const sql::Connection::Index& index : indexes) {
    LX_RETURN_IF_ERROR(db_.Exec("DROP INDEX " + index.name));
    reindex_.push_back(index.create);
  }
  // Its foreign keys too are checked at the end, each parent once.
  LX_RETURN_IF_ERROR(db_.DeferForeignKeys(table.name));
  keys_deferred_ = true;
  loader_.reset();
  loader_ = std::make_unique<Loader>(*this, table, std::move(finish));
  load_table_ = &table;
  return Status::Ok();
}

bool JournalWriter::Finishes(const JournalTable& table) const {
  return &table == load_table_ && loader_ != nullptr && loader_->finishes();
}

Status JournalWriter::Drain() {
  LX_RETURN_IF_ERROR(FlushBatch());
  return AwaitLoader();
}

Status JournalWriter::AwaitLoader() {
  if (loader_ == nullptr) return Status::Ok();
  Status loaded = loader_->Drain();
  // The connection is this thread's again: what it writes has its foreign
  // keys looked up, whatever the loader's copies left off.
  db_.ResumeForeignKeys();
  return loaded;
}

void JournalWriter::StopLoading() {
  load_table_ = nullptr;
  if (loader_ == nullptr) return;  // (the connection may be gone after a commit)
  loader_.reset();
  db_.ResumeForeignKeys();
}

// A load's foreign keys not checked are forgotten with its transaction
// (only then: after a commit the connection may be gone).
void JournalWriter::ForgetDeferredKeys() {
  if (keys_deferred_) db_.ForgetDeferredKeys();
  keys_deferred_ = false;
}

JournalWriter::~JournalWriter() {
  StopLoading();
  ForgetDeferredKeys();
}

Status JournalWriter::AppendEntry(std::string_view action, std::string_view entity, const std::string& key,
                                  std::string before, std::string after) {
  LoadedEntry entry = NextEntry(action, entity, key, std::move(before), std::move(after));
  return StoreEntry(entry);
}

JournalWriter::LoadedEntry JournalWriter::NextEntry(std::string_view action, std::string_view entity,
                                                    const std::string& key, std::string before,
                                                    std::string after) {
  LoadedEntry next;
  next.entry = {head_.seq + 1, at_millis_,        actor_,          std::string(action), std::string(entity),
                key,           std::move(before), std::move(after)};
  next.prev_hash = head_.hash;
  next.hash = JournalHash(head_.hash, next.entry);
  head_ = {next.entry.seq, next.hash};
  appended_ = true;
  return next;
}

Status JournalWriter::StoreEntry(const LoadedEntry& next) {
  if (append_ == nullptr) {
    LX_ASSIGN_OR_RETURN(append_,
                        db_.Prepare("INSERT INTO journal (seq, at_millis, actor, action, entity, "
                                    "entity_key, before, after, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, "
                                    "?5, ?6, ?7, ?8, ?9, ?10)"));
  }
  const JournalEntry& entry = next.entry;
  append_->Bind(1, entry.seq)
      .Bind(2, entry.at_millis)
      .Bind(3, entry.actor)
      .Bind(4, entry.action)
      .Bind(5, entry.entity)
      .Bind(6, entry.key)
      .Bind(7, entry.before)
      .Bind(8, entry.after)
      .BindBlob(9, next.prev_hash)
      .BindBlob(10, next.hash);
  return append_->Run();
}

Result<UpsertOutcome> JournalWriter::Upsert(const JournalTable& table, JournalRow row) {
  if (&table == load_table_) {
    // A new row (LoadInto): digested, written and journaled by the loader.
    batch_rows_data_.push_back(std::move(row));
    if (batch_rows_data_.size() >= batch_limit_) LX_RETURN_IF_ERROR(FlushBatch());
    return UpsertOutcome::kInserted;
  }
  if (loader_ != nullptr) LX_RETURN_IF_ERROR(Drain());
  LX_ASSIGN_OR_RETURN(Statements * st, For(table));
  // Insert first: on a fresh import nearly every row is new, and an insert
  // that finds the key costs no more than the look-up it saves.
  LX_RETURN_IF_ERROR(Run(*st->insert, row));
  const std::string key = JournalKeyText(row[0]);
  if (st->insert->Changes() == 1) {
    LX_RETURN_IF_ERROR(RefuseOtherCounty(table, *st, row));
    LX_RETURN_IF_ERROR(batch_limit_ == 0 ? Append("insert", table.name, key, "", JournalRowJson(table, row))
                                         : AddToBatch(table, key, JournalRecordDigest(table, row)));
    return UpsertOutcome::kInserted;
  }
  sql::Statement* select = st->select;
  select->Bind(1, row[0]);
  LX_ASSIGN_OR_RETURN(bool exists, select->Step());
  if (!exists) {
    select->Reset();
    return Status::Conflict(std::string(table.name) + " " + key +
                            " 与已有记录的唯一值(如身份证号)重复 (unique)");
  }
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

// A given key is one record in the whole database, though the table's
// unique key is (key, county_code): a row just inserted whose key another
// county already holds is taken out again and refused. A record does not
// move between counties (its county's server holds it, docs/scale.md).
Status JournalWriter::RefuseOtherCounty(const JournalTable& table, Statements& st, const JournalRow& row) {
  if (st.elsewhere == nullptr) return Status::Ok();
  const sql::Value& county = row[static_cast<size_t>(st.county)];
  st.elsewhere->Bind(1, row[0]).Bind(2, county);
  LX_ASSIGN_OR_RETURN(bool found, st.elsewhere->Step());
  if (!found) {
    st.elsewhere->Reset();
    return Status::Ok();
  }
  std::string other(st.elsewhere->Text(0));
  st.elsewhere->Reset();
  st.unwrite->Bind(1, row[0]).Bind(2, county);
  LX_RETURN_IF_ERROR(st.unwrite->Run());
  return CountyChange(table, JournalKeyText(row[0]), other, county);
}

Status JournalWriter::CountyChange(const JournalTable& table, const std::string& key, std::string_view from,
                                   const sql::Value& to) {
  return Status::Conflict(std::string(table.name) + " " + key + " 属于县 " + std::string(from) +
                          ",不能改到县 " + JournalKeyText(to) +
                          ";记录不跨县迁移,在新县请用新编号登记 (county_change)");
}

Status JournalWriter::AddToBatch(const JournalTable& table, const std::string& key,
                                 const std::string& digest) {
  // A batch a table: rows of several tables written in turn (a household,
  // then its members) still fill theirs.
  auto batch = std::find_if(pending_.begin(), pending_.end(),
                            [&](const PendingBatch& b) { return b.entity == table.name; });
  if (batch != pending_.end() && batch->rows.rows() == batch_limit_) {
    LX_RETURN_IF_ERROR(AwaitLoader());
    PendingBatch full = std::move(*batch);
    pending_.erase(batch);
    LX_RETURN_IF_ERROR(AppendBatch(full));
    batch = pending_.end();
  }
  if (batch == pending_.end()) {
    pending_.push_back({table.name, {}});
    batch = std::prev(pending_.end());
  }
  batch->rows.Add(key, digest);
  return Status::Ok();
}

Status JournalWriter::Rewrite(const JournalTable& table, const JournalRow& old, const JournalRow& row,
                              std::string_view action) {
  if (loader_ != nullptr) LX_RETURN_IF_ERROR(Drain());
  LX_ASSIGN_OR_RETURN(Statements * st, For(table));
  // Only the columns that changed are set: SQLite then leaves alone every
  // index that holds none of them (a state change rewrites a row and its
  // state's indexes, not all nine).
  if (st->county >= 0) {
    const auto county = static_cast<size_t>(st->county);
    if (!(old[county] == row[county]))
      return CountyChange(table, JournalKeyText(row[0]), JournalKeyText(old[county]), row[county]);
  }
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
  if (loader_ != nullptr) LX_RETURN_IF_ERROR(Drain());
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
  LX_RETURN_IF_ERROR(Drain());
  if (keys_deferred_) {
    keys_deferred_ = false;
    LX_RETURN_IF_ERROR(db_.CheckDeferredKeys());
  }
  LX_RETURN_IF_ERROR(db_.MakeIndexes(reindex_));
  reindex_.clear();
  if (!appended_) return Status::Ok();
  LX_ASSIGN_OR_RETURN(sql::Statement * upsert,
                      db_.Prepare("INSERT INTO journal_head (id, seq, hash, mac) VALUES (1, ?1, ?2, ?3) "
                                  "ON CONFLICT (id) DO UPDATE SET seq = ?1, hash = ?2, mac = ?3"));
  upsert->Bind(1, head_.seq).BindBlob(2, head_.hash).BindBlob(3, seal_(head_));
  return upsert->Run();
}

}  // namespace lianxin
