// The pairing's storage in SQLite (PRODUCT.md §2): the current pairs, pins,
// the history of every change and what the last run could not cover.

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

#include "store/sqlite/internal.hpp"

namespace lianxin::sqlite_store {

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

}  // namespace lianxin::sqlite_store
