// ComputePairing and ExplainHousehold: the stages in order, then the result
// checked against the rules (not assumed), counted and priced.
#include "lianxin/pairing.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <tuple>

#include "pairing/engine.hpp"

namespace lianxin {

using pairing_internal::Assignment;
using pairing_internal::Index;
using pairing_internal::kNone;
using pairing_internal::kPointKinds;
using pairing_internal::kWeakBranch;
using pairing_internal::Reason;

std::string_view Token(CoverageProof v) {
  switch (v) {
    case CoverageProof::kBound:
      return "bound";
    case CoverageProof::kSearch:
      return "search";
    case CoverageProof::kTimeLimit:
      return "time_limit";
  }
  return "";
}

namespace pairing_internal {

void KeepCheapest(PairingKind pairing, std::vector<Candidate>& candidates, int limit,
                  std::vector<Alternative>& out) {
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.forced.misses, a.forced.soft, a.code) <
           std::tie(b.forced.misses, b.forced.soft, b.code);
  });
  for (const Candidate& candidate : candidates) {
    if (limit-- <= 0) break;
    Alternative alternative;
    alternative.pairing = pairing;
    alternative.code = std::string(candidate.code);
    alternative.cost_delta = static_cast<double>(candidate.forced.soft) / static_cast<double>(kCostScale);
    alternative.coverage_delta = static_cast<int>(candidate.forced.misses);
    if (alternative.coverage_delta > 0) {
      alternative.note = Reason("另有 " + std::to_string(alternative.coverage_delta) + " 项覆盖目标无法满足",
                                std::to_string(alternative.coverage_delta) + " more coverage goals missed");
    }
    out.push_back(std::move(alternative));
  }
}

}  // namespace pairing_internal

namespace {

double Points(std::int64_t scaled) {
  return static_cast<double>(scaled) / static_cast<double>(pairing_internal::kCostScale);
}

std::string Format(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

PairingState StateOf(const Index& index, const Assignment& a) {
  PairingState state;
  for (std::size_t v = 0; v < index.villages.size(); ++v) {
    if (a.unit_of_village[v] != kNone)
      state.unit_villages.push_back(
          {index.units[a.unit_of_village[v]].unit->code, index.villages[v].region->code});
  }
  state.assistance.reserve(index.households.size() / 4);
  state.contacts.reserve(index.households.size());
  for (std::size_t h = 0; h < index.households.size(); ++h) {
    const std::string& code = index.households[h].household->code;
    if (a.assist_of[h] != kNone) state.assistance.push_back({index.cadres[a.assist_of[h]].cadre->code, code});
    if (a.contact_of[h] != kNone) state.contacts.push_back({index.cadres[a.contact_of[h]].cadre->code, code});
  }
  for (std::size_t c = 0; c < index.cadres.size(); ++c) {
    for (int kind = 0; kind < kPointKinds; ++kind) {
      const int o = a.point_of[kind][c];
      if (o != kNone) state.contact_points.push_back({index.cadres[c].cadre->code, index.orgs[o].org->code});
    }
  }
  auto by_village = [](const UnitVillage& x, const UnitVillage& y) {
    return x.village_code < y.village_code;
  };
  auto by_household = [](const CadreHousehold& x, const CadreHousehold& y) {
    return std::tie(x.household_code, x.cadre_code) < std::tie(y.household_code, y.cadre_code);
  };
  auto by_cadre = [](const CadreOrg& x, const CadreOrg& y) {
    return std::tie(x.cadre_code, x.org_code) < std::tie(y.cadre_code, y.org_code);
  };
  // Records usually arrive in code order already; sorting is then skipped.
  auto sort = [](auto& pairs, auto less) {
    if (!std::is_sorted(pairs.begin(), pairs.end(), less)) std::sort(pairs.begin(), pairs.end(), less);
  };
  sort(state.unit_villages, by_village);
  sort(state.assistance, by_household);
  sort(state.contacts, by_household);
  sort(state.contact_points, by_cadre);
  return state;
}

// Reads a state back into positions; pairs naming unknown records are skipped
// and counted as rule violations (a result never holds one).
Assignment AssignmentOf(const Index& index, const PairingState& state, int* unknown) {
  Assignment a(index);
  auto find = [](const pairing_internal::CodeMap& map, std::string_view code) { return map.Find(code); };
  for (const UnitVillage& pair : state.unit_villages) {
    const int u = find(index.unit_by_code, pair.unit_code),
              v = find(index.village_by_code, pair.village_code);
    if (u == kNone || v == kNone) {
      ++*unknown;
      continue;
    }
    if (a.unit_of_village[v] != kNone) ++*unknown;  // a second unit for one village
    a.unit_of_village[v] = u;
  }
  auto households = [&](const std::vector<CadreHousehold>& pairs, std::vector<int>& of) {
    for (const CadreHousehold& pair : pairs) {
      const int c = find(index.cadre_by_code, pair.cadre_code),
                h = find(index.household_by_code, pair.household_code);
      if (c == kNone || h == kNone || of[h] != kNone) {
        ++*unknown;
        continue;
      }
      of[h] = c;
    }
  };
  households(state.assistance, a.assist_of);
  households(state.contacts, a.contact_of);
  for (const CadreOrg& pair : state.contact_points) {
    const int c = find(index.cadre_by_code, pair.cadre_code), o = find(index.org_by_code, pair.org_code);
    if (c == kNone || o == kNone || index.orgs[o].kind == kNone ||
        a.point_of[index.orgs[o].kind][c] != kNone) {
      ++*unknown;
      continue;
    }
    a.point_of[index.orgs[o].kind][c] = o;
  }
  return a;
}

// Counts, checks and prices the result. The checks read the records' own
// fields (codes, ranks, ratings), not the index's derived ones, so a slip in
// the stages shows up as a violation rather than being assumed away.
void Tally(const Index& index, const Assignment& a, PairingResult& r) {
  const PairingRules& rules = *index.rules;
  std::int64_t soft = 0;
  auto county_of = [](std::string_view code) { return code.substr(0, pairing_internal::kCountyCodeLength); };

  r.villages_total = static_cast<int>(index.villages.size());
  int moved = 0;
  std::int64_t moved_cost = 0;
  auto move = [&](double cost) {
    ++moved;
    moved_cost += pairing_internal::Scaled(cost);
  };
  for (std::size_t v = 0; v < index.villages.size(); ++v) {
    const int u = a.unit_of_village[v];
    if (u != kNone) {
      ++r.villages_paired;
      if (index.units[u].unit->county_code != county_of(index.villages[v].region->code)) ++r.rule_violations;
      soft += index.UnitVillageSoft(u, static_cast<int>(v));
    }
    if (index.prev_unit[v] != kNone && index.prev_unit[v] != u) move(rules.village_move_cost);
  }

  // The unit holding a household's village, by code.
  auto holder_code = [&](const Household& h) -> std::string_view {
    const int v = index.village_by_code.Find(pairing_internal::VillageCodeOf(h.village_code));
    if (v == kNone || a.unit_of_village[v] == kNone) return {};
    return index.units[a.unit_of_village[v]].unit->code;
  };
  std::vector<int> assisted(index.cadres.size(), 0), contacts(index.cadres.size(), 0);
  r.households_total = static_cast<int>(index.households.size());
  std::string_view last_village, last_holder;
  for (std::size_t h = 0; h < index.households.size(); ++h) {
    const pairing_internal::HouseholdInfo& info = index.households[h];
    const Household& household = *info.household;
    if (household.village_code != last_village) {
      last_village = household.village_code;
      last_holder = holder_code(household);
    }
    r.needy_total += household.needs.empty() ? 0 : 1;
    if (const int c = a.assist_of[h]; c != kNone) {
      ++assisted[c];
      ++r.assistance_pairs;
      ++r.needy_assisted;
      const Cadre& cadre = *index.cadres[c].cadre;
      // 「单位干部联户」: a needy household of a village the cadre's unit holds.
      if (household.needs.empty() || cadre.rank == Rank::kVillageMember || last_holder.empty() ||
          cadre.unit_code != last_holder) {
        ++r.rule_violations;
      }
      if (index.cadres[c].tier != static_cast<int>(household.tier)) ++r.tier_mismatches;
      if (index.MatchedNeeds(c, static_cast<int>(h)) > 0) ++r.skill_matched_pairs;
      soft += index.AssistanceSoft(c, static_cast<int>(h));
    }
    if (const int c = a.contact_of[h]; c != kNone) {
      ++contacts[c];
      ++r.households_covered;
      const Cadre& cadre = *index.cadres[c].cadre;
      const bool eligible =
          cadre.rank == Rank::kVillageMember
              ? cadre.village_code == pairing_internal::VillageCodeOf(household.village_code)
              : !last_holder.empty() && cadre.unit_code == last_holder;
      if (!eligible) ++r.rule_violations;
      soft += index.ContactSoft(c, static_cast<int>(h), a.assist_of[h]);
    }
    if (index.prev_assist[h] != kNone && index.prev_assist[h] != a.assist_of[h]) move(rules.move_cost);
    if (index.prev_contact[h] != kNone && index.prev_contact[h] != a.contact_of[h]) move(rules.move_cost);
  }
  const std::int64_t balance = pairing_internal::Scaled(rules.contact_balance_cost);
  for (std::size_t c = 0; c < index.cadres.size(); ++c) {
    const pairing_internal::CadreInfo& cadre = index.cadres[c];
    r.assistance_quota += cadre.unit != kNone ? cadre.quota : 0;
    if (assisted[c] > cadre.quota) ++r.quota_violations;
    if (contacts[c] > rules.contact_load) ++r.quota_violations;
    ++r.cadres_total;
    if (contacts[c] > 0) ++r.cadres_with_contact;
    soft += balance * contacts[c] * (contacts[c] - 1) / 2;
  }

  std::vector<int> on_org(index.orgs.size(), 0);
  for (std::size_t c = 0; c < index.cadres.size(); ++c) {
    const pairing_internal::CadreInfo& info = index.cadres[c];
    const Cadre& cadre = *info.cadre;
    for (int kind = 0; kind < kPointKinds; ++kind) {
      const int o = a.point_of[kind][c];
      if (o != kNone) {
        ++on_org[o];
        const Org& org = *index.orgs[o].org;
        // 「每一名县乡领导干部都包一个较差支部,县级党员领导干部还包一个非公经济组织党组织、社会组织党组织」.
        const bool allowed = kind == kWeakBranch
                                 ? org.kind == OrgKind::kVillageBranch && org.rating == OrgRating::kWeak &&
                                       (cadre.rank == Rank::kCounty || cadre.rank == Rank::kSection)
                                 : org.kind == (kind == pairing_internal::kNonPublic ? OrgKind::kNonPublic
                                                                                     : OrgKind::kSocial) &&
                                       cadre.rank == Rank::kCounty;
        if (!allowed || info.unit == kNone ||
            index.units[info.unit].unit->county_code != county_of(org.region_code)) {
          ++r.rule_violations;
        }
        soft += index.PointSoft(static_cast<int>(c), o, a.unit_of_village);
      }
      const int previous = index.prev_point[kind][c];
      if (previous != kNone && previous != o) move(rules.contact_point_move_cost);
    }
    if (info.leader) {
      ++r.leaders_total;
      if (a.point_of[kWeakBranch][c] != kNone) ++r.leaders_with_branch;
    }
    if (info.county_leader) {
      ++r.county_leaders_total;
      if (a.point_of[pairing_internal::kNonPublic][c] != kNone) ++r.county_leaders_with_non_public;
      if (a.point_of[pairing_internal::kSocial][c] != kNone) ++r.county_leaders_with_social;
    }
  }
  const std::int64_t point_balance = pairing_internal::Scaled(rules.contact_point_balance_cost);
  for (std::size_t o = 0; o < index.orgs.size(); ++o) {
    if (index.orgs[o].kind == kWeakBranch) {
      ++r.weak_branches_total;
      if (on_org[o] > 0) ++r.weak_branches_covered;
    }
    soft += point_balance * on_org[o] * (on_org[o] - 1) / 2;
  }

  // Pins kept: each pin that the result holds.
  const PairingState& pins = index.input->pins;
  auto find = [](const pairing_internal::CodeMap& map, std::string_view code) { return map.Find(code); };
  for (const UnitVillage& pin : pins.unit_villages) {
    const int u = find(index.unit_by_code, pin.unit_code), v = find(index.village_by_code, pin.village_code);
    r.pins_kept += u != kNone && v != kNone && a.unit_of_village[v] == u;
  }
  for (const auto& [list, of] :
       {std::pair{&pins.assistance, &a.assist_of}, std::pair{&pins.contacts, &a.contact_of}}) {
    for (const CadreHousehold& pin : *list) {
      const int c = find(index.cadre_by_code, pin.cadre_code),
                h = find(index.household_by_code, pin.household_code);
      r.pins_kept += c != kNone && h != kNone && (*of)[h] == c;
    }
  }
  for (const CadreOrg& pin : pins.contact_points) {
    const int c = find(index.cadre_by_code, pin.cadre_code), o = find(index.org_by_code, pin.org_code);
    r.pins_kept +=
        c != kNone && o != kNone && index.orgs[o].kind != kNone && a.point_of[index.orgs[o].kind][c] == o;
  }
  r.pins_total = index.pins_total;
  r.moved = moved;
  r.objective = Points(soft + moved_cost);
}

// The county an uncovered item lies in, "" when its code is not in the input.
std::string CountyOfUncovered(const Index& index, const Uncovered& item) {
  const auto village_county = [&](int v) { return v == kNone ? kNone : index.villages[v].county; };
  const auto household_county = [&](std::string_view code) {
    const int h = index.household_by_code.Find(code);
    return h == kNone ? kNone : village_county(index.households[h].village);
  };
  const auto org_county = [&](std::string_view code) {
    const int o = index.org_by_code.Find(code);
    return o == kNone ? kNone : index.orgs[o].county;
  };
  int county = kNone;
  switch (item.kind) {
    case UncoveredKind::kVillage:
      county = village_county(index.village_by_code.Find(item.id));
      break;
    case UncoveredKind::kHousehold:
      county = household_county(item.id);
      break;
    case UncoveredKind::kWeakBranch:
      county = org_county(item.id);
      break;
    case UncoveredKind::kCadre: {
      const int c = index.cadre_by_code.Find(item.id);
      if (c == kNone) break;
      const pairing_internal::CadreInfo& cadre = index.cadres[c];
      county = cadre.unit != kNone ? index.units[cadre.unit].county : village_county(cadre.village);
      break;
    }
    case UncoveredKind::kPin: {  // the held end's county
      const std::string_view held = HeldOfPinId(item.id);
      switch (item.pairing) {
        case PairingKind::kUnitVillage:
          county = village_county(index.village_by_code.Find(held));
          break;
        case PairingKind::kAssistance:
        case PairingKind::kContact:
          county = household_county(held);
          break;
        case PairingKind::kContactPoint:
          county = org_county(held);
          break;
      }
      break;
    }
  }
  return county == kNone ? std::string() : index.counties[county].code;
}

}  // namespace

Result<PairingResult> ComputePairing(const PairingInput& input, const PairingRules& rules) {
  PairingResult result;
  LX_ASSIGN_OR_RETURN(const Index index, pairing_internal::BuildIndex(input, rules, result.uncovered));
  Assignment assignment(index);
  LX_RETURN_IF_ERROR(pairing_internal::SolveUnitVillages(index, assignment, result.uncovered));
  LX_RETURN_IF_ERROR(pairing_internal::SolveAssistance(index, assignment, result.uncovered));
  LX_RETURN_IF_ERROR(pairing_internal::SolveContacts(index, assignment, result.uncovered));
  LX_RETURN_IF_ERROR(pairing_internal::SolveContactPoints(index, assignment, result.uncovered));
  result.pairs = StateOf(index, assignment);
  Tally(index, assignment, result);
  for (UnitVillageSolve& solve : assignment.solves) {
    if (!solve.county_code.empty()) result.unit_village_solves.push_back(std::move(solve));
  }
  SortUncovered(result.uncovered);
  for (Uncovered& item : result.uncovered) item.county_code = CountyOfUncovered(index, item);
  return result;
}

Result<Explanation> ExplainHousehold(const PairingInput& input, const PairingRules& rules,
                                     const PairingResult& result, std::string_view household_code) {
  std::vector<Uncovered> ignored;
  LX_ASSIGN_OR_RETURN(const Index index, pairing_internal::BuildIndex(input, rules, ignored));
  const int h = index.household_by_code.Find(household_code);
  if (h == kNone)
    return Status::NotFound("农户 " + std::string(household_code) + " 不存在 (household not found)");
  int unknown = 0;
  const Assignment a = AssignmentOf(index, result.pairs, &unknown);
  const pairing_internal::HouseholdInfo& info = index.households[h];
  const Household& household = *info.household;

  Explanation e;
  e.household_code = household.code;
  e.village_code = household.village_code;
  e.tier = household.tier;
  const int v = info.village;
  constexpr int kAlternatives = 3;
  if (v == kNone) {
    e.rules.push_back(Reason("该户所在村 " + household.village_code + " 不在村名单中,无法结对",
                             "unknown village " + household.village_code + ": no pairing"));
    return e;
  }

  // Why `id` was left uncovered, as the run recorded it: "" when it was not.
  const auto recorded = [&](PairingKind pairing, UncoveredKind kind, std::string_view id) {
    for (const Uncovered& item : result.uncovered) {
      if (item.pairing == pairing && item.kind == kind && item.id == id) return item.reason;
    }
    return std::string();
  };
  // A record registered after the run that wrote the stored pairing has no reason yet.
  const std::string unplaced =
      Reason("上次结对计算之后登记或变动,下次结对计算时安排",
             "registered or changed after the last pairing run; the next run places it");

  // 1. The unit that holds the village.
  const int u = a.unit_of_village[v];
  const pairing_internal::VillageInfo& village = index.villages[v];
  if (u == kNone) {
    std::string reason = recorded(PairingKind::kUnitVillage, UncoveredKind::kVillage, village.region->code);
    e.rules.push_back(Reason("单位包村:村 " + village.region->code + " 无单位包联",
                             "unit ↔ village: no unit holds village " + village.region->code) +
                      " " + (reason.empty() ? unplaced : reason));
  } else {
    const Unit& unit = *index.units[u].unit;
    e.unit_code = unit.code;
    std::string how = index.pin_unit[v] == u ? ",人工锁定" : index.prev_unit[v] == u ? ",沿用上次结对" : "";
    std::string how_en = index.pin_unit[v] == u    ? ", pinned"
                         : index.prev_unit[v] == u ? ", kept from the previous run"
                                                   : "";
    e.rules.push_back(
        Reason("单位包村:村 " + village.region->code + "(平均富裕难度 " + Format(village.difficulty) +
                   ")由 " + unit.name + "(" + unit.code + ",实力" + std::string(Label(unit.strength)) +
                   ",编制 " + std::to_string(unit.staff) + " 人)包联;全县 " +
                   std::to_string(index.counties[village.county].villages.size()) +
                   " 个村按编制比例分包,难度较大的村分给实力较强的单位" + how,
               "unit ↔ village: village " + village.region->code + " (mean difficulty " +
                   Format(village.difficulty) + ") is held by unit " + unit.code + " (strength " +
                   std::string(Token(unit.strength)) + ", staff " + std::to_string(unit.staff) +
                   "); villages are shared in proportion to staff, harder ones to stronger units" + how_en));
    LX_RETURN_IF_ERROR(pairing_internal::ExplainUnitVillage(index, a, v, kAlternatives, e.alternatives));
  }

  // 2. The contact.
  const int contact = a.contact_of[h];
  if (contact == kNone) {
    std::string reason = recorded(PairingKind::kContact, UncoveredKind::kHousehold, household.code);
    e.rules.push_back("联系户:无联系人 (contact: none) " + (reason.empty() ? unplaced : reason));
  } else {
    const Cadre& cadre = *index.cadres[contact].cadre;
    e.contact_cadre_code = cadre.code;
    int load = 0;
    for (int c : a.contact_of) load += c == contact ? 1 : 0;
    const bool member = cadre.rank == Rank::kVillageMember;
    std::string why =
        member ? "本村党员" : "包村单位 " + cadre.unit_code + " 的干部,职级" + std::string(Label(cadre.rank));
    std::string why_en =
        member ? "a party member of the village"
               : "a cadre of unit " + cadre.unit_code + ", rank " + std::string(Token(cadre.rank));
    if (index.pin_contact[h] == contact) {
      why += ",人工锁定";
      why_en += ", pinned";
    } else if (index.prev_contact[h] == contact) {
      why += ",沿用上次结对";
      why_en += ", kept from the previous run";
    }
    if (a.assist_of[h] == contact) {
      why += ",也是本户包扶干部";
      why_en += ", also its assistance cadre";
    }
    e.rules.push_back(Reason("联系户:联系人 " + cadre.name + "(" + cadre.code + "," + why + "),联系 " +
                                 std::to_string(load) + " 户,上限 " + std::to_string(rules.contact_load) +
                                 " 户",
                             "contact: " + cadre.code + " (" + why_en + "), " + std::to_string(load) +
                                 " of at most " + std::to_string(rules.contact_load) + " households"));
  }
  LX_RETURN_IF_ERROR(pairing_internal::ExplainContact(index, a, h, kAlternatives, e.alternatives));

  // 3. Assistance.
  const int assist = a.assist_of[h];
  if (!info.needy) {
    e.rules.push_back(Reason("包扶:本户无帮扶需求", "assistance: the household has no needs"));
  } else if (assist == kNone) {
    e.rules.push_back(
        Reason("包扶:本户有需求但未结对,所在单位的包扶配额已给难度更大或更匹配的农户",
               "assistance: needy but not paired; the unit's quotas went to harder or better-matched "
               "households"));
  } else {
    const pairing_internal::CadreInfo& cadre_info = index.cadres[assist];
    const Cadre& cadre = *cadre_info.cadre;
    e.assistance_cadre_code = cadre.code;
    e.tier_matches = cadre_info.tier == info.tier;
    std::string skills, tasks;
    for (int i = info.need_begin; i < info.need_end; ++i) {
      const int need = index.household_needs[i];
      if (need == kNone) continue;
      const NeedRule& rule = input.needs[need];
      if (!tasks.empty()) tasks += ";";
      tasks += rule.label + ":" + rule.task;
      for (std::size_t s = 0; s < index.skill_labels.size(); ++s) {
        if (cadre_info.skills.test(s) && index.need_skills[need].test(s)) {
          e.matched_skills.push_back(rule.label + "→" + index.skill_labels[s]);
        }
      }
    }
    for (const std::string& m : e.matched_skills) skills += (skills.empty() ? "" : "、") + m;
    // 「县级领导包联富裕难度最大的农户,乡科级领导包联富裕难度较大的农户,一般党员干部包联富裕难度较小的农户」.
    const std::string tier_rule = e.tier_matches ? "相符(县级包最大、乡科级和副科级包较大、一般干部包较小)"
                                                 : "不符(本单位的配额与需帮扶户已无代价更小的安排)";
    e.rules.push_back(Reason(
        "包扶:" + cadre.name + "(" + cadre.code + "," + std::string(Label(cadre.rank)) +
            ")结对;本户富裕难度" + std::string(Label(household.tier)) + "(" + Format(household.difficulty) +
            "),与职级" + tier_rule + (skills.empty() ? ";无匹配技能" : ";技能匹配 " + skills) +
            (tasks.empty() ? "" : ";任务 " + tasks) +
            (index.pin_assist[h] == assist    ? ";人工锁定"
             : index.prev_assist[h] == assist ? ";沿用上次结对"
                                              : ""),
        "assistance: " + cadre.code + " (" + std::string(Token(cadre.rank)) + "); tier " +
            std::string(Token(household.tier)) +
            (e.tier_matches ? " fits the rank"
                            : " does not fit the rank (nothing cheaper within the unit's "
                              "quotas and needy households)") +
            "; " + std::to_string(e.matched_skills.size()) + " skill matches"));
  }
  LX_RETURN_IF_ERROR(pairing_internal::ExplainAssistance(index, a, h, kAlternatives, e.alternatives));
  return e;
}

}  // namespace lianxin
