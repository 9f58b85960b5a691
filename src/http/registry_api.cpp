#include "lianxin/registry_api.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>

#include "http/internal.hpp"
#include "lianxin/registry_io.hpp"
#include "registry/columns.hpp"

namespace lianxin {

namespace {

using nlohmann::json;

constexpr size_t kMaxReasonBytes = 500;

struct KindPath {
  RecordKind kind;
  std::string_view path;
};
constexpr KindPath kApiKinds[] = {{RecordKind::kRegions, "regions"},
                                  {RecordKind::kUnits, "units"},
                                  {RecordKind::kOrgs, "orgs"},
                                  {RecordKind::kCadres, "cadres"},
                                  {RecordKind::kHouseholds, "households"}};

std::string_view PathOf(RecordKind kind) {
  for (const KindPath& k : kApiKinds) {
    if (k.kind == kind) return k.path;
  }
  return "";
}

// Text shaped like an 18-character ID number (17 digits, then a digit or X),
// spaces around it ignored, valid or not: it must not travel in a URL.
bool LooksLikeIdNumber(std::string_view text) {
  size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return false;
  text = text.substr(first, text.find_last_not_of(' ') - first + 1);
  if (text.size() != 18) return false;
  for (size_t i = 0; i < 17; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  char last = text[17];
  return (last >= '0' && last <= '9') || last == 'X' || last == 'x';
}

// The fields of `kind` in name order: the order a json object prints its
// keys in, which the API's records have always had.
const std::vector<size_t>& NameOrder(RecordKind kind) {
  static const std::array<std::vector<size_t>, 6> orders = [] {
    std::array<std::vector<size_t>, 6> all;
    for (RecordKind k : kAllRecordKinds) {
      const std::vector<ColumnSpec>& columns = Columns(k);
      std::vector<size_t>& order = all[static_cast<size_t>(k)];
      for (size_t i = 0; i < columns.size(); ++i) order.push_back(i);
      std::sort(order.begin(), order.end(),
                [&](size_t a, size_t b) { return columns[a].field < columns[b].field; });
    }
    return all;
  }();
  return orders[static_cast<size_t>(kind)];
}

// A record as the API shows it, written straight as JSON text: the export's
// cells by English field name, without the fields a member leaves out under
// its household, and with `members` (a JSON array's text) under "members"
// when not empty.
void AppendRecordText(std::string& out, RecordKind kind, const std::vector<std::string>& cells,
                      std::string_view members = {}) {
  const std::vector<ColumnSpec>& columns = Columns(kind);
  bool first = true;
  auto key = [&](std::string_view name) {
    out += first ? "{" : ",";
    first = false;
    http_internal::AppendJsonString(out, name);
    out += ':';
  };
  bool members_placed = members.empty();
  for (size_t i : NameOrder(kind)) {
    std::string_view field = columns[i].field;
    if (kind == RecordKind::kMembers && (field == "household_code" || field == "from_household_code"))
      continue;
    if (!members_placed && field > "members") {
      key("members");
      out += members;
      members_placed = true;
    }
    key(field);
    http_internal::AppendJsonString(out, i < cells.size() ? std::string_view(cells[i]) : "");
  }
  if (!members_placed) {
    key("members");
    out += members;
  }
  out += first ? "{}" : "}";
}

// Records (masked), and a household's members, as the API's JSON text,
// written without a json tree: the record read is the API's most frequent,
// and a tree per answer cost a fifth of it.
class RecordsText final : public RegistrySink {
 public:
  Status Add(const Region& r) override { return Keep(RecordKind::kRegions, Cells(r, false)); }
  Status Add(const Unit& u) override { return Keep(RecordKind::kUnits, Cells(u, false)); }
  Status Add(const Org& o) override { return Keep(RecordKind::kOrgs, Cells(o, false)); }
  Status Add(const Cadre& c) override { return Keep(RecordKind::kCadres, Cells(c, false)); }
  Status Add(const Household& h) override { return Keep(RecordKind::kHouseholds, Cells(h, false)); }
  Status Add(const Member& m) override {
    members_ += members_.empty() ? "[" : ",";
    AppendRecordText(members_, RecordKind::kMembers, Cells(m, false));
    return Status::Ok();
  }
  // The first record, a household with its members.
  std::string One() const {
    std::string out;
    if (records_.empty()) return out;
    const auto& [kind, cells] = records_.front();
    AppendRecordText(out, kind, cells,
                     kind != RecordKind::kHouseholds ? ""
                     : members_.empty()              ? "[]"
                                                     : members_ + "]");
    return out;
  }
  // Every record, as an array.
  std::string Array() const {
    std::string out = "[";
    for (const auto& [kind, cells] : records_) {
      if (out.size() > 1) out += ',';
      AppendRecordText(out, kind, cells);
    }
    return out + "]";
  }

 private:
  Status Keep(RecordKind kind, std::vector<std::string> cells) {
    records_.emplace_back(kind, std::move(cells));
    return Status::Ok();
  }
  std::vector<std::pair<RecordKind, std::vector<std::string>>> records_;
  std::string members_;
};

// Keeps the records themselves, for a reveal.
class RecordSink final : public RegistrySink {
 public:
  Status Add(const Region&) override { return Status::Ok(); }
  Status Add(const Unit&) override { return Status::Ok(); }
  Status Add(const Org&) override { return Status::Ok(); }
  Status Add(const Cadre& c) override {
    cadre = c;
    return Status::Ok();
  }
  Status Add(const Household& h) override {
    household = h;
    return Status::Ok();
  }
  Status Add(const Member& m) override {
    members.push_back(m);
    return Status::Ok();
  }
  std::optional<Cadre> cadre;
  std::optional<Household> household;
  std::vector<Member> members;
};

// The cells of one stored record in full (an update keeps what its body
// leaves out, ID numbers and phones included, which a client only ever
// sees masked).
class StoredCellsSink final : public RegistrySink {
 public:
  Status Add(const Region& r) override { return Keep(Cells(r, true)); }
  Status Add(const Unit& u) override { return Keep(Cells(u, true)); }
  Status Add(const Org& o) override { return Keep(Cells(o, true)); }
  Status Add(const Cadre& c) override { return Keep(Cells(c, true)); }
  Status Add(const Household& h) override { return Keep(Cells(h, true)); }
  Status Add(const Member& m) override { return Keep(Cells(m, true)); }
  std::vector<std::string> cells;

 private:
  Status Keep(std::vector<std::string> row) {
    cells = std::move(row);
    return Status::Ok();
  }
};

// Rows handed to the importer from memory (a JSON body, or a file read
// whole so its keys can be checked against the scope afterwards).
class RowsReader final : public TableReader {
 public:
  explicit RowsReader(const std::vector<TableRow>& rows) : rows_(rows) {}
  Result<bool> Next(TableRow& row) override {
    if (next_ >= rows_.size()) return false;
    row = rows_[next_++];
    return true;
  }

 private:
  const std::vector<TableRow>& rows_;
  size_t next_ = 0;
};

std::vector<std::string> HeaderRow(RecordKind kind) {
  std::vector<std::string> headers;
  for (const ColumnSpec& column : Columns(kind)) headers.emplace_back(column.header);
  return headers;
}

// The text a JSON value stands for in a file cell.
Result<std::string> CellText(const json& value, const std::string& field) {
  if (value.is_null()) return std::string();
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return std::string(value.get<bool>() ? "是" : "否");
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_number_float()) return DecimalText(value.get<double>());
  if (value.is_array()) {
    std::string joined;
    for (const json& item : value) {
      if (!item.is_string()) return Status::Invalid("字段 " + field + " 应为文字列表 (type)", field);
      joined += (joined.empty() ? "" : "、") + item.get<std::string>();
    }
    return joined;
  }
  return Status::Invalid("字段 " + field + " 的类型不对 (type)", field);
}

// One file row from a JSON record; `prefix` names nested fields
// ("members[1].") in errors; members named in `skip` are the caller's.
Result<TableRow> RowFromJson(RecordKind kind, const json& object, const std::string& prefix, int number,
                             const std::set<std::string>& skip = {}) {
  if (!object.is_object())
    return Status::Invalid("应为 JSON 对象 (json_invalid)", prefix.empty() ? "body" : prefix);
  const std::vector<ColumnSpec>& columns = Columns(kind);
  for (const auto& [name, value] : object.items()) {
    if (skip.count(name)) continue;
    bool known = false;
    for (const ColumnSpec& column : columns) known = known || column.field == name;
    if (!known) return Status::Invalid("未知字段 " + prefix + name + " (unknown_field)", prefix + name);
  }
  TableRow row;
  row.number = number;
  for (const ColumnSpec& column : columns) {
    std::string field(column.field);
    auto it = object.find(field);
    if (it == object.end() || column.computed) {
      row.cells.emplace_back();
      continue;
    }
    LX_ASSIGN_OR_RETURN(std::string text, CellText(*it, prefix + field));
    row.cells.push_back(std::move(text));
  }
  return row;
}

// The JSON member a file column stands for, with `prefix`.
std::string FieldOf(RecordKind kind, std::string_view column, const std::string& prefix) {
  for (const ColumnSpec& spec : Columns(kind)) {
    if (spec.header == column) return prefix + std::string(spec.field);
  }
  return prefix.empty() ? std::string() : prefix.substr(0, prefix.size() - 1);
}

struct Problem {
  int row = 0;
  std::string column, field, message;
};

// What an upload may hold in memory once inflated (rows and cells, as
// counted while reading): with the workbook's own caps (shared strings
// ≤ 160 MiB) an upload stays under B5's 512 MiB whatever the file.
constexpr std::uint64_t kMaxUploadBytesHeld = std::uint64_t{192} << 20;

HttpResponse ProblemsResponse(const std::vector<Problem>& problems, int status = 400) {
  json list = json::array();
  for (const Problem& p : problems) {
    list.push_back({{"row", p.row}, {"column", p.column}, {"field", p.field}, {"message", p.message}});
  }
  // One problem is said as itself (the whole write refused is what a 400
  // says); several are counted and the first is said. Its token is the reason.
  const std::string n = std::to_string(problems.size());
  json error = {{"code", CodeName(Code::kInvalidInput)},
                {"message", problems.size() == 1
                                ? problems.front().message
                                : n + " 处问题,未写入任何数据 (" + n +
                                      " problems, nothing written);第一处: " + problems.front().message}};
  if (std::string_view token = http_internal::MessageToken(problems.front().message); !token.empty())
    error["reason"] = std::string(token);
  if (!problems.front().field.empty()) error["field"] = problems.front().field;
  return HttpResponse::Json(status, {{"error", error}, {"problems", list}});
}

// What one write asks of the writer: files of rows, imported in order (a
// household, then its members), every resulting record checked against the
// scope; all or nothing.
struct WritePlan {
  struct Part {
    RecordKind kind;
    std::vector<TableRow> rows;  // the header first
    std::string prefix;          // for JSON field names in problems ("members[0]." etc. per row)
    bool from_json = true;
  };
  std::vector<Part> parts;
  bool dry_run = false;
  // Create: the record must not exist yet; update: it must, inside the scope.
  enum class Mode { kCreate, kUpdate, kUpload } mode = Mode::kUpload;
  RecordKind kind = RecordKind::kHouseholds;
  std::string key;
  // Update: the JSON members the body gave; the record keeps the others.
  std::set<std::string> given;
};

struct WriteOutcome {
  std::vector<Problem> problems;
  int rows = 0, inserted = 0, updated = 0, unchanged = 0;
  // An upload's: the header's row, the importer's notes, and on a dry run
  // what would change per column.
  int header_row = 0;
  std::vector<std::string> notes;
  std::vector<std::pair<std::string, int>> changed_columns;
};

// Where the column scope is decided by sits in a file's header row: the
// natural key (members: the household's code), found by its header, its
// English name or an alias, as the importer finds it; -1 when absent.
int ScopeColumn(RecordKind kind, const TableRow& header) {
  std::string_view field = kind == RecordKind::kMembers ? "household_code" : Columns(kind)[0].field;
  for (const ColumnSpec& spec : Columns(kind)) {
    if (spec.field != field) continue;
    for (size_t i = 0; i < header.cells.size(); ++i) {
      std::string key = HeaderKey(header.cells[i]);
      bool match = key == HeaderKey(spec.header) || key == HeaderKey(spec.field);
      for (std::string_view alias : spec.aliases) match = match || key == HeaderKey(alias);
      if (match) return static_cast<int>(i);
    }
  }
  return -1;
}

// Every row of an upload must lie within the caller's scope. Before the
// import (`before`) only rows naming a stored record are checked, so the
// importer never reads (nor its answer reveals) a record outside the scope,
// such as the values a file leaves out; after it, every row.
Status CheckUploadScope(Store& store, const Caller& caller, const WritePlan& plan, bool before) {
  for (const WritePlan::Part& part : plan.parts) {
    int column = part.rows.empty() ? -1 : ScopeColumn(part.kind, part.rows[0]);
    for (size_t i = 1; i < part.rows.size(); ++i) {
      const std::vector<std::string>& cells = part.rows[i].cells;
      std::string key = column >= 0 && column < static_cast<int>(cells.size()) ? cells[column] : "";
      RecordKind kind = part.kind == RecordKind::kMembers ? RecordKind::kHouseholds : part.kind;
      Result<bool> in = store.InScope(kind, key, caller.scope());
      if ((before || plan.dry_run) && !in.ok() && in.status().code() == Code::kNotFound) continue;
      if (!in.ok()) return in.status();
      if (!*in) {
        Status refused = OutOfScope();
        return Status(refused.code(), refused.message() + ": 第 " + std::to_string(part.rows[i].number) +
                                          " 行 " + key + " (row " + std::to_string(part.rows[i].number) +
                                          ")");
      }
    }
  }
  return Status::Ok();
}

Status RunPlan(Store& store, const Config& config, const Caller& caller, const WritePlan& plan,
               WriteOutcome& outcome) {
  if (plan.mode != WritePlan::Mode::kUpload) {
    Result<bool> in = store.InScope(plan.kind, plan.key, caller.scope());
    if (plan.mode == WritePlan::Mode::kCreate && in.ok()) {
      // Outside the scope even its existence is not the caller's to learn.
      if (!*in) return OutOfScope();
      return Status::Conflict("记录已存在 " + plan.key + " (exists)");
    }
    if (plan.mode == WritePlan::Mode::kUpdate) {
      if (!in.ok()) return in.status();
      if (!*in) return OutOfScope();
    }
  }
  if (plan.mode == WritePlan::Mode::kUpload) LX_RETURN_IF_ERROR(CheckUploadScope(store, caller, plan, true));
  std::vector<WritePlan::Part> parts = plan.parts;
  if (plan.mode == WritePlan::Mode::kUpdate && !parts.empty() && parts[0].rows.size() == 2) {
    StoredCellsSink stored;
    LX_RETURN_IF_ERROR(store.Get(plan.kind, plan.key, stored));
    const std::vector<ColumnSpec>& columns = Columns(plan.kind);
    std::vector<std::string>& cells = parts[0].rows[1].cells;
    for (size_t i = 0; i < columns.size() && i < cells.size() && i < stored.cells.size(); ++i) {
      if (!plan.given.count(std::string(columns[i].field))) cells[i] = stored.cells[i];
    }
  }
  ImportOptions options;
  options.dry_run = plan.dry_run;
  options.actor = caller.actor();
  options.scope = caller.scope();
  for (const WritePlan::Part& part : parts) {
    if (part.rows.size() <= 1) continue;
    RowsReader reader(part.rows);
    LX_ASSIGN_OR_RETURN(ImportReport report,
                        ImportTable(store, config, part.kind, reader, "request", options));
    bool earlier_refused = !outcome.problems.empty();
    for (const ImportProblem& p : report.problems) {
      std::string prefix = part.prefix;
      if (part.from_json && part.kind == RecordKind::kMembers) {
        prefix = "members[" + std::to_string(p.row - 2) + "].";
        // The household the members join was itself refused: saying it
        // does not exist would only repeat that.
        if (earlier_refused && FieldOf(part.kind, p.column, prefix) == prefix + "household_code") continue;
      }
      outcome.problems.push_back(
          {p.row, p.column, part.from_json ? FieldOf(part.kind, p.column, prefix) : "", p.message});
    }
    if (outcome.header_row == 0) outcome.header_row = report.header_row;
    outcome.notes.insert(outcome.notes.end(), report.notes.begin(), report.notes.end());
    outcome.changed_columns.insert(outcome.changed_columns.end(), report.changed_columns.begin(),
                                   report.changed_columns.end());
    outcome.rows += report.rows;
    outcome.inserted += report.inserted;
    outcome.updated += report.updated;
    outcome.unchanged += report.unchanged;
  }
  if (!outcome.problems.empty()) return Status::Invalid("refused");
  // Whatever was written must lie within the caller's scope (seen inside
  // this write, before it commits).
  LX_RETURN_IF_ERROR(CheckUploadScope(store, caller, plan, false));
  // A dry run writes nothing: the importer committed nothing, and the
  // writer undoes whatever else a failing job did.
  return Status::Ok();
}

class RegistryApi {
 public:
  explicit RegistryApi(const RegistryApiDeps& deps) : deps_(deps) {}

  // GET /KIND: the filters in the query string, except a whole ID number.
  HttpResponse List(RecordKind kind, HttpRequest& request, const Caller& caller) {
    ListQuery query;
    query.scope = caller.scope();
    query.region = std::string(request.QueryParam("region").value_or(""));
    query.q = std::string(request.QueryParam("q").value_or(""));
    query.cursor = std::string(request.QueryParam("cursor").value_or(""));
    if (LooksLikeIdNumber(query.q)) {
      // A URL lands in logs and browser history: no ID number goes in one.
      return HttpResponse::Error(Status::Invalid("按身份证号查找请用 POST /api/v1/" +
                                                     std::string(PathOf(kind)) +
                                                     "/search,号码放在请求体的 q 中 (id_number_in_url)",
                                                 "q"));
    }
    Result<int> limit = LimitParam(request);
    if (!limit.ok()) return HttpResponse::Error(limit.status());
    query.limit = *limit;
    return ListPageOf(kind, query);
  }

  // POST /KIND/search: the same filters in a JSON body {q, region, cursor,
  // limit}, each optional; the way to search by ID number.
  HttpResponse Search(RecordKind kind, HttpRequest& request, const Caller& caller) {
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    for (const auto& [field, value] : body->items()) {
      if (field != "q" && field != "region" && field != "cursor" && field != "limit") {
        return HttpResponse::Error(Status::Invalid("未知字段 " + field + " (unknown_field)", field));
      }
    }
    ListQuery query;
    query.scope = caller.scope();
    for (auto [name, target] :
         {std::pair{"q", &query.q}, {"region", &query.region}, {"cursor", &query.cursor}}) {
      Result<std::string> value = StringField(*body, name, false);
      if (!value.ok()) return HttpResponse::Error(value.status());
      *target = std::move(*value);
    }
    query.limit = kDefaultListLimit;
    if (auto it = body->find("limit"); it != body->end()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
          it->get<std::int64_t>() > kMaxListLimit) {
        return HttpResponse::Error(Status::Invalid("limit 应为 1 到 1000 的整数 (limit)", "limit"));
      }
      query.limit = it->get<int>();
    }
    return ListPageOf(kind, query);
  }

  HttpResponse ListPageOf(RecordKind kind, const ListQuery& query) {
    RecordsText records;
    Result<ListPage> page = WithReader([&](Store& store) { return store.List(kind, query, records); });
    if (!page.ok()) return HttpResponse::Error(page.status());
    // {"items":[…],"next":…,"total":…}, keys in name order as everywhere.
    std::string body = "{\"items\":" + records.Array() + ",\"next\":";
    if (page->next.empty()) {
      body += "null";
    } else {
      http_internal::AppendJsonString(body, page->next);
    }
    return HttpResponse::JsonText(200, body + ",\"total\":" + std::to_string(page->total) + "}");
  }

  HttpResponse Get(RecordKind kind, HttpRequest& request, const Caller& caller) {
    std::string key(request.PathParam("id"));
    RecordsText record;
    Result<bool> found =
        WithReader([&](Store& store) { return store.GetWithin(kind, key, caller.scope(), record); });
    if (!found.ok()) return HttpResponse::Error(found.status());
    // Missing and out of scope answer alike.
    if (!*found) return HttpResponse::Error(OutOfScope());
    return HttpResponse::JsonText(200, record.One());
  }

  // POST /KIND (create) and PUT /KIND/{id} (update).
  HttpResponse Put(RecordKind kind, HttpRequest& request, const Caller& caller, bool create) {
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    WritePlan plan;
    plan.kind = kind;
    plan.mode = create ? WritePlan::Mode::kCreate : WritePlan::Mode::kUpdate;
    if (!create) {
      std::string key(request.PathParam("id"));
      auto code = body->find("code");
      if (code == body->end()) {
        (*body)["code"] = key;
      } else if (!code->is_string() || code->get<std::string>() != key) {
        return HttpResponse::Error(Status::Invalid("code 与地址中的编号不一致 (code_mismatch)", "code"));
      }
    }
    std::set<std::string> nested;
    if (kind == RecordKind::kHouseholds) nested.insert("members");
    for (const auto& [name, value] : body->items()) plan.given.insert(name);
    Result<TableRow> row = RowFromJson(kind, *body, "", 2, nested);
    if (!row.ok()) return HttpResponse::Error(row.status());
    plan.key = row->cells.empty() ? "" : row->cells[0];
    if (plan.key.empty()) return HttpResponse::Error(Status::Invalid("缺少字段 code (required)", "code"));
    plan.parts.push_back({kind, {{1, HeaderRow(kind)}, std::move(*row)}, "", true});
    if (auto members = body->find("members"); members != body->end() && kind == RecordKind::kHouseholds) {
      if (!members->is_array()) {
        return HttpResponse::Error(Status::Invalid("members 应为数组 (type)", "members"));
      }
      WritePlan::Part part{RecordKind::kMembers, {{1, HeaderRow(RecordKind::kMembers)}}, "members", true};
      int index = 0;
      for (json member : *members) {
        std::string prefix = "members[" + std::to_string(index) + "].";
        if (member.is_object() && !member.contains("household_code")) member["household_code"] = plan.key;
        Result<TableRow> member_row = RowFromJson(RecordKind::kMembers, member, prefix, index + 2);
        if (!member_row.ok()) return HttpResponse::Error(member_row.status());
        part.rows.push_back(std::move(*member_row));
        ++index;
      }
      plan.parts.push_back(std::move(part));
    }
    WriteOutcome outcome;
    // The answer is the record as written, read inside the write's own
    // transaction: no second read, and nothing committed since can show in it.
    RecordsText written;
    auto answer = [&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(bool within, store.GetWithin(kind, plan.key, caller.scope(), written));
      return within ? Status::Ok() : OutOfScope();
    };
    if (std::optional<HttpResponse> refused = Write(caller, plan, outcome, answer))
      return std::move(*refused);
    return HttpResponse::JsonText(create ? 201 : 200, written.One());
  }

  HttpResponse Upload(RecordKind kind, HttpRequest& request, const Caller& caller) {
    std::string format(request.QueryParam("format").value_or(""));
    std::string content_type(request.headers.Get("Content-Type").value_or(""));
    bool xlsx = format == "xlsx" || content_type.find("spreadsheetml") != std::string::npos ||
                (format.empty() && request.body.rfind("PK\x03\x04", 0) == 0);
    if (!format.empty() && format != "xlsx" && format != "csv") {
      return HttpResponse::Error(Status::Invalid("format 应为 csv 或 xlsx (format)", "format"));
    }
    HeaderTest holds_header = RequiredHeaderTest(kind);
    Result<std::unique_ptr<TableReader>> reader =
        xlsx ? OpenXlsx(std::move(request.body), holds_header) : OpenCsv(std::move(request.body));
    if (!reader.ok()) return ProblemsResponse({{0, "", "body", reader.status().message()}});
    WritePlan plan;
    plan.kind = kind;
    plan.dry_run = request.QueryParam("dry_run").value_or("") == "true";
    WritePlan::Part part{kind, {}, "", false};
    // The rows are held until the writer takes them: their memory is
    // bounded, whatever a small file inflates to.
    std::uint64_t held = 0;
    bool header_seen = false;
    while (true) {
      TableRow row;
      Result<bool> more = (*reader)->Next(row);
      if (!more.ok()) return ProblemsResponse({{0, "", "body", more.status().message()}});
      if (!*more) break;
      // Title lines above the header are dropped here, so the scope check
      // reads the real header (the importer numbers rows as the file does).
      if (!header_seen && part.rows.size() < static_cast<size_t>(kHeaderSearchRows) && holds_header(row)) {
        header_seen = true;
        part.rows.clear();
      }
      held += sizeof(TableRow) + row.cells.size() * sizeof(std::string);
      for (const std::string& cell : row.cells) held += cell.capacity() > 15 ? cell.capacity() : 0;
      if (held > kMaxUploadBytesHeld) {
        return ProblemsResponse(
            {{0, "", "body",
              "文件展开后超过 " + std::to_string(kMaxUploadBytesHeld >> 20) +
                  " MiB,请分批上传,或在服务器上用 lianxin import 导入 (upload_too_large)"}},
            413);
      }
      part.rows.push_back(std::move(row));
    }
    if (part.rows.size() <= 1) return ProblemsResponse({{0, "", "body", "文件中没有数据行 (empty_file)"}});
    const std::string sheet = (*reader)->Sheet();
    plan.parts.push_back(std::move(part));
    // A dry run validates everything and writes nothing (the importer
    // commits nothing then).
    WriteOutcome outcome;
    if (std::optional<HttpResponse> refused = Write(caller, plan, outcome)) return std::move(*refused);
    json changed = json::object();
    for (const auto& [column, records] : outcome.changed_columns) changed[column] = records;
    return HttpResponse::Json(200, {{"rows", outcome.rows},
                                    {"inserted", outcome.inserted},
                                    {"updated", outcome.updated},
                                    {"unchanged", outcome.unchanged},
                                    {"dry_run", plan.dry_run},
                                    {"sheet", sheet},
                                    {"header_row", outcome.header_row},
                                    {"notes", outcome.notes},
                                    {"changed_columns", changed}});
  }

  HttpResponse Export(RecordKind kind, HttpRequest& request, const Caller& caller) {
    std::string format(request.QueryParam("format").value_or("xlsx"));
    if (format != "xlsx" && format != "csv") {
      return HttpResponse::Error(Status::Invalid("format 应为 csv 或 xlsx (format)", "format"));
    }
    ExportOptions options;
    options.scope = caller.scope();
    Result<std::string> bytes = WrittenBytes(request.id, format, [&](const std::string& path) {
      return WithReader([&](Store& store) { return ExportKind(store, kind, path, options); });
    });
    if (!bytes.ok()) return HttpResponse::Error(bytes.status());
    Status audited = Audit(caller, "export", std::string(Token(kind)), "format=" + format + " masked");
    if (!audited.ok()) return HttpResponse::Error(audited);
    HttpResponse response = HttpResponse::Text(
        200, std::move(*bytes),
        format == "csv" ? "text/csv; charset=utf-8"
                        : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    response.headers.Set("Content-Disposition",
                         "attachment; filename=\"" + std::string(Token(kind)) + "." + format + "\"");
    return response;
  }

  HttpResponse Reveal(HttpRequest& request, const Caller& caller) {
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    Result<std::string> kind_text = StringField(*body, "kind");
    if (!kind_text.ok()) return HttpResponse::Error(kind_text.status());
    Result<std::string> id = StringField(*body, "id");
    if (!id.ok()) return HttpResponse::Error(id.status());
    Result<std::string> field = StringField(*body, "field");
    if (!field.ok()) return HttpResponse::Error(field.status());
    Result<std::string> reason = StringField(*body, "reason");
    if (!reason.ok()) return HttpResponse::Error(reason.status());
    if (reason->find_first_not_of(" \t\r\n") == std::string::npos || reason->size() > kMaxReasonBytes) {
      return HttpResponse::Error(Status::Invalid("请说明查看理由(500 字节以内) (reason_required)", "reason"));
    }
    std::optional<RecordKind> kind = ParseRecordKind(*kind_text);
    bool member = kind == RecordKind::kMembers;
    if (!kind || (*kind != RecordKind::kHouseholds && *kind != RecordKind::kCadres && !member)) {
      return HttpResponse::Error(Status::Invalid("kind 应为 households、cadres 或 members (kind)", "kind"));
    }
    int index = 0;
    if (member) {
      auto it = body->find("member");
      if (it == body->end() || !it->is_number_integer() || it->get<int>() < 0) {
        return HttpResponse::Error(Status::Invalid("member 应为家庭成员的序号 (member)", "member"));
      }
      index = it->get<int>();
    }
    // An operator reaches a household's phone, to call it back; no ID number.
    const bool operator_only = caller.HasRole(Role::kOperator) &&
                               std::none_of(caller.user()->roles.begin(), caller.user()->roles.end(),
                                            [](Role r) { return r != Role::kOperator; });
    if (operator_only && (*kind != RecordKind::kHouseholds || *field != "phone")) {
      return HttpResponse::Error(Status(Code::kPermissionDenied, "接线员只能查看农户的联系电话 (forbidden)"));
    }
    RecordKind scope_kind = member ? RecordKind::kHouseholds : *kind;
    RecordSink sink;
    Result<bool> in = WithReader([&](Store& store) -> Result<bool> {
      LX_ASSIGN_OR_RETURN(bool inside, store.InScope(scope_kind, *id, caller.scope()));
      if (!inside) return false;
      if (member) {
        LX_RETURN_IF_ERROR(store.MembersOf(*id, sink));
      } else {
        LX_RETURN_IF_ERROR(store.Get(*kind, *id, sink));
      }
      return true;
    });
    if (!in.ok() && in.status().code() != Code::kNotFound) return HttpResponse::Error(in.status());
    if (!in.ok() || !*in) return HttpResponse::Error(OutOfScope());
    std::optional<std::string> value;
    if (member && index < static_cast<int>(sink.members.size())) {
      const Member& m = sink.members[index];
      if (*field == "id_number") value = m.id_number.Reveal();
    } else if (sink.household) {
      if (*field == "head_id_number") value = sink.household->head_id_number.Reveal();
      if (*field == "phone") value = sink.household->phone.Reveal();
    } else if (sink.cadre) {
      if (*field == "id_number") value = sink.cadre->id_number.Reveal();
      if (*field == "phone") value = sink.cadre->phone.Reveal();
    }
    if (member && index >= static_cast<int>(sink.members.size())) {
      return HttpResponse::Error(Status::NotFound("没有这个家庭成员 (member_not_found)"));
    }
    if (!value) {
      return HttpResponse::Error(Status::Invalid("该记录没有可查看的字段 " + *field + " (field)", "field"));
    }
    std::string target = *kind_text + "/" + *id + (member ? "#" + std::to_string(index) : "");
    Status audited = Audit(caller, "reveal", target, *field + " 理由 reason: " + *reason);
    if (!audited.ok()) return HttpResponse::Error(audited);  // fail closed: nothing shown unlogged
    return HttpResponse::Json(200, {{"value", *value}});
  }

 private:
  // Runs the plan as one group-commit job; the refusal to answer, if any.
  // Runs the plan in the writer; `then`, when given, runs after it in the
  // same transaction (reading the answer from the rows just written).
  std::optional<HttpResponse> Write(const Caller& caller, const WritePlan& plan, WriteOutcome& outcome,
                                    const std::function<Status(Store&)>& then = nullptr) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Status status = deps_.writer.Write([&](Store& store) -> Status {
      LX_RETURN_IF_ERROR(RunPlan(store, *config, caller, plan, outcome));
      return then ? then(store) : Status::Ok();
    });
    if (!outcome.problems.empty()) return ProblemsResponse(outcome.problems);
    if (!status.ok()) return HttpResponse::Error(status);
    return std::nullopt;
  }

  // Runs `read` on a pooled read connection.
  template <typename F>
  auto WithReader(F&& read) -> decltype(read(std::declval<Store&>())) {
    Result<StorePool::Lease> lease = deps_.reads.Acquire();
    if (!lease.ok()) return lease.status();
    return read(lease->store());
  }

  Status Audit(const Caller& caller, std::string action, std::string target, std::string detail) {
    AuditEvent event;
    event.at_millis = deps_.clock.NowMillis();
    event.actor = caller.actor();
    event.action = std::move(action);
    event.target = std::move(target);
    event.remote = caller.remote();
    event.outcome = "ok";
    event.detail = std::move(detail);
    return deps_.audit.Audit(event);
  }

  RegistryApiDeps deps_;
};

}  // namespace

void AddRegistryRoutes(ApiRouter& api, const RegistryApiDeps& deps) {
  auto registry = std::make_shared<RegistryApi>(deps);
  for (const KindPath& k : kApiKinds) {
    std::string base = "/api/v1/" + std::string(k.path);
    RecordKind kind = k.kind;
    api.Add("GET", base,
            [registry, kind](HttpRequest& r, const Caller& c) { return registry->List(kind, r, c); });
    api.Add("POST", base + "/search",
            [registry, kind](HttpRequest& r, const Caller& c) { return registry->Search(kind, r, c); });
    api.Add("GET", base + "/{id}",
            [registry, kind](HttpRequest& r, const Caller& c) { return registry->Get(kind, r, c); });
    api.Add("POST", base,
            [registry, kind](HttpRequest& r, const Caller& c) { return registry->Put(kind, r, c, true); });
    api.Add("PUT", base + "/{id}",
            [registry, kind](HttpRequest& r, const Caller& c) { return registry->Put(kind, r, c, false); });
    api.Add("POST", base + "/upload",
            [registry, kind](HttpRequest& r, const Caller& c) { return registry->Upload(kind, r, c); });
    api.Add("GET", base + "/export",
            [registry, kind](HttpRequest& r, const Caller& c) { return registry->Export(kind, r, c); });
  }
  api.Add("POST", "/api/v1/members/upload", [registry](HttpRequest& r, const Caller& c) {
    return registry->Upload(RecordKind::kMembers, r, c);
  });
  api.Add("GET", "/api/v1/members/export", [registry](HttpRequest& r, const Caller& c) {
    return registry->Export(RecordKind::kMembers, r, c);
  });
  api.Add("POST", "/api/v1/reveal",
          [registry](HttpRequest& r, const Caller& c) { return registry->Reveal(r, c); });
}

}  // namespace lianxin
