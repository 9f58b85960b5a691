// The configuration: defaults, overrides, and refusal of what it can't use.
#include <gtest/gtest.h>

#include "lianxin/registry.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

TEST(ConfigTest, OverridesReplaceDefaultsAndTheRestStay) {
  TempDir dir;
  WriteFile(dir / "c.toml", "timezone = \"Asia/Urumqi\"\n[difficulty]\nhardest_at = 70.0\n");
  Result<Config> config = Config::Load(dir / "c.toml", true);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->timezone, "Asia/Urumqi");
  EXPECT_EQ(config->difficulty.hardest_at, 70.0);
  EXPECT_EQ(config->difficulty.income_line, Config::Defaults().difficulty.income_line);
  EXPECT_EQ(config->needs.size(), Config::Defaults().needs.size());
}

TEST(ConfigTest, ErrorsNameTheFileAndTheKey) {
  TempDir dir;
  struct Case {
    std::string toml, expect;
  } cases[] = {
      {"busy_timeout_ms = \"soon\"\n", "busy_timeout_ms"},
      {"[difficulty]\nharder_at = 90.0\n", "harder_at"},
      {"[[needs]]\nlabel = \"低收入\"\nskills = [\"唱歌\"]\n", "唱歌"},
      {"colour = 1\n", "colour"},
      {"timezone = \n", "c.toml:1:"},
  };
  for (const Case& c : cases) {
    WriteFile(dir / "c.toml", c.toml);
    Result<Config> config = Config::Load(dir / "c.toml", true);
    ASSERT_FALSE(config.ok()) << c.toml;
    EXPECT_EQ(config.status().code(), Code::kInvalidInput);
    EXPECT_NE(config.status().message().find(c.expect), std::string::npos) << config.status().message();
  }
}

TEST(ConfigTest, MissingDefaultFileMeansDefaults) {
  Result<Config> config = Config::Load("/nonexistent/lianxin.toml", false);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->ToToml(), Config::Defaults().ToToml());
}

TEST(ConfigTest, ServerAndAuthDefaults) {
  Config config = Config::Defaults();
  EXPECT_EQ(config.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(config.server.threads, 0);
  EXPECT_EQ(config.server.handler_threads, 64);
  EXPECT_EQ(config.server.body_limit, 8 * 1024 * 1024);
  EXPECT_EQ(config.server.header_limit, 16 * 1024);
  EXPECT_EQ(config.server.read_timeout_ms, 30000);
  EXPECT_EQ(config.server.write_timeout_ms, 30000);
  EXPECT_EQ(config.server.idle_timeout_ms, 60000);
  EXPECT_EQ(config.server.drain_timeout_ms, 10000);
  EXPECT_EQ(config.server.tls_cert, "");
  EXPECT_EQ(config.server.tls_key, "");
  EXPECT_EQ(config.server.origin, "");
  EXPECT_TRUE(config.server.group_commit);
  EXPECT_EQ(config.server.max_batch, 512);
  EXPECT_EQ(config.server.audit_retention_days, 180);
  // The auth section's defaults are AuthPolicy's, the production values.
  const AuthPolicy policy;
  EXPECT_EQ(config.auth.password_min_length, policy.password_min_length);
  EXPECT_EQ(config.auth.argon2_memlimit, policy.argon2_memlimit);
  EXPECT_EQ(config.auth.totp_required_roles, policy.totp_required_roles);
  EXPECT_EQ(config.auth.totp_issuer, "连心");
  EXPECT_TRUE(ValidateAuthPolicy(config.auth).ok());
}

TEST(ConfigTest, ServerAndAuthSectionsOverride) {
  TempDir dir;
  WriteFile(dir / "c.toml",
            "[server]\n"
            "listen = \"0.0.0.0:8443\"\n"
            "threads = 4\n"
            "handler_threads = 0\n"
            "body_limit = 33554432\n"
            "idle_timeout_ms = 5000\n"
            "tls_cert = \"/etc/lianxin/cert.pem\"\n"
            "tls_key = \"/etc/lianxin/key.pem\"\n"
            "origin = \"https://lianxin.example.gov.cn\"\n"
            "group_commit = false\n"
            "max_batch = 1\n"
            "audit_retention_days = 365\n"
            "[auth]\n"
            "password_min_length = 12\n"
            "password_min_classes = 0\n"
            "password_deny_common = true\n"
            "lockout_attempts = 3\n"
            "session_idle_minutes = 15\n"
            "argon2_memlimit = 134217728\n"
            "totp_required_roles = [\"sysadmin\", \"secadmin\", \"auditor\", \"county_admin\"]\n"
            "totp_issuer = \"某县连心\"\n");
  Result<Config> config = Config::Load(dir / "c.toml", true);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->server.listen, "0.0.0.0:8443");
  EXPECT_EQ(config->server.threads, 4);
  EXPECT_EQ(config->server.handler_threads, 0);
  EXPECT_EQ(config->server.body_limit, 32 * 1024 * 1024);
  EXPECT_EQ(config->server.idle_timeout_ms, 5000);
  EXPECT_EQ(config->server.read_timeout_ms, 30000) << "keys not named keep their defaults";
  EXPECT_EQ(config->server.tls_cert, "/etc/lianxin/cert.pem");
  EXPECT_EQ(config->server.tls_key, "/etc/lianxin/key.pem");
  EXPECT_EQ(config->server.origin, "https://lianxin.example.gov.cn");
  EXPECT_FALSE(config->server.group_commit);
  EXPECT_EQ(config->server.max_batch, 1);
  EXPECT_EQ(config->server.audit_retention_days, 365);
  EXPECT_EQ(config->auth.password_min_length, 12);
  EXPECT_EQ(config->auth.password_min_classes, 0);
  EXPECT_EQ(config->auth.lockout_attempts, 3);
  EXPECT_EQ(config->auth.session_idle_minutes, 15);
  EXPECT_EQ(config->auth.argon2_memlimit, 128ull << 20);
  EXPECT_EQ(config->auth.session_absolute_hours, AuthPolicy{}.session_absolute_hours);
  EXPECT_EQ(config->auth.totp_required_roles,
            (std::set<Role>{Role::kSysadmin, Role::kSecadmin, Role::kAuditor, Role::kCountyAdmin}));
  EXPECT_EQ(config->auth.totp_issuer, "某县连心");
}

// Each refusal names the key in the message and in the field.
TEST(ConfigTest, ServerAndAuthRefusalsNameTheKey) {
  TempDir dir;
  struct Case {
    std::string toml, field;
  } cases[] = {
      {"[server]\nlisten_on = \"0.0.0.0:80\"\n", "server.listen_on"},
      {"[server]\nthreads = \"four\"\n", "server.threads"},
      {"[server]\nthreads = 5000000000\n", "server.threads"},
      {"[server]\ngroup_commit = \"yes\"\n", "server.group_commit"},
      {"[server]\nthreads = 1025\n", "server.threads"},
      {"[server]\nhandler_threads = -1\n", "server.handler_threads"},
      {"[server]\nbody_limit = 1023\n", "server.body_limit"},
      {"[server]\nread_timeout_ms = 0\n", "server.read_timeout_ms"},
      {"[server]\ndrain_timeout_ms = -5\n", "server.drain_timeout_ms"},
      {"[server]\ntls_cert = \"cert.pem\"\n", "server.tls_key"},
      {"[server]\ntls_key = \"key.pem\"\n", "server.tls_cert"},
      {"[server]\norigin = \"https://lianxin.example.gov.cn/\"\n", "server.origin"},
      {"[server]\nmax_batch = 0\n", "server.max_batch"},
      {"[server]\nmax_batch = 100001\n", "server.max_batch"},
      {"[server]\naudit_retention_days = 90\n", "server.audit_retention_days"},
      {"server = 1\n", "server"},
      {"[auth]\npassword_min_length = 6\n", "auth.password_min_length"},
      {"[auth]\nsession_idle_minutes = 60\n", "auth.session_idle_minutes"},
      {"[auth]\nargon2_memlimit = 1048576\n", "auth.argon2_memlimit"},
      {"[auth]\nlockout_minutes = \"30\"\n", "auth.lockout_minutes"},
      {"[auth]\npassword_min_lenght = 12\n", "auth.password_min_lenght"},
      {"[auth]\ntotp_required_roles = [\"sysadmin\", \"secadmin\", \"auditor\", \"root\"]\n",
       "auth.totp_required_roles"},
      {"[auth]\ntotp_required_roles = [\"sysadmin\", \"secadmin\", \"auditor\", \"public\"]\n",
       "auth.totp_required_roles"},
      {"[auth]\ntotp_required_roles = \"sysadmin\"\n", "auth.totp_required_roles"},
      {"[auth]\ntotp_required_roles = [\"sysadmin\"]\n", "auth.totp_required_roles"},
  };
  for (const Case& c : cases) {
    WriteFile(dir / "c.toml", c.toml);
    Result<Config> config = Config::Load(dir / "c.toml", true);
    ASSERT_FALSE(config.ok()) << c.toml;
    EXPECT_EQ(config.status().code(), Code::kInvalidInput) << c.toml;
    EXPECT_EQ(config.status().field(), c.field) << c.toml << config.status().ToString();
    const std::string key = c.field.substr(c.field.find('.') + 1);
    EXPECT_NE(config.status().message().find(key), std::string::npos) << config.status().message();
    EXPECT_NE(config.status().message().find("c.toml: "), std::string::npos) << config.status().message();
  }
  // The retention floor says why, Chinese first, with its code.
  WriteFile(dir / "c.toml", "[server]\naudit_retention_days = 90\n");
  const std::string message = Config::Load(dir / "c.toml", true).status().message();
  EXPECT_NE(message.find("网络安全法"), std::string::npos) << message;
  EXPECT_NE(message.find("(config_range)"), std::string::npos) << message;
}

// What `lianxin config show` prints loads back to the same configuration,
// non-default values of every type included.
TEST(ConfigTest, ShownConfigLoadsBackIdentically) {
  TempDir dir;
  WriteFile(dir / "c.toml",
            "[server]\n"
            "listen = \"[::1]:9000\"\n"
            "body_limit = 4096\n"
            "tls_cert = \"c.pem\"\n"
            "tls_key = \"k.pem\"\n"
            "origin = \"http://localhost:9000\"\n"
            "group_commit = false\n"
            "audit_retention_days = 400\n"
            "[auth]\n"
            "password_forbid_username = false\n"
            "password_max_age_days = 0\n"
            "argon2_opslimit = 3\n"
            "argon2_memlimit = 4294967296\n"
            "totp_required_roles = [\"auditor\", \"inspector\", \"sysadmin\", \"安全管理员\"]\n"
            "totp_digits = 8\n");
  Result<Config> first = Config::Load(dir / "c.toml", true);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::string shown = first->ToToml();
  EXPECT_NE(shown.find("[server]"), std::string::npos) << shown;
  EXPECT_NE(shown.find("[auth]"), std::string::npos) << shown;
  WriteFile(dir / "shown.toml", shown);
  Result<Config> again = Config::Load(dir / "shown.toml", true);
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << shown;
  EXPECT_EQ(again->ToToml(), shown);
  EXPECT_EQ(again->server.listen, "[::1]:9000");
  EXPECT_FALSE(again->server.group_commit);
  EXPECT_EQ(again->server.audit_retention_days, 400);
  EXPECT_FALSE(again->auth.password_forbid_username);
  EXPECT_EQ(again->auth.argon2_memlimit, 4ull << 30);
  EXPECT_EQ(again->auth.totp_required_roles,
            (std::set<Role>{Role::kSysadmin, Role::kSecadmin, Role::kAuditor, Role::kInspector}));
  // And the defaults, printed, load back as the defaults.
  WriteFile(dir / "defaults.toml", Config::Defaults().ToToml());
  Result<Config> defaults = Config::Load(dir / "defaults.toml", true);
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->ToToml(), Config::Defaults().ToToml());
}

TEST(ConfigTest, AppealsAndVisitsLoadWithTheHolidayFileBesideTheConfig) {
  TempDir dir;
  WriteFile(dir / "holidays.txt", "2026-10-01 休\n2026-10-10 班\n");
  WriteFile(dir / "c.toml",
            "[appeals]\n"
            "general_days = 5\n"
            "working_days = true\n"
            "response_weight = 40.0\n"
            "holiday_file = \"holidays.txt\"\n"
            "topics = [{code = \"water\", label = \"饮水\", department = \"149901U001\"},\n"
            "          {code = \"roads\", label = \"道路\"}]\n"
            "[visits]\n"
            "contact_cadence_days = 60\n"
            "campaign_dates = [\"2026-03-05\", \"2026/7/1\"]\n"
            "gap_factor = 1.5\n");
  Result<Config> config = Config::Load(dir / "c.toml", true);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->appeals.general_days, 5);
  EXPECT_TRUE(config->appeals.working_days);
  EXPECT_EQ(config->appeals.response_weight, 40.0);
  EXPECT_FALSE(config->calendar.IsWorkday({2026, 10, 1}));
  EXPECT_TRUE(config->calendar.IsWorkday({2026, 10, 10}));
  ASSERT_EQ(config->appeals.topics.size(), 2u);
  EXPECT_EQ(config->appeals.FindTopic("饮水")->department, "149901U001");
  EXPECT_EQ(config->appeals.FindTopic("roads")->department, "");
  EXPECT_EQ(config->appeals.FindTopic("weather"), nullptr);
  EXPECT_EQ(config->visits.contact_cadence_days, 60);
  EXPECT_EQ(config->visits.campaign_dates, (std::vector<Date>{{2026, 3, 5}, {2026, 7, 1}}));
  EXPECT_EQ(config->visits.gap_factor, 1.5);
  // Shown and loaded back (beside the same holiday file), it is the same.
  WriteFile(dir / "shown.toml", config->ToToml());
  Result<Config> again = Config::Load(dir / "shown.toml", true);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->ToToml(), config->ToToml());

  struct Case {
    std::string toml, expect;
  } refused[] = {
      {"[appeals]\nholiday_file = \"missing.txt\"\n", "missing.txt"},
      {"[appeals]\nurgent_hours = 0\n", "appeals.urgent_hours"},
      {"[appeals]\nspeed = 1\n", "appeals.speed"},
      {"[appeals]\ntopics = [{code = \"a\", label = \"甲\"}, {code = \"a\", label = \"乙\"}]\n",
       "appeals.topics[1].code"},
      {"[appeals]\ntopics = [{code = \"a\"}]\n", "appeals.topics[0].label"},
      {"[appeals]\ntopics = []\n", "appeals.topics"},
      {"[visits]\ncampaign_dates = [\"2026-02-30\"]\n", "visits.campaign_dates"},
      {"[visits]\nbunched_share = 1.5\n", "visits.bunched_share"},
  };
  for (const Case& c : refused) {
    WriteFile(dir / "bad.toml", c.toml);
    Result<Config> bad = Config::Load(dir / "bad.toml", true);
    ASSERT_FALSE(bad.ok()) << c.toml;
    EXPECT_NE(bad.status().message().find(c.expect), std::string::npos) << bad.status().message();
  }
  WriteFile(dir / "holidays.txt", "2026-10-01 休\n2026-10-01 班\n");
  Result<Config> conflicting = Config::Load(dir / "c.toml", true);
  ASSERT_FALSE(conflicting.ok());
  EXPECT_NE(conflicting.status().message().find("holidays.txt:2:"), std::string::npos)
      << conflicting.status().message();
}

TEST(ConfigTest, DifficultyTiersFollowTheThresholds) {
  Config config = Config::Defaults();
  struct Case {
    std::int64_t income;
    std::vector<std::string> needs;
    Housing housing;
    int size;
    Tier tier;
  } cases[] = {
      {20000, {}, Housing::kSafe, 3, Tier::kEasier},
      {3000, {"低收入"}, Housing::kSafe, 3, Tier::kHarder},        // 20 + 15 = 35
      {0, {"低收入", "大病"}, Housing::kSafe, 3, Tier::kHardest},  // 40 + 15 + 18 = 73
      {6000, {"五保户"}, Housing::kDangerous, 1, Tier::kHarder},   // 20 + 15 = 35
      {9000, {}, Housing::kSafe, 9, Tier::kEasier},                // 2 × 5 = 10
  };
  for (const Case& c : cases) {
    Household h;
    h.income_per_capita = c.income;
    h.needs = c.needs;
    h.housing = c.housing;
    h.size = c.size;
    ScoreDifficulty(config, h);
    EXPECT_EQ(h.tier, c.tier) << c.income << " score " << h.difficulty;
  }
}

}  // namespace
}  // namespace lianxin::testing

namespace lianxin::testing {
namespace {

TEST(DatesTest, DaysRoundTripAndChinaIsUtcPlusEight) {
  for (std::int64_t days : {-719468LL, -1LL, 0LL, 59LL, 11016LL, 20418LL, 2932896LL}) {
    EXPECT_EQ(DaysFromDate(DateFromDays(days)), days);
  }
  EXPECT_EQ(DateFromDays(0), (Date{1970, 1, 1}));
  EXPECT_EQ(DateFromDays(DaysFromDate({2024, 2, 28}) + 1), (Date{2024, 2, 29}));
  EXPECT_EQ(DateFromDays(DaysFromDate({2023, 2, 28}) + 1), (Date{2023, 3, 1}));
  // 2026-11-26 16:30 UTC is already the 27th in Beijing.
  const std::int64_t millis = (DaysFromDate({2026, 11, 26}) * 86400 + 16 * 3600 + 1800) * 1000;
  EXPECT_EQ(ChinaDateOf(millis), (Date{2026, 11, 27}));
  EXPECT_EQ(ChinaDateOf(millis - 1800 * 1000 - 1), (Date{2026, 11, 26}));
}

}  // namespace
}  // namespace lianxin::testing
