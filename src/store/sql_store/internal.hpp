// The store's parts, shared by its files: one per module's storage
// (registry.cpp, pairing.cpp, tasks.cpp, accounts.cpp), the journal
// (journal.cpp), the copy between databases (copy.cpp) and the store itself
// (store.cpp). Internal to them. Every query goes through the SQL seam
// (store/sql/sql.hpp), so the same store runs on SQLite and on PostgreSQL;
// what only one of them has (SQLite's online backup and kept read
// snapshots, PostgreSQL's advisory lock) is asked of `sqlite()`.
//
// Each record kind is described once as a table of columns (`TableDef`, the
// journal's JournalTable); a record becomes a row image (one Cell per
// column) and the generic upsert, journal and verify code works on images,
// so adding a field touches one image function and one decode function.
#pragma once

#include <sodium.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "crypto/field_cipher.hpp"
#include "fieldwork/appeal_repository.hpp"
#include "fieldwork/visit_repository.hpp"
#include "journal/chain.hpp"
#include "journal/record.hpp"
#include "journal/writer.hpp"
#include "lianxin/progress.hpp"
#include "lianxin/store.hpp"
#include "lianxin/validate.hpp"
#include "lianxin/writer.hpp"
#include "oversight/figures_repository.hpp"
#include "oversight/inspection_repository.hpp"
#include "oversight/ledger_repository.hpp"
#include "pairing/repository.hpp"
#include "store/migrations.hpp"
#include "store/sql/sqlite_api.hpp"

namespace lianxin::sql_store {

using Statement = sql::Statement;

// A column's value, as the SQL seam binds and reads it; a table's row
// (journal/record.hpp describes the tables and their journaled form).
using Cell = sql::Value;

using Image = JournalRow;

using TableDef = JournalTable;

// The journaled tables, each described once (in its module's file).
const TableDef& Def(RecordKind kind);  // the registry's, by kind
const TableDef& CardsDef();            // the contact cards (cards.cpp)
const TableDef& NoticesDef();          // the published monthly notices (notices.cpp)
const TableDef& ApiKeysDef();          // the Open311 clients' keys (cards.cpp)
const TableDef& SettingsDef();         // the console's settings over the file (settings.cpp)
const TableDef& DecisionsDef();        // the meeting decisions (tasks.cpp)
const TableDef& TasksDef();
const TableDef& UsersDef();
const TableDef& SessionsDef();
const TableDef& PasswordHistoryDef();
const TableDef& PendingDef();
// Every journaled table, for verification. `legacy`: the tables journaled
// before schema 5, to verify a database before it is upgraded.
std::vector<const TableDef*> AllTableDefs(bool legacy = false);

// Whole databases: an online copy, a check, a file replaced atomically.
Status CopyDatabase(sqlite3* from, sqlite3* to);
Status IntegrityCheck(sqlite3* db, const std::string& what);
Status ReplaceFile(const std::string& path, const std::string& text);

template <typename E>

Result<E> FromToken(std::string_view token, std::initializer_list<E> values, std::string_view column) {
  for (E value : values) {
    if (Token(value) == token) return value;
  }
  return Status::Internal("数据库中 " + std::string(column) + " 的值无效: " + std::string(token));
}

constexpr std::string_view kIdDomain = "id";

constexpr std::string_view kPhoneDomain = "phone";

// The per-kind mapping between records and row images.
class Codec {
 public:
  explicit Codec(const FieldCipher& cipher) : cipher_(cipher) {}

  Image Of(const Region& r) const {
    return JournalRowOf(Cell::Text(r.code), Cell::Text(r.name), Cell::Text(Token(r.level)),
                        Cell::TextOrNull(r.parent_code), Cell::Text(r.code.substr(0, 6)));
  }
  Image Of(const Unit& u) const {
    return JournalRowOf(Cell::Text(u.code), Cell::Text(u.name), Cell::Text(u.county_code), Cell::Int(u.staff),
                        Cell::Text(Token(u.strength)));
  }
  Image Of(const Org& o) const {
    return JournalRowOf(Cell::Text(o.code), Cell::Text(o.name), Cell::Text(Token(o.kind)),
                        Cell::Text(o.region_code), Cell::Text(Token(o.rating)),
                        Cell::Text(o.region_code.substr(0, 6)));
  }
  Image Of(const Cadre& c, const std::string& county_code) const {
    return JournalRowOf(
        Cell::Text(c.code), Cell::Text(c.name), Cell::Text(Token(c.gender)),
        Sealed(c.id_number.Reveal(), "cadres.id", c.code), Index(kIdDomain, c.id_number.Reveal()),
        Sealed(c.phone.Reveal(), "cadres.phone", c.code), Index(kPhoneDomain, c.phone.Reveal()),
        Cell::TextOrNull(c.unit_code), Cell::TextOrNull(c.village_code), Cell::Text(Token(c.rank)),
        Cell::Text(Token(c.education)), Cell::Text(JoinList(c.skills)), Cell::Text(c.title),
        Cell::Int(c.unit_head ? 1 : 0), Cell::Text(county_code));
  }
  Image Of(const Household& h) const {
    Image image = PlainOf(h);
    SealHousehold(image);
    return image;
  }
  // A household's image with its ID number and phone still in the clear
  // where their ciphertexts go, and no blind indexes yet: SealHousehold
  // finishes it (a load on its writing thread: SqlTxn::LoadIntoEmpty).
  Image PlainOf(const Household& h) const {
    return JournalRowOf(Cell::Text(h.code), Cell::Text(h.village_code), Cell::Text(h.head_name),
                        Plain(h.head_id_number.Reveal()), Cell{}, Plain(h.phone.Reveal()), Cell{},
                        Cell::Int(h.size), Cell::Int(h.income_per_capita), Cell::Text(Token(h.housing)),
                        Cell::Real(h.land_mu), Cell::Text(JoinList(h.needs)), Cell::Text(h.address),
                        Cell::Real(h.difficulty), Cell::Text(Token(h.tier)),
                        Cell::Text(h.village_code.substr(0, 6)));
  }
  void SealHousehold(Image& image) const {
    SealInPlace(image, 3, 4, "households.head_id", kIdDomain);
    SealInPlace(image, 5, 6, "households.phone", kPhoneDomain);
  }
  Image Of(const Member& m, const std::string& county_code) const {
    Cell key = Index(kIdDomain, m.id_number.Reveal());
    std::string row_key = JournalKeyText(key);
    return JournalRowOf(std::move(key), Sealed(m.id_number.Reveal(), "members.id", row_key),
                        Cell::Text(m.household_code), Cell::Text(m.name), Cell::Text(m.relation),
                        Cell::Text(m.birth_date), Cell::Text(Token(m.gender)), Cell::Text(Token(m.education)),
                        Cell::Text(Token(m.labour)), Cell::Text(Token(m.health)), Cell::Text(m.disability),
                        Cell::Text(county_code));
  }

  std::string IdIndex(const IdNumber& id) const { return cipher_.BlindIndex(kIdDomain, id.Reveal()); }

  // The field at `index`, sealed for `column` of the row keyed `row_key`.
  Result<std::string> Open(const Statement& stmt, int index, std::string_view column,
                           std::string_view row_key) const {
    if (stmt.IsNull(index) || !decrypt_) return std::string();
    return cipher_.Decrypt(stmt.Blob(index), FieldCipher::Binding(column, row_key));
  }

 private:
  static Cell Plain(const std::string& plain) { return plain.empty() ? Cell{} : Cell::Text(plain); }
  // The plaintext at `at` (Plain) sealed there for `column`, its blind
  // index at `index_at`, and the plaintext wiped.
  void SealInPlace(Image& image, size_t at, size_t index_at, std::string_view column,
                   std::string_view domain) const {
    if (image[at].type == Cell::kNull) return;
    std::string& plain = image[at].bytes;
    image[index_at] = Index(domain, plain);
    Cell sealed = Sealed(plain, column, image[0].bytes);
    sodium_memzero(plain.data(), plain.size());
    image[at] = std::move(sealed);
  }
  Cell Sealed(const std::string& plain, std::string_view column, std::string_view row_key) const {
    if (plain.empty()) return Cell{};
    thread_local std::string binding;  // a buffer a thread: a load seals two fields a row
    FieldCipher::Binding(binding, column, row_key);
    return Cell::Blob(cipher_.Encrypt(plain, binding));
  }
  Cell Index(std::string_view domain, const std::string& plain) const {
    return plain.empty() ? Cell{} : Cell::Blob(cipher_.BlindIndex(domain, plain));
  }
  const FieldCipher& cipher_;

 public:
  // Off while ScanWithoutSecrets runs: sensitive fields decode as empty.
  mutable bool decrypt_ = true;
};

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

using DbHandle = std::unique_ptr<sqlite3, DbCloser>;

class SqlStore;

class SqlTxn final : public WriteTxn {
 public:
  SqlTxn(SqlStore& store, std::string actor);
  ~SqlTxn() override;

  // `join`: run inside the transaction the caller already has open (the
  // schema upgrade's), which the caller commits or rolls back. A nested
  // SAVEPOINT there would make each of its 400 k statements slower than the last.
  Status Start(bool join = false);

  Result<UpsertOutcome> Upsert(const Region& r) override;
  Result<UpsertOutcome> Upsert(const Unit& u) override;
  Result<UpsertOutcome> Upsert(const Org& o) override;
  Result<UpsertOutcome> Upsert(const Cadre& c) override;
  Result<UpsertOutcome> Upsert(const Household& h) override;
  Result<UpsertOutcome> Upsert(const Member& m) override;

  void JournalInsertsInBatches() override { journal_.BatchInserts(JournalWriter::kDefaultBatchRows); }
  Status LoadIntoEmpty(RecordKind kind) override;
  Result<std::optional<Region>> FindRegion(std::string_view code) override;
  Result<bool> Exists(RecordKind kind, std::string_view key) override;
  Result<std::optional<std::string>> OwnerOfIdNumber(RecordKind kind, const IdNumber& id) override;
  Result<std::optional<std::string>> HeadOfUnit(std::string_view unit_code) override;
  Result<bool> Empty(RecordKind kind) override;
  Result<PairChanges> ApplyPairing(const PairingState& next, const std::string& reason,
                                   std::string_view county) override;
  Status RecordUncovered(const std::vector<Uncovered>& uncovered, std::string_view county) override;
  void AllowExitWithOpenTasks(std::string reason) override {
    pairing().AllowExitWithOpenTasks(std::move(reason));
  }
  Status SetPin(PairingKind kind, const std::string& holder, const std::string& held,
                const std::string& reason) override;
  Status RemovePin(PairingKind kind, const std::string& holder, const std::string& held) override;
  Result<UpsertOutcome> Upsert(const Task& task) override;
  Result<std::string> AddVisit(const Visit& visit, const std::string& recorded_by) override;
  Status ConfirmVisit(std::string_view id, std::string_view household_code) override;
  Result<Appeal> FileAppeal(const Appeal& appeal, const std::string& actor) override;
  Status RecordAppealStep(const Appeal& next, const AppealEvent& event, const std::string& actor) override;
  Status UpdateAppeal(const Appeal& appeal) override;
  Result<std::string> AddDecision(const Decision& decision) override;
  Status UpdateDecision(const Decision& decision) override;
  Result<std::string> IssueCard(std::string_view household_code, std::int64_t expires_millis) override;
  Status RevokeCard(std::string_view household_code) override;
  Result<std::string> AddApiKey(const std::string& name, const std::string& region_code) override;
  Status RevokeApiKey(const std::string& name) override;
  Status PublishNotice(const NoticeRecord& notice) override;
  Result<std::int64_t> PutSetting(std::string_view section, std::string_view toml,
                                  std::int64_t expected_version) override;
  Result<std::string> OpenInspection(const Inspection& inspection,
                                     const std::vector<std::string>& households) override;
  Status RecordInspectionCheck(const InspectionCheck& check) override;
  Status CloseInspection(std::string_view id) override;
  Result<std::vector<Callback>> AddCallbacks(std::string_view region, std::string_view month,
                                             std::string_view seed, double share) override;
  Status RecordCallback(std::string_view visit_id, CallbackOutcome outcome, const std::string& note) override;
  Status SetNoMeetingMonth(std::string_view county, std::string_view month, bool no_meeting,
                           const std::string& note) override;
  Result<std::string> AddMeeting(const Meeting& meeting, const LedgerRules& rules) override;
  Result<std::string> AddReception(const ReceptionReport& report, const LedgerRules& rules) override;
  Result<std::string> AddExpense(const Expense& expense) override;
  Status RateCadre(std::string_view household_code, std::string_view cadre_code, int year,
                   Satisfaction satisfaction) override;
  Status Commit() override;

  // For the user repository, in this file: rows of tables outside the
  // registry, and events (audit) that have no row.
  Result<UpsertOutcome> UpsertImage(const TableDef& def, Image image);
  Status DeleteImage(const TableDef& def, const std::string& key);
  Status AppendJournal(std::string_view action, const TableDef& def, const std::string& key,
                       std::string before, std::string after);
  // The schema 5 upgrade (UpgradeToSchema5): re-seals every ciphertext of
  // `def` bound to its row, journaling each row as "reseal"; and journals
  // each row of an already filled table as "adopt".
  Status Reseal(const TableDef& def);
  Status Adopt(const TableDef& def);
  // Seals the head at Commit even when nothing was appended.
  void SealHeadAtCommit() { journal_.SealAtEnd(); }

 private:
  // The pairing's storage, on the seam (pairing/repository.hpp), writing
  // through this transaction's journal.
  PairingRepository& pairing() { return *pairing_; }
  Result<std::string> CountyOfUnit(const std::string& unit_code);
  Result<std::optional<std::string>> CountyOf(std::string_view table, std::string_view key_column,
                                              const std::string& key);
  Status CheckInCounty(std::string_view table, const std::string& code, const std::string& county,
                       std::string_view what, std::string field);
  Result<std::string> CountyOfHousehold(const std::string& household_code);

  SqlStore& store_;
  std::string actor_;
  bool open_ = false;
  JournalWriter journal_;
  std::optional<PairingRepository> pairing_;  // from Start
  bool joined_ = false;
  std::int64_t at_millis_ = 0;
  std::unordered_map<std::string, std::string> county_of_unit_;
  std::string last_household_, last_household_county_;
};

class SqlStore final : public Store {
 public:
  // `db`: a SQLite database, reached through `seam` borrowed on it; or
  // none, and `seam` a PostgreSQL connection of its own.
  SqlStore(DbHandle db, std::unique_ptr<sql::Connection> seam, FieldCipher cipher, const Clock& clock,
           std::string key_file)
      : db_(std::move(db)),
        seam_(std::move(seam)),
        cipher_(std::move(cipher)),
        codec_(cipher_),
        clock_(clock),
        key_file_(std::move(key_file)),
        checkpoint_path_(JournalCheckpointPath(key_file_)) {}

  // Puts the file back in WAL when KeepRollbackJournal took it out.
  ~SqlStore() override;

  Status Migrate();
  // StoreOptions::bulk: a rollback journal while this is the file's only
  // connection; nothing changes (WAL stays) when it is not.
  void KeepRollbackJournal();

  Result<std::unique_ptr<WriteTxn>> Begin(std::string actor) override {
    if (txn_open_) return Status::Internal("同一 Store 上已有未结束的写事务");
    auto txn = std::make_unique<SqlTxn>(*this, std::move(actor));
    LX_RETURN_IF_ERROR(txn->Start());
    return std::unique_ptr<WriteTxn>(std::move(txn));
  }

  // A read snapshot: on SQLite a deferred read transaction, which KeepRead
  // may keep while it is current; on PostgreSQL a REPEATABLE READ one,
  // never kept (another connection's commits would not show in it).
  void BeginRead() override {
    if (txn_open_ || batch_open_) return;
    if (read_open_) {
      if (sqlite() && ReadIsCurrent()) return;  // kept by KeepRead, and nothing has changed
      EndRead();
    }
    if (!sqlite()) {
      read_open_ = seam_->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").ok();
      return;
    }
    // Deferred: the read lock is taken by the first read, not here. Taken
    // before BEGIN, the count can only make the snapshot look older.
    read_commits_ = sqlite::CommitsInThisProcess();
    read_began_ = std::chrono::steady_clock::now();
    Result<Statement*> begin = Prepare("BEGIN");
    read_open_ = begin.ok() && (*begin)->Run().ok();
  }

  void KeepRead() override {
    if (txn_open_ || batch_open_) return;
    if (sqlite() && read_open_ && ReadIsCurrent()) {
      ResetStatements();
      return;
    }
    EndRead();
  }

  void EndRead() override {
    if (txn_open_ || batch_open_) return;
    ResetStatements();
    if (!read_open_) return;
    read_open_ = false;
    if (!sqlite()) {
      if (!seam_->Exec("COMMIT").ok()) seam_->Rollback();
      return;
    }
    Result<Statement*> commit = Prepare("COMMIT");
    if (!commit.ok() || !(*commit)->Run().ok()) seam_->Rollback();
  }

  Status BeginBatch() override {
    if (txn_open_ || batch_open_) return Status::Internal("同一 Store 上已有未结束的写事务");
    EndRead();  // as SqlTxn::Start does
    LX_RETURN_IF_ERROR(RunCached(BeginWriteSql()));
    batch_open_ = true;
    return Status::Ok();
  }
  Status BeginBatchItem() override {
    if (!batch_open_ || txn_open_) return Status::Internal("BeginBatchItem 须在批次内、事务外调用");
    return RunCached("SAVEPOINT item");
  }
  Status EndBatchItem(bool keep) override {
    if (!batch_open_ || txn_open_) return Status::Internal("EndBatchItem 须在批次内、事务外调用");
    if (!keep) LX_RETURN_IF_ERROR(RunCached("ROLLBACK TO item"));
    return RunCached("RELEASE item");
  }
  Status EndBatch() override {
    if (!batch_open_ || txn_open_) return Status::Internal("EndBatch 须在批次内、事务外调用");
    batch_open_ = false;
    // A cached statement left mid-result keeps the connection in a read
    // transaction past the commit, and the checkpoint that follows it (the
    // WAL hook) then fails with SQLITE_LOCKED: the WAL was never
    // checkpointed while the server ran.
    ResetStatements();
    Status status = RunCached("COMMIT");
    if (!status.ok()) seam_->Rollback();
    return status;
  }

  Result<RegistryCounts> Counts() override;
  Status Scan(RecordKind kind, RegistrySink& sink) override;
  Status ScanWithoutSecrets(RecordKind kind, RegistrySink& sink, std::string_view county) override {
    codec_.decrypt_ = false;
    Status status = ScanIn(kind, sink, county);
    codec_.decrypt_ = true;
    return status;
  }
  // Scan, of one county when `county` is given.
  Status ScanIn(RecordKind kind, RegistrySink& sink, std::string_view county);
  Result<std::optional<Household>> GetHousehold(std::string_view code) override;
  Result<PairingState> Pairs(std::string_view county) override {
    return PairingRepository(seam()).Pairs(county);
  }
  Result<PairingState> Pins(std::string_view county) override {
    return PairingRepository(seam()).Pins(county);
  }
  Result<std::vector<Uncovered>> RecordedUncovered(std::string_view county) override;
  Result<std::vector<Task>> TasksOf(std::string_view household_code) override;
  Result<std::vector<Task>> TasksByCadre(std::string_view cadre_code) override;
  Result<std::vector<Visit>> VisitsOfHousehold(std::string_view household_code, int limit) override;
  Result<std::vector<Visit>> VisitsByCadre(std::string_view cadre_code) override;
  Result<std::vector<VisitDuty>> DutiesOf(std::string_view cadre_code, const Date& today) override;
  Result<std::vector<PairHistoryEntry>> PairHistory(std::string_view held) override;
  Result<std::vector<AreaFigures>> FiguresUnder(std::string_view region, const Date& from, const Date& to,
                                                std::int64_t now_millis) override;
  Result<std::vector<UnitFigures>> UnitFiguresUnder(std::string_view region, const Date& from,
                                                    const Date& to) override;
  Result<std::vector<SilentCadre>> SilentCadresUnder(std::string_view region, const Date& from,
                                                     const Date& to) override;
  Result<std::optional<NoticeRecord>> GetNotice(std::string_view id) override;
  Result<InspectionCandidates> InspectionCandidatesUnder(std::string_view region) override;
  Result<std::optional<Inspection>> GetInspection(std::string_view id) override;
  Result<std::vector<Inspection>> ListInspections(std::string_view region) override;
  Result<std::vector<InspectionCheck>> InspectionChecks(std::string_view id) override;
  Result<std::vector<Callback>> ListCallbacks(std::string_view region, std::string_view month) override;
  Result<std::vector<NoMeetingMonth>> NoMeetingMonths(std::string_view county) override;
  Result<LedgerBook> ReadLedger(const LedgerQuery& query) override;
  Result<std::map<std::string, Satisfaction>> RatingsByHousehold(std::string_view household_code,
                                                                 int year) override;
  Result<std::vector<Satisfaction>> RatingsOfCadre(std::string_view cadre_code, int from_year,
                                                   int to_year) override;
  Result<std::vector<NoticeRecord>> ListNotices(std::string_view region) override;
  Result<std::vector<StoredSetting>> Settings() override;
  Result<FieldworkPage<Visit>> ListVisits(const FieldworkQuery& query) override;
  Result<std::optional<Decision>> GetDecision(std::string_view id) override;
  Result<std::vector<Decision>> ListDecisions(const DecisionQuery& query) override;
  Result<FieldworkPage<Task>> ListTasks(const FieldworkQuery& query) override;
  Result<std::optional<Appeal>> GetAppeal(std::string_view id) override;
  Result<std::vector<AppealStep>> AppealSteps(std::string_view id) override;
  Result<AppealPage> ListAppeals(const AppealQuery& query) override;
  Status ScanAppeals(const AppealQuery& query, const std::function<Status(const Appeal&)>& each) override;
  Result<std::optional<HandlerKind>> KindOfHandler(std::string_view code) override;
  Result<std::optional<CardRecord>> FindCard(std::string_view code) override;
  Result<std::optional<ApiKeyRecord>> FindApiKey(std::string_view key) override;
  Result<int> SchemaVersion() override;
  Status Backup(const std::string& out) override;
  Status CopyInto(Store& empty, Progress* progress) override {
    return CopyInto(static_cast<SqlStore&>(empty), progress);
  }
  Status CopyInto(SqlStore& empty, Progress* progress);
  Status BackupToSqlite(const std::string& out);
  Status VerifyJournal(std::int64_t* entries_checked, std::int64_t* rows_checked = nullptr) override;
  Result<std::string> JournalCheckpoint() override;
  // The journal's newest entry (seq 0 and the genesis hash when empty).
  using Mark = JournalMark;
  struct VerifyMode {
    bool legacy = false;             // the tables and row images before schema 5, and no head
    bool against_checkpoint = true;  // the checkpoint file must name an entry of this chain
  };
  // VerifyJournal's checks; the verified head in `head` on success.
  Status Verify(const VerifyMode& mode, std::int64_t* entries_checked, Mark* head,
                std::int64_t* rows_checked = nullptr);
  // The sealed head: the journal_head row and the checkpoint file hold it.
  std::string HeadMac(const Mark& mark) const;
  // The checkpoint file's one line for `mark`: "seq hash mac", hex.
  std::string CheckpointLine(const Mark& mark) const;
  const std::string& checkpoint_path() const { return checkpoint_path_; }
  // A sealed field, if the database holds any, to prove a key opens it.
  Status CheckKeyOpensData();
  Result<std::string> JournalHead() override;
  Result<std::optional<std::int64_t>> JournalSeqOf(std::string_view hash_hex) override;
  Result<std::int64_t> PairingDataVersion() override;
  Result<std::vector<JournalEntry>> ReadJournal(std::int64_t after_seq, int limit) override;
  // The registry read side (store.hpp, "Reading the registry for the API").
  Result<ListPage> List(RecordKind kind, const ListQuery& query, RegistrySink& sink) override;
  Status Get(RecordKind kind, std::string_view key, RegistrySink& sink) override;
  Status MembersOf(std::string_view household_code, RegistrySink& sink) override;
  Result<bool> InScope(RecordKind kind, std::string_view key, const Scope& scope) override;
  Result<bool> GetWithin(RecordKind kind, std::string_view key, const Scope& scope,
                         RegistrySink& sink) override;

  sqlite3* db() { return db_.get(); }
  const FieldCipher& cipher() const { return cipher_; }
  const Codec& codec() const { return codec_; }
  const Clock& clock() const { return clock_; }
  bool txn_open_ = false;
  JournalWriter* loading_ = nullptr;  // the open transaction's, while it loads
  bool batch_open_ = false;
  bool read_open_ = false;         // a BeginRead snapshot
  std::int64_t read_commits_ = 0;  // CommitsInThisProcess when it began
  std::chrono::steady_clock::time_point read_began_;
  bool ReadIsCurrent() const {
    return read_commits_ == sqlite::CommitsInThisProcess() &&
           std::chrono::steady_clock::now() - read_began_ < std::chrono::milliseconds(kKeptReadMillis);
  }

  // A statement for `sql` (the seam's dialect), prepared once and reset.
  Result<Statement*> Prepare(const std::string& sql) {
    // The loading thread holds the connection until it has written what it
    // was given (SqlTxn::LoadIntoEmpty).
    if (loading_ != nullptr) LX_RETURN_IF_ERROR(loading_->AwaitLoader());
    LX_ASSIGN_OR_RETURN(Statement * statement, seam_->Prepare(sql));
    statement->Reset();
    return statement;
  }
  // One statement with no result: the writer runs its transaction and
  // savepoint statements for every request (prepared once on SQLite).
  Status RunCached(const std::string& sql) {
    if (!sqlite()) return seam_->Exec(sql);
    LX_ASSIGN_OR_RETURN(Statement * statement, Prepare(sql));
    Status status = statement->Run();
    statement->Reset();
    return status;
  }
  // What begins a write transaction: on SQLite it takes the write lock at
  // once, so a transaction never fails half-way for a lock.
  const char* BeginWriteSql() const { return sqlite() ? "BEGIN IMMEDIATE" : "BEGIN"; }
  // Ends every SQLite statement still stepping (sqlite::ResetStatements).
  void ResetStatements() {
    if (sqlite()) sqlite::ResetStatements(db());
  }
  bool sqlite() const { return db_ != nullptr; }
  // The same connection through the SQL seam, for what is written once for
  // every database (the journal's writes).
  sql::Connection& seam() { return *seam_; }

 private:
  Result<std::int64_t> CountOf(const std::string& sql);
  // A household's members into `sink`, head first (no check that it exists).
  Status EmitMembers(std::string_view household_code, RegistrySink& sink);
  Status UpgradeToSchema5();
  // SQLite: every table's `CHECK (x IN (…))` as an OR of equalities
  // (CheckListsAsOr), by SQLite's documented procedure for changing a
  // constraint in place (writable_schema, then schema_version one up).
  Status BeginMigration();
  Status ApplyMigrations(int current);
  Status CheckForeignKeys();
  Status RewriteCheckLists();

  DbHandle db_;
  std::unique_ptr<sql::Connection> seam_;  // after db_: closed before it
  FieldCipher cipher_;
  Codec codec_;
  const Clock& clock_;
  std::string key_file_;
  std::string checkpoint_path_;
  bool rollback_journal_ = false;  // KeepRollbackJournal took the file out of WAL
};

}  // namespace lianxin::sql_store
