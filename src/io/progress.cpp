#include "lianxin/progress.hpp"

#include <cmath>
#include <cstdio>

namespace lianxin {

namespace {

class Silent final : public Progress {
 public:
  void Begin(std::string_view, std::uint64_t, std::string_view) override {}
  void Update(std::uint64_t, double) override {}
  void End() override {}
};

// 1234567 → "1,234,567".
std::string Grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Duration(double seconds) {
  if (seconds < 10) {
    char text[16];
    std::snprintf(text, sizeof text, "%.1f 秒", seconds);
    return text;
  }
  long s = std::lround(seconds);
  if (s < 60) return std::to_string(s) + " 秒";
  if (s < 3600) return std::to_string(s / 60) + " 分 " + std::to_string(s % 60) + " 秒";
  return std::to_string(s / 3600) + " 时 " + std::to_string(s % 3600 / 60) + " 分";
}

// Display columns of UTF-8 text: CJK (3-byte sequences here) take two.
std::size_t Width(std::string_view text) {
  std::size_t width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++width;
    } else if (c >= 0xE0) {
      width += 2;
    }
  }
  return width;
}

constexpr auto kRedraw = std::chrono::milliseconds(100);

}  // namespace

Progress& NoProgress() {
  static Silent silent;
  return silent;
}

TerminalProgress::TerminalProgress(std::FILE* out, bool enabled) : out_(out), enabled_(enabled) {}

TerminalProgress::~TerminalProgress() {
  if (active_) End();
}

void TerminalProgress::Begin(std::string_view what, std::uint64_t total, std::string_view unit) {
  if (active_) End();
  what_ = what;
  unit_ = unit;
  total_ = total;
  done_ = 0;
  fraction_ = -1;
  start_ = last_draw_ = std::chrono::steady_clock::now();
  last_width_ = 0;
  active_ = true;
}

void TerminalProgress::Update(std::uint64_t done, double fraction) {
  if (!active_) return;
  done_ = done;
  fraction_ = fraction;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < kRedraw) return;
  last_draw_ = now;
  Draw(false);
}

void TerminalProgress::End() {
  if (!active_) return;
  if (enabled_) Draw(true);
  active_ = false;
}

std::string TerminalProgress::Line(std::string_view what, std::uint64_t done, std::uint64_t total,
                                   std::string_view unit, double fraction, double seconds) {
  std::string line(what);
  line += ": " + Grouped(done);
  if (total > 0) line += " / " + Grouped(total);
  line += " ";
  line += unit;
  double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  if (rate > 0) line += ", " + Grouped(static_cast<std::uint64_t>(rate)) + " " + std::string(unit) + "/秒";
  if (total > 0 && fraction < 0) fraction = static_cast<double>(done) / static_cast<double>(total);
  if (fraction > 0 && fraction < 1) {
    line += ", " + std::to_string(std::lround(fraction * 100)) + "%";
    // Only once there is something to extrapolate from.
    if (seconds >= 0.5) line += ", 剩余约 " + Duration(seconds * (1 - fraction) / fraction);
  }
  return line;
}

void TerminalProgress::Draw(bool final) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  // A step that counts nothing (a phase) says only how long it took.
  std::string count = done_ == 0 && total_ == 0 ? "" : Grouped(done_) + " " + unit_ + ", ";
  std::string line = final ? what_ + ": " + count + "用时 " + Duration(seconds)
                           : Line(what_, done_, total_, unit_, fraction_, seconds);
  std::size_t width = Width(line);
  // Blank what a longer previous line left behind.
  std::string pad(last_width_ > width ? last_width_ - width : 0, ' ');
  std::fprintf(out_, "\r%s%s%s", line.c_str(), pad.c_str(), final ? "\n" : "");
  std::fflush(out_);
  last_width_ = width;
}

}  // namespace lianxin
