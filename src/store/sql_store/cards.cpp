// The keys households and clients reach the public routes with: contact
// cards (连心卡) — the blind index of each code, whose card it is and whether
// it is in force — and Open311 clients' API keys. Neither secret is stored.
#include "lianxin/cards.hpp"

#include <sodium.h>

#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

namespace {
constexpr std::string_view kCardDomain = "card";
constexpr std::string_view kApiKeyDomain = "apikey";
}  // namespace

const TableDef& ApiKeysDef() {
  static const TableDef kDef{
      "api_keys", {{"name"}, {"key_bidx"}, {"region_code"}, {"created_millis"}, {"revoked_millis"}}, "name"};
  return kDef;
}

Result<std::string> SqlTxn::AddApiKey(const std::string& name, const std::string& region_code) {
  if (!open_) return Status::Internal("写事务已结束");
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  char hex[2 * sizeof bytes + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  const std::string key = "lx_" + std::string(hex);
  LX_ASSIGN_OR_RETURN(Statement * taken, store_.Prepare("SELECT 1 FROM api_keys WHERE name = ?1"));
  taken->Bind(1, name);
  LX_ASSIGN_OR_RETURN(bool exists, taken->Step());
  taken->Reset();
  if (exists) return Status::Conflict("已有名为 " + name + " 的密钥 (apikey_exists)");
  LX_RETURN_IF_ERROR(
      UpsertImage(ApiKeysDef(), {Cell::Text(name), Cell::Blob(store_.cipher().BlindIndex(kApiKeyDomain, key)),
                                 Cell::Text(region_code), Cell::Int(at_millis_), Cell::Int(0)})
          .status());
  return key;
}

Status SqlTxn::RevokeApiKey(const std::string& name) {
  if (!open_) return Status::Internal("写事务已结束");
  LX_ASSIGN_OR_RETURN(Statement * select,
                      store_.Prepare(SelectSql(ApiKeysDef()) + " WHERE name = ?1 AND revoked_millis = 0"));
  select->Bind(1, name);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return Status::NotFound("没有在用的密钥 " + name + " (apikey_not_found)");
  Image key = ReadJournalRow(*select, ApiKeysDef().columns.size());
  select->Reset();
  key[4] = Cell::Int(at_millis_);
  return UpsertImage(ApiKeysDef(), std::move(key)).status();
}

Result<std::optional<ApiKeyRecord>> SqlStore::FindApiKey(std::string_view key) {
  LX_ASSIGN_OR_RETURN(
      Statement * select,
      Prepare("SELECT name, region_code FROM api_keys WHERE key_bidx = ?1 AND revoked_millis = 0"));
  select->BindBlob(1, cipher().BlindIndex(kApiKeyDomain, key));
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  std::optional<ApiKeyRecord> record;
  if (found) record = ApiKeyRecord{std::string(select->Text(0)), std::string(select->Text(1))};
  select->Reset();
  return record;
}

const TableDef& CardsDef() {
  static const TableDef kDef{"cards",
                             {{"code_bidx"},
                              {"household_code"},
                              {"issued_millis"},
                              {"expires_millis"},
                              {"revoked_millis"},
                              {"county_code"}},
                             "code_bidx"};
  return kDef;
}

Result<std::string> SqlTxn::IssueCard(std::string_view household_code, std::int64_t expires_millis) {
  if (!open_) return Status::Internal("写事务已结束");
  const std::string household(household_code);
  LX_ASSIGN_OR_RETURN(bool exists, Exists(RecordKind::kHouseholds, household));
  if (!exists) return Status::NotFound("农户不存在: " + household + " (not_found)");
  LX_ASSIGN_OR_RETURN(std::string county, CountyOfHousehold(household));
  Status revoked = RevokeCard(household);
  if (!revoked.ok() && revoked.code() != Code::kNotFound) return revoked;
  const std::string code = NewCardCode();
  LX_ASSIGN_OR_RETURN(UpsertOutcome outcome,
                      UpsertImage(CardsDef(), {Cell::Blob(store_.cipher().BlindIndex(kCardDomain, code)),
                                               Cell::Text(household), Cell::Int(at_millis_),
                                               Cell::Int(expires_millis), Cell::Int(0), Cell::Text(county)}));
  // 80 random bits: a repeat is as likely as guessing a key.
  if (outcome != UpsertOutcome::kInserted) return Status::Internal("连心卡号重复,请重试");
  return code;
}

Status SqlTxn::RevokeCard(std::string_view household_code) {
  if (!open_) return Status::Internal("写事务已结束");
  LX_ASSIGN_OR_RETURN(
      Statement * select,
      store_.Prepare(SelectSql(CardsDef()) + " WHERE household_code = ?1 AND revoked_millis = 0"));
  select->Bind(1, household_code);
  std::vector<Image> in_force;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    in_force.push_back(ReadJournalRow(*select, CardsDef().columns.size()));
  }
  if (in_force.empty()) return Status::NotFound("该户没有在用的连心卡 (card_not_found)");
  for (Image& card : in_force) {
    card[4] = Cell::Int(at_millis_);
    LX_RETURN_IF_ERROR(UpsertImage(CardsDef(), std::move(card)).status());
  }
  return Status::Ok();
}

Result<std::optional<CardRecord>> SqlStore::FindCard(std::string_view code) {
  LX_ASSIGN_OR_RETURN(
      Statement * select,
      Prepare("SELECT c.household_code, h.head_name, h.village_code, COALESCE(pc.holder, ''), "
              "COALESCE(pa.holder, ''), c.issued_millis, c.expires_millis, c.revoked_millis FROM cards c "
              "JOIN households h ON h.code = c.household_code "
              "LEFT JOIN pairs pc ON pc.kind = 'contact' AND pc.held = c.household_code "
              "LEFT JOIN pairs pa ON pa.kind = 'assistance' AND pa.held = c.household_code "
              "WHERE c.code_bidx = ?1 LIMIT 1"));
  select->BindBlob(1, cipher().BlindIndex(kCardDomain, code));
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  std::optional<CardRecord> card;
  if (found) {
    card = CardRecord{std::string(select->Text(0)),
                      std::string(select->Text(1)),
                      std::string(select->Text(2)),
                      std::string(select->Text(3)),
                      std::string(select->Text(4)),
                      select->Int(5),
                      select->Int(6),
                      select->Int(7)};
  }
  select->Reset();
  return card;
}

}  // namespace lianxin::sql_store
