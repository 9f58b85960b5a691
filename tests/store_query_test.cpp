// The registry read side of the store (store.hpp, "Reading the registry for
// the API"): paged lists with filters and text search, single records, and
// the scope rule, checked on a small demo county (paired) against an
// independent computation over Scan and Pairs with auth.hpp's ScopeContains.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

#include "lianxin/demo.hpp"
#include "lianxin/pairing_service.hpp"
#include "lianxin/validate.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

using Keys = std::set<std::string>;

// The registry and its pairs, as Scan and Pairs give them, and the expected
// answer of every query computed from them in plain C++.
struct Registry {
  Collect all;
  PairingState pairs;

  Keys KeysOf(RecordKind kind) const {
    Keys keys;
    for (const std::string& key : Ordered(kind)) keys.insert(key);
    return keys;
  }
  std::vector<std::string> Ordered(RecordKind kind) const {
    std::vector<std::string> keys;
    auto take = [&keys](const auto& records) {
      for (const auto& r : records) keys.push_back(KeyOf(r));
    };
    switch (kind) {
      case RecordKind::kRegions:
        take(all.regions);
        break;
      case RecordKind::kUnits:
        take(all.units);
        break;
      case RecordKind::kOrgs:
        take(all.orgs);
        break;
      case RecordKind::kCadres:
        take(all.cadres);
        break;
      case RecordKind::kHouseholds:
        take(all.households);
        break;
      case RecordKind::kMembers:
        take(all.members);
        break;
    }
    return keys;
  }

  // store.hpp's scope rule, written out independently of the SQL; memoised.
  const Keys& Expected(RecordKind kind, const Scope& scope) const {
    auto key = std::make_tuple(kind, scope.kind, scope.code);
    auto it = expected_.find(key);
    if (it == expected_.end()) it = expected_.emplace(key, Compute(kind, scope)).first;
    return it->second;
  }
  mutable std::map<std::tuple<RecordKind, ScopeKind, std::string>, Keys> expected_;

  Keys Compute(RecordKind kind, const Scope& scope) const {
    std::set<std::string> villages, households, units;
    bool county = false;
    switch (scope.kind) {
      case ScopeKind::kNone:
        return {};
      case ScopeKind::kRegion: {
        county = scope.code.size() == 6 || (scope.code.size() == 12 && scope.code.ends_with("000000"));
        for (const Household& h : all.households) {
          if (ScopeContains(scope, h.village_code)) households.insert(h.code);
        }
        for (const Unit& u : all.units) {
          if (county && u.county_code == scope.code.substr(0, 6)) units.insert(u.code);
        }
        for (const UnitVillage& p : pairs.unit_villages) {
          if (!county && ScopeContains(scope, p.village_code)) units.insert(p.unit_code);
        }
        break;
      }
      case ScopeKind::kUnit:
        units.insert(scope.code);
        for (const UnitVillage& p : pairs.unit_villages) {
          if (p.unit_code == scope.code) villages.insert(p.village_code);
        }
        for (const Household& h : all.households) {
          if (villages.contains(h.village_code)) households.insert(h.code);
        }
        break;
      case ScopeKind::kCadre:
        for (const auto* list : {&pairs.contacts, &pairs.assistance}) {
          for (const CadreHousehold& p : *list) {
            if (p.cadre_code == scope.code) households.insert(p.household_code);
          }
        }
        for (const Household& h : all.households) {
          if (households.contains(h.code)) villages.insert(h.village_code);
        }
        for (const Cadre& c : all.cadres) {
          if (c.code == scope.code && !c.unit_code.empty()) units.insert(c.unit_code);
        }
        break;
    }
    const bool region = scope.kind == ScopeKind::kRegion;
    Keys out;
    switch (kind) {
      case RecordKind::kRegions:
        for (const Region& r : all.regions) {
          if (region ? ScopeContains(scope, r.code) : villages.contains(r.code)) out.insert(r.code);
        }
        break;
      case RecordKind::kUnits:
        for (const Unit& u : all.units) {
          if (units.contains(u.code)) out.insert(u.code);
        }
        break;
      case RecordKind::kOrgs:
        for (const Org& o : all.orgs) {
          bool in = region                           ? ScopeContains(scope, o.region_code)
                    : scope.kind == ScopeKind::kUnit ? villages.contains(o.region_code)
                                                     : false;
          if (in) out.insert(o.code);
        }
        break;
      case RecordKind::kCadres:
        for (const Cadre& c : all.cadres) {
          // A unit's cadres belong to its county, not to the townships it serves.
          bool in = region ? ScopeContains(scope, c.village_code) || (county && units.contains(c.unit_code))
                    : scope.kind == ScopeKind::kUnit ? c.unit_code == scope.code
                                                     : c.code == scope.code;
          if (in) out.insert(c.code);
        }
        break;
      case RecordKind::kHouseholds:
        out = households;
        break;
      case RecordKind::kMembers:
        for (const Member& m : all.members) {
          if (households.contains(m.household_code)) out.insert(m.id_number.Reveal());
        }
        break;
    }
    return out;
  }

  // ListQuery::q, written out: an ID number finds exactly its holders; a
  // phone its holders and the keys it begins; other text a name (or address)
  // substring or a key prefix (members: their household's).
  Keys Matching(RecordKind kind, const std::string& q) const {
    const bool is_id = ParseIdNumber(q, {2026, 11, 26}).ok();
    const bool is_phone = !is_id && ParsePhone(q).ok();
    auto has = [&](const std::string& text) {
      return !is_id && !is_phone && text.find(q) != std::string::npos;
    };
    auto starts = [&](const std::string& text) { return !is_id && text.starts_with(q); };
    auto id = [&](const IdNumber& number) { return is_id && number.Reveal() == q; };
    auto phone = [&](const Phone& number) { return is_phone && number.Reveal() == q; };
    Keys out;
    switch (kind) {
      case RecordKind::kRegions:
        for (const Region& r : all.regions) {
          if (has(r.name) || starts(r.code)) out.insert(r.code);
        }
        break;
      case RecordKind::kUnits:
        for (const Unit& u : all.units) {
          if (has(u.name) || starts(u.code)) out.insert(u.code);
        }
        break;
      case RecordKind::kOrgs:
        for (const Org& o : all.orgs) {
          if (has(o.name) || starts(o.code)) out.insert(o.code);
        }
        break;
      case RecordKind::kCadres:
        for (const Cadre& c : all.cadres) {
          if (has(c.name) || starts(c.code) || id(c.id_number) || phone(c.phone)) out.insert(c.code);
        }
        break;
      case RecordKind::kHouseholds: {
        std::set<std::string> by_member;
        for (const Member& m : all.members) {
          if (id(m.id_number)) by_member.insert(m.household_code);
        }
        for (const Household& h : all.households) {
          if (has(h.head_name) || has(h.address) || starts(h.code) || id(h.head_id_number) ||
              phone(h.phone) || by_member.contains(h.code)) {
            out.insert(h.code);
          }
        }
        break;
      }
      case RecordKind::kMembers:
        for (const Member& m : all.members) {
          if (has(m.name) || starts(m.household_code) || id(m.id_number)) out.insert(m.id_number.Reveal());
        }
        break;
    }
    return out;
  }
};

Keys Intersect(const Keys& a, const Keys& b) {
  Keys out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
  return out;
}

class StoreQueryTest : public ::testing::Test {
 protected:
  // One small paired county for the whole suite: the demo's regions, units,
  // orgs and cadres, with households in 10 villages (~2.3 k households: more
  // than the store sorts in memory, so both ways of reading a page are used).
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    store_ = OpenOrDie(*dir_ / "q.db").release();
    ASSERT_NE(store_, nullptr);
    Config config = Config::Defaults();
    {
      std::unique_ptr<WriteTxn> txn = std::move(store_->Begin("demo")).value();
      TxnSink sink(*txn);
      ASSERT_TRUE(GenerateDemo({DemoScale::kCounty, 5, 10}, config, sink).ok());
      ASSERT_TRUE(txn->Commit().ok());
    }
    Result<PairRun> run = RunPairing(*store_, config, {.actor = "test", .today = {2026, 11, 26}});
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    registry_ = new Registry;
    for (RecordKind kind : kAllRecordKinds) ASSERT_TRUE(store_->Scan(kind, registry_->all).ok());
    registry_->pairs = *store_->Pairs();
  }
  static void TearDownTestSuite() {
    delete registry_;
    delete store_;
    delete dir_;
  }

  // Every page of a query: the keys in the order they came, each page
  // checked against the limit and the total.
  static std::vector<std::string> ListAll(RecordKind kind, ListQuery query, std::int64_t* total = nullptr) {
    std::vector<std::string> keys;
    std::int64_t first_total = -1;
    for (int pages = 0;; ++pages) {
      Collect page;
      Result<ListPage> result = store_->List(kind, query, page);
      EXPECT_TRUE(result.ok()) << result.status().ToString();
      if (!result.ok() || pages > 100000) break;
      if (first_total < 0) first_total = result->total;
      EXPECT_EQ(result->total, first_total);
      EXPECT_LE(static_cast<int>(page.keys.size()), query.limit);
      if (!result->next.empty()) {
        EXPECT_EQ(static_cast<int>(page.keys.size()), query.limit);
      }
      keys.insert(keys.end(), page.keys.begin(), page.keys.end());
      if (result->next.empty()) break;
      query.cursor = result->next;
    }
    EXPECT_EQ(static_cast<std::int64_t>(keys.size()), first_total) << "total disagrees with the pages";
    if (total) *total = first_total;
    return keys;
  }
  // The set a query selects, checked to come once each and, but for members,
  // in natural-key order.
  static Keys Selected(RecordKind kind, const ListQuery& query) {
    std::vector<std::string> keys = ListAll(kind, query);
    Keys set(keys.begin(), keys.end());
    EXPECT_EQ(set.size(), keys.size()) << Token(kind) << ": a record came twice";
    if (kind != RecordKind::kMembers) {
      EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end())) << Token(kind);
    }
    return set;
  }

  static ListQuery Query(Scope scope, int limit = 50) {
    ListQuery q;
    q.scope = std::move(scope);
    q.limit = limit;
    return q;
  }

  // A unit holding a village that has households, a cadre with contact
  // households, and a village party member.
  static std::string BusyUnit() {
    std::set<std::string> villages;
    for (const Household& h : registry_->all.households) villages.insert(h.village_code);
    for (const UnitVillage& p : registry_->pairs.unit_villages) {
      if (villages.contains(p.village_code)) return p.unit_code;
    }
    return "";
  }
  static std::string UnitCadreWithContacts() {
    std::map<std::string, std::string> unit_of;
    for (const Cadre& c : registry_->all.cadres) unit_of[c.code] = c.unit_code;
    for (const CadreHousehold& p : registry_->pairs.contacts) {
      if (!unit_of[p.cadre_code].empty()) return p.cadre_code;
    }
    return "";
  }
  static std::string VillageMemberWithContacts() {
    std::map<std::string, std::string> unit_of;
    for (const Cadre& c : registry_->all.cadres) unit_of[c.code] = c.unit_code;
    for (const CadreHousehold& p : registry_->pairs.contacts) {
      if (unit_of[p.cadre_code].empty()) return p.cadre_code;
    }
    return "";
  }

  static std::vector<Scope> Scopes() {
    const Household& h = registry_->all.households.front();
    const std::string county = h.village_code.substr(0, 6);
    return {
        {ScopeKind::kRegion, county},
        {ScopeKind::kRegion, county + "000000"},
        {ScopeKind::kRegion, h.village_code.substr(0, 9) + "000"},  // a township with households
        {ScopeKind::kRegion, county + "013000"},                    // one without
        {ScopeKind::kRegion, h.village_code},
        {ScopeKind::kRegion, "149902"},       // another county
        {ScopeKind::kRegion, "14990100100"},  // malformed: nothing
        {ScopeKind::kUnit, BusyUnit()},
        {ScopeKind::kUnit, "149901U999"},  // no such unit
        {ScopeKind::kCadre, UnitCadreWithContacts()},
        {ScopeKind::kCadre, VillageMemberWithContacts()},
        {ScopeKind::kNone, ""},
    };
  }

  static TempDir* dir_;
  static Store* store_;
  static Registry* registry_;
};

TempDir* StoreQueryTest::dir_ = nullptr;
Store* StoreQueryTest::store_ = nullptr;
Registry* StoreQueryTest::registry_ = nullptr;

TEST_F(StoreQueryTest, TheFixtureIsPairedAndSmall) {
  EXPECT_GT(registry_->all.households.size(), 2000u);
  EXPECT_LT(registry_->all.households.size(), 4000u);
  EXPECT_FALSE(registry_->pairs.unit_villages.empty());
  EXPECT_FALSE(registry_->pairs.contacts.empty());
  EXPECT_FALSE(BusyUnit().empty());
  EXPECT_FALSE(UnitCadreWithContacts().empty());
  EXPECT_FALSE(VillageMemberWithContacts().empty());
}

TEST_F(StoreQueryTest, PagingWalksEveryRecordOnceInKeyOrder) {
  const Scope county{ScopeKind::kRegion, registry_->all.regions.front().code};
  for (RecordKind kind : kAllRecordKinds) {
    SCOPED_TRACE(Token(kind));
    // Small pages for the small kinds, so every kind takes many.
    const int limit = kind == RecordKind::kMembers || kind == RecordKind::kCadres ? 97 : 7;
    std::int64_t total = 0;
    std::vector<std::string> keys = ListAll(kind, Query(county, limit), &total);
    EXPECT_EQ(total, static_cast<std::int64_t>(registry_->Ordered(kind).size()));
    if (kind == RecordKind::kMembers) {
      // In the order they were added: each household's head first.
      EXPECT_EQ(Keys(keys.begin(), keys.end()), registry_->KeysOf(kind));
      EXPECT_EQ(keys.size(), registry_->all.members.size());
    } else {
      EXPECT_EQ(keys, registry_->Ordered(kind));
    }
  }
}

TEST_F(StoreQueryTest, EachScopeSeesExactlyItsRecords) {
  for (const Scope& scope : Scopes()) {
    for (RecordKind kind : kAllRecordKinds) {
      SCOPED_TRACE(std::string(ScopeKindToken(scope.kind)) + " " + scope.code + " " +
                   std::string(Token(kind)));
      EXPECT_EQ(Selected(kind, Query(scope, 1000)), registry_->Expected(kind, scope));
    }
  }
}

TEST_F(StoreQueryTest, ScopesAreNotEmptyWhereTheyShouldReach) {
  // Guards the test above against agreeing on nothing.
  const Household& h = registry_->all.households.front();
  EXPECT_GT(registry_->Expected(RecordKind::kHouseholds, {ScopeKind::kRegion, h.village_code}).size(), 10u);
  EXPECT_GT(registry_->Expected(RecordKind::kUnits, {ScopeKind::kRegion, h.village_code}).size(), 0u);
  const Scope unit{ScopeKind::kUnit, BusyUnit()};
  EXPECT_GT(registry_->Expected(RecordKind::kHouseholds, unit).size(), 0u);
  EXPECT_GT(registry_->Expected(RecordKind::kOrgs, unit).size(), 0u);
  EXPECT_GT(registry_->Expected(RecordKind::kCadres, unit).size(), 0u);
  const Scope cadre{ScopeKind::kCadre, UnitCadreWithContacts()};
  EXPECT_GT(registry_->Expected(RecordKind::kMembers, cadre).size(), 0u);
  EXPECT_EQ(registry_->Expected(RecordKind::kUnits, cadre).size(), 1u);
}

TEST_F(StoreQueryTest, NoneSeesNothing) {
  for (RecordKind kind : kAllRecordKinds) {
    Collect page;
    Result<ListPage> result = store_->List(kind, Query(Scope{}), page);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->total, 0);
    EXPECT_TRUE(result->next.empty());
    EXPECT_TRUE(page.keys.empty());
  }
}

TEST_F(StoreQueryTest, RegionFilterNarrowsTheScope) {
  const Household& h = registry_->all.households.front();
  const std::string county = h.village_code.substr(0, 6);
  const std::string township = h.village_code.substr(0, 9) + "000";
  for (const std::string& region : {township, h.village_code, county}) {
    for (const Scope& scope : Scopes()) {
      for (RecordKind kind : kAllRecordKinds) {
        SCOPED_TRACE(region + " within " + scope.code + " " + std::string(Token(kind)));
        ListQuery query = Query(scope, 1000);
        query.region = region;
        Keys expected = Intersect(registry_->Expected(kind, scope),
                                  registry_->Expected(kind, Scope{ScopeKind::kRegion, region}));
        EXPECT_EQ(Selected(kind, query), expected);
      }
    }
  }
}

TEST_F(StoreQueryTest, TextSearchByNameCodePrefixIdAndPhone) {
  const Scope county{ScopeKind::kRegion, registry_->all.regions.front().code};
  const Household& h = registry_->all.households[registry_->all.households.size() / 2];
  const Cadre& c = registry_->all.cadres[registry_->all.cadres.size() / 3];
  const Member& m = registry_->all.members[registry_->all.members.size() / 2];
  auto with_phone =
      std::find_if(registry_->all.households.begin() + registry_->all.households.size() / 3,
                   registry_->all.households.end(), [](const Household& x) { return !x.phone.empty(); });
  ASSERT_NE(with_phone, registry_->all.households.end());
  ASSERT_FALSE(c.phone.empty());
  struct Case {
    RecordKind kind;
    std::string q;
    bool finds = true;
  };
  const std::vector<Case> cases = {
      {RecordKind::kHouseholds, h.head_name},
      {RecordKind::kHouseholds, h.head_name.substr(0, 3)},  // one character: the family name
      {RecordKind::kHouseholds, h.code.substr(0, 14)},
      {RecordKind::kHouseholds, h.code.substr(0, 11)},  // also the shape of a mobile number
      {RecordKind::kHouseholds, h.head_id_number.Reveal()},
      {RecordKind::kHouseholds, m.id_number.Reveal()},  // any member's ID finds the household
      {RecordKind::kHouseholds, with_phone->phone.Reveal()},
      {RecordKind::kHouseholds, "%", false},  // wildcards are taken literally
      {RecordKind::kHouseholds, "_", false},
      {RecordKind::kCadres, c.name},
      {RecordKind::kCadres, c.code.substr(0, 9)},
      {RecordKind::kCadres, c.id_number.Reveal()},
      {RecordKind::kCadres, c.phone.Reveal()},
      {RecordKind::kMembers, m.id_number.Reveal()},
      {RecordKind::kMembers, m.name},
      {RecordKind::kMembers, h.code},
      {RecordKind::kRegions, registry_->all.regions[5].name},
      {RecordKind::kRegions, registry_->all.regions[5].code},
      {RecordKind::kRegions, m.id_number.Reveal(), false},  // an ID number is no region's
      {RecordKind::kUnits, registry_->all.units[3].name.substr(0, 6)},
      {RecordKind::kOrgs, registry_->all.orgs[7].code},
  };
  for (const Case& t : cases) {
    SCOPED_TRACE(std::string(Token(t.kind)) + " q=" + t.q);
    ListQuery query = Query(county, 100);
    query.q = t.q;
    Keys expected = registry_->Matching(t.kind, t.q);
    EXPECT_EQ(Selected(t.kind, query), expected);
    EXPECT_EQ(expected.empty(), !t.finds);
  }
  EXPECT_EQ(registry_->Matching(RecordKind::kHouseholds, h.head_id_number.Reveal()), Keys{h.code});
  // An ID number finds exactly its member; surrounding spaces do not matter.
  ListQuery query = Query(county);
  query.q = " " + m.id_number.Reveal() + " ";
  EXPECT_EQ(Selected(RecordKind::kMembers, query), Keys{m.id_number.Reveal()});
  // The text is ANDed with the scope.
  query = Query({ScopeKind::kRegion, "149902"});
  query.q = h.head_id_number.Reveal();
  EXPECT_TRUE(Selected(RecordKind::kHouseholds, query).empty());
}

TEST_F(StoreQueryTest, ListedRecordsCarryTheirSecrets) {
  const Scope county{ScopeKind::kRegion, registry_->all.regions.front().code};
  Collect page;
  ASSERT_TRUE(store_->List(RecordKind::kHouseholds, Query(county, 3), page).ok());
  ASSERT_EQ(page.households.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(page.households[i], registry_->all.households[i]);
}

TEST_F(StoreQueryTest, InScopeAgreesWithList) {
  for (const Scope& scope : Scopes()) {
    SCOPED_TRACE(std::string(ScopeKindToken(scope.kind)) + " " + scope.code);
    for (RecordKind kind : kAllRecordKinds) {
      Keys listed = Selected(kind, Query(scope, 1000));
      // Every household; a sample of the larger other kinds.
      std::vector<std::string> keys = registry_->Ordered(kind);
      size_t step = kind == RecordKind::kCadres ? 37 : kind == RecordKind::kMembers ? 7 : 1;
      for (size_t i = 0; i < keys.size(); i += step) {
        Result<bool> in = store_->InScope(kind, keys[i], scope);
        ASSERT_TRUE(in.ok()) << in.status().ToString();
        EXPECT_EQ(*in, listed.contains(keys[i]))
            << Token(kind) << " " << (kind == RecordKind::kMembers ? "#" + std::to_string(i) : keys[i]);
      }
    }
  }
  Result<bool> missing = store_->InScope(RecordKind::kHouseholds, "1499019999999999", Scopes().front());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  missing = store_->InScope(RecordKind::kMembers, "149901199001010011", Scopes().front());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
}

TEST_F(StoreQueryTest, BadCursorRegionAndLimitAreRefused) {
  const Scope county{ScopeKind::kRegion, registry_->all.regions.front().code};
  Collect page;
  Result<ListPage> first = store_->List(RecordKind::kHouseholds, Query(county, 5), page);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next.empty());
  std::string tampered = first->next;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& cursor : {std::string("garbage!"), std::string("AAAA"), tampered, first->next + "x",
                                    std::string("1499010010010005")}) {
    SCOPED_TRACE(cursor);
    ListQuery query = Query(county, 5);
    query.cursor = cursor;
    Result<ListPage> result = store_->List(RecordKind::kHouseholds, query, page);
    EXPECT_EQ(result.status().code(), Code::kInvalidInput);
    EXPECT_EQ(result.status().field(), "cursor");
  }
  // A households cursor is not a cadres cursor.
  ListQuery query = Query(county, 5);
  query.cursor = first->next;
  Result<ListPage> other_kind = store_->List(RecordKind::kCadres, query, page);
  EXPECT_EQ(other_kind.status().field(), "cursor");

  for (std::string region : {"14990", "1499010010", "14990100100a", "1499010010010001", "abcdef"}) {
    SCOPED_TRACE(region);
    ListQuery bad = Query(county);
    bad.region = region;
    Result<ListPage> result = store_->List(RecordKind::kHouseholds, bad, page);
    EXPECT_EQ(result.status().code(), Code::kInvalidInput);
    EXPECT_EQ(result.status().field(), "region");
  }
  for (int limit : {0, -1, 1001}) {
    Result<ListPage> result = store_->List(RecordKind::kHouseholds, Query(county, limit), page);
    EXPECT_EQ(result.status().field(), "limit");
  }
}

TEST_F(StoreQueryTest, MemberCursorsHoldNoIdNumber) {
  const Scope county{ScopeKind::kRegion, registry_->all.regions.front().code};
  Collect page;
  Result<ListPage> result = store_->List(RecordKind::kMembers, Query(county, 4), page);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(page.members.size(), 4u);
  for (const Member& m : page.members) {
    EXPECT_EQ(result->next.find(m.id_number.Reveal()), std::string::npos);
    EXPECT_EQ(result->next.find(m.id_number.Reveal().substr(6, 8)), std::string::npos);
  }
}

TEST_F(StoreQueryTest, GetAndMembersOf) {
  const Household& h = registry_->all.households[17];
  Collect one;
  ASSERT_TRUE(store_->Get(RecordKind::kHouseholds, h.code, one).ok());
  ASSERT_EQ(one.households.size(), 1u);
  EXPECT_EQ(one.households[0], h);
  for (RecordKind kind : {RecordKind::kRegions, RecordKind::kUnits, RecordKind::kOrgs, RecordKind::kCadres}) {
    const std::string key = registry_->Ordered(kind)[2];
    Collect got;
    ASSERT_TRUE(store_->Get(kind, key, got).ok()) << Token(kind);
    EXPECT_EQ(got.keys, std::vector<std::string>{key});
  }
  Collect none;
  EXPECT_EQ(store_->Get(RecordKind::kHouseholds, "1499019999999999", none).code(), Code::kNotFound);
  EXPECT_EQ(store_->Get(RecordKind::kCadres, "", none).code(), Code::kNotFound);
  EXPECT_EQ(store_->Get(RecordKind::kMembers, h.head_id_number.Reveal(), none).code(), Code::kInvalidInput);
  EXPECT_TRUE(none.keys.empty());

  Collect members;
  ASSERT_TRUE(store_->MembersOf(h.code, members).ok());
  std::vector<Member> expected;
  for (const Member& m : registry_->all.members) {
    if (m.household_code == h.code) expected.push_back(m);
  }
  EXPECT_EQ(members.members, expected);  // Scan's order: the head first
  ASSERT_FALSE(members.members.empty());
  EXPECT_EQ(members.members.front().relation, "户主");
  EXPECT_EQ(store_->MembersOf("1499019999999999", none).code(), Code::kNotFound);
}

}  // namespace
}  // namespace lianxin::testing
