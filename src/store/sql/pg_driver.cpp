// The seam on PostgreSQL through libpq: each statement prepared once per
// connection (named s1, s2, …), parameters sent as text (blobs as binary
// bytea), results received in binary so numbers and bytea need no parsing
// or unescaping, copy-in through COPY … FROM STDIN in text format.
#include <endian.h>
#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "store/sql/drivers.hpp"

namespace lianxin::sql {

namespace {

// Type OIDs (pg_type.h), for reading binary results.
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700,
              kFloat8Oid = 701, kNumericOid = 1700;

// A NUMERIC in PostgreSQL's binary form (what SUM of a BIGINT gives): the
// count of base-10000 digits, the weight of the first, the sign, the display
// scale, then the digits. As a double; NaN for NaN.
double NumericValue(const char* bytes) {
  auto half = [&](int i) {
    return static_cast<std::int16_t>((static_cast<unsigned char>(bytes[2 * i]) << 8) |
                                     static_cast<unsigned char>(bytes[2 * i + 1]));
  };
  const int digits = half(0), weight = half(1);
  const std::uint16_t sign = static_cast<std::uint16_t>(half(2));
  if (sign == 0xC000) return std::nan("");
  double value = 0;
  for (int i = 0; i < digits; ++i) value += half(4 + i) * std::pow(10000.0, weight - i);
  return sign == 0x4000 ? -value : value;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// SQLSTATE class 23 (integrity constraint violation) is a conflict, as a
// SQLite constraint is; serialization failures, deadlocks and lost
// connections are worth retrying.
Status PgError(PGconn* conn, const PGresult* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  message += " (" + std::string(what.substr(0, 120)) + ")";
  std::string_view code = state ? state : "";
  if (code.starts_with("23")) return Status::Conflict("数据约束冲突: " + message);
  if (code == "40001" || code == "40P01" || code.starts_with("08") || PQstatus(conn) != CONNECTION_OK) {
    return Status(Code::kUnavailable, "数据库忙: " + message);
  }
  return Status::Internal("数据库错误: " + message);
}

template <typename T>
T BigEndian(const char* bytes) {
  T value;
  std::memcpy(&value, bytes, sizeof value);
  if constexpr (sizeof(T) == 8) return static_cast<T>(be64toh(static_cast<std::uint64_t>(value)));
  if constexpr (sizeof(T) == 4) return static_cast<T>(be32toh(static_cast<std::uint32_t>(value)));
  if constexpr (sizeof(T) == 2) return static_cast<T>(be16toh(static_cast<std::uint16_t>(value)));
  return value;
}

// One server session of a connection. A session the server dropped (a
// restart, a failover, an idle timeout) is made again before the next
// statement with libpq's PQreset, which keeps the PGconn; `generation`
// counts the sessions, so each statement prepares itself again in the new
// one. What was in flight when the session dropped fails, once.
struct PgSession {
  PGconn* conn = nullptr;
  int generation = 0;

  Status Restore() {
    if (PQstatus(conn) != CONNECTION_BAD) return Status::Ok();
    PQreset(conn);
    if (PQstatus(conn) != CONNECTION_OK) {
      return Status(Code::kUnavailable, "数据库连接中断,重连失败: " + std::string(PQerrorMessage(conn)));
    }
    ++generation;
    ResultPtr set(PQexec(conn, kSessionSettings));
    if (PQresultStatus(set.get()) != PGRES_COMMAND_OK) return PgError(conn, set.get(), kSessionSettings);
    return Status::Ok();
  }
  // Quiet NOTICEs (IF NOT EXISTS and the like) and UTC instants throughout.
  static constexpr const char* kSessionSettings = "SET client_min_messages = warning; SET TIME ZONE 'UTC'";
};

class PgStatement final : public Statement {
 public:
  PgStatement(PgSession& session, std::string name, std::string sql, int params)
      : session_(session),
        conn_(session.conn),
        prepared_in_(session.generation),
        name_(std::move(name)),
        sql_(std::move(sql)),
        values_(static_cast<size_t>(params)),
        formats_(static_cast<size_t>(params), 0) {}

  Statement& Bind(int index, std::int64_t value) override {
    char text[24];
    auto [end, ec] = std::to_chars(text, text + sizeof text, value);
    return Set(index, std::string(text, end), 0);
  }
  Statement& Bind(int index, double value) override {
    char text[32];
    auto [end, ec] = std::to_chars(text, text + sizeof text, value);  // shortest exact form
    return Set(index, std::string(text, end), 0);
  }
  Statement& Bind(int index, std::string_view text) override { return Set(index, std::string(text), 0); }
  Statement& BindBlob(int index, std::string_view bytes) override {
    return Set(index, std::string(bytes), 1);
  }
  Statement& BindNull(int index) override {
    Rewind();
    if (index >= 1 && static_cast<size_t>(index) <= values_.size())
      values_[static_cast<size_t>(index) - 1].reset();
    return *this;
  }

  Result<bool> Step() override {
    if (!result_) {
      LX_RETURN_IF_ERROR(session_.Restore());
      if (prepared_in_ != session_.generation) {  // a new session: prepare again
        std::string text = PostgresText(sql_);
        ResultPtr prepared(PQprepare(conn_, name_.c_str(), text.c_str(), 0, nullptr));
        if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) return PgError(conn_, prepared.get(), sql_);
        prepared_in_ = session_.generation;
      }
      std::vector<const char*> values(values_.size());
      std::vector<int> lengths(values_.size());
      for (size_t i = 0; i < values_.size(); ++i) {
        values[i] = values_[i] ? values_[i]->data() : nullptr;
        lengths[i] = values_[i] ? static_cast<int>(values_[i]->size()) : 0;
      }
      result_.reset(PQexecPrepared(conn_, name_.c_str(), static_cast<int>(values.size()), values.data(),
                                   lengths.data(), formats_.data(), /*resultFormat=*/1));
      ExecStatusType status = PQresultStatus(result_.get());
      if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        Status error = PgError(conn_, result_.get(), sql_);
        result_.reset();
        return error;
      }
      const char* tuples = PQcmdTuples(result_.get());
      changes_ = (tuples && *tuples) ? std::strtoll(tuples, nullptr, 10) : 0;
      row_ = -1;
    }
    if (++row_ < PQntuples(result_.get())) return true;
    result_.reset();  // the next Step runs again with the same bindings
    return false;
  }
  std::int64_t Changes() const override { return changes_; }
  void Reset() override {
    result_.reset();
    for (auto& value : values_) value.reset();
    std::fill(formats_.begin(), formats_.end(), 0);
  }

  int ColumnCount() const override { return result_ ? PQnfields(result_.get()) : 0; }
  bool IsNull(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }
  std::int64_t Int(int column) const override {
    if (IsNull(column)) return 0;
    const char* bytes = PQgetvalue(result_.get(), row_, column);
    switch (PQftype(result_.get(), column)) {
      case kInt8Oid:
        return BigEndian<std::int64_t>(bytes);
      case kInt4Oid:
        return BigEndian<std::int32_t>(bytes);
      case kInt2Oid:
        return BigEndian<std::int16_t>(bytes);
      case kBoolOid:
        return bytes[0] != 0;
      case kFloat8Oid:
      case kNumericOid:
        return static_cast<std::int64_t>(std::llround(Real(column)));
      default: {
        // Text-like: parse it, as SQLite would.
        std::string_view text = Text(column);
        std::int64_t value = 0;
        std::from_chars(text.data(), text.data() + text.size(), value);
        return value;
      }
    }
  }
  double Real(int column) const override {
    if (IsNull(column)) return 0;
    const char* bytes = PQgetvalue(result_.get(), row_, column);
    switch (PQftype(result_.get(), column)) {
      case kFloat8Oid: {
        std::uint64_t bits = BigEndian<std::uint64_t>(bytes);
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
      }
      case kFloat4Oid: {
        std::uint32_t bits = BigEndian<std::uint32_t>(bytes);
        float value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
      }
      case kInt8Oid:
      case kInt4Oid:
      case kInt2Oid:
        return static_cast<double>(Int(column));
      case kNumericOid:
        return NumericValue(bytes);
      default:
        return std::strtod(std::string(Text(column)).c_str(), nullptr);
    }
  }
  std::string_view Text(int column) const override {
    if (IsNull(column)) return {};
    Oid type = PQftype(result_.get(), column);
    if (type == kInt8Oid || type == kInt4Oid || type == kInt2Oid || type == kBoolOid) {
      // As SQLite gives an integer column's text.
      std::int64_t value = Int(column);
      auto [end, ec] = std::to_chars(scratch_, scratch_ + sizeof scratch_, value);
      return std::string_view(scratch_, static_cast<size_t>(end - scratch_));
    }
    if (type == kFloat8Oid || type == kFloat4Oid || type == kNumericOid) {
      auto [end, ec] = std::to_chars(scratch_, scratch_ + sizeof scratch_, Real(column));
      return std::string_view(scratch_, static_cast<size_t>(end - scratch_));
    }
    return {PQgetvalue(result_.get(), row_, column),
            static_cast<size_t>(PQgetlength(result_.get(), row_, column))};
  }
  std::string_view Blob(int column) const override {
    if (IsNull(column)) return {};
    return {PQgetvalue(result_.get(), row_, column),
            static_cast<size_t>(PQgetlength(result_.get(), row_, column))};
  }
  Value Get(int column) const override {
    if (IsNull(column)) return Value::Null();
    switch (PQftype(result_.get(), column)) {
      case kInt8Oid:
      case kInt4Oid:
      case kInt2Oid:
      case kBoolOid:
        return Value::Int(Int(column));
      case kFloat8Oid:
      case kFloat4Oid:
        return Value::Real(Real(column));
      case kByteaOid:
        return Value::Blob(Blob(column));
      default:
        return Value::Text(Text(column));
    }
  }

 private:
  Statement& Set(int index, std::string value, int format) {
    Rewind();
    if (index >= 1 && static_cast<size_t>(index) <= values_.size()) {
      values_[static_cast<size_t>(index) - 1] = std::move(value);
      formats_[static_cast<size_t>(index) - 1] = format;
    }
    return *this;
  }
  void Rewind() { result_.reset(); }

  PgSession& session_;
  PGconn* conn_;
  int prepared_in_;  // the session generation it was prepared in
  std::string name_;
  std::string sql_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
  ResultPtr result_;
  int row_ = -1;
  std::int64_t changes_ = 0;
  mutable char scratch_[32];
};

// COPY's text format: tab between columns, \N for NULL, backslash escapes
// for the characters that would end a field or a row.
void AppendCopyField(std::string& out, const Value& value) {
  switch (value.type) {
    case Value::kNull:
      out += "\\N";
      return;
    case Value::kInt: {
      char text[24];
      auto [end, ec] = std::to_chars(text, text + sizeof text, value.integer);
      out.append(text, end);
      return;
    }
    case Value::kReal: {
      char text[32];
      auto [end, ec] = std::to_chars(text, text + sizeof text, value.real);
      out.append(text, end);
      return;
    }
    case Value::kBlob: {
      // bytea's hex input form, its backslash escaped for COPY.
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\\\x";
      for (unsigned char c : value.bytes) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
      return;
    }
    case Value::kText:
      for (char c : value.bytes) {
        switch (c) {
          case '\\':
            out += "\\\\";
            break;
          case '\t':
            out += "\\t";
            break;
          case '\n':
            out += "\\n";
            break;
          case '\r':
            out += "\\r";
            break;
          default:
            out += c;
        }
      }
      return;
  }
}

class PgCopy final : public CopyIn {
 public:
  PgCopy(PGconn* conn, std::string table, std::string what)
      : conn_(conn), table_(std::move(table)), what_(std::move(what)) {}
  ~PgCopy() override {
    if (open_) PQputCopyEnd(conn_, "abandoned");
    if (open_) ResultPtr(PQgetResult(conn_));
  }
  Status Add(const std::vector<Value>& row) override {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) buffer_ += '\t';
      AppendCopyField(buffer_, row[i]);
    }
    buffer_ += '\n';
    if (buffer_.size() >= kFlushBytes) return Flush();
    return Status::Ok();
  }
  Status Finish() override {
    LX_RETURN_IF_ERROR(Flush());
    open_ = false;
    if (PQputCopyEnd(conn_, nullptr) != 1) return PgError(conn_, nullptr, what_);
    ResultPtr result(PQgetResult(conn_));
    Status status =
        PQresultStatus(result.get()) == PGRES_COMMAND_OK ? Status::Ok() : PgError(conn_, result.get(), what_);
    while (ResultPtr more{PQgetResult(conn_)}) {
    }
    if (!status.ok()) return status;
    // Rows copied with their numbers: the table's identity column goes on
    // after the highest, as SQLite's row number would.
    std::string identity =
        "SELECT attname FROM pg_attribute WHERE attrelid = '" + table_ + "'::regclass AND attidentity <> ''";
    ResultPtr columns(PQexec(conn_, identity.c_str()));
    if (PQresultStatus(columns.get()) != PGRES_TUPLES_OK) return PgError(conn_, columns.get(), identity);
    for (int i = 0; i < PQntuples(columns.get()); ++i) {
      const std::string column = PQgetvalue(columns.get(), i, 0);
      std::string renumber = "SELECT setval(pg_get_serial_sequence('" + table_ + "', '" + column +
                             "'), (SELECT COALESCE(MAX(" + column + "), 0) + 1 FROM " + table_ + "), false)";
      ResultPtr renumbered(PQexec(conn_, renumber.c_str()));
      if (PQresultStatus(renumbered.get()) != PGRES_TUPLES_OK) {
        return PgError(conn_, renumbered.get(), renumber);
      }
    }
    return Status::Ok();
  }

 private:
  static constexpr size_t kFlushBytes = 1 << 16;
  Status Flush() {
    if (!buffer_.empty() && PQputCopyData(conn_, buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
      return PgError(conn_, nullptr, what_);
    }
    buffer_.clear();
    return Status::Ok();
  }
  PGconn* conn_;
  std::string table_;
  std::string what_;
  std::string buffer_;
  bool open_ = true;
};

// The highest ?N in the seam's SQL: the statement's parameter count.
int ParameterCount(std::string_view dollars) {
  int count = 0;
  for (size_t i = 0; i + 1 < dollars.size(); ++i) {
    if (dollars[i] != '$') continue;
    int n = 0;
    size_t j = i + 1;
    while (j < dollars.size() && dollars[j] >= '0' && dollars[j] <= '9') n = n * 10 + (dollars[j++] - '0');
    count = std::max(count, n);
  }
  return count;
}

class PgConnection final : public Connection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn), session_{conn} {}
  ~PgConnection() override {
    statements_.clear();
    PQfinish(conn_);
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<Statement*> Prepare(std::string_view sql) override {
    auto it = statements_.find(std::string(sql));
    if (it != statements_.end()) return it->second.get();
    LX_RETURN_IF_ERROR(session_.Restore());
    std::string text = PostgresText(sql);
    std::string name = std::to_string(statements_.size() + 1);
    name.insert(name.begin(), 's');  // (not "s" + …: GCC 12 warns falsely at -O3)
    ResultPtr prepared(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) return PgError(conn_, prepared.get(), sql);
    auto [inserted, _] = statements_.emplace(
        std::string(sql),
        std::make_unique<PgStatement>(session_, name, std::string(sql), ParameterCount(text)));
    return inserted->second.get();
  }

  Status Exec(std::string_view sql) override {
    LX_RETURN_IF_ERROR(session_.Restore());
    std::string text = PostgresText(sql);
    ResultPtr result(PQexec(conn_, text.c_str()));
    ExecStatusType status = PQresultStatus(result.get());
    // PGRES_EMPTY_QUERY: only comments, as in a migration with nothing to
    // do on this database.
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
      return PgError(conn_, result.get(), sql);
    return Status::Ok();
  }

  Status Begin() override { return Exec("BEGIN"); }
  Status Commit() override {
    // A transaction that failed part-way ends in ROLLBACK whatever COMMIT
    // says; say so rather than report it committed.
    bool failed = PQtransactionStatus(conn_) == PQTRANS_INERROR;
    LX_RETURN_IF_ERROR(Exec("COMMIT"));
    if (failed) return Status::Internal("事务中有语句失败,已回滚 (transaction_failed)");
    return Status::Ok();
  }
  void Rollback() override {
    if (InTransaction()) (void)Exec("ROLLBACK");
  }
  bool InTransaction() const override {
    PGTransactionStatusType status = PQtransactionStatus(conn_);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
  }

  Result<std::unique_ptr<CopyIn>> BeginCopy(std::string_view table,
                                            const std::vector<std::string>& columns) override {
    std::string sql = "COPY " + std::string(table) + " (";
    for (size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
    sql += ") FROM STDIN";
    LX_RETURN_IF_ERROR(session_.Restore());
    ResultPtr result(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(result.get()) != PGRES_COPY_IN) return PgError(conn_, result.get(), sql);
    return std::unique_ptr<CopyIn>(std::make_unique<PgCopy>(conn_, std::string(table), sql));
  }

  std::string Translate(std::string_view sql) const override { return PostgresText(sql); }
  std::string BlindIndexEquals(std::string_view column, std::string_view parameter) const override {
    return std::string(column) + " = " + std::string(parameter);
  }

  Result<std::vector<std::string>> Columns(std::string_view table) override {
    LX_ASSIGN_OR_RETURN(Statement * select,
                        Prepare("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                "current_schema() AND table_name = ?1 ORDER BY ordinal_position"));
    select->Bind(1, table);
    return ReadNames(*select);
  }

  Result<std::vector<Index>> Indexes(std::string_view table) override {
    LX_ASSIGN_OR_RETURN(
        Statement * select,
        Prepare("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                "AND i.tablename = ?1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
                "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) ORDER BY "
                "i.indexname"));
    select->Bind(1, table);
    return ReadIndexes(*select);
  }

 private:
  PGconn* conn_;
  PgSession session_;
  std::unordered_map<std::string, std::unique_ptr<PgStatement>> statements_;
};

}  // namespace

Result<std::unique_ptr<Connection>> ConnectPostgres(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string reason = conn ? PQerrorMessage(conn) : "out of memory";
    while (!reason.empty() && reason.back() == '\n') reason.pop_back();
    PQfinish(conn);
    return Status::Invalid("无法连接 PostgreSQL 数据库: " + reason + " (db_open)");
  }
  auto connection = std::make_unique<PgConnection>(conn);
  LX_RETURN_IF_ERROR(connection->Exec(PgSession::kSessionSettings));
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace lianxin::sql
