// Pairing honours scope: a county admin's run pairs its own county and
// leaves another county in the same database as it was; a township
// admin's preview shows its township only.
#include <gtest/gtest.h>

#include <set>

#include "api_fixture.hpp"
#include "lianxin/pairing_service.hpp"
#include "lianxin/registry_io.hpp"

namespace lianxin::testing {
namespace {

constexpr char kSecondCounty[] = "149902";

// The demo county again under another county code: every code that starts
// with 149901 starts with 149902; ID numbers and phones are left out (they
// are the first county's people), and so are members.
class RecodeSink final : public RegistrySink {
 public:
  explicit RecodeSink(RegistrySink& inner) : inner_(inner) {}
  Status Add(const Region& r) override {
    Region x = r;
    Recode(x.code), Recode(x.parent_code);
    return inner_.Add(x);
  }
  Status Add(const Unit& u) override {
    Unit x = u;
    Recode(x.code), Recode(x.county_code);
    return inner_.Add(x);
  }
  Status Add(const Org& o) override {
    Org x = o;
    Recode(x.code), Recode(x.region_code);
    return inner_.Add(x);
  }
  Status Add(const Cadre& c) override {
    Cadre x = c;
    Recode(x.code), Recode(x.unit_code), Recode(x.village_code);
    x.id_number = {};
    x.phone = {};
    return inner_.Add(x);
  }
  Status Add(const Household& h) override {
    Household x = h;
    Recode(x.code), Recode(x.village_code);
    x.head_id_number = {};
    x.phone = {};
    return inner_.Add(x);
  }
  Status Add(const Member&) override { return Status::Ok(); }

 private:
  static void Recode(std::string& code) {
    if (code.starts_with("149901")) code.replace(0, 6, kSecondCounty);
  }
  RegistrySink& inner_;
};

class PairingScopeTest : public ApiFixture {
 protected:
  void AddSecondCountyPaired() {
    std::unique_ptr<Store> store = OpenOrDie(path_);
    ASSERT_NE(store, nullptr);
    std::unique_ptr<WriteTxn> txn = std::move(store->Begin("demo")).value();
    TxnSink sink(*txn);
    RecodeSink recoded(sink);
    ASSERT_TRUE(GenerateDemo({.household_villages = 2}, Config::Defaults(), recoded).ok());
    ASSERT_TRUE(txn->Commit().ok());
    Result<PairRun> run = RunPairing(*store, Config::Defaults(), {.actor = "t", .county = kSecondCounty});
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    // One household left without its contact, as a run of the whole
    // database would not leave it: only a run that keeps off this county
    // leaves it so.
    second_pairs_ = *store->Pairs(kSecondCounty);
    ASSERT_FALSE(second_pairs_.contacts.empty());
    second_pairs_.contacts.erase(second_pairs_.contacts.begin());
    std::unique_ptr<WriteTxn> edit = std::move(store->Begin("t")).value();
    ASSERT_TRUE(edit->ApplyPairing(second_pairs_, "test", kSecondCounty).ok());
    ASSERT_TRUE(edit->Commit().ok());
    ASSERT_EQ(*store->Pairs(kSecondCounty), second_pairs_);
  }

  PairingState second_pairs_;
};

// A province pairs a county at a time, reading that county's rows alone:
// what a county's scan gives is exactly the county's share of the whole
// table, in the same order, and a pairing's input read so is the one the
// whole database gave before.
TEST_F(PairingScopeTest, ACountyIsReadAloneAsTheWholeDatabaseHoldsIt) {
  ASSERT_NO_FATAL_FAILURE(AddSecondCountyPaired());
  std::unique_ptr<Store> store = OpenOrDie(path_);
  ASSERT_NE(store, nullptr);
  Collect all;
  for (RecordKind kind : kAllRecordKinds) ASSERT_TRUE(store->ScanWithoutSecrets(kind, all).ok());
  for (const std::string county : {"149901", kSecondCounty}) {
    Collect one;
    for (RecordKind kind : kAllRecordKinds) {
      Status scanned = store->ScanWithoutSecrets(kind, one, county);
      ASSERT_TRUE(scanned.ok()) << scanned.ToString();
    }
    auto in = [&](std::string_view code) { return code.starts_with(county); };
    auto expect = [&](const auto& whole, const auto& part, auto code_of, const char* what) {
      std::vector<std::decay_t<decltype(whole.front())>> wanted;
      for (const auto& record : whole) {
        if (code_of(record)) wanted.push_back(record);
      }
      EXPECT_FALSE(wanted.empty()) << county << " " << what;
      EXPECT_EQ(part, wanted) << county << " " << what;
    };
    std::set<std::string> units, households;
    for (const Unit& u : all.units) {
      if (u.county_code == county) units.insert(u.code);
    }
    for (const Household& h : all.households) {
      if (in(h.village_code)) households.insert(h.code);
    }
    expect(
        all.regions, one.regions, [&](const Region& r) { return in(r.code); }, "regions");
    expect(
        all.units, one.units, [&](const Unit& u) { return units.contains(u.code); }, "units");
    expect(
        all.orgs, one.orgs, [&](const Org& o) { return in(o.region_code); }, "orgs");
    expect(
        all.cadres, one.cadres,
        [&](const Cadre& c) { return units.contains(c.unit_code) || in(c.village_code); }, "cadres");
    expect(
        all.households, one.households, [&](const Household& h) { return in(h.village_code); }, "households");
    if (county == "149901") {
      expect(
          all.members, one.members, [&](const Member& m) { return households.contains(m.household_code); },
          "members");
    } else {
      EXPECT_TRUE(one.members.empty());  // the second county was given none
    }
  }
  Collect none;
  Status wrong = store->ScanWithoutSecrets(RecordKind::kHouseholds, none, "149901001");
  EXPECT_EQ(wrong.code(), Code::kInvalidInput) << wrong.ToString();
  EXPECT_EQ(wrong.field(), "county");
  EXPECT_TRUE(none.households.empty());
}

TEST_F(PairingScopeTest, ACountyRunLeavesAnotherCountyAsItWas) {
  AddSecondCountyPaired();
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  HttpResponse run = Call("POST", "/api/v1/pairing/run", "{}", county.headers);
  ASSERT_EQ(run.status, 200) << run.body;
  nlohmann::json summary = Json(run);
  for (const auto& item : summary["uncovered"]) {
    EXPECT_TRUE(item["id"].get<std::string>().starts_with(kCounty) || item["kind"] == "cadre") << item;
  }
  std::unique_ptr<Store> store = OpenOrDie(path_);
  EXPECT_EQ(*store->Pairs(kSecondCounty), second_pairs_) << "the other county's pairs are untouched";
  PairingState ours = *store->Pairs(kCounty);
  EXPECT_FALSE(ours.contacts.empty());
  for (const CadreHousehold& p : ours.contacts) EXPECT_TRUE(p.household_code.starts_with(kCounty));

  // The preview of the first county names nothing of the second.
  HttpResponse preview = Call("POST", "/api/v1/pairing/preview", "{}", county.headers);
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(preview.body.find(kSecondCounty), std::string::npos);
}

TEST_F(PairingScopeTest, ATownshipPreviewShowsItsTownshipOnly) {
  SignedInAs township = SignIn("township", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kTownship});
  HttpResponse preview = Call("POST", "/api/v1/pairing/preview", "{}", township.headers);
  ASSERT_EQ(preview.status, 200) << preview.body;
  nlohmann::json summary = Json(preview);
  const std::string prefix = std::string(kTownship).substr(0, 9);
  EXPECT_EQ(summary["scope"], prefix);
  // Its households, counted independently from the registry.
  std::unique_ptr<Store> store = OpenOrDie(path_);
  Result<PairingInput> input = LoadPairingInput(*store, Config::Defaults(), kCounty);
  ASSERT_TRUE(input.ok());
  int households = 0;
  for (const Household& h : input->households) households += h.village_code.starts_with(prefix) ? 1 : 0;
  ASSERT_GT(households, 0);
  EXPECT_EQ(summary["households"]["total"], households);
  EXPECT_LT(summary["households"]["total"].get<int>(), static_cast<int>(input->households.size()) + 1);
  for (const auto& item : summary["uncovered"]) {
    EXPECT_TRUE(item["id"].get<std::string>().starts_with(prefix)) << item;
  }
  EXPECT_FALSE(summary.contains("cadres")) << "county-wide figures are the county's";
  // And the run stays the county admin's.
  EXPECT_EQ(Call("POST", "/api/v1/pairing/run", "{}", township.headers).status, 403);
}

// The list of what the last run left uncovered is the run's, for the county
// admin; a township admin sees its township's part of it only.
TEST_F(PairingScopeTest, TheUncoveredListHoldsToScope) {
  AddSecondCountyPaired();
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  SignedInAs township = SignIn("township", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kTownship});
  HttpResponse run = Call("POST", "/api/v1/pairing/run", "{}", county.headers);
  ASSERT_EQ(run.status, 200) << run.body;
  HttpResponse listed = Call("GET", "/api/v1/pairing/uncovered", "", county.headers);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Json(listed)["uncovered"], Json(run)["uncovered"]) << "the list is what the run answered";
  EXPECT_EQ(listed.body.find(kSecondCounty), std::string::npos);

  // One village of the township and one of another, recorded as uncovered.
  std::unique_ptr<Store> store = OpenOrDie(path_);
  Result<PairingInput> input = LoadPairingInput(*store, Config::Defaults(), kCounty);
  ASSERT_TRUE(input.ok());
  const std::string prefix = std::string(kTownship).substr(0, 9);
  const auto village = [&](bool ours) {
    for (const Region& v : input->villages) {
      if (v.code.starts_with(prefix) == ours) return v.code;
    }
    return std::string();
  };
  const std::string ours = village(true), theirs = village(false);
  ASSERT_FALSE(ours.empty());
  ASSERT_FALSE(theirs.empty());
  std::vector<Uncovered> recorded = *store->RecordedUncovered(kCounty);
  for (const std::string& code : {ours, theirs}) {
    recorded.push_back({PairingKind::kUnitVillage, UncoveredKind::kVillage, code, "test", kCounty});
  }
  {
    std::unique_ptr<WriteTxn> txn = std::move(store->Begin("t")).value();
    ASSERT_TRUE(txn->RecordUncovered(recorded, kCounty).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  HttpResponse all = Call("GET", "/api/v1/pairing/uncovered", "", county.headers);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_NE(all.body.find(ours), std::string::npos);
  EXPECT_NE(all.body.find(theirs), std::string::npos);
  HttpResponse part = Call("GET", "/api/v1/pairing/uncovered", "", township.headers);
  ASSERT_EQ(part.status, 200) << part.body;
  EXPECT_EQ(Json(part)["scope"], prefix);
  EXPECT_NE(part.body.find(ours), std::string::npos);
  EXPECT_EQ(part.body.find(theirs), std::string::npos) << "another township's village";
  EXPECT_EQ(part.body.find(kSecondCounty), std::string::npos);
  const nlohmann::json seen = Json(part);
  for (const auto& item : seen["uncovered"]) {
    if (item["kind"] == "village" || item["kind"] == "household") {
      EXPECT_TRUE(item["id"].get<std::string>().starts_with(prefix)) << item;
    }
  }
}

}  // namespace
}  // namespace lianxin::testing
