// The journal's record form: how a row of a journaled table is written into
// the journal, and how `journal verify` checks the tables against it. Each
// module that keeps a journaled table describes it once as a JournalTable;
// its repository turns records into rows (one value per column) and the
// store's generic upsert, delete and verify work on rows. The form is the
// same on every database, so a county moved from one to another verifies.
//
//   const JournalTable kPins{"pins", {{"key"}, {"kind"}, {"holder"}, {"held"}, {"reason"}}, "key"};
//   JournalRow row{sql::Value::Text("contact|1499…|149901C00012"), …};
//   std::string after = JournalRowJson(kPins, row);  // {"key":"contact|…",…}
//
//   JournalWalk walk(TableNames(tables), checkpoint);
//   for each entry in seq order: LX_RETURN_IF_ERROR(walk.Entry(entry, prev_hash, hash));
//   LX_RETURN_IF_ERROR(walk.Head(sealed_head));
//   for each table, each row:    LX_RETURN_IF_ERROR(walk.Row(table, row));
//   LX_RETURN_IF_ERROR(walk.Finish());
//
// The JSON is canonical and must never change for a stored row: every entry
// already written hashes it. Threads: the functions hold no state; a
// JournalWalk belongs to one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lianxin/store.hpp"
#include "store/sql/sql.hpp"

namespace lianxin {

struct JournalColumn {
  std::string_view name;
  // Ciphertext columns are left out of comparisons: their blind index column
  // (`index_column`) stands for them. The journal holds their digest.
  int index_column = -1;
  // Secrets the journal must not hold (a password hash): it holds their
  // BLAKE2b digest instead, which still exposes any change made behind its back.
  bool digest_only = false;
  // For a ciphertext column, the column name its FieldCipher binding names
  // ("households.phone"); the row's key completes the binding.
  std::string_view sealed_as = {};

  bool Digested() const { return digest_only || index_column >= 0; }
};

struct JournalTable {
  std::string_view name;
  std::vector<JournalColumn> columns;  // the natural key first
  std::string_view order_by;           // the order rows are read and listed in
  // The key is a code people give (户编号, 干部编号, an ID number), which a
  // county-owned table's unique key (key, county_code) keeps unique within
  // one county only (migration 023): the writer looks for a new row's key
  // in the other counties. Keys made from such codes or drawn at random
  // need no look-up.
  bool given_key = false;
};

// A row of a journaled table: one value per column, in the table's order.
using JournalRow = std::vector<sql::Value>;

// A row from its values, each moved in: a braced list would copy every
// value (and its string) once more, a million times in an import.
template <typename... Values>
JournalRow JournalRowOf(Values&&... values) {
  JournalRow row;
  row.reserve(sizeof...(values));
  (row.push_back(std::forward<Values>(values)), ...);
  return row;
}

// The journal's view of a row: every column in the table's column order,
// blobs as hex, ciphertexts and secrets as their digest. Deterministic, so
// verify can recompute it; with the ciphertexts' digests in it, a ciphertext
// copied from another row is a change verify sees. `legacy`: the form before
// schema 5, which left the ciphertexts out.
std::string JournalRowJson(const JournalTable& table, const JournalRow& row, bool legacy = false);

// The digest of a row's image (JournalRowJson): BLAKE2b-128, in hex.
std::string JournalRowDigest(const JournalTable& table, const JournalRow& row, bool legacy = false);

// The digest of a row's record: "rec:" and BLAKE2b-128 in hex. The record
// is a binary form of the image, equal for two rows exactly when their
// images are, and about half the work to make and hash (a load digests a
// million rows). An insert_batch entry holds rows by it: only the digest
// is stored, so the record needs no form a person reads.
inline constexpr std::string_view kRecordDigestPrefix = "rec:";
std::string JournalRecordDigest(const JournalTable& table, const JournalRow& row);

// An entry journaling many inserted rows of its entity (JournalWriter::
// BatchInserts) has this action, the first row's key, and as `after` a JSON
// array of [key, digest] pairs, one per row in the order inserted: each
// digest a JournalRecordDigest, or, in batches written before it, a
// JournalRowDigest (32 hex digits, no prefix), which verify still holds.
inline constexpr std::string_view kInsertBatchAction = "insert_batch";
// That `after`, made a row at a time.
class InsertBatch {
 public:
  void Add(std::string_view key, std::string_view digest);
  size_t rows() const { return rows_; }
  const std::string& first_key() const { return first_key_; }
  // The JSON array, closed; the next Add starts a new batch.
  std::string Take();

 private:
  std::string first_key_, json_;
  size_t rows_ = 0;
};
// The (key, digest) pairs of an insert_batch entry's `after`; kInvalid when
// it is not one.
Result<std::vector<std::pair<std::string, std::string>>> ParseInsertBatch(std::string_view after);

// A natural key as the journal names it (entity_key): text as it is,
// integers in decimal, blobs as hex.
std::string JournalKeyText(const sql::Value& key);
// The same, without a copy when the key is text; otherwise in `scratch`.
std::string_view JournalKeyText(const sql::Value& key, std::string& scratch);

// A point in the chain: the newest entry's seq and hash (seq 0 and the
// genesis hash for an empty journal).
struct JournalMark {
  std::int64_t seq = 0;
  std::string hash;
  bool operator==(const JournalMark&) const = default;
};

// `journal verify`'s checks, fed what the database holds; each failure is
// kTampered, naming the entry or the row and what was done behind the
// program's back.
class JournalWalk {
 public:
  // `tables`: the names of the journaled tables, whose entries must match
  // their rows (other entities, the audit events, have no row).
  // `checkpoint`: an entry a verified earlier head named, which the chain
  // must still hold.
  JournalWalk(std::set<std::string, std::less<>> tables, std::optional<JournalMark> checkpoint);

  // The next entry, in seq order, with the prev_hash and hash stored with it.
  [[nodiscard]] Status Entry(const JournalEntry& entry, std::string_view prev_hash, std::string_view hash);
  // After the last entry: the chain's head, and whether the checkpoint was in it.
  const JournalMark& head() const { return head_; }
  std::int64_t entries() const { return head_.seq; }
  // The rows Row has held to their entries so far.
  std::int64_t rows() const { return rows_; }
  // The sealed head the database recorded must be the chain's own, and the
  // checkpoint must have been passed.
  [[nodiscard]] Status Head(const JournalMark& recorded) const;
  // Each row of each journaled table: its newest entry must hold it as it is.
  [[nodiscard]] Status Row(const JournalTable& table, const JournalRow& row, bool legacy = false);
  // After every row: no record the journal holds was deleted behind its back.
  [[nodiscard]] Status Finish() const;

 private:
  struct Latest {
    std::string digest;  // of the entry's `after`, in hex
    std::int64_t seq = 0;
    bool deleted = false;
  };
  std::set<std::string, std::less<>> tables_;
  std::optional<JournalMark> checkpoint_;
  bool checkpoint_found_ = false;
  JournalMark head_;
  std::int64_t rows_ = 0;
  // (entity, key) → its newest entry.
  std::unordered_map<std::string, Latest> latest_;
};

// "SELECT a, b, … FROM table": every column of a journaled table, in its
// order; and the current row of such a select, as the table's row.
std::string SelectSql(const JournalTable& table);
JournalRow ReadJournalRow(const sql::Statement& select, size_t columns);

// What `journal verify` reads, through the seam on either database, a
// chunk at a time (a PostgreSQL result is held in memory whole). First
// every entry in seq order into `walk`; then the sealed head — the
// journal_head row, whose MAC `seal` must make, and which must be the
// chain's own head; then every row of `tables`. walk.Finish() is the
// caller's. Each failure is kTampered, naming what was changed.
[[nodiscard]] Status WalkEntries(sql::Connection& db, JournalWalk& walk);
[[nodiscard]] Status CheckSealedHead(sql::Connection& db,
                                     const std::function<std::string(const JournalMark&)>& seal,
                                     JournalWalk& walk);
[[nodiscard]] Status WalkRows(sql::Connection& db, const std::vector<const JournalTable*>& tables,
                              JournalWalk& walk, bool legacy = false);

}  // namespace lianxin
