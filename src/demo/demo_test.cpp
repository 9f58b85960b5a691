#include "lianxin/demo.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lianxin/config.hpp"
#include "lianxin/validate.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define LIANXIN_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LIANXIN_TEST_ASAN 1
#endif
#endif
#ifdef LIANXIN_TEST_ASAN
// ASan keeps freed blocks in a quarantine (256 MiB by default) that counts as
// resident; draining it before each reading measures what the generator holds.
extern "C" void __sanitizer_purge_allocator();
#endif

namespace lianxin {
namespace {

// ID numbers are checked against a fixed day, so the test does not age.
constexpr Date kToday{2025, 1, 1};
constexpr std::string_view kCountyCode = "149901";

// PRODUCT.md §6: the shape of the demo county, as ranges the test accepts.
constexpr int kVillages = 390;
constexpr int kTownships = 13;
constexpr int kHouseholds = 90'000;
constexpr int kUnitCadres = 4'500;
constexpr double kTolerance = 0.10;
constexpr std::int64_t kCityHouseholds = 1'000'000;
constexpr std::int64_t kMaxCityRssGrowthKiB = 200 * 1024;

std::int64_t RssKiB() {
#ifdef LIANXIN_TEST_ASAN
  __sanitizer_purge_allocator();
#endif
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

// FNV-1a over every field of every record, in arrival order.
class Hasher {
 public:
  void Add(std::string_view text) {
    for (unsigned char c : text) Byte(c);
    Byte(0xff);  // field separator, so "ab"+"c" differs from "a"+"bc"
  }
  void Add(std::int64_t value) {
    for (int i = 0; i < 8; ++i) Byte(static_cast<unsigned char>(value >> (8 * i)));
  }
  void Add(double value) { Add(static_cast<std::int64_t>(value * 1000)); }
  template <typename E>
  requires std::is_enum_v<E>
  void Add(E value) { Add(static_cast<std::int64_t>(value)); }
  void Add(const std::vector<std::string>& items) {
    Add(static_cast<std::int64_t>(items.size()));
    for (const std::string& item : items) Add(item);
  }
  std::uint64_t value() const { return h_; }

 private:
  void Byte(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ULL;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

void HashRecord(Hasher& h, const Region& r) {
  h.Add(r.code), h.Add(r.name), h.Add(r.level), h.Add(r.parent_code);
}
void HashRecord(Hasher& h, const Unit& u) {
  h.Add(u.code), h.Add(u.name), h.Add(u.county_code), h.Add(std::int64_t{u.staff}), h.Add(u.strength);
}
void HashRecord(Hasher& h, const Org& o) {
  h.Add(o.code), h.Add(o.name), h.Add(o.kind), h.Add(o.region_code), h.Add(o.rating);
}
void HashRecord(Hasher& h, const Cadre& c) {
  h.Add(c.code), h.Add(c.name), h.Add(c.gender), h.Add(c.id_number.Reveal()), h.Add(c.phone.Reveal());
  h.Add(c.unit_code), h.Add(c.village_code), h.Add(c.rank), h.Add(c.education), h.Add(c.skills);
  h.Add(c.title), h.Add(std::int64_t{c.unit_head});
}
void HashRecord(Hasher& h, const Household& x) {
  h.Add(x.code), h.Add(x.village_code), h.Add(x.head_name), h.Add(x.head_id_number.Reveal());
  h.Add(x.phone.Reveal()), h.Add(std::int64_t{x.size}), h.Add(x.income_per_capita), h.Add(x.housing);
  h.Add(x.land_mu), h.Add(x.needs), h.Add(x.address), h.Add(x.difficulty), h.Add(x.tier);
}
void HashRecord(Hasher& h, const Member& m) {
  h.Add(m.id_number.Reveal()), h.Add(m.household_code), h.Add(m.name), h.Add(m.relation), h.Add(m.birth_date);
  h.Add(m.gender), h.Add(m.education), h.Add(m.labour), h.Add(m.health), h.Add(m.disability);
}

// Hashes everything and counts households; O(1) state, for the large presets.
class HashingSink : public RegistrySink {
 public:
  // Hashes only the first `limit` records (all when negative); refuses the
  // record after `stop_after` (never when negative).
  explicit HashingSink(std::int64_t limit = -1, std::int64_t stop_after = -1)
      : limit_(limit), stop_after_(stop_after) {}
  Status Add(const Region& r) override { return Take(r); }
  Status Add(const Unit& u) override { return Take(u); }
  Status Add(const Org& o) override { return Take(o); }
  Status Add(const Cadre& c) override { return Take(c); }
  Status Add(const Household& h) override {
    ++households;
    if ((households & 0xffff) == 0) peak_rss_kib = std::max(peak_rss_kib, RssKiB());
    return Take(h);
  }
  Status Add(const Member& m) override {
    ++members;
    return Take(m);
  }

  std::int64_t records = 0;
  std::int64_t households = 0;
  std::int64_t members = 0;
  std::int64_t peak_rss_kib = 0;
  Hasher hash;

 private:
  template <typename T>
  Status Take(const T& record) {
    if (stop_after_ >= 0 && records == stop_after_) return Status::Conflict("enough");
    if (limit_ < 0 || records < limit_) HashRecord(hash, record);
    ++records;
    return Status::Ok();
  }
  std::int64_t limit_;
  std::int64_t stop_after_;
};

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : "、") + item;
  return out;
}

// Checks every record as it arrives and keeps what the tests count.
class CheckingSink : public RegistrySink {
 public:
  explicit CheckingSink(const Config& config) : config_(config), need_dictionary_(config.NeedDictionary()) {}

  Status Add(const Region& r) override {
    ++records;
    HashRecord(hash, r);
    ++regions_by_level[r.level];
    Expect(ParseRegionCode(r.code, r.level).ok(), "region code " + r.code);
    if (r.level == RegionLevel::kCounty) {
      Expect(r.parent_code.empty(), "county with a parent " + r.code);
    } else {
      Expect(regions_.count(r.parent_code) == 1, "region before its parent " + r.code);
      Expect(CheckRegionParent(r.code, r.level, r.parent_code).ok(), "region parent " + r.code);
    }
    Expect(!r.name.empty(), "region without a name " + r.code);
    Expect(regions_.insert(r.code).second, "duplicate region " + r.code);
    if (r.level == RegionLevel::kVillage) {
      village_names_[r.code] = r.name;
      ++villages_per_township[r.parent_code];
    }
    return Status::Ok();
  }

  Status Add(const Unit& u) override {
    ++records;
    HashRecord(hash, u);
    Expect(regions_.count(u.county_code) == 1, "unit before its county " + u.code);
    Expect(u.staff >= 8 && u.staff <= 120, "unit staff " + u.code);
    Expect(units_.insert(u.code).second, "duplicate unit " + u.code);
    Expect(unit_names_.insert(u.name).second, "duplicate unit name " + u.name);
    return Status::Ok();
  }

  Status Add(const Org& o) override {
    ++records;
    HashRecord(hash, o);
    ++orgs_by_kind[o.kind];
    Expect(regions_.count(o.region_code) == 1, "org before its region " + o.code);
    Expect(orgs_.insert(o.code).second, "duplicate org " + o.code);
    if (o.kind == OrgKind::kVillageBranch) {
      Expect(o.code == o.region_code + "B", "branch code " + o.code);
      Expect(branch_villages.insert(o.region_code).second, "second branch in " + o.region_code);
      if (o.rating == OrgRating::kWeak) ++weak_branches;
    }
    return Status::Ok();
  }

  Status Add(const Cadre& c) override {
    ++records;
    HashRecord(hash, c);
    ++cadres_by_rank[c.rank];
    Expect(cadres_.insert(c.code).second, "duplicate cadre " + c.code);
    CheckId(c.id_number.Reveal(), c.gender, "");
    CheckPhone(c.phone.Reveal());
    Result<std::vector<std::string>> skills = ParseSkills(Join(c.skills), config_.skills);
    Expect(skills.ok() && *skills == c.skills && !c.skills.empty(), "skills of " + c.code);
    if (c.rank == Rank::kVillageMember) {
      Expect(c.unit_code.empty() && regions_.count(c.village_code) == 1,
             "village member's village " + c.code);
      Expect(!c.unit_head, "village member as unit head " + c.code);
      ++members_per_village[c.village_code];
      if (c.education >= Education::kCollege) ++educated_village_members;
    } else {
      Expect(c.village_code.empty() && units_.count(c.unit_code) == 1, "cadre's unit " + c.code);
      if (c.unit_head) {
        Expect(c.rank == Rank::kSection || c.rank == Rank::kCounty, "unit head's rank " + c.code);
        ++heads_per_unit[c.unit_code];
      }
      if (c.education >= Education::kCollege) ++educated_unit_cadres;
    }
    return Status::Ok();
  }

  Status Add(const Household& h) override {
    ++records;
    HashRecord(hash, h);
    CloseHousehold();
    Expect(regions_.count(h.village_code) == 1, "household before its village " + h.code);
    Expect(h.code.size() == 16 && h.code.starts_with(h.village_code), "household code " + h.code);
    Expect(households_.insert(h.code).second, "duplicate household " + h.code);
    Expect(h.size >= 1 && h.size <= 7, "household size " + h.code);
    Expect(h.land_mu >= 0 && h.land_mu <= 15, "land " + h.code);
    Expect(h.address.starts_with(village_name(h.village_code)), "address " + h.address);
    Result<std::vector<std::string>> needs = ParseNeeds(Join(h.needs), need_dictionary_);
    Expect(needs.ok() && *needs == h.needs && h.needs.size() <= 3, "needs of " + h.code);
    Household rescored = h;
    ScoreDifficulty(config_, rescored);
    Expect(rescored.difficulty == h.difficulty && rescored.tier == h.tier, "difficulty of " + h.code);
    if (!h.phone.empty()) {
      CheckPhone(h.phone.Reveal());
      ++with_phone;
    }
    if (!h.needs.empty()) ++with_needs;
    if (h.housing == Housing::kDangerous) {
      ++dangerous;
      Expect(std::find(h.needs.begin(), h.needs.end(), "危房") != h.needs.end(),
             "危房 without the need " + h.code);
    }
    if (h.income_per_capita < 4000) ++income_below_4000;
    incomes.push_back(h.income_per_capita);
    ++tiers[h.tier];
    household_ = h;
    members_seen_ = 0;
    return Status::Ok();
  }

  Status Add(const Member& m) override {
    ++records;
    HashRecord(hash, m);
    Expect(m.household_code == household_.code, "member after another household " + m.household_code);
    ++members_seen_;
    CheckId(m.id_number.Reveal(), m.gender, m.birth_date);
    if (members_seen_ == 1) {
      Expect(
          m.relation == "户主" && m.id_number == household_.head_id_number && m.name == household_.head_name,
          "head of " + m.household_code);
    } else {
      Expect(m.relation != "户主", "second head in " + m.household_code);
      if (m.relation == "子女" || m.relation == "孙子女") {
        Expect(m.name.substr(0, 3) == household_.head_name.substr(0, 3), "child's surname " + m.name);
      }
    }
    Expect((m.health == Health::kDisabled) == !m.disability.empty(), "disability of " + m.name);
    ++members;
    ++health[m.health];
    return Status::Ok();
  }

  void CloseHousehold() {
    if (!household_.code.empty()) {
      Expect(members_seen_ == household_.size, "member count of " + household_.code);
    }
  }

  std::string village_name(const std::string& code) const {
    auto it = village_names_.find(code);
    return it == village_names_.end() ? std::string("?") : it->second;
  }

  std::int64_t records = 0;
  std::int64_t members = 0;
  std::int64_t with_phone = 0;
  std::int64_t with_needs = 0;
  std::int64_t dangerous = 0;
  std::int64_t income_below_4000 = 0;
  std::int64_t educated_unit_cadres = 0;
  std::int64_t educated_village_members = 0;
  int weak_branches = 0;
  std::vector<std::int64_t> incomes;
  std::map<RegionLevel, int> regions_by_level;
  std::map<OrgKind, int> orgs_by_kind;
  std::map<Rank, int> cadres_by_rank;
  std::map<Tier, int> tiers;
  std::map<Health, int> health;
  std::set<std::string> branch_villages;
  std::map<std::string, int> villages_per_township;
  std::map<std::string, int> members_per_village;
  std::map<std::string, int> heads_per_unit;
  std::vector<std::string> failures;
  std::int64_t failure_count = 0;
  Hasher hash;

  std::int64_t households() const { return static_cast<std::int64_t>(households_.size()); }
  std::int64_t units() const { return static_cast<std::int64_t>(units_.size()); }

 private:
  void Expect(bool ok, const std::string& what) {
    if (ok) return;
    ++failure_count;
    if (failures.size() < 20) failures.push_back(what);
  }

  void CheckId(const std::string& id, Gender gender, const std::string& birth_date) {
    Result<IdInfo> info = ParseIdNumber(id, kToday);
    Expect(info.ok(), "ID number " + id + (info.ok() ? "" : ": " + info.status().message()));
    if (!info.ok()) return;
    Expect(info->normalized == id && info->gender == gender, "ID gender " + id);
    Expect(id.starts_with(kCountyCode), "ID region " + id);
    if (!birth_date.empty()) Expect(info->birth_date.ToString() == birth_date, "birth date of " + id);
    Expect(ids_.insert(id).second, "duplicate ID number " + id);
  }

  void CheckPhone(const std::string& phone) {
    Result<std::string> parsed = ParsePhone(phone);
    Expect(parsed.ok() && *parsed == phone && phone.size() == 11, "phone " + phone);
    Expect(phones_.insert(phone).second, "duplicate phone " + phone);
  }

  const Config& config_;
  Dictionary need_dictionary_;
  std::unordered_set<std::string> regions_, units_, unit_names_, orgs_, cadres_, households_, ids_, phones_;
  std::unordered_map<std::string, std::string> village_names_;
  Household household_;
  int members_seen_ = 0;
};

bool Within(double value, double target, double tolerance) {
  return value >= target * (1 - tolerance) && value <= target * (1 + tolerance);
}

void ExpectEveryRecordValid(const CheckingSink& s) {
  EXPECT_EQ(s.failure_count, 0);
  for (const std::string& failure : s.failures) ADD_FAILURE() << failure;
}

void ExpectRegionsOfTheSeedCounty(const CheckingSink& s) {
  EXPECT_EQ(s.regions_by_level.at(RegionLevel::kCounty), 1);
  EXPECT_EQ(s.regions_by_level.at(RegionLevel::kTownship), kTownships);
  EXPECT_EQ(s.regions_by_level.at(RegionLevel::kVillage), kVillages);
  EXPECT_EQ(s.regions_by_level.count(RegionLevel::kGrid), 0u);
  // ~30 villages a township, unevenly.
  std::set<int> sizes;
  for (const auto& [township, villages] : s.villages_per_township) {
    EXPECT_GE(villages, 24) << township;
    EXPECT_LE(villages, 36) << township;
    sizes.insert(villages);
  }
  EXPECT_GT(sizes.size(), 3u);
}

void ExpectPlausibleHouseholds(const CheckingSink& s) {
  const double households = static_cast<double>(s.households());
  EXPECT_TRUE(Within(households, kHouseholds, kTolerance)) << households;
  const double mean_size = static_cast<double>(s.members) / households;
  EXPECT_GE(mean_size, 3.0);
  EXPECT_LE(mean_size, 3.6);
  const double phone_share = static_cast<double>(s.with_phone) / households;
  EXPECT_GE(phone_share, 0.80);
  EXPECT_LE(phone_share, 0.90);
  const double need_share = static_cast<double>(s.with_needs) / households;
  EXPECT_GE(need_share, 0.35);
  EXPECT_LE(need_share, 0.45);
  const double dangerous_share = static_cast<double>(s.dangerous) / households;
  EXPECT_GE(dangerous_share, 0.02);
  EXPECT_LE(dangerous_share, 0.04);
  EXPECT_GT(s.income_below_4000, 0);
  std::vector<std::int64_t> incomes = s.incomes;
  std::nth_element(incomes.begin(), incomes.begin() + incomes.size() / 2, incomes.end());
  const std::int64_t median = incomes[incomes.size() / 2];
  EXPECT_GE(median, 7000);
  EXPECT_LE(median, 10000);
  // Every tier occurs, so pairing has work at each rank.
  EXPECT_EQ(s.tiers.size(), 3u);
  const double members = static_cast<double>(s.members);
  EXPECT_NEAR(s.health.at(Health::kChronic) / members, 0.05, 0.01);
  EXPECT_NEAR(s.health.at(Health::kSerious) / members, 0.02, 0.005);
  EXPECT_NEAR(s.health.at(Health::kDisabled) / members, 0.03, 0.007);
}

void ExpectUnitsAndCadresOfTheSeed(const CheckingSink& s) {
  EXPECT_GE(s.units(), 90);
  EXPECT_LE(s.units(), 110);
  int unit_cadres = 0;
  for (const auto& [rank, count] : s.cadres_by_rank) {
    if (rank != Rank::kVillageMember) unit_cadres += count;
  }
  EXPECT_TRUE(Within(unit_cadres, kUnitCadres, kTolerance)) << unit_cadres;
  EXPECT_GE(s.cadres_by_rank.at(Rank::kCounty), 12);
  EXPECT_LE(s.cadres_by_rank.at(Rank::kCounty), 18);
  EXPECT_TRUE(Within(s.cadres_by_rank.at(Rank::kSection), 300, 0.15)) << s.cadres_by_rank.at(Rank::kSection);
  EXPECT_TRUE(Within(s.cadres_by_rank.at(Rank::kDeputySection), 700, 0.15))
      << s.cadres_by_rank.at(Rank::kDeputySection);
  // Exactly one head (单位一把手) per unit.
  EXPECT_EQ(static_cast<std::int64_t>(s.heads_per_unit.size()), s.units());
  for (const auto& [unit, heads] : s.heads_per_unit) EXPECT_EQ(heads, 1) << unit;
  // Unit cadres are better schooled than village party members.
  const double unit_educated = static_cast<double>(s.educated_unit_cadres) / unit_cadres;
  const double village_educated =
      static_cast<double>(s.educated_village_members) / s.cadres_by_rank.at(Rank::kVillageMember);
  EXPECT_GT(unit_educated, 0.7);
  EXPECT_LT(village_educated, 0.3);
}

void ExpectVillagePartyMembersAndBranches(const CheckingSink& s) {
  EXPECT_EQ(static_cast<int>(s.members_per_village.size()), kVillages);
  const double per_village = static_cast<double>(s.cadres_by_rank.at(Rank::kVillageMember)) / kVillages;
  EXPECT_GE(per_village, 7.0);
  EXPECT_LE(per_village, 9.0);
  EXPECT_EQ(s.orgs_by_kind.at(OrgKind::kVillageBranch), kVillages);
  EXPECT_EQ(static_cast<int>(s.branch_villages.size()), kVillages);
  const double weak_share = static_cast<double>(s.weak_branches) / kVillages;
  EXPECT_GE(weak_share, 0.10);
  EXPECT_LE(weak_share, 0.20);
  EXPECT_GE(s.orgs_by_kind.at(OrgKind::kNonPublic), 30);
  EXPECT_LE(s.orgs_by_kind.at(OrgKind::kNonPublic), 50);
  EXPECT_GE(s.orgs_by_kind.at(OrgKind::kSocial), 20);
  EXPECT_LE(s.orgs_by_kind.at(OrgKind::kSocial), 40);
}

void PrintShape(const CheckingSink& s) {
  std::cout << "demo county: " << s.records << " records, " << s.households() << " households, " << s.members
            << " members, " << s.units() << " units, cadres by rank";
  for (const auto& [rank, count] : s.cadres_by_rank)
    std::cout << ' ' << static_cast<int>(rank) << ':' << count;
  std::cout << ", weak branches " << s.weak_branches << ", non-public "
            << s.orgs_by_kind.at(OrgKind::kNonPublic) << ", social " << s.orgs_by_kind.at(OrgKind::kSocial)
            << ", with needs " << s.with_needs << ", tiers";
  for (const auto& [tier, count] : s.tiers) std::cout << ' ' << static_cast<int>(tier) << ':' << count;
  std::cout << '\n';
}

// PRODUCT.md §6: the county preset has the seed county's shape, and every
// record is valid and arrives after everything it references. One test, so
// the (sanitizer-slow) generation runs once under ctest's process-per-test.
TEST(DemoTest, CountyPresetHasTheSeedCountysShapeAndValidRecords) {
  const Config config = Config::Defaults();
  CheckingSink sink(config);
  const Status status = GenerateDemo(DemoOptions{DemoScale::kCounty, 1}, config, sink);
  ASSERT_TRUE(status.ok()) << status.ToString();
  sink.CloseHousehold();
  {
    SCOPED_TRACE("records");
    ExpectEveryRecordValid(sink);
  }
  {
    SCOPED_TRACE("regions");
    ExpectRegionsOfTheSeedCounty(sink);
  }
  {
    SCOPED_TRACE("households");
    ExpectPlausibleHouseholds(sink);
  }
  {
    SCOPED_TRACE("units and cadres");
    ExpectUnitsAndCadresOfTheSeed(sink);
  }
  {
    SCOPED_TRACE("villages");
    ExpectVillagePartyMembersAndBranches(sink);
  }
  PrintShape(sink);
}

TEST(DemoTest, SameSeedSameRegistryOtherSeedOtherRegistry) {
  const Config config = Config::Defaults();
  HashingSink first, again;
  ASSERT_TRUE(GenerateDemo(DemoOptions{DemoScale::kCounty, 7}, config, first).ok());
  ASSERT_TRUE(GenerateDemo(DemoOptions{DemoScale::kCounty, 7}, config, again).ok());
  EXPECT_EQ(first.records, again.records);
  EXPECT_EQ(first.hash.value(), again.hash.value());
  // Another seed differs from the start: the first 20,000 records are enough to tell.
  constexpr std::int64_t kPrefix = 20'000;
  HashingSink prefix(-1, kPrefix), other(-1, kPrefix);
  EXPECT_EQ(GenerateDemo(DemoOptions{DemoScale::kCounty, 7}, config, prefix).code(), Code::kConflict);
  EXPECT_EQ(GenerateDemo(DemoOptions{DemoScale::kCounty, 8}, config, other).code(), Code::kConflict);
  EXPECT_EQ(prefix.records, kPrefix);
  EXPECT_NE(prefix.hash.value(), other.hash.value());
}

TEST(DemoTest, StopsAtTheSinksFirstError) {
  class FailingSink : public HashingSink {
   public:
    Status Add(const Household& h) override {
      if (households == 10) return Status::Conflict("full");
      return HashingSink::Add(h);
    }
    using HashingSink::Add;
  };
  const Config config = Config::Defaults();
  FailingSink sink;
  const Status status = GenerateDemo(DemoOptions{}, config, sink);
  EXPECT_EQ(status.code(), Code::kConflict);
  EXPECT_EQ(sink.households, 10);
}

TEST(DemoTest, ParsesScales) {
  EXPECT_EQ(*ParseDemoScale("county"), DemoScale::kCounty);
  EXPECT_EQ(*ParseDemoScale("city"), DemoScale::kCity);
  EXPECT_EQ(*ParseDemoScale("province"), DemoScale::kProvince);
  Result<DemoScale> bad = ParseDemoScale("town");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kUsage);
  for (std::string_view name : {"county", "city", "province", "town"}) {
    EXPECT_NE(bad.status().message().find(name), std::string::npos) << name;
  }
}

// The city preset streams: ~1 M households through a sink that keeps O(1)
// state, with the process's resident memory growing by far less than the
// registry it produced. Its first county is the county preset's, record for record.
TEST(DemoTest, CityPresetStreamsInBoundedMemory) {
  const Config config = Config::Defaults();
  HashingSink county;
  ASSERT_TRUE(GenerateDemo(DemoOptions{DemoScale::kCounty, 3}, config, county).ok());

  const std::int64_t before = RssKiB();
  HashingSink city(county.records);
  ASSERT_TRUE(GenerateDemo(DemoOptions{DemoScale::kCity, 3}, config, city).ok());
  const std::int64_t after = RssKiB();
  ASSERT_GT(before, 0);

  EXPECT_TRUE(Within(static_cast<double>(city.households), kCityHouseholds, kTolerance)) << city.households;
  EXPECT_EQ(city.hash.value(), county.hash.value());
  EXPECT_LT(after - before, kMaxCityRssGrowthKiB);
  EXPECT_LT(city.peak_rss_kib - before, kMaxCityRssGrowthKiB);
  std::cout << "city preset: " << city.households << " households, " << city.members << " members, RSS "
            << before / 1024 << " MiB before, peak " << city.peak_rss_kib / 1024 << " MiB, " << after / 1024
            << " MiB after\n";
}

}  // namespace
}  // namespace lianxin
