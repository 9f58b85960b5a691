#include "journal/record.hpp"

#include <sodium.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "crypto/field_cipher.hpp"
#include "journal/chain.hpp"

namespace lianxin {

namespace {

// Whether any of the eight bytes in `w` must be escaped: a control
// character (below 0x20), '"' or '\\'. Exact: a byte of UTF-8 (0x80 and up)
// or any other never counts. (Each test finds whether some byte is below a
// value; a borrow can only carry into the bytes after a byte that is.)
constexpr bool AnyToEscape(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  auto any_below = [](std::uint64_t x, std::uint64_t n) { return (x - kOnes * n) & ~x & kHigh; };
  const std::uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
  return (any_below(w, 0x20) | any_below(quote, 1) | any_below(backslash, 1)) != 0;
}

// The most WriteJsonString writes for `s`: its quotes, and six bytes a byte.
constexpr size_t JsonStringRoom(std::string_view s) { return 6 * s.size() + 2; }

// The journal's own JSON string escaping, written at `out`, which has room
// for it (JsonStringRoom); returns the end of what it wrote. It is part of
// the hashed form, so it stays as it is even where the API's
// (http/router.cpp) differs.
char* WriteJsonString(char* out, std::string_view s) {
  *out++ = '"';
  if (s.empty()) {  // whose data may be null, which memcpy may not be given
    *out++ = '"';
    return out;
  }
  // Runs of characters that stand for themselves go in at once, and are
  // found eight bytes at a time (an import writes a million rows' images).
  size_t plain = 0;
  auto put = [&out](std::string_view text) {
    std::memcpy(out, text.data(), text.size());
    out += text.size();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    while (i + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, sizeof word);
      if (AnyToEscape(word)) break;
      i += 8;
    }
    if (i == s.size()) break;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    put(s.substr(plain, i - plain));
    plain = i + 1;
    switch (c) {
      case '"':
        put("\\\"");
        break;
      case '\\':
        put("\\\\");
        break;
      case '\n':
        put("\\n");
        break;
      case '\r':
        put("\\r");
        break;
      case '\t':
        put("\\t");
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        put("\\u00");
        *out++ = kHex[c >> 4];
        *out++ = kHex[c & 15];
      }
    }
  }
  put(s.substr(plain));
  *out++ = '"';
  return out;
}

void AppendJsonString(std::string& out, std::string_view s) {
  const size_t at = out.size();
  out.resize(at + JsonStringRoom(s));
  out.resize(static_cast<size_t>(WriteJsonString(out.data() + at, s) - out.data()));
}

// A 16-byte BLAKE2b digest, raw, kept where it is made (a digest a row,
// three for a sealed household: no allocation for any).
struct ShortDigest {
  explicit ShortDigest(std::string_view bytes) {
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(bytes.data()),
                       bytes.size(), nullptr, 0);
  }
  std::string_view view() const { return {reinterpret_cast<const char*>(digest), sizeof digest}; }
  unsigned char digest[16];
};

// A number as the image writes it, at `out` (room for 32). An integer's
// digits; a real as printf's "%.17g" writes it (the form stored rows were
// hashed in). Below 1e17 that is an integer's plain digits, which are
// quicker to write (a household's score is one); -0 keeps its sign.
char* WriteNumber(char* out, const sql::Value& value) {
  if (value.type == sql::Value::kInt) return std::to_chars(out, out + 24, value.integer).ptr;
  const double real = value.real;
  return real == std::trunc(real) && std::fabs(real) < 1e15 && !(real == 0 && std::signbit(real))
             ? std::to_chars(out, out + 24, static_cast<std::int64_t>(real)).ptr
             : std::to_chars(out, out + 32, real, std::chars_format::general, 17).ptr;
}

// JournalRowJson, appended to `out`. Written through a pointer into room
// sized first: an import writes a million rows' images, and a checked
// append a piece cost more than the copying.
void AppendRowJson(std::string& out, const JournalTable& table, const JournalRow& row, bool legacy) {
  constexpr std::string_view kDigestPrefix = "\"blake2b:";  // hex needs no JSON escaping
  size_t room = 2;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const sql::Value& value = row[i];
    room += JsonStringRoom(table.columns[i].name) + 2;
    if (table.columns[i].Digested() && value.type != sql::Value::kNull) {
      room += kDigestPrefix.size() + 2 * sizeof ShortDigest::digest + 1;
      continue;
    }
    switch (value.type) {
      case sql::Value::kText:
        room += JsonStringRoom(value.bytes);
        break;
      case sql::Value::kBlob:
        room += 2 * value.bytes.size() + 2;
        break;
      default:
        room += 32;  // null, or a number's digits (at most 24)
    }
  }
  const size_t at = out.size();
  out.resize(at + room);
  char* next = out.data() + at;
  auto put = [&next](std::string_view text) {
    std::memcpy(next, text.data(), text.size());
    next += text.size();
  };
  *next++ = '{';
  bool first = true;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (legacy && table.columns[i].index_column >= 0) continue;
    if (!first) *next++ = ',';
    first = false;
    next = WriteJsonString(next, table.columns[i].name);
    *next++ = ':';
    const sql::Value& value = row[i];
    if (table.columns[i].Digested() && value.type != sql::Value::kNull) {
      put(kDigestPrefix);
      next = WriteHex(next, ShortDigest(value.bytes).view());
      *next++ = '"';
      continue;
    }
    switch (value.type) {
      case sql::Value::kNull:
        put("null");
        break;
      case sql::Value::kText:
        next = WriteJsonString(next, value.bytes);
        break;
      case sql::Value::kInt:
      case sql::Value::kReal:
        next = WriteNumber(next, value);
        break;
      case sql::Value::kBlob:
        *next++ = '"';
        next = WriteHex(next, value.bytes);
        *next++ = '"';
        break;
    }
  }
  *next++ = '}';
  out.resize(static_cast<size_t>(next - out.data()));
}

// A row's record (JournalRecordDigest), appended to `out`: each column in
// the table's order as a tag and, but for a null, a 4-byte little-endian
// length and its bytes. What the image holds as a JSON string (text, and a
// blob as its hex) is tagged 's'; an integer or a whole real 'n', with the
// image's digits; any other real 'r', with its eight bytes (little-endian),
// which no integer's digits can equal; a null 'z'; a ciphertext or secret,
// which the image holds as its digest, 'd' with its bytes as they are. So
// two rows have the same record exactly when they have the same image, and
// the record is made without the JSON, its escaping, the digests inside it
// or a real's seventeen digits.
void AppendRecord(std::string& out, const JournalTable& table, const JournalRow& row) {
  constexpr size_t kHead = 5;  // the tag and the length
  size_t room = 0;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const sql::Value& value = row[i];
    const bool hex = value.type == sql::Value::kBlob && !table.columns[i].Digested();
    room += kHead + (value.type == sql::Value::kText || value.type == sql::Value::kBlob
                         ? (hex ? 2 : 1) * value.bytes.size()
                         : 32);
  }
  const size_t at = out.size();
  out.resize(at + room);
  char* next = out.data() + at;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const sql::Value& value = row[i];
    if (value.type == sql::Value::kNull) {
      *next++ = 'z';
      continue;
    }
    const bool digested = table.columns[i].Digested();
    const bool number = value.type == sql::Value::kInt || value.type == sql::Value::kReal;
    const bool bits = value.type == sql::Value::kReal && value.real != std::trunc(value.real);
    *next++ = digested ? 'd' : bits ? 'r' : number ? 'n' : 's';
    char* length = next;
    next += 4;
    char* const start = next;
    if (bits) {
      const auto word = std::bit_cast<std::uint64_t>(value.real);
      for (int b = 0; b < 8; ++b) *next++ = static_cast<char>(word >> (8 * b));
    } else if (number) {
      next = WriteNumber(next, value);
    } else if (value.type == sql::Value::kBlob && !digested) {
      next = WriteHex(next, value.bytes);
    } else if (!value.bytes.empty()) {  // whose data may be null, which memcpy may not be given
      std::memcpy(next, value.bytes.data(), value.bytes.size());
      next += value.bytes.size();
    }
    const auto size = static_cast<std::uint32_t>(next - start);
    for (int b = 0; b < 4; ++b) length[b] = static_cast<char>(size >> (8 * b));
  }
  out.resize(static_cast<size_t>(next - out.data()));
}

}  // namespace

std::string JournalRowJson(const JournalTable& table, const JournalRow& row, bool legacy) {
  std::string out;
  out.reserve(512);
  AppendRowJson(out, table, row, legacy);
  return out;
}

std::string JournalRowDigest(const JournalTable& table, const JournalRow& row, bool legacy) {
  // An import digests a row at a time: one buffer a thread, not one a row.
  thread_local std::string image;
  image.clear();
  AppendRowJson(image, table, row, legacy);
  return ToHex(ShortDigest(image).view());
}

std::string JournalRecordDigest(const JournalTable& table, const JournalRow& row) {
  thread_local std::string record;
  record.clear();
  AppendRecord(record, table, row);
  std::string digest(kRecordDigestPrefix);
  AppendHex(digest, ShortDigest(record).view());
  return digest;
}

void InsertBatch::Add(std::string_view key, std::string_view digest) {
  if (rows_++ == 0) {
    first_key_ = key;
    json_.assign(1, '[');
  } else {
    json_.push_back(',');
  }
  json_.push_back('[');
  AppendJsonString(json_, key);
  json_.push_back(',');
  AppendJsonString(json_, digest);
  json_.push_back(']');
}

std::string InsertBatch::Take() {
  json_.push_back(']');
  rows_ = 0;
  return std::move(json_);
}

Result<std::vector<std::pair<std::string, std::string>>> ParseInsertBatch(std::string_view after) {
  nlohmann::json json = nlohmann::json::parse(after, nullptr, false);
  std::vector<std::pair<std::string, std::string>> rows;
  bool ok = json.is_array();
  if (ok) rows.reserve(json.size());
  for (size_t i = 0; ok && i < json.size(); ++i) {
    const nlohmann::json& pair = json[i];
    ok = pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string();
    if (ok) rows.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  if (!ok) return Status::Invalid("insert_batch 条目的内容不是 [键, 摘要] 的列表 (journal_batch)");
  return rows;
}

std::string_view JournalKeyText(const sql::Value& key, std::string& scratch) {
  if (key.type == sql::Value::kText) return key.bytes;
  scratch = JournalKeyText(key);
  return scratch;
}

std::string JournalKeyText(const sql::Value& key) {
  if (key.type == sql::Value::kInt) return std::to_string(key.integer);
  return key.type == sql::Value::kBlob ? ToHex(key.bytes) : key.bytes;
}

JournalWalk::JournalWalk(std::set<std::string, std::less<>> tables, std::optional<JournalMark> checkpoint)
    : tables_(std::move(tables)), checkpoint_(std::move(checkpoint)), head_{0, JournalGenesis()} {
  checkpoint_found_ = checkpoint_ && *checkpoint_ == head_;
}

Status JournalWalk::Entry(const JournalEntry& entry, std::string_view prev_hash, std::string_view hash) {
  const std::string where = "日志第 " + std::to_string(entry.seq) + " 条";
  const std::int64_t expected = head_.seq + 1;
  if (entry.seq != expected) {
    return Status::Tampered(where + "之前缺少第 " + std::to_string(expected) + " 条 (journal_gap)");
  }
  if (prev_hash != head_.hash) return Status::Tampered(where + "的前序哈希不符 (journal_link)");
  std::string computed = JournalHash(head_.hash, entry);
  if (hash != computed) {
    return Status::Tampered(where + "(" + entry.entity + " " + entry.key +
                            ")的内容与哈希不符 (journal_hash)");
  }
  if (checkpoint_ && checkpoint_->seq == entry.seq && checkpoint_->hash == computed) checkpoint_found_ = true;
  if (tables_.contains(entry.entity) && entry.action == kInsertBatchAction) {
    // Each row of the batch as if it had an entry of its own.
    Result<std::vector<std::pair<std::string, std::string>>> rows = ParseInsertBatch(entry.after);
    if (!rows.ok()) return Status::Tampered(where + ": " + rows.status().message());
    for (auto& [key, digest] : *rows)
      latest_[entry.entity + '\0' + key] = {std::move(digest), entry.seq, false};
  } else if (tables_.contains(entry.entity)) {
    latest_[entry.entity + '\0' + entry.key] = {ToHex(ShortDigest(entry.after).view()), entry.seq,
                                                entry.action == "delete"};
  }
  head_ = {entry.seq, std::move(computed)};
  return Status::Ok();
}

Status JournalWalk::Head(const JournalMark& recorded) const {
  if (recorded != head_) {
    return Status::Tampered("日志止于第 " + std::to_string(head_.seq) + " 条,而日志头记录为第 " +
                            std::to_string(recorded.seq) +
                            " 条:日志尾部被删除或哈希链被重建 (journal_head_mismatch)");
  }
  if (checkpoint_ && !checkpoint_found_) {
    return Status::Tampered("日志检查点(第 " + std::to_string(checkpoint_->seq) +
                            " 条)不在现有日志中:日志被截短、回滚或重建 (journal_checkpoint)");
  }
  return Status::Ok();
}

Status JournalWalk::Row(const JournalTable& table, const JournalRow& row, bool legacy) {
  const std::string key = JournalKeyText(row[0]);
  auto it = latest_.find(std::string(table.name) + '\0' + key);
  const std::string record = std::string(table.name) + " " + key;
  if (it == latest_.end() || it->second.deleted) {
    return Status::Tampered(record + " 在日志中没有记录,是绕过系统写入的 (journal_missing)");
  }
  const std::string& held = it->second.digest;
  const bool by_record = held.starts_with(kRecordDigestPrefix);
  if (held != (by_record ? JournalRecordDigest(table, row) : JournalRowDigest(table, row, legacy))) {
    return Status::Tampered(record + " 与日志第 " + std::to_string(it->second.seq) +
                            " 条记录的内容不符,数据被绕过系统改动 (journal_mismatch)");
  }
  latest_.erase(it);
  ++rows_;
  return Status::Ok();
}

Status JournalWalk::Finish() const {
  for (const auto& [name, latest] : latest_) {
    if (latest.deleted) continue;
    std::string shown = name;
    std::replace(shown.begin(), shown.end(), '\0', ' ');
    return Status::Tampered(shown + " 在日志第 " + std::to_string(latest.seq) +
                            " 条中存在,但在数据库中已被删除 (journal_deleted)");
  }
  return Status::Ok();
}

std::string SelectSql(const JournalTable& table) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (i) sql += ", ";
    sql += table.columns[i].name;
  }
  return sql + " FROM " + std::string(table.name);
}

JournalRow ReadJournalRow(const sql::Statement& select, size_t columns) {
  JournalRow row;
  row.reserve(columns);
  for (size_t i = 0; i < columns; ++i) row.push_back(select.Get(static_cast<int>(i)));
  return row;
}

Status WalkEntries(sql::Connection& db, JournalWalk& walk) {
  return sql::ForEachInChunks(
      db,
      "SELECT seq, at_millis, actor, action, entity, entity_key, before, after, prev_hash, hash FROM journal",
      "seq", 0, [&walk](const sql::Statement& select) {
        JournalEntry entry{select.Int(0),
                           select.Int(1),
                           std::string(select.Text(2)),
                           std::string(select.Text(3)),
                           std::string(select.Text(4)),
                           std::string(select.Text(5)),
                           std::string(select.Text(6)),
                           std::string(select.Text(7))};
        return walk.Entry(entry, select.Blob(8), select.Blob(9));
      });
}

Status CheckSealedHead(sql::Connection& db, const std::function<std::string(const JournalMark&)>& seal,
                       JournalWalk& walk) {
  LX_ASSIGN_OR_RETURN(sql::Statement * sealed,
                      db.Prepare("SELECT seq, hash, mac FROM journal_head WHERE id = 1"));
  sealed->Reset();
  LX_ASSIGN_OR_RETURN(bool found, sealed->Step());
  if (!found) return Status::Tampered("日志头记录 journal_head 缺失 (journal_head_missing)");
  const JournalMark recorded{sealed->Int(0), std::string(sealed->Blob(1))};
  const std::string mac(sealed->Blob(2));
  sealed->Reset();
  if (mac != seal(recorded)) {
    return Status::Tampered("日志头记录的校验码不符,日志头被绕过系统改写 (journal_head_mac)");
  }
  return walk.Head(recorded);
}

Status WalkRows(sql::Connection& db, const std::vector<const JournalTable*>& tables, JournalWalk& walk,
                bool legacy) {
  for (const JournalTable* table : tables) {
    const size_t columns = table->columns.size();
    LX_RETURN_IF_ERROR(sql::ForEachInChunks(db, SelectSql(*table), std::string(table->columns[0].name), 0,
                                            [&](const sql::Statement& rows) {
                                              JournalRow row = ReadJournalRow(rows, columns);
                                              return walk.Row(*table, row, legacy);
                                            }));
  }
  return Status::Ok();
}

}  // namespace lianxin
