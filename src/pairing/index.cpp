// Indexing the input: codes to positions, the county of everything, skills
// as bit masks, the previous state and the pins resolved.
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "pairing/engine.hpp"

namespace lianxin::pairing_internal {
namespace {

std::string_view CountyOf(std::string_view region_code) { return region_code.substr(0, kCountyCodeLength); }

// A trade is written 技能:电焊 (or with a full-width colon); it matches 技能.
std::string_view SkillLabel(std::string_view skill) {
  for (std::string_view colon : {std::string_view(":"), std::string_view("：")}) {
    const std::size_t at = skill.find(colon);
    if (at != std::string_view::npos) return skill.substr(0, at);
  }
  return skill;
}

// 「县级领导包联富裕难度最大的农户,乡科级领导包联富裕难度较大的农户,一般党员干部包联富裕难度较小的农户」.
int TierOfRank(Rank rank) {
  switch (rank) {
    case Rank::kCounty:
      return static_cast<int>(Tier::kHardest);
    case Rank::kSection:
    case Rank::kDeputySection:
      return static_cast<int>(Tier::kHarder);
    case Rank::kOrdinary:
    case Rank::kVillageMember:
      break;
  }
  return static_cast<int>(Tier::kEasier);
}

int QuotaOfRank(const PairingRules& rules, Rank rank) {
  switch (rank) {
    case Rank::kCounty:
      return rules.quota_county;
    case Rank::kSection:
      return rules.quota_section;
    case Rank::kDeputySection:
      return rules.quota_deputy_section;
    case Rank::kOrdinary:
      return rules.quota_ordinary;
    case Rank::kVillageMember:
      break;  // 「单位干部联户」: village party members do no assistance
  }
  return 0;
}

PointKind PointKindOf(const Org& org) {
  switch (org.kind) {
    case OrgKind::kNonPublic:
      return kNonPublic;
    case OrgKind::kSocial:
      return kSocial;
    case OrgKind::kVillageBranch:
      break;
  }
  return kWeakBranch;
}

Status CheckRules(const PairingRules& rules) {
  const std::pair<const char*, int> counts[] = {
      {"quota_county", rules.quota_county},
      {"quota_section", rules.quota_section},
      {"quota_deputy_section", rules.quota_deputy_section},
      {"quota_ordinary", rules.quota_ordinary},
      {"contact_load", rules.contact_load},
  };
  for (const auto& [name, value] : counts) {
    if (value < 0) {
      return Status::Invalid(std::string("pairing.") + name + " 不能为负数 (pairing_rule_range)",
                             std::string("pairing.") + name);
    }
  }
  for (const auto& [name, seconds] : {std::pair{"solver_time_limit", rules.solver_time_limit},
                                      std::pair{"refine_time_limit", rules.refine_time_limit}}) {
    if (!(seconds > 0)) {
      return Status::Invalid(std::string("pairing.") + name + " 须大于 0 秒 (pairing_rule_range)",
                             std::string("pairing.") + name);
    }
  }
  return Status::Ok();
}

template <typename T>
Status AddCodes(const std::vector<T>& records, std::string_view what, std::string_view english,
                CodeMap& by_code, std::vector<int>* positions = nullptr) {
  by_code.Reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::string& code = records[i].code;
    const int at = positions == nullptr ? static_cast<int>(i) : (*positions)[i];
    if (at == kNone) continue;
    if (by_code.Insert(code, at) != kNone) {
      return Status::Invalid(std::string(what) + "编码重复: " + code + " (duplicate " + std::string(english) +
                             " code " + code + ")");
    }
  }
  return Status::Ok();
}

int Find(const CodeMap& by_code, std::string_view code) { return by_code.Find(code); }
// FNV-1a over 8-byte words, then a final mix: codes are digits that differ
// in their last characters, and every byte counts.
std::uint64_t HashCode(std::string_view code) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  std::size_t i = 0;
  for (; i + 8 <= code.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, code.data() + i, 8);
    h = (h ^ word) * 0x100000001b3ULL;
  }
  for (; i < code.size(); ++i) h = (h ^ static_cast<unsigned char>(code[i])) * 0x100000001b3ULL;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 32);
}

}  // namespace

void CodeMap::Reserve(std::size_t n) {
  std::size_t capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  if (capacity <= keys_.size()) return;
  std::vector<std::string_view> keys = std::move(keys_);
  std::vector<int> values = std::move(values_);
  keys_.assign(capacity, {});
  values_.assign(capacity, kNone);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (values[i] == kNone) continue;
    const std::size_t at = Slot(keys[i]);
    keys_[at] = keys[i];
    values_[at] = values[i];
  }
}

std::size_t CodeMap::Slot(std::string_view code) const {
  const std::size_t mask = keys_.size() - 1;
  std::size_t at = static_cast<std::size_t>(HashCode(code)) & mask;
  while (values_[at] != kNone && keys_[at] != code) at = (at + 1) & mask;
  return at;
}

int CodeMap::Insert(std::string_view code, int position) {
  if (2 * (size_ + 1) > keys_.size()) Reserve(size_ + 1);
  const std::size_t at = Slot(code);
  if (values_[at] != kNone) return values_[at];
  keys_[at] = code;
  values_[at] = position;
  ++size_;
  return kNone;
}

int CodeMap::Find(std::string_view code) const {
  if (keys_.empty()) return kNone;
  return values_[Slot(code)];
}

std::string Reason(std::string_view chinese, std::string_view english) {
  std::string out(chinese);
  out += " (";
  out += english;
  out += ")";
  return out;
}

std::string PinNotKept(std::string_view chinese, std::string_view english) {
  return Reason("锁定未保留:" + std::string(chinese) + ";按常规结对,原有的有效结对保留",
                "pin not kept: " + std::string(english) + "; paired as usual, a valid existing pair stays");
}

Assignment::Assignment(const Index& index)
    : unit_of_village(index.villages.size(), kNone),
      assist_of(index.households.size(), kNone),
      contact_of(index.households.size(), kNone) {
  for (std::vector<int>& points : point_of) points.assign(index.cadres.size(), kNone);
}

Result<Index> BuildIndex(const PairingInput& input, const PairingRules& rules,
                         std::vector<Uncovered>& uncovered) {
  LX_RETURN_IF_ERROR(CheckRules(rules));
  Index index;
  index.input = &input;
  index.rules = &rules;
  index.tier_cost = Scaled(rules.tier_mismatch_cost);
  index.skill_reward = Scaled(rules.skill_match_reward);
  index.contact_reward = Scaled(rules.contact_assistance_reward);
  index.own_unit_reward = Scaled(rules.contact_point_own_unit_reward);

  auto county_of = [&](std::string_view code) {
    const int existing = index.county_by_code.Insert(code, static_cast<int>(index.counties.size()));
    if (existing != kNone) return existing;
    index.counties.push_back(CountyInfo{std::string(code)});
    return static_cast<int>(index.counties.size()) - 1;
  };

  // Villages (other levels ignored).
  std::vector<int> village_at(input.villages.size(), kNone);
  for (std::size_t i = 0; i < input.villages.size(); ++i) {
    const Region& region = input.villages[i];
    if (region.level != RegionLevel::kVillage) continue;
    village_at[i] = static_cast<int>(index.villages.size());
    VillageInfo info;
    info.region = &region;
    info.county = county_of(CountyOf(region.code));
    index.counties[static_cast<std::size_t>(info.county)].villages.push_back(village_at[i]);
    index.villages.push_back(std::move(info));
  }
  LX_RETURN_IF_ERROR(AddCodes(input.villages, "村", "village", index.village_by_code, &village_at));

  LX_RETURN_IF_ERROR(AddCodes(input.units, "单位", "unit", index.unit_by_code));
  index.units.resize(input.units.size());
  for (std::size_t u = 0; u < input.units.size(); ++u) {
    UnitInfo& info = index.units[u];
    info.unit = &input.units[u];
    info.county = county_of(info.unit->county_code);
    index.counties[static_cast<std::size_t>(info.county)].units.push_back(static_cast<int>(u));
  }

  // Skills that needs ask for, and each need's mask.
  CodeMap skill_id, need_by_label;
  index.need_skills.resize(input.needs.size());
  for (std::size_t n = 0; n < input.needs.size(); ++n) {
    const NeedRule& need = input.needs[n];
    need_by_label.Insert(need.label, static_cast<int>(n));
    for (const std::string& synonym : need.synonyms) need_by_label.Insert(synonym, static_cast<int>(n));
    for (const std::string& skill : need.skills) {
      int id = skill_id.Insert(skill, static_cast<int>(index.skill_labels.size()));
      if (id == kNone) {
        if (index.skill_labels.size() == kMaxSkills) {
          return Status::Invalid("需求对应的技能超过 " + std::to_string(kMaxSkills) + " 种 (more than " +
                                     std::to_string(kMaxSkills) + " distinct matching skills)",
                                 "needs");
        }
        id = static_cast<int>(index.skill_labels.size());
        index.skill_labels.push_back(skill);
      }
      index.need_skills[n].set(static_cast<std::size_t>(id));
    }
  }

  LX_RETURN_IF_ERROR(AddCodes(input.cadres, "干部", "cadre", index.cadre_by_code));
  index.cadres.resize(input.cadres.size());
  for (std::size_t c = 0; c < input.cadres.size(); ++c) {
    const Cadre& cadre = input.cadres[c];
    CadreInfo& info = index.cadres[c];
    info.cadre = &cadre;
    if (cadre.rank == Rank::kVillageMember) {
      info.village = Find(index.village_by_code, cadre.village_code);
      if (info.village != kNone)
        index.villages[static_cast<std::size_t>(info.village)].members.push_back(static_cast<int>(c));
    } else {
      info.unit = Find(index.unit_by_code, cadre.unit_code);
      if (info.unit != kNone) {
        UnitInfo& unit = index.units[static_cast<std::size_t>(info.unit)];
        unit.cadres.push_back(static_cast<int>(c));
        CountyInfo& county = index.counties[static_cast<std::size_t>(unit.county)];
        // 「每一名县乡领导干部都包一个较差支部,县级党员领导干部还包一个非公经济组织党组织、社会组织党组织」.
        info.leader = cadre.rank == Rank::kCounty || cadre.rank == Rank::kSection;
        info.county_leader = cadre.rank == Rank::kCounty;
        if (info.leader) county.leaders.push_back(static_cast<int>(c));
        if (info.county_leader) county.county_leaders.push_back(static_cast<int>(c));
      }
      info.quota = QuotaOfRank(rules, cadre.rank);
    }
    info.tier = TierOfRank(cadre.rank);
    for (const std::string& skill : cadre.skills) {
      const int id = Find(skill_id, SkillLabel(skill));
      if (id != kNone) info.skills.set(static_cast<std::size_t>(id));
    }
  }
  for (UnitInfo& unit : index.units) {
    unit.size = unit.unit->staff > 0 ? unit.unit->staff : static_cast<double>(unit.cadres.size());
  }

  LX_RETURN_IF_ERROR(AddCodes(input.households, "农户", "household", index.household_by_code));
  index.households.resize(input.households.size());
  index.household_needs.reserve(input.households.size());
  for (std::size_t h = 0; h < input.households.size(); ++h) {
    const Household& household = input.households[h];
    HouseholdInfo& info = index.households[h];
    info.household = &household;
    // Households come village by village; the last lookup usually answers.
    if (h > 0 && household.village_code == input.households[h - 1].village_code) {
      info.village = index.households[h - 1].village;
    } else {
      info.village = Find(index.village_by_code, VillageCodeOf(household.village_code));
    }
    info.priority = Scaled(rules.difficulty_priority * household.difficulty);
    info.tier = static_cast<int>(household.tier);
    info.needy = !household.needs.empty();
    info.need_begin = static_cast<int>(index.household_needs.size());
    for (const std::string& need : household.needs)
      index.household_needs.push_back(Find(need_by_label, need));
    info.need_end = static_cast<int>(index.household_needs.size());
    if (info.village != kNone)
      index.villages[static_cast<std::size_t>(info.village)].households.push_back(static_cast<int>(h));
  }
  for (VillageInfo& village : index.villages) {
    double sum = 0;
    for (int h : village.households)
      sum += index.households[static_cast<std::size_t>(h)].household->difficulty;
    village.difficulty =
        village.households.empty() ? 0 : sum / static_cast<double>(village.households.size());
  }

  LX_RETURN_IF_ERROR(AddCodes(input.orgs, "党组织", "org", index.org_by_code));
  index.orgs.resize(input.orgs.size());
  for (std::size_t o = 0; o < input.orgs.size(); ++o) {
    const Org& org = input.orgs[o];
    OrgInfo& info = index.orgs[o];
    info.org = &org;
    if (org.kind == OrgKind::kVillageBranch) {
      info.village = Find(index.village_by_code, org.region_code);
      // 「每一名县乡领导干部都包一个较差支部」: only weak (较差, 软弱涣散) branches.
      if (info.village == kNone || org.rating != OrgRating::kWeak) continue;
      info.county = index.villages[static_cast<std::size_t>(info.village)].county;
    } else {
      info.county = county_of(CountyOf(org.region_code));
    }
    info.kind = PointKindOf(org);
    index.counties[static_cast<std::size_t>(info.county)].orgs[static_cast<std::size_t>(info.kind)].push_back(
        static_cast<int>(o));
  }

  // The previous state: pairs whose ends exist; the rules are checked by the stages.
  index.prev_unit.assign(index.villages.size(), kNone);
  index.prev_assist.assign(index.households.size(), kNone);
  index.prev_contact.assign(index.households.size(), kNone);
  for (auto& points : index.prev_point) points.assign(index.cadres.size(), kNone);
  for (const UnitVillage& pair : input.previous.unit_villages) {
    const int u = Find(index.unit_by_code, pair.unit_code),
              v = Find(index.village_by_code, pair.village_code);
    if (u != kNone && v != kNone && index.prev_unit[static_cast<std::size_t>(v)] == kNone)
      index.prev_unit[static_cast<std::size_t>(v)] = u;
  }
  auto resolve_households = [&](const std::vector<CadreHousehold>& pairs, std::vector<int>& of) {
    for (const CadreHousehold& pair : pairs) {
      const int c = Find(index.cadre_by_code, pair.cadre_code),
                h = Find(index.household_by_code, pair.household_code);
      if (c != kNone && h != kNone && of[static_cast<std::size_t>(h)] == kNone)
        of[static_cast<std::size_t>(h)] = c;
    }
  };
  resolve_households(input.previous.assistance, index.prev_assist);
  resolve_households(input.previous.contacts, index.prev_contact);
  for (const CadreOrg& pair : input.previous.contact_points) {
    const int c = Find(index.cadre_by_code, pair.cadre_code), o = Find(index.org_by_code, pair.org_code);
    if (c == kNone || o == kNone || index.orgs[static_cast<std::size_t>(o)].kind == kNone) continue;
    int& slot = index.prev_point[static_cast<std::size_t>(index.orgs[static_cast<std::size_t>(o)].kind)]
                                [static_cast<std::size_t>(c)];
    if (slot == kNone) slot = o;
  }

  // Pins: kept as hard rules when they break none; here the checks that need no solving.
  index.pin_unit.assign(index.villages.size(), kNone);
  index.pin_assist.assign(index.households.size(), kNone);
  index.pin_contact.assign(index.households.size(), kNone);
  for (auto& points : index.pin_point) points.assign(index.cadres.size(), kNone);
  auto drop = [&](PairingKind kind, std::string_view holder, std::string_view held, std::string_view chinese,
                  std::string_view english) {
    uncovered.push_back({kind, UncoveredKind::kPin, PinId(holder, held), PinNotKept(chinese, english)});
  };
  const PairingState& pins = input.pins;
  index.pins_total = static_cast<int>(pins.unit_villages.size() + pins.assistance.size() +
                                      pins.contacts.size() + pins.contact_points.size());
  for (const UnitVillage& pin : pins.unit_villages) {
    const int u = Find(index.unit_by_code, pin.unit_code), v = Find(index.village_by_code, pin.village_code);
    const PairingKind kind = PairingKind::kUnitVillage;
    if (u == kNone || v == kNone) {
      drop(kind, pin.unit_code, pin.village_code, "单位或村不存在", "unknown unit or village");
    } else if (index.units[static_cast<std::size_t>(u)].county !=
               index.villages[static_cast<std::size_t>(v)].county) {
      drop(kind, pin.unit_code, pin.village_code, "单位与村不在同一县",
           "the unit and the village are in different counties");
    } else if (index.pin_unit[static_cast<std::size_t>(v)] != kNone) {
      drop(kind, pin.unit_code, pin.village_code, "该村已锁定给另一单位",
           "the village is already pinned to another unit");
    } else {
      index.pin_unit[static_cast<std::size_t>(v)] = u;
    }
  }
  // A unit holds at most its share, pins included: pins beyond it break that
  // rule and are not kept (the first ones, in the order given, are).
  std::vector<int> most(index.units.size(), 0), kept(index.units.size(), 0);
  std::vector<char> seen(index.villages.size(), 0);  // a repeated pin was dropped above
  for (std::size_t county = 0; county < index.counties.size(); ++county) {
    const std::vector<Share> shares = SharesOf(index, static_cast<int>(county));
    for (std::size_t k = 0; k < shares.size(); ++k)
      most[static_cast<std::size_t>(index.counties[county].units[k])] = shares[k].most;
  }
  for (const UnitVillage& pin : pins.unit_villages) {
    const int u = Find(index.unit_by_code, pin.unit_code), v = Find(index.village_by_code, pin.village_code);
    if (u == kNone || v == kNone || index.pin_unit[static_cast<std::size_t>(v)] != u ||
        std::exchange(seen[static_cast<std::size_t>(v)], 1) != 0)
      continue;
    if (kept[static_cast<std::size_t>(u)] < most[static_cast<std::size_t>(u)]) {
      ++kept[static_cast<std::size_t>(u)];
      continue;
    }
    index.pin_unit[static_cast<std::size_t>(v)] = kNone;
    const std::string share = std::to_string(most[static_cast<std::size_t>(u)]);
    drop(PairingKind::kUnitVillage, pin.unit_code, pin.village_code,
         "超出该单位的包村份额(最多 " + share + " 个村)",
         "beyond the unit's share of at most " + share + " villages");
  }
  for (const CadreHousehold& pin : pins.assistance) {
    const int c = Find(index.cadre_by_code, pin.cadre_code),
              h = Find(index.household_by_code, pin.household_code);
    const PairingKind kind = PairingKind::kAssistance;
    if (c == kNone || h == kNone) {
      drop(kind, pin.cadre_code, pin.household_code, "干部或农户不存在", "unknown cadre or household");
    } else if (index.cadres[static_cast<std::size_t>(c)].quota == 0 ||
               index.cadres[static_cast<std::size_t>(c)].unit == kNone) {
      drop(kind, pin.cadre_code, pin.household_code, "该干部没有包扶配额",
           "the cadre has no assistance quota");
    } else if (!index.households[static_cast<std::size_t>(h)].needy) {
      drop(kind, pin.cadre_code, pin.household_code, "该户没有帮扶需求", "the household has no needs");
    } else if (index.pin_assist[static_cast<std::size_t>(h)] != kNone) {
      drop(kind, pin.cadre_code, pin.household_code, "该户已锁定给另一干部",
           "the household is already pinned to another cadre");
    } else {
      index.pin_assist[static_cast<std::size_t>(h)] = c;
    }
  }
  for (const CadreHousehold& pin : pins.contacts) {
    const int c = Find(index.cadre_by_code, pin.cadre_code),
              h = Find(index.household_by_code, pin.household_code);
    const PairingKind kind = PairingKind::kContact;
    if (c == kNone || h == kNone) {
      drop(kind, pin.cadre_code, pin.household_code, "干部或农户不存在", "unknown cadre or household");
    } else if (index.pin_contact[static_cast<std::size_t>(h)] != kNone) {
      drop(kind, pin.cadre_code, pin.household_code, "该户已锁定给另一联系人",
           "the household is already pinned to another contact");
    } else {
      index.pin_contact[static_cast<std::size_t>(h)] = c;
    }
  }
  for (const CadreOrg& pin : pins.contact_points) {
    const int c = Find(index.cadre_by_code, pin.cadre_code), o = Find(index.org_by_code, pin.org_code);
    const PairingKind kind = PairingKind::kContactPoint;
    if (c == kNone || o == kNone) {
      drop(kind, pin.cadre_code, pin.org_code, "干部或党组织不存在", "unknown cadre or org");
      continue;
    }
    const CadreInfo& cadre = index.cadres[static_cast<std::size_t>(c)];
    const OrgInfo& org = index.orgs[static_cast<std::size_t>(o)];
    if (org.kind == kNone) {
      drop(kind, pin.cadre_code, pin.org_code, "该支部不是较差支部", "the branch is not weak");
    } else if (org.kind == kWeakBranch ? !cadre.leader : !cadre.county_leader) {
      drop(
          kind, pin.cadre_code, pin.org_code,
          org.kind == kWeakBranch ? "只有县乡领导干部包较差支部" : "只有县级领导干部联系非公和社会组织党组织",
          org.kind == kWeakBranch ? "only county- and section-level leaders take weak branches"
                                  : "only county-level leaders take non-public and social orgs");
    } else if (index.units[static_cast<std::size_t>(cadre.unit)].county != org.county) {
      drop(kind, pin.cadre_code, pin.org_code, "干部与党组织不在同一县",
           "the cadre and the org are in different counties");
    } else if (index.pin_point[static_cast<std::size_t>(org.kind)][static_cast<std::size_t>(c)] != kNone) {
      drop(kind, pin.cadre_code, pin.org_code, "该干部已锁定同类联系点",
           "the cadre already has a pinned contact point of this kind");
    } else {
      index.pin_point[static_cast<std::size_t>(org.kind)][static_cast<std::size_t>(c)] = o;
    }
  }
  return index;
}

int Index::MatchedNeeds(int cadre, int household) const {
  const SkillMask& skills = cadres[static_cast<std::size_t>(cadre)].skills;
  const HouseholdInfo& h = households[static_cast<std::size_t>(household)];
  int matched = 0;
  for (int i = h.need_begin; i < h.need_end; ++i) {
    const int need = household_needs[static_cast<std::size_t>(i)];
    if (need != kNone && (skills & need_skills[static_cast<std::size_t>(need)]).any()) ++matched;
  }
  return matched;
}

std::int64_t Index::UnitVillageSoft(int unit, int village) const {
  double strength = rules->strength_medium;
  switch (units[static_cast<std::size_t>(unit)].unit->strength) {
    case UnitStrength::kStrong:
      strength = rules->strength_strong;
      break;
    case UnitStrength::kWeak:
      strength = rules->strength_weak;
      break;
    case UnitStrength::kMedium:
      break;
  }
  // 「难度较大的村分给实力较强的单位」 as a product, so the cheapest assignment
  // sorts villages by difficulty onto units by strength.
  return -Scaled(rules->village_difficulty_weight * strength *
                 villages[static_cast<std::size_t>(village)].difficulty);
}

std::int64_t Index::AssistanceSoft(int cadre, int household) const {
  const CadreInfo& c = cadres[static_cast<std::size_t>(cadre)];
  const HouseholdInfo& h = households[static_cast<std::size_t>(household)];
  const int steps = c.tier > h.tier ? c.tier - h.tier : h.tier - c.tier;
  return tier_cost * steps - skill_reward * MatchedNeeds(cadre, household) - h.priority;
}

std::int64_t Index::ContactSoft(int cadre, int /*household*/, int assistance_cadre) const {
  return cadre == assistance_cadre ? -contact_reward : 0;
}

std::int64_t Index::PointSoft(int cadre, int org, const std::vector<int>& unit_of_village) const {
  const OrgInfo& o = orgs[static_cast<std::size_t>(org)];
  if (o.kind != kWeakBranch) return 0;
  const int holder = unit_of_village[static_cast<std::size_t>(o.village)];
  return holder != kNone && holder == cadres[static_cast<std::size_t>(cadre)].unit ? -own_unit_reward : 0;
}

bool Index::ContactEligible(int cadre, int household, const std::vector<int>& unit_of_village) const {
  const CadreInfo& c = cadres[static_cast<std::size_t>(cadre)];
  const int village = households[static_cast<std::size_t>(household)].village;
  if (village == kNone) return false;
  // 「让每一户群众都有党员干部联系」: a party member of the household's own
  // village, or a cadre of the unit that holds the village.
  if (c.village != kNone) return c.village == village;
  return c.unit != kNone && c.unit == unit_of_village[static_cast<std::size_t>(village)];
}

}  // namespace lianxin::pairing_internal
