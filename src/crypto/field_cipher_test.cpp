#include "crypto/field_cipher.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
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

}  // namespace
}  // namespace lianxin
