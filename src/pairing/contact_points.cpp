// Stage 4, contact points (联系点), three flow problems per county: leaders
// with weak branches, county-level leaders with non-public orgs, and with
// social orgs:
//
//   leader l (supply 1) ──[1, price − stay]──▶ org o ──[1, miss −1: branch led]──▶ sink
//                      ╲                           ╲─[1 each, (j − 1) × balance]──▶ sink
//                       ╲─[1, miss: leader without a contact point]─────────────▶ sink
//
// 「每一名县乡领导干部都包一个较差支部,县级党员领导干部还包一个非公经济组织党组织、
// 社会组织党组织」: each leader exactly one of each kind it owes (a goal: it
// fails only when the county has none), every weak branch at least one
// leader (a goal), leaders spread evenly by the convex balance price, and a
// branch in a village the leader's own unit holds preferred.
#include <algorithm>
#include <string>

#include "pairing/engine.hpp"

namespace lianxin::pairing_internal {
namespace {

enum Level : int { kBranchLevel = 0, kLeaderLevel = 1, kLevels = 2 };

struct Model {
  FlowProblem problem;
  std::vector<int> leaders, orgs;
  struct Pair {
    int arc, leader, org;
  };
  std::vector<Pair> pairs;
};

Result<Model> BuildModel(const Index& index, const Assignment& current, int county, int kind,
                         const std::vector<int>& org_pins) {
  const CountyInfo& info = index.counties[county];
  const PairingRules& rules = *index.rules;
  const std::vector<int>& all = kind == kWeakBranch ? info.leaders : info.county_leaders;
  Model model;
  for (int l : all) {
    if (current.point_of[kind][l] == kNone) model.leaders.push_back(l);
  }
  model.orgs = info.orgs[kind];
  FlowProblem& p = model.problem;
  const int free = static_cast<int>(model.leaders.size());
  for (int i = 0; i < free; ++i) p.AddNode(1);
  for (std::size_t i = 0; i < model.orgs.size(); ++i) p.AddNode();
  const int sink = p.AddNode(-free);
  const std::int64_t stay = Scaled(rules.contact_point_move_cost);
  for (int i = 0; i < free; ++i) {
    const int l = model.leaders[i];
    for (std::size_t k = 0; k < model.orgs.size(); ++k) {
      const int o = model.orgs[k];
      const std::int64_t soft =
          index.PointSoft(l, o, current.unit_of_village) - (index.prev_point[kind][l] == o ? stay : 0);
      model.pairs.push_back({p.AddArc(i, free + static_cast<int>(k), 1, soft), l, o});
    }
    p.AddArc(i, sink, 1, 0, +1, kLeaderLevel);
  }
  const std::int64_t balance = Scaled(rules.contact_point_balance_cost);
  for (std::size_t k = 0; k < model.orgs.size(); ++k) {
    const int already = org_pins[model.orgs[k]];
    for (int j = already + 1; j <= already + free; ++j) {
      const bool first_of_branch = kind == kWeakBranch && j == 1;
      p.AddArc(free + static_cast<int>(k), sink, 1, balance * (j - 1), first_of_branch ? -1 : 0,
               kBranchLevel);
    }
  }
  LX_RETURN_IF_ERROR(SetGoalWeights(p, kLevels));
  return model;
}

}  // namespace

Status SolveContactPoints(const Index& index, Assignment& out, std::vector<Uncovered>& uncovered) {
  std::vector<int> org_pins(index.orgs.size(), 0);
  for (int kind = 0; kind < kPointKinds; ++kind) {
    for (std::size_t c = 0; c < index.cadres.size(); ++c) {
      const int o = index.pin_point[kind][c];
      if (o == kNone) continue;
      out.point_of[kind][c] = o;
      ++org_pins[o];
    }
  }
  static constexpr const char* kKindChinese[] = {"较差支部", "非公经济组织党组织", "社会组织党组织"};
  static constexpr const char* kKindEnglish[] = {"weak branch", "non-public org", "social org"};
  for (std::size_t county = 0; county < index.counties.size(); ++county) {
    const CountyInfo& info = index.counties[county];
    for (int kind = 0; kind < kPointKinds; ++kind) {
      LX_ASSIGN_OR_RETURN(Model model, BuildModel(index, out, static_cast<int>(county), kind, org_pins));
      if (!model.leaders.empty() && !model.orgs.empty()) {
        LX_ASSIGN_OR_RETURN(FlowSolution solution, SolveMinCostFlow(model.problem));
        for (const Model::Pair& pair : model.pairs) {
          if (solution.flow[pair.arc] > 0) out.point_of[kind][pair.leader] = pair.org;
        }
      }
      for (int l : model.leaders) {
        if (out.point_of[kind][l] != kNone) continue;
        uncovered.push_back({PairingKind::kContactPoint, UncoveredKind::kCadre, index.cadres[l].cadre->code,
                             Reason(std::string("县 ") + info.code + " 没有" + kKindChinese[kind],
                                    "county " + info.code + " has no " + kKindEnglish[kind])});
      }
      if (kind != kWeakBranch) continue;
      std::vector<char> led(index.orgs.size(), 0);
      for (int l : info.leaders) {
        if (out.point_of[kind][l] != kNone) led[out.point_of[kind][l]] = 1;
      }
      for (int o : info.orgs[kind]) {
        if (led[o]) continue;
        uncovered.push_back(
            {PairingKind::kContactPoint, UncoveredKind::kWeakBranch, index.orgs[o].org->code,
             Reason("县 " + info.code + " 有较差支部 " + std::to_string(info.orgs[kind].size()) +
                        " 个,县乡领导干部 " + std::to_string(info.leaders.size()) + " 名",
                    "county " + info.code + " has " + std::to_string(info.orgs[kind].size()) +
                        " weak branches and " + std::to_string(info.leaders.size()) +
                        " county- and section-level leaders")});
      }
    }
  }
  return Status::Ok();
}

}  // namespace lianxin::pairing_internal
