#include "lianxin/draw.hpp"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace lianxin {

std::string DrawKey(std::string_view seed, std::string_view purpose, std::string_view code) {
  if (sodium_init() < 0) std::abort();
  std::string message = std::string(seed) + "|" + std::string(purpose) + "|" + std::string(code);
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), nullptr, 0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : hash) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex;
}

std::vector<std::string> DrawSample(std::string_view seed, std::string_view purpose,
                                    std::vector<std::string> candidates, std::size_t count) {
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::vector<std::pair<std::string, std::string>> keyed;
  keyed.reserve(candidates.size());
  for (std::string& code : candidates) keyed.emplace_back(DrawKey(seed, purpose, code), std::move(code));
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> sample;
  for (size_t i = 0; i < keyed.size() && i < count; ++i) sample.push_back(std::move(keyed[i].second));
  return sample;
}

InspectionDraw DrawInspection(std::string_view seed, std::string_view month,
                              const InspectionCandidates& candidates, std::size_t villages,
                              std::size_t households) {
  InspectionDraw draw;
  for (const auto& [township, in_township] : candidates.villages_by_township) {
    std::vector<std::string> drawn =
        DrawSample(seed, std::string(month) + ":villages:" + township, in_township, villages);
    for (const std::string& village : drawn) {
      auto it = candidates.households_by_village.find(village);
      if (it == candidates.households_by_village.end()) continue;
      draw.households_by_village[village] =
          DrawSample(seed, std::string(month) + ":households:" + village, it->second, households);
    }
    draw.villages_by_township[township] = std::move(drawn);
  }
  return draw;
}

std::vector<std::string> DrawCallbacks(std::string_view seed, std::string_view month,
                                       std::vector<std::string> visit_ids, double share) {
  share = std::clamp(share, 0.0, 1.0);
  auto count = static_cast<std::size_t>(std::ceil(share * static_cast<double>(visit_ids.size())));
  return DrawSample(seed, std::string(month) + ":callbacks", std::move(visit_ids), count);
}

}  // namespace lianxin
