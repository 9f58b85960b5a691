// The journal in the store's database: reading it, sealing its head, verifying it
// (journal/record.hpp's walk over what this database holds), and the
// schema 5 upgrade that first journaled every table.
#include <sodium.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

std::vector<const TableDef*> AllTableDefs(bool legacy) {
  std::vector<const TableDef*> defs;
  for (RecordKind kind : kAllRecordKinds) defs.push_back(&Def(kind));
  const std::vector<const TableDef*>& pairing =
      PairingRepository::Tables();  // pairs, pins, history, uncovered
  defs.insert(defs.end(), pairing.begin(), pairing.begin() + 3);
  defs.push_back(&TasksDef());
  defs.push_back(&UsersDef());
  if (!legacy) {
    defs.push_back(&SessionsDef());
    defs.push_back(&PasswordHistoryDef());
    defs.push_back(&PendingDef());
    defs.push_back(pairing[3]);
    defs.push_back(&VisitRepository::Table());
    defs.push_back(&AppealRepository::AppealsTable());
    defs.push_back(&AppealRepository::StepsTable());
    defs.push_back(&CardsDef());
    defs.push_back(&ApiKeysDef());
    defs.push_back(&DecisionsDef());
    defs.push_back(&NoticesDef());
    defs.push_back(&InspectionRepository::InspectionsTable());
    defs.push_back(&InspectionRepository::ChecksTable());
    defs.push_back(&CallbackRepository::Table());
    defs.push_back(&RatingRepository::Table());
    for (const JournalTable* table : LedgerRepository::Tables()) defs.push_back(table);
    defs.push_back(&SettingsDef());
  }
  return defs;
}

Status SqlTxn::Reseal(const TableDef& def) {
  const FieldCipher& cipher = store_.cipher();
  const std::string key_column(def.columns[0].name);
  // In key order, a chunk at a time: no statement reads a table while it is
  // written, and a county's 300 k members need not sit in memory at once.
  std::optional<Cell> after;
  while (true) {
    LX_ASSIGN_OR_RETURN(Statement * select,
                        store_.Prepare(SelectSql(def) + (after ? " WHERE " + key_column + " > ?1" : "") +
                                       " ORDER BY " + key_column + " LIMIT 2000"));
    if (after) select->Bind(1, *after);
    std::vector<Image> chunk;
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) break;
      chunk.push_back(ReadJournalRow(*select, def.columns.size()));
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
      LX_RETURN_IF_ERROR(journal_.Rewrite(def, old, image, "reseal"));
    }
  }
}

Status SqlTxn::Adopt(const TableDef& def) {
  LX_ASSIGN_OR_RETURN(Statement * select,
                      store_.Prepare(SelectSql(def) + " ORDER BY " + std::string(def.order_by)));
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return Status::Ok();
    Image image = ReadJournalRow(*select, def.columns.size());
    LX_RETURN_IF_ERROR(AppendJournal("adopt", def, JournalKeyText(image[0]), "", JournalRowJson(def, image)));
  }
}

Result<std::string> SqlStore::JournalHead() {
  LX_ASSIGN_OR_RETURN(Statement * head, Prepare("SELECT hash FROM journal ORDER BY seq DESC LIMIT 1"));
  LX_ASSIGN_OR_RETURN(bool found, head->Step());
  std::string hash = found ? ToHex(head->Blob(0)) : std::string();
  head->Reset();
  return hash;
}

Result<std::vector<JournalEntry>> SqlStore::ReadJournal(std::int64_t after_seq, int limit) {
  LX_ASSIGN_OR_RETURN(
      Statement * select,
      Prepare("SELECT seq, at_millis, actor, action, entity, entity_key, before, after FROM journal "
              "WHERE seq > ?1 ORDER BY seq LIMIT ?2"));
  select->Bind(1, after_seq).Bind(2, limit);
  std::vector<JournalEntry> entries;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    entries.push_back({select->Int(0), select->Int(1), std::string(select->Text(2)),
                       std::string(select->Text(3)), std::string(select->Text(4)),
                       std::string(select->Text(5)), std::string(select->Text(6)),
                       std::string(select->Text(7))});
  }
  return entries;
}

// ---------------------------------------------------------------------------
// The registry read side for the API: lists, single records, scope
// (store.hpp, "Reading the registry for the API", holds the rule).

constexpr std::string_view kHeadDomain = "journal_head";

std::string SqlStore::HeadMac(const Mark& mark) const {
  return cipher_.BlindIndex(kHeadDomain, std::to_string(mark.seq) + '\0' + mark.hash);
}

std::string SqlStore::CheckpointLine(const Mark& mark) const {
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

Result<std::optional<std::int64_t>> SqlStore::JournalSeqOf(std::string_view hash_hex) {
  Result<std::string> hash = HexToBytes(hash_hex);
  if (!hash.ok() || hash->size() != 32) return std::optional<std::int64_t>();
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare("SELECT seq FROM journal WHERE hash = ?1"));
  select->BindBlob(1, *hash);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  std::optional<std::int64_t> seq;
  if (found) seq = select->Int(0);
  select->Reset();
  return seq;
}

Result<std::string> SqlStore::JournalCheckpoint() {
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
Status SqlStore::Verify(const VerifyMode& mode, std::int64_t* entries_checked, Mark* head_out,
                        std::int64_t* rows_checked) {
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
  // Events (the audit log) are chained like every entry but have no row to match.
  const std::vector<const TableDef*> defs = AllTableDefs(mode.legacy);
  std::set<std::string, std::less<>> tables;
  for (const TableDef* def : defs) tables.emplace(def->name);
  JournalWalk walk(std::move(tables), checkpoint);
  LX_RETURN_IF_ERROR(WalkEntries(seam(), walk));
  if (!mode.legacy) {
    LX_RETURN_IF_ERROR(CheckSealedHead(
        seam(), [this](const Mark& mark) { return HeadMac(mark); }, walk));
  }
  if (!mode.legacy) {
    // What keeps the journal append-only, and which migrations made the
    // schema, are data too: a dropped trigger or a rewritten migration row
    // is a change made behind the program's back.
    const bool on_sqlite = sqlite();
    LX_ASSIGN_OR_RETURN(
        Statement * triggers,
        Prepare(on_sqlite
                    ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'journal' "
                      "AND name IN ('journal_no_update', 'journal_no_delete')"
                    : "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = 'journal'::regclass AND tgenabled "
                      "<> 'D' AND tgname IN ('journal_no_update', 'journal_no_delete', "
                      "'journal_no_truncate')"));
    LX_ASSIGN_OR_RETURN(bool counted, triggers->Step());
    const std::int64_t guards = counted ? triggers->Int(0) : 0;
    triggers->Reset();
    if (guards != (on_sqlite ? 2 : 3)) {
      return Status::Tampered("日志表的只增触发器被删除或停用 (journal_trigger)");
    }
    LX_ASSIGN_OR_RETURN(Statement * applied,
                        Prepare("SELECT number, name FROM schema_migrations ORDER BY number"));
    for (const Migration& migration : Migrations()) {
      LX_ASSIGN_OR_RETURN(bool row, applied->Step());
      if (!row || applied->Int(0) != migration.number || applied->Text(1) != migration.name) {
        return Status::Tampered("迁移记录 schema_migrations 与程序不符,第 " +
                                std::to_string(migration.number) + " 号被改动 (schema_migrations)");
      }
    }
    LX_ASSIGN_OR_RETURN(bool extra, applied->Step());
    if (extra) return Status::Tampered("迁移记录 schema_migrations 中有程序不认识的行 (schema_migrations)");
  }
  LX_RETURN_IF_ERROR(WalkRows(seam(), defs, walk, mode.legacy));
  LX_RETURN_IF_ERROR(walk.Finish());
  if (entries_checked) *entries_checked = walk.entries();
  if (rows_checked) *rows_checked = walk.rows();
  if (head_out) *head_out = walk.head();
  return Status::Ok();
}

// A verified head becomes the checkpoint, so a later rollback past it shows.
Status SqlStore::VerifyJournal(std::int64_t* entries_checked, std::int64_t* rows_checked) {
  Mark head;
  // One snapshot: the journal and the rows it is checked against read at one commit.
  BeginRead();
  Status verified = Verify({}, entries_checked, &head, rows_checked);
  EndRead();
  LX_RETURN_IF_ERROR(verified);
  return ReplaceFile(checkpoint_path_, CheckpointLine(head));
}

// Schema 5, inside the migration's transaction: the old journal must verify
// as it stands (so the upgrade launders nothing), then every ciphertext is
// re-sealed bound to its row, the password history is journaled, and the
// head is sealed.
Status SqlStore::UpgradeToSchema5() {
  Status old = Verify({.legacy = true, .against_checkpoint = false}, nullptr, nullptr);
  if (!old.ok()) {
    return Status(old.code(),
                  "数据库未通过升级前的日志校验,未作升级;请先查明 (upgrade_refused): " + old.message());
  }
  // The writes join the migration's transaction.
  SqlTxn sqlite_txn(*this, "upgrade:schema5");
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

}  // namespace lianxin::sql_store
