// Process metrics, rendered in the Prometheus text format at GET /metrics.
//
// Any module may register its own series; the HTTP server registers
// lianxin_http_*. A series is found (or created) once, under a lock, and then
// updated with relaxed atomics, so keep the reference and update it on the
// hot path:
//
//   Metrics& metrics = server.metrics();
//   Counter& commits = metrics.counter("lianxin_store_commits_total", "Group commits written.");
//   Histogram& batch = metrics.histogram("lianxin_store_commit_batch_size", "Writes per group commit.",
//                                        {1, 2, 4, 8, 16, 32, 64, 128, 256});
//   Gauge& depth = metrics.gauge("lianxin_store_writer_queue_depth", "Writes waiting for a commit.");
//   ...
//   commits.Increment();
//   batch.Observe(rows);
//   depth.Set(queue.size());
//
// Thread-safety: every member of every class here may be called from any
// thread. References returned by Metrics stay valid for the Metrics' lifetime.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lianxin {

// Label name → value pairs. Every series of one metric must use the same label
// names in the same order. Values must have a small, bounded set of values
// (a route pattern, a status code) — never an ID number, a name or a path.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A value that only goes up (requests answered, rows committed).
class Counter {
 public:
  void Increment(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (open connections, queue depth).
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets with fixed upper bounds (le), plus their
// sum and count, as Prometheus expects.
class Histogram {
 public:
  // `bounds` must be strictly increasing; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
  };
  // Not one atomic snapshot across buckets; each number is consistent with
  // itself, and the +Inf bucket always equals the count, which is all a
  // scrape needs.
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Each returns the series `name{labels}`, creating the metric and the series
  // on first use (later `help` text is ignored). Throws std::logic_error —
  // a wiring bug, found the first time the code runs — when the name is not a
  // valid Prometheus name, is already used by a metric of another kind, or the
  // label names differ from the metric's first series; for histograms also
  // when the bounds differ.
  Counter& counter(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, const std::vector<double>& bounds,
                       const MetricLabels& labels = {});

  // Every metric in the Prometheus text exposition format (version 0.0.4),
  // metrics in registration order, series sorted by label values.
  std::string RenderPrometheus() const;

 private:
  struct Family;
  // Defined (and only used) in metrics.cpp.
  template <typename T>
  T& Series(std::string_view name, std::string_view help, const MetricLabels& labels,
            const std::vector<double>* bounds);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;
};

}  // namespace lianxin
