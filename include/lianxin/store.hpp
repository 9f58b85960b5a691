// The Store: the one way into the registry's persistent state.
//
// `Store::Open` gives the store on a SQLite file (WAL, synchronous=FULL,
// foreign keys, secure_delete) or on a PostgreSQL database — one
// implementation on the SQL seam — with the numbered migrations applied at
// open. ID
// numbers and phones are encrypted at rest with a key kept in a file outside
// the database (created on first use, mode 0600) and found again through a
// keyed blind index, so the database file never holds them in plaintext.
//
// Every change goes through a `WriteTxn`: all of it commits or none of it
// does, and each record it inserts or changes appends an entry to the
// hash-chained journal in the same transaction.
//
//   LX_ASSIGN_OR_RETURN(auto store, Store::Open("county.db", options));
//   LX_ASSIGN_OR_RETURN(auto txn, store->Begin("import:households.csv"));
//   LX_ASSIGN_OR_RETURN(UpsertOutcome outcome, txn->Upsert(household));
//   LX_RETURN_IF_ERROR(txn->Commit());  // destroying an uncommitted txn rolls back
//
// Threads: a Store may be used from one thread at a time; open one Store per
// thread for concurrent readers. At most one WriteTxn is open per Store.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/accounts.hpp"
#include "lianxin/appeals.hpp"
#include "lianxin/clock.hpp"
#include "lianxin/draw.hpp"
#include "lianxin/inspections.hpp"
#include "lianxin/ledger.hpp"
#include "lianxin/pairs.hpp"
#include "lianxin/registry.hpp"
#include "lianxin/status.hpp"
#include "lianxin/tasks.hpp"
#include "lianxin/visits.hpp"

namespace lianxin {

struct StoreOptions {
  // The key file; empty means "<db path>.key". Created (mode 0600) when
  // missing and `create` is set.
  std::string key_file;
  // Create the database (and key) if missing; otherwise a missing database
  // is kNotFound.
  bool create = true;
  int busy_timeout_ms = 5000;
  const Clock* clock = nullptr;  // SystemClock() when null
  // For a command that writes much and alone — the CLI's import, demo,
  // pair and migrate; never the server. On SQLite, when no other
  // connection has the file open, its write transactions keep a rollback
  // journal instead of the WAL: new pages (a first import's) go into the
  // file once, not into the WAL and then again into the file at the
  // checkpoint, and a crash still leaves all or nothing (the next opener
  // rolls the journal back). The file is in WAL again when the store
  // closes, or as soon as another process opens it between two
  // transactions. No effect on PostgreSQL.
  bool bulk = false;
};

enum class UpsertOutcome { kInserted, kUpdated, kUnchanged };

struct RegistryCounts {
  std::int64_t regions = 0, townships = 0, villages = 0, units = 0, orgs = 0, weak_branches = 0, cadres = 0,
               village_members = 0, households = 0, members = 0;
};

// One entry of the journal, as stored. Sensitive fields appear in before and
// after only as their blind index and the digest of their ciphertext (which
// is bound to its column and row), secrets (password hashes, TOTP secrets,
// CSRF tokens) as digests, never in plaintext.
struct JournalEntry {
  std::int64_t seq = 0;
  std::int64_t at_millis = 0;
  std::string actor;
  std::string action;  // insert | update | delete | reseal | adopt, or an audit event
  std::string entity;  // regions, units, …
  std::string key;     // the record's natural key (a member: the blind index of the ID)
  std::string before;  // JSON, empty for an insert
  std::string after;   // JSON
};

// What ApplyPairing did.
struct PairChanges {
  int made = 0, ended = 0, kept = 0;
};

// One change of one pair: `held` (a village, household or org) went from
// `from_holder` to `to_holder` ("" for none) for `reason`.
struct PairHistoryEntry {
  PairingKind kind = PairingKind::kContact;
  std::string held, from_holder, to_holder, reason;
  std::int64_t at_millis = 0;
};

// ---------------------------------------------------------------------------
// Reading the registry for the API: lists, single records, and scope.
//
// What a scope (auth.hpp) reaches, for every record kind. This is the one
// place the rule lives; Store::List and Store::InScope apply it in SQL.
//
//   region scope, subtree S (a county: its 6 digits; a township: its first 9;
//   a village: all 12 — ScopeContains' hierarchy):
//     regions     whose code lies in S (never the regions above S)
//     orgs        whose region_code lies in S
//     households  whose village lies in S, and the members of those
//     cadres      whose village_code lies in S; for a county scope also
//                 the cadres of the county's units (county_code = S). A
//                 unit's cadres are owned by the county it is registered
//                 in: a township admin sees a unit holding its villages, but
//                 not that unit's cadres (who may serve villages of several
//                 townships)
//     units       for a county scope, those with that county_code; for a
//                 township or village scope, those holding a village in S
//                 (unit_village pairs)
//   unit scope, unit U:
//     units       U itself
//     cadres      of U (unit_code = U)
//     regions     the villages U holds (unit_village pairs)
//     households  in those villages, and their members
//     orgs        whose region_code is one of those villages
//   cadre scope, cadre C:
//     cadres      C itself
//     units       C's unit
//     households  C holds in contact or assistance pairs, and their members
//     regions     the villages of those households
//     orgs        none
//   none, a region scope whose code is malformed, a unit or cadre scope
//   naming no record: nothing.
//
// The `region` filter of a ListQuery selects with the same rule as a region
// scope on that code, and is ANDed with the caller's scope.

// What a list asks for. Every filter narrows; `scope` is the caller's reach
// and is always applied.
struct ListQuery {
  Scope scope;         // kNone reaches nothing
  std::string region;  // a region code (6 digits, or 12: a county as 6 digits and 000000, a
                       // township ending 000, a village): only records in its subtree; empty =
                       // no filter
  // Text; leading and trailing spaces are ignored; empty = no filter.
  //   a whole valid ID number (validate.hpp): the records holding exactly it,
  //     through the blind index — cadres and members by their own, households
  //     by their head's or any member's; nothing of the other kinds;
  //   a whole valid phone number: the cadres and households with exactly it
  //     (blind index), and records whose natural key begins with q;
  //   anything else: a substring of the name (a household: of its head's
  //     name or of its address) or a prefix of the natural key.
  // Members' natural key is their ID number, which is sealed: for them the
  // prefix is of their household's code.
  std::string q;
  int limit = 50;      // 1..1000 (the caller validates; outside it is kInvalidInput, field "limit")
  std::string cursor;  // the `next` of the previous page, passed back unchanged; empty = first page
};

struct ListPage {
  std::int64_t total = 0;  // records matching the query (all pages)
  std::string next;        // cursor of the next page; empty on the last
};

// A queue of appeals (诉求). What a scope reaches of them:
//   region scope S   appeals whose region (the household's village, or the
//                    county for a report with no household) lies in S
//   unit scope U     those counted for U (its cadre's household) or held by U
//   cadre scope C    those counted for C (its contact household) or held by C
//   none             nothing
// Every filter narrows. Open and overdue queues come by deadline, soonest
// first; any other list newest first.
struct AppealQuery {
  Scope scope;
  std::string region;  // a subtree, as ListQuery::region; empty = no filter
  std::optional<AppealState> state;
  bool open_only = false;     // not yet 办结
  bool overdue_only = false;  // open and past its deadline at `now_millis`
  std::int64_t now_millis = 0;
  std::string handler, cadre, household;
  std::optional<AppealChannel> channel;
  std::int64_t received_from = 0, received_to = 0;  // [from, to) in ms; 0 = open-ended
  bool in_bulletin_only = false;                    // named for the bulletin (督办 twice)
  bool not_noticed_only = false;                    // the overdue notice not yet sent
  bool unscoped = false;                            // the server's own sweeps: every appeal
  int limit = 50;                                   // 1..1000
  std::string cursor;                               // the `next` of the previous page
};

// A household's contact card (连心卡), as found by its code: whose it is,
// its head's name (for the surname check), its cadres, and whether it is
// in force. Found even when revoked or expired, so the caller refuses all
// alike.
struct CardRecord {
  std::string household_code, head_name, village_code;
  std::string contact_cadre, assistance_cadre;  // "" when none
  std::int64_t issued_millis = 0, expires_millis = 0, revoked_millis = 0;
};

// An Open311 client's key in use: whose it is and the region it files into.
struct ApiKeyRecord {
  std::string name, region_code;
};

struct AppealPage {
  std::vector<Appeal> items;
  std::string next;  // empty on the last page
};

// A page of visits (民情日记) or tasks, listed like the registry. What a
// scope reaches: a region scope, those of the households in its subtree; a
// unit scope, those of its cadres; a cadre scope, its own. Visits come
// newest first, tasks by deadline.
struct FieldworkQuery {
  Scope scope;
  std::string region, cadre, household;  // filters; empty = none
  std::string from, to;                  // visits: visited on [from, to], YYYY-MM-DD; empty = open
  std::optional<TaskStatus> status;      // tasks
  bool overdue_only = false;             // tasks: open and past their deadline on `today`
  Date today;
  int limit = 50;  // 1..1000
  std::string cursor;
};
template <typename T>
struct FieldworkPage {
  std::vector<T> items;
  std::string next;  // empty on the last page
};

// The figures of one area of a region for the dashboard (PRODUCT.md §4):
// its households and how many have a contact cadre (两个全覆盖), the direct
// visits (phone calls and proxies left out) made in a period and the
// households they reached, and its open appeals, those past their deadline
// among them.
struct AreaFigures {
  std::string code, name;
  int households = 0, covered = 0;
  int pairs = 0;  // contact and assistance pairs on its households
  int direct_visits = 0, visited_households = 0;
  int tasks = 0, tasks_done = 0;  // the tasks of its households, cancelled ones left out
  int open_appeals = 0, overdue_appeals = 0;
  // Closed unannounced inspections of the period's months (an open one stays
  // secret): its households checked, those that knew their cadre's name,
  // those with a finding.
  int inspected = 0, knows_cadre = 0, findings = 0;
};

// A unit's figures for a period, over the pairs its cadres hold on
// households of a region: the cadres that hold any, those pairs, the direct
// visits the cadres made to those households, the tasks they carry there,
// and how many of those cadres made no direct visit at all (silent).
struct UnitFigures {
  std::string code, name;
  int cadres = 0, pairs = 0;
  int direct_visits = 0, visited_households = 0;
  int tasks = 0, tasks_done = 0;
  int silent = 0;
};

// A cadre who holds pairs on households of a region and made no direct
// visit to any of them in a period (每月公示's named list).
struct SilentCadre {
  std::string code, name, unit_code, unit_name, village_code;  // unit or, for a village member, village
  int pairs = 0;
};

// One section of the configuration as the console keeps it over the file
// (settings.hpp, 参数与字典): `toml` a document holding `section` alone with
// the keys that differ from the file ("" when none: the file's values are in
// force); `version` 1 on the first save and one more on each change after,
// so two admins editing at once cannot overwrite each other.
struct StoredSetting {
  std::string section;
  std::string toml;
  std::int64_t version = 0;
  std::string updated_by;
  std::int64_t updated_millis = 0;
  bool operator==(const StoredSetting&) const = default;
};

// A published monthly notice (每月公示), kept unchanged: its figures as the
// JSON it was published with, the journal's head when they were read, and
// a digest of the figures (BLAKE2b-256, hex).
struct NoticeRecord {
  std::string id;  // region code ":" month, e.g. "149901:2026-11"
  std::string region_code, month, title;
  std::int64_t journal_seq = 0;
  std::string journal_hash;  // hex
  std::string figures;       // JSON
  std::string digest;        // hex
  std::int64_t published_millis = 0;
  std::string published_by;
  bool operator==(const NoticeRecord&) const = default;
};

// The meeting decisions (会议决定事项) a list selects, by deadline (at most
// 1000). A region scope reaches its county's; a unit scope those its office
// supervises or its cadres carry out; a cadre scope those it carries out.
struct DecisionQuery {
  Scope scope;
  std::string handler, supervisor;  // filters; empty = none
  bool open_only = false, overdue_only = false;
  Date today;
};

class WriteTxn {
 public:
  virtual ~WriteTxn() = default;

  // Inserts the record, or updates the one with the same natural key, or
  // does nothing when every field is already equal (no journal entry then).
  // Foreign keys and uniqueness (ID numbers among cadres, among household
  // heads) are the caller's to check first with the lookups below; a
  // violation that reaches the database is kConflict.
  virtual Result<UpsertOutcome> Upsert(const Region& region) = 0;
  virtual Result<UpsertOutcome> Upsert(const Unit& unit) = 0;
  virtual Result<UpsertOutcome> Upsert(const Org& org) = 0;
  virtual Result<UpsertOutcome> Upsert(const Cadre& cadre) = 0;
  virtual Result<UpsertOutcome> Upsert(const Household& household) = 0;
  virtual Result<UpsertOutcome> Upsert(const Member& member) = 0;

  // Journals the rows this transaction inserts by batches of rows of a
  // table, not an entry each (for an import; `journal verify` still holds
  // every row to its digest).
  virtual void JournalInsertsInBatches() = 0;
  // Every record of `kind` this transaction upserts from here on is new: its
  // table was empty and the caller has made sure no key comes twice (an
  // import into an empty table). They are written on a thread of their own
  // while the caller prepares the next; Upsert answers kInserted at once,
  // and a record the database refuses fails the transaction, at the next
  // lookup or at Commit, naming the table and key.
  [[nodiscard]] virtual Status LoadIntoEmpty(RecordKind kind) = 0;

  // Lookups that see this transaction's own writes.
  virtual Result<std::optional<Region>> FindRegion(std::string_view code) = 0;
  // `key` is the natural key; for members, the ID number in plaintext.
  virtual Result<bool> Exists(RecordKind kind, std::string_view key) = 0;
  // The natural key of the cadre (kind kCadres) or household (kHouseholds,
  // by its head's ID) or member (kMembers: the household code) holding this
  // ID number, if any.
  virtual Result<std::optional<std::string>> OwnerOfIdNumber(RecordKind kind, const IdNumber& id) = 0;

  // The code of the cadre marked as the unit's head (单位一把手), if any.
  virtual Result<std::optional<std::string>> HeadOfUnit(std::string_view unit_code) = 0;

  // Whether the table of `kind` holds no record (this transaction's included).
  virtual Result<bool> Empty(RecordKind kind) = 0;

  // Makes `next` the current pairing: pairs it lacks end, new ones are
  // made, each change with a history entry (from, to, why) and a journal
  // entry. Pairs kept are not touched. With `county` (a 6-digit code) only
  // that county's pairs are compared and changed; another county's in the
  // same database stay as they are.
  virtual Result<PairChanges> ApplyPairing(const PairingState& next, const std::string& reason,
                                           std::string_view county = {}) = 0;
  // The exit gate (「规定完不成者,不得撤出村」): ApplyPairing refuses, with
  // kConflict (exit_gate) naming them, to end a unit's pairing with a
  // village while tasks of that unit's cadres for that village's households
  // are open — unless this transaction was first allowed to, with a county
  // admin's reason, which is then journaled (action exit_gate_override) with
  // each such pair and the tasks left open.
  virtual void AllowExitWithOpenTasks(std::string reason) = 0;
  // Records what a pairing run could not cover (PairingResult::uncovered),
  // replacing what the last run recorded: all of it, or with `county` that
  // county's. Items unchanged since then are not touched (nor journaled).
  virtual Status RecordUncovered(const std::vector<Uncovered>& uncovered, std::string_view county = {}) = 0;
  // Pins a pair as a manual override with its reason (journaled), or
  // removes a pin; kNotFound when there is no such pin to remove.
  virtual Status SetPin(PairingKind kind, const std::string& holder, const std::string& held,
                        const std::string& reason) = 0;
  virtual Status RemovePin(PairingKind kind, const std::string& holder, const std::string& held) = 0;
  // Inserts a task, or updates the one for the same household, cadre and need.
  virtual Result<UpsertOutcome> Upsert(const Task& task) = 0;
  // Records a visit (民情日记) by `visit.cadre_code` to `visit.household_code`
  // as `recorded_by` logged it, journaled; its id ("V" and 16 hex digits,
  // made here when `visit.id` is empty). kNotFound naming the household or
  // the cadre when there is none; kConflict (visit_exists) when `visit.id`
  // is given and taken (nothing is written over).
  virtual Result<std::string> AddVisit(const Visit& visit, const std::string& recorded_by) = 0;
  // The household confirms a visit made to it (with its card code):
  // kNotFound when `id` is not a visit to `household_code`. Journaled.
  virtual Status ConfirmVisit(std::string_view id, std::string_view household_code) = 0;
  // Files an appeal (受理) as `actor` took it: its id ("A" and 16 hex digits,
  // made here when empty), received now; for a household, the contact cadre
  // its rates count for, that cadre's unit and the village are looked up
  // here (kNotFound naming a household that is not there). The first step,
  // "file", is kept with it.
  virtual Result<Appeal> FileAppeal(const Appeal& appeal, const std::string& actor) = 0;
  // Keeps `next`, which ApplyAppealEvent made from the stored appeal and
  // `event`, and the step, both journaled.
  virtual Status RecordAppealStep(const Appeal& next, const AppealEvent& event, const std::string& actor) = 0;
  // Records a meeting decision (its id made here: "D" and 16 hex digits)
  // and keeps a change to one (progress); kNotFound naming the handler or
  // the supervising office when there is none. Journaled.
  virtual Result<std::string> AddDecision(const Decision& decision) = 0;
  virtual Status UpdateDecision(const Decision& decision) = 0;
  // Keeps a change that is not a step of the loop (the overdue notice sent).
  virtual Status UpdateAppeal(const Appeal& appeal) = 0;
  // Issues the household a new contact card code (cards.hpp: 80 random bits),
  // in force until `expires_millis`, revoking the one before; returns the
  // code, normalised — shown once, only its blind index is kept. Revoking
  // ends the card in force (kNotFound when there is none). Both journaled.
  virtual Result<std::string> IssueCard(std::string_view household_code, std::int64_t expires_millis) = 0;
  virtual Status RevokeCard(std::string_view household_code) = 0;
  // A new Open311 client key named `name` filing into `region_code`
  // ("lx_" and 32 hex digits, shown once; kConflict when the name is
  // taken), and its revocation (kNotFound when no such key is in use).
  virtual Result<std::string> AddApiKey(const std::string& name, const std::string& region_code) = 0;
  virtual Status RevokeApiKey(const std::string& name) = 0;
  // Opens `inspection` (its id made here, and returned; opened now) with a
  // checklist row for each of `households`, its village and contact cadre
  // looked up here (kNotFound naming a household that is not there).
  // Keeps a filled-in row: kNotFound when the household was not drawn,
  // kConflict (inspection_closed) once the inspection is closed. Closes it
  // (closed now; kNotFound, or kConflict when closed already). Journaled.
  virtual Result<std::string> OpenInspection(const Inspection& inspection,
                                             const std::vector<std::string>& households) = 0;
  virtual Status RecordInspectionCheck(const InspectionCheck& check) = 0;
  virtual Status CloseInspection(std::string_view id) = 0;
  // Draws `share` (0–1] of the direct visits made in `month` to `region`'s
  // households by `seed` (draw.hpp's DrawCallbacks) for callback checks and
  // keeps those not drawn before, pending; the ones added. Records what a
  // household said of a drawn visit (kNotFound when it was not drawn;
  // kInvalidInput for "pending"). Journaled.
  virtual Result<std::vector<Callback>> AddCallbacks(std::string_view region, std::string_view month,
                                                     std::string_view seed, double share) = 0;
  virtual Status RecordCallback(std::string_view visit_id, CallbackOutcome outcome,
                                const std::string& note) = 0;
  // Keeps a household's rating (民主评议) of its contact or assistance cadre
  // for `year`, in place of an earlier one that year (kNotFound when the
  // cadre holds no pair on the household). Journaled.
  virtual Status RateCadre(std::string_view household_code, std::string_view cadre_code, int year,
                           Satisfaction satisfaction) = 0;
  // Keeps a published notice as it is (its published_millis set here);
  // kConflict (notice_published) when one for the same region and month is
  // already kept: a published notice is never replaced. Journaled.
  virtual Status PublishNotice(const NoticeRecord& notice) = 0;
  // Keeps `toml` for `section` (settings.hpp) in place of what was kept,
  // as this transaction's actor now; kConflict (setting_stale) unless the
  // section's stored version is `expected_version` (0: never saved). The
  // new version is returned. Journaled.
  virtual Result<std::int64_t> PutSetting(std::string_view section, std::string_view toml,
                                          std::int64_t expected_version) = 0;
  // The 八项规定 ledger (ledger.hpp). Marks `month` ("YYYY-MM") of `county`
  // a no-meeting month, with the decision it rests on in `note`, or takes
  // the mark back. Keeps a new meeting, reception report or expense — its
  // id made here and returned, recorded by this transaction's actor now —
  // after the ledger's checks: a meeting in a no-meeting month of its
  // county that is not exempt is kConflict (no_meeting_month); a reception
  // report's breaches are found by `rules` and kept with it; an expense
  // names only a meeting or reception of its county, on its budget line.
  // kNotFound for a region, unit or corrected entry that is not there;
  // kConflict (already_corrected) for an entry corrected before. Journaled.
  virtual Status SetNoMeetingMonth(std::string_view county, std::string_view month, bool no_meeting,
                                   const std::string& note) = 0;
  virtual Result<std::string> AddMeeting(const Meeting& meeting, const LedgerRules& rules) = 0;
  virtual Result<std::string> AddReception(const ReceptionReport& report, const LedgerRules& rules) = 0;
  virtual Result<std::string> AddExpense(const Expense& expense) = 0;

  // Makes every change durable (synchronous=FULL) or none of them.
  virtual Status Commit() = 0;
};

class GroupCommitWriter;  // writer.hpp
class Progress;           // progress.hpp

class Store {
 public:
  virtual ~Store() = default;

  // `path` is a SQLite file, or a PostgreSQL database named by a
  // `postgresql://…` URI (or libpq's `host=… dbname=…`), whose key file
  // `options.key_file` must name (kInvalidInput key_file_required). Either
  // kind is migrated to the current schema on open. On PostgreSQL the
  // database should use the C or C.UTF-8 collation, so keys sort bytewise
  // as on SQLite (docs/scale.md).
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const StoreOptions& options);

  // The accounts, sessions and audit log of auth.hpp on the database at
  // `path`: thread-safe, and every user change and audit event journaled
  // before it returns. Reads use a connection of its own (one lock). Writes
  // go through `writer` (the server's group commit, whose Store must be on
  // the same database; it must outlive the repository) when one is given,
  // so no second connection writes; else through that own connection. The TOTP
  // secret is encrypted like ID numbers; the journal holds digests of the
  // password hash and the secret, never the values.
  static Result<std::unique_ptr<UserRepository>> OpenUserRepository(const std::string& path,
                                                                    const StoreOptions& options,
                                                                    GroupCommitWriter* writer = nullptr);

  // Replaces the database at `path` with the backup `from`, refusing (and
  // changing nothing) when the backup fails integrity_check, was made with
  // another key, or its journal does not verify. Run it with no server on
  // `path`. A PostgreSQL database is not replaced in place: kInvalidInput,
  // naming `lianxin migrate`, which restores a backup into an empty one. The key file is `options.key_file`
  // or "<path>.key", as for Open; the restored head becomes the journal checkpoint beside it.
  static Status Restore(const std::string& path, const std::string& from, const StoreOptions& options);

  virtual Result<std::unique_ptr<WriteTxn>> Begin(std::string actor) = 0;

  // Group commit (GroupCommitWriter drives these; see writer.hpp). Between
  // BeginBatch() and EndBatch(), each Begin() opens a nested transaction: its
  // Commit() adds its changes to the batch and destroying it uncommitted
  // undoes only its own; EndBatch() then makes the whole batch durable with
  // one commit (one fsync) or, when that fails, none of it. An item
  // (BeginBatchItem .. EndBatchItem) groups the transactions of one request,
  // so a request that fails midway leaves nothing behind (keep = false).
  // Items and transactions do not overlap; kInternal when misused.
  virtual Status BeginBatch() = 0;
  // Starts a read snapshot: every read on this Store until EndRead sees the
  // same commit, and takes the database's read lock once rather than once a
  // statement. StorePool calls it when a lease begins; a write transaction
  // begun meanwhile ends the snapshot first. No effect inside a transaction.
  // A snapshot KeepRead kept is used again while it is current: nothing
  // committed in this process since it began, and under kKeptReadMillis old
  // (another process's commits show within that time).
  virtual void BeginRead() = 0;
  static constexpr std::int64_t kKeptReadMillis = 250;
  // Ends the read like EndRead, unless the snapshot is current (above): then
  // it stays open for the next BeginRead, which saves taking the read lock
  // again. StorePool calls it when a lease ends while no write is under way.
  virtual void KeepRead() = 0;
  // Ends the read snapshot, or the read transaction a finished read may have
  // left open, so the next read on this Store sees the newest commit.
  // StorePool calls it when a lease ends; no effect inside a transaction.
  virtual void EndRead() = 0;
  virtual Status BeginBatchItem() = 0;
  virtual Status EndBatchItem(bool keep) = 0;
  virtual Status EndBatch() = 0;

  virtual Result<RegistryCounts> Counts() = 0;
  // Streams every record of one kind in export order (by natural key;
  // members by household, head first) with sensitive fields decrypted.
  virtual Status Scan(RecordKind kind, RegistrySink& sink) = 0;
  // The same without decrypting: ID numbers and phones are left empty. For
  // work that never needs them (pairing, reports), and faster. With
  // `county` (its 6 digits), only that county's records — what a county's
  // scope reaches: its regions, its units, the orgs and households of its
  // villages, its villages' and its units' cadres, its households' members —
  // read through the tables' indexes, so a province is read a county at a
  // time; kInvalidInput (field "county") for a code that is not a county's.
  virtual Status ScanWithoutSecrets(RecordKind kind, RegistrySink& sink, std::string_view county = {}) = 0;
  virtual Result<std::optional<Household>> GetHousehold(std::string_view code) = 0;

  // Streams one page of `kind` that `query` selects (see the scope rule
  // above ListQuery) into `sink`, in natural-key order (members: in the order
  // they were added — a household's members together, as its file listed
  // them; MembersOf puts the head first), sensitive fields decrypted (the
  // types mask them when shown). Total and page are read in one snapshot.
  // The cursor holds the last record's natural key (members: an internal row
  // number), never personal data, sealed with a keyed hash so only this
  // store's cursors are taken. kInvalidInput with field "cursor" for a cursor
  // this store did not make for this kind, "region" for a malformed region
  // code, "limit" for a limit outside 1..1000. The sink must not call back
  // into the store.
  virtual Result<ListPage> List(RecordKind kind, const ListQuery& query, RegistrySink& sink) = 0;
  // One record by natural key into `sink` (a primary-key lookup); kNotFound
  // when there is none. Members are not fetched alone (their key is an ID
  // number, which must never sit in a URL): kInvalidInput (field "kind");
  // use MembersOf.
  virtual Status Get(RecordKind kind, std::string_view key, RegistrySink& sink) = 0;
  // The members of a household, head first; kNotFound when there is no such
  // household.
  virtual Status MembersOf(std::string_view household_code, RegistrySink& sink) = 0;
  // Whether the record `key` of `kind` lies within `scope` (the rule above
  // ListQuery); kNotFound when there is no such record. A member's key is
  // its ID number in plaintext, as for WriteTxn::Exists.
  virtual Result<bool> InScope(RecordKind kind, std::string_view key, const Scope& scope) = 0;
  // InScope and Get (and for a household MembersOf) in one read: the record
  // into `sink` and true when it exists within `scope`; false, with nothing
  // in `sink`, when it is missing or outside, alike. Not for members.
  virtual Result<bool> GetWithin(RecordKind kind, std::string_view key, const Scope& scope,
                                 RegistrySink& sink) = 0;

  // The current pairs and pins, sorted as PairingState says: all, or one
  // county's (`county`, a 6-digit code).
  virtual Result<PairingState> Pairs(std::string_view county = {}) = 0;
  virtual Result<PairingState> Pins(std::string_view county = {}) = 0;
  // What the last pairing run that wrote could not cover, as it recorded it
  // (RecordUncovered), in PairingResult::uncovered order: all, or one county's.
  virtual Result<std::vector<Uncovered>> RecordedUncovered(std::string_view county = {}) = 0;
  // A household's visits, newest first (at most `limit`); a cadre's, oldest
  // first; and the households a cadre holds (contact and assistance pairs)
  // with the day each pair began (`today` when its history is missing).
  virtual Result<std::vector<Visit>> VisitsOfHousehold(std::string_view household_code, int limit) = 0;
  virtual Result<std::vector<Visit>> VisitsByCadre(std::string_view cadre_code) = 0;
  virtual Result<std::vector<VisitDuty>> DutiesOf(std::string_view cadre_code, const Date& today) = 0;
  // A household's tasks, and the history of whatever `held` names, oldest first.
  virtual Result<std::vector<Task>> TasksOf(std::string_view household_code) = 0;
  // A cadre's tasks, by deadline.
  virtual Result<std::vector<Task>> TasksByCadre(std::string_view cadre_code) = 0;
  virtual Result<std::optional<Decision>> GetDecision(std::string_view id) = 0;
  virtual Result<std::vector<Decision>> ListDecisions(const DecisionQuery& query) = 0;
  // The figures of each area directly under `region` (a county's
  // townships, a township's villages; a village is its own one area), with
  // visits made on [from, to] and appeals overdue at `now_millis`, in code order.
  virtual Result<std::vector<AreaFigures>> FiguresUnder(std::string_view region, const Date& from,
                                                        const Date& to, std::int64_t now_millis) = 0;
  // Each unit whose cadres hold pairs on households under `region`, and
  // each such cadre with no direct visit to them on [from, to], by unit and code.
  virtual Result<std::vector<UnitFigures>> UnitFiguresUnder(std::string_view region, const Date& from,
                                                            const Date& to) = 0;
  virtual Result<std::vector<SilentCadre>> SilentCadresUnder(std::string_view region, const Date& from,
                                                             const Date& to) = 0;
  // What an inspection of `region` (a county or a township) draws from: its
  // villages with households, by township, and their households, by village.
  virtual Result<InspectionCandidates> InspectionCandidatesUnder(std::string_view region) = 0;
  // An inspection, or none; those of a region's subtree (every one when
  // `region` is empty), newest first; an inspection's checklist, by village
  // and household.
  virtual Result<std::optional<Inspection>> GetInspection(std::string_view id) = 0;
  virtual Result<std::vector<Inspection>> ListInspections(std::string_view region) = 0;
  virtual Result<std::vector<InspectionCheck>> InspectionChecks(std::string_view id) = 0;
  // The callbacks of a region's households, for one month or (empty) all,
  // newest month first, by cadre.
  virtual Result<std::vector<Callback>> ListCallbacks(std::string_view region, std::string_view month) = 0;
  // A household's ratings of its cadres for `year`, by cadre; and every
  // rating a cadre was given in [from_year, to_year].
  virtual Result<std::map<std::string, Satisfaction>> RatingsByHousehold(std::string_view household_code,
                                                                         int year) = 0;
  virtual Result<std::vector<Satisfaction>> RatingsOfCadre(std::string_view cadre_code, int from_year,
                                                           int to_year) = 0;
  // The published notice `id`, or none; those of a region's subtree (every
  // one when `region` is empty), newest month first.
  virtual Result<std::optional<NoticeRecord>> GetNotice(std::string_view id) = 0;
  virtual Result<std::vector<NoticeRecord>> ListNotices(std::string_view region) = 0;
  // Every section the console ever kept (settings.hpp), by section.
  virtual Result<std::vector<StoredSetting>> Settings() = 0;
  // The no-meeting months of the counties whose code starts with `county`
  // ("" every county), by month; the ledger's entries a query selects.
  virtual Result<std::vector<NoMeetingMonth>> NoMeetingMonths(std::string_view county) = 0;
  virtual Result<LedgerBook> ReadLedger(const LedgerQuery& query) = 0;
  // Pages of visits and of tasks, as FieldworkQuery says.
  virtual Result<FieldworkPage<Visit>> ListVisits(const FieldworkQuery& query) = 0;
  virtual Result<FieldworkPage<Task>> ListTasks(const FieldworkQuery& query) = 0;
  virtual Result<std::vector<PairHistoryEntry>> PairHistory(std::string_view held) = 0;
  // One appeal; its steps, oldest first; a page of a queue; every appeal a
  // query selects, in its order, unpaged; and what a handler code names (a
  // cadre, a unit or a region; nullopt for none).
  virtual Result<std::optional<Appeal>> GetAppeal(std::string_view id) = 0;
  virtual Result<std::vector<AppealStep>> AppealSteps(std::string_view id) = 0;
  virtual Result<AppealPage> ListAppeals(const AppealQuery& query) = 0;
  virtual Status ScanAppeals(const AppealQuery& query, const std::function<Status(const Appeal&)>& each) = 0;
  virtual Result<std::optional<HandlerKind>> KindOfHandler(std::string_view code) = 0;
  // The card whose normalised code is `code` (NormalizeCardCode), or none.
  virtual Result<std::optional<CardRecord>> FindCard(std::string_view code) = 0;
  // The key in use that is `key`, or none.
  virtual Result<std::optional<ApiKeyRecord>> FindApiKey(std::string_view key) = 0;

  // Copies the database to `out` with SQLite's online backup API (safe
  // while others write: the copy is one consistent snapshot), then checks
  // the copy with PRAGMA integrity_check. A PostgreSQL database is copied
  // into a SQLite file the same way (CopyInto, one snapshot). A copy that
  // fails is removed and the result is kInternal. `out` must not exist. The
  // key file is not copied: keep it apart from the backups.
  virtual Status Backup(const std::string& out) = 0;

  // Copies every table, row for row and in one snapshot of this database,
  // into `empty` (another Store, of either kind, opened with the same key
  // file's key and holding nothing yet), all of it or none: ciphertexts and
  // the journal as they are, so the copy verifies and has the same root
  // hash. kInvalidInput (target_not_empty) when `empty` holds data.
  // `progress` (optional) counts the rows.
  virtual Status CopyInto(Store& empty, Progress* progress) = 0;

  // The schema version: the highest migration applied.
  virtual Result<int> SchemaVersion() = 0;

  // Recomputes the journal's hash chain from the first entry and checks
  // that its head is the one sealed (a MAC keyed from the key file) in the
  // database, that it still holds the entry the checkpoint file names, and
  // that every row of every journaled table equals its newest entry: the
  // registry, pairs, pins, pair history, the uncovered record, tasks,
  // visits, users, sessions, password history and pending approvals
  // (ciphertexts and secrets as digests). Ok when all of that holds,
  // and the head is then written as the new checkpoint; otherwise kTampered
  // naming the first thing that does not match (exit status 4).
  // `rows_checked`: how many rows of journaled tables were held to it (an
  // insert_batch entry stands for many).
  virtual Status VerifyJournal(std::int64_t* entries_checked, std::int64_t* rows_checked = nullptr) = 0;
  // The hash of the newest journal entry, hex; empty for an empty journal.
  virtual Result<std::string> JournalHead() = 0;
  // The seq of the entry whose hash is `hash_hex`, or none (a published
  // notice's root hash names one; `journal verify --at` looks it up).
  virtual Result<std::optional<std::int64_t>> JournalSeqOf(std::string_view hash_hex) = 0;
  // The seq of the newest journal entry that changed what pairing reads
  // (the registry, pairs, pins); 0 when none. Equal values mean a pairing
  // planned on one read is still right to apply.
  virtual Result<std::int64_t> PairingDataVersion() = 0;
  // The checkpoint the last successful VerifyJournal (or Restore) left
  // beside the key file, as "seq hash" (hex); empty when there is none yet.
  virtual Result<std::string> JournalCheckpoint() = 0;
  // Where the checkpoint of a database with this key file lives: "<key file>.head".
  static std::string JournalCheckpointPath(const std::string& key_file);
  virtual Result<std::vector<JournalEntry>> ReadJournal(std::int64_t after_seq, int limit) = 0;
};

}  // namespace lianxin
