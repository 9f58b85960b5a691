// Stage 3, contact coverage (联系户, 两个全覆盖). Once units hold villages the
// problem splits exactly: a unit's cadres serve only its villages and a
// party member only its own village, so each unit with its villages (and
// each village no unit holds) is one flow problem:
//
//   class k (supply n_k) ──[n_k, 0]──────────────▶ hub of village v ──[load]──▶ cadre c
//            │ ╲──[n_k, −stay (− reward if p = a)]──▶ previous contact p
//            │  ╲─[n_k, −reward]─────────────────────▶ assistance cadre a
//            ╰──[n_k, miss: household without contact]─────────────────────▶ sink
//   cadre c ──[1, miss −1: cadre with a contact]──▶ sink, then the j-th more ──[1, (j − 1) × balance]──▶ sink
//
// Households of a village with the same previous contact and the same
// assistance cadre are interchangeable, so a class stands for all of them
// and the problem stays as small as the villages and cadres are. The j-th
// household of a cadre costs (j − 1) × contact_balance_cost, a convex
// price that evens loads out; `contact_load` segments make the load hard.
// Goals, highest first: every household has a contact; every cadre has one.
#include <algorithm>
#include <array>
#include <string>
#include <tuple>

#include "pairing/engine.hpp"

namespace lianxin::pairing_internal {
namespace {

enum Level : int { kCadreLevel = 0, kHouseholdLevel = 1, kLevels = 2 };

struct Component {
  int unit = kNone;
  std::vector<int> villages;
};

struct Model {
  FlowProblem problem;
  std::vector<int> cadres;     // node of cadres[i]: cadre_node0 + i
  std::vector<int> remaining;  // load left per cadre
  int cadre_node0 = 0;
  int hub_node0 = 0;  // hub of villages[i]: hub_node0 + i
  struct Class {
    int node;
    std::vector<int> households;
    int to_hub, to_previous = kNone, to_assistance = kNone, bypass;
  };
  std::vector<Class> classes;
  struct Link {
    int arc, village_pos, cadre_pos;
  };
  std::vector<Link> links;  // hub → cadre
};

// `isolate`: a household given a class of its own (for explanations).
Result<Model> BuildModel(const Index& index, const Assignment& current, const Component& component,
                         const std::vector<int>& pinned, int isolate, std::vector<int>& scratch) {
  const PairingRules& rules = *index.rules;
  const int load = rules.contact_load;
  Model model;
  auto add_cadre = [&](int c) {
    if (load - pinned[c] <= 0) return;
    model.cadres.push_back(c);
    model.remaining.push_back(load - pinned[c]);
  };
  if (component.unit != kNone) {
    for (int c : index.units[component.unit].cadres) add_cadre(c);
  }
  for (int v : component.villages) {
    for (int c : index.villages[v].members) add_cadre(c);
  }
  // Position of a cadre in this component; `scratch` is all kNone between calls.
  for (std::size_t k = 0; k < model.cadres.size(); ++k) scratch[model.cadres[k]] = static_cast<int>(k);
  auto position = [&](int c) { return scratch[c]; };

  // Classes: (village, previous contact, assistance cadre, isolated), households in input order.
  std::vector<std::tuple<int, int, int, int, int>> keyed;
  for (std::size_t i = 0; i < component.villages.size(); ++i) {
    for (int h : index.villages[component.villages[i]].households) {
      if (current.contact_of[h] != kNone) continue;  // pinned
      const int previous = index.prev_contact[h];
      const int p = previous != kNone && index.ContactEligible(previous, h, current.unit_of_village)
                        ? position(previous)
                        : kNone;
      const int a = current.assist_of[h] != kNone ? position(current.assist_of[h]) : kNone;
      keyed.emplace_back(static_cast<int>(i), p, a, h == isolate ? h : kNone, h);
    }
  }
  std::sort(keyed.begin(), keyed.end());
  for (int c : model.cadres) scratch[c] = kNone;

  FlowProblem& p = model.problem;
  std::vector<std::array<int, 4>> class_keys;  // village pos, p, a, isolated
  for (const auto& [v, prev, a, iso, h] : keyed) {
    const std::array<int, 4> key{v, prev, a, iso};
    if (class_keys.empty() || class_keys.back() != key) {
      class_keys.push_back(key);
      model.classes.push_back({p.AddNode(), {}, kNone, kNone, kNone, kNone});
    }
    model.classes.back().households.push_back(h);
  }
  std::int64_t total = 0;
  for (Model::Class& k : model.classes) {
    p.supply[k.node] = static_cast<std::int64_t>(k.households.size());
    total += p.supply[k.node];
  }
  model.hub_node0 = p.nodes;
  for (std::size_t i = 0; i < component.villages.size(); ++i) p.AddNode();
  model.cadre_node0 = p.nodes;
  for (std::size_t i = 0; i < model.cadres.size(); ++i) p.AddNode();
  const int sink = p.AddNode(-total);

  const std::int64_t stay = Scaled(rules.move_cost);
  for (std::size_t i = 0; i < model.classes.size(); ++i) {
    Model::Class& k = model.classes[i];
    const auto& [v, prev, a, iso] = class_keys[i];
    const std::int64_t n = static_cast<std::int64_t>(k.households.size());
    const int h = k.households.front();  // the class shares everything the price reads
    const int assist = a == kNone ? kNone : model.cadres[a];
    k.to_hub = p.AddArc(k.node, model.hub_node0 + v, n, 0);
    if (prev != kNone) {
      k.to_previous = p.AddArc(k.node, model.cadre_node0 + prev, n,
                               index.ContactSoft(model.cadres[prev], h, assist) - stay);
    }
    if (a != kNone && a != prev) {
      k.to_assistance = p.AddArc(k.node, model.cadre_node0 + a, n, index.ContactSoft(assist, h, assist));
    }
    k.bypass = p.AddArc(k.node, sink, n, 0, +1, kHouseholdLevel);
  }
  for (std::size_t i = 0; i < component.villages.size(); ++i) {
    const int v = component.villages[i];
    for (std::size_t k = 0; k < model.cadres.size(); ++k) {
      const CadreInfo& cadre = index.cadres[model.cadres[k]];
      if (cadre.village != kNone && cadre.village != v) continue;  // a member serves only its own village
      model.links.push_back({p.AddArc(model.hub_node0 + static_cast<int>(i),
                                      model.cadre_node0 + static_cast<int>(k), model.remaining[k], 0),
                             static_cast<int>(i), static_cast<int>(k)});
    }
  }
  const std::int64_t balance = Scaled(rules.contact_balance_cost);
  for (std::size_t k = 0; k < model.cadres.size(); ++k) {
    const int c = model.cadres[k];
    // No cadre can take more than the component's households, however large the load.
    const int last = static_cast<int>(std::min<std::int64_t>(load, pinned[c] + total));
    for (int j = pinned[c] + 1; j <= last; ++j) {
      // 「让每一名党员干部都要有联系点和联系户」: the first household meets a goal.
      p.AddArc(model.cadre_node0 + static_cast<int>(k), sink, 1, balance * (j - 1), j == 1 ? -1 : 0,
               kCadreLevel);
    }
  }
  LX_RETURN_IF_ERROR(SetGoalWeights(p, kLevels));
  return model;
}

std::vector<int> FixPins(const Index& index, Assignment& out, std::vector<Uncovered>* uncovered) {
  std::vector<int> pinned(index.cadres.size(), 0);
  for (std::size_t h = 0; h < index.households.size(); ++h) {
    const int c = index.pin_contact[h];
    if (c == kNone) continue;
    const char* chinese = nullptr;
    const char* english = nullptr;
    if (!index.ContactEligible(c, static_cast<int>(h), out.unit_of_village)) {
      chinese = "该干部既不是包村单位干部,也不是本村党员";
      english = "the cadre is neither of the unit holding the village nor a party member of it";
    } else if (pinned[c] >= index.rules->contact_load) {
      chinese = "该干部的联系户已满";
      english = "the cadre's contact load is full";
    }
    if (chinese != nullptr) {
      if (uncovered != nullptr) {
        uncovered->push_back({PairingKind::kContact, UncoveredKind::kPin,
                              PinId(index.cadres[c].cadre->code, index.households[h].household->code),
                              PinNotKept(chinese, english)});
      }
      continue;
    }
    ++pinned[c];
    out.contact_of[h] = c;
  }
  return pinned;
}

std::vector<Component> Components(const Index& index, const Assignment& out) {
  std::vector<Component> components(index.units.size());
  for (std::size_t u = 0; u < index.units.size(); ++u) components[u].unit = static_cast<int>(u);
  for (std::size_t v = 0; v < index.villages.size(); ++v) {
    const int u = out.unit_of_village[v];
    if (u != kNone) {
      components[u].villages.push_back(static_cast<int>(v));
    } else {
      components.push_back({kNone, {static_cast<int>(v)}});
    }
  }
  return components;
}

// The binding reason for households of `village` left without a contact.
// Alone, the village could have its members' capacity plus all of its
// unit's; when even that is short, that is the reason. Otherwise the unit's
// cadres are shared with its other villages and are all taken, so the
// village's capacity is what it got (`covered`), and the reason says so.
// What stage 1 showed about the county, so a reason never blames one
// unit's capacity when no choice of units could have done better.
std::pair<std::string, std::string> CountyLimit(const Index& index,
                                                const std::vector<UnitVillageSolve>& solves, int village) {
  const int county = index.villages[village].county;
  if (county == kNone || static_cast<std::size_t>(county) >= solves.size()) return {};
  const UnitVillageSolve& s = solves[static_cast<std::size_t>(county)];
  const std::string of = std::to_string(s.bound) + "/" + std::to_string(s.households);
  switch (s.proof) {
    case CoverageProof::kBound:
      return {";全县单位干部和村党员的联系能力至多覆盖 " + of + " 户,任何包村方案都不能更多",
              "; the county's cadres and party members can cover at most " + of +
                  " households under any choice of units"};
    case CoverageProof::kSearch:
      return {";村须整村包给一个单位,已证明任何包村方案至多覆盖全县 " + of + " 户",
              "; villages go whole to one unit, and no choice of units covers more than " + of +
                  " households (proved)"};
    case CoverageProof::kTimeLimit:
      return {
          ";包村求解到时限,所得方案可覆盖 " + std::to_string(s.coverable) + " 户,已证明上限 " + of + " 户",
          "; the unit ↔ village search reached its time limit with " + std::to_string(s.coverable) +
              " coverable, at most " + of + " proved"};
  }
  return {};
}

std::string CapacityReason(const Index& index, const Component& component, int village, int covered,
                           const std::vector<UnitVillageSolve>& solves) {
  const int load = index.rules->contact_load;
  const VillageInfo& info = index.villages[village];
  const int members = static_cast<int>(info.members.size());
  const int unit_cadres =
      component.unit == kNone ? 0 : static_cast<int>(index.units[component.unit].cadres.size());
  const int n = static_cast<int>(info.households.size());
  const bool alone = n > (members + unit_cadres) * load || component.unit == kNone;
  const int capacity = alone ? (members + unit_cadres) * load : covered;
  std::string detail = "本村党员 " + std::to_string(members) + " 名";
  std::string english;
  if (component.unit == kNone) {
    detail += ",无包村单位";
  } else {
    const std::string& unit = index.units[component.unit].unit->code;
    detail += ",包村单位 " + unit + " 干部 " + std::to_string(unit_cadres) + " 名";
    if (!alone) {
      int others = 0;  // households of the unit's other villages
      for (int v : component.villages)
        others += v == village ? 0 : static_cast<int>(index.villages[v].households.size());
      detail += "(与该单位其他 " + std::to_string(component.villages.size() - 1) + " 个村共 " +
                std::to_string(others) + " 户共用,已满)";
      english = ", the rest of unit " + unit + "'s cadres being taken by its " +
                std::to_string(component.villages.size() - 1) + " other villages";
    }
  }
  const std::string& code = info.region->code;
  const auto [county_zh, county_en] = CountyLimit(index, solves, village);
  return Reason("村 " + code + " 有 " + std::to_string(n) + " 户,联系能力 " + std::to_string(capacity) +
                    " 户(" + detail + ",每人至多 " + std::to_string(load) + " 户)" + county_zh,
                "village " + code + " has " + std::to_string(n) + " households and contact capacity " +
                    std::to_string(capacity) + english + county_en);
}

}  // namespace

Status SolveContacts(const Index& index, Assignment& out, std::vector<Uncovered>& uncovered) {
  const std::vector<int> pinned = FixPins(index, out, &uncovered);
  const std::vector<Component> components = Components(index, out);
  std::vector<int> scratch(index.cadres.size(), kNone);
  for (const Component& component : components) {
    if (component.villages.empty()) continue;
    LX_ASSIGN_OR_RETURN(Model model, BuildModel(index, out, component, pinned, kNone, scratch));
    if (model.classes.empty()) continue;
    LX_ASSIGN_OR_RETURN(FlowSolution solution, SolveMinCostFlow(model.problem));
    const std::vector<std::int64_t>& flow = solution.flow;
    std::vector<std::vector<int>> at_hub(component.villages.size());
    std::vector<int> households_short;  // households without a contact, by village position
    for (std::size_t i = 0; i < model.classes.size(); ++i) {
      const Model::Class& k = model.classes[i];
      std::size_t next = 0;
      auto give = [&](int arc, int cadre) {
        if (arc == kNone) return;
        for (std::int64_t f = 0; f < flow[arc]; ++f) out.contact_of[k.households[next++]] = cadre;
      };
      const int village = index.households[k.households.front()].village;
      const int village_pos =
          static_cast<int>(std::find(component.villages.begin(), component.villages.end(), village) -
                           component.villages.begin());
      give(k.to_previous, k.to_previous == kNone
                              ? kNone
                              : model.cadres[model.problem.arcs[k.to_previous].to - model.cadre_node0]);
      give(k.to_assistance, k.to_assistance == kNone
                                ? kNone
                                : model.cadres[model.problem.arcs[k.to_assistance].to - model.cadre_node0]);
      for (std::int64_t f = 0; f < flow[k.to_hub]; ++f) at_hub[village_pos].push_back(k.households[next++]);
      while (next < k.households.size()) households_short.push_back(k.households[next++]);
    }
    std::vector<std::size_t> taken(component.villages.size(), 0);
    for (const Model::Link& link : model.links) {
      for (std::int64_t f = 0; f < flow[link.arc]; ++f) {
        out.contact_of[at_hub[link.village_pos][taken[link.village_pos]++]] = model.cadres[link.cadre_pos];
      }
    }
    std::vector<std::string> reasons(index.villages.size());
    for (int h : households_short) {
      const int v = index.households[h].village;
      if (reasons[v].empty()) {
        int covered = 0;
        for (int other : index.villages[v].households) covered += out.contact_of[other] != kNone ? 1 : 0;
        reasons[v] = CapacityReason(index, component, v, covered, out.solves);
        uncovered.push_back(
            {PairingKind::kContact, UncoveredKind::kVillage, index.villages[v].region->code, reasons[v]});
      }
      uncovered.push_back({PairingKind::kContact, UncoveredKind::kHousehold,
                           index.households[h].household->code, reasons[v]});
    }
  }

  // Households nowhere to be placed, and cadres left without a household.
  for (const HouseholdInfo& h : index.households) {
    if (h.village != kNone) continue;
    uncovered.push_back({PairingKind::kContact, UncoveredKind::kHousehold, h.household->code,
                         Reason("该户所在村 " + h.household->village_code + " 不在村名单中",
                                "unknown village " + h.household->village_code)});
  }
  std::vector<int> contacts(index.cadres.size(), 0);
  for (int c : out.contact_of) {
    if (c != kNone) ++contacts[c];
  }
  std::vector<int> held(index.units.size(), 0), unit_households(index.units.size(), 0);
  for (std::size_t v = 0; v < index.villages.size(); ++v) {
    const int u = out.unit_of_village[v];
    if (u == kNone) continue;
    ++held[u];
    unit_households[u] += static_cast<int>(index.villages[v].households.size());
  }
  for (std::size_t c = 0; c < index.cadres.size(); ++c) {
    if (contacts[c] > 0) continue;
    const CadreInfo& info = index.cadres[c];
    const Cadre& cadre = *info.cadre;
    std::string reason;
    if (index.rules->contact_load == 0) {
      reason = Reason("联系户上限为 0", "contact load is 0");
    } else if (cadre.rank == Rank::kVillageMember && info.village == kNone) {
      reason =
          Reason("所在村 " + cadre.village_code + " 不在村名单中", "unknown village " + cadre.village_code);
    } else if (cadre.rank != Rank::kVillageMember && info.unit == kNone) {
      reason = Reason("所在单位 " + cadre.unit_code + " 不在单位名单中", "unknown unit " + cadre.unit_code);
    } else if (info.unit != kNone && held[info.unit] == 0) {
      reason = Reason("单位 " + cadre.unit_code + " 未包村", "unit " + cadre.unit_code + " holds no village");
    } else if (info.unit != kNone) {
      const int n = unit_households[info.unit];
      reason = Reason("单位 " + cadre.unit_code + " 所包村共 " + std::to_string(n) + " 户,不够每名联系人一户",
                      "the villages of unit " + cadre.unit_code + " have " + std::to_string(n) +
                          " households, too few for every contact");
    } else {
      const VillageInfo& village = index.villages[info.village];
      const int n = static_cast<int>(village.households.size());
      reason =
          Reason("村 " + cadre.village_code + " 有 " + std::to_string(n) + " 户,不够每名党员和包村干部一户",
                 "village " + cadre.village_code + " has " + std::to_string(n) +
                     " households, too few for every party member and unit cadre");
    }
    uncovered.push_back({PairingKind::kContact, UncoveredKind::kCadre, cadre.code, reason});
  }
  return Status::Ok();
}

Status ExplainContact(const Index& index, const Assignment& current, int household, int limit,
                      std::vector<Alternative>& out) {
  const int village = index.households[household].village;
  if (village == kNone || index.pin_contact[household] != kNone) return Status::Ok();
  Assignment base(index);
  base.unit_of_village = current.unit_of_village;
  base.assist_of = current.assist_of;
  const std::vector<int> pinned = FixPins(index, base, nullptr);
  Component component;
  component.unit = current.unit_of_village[village];
  if (component.unit == kNone) {
    component.villages = {village};
  } else {
    for (std::size_t v = 0; v < index.villages.size(); ++v) {
      if (current.unit_of_village[v] == component.unit) component.villages.push_back(static_cast<int>(v));
    }
  }
  std::vector<int> scratch(index.cadres.size(), kNone);
  LX_ASSIGN_OR_RETURN(Model model, BuildModel(index, base, component, pinned, household, scratch));
  const Model::Class* mine = nullptr;
  for (const Model::Class& k : model.classes) {
    if (k.households.size() == 1 && k.households.front() == household) mine = &k;
  }
  if (mine == nullptr) return Status::Ok();
  LX_ASSIGN_OR_RETURN(FlowSolution solution, SolveMinCostFlow(model.problem));
  std::vector<ResidualPath> back;
  if (!ResidualDistances(model.problem, solution.flow, mine->node, /*towards=*/true, back)) {
    return Status::Internal("结对解释:残量图有负环 (negative residual cycle)");
  }
  const FlowProblem& p = model.problem;
  auto through = [&](std::initializer_list<int> arcs, int cadre_node) {
    ResidualPath path = back[cadre_node];
    for (int arc : arcs) {
      path.cost += p.Cost(p.arcs[arc]);
      path.soft += p.arcs[arc].soft;
      path.misses += p.arcs[arc].miss;
    }
    return path;
  };
  const int village_pos = static_cast<int>(
      std::find(component.villages.begin(), component.villages.end(), village) - component.villages.begin());
  std::vector<Candidate> candidates;
  for (const Model::Link& link : model.links) {
    if (link.village_pos != village_pos) continue;
    const int c = model.cadres[link.cadre_pos];
    if (c == current.contact_of[household]) continue;
    const int node = model.cadre_node0 + link.cadre_pos;
    if (!back[node].reachable) continue;
    ResidualPath best = through({mine->to_hub, link.arc}, node);
    for (int direct : {mine->to_previous, mine->to_assistance}) {
      if (direct == kNone || p.arcs[direct].to != node) continue;
      const ResidualPath path = through({direct}, node);
      if (path.cost < best.cost) best = path;
    }
    candidates.push_back({index.cadres[c].cadre->code, best});
  }
  KeepCheapest(PairingKind::kContact, candidates, limit, out);
  return Status::Ok();
}

}  // namespace lianxin::pairing_internal
