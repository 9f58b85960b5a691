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

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
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
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Rows an insert_batch entry holds at most unless BatchInserts says
  // otherwise: about 50 KiB of `after`.
  static constexpr size_t kDefaultBatchRows = 1000;

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

  // From here to the transaction's end, each row Upsert inserts is journaled
  // not as an entry of its own but in an "insert_batch" entry for up to
  // `rows` inserted rows of one table: each row's key and the digest of its
  // image, which `journal verify` holds the row to as it would its own
  // entry. For imports: the journal a tenth of the size, a hash per batch.
  void BatchInserts(size_t rows) { batch_limit_ = rows; }

  // Every row of `table` Upsert is given from here on is new — the table
  // was empty and the caller has made sure no key comes twice — and is
  // written, by batches, on a thread of its own (through CopyIn: COPY on
  // PostgreSQL) while the caller prepares the next: Upsert only hands it
  // over and answers kInserted; the thread digests and journals it. A row
  // the database refuses fails the transaction, named by table and key, at
  // the next Drain (SealHead's at the latest). The table's other indexes
  // are dropped until SealHead makes them again, and its rows' foreign keys
  // are looked up there, each parent once (Connection::DeferForeignKeys).
  // Batches the journal's inserts (BatchInserts) if nothing did yet.
  //
  // `finish`, when given, is work each row still needs before it is
  // digested and written (a household's sealing: SqlTxn::LoadIntoEmpty):
  // done with the digests, on whichever thread makes them (Loader::Push),
  // so the caller's thread, which reads and checks the file, is not the
  // one that holds the load back. Upsert's rows of the table are then
  // unfinished (Finishes).
  using Finish = std::function<void(JournalRow&)>;
  [[nodiscard]] Status LoadInto(const JournalTable& table, Finish finish = {});
  // Whether the rows of `table` Upsert is given now are left to a `finish`.
  bool Finishes(const JournalTable& table) const;
  // Waits until the loading thread has written every row handed to it; its
  // first failure. Anything else done through this writer drains first,
  // and so must any other use of the connection while loading (the thread
  // holds it meanwhile).
  [[nodiscard]] Status Drain();
  // Waits only until the loading thread has written what it was handed,
  // which leaves the connection free; the rows still gathered wait for
  // their batch. Its first failure.
  [[nodiscard]] Status AwaitLoader();
  // Ends loading: the thread writes what it was handed (at most two
  // batches) and stops; rows not yet handed over are dropped. For a
  // transaction that rolls back, or one drained already (the table's
  // indexes are still made again at SealHead).
  void StopLoading();

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
    // A county-owned table (migration 023): its county_code column, and,
    // for a given key, the look-up for the same key in another county.
    int county = -1;
    sql::Statement* elsewhere = nullptr;
    sql::Statement* unwrite = nullptr;
    // An UPDATE per set of changed columns (true at each changed index).
    std::map<std::vector<bool>, sql::Statement*> updates;
  };
  Result<Statements*> For(const JournalTable& table);
  [[nodiscard]] Status RefuseOtherCounty(const JournalTable& table, Statements& st, const JournalRow& row);
  static Status CountyChange(const JournalTable& table, const std::string& key, std::string_view from,
                             const sql::Value& to);
  // An insert_batch entry being gathered (BatchInserts), a table each.
  struct PendingBatch {
    std::string_view entity;
    InsertBatch rows;
  };
  // A journal entry made: its place in the chain taken, to be stored.
  struct LoadedEntry {
    JournalEntry entry;
    std::string prev_hash, hash;
  };
  // The thread LoadInto starts: writes each batch's rows and its entry in
  // the order given, two batches behind the caller at most.
  class Loader {
   public:
    Loader(JournalWriter& writer, const JournalTable& table, Finish finish);
    ~Loader();  // the batches handed over are written first
    // Hands over a batch; waits while two are waiting. When one is waiting
    // already, the caller finishes and digests this one itself rather than
    // wait idle (a pairing makes rows faster than they are written; an
    // import reads and checks them slower, and leaves the sealing and the
    // digests to the loader).
    void Push(std::vector<JournalRow> batch);
    [[nodiscard]] Status Drain();
    bool finishes() const { return finish_ != nullptr; }

   private:
    struct Batch {
      std::vector<JournalRow> rows;
      std::optional<InsertBatch> digests;  // its rows finished and digested by the caller, or by Load
    };
    void Run();
    Status Load(Batch& batch, const std::vector<std::string>& columns);
    // Finishes each row and digests it.
    InsertBatch Digest(std::vector<JournalRow>& rows) const;
    JournalWriter& writer_;
    const JournalTable& table_;
    const Finish finish_;
    std::mutex mutex_;
    std::condition_variable wake_, idle_;
    std::deque<Batch> queue_;
    std::vector<std::vector<JournalRow>> written_;  // loaded, freed by the next Push
    bool busy_ = false, stop_ = false;
    Status failure_;
    std::thread thread_;  // last: starts once the rest is made
  };

  // The entry itself, after any pending batch: made, then stored.
  [[nodiscard]] Status AppendEntry(std::string_view action, std::string_view entity, const std::string& key,
                                   std::string before, std::string after);
  LoadedEntry NextEntry(std::string_view action, std::string_view entity, const std::string& key,
                        std::string before, std::string after);
  [[nodiscard]] Status StoreEntry(const LoadedEntry& entry);
  // Adds an inserted row to its table's insert_batch entry, appending that
  // first when it is full.
  [[nodiscard]] Status AddToBatch(const JournalTable& table, const std::string& key,
                                  const std::string& digest);
  // Hands the loader its gathered rows, then appends every gathered
  // insert_batch entry.
  [[nodiscard]] Status FlushBatch();
  [[nodiscard]] Status AppendBatch(PendingBatch& batch);
  void ForgetDeferredKeys();
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
  size_t batch_limit_ = 0;                   // rows an insert_batch entry holds; 0: an entry a row
  std::vector<PendingBatch> pending_;        // the insert_batch entries being gathered
  std::vector<JournalRow> batch_rows_data_;  // the next batch for the loader
  const JournalTable* load_table_ = nullptr;
  std::unique_ptr<Loader> loader_;
  std::vector<std::string> reindex_;  // the loaded table's indexes, made at SealHead
  bool keys_deferred_ = false;        // its foreign keys, checked at SealHead
};

}  // namespace lianxin
