// Pairing rules from "Data you can trust" §3: grids, pins that cannot be kept,
// and unit ↔ village pins beyond a unit's share.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "lianxin/config.hpp"
#include "lianxin/pairing.hpp"

namespace lianxin {
namespace {

const std::string kVillageA = "140527001001", kVillageB = "140527001002";

class Pairing : public ::testing::Test {
 protected:
  Pairing() { in.needs = Config::Defaults().needs; }

  void AddUnit(const std::string& code) {
    Unit unit;
    unit.code = code;
    unit.name = "单位" + code;
    unit.county_code = "140527";
    unit.staff = 10;
    in.units.push_back(unit);
  }
  void AddVillage(const std::string& code) {
    in.villages.push_back(Region{code, "村" + code, RegionLevel::kVillage, code.substr(0, 9) + "000"});
  }
  void AddCadre(const std::string& code, const std::string& unit) {
    Cadre cadre;
    cadre.code = code;
    cadre.name = "干部" + code;
    cadre.unit_code = unit;
    cadre.rank = Rank::kOrdinary;
    in.cadres.push_back(cadre);
  }
  void AddMember(const std::string& code, const std::string& village) {
    Cadre cadre;
    cadre.code = code;
    cadre.name = "党员" + code;
    cadre.village_code = village;
    cadre.rank = Rank::kVillageMember;
    in.cadres.push_back(cadre);
  }
  void AddHousehold(const std::string& code, const std::string& region, bool needy) {
    Household household;
    household.code = code;
    household.village_code = region;
    household.head_name = "户主" + code;
    if (needy) household.needs = {"失学"};
    in.households.push_back(household);
  }
  // Two units of equal size, two villages: each unit's share is one village.
  void TwoUnitsTwoVillages() {
    AddUnit("U1");
    AddUnit("U2");
    AddVillage(kVillageA);
    AddVillage(kVillageB);
    AddCadre("C1", "U1");
    AddCadre("C2", "U2");
  }
  PairingResult Pair() {
    Result<PairingResult> result = ComputePairing(in, PairingRules{});
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok()) return {};
    EXPECT_EQ(result->rule_violations, 0);
    EXPECT_EQ(result->quota_violations, 0);
    return std::move(*result);
  }
  static const Uncovered* Reported(const PairingResult& r, const std::string& id) {
    auto it =
        std::find_if(r.uncovered.begin(), r.uncovered.end(), [&](const Uncovered& u) { return u.id == id; });
    return it == r.uncovered.end() ? nullptr : &*it;
  }
  static std::string HolderOf(const PairingResult& r, const std::string& village) {
    for (const UnitVillage& p : r.pairs.unit_villages)
      if (p.village_code == village) return p.unit_code;
    return {};
  }

  PairingInput in;
};

TEST_F(Pairing, GridHouseholdsArePairedThroughTheirVillage) {
  TwoUnitsTwoVillages();
  AddMember("MA", kVillageA);
  AddHousehold("H1", kVillageA + "001", /*needy=*/true);  // registered in a grid of village A
  AddHousehold("H2", kVillageA + "002", /*needy=*/false);
  const PairingResult r = Pair();
  EXPECT_EQ(r.households_total, 2);
  EXPECT_EQ(r.households_covered, 2);
  EXPECT_EQ(r.needy_assisted, 1);
  ASSERT_EQ(r.pairs.assistance.size(), 1u);
  // The assistance cadre belongs to the unit that holds the grid's village.
  const std::string holder = HolderOf(r, kVillageA);
  EXPECT_EQ(r.pairs.assistance[0].cadre_code, holder == "U1" ? "C1" : "C2");
  EXPECT_EQ(Reported(r, "H1"), nullptr);
}

TEST_F(Pairing, PinThatCannotBeKeptLeavesTheExistingPair) {
  TwoUnitsTwoVillages();
  AddHousehold("HA", kVillageA, /*needy=*/true);
  in.pins.unit_villages = {{"U1", kVillageA}, {"U2", kVillageB}};
  in.previous.unit_villages = in.pins.unit_villages;
  in.previous.assistance = {{"C1", "HA"}};
  in.pins.assistance = {{"C2", "HA"}};  // C2's unit does not hold village A
  const PairingResult r = Pair();
  ASSERT_EQ(r.pairs.assistance.size(), 1u);
  EXPECT_EQ(r.pairs.assistance[0], (CadreHousehold{"C1", "HA"}));
  EXPECT_EQ(r.moved, 0);
  const Uncovered* pin = Reported(r, "C2→HA");
  ASSERT_NE(pin, nullptr);
  EXPECT_EQ(pin->kind, UncoveredKind::kPin);
  EXPECT_NE(pin->reason.find("paired as usual"), std::string::npos) << pin->reason;
}

TEST_F(Pairing, UnitVillagePinBeyondTheShareIsReported) {
  TwoUnitsTwoVillages();
  in.pins.unit_villages = {{"U1", kVillageA}, {"U1", kVillageB}};  // U1's share is one village
  const PairingResult r = Pair();
  EXPECT_EQ(r.pins_total, 2);
  EXPECT_EQ(r.pins_kept, 1);
  EXPECT_EQ(HolderOf(r, kVillageA), "U1");
  EXPECT_EQ(HolderOf(r, kVillageB), "U2");
  const Uncovered* pin = Reported(r, "U1→" + kVillageB);
  ASSERT_NE(pin, nullptr);
  EXPECT_EQ(pin->kind, UncoveredKind::kPin);
  EXPECT_NE(pin->reason.find("beyond the unit's share of at most 1 villages"), std::string::npos)
      << pin->reason;
}

}  // namespace
}  // namespace lianxin
