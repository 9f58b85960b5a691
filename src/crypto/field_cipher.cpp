#include "crypto/field_cipher.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>

namespace lianxin {

namespace {

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES] = {'l', 'x', 'f', 'i', 'e', 'l', 'd', 's'};
constexpr size_t kMasterKeySize = crypto_kdf_KEYBYTES;

Status SodiumReady() {
  if (sodium_init() < 0) return Status::Internal("libsodium 初始化失败 (sodium_init)");
  return Status::Ok();
}

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

Result<std::string> ReadAll(int fd, const std::string& path) {
  std::string data;
  char buffer[256];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) return Status::Internal(Errno("读取密钥文件失败", path));
    if (n == 0) break;
    data.append(buffer, static_cast<size_t>(n));
    if (data.size() > 4096) return Status::Invalid("密钥文件过大: " + path + " (key_file_format)");
  }
  return data;
}

Status CreateKeyFile(const std::string& path) {
  unsigned char key[kMasterKeySize];
  crypto_kdf_keygen(key);
  char hex[kMasterKeySize * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, key, sizeof key);
  sodium_memzero(key, sizeof key);
  // O_EXCL: two processes racing to create the key must not both win.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();
    return Status::Internal(Errno("无法创建密钥文件", path));
  }
  std::string line = std::string(hex) + "\n";
  sodium_memzero(hex, sizeof hex);
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  sodium_memzero(line.data(), line.size());
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return Status::Internal(Errno("写入密钥文件失败", path));
  }
  return Status::Ok();
}

}  // namespace

Result<FieldCipher> FieldCipher::FromKeyFile(const std::string& path, bool create) {
  LX_RETURN_IF_ERROR(SodiumReady());
  if (create) LX_RETURN_IF_ERROR(CreateKeyFile(path));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("找不到密钥文件 " + path + " (key_file_missing)");
    return Status::Internal(Errno("无法打开密钥文件", path));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
    ::close(fd);
    return Status::Invalid("密钥文件 " + path + " 的权限过宽,应为 0600 (key_file_mode)");
  }
  Result<std::string> text = ReadAll(fd, path);
  ::close(fd);
  if (!text.ok()) return text.status();
  std::string& hex = *text;
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) hex.pop_back();
  unsigned char master[kMasterKeySize];
  size_t length = 0;
  if (hex.size() != kMasterKeySize * 2 ||
      sodium_hex2bin(master, sizeof master, hex.data(), hex.size(), nullptr, &length, nullptr) != 0 ||
      length != kMasterKeySize) {
    sodium_memzero(hex.data(), hex.size());
    return Status::Invalid("密钥文件格式错误: " + path + " (key_file_format)");
  }
  sodium_memzero(hex.data(), hex.size());
  FieldCipher cipher;
  crypto_kdf_derive_from_key(cipher.aead_key_.data(), cipher.aead_key_.size(), 1, kKdfContext, master);
  crypto_kdf_derive_from_key(cipher.index_key_.data(), cipher.index_key_.size(), 2, kKdfContext, master);
  sodium_memzero(master, sizeof master);
  randombytes_buf(cipher.nonce_prefix_.data(), cipher.nonce_prefix_.size());
  static_assert(sizeof cipher.nonce_prefix_ == crypto_core_hchacha20_INPUTBYTES);
  crypto_core_hchacha20(cipher.prefix_key_.data(), cipher.nonce_prefix_.data(), cipher.aead_key_.data(),
                        nullptr);
  return cipher;
}

std::string FieldCipher::Binding(std::string_view column, std::string_view row_key) {
  std::string binding;
  Binding(binding, column, row_key);
  return binding;
}

void FieldCipher::Binding(std::string& out, std::string_view column, std::string_view row_key) {
  // The NUL keeps ("a.b", "c") apart from any other split: column names hold none.
  out.assign(column);
  out.push_back('\0');
  out.append(row_key);
}

std::string FieldCipher::Encrypt(std::string_view plain, std::string_view binding) const {
  constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string out(kNonce + plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  static_assert(kNonce == 24);
  std::memcpy(bytes, nonce_prefix_.data(), nonce_prefix_.size());
  const std::uint64_t counter = std::atomic_ref(nonce_counter_).fetch_add(1, std::memory_order_relaxed);
  for (int i = 0; i < 8; ++i) bytes[16 + i] = static_cast<unsigned char>(counter >> (8 * i));
  // XChaCha20-Poly1305 as libsodium makes it: ChaCha20-Poly1305 (IETF)
  // under HChaCha20(key, nonce[0..16]) — prefix_key_, as the prefix is this
  // instance's — with four zero bytes and nonce[16..24] as its nonce.
  unsigned char ietf_nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES] = {};
  static_assert(sizeof ietf_nonce == 4 + 8);
  std::memcpy(ietf_nonce + 4, bytes + 16, 8);
  unsigned long long written = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(
      bytes + kNonce, &written, reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
      reinterpret_cast<const unsigned char*>(binding.data()), binding.size(), nullptr, ietf_nonce,
      prefix_key_.data());
  out.resize(kNonce + written);
  return out;
}

Result<std::string> FieldCipher::Decrypt(std::string_view sealed, std::string_view binding) const {
  constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (sealed.size() < kNonce + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return Status::Internal("密文过短: " + std::string(binding.substr(0, binding.find('\0'))));
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string out(sealed.size() - kNonce - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()), &written,
                                                 nullptr, bytes + kNonce, sealed.size() - kNonce,
                                                 reinterpret_cast<const unsigned char*>(binding.data()),
                                                 binding.size(), bytes, aead_key_.data()) != 0) {
    return Status::Internal("解密失败(密文被改动、被挪到别的记录或密钥不符): " +
                            std::string(binding.substr(0, binding.find('\0'))));
  }
  out.resize(written);
  return out;
}

std::string FieldCipher::BlindIndex(std::string_view domain, std::string_view plain) const {
  crypto_generichash_state state;
  crypto_generichash_init(&state, index_key_.data(), index_key_.size(), kBlindIndexSize);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(domain.data()), domain.size());
  const unsigned char separator = 0;
  crypto_generichash_update(&state, &separator, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(plain.data()), plain.size());
  std::string out(kBlindIndexSize, '\0');
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(out.data()), out.size());
  return out;
}

std::string ToHex(std::string_view bytes) {
  std::string out;
  AppendHex(out, bytes);
  return out;
}

void AppendHex(std::string& out, std::string_view bytes) {
  const size_t at = out.size();
  out.resize(at + 2 * bytes.size());
  WriteHex(out.data() + at, bytes);
}

char* WriteHex(char* out, std::string_view bytes) {
  // Each byte's two digits, looked up at once: the journal writes a
  // million rows' blind indexes and digests in hex.
  static constexpr std::array<char, 512> kPairs = [] {
    constexpr char kDigits[] = "0123456789abcdef";
    std::array<char, 512> pairs{};
    for (int i = 0; i < 256; ++i) {
      pairs[2 * i] = kDigits[i >> 4];
      pairs[2 * i + 1] = kDigits[i & 15];
    }
    return pairs;
  }();
  for (unsigned char c : bytes) {
    std::memcpy(out, &kPairs[2 * c], 2);
    out += 2;
  }
  return out;
}

}  // namespace lianxin
