#include "lianxin/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace lianxin {

namespace {

enum class Kind { kCounter, kGauge, kHistogram };

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kCounter:
      return "counter";
    case Kind::kGauge:
      return "gauge";
    case Kind::kHistogram:
      return "histogram";
  }
  return "untyped";
}

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

// Prometheus: metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*.
bool IsMetricName(std::string_view name) {
  if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return IsNameChar(c) || c == ':'; });
}
bool IsLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0]) || name.substr(0, 2) == "__") return false;
  return std::all_of(name.begin(), name.end(), IsNameChar);
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

// `{a="x",b="y"}` with an optional extra label (the histogram's `le`) last;
// empty when there are no labels at all.
std::string LabelText(const std::vector<std::string>& names, const std::vector<std::string>& values,
                      std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += std::string(extra_name) + "=\"" + EscapeLabelValue(extra_value) + "\"";
  }
  return out + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i + 1 < bounds_.size(); ++i) {
    if (!(bounds_[i] < bounds_[i + 1])) throw std::logic_error("histogram bounds must increase strictly");
  }
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  // Bucket i counts values in (bounds[i-1], bounds[i]]; the cumulative form
  // Prometheus wants is summed at scrape time, so an observation touches one
  // counter instead of every bucket above it.
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.bounds = bounds_;
  std::uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(running);
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

struct Metrics::Family {
  std::string name;
  std::string help;
  Kind kind;
  std::vector<std::string> label_names;
  std::vector<double> bounds;
  // Keyed by label values; std::map keeps the rendering order stable.
  std::map<std::vector<std::string>, std::unique_ptr<Counter>> counters;
  std::map<std::vector<std::string>, std::unique_ptr<Gauge>> gauges;
  std::map<std::vector<std::string>, std::unique_ptr<Histogram>> histograms;
};

namespace {
template <typename T>
struct Traits;
template <>
struct Traits<Counter> {
  static constexpr Kind kKind = Kind::kCounter;
  template <typename F>
  static auto& Map(F& f) {
    return f.counters;
  }
};
template <>
struct Traits<Gauge> {
  static constexpr Kind kKind = Kind::kGauge;
  template <typename F>
  static auto& Map(F& f) {
    return f.gauges;
  }
};
template <>
struct Traits<Histogram> {
  static constexpr Kind kKind = Kind::kHistogram;
  template <typename F>
  static auto& Map(F& f) {
    return f.histograms;
  }
};
}  // namespace

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

template <typename T>
T& Metrics::Series(std::string_view name, std::string_view help, const MetricLabels& labels,
                   const std::vector<double>* bounds) {
  constexpr Kind kind = Traits<T>::kKind;
  std::vector<std::string> names;
  std::vector<std::string> values;
  for (const auto& [label, value] : labels) {
    if (!IsLabelName(label) || (kind == Kind::kHistogram && label == "le")) {
      throw std::logic_error(fmt::format("metric {}: invalid label name '{}'", name, label));
    }
    names.push_back(label);
    values.push_back(value);
  }

  std::lock_guard lock(mu_);
  Family* family = nullptr;
  for (const auto& f : families_) {
    if (f->name == name) family = f.get();
  }
  if (family == nullptr) {
    if (!IsMetricName(name)) throw std::logic_error(fmt::format("invalid metric name '{}'", name));
    auto created = std::make_unique<Family>();
    created->name = std::string(name);
    created->help = std::string(help);
    created->kind = kind;
    created->label_names = names;
    if (bounds != nullptr) created->bounds = *bounds;
    family = created.get();
    families_.push_back(std::move(created));
  }
  if (family->kind != kind) {
    throw std::logic_error(
        fmt::format("metric {} is a {}, not a {}", name, KindName(family->kind), KindName(kind)));
  }
  if (family->label_names != names) {
    throw std::logic_error(fmt::format("metric {}: label names differ from its first series", name));
  }
  if (bounds != nullptr && family->bounds != *bounds) {
    throw std::logic_error(fmt::format("metric {}: bucket bounds differ from its first series", name));
  }

  auto& series = Traits<T>::Map(*family);
  auto it = series.find(values);
  if (it == series.end()) {
    if constexpr (kind == Kind::kHistogram) {
      it = series.emplace(values, std::make_unique<Histogram>(family->bounds)).first;
    } else {
      it = series.emplace(values, std::make_unique<T>()).first;
    }
  }
  return *it->second;
}

Counter& Metrics::counter(std::string_view name, std::string_view help, const MetricLabels& labels) {
  return Series<Counter>(name, help, labels, nullptr);
}

Gauge& Metrics::gauge(std::string_view name, std::string_view help, const MetricLabels& labels) {
  return Series<Gauge>(name, help, labels, nullptr);
}

Histogram& Metrics::histogram(std::string_view name, std::string_view help, const std::vector<double>& bounds,
                              const MetricLabels& labels) {
  return Series<Histogram>(name, help, labels, &bounds);
}

std::string Metrics::RenderPrometheus() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& family : families_) {
    const std::string& name = family->name;
    out += "# HELP " + name + " " + EscapeHelp(family->help) + "\n";
    out += "# TYPE " + name + " " + std::string(KindName(family->kind)) + "\n";
    for (const auto& [values, counter] : family->counters) {
      out += fmt::format("{}{} {}\n", name, LabelText(family->label_names, values), counter->Value());
    }
    for (const auto& [values, gauge] : family->gauges) {
      out += fmt::format("{}{} {}\n", name, LabelText(family->label_names, values),
                         FormatNumber(gauge->Value()));
    }
    for (const auto& [values, histogram] : family->histograms) {
      Histogram::Snapshot s = histogram->Read();
      for (size_t i = 0; i < s.cumulative.size(); ++i) {
        std::string le = i < s.bounds.size() ? FormatNumber(s.bounds[i]) : "+Inf";
        out += fmt::format("{}_bucket{} {}\n", name, LabelText(family->label_names, values, "le", le),
                           s.cumulative[i]);
      }
      std::string labels = LabelText(family->label_names, values);
      out += fmt::format("{}_sum{} {}\n", name, labels, FormatNumber(s.sum));
      out += fmt::format("{}_count{} {}\n", name, labels, s.cumulative.back());
    }
  }
  return out;
}

}  // namespace lianxin
