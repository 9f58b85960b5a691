// The registry's storage (PRODUCT.md §1): regions, units, orgs,
// cadres, households and members — their rows, the scope rules in SQL, and
// the API's list, search and single-record reads.
#include <sodium.h>

#include <charconv>
#include <cstring>
#include <optional>

#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

const TableDef& Def(RecordKind kind) {
  static const TableDef kRegions{"regions",
                                 {{"code"}, {"name"}, {"level"}, {"parent_code"}, {"county_code"}},
                                 "code",
                                 /*given_key=*/true};
  static const TableDef kUnits{
      "units", {{"code"}, {"name"}, {"county_code"}, {"staff"}, {"strength"}}, "code", /*given_key=*/true};
  static const TableDef kOrgs{"orgs",
                              {{"code"}, {"name"}, {"kind"}, {"region_code"}, {"rating"}, {"county_code"}},
                              "code",
                              /*given_key=*/true};
  static const TableDef kCadres{"cadres",
                                {{"code"},
                                 {"name"},
                                 {"gender"},
                                 {"id_enc", 4, false, "cadres.id"},
                                 {"id_bidx"},
                                 {"phone_enc", 6, false, "cadres.phone"},
                                 {"phone_bidx"},
                                 {"unit_code"},
                                 {"village_code"},
                                 {"rank"},
                                 {"education"},
                                 {"skills"},
                                 {"title"},
                                 {"unit_head"},
                                 {"county_code"}},
                                "code",
                                /*given_key=*/true};
  static const TableDef kHouseholds{"households",
                                    {{"code"},
                                     {"village_code"},
                                     {"head_name"},
                                     {"head_id_enc", 4, false, "households.head_id"},
                                     {"head_id_bidx"},
                                     {"phone_enc", 6, false, "households.phone"},
                                     {"phone_bidx"},
                                     {"size"},
                                     {"income_per_capita"},
                                     {"housing"},
                                     {"land_mu"},
                                     {"needs"},
                                     {"address"},
                                     {"difficulty"},
                                     {"tier"},
                                     {"county_code"}},
                                    "code",
                                    /*given_key=*/true};
  static const TableDef kMembers{"members",
                                 {{"id_bidx"},
                                  {"id_enc", 0, false, "members.id"},
                                  {"household_code"},
                                  {"name"},
                                  {"relation"},
                                  {"birth_date"},
                                  {"gender"},
                                  {"education"},
                                  {"labour"},
                                  {"health"},
                                  {"disability"},
                                  {"county_code"}},
                                 // The head first, then the order members were added.
                                 "household_code, relation <> '户主', seq",
                                 /*given_key=*/true};
  // In RecordKind order.
  static const TableDef* const kByKind[] = {&kRegions, &kUnits, &kOrgs, &kCadres, &kHouseholds, &kMembers};
  return *kByKind[static_cast<size_t>(kind)];
}

std::vector<std::string> Split(std::string_view text) {
  std::vector<std::string> out;
  const std::string_view sep = "、";
  while (!text.empty()) {
    size_t at = text.find(sep);
    out.emplace_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + sep.size());
  }
  return out;
}

Result<Region> DecodeRegion(const Statement& s) {
  Region r;
  r.code = s.Text(0);
  r.name = s.Text(1);
  LX_ASSIGN_OR_RETURN(r.level, FromToken(s.Text(2),
                                         {RegionLevel::kCounty, RegionLevel::kTownship, RegionLevel::kVillage,
                                          RegionLevel::kGrid},
                                         "regions.level"));
  r.parent_code = s.Text(3);
  return r;
}

Result<Unit> DecodeUnit(const Statement& s) {
  Unit u;
  u.code = s.Text(0);
  u.name = s.Text(1);
  u.county_code = s.Text(2);
  u.staff = static_cast<int>(s.Int(3));
  LX_ASSIGN_OR_RETURN(
      u.strength, FromToken(s.Text(4), {UnitStrength::kStrong, UnitStrength::kMedium, UnitStrength::kWeak},
                            "units.strength"));
  return u;
}

Result<Org> DecodeOrg(const Statement& s) {
  Org o;
  o.code = s.Text(0);
  o.name = s.Text(1);
  LX_ASSIGN_OR_RETURN(
      o.kind,
      FromToken(s.Text(2), {OrgKind::kVillageBranch, OrgKind::kNonPublic, OrgKind::kSocial}, "orgs.kind"));
  o.region_code = s.Text(3);
  LX_ASSIGN_OR_RETURN(
      o.rating,
      FromToken(s.Text(4), {OrgRating::kGood, OrgRating::kFair, OrgRating::kAverage, OrgRating::kWeak},
                "orgs.rating"));
  return o;
}

constexpr std::initializer_list<Gender> kGenders = {Gender::kUnknown, Gender::kMale, Gender::kFemale};

constexpr std::initializer_list<Education> kEducations = {
    Education::kNone,    Education::kPrimary,  Education::kJunior,      Education::kSenior,
    Education::kCollege, Education::kBachelor, Education::kPostgraduate};

Result<Cadre> DecodeCadre(const Statement& s, const Codec& codec) {
  Cadre c;
  c.code = s.Text(0);
  c.name = s.Text(1);
  LX_ASSIGN_OR_RETURN(c.gender, FromToken(s.Text(2), kGenders, "cadres.gender"));
  LX_ASSIGN_OR_RETURN(std::string id, codec.Open(s, 3, "cadres.id", c.code));
  c.id_number = IdNumber(std::move(id));
  LX_ASSIGN_OR_RETURN(std::string phone, codec.Open(s, 5, "cadres.phone", c.code));
  c.phone = Phone(std::move(phone));
  c.unit_code = s.Text(7);
  c.village_code = s.Text(8);
  LX_ASSIGN_OR_RETURN(c.rank, FromToken(s.Text(9),
                                        {Rank::kCounty, Rank::kSection, Rank::kDeputySection, Rank::kOrdinary,
                                         Rank::kVillageMember},
                                        "cadres.rank"));
  LX_ASSIGN_OR_RETURN(c.education, FromToken(s.Text(10), kEducations, "cadres.education"));
  if (!s.Text(11).empty()) c.skills = Split(s.Text(11));
  c.title = s.Text(12);
  c.unit_head = s.Int(13) != 0;
  return c;
}

Result<Household> DecodeHousehold(const Statement& s, const Codec& codec) {
  Household h;
  h.code = s.Text(0);
  h.village_code = s.Text(1);
  h.head_name = s.Text(2);
  LX_ASSIGN_OR_RETURN(std::string id, codec.Open(s, 3, "households.head_id", h.code));
  h.head_id_number = IdNumber(std::move(id));
  LX_ASSIGN_OR_RETURN(std::string phone, codec.Open(s, 5, "households.phone", h.code));
  h.phone = Phone(std::move(phone));
  h.size = static_cast<int>(s.Int(7));
  h.income_per_capita = s.Int(8);
  LX_ASSIGN_OR_RETURN(
      h.housing,
      FromToken(s.Text(9), {Housing::kSafe, Housing::kOrdinary, Housing::kDangerous}, "households.housing"));
  h.land_mu = s.Real(10);
  if (!s.Text(11).empty()) h.needs = Split(s.Text(11));
  h.address = s.Text(12);
  h.difficulty = s.Real(13);
  LX_ASSIGN_OR_RETURN(
      h.tier, FromToken(s.Text(14), {Tier::kEasier, Tier::kHarder, Tier::kHardest}, "households.tier"));
  return h;
}

Result<Member> DecodeMember(const Statement& s, const Codec& codec) {
  Member m;
  LX_ASSIGN_OR_RETURN(std::string id, codec.Open(s, 1, "members.id", ToHex(s.Blob(0))));
  m.id_number = IdNumber(std::move(id));
  m.household_code = s.Text(2);
  m.name = s.Text(3);
  m.relation = s.Text(4);
  m.birth_date = s.Text(5);
  LX_ASSIGN_OR_RETURN(m.gender, FromToken(s.Text(6), kGenders, "members.gender"));
  LX_ASSIGN_OR_RETURN(m.education, FromToken(s.Text(7), kEducations, "members.education"));
  LX_ASSIGN_OR_RETURN(
      m.labour,
      FromToken(s.Text(8), {Labour::kFull, Labour::kWeak, Labour::kLost, Labour::kNone}, "members.labour"));
  LX_ASSIGN_OR_RETURN(
      m.health,
      FromToken(s.Text(9), {Health::kHealthy, Health::kChronic, Health::kSerious, Health::kDisabled},
                "members.health"));
  m.disability = s.Text(10);
  return m;
}

Result<UpsertOutcome> SqlTxn::Upsert(const Region& r) {
  return UpsertImage(Def(RecordKind::kRegions), store_.codec().Of(r));
}

Result<UpsertOutcome> SqlTxn::Upsert(const Unit& u) {
  return UpsertImage(Def(RecordKind::kUnits), store_.codec().Of(u));
}

Result<UpsertOutcome> SqlTxn::Upsert(const Org& o) {
  return UpsertImage(Def(RecordKind::kOrgs), store_.codec().Of(o));
}

Result<UpsertOutcome> SqlTxn::Upsert(const Cadre& c) {
  std::string county = c.village_code.substr(0, 6);
  if (!c.unit_code.empty()) {
    LX_ASSIGN_OR_RETURN(county, CountyOfUnit(c.unit_code));
  }
  return UpsertImage(Def(RecordKind::kCadres), store_.codec().Of(c, county));
}

Result<UpsertOutcome> SqlTxn::Upsert(const Household& h) {
  const TableDef& def = Def(RecordKind::kHouseholds);
  // A load seals its rows on the thread that writes them (LoadIntoEmpty).
  return UpsertImage(def, journal_.Finishes(def) ? store_.codec().PlainOf(h) : store_.codec().Of(h));
}

Result<UpsertOutcome> SqlTxn::Upsert(const Member& m) {
  LX_ASSIGN_OR_RETURN(std::string county, CountyOfHousehold(m.household_code));
  return UpsertImage(Def(RecordKind::kMembers), store_.codec().Of(m, county));
}

Result<std::string> SqlTxn::CountyOfUnit(const std::string& unit_code) {
  auto it = county_of_unit_.find(unit_code);
  if (it != county_of_unit_.end()) return it->second;
  LX_ASSIGN_OR_RETURN(std::optional<std::string> county, CountyOf("units", "code", unit_code));
  if (!county) return Status::Conflict("单位 " + unit_code + " 不存在");
  county_of_unit_.emplace(unit_code, *county);
  return *county;
}

Result<std::string> SqlTxn::CountyOfHousehold(const std::string& household_code) {
  // Members arrive grouped by household, so remembering the last one is enough.
  if (household_code == last_household_) return last_household_county_;
  LX_ASSIGN_OR_RETURN(std::optional<std::string> county, CountyOf("households", "code", household_code));
  if (!county) return Status::Conflict("户 " + household_code + " 不存在");
  last_household_ = household_code;
  last_household_county_ = std::move(*county);
  return last_household_county_;
}

Result<std::optional<Region>> SqlTxn::FindRegion(std::string_view code) {
  LX_ASSIGN_OR_RETURN(Statement * select,
                      store_.Prepare(SelectSql(Def(RecordKind::kRegions)) + " WHERE code = ?1"));
  select->Bind(1, code);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<Region>();
  LX_ASSIGN_OR_RETURN(Region region, DecodeRegion(*select));
  return std::optional<Region>(std::move(region));
}

Result<bool> SqlTxn::Exists(RecordKind kind, std::string_view key) {
  const TableDef& def = Def(kind);
  LX_ASSIGN_OR_RETURN(Statement * select,
                      store_.Prepare("SELECT 1 FROM " + std::string(def.name) + " WHERE " +
                                     std::string(def.columns[0].name) + " = ?1"));
  if (kind == RecordKind::kMembers) {
    select->BindBlob(1, store_.codec().IdIndex(IdNumber(std::string(key))));
  } else {
    select->Bind(1, key);
  }
  return select->Step();
}

Result<std::optional<std::string>> SqlTxn::OwnerOfIdNumber(RecordKind kind, const IdNumber& id) {
  std::string sql;
  switch (kind) {
    case RecordKind::kCadres:
      sql = "SELECT code FROM cadres WHERE " + store_.seam().BlindIndexEquals("id_bidx", "?1");
      break;
    case RecordKind::kHouseholds:
      sql = "SELECT code FROM households WHERE " + store_.seam().BlindIndexEquals("head_id_bidx", "?1");
      break;
    case RecordKind::kMembers:
      sql = "SELECT household_code FROM members WHERE id_bidx = ?1";
      break;
    default:
      return Status::Internal("OwnerOfIdNumber: 该类记录没有身份证号");
  }
  LX_ASSIGN_OR_RETURN(Statement * select, store_.Prepare(sql));
  select->BindBlob(1, store_.codec().IdIndex(id));
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(std::string(select->Text(0)));
}

Result<std::optional<std::string>> SqlTxn::HeadOfUnit(std::string_view unit_code) {
  LX_ASSIGN_OR_RETURN(Statement * select,
                      store_.Prepare("SELECT code FROM cadres WHERE unit_code = ?1 AND unit_head = 1"));
  select->Bind(1, unit_code);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(std::string(select->Text(0)));
}

Result<bool> SqlTxn::Empty(RecordKind kind) {
  LX_ASSIGN_OR_RETURN(Statement * select,
                      store_.Prepare("SELECT 1 FROM " + std::string(Def(kind).name) + " LIMIT 1"));
  LX_ASSIGN_OR_RETURN(bool any, select->Step());
  return !any;
}

Result<RegistryCounts> SqlStore::Counts() {
  RegistryCounts c;
  LX_ASSIGN_OR_RETURN(c.regions, CountOf("SELECT COUNT(*) FROM regions"));
  LX_ASSIGN_OR_RETURN(c.townships, CountOf("SELECT COUNT(*) FROM regions WHERE level = 'township'"));
  LX_ASSIGN_OR_RETURN(c.villages, CountOf("SELECT COUNT(*) FROM regions WHERE level = 'village'"));
  LX_ASSIGN_OR_RETURN(c.units, CountOf("SELECT COUNT(*) FROM units"));
  LX_ASSIGN_OR_RETURN(c.orgs, CountOf("SELECT COUNT(*) FROM orgs"));
  LX_ASSIGN_OR_RETURN(c.weak_branches,
                      CountOf("SELECT COUNT(*) FROM orgs WHERE kind = 'village_branch' AND rating = 'weak'"));
  LX_ASSIGN_OR_RETURN(c.cadres, CountOf("SELECT COUNT(*) FROM cadres"));
  LX_ASSIGN_OR_RETURN(c.village_members,
                      CountOf("SELECT COUNT(*) FROM cadres WHERE rank = 'village_member'"));
  LX_ASSIGN_OR_RETURN(c.households, CountOf("SELECT COUNT(*) FROM households"));
  LX_ASSIGN_OR_RETURN(c.members, CountOf("SELECT COUNT(*) FROM members"));
  return c;
}

Status EmitRow(RecordKind kind, const Statement& row, const Codec& codec, RegistrySink& sink);

Status SqlStore::Scan(RecordKind kind, RegistrySink& sink) { return ScanIn(kind, sink, ""); }

Result<std::optional<Household>> SqlStore::GetHousehold(std::string_view code) {
  LX_ASSIGN_OR_RETURN(Statement * select,
                      Prepare(SelectSql(Def(RecordKind::kHouseholds)) + " WHERE code = ?1"));
  select->Bind(1, code);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<Household>();
  LX_ASSIGN_OR_RETURN(Household h, DecodeHousehold(*select, codec_));
  return std::optional<Household>(std::move(h));
}

// One SQL condition and its `?` parameters, in the order they appear.
struct Condition {
  std::string sql;
  std::vector<Cell> binds;
};

const Condition kNothing{"1 = 0", {}};

// The least string above every string that starts with `prefix` (empty when
// there is none), so `column >= prefix AND column < end` is a prefix match
// an index can serve.
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

// A region subtree as a range of codes: [lo, hi).
struct Subtree {
  std::string county;  // its 6 digits
  std::string lo, hi;
  bool whole_county = false;
};

// ScopeContains' hierarchy (auth.hpp): a county is its 6 digits (also
// written as 12 ending 000000), a township its first 9 (12 ending 000), a
// village all 12. nullopt for anything else.
std::optional<Subtree> SubtreeOf(std::string_view code) {
  std::optional<std::string> lo = RegionSubtreePrefix(code);
  if (!lo) return std::nullopt;
  return Subtree{lo->substr(0, 6), *lo, PrefixEnd(*lo), lo->size() == 6};
}

Condition InSubtree(const std::string& column, const Subtree& t) {
  return {column + " >= ? AND " + column + " < ?", {Cell::Text(t.lo), Cell::Text(t.hi)}};
}

constexpr std::string_view kVillagesOfUnit =
    "SELECT held FROM pairs WHERE kind = 'unit_village' AND holder = ?";

constexpr std::string_view kHouseholdsOfCadre =
    "SELECT held FROM pairs WHERE kind IN ('contact', 'assistance') AND holder = ?";

// How the planner may use a condition. kLead: read the table through the
// condition's index (right for a narrow condition). kFilter: only test rows
// read some other way — for a page of a large selection, read in key order
// and stopped after one page, or for the wider of two nested regions — by
// writing "+column", which SQLite does not look up through an index.
enum class Use { kLead, kFilter };

std::string Col(Use use, std::string_view column) {
  return (use == Use::kFilter ? "+" : "") + std::string(column);
}

// The codes of the units a region subtree reaches: a county's own units; for
// a township or village, the units holding one of its villages.
Condition UnitsIn(const Subtree& t) {
  if (t.whole_county) return {"SELECT code FROM units WHERE county_code = ?", {Cell::Text(t.county)}};
  return {"SELECT holder FROM pairs WHERE kind = 'unit_village' AND held >= ? AND held < ?",
          {Cell::Text(t.lo), Cell::Text(t.hi)}};
}

// Members whose household meets `households` (a condition on the households
// table): as a list of household codes when leading, and as a look-up of
// each member's household when filtering (a page of a large selection then
// costs a few rows, not the list of every household in it).
Condition MembersOfHouseholds(Condition households, Use use) {
  if (use == Use::kLead) {
    return {"household_code IN (SELECT code FROM households WHERE " + households.sql + ")",
            std::move(households.binds)};
  }
  return {"EXISTS (SELECT 1 FROM households WHERE households.code = members.household_code AND (" +
              households.sql + "))",
          std::move(households.binds)};
}

// What a region scope, or the region filter, on subtree `t` selects of `kind`.
Condition RegionRule(RecordKind kind, const Subtree& t, Use use) {
  switch (kind) {
    case RecordKind::kRegions:
      return InSubtree("code", t);  // the key: a range of the table itself
    case RecordKind::kUnits: {
      Condition units = UnitsIn(t);
      return {"code IN (" + units.sql + ")", units.binds};
    }
    case RecordKind::kOrgs:
      return InSubtree(Col(use, "region_code"), t);
    case RecordKind::kCadres: {
      // A village's own party members, and, for a whole county, the cadres
      // of its units: a unit's cadres are owned by the county the unit is
      // registered in, never by the townships whose villages it holds.
      Condition village = InSubtree(Col(use, "village_code"), t);
      if (!t.whole_county) return village;
      Condition units = UnitsIn(t);
      std::vector<Cell> binds = village.binds;
      binds.insert(binds.end(), units.binds.begin(), units.binds.end());
      return {"(" + village.sql + ") OR " + Col(use, "unit_code") + " IN (" + units.sql + ")",
              std::move(binds)};
    }
    case RecordKind::kHouseholds:
      return InSubtree(Col(use, "village_code"), t);
    case RecordKind::kMembers:
      return MembersOfHouseholds(InSubtree("village_code", t), use);
  }
  return kNothing;
}

// A chunk at a time (ForEachInChunks), so that neither database holds a
// whole table in memory: by code, and members a few thousand households at
// a time, in their export order. One county's records are read at once,
// through the rule a county's scope has (RegionRule) and the tables'
// indexes: a county's share of a province, not the province.
Status SqlStore::ScanIn(RecordKind kind, RegistrySink& sink, std::string_view county) {
  const TableDef& def = Def(kind);
  auto emit = [&](const Statement& row) { return EmitRow(kind, row, codec_, sink); };
  if (!county.empty()) {
    std::optional<Subtree> subtree = SubtreeOf(county);
    if (!subtree || !subtree->whole_county) {
      return Status::Invalid("县的区划代码应为 6 位数字: " + std::string(county) + " (county_code)",
                             "county");
    }
    Condition rule = RegionRule(kind, *subtree, Use::kLead);
    LX_ASSIGN_OR_RETURN(Statement * rows, Prepare(SelectSql(def) + " WHERE " + rule.sql + " ORDER BY " +
                                                  std::string(def.order_by)));
    rows->Reset();
    for (size_t i = 0; i < rule.binds.size(); ++i) rows->Bind(static_cast<int>(i + 1), rule.binds[i]);
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, rows->Step());
      if (!row) return Status::Ok();
      LX_RETURN_IF_ERROR(emit(*rows));
    }
  }
  if (kind != RecordKind::kMembers) return sql::ForEachInChunks(seam(), SelectSql(def), "code", 0, emit);
  constexpr int kHouseholdsAChunk = 5000;
  for (std::string after;;) {
    LX_ASSIGN_OR_RETURN(Statement * bound,
                        Prepare("SELECT code FROM households WHERE code > ?1 ORDER BY code LIMIT 1 "
                                "OFFSET " +
                                std::to_string(kHouseholdsAChunk - 1)));
    bound->Bind(1, after);
    LX_ASSIGN_OR_RETURN(bool more, bound->Step());
    std::optional<std::string> upto;
    if (more) upto = std::string(bound->Text(0));
    bound->Reset();
    LX_ASSIGN_OR_RETURN(Statement * rows, Prepare(SelectSql(def) + " WHERE household_code > ?1" +
                                                  (upto ? " AND household_code <= ?2" : "") + " ORDER BY " +
                                                  std::string(def.order_by)));
    rows->Bind(1, after);
    if (upto) rows->Bind(2, *upto);
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, rows->Step());
      if (!row) break;
      LX_RETURN_IF_ERROR(emit(*rows));
    }
    if (!upto) return Status::Ok();
    after = std::move(*upto);
  }
}

// What `scope` reaches of `kind`; nothing for kNone or a malformed scope.
Condition ScopeRule(RecordKind kind, const Scope& scope, Use use) {
  const std::string in_villages = " IN (" + std::string(kVillagesOfUnit) + ")";
  const std::string in_households = " IN (" + std::string(kHouseholdsOfCadre) + ")";
  const Cell code = Cell::Text(scope.code);
  switch (scope.kind) {
    case ScopeKind::kNone:
      return kNothing;
    case ScopeKind::kRegion: {
      std::optional<Subtree> t = SubtreeOf(scope.code);
      return t ? RegionRule(kind, *t, use) : kNothing;
    }
    case ScopeKind::kUnit:
      if (scope.code.empty()) return kNothing;
      switch (kind) {
        case RecordKind::kRegions:
          return {"code" + in_villages, {code}};
        case RecordKind::kUnits:
          return {"code = ?", {code}};
        case RecordKind::kOrgs:
          return {Col(use, "region_code") + in_villages, {code}};
        case RecordKind::kCadres:
          return {Col(use, "unit_code") + " = ?", {code}};
        case RecordKind::kHouseholds:
          return {Col(use, "village_code") + in_villages, {code}};
        case RecordKind::kMembers:
          return MembersOfHouseholds({"village_code" + in_villages, {code}}, use);
      }
      return kNothing;
    case ScopeKind::kCadre:
      if (scope.code.empty()) return kNothing;
      switch (kind) {
        case RecordKind::kRegions:
          return {"code IN (SELECT village_code FROM households WHERE code" + in_households + ")", {code}};
        case RecordKind::kUnits:
          return {"code IN (SELECT unit_code FROM cadres WHERE code = ?)", {code}};
        case RecordKind::kOrgs:
          return kNothing;
        case RecordKind::kCadres:
          return {"code = ?", {code}};
        case RecordKind::kHouseholds:
          return {"code" + in_households, {code}};
        case RecordKind::kMembers:
          // Few households: their members through the index, either way.
          return {"household_code" + in_households, {code}};
      }
      return kNothing;
  }
  return kNothing;
}

// `text` for LIKE ... ESCAPE '\': its wildcards taken literally.
std::string EscapeLike(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// ListQuery::q for `kind`. A whole valid ID number is looked up through the
// blind index alone (no name holds one, no key begins with one); a whole
// valid phone number through the blind index or as a key prefix (a digit
// string like 14990100100 is both); any other text as a name (or address)
// substring or a key prefix. The look-ups are index searches, the substring
// a scan.
Condition TextRule(RecordKind kind, std::string_view q, const FieldCipher& cipher, const Date& today,
                   const sql::Connection& db) {
  Condition out;
  auto any = [&out](std::string sql, std::vector<Cell> binds) {
    if (!out.sql.empty()) out.sql += " OR ";
    out.sql += "(" + sql + ")";
    out.binds.insert(out.binds.end(), binds.begin(), binds.end());
  };
  const std::string key = kind == RecordKind::kMembers ? "household_code" : "code";
  auto key_prefix = [&] {
    std::string end = PrefixEnd(std::string(q));
    if (end.empty()) return any(key + " >= ?", {Cell::Text(q)});
    any(key + " >= ? AND " + key + " < ?", {Cell::Text(q), Cell::Text(end)});
  };
  if (Result<IdInfo> info = ParseIdNumber(q, today); info.ok()) {
    const Cell id = Cell::Blob(cipher.BlindIndex(kIdDomain, info->normalized));
    switch (kind) {
      case RecordKind::kCadres:
        any(db.BlindIndexEquals("id_bidx", "?"), {id});
        break;
      case RecordKind::kMembers:
        any("id_bidx = ?", {id});
        break;
      case RecordKind::kHouseholds:
        // By its head, or by any member: the ID a caller gives may be anyone's in the household.
        any(db.BlindIndexEquals("head_id_bidx", "?"), {id});
        any("code IN (SELECT household_code FROM members WHERE id_bidx = ?)", {id});
        break;
      default:
        return kNothing;
    }
    return out;
  }
  if (Result<std::string> number = ParsePhone(q); number.ok()) {
    const Cell phone = Cell::Blob(cipher.BlindIndex(kPhoneDomain, *number));
    if (kind == RecordKind::kCadres || kind == RecordKind::kHouseholds)
      any(db.BlindIndexEquals("phone_bidx", "?"), {phone});
    key_prefix();
    return out;
  }
  const Cell like = Cell::Text("%" + EscapeLike(q) + "%");
  auto name = [&](std::string_view column) { any(std::string(column) + " LIKE ? ESCAPE '\\'", {like}); };
  switch (kind) {
    case RecordKind::kHouseholds:
      name("head_name");
      name("address");
      break;
    default:
      name("name");
      break;
  }
  key_prefix();
  return out;
}

// " WHERE a AND b …" (nothing for no conditions) and their parameters, in order.
Condition Joined(const std::vector<Condition>& conditions) {
  Condition out;
  for (const Condition& c : conditions) {
    out.sql += out.sql.empty() ? " WHERE (" : " AND (";
    out.sql += c.sql + ")";
    out.binds.insert(out.binds.end(), c.binds.begin(), c.binds.end());
  }
  return out;
}

// Decodes the current row of a SelectSql(Def(kind)) statement into `sink`.
Status EmitRow(RecordKind kind, const Statement& row, const Codec& codec, RegistrySink& sink) {
  switch (kind) {
    case RecordKind::kRegions: {
      LX_ASSIGN_OR_RETURN(Region r, DecodeRegion(row));
      return sink.Add(r);
    }
    case RecordKind::kUnits: {
      LX_ASSIGN_OR_RETURN(Unit u, DecodeUnit(row));
      return sink.Add(u);
    }
    case RecordKind::kOrgs: {
      LX_ASSIGN_OR_RETURN(Org o, DecodeOrg(row));
      return sink.Add(o);
    }
    case RecordKind::kCadres: {
      LX_ASSIGN_OR_RETURN(Cadre c, DecodeCadre(row, codec));
      return sink.Add(c);
    }
    case RecordKind::kHouseholds: {
      LX_ASSIGN_OR_RETURN(Household h, DecodeHousehold(row, codec));
      return sink.Add(h);
    }
    case RecordKind::kMembers: {
      LX_ASSIGN_OR_RETURN(Member m, DecodeMember(row, codec));
      return sink.Add(m);
    }
  }
  return Status::Internal("unknown record kind");
}

// Cursors: base64url of MAC ‖ kind ‖ key, the MAC a keyed hash (the blind
// index key, its own domain) so a cursor this store did not make, or made for
// another kind, is refused rather than trusted. The key is a natural key
// (members: their row number), never personal data.
constexpr std::string_view kCursorDomain = "cursor";

constexpr size_t kCursorMacSize = 8;

std::string SealCursor(const FieldCipher& cipher, RecordKind kind, std::string_view key) {
  std::string payload(1, static_cast<char>('a' + static_cast<int>(kind)));
  payload += key;
  std::string sealed = cipher.BlindIndex(kCursorDomain, payload).substr(0, kCursorMacSize) + payload;
  std::string out(sodium_base64_encoded_len(sealed.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(sealed.data()),
                    sealed.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<std::string> OpenCursor(const FieldCipher& cipher, RecordKind kind, std::string_view cursor) {
  const Status refused = Status::Invalid("翻页游标无效 (cursor_invalid)", "cursor");
  if (cursor.size() > 1024) return refused;
  std::string sealed(cursor.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(sealed.data()), sealed.size(), cursor.data(),
                        cursor.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      length < kCursorMacSize + 2) {
    return refused;
  }
  sealed.resize(length);
  std::string payload = sealed.substr(kCursorMacSize);
  std::string mac = cipher.BlindIndex(kCursorDomain, payload).substr(0, kCursorMacSize);
  if (sodium_memcmp(mac.data(), sealed.data(), kCursorMacSize) != 0) return refused;
  if (payload[0] != static_cast<char>('a' + static_cast<int>(kind))) return refused;
  return payload.substr(1);
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

constexpr int kMaxListLimit = 1000;

// Above this many matches a page is read in key order (a county's database
// holds ~100 k households, so such a selection is dense enough that a page
// is found within a few thousand rows); at or below it, read through the
// filter's index and sorted, which costs at most this many rows.
constexpr std::int64_t kSortedSelectionMax = 2000;

// Count and page read one snapshot, unless a write transaction (which
// already is one) is open.
class ReadSnapshot {
 public:
  ReadSnapshot(sql::Connection& db, bool in_txn) : db_(db) {
    if (in_txn) return;
    open_ =
        db_.Exec(db_.dialect() == sql::Dialect::kSqlite ? "BEGIN"
                                                        : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .ok();
  }
  ~ReadSnapshot() {
    if (open_) (void)db_.Exec("COMMIT");
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  sql::Connection& db_;
  bool open_ = false;
};

// Resets a cached statement on every path out, so an early return does not
// leave it holding its read.
struct ResetOnExit {
  Statement* stmt;
  ~ResetOnExit() { stmt->Reset(); }
};

Result<ListPage> SqlStore::List(RecordKind kind, const ListQuery& query, RegistrySink& sink) {
  if (query.limit < 1 || query.limit > kMaxListLimit) {
    return Status::Invalid("每页条数应在 1 到 1000 之间 (limit_invalid)", "limit");
  }
  std::optional<Subtree> region;
  if (!query.region.empty()) {
    region = SubtreeOf(query.region);
    if (!region) {
      return Status::Invalid("区划代码应为 6 位县级代码或 12 位统计用区划代码 (region_invalid)", "region");
    }
  }
  const bool members = kind == RecordKind::kMembers;
  std::string after;
  std::int64_t after_seq = 0;
  if (!query.cursor.empty()) {
    LX_ASSIGN_OR_RETURN(after, OpenCursor(cipher_, kind, query.cursor));
    if (members) {
      auto [end, ec] = std::from_chars(after.data(), after.data() + after.size(), after_seq);
      if (ec != std::errc() || end != after.data() + after.size()) {
        return Status::Invalid("翻页游标无效 (cursor_invalid)", "cursor");
      }
    }
  }
  const std::string_view q = TrimSpaces(query.q);
  const Date today = ChinaDateOf(clock_.NowMillis());
  // Of a region scope and a region filter, one inside the other, the inner
  // one leads: SQLite would otherwise as soon read a whole county's range.
  Use scope_use = Use::kLead, region_use = Use::kLead;
  if (std::optional<Subtree> scope_tree =
          query.scope.kind == ScopeKind::kRegion ? SubtreeOf(query.scope.code) : std::nullopt;
      scope_tree && region) {
    (region->lo.starts_with(scope_tree->lo) ? scope_use : region_use) = Use::kFilter;
  }
  auto conditions = [&](bool key_order) {
    std::vector<Condition> all{ScopeRule(kind, query.scope, key_order ? Use::kFilter : scope_use)};
    if (region) all.push_back(RegionRule(kind, *region, key_order ? Use::kFilter : region_use));
    if (!q.empty()) all.push_back(TextRule(kind, q, cipher_, today, seam()));
    return all;
  };
  const TableDef& def = Def(kind);
  const std::string table(def.name);
  ReadSnapshot snapshot(seam(), txn_open_ || batch_open_ || read_open_);

  ListPage page;
  {
    Condition where = Joined(conditions(false));
    LX_ASSIGN_OR_RETURN(Statement * count, Prepare("SELECT COUNT(*) FROM " + table + where.sql));
    ResetOnExit reset{count};
    for (size_t i = 0; i < where.binds.size(); ++i) count->Bind(static_cast<int>(i + 1), where.binds[i]);
    LX_ASSIGN_OR_RETURN(bool row, count->Step());
    page.total = row ? count->Int(0) : 0;
  }
  if (page.total == 0) return page;

  std::vector<Condition> all = conditions(page.total > kSortedSelectionMax);
  const std::string key = members ? "seq" : "code";
  if (!query.cursor.empty()) {
    all.push_back({key + " > ?", {members ? Cell::Int(after_seq) : Cell::Text(after)}});
  }
  Condition where = Joined(all);
  // SelectSql's columns, and for members their row number last (the cursor).
  std::string sql = SelectSql(def);
  if (members) sql.insert(sql.find(" FROM "), ", seq");
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare(sql + where.sql + " ORDER BY " + key + " LIMIT ?"));
  ResetOnExit reset{select};
  for (size_t i = 0; i < where.binds.size(); ++i) select->Bind(static_cast<int>(i + 1), where.binds[i]);
  // One row more than the page: whether there is a next one.
  select->Bind(static_cast<int>(where.binds.size() + 1), query.limit + 1);
  std::string last;
  for (int n = 0;; ++n) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    if (n == query.limit) {
      page.next = SealCursor(cipher_, kind, last);
      break;
    }
    LX_RETURN_IF_ERROR(EmitRow(kind, *select, codec_, sink));
    last = members ? std::to_string(select->Int(static_cast<int>(def.columns.size())))
                   : std::string(select->Text(0));
  }
  return page;
}

Status SqlStore::Get(RecordKind kind, std::string_view key, RegistrySink& sink) {
  if (kind == RecordKind::kMembers) {
    return Status::Invalid("家庭成员不单独查询,请按户查询 (members_by_household)", "kind");
  }
  const TableDef& def = Def(kind);
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare(SelectSql(def) + " WHERE code = ?1"));
  ResetOnExit reset{select};
  select->Bind(1, key);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) {
    return Status::NotFound(std::string(Token(kind)) + " " + std::string(key) + " 不存在 (not_found)");
  }
  return EmitRow(kind, *select, codec_, sink);
}

Status SqlStore::MembersOf(std::string_view household_code, RegistrySink& sink) {
  {
    LX_ASSIGN_OR_RETURN(Statement * exists, Prepare("SELECT 1 FROM households WHERE code = ?1"));
    ResetOnExit reset{exists};
    exists->Bind(1, household_code);
    LX_ASSIGN_OR_RETURN(bool found, exists->Step());
    if (!found) return Status::NotFound("户 " + std::string(household_code) + " 不存在 (not_found)");
  }
  return EmitMembers(household_code, sink);
}

Status SqlStore::EmitMembers(std::string_view household_code, RegistrySink& sink) {
  LX_ASSIGN_OR_RETURN(Statement * select,
                      Prepare(SelectSql(Def(RecordKind::kMembers)) +
                              " WHERE household_code = ?1 ORDER BY relation <> '户主', seq"));
  ResetOnExit reset{select};
  select->Bind(1, household_code);
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return Status::Ok();
    LX_RETURN_IF_ERROR(EmitRow(RecordKind::kMembers, *select, codec_, sink));
  }
}

Result<bool> SqlStore::InScope(RecordKind kind, std::string_view key, const Scope& scope) {
  if (kind == RecordKind::kMembers) {
    // A member is in scope with its household: one look-up by the ID's
    // blind index, then the household's check (cheaper than the members rule).
    std::string household;
    {
      LX_ASSIGN_OR_RETURN(Statement * owner,
                          Prepare("SELECT household_code FROM members WHERE id_bidx = ?1"));
      ResetOnExit reset{owner};
      owner->BindBlob(1, codec_.IdIndex(IdNumber(std::string(key))));
      LX_ASSIGN_OR_RETURN(bool found, owner->Step());
      if (!found) return Status::NotFound("记录不存在 (not_found)");
      household = owner->Text(0);
    }
    return InScope(RecordKind::kHouseholds, household, scope);
  }
  Condition rule = ScopeRule(kind, scope, Use::kLead);
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare("SELECT " + rule.sql + " FROM " +
                                                  std::string(Def(kind).name) + " WHERE code = ?"));
  ResetOnExit reset{select};
  for (size_t i = 0; i < rule.binds.size(); ++i) select->Bind(static_cast<int>(i + 1), rule.binds[i]);
  select->Bind(static_cast<int>(rule.binds.size() + 1), key);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  // Word for word what the API answers out of scope (access.cpp OutOfScope),
  // so a caller cannot tell a record it may not see from one that is not there.
  if (!found) return Status::NotFound("记录不存在 (not_found)");
  return select->Int(0) != 0;
}

Result<bool> SqlStore::GetWithin(RecordKind kind, std::string_view key, const Scope& scope,
                                 RegistrySink& sink) {
  if (kind == RecordKind::kMembers) {
    return Status::Invalid("家庭成员不单独查询,请按户查询 (members_by_household)", "kind");
  }
  const TableDef& def = Def(kind);
  Condition rule = ScopeRule(kind, scope, Use::kLead);
  // The record's columns, then whether it lies in scope.
  std::string sql = SelectSql(def);
  sql.insert(sql.find(" FROM "), ", " + rule.sql);
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare(sql + " WHERE code = ?"));
  {
    ResetOnExit reset{select};
    for (size_t i = 0; i < rule.binds.size(); ++i) select->Bind(static_cast<int>(i + 1), rule.binds[i]);
    select->Bind(static_cast<int>(rule.binds.size() + 1), key);
    LX_ASSIGN_OR_RETURN(bool found, select->Step());
    if (!found || select->Int(static_cast<int>(def.columns.size())) == 0) return false;
    LX_RETURN_IF_ERROR(EmitRow(kind, *select, codec_, sink));
  }
  if (kind == RecordKind::kHouseholds) LX_RETURN_IF_ERROR(EmitMembers(key, sink));
  return true;
}

}  // namespace lianxin::sql_store
