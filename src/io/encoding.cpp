// Text encodings of imported files and the normalisation of cell text.
#include <errno.h>
#include <iconv.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "io/internal.hpp"
#include "lianxin/table_io.hpp"

namespace lianxin {

namespace {

class Iconv {
 public:
  Iconv(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~Iconv() {
    if (ok()) iconv_close(cd_);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;

  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  iconv_t get() const { return cd_; }

 private:
  iconv_t cd_;
};

// Converts all of `in`; on an invalid or truncated sequence returns false with
// `bad_offset` at its first byte.
bool Convert(const Iconv& cd, std::string_view in, std::string& out, size_t& bad_offset) {
  out.clear();
  // Enough for GB18030 <-> UTF-8 almost always (at most 2 bytes out per byte
  // in); E2BIG grows it for anything else.
  out.resize(in.size() * 2 + 16);
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  size_t written = 0;
  while (true) {
    char* dst = out.data() + written;
    size_t dst_left = out.size() - written;
    size_t rc = src_left == 0 ? iconv(cd.get(), nullptr, nullptr, &dst, &dst_left)
                              : iconv(cd.get(), &src, &src_left, &dst, &dst_left);
    written = static_cast<size_t>(dst - out.data());
    if (rc != static_cast<size_t>(-1)) {
      if (src_left == 0) break;
      continue;
    }
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    bad_offset = in.size() - src_left;
    return false;
  }
  out.resize(written);
  return true;
}

// Unicode Table 3-7 (well-formed UTF-8): no overlongs, surrogates or values
// above U+10FFFF, so a GBK file is not mistaken for UTF-8 by accident.
bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // Most CSV bytes are ASCII: skip them eight at a time.
    while (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      if (word & 0x8080808080808080ULL) break;
      p += 8;
    }
    if (p >= end) break;
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int extra;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (int i = 2; i <= extra; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += extra + 1;
  }
  return true;
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

void TrimAsciiSpace(std::string& s) {
  size_t end = s.size();
  while (end > 0 && IsAsciiSpace(s[end - 1])) --end;
  size_t begin = 0;
  while (begin < end && IsAsciiSpace(s[begin])) ++begin;
  if (begin == 0) {
    s.resize(end);
  } else {
    s.erase(end).erase(0, begin);
  }
}

}  // namespace

namespace io_internal {

namespace {

// Bytes that may start something NormalizeCellInPlace changes: a tab, or the
// lead byte of U+00A0 (C2), U+3000 (E3), U+FEFF and U+FF10..FF19 (EF).
constexpr auto kMayChange = [] {
  std::array<bool, 256> table{};
  table['\t'] = table[0xC2] = table[0xE3] = table[0xEF] = true;
  return table;
}();

// The length of the sequence at P that normalisation replaces, and its
// replacement in OUT (0 for U+FEFF, which is dropped); 0 if nothing at P.
size_t Replaceable(const unsigned char* p, const unsigned char* end, char& out, bool& drop) {
  drop = false;
  size_t left = static_cast<size_t>(end - p);
  switch (p[0]) {
    case '\t':
      out = ' ';
      return 1;
    case 0xC2:  // U+00A0 no-break space
      out = ' ';
      return left >= 2 && p[1] == 0xA0 ? 2 : 0;
    case 0xE3:  // U+3000 ideographic (full-width) space
      out = ' ';
      return left >= 3 && p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
    case 0xEF:
      if (left < 3) return 0;
      if (p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {  // U+FF10..U+FF19 full-width digits
        out = static_cast<char>('0' + (p[2] - 0x90));
        return 3;
      }
      if (p[1] == 0xBB && p[2] == 0xBF) {
        // A stray U+FEFF (from files pasted together) is invisible, so it is
        // dropped rather than turned into a space the user never typed.
        drop = true;
        return 3;
      }
      return 0;
    default:
      return 0;
  }
}

}  // namespace

// Every replacement is no longer than what it replaces, so the cell is
// rewritten in place and the importer's per-row strings keep their buffers.
// Most cells (ASCII, or Chinese text in other blocks) need no rewrite at all,
// only the trim.
void NormalizeCellInPlace(std::string& cell) {
  auto* data = reinterpret_cast<unsigned char*>(cell.data());
  const unsigned char* end = data + cell.size();
  unsigned char* r = data;
  char out = 0;
  bool drop = false;
  size_t len = 0;
  while (r < end && !(kMayChange[*r] && (len = Replaceable(r, end, out, drop)) > 0)) ++r;
  if (r < end) {
    unsigned char* w = r;
    while (r < end) {
      if (kMayChange[*r] && (len = Replaceable(r, end, out, drop)) > 0) {
        if (!drop) *w++ = static_cast<unsigned char>(out);
        r += len;
      } else {
        *w++ = *r++;
      }
    }
    cell.resize(static_cast<size_t>(w - data));
  }
  if (!cell.empty() && (IsAsciiSpace(cell.front()) || IsAsciiSpace(cell.back()))) TrimAsciiSpace(cell);
}

Status Gb18030ToUtf8Into(std::string_view bytes, std::string& out, size_t& bad_offset) {
  Iconv cd("UTF-8", "GB18030");
  if (!cd.ok()) return Status::Internal("系统不支持 GB18030 编码转换 (iconv_unavailable)");
  if (!Convert(cd, bytes, out, bad_offset)) {
    return Status::Invalid("第 " + std::to_string(bad_offset + 1) +
                           " 字节不是有效的 GB18030 编码 (encoding_invalid)");
  }
  return Status::Ok();
}

}  // namespace io_internal

TextEncoding DetectEncoding(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) return TextEncoding::kUtf8;
  return IsValidUtf8(bytes) ? TextEncoding::kUtf8 : TextEncoding::kGb18030;
}

Result<std::string> Gb18030ToUtf8(std::string_view bytes) {
  std::string out;
  size_t bad_offset = 0;
  LX_RETURN_IF_ERROR(io_internal::Gb18030ToUtf8Into(bytes, out, bad_offset));
  return out;
}

Result<std::string> Utf8ToGb18030(std::string_view utf8) {
  Iconv cd("GB18030", "UTF-8");
  if (!cd.ok()) return Status::Internal("系统不支持 GB18030 编码转换 (iconv_unavailable)");
  std::string out;
  size_t bad_offset = 0;
  if (!Convert(cd, utf8, out, bad_offset)) {
    return Status::Invalid("第 " + std::to_string(bad_offset + 1) +
                           " 字节不是有效的 UTF-8 编码 (encoding_invalid)");
  }
  return out;
}

std::string NormalizeCell(std::string_view cell) {
  std::string out(cell);
  io_internal::NormalizeCellInPlace(out);
  return out;
}

}  // namespace lianxin
