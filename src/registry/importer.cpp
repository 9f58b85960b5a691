#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "lianxin/registry_io.hpp"
#include "registry/columns.hpp"

namespace lianxin {

namespace {

// One file's import: the header map, the problems so far, and the state that
// spans rows (codes and ID numbers seen in this file).
class Import {
 public:
  Import(Store& store, const Config& config, RecordKind kind, std::string name, const ImportOptions& options)
      : store_(store),
        config_(config),
        kind_(kind),
        name_(std::move(name)),
        options_(options),
        columns_(Columns(kind)),
        need_dictionary_(config.NeedDictionary()) {
    if (options_.today.year == 0) options_.today = ChinaDateOf(SystemClock().NowMillis());
  }

  Result<ImportReport> Run(TableReader& reader) {
    LX_ASSIGN_OR_RETURN(txn_, store_.Begin(options_.actor));
    LX_ASSIGN_OR_RETURN(table_was_empty_, txn_->Empty(kind_));
    TableRow row;
    Result<bool> first = reader.Next(row);
    if (!first.ok()) return FileProblem(first.status().message());
    if (!*first) return FileProblem("文件是空的,没有表头 (file_empty)");
    if (!MapHeader(row)) return Finish();
    while (true) {
      Result<bool> more = reader.Next(row);
      if (!more.ok()) {
        AddProblem(0, "", more.status().message());
        break;
      }
      if (!*more) break;
      ++report_.rows;
      row_ = &row;
      LX_RETURN_IF_ERROR(ImportRow());
    }
    if (kind_ == RecordKind::kRegions) LX_RETURN_IF_ERROR(FlushRegions());
    return Finish();
  }

 private:
  Result<ImportReport> FileProblem(const std::string& message) {
    AddProblem(0, "", message);
    return Finish();
  }

  Result<ImportReport> Finish() {
    std::stable_sort(report_.problems.begin(), report_.problems.end(),
                     [](const ImportProblem& a, const ImportProblem& b) { return a.row < b.row; });
    if (report_.problems.empty() && !options_.dry_run) {
      LX_RETURN_IF_ERROR(txn_->Commit());
      report_.committed = true;
    }
    txn_.reset();  // rolls back when not committed
    spdlog::info("import {} {}: {} rows, {} inserted, {} updated, {} unchanged, {} problems, {}",
                 Token(kind_), name_, report_.rows, report_.inserted, report_.updated, report_.unchanged,
                 report_.problems.size(), report_.committed ? "committed" : "nothing written");
    return std::move(report_);
  }

  void AddProblem(int row, std::string column, std::string message) {
    report_.problems.push_back({name_, row, std::move(column), std::move(message)});
  }

  bool MapHeader(const TableRow& header) {
    std::map<std::string, size_t> by_key;
    for (size_t i = 0; i < columns_.size(); ++i) {
      by_key.emplace(HeaderKey(columns_[i].field), i);
      by_key.emplace(HeaderKey(columns_[i].header), i);
      for (std::string_view alias : columns_[i].aliases) by_key.emplace(HeaderKey(alias), i);
    }
    column_of_.assign(columns_.size(), -1);
    header_text_ = header.cells;
    bool ok = true;
    for (size_t c = 0; c < header.cells.size(); ++c) {
      auto it = by_key.find(HeaderKey(header.cells[c]));
      if (it == by_key.end()) continue;  // extra columns offices keep are ignored
      if (column_of_[it->second] >= 0) {
        AddProblem(header.number, header.cells[c],
                   "列“" + header.cells[c] + "”与第 " + std::to_string(column_of_[it->second] + 1) +
                       " 列重复 (column_duplicate)");
        ok = false;
        continue;
      }
      column_of_[it->second] = static_cast<int>(c);
    }
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].required && column_of_[i] < 0) {
        AddProblem(header.number, std::string(columns_[i].header),
                   "缺少必填列“" + std::string(columns_[i].header) + "” (column_missing)");
        ok = false;
      }
    }
    return ok;
  }

  size_t Index(std::string_view field) const {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].field == field) return i;
    }
    return columns_.size();
  }

  // The cell of `field` in the current row, empty when the column is absent.
  std::string_view Cell(std::string_view field) const {
    size_t i = Index(field);
    if (i >= columns_.size() || column_of_[i] < 0) return {};
    size_t c = static_cast<size_t>(column_of_[i]);
    return c < row_->cells.size() ? std::string_view(row_->cells[c]) : std::string_view();
  }

  std::string ColumnName(std::string_view field) const {
    size_t i = Index(field);
    if (i < columns_.size() && column_of_[i] >= 0) return header_text_[static_cast<size_t>(column_of_[i])];
    return i < columns_.size() ? std::string(columns_[i].header) : std::string(field);
  }

  void Problem(std::string_view field, std::string message) {
    AddProblem(row_->number, ColumnName(field), std::move(message));
    row_ok_ = false;
  }

  // Parses a field; on failure records the problem and leaves `out` alone.
  template <typename T>
  void Take(std::string_view field, Result<T> parsed, T& out) {
    if (parsed.ok()) {
      out = std::move(parsed).value();
    } else {
      Problem(field, parsed.status().message());
    }
  }

  // The text of a required field, or a problem when it is empty.
  std::string Required(std::string_view field) {
    std::string_view text = Cell(field);
    if (text.empty()) Problem(field, "必填项为空 (required)");
    return std::string(text);
  }

  Status ImportRow() {
    row_ok_ = true;
    switch (kind_) {
      case RecordKind::kRegions:
        return RegionRow();
      case RecordKind::kUnits:
        return UnitRow();
      case RecordKind::kOrgs:
        return OrgRow();
      case RecordKind::kCadres:
        return CadreRow();
      case RecordKind::kHouseholds:
        return HouseholdRow();
      case RecordKind::kMembers:
        return MemberRow();
    }
    return Status::Ok();
  }

  template <typename R>
  Status Save(const R& record) {
    if (!row_ok_) return Status::Ok();
    Result<UpsertOutcome> outcome = txn_->Upsert(record);
    if (!outcome.ok()) {
      if (outcome.status().code() != Code::kConflict) return outcome.status();
      AddProblem(row_->number, "", outcome.status().message() + " (db_conflict)");
      return Status::Ok();
    }
    switch (*outcome) {
      case UpsertOutcome::kInserted:
        ++report_.inserted;
        break;
      case UpsertOutcome::kUpdated:
        ++report_.updated;
        break;
      case UpsertOutcome::kUnchanged:
        ++report_.unchanged;
        break;
    }
    return Status::Ok();
  }

  // A region from the database or from earlier in this file; cached.
  Result<std::optional<Region>> FindRegion(const std::string& code) {
    auto it = regions_.find(code);
    if (it != regions_.end()) return std::optional<Region>(it->second);
    LX_ASSIGN_OR_RETURN(std::optional<Region> found, txn_->FindRegion(code));
    if (found) regions_.emplace(code, *found);
    return found;
  }

  // Checks that `code` names a region of one of `levels`.
  Status CheckRegionRef(std::string_view field, const std::string& code,
                        std::initializer_list<RegionLevel> levels) {
    if (code.empty()) return Status::Ok();
    LX_ASSIGN_OR_RETURN(std::optional<Region> region, FindRegion(code));
    if (!region) {
      Problem(field, "区划 " + code + " 不存在,请先导入区划 (region_unknown)");
    } else if (std::find(levels.begin(), levels.end(), region->level) == levels.end()) {
      std::string wanted;
      for (RegionLevel level : levels) wanted += (wanted.empty() ? "" : "或") + std::string(Label(level));
      Problem(field, "区划 " + code + " 是" + std::string(Label(region->level)) + ",此处应为" + wanted +
                         " (region_level)");
    }
    return Status::Ok();
  }

  Status CheckExists(std::string_view field, RecordKind kind, const std::string& key, std::string_view what) {
    if (key.empty()) return Status::Ok();
    auto& seen = known_[static_cast<int>(kind)];
    if (seen.contains(key)) return Status::Ok();
    LX_ASSIGN_OR_RETURN(bool exists, txn_->Exists(kind, key));
    if (exists) {
      seen.insert(key);
    } else {
      Problem(field, std::string(what) + " " + key + " 不存在 (" + std::string(Token(kind)) + "_unknown)");
    }
    return Status::Ok();
  }

  // ---- regions: collected, then saved parents first, so a file may list
  // villages before their township.
  Status RegionRow() {
    Region r;
    std::string code = Required("code");
    r.name = Required("name");
    std::string_view level_text = Cell("level");
    if (!code.empty()) {
      if (!level_text.empty()) {
        Take("level", ParseRegionLevel(level_text), r.level);
        if (row_ok_) Take("code", ParseRegionCode(code, r.level), r.code);
      } else {
        Take("code", RegionLevelOfCode(code), r.level);
        r.code = code;
      }
    }
    std::string parent(Cell("parent_code"));
    if (row_ok_ && r.level != RegionLevel::kCounty) {
      if (parent.empty()) parent = ImpliedParent(r.code, r.level);
      Status linked = CheckRegionParent(r.code, r.level, parent);
      if (!linked.ok()) Problem("parent_code", linked.message());
    }
    r.parent_code = r.level == RegionLevel::kCounty ? "" : parent;
    if (row_ok_) {
      if (auto it = region_rows_.find(r.code); it != region_rows_.end()) {
        Problem("code",
                "区划代码 " + r.code + " 与第 " + std::to_string(it->second) + " 行重复 (duplicate_key)");
      } else {
        region_rows_.emplace(r.code, row_->number);
        pending_regions_.push_back({row_->number, r});
        regions_[r.code] = r;
      }
    }
    return Status::Ok();
  }

  static std::string ImpliedParent(const std::string& code, RegionLevel level) {
    switch (level) {
      case RegionLevel::kTownship:
        return code.substr(0, 6);
      case RegionLevel::kVillage:
        return code.substr(0, 9) + "000";
      case RegionLevel::kGrid:
        return code.substr(0, 12);
      case RegionLevel::kCounty:
        break;
    }
    return {};
  }

  Status FlushRegions() {
    std::stable_sort(pending_regions_.begin(), pending_regions_.end(),
                     [](const auto& a, const auto& b) { return a.second.level < b.second.level; });
    for (auto& [number, region] : pending_regions_) {
      TableRow row{number, {}};
      row_ = &row;
      row_ok_ = true;
      if (!region.parent_code.empty()) {
        LX_ASSIGN_OR_RETURN(std::optional<Region> parent, FindRegion(region.parent_code));
        if (!parent) {
          Problem("parent_code", "上级区划 " + region.parent_code + " 不存在 (region_parent_unknown)");
        } else if (static_cast<int>(parent->level) + 1 != static_cast<int>(region.level)) {
          Problem("parent_code", "上级区划 " + region.parent_code + " 是" +
                                     std::string(Label(parent->level)) + ",不能作为" +
                                     std::string(Label(region.level)) + "的上级 (region_parent_level)");
        }
      }
      LX_RETURN_IF_ERROR(Save(region));
    }
    return Status::Ok();
  }

  Status CheckDuplicateKey(const std::string& key) {
    if (key.empty()) return Status::Ok();
    auto [it, fresh] = keys_.emplace(key, row_->number);
    if (!fresh) {
      Problem(columns_[0].field, std::string(columns_[0].header) + " " + key + " 与第 " +
                                     std::to_string(it->second) + " 行重复 (duplicate_key)");
    }
    return Status::Ok();
  }

  Status UnitRow() {
    Unit u;
    u.code = Required("code");
    LX_RETURN_IF_ERROR(CheckDuplicateKey(u.code));
    u.name = Required("name");
    u.county_code = std::string(Cell("county_code"));
    if (u.county_code.empty()) {
      LX_ASSIGN_OR_RETURN(u.county_code, SoleCounty());
      if (u.county_code.empty()) Problem("county_code", "数据库中有多个县或没有县,请填写所属县 (required)");
    } else {
      LX_RETURN_IF_ERROR(CheckRegionRef("county_code", u.county_code, {RegionLevel::kCounty}));
    }
    long long staff = 0;
    Take("staff", ParseInteger(Required("staff"), 0, 100000), staff);
    u.staff = static_cast<int>(staff);
    if (!Cell("strength").empty()) Take("strength", ParseUnitStrength(Cell("strength")), u.strength);
    return Save(u);
  }

  // The county when the database holds exactly one; empty otherwise.
  Result<std::string> SoleCounty() {
    if (!sole_county_) {
      LX_ASSIGN_OR_RETURN(RegistryCounts counts, store_.Counts());
      sole_county_ = std::string();
      if (counts.regions > 0) {
        struct Finder : RegistrySink {
          std::vector<std::string> counties;
          Status Add(const Region& r) override {
            if (r.level == RegionLevel::kCounty) counties.push_back(r.code);
            return Status::Ok();
          }
          Status Add(const Unit&) override { return Status::Ok(); }
          Status Add(const Org&) override { return Status::Ok(); }
          Status Add(const Cadre&) override { return Status::Ok(); }
          Status Add(const Household&) override { return Status::Ok(); }
          Status Add(const Member&) override { return Status::Ok(); }
        } finder;
        LX_RETURN_IF_ERROR(store_.Scan(RecordKind::kRegions, finder));
        if (finder.counties.size() == 1) sole_county_ = finder.counties[0];
      }
    }
    return *sole_county_;
  }

  Status OrgRow() {
    Org o;
    o.code = Required("code");
    LX_RETURN_IF_ERROR(CheckDuplicateKey(o.code));
    o.name = Required("name");
    bool kind_ok = row_ok_;
    Take("kind", ParseOrgKind(Required("kind")), o.kind);
    kind_ok = kind_ok && row_ok_;
    o.region_code = Required("region_code");
    // Only a known kind says which level its region must be.
    if (kind_ok && o.kind == OrgKind::kVillageBranch) {
      LX_RETURN_IF_ERROR(CheckRegionRef("region_code", o.region_code, {RegionLevel::kVillage}));
    } else {
      LX_RETURN_IF_ERROR(
          CheckRegionRef("region_code", o.region_code,
                         {RegionLevel::kCounty, RegionLevel::kTownship, RegionLevel::kVillage}));
    }
    if (!Cell("rating").empty()) Take("rating", ParseOrgRating(Cell("rating")), o.rating);
    return Save(o);
  }

  // Parses an ID number column: checksum, birth date, region; the gender
  // column (when present) must agree with it.
  std::optional<IdInfo> TakeId(std::string_view field, bool required) {
    std::string text = required ? Required(field) : std::string(Cell(field));
    if (text.empty()) return std::nullopt;
    Result<IdInfo> info = ParseIdNumber(text, options_.today);
    if (!info.ok()) {
      Problem(field, info.status().message());
      return std::nullopt;
    }
    return *info;
  }

  // The ID number must not appear twice in the file, nor belong to another
  // record of this kind in the database.
  Status CheckIdUnique(std::string_view field, const IdInfo& id, const std::string& own_key,
                       RecordKind kind) {
    auto [it, fresh] = ids_.emplace(id.normalized, row_->number);
    if (!fresh) {
      Problem(field, "身份证号 " + MaskIdNumber(id.normalized) + " 与第 " + std::to_string(it->second) +
                         " 行重复 (id_duplicate)");
      return Status::Ok();
    }
    if (kind == RecordKind::kMembers) return Status::Ok();  // a member's ID is its key
    // Into an empty table every ID comes from this file, already checked above.
    if (table_was_empty_) return Status::Ok();
    LX_ASSIGN_OR_RETURN(std::optional<std::string> owner,
                        txn_->OwnerOfIdNumber(kind, IdNumber(id.normalized)));
    if (owner && *owner != own_key) {
      Problem(field, "身份证号 " + MaskIdNumber(id.normalized) + " 已属于 " + *owner + " (id_duplicate)");
    }
    return Status::Ok();
  }

  Gender TakeGender(const std::optional<IdInfo>& id) {
    Gender gender = Gender::kUnknown;
    if (!Cell("gender").empty()) Take("gender", ParseGender(Cell("gender")), gender);
    if (id) {
      if (gender != Gender::kUnknown && gender != id->gender) {
        Problem("gender", "性别“" + std::string(Cell("gender")) + "”与身份证号不符 (gender_mismatch)");
      }
      gender = id->gender;
    }
    return gender;
  }

  Status CadreRow() {
    Cadre c;
    c.code = Required("code");
    LX_RETURN_IF_ERROR(CheckDuplicateKey(c.code));
    c.name = Required("name");
    std::optional<IdInfo> id = TakeId("id_number", false);
    if (id) {
      c.id_number = IdNumber(id->normalized);
      LX_RETURN_IF_ERROR(CheckIdUnique("id_number", *id, c.code, RecordKind::kCadres));
    }
    c.gender = TakeGender(id);
    if (!Cell("phone").empty()) {
      std::string phone;
      Take("phone", ParsePhone(Cell("phone")), phone);
      c.phone = Phone(phone);
    }
    Take("rank", ParseRank(Required("rank")), c.rank);
    c.unit_code = std::string(Cell("unit_code"));
    c.village_code = std::string(Cell("village_code"));
    if (c.rank == Rank::kVillageMember) {
      if (c.village_code.empty()) Problem("village_code", "农村党员须填写所在村 (required)");
      if (!c.unit_code.empty())
        Problem("unit_code", "农村党员不属于党政单位,所在单位应为空 (unit_not_allowed)");
      LX_RETURN_IF_ERROR(CheckRegionRef("village_code", c.village_code, {RegionLevel::kVillage}));
    } else {
      if (c.unit_code.empty()) Problem("unit_code", "党政干部须填写所在单位 (required)");
      if (!c.village_code.empty()) {
        Problem("village_code", "党政干部的所在村应为空;联系村由结对产生 (village_not_allowed)");
      }
      LX_RETURN_IF_ERROR(CheckExists("unit_code", RecordKind::kUnits, c.unit_code, "单位"));
    }
    if (!Cell("education").empty()) Take("education", ParseEducation(Cell("education")), c.education);
    Take("skills", ParseSkills(Cell("skills"), config_.skills), c.skills);
    c.title = std::string(Cell("title"));
    Take("unit_head", ParseYesNo(Cell("unit_head")), c.unit_head);
    if (c.unit_head && row_ok_) {
      auto [it, fresh] = unit_heads_.emplace(c.unit_code, row_->number);
      if (!fresh) {
        Problem("unit_head", "单位 " + c.unit_code + " 的一把手已在第 " + std::to_string(it->second) +
                                 " 行 (unit_head_duplicate)");
      } else {
        LX_ASSIGN_OR_RETURN(std::optional<std::string> head, txn_->HeadOfUnit(c.unit_code));
        if (head && *head != c.code) {
          Problem("unit_head",
                  "单位 " + c.unit_code + " 已有一把手 " + *head + ",请先将其改为“否” (unit_head_duplicate)");
        }
      }
    }
    return Save(c);
  }

  Status HouseholdRow() {
    Household h;
    h.code = Required("code");
    LX_RETURN_IF_ERROR(CheckDuplicateKey(h.code));
    h.village_code = Required("village_code");
    LX_RETURN_IF_ERROR(
        CheckRegionRef("village_code", h.village_code, {RegionLevel::kVillage, RegionLevel::kGrid}));
    h.head_name = Required("head_name");
    std::optional<IdInfo> id = TakeId("head_id_number", false);
    if (id) {
      h.head_id_number = IdNumber(id->normalized);
      LX_RETURN_IF_ERROR(CheckIdUnique("head_id_number", *id, h.code, RecordKind::kHouseholds));
    }
    if (!Cell("phone").empty()) {
      std::string phone;
      Take("phone", ParsePhone(Cell("phone")), phone);
      h.phone = Phone(phone);
    }
    long long size = 1;
    Take("size", ParseInteger(Required("size"), 1, 50), size);
    h.size = static_cast<int>(size);
    long long income = 0;
    Take("income_per_capita", ParseInteger(Required("income_per_capita"), -1000000, 100000000), income);
    h.income_per_capita = income;
    if (!Cell("housing").empty()) Take("housing", ParseHousing(Cell("housing")), h.housing);
    if (!Cell("land_mu").empty()) Take("land_mu", ParseDecimal(Cell("land_mu"), 0, 100000), h.land_mu);
    Take("needs", ParseNeeds(Cell("needs"), need_dictionary_), h.needs);
    h.address = std::string(Cell("address"));
    ScoreDifficulty(config_, h);
    return Save(h);
  }

  Status MemberRow() {
    Member m;
    std::optional<IdInfo> id = TakeId("id_number", true);
    m.household_code = Required("household_code");
    LX_RETURN_IF_ERROR(CheckExists("household_code", RecordKind::kHouseholds, m.household_code, "户"));
    m.name = Required("name");
    m.relation = Required("relation");
    if (id) {
      m.id_number = IdNumber(id->normalized);
      LX_RETURN_IF_ERROR(CheckIdUnique("id_number", *id, "", RecordKind::kMembers));
      m.birth_date = id->birth_date.ToString();
      if (!Cell("birth_date").empty()) {
        Date date;
        Take("birth_date", ParseDate(Cell("birth_date")), date);
        if (row_ok_ && !(date == id->birth_date)) {
          Problem("birth_date", "出生日期 " + date.ToString() + " 与身份证号中的 " +
                                    id->birth_date.ToString() + " 不符 (birth_date_mismatch)");
        }
      }
    }
    m.gender = TakeGender(id);
    if (!Cell("education").empty()) Take("education", ParseEducation(Cell("education")), m.education);
    if (!Cell("labour").empty()) Take("labour", ParseLabour(Cell("labour")), m.labour);
    if (!Cell("health").empty()) Take("health", ParseHealth(Cell("health")), m.health);
    m.disability = std::string(Cell("disability"));
    return Save(m);
  }

  Store& store_;
  const Config& config_;
  RecordKind kind_;
  std::string name_;
  ImportOptions options_;
  const std::vector<ColumnSpec>& columns_;
  Dictionary need_dictionary_;
  std::unique_ptr<WriteTxn> txn_;
  ImportReport report_;

  std::vector<int> column_of_;  // per ColumnSpec: the file's column, or -1
  std::vector<std::string> header_text_;
  const TableRow* row_ = nullptr;
  bool row_ok_ = true;
  bool table_was_empty_ = false;

  std::unordered_map<std::string, int> keys_;        // natural key → first row
  std::unordered_map<std::string, int> ids_;         // ID number → first row
  std::unordered_map<std::string, int> unit_heads_;  // unit → row naming its head
  std::unordered_map<std::string, Region> regions_;
  std::unordered_map<std::string, int> region_rows_;
  std::vector<std::pair<int, Region>> pending_regions_;
  std::unordered_set<std::string> known_[6];  // keys known to exist, per kind
  std::optional<std::string> sole_county_;
};

}  // namespace

std::string ImportProblem::ToString() const {
  if (row == 0) return file + ": " + message;
  return file + ":" + std::to_string(row) + ":" + column + ": " + message;
}

std::vector<std::string> ImportHeaders(RecordKind kind) {
  std::vector<std::string> headers;
  for (const ColumnSpec& column : Columns(kind)) headers.emplace_back(column.header);
  return headers;
}

Result<ImportReport> ImportTable(Store& store, const Config& config, RecordKind kind, TableReader& reader,
                                 const std::string& name, const ImportOptions& options) {
  Import run(store, config, kind, name, options);
  return run.Run(reader);
}

Result<ImportReport> ImportFile(Store& store, const Config& config, RecordKind kind, const std::string& path,
                                const ImportOptions& options) {
  Result<std::unique_ptr<TableReader>> reader = OpenTableFile(path);
  if (!reader.ok()) {
    ImportReport report;
    report.problems.push_back({path, 0, "", reader.status().message()});
    return report;
  }
  return ImportTable(store, config, kind, **reader, path, options);
}

}  // namespace lianxin
