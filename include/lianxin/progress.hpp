// Progress of long work — import, export, demo, pair, backup — as the work
// reports it. The work says what it is doing and how far it has got; a
// reporter decides whether and how to show it. The CLI shows it on standard
// error when that is a terminal (see `TerminalProgress`); everywhere else
// (the server, tests, a pipe) `NoProgress()` ignores it.
//
//   progress.Begin("导入 households.csv", 0, "行");
//   for (...) progress.Update(++rows, reader.Fraction());
//   progress.End();
//
// `Update` is cheap enough to call once per row.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace lianxin {

class Progress {
 public:
  virtual ~Progress() = default;
  // A new step: `what` in the user's words, `total` units of work when known
  // (0: unknown), `unit` what is counted ("行", "页").
  virtual void Begin(std::string_view what, std::uint64_t total, std::string_view unit) = 0;
  // `done` units so far. `fraction` (0–1) is how far through the step is
  // when the total is unknown but the share of the input read is (bytes of a
  // file); negative when not known either.
  virtual void Update(std::uint64_t done, double fraction = -1) = 0;
  // The step is over (also on failure).
  virtual void End() = 0;
};

// Ignores everything.
Progress& NoProgress();

// Draws one line on `out` (standard error), redrawn at most ten times a
// second: what, done (of total), the rate, and the time left when the total
// or the fraction read is known; at End the line is finished with the count
// and the time taken. Draws nothing when `enabled` is false — the CLI passes
// `isatty(stderr) && !--quiet`.
class TerminalProgress final : public Progress {
 public:
  TerminalProgress(std::FILE* out, bool enabled);
  ~TerminalProgress() override;
  void Begin(std::string_view what, std::uint64_t total, std::string_view unit) override;
  void Update(std::uint64_t done, double fraction = -1) override;
  void End() override;

  // The line as it would be drawn, for tests.
  static std::string Line(std::string_view what, std::uint64_t done, std::uint64_t total,
                          std::string_view unit, double fraction, double seconds);

 private:
  void Draw(bool final);

  std::FILE* out_;
  bool enabled_;
  bool active_ = false;
  std::string what_;
  std::string unit_;
  std::uint64_t total_ = 0;
  std::uint64_t done_ = 0;
  double fraction_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::size_t last_width_ = 0;
};

}  // namespace lianxin
