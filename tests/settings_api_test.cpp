// 参数与字典 in the console: the system admin changes a rule or a dictionary
// and every request after it works by it; the change is checked by the
// file's own rules, kept over the file (a reset hands the section back),
// versioned so two admins cannot overwrite each other, audited, kept across
// a restart, and — for the needs and the difficulty rules — followed by the
// households' scores in the same transaction.
#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "lianxin/settings.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

class SettingsApiTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    sys_ = SignIn("sys", {Role::kSysadmin}, {});
  }

  json Section(const std::string& name, const SignedInAs& who) {
    HttpResponse listed = Call("GET", "/api/v1/settings", "", who.headers);
    EXPECT_EQ(listed.status, 200) << listed.body;
    const json all = Json(listed);
    for (const json& section : all["sections"])
      if (section["section"] == name) return section;
    ADD_FAILURE() << "no section " << name << " in " << listed.body;
    return {};
  }

  HttpResponse Put(const std::string& name, const json& values, std::int64_t version, const SignedInAs& who) {
    return Call("PUT", "/api/v1/settings/" + name, json{{"values", values}, {"version", version}}.dump(),
                who.headers);
  }

  HttpResponse Reset(const std::string& name, std::int64_t version) {
    return Call("POST", "/api/v1/settings/" + name + "/reset", json{{"version", version}}.dump(),
                sys_.headers);
  }

  // A household's stored difficulty score, as the registry API reads it.
  double Difficulty(const std::string& code) {
    HttpResponse got = Call("GET", "/api/v1/households/" + code, "", county_.headers);
    EXPECT_EQ(got.status, 200) << got.body;
    const json h = Json(got);
    // The registry answers each field as its cell reads: the score as text.
    return h["difficulty"].is_string() ? std::stod(h["difficulty"].get<std::string>())
                                       : h["difficulty"].get<double>();
  }

  SignedInAs sys_;
  SignedInAs county_;
};

TEST_F(SettingsApiTest, AChangedParameterIsInForceForTheNextRequestAndKeptOverTheFile) {
  const json before = Section("visits", sys_);
  ASSERT_EQ(before["version"], 0) << before.dump();
  EXPECT_TRUE(before["stored"].is_null());
  EXPECT_EQ(before["values"], before["file"]);
  const int cadence = before["values"]["contact_cadence_days"].get<int>();

  HttpResponse changed = Put("visits", {{"contact_cadence_days", cadence + 7}}, 0, sys_);
  ASSERT_EQ(changed.status, 200) << changed.body;
  const json after = Json(changed);
  EXPECT_EQ(after["version"], 1);
  EXPECT_EQ(after["updated_by"], "sys");
  EXPECT_EQ(after["values"]["contact_cadence_days"], cadence + 7);
  EXPECT_EQ(after["file"]["contact_cadence_days"], cadence) << "the file stays as it was";
  EXPECT_EQ(after["stored"], json({{"contact_cadence_days", cadence + 7}})) << "only what differs is kept";
  EXPECT_EQ(app_->live_config().Current()->visits.contact_cadence_days, cadence + 7);

  // A key sent with the file's value is not kept over it.
  HttpResponse same = Put(
      "visits", {{"contact_cadence_days", cadence}, {"min_visits", after["values"]["min_visits"]}}, 1, sys_);
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_TRUE(Json(same)["stored"].is_null()) << same.body;
  EXPECT_EQ(app_->live_config().Current()->visits.contact_cadence_days, cadence);
}

TEST_F(SettingsApiTest, ANewAppealTopicIsOfferedToHouseholdsAtOnce) {
  const json appeals = Section("appeals", sys_);
  json topics = appeals["values"]["topics"];
  const size_t count = topics.size();
  topics.push_back({{"code", "ecommerce"}, {"label", "农村电商"}, {"department", "县商务局"}});
  HttpResponse changed = Put("appeals", {{"topics", topics}}, 0, sys_);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_FALSE(Json(changed)["values"].contains("holiday_file")) << "the holiday file is the file's alone";

  HttpResponse offered = Call("GET", "/api/v1/public/topics");
  ASSERT_EQ(offered.status, 200) << offered.body;
  const json listed = Json(offered);
  ASSERT_EQ(listed["items"].size(), count + 1) << offered.body;
  EXPECT_EQ(listed["items"].back()["label"], "农村电商");

  HttpResponse holiday = Put("appeals", {{"holiday_file", "/etc/passwd"}}, 1, sys_);
  EXPECT_EQ(holiday.status, 400) << holiday.body;
  EXPECT_EQ(Json(holiday)["error"]["field"], "values.holiday_file");
}

TEST_F(SettingsApiTest, AValueTheFileWouldRefuseIsRefusedNamingItsField) {
  struct Case {
    std::string section;
    json values;
    std::string field;
  };
  const json skills = Section("skills", sys_)["values"];
  json without_first = skills;
  without_first.erase(0);
  json needs = Section("needs", sys_)["values"];
  json twice = needs;
  twice.push_back(needs[0]);
  json unknown_skill = needs;
  unknown_skill[0]["skills"] = {"驾驶无人机"};
  for (const Case& c : std::vector<Case>{
           {"pairing", {{"contact_load", -1}}, "values.contact_load"},
           {"pairing", {{"no_such_rule", 1}}, "values.no_such_rule"},
           {"pairing", {{"contact_load", "十五"}}, "values.contact_load"},
           {"difficulty", {{"harder_at", 90}, {"hardest_at", 50}}, "values.harder_at"},
           {"appeals", {{"working_days", 1}}, "values.working_days"},
           {"visits", {{"min_visits", 4.5}}, "values.min_visits"},
           {"needs", twice, "values[" + std::to_string(needs.size()) + "].label"},
           {"needs", unknown_skill, "values[0].skills"},
           {"skills", {{"label", "农技"}}, "values"},
       }) {
    HttpResponse refused = Put(c.section, c.values, 0, sys_);
    EXPECT_EQ(refused.status, 400) << c.section << " " << c.values.dump() << " " << refused.body;
    EXPECT_EQ(Json(refused)["error"]["field"], c.field) << refused.body;
    EXPECT_EQ(Section(c.section, sys_)["version"], 0) << "nothing kept";
  }
  // Taking away a skill a need matches would leave that need matching nothing.
  bool used = false;
  for (const json& need : needs)
    for (const json& skill : need["skills"]) used = used || skill == skills[0]["label"];
  ASSERT_TRUE(used) << "the test needs the first skill to be one a need names";
  HttpResponse orphan = Put("skills", without_first, 0, sys_);
  EXPECT_EQ(orphan.status, 400) << orphan.body;
  EXPECT_NE(Json(orphan)["error"]["message"].get<std::string>().find("config_unknown_skill"),
            std::string::npos)
      << orphan.body;
}

// A need the console made to match a skill the console added: the skills
// cannot be handed back to the file while that need stands on them.
TEST_F(SettingsApiTest, ASkillAStoredNeedMatchesCannotBeTakenAwayByAReset) {
  json skills = Section("skills", sys_)["values"];
  skills.push_back({{"label", "电商"}, {"synonyms", json::array()}});
  ASSERT_EQ(Put("skills", skills, 0, sys_).status, 200);
  json needs = Section("needs", sys_)["values"];
  needs[0]["skills"].push_back("电商");
  ASSERT_EQ(Put("needs", needs, 0, sys_).status, 200);

  HttpResponse reset = Reset("skills", 1);
  EXPECT_EQ(reset.status, 400) << reset.body;
  EXPECT_NE(reset.body.find("电商"), std::string::npos) << reset.body;
  const json after = Section("needs", sys_);
  EXPECT_TRUE(after["problem"].is_null()) << after.dump();
  EXPECT_EQ(after["values"][0]["skills"].back(), "电商");

  // With the need handed back first, the skills may follow.
  ASSERT_EQ(Reset("needs", 1).status, 200);
  EXPECT_EQ(Reset("skills", 1).status, 200);
}

TEST_F(SettingsApiTest, TwoAdminsCannotOverwriteEachOther) {
  SignedInAs other = SignIn("sys2", {Role::kSysadmin}, {});
  ASSERT_EQ(Put("ledger", {{"max_companions", 4}}, 0, sys_).status, 200);
  HttpResponse stale = Put("ledger", {{"max_companions", 6}}, 0, other);
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(Json(stale)["error"]["reason"], "setting_stale");
  EXPECT_EQ(app_->live_config().Current()->ledger.max_companions, 4);
  EXPECT_EQ(Put("ledger", {{"max_companions", 6}}, 1, other).status, 200);
  EXPECT_EQ(app_->live_config().Current()->ledger.max_companions, 6);
}

TEST_F(SettingsApiTest, ResetHandsTheSectionBackToTheFile) {
  const int file = app_->config().pairing.contact_load;
  ASSERT_EQ(Put("pairing", {{"contact_load", file + 5}}, 0, sys_).status, 200);
  HttpResponse reset = Reset("pairing", 1);
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(Json(reset)["version"], 2);
  EXPECT_TRUE(Json(reset)["stored"].is_null());
  EXPECT_EQ(Json(reset)["values"]["contact_load"], file);
  EXPECT_EQ(app_->live_config().Current()->pairing.contact_load, file);
}

TEST_F(SettingsApiTest, NewWeightsScoreTheHouseholdsAgainAndAResetScoresThemBack) {
  county_ = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  // A household with a need, and that need's weight.
  HttpResponse page = Call("GET", "/api/v1/households?limit=200", "", county_.headers);
  ASSERT_EQ(page.status, 200) << page.body;
  const json households = Json(page);
  std::string code, need;
  for (const json& h : households["items"]) {
    if (h["needs"].is_array() && !h["needs"].empty()) {
      code = h["code"];
      need = h["needs"][0];
      break;
    }
    if (h["needs"].is_string() && !h["needs"].get<std::string>().empty()) {
      code = h["code"];
      const std::string all = h["needs"];
      need = all.substr(0, all.find_first_of(",;、"));
      break;
    }
  }
  ASSERT_FALSE(code.empty()) << "no household with a need in the first page";
  const double before = Difficulty(code);
  json needs = Section("needs", sys_)["values"];
  for (json& rule : needs)
    if (rule["label"] == need) rule["difficulty_weight"] = rule["difficulty_weight"].get<double>() + 11;

  HttpResponse changed = Put("needs", needs, 0, sys_);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_GT(Json(changed)["rescored"].get<int>(), 0) << changed.body;
  EXPECT_NEAR(Difficulty(code), before + 11, 0.01) << "scored again by the new weight";

  HttpResponse reset = Reset("needs", 1);
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(Json(reset)["rescored"], Json(changed)["rescored"]);
  EXPECT_NEAR(Difficulty(code), before, 0.01);
}

TEST_F(SettingsApiTest, OnlyTheSystemAdminChangesThemAndEveryChangeIsAudited) {
  county_ = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  SignedInAs auditor = SignIn("aud", {Role::kAuditor}, {});
  EXPECT_EQ(Call("GET", "/api/v1/settings", "", county_.headers).status, 200) << "the county reads its rules";
  EXPECT_EQ(Put("scoring", {{"rating_weight", 1}}, 0, county_).status, 403);
  EXPECT_EQ(Put("scoring", {{"rating_weight", 1}}, 0, auditor).status, 403);
  EXPECT_EQ(Call("PUT", "/api/v1/settings/server",
                 json{{"values", {{"listen", "0.0.0.0:80"}}}, {"version", 0}}.dump(), sys_.headers)
                .status,
            404)
      << "the server's settings stay in the file";
  ASSERT_EQ(Put("scoring", {{"rating_weight", 1}}, 0, sys_).status, 200);

  HttpResponse log = Call("GET", "/api/v1/audit?action=settings_change", "", auditor.headers);
  ASSERT_EQ(log.status, 200) << log.body;
  const json entries = Json(log)["items"];
  ASSERT_EQ(entries.size(), 1u) << log.body;
  EXPECT_EQ(entries[0]["actor"], "sys");
  EXPECT_EQ(entries[0]["target"], "scoring");
}

TEST_F(SettingsApiTest, WhatTheConsoleKeptIsInForceAfterARestart) {
  ASSERT_EQ(Put("ledger", {{"meal_yuan_per_person", 35}}, 0, sys_).status, 200);
  Config file = app_->config();
  app_->Stop();
  app_.reset();
  Result<std::unique_ptr<App>> again = App::Open(DbTarget(path_), file, SystemClock());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->live_config().Current()->ledger.meal_yuan_per_person, 35);
  EXPECT_NE(file.ledger.meal_yuan_per_person, 35);
}

// A section kept in the store that the file no longer supports (a need on a
// skill the file's dictionary lost) is left out and named; the rest apply.
TEST(SettingsTest, AStoredSectionTheFileNoLongerSupportsIsLeftOutAndNamed) {
  Config file = Config::Defaults();
  std::vector<StoredSetting> stored;
  Config with_skill = file;
  with_skill.skills.entries.push_back({"电商", {}});
  Result<std::string> skills = SettingToml(file, stored, "skills", SectionJson(with_skill, "skills"));
  ASSERT_TRUE(skills.ok()) << skills.status().ToString();
  stored.push_back({"skills", *skills, 1, "sys", 1});
  json needs = SectionJson(file, "needs");
  needs[0]["skills"].push_back("电商");
  Result<std::string> kept = SettingToml(file, stored, "needs", needs);
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  stored.push_back({"needs", *kept, 1, "sys", 1});
  stored.push_back({"pairing", "[pairing]\ncontact_load = 9\n", 1, "sys", 1});

  SettingsApplied all = ApplySettings(file, stored);
  EXPECT_TRUE(all.problems.empty());
  EXPECT_EQ(all.config.needs[0].skills.back(), "电商");

  // The skills row lost (say, a restore of an older backup of it): the need
  // on 电商 no longer stands; the needs follow the file, pairing still applies.
  stored.erase(stored.begin());
  SettingsApplied partial = ApplySettings(file, stored);
  ASSERT_EQ(partial.problems.size(), 1u);
  EXPECT_EQ(partial.problems[0].first, "needs");
  EXPECT_EQ(partial.config.needs[0].skills, file.needs[0].skills);
  EXPECT_EQ(partial.config.pairing.contact_load, 9);
}

}  // namespace
}  // namespace lianxin::testing
