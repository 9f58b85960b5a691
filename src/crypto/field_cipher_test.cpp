#include "crypto/field_cipher.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace lianxin {
namespace {

class FieldCipherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("lianxin-cipher-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".key"))
                .string();
    std::filesystem::remove(path_);
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::string path_;
};

// Each instance draws its own nonce prefix (and so its own XChaCha20
// subkey): what one seals, another made from the same key file opens by the
// nonce the ciphertext carries — it is XChaCha20-Poly1305, whatever the
// instance kept — and nothing else opens it.
TEST_F(FieldCipherTest, WhatOneInstanceSealsAnotherOpens) {
  Result<FieldCipher> sealer = FieldCipher::FromKeyFile(path_, true);
  ASSERT_TRUE(sealer.ok()) << sealer.status().ToString();
  Result<FieldCipher> opener = FieldCipher::FromKeyFile(path_, false);
  ASSERT_TRUE(opener.ok()) << opener.status().ToString();
  const std::string binding = FieldCipher::Binding("households.head_id", "1499010010010001");
  for (std::string plain : {std::string("1"), std::string("149901198701230011"), std::string(300, 'x')}) {
    std::string sealed = sealer->Encrypt(plain, binding);
    EXPECT_EQ(sealed.size(), 24 + plain.size() + 16);
    EXPECT_NE(sealed, sealer->Encrypt(plain, binding)) << "a nonce used twice";
    Result<std::string> opened = opener->Decrypt(sealed, binding);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, plain);
    EXPECT_FALSE(opener->Decrypt(sealed, FieldCipher::Binding("households.phone", "1499010010010001")).ok());
    EXPECT_FALSE(
        opener->Decrypt(sealed, FieldCipher::Binding("households.head_id", "1499010010010002")).ok());
    for (size_t at : {size_t{0}, size_t{16}, size_t{23}, size_t{24}, sealed.size() - 1}) {
      std::string altered = sealed;
      altered[at] = static_cast<char>(altered[at] ^ 1);
      EXPECT_FALSE(opener->Decrypt(altered, binding).ok()) << "byte " << at << " changed";
    }
  }
}

// A load seals on two threads with one instance (SqlTxn::LoadIntoEmpty):
// no nonce comes twice, and every field opens.
TEST_F(FieldCipherTest, TwoThreadsSealingAtOnceNeverShareANonce) {
  Result<FieldCipher> cipher = FieldCipher::FromKeyFile(path_, true);
  ASSERT_TRUE(cipher.ok()) << cipher.status().ToString();
  constexpr int kEach = 20000;
  const std::string binding = FieldCipher::Binding("households.phone", "1499010010010001");
  std::vector<std::string> sealed[2];
  auto seal = [&](int thread) {
    for (int i = 0; i < kEach; ++i) sealed[thread].push_back(cipher->Encrypt("15515028443", binding));
  };
  std::thread other(seal, 1);
  seal(0);
  other.join();
  std::set<std::string> nonces;
  for (const auto& fields : sealed) {
    for (const std::string& field : fields) nonces.insert(field.substr(0, 24));
  }
  EXPECT_EQ(nonces.size(), 2u * kEach);
  for (const std::string& field : {sealed[0].back(), sealed[1].back()}) {
    Result<std::string> opened = cipher->Decrypt(field, binding);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, "15515028443");
  }
}

// Blind indexes are stored: every county's must still be found, so they are
// checked against BLAKE2b as Python's hashlib makes it (the index key derived
// from the master as libsodium's crypto_kdf does, subkey 2, context
// "lxfields"; then keyed BLAKE2b-128 of domain, NUL, value).
TEST_F(FieldCipherTest, BlindIndexesAreKeyedBlake2bOfDomainAndValue) {
  {
    std::ofstream key(path_);
    for (int i = 0; i < 32; ++i) key << "0123456789abcdef"[i >> 4] << "0123456789abcdef"[i & 15];
  }
  ASSERT_EQ(::chmod(path_.c_str(), 0600), 0);
  Result<FieldCipher> cipher = FieldCipher::FromKeyFile(path_, false);
  ASSERT_TRUE(cipher.ok()) << cipher.status().ToString();
  const struct {
    std::string_view domain;
    std::string plain;
    std::string_view hex;
  } cases[] = {
      {"id", "149901198701230011", "cc29056c3ab760e599d7fa8aa0723b0f"},
      {"phone", "15515028443", "57fa30458977d035b55ac748466e43af"},
      {"id", "", "abb7be5e8dc12371796716e295af642b"},
      {"card", std::string(200, 'x'), "2610e62a91c39d2518982d9b409a9e22"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ToHex(cipher->BlindIndex(c.domain, c.plain)), c.hex) << c.domain << " " << c.plain;
  }
}

}  // namespace
}  // namespace lianxin
