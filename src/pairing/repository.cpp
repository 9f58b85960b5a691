#include "pairing/repository.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <tuple>

namespace lianxin {

namespace {

using sql::Value;

const JournalTable kPairs{
    "pairs", {{"key"}, {"kind"}, {"holder"}, {"held"}, {"county_code"}}, "kind, held, holder"};
const JournalTable kPins{
    "pins", {{"key"}, {"kind"}, {"holder"}, {"held"}, {"reason"}, {"county_code"}}, "kind, held, holder"};
const JournalTable kHistory{
    "pair_history",
    {{"seq"}, {"kind"}, {"held"}, {"from_holder"}, {"to_holder"}, {"reason"}, {"at_millis"}, {"county_code"}},
    "seq"};
const JournalTable kUncovered{
    "pairing_uncovered", {{"key"}, {"pairing"}, {"kind"}, {"id"}, {"reason"}, {"county_code"}}, "key"};

// Composite natural keys are one text column (migration 002).
std::string PairKey(PairingKind kind, std::string_view held, std::string_view holder) {
  return std::string(Token(kind)) + "|" + std::string(held) + "|" + std::string(holder);
}
std::string UncoveredKey(const Uncovered& u) {
  return std::string(Token(u.pairing)) + "|" + std::string(Token(u.kind)) + "|" + u.id;
}

Result<PairingKind> PairingKindOf(std::string_view token) {
  std::optional<PairingKind> kind = ParsePairingKind(token);
  if (!kind) return Status::Internal("数据库中的结对类型无效: " + std::string(token));
  return *kind;
}

Result<UncoveredKind> UncoveredKindOf(std::string_view token) {
  std::optional<UncoveredKind> kind = ParseUncoveredKind(token);
  if (!kind) return Status::Internal("数据库中 pairing_uncovered.kind 的值无效: " + std::string(token));
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

}  // namespace

const std::vector<const JournalTable*>& PairingRepository::Tables() {
  static const std::vector<const JournalTable*> kTables{&kPairs, &kPins, &kHistory, &kUncovered};
  return kTables;
}

Status PairingRepository::Writable() const {
  return journal_ != nullptr ? Status::Ok() : Status::Internal("结对存储未以写方式打开");
}

Result<PairingState> PairingRepository::Read(std::string_view table, std::string_view county) {
  LX_ASSIGN_OR_RETURN(sql::Statement * select,
                      db_.Prepare("SELECT kind, holder, held FROM " + std::string(table) +
                                  (county.empty() ? "" : " WHERE county_code = ?1")));
  select->Reset();
  if (!county.empty()) select->Bind(1, county);
  PairingState state;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    LX_ASSIGN_OR_RETURN(PairingKind kind, PairingKindOf(select->Text(0)));
    AddPair(state, kind, std::string(select->Text(1)), std::string(select->Text(2)));
  }
  SortState(state);
  return state;
}

Result<PairingState> PairingRepository::Pairs(std::string_view county) { return Read(kPairs.name, county); }
Result<PairingState> PairingRepository::Pins(std::string_view county) { return Read(kPins.name, county); }

Result<std::vector<Uncovered>> PairingRepository::RecordedUncovered(std::string_view county) {
  LX_ASSIGN_OR_RETURN(sql::Statement * select,
                      db_.Prepare("SELECT pairing, kind, id, reason, county_code FROM pairing_uncovered" +
                                  std::string(county.empty() ? "" : " WHERE county_code = ?1")));
  select->Reset();
  if (!county.empty()) select->Bind(1, county);
  std::vector<Uncovered> uncovered;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    Uncovered u;
    LX_ASSIGN_OR_RETURN(u.pairing, PairingKindOf(select->Text(0)));
    LX_ASSIGN_OR_RETURN(u.kind, UncoveredKindOf(select->Text(1)));
    u.id = select->Text(2);
    u.reason = select->Text(3);
    u.county_code = select->Text(4);
    uncovered.push_back(std::move(u));
  }
  SortUncovered(uncovered);
  return uncovered;
}

Result<std::vector<PairHistoryEntry>> PairingRepository::History(std::string_view held) {
  LX_ASSIGN_OR_RETURN(
      sql::Statement * select,
      db_.Prepare("SELECT kind, held, from_holder, to_holder, reason, at_millis FROM pair_history "
                  "WHERE held = ?1 ORDER BY seq"));
  select->Bind(1, held);
  std::vector<PairHistoryEntry> entries;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    PairHistoryEntry e;
    LX_ASSIGN_OR_RETURN(e.kind, PairingKindOf(select->Text(0)));
    e.held = select->Text(1);
    e.from_holder = select->Text(2);
    e.to_holder = select->Text(3);
    e.reason = select->Text(4);
    e.at_millis = select->Int(5);
    entries.push_back(std::move(e));
  }
  return entries;
}

// The tables whose records a kind of pair holds (CountyOfHeld).
std::string_view HeldTable(PairingKind kind) {
  switch (kind) {
    case PairingKind::kAssistance:
    case PairingKind::kContact:
      return "households";
    case PairingKind::kContactPoint:
      return "orgs";
    case PairingKind::kUnitVillage:
      break;
  }
  return "regions";
}

Result<std::string> PairingRepository::CountyOfHeld(PairingKind kind, const std::string& held) {
  const std::string_view table = HeldTable(kind);
  std::string cache_key = std::string(table) + '\0' + held;
  if (auto it = county_cache_.find(cache_key); it != county_cache_.end()) return it->second;
  LX_ASSIGN_OR_RETURN(std::optional<std::string> county, sql::CountyOf(db_, table, "code", held));
  if (!county) return Status::Conflict(held + " 不存在");
  county_cache_.emplace(std::move(cache_key), *county);
  return *county;
}

Status PairingRepository::ReadCounties(std::string_view table, std::string_view county) {
  LX_ASSIGN_OR_RETURN(sql::Statement * select,
                      db_.Prepare("SELECT code, county_code FROM " + std::string(table) +
                                  (county.empty() ? "" : " WHERE county_code = ?1")));
  select->Reset();
  if (!county.empty()) select->Bind(1, county);
  const std::string prefix = std::string(table) + '\0';
  while (true) {
    LX_ASSIGN_OR_RETURN(bool found, select->Step());
    if (!found) break;
    county_cache_.emplace(prefix + std::string(select->Text(0)), std::string(select->Text(1)));
  }
  return Status::Ok();
}

Result<JournalRow> PairingRepository::HistoryRow(PairingKind kind, const std::string& held,
                                                 const std::string& from, const std::string& to,
                                                 const std::string& reason) {
  if (next_history_seq_ == 0) {
    LX_ASSIGN_OR_RETURN(sql::Statement * max, db_.Prepare("SELECT COALESCE(MAX(seq), 0) FROM pair_history"));
    max->Reset();
    LX_ASSIGN_OR_RETURN(bool found, max->Step());
    next_history_seq_ = (found ? max->Int(0) : 0) + 1;
    max->Reset();
  }
  LX_ASSIGN_OR_RETURN(std::string county, CountyOfHeld(kind, held));
  return JournalRowOf(Value::Int(next_history_seq_++), Value::Text(Token(kind)), Value::Text(held),
                      Value::Text(from), Value::Text(to), Value::Text(reason), Value::Int(at_millis_),
                      Value::Text(county));
}

Status PairingRepository::InsertNew(const JournalTable& table, std::vector<JournalRow> rows) {
  if (rows.empty()) return Status::Ok();
  bool load = false;
  if (rows.size() >= kLoadFrom) {
    LX_ASSIGN_OR_RETURN(sql::Statement * any,
                        db_.Prepare("SELECT 1 FROM " + std::string(table.name) + " LIMIT 1"));
    any->Reset();
    LX_ASSIGN_OR_RETURN(bool found, any->Step());
    any->Reset();
    load = !found;
  }
  if (load) LX_RETURN_IF_ERROR(journal_->LoadInto(table));
  for (JournalRow& row : rows) LX_RETURN_IF_ERROR(journal_->Upsert(table, std::move(row)).status());
  if (!load) return Status::Ok();
  // Every row written before anything else touches the connection again.
  LX_RETURN_IF_ERROR(journal_->Drain());
  journal_->StopLoading();
  return Status::Ok();
}

Result<PairChanges> PairingRepository::Apply(const PairingState& next, const std::string& reason,
                                             std::string_view county) {
  LX_RETURN_IF_ERROR(Writable());
  LX_ASSIGN_OR_RETURN(PairingState current, Pairs(county));
  PairChanges changes;
  const std::vector<PairDiff> diffs = DiffPairings(current, next, &changes.kept);
  for (const PairDiff& diff : diffs) {
    if (diff.kind != PairingKind::kUnitVillage) continue;
    for (const std::string& unit : diff.ended) LX_RETURN_IF_ERROR(CheckExit(unit, diff.held));
  }
  // Read first: the held records' counties (in one pass a table when there
  // are many) and the history's next number. Then the ended pairs go, and
  // the new pairs and their history go in table by table.
  std::set<std::string_view> tables;
  size_t changed = 0;
  for (const PairDiff& diff : diffs) {
    if (diff.ended.empty() && diff.made.empty()) continue;
    tables.insert(HeldTable(diff.kind));
    ++changed;
  }
  if (changed >= kLoadFrom) {
    for (std::string_view table : tables) LX_RETURN_IF_ERROR(ReadCounties(table, county));
  }
  std::vector<JournalRow> made, history;
  for (const PairDiff& diff : diffs) {
    if (diff.ended.empty() && diff.made.empty()) continue;
    LX_ASSIGN_OR_RETURN(std::string held_county, CountyOfHeld(diff.kind, diff.held));
    for (const std::string& holder : diff.made) {
      made.push_back(JournalRowOf(Value::Text(PairKey(diff.kind, diff.held, holder)),
                                  Value::Text(Token(diff.kind)), Value::Text(holder), Value::Text(diff.held),
                                  Value::Text(held_county)));
    }
    // A household handed from one cadre to another reads as one change, from → to.
    for (size_t i = 0; i < std::max(diff.ended.size(), diff.made.size()); ++i) {
      LX_ASSIGN_OR_RETURN(JournalRow row,
                          HistoryRow(diff.kind, diff.held, i < diff.ended.size() ? diff.ended[i] : "",
                                     i < diff.made.size() ? diff.made[i] : "", reason));
      history.push_back(std::move(row));
    }
  }
  for (const PairDiff& diff : diffs) {
    for (const std::string& holder : diff.ended) {
      LX_RETURN_IF_ERROR(journal_->Delete(kPairs, PairKey(diff.kind, diff.held, holder)));
      ++changes.ended;
    }
  }
  changes.made = static_cast<int>(made.size());
  LX_RETURN_IF_ERROR(InsertNew(kPairs, std::move(made)));
  LX_RETURN_IF_ERROR(InsertNew(kHistory, std::move(history)));
  return changes;
}

Status PairingRepository::CheckExit(const std::string& unit, const std::string& village) {
  LX_ASSIGN_OR_RETURN(
      sql::Statement * select,
      db_.Prepare(
          "SELECT t.household_code, t.cadre_code, t.task, t.deadline FROM tasks t JOIN households h ON "
          "h.code = t.household_code JOIN cadres c ON c.code = t.cadre_code WHERE h.village_code = ?1 "
          "AND c.unit_code = ?2 AND t.status = 'open' ORDER BY t.deadline, t.household_code, t.cadre_code"));
  select->Bind(1, village).Bind(2, unit);
  nlohmann::json open = nlohmann::json::array();
  std::string listed;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    open.push_back({{"household", select->Text(0)},
                    {"cadre", select->Text(1)},
                    {"task", select->Text(2)},
                    {"deadline", select->Text(3)}});
    if (open.size() <= 10) {
      listed += ";户 " + std::string(select->Text(0)) + " 干部 " + std::string(select->Text(1)) + " " +
                std::string(select->Text(2)) + "(期限 " + std::string(select->Text(3)) + ")";
    }
  }
  if (open.empty()) return Status::Ok();
  if (exit_override_.empty()) {
    if (open.size() > 10) listed += ";等";
    return Status::Conflict("规定完不成者,不得撤出村:单位 " + unit + " 在村 " + village + " 尚有 " +
                            std::to_string(open.size()) + " 项任务未完成" + listed +
                            "。县级管理员可说明理由后准许撤出 (exit_gate)");
  }
  // Let through by a county admin: the reason and what was left open stay in the journal.
  return journal_->Append(
      "exit_gate_override", "exit_gate", unit + "|" + village, "",
      nlohmann::json{
          {"unit", unit}, {"village", village}, {"reason", exit_override_}, {"open_tasks", std::move(open)}}
          .dump());
}

Status PairingRepository::RecordUncovered(const std::vector<Uncovered>& uncovered, std::string_view county) {
  LX_RETURN_IF_ERROR(Writable());
  std::set<std::string> next;
  for (const Uncovered& u : uncovered) {
    // A run for one county records only that county's (and what it cannot place).
    if (!county.empty() && !u.county_code.empty() && u.county_code != county) continue;
    next.insert(UncoveredKey(u));
    JournalRow row{Value::Text(UncoveredKey(u)), Value::Text(Token(u.pairing)),
                   Value::Text(Token(u.kind)),   Value::Text(u.id),
                   Value::Text(u.reason),        Value::Text(u.county_code.empty() ? county : u.county_code)};
    LX_RETURN_IF_ERROR(journal_->Upsert(kUncovered, std::move(row)).status());
  }
  LX_ASSIGN_OR_RETURN(std::vector<Uncovered> recorded, RecordedUncovered(county));
  for (const Uncovered& u : recorded) {
    if (!next.contains(UncoveredKey(u))) LX_RETURN_IF_ERROR(journal_->Delete(kUncovered, UncoveredKey(u)));
  }
  return Status::Ok();
}

Status PairingRepository::SetPin(PairingKind kind, const std::string& holder, const std::string& held,
                                 const std::string& reason) {
  LX_RETURN_IF_ERROR(Writable());
  if (reason.empty()) return Status::Invalid("固定结对须说明理由 (reason_required)", "reason");
  Result<std::string> county = CountyOfHeld(kind, held);
  if (!county.ok()) return Status::NotFound(std::string(Token(kind)) + " 的对象 " + held + " 不存在");
  JournalRow row{Value::Text(PairKey(kind, held, holder)),
                 Value::Text(Token(kind)),
                 Value::Text(holder),
                 Value::Text(held),
                 Value::Text(reason),
                 Value::Text(*county)};
  return journal_->Upsert(kPins, std::move(row)).status();
}

Status PairingRepository::RemovePin(PairingKind kind, const std::string& holder, const std::string& held) {
  LX_RETURN_IF_ERROR(Writable());
  return journal_->Delete(kPins, PairKey(kind, held, holder));
}

}  // namespace lianxin
