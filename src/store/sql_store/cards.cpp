// The contact cards' storage (连心卡): the blind index of each code, whose
// card it is and whether it is in force. The code itself is never stored.
#include "lianxin/cards.hpp"

#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

namespace {
constexpr std::string_view kCardDomain = "card";
}  // namespace

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
  LX_ASSIGN_OR_RETURN(
      UpsertOutcome outcome,
      UpsertImage(CardsDef(), {Cell::Blob(store_.cipher().BlindIndex(kCardDomain, code)), Cell::Text(household),
                               Cell::Int(at_millis_), Cell::Int(expires_millis), Cell::Int(0), Cell::Text(county)}));
  // 80 random bits: a repeat is as likely as guessing a key.
  if (outcome != UpsertOutcome::kInserted) return Status::Internal("连心卡号重复,请重试");
  return code;
}

Status SqlTxn::RevokeCard(std::string_view household_code) {
  if (!open_) return Status::Internal("写事务已结束");
  LX_ASSIGN_OR_RETURN(Statement * select,
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
    card = CardRecord{std::string(select->Text(0)), std::string(select->Text(1)), std::string(select->Text(2)),
                      std::string(select->Text(3)), std::string(select->Text(4)), select->Int(5),
                      select->Int(6), select->Int(7)};
  }
  select->Reset();
  return card;
}

}  // namespace lianxin::sql_store
