// The journal's record form and its checks, without a database: the JSON a
// row is journaled as never changes (every stored entry hashes it), and the
// walk names each kind of edit made behind the program's back.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "journal/chain.hpp"
#include "journal/record.hpp"

namespace lianxin::testing {
namespace {

using sql::Value;

const JournalTable& Table() {
  static const JournalTable kTable{"things",
                                   {{"key"},
                                    {"name"},
                                    {"count"},
                                    {"share"},
                                    {"note"},
                                    {"raw"},
                                    {"secret", -1, true},
                                    {"id_enc", 8, false, "things.id"},
                                    {"id_bidx"}},
                                   "key"};
  return kTable;
}

JournalRow Row(std::string key, std::string name) {
  return {Value::Text(key),
          Value::Text(name),
          Value::Int(-42),
          Value::Real(0.1),
          Value::Null(),
          Value::Blob(std::string("\x01\x02\xff", 3)),
          Value::Text("secret-hash"),
          Value::Blob(std::string("\x01\x02\xff", 3)),
          Value::Text("bidx")};
}

// Computed once by another implementation (Python's hashlib.blake2b with
// digest_size=16); a change here breaks every journal already written.
TEST(JournalRecordTest, ARowIsJournaledInOneCanonicalForm) {
  EXPECT_EQ(
      JournalRowJson(Table(), Row("k1", "名\"\\\n\t\x01")),
      "{\"key\":\"k1\",\"name\":\"名\\\"\\\\\\n\\t\\u0001\",\"count\":-42,\"share\":0.10000000000000001,"
      "\"note\":null,\"raw\":\"0102ff\",\"secret\":\"blake2b:ede0df9fde407cd4bf60ef1055850ee1\","
      "\"id_enc\":\"blake2b:f74676a8dd067061c3553fc574e6d1ba\",\"id_bidx\":\"bidx\"}");
  // Before schema 5 the ciphertexts were left out.
  EXPECT_EQ(JournalRowJson(Table(), Row("k1", "n"), true).find("id_enc"), std::string::npos);
  EXPECT_EQ(JournalKeyText(Value::Int(7)), "7");
  EXPECT_EQ(JournalKeyText(Value::Blob(std::string("\xab", 1))), "ab");
}

// An insert_batch entry holds each row by the digest of its record, which
// must never change either (computed by Python's hashlib.blake2b over the
// tagged, length-prefixed columns); two rows' records are equal exactly
// when their images are.
TEST(JournalRecordTest, ARowsRecordIsAsFixedAsItsImageAndTellsTheSameRowsApart) {
  EXPECT_EQ(JournalRecordDigest(Table(), Row("k1", "n")), "rec:366cf66a7772430f8bd5bc141ee505db");

  static const JournalTable kPair{
      "pairs", {{"key"}, {"a"}, {"b"}, {"enc", 4, false, "pairs.enc"}, {"bidx"}}, "key"};
  auto image_and_record_agree = [](const JournalRow& x, const JournalRow& y, bool equal) {
    EXPECT_EQ(JournalRowJson(kPair, x) == JournalRowJson(kPair, y), equal) << JournalRowJson(kPair, x);
    EXPECT_EQ(JournalRecordDigest(kPair, x) == JournalRecordDigest(kPair, y), equal)
        << JournalRowJson(kPair, x);
  };
  auto row = [](Value a, Value b, Value enc = Value::Null(), Value bidx = Value::Null()) {
    return JournalRow{Value::Text("k"), std::move(a), std::move(b), std::move(enc), std::move(bidx)};
  };
  // The same for both: a whole real and its integer; a blob and the text of its hex.
  image_and_record_agree(row(Value::Int(2), Value::Null()), row(Value::Real(2.0), Value::Null()), true);
  image_and_record_agree(row(Value::Int(1'000'000'000'000'000), Value::Null()),
                         row(Value::Real(1e15), Value::Null()), true);
  image_and_record_agree(row(Value::Null(), Value::Null(), Value::Null(), Value::Blob("\xab\x01")),
                         row(Value::Null(), Value::Null(), Value::Null(), Value::Text("ab01")), true);
  // Told apart by both: a column's end moved, text against a number, empty
  // against null, -0 against 0, one byte of a ciphertext.
  image_and_record_agree(row(Value::Text("ab"), Value::Text("c")), row(Value::Text("a"), Value::Text("bc")),
                         false);
  image_and_record_agree(row(Value::Text("2"), Value::Null()), row(Value::Int(2), Value::Null()), false);
  image_and_record_agree(row(Value::Text(""), Value::Null()), row(Value::Null(), Value::Null()), false);
  image_and_record_agree(row(Value::Real(-0.0), Value::Null()), row(Value::Real(0.0), Value::Null()), false);
  image_and_record_agree(row(Value::Real(2.9), Value::Null()),
                         row(Value::Real(std::nextafter(2.9, 3.0)), Value::Null()), false);
  image_and_record_agree(row(Value::Real(0.5), Value::Null()), row(Value::Text("0.5"), Value::Null()), false);
  image_and_record_agree(row(Value::Null(), Value::Null(), Value::Blob("sealed-1")),
                         row(Value::Null(), Value::Null(), Value::Blob("sealed-2")), false);
  image_and_record_agree(row(Value::Null(), Value::Null(), Value::Blob("")),
                         row(Value::Null(), Value::Null(), Value::Null()), false);
}

// The escaping looks at eight bytes at a time: every byte, in every place
// of a word and of the tail after the last whole word, is written as the
// byte-by-byte rule writes it (the rule the journals already written hold).
TEST(JournalRecordTest, EveryByteIsEscapedAsItAlwaysWas) {
  static const JournalTable kTexts{"texts", {{"key"}, {"text"}}, "key"};
  auto by_bytes = [](std::string_view text) {
    std::string out = "{\"key\":\"k\",\"text\":\"";
    for (unsigned char c : text) {
      char escaped[8];
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c < 0x20) {
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
        out += escaped;
      } else {
        out += static_cast<char>(c);
      }
    }
    return out + "\"}";
  };
  for (size_t length : {1, 7, 8, 9, 16, 19}) {
    for (size_t at = 0; at < length; ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string text(length, 'a');
        text[at] = static_cast<char>(byte);
        if (at + 1 < length) text[at + 1] = static_cast<char>(255 - byte);  // a neighbour of every kind too
        ASSERT_EQ(JournalRowJson(kTexts, {Value::Text("k"), Value::Text(text)}), by_bytes(text))
            << "length " << length << ", byte " << byte << " at " << at;
      }
    }
  }
}

// A real is written as printf's "%.17g" writes it, whatever the value: the
// form every stored row was hashed in.
TEST(JournalRecordTest, RealsAreWrittenAsPrintfWroteThem) {
  static const JournalTable kReals{"reals", {{"key"}, {"x"}}, "key"};
  std::vector<double> values = {0.0,
                                -0.0,
                                1.5,
                                13.5,
                                2.9,
                                0.1,
                                1e-300,
                                1e300,
                                123456789.125,
                                -7.25e-5,
                                -5.0,
                                1e15 - 1,
                                1e15,
                                1e16,
                                1e17,
                                -1e17,
                                4503599627370496.0,
                                9007199254740993.0,
                                -123456789012345.0};
  std::uint64_t bits = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < 20000; ++i) {
    bits = bits * 6364136223846793005ULL + 1442695040888963407ULL;
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    if (std::isfinite(value)) values.push_back(value);
    values.push_back(static_cast<double>(bits % 1000000) / 10.0);
  }
  for (double value : values) {
    char expected[64];
    std::snprintf(expected, sizeof expected, "%.17g", value);
    const std::string json = JournalRowJson(kReals, {Value::Text("k"), Value::Real(value)});
    ASSERT_EQ(json, std::string("{\"key\":\"k\",\"x\":") + expected + "}");
  }
}

class JournalWalkTest : public ::testing::Test {
 protected:
  // A chain of `rows` inserts into "things", one entry per row, plus an audit event.
  void Build(int rows) {
    std::string prev = JournalGenesis();
    for (int i = 1; i <= rows + 1; ++i) {
      JournalEntry e{i,
                     1000 + i,
                     "t",
                     i <= rows ? "insert" : "reveal",
                     i <= rows ? "things" : "audit",
                     "k" + std::to_string(i)};
      if (i <= rows) e.after = JournalRowJson(Table(), Row(e.key, "row"));
      std::string hash = JournalHash(prev, e);
      chain_.push_back({e, prev, hash});
      prev = hash;
    }
  }
  struct Link {
    JournalEntry entry;
    std::string prev, hash;
  };
  Status Walk(const std::vector<JournalRow>& rows, std::optional<JournalMark> checkpoint = std::nullopt) {
    JournalWalk walk({"things"}, checkpoint);
    for (const Link& link : chain_) LX_RETURN_IF_ERROR(walk.Entry(link.entry, link.prev, link.hash));
    LX_RETURN_IF_ERROR(walk.Head({chain_.back().entry.seq, chain_.back().hash}));
    for (const JournalRow& row : rows) LX_RETURN_IF_ERROR(walk.Row(Table(), row));
    return walk.Finish();
  }
  static std::vector<JournalRow> Rows() { return {Row("k1", "row"), Row("k2", "row")}; }
  static void ExpectTampered(const Status& status, std::string_view code) {
    EXPECT_EQ(status.code(), Code::kTampered) << status.ToString();
    EXPECT_NE(status.message().find(code), std::string::npos) << status.ToString();
  }

  std::vector<Link> chain_;
};

TEST_F(JournalWalkTest, AnUntouchedJournalAndItsTablesVerify) {
  Build(2);
  EXPECT_TRUE(Walk(Rows()).ok());
  EXPECT_TRUE(Walk(Rows(), JournalMark{2, chain_[1].hash}).ok()) << "the checkpoint is in the chain";
  EXPECT_TRUE(Walk(Rows(), JournalMark{0, JournalGenesis()}).ok()) << "an empty journal's checkpoint";
}

TEST_F(JournalWalkTest, EachEditBehindTheProgramsBackIsNamed) {
  Build(2);
  std::vector<JournalRow> changed = Rows();
  changed[1][1] = Value::Text("edited");
  ExpectTampered(Walk(changed), "journal_mismatch");
  std::vector<JournalRow> planted = Rows();
  planted.push_back(Row("k9", "row"));
  ExpectTampered(Walk(planted), "journal_missing");
  ExpectTampered(Walk({Rows()[0]}), "journal_deleted");
  ExpectTampered(Walk(Rows(), JournalMark{2, std::string(32, 'x')}), "journal_checkpoint");

  std::vector<Link> kept = chain_;
  chain_[1].entry.after = JournalRowJson(Table(), Row("k2", "edited"));
  ExpectTampered(Walk(Rows()), "journal_hash");
  chain_ = kept;
  chain_[1].prev = std::string(32, 'x');
  ExpectTampered(Walk(Rows()), "journal_link");
  chain_ = kept;
  chain_.erase(chain_.begin() + 1);
  ExpectTampered(Walk(Rows()), "journal_gap");
  chain_ = kept;
  JournalWalk walk({"things"}, std::nullopt);
  for (const Link& link : chain_) ASSERT_TRUE(walk.Entry(link.entry, link.prev, link.hash).ok());
  ExpectTampered(walk.Head({1, chain_[0].hash}), "journal_head_mismatch");
}

// An insert_batch entry stands for each of its rows as an entry of its own
// would: every row held to its digest, the rows counted; an `after` that is
// not a batch is named. Batches written before the record form hold each
// row by its image's digest, and verify holds them to it as it always did.
TEST_F(JournalWalkTest, AnInsertBatchHoldsEachOfItsRows) {
  for (bool by_record : {true, false}) {
    SCOPED_TRACE(by_record ? "by record" : "by image");
    InsertBatch batch;
    for (const JournalRow& row : Rows()) {
      batch.Add(JournalKeyText(row[0]),
                by_record ? JournalRecordDigest(Table(), row) : JournalRowDigest(Table(), row));
    }
    EXPECT_EQ(batch.rows(), 2u);
    EXPECT_EQ(batch.first_key(), "k1");
    JournalEntry e{1,  1001,        "t", std::string(kInsertBatchAction), "things", batch.first_key(),
                   "", batch.Take()};
    chain_ = {{e, JournalGenesis(), JournalHash(JournalGenesis(), e)}};
    JournalWalk walk({"things"}, std::nullopt);
    ASSERT_TRUE(walk.Entry(chain_[0].entry, chain_[0].prev, chain_[0].hash).ok());
    for (const JournalRow& row : Rows()) ASSERT_TRUE(walk.Row(Table(), row).ok());
    EXPECT_TRUE(walk.Finish().ok());
    EXPECT_EQ(walk.entries(), 1);
    EXPECT_EQ(walk.rows(), 2);

    std::vector<JournalRow> changed = Rows();
    changed[1][2] = Value::Int(7);
    ExpectTampered(Walk(changed), "journal_mismatch");
    changed = Rows();
    changed[0][7] = Value::Blob("another ciphertext");
    ExpectTampered(Walk(changed), "journal_mismatch");
    ExpectTampered(Walk({Rows()[1]}), "journal_deleted");
  }

  chain_[0].entry.after = "{\"not\":\"a batch\"}";
  chain_[0].hash = JournalHash(JournalGenesis(), chain_[0].entry);
  JournalWalk malformed({"things"}, std::nullopt);
  ExpectTampered(malformed.Entry(chain_[0].entry, chain_[0].prev, chain_[0].hash), "journal_batch");
}

}  // namespace
}  // namespace lianxin::testing
