#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "lianxin/registry_io.hpp"
#include "registry/columns.hpp"
#include "registry/first_rows.hpp"
#include "registry/one_record.hpp"

namespace lianxin {

namespace {

// What a file of each kind is called in messages.
std::string_view KindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kRegions:
      return "区划";
    case RecordKind::kUnits:
      return "单位";
    case RecordKind::kOrgs:
      return "党组织";
    case RecordKind::kCadres:
      return "干部";
    case RecordKind::kHouseholds:
      return "农户";
    case RecordKind::kMembers:
      return "家庭成员";
  }
  return "";
}

// Every header text a kind's file may use (the column's field, its header
// and its synonyms) → the column.
std::map<std::string, size_t> HeaderKeys(const std::vector<ColumnSpec>& columns) {
  std::map<std::string, size_t> keys;
  for (size_t i = 0; i < columns.size(); ++i) {
    keys.emplace(HeaderKey(columns[i].field), i);
    keys.emplace(HeaderKey(columns[i].header), i);
    for (std::string_view alias : columns[i].aliases) keys.emplace(HeaderKey(alias), i);
  }
  return keys;
}

// How well ROW reads as the header: the known headers it holds (the natural
// key's counting twice), and whether it holds every required one.
std::pair<int, bool> MatchHeader(const std::vector<ColumnSpec>& columns,
                                 const std::map<std::string, size_t>& keys, const TableRow& row) {
  std::vector<bool> found(columns.size(), false);
  int known = 0;
  for (const std::string& cell : row.cells) {
    std::string key = HeaderKey(cell);
    if (key.empty()) continue;
    auto it = keys.find(key);
    if (it == keys.end() || found[it->second]) continue;
    found[it->second] = true;
    ++known;
  }
  bool complete = found[0];
  for (size_t i = 0; i < columns.size(); ++i) complete = complete && (!columns[i].required || found[i]);
  return {known + (found[0] ? 1 : 0), complete};
}

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
        need_dictionary_(config.NeedDictionary()),
        header_keys_(HeaderKeys(columns_)) {
    if (options_.today.year == 0) options_.today = ChinaDateOf(SystemClock().NowMillis());
  }

  Result<ImportReport> Run(TableReader& reader) {
    options_.progress->Begin("导入 " + name_, 0, "行");
    LX_ASSIGN_OR_RETURN(txn_, store_.Begin(options_.actor));
    LX_ASSIGN_OR_RETURN(table_was_empty_, txn_->Empty(kind_));
    LX_RETURN_IF_ERROR(StartLoading());
    // The header: the first of the first rows that holds the kind's
    // required headers; failing that, the one that holds the most known
    // headers (two at least), whose problems then say what is missing.
    std::vector<TableRow> head;
    bool end = false;
    int full = -1, best = -1, best_score = 1;
    while (static_cast<int>(head.size()) < kHeaderSearchRows && full < 0) {
      TableRow candidate;
      Result<bool> next = reader.Next(candidate);
      if (!next.ok()) return FileProblem(next.status().message());
      if (!*next) {
        end = true;
        break;
      }
      // A title or instruction line rarely holds even two known headers; the
      // natural key's counts twice, so a key-and-one-column file is found.
      auto [score, complete] = HeaderMatch(candidate);
      if (complete) full = static_cast<int>(head.size());
      if (score > best_score) {
        best_score = score;
        best = static_cast<int>(head.size());
      }
      head.push_back(std::move(candidate));
    }
    if (head.empty()) return FileProblem("文件是空的,没有表头 (file_empty)");
    int header = full >= 0 ? full : best;
    std::vector<std::string> sheets = reader.Sheets();
    if (header < 0) {
      std::string wanted;
      for (const ColumnSpec& column : columns_) {
        if (column.required) wanted += (wanted.empty() ? "“" : "”“") + std::string(column.header);
      }
      std::string where;
      if (sheets.size() > 1) {
        for (const std::string& sheet : sheets) where += "“" + sheet + "”";
        where = "在工作表" + where + "的前 " + std::to_string(kHeaderSearchRows) + " 行中都";
      } else {
        where = "在前 " + std::to_string(std::min<size_t>(head.size(), kHeaderSearchRows)) + " 行中";
      }
      return FileProblem(where + "找不到表头:表头行须含" + wanted + "”等列 (header_not_found)");
    }
    report_.sheet = reader.Sheet();
    if (sheets.size() > 1) {
      report_.notes.push_back("读取的是工作表“" + report_.sheet + "”(共 " + std::to_string(sheets.size()) +
                              " 个工作表,取第一个含表头的) (sheet)");
    }
    report_.header_row = head[header].number;
    if (head[header].number > 1) {
      report_.notes.push_back("表头在第 " + std::to_string(head[header].number) + " 行,其上 " +
                              std::to_string(head[header].number - 1) +
                              " 行(标题、填报说明等)未导入 (header_row)");
    }
    if (!MapHeader(head[header])) return Finish();
    TableRow row;
    for (size_t i = static_cast<size_t>(header) + 1; i < head.size(); ++i) {
      ++report_.rows;
      options_.progress->Update(static_cast<std::uint64_t>(report_.rows), reader.Fraction());
      row_ = &head[i];
      LX_RETURN_IF_ERROR(ImportRow());
    }
    while (!end) {
      Result<bool> more = reader.Next(row);
      if (!more.ok()) {
        AddProblem(0, "", more.status().message());
        break;
      }
      if (!*more) break;
      ++report_.rows;
      options_.progress->Update(static_cast<std::uint64_t>(report_.rows), reader.Fraction());
      // Past the cap the file is refused already: the rest is only counted,
      // so a million bad rows take seconds, not minutes.
      if (unlisted_ > 0) {
        ++unchecked_;
        continue;
      }
      row_ = &row;
      LX_RETURN_IF_ERROR(ImportRow());
    }
    options_.progress->Update(static_cast<std::uint64_t>(report_.rows), reader.Fraction());
    if (kind_ == RecordKind::kRegions && unlisted_ == 0) LX_RETURN_IF_ERROR(FlushRegions());
    return Finish();
  }

 private:
  // New rows are journaled by batches. Into an empty table of a kind whose
  // keys this file may hold once only, they are written on a thread of their
  // own while this one reads and checks the next (WriteTxn::LoadIntoEmpty);
  // the regions (and for cadres the units) are read first, so the lookups
  // that would make it wait for that thread are not needed.
  Status StartLoading() {
    txn_->JournalInsertsInBatches();
    const bool unique_keys = kind_ == RecordKind::kUnits || kind_ == RecordKind::kOrgs ||
                             kind_ == RecordKind::kCadres || kind_ == RecordKind::kHouseholds;
    if (!table_was_empty_ || !unique_keys) return Status::Ok();
    EachRecord<Region> regions([this](const Region& r) {
      regions_.emplace(r.code, r);
      return Status::Ok();
    });
    LX_RETURN_IF_ERROR(store_.ScanWithoutSecrets(RecordKind::kRegions, regions));
    if (kind_ == RecordKind::kCadres) {
      EachRecord<Unit> units([this](const Unit& u) {
        known_[static_cast<int>(RecordKind::kUnits)].insert(u.code);
        return Status::Ok();
      });
      LX_RETURN_IF_ERROR(store_.ScanWithoutSecrets(RecordKind::kUnits, units));
    }
    return txn_->LoadIntoEmpty(kind_);
  }

  Result<ImportReport> FileProblem(const std::string& message) {
    AddProblem(0, "", message);
    return Finish();
  }

  Result<ImportReport> Finish() {
    options_.progress->End();
    std::stable_sort(report_.problems.begin(), report_.problems.end(),
                     [](const ImportProblem& a, const ImportProblem& b) { return a.row < b.row; });
    if (unlisted_ > 0) {
      report_.problems.push_back({name_, 0, "",
                                  "… 另有 " + std::to_string(unlisted_) + " 个问题未列出,其后 " +
                                      std::to_string(unchecked_) + " 行未检查 (… and " +
                                      std::to_string(unlisted_) + " more; " + std::to_string(unchecked_) +
                                      " rows not checked) (too_many_problems)"});
    }
    for (size_t i = 0; i < changed_.size(); ++i) {
      if (changed_[i] > 0) report_.changed_columns.emplace_back(ColumnName(columns_[i].field), changed_[i]);
    }
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
    if (static_cast<int>(report_.problems.size()) >= kMaxImportProblems) {
      ++unlisted_;
      return;
    }
    report_.problems.push_back({name_, row, std::move(column), std::move(message)});
  }

  // How many of the kind's headers `row` holds (the natural key's counting
  // twice), and whether it holds the natural key's and every required one.
  std::pair<int, bool> HeaderMatch(const TableRow& row) const {
    return MatchHeader(columns_, header_keys_, row);
  }

  bool MapHeader(const TableRow& header) {
    const std::map<std::string, size_t>& by_key = header_keys_;
    column_of_.assign(columns_.size(), -1);
    text_limit_.clear();
    digits_.clear();
    for (const ColumnSpec& column : columns_) {
      text_limit_.push_back(TextLimit(column.field));
      digits_.push_back(DigitsColumn(column.field));
    }
    header_text_ = header.cells;
    header_row_ = header.number;
    bool ok = true;
    for (size_t c = 0; c < header.cells.size(); ++c) {
      auto it = by_key.find(HeaderKey(header.cells[c]));
      if (it == by_key.end()) {
        if (HeaderKey(header.cells[c]).empty()) continue;
        // Never dropped silently: a near miss is refused with the header it
        // most likely meant; anything else offices keep (序号, 备注) is noted.
        std::string closest = ClosestHeader(kind_, header.cells[c]);
        if (!closest.empty()) {
          AddProblem(header.number, header.cells[c],
                     "无法识别的列“" + header.cells[c] + "”,是否应为“" + closest + "”? (column_unknown)");
          ok = false;
        } else {
          report_.notes.push_back("第 " + std::to_string(c + 1) + " 列“" + header.cells[c] + "”不是" +
                                  std::string(KindName(kind_)) + "表的列,已忽略 (column_ignored)");
        }
        continue;
      }
      if (column_of_[it->second] >= 0) {
        AddProblem(header.number, header.cells[c],
                   "列“" + header.cells[c] + "”与第 " + std::to_string(column_of_[it->second] + 1) +
                       " 列重复 (column_duplicate)");
        ok = false;
        continue;
      }
      column_of_[it->second] = static_cast<int>(c);
    }
    // Only the natural key is needed in every file; a required column the
    // file lacks is needed only once a row makes a new record
    // (MissingColumn), and any other column left out keeps what is stored.
    if (column_of_[0] < 0) {
      AddProblem(header.number, std::string(columns_[0].header),
                 "缺少必填列“" + std::string(columns_[0].header) + "” (column_missing)");
      ok = false;
    }
    for (size_t i = 1; i < columns_.size(); ++i) {
      if (column_of_[i] < 0 && !columns_[i].computed) partial_ = true;
    }
    changed_.assign(columns_.size(), 0);
    return ok;
  }

  bool Has(std::string_view field) const {
    size_t i = Index(field);
    return i < columns_.size() && column_of_[i] >= 0;
  }

  // A required column the file lacks, met on a row that makes a new record:
  // said once, at the header.
  void MissingColumn(std::string_view field) {
    row_ok_ = false;
    size_t i = Index(field);
    if (i >= columns_.size() || !missing_said_.insert(i).second) return;
    AddProblem(header_row_, std::string(columns_[i].header),
               "缺少必填列“" + std::string(columns_[i].header) + "”:第 " + std::to_string(row_->number) +
                   " 行是新记录,须填写此列(只更新已有记录的文件可以不带此列) (column_missing)");
  }

  size_t Index(std::string_view field) const {
    // Asked about forty times a row, for a dozen names, each the caller's
    // literal at an address of its own: a small table by that address
    // answers, once the name there is found to be the column's (so a name
    // held anywhere else only misses). For the rest, the length and first
    // letter rule out nearly every other column before the bytes are compared.
    KnownField& known = known_fields_[(reinterpret_cast<std::uintptr_t>(field.data()) >> 3) % kKnownFields];
    if (known.data == field.data() && known.index < columns_.size()) {
      const std::string_view name = columns_[known.index].field;
      if (name.size() == field.size() && std::memcmp(name.data(), field.data(), name.size()) == 0)
        return known.index;
    }
    for (size_t i = 0; i < columns_.size(); ++i) {
      const std::string_view name = columns_[i].field;
      if (name.size() == field.size() && !name.empty() && name[0] == field[0] && name == field) {
        known = {field.data(), i};
        return i;
      }
    }
    return columns_.size();
  }

  // The cell of `field` in the current row, empty when the column is absent.
  std::string_view Cell(std::string_view field) const {
    size_t i = Index(field);
    if (i >= columns_.size() || column_of_[i] < 0) return {};
    size_t c = static_cast<size_t>(column_of_[i]);
    if (mangled_.contains(c)) return {};
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
    // An absent or mangled column was said already (MissingColumn,
    // FindMangledCells): its empty text is no further problem.
    if (!Has(field) || Mangled(field)) return;
    if (parsed.ok()) {
      out = std::move(parsed).value();
    } else {
      Problem(field, parsed.status().message());
    }
  }

  // The text of a required field, or a problem when it is empty.
  std::string Required(std::string_view field) {
    if (!Has(field)) {
      MissingColumn(field);
      return {};
    }
    std::string_view text = Cell(field);
    if (text.empty() && !Mangled(field)) Problem(field, "必填项为空 (required)");
    return std::string(text);
  }

  bool Mangled(std::string_view field) const {
    size_t i = Index(field);
    return i < columns_.size() && column_of_[i] >= 0 && mangled_.contains(static_cast<size_t>(column_of_[i]));
  }

  // Codes and ID numbers Excel has turned into numbers: a number cell of
  // more than 15 digits (Excel keeps 15 significant digits, the rest became
  // 0) or any exponent form (1.49901E+17, as a CSV re-saved by Excel holds).
  // Their digits are not the file's to print or to check: the cell is
  // refused, and the column's cause and cure said once.
  // Free text a person reads (names, addresses): bounded in length, and free
  // of control characters and bidirectional overrides (kMaxNameChars …).
  // The longest each free-text column may be, in characters; 0 for the rest.
  static int TextLimit(std::string_view field) {
    static const std::map<std::string_view, int> kLimits = {
        {"name", kMaxNameChars},    {"head_name", kMaxNameChars}, {"relation", kMaxNameChars},
        {"address", kMaxTextChars}, {"title", kMaxTextChars},     {"disability", kMaxTextChars}};
    auto limit = kLimits.find(field);
    return limit == kLimits.end() ? 0 : limit->second;
  }

  void CheckTextCells() {
    for (size_t i = 0; i < columns_.size(); ++i) {
      const int limit = text_limit_[i];
      if (limit == 0 || column_of_[i] < 0) continue;
      size_t c = static_cast<size_t>(column_of_[i]);
      if (c >= row_->cells.size()) continue;
      std::string_view text = row_->cells[c];
      int chars = 0;
      bool control = false;
      for (size_t k = 0; k < text.size(); ++k) {
        unsigned char b = static_cast<unsigned char>(text[k]);
        if ((b & 0xC0) != 0x80) ++chars;
        if (b < 0x20 || b == 0x7F) control = true;
        // C1 controls (U+0080–U+009F) are C2 80–C2 9F; the overrides are
        // E2 80 AA–AE (U+202A–U+202E) and E2 81 A6–A9 (U+2066–U+2069).
        if (b == 0xC2 && k + 1 < text.size() && static_cast<unsigned char>(text[k + 1]) < 0xA0)
          control = true;
        if (b == 0xE2 && k + 2 < text.size()) {
          unsigned char b1 = static_cast<unsigned char>(text[k + 1]),
                        b2 = static_cast<unsigned char>(text[k + 2]);
          if ((b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9))
            control = true;
        }
      }
      if (control) {
        AddProblem(row_->number, header_text_[c],
                   "含有控制字符或文字方向控制符,请删除后重新填写 (text_control)");
        row_ok_ = false;
      } else if (chars > limit) {
        AddProblem(row_->number, header_text_[c], "超过 " + std::to_string(limit) + " 个字 (text_too_long)");
        row_ok_ = false;
      }
    }
  }

  void FindMangledCells() {
    mangled_.clear();
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (column_of_[i] < 0 || !digits_[i]) continue;
      size_t c = static_cast<size_t>(column_of_[i]);
      if (c >= row_->cells.size()) continue;
      const std::string& text = row_->cells[c];
      bool numeric = std::binary_search(row_->numeric_columns.begin(), row_->numeric_columns.end(),
                                        static_cast<std::uint32_t>(c));
      // One pass: its digits, whether it has an exponent's e, and whether
      // anything but a number's characters (0-9 . e E + - space).
      size_t digits = 0;
      bool has_e = false, other = false;
      for (char ch : text) {
        if (ch >= '0' && ch <= '9') {
          ++digits;
        } else if (ch == 'e' || ch == 'E') {
          has_e = true;
        } else if (ch != '.' && ch != '+' && ch != '-' && ch != ' ') {
          other = true;
        }
      }
      bool exponent = has_e && !other && digits > 0;
      if (!exponent && !(numeric && digits > 15)) continue;
      mangled_.insert(c);
      AddProblem(row_->number, header_text_[c],
                 "此格被 Excel 存成了数字,号码的末几位已经丢失,无法使用 (excel_number)");
      row_ok_ = false;
      if (excel_said_.insert(c).second) {
        report_.notes.push_back(
            "“" + header_text_[c] +
            "”列被 Excel 当作数字保存:超过 15 位的号码末几位会变成 0,或显示为 1.49901E+17 "
            "这样的科学计数法。请在 Excel 中选中此列,设置单元格格式为“文本”,重新输入(或粘贴)原始号码后再导入;"
            "也可在号码前加英文单引号 ' (excel_number)");
      }
    }
  }

  Status ImportRow() {
    row_ok_ = true;
    FindMangledCells();
    CheckTextCells();
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
  Status Save(const R& record, const std::optional<R>& before = std::nullopt) {
    if (!row_ok_ || unlisted_ > 0) return Status::Ok();
    if (before && changed_.size() == columns_.size()) {
      std::vector<std::string> was = Cells(*before, true), now = Cells(record, true);
      for (size_t i = 0; i < was.size() && i < now.size(); ++i) {
        if (was[i] != now[i] && !columns_[i].computed) ++changed_[i];
      }
    }
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

  // The stored record with natural key `key`, when this file leaves some
  // column out (its value is then kept) or on a dry run (to say what would
  // change); nullopt otherwise, or when there is none.
  template <typename R>
  Result<std::optional<R>> Existing(const std::string& key) {
    if (key.empty() || (!partial_ && !options_.dry_run) || table_was_empty_) return std::optional<R>();
    OneRecord<R> sink;
    Status got = store_.Get(kind_, key, sink);
    if (!got.ok() && got.code() != Code::kNotFound) return got;
    return std::move(sink.found);
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
    if (Has("name")) {
      r.name = Required("name");
    } else if (!code.empty()) {
      // A file without names only re-levels or re-parents known regions.
      LX_ASSIGN_OR_RETURN(std::optional<Region> old, txn_->FindRegion(code));
      if (old) {
        r.name = old->name;
      } else {
        MissingColumn("name");
      }
    }
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
    auto [first, fresh] = keys_.Emplace(key, row_->number);
    if (!fresh) {
      Problem(columns_[0].field, std::string(columns_[0].header) + " " + key + " 与第 " +
                                     std::to_string(first) + " 行重复 (duplicate_key)");
    }
    return Status::Ok();
  }

  Status UnitRow() {
    std::string code = Required("code");
    LX_RETURN_IF_ERROR(CheckDuplicateKey(code));
    LX_ASSIGN_OR_RETURN(std::optional<Unit> old, Existing<Unit>(code));
    Unit u = old.value_or(Unit{});
    u.code = code;
    if (!old || Has("name")) u.name = Required("name");
    if (!old || Has("county_code")) {
      u.county_code = std::string(Cell("county_code"));
      if (u.county_code.empty()) {
        LX_ASSIGN_OR_RETURN(u.county_code, SoleCounty());
        if (u.county_code.empty()) Problem("county_code", "数据库中有多个县或没有县,请填写所属县 (required)");
      } else {
        LX_RETURN_IF_ERROR(CheckRegionRef("county_code", u.county_code, {RegionLevel::kCounty}));
      }
    }
    if (!old || Has("staff")) {
      long long staff = 0;
      Take("staff", ParseInteger(Required("staff"), 0, 100000), staff);
      u.staff = static_cast<int>(staff);
    }
    if (Has("strength")) {
      u.strength = Unit{}.strength;
      if (!Cell("strength").empty()) Take("strength", ParseUnitStrength(Cell("strength")), u.strength);
    }
    return Save(u, old);
  }

  // The county when the database holds exactly one; empty otherwise.
  Result<std::string> SoleCounty() {
    if (!sole_county_) {
      LX_ASSIGN_OR_RETURN(RegistryCounts counts, store_.Counts());
      sole_county_ = std::string();
      if (counts.regions > 0) {
        std::vector<std::string> counties;
        EachRecord<Region> finder([&](const Region& r) {
          if (r.level == RegionLevel::kCounty) counties.push_back(r.code);
          return Status::Ok();
        });
        LX_RETURN_IF_ERROR(store_.Scan(RecordKind::kRegions, finder));
        if (counties.size() == 1) sole_county_ = counties[0];
      }
    }
    return *sole_county_;
  }

  Status OrgRow() {
    std::string code = Required("code");
    LX_RETURN_IF_ERROR(CheckDuplicateKey(code));
    LX_ASSIGN_OR_RETURN(std::optional<Org> old, Existing<Org>(code));
    Org o = old.value_or(Org{});
    o.code = code;
    if (!old || Has("name")) o.name = Required("name");
    bool kind_ok = row_ok_;
    if (!old || Has("kind")) Take("kind", ParseOrgKind(Required("kind")), o.kind);
    kind_ok = kind_ok && row_ok_;
    if (!old || Has("region_code")) o.region_code = Required("region_code");
    // Only a known kind says which level its region must be.
    if (kind_ok && o.kind == OrgKind::kVillageBranch) {
      LX_RETURN_IF_ERROR(CheckRegionRef("region_code", o.region_code, {RegionLevel::kVillage}));
    } else {
      LX_RETURN_IF_ERROR(
          CheckRegionRef("region_code", o.region_code,
                         {RegionLevel::kCounty, RegionLevel::kTownship, RegionLevel::kVillage}));
    }
    if (Has("rating")) {
      o.rating = Org{}.rating;
      if (!Cell("rating").empty()) Take("rating", ParseOrgRating(Cell("rating")), o.rating);
    }
    return Save(o, old);
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
    auto [first, fresh] = ids_.Emplace(id.normalized, row_->number);
    if (!fresh) {
      Problem(field, "身份证号 " + MaskIdNumber(id.normalized) + " 与第 " + std::to_string(first) +
                         " 行重复 (id_duplicate)");
      return Status::Ok();
    }
    if (kind == RecordKind::kMembers) return Status::Ok();  // a member's ID is its key
    // Into an empty table every ID comes from this file, already checked above.
    if (table_was_empty_) return Status::Ok();
    LX_ASSIGN_OR_RETURN(std::optional<std::string> owner,
                        txn_->OwnerOfIdNumber(kind, IdNumber(id.normalized)));
    if (owner && *owner != own_key) {
      bool visible = true;
      if (options_.scope) {
        Result<bool> reach = store_.InScope(kind, *owner, *options_.scope);
        visible = reach.ok() && *reach;
      }
      if (visible) {
        Problem(field, "身份证号 " + MaskIdNumber(id.normalized) + " 已属于 " + *owner + " (id_duplicate)");
      } else {
        Problem(field, "身份证号 " + MaskIdNumber(id.normalized) + " 已在别处登记 (registered_elsewhere)");
      }
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
    std::string code = Required("code");
    LX_RETURN_IF_ERROR(CheckDuplicateKey(code));
    LX_ASSIGN_OR_RETURN(std::optional<Cadre> old, Existing<Cadre>(code));
    Cadre c = old.value_or(Cadre{});
    c.code = code;
    if (!old || Has("name")) c.name = Required("name");
    std::optional<IdInfo> id;
    if (Has("id_number")) {
      c.id_number = IdNumber();
      id = TakeId("id_number", false);
    }
    if (id) {
      c.id_number = IdNumber(id->normalized);
      LX_RETURN_IF_ERROR(CheckIdUnique("id_number", *id, c.code, RecordKind::kCadres));
    }
    if (Has("gender") || id) c.gender = TakeGender(id);
    if (Has("phone")) {
      c.phone = Phone();
      if (!Cell("phone").empty()) {
        std::string phone;
        Take("phone", ParsePhone(Cell("phone")), phone);
        c.phone = Phone(phone);
      }
    }
    if (!old || Has("rank")) Take("rank", ParseRank(Required("rank")), c.rank);
    if (Has("unit_code") || !old) c.unit_code = std::string(Cell("unit_code"));
    if (Has("village_code") || !old) c.village_code = std::string(Cell("village_code"));
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
    if (Has("education")) {
      c.education = Cadre{}.education;
      if (!Cell("education").empty()) Take("education", ParseEducation(Cell("education")), c.education);
    }
    if (Has("skills") || !old) Take("skills", ParseSkills(Cell("skills"), config_.skills), c.skills);
    if (Has("title") || !old) c.title = std::string(Cell("title"));
    if (Has("unit_head") || !old) Take("unit_head", ParseYesNo(Cell("unit_head")), c.unit_head);
    if (c.unit_head && row_ok_) {
      auto [it, fresh] = unit_heads_.emplace(c.unit_code, row_->number);
      if (!fresh) {
        Problem("unit_head", "单位 " + c.unit_code + " 的一把手已在第 " + std::to_string(it->second) +
                                 " 行 (unit_head_duplicate)");
      } else if (!table_was_empty_) {
        // Into an empty table every head comes from this file, checked above
        // (and the table's indexes are down while it loads: a look-up would
        // read the whole table).
        LX_ASSIGN_OR_RETURN(std::optional<std::string> head, txn_->HeadOfUnit(c.unit_code));
        if (head && *head != c.code) {
          Problem("unit_head",
                  "单位 " + c.unit_code + " 已有一把手 " + *head + ",请先将其改为“否” (unit_head_duplicate)");
        }
      }
    }
    return Save(c, old);
  }

  Status HouseholdRow() {
    std::string code = Required("code");
    LX_RETURN_IF_ERROR(CheckDuplicateKey(code));
    LX_ASSIGN_OR_RETURN(std::optional<Household> old, Existing<Household>(code));
    Household h = old.value_or(Household{});
    h.code = code;
    if (!old || Has("village_code")) {
      h.village_code = Required("village_code");
      LX_RETURN_IF_ERROR(
          CheckRegionRef("village_code", h.village_code, {RegionLevel::kVillage, RegionLevel::kGrid}));
    }
    if (!old || Has("head_name")) h.head_name = Required("head_name");
    std::optional<IdInfo> id;
    if (Has("head_id_number")) {
      h.head_id_number = IdNumber();
      id = TakeId("head_id_number", false);
      if (id) {
        h.head_id_number = IdNumber(id->normalized);
        ids_.Prefetch(id->normalized);  // checked after the other columns, by when it is at hand
      }
    }
    if (Has("phone")) {
      h.phone = Phone();
      if (!Cell("phone").empty()) {
        std::string phone;
        Take("phone", ParsePhone(Cell("phone")), phone);
        h.phone = Phone(phone);
      }
    }
    if (!old || Has("size")) {
      long long size = 1;
      Take("size", ParseInteger(Required("size"), 1, 50), size);
      h.size = static_cast<int>(size);
    }
    if (!old || Has("income_per_capita")) {
      long long income = 0;
      Take("income_per_capita", ParseInteger(Required("income_per_capita"), -1000000, 100000000), income);
      h.income_per_capita = income;
    }
    if (Has("housing")) {
      h.housing = Household{}.housing;
      if (!Cell("housing").empty()) Take("housing", ParseHousing(Cell("housing")), h.housing);
    }
    if (Has("land_mu")) {
      h.land_mu = 0;
      if (!Cell("land_mu").empty()) Take("land_mu", ParseDecimal(Cell("land_mu"), 0, 100000), h.land_mu);
    }
    if (Has("needs") || !old) Take("needs", ParseNeeds(Cell("needs"), need_dictionary_), h.needs);
    if (Has("address") || !old) h.address = std::string(Cell("address"));
    if (id) LX_RETURN_IF_ERROR(CheckIdUnique("head_id_number", *id, h.code, RecordKind::kHouseholds));
    ScoreDifficulty(config_, h);
    return Save(h, old);
  }

  Status MemberRow() {
    std::optional<IdInfo> id = TakeId("id_number", true);
    // The member as stored (by its ID number), when it is one already.
    std::optional<Member> old;
    if (id && !table_was_empty_) {
      LX_ASSIGN_OR_RETURN(std::optional<std::string> home,
                          txn_->OwnerOfIdNumber(RecordKind::kMembers, IdNumber(id->normalized)));
      if (home) {
        EachRecord<Member> find([&](const Member& m) {
          if (m.id_number.Reveal() == id->normalized) old = m;
          return Status::Ok();
        });
        LX_RETURN_IF_ERROR(store_.MembersOf(*home, find));
        if (!old) old = Member{.household_code = *home};
      }
    }
    Member m = old.value_or(Member{});
    if (!old || Has("household_code")) m.household_code = Required("household_code");
    if (!m.household_code.empty() && ++members_in_file_[m.household_code] == kMaxMembersPerHousehold + 1) {
      Problem("household_code", "户 " + m.household_code + " 的成员超过 " +
                                    std::to_string(kMaxMembersPerHousehold) + " 人 (members_too_many)");
    }
    LX_RETURN_IF_ERROR(CheckExists("household_code", RecordKind::kHouseholds, m.household_code, "户"));
    if (old && row_ok_ && m.household_code != old->household_code) {
      LX_RETURN_IF_ERROR(CheckMove(*old, m.household_code));
    }
    if (!old || Has("name")) m.name = Required("name");
    if (!old || Has("relation")) m.relation = Required("relation");
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
    if (Has("education")) {
      m.education = Member{}.education;
      if (!Cell("education").empty()) Take("education", ParseEducation(Cell("education")), m.education);
    }
    if (Has("labour")) {
      m.labour = Member{}.labour;
      if (!Cell("labour").empty()) Take("labour", ParseLabour(Cell("labour")), m.labour);
    }
    if (Has("health")) {
      m.health = Member{}.health;
      if (!Cell("health").empty()) Take("health", ParseHealth(Cell("health")), m.health);
    }
    if (Has("disability") || !old) m.disability = std::string(Cell("disability"));
    if (!options_.dry_run) old.reset();  // only a dry run says what would change
    return Save(m, old);
  }

  // A member already in household `old.household_code` is moved to `to`
  // only when the row names the household it leaves (原户编号: the file says
  // so explicitly, not by a mistyped household code) and the caller reaches
  // both households. Outside the caller's reach the other household is not
  // named.
  Status CheckMove(const Member& old, const std::string& to) {
    if (options_.scope) {
      Result<bool> reach = store_.InScope(RecordKind::kHouseholds, old.household_code, *options_.scope);
      if (!reach.ok() && reach.status().code() != Code::kNotFound) return reach.status();
      if (!reach.ok() || !*reach) {
        Problem("id_number", "此身份证号已在别处登记为他户成员,无权迁移 (registered_elsewhere)");
        return Status::Ok();
      }
    }
    std::string_view from = Cell("from_household_code");
    if (from == old.household_code) return Status::Ok();
    Problem(Has("from_household_code") ? "from_household_code" : "household_code",
            "此人已是户 " + old.household_code + " 的成员;如确要迁入户 " + to + ",请在“原户编号”列填写 " +
                old.household_code + " (member_move)");
    return Status::Ok();
  }

  Store& store_;
  const Config& config_;
  RecordKind kind_;
  std::string name_;
  ImportOptions options_;
  const std::vector<ColumnSpec>& columns_;
  // Index's answers by where the name asked for was: its place in columns_.
  struct KnownField {
    const char* data = nullptr;
    size_t index = 0;
  };
  static constexpr size_t kKnownFields = 64;
  mutable std::array<KnownField, kKnownFields> known_fields_{};
  Dictionary need_dictionary_;
  std::unique_ptr<WriteTxn> txn_;
  ImportReport report_;

  std::vector<int> column_of_;   // per ColumnSpec: the file's column, or -1
  std::vector<int> text_limit_;  // per ColumnSpec: TextLimit
  std::vector<bool> digits_;     // per ColumnSpec: DigitsColumn
  std::vector<std::string> header_text_;
  const TableRow* row_ = nullptr;
  bool row_ok_ = true;
  bool table_was_empty_ = false;

  FirstRows keys_;                                   // natural key → first row
  FirstRows ids_;                                    // ID number → first row
  std::unordered_map<std::string, int> unit_heads_;  // unit → row naming its head
  std::unordered_map<std::string, Region> regions_;
  std::unordered_map<std::string, int> region_rows_;
  std::vector<std::pair<int, Region>> pending_regions_;
  std::unordered_set<std::string> known_[6];  // keys known to exist, per kind
  std::optional<std::string> sole_county_;

  std::map<std::string, size_t> header_keys_;  // every accepted header text → its ColumnSpec
  int header_row_ = 1;
  bool partial_ = false;                                  // some column the kind has is absent from the file
  std::set<size_t> missing_said_;                         // required columns whose absence was reported
  std::set<size_t> mangled_;                              // this row's cells Excel turned into numbers
  std::set<size_t> excel_said_;                           // columns whose Excel note was given
  std::vector<int> changed_;                              // per ColumnSpec: existing records it would change
  std::unordered_map<std::string, int> members_in_file_;  // household → its members in this file
  int unlisted_ = 0;                                      // problems past kMaxImportProblems
  std::int64_t unchecked_ = 0;                            // rows read after that, only counted
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

HeaderTest RequiredHeaderTest(RecordKind kind) {
  std::vector<ColumnSpec> columns = Columns(kind);
  std::map<std::string, size_t> keys = HeaderKeys(columns);
  // The natural key's header is enough: a file that updates a few columns
  // carries the key and those columns only.
  return [columns = std::move(columns), keys = std::move(keys)](const TableRow& row) {
    for (const std::string& cell : row.cells) {
      auto it = keys.find(HeaderKey(cell));
      if (it != keys.end() && it->second == 0) return true;
    }
    return false;
  };
}

Result<ImportReport> ImportFile(Store& store, const Config& config, RecordKind kind, const std::string& path,
                                const ImportOptions& options) {
  Result<std::unique_ptr<TableReader>> reader = OpenTableFile(path, RequiredHeaderTest(kind));
  if (!reader.ok()) {
    ImportReport report;
    report.problems.push_back({path, 0, "", reader.status().message()});
    return report;
  }
  return ImportTable(store, config, kind, **reader, path, options);
}

}  // namespace lianxin
