// Who owns a unit's cadres: the county the unit is registered in. A unit
// that holds villages in two townships is visible to both township admins,
// its cadres' personal data to neither (store.hpp, the scope rule).
#include <gtest/gtest.h>

#include "test_util.hpp"

namespace lianxin {
namespace {

using testing::OpenOrDie;
using testing::TempDir;

struct Keys : RegistrySink {
  std::vector<std::string> keys;
  Status Add(const Region& r) override { return Keep(r.code); }
  Status Add(const Unit& u) override { return Keep(u.code); }
  Status Add(const Org& o) override { return Keep(o.code); }
  Status Add(const Cadre& c) override { return Keep(c.code); }
  Status Add(const Household& h) override { return Keep(h.code); }
  Status Add(const Member& m) override { return Keep(m.household_code); }
  Status Keep(std::string key) {
    keys.push_back(std::move(key));
    return Status::Ok();
  }
};

class ScopeOwnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_ / "owner.db");
    auto txn = std::move(store_->Begin("test")).value();
    ASSERT_TRUE(txn->Upsert(Region{"149901", "连心县", RegionLevel::kCounty, ""}).ok());
    for (std::string t : {"001", "002"}) {
      ASSERT_TRUE(txn->Upsert(Region{"149901" + t + "000", "镇" + t, RegionLevel::kTownship, "149901"}).ok());
      ASSERT_TRUE(
          txn->Upsert(Region{"149901" + t + "001", "村" + t, RegionLevel::kVillage, "149901" + t + "000"})
              .ok());
    }
    ASSERT_TRUE(txn->Upsert(Unit{"149901U001", "县委组织部", "149901", 10, UnitStrength::kStrong}).ok());
    Cadre unit_cadre;
    unit_cadre.code = "149901C001";
    unit_cadre.name = "张干部";
    unit_cadre.unit_code = "149901U001";
    ASSERT_TRUE(txn->Upsert(unit_cadre).ok());
    Cadre village_cadre;
    village_cadre.code = "149901C002";
    village_cadre.name = "李党员";
    village_cadre.village_code = "149901001001";
    village_cadre.rank = Rank::kVillageMember;
    ASSERT_TRUE(txn->Upsert(village_cadre).ok());
    PairingState pairs;
    pairs.unit_villages = {{"149901U001", "149901001001"}, {"149901U001", "149901002001"}};
    ASSERT_TRUE(txn->ApplyPairing(pairs, "test").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }

  std::vector<std::string> List(RecordKind kind, const std::string& region) {
    Keys keys;
    ListQuery query;
    query.scope = {ScopeKind::kRegion, region};
    Result<ListPage> page = store_->List(kind, query, keys);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return keys.keys;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ScopeOwnerTest, AUnitServingTwoTownshipsKeepsItsCadresWithItsCounty) {
  using V = std::vector<std::string>;
  for (std::string township : {"149901001000", "149901002000"}) {
    SCOPED_TRACE(township);
    // The unit that helps the township's village is the township's to see…
    EXPECT_EQ(List(RecordKind::kUnits, township), V{"149901U001"});
    // …its cadres are not.
    EXPECT_EQ(*store_->InScope(RecordKind::kCadres, "149901C001", {ScopeKind::kRegion, township}), false);
  }
  // The township's own village party member stays with the township.
  EXPECT_EQ(List(RecordKind::kCadres, "149901001000"), V{"149901C002"});
  EXPECT_EQ(List(RecordKind::kCadres, "149901002000"), V{});
  // The county owns both.
  EXPECT_EQ(List(RecordKind::kCadres, "149901"), (V{"149901C001", "149901C002"}));
  EXPECT_EQ(*store_->InScope(RecordKind::kCadres, "149901C001", {ScopeKind::kRegion, "149901"}), true);
}

}  // namespace
}  // namespace lianxin
