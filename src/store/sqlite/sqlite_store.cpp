// The SQLite implementation of Store.
//
// Each record kind is described once as a table of columns (`TableDef`, the
// journal's JournalTable); a record becomes a row image (one Cell per
// column) and the generic upsert, journal and verify code works on images,
// so adding a field touches one image function and one decode function.
// The journaled form of a row and the verify walk are the journal's
// (journal/record.hpp); this file reads and writes them in SQLite.
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "crypto/field_cipher.hpp"
#include "journal/chain.hpp"
#include "journal/record.hpp"
#include "lianxin/store.hpp"
#include "lianxin/validate.hpp"
#include "lianxin/writer.hpp"
#include "store/migrations.hpp"
#include "store/sqlite/db.hpp"

namespace lianxin {

namespace {

using sqlite::Statement;

// A column's value, as the SQL seam binds and reads it; a table's row
// (journal/record.hpp describes the tables and their journaled form).
using Cell = sql::Value;
using Image = JournalRow;
using TableDef = JournalTable;

const TableDef& Def(RecordKind kind) {
  static const TableDef kRegions{
      "regions", {{"code"}, {"name"}, {"level"}, {"parent_code"}, {"county_code"}}, "code"};
  static const TableDef kUnits{
      "units", {{"code"}, {"name"}, {"county_code"}, {"staff"}, {"strength"}}, "code"};
  static const TableDef kOrgs{
      "orgs", {{"code"}, {"name"}, {"kind"}, {"region_code"}, {"rating"}, {"county_code"}}, "code"};
  static const TableDef kCadres{"cadres",
                                {{"code"},
                                 {"name"},
                                 {"gender"},
                                 {"id_enc", 4, false, "cadres.id"},
                                 {"id_bidx"},
                                 {"phone_enc", 6, false, "cadres.phone"},
                                 {"phone_bidx"},
                                 {"unit_code"},
                                 {"village_code"},
                                 {"rank"},
                                 {"education"},
                                 {"skills"},
                                 {"title"},
                                 {"unit_head"},
                                 {"county_code"}},
                                "code"};
  static const TableDef kHouseholds{"households",
                                    {{"code"},
                                     {"village_code"},
                                     {"head_name"},
                                     {"head_id_enc", 4, false, "households.head_id"},
                                     {"head_id_bidx"},
                                     {"phone_enc", 6, false, "households.phone"},
                                     {"phone_bidx"},
                                     {"size"},
                                     {"income_per_capita"},
                                     {"housing"},
                                     {"land_mu"},
                                     {"needs"},
                                     {"address"},
                                     {"difficulty"},
                                     {"tier"},
                                     {"county_code"}},
                                    "code"};
  static const TableDef kMembers{"members",
                                 {{"id_bidx"},
                                  {"id_enc", 0, false, "members.id"},
                                  {"household_code"},
                                  {"name"},
                                  {"relation"},
                                  {"birth_date"},
                                  {"gender"},
                                  {"education"},
                                  {"labour"},
                                  {"health"},
                                  {"disability"},
                                  {"county_code"}},
                                 // The head first, then the order members were added.
                                 "household_code, relation <> '户主', seq"};
  // In RecordKind order.
  static const TableDef* const kByKind[] = {&kRegions, &kUnits, &kOrgs, &kCadres, &kHouseholds, &kMembers};
  return *kByKind[static_cast<size_t>(kind)];
}

// Tables that are not registry kinds: pairing and tasks (migration 002).
const TableDef& PairsDef() {
  static const TableDef kDef{
      "pairs", {{"key"}, {"kind"}, {"holder"}, {"held"}, {"county_code"}}, "kind, held, holder"};
  return kDef;
}
const TableDef& PinsDef() {
  static const TableDef kDef{
      "pins", {{"key"}, {"kind"}, {"holder"}, {"held"}, {"reason"}, {"county_code"}}, "kind, held, holder"};
  return kDef;
}
const TableDef& HistoryDef() {
  static const TableDef kDef{"pair_history",
                             {{"seq"},
                              {"kind"},
                              {"held"},
                              {"from_holder"},
                              {"to_holder"},
                              {"reason"},
                              {"at_millis"},
                              {"county_code"}},
                             "seq"};
  return kDef;
}
const TableDef& UncoveredDef() {
  static const TableDef kDef{
      "pairing_uncovered", {{"key"}, {"pairing"}, {"kind"}, {"id"}, {"reason"}, {"county_code"}}, "key"};
  return kDef;
}
const TableDef& TasksDef() {
  static const TableDef kDef{"tasks",
                             {{"key"},
                              {"household_code"},
                              {"cadre_code"},
                              {"need"},
                              {"task"},
                              {"target"},
                              {"deadline"},
                              {"level"},
                              {"status"},
                              {"progress"},
                              {"notes"},
                              {"county_code"}},
                             "household_code, cadre_code, need"};
  return kDef;
}

const TableDef& UsersDef() {
  static const TableDef kDef{"users",
                             {{"username"},
                              {"display_name"},
                              {"roles"},
                              {"scope_kind"},
                              {"scope_code"},
                              {"password_hash", -1, true},
                              {"must_change_password"},
                              {"disabled"},
                              {"totp_secret", -1, true, "users.totp_secret"},
                              {"totp_confirmed"},
                              {"totp_last_step"},
                              {"failed_attempts"},
                              {"locked_until_millis"},
                              {"password_changed_millis"},
                              {"last_login_millis"}},
                             "username"};
  return kDef;
}

// Rows that grant access or record a change (migration 005): journaled like
// the registry, with the secrets in them as digests.
const TableDef& SessionsDef() {
  static const TableDef kDef{"sessions",
                             {{"token_hash"},
                              {"username"},
                              {"csrf_token", -1, true},
                              {"created_millis"},
                              {"last_seen_millis"},
                              {"remote"}},
                             "token_hash"};
  return kDef;
}
const TableDef& PasswordHistoryDef() {
  static const TableDef kDef{
      "password_history", {{"seq"}, {"username"}, {"hash", -1, true}, {"at_millis"}}, "seq"};
  return kDef;
}
// Changes awaiting the security admin's approval (migration 009): a planted
// request would look like one an admin made.
const TableDef& PendingDef() {
  static const TableDef kDef{"pending_changes",
                             {{"key"},
                              {"username"},
                              {"kind"},
                              {"requested_by"},
                              {"requested_millis"},
                              {"roles"},
                              {"scope_kind"},
                              {"scope_code"},
                              {"password_hash", -1, true}},
                             "key"};
  return kDef;
}

// Every journaled table, for verification. `legacy`: the tables journaled
// before schema 5, to verify a database before it is upgraded.
std::vector<const TableDef*> AllTableDefs(bool legacy = false) {
  std::vector<const TableDef*> defs;
  for (RecordKind kind : kAllRecordKinds) defs.push_back(&Def(kind));
  for (const TableDef* def : {&PairsDef(), &PinsDef(), &HistoryDef(), &TasksDef(), &UsersDef()}) {
    defs.push_back(def);
  }
  if (!legacy) {
    defs.push_back(&SessionsDef());
    defs.push_back(&PasswordHistoryDef());
    defs.push_back(&PendingDef());
    defs.push_back(&UncoveredDef());
  }
  return defs;
}

std::string PairKey(PairingKind kind, std::string_view held, std::string_view holder) {
  return std::string(Token(kind)) + "|" + std::string(held) + "|" + std::string(holder);
}

Result<PairingKind> PairingKindOf(std::string_view token) {
  std::optional<PairingKind> kind = ParsePairingKind(token);
  if (!kind) return Status::Internal("数据库中的结对类型无效: " + std::string(token));
  return *kind;
}

void AddPair(PairingState& state, PairingKind kind, std::string holder, std::string held) {
  switch (kind) {
    case PairingKind::kUnitVillage:
      state.unit_villages.push_back({std::move(holder), std::move(held)});
      break;
    case PairingKind::kAssistance:
      state.assistance.push_back({std::move(holder), std::move(held)});
      break;
    case PairingKind::kContact:
      state.contacts.push_back({std::move(holder), std::move(held)});
      break;
    case PairingKind::kContactPoint:
      state.contact_points.push_back({std::move(holder), std::move(held)});
      break;
  }
}

// The order PairingState promises.
void SortState(PairingState& state) {
  std::sort(state.unit_villages.begin(), state.unit_villages.end(),
            [](const UnitVillage& a, const UnitVillage& b) {
              return std::tie(a.village_code, a.unit_code) < std::tie(b.village_code, b.unit_code);
            });
  auto by_household = [](const CadreHousehold& a, const CadreHousehold& b) {
    return std::tie(a.household_code, a.cadre_code) < std::tie(b.household_code, b.cadre_code);
  };
  std::sort(state.assistance.begin(), state.assistance.end(), by_household);
  std::sort(state.contacts.begin(), state.contacts.end(), by_household);
  std::sort(state.contact_points.begin(), state.contact_points.end(),
            [](const CadreOrg& a, const CadreOrg& b) {
              return std::tie(a.cadre_code, a.org_code) < std::tie(b.cadre_code, b.org_code);
            });
}

std::string SelectSql(const TableDef& def) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < def.columns.size(); ++i) {
    if (i) sql += ", ";
    sql += def.columns[i].name;
  }
  return sql + " FROM " + std::string(def.name);
}

std::vector<std::string> Split(std::string_view text) {
  std::vector<std::string> out;
  const std::string_view sep = "、";
  while (!text.empty()) {
    size_t at = text.find(sep);
    out.emplace_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + sep.size());
  }
  return out;
}

void Bind(Statement& stmt, int index, const Cell& cell) {
  switch (cell.type) {
    case Cell::kNull:
      stmt.BindNull(index);
      break;
    case Cell::kText:
      stmt.BindText(index, cell.bytes);
      break;
    case Cell::kInt:
      stmt.BindInt(index, cell.integer);
      break;
    case Cell::kReal:
      stmt.BindReal(index, cell.real);
      break;
    case Cell::kBlob:
      stmt.BindBlob(index, cell.bytes);
      break;
  }
}

Cell ReadCell(const Statement& stmt, int index) {
  switch (stmt.ColumnType(index)) {
    case SQLITE_INTEGER:
      return Cell::Int(stmt.ColumnInt(index));
    case SQLITE_FLOAT:
      return Cell::Real(stmt.ColumnReal(index));
    case SQLITE_TEXT:
      return Cell::Text(stmt.ColumnText(index));
    case SQLITE_BLOB:
      return Cell::Blob(std::string(stmt.ColumnBlob(index)));
    default:
      return {};
  }
}

Image ReadImage(const Statement& stmt, size_t columns) {
  Image image;
  image.reserve(columns);
  for (size_t i = 0; i < columns; ++i) image.push_back(ReadCell(stmt, static_cast<int>(i)));
  return image;
}

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
    return {Cell::Text(r.code), Cell::Text(r.name), Cell::Text(Token(r.level)),
            Cell::TextOrNull(r.parent_code), Cell::Text(r.code.substr(0, 6))};
  }
  Image Of(const Unit& u) const {
    return {Cell::Text(u.code), Cell::Text(u.name), Cell::Text(u.county_code), Cell::Int(u.staff),
            Cell::Text(Token(u.strength))};
  }
  Image Of(const Org& o) const {
    return {Cell::Text(o.code),        Cell::Text(o.name),          Cell::Text(Token(o.kind)),
            Cell::Text(o.region_code), Cell::Text(Token(o.rating)), Cell::Text(o.region_code.substr(0, 6))};
  }
  Image Of(const Cadre& c, const std::string& county_code) const {
    return {Cell::Text(c.code),
            Cell::Text(c.name),
            Cell::Text(Token(c.gender)),
            Sealed(c.id_number.Reveal(), "cadres.id", c.code),
            Index(kIdDomain, c.id_number.Reveal()),
            Sealed(c.phone.Reveal(), "cadres.phone", c.code),
            Index(kPhoneDomain, c.phone.Reveal()),
            Cell::TextOrNull(c.unit_code),
            Cell::TextOrNull(c.village_code),
            Cell::Text(Token(c.rank)),
            Cell::Text(Token(c.education)),
            Cell::Text(JoinList(c.skills)),
            Cell::Text(c.title),
            Cell::Int(c.unit_head ? 1 : 0),
            Cell::Text(county_code)};
  }
  Image Of(const Household& h) const {
    return {Cell::Text(h.code),
            Cell::Text(h.village_code),
            Cell::Text(h.head_name),
            Sealed(h.head_id_number.Reveal(), "households.head_id", h.code),
            Index(kIdDomain, h.head_id_number.Reveal()),
            Sealed(h.phone.Reveal(), "households.phone", h.code),
            Index(kPhoneDomain, h.phone.Reveal()),
            Cell::Int(h.size),
            Cell::Int(h.income_per_capita),
            Cell::Text(Token(h.housing)),
            Cell::Real(h.land_mu),
            Cell::Text(JoinList(h.needs)),
            Cell::Text(h.address),
            Cell::Real(h.difficulty),
            Cell::Text(Token(h.tier)),
            Cell::Text(h.village_code.substr(0, 6))};
  }
  Image Of(const Member& m, const std::string& county_code) const {
    Cell key = Index(kIdDomain, m.id_number.Reveal());
    std::string row_key = JournalKeyText(key);
    return {std::move(key),
            Sealed(m.id_number.Reveal(), "members.id", row_key),
            Cell::Text(m.household_code),
            Cell::Text(m.name),
            Cell::Text(m.relation),
            Cell::Text(m.birth_date),
            Cell::Text(Token(m.gender)),
            Cell::Text(Token(m.education)),
            Cell::Text(Token(m.labour)),
            Cell::Text(Token(m.health)),
            Cell::Text(m.disability),
            Cell::Text(county_code)};
  }

  std::string IdIndex(const IdNumber& id) const { return cipher_.BlindIndex(kIdDomain, id.Reveal()); }

  // The field at `index`, sealed for `column` of the row keyed `row_key`.
  Result<std::string> Open(const Statement& stmt, int index, std::string_view column,
                           std::string_view row_key) const {
    if (stmt.ColumnIsNull(index) || !decrypt_) return std::string();
    return cipher_.Decrypt(stmt.ColumnBlob(index), FieldCipher::Binding(column, row_key));
  }

 private:
  Cell Sealed(const std::string& plain, std::string_view column, std::string_view row_key) const {
    return plain.empty() ? Cell{} : Cell::Blob(cipher_.Encrypt(plain, FieldCipher::Binding(column, row_key)));
  }
  Cell Index(std::string_view domain, const std::string& plain) const {
    return plain.empty() ? Cell{} : Cell::Blob(cipher_.BlindIndex(domain, plain));
  }
  const FieldCipher& cipher_;

 public:
  // Off while ScanWithoutSecrets runs: sensitive fields decode as empty.
  mutable bool decrypt_ = true;
};

Result<Region> DecodeRegion(const Statement& s) {
  Region r;
  r.code = s.ColumnText(0);
  r.name = s.ColumnText(1);
  LX_ASSIGN_OR_RETURN(r.level, FromToken(s.ColumnText(2),
                                         {RegionLevel::kCounty, RegionLevel::kTownship, RegionLevel::kVillage,
                                          RegionLevel::kGrid},
                                         "regions.level"));
  r.parent_code = s.ColumnText(3);
  return r;
}

Result<Unit> DecodeUnit(const Statement& s) {
  Unit u;
  u.code = s.ColumnText(0);
  u.name = s.ColumnText(1);
  u.county_code = s.ColumnText(2);
  u.staff = static_cast<int>(s.ColumnInt(3));
  LX_ASSIGN_OR_RETURN(
      u.strength,
      FromToken(s.ColumnText(4), {UnitStrength::kStrong, UnitStrength::kMedium, UnitStrength::kWeak},
                "units.strength"));
  return u;
}

Result<Org> DecodeOrg(const Statement& s) {
  Org o;
  o.code = s.ColumnText(0);
  o.name = s.ColumnText(1);
  LX_ASSIGN_OR_RETURN(
      o.kind, FromToken(s.ColumnText(2), {OrgKind::kVillageBranch, OrgKind::kNonPublic, OrgKind::kSocial},
                        "orgs.kind"));
  o.region_code = s.ColumnText(3);
  LX_ASSIGN_OR_RETURN(
      o.rating,
      FromToken(s.ColumnText(4), {OrgRating::kGood, OrgRating::kFair, OrgRating::kAverage, OrgRating::kWeak},
                "orgs.rating"));
  return o;
}

constexpr std::initializer_list<Gender> kGenders = {Gender::kUnknown, Gender::kMale, Gender::kFemale};
constexpr std::initializer_list<Education> kEducations = {
    Education::kNone,    Education::kPrimary,  Education::kJunior,      Education::kSenior,
    Education::kCollege, Education::kBachelor, Education::kPostgraduate};

Result<Cadre> DecodeCadre(const Statement& s, const Codec& codec) {
  Cadre c;
  c.code = s.ColumnText(0);
  c.name = s.ColumnText(1);
  LX_ASSIGN_OR_RETURN(c.gender, FromToken(s.ColumnText(2), kGenders, "cadres.gender"));
  LX_ASSIGN_OR_RETURN(std::string id, codec.Open(s, 3, "cadres.id", c.code));
  c.id_number = IdNumber(std::move(id));
  LX_ASSIGN_OR_RETURN(std::string phone, codec.Open(s, 5, "cadres.phone", c.code));
  c.phone = Phone(std::move(phone));
  c.unit_code = s.ColumnText(7);
  c.village_code = s.ColumnText(8);
  LX_ASSIGN_OR_RETURN(c.rank, FromToken(s.ColumnText(9),
                                        {Rank::kCounty, Rank::kSection, Rank::kDeputySection, Rank::kOrdinary,
                                         Rank::kVillageMember},
                                        "cadres.rank"));
  LX_ASSIGN_OR_RETURN(c.education, FromToken(s.ColumnText(10), kEducations, "cadres.education"));
  if (!s.ColumnText(11).empty()) c.skills = Split(s.ColumnText(11));
  c.title = s.ColumnText(12);
  c.unit_head = s.ColumnInt(13) != 0;
  return c;
}

Result<Household> DecodeHousehold(const Statement& s, const Codec& codec) {
  Household h;
  h.code = s.ColumnText(0);
  h.village_code = s.ColumnText(1);
  h.head_name = s.ColumnText(2);
  LX_ASSIGN_OR_RETURN(std::string id, codec.Open(s, 3, "households.head_id", h.code));
  h.head_id_number = IdNumber(std::move(id));
  LX_ASSIGN_OR_RETURN(std::string phone, codec.Open(s, 5, "households.phone", h.code));
  h.phone = Phone(std::move(phone));
  h.size = static_cast<int>(s.ColumnInt(7));
  h.income_per_capita = s.ColumnInt(8);
  LX_ASSIGN_OR_RETURN(h.housing,
                      FromToken(s.ColumnText(9), {Housing::kSafe, Housing::kOrdinary, Housing::kDangerous},
                                "households.housing"));
  h.land_mu = s.ColumnReal(10);
  if (!s.ColumnText(11).empty()) h.needs = Split(s.ColumnText(11));
  h.address = s.ColumnText(12);
  h.difficulty = s.ColumnReal(13);
  LX_ASSIGN_OR_RETURN(
      h.tier, FromToken(s.ColumnText(14), {Tier::kEasier, Tier::kHarder, Tier::kHardest}, "households.tier"));
  return h;
}

Result<Member> DecodeMember(const Statement& s, const Codec& codec) {
  Member m;
  LX_ASSIGN_OR_RETURN(std::string id, codec.Open(s, 1, "members.id", ToHex(s.ColumnBlob(0))));
  m.id_number = IdNumber(std::move(id));
  m.household_code = s.ColumnText(2);
  m.name = s.ColumnText(3);
  m.relation = s.ColumnText(4);
  m.birth_date = s.ColumnText(5);
  LX_ASSIGN_OR_RETURN(m.gender, FromToken(s.ColumnText(6), kGenders, "members.gender"));
  LX_ASSIGN_OR_RETURN(m.education, FromToken(s.ColumnText(7), kEducations, "members.education"));
  LX_ASSIGN_OR_RETURN(m.labour,
                      FromToken(s.ColumnText(8), {Labour::kFull, Labour::kWeak, Labour::kLost, Labour::kNone},
                                "members.labour"));
  LX_ASSIGN_OR_RETURN(
      m.health,
      FromToken(s.ColumnText(9), {Health::kHealthy, Health::kChronic, Health::kSerious, Health::kDisabled},
                "members.health"));
  m.disability = s.ColumnText(10);
  return m;
}

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;

class SqliteStore;

// Prepared statements for one table's upsert, made on first use.
struct TableStatements {
  Statement select;
  Statement insert;
  Statement update;
};

class SqliteTxn final : public WriteTxn {
 public:
  SqliteTxn(SqliteStore& store, std::string actor);
  ~SqliteTxn() override;

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

  Result<std::optional<Region>> FindRegion(std::string_view code) override;
  Result<bool> Exists(RecordKind kind, std::string_view key) override;
  Result<std::optional<std::string>> OwnerOfIdNumber(RecordKind kind, const IdNumber& id) override;
  Result<std::optional<std::string>> HeadOfUnit(std::string_view unit_code) override;
  Result<bool> Empty(RecordKind kind) override;
  Result<PairChanges> ApplyPairing(const PairingState& next, const std::string& reason,
                                   std::string_view county) override;
  Status RecordUncovered(const std::vector<Uncovered>& uncovered, std::string_view county) override;
  Status SetPin(PairingKind kind, const std::string& holder, const std::string& held,
                const std::string& reason) override;
  Status RemovePin(PairingKind kind, const std::string& holder, const std::string& held) override;
  Result<UpsertOutcome> Upsert(const Task& task) override;
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
  void SealHeadAtCommit() { appended_ = true; }

 private:
  Status AddHistory(PairingKind kind, const std::string& held, const std::string& from, const std::string& to,
                    const std::string& reason);
  // The county of the record `held` names for a pairing kind.
  Result<std::string> CountyOfHeld(PairingKind kind, const std::string& held);
  Result<std::string> CountyFrom(const std::string& sql, const std::string& code);
  std::unordered_map<std::string, std::string> county_cache_;
  std::int64_t next_history_seq_ = 0;
  Result<std::string> CountyOfUnit(const std::string& unit_code);
  Result<std::string> CountyOfHousehold(const std::string& household_code);

  SqliteStore& store_;
  std::string actor_;
  bool open_ = false;
  std::int64_t next_seq_ = 1;
  std::string prev_hash_;
  bool appended_ = false;  // the journal_head row must follow at Commit
  bool joined_ = false;
  std::int64_t at_millis_ = 0;
  std::unordered_map<std::string, std::string> county_of_unit_;
  std::string last_household_, last_household_county_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(DbHandle db, FieldCipher cipher, const Clock& clock, std::string checkpoint_path)
      : db_(std::move(db)),
        cipher_(std::move(cipher)),
        codec_(cipher_),
        clock_(clock),
        checkpoint_path_(std::move(checkpoint_path)) {}

  Status Migrate();

  Result<std::unique_ptr<WriteTxn>> Begin(std::string actor) override {
    if (txn_open_) return Status::Internal("同一 Store 上已有未结束的写事务");
    auto txn = std::make_unique<SqliteTxn>(*this, std::move(actor));
    LX_RETURN_IF_ERROR(txn->Start());
    return std::unique_ptr<WriteTxn>(std::move(txn));
  }

  void BeginRead() override {
    if (txn_open_ || batch_open_) return;
    if (read_open_) {
      if (ReadIsCurrent()) return;  // kept by KeepRead, and nothing has changed
      EndRead();
    }
    // Deferred: the read lock is taken by the first read, not here. Taken
    // before BEGIN, the count can only make the snapshot look older.
    read_commits_ = sqlite::CommitsInThisProcess();
    read_began_ = std::chrono::steady_clock::now();
    Result<Statement*> begin = Prepare("BEGIN");
    read_open_ = begin.ok() && (*begin)->Reset().Run().ok();
  }

  void KeepRead() override {
    if (txn_open_ || batch_open_) return;
    if (read_open_ && ReadIsCurrent()) {
      sqlite::ResetStatements(db());
      return;
    }
    EndRead();
  }

  void EndRead() override {
    if (txn_open_ || batch_open_) return;
    sqlite::ResetStatements(db());
    if (!read_open_) return;
    read_open_ = false;
    Result<Statement*> commit = Prepare("COMMIT");
    if (!commit.ok() || !(*commit)->Reset().Run().ok()) (void)sqlite::Exec(db(), "ROLLBACK");
  }

  Status BeginBatch() override {
    if (txn_open_ || batch_open_) return Status::Internal("同一 Store 上已有未结束的写事务");
    EndRead();  // as SqliteTxn::Start does
    LX_RETURN_IF_ERROR(RunCached("BEGIN IMMEDIATE"));
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
    sqlite::ResetStatements(db());
    Status status = RunCached("COMMIT");
    if (!status.ok()) (void)sqlite::Exec(db(), "ROLLBACK");
    return status;
  }

  Result<RegistryCounts> Counts() override;
  Status Scan(RecordKind kind, RegistrySink& sink) override;
  Status ScanWithoutSecrets(RecordKind kind, RegistrySink& sink) override {
    codec_.decrypt_ = false;
    Status status = Scan(kind, sink);
    codec_.decrypt_ = true;
    return status;
  }
  Result<std::optional<Household>> GetHousehold(std::string_view code) override;
  Result<PairingState> Pairs(std::string_view county) override { return ReadPairs("pairs", county); }
  Result<PairingState> Pins(std::string_view county) override { return ReadPairs("pins", county); }
  Result<std::vector<Uncovered>> RecordedUncovered(std::string_view county) override;
  Result<std::vector<Task>> TasksOf(std::string_view household_code) override;
  Result<std::vector<PairHistoryEntry>> PairHistory(std::string_view held) override;
  Result<int> SchemaVersion() override;
  Status Backup(const std::string& out) override;
  Status VerifyJournal(std::int64_t* entries_checked) override;
  Result<std::string> JournalCheckpoint() override;
  // The journal's newest entry (seq 0 and the genesis hash when empty).
  using Mark = JournalMark;
  struct VerifyMode {
    bool legacy = false;             // the tables and row images before schema 5, and no head
    bool against_checkpoint = true;  // the checkpoint file must name an entry of this chain
  };
  // VerifyJournal's checks; the verified head in `head` on success.
  Status Verify(const VerifyMode& mode, std::int64_t* entries_checked, Mark* head);
  // The sealed head: the journal_head row and the checkpoint file hold it.
  std::string HeadMac(const Mark& mark) const;
  Status WriteHead(const Mark& mark);
  // The checkpoint file's one line for `mark`: "seq hash mac", hex.
  std::string CheckpointLine(const Mark& mark) const;
  const std::string& checkpoint_path() const { return checkpoint_path_; }
  // A sealed field, if the database holds any, to prove a key opens it.
  Status CheckKeyOpensData();
  Result<std::string> JournalHead() override;
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
  bool batch_open_ = false;
  bool read_open_ = false;         // a BeginRead snapshot
  std::int64_t read_commits_ = 0;  // CommitsInThisProcess when it began
  std::chrono::steady_clock::time_point read_began_;
  bool ReadIsCurrent() const {
    return read_commits_ == sqlite::CommitsInThisProcess() &&
           std::chrono::steady_clock::now() - read_began_ < std::chrono::milliseconds(kKeptReadMillis);
  }

  // Cached statements, keyed by SQL text.
  Result<Statement*> Prepare(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      Statement stmt(db(), sql);
      if (!stmt.prepared().ok()) return stmt.prepared();
      it = statements_.emplace(sql, std::move(stmt)).first;
    }
    it->second.Reset();
    return &it->second;
  }
  // One statement with no result, prepared once: the writer runs its
  // transaction and savepoint statements for every request.
  Status RunCached(const std::string& sql) {
    LX_ASSIGN_OR_RETURN(Statement * statement, Prepare(sql));
    Status status = statement->Run();
    statement->Reset();
    return status;
  }
  TableStatements& For(const TableDef& def);

 private:
  Result<std::int64_t> CountOf(const std::string& sql);
  // A household's members into `sink`, head first (no check that it exists).
  Status EmitMembers(std::string_view household_code, RegistrySink& sink);
  Result<PairingState> ReadPairs(const std::string& table, std::string_view county);
  Status UpgradeToSchema5();

  DbHandle db_;
  FieldCipher cipher_;
  Codec codec_;
  const Clock& clock_;
  std::string checkpoint_path_;
  std::unordered_map<std::string, Statement> statements_;  // nodes: a Statement* stays valid
  std::map<std::string_view, TableStatements> table_statements_;
};

TableStatements& SqliteStore::For(const TableDef& def) {
  auto it = table_statements_.find(def.name);
  if (it != table_statements_.end()) return it->second;
  std::string key = std::string(def.columns[0].name);
  std::string columns, params, sets;
  for (size_t i = 0; i < def.columns.size(); ++i) {
    std::string name(def.columns[i].name);
    columns += (i ? ", " : "") + name;
    params += (i ? ", ?" : "?") + std::to_string(i + 1);
    if (i) sets += std::string(i > 1 ? ", " : "") + name + " = ?" + std::to_string(i + 1);
  }
  TableStatements statements{
      Statement(db(), SelectSql(def) + " WHERE " + key + " = ?1"),
      Statement(db(), "INSERT INTO " + std::string(def.name) + " (" + columns + ") VALUES (" + params +
                          ") ON CONFLICT (" + key + ") DO NOTHING"),
      Statement(db(), "UPDATE " + std::string(def.name) + " SET " + sets + " WHERE " + key + " = ?1"),
  };
  return table_statements_.emplace(def.name, std::move(statements)).first->second;
}

SqliteTxn::SqliteTxn(SqliteStore& store, std::string actor) : store_(store), actor_(std::move(actor)) {}

SqliteTxn::~SqliteTxn() {
  if (open_ && joined_) {
    store_.txn_open_ = false;  // the caller rolls its transaction back
  } else if (open_) {
    // Inside a batch only this transaction's savepoint is undone; the
    // batch's other writes stay.
    if (store_.batch_open_) {
      (void)store_.RunCached("ROLLBACK TO txn");
      (void)store_.RunCached("RELEASE txn");
    } else {
      (void)sqlite::Exec(store_.db(), "ROLLBACK");
    }
    store_.txn_open_ = false;
  }
}

Status SqliteTxn::Start(bool join) {
  joined_ = join;
  if (!join) {
    // A snapshot a finished read left open would make BEGIN IMMEDIATE fail
    // once another connection (the writer, another process) has committed.
    if (!store_.batch_open_) store_.EndRead();
    LX_RETURN_IF_ERROR(store_.RunCached(store_.batch_open_ ? "SAVEPOINT txn" : "BEGIN IMMEDIATE"));
  }
  open_ = true;
  store_.txn_open_ = true;
  at_millis_ = store_.clock().NowMillis();
  LX_ASSIGN_OR_RETURN(Statement * head,
                      store_.Prepare("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1"));
  LX_ASSIGN_OR_RETURN(bool found, head->Step());
  if (found) {
    next_seq_ = head->ColumnInt(0) + 1;
    prev_hash_ = std::string(head->ColumnBlob(1));
  } else {
    prev_hash_ = JournalGenesis();
  }
  return Status::Ok();
}

Status SqliteTxn::AppendJournal(std::string_view action, const TableDef& def, const std::string& key,
                                std::string before, std::string after) {
  JournalEntry entry{
      next_seq_, at_millis_,        actor_,          std::string(action), std::string(def.name),
      key,       std::move(before), std::move(after)};
  std::string hash = JournalHash(prev_hash_, entry);
  LX_ASSIGN_OR_RETURN(
      Statement * insert,
      store_.Prepare("INSERT INTO journal (seq, at_millis, actor, action, entity, entity_key, "
                     "before, after, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  insert->BindInt(1, entry.seq)
      .BindInt(2, entry.at_millis)
      .BindText(3, entry.actor)
      .BindText(4, entry.action)
      .BindText(5, entry.entity)
      .BindText(6, entry.key)
      .BindText(7, entry.before)
      .BindText(8, entry.after)
      .BindBlob(9, prev_hash_)
      .BindBlob(10, hash);
  LX_RETURN_IF_ERROR(insert->Run());
  prev_hash_ = std::move(hash);
  ++next_seq_;
  appended_ = true;
  return Status::Ok();
}

Result<UpsertOutcome> SqliteTxn::UpsertImage(const TableDef& def, Image image) {
  if (!open_) return Status::Internal("写事务已结束");
  TableStatements& st = store_.For(def);
  LX_RETURN_IF_ERROR(st.select.prepared());
  LX_RETURN_IF_ERROR(st.insert.prepared());
  LX_RETURN_IF_ERROR(st.update.prepared());
  // Insert first: on a fresh import nearly every row is new, and a failed
  // insert costs no more than the look-up it saves.
  st.insert.Reset();
  for (size_t i = 0; i < image.size(); ++i) Bind(st.insert, static_cast<int>(i + 1), image[i]);
  LX_RETURN_IF_ERROR(st.insert.Run());
  std::string key = JournalKeyText(image[0]);
  if (sqlite3_changes(store_.db()) == 1) {
    LX_RETURN_IF_ERROR(AppendJournal("insert", def, key, "", JournalRowJson(def, image)));
    return UpsertOutcome::kInserted;
  }
  st.select.Reset();
  Bind(st.select, 1, image[0]);
  LX_ASSIGN_OR_RETURN(bool exists, st.select.Step());
  if (!exists) return Status::Internal("upsert: row neither inserted nor found: " + key);
  Image old = ReadImage(st.select, def.columns.size());
  st.select.Reset();
  bool changed = false;
  for (size_t i = 0; i < def.columns.size(); ++i) {
    int index_column = def.columns[i].index_column;
    if (index_column >= 0) {
      // Same plaintext (same blind index): keep the stored ciphertext, whose
      // random nonce would otherwise make every re-import look like a change.
      if (old[index_column] == image[index_column]) image[i] = old[i];
      continue;
    }
    if (!(old[i] == image[i])) changed = true;
  }
  if (!changed) return UpsertOutcome::kUnchanged;
  st.update.Reset();
  for (size_t i = 0; i < image.size(); ++i) Bind(st.update, static_cast<int>(i + 1), image[i]);
  LX_RETURN_IF_ERROR(st.update.Run());
  LX_RETURN_IF_ERROR(AppendJournal("update", def, key, JournalRowJson(def, old), JournalRowJson(def, image)));
  return UpsertOutcome::kUpdated;
}

Status SqliteTxn::Reseal(const TableDef& def) {
  const FieldCipher& cipher = store_.cipher();
  TableStatements& st = store_.For(def);
  LX_RETURN_IF_ERROR(st.update.prepared());
  const std::string key_column(def.columns[0].name);
  // In key order, a chunk at a time: no statement reads a table while it is
  // written, and a county's 300 k members need not sit in memory at once.
  std::optional<Cell> after;
  while (true) {
    Statement select(store_.db(), SelectSql(def) + (after ? " WHERE " + key_column + " > ?1" : "") +
                                      " ORDER BY " + key_column + " LIMIT 2000");
    LX_RETURN_IF_ERROR(select.prepared());
    if (after) Bind(select, 1, *after);
    std::vector<Image> chunk;
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      chunk.push_back(ReadImage(select, def.columns.size()));
    }
    if (chunk.empty()) return Status::Ok();
    after = chunk.back()[0];
    for (const Image& old : chunk) {
      const std::string key = JournalKeyText(old[0]);
      Image image = old;
      for (size_t i = 0; i < def.columns.size(); ++i) {
        const JournalColumn& column = def.columns[i];
        if (column.sealed_as.empty() || old[i].type == Cell::kNull) continue;
        // Before schema 5 a field was bound to its column alone.
        Result<std::string> plain = cipher.Decrypt(old[i].bytes, column.sealed_as);
        if (!plain.ok()) {
          return Status::Invalid(std::string(def.name) + " " + key + " 的 " + std::string(column.sealed_as) +
                                 " 无法用这个密钥文件解密,密钥与数据不符 (key_mismatch)");
        }
        // The blind index is journaled, the ciphertext was not: a ciphertext
        // moved here from another row shows as one whose index disagrees.
        if (column.index_column >= 0) {
          std::string_view domain = column.sealed_as.ends_with("phone") ? kPhoneDomain : kIdDomain;
          if (cipher.BlindIndex(domain, *plain) != old[column.index_column].bytes) {
            return Status::Tampered(
                "数据库未通过升级前的校验,未作升级 (upgrade_refused): " + std::string(def.name) + " " + key +
                " 的 " + std::string(column.sealed_as) +
                " 密文与其索引不符,密文被从别的记录挪来 (sealed_mismatch)");
          }
        }
        image[i] = Cell::Blob(cipher.Encrypt(*plain, FieldCipher::Binding(column.sealed_as, key)));
      }
      st.update.Reset();
      for (size_t i = 0; i < image.size(); ++i) Bind(st.update, static_cast<int>(i + 1), image[i]);
      LX_RETURN_IF_ERROR(st.update.Run());
      LX_RETURN_IF_ERROR(
          AppendJournal("reseal", def, key, JournalRowJson(def, old), JournalRowJson(def, image)));
    }
  }
}

Status SqliteTxn::Adopt(const TableDef& def) {
  Statement select(store_.db(), SelectSql(def) + " ORDER BY " + std::string(def.order_by));
  LX_RETURN_IF_ERROR(select.prepared());
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return Status::Ok();
    Image image = ReadImage(select, def.columns.size());
    LX_RETURN_IF_ERROR(AppendJournal("adopt", def, JournalKeyText(image[0]), "", JournalRowJson(def, image)));
  }
}

Result<UpsertOutcome> SqliteTxn::Upsert(const Region& r) {
  return UpsertImage(Def(RecordKind::kRegions), store_.codec().Of(r));
}
Result<UpsertOutcome> SqliteTxn::Upsert(const Unit& u) {
  return UpsertImage(Def(RecordKind::kUnits), store_.codec().Of(u));
}
Result<UpsertOutcome> SqliteTxn::Upsert(const Org& o) {
  return UpsertImage(Def(RecordKind::kOrgs), store_.codec().Of(o));
}
Result<UpsertOutcome> SqliteTxn::Upsert(const Cadre& c) {
  std::string county = c.village_code.substr(0, 6);
  if (!c.unit_code.empty()) {
    LX_ASSIGN_OR_RETURN(county, CountyOfUnit(c.unit_code));
  }
  return UpsertImage(Def(RecordKind::kCadres), store_.codec().Of(c, county));
}
Result<UpsertOutcome> SqliteTxn::Upsert(const Household& h) {
  return UpsertImage(Def(RecordKind::kHouseholds), store_.codec().Of(h));
}
Result<UpsertOutcome> SqliteTxn::Upsert(const Member& m) {
  LX_ASSIGN_OR_RETURN(std::string county, CountyOfHousehold(m.household_code));
  return UpsertImage(Def(RecordKind::kMembers), store_.codec().Of(m, county));
}

Result<std::string> SqliteTxn::CountyOfUnit(const std::string& unit_code) {
  auto it = county_of_unit_.find(unit_code);
  if (it != county_of_unit_.end()) return it->second;
  LX_ASSIGN_OR_RETURN(Statement * select, store_.Prepare("SELECT county_code FROM units WHERE code = ?1"));
  select->BindText(1, unit_code);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return Status::Conflict("单位 " + unit_code + " 不存在");
  std::string county(select->ColumnText(0));
  county_of_unit_.emplace(unit_code, county);
  return county;
}

Result<std::string> SqliteTxn::CountyOfHousehold(const std::string& household_code) {
  // Members arrive grouped by household, so remembering the last one is enough.
  if (household_code == last_household_) return last_household_county_;
  LX_ASSIGN_OR_RETURN(Statement * select,
                      store_.Prepare("SELECT county_code FROM households WHERE code = ?1"));
  select->BindText(1, household_code);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return Status::Conflict("户 " + household_code + " 不存在");
  last_household_ = household_code;
  last_household_county_ = std::string(select->ColumnText(0));
  return last_household_county_;
}

Result<std::optional<Region>> SqliteTxn::FindRegion(std::string_view code) {
  LX_ASSIGN_OR_RETURN(Statement * select,
                      store_.Prepare(SelectSql(Def(RecordKind::kRegions)) + " WHERE code = ?1"));
  select->BindText(1, code);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<Region>();
  LX_ASSIGN_OR_RETURN(Region region, DecodeRegion(*select));
  return std::optional<Region>(std::move(region));
}

Result<bool> SqliteTxn::Exists(RecordKind kind, std::string_view key) {
  const TableDef& def = Def(kind);
  LX_ASSIGN_OR_RETURN(Statement * select,
                      store_.Prepare("SELECT 1 FROM " + std::string(def.name) + " WHERE " +
                                     std::string(def.columns[0].name) + " = ?1"));
  if (kind == RecordKind::kMembers) {
    select->BindBlob(1, store_.codec().IdIndex(IdNumber(std::string(key))));
  } else {
    select->BindText(1, key);
  }
  return select->Step();
}

Result<std::optional<std::string>> SqliteTxn::OwnerOfIdNumber(RecordKind kind, const IdNumber& id) {
  std::string sql;
  switch (kind) {
    case RecordKind::kCadres:
      sql = "SELECT code FROM cadres WHERE id_bidx = ?1";
      break;
    case RecordKind::kHouseholds:
      sql = "SELECT code FROM households WHERE head_id_bidx = ?1";
      break;
    case RecordKind::kMembers:
      sql = "SELECT household_code FROM members WHERE id_bidx = ?1";
      break;
    default:
      return Status::Internal("OwnerOfIdNumber: 该类记录没有身份证号");
  }
  LX_ASSIGN_OR_RETURN(Statement * select, store_.Prepare(sql));
  select->BindBlob(1, store_.codec().IdIndex(id));
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(std::string(select->ColumnText(0)));
}

Result<std::optional<std::string>> SqliteTxn::HeadOfUnit(std::string_view unit_code) {
  LX_ASSIGN_OR_RETURN(Statement * select,
                      store_.Prepare("SELECT code FROM cadres WHERE unit_code = ?1 AND unit_head = 1"));
  select->BindText(1, unit_code);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(std::string(select->ColumnText(0)));
}

Result<bool> SqliteTxn::Empty(RecordKind kind) {
  LX_ASSIGN_OR_RETURN(Statement * select,
                      store_.Prepare("SELECT 1 FROM " + std::string(Def(kind).name) + " LIMIT 1"));
  LX_ASSIGN_OR_RETURN(bool any, select->Step());
  return !any;
}

Status SqliteTxn::DeleteImage(const TableDef& def, const std::string& key) {
  LX_ASSIGN_OR_RETURN(Statement * select, store_.Prepare(SelectSql(def) + " WHERE " +
                                                         std::string(def.columns[0].name) + " = ?1"));
  select->BindText(1, key);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return Status::NotFound(std::string(def.name) + " " + key + " 不存在");
  Image old = ReadImage(*select, def.columns.size());
  LX_ASSIGN_OR_RETURN(Statement * remove, store_.Prepare("DELETE FROM " + std::string(def.name) + " WHERE " +
                                                         std::string(def.columns[0].name) + " = ?1"));
  remove->BindText(1, key);
  LX_RETURN_IF_ERROR(remove->Run());
  return AppendJournal("delete", def, key, JournalRowJson(def, old), "");
}

Result<std::string> SqliteTxn::CountyFrom(const std::string& sql, const std::string& code) {
  std::string cache_key = sql + '\0' + code;
  if (auto it = county_cache_.find(cache_key); it != county_cache_.end()) return it->second;
  LX_ASSIGN_OR_RETURN(Statement * select, store_.Prepare(sql));
  select->BindText(1, code);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return Status::Conflict(code + " 不存在");
  std::string county(select->ColumnText(0));
  county_cache_.emplace(std::move(cache_key), county);
  return county;
}

Result<std::string> SqliteTxn::CountyOfHeld(PairingKind kind, const std::string& held) {
  switch (kind) {
    case PairingKind::kUnitVillage:
      return CountyFrom("SELECT county_code FROM regions WHERE code = ?1", held);
    case PairingKind::kAssistance:
    case PairingKind::kContact:
      return CountyFrom("SELECT county_code FROM households WHERE code = ?1", held);
    case PairingKind::kContactPoint:
      return CountyFrom("SELECT county_code FROM orgs WHERE code = ?1", held);
  }
  return Status::Internal("unknown pairing kind");
}

Status SqliteTxn::AddHistory(PairingKind kind, const std::string& held, const std::string& from,
                             const std::string& to, const std::string& reason) {
  if (next_history_seq_ == 0) {
    LX_ASSIGN_OR_RETURN(Statement * max, store_.Prepare("SELECT COALESCE(MAX(seq), 0) FROM pair_history"));
    LX_ASSIGN_OR_RETURN(bool found, max->Step());
    next_history_seq_ = (found ? max->ColumnInt(0) : 0) + 1;
  }
  LX_ASSIGN_OR_RETURN(std::string county, CountyOfHeld(kind, held));
  Image image{Cell::Int(next_history_seq_++),
              Cell::Text(Token(kind)),
              Cell::Text(held),
              Cell::Text(from),
              Cell::Text(to),
              Cell::Text(reason),
              Cell::Int(at_millis_),
              Cell::Text(county)};
  return UpsertImage(HistoryDef(), std::move(image)).status();
}

Result<PairChanges> SqliteTxn::ApplyPairing(const PairingState& next, const std::string& reason,
                                            std::string_view county) {
  LX_ASSIGN_OR_RETURN(PairingState current, store_.Pairs(county));
  PairChanges changes;
  for (const PairDiff& diff : DiffPairings(current, next, &changes.kept)) {
    for (const std::string& holder : diff.ended) {
      LX_RETURN_IF_ERROR(DeleteImage(PairsDef(), PairKey(diff.kind, diff.held, holder)));
      ++changes.ended;
    }
    for (const std::string& holder : diff.made) {
      LX_ASSIGN_OR_RETURN(std::string county, CountyOfHeld(diff.kind, diff.held));
      Image image{Cell::Text(PairKey(diff.kind, diff.held, holder)), Cell::Text(Token(diff.kind)),
                  Cell::Text(holder), Cell::Text(diff.held), Cell::Text(county)};
      LX_RETURN_IF_ERROR(UpsertImage(PairsDef(), std::move(image)).status());
      ++changes.made;
    }
    // A household handed from one cadre to another reads as one change, from → to.
    for (size_t i = 0; i < std::max(diff.ended.size(), diff.made.size()); ++i) {
      LX_RETURN_IF_ERROR(AddHistory(diff.kind, diff.held, i < diff.ended.size() ? diff.ended[i] : "",
                                    i < diff.made.size() ? diff.made[i] : "", reason));
    }
  }
  return changes;
}

Status SqliteTxn::RecordUncovered(const std::vector<Uncovered>& uncovered, std::string_view county) {
  const auto key = [](const Uncovered& u) {
    return std::string(Token(u.pairing)) + "|" + std::string(Token(u.kind)) + "|" + u.id;
  };
  std::set<std::string> next;
  for (const Uncovered& u : uncovered) {
    // A run for one county records only that county's (and what it cannot place).
    if (!county.empty() && !u.county_code.empty() && u.county_code != county) continue;
    next.insert(key(u));
    Image image{
        Cell::Text(key(u)),        Cell::Text(Token(u.pairing)),
        Cell::Text(Token(u.kind)), Cell::Text(u.id),
        Cell::Text(u.reason),      Cell::Text(u.county_code.empty() ? std::string(county) : u.county_code)};
    LX_RETURN_IF_ERROR(UpsertImage(UncoveredDef(), std::move(image)).status());
  }
  LX_ASSIGN_OR_RETURN(std::vector<Uncovered> recorded, store_.RecordedUncovered(county));
  for (const Uncovered& u : recorded) {
    if (!next.contains(key(u))) LX_RETURN_IF_ERROR(DeleteImage(UncoveredDef(), key(u)));
  }
  return Status::Ok();
}

Status SqliteTxn::SetPin(PairingKind kind, const std::string& holder, const std::string& held,
                         const std::string& reason) {
  if (reason.empty()) return Status::Invalid("固定结对须说明理由 (reason_required)", "reason");
  Result<std::string> county = CountyOfHeld(kind, held);
  if (!county.ok()) return Status::NotFound(std::string(Token(kind)) + " 的对象 " + held + " 不存在");
  Image image{Cell::Text(PairKey(kind, held, holder)),
              Cell::Text(Token(kind)),
              Cell::Text(holder),
              Cell::Text(held),
              Cell::Text(reason),
              Cell::Text(*county)};
  return UpsertImage(PinsDef(), std::move(image)).status();
}

Status SqliteTxn::RemovePin(PairingKind kind, const std::string& holder, const std::string& held) {
  return DeleteImage(PinsDef(), PairKey(kind, held, holder));
}

Result<UpsertOutcome> SqliteTxn::Upsert(const Task& t) {
  LX_ASSIGN_OR_RETURN(std::string county, CountyOfHeld(PairingKind::kAssistance, t.household_code));
  Image image{Cell::Text(t.household_code + "|" + t.cadre_code + "|" + t.need),
              Cell::Text(t.household_code),
              Cell::Text(t.cadre_code),
              Cell::Text(t.need),
              Cell::Text(t.task),
              Cell::Text(t.target),
              Cell::Text(t.deadline),
              Cell::Text(Token(t.level)),
              Cell::Text(Token(t.status)),
              Cell::Int(t.progress),
              Cell::Text(t.notes),
              Cell::Text(county)};
  return UpsertImage(TasksDef(), std::move(image));
}

Status SqliteTxn::Commit() {
  if (!open_) return Status::Internal("写事务已结束");
  if (appended_) LX_RETURN_IF_ERROR(store_.WriteHead({next_seq_ - 1, prev_hash_}));
  if (joined_) {
    open_ = false;
    store_.txn_open_ = false;
    return Status::Ok();
  }
  // Inside a batch the changes join it and become durable at EndBatch().
  if (!store_.batch_open_) sqlite::ResetStatements(store_.db());  // as EndBatch does
  Status status = store_.RunCached(store_.batch_open_ ? "RELEASE txn" : "COMMIT");
  if (!status.ok()) return status;  // the destructor rolls back
  open_ = false;
  store_.txn_open_ = false;
  return Status::Ok();
}

Status SqliteStore::Migrate() {
  LX_RETURN_IF_ERROR(sqlite::Exec(db(),
                                  "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, "
                                  "name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (datetime('now')))"));
  LX_ASSIGN_OR_RETURN(int current, SchemaVersion());
  for (const Migration& migration : Migrations()) {
    if (migration.number <= current) continue;
    LX_RETURN_IF_ERROR(sqlite::Exec(db(), "BEGIN IMMEDIATE"));
    // Another process may have applied it while this one waited for the lock.
    Result<int> now = SchemaVersion();
    if (now.ok() && *now >= migration.number) {
      LX_RETURN_IF_ERROR(sqlite::Exec(db(), "COMMIT"));
      continue;
    }
    // A statement left mid-read (an earlier step's) would lock the tables a
    // migration drops.
    sqlite::ResetStatements(db());
    Status status = sqlite::Exec(db(), migration.sql);
    if (status.ok() && migration.number == 5) status = UpgradeToSchema5();
    if (status.ok()) {
      Statement record(db(), "INSERT INTO schema_migrations (number, name) VALUES (?1, ?2)");
      status = record.prepared();
      if (status.ok()) status = record.BindInt(1, migration.number).BindText(2, migration.name).Run();
    }
    if (status.ok()) status = sqlite::Exec(db(), "COMMIT");
    if (!status.ok()) {
      (void)sqlite::Exec(db(), "ROLLBACK");
      return Status(status.code(), "迁移 " + std::string(migration.name) + " 失败: " + status.message());
    }
    spdlog::info("applied migration {}", migration.name);
  }
  return Status::Ok();
}

// Copies all of `from` into `to` with the online backup API, in one step:
// one read snapshot, which in WAL mode blocks no writer. (Copying in steps
// restarts whenever another connection commits between two steps, so under
// a steady write load a large database never finished.)
Status CopyDatabase(sqlite3* from, sqlite3* to) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) return sqlite::ErrorStatus(to, sqlite3_errcode(to), "backup_init");
  int rc;
  do {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(5);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return sqlite::ErrorStatus(to, rc, "backup_step");
  return Status::Ok();
}

Status IntegrityCheck(sqlite3* db, const std::string& what) {
  Statement check(db, "PRAGMA integrity_check");
  LX_RETURN_IF_ERROR(check.prepared());
  LX_ASSIGN_OR_RETURN(bool row, check.Step());
  if (!row || check.ColumnText(0) != "ok") {
    return Status::Invalid(what + " 未通过完整性检查 (integrity_check): " +
                           std::string(row ? check.ColumnText(0) : "no result"));
  }
  return Status::Ok();
}

Status SqliteStore::Backup(const std::string& out) {
  std::error_code ec;
  if (std::filesystem::exists(out, ec)) return Status::Invalid("备份文件已存在: " + out + " (backup_exists)");
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(out.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  DbHandle copy(raw);
  if (rc != SQLITE_OK) return Status::Internal("无法创建备份文件 " + out + ": " + sqlite3_errstr(rc));
  Status status = CopyDatabase(db(), copy.get());
  // The copy is a single file: no WAL beside it to lose.
  if (status.ok()) status = sqlite::Exec(copy.get(), "PRAGMA journal_mode = DELETE");
  if (status.ok()) status = IntegrityCheck(copy.get(), "备份 " + out);
  copy.reset();
  if (!status.ok()) {
    std::filesystem::remove(out, ec);
    return Status(Code::kInternal, status.message());
  }
  return Status::Ok();
}

Status SqliteStore::CheckKeyOpensData() {
  for (const char* sql :
       {"SELECT id_enc, 'members.id', lower(hex(id_bidx)) FROM members LIMIT 1",
        "SELECT phone_enc, 'households.phone', code FROM households WHERE phone_enc IS NOT NULL LIMIT 1",
        "SELECT id_enc, 'cadres.id', code FROM cadres WHERE id_enc IS NOT NULL LIMIT 1"}) {
    Statement select(db(), sql);
    LX_RETURN_IF_ERROR(select.prepared());
    LX_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) continue;
    Result<std::string> plain = cipher_.Decrypt(
        select.ColumnBlob(0), FieldCipher::Binding(select.ColumnText(1), select.ColumnText(2)));
    if (!plain.ok()) return Status::Invalid("密钥与数据不符:这份数据是用另一个密钥加密的 (key_mismatch)");
    return Status::Ok();
  }
  return Status::Ok();
}

Result<int> SqliteStore::SchemaVersion() {
  Statement select(db(), "SELECT COALESCE(MAX(number), 0) FROM schema_migrations");
  LX_RETURN_IF_ERROR(select.prepared());
  LX_ASSIGN_OR_RETURN(bool found, select.Step());
  return found ? static_cast<int>(select.ColumnInt(0)) : 0;
}

Result<std::int64_t> SqliteStore::CountOf(const std::string& sql) {
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare(sql));
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  return found ? select->ColumnInt(0) : 0;
}

Result<RegistryCounts> SqliteStore::Counts() {
  RegistryCounts c;
  LX_ASSIGN_OR_RETURN(c.regions, CountOf("SELECT COUNT(*) FROM regions"));
  LX_ASSIGN_OR_RETURN(c.townships, CountOf("SELECT COUNT(*) FROM regions WHERE level = 'township'"));
  LX_ASSIGN_OR_RETURN(c.villages, CountOf("SELECT COUNT(*) FROM regions WHERE level = 'village'"));
  LX_ASSIGN_OR_RETURN(c.units, CountOf("SELECT COUNT(*) FROM units"));
  LX_ASSIGN_OR_RETURN(c.orgs, CountOf("SELECT COUNT(*) FROM orgs"));
  LX_ASSIGN_OR_RETURN(c.weak_branches,
                      CountOf("SELECT COUNT(*) FROM orgs WHERE kind = 'village_branch' AND rating = 'weak'"));
  LX_ASSIGN_OR_RETURN(c.cadres, CountOf("SELECT COUNT(*) FROM cadres"));
  LX_ASSIGN_OR_RETURN(c.village_members,
                      CountOf("SELECT COUNT(*) FROM cadres WHERE rank = 'village_member'"));
  LX_ASSIGN_OR_RETURN(c.households, CountOf("SELECT COUNT(*) FROM households"));
  LX_ASSIGN_OR_RETURN(c.members, CountOf("SELECT COUNT(*) FROM members"));
  return c;
}

Status SqliteStore::Scan(RecordKind kind, RegistrySink& sink) {
  const TableDef& def = Def(kind);
  Statement select(db(), SelectSql(def) + " ORDER BY " + std::string(def.order_by));
  LX_RETURN_IF_ERROR(select.prepared());
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return Status::Ok();
    switch (kind) {
      case RecordKind::kRegions: {
        LX_ASSIGN_OR_RETURN(Region r, DecodeRegion(select));
        LX_RETURN_IF_ERROR(sink.Add(r));
        break;
      }
      case RecordKind::kUnits: {
        LX_ASSIGN_OR_RETURN(Unit u, DecodeUnit(select));
        LX_RETURN_IF_ERROR(sink.Add(u));
        break;
      }
      case RecordKind::kOrgs: {
        LX_ASSIGN_OR_RETURN(Org o, DecodeOrg(select));
        LX_RETURN_IF_ERROR(sink.Add(o));
        break;
      }
      case RecordKind::kCadres: {
        LX_ASSIGN_OR_RETURN(Cadre c, DecodeCadre(select, codec_));
        LX_RETURN_IF_ERROR(sink.Add(c));
        break;
      }
      case RecordKind::kHouseholds: {
        LX_ASSIGN_OR_RETURN(Household h, DecodeHousehold(select, codec_));
        LX_RETURN_IF_ERROR(sink.Add(h));
        break;
      }
      case RecordKind::kMembers: {
        LX_ASSIGN_OR_RETURN(Member m, DecodeMember(select, codec_));
        LX_RETURN_IF_ERROR(sink.Add(m));
        break;
      }
    }
  }
}

Result<std::optional<Household>> SqliteStore::GetHousehold(std::string_view code) {
  LX_ASSIGN_OR_RETURN(Statement * select,
                      Prepare(SelectSql(Def(RecordKind::kHouseholds)) + " WHERE code = ?1"));
  select->BindText(1, code);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<Household>();
  LX_ASSIGN_OR_RETURN(Household h, DecodeHousehold(*select, codec_));
  return std::optional<Household>(std::move(h));
}

Result<PairingState> SqliteStore::ReadPairs(const std::string& table, std::string_view county) {
  Statement select(
      db(), "SELECT kind, holder, held FROM " + table + (county.empty() ? "" : " WHERE county_code = ?1"));
  LX_RETURN_IF_ERROR(select.prepared());
  if (!county.empty()) select.BindText(1, county);
  PairingState state;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    LX_ASSIGN_OR_RETURN(PairingKind kind, PairingKindOf(select.ColumnText(0)));
    AddPair(state, kind, std::string(select.ColumnText(1)), std::string(select.ColumnText(2)));
  }
  SortState(state);
  return state;
}

Result<std::vector<Uncovered>> SqliteStore::RecordedUncovered(std::string_view county) {
  Statement select(db(), "SELECT pairing, kind, id, reason, county_code FROM pairing_uncovered" +
                             std::string(county.empty() ? "" : " WHERE county_code = ?1"));
  LX_RETURN_IF_ERROR(select.prepared());
  if (!county.empty()) select.BindText(1, county);
  std::vector<Uncovered> uncovered;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    Uncovered u;
    LX_ASSIGN_OR_RETURN(u.pairing, PairingKindOf(select.ColumnText(0)));
    LX_ASSIGN_OR_RETURN(u.kind,
                        FromToken(select.ColumnText(1),
                                  {UncoveredKind::kVillage, UncoveredKind::kHousehold, UncoveredKind::kCadre,
                                   UncoveredKind::kWeakBranch, UncoveredKind::kPin},
                                  "pairing_uncovered.kind"));
    u.id = select.ColumnText(2);
    u.reason = select.ColumnText(3);
    u.county_code = select.ColumnText(4);
    uncovered.push_back(std::move(u));
  }
  SortUncovered(uncovered);
  return uncovered;
}

Result<std::vector<Task>> SqliteStore::TasksOf(std::string_view household_code) {
  LX_ASSIGN_OR_RETURN(
      Statement * select,
      Prepare("SELECT household_code, cadre_code, need, task, target, deadline, level, status, "
              "progress, notes FROM tasks WHERE household_code = ?1 ORDER BY cadre_code, need"));
  select->BindText(1, household_code);
  std::vector<Task> tasks;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    Task t;
    t.household_code = select->ColumnText(0);
    t.cadre_code = select->ColumnText(1);
    t.need = select->ColumnText(2);
    t.task = select->ColumnText(3);
    t.target = select->ColumnText(4);
    t.deadline = select->ColumnText(5);
    LX_ASSIGN_OR_RETURN(
        t.level, FromToken(select->ColumnText(6), {TaskLevel::kMajor, TaskLevel::kNormal}, "tasks.level"));
    LX_ASSIGN_OR_RETURN(
        t.status, FromToken(select->ColumnText(7),
                            {TaskStatus::kOpen, TaskStatus::kDone, TaskStatus::kCancelled}, "tasks.status"));
    t.progress = static_cast<int>(select->ColumnInt(8));
    t.notes = select->ColumnText(9);
    tasks.push_back(std::move(t));
  }
  return tasks;
}

Result<std::vector<PairHistoryEntry>> SqliteStore::PairHistory(std::string_view held) {
  LX_ASSIGN_OR_RETURN(
      Statement * select,
      Prepare("SELECT kind, held, from_holder, to_holder, reason, at_millis FROM pair_history "
              "WHERE held = ?1 ORDER BY seq"));
  select->BindText(1, held);
  std::vector<PairHistoryEntry> entries;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    PairHistoryEntry e;
    LX_ASSIGN_OR_RETURN(e.kind, PairingKindOf(select->ColumnText(0)));
    e.held = select->ColumnText(1);
    e.from_holder = select->ColumnText(2);
    e.to_holder = select->ColumnText(3);
    e.reason = select->ColumnText(4);
    e.at_millis = select->ColumnInt(5);
    entries.push_back(std::move(e));
  }
  return entries;
}

Result<std::string> SqliteStore::JournalHead() {
  LX_ASSIGN_OR_RETURN(Statement * head, Prepare("SELECT hash FROM journal ORDER BY seq DESC LIMIT 1"));
  LX_ASSIGN_OR_RETURN(bool found, head->Step());
  return found ? ToHex(head->ColumnBlob(0)) : std::string();
}

Result<std::int64_t> SqliteStore::PairingDataVersion() {
  // One index seek per table (journal_entity_seq), not a scan.
  LX_ASSIGN_OR_RETURN(
      Statement * newest,
      Prepare("SELECT MAX(m) FROM (SELECT MAX(seq) AS m FROM journal WHERE entity = 'regions' UNION ALL "
              "SELECT MAX(seq) FROM journal WHERE entity = 'units' UNION ALL "
              "SELECT MAX(seq) FROM journal WHERE entity = 'orgs' UNION ALL "
              "SELECT MAX(seq) FROM journal WHERE entity = 'cadres' UNION ALL "
              "SELECT MAX(seq) FROM journal WHERE entity = 'households' UNION ALL "
              "SELECT MAX(seq) FROM journal WHERE entity = 'pairs' UNION ALL "
              "SELECT MAX(seq) FROM journal WHERE entity = 'pins')"));
  LX_ASSIGN_OR_RETURN(bool found, newest->Step());
  std::int64_t version = found ? newest->ColumnInt(0) : 0;
  newest->Reset();
  return version;
}

Result<std::vector<JournalEntry>> SqliteStore::ReadJournal(std::int64_t after_seq, int limit) {
  LX_ASSIGN_OR_RETURN(
      Statement * select,
      Prepare("SELECT seq, at_millis, actor, action, entity, entity_key, before, after FROM journal "
              "WHERE seq > ?1 ORDER BY seq LIMIT ?2"));
  select->BindInt(1, after_seq).BindInt(2, limit);
  std::vector<JournalEntry> entries;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    entries.push_back({select->ColumnInt(0), select->ColumnInt(1), std::string(select->ColumnText(2)),
                       std::string(select->ColumnText(3)), std::string(select->ColumnText(4)),
                       std::string(select->ColumnText(5)), std::string(select->ColumnText(6)),
                       std::string(select->ColumnText(7))});
  }
  return entries;
}

// ---------------------------------------------------------------------------
// The registry read side for the API: lists, single records, scope
// (store.hpp, "Reading the registry for the API", holds the rule).

// One SQL condition and its `?` parameters, in the order they appear.
struct Condition {
  std::string sql;
  std::vector<Cell> binds;
};

const Condition kNothing{"0", {}};

// The least string above every string that starts with `prefix` (empty when
// there is none), so `column >= prefix AND column < end` is a prefix match
// an index can serve.
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

// A region subtree as a range of codes: [lo, hi).
struct Subtree {
  std::string county;  // its 6 digits
  std::string lo, hi;
  bool whole_county = false;
};

// ScopeContains' hierarchy (auth.hpp): a county is its 6 digits (also
// written as 12 ending 000000), a township its first 9 (12 ending 000), a
// village all 12. nullopt for anything else.
std::optional<Subtree> SubtreeOf(std::string_view code) {
  std::optional<std::string> lo = RegionSubtreePrefix(code);
  if (!lo) return std::nullopt;
  return Subtree{lo->substr(0, 6), *lo, PrefixEnd(*lo), lo->size() == 6};
}

Condition InSubtree(const std::string& column, const Subtree& t) {
  return {column + " >= ? AND " + column + " < ?", {Cell::Text(t.lo), Cell::Text(t.hi)}};
}

constexpr std::string_view kVillagesOfUnit =
    "SELECT held FROM pairs WHERE kind = 'unit_village' AND holder = ?";
constexpr std::string_view kHouseholdsOfCadre =
    "SELECT held FROM pairs WHERE kind IN ('contact', 'assistance') AND holder = ?";

// How the planner may use a condition. kLead: read the table through the
// condition's index (right for a narrow condition). kFilter: only test rows
// read some other way — for a page of a large selection, read in key order
// and stopped after one page, or for the wider of two nested regions — by
// writing "+column", which SQLite does not look up through an index.
enum class Use { kLead, kFilter };

std::string Col(Use use, std::string_view column) {
  return (use == Use::kFilter ? "+" : "") + std::string(column);
}

// The codes of the units a region subtree reaches: a county's own units; for
// a township or village, the units holding one of its villages.
Condition UnitsIn(const Subtree& t) {
  if (t.whole_county) return {"SELECT code FROM units WHERE county_code = ?", {Cell::Text(t.county)}};
  return {"SELECT holder FROM pairs WHERE kind = 'unit_village' AND held >= ? AND held < ?",
          {Cell::Text(t.lo), Cell::Text(t.hi)}};
}

// Members whose household meets `households` (a condition on the households
// table): as a list of household codes when leading, and as a look-up of
// each member's household when filtering (a page of a large selection then
// costs a few rows, not the list of every household in it).
Condition MembersOfHouseholds(Condition households, Use use) {
  if (use == Use::kLead) {
    return {"household_code IN (SELECT code FROM households WHERE " + households.sql + ")",
            std::move(households.binds)};
  }
  return {"EXISTS (SELECT 1 FROM households WHERE households.code = members.household_code AND (" +
              households.sql + "))",
          std::move(households.binds)};
}

// What a region scope, or the region filter, on subtree `t` selects of `kind`.
Condition RegionRule(RecordKind kind, const Subtree& t, Use use) {
  switch (kind) {
    case RecordKind::kRegions:
      return InSubtree("code", t);  // the key: a range of the table itself
    case RecordKind::kUnits: {
      Condition units = UnitsIn(t);
      return {"code IN (" + units.sql + ")", units.binds};
    }
    case RecordKind::kOrgs:
      return InSubtree(Col(use, "region_code"), t);
    case RecordKind::kCadres: {
      // A village's own party members, and, for a whole county, the cadres
      // of its units: a unit's cadres are owned by the county the unit is
      // registered in, never by the townships whose villages it holds.
      Condition village = InSubtree(Col(use, "village_code"), t);
      if (!t.whole_county) return village;
      Condition units = UnitsIn(t);
      std::vector<Cell> binds = village.binds;
      binds.insert(binds.end(), units.binds.begin(), units.binds.end());
      return {"(" + village.sql + ") OR " + Col(use, "unit_code") + " IN (" + units.sql + ")",
              std::move(binds)};
    }
    case RecordKind::kHouseholds:
      return InSubtree(Col(use, "village_code"), t);
    case RecordKind::kMembers:
      return MembersOfHouseholds(InSubtree("village_code", t), use);
  }
  return kNothing;
}

// What `scope` reaches of `kind`; nothing for kNone or a malformed scope.
Condition ScopeRule(RecordKind kind, const Scope& scope, Use use) {
  const std::string in_villages = " IN (" + std::string(kVillagesOfUnit) + ")";
  const std::string in_households = " IN (" + std::string(kHouseholdsOfCadre) + ")";
  const Cell code = Cell::Text(scope.code);
  switch (scope.kind) {
    case ScopeKind::kNone:
      return kNothing;
    case ScopeKind::kRegion: {
      std::optional<Subtree> t = SubtreeOf(scope.code);
      return t ? RegionRule(kind, *t, use) : kNothing;
    }
    case ScopeKind::kUnit:
      if (scope.code.empty()) return kNothing;
      switch (kind) {
        case RecordKind::kRegions:
          return {"code" + in_villages, {code}};
        case RecordKind::kUnits:
          return {"code = ?", {code}};
        case RecordKind::kOrgs:
          return {Col(use, "region_code") + in_villages, {code}};
        case RecordKind::kCadres:
          return {Col(use, "unit_code") + " = ?", {code}};
        case RecordKind::kHouseholds:
          return {Col(use, "village_code") + in_villages, {code}};
        case RecordKind::kMembers:
          return MembersOfHouseholds({"village_code" + in_villages, {code}}, use);
      }
      return kNothing;
    case ScopeKind::kCadre:
      if (scope.code.empty()) return kNothing;
      switch (kind) {
        case RecordKind::kRegions:
          return {"code IN (SELECT village_code FROM households WHERE code" + in_households + ")", {code}};
        case RecordKind::kUnits:
          return {"code IN (SELECT unit_code FROM cadres WHERE code = ?)", {code}};
        case RecordKind::kOrgs:
          return kNothing;
        case RecordKind::kCadres:
          return {"code = ?", {code}};
        case RecordKind::kHouseholds:
          return {"code" + in_households, {code}};
        case RecordKind::kMembers:
          // Few households: their members through the index, either way.
          return {"household_code" + in_households, {code}};
      }
      return kNothing;
  }
  return kNothing;
}

// `text` for LIKE ... ESCAPE '\': its wildcards taken literally.
std::string EscapeLike(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// ListQuery::q for `kind`. A whole valid ID number is looked up through the
// blind index alone (no name holds one, no key begins with one); a whole
// valid phone number through the blind index or as a key prefix (a digit
// string like 14990100100 is both); any other text as a name (or address)
// substring or a key prefix. The look-ups are index searches, the substring
// a scan.
Condition TextRule(RecordKind kind, std::string_view q, const FieldCipher& cipher, const Date& today) {
  Condition out;
  auto any = [&out](std::string sql, std::vector<Cell> binds) {
    if (!out.sql.empty()) out.sql += " OR ";
    out.sql += "(" + sql + ")";
    out.binds.insert(out.binds.end(), binds.begin(), binds.end());
  };
  const std::string key = kind == RecordKind::kMembers ? "household_code" : "code";
  auto key_prefix = [&] {
    std::string end = PrefixEnd(std::string(q));
    if (end.empty()) return any(key + " >= ?", {Cell::Text(q)});
    any(key + " >= ? AND " + key + " < ?", {Cell::Text(q), Cell::Text(end)});
  };
  if (Result<IdInfo> info = ParseIdNumber(q, today); info.ok()) {
    const Cell id = Cell::Blob(cipher.BlindIndex(kIdDomain, info->normalized));
    switch (kind) {
      case RecordKind::kCadres:
      case RecordKind::kMembers:
        any("id_bidx = ?", {id});
        break;
      case RecordKind::kHouseholds:
        // By its head, or by any member: the ID a caller gives may be anyone's in the household.
        any("head_id_bidx = ?", {id});
        any("code IN (SELECT household_code FROM members WHERE id_bidx = ?)", {id});
        break;
      default:
        return kNothing;
    }
    return out;
  }
  if (Result<std::string> number = ParsePhone(q); number.ok()) {
    const Cell phone = Cell::Blob(cipher.BlindIndex(kPhoneDomain, *number));
    if (kind == RecordKind::kCadres || kind == RecordKind::kHouseholds) any("phone_bidx = ?", {phone});
    key_prefix();
    return out;
  }
  const Cell like = Cell::Text("%" + EscapeLike(q) + "%");
  auto name = [&](std::string_view column) { any(std::string(column) + " LIKE ? ESCAPE '\\'", {like}); };
  switch (kind) {
    case RecordKind::kHouseholds:
      name("head_name");
      name("address");
      break;
    default:
      name("name");
      break;
  }
  key_prefix();
  return out;
}

// " WHERE a AND b …" (nothing for no conditions) and their parameters, in order.
Condition Joined(const std::vector<Condition>& conditions) {
  Condition out;
  for (const Condition& c : conditions) {
    out.sql += out.sql.empty() ? " WHERE (" : " AND (";
    out.sql += c.sql + ")";
    out.binds.insert(out.binds.end(), c.binds.begin(), c.binds.end());
  }
  return out;
}

// Decodes the current row of a SelectSql(Def(kind)) statement into `sink`.
Status EmitRow(RecordKind kind, const Statement& row, const Codec& codec, RegistrySink& sink) {
  switch (kind) {
    case RecordKind::kRegions: {
      LX_ASSIGN_OR_RETURN(Region r, DecodeRegion(row));
      return sink.Add(r);
    }
    case RecordKind::kUnits: {
      LX_ASSIGN_OR_RETURN(Unit u, DecodeUnit(row));
      return sink.Add(u);
    }
    case RecordKind::kOrgs: {
      LX_ASSIGN_OR_RETURN(Org o, DecodeOrg(row));
      return sink.Add(o);
    }
    case RecordKind::kCadres: {
      LX_ASSIGN_OR_RETURN(Cadre c, DecodeCadre(row, codec));
      return sink.Add(c);
    }
    case RecordKind::kHouseholds: {
      LX_ASSIGN_OR_RETURN(Household h, DecodeHousehold(row, codec));
      return sink.Add(h);
    }
    case RecordKind::kMembers: {
      LX_ASSIGN_OR_RETURN(Member m, DecodeMember(row, codec));
      return sink.Add(m);
    }
  }
  return Status::Internal("unknown record kind");
}

// Cursors: base64url of MAC ‖ kind ‖ key, the MAC a keyed hash (the blind
// index key, its own domain) so a cursor this store did not make, or made for
// another kind, is refused rather than trusted. The key is a natural key
// (members: their row number), never personal data.
constexpr std::string_view kCursorDomain = "cursor";
constexpr size_t kCursorMacSize = 8;

std::string SealCursor(const FieldCipher& cipher, RecordKind kind, std::string_view key) {
  std::string payload(1, static_cast<char>('a' + static_cast<int>(kind)));
  payload += key;
  std::string sealed = cipher.BlindIndex(kCursorDomain, payload).substr(0, kCursorMacSize) + payload;
  std::string out(sodium_base64_encoded_len(sealed.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(sealed.data()),
                    sealed.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<std::string> OpenCursor(const FieldCipher& cipher, RecordKind kind, std::string_view cursor) {
  const Status refused = Status::Invalid("翻页游标无效 (cursor_invalid)", "cursor");
  if (cursor.size() > 1024) return refused;
  std::string sealed(cursor.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(sealed.data()), sealed.size(), cursor.data(),
                        cursor.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      length < kCursorMacSize + 2) {
    return refused;
  }
  sealed.resize(length);
  std::string payload = sealed.substr(kCursorMacSize);
  std::string mac = cipher.BlindIndex(kCursorDomain, payload).substr(0, kCursorMacSize);
  if (sodium_memcmp(mac.data(), sealed.data(), kCursorMacSize) != 0) return refused;
  if (payload[0] != static_cast<char>('a' + static_cast<int>(kind))) return refused;
  return payload.substr(1);
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

constexpr int kMaxListLimit = 1000;
// Above this many matches a page is read in key order (a county's database
// holds ~100 k households, so such a selection is dense enough that a page
// is found within a few thousand rows); at or below it, read through the
// filter's index and sorted, which costs at most this many rows.
constexpr std::int64_t kSortedSelectionMax = 2000;

// Count and page read one snapshot, unless a write transaction (which
// already is one) is open.
class ReadSnapshot {
 public:
  ReadSnapshot(sqlite3* db, bool in_txn) : db_(db) {
    if (!in_txn) open_ = sqlite::Exec(db_, "BEGIN").ok();
  }
  ~ReadSnapshot() {
    if (open_) (void)sqlite::Exec(db_, "COMMIT");
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  sqlite3* db_;
  bool open_ = false;
};

// Resets a cached statement on every path out, so an early return does not
// leave it holding its read.
struct ResetOnExit {
  Statement* stmt;
  ~ResetOnExit() { stmt->Reset(); }
};

Result<ListPage> SqliteStore::List(RecordKind kind, const ListQuery& query, RegistrySink& sink) {
  if (query.limit < 1 || query.limit > kMaxListLimit) {
    return Status::Invalid("每页条数应在 1 到 1000 之间 (limit_invalid)", "limit");
  }
  std::optional<Subtree> region;
  if (!query.region.empty()) {
    region = SubtreeOf(query.region);
    if (!region) {
      return Status::Invalid("区划代码应为 6 位县级代码或 12 位统计用区划代码 (region_invalid)", "region");
    }
  }
  const bool members = kind == RecordKind::kMembers;
  std::string after;
  std::int64_t after_seq = 0;
  if (!query.cursor.empty()) {
    LX_ASSIGN_OR_RETURN(after, OpenCursor(cipher_, kind, query.cursor));
    if (members) {
      auto [end, ec] = std::from_chars(after.data(), after.data() + after.size(), after_seq);
      if (ec != std::errc() || end != after.data() + after.size()) {
        return Status::Invalid("翻页游标无效 (cursor_invalid)", "cursor");
      }
    }
  }
  const std::string_view q = TrimSpaces(query.q);
  const Date today = ChinaDateOf(clock_.NowMillis());
  // Of a region scope and a region filter, one inside the other, the inner
  // one leads: SQLite would otherwise as soon read a whole county's range.
  Use scope_use = Use::kLead, region_use = Use::kLead;
  if (std::optional<Subtree> scope_tree =
          query.scope.kind == ScopeKind::kRegion ? SubtreeOf(query.scope.code) : std::nullopt;
      scope_tree && region) {
    (region->lo.starts_with(scope_tree->lo) ? scope_use : region_use) = Use::kFilter;
  }
  auto conditions = [&](bool key_order) {
    std::vector<Condition> all{ScopeRule(kind, query.scope, key_order ? Use::kFilter : scope_use)};
    if (region) all.push_back(RegionRule(kind, *region, key_order ? Use::kFilter : region_use));
    if (!q.empty()) all.push_back(TextRule(kind, q, cipher_, today));
    return all;
  };
  const TableDef& def = Def(kind);
  const std::string table(def.name);
  ReadSnapshot snapshot(db(), txn_open_ || batch_open_ || read_open_);

  ListPage page;
  {
    Condition where = Joined(conditions(false));
    LX_ASSIGN_OR_RETURN(Statement * count, Prepare("SELECT COUNT(*) FROM " + table + where.sql));
    ResetOnExit reset{count};
    for (size_t i = 0; i < where.binds.size(); ++i) Bind(*count, static_cast<int>(i + 1), where.binds[i]);
    LX_ASSIGN_OR_RETURN(bool row, count->Step());
    page.total = row ? count->ColumnInt(0) : 0;
  }
  if (page.total == 0) return page;

  std::vector<Condition> all = conditions(page.total > kSortedSelectionMax);
  const std::string key = members ? "seq" : "code";
  if (!query.cursor.empty()) {
    all.push_back({key + " > ?", {members ? Cell::Int(after_seq) : Cell::Text(after)}});
  }
  Condition where = Joined(all);
  // SelectSql's columns, and for members their row number last (the cursor).
  std::string sql = SelectSql(def);
  if (members) sql.insert(sql.find(" FROM "), ", seq");
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare(sql + where.sql + " ORDER BY " + key + " LIMIT ?"));
  ResetOnExit reset{select};
  for (size_t i = 0; i < where.binds.size(); ++i) Bind(*select, static_cast<int>(i + 1), where.binds[i]);
  // One row more than the page: whether there is a next one.
  select->BindInt(static_cast<int>(where.binds.size() + 1), query.limit + 1);
  std::string last;
  for (int n = 0;; ++n) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    if (n == query.limit) {
      page.next = SealCursor(cipher_, kind, last);
      break;
    }
    LX_RETURN_IF_ERROR(EmitRow(kind, *select, codec_, sink));
    last = members ? std::to_string(select->ColumnInt(static_cast<int>(def.columns.size())))
                   : std::string(select->ColumnText(0));
  }
  return page;
}

Status SqliteStore::Get(RecordKind kind, std::string_view key, RegistrySink& sink) {
  if (kind == RecordKind::kMembers) {
    return Status::Invalid("家庭成员不单独查询,请按户查询 (members_by_household)", "kind");
  }
  const TableDef& def = Def(kind);
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare(SelectSql(def) + " WHERE code = ?1"));
  ResetOnExit reset{select};
  select->BindText(1, key);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) {
    return Status::NotFound(std::string(Token(kind)) + " " + std::string(key) + " 不存在 (not_found)");
  }
  return EmitRow(kind, *select, codec_, sink);
}

Status SqliteStore::MembersOf(std::string_view household_code, RegistrySink& sink) {
  {
    LX_ASSIGN_OR_RETURN(Statement * exists, Prepare("SELECT 1 FROM households WHERE code = ?1"));
    ResetOnExit reset{exists};
    exists->BindText(1, household_code);
    LX_ASSIGN_OR_RETURN(bool found, exists->Step());
    if (!found) return Status::NotFound("户 " + std::string(household_code) + " 不存在 (not_found)");
  }
  return EmitMembers(household_code, sink);
}

Status SqliteStore::EmitMembers(std::string_view household_code, RegistrySink& sink) {
  LX_ASSIGN_OR_RETURN(Statement * select,
                      Prepare(SelectSql(Def(RecordKind::kMembers)) +
                              " WHERE household_code = ?1 ORDER BY relation <> '户主', seq"));
  ResetOnExit reset{select};
  select->BindText(1, household_code);
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return Status::Ok();
    LX_RETURN_IF_ERROR(EmitRow(RecordKind::kMembers, *select, codec_, sink));
  }
}

Result<bool> SqliteStore::InScope(RecordKind kind, std::string_view key, const Scope& scope) {
  if (kind == RecordKind::kMembers) {
    // A member is in scope with its household: one look-up by the ID's
    // blind index, then the household's check (cheaper than the members rule).
    std::string household;
    {
      LX_ASSIGN_OR_RETURN(Statement * owner,
                          Prepare("SELECT household_code FROM members WHERE id_bidx = ?1"));
      ResetOnExit reset{owner};
      owner->BindBlob(1, codec_.IdIndex(IdNumber(std::string(key))));
      LX_ASSIGN_OR_RETURN(bool found, owner->Step());
      if (!found) return Status::NotFound("记录不存在 (not_found)");
      household = owner->ColumnText(0);
    }
    return InScope(RecordKind::kHouseholds, household, scope);
  }
  Condition rule = ScopeRule(kind, scope, Use::kLead);
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare("SELECT " + rule.sql + " FROM " +
                                                  std::string(Def(kind).name) + " WHERE code = ?"));
  ResetOnExit reset{select};
  for (size_t i = 0; i < rule.binds.size(); ++i) Bind(*select, static_cast<int>(i + 1), rule.binds[i]);
  select->BindText(static_cast<int>(rule.binds.size() + 1), key);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  // Word for word what the API answers out of scope (access.cpp OutOfScope),
  // so a caller cannot tell a record it may not see from one that is not there.
  if (!found) return Status::NotFound("记录不存在 (not_found)");
  return select->ColumnInt(0) != 0;
}

Result<bool> SqliteStore::GetWithin(RecordKind kind, std::string_view key, const Scope& scope,
                                    RegistrySink& sink) {
  if (kind == RecordKind::kMembers) {
    return Status::Invalid("家庭成员不单独查询,请按户查询 (members_by_household)", "kind");
  }
  const TableDef& def = Def(kind);
  Condition rule = ScopeRule(kind, scope, Use::kLead);
  // The record's columns, then whether it lies in scope.
  std::string sql = SelectSql(def);
  sql.insert(sql.find(" FROM "), ", " + rule.sql);
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare(sql + " WHERE code = ?"));
  {
    ResetOnExit reset{select};
    for (size_t i = 0; i < rule.binds.size(); ++i) Bind(*select, static_cast<int>(i + 1), rule.binds[i]);
    select->BindText(static_cast<int>(rule.binds.size() + 1), key);
    LX_ASSIGN_OR_RETURN(bool found, select->Step());
    if (!found || select->ColumnInt(static_cast<int>(def.columns.size())) == 0) return false;
    LX_RETURN_IF_ERROR(EmitRow(kind, *select, codec_, sink));
  }
  if (kind == RecordKind::kHouseholds) LX_RETURN_IF_ERROR(EmitMembers(key, sink));
  return true;
}

constexpr std::string_view kHeadDomain = "journal_head";

std::string SqliteStore::HeadMac(const Mark& mark) const {
  return cipher_.BlindIndex(kHeadDomain, std::to_string(mark.seq) + '\0' + mark.hash);
}

Status SqliteStore::WriteHead(const Mark& mark) {
  LX_ASSIGN_OR_RETURN(
      Statement * upsert,
      Prepare("INSERT OR REPLACE INTO journal_head (id, seq, hash, mac) VALUES (1, ?1, ?2, ?3)"));
  upsert->BindInt(1, mark.seq).BindBlob(2, mark.hash).BindBlob(3, HeadMac(mark));
  return upsert->Run();
}

std::string SqliteStore::CheckpointLine(const Mark& mark) const {
  return std::to_string(mark.seq) + " " + ToHex(mark.hash) + " " + ToHex(HeadMac(mark)) + "\n";
}

// Writes `text` to `path` through a temporary file and a rename, so a reader
// sees the old checkpoint or the new one, never half of one.
Status ReplaceFile(const std::string& path, const std::string& text) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::Internal("无法写入日志检查点 " + temporary);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) return Status::Internal("无法写入日志检查点 " + path + ": " + ec.message());
  return Status::Ok();
}

Result<std::string> HexToBytes(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  size_t length = 0;
  if (hex.size() % 2 != 0 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(),
                     nullptr, &length, nullptr) != 0 ||
      length != out.size()) {
    return Status::Invalid("not hex");
  }
  return out;
}

Result<std::string> SqliteStore::JournalCheckpoint() {
  std::error_code ec;
  if (!std::filesystem::exists(checkpoint_path_, ec)) return std::string();
  std::ifstream in(checkpoint_path_);
  std::string seq, hash;
  in >> seq >> hash;
  if (!in) return Status::Tampered("日志检查点文件 " + checkpoint_path_ + " 格式错误 (checkpoint_format)");
  return seq + " " + hash;
}

// Four checks: the chain itself (every hash recomputes, every link points at
// the entry before); its head against the journal_head row, whose MAC only
// the key holder can make (a removed tail or a chain rebuilt with fresh hashes
// no longer matches); the checkpoint file beside the key names an entry of
// this chain (a rollback past it is caught); and every journaled table
// against the chain (every row equals the `after` of its newest entry), so an
// edit made behind the program's back — to the journal or to a table — is
// named. Every failure is kTampered.
Status SqliteStore::Verify(const VerifyMode& mode, std::int64_t* entries_checked, Mark* head_out) {
  // The checkpoint first: the walk below looks for its entry.
  std::optional<Mark> checkpoint;
  if (mode.against_checkpoint && !mode.legacy) {
    std::error_code ec;
    if (std::filesystem::exists(checkpoint_path_, ec)) {
      std::ifstream in(checkpoint_path_);
      std::string seq_text, hash_hex, mac_hex;
      in >> seq_text >> hash_hex >> mac_hex;
      Mark mark;
      Result<std::string> hash = HexToBytes(hash_hex);
      Result<std::string> mac = HexToBytes(mac_hex);
      auto [end, error] = std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), mark.seq);
      if (!in || error != std::errc() || end != seq_text.data() + seq_text.size() || !hash.ok() ||
          !mac.ok()) {
        return Status::Tampered("日志检查点文件 " + checkpoint_path_ + " 格式错误 (checkpoint_format)");
      }
      mark.hash = *hash;
      if (HeadMac(mark) != *mac) {
        return Status::Tampered("日志检查点文件 " + checkpoint_path_ +
                                " 的校验码不符,检查点被改写 (checkpoint_mac)");
      }
      checkpoint = std::move(mark);
    }
  }
  Statement select(db(),
                   "SELECT seq, at_millis, actor, action, entity, entity_key, before, after, prev_hash, hash "
                   "FROM journal ORDER BY seq");
  LX_RETURN_IF_ERROR(select.prepared());
  // Events (the audit log) are chained like every entry but have no row to match.
  const std::vector<const TableDef*> defs = AllTableDefs(mode.legacy);
  std::set<std::string, std::less<>> tables;
  for (const TableDef* def : defs) tables.emplace(def->name);
  JournalWalk walk(std::move(tables), checkpoint);
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    JournalEntry entry{select.ColumnInt(0),
                       select.ColumnInt(1),
                       std::string(select.ColumnText(2)),
                       std::string(select.ColumnText(3)),
                       std::string(select.ColumnText(4)),
                       std::string(select.ColumnText(5)),
                       std::string(select.ColumnText(6)),
                       std::string(select.ColumnText(7))};
    LX_RETURN_IF_ERROR(walk.Entry(entry, select.ColumnBlob(8), select.ColumnBlob(9)));
  }
  if (!mode.legacy) {
    Statement sealed(db(), "SELECT seq, hash, mac FROM journal_head WHERE id = 1");
    LX_RETURN_IF_ERROR(sealed.prepared());
    LX_ASSIGN_OR_RETURN(bool found, sealed.Step());
    if (!found) return Status::Tampered("日志头记录 journal_head 缺失 (journal_head_missing)");
    Mark recorded{sealed.ColumnInt(0), std::string(sealed.ColumnBlob(1))};
    if (sealed.ColumnBlob(2) != HeadMac(recorded)) {
      return Status::Tampered("日志头记录的校验码不符,日志头被绕过系统改写 (journal_head_mac)");
    }
    LX_RETURN_IF_ERROR(walk.Head(recorded));
  }
  if (!mode.legacy) {
    // What keeps the journal append-only, and which migrations made the
    // schema, are data too: a dropped trigger or a rewritten migration row
    // is a change made behind the program's back.
    Statement triggers(
        db(),
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'journal' AND "
        "name IN ('journal_no_update', 'journal_no_delete')");
    LX_RETURN_IF_ERROR(triggers.prepared());
    LX_ASSIGN_OR_RETURN(bool counted, triggers.Step());
    if (!counted || triggers.ColumnInt(0) != 2) {
      return Status::Tampered("日志表的只增触发器被删除 (journal_trigger)");
    }
    Statement applied(db(), "SELECT number, name FROM schema_migrations ORDER BY number");
    LX_RETURN_IF_ERROR(applied.prepared());
    for (const Migration& migration : Migrations()) {
      LX_ASSIGN_OR_RETURN(bool row, applied.Step());
      if (!row || applied.ColumnInt(0) != migration.number || applied.ColumnText(1) != migration.name) {
        return Status::Tampered("迁移记录 schema_migrations 与程序不符,第 " +
                                std::to_string(migration.number) + " 号被改动 (schema_migrations)");
      }
    }
    LX_ASSIGN_OR_RETURN(bool extra, applied.Step());
    if (extra) return Status::Tampered("迁移记录 schema_migrations 中有程序不认识的行 (schema_migrations)");
  }
  for (const TableDef* def : defs) {
    Statement rows(db(), SelectSql(*def));
    LX_RETURN_IF_ERROR(rows.prepared());
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      LX_RETURN_IF_ERROR(walk.Row(*def, ReadImage(rows, def->columns.size()), mode.legacy));
    }
  }
  LX_RETURN_IF_ERROR(walk.Finish());
  if (entries_checked) *entries_checked = walk.entries();
  if (head_out) *head_out = walk.head();
  return Status::Ok();
}

// A verified head becomes the checkpoint, so a later rollback past it shows.
Status SqliteStore::VerifyJournal(std::int64_t* entries_checked) {
  Mark head;
  LX_RETURN_IF_ERROR(Verify({}, entries_checked, &head));
  return ReplaceFile(checkpoint_path_, CheckpointLine(head));
}

// Schema 5, inside the migration's transaction: the old journal must verify
// as it stands (so the upgrade launders nothing), then every ciphertext is
// re-sealed bound to its row, the password history is journaled, and the
// head is sealed.
Status SqliteStore::UpgradeToSchema5() {
  Status old = Verify({.legacy = true, .against_checkpoint = false}, nullptr, nullptr);
  if (!old.ok()) {
    return Status(old.code(),
                  "数据库未通过升级前的日志校验,未作升级;请先查明 (upgrade_refused): " + old.message());
  }
  // The writes join the migration's transaction.
  SqliteTxn sqlite_txn(*this, "upgrade:schema5");
  LX_RETURN_IF_ERROR(sqlite_txn.Start(/*join=*/true));
  for (const TableDef* def :
       {&Def(RecordKind::kCadres), &Def(RecordKind::kHouseholds), &Def(RecordKind::kMembers), &UsersDef()}) {
    LX_RETURN_IF_ERROR(sqlite_txn.Reseal(*def));
  }
  LX_RETURN_IF_ERROR(sqlite_txn.Adopt(PasswordHistoryDef()));
  sqlite_txn.SealHeadAtCommit();
  return sqlite_txn.Commit();
}

// ---------------------------------------------------------------------------
// Accounts (auth.hpp) on the same database, through a connection of its own.

const TableDef& AuditDef() {
  static const TableDef kDef{"audit", {{"key"}}, ""};
  return kDef;
}

std::string PendingKey(std::string_view username, PendingKind kind) {
  return std::string(username) + "|" + std::string(PendingKindToken(kind));
}

class SqliteUserRepository final : public UserRepository {
 public:
  SqliteUserRepository(std::unique_ptr<SqliteStore> store, GroupCommitWriter* writer)
      : store_(std::move(store)), writer_(writer) {}

 private:
  // The lock of every read, which on the way out ends whatever read the
  // call left open, so the next call sees commits made elsewhere (the
  // writer, `lianxin user` in another process).
  struct Locked {
    explicit Locked(SqliteUserRepository& repository) : guard(repository.mu_), store(*repository.store_) {}
    ~Locked() { store.EndRead(); }
    std::lock_guard<std::mutex> guard;
    SqliteStore& store;
  };

  // Every write: on the server, a job of the group-commit writer on its
  // connection (writer.hpp: durable when Write returns, and no second
  // connection writes); without a writer (the CLI, tests), on this
  // repository's own connection under its lock.
  Status Apply(const std::function<Status(SqliteStore&)>& job) {
    Status written;
    if (writer_ != nullptr) {
      written = writer_->Write([&job](Store& store) { return job(static_cast<SqliteStore&>(store)); });
    } else {
      Locked lock(*this);
      written = job(*store_);
    }
    // Counted once committed, so a session read before then is not kept
    // under the new stamp (data_version does not count this connection's
    // own commits, nor the writer's until it is next read).
    ++own_writes_;
    return written;
  }

 public:
  // Every change to users and sessions made in this process goes through
  // Apply, which counts it as it commits; registry writes, the bulk of the
  // writer's work, leave the stamp (and the sessions kept in memory) alone.
  // One made by another process (`lianxin user` beside the server, SQL by
  // hand) shows in SQLite's data_version, which takes a read of the
  // database: it is read at most every kForeignChangeMillis, not on every
  // request, so such a change takes effect within that time. The sum grows
  // whenever either part does.
  static constexpr std::int64_t kForeignChangeMillis = 250;
  Result<std::optional<std::int64_t>> ChangeStamp() override {
    const std::int64_t now = store_->clock().NowMillis();
    const std::int64_t checked = foreign_checked_at_.load();
    if (now - checked >= kForeignChangeMillis || now < checked) {
      Locked lock(*this);
      LX_ASSIGN_OR_RETURN(Statement * pragma, store_->Prepare("PRAGMA data_version"));
      LX_ASSIGN_OR_RETURN(bool row, pragma->Step());
      if (!row) return Status::Internal("PRAGMA data_version 无结果 (no data_version)");
      foreign_version_.store(pragma->ColumnInt(0));
      pragma->Reset();
      foreign_checked_at_.store(now);
    }
    return std::optional<std::int64_t>(foreign_version_.load() + own_writes_.load());
  }

  Result<std::optional<User>> FindByUsername(std::string_view username) override {
    Locked lock(*this);
    return Find(*store_, username, nullptr);
  }

  Status Insert(const User& user) override {
    return Apply([&](SqliteStore& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::optional<User> existing, Find(store, user.username, nullptr));
      if (existing) return Status::Conflict("用户名已存在: " + user.username + " (username_taken)");
      return Write(store, user, "");
    });
  }

  Status Update(const User& user) override {
    return Apply([&](SqliteStore& store) -> Status {
      std::string sealed;
      LX_ASSIGN_OR_RETURN(std::optional<User> existing, Find(store, user.username, &sealed));
      if (!existing) return Status::NotFound("用户不存在: " + user.username);
      return Write(store, user, existing->totp_secret == user.totp_secret ? sealed : "");
    });
  }

  Result<bool> HasAnyUser() override {
    Locked lock(*this);
    LX_ASSIGN_OR_RETURN(Statement * select, store_->Prepare("SELECT 1 FROM users LIMIT 1"));
    return select->Step();
  }

  Result<std::vector<User>> ListUsers() override {
    Locked lock(*this);
    // The names first: Find reuses a cached statement of its own.
    LX_ASSIGN_OR_RETURN(Statement * select, store_->Prepare("SELECT username FROM users ORDER BY username"));
    std::vector<std::string> names;
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) break;
      names.emplace_back(select->ColumnText(0));
    }
    std::vector<User> users;
    for (const std::string& name : names) {
      LX_ASSIGN_OR_RETURN(std::optional<User> user, Find(*store_, name, nullptr));
      if (user) users.push_back(std::move(*user));
    }
    return users;
  }

  Result<std::vector<std::string>> PreviousPasswordHashes(std::string_view username, int n) override {
    Locked lock(*this);
    LX_ASSIGN_OR_RETURN(Statement * select,
                        store_->Prepare("SELECT hash FROM password_history WHERE username = ?1 "
                                        "ORDER BY seq DESC LIMIT ?2"));
    select->BindText(1, username).BindInt(2, n);
    std::vector<std::string> hashes;
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) return hashes;
      hashes.emplace_back(select->ColumnText(0));
    }
  }

  // Journaled (the hash as a digest): a deleted entry would let an old
  // password back in, and verify must see that.
  Status AddPasswordHash(std::string_view username, std::string_view hash, std::int64_t at_millis) override {
    return Apply([&](SqliteStore& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("auth"));
      LX_ASSIGN_OR_RETURN(Statement * max,
                          store.Prepare("SELECT COALESCE(MAX(seq), 0) FROM password_history"));
      LX_ASSIGN_OR_RETURN(bool found, max->Step());
      Image image{Cell::Int((found ? max->ColumnInt(0) : 0) + 1), Cell::Text(username), Cell::Text(hash),
                  Cell::Int(at_millis)};
      max->Reset();
      LX_RETURN_IF_ERROR(
          static_cast<SqliteTxn&>(*txn).UpsertImage(PasswordHistoryDef(), std::move(image)).status());
      return txn->Commit();
    });
  }

  // Journaled (the CSRF token as a digest): a session row grants access, so
  // one planted behind the program's back must fail verify.
  Status SaveSession(const Session& session) override {
    return Apply([&](SqliteStore& store) -> Status {
      Image image{Cell::Text(session.token_hash),      Cell::Text(session.username),
                  Cell::Text(session.csrf_token),      Cell::Int(session.created_millis),
                  Cell::Int(session.last_seen_millis), Cell::Text(session.remote)};
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("auth"));
      LX_RETURN_IF_ERROR(static_cast<SqliteTxn&>(*txn).UpsertImage(SessionsDef(), std::move(image)).status());
      return txn->Commit();
    });
  }

  Result<std::optional<Session>> FindSession(std::string_view token_hash) override {
    Locked lock(*this);
    LX_ASSIGN_OR_RETURN(
        Statement * select,
        store_->Prepare("SELECT token_hash, username, csrf_token, created_millis, last_seen_millis, "
                        "remote FROM sessions WHERE token_hash = ?1"));
    select->BindText(1, token_hash);
    LX_ASSIGN_OR_RETURN(bool found, select->Step());
    if (!found) return std::optional<Session>();
    return std::optional<Session>(Session{std::string(select->ColumnText(0)),
                                          std::string(select->ColumnText(1)),
                                          std::string(select->ColumnText(2)), select->ColumnInt(3),
                                          select->ColumnInt(4), std::string(select->ColumnText(5))});
  }

  Status DeleteSession(std::string_view token_hash) override {
    return Apply([&](SqliteStore& store) { return DeleteSessionsWhere(store, "token_hash", token_hash); });
  }

  Status DeleteUserSessions(std::string_view username) override {
    return Apply([&](SqliteStore& store) { return DeleteSessionsWhere(store, "username", username); });
  }

  // Down the indexes of migration 006.
  Result<int> DeleteExpiredSessions(std::int64_t seen_before_millis,
                                    std::int64_t created_before_millis) override {
    int removed = 0;
    LX_RETURN_IF_ERROR(Apply([&](SqliteStore& store) -> Status {
      LX_ASSIGN_OR_RETURN(
          Statement * select,
          store.Prepare(
              "SELECT token_hash FROM sessions WHERE last_seen_millis < ?1 OR created_millis < ?2"));
      select->BindInt(1, seen_before_millis).BindInt(2, created_before_millis);
      LX_ASSIGN_OR_RETURN(removed, DeleteSelectedSessions(store, *select));
      return Status::Ok();
    }));
    return removed;
  }

  // Journaled (the reset password's hash as a digest).
  Status SavePending(const PendingChange& change) override {
    return Apply([&](SqliteStore& store) -> Status {
      Image image{Cell::Text(PendingKey(change.username, change.kind)),
                  Cell::Text(change.username),
                  Cell::Text(PendingKindToken(change.kind)),
                  Cell::Text(change.requested_by),
                  Cell::Int(change.requested_millis),
                  Cell::Text(JoinRoleTokens(change.roles)),
                  Cell::Text(ScopeKindToken(change.scope.kind)),
                  Cell::Text(change.scope.code),
                  Cell::Text(change.password_hash)};
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(change.requested_by));
      LX_RETURN_IF_ERROR(static_cast<SqliteTxn&>(*txn).UpsertImage(PendingDef(), std::move(image)).status());
      return txn->Commit();
    });
  }

  Result<std::vector<PendingChange>> ListPending(std::string_view username) override {
    Locked lock(*this);
    LX_ASSIGN_OR_RETURN(Statement * select,
                        store_->Prepare("SELECT username, kind, requested_by, requested_millis, roles, "
                                        "scope_kind, scope_code, password_hash FROM pending_changes "
                                        "WHERE ?1 = '' OR username = ?1 ORDER BY username, kind"));
    select->BindText(1, username);
    std::vector<PendingChange> changes;
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) return changes;
      PendingChange change;
      change.username = select->ColumnText(0);
      std::optional<PendingKind> kind = ParsePendingKind(select->ColumnText(1));
      std::optional<ScopeKind> scope_kind = ParseScopeKind(select->ColumnText(5));
      if (!kind || !scope_kind) return Status::Internal("数据库中 pending_changes 的值无效");
      change.kind = *kind;
      change.requested_by = select->ColumnText(2);
      change.requested_millis = select->ColumnInt(3);
      LX_ASSIGN_OR_RETURN(change.roles, ParseRoleTokens(select->ColumnText(4)));
      change.scope = {*scope_kind, std::string(select->ColumnText(6))};
      change.password_hash = select->ColumnText(7);
      changes.push_back(std::move(change));
    }
  }

  Status DeletePending(std::string_view username, PendingKind kind) override {
    return Apply([&](SqliteStore& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("auth"));
      Status removed = static_cast<SqliteTxn&>(*txn).DeleteImage(PendingDef(), PendingKey(username, kind));
      if (removed.code() == Code::kNotFound) return Status::Ok();  // none is fine
      LX_RETURN_IF_ERROR(removed);
      return txn->Commit();
    });
  }

  // An event in the journal, durable (synchronous=FULL) before returning.
  Status Audit(const AuditEvent& e) override {
    nlohmann::json json = {{"at_millis", e.at_millis}, {"actor", e.actor},   {"action", e.action},
                           {"target", e.target},       {"remote", e.remote}, {"outcome", e.outcome},
                           {"detail", e.detail}};
    return Apply([&](SqliteStore& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(e.actor.empty() ? "system" : e.actor));
      auto& sqlite_txn = static_cast<SqliteTxn&>(*txn);
      LX_RETURN_IF_ERROR(sqlite_txn.AppendJournal(e.action, AuditDef(), e.target, "", json.dump()));
      return txn->Commit();
    });
  }

  // Newest first down the journal_entity_seq index (migration 005). The
  // event's own fields decide the filters (the journal's actor and time are
  // the transaction's, which may differ).
  Result<std::vector<AuditRecord>> ReadAudit(const AuditQuery& q) override {
    Locked lock(*this);
    std::vector<AuditRecord> records;
    if (q.limit < 1) return records;
    LX_ASSIGN_OR_RETURN(
        Statement * select,
        store_->Prepare("SELECT seq, after FROM journal WHERE entity = 'audit' AND seq < ?1 "
                        "AND (?2 = 0 OR json_extract(after, '$.at_millis') >= ?2) "
                        "AND (?3 = '' OR action = ?3) AND (?4 = '' OR json_extract(after, '$.actor') = ?4) "
                        "ORDER BY seq DESC LIMIT ?5"));
    select->BindInt(1, q.before_seq > 0 ? q.before_seq : INT64_MAX)
        .BindInt(2, q.since_millis)
        .BindText(3, q.action)
        .BindText(4, q.actor)
        .BindInt(5, q.limit);
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) return records;
      nlohmann::json json = nlohmann::json::parse(select->ColumnText(1), nullptr, false);
      if (!json.is_object()) {
        return Status::Internal("审计记录 " + std::to_string(select->ColumnInt(0)) +
                                " 无法解析 (audit_corrupt)");
      }
      AuditRecord record;
      record.seq = select->ColumnInt(0);
      record.event.at_millis = json.value("at_millis", std::int64_t{0});
      record.event.actor = json.value("actor", "");
      record.event.action = json.value("action", "");
      record.event.target = json.value("target", "");
      record.event.remote = json.value("remote", "");
      record.event.outcome = json.value("outcome", "");
      record.event.detail = json.value("detail", "");
      records.push_back(std::move(record));
    }
  }

 private:
  // `sealed_secret`, when given, receives the stored ciphertext of the TOTP secret.
  static Result<std::optional<User>> Find(SqliteStore& store, std::string_view username,
                                          std::string* sealed_secret) {
    LX_ASSIGN_OR_RETURN(Statement * select, store.Prepare(SelectSql(UsersDef()) + " WHERE username = ?1"));
    select->BindText(1, username);
    LX_ASSIGN_OR_RETURN(bool found, select->Step());
    if (!found) return std::optional<User>();
    User u;
    u.username = select->ColumnText(0);
    u.display_name = select->ColumnText(1);
    LX_ASSIGN_OR_RETURN(u.roles, ParseRoleTokens(select->ColumnText(2)));
    std::optional<ScopeKind> kind = ParseScopeKind(select->ColumnText(3));
    if (!kind) return Status::Internal("数据库中 users.scope_kind 的值无效");
    u.scope = {*kind, std::string(select->ColumnText(4))};
    u.password_hash = select->ColumnText(5);
    u.must_change_password = select->ColumnInt(6) != 0;
    u.disabled = select->ColumnInt(7) != 0;
    std::string sealed(select->ColumnBlob(8));
    if (!sealed.empty()) {
      LX_ASSIGN_OR_RETURN(u.totp_secret, store.cipher().Decrypt(sealed, TotpBinding(u.username)));
    }
    if (sealed_secret != nullptr) *sealed_secret = std::move(sealed);
    u.totp_confirmed = select->ColumnInt(9) != 0;
    u.totp_last_step = select->ColumnInt(10);
    u.failed_attempts = static_cast<int>(select->ColumnInt(11));
    u.locked_until_millis = select->ColumnInt(12);
    u.password_changed_millis = select->ColumnInt(13);
    u.last_login_millis = select->ColumnInt(14);
    return std::optional<User>(std::move(u));
  }

  // Deletes (journaled) the sessions whose `column` is `value`; none is fine.
  static Status DeleteSessionsWhere(SqliteStore& store, std::string_view column, std::string_view value) {
    LX_ASSIGN_OR_RETURN(Statement * select, store.Prepare("SELECT token_hash FROM sessions WHERE " +
                                                          std::string(column) + " = ?1"));
    select->BindText(1, value);
    return DeleteSelectedSessions(store, *select).status();
  }

  // Deletes the sessions whose token hashes `select` (bound) yields, each
  // removal journaled like any session change: a session row grants access,
  // so verify must see every one come and go. Returns how many went.
  static Result<int> DeleteSelectedSessions(SqliteStore& store, Statement& select) {
    std::vector<std::string> tokens;
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      tokens.emplace_back(select.ColumnText(0));
    }
    select.Reset();
    if (tokens.empty()) return 0;
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("auth"));
    for (const std::string& token : tokens) {
      LX_RETURN_IF_ERROR(static_cast<SqliteTxn&>(*txn).DeleteImage(SessionsDef(), token));
    }
    LX_RETURN_IF_ERROR(txn->Commit());
    return static_cast<int>(tokens.size());
  }

  // `sealed_secret`: the stored ciphertext to keep when the secret did not
  // change, so an unchanged user is not re-encrypted into a spurious change.
  static Status Write(SqliteStore& store, const User& u, const std::string& sealed_secret) {
    std::string secret = u.totp_secret.empty() ? std::string()
                         : sealed_secret.empty()
                             ? store.cipher().Encrypt(u.totp_secret, TotpBinding(u.username))
                             : sealed_secret;
    Image image{Cell::Text(u.username),
                Cell::Text(u.display_name),
                Cell::Text(JoinRoleTokens(u.roles)),
                Cell::Text(ScopeKindToken(u.scope.kind)),
                Cell::Text(u.scope.code),
                Cell::Text(u.password_hash),
                Cell::Int(u.must_change_password ? 1 : 0),
                Cell::Int(u.disabled ? 1 : 0),
                Cell::BlobOrNull(std::move(secret)),
                Cell::Int(u.totp_confirmed ? 1 : 0),
                Cell::Int(u.totp_last_step),
                Cell::Int(u.failed_attempts),
                Cell::Int(u.locked_until_millis),
                Cell::Int(u.password_changed_millis),
                Cell::Int(u.last_login_millis)};
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("auth"));
    LX_RETURN_IF_ERROR(static_cast<SqliteTxn&>(*txn).UpsertImage(UsersDef(), std::move(image)).status());
    return txn->Commit();
  }

  static std::string TotpBinding(std::string_view username) {
    return FieldCipher::Binding("users.totp_secret", username);
  }

  std::mutex mu_;
  std::unique_ptr<SqliteStore> store_;  // reads; and writes when there is no writer
  GroupCommitWriter* writer_;
  std::atomic<std::int64_t> own_writes_{0};
  std::atomic<std::int64_t> foreign_version_{0};
  // When data_version was last read; far in the past, so the first call reads it.
  std::atomic<std::int64_t> foreign_checked_at_{std::numeric_limits<std::int64_t>::min() / 2};
};

}  // namespace

Result<std::unique_ptr<UserRepository>> Store::OpenUserRepository(const std::string& path,
                                                                  const StoreOptions& options,
                                                                  GroupCommitWriter* writer) {
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(path, options));
  return std::unique_ptr<UserRepository>(std::make_unique<SqliteUserRepository>(
      std::unique_ptr<SqliteStore>(static_cast<SqliteStore*>(store.release())), writer));
}

Status Store::Restore(const std::string& path, const std::string& from, const StoreOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(from, ec))
    return Status::Invalid("找不到备份文件 " + from + " (backup_missing)");
  // Check the backup as it is, through a private copy, before touching `path`.
  std::string staging = path + ".restoring";
  std::filesystem::remove(staging, ec);
  {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(from.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    DbHandle source(raw);
    if (rc != SQLITE_OK) return Status::Invalid("无法打开备份文件 " + from + " (backup_unreadable)");
    LX_RETURN_IF_ERROR(IntegrityCheck(source.get(), "备份 " + from));
    sqlite3* raw_staging = nullptr;
    rc = sqlite3_open_v2(staging.c_str(), &raw_staging, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    DbHandle target(raw_staging);
    if (rc != SQLITE_OK) return Status::Internal("无法写入 " + staging);
    LX_RETURN_IF_ERROR(CopyDatabase(source.get(), target.get()));
  }
  StoreOptions staging_options = options;
  staging_options.create = false;
  if (staging_options.key_file.empty()) staging_options.key_file = path + ".key";
  auto discard = [&](Status status) {
    std::filesystem::remove(staging, ec);
    std::filesystem::remove(staging + "-wal", ec);
    std::filesystem::remove(staging + "-shm", ec);
    return status;
  };
  // The restored head becomes the checkpoint: restoring is the one
  // deliberate rollback, and the old checkpoint would call it tampering.
  std::string checkpoint, checkpoint_line;
  {
    Result<std::unique_ptr<Store>> opened = Store::Open(staging, staging_options);
    if (!opened.ok()) return discard(opened.status());
    auto& store = static_cast<SqliteStore&>(**opened);
    Status status = store.CheckKeyOpensData();
    SqliteStore::Mark head;
    if (status.ok()) status = store.Verify({.against_checkpoint = false}, nullptr, &head);
    if (!status.ok()) return discard(Status::Invalid("备份不能恢复: " + status.message()));
    checkpoint = store.checkpoint_path();
    checkpoint_line = store.CheckpointLine(head);
  }
  // Swap in: the old WAL must go with the old file, or SQLite would replay it onto the new one.
  std::filesystem::remove(path + "-wal", ec);
  std::filesystem::remove(path + "-shm", ec);
  std::filesystem::rename(staging, path, ec);
  if (ec) return discard(Status::Internal("无法替换数据库 " + path + ": " + ec.message()));
  std::filesystem::remove(staging + "-wal", ec);
  std::filesystem::remove(staging + "-shm", ec);
  return ReplaceFile(checkpoint, checkpoint_line);
}

std::string Store::JournalCheckpointPath(const std::string& key_file) { return key_file + ".head"; }

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  if (!exists && !options.create) return Status::NotFound("数据库不存在: " + path + " (db_missing)");
  std::string key_file = options.key_file.empty() ? path + ".key" : options.key_file;
  // A database that already exists must find its key, never get a new one.
  LX_ASSIGN_OR_RETURN(FieldCipher cipher, FieldCipher::FromKeyFile(key_file, !exists));
  sqlite::ConfigureOnce();
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (options.create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) return Status::Internal("无法打开数据库 " + path + ": " + sqlite3_errstr(rc));
  sqlite3_busy_timeout(db.get(), options.busy_timeout_ms);
  sqlite::CheckpointAndRestartWal(db.get(), options.busy_timeout_ms);
  sqlite3_extended_result_codes(db.get(), 1);
  LX_RETURN_IF_ERROR(
      sqlite::Exec(db.get(),
                   "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; "
                   "PRAGMA secure_delete = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; "
                   "PRAGMA journal_size_limit = 67108864"));
  auto store = std::make_unique<SqliteStore>(std::move(db), std::move(cipher),
                                             options.clock ? *options.clock : SystemClock(),
                                             JournalCheckpointPath(key_file));
  LX_RETURN_IF_ERROR(store->Migrate());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace lianxin
