#include "lianxin/config.hpp"

#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <type_traits>
#include <utility>
#include <variant>

#include "config/internal.hpp"
#include "lianxin/registry.hpp"

namespace lianxin {

namespace {

// PRODUCT.md §2.1, from the seed's 「政策精通的去培训,擅长演讲的去宣传……从事法律工作的为群众普法」:
// each need gives a task and is matched by these skills. The weights put a
// household with no income and two heavy needs in the hardest tier.
std::vector<NeedRule> DefaultNeeds() {
  return {
      {"低收入",
       {"低收入户", "收入低", "贫困户"},
       "增收:人均纯收入达到目标",
       {"农技", "养殖", "营销", "组织"},
       15,
       "人均纯收入达到 {income_line} 元以上",
       true,
       365},
      {"失学",
       {"辍学", "失学儿童"},
       "筹集学费,完成义务教育",
       {"教育"},
       12,
       "适龄子女返校并完成义务教育",
       true,
       90},
      {"无业劳动力",
       {"无业", "失业", "待业"},
       "就业:安置劳动力",
       {"组织", "技能"},
       10,
       "至少一名劳动力稳定就业",
       false,
       180},
      {"创业意愿", {"创业"}, "启动资金和销售市场", {"营销", "组织"}, 4, "落实启动资金和销售渠道", false, 365},
      {"技能培训意愿",
       {"技能培训", "培训意愿"},
       "联系部门培训",
       {"政策", "技能", "教育"},
       4,
       "参加一次职业技能培训",
       false,
       180},
      {"种养大户",
       {"种植大户", "养殖大户"},
       "技术支持",
       {"农技", "养殖"},
       2,
       "每季度上门技术指导一次",
       false,
       365},
      {"五保户",
       {"五保", "特困供养"},
       "落实供养政策,定期探视",
       {"政策", "医疗"},
       20,
       "五保供养落实到位,每月探视",
       true,
       30},
      {"留守儿童", {"留守"}, "结对关爱,联系学校", {"教育"}, 8, "每月与学校和监护人联系一次", false, 90},
      {"欠薪",
       {"拖欠工资", "法律纠纷", "纠纷"},
       "法律援助,普法",
       {"法律"},
       8,
       "追回欠薪或进入法律程序",
       true,
       60},
      {"危房", {"危房改造"}, "危房改造", {"政策", "组织"}, 10, "完成危房改造或安全住房安置", true, 365},
      {"大病",
       {"重病", "因病致贫"},
       "医疗救助和报销",
       {"医疗", "政策"},
       18,
       "医疗救助和报销落实到位",
       true,
       60},
      {"大学生村官", {"村官"}, "信息和创业园区", {"政策", "营销"}, 0, "提供信息,对接创业园区", false, 180},
  };
}

// The seed's skills: 政策精通, 擅长演讲 (宣讲), 组织能力强, 法律, and the trades;
// "技能" also admits a named trade written 技能:X.
Dictionary DefaultSkills() {
  return {{
      {"政策", {"政策精通"}},
      {"宣讲", {"演讲", "宣传"}},
      {"组织", {"组织协调", "组织能力"}},
      {"法律", {"普法"}},
      {"农技", {"种植", "农业技术"}},
      {"养殖", {"畜牧"}},
      {"营销", {"销售", "物流"}},
      {"教育", {"教学"}},
      {"医疗", {"医疗卫生"}},
      {"技能", {"手艺"}},
  }};
}

template <typename T>
Status Get(const toml::table& table, const char* key, const std::string& where, T& out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  // A switch is true or false and a count a whole number, never a number
  // or a text standing in for one; a real number may be written whole.
  std::optional<T> value;
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string>) {
    value = node->value_exact<T>();
  } else if constexpr (std::is_integral_v<T>) {
    if (node->is_integer()) value = node->value<T>();
  } else {
    value = node->value<T>();
  }
  if (!value) {
    return Status::Invalid(where + key + " 的类型不对 (config_type)", where + key);
  }
  out = *value;
  return Status::Ok();
}

Status GetStrings(const toml::table& table, const char* key, const std::string& where,
                  std::vector<std::string>& out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  const toml::array* array = node->as_array();
  if (array == nullptr) return Status::Invalid(where + key + " 应为字符串列表 (config_type)", where + key);
  out.clear();
  for (const toml::node& item : *array) {
    std::optional<std::string> text = item.value<std::string>();
    if (!text) return Status::Invalid(where + key + " 应为字符串列表 (config_type)", where + key);
    out.push_back(*text);
  }
  return Status::Ok();
}

Status CheckKeys(const toml::table& table, const std::set<std::string_view>& known,
                 const std::string& where) {
  for (const auto& [key, node] : table) {
    if (!known.contains(key.str())) {
      return Status::Invalid("未知的配置项 " + where + std::string(key.str()) + " (config_unknown_key)",
                             where + std::string(key.str()));
    }
  }
  return Status::Ok();
}

Status ReadDifficulty(const toml::table& table, DifficultyRules& rules) {
  const std::string where = "difficulty.";
  LX_RETURN_IF_ERROR(CheckKeys(table,
                               {"income_line", "income_weight", "dangerous_housing_weight",
                                "per_member_weight", "hardest_at", "harder_at"},
                               where));
  LX_RETURN_IF_ERROR(Get(table, "income_line", where, rules.income_line));
  LX_RETURN_IF_ERROR(Get(table, "income_weight", where, rules.income_weight));
  LX_RETURN_IF_ERROR(Get(table, "dangerous_housing_weight", where, rules.dangerous_housing_weight));
  LX_RETURN_IF_ERROR(Get(table, "per_member_weight", where, rules.per_member_weight));
  LX_RETURN_IF_ERROR(Get(table, "hardest_at", where, rules.hardest_at));
  LX_RETURN_IF_ERROR(Get(table, "harder_at", where, rules.harder_at));
  if (rules.income_line <= 0)
    return Status::Invalid("difficulty.income_line 必须大于 0 (config_range)", "difficulty.income_line");
  if (rules.harder_at > rules.hardest_at) {
    return Status::Invalid("difficulty.harder_at 不能大于 hardest_at (config_range)", "difficulty.harder_at");
  }
  return Status::Ok();
}

// The [pairing] table, one row per rule, so reading and writing stay in step.
struct PairingField {
  const char* name;
  int PairingRules::*integer;
  double PairingRules::*real;
};
constexpr PairingField kPairingFields[] = {
    {"quota_county", &PairingRules::quota_county, nullptr},
    {"quota_section", &PairingRules::quota_section, nullptr},
    {"quota_deputy_section", &PairingRules::quota_deputy_section, nullptr},
    {"quota_ordinary", &PairingRules::quota_ordinary, nullptr},
    {"contact_load", &PairingRules::contact_load, nullptr},
    {"min_villages_per_unit", &PairingRules::min_villages_per_unit, nullptr},
    {"village_shortfall_cost", nullptr, &PairingRules::village_shortfall_cost},
    {"solver_time_limit", nullptr, &PairingRules::solver_time_limit},
    {"refine_time_limit", nullptr, &PairingRules::refine_time_limit},
    {"village_difficulty_weight", nullptr, &PairingRules::village_difficulty_weight},
    {"strength_strong", nullptr, &PairingRules::strength_strong},
    {"strength_medium", nullptr, &PairingRules::strength_medium},
    {"strength_weak", nullptr, &PairingRules::strength_weak},
    {"village_move_cost", nullptr, &PairingRules::village_move_cost},
    {"tier_mismatch_cost", nullptr, &PairingRules::tier_mismatch_cost},
    {"skill_match_reward", nullptr, &PairingRules::skill_match_reward},
    {"difficulty_priority", nullptr, &PairingRules::difficulty_priority},
    {"move_cost", nullptr, &PairingRules::move_cost},
    {"contact_assistance_reward", nullptr, &PairingRules::contact_assistance_reward},
    {"contact_balance_cost", nullptr, &PairingRules::contact_balance_cost},
    {"contact_point_own_unit_reward", nullptr, &PairingRules::contact_point_own_unit_reward},
    {"contact_point_balance_cost", nullptr, &PairingRules::contact_point_balance_cost},
    {"contact_point_move_cost", nullptr, &PairingRules::contact_point_move_cost},
};

Status ReadPairing(const toml::table& table, PairingRules& rules) {
  const std::string where = "pairing.";
  std::set<std::string_view> known;
  for (const PairingField& field : kPairingFields) known.insert(field.name);
  LX_RETURN_IF_ERROR(CheckKeys(table, known, where));
  for (const PairingField& field : kPairingFields) {
    if (field.integer) {
      LX_RETURN_IF_ERROR(Get(table, field.name, where, rules.*field.integer));
      if (rules.*field.integer < 0) {
        return Status::Invalid(where + field.name + " 不能为负数 (config_range)", where + field.name);
      }
    } else {
      LX_RETURN_IF_ERROR(Get(table, field.name, where, rules.*field.real));
    }
  }
  return Status::Ok();
}

// A flat section of scalar keys, one row per key, so reading and writing
// stay in step: the key's name and the member it sets.
template <typename Section>
struct ScalarField {
  const char* name;
  std::variant<int Section::*, bool Section::*, std::int64_t Section::*, std::uint64_t Section::*,
               double Section::*, std::string Section::*>
      member;
};

template <typename Section, size_t N>
Status ReadScalars(const toml::table& table, const ScalarField<Section> (&fields)[N],
                   const std::set<std::string_view>& extra_keys, const std::string& where, Section& section) {
  std::set<std::string_view> known = extra_keys;
  for (const ScalarField<Section>& field : fields) known.insert(field.name);
  LX_RETURN_IF_ERROR(CheckKeys(table, known, where));
  for (const ScalarField<Section>& field : fields) {
    LX_RETURN_IF_ERROR(std::visit([&](auto member) { return Get(table, field.name, where, section.*member); },
                                  field.member));
  }
  return Status::Ok();
}

template <typename Section, size_t N>
void WriteScalars(const ScalarField<Section> (&fields)[N], const Section& section, toml::table& table) {
  for (const ScalarField<Section>& field : fields) {
    std::visit(
        [&](auto member) {
          using T = std::remove_cvref_t<decltype(section.*member)>;
          // TOML integers are signed 64-bit; every unsigned value we hold
          // (argon2 limits) is far below 2^63.
          if constexpr (std::is_same_v<T, std::uint64_t>) {
            table.insert(field.name, static_cast<std::int64_t>(section.*member));
          } else {
            table.insert(field.name, section.*member);
          }
        },
        field.member);
  }
}

constexpr ScalarField<ServerConfig> kServerFields[] = {
    {"listen", &ServerConfig::listen},
    {"threads", &ServerConfig::threads},
    {"handler_threads", &ServerConfig::handler_threads},
    {"body_limit", &ServerConfig::body_limit},
    {"header_limit", &ServerConfig::header_limit},
    {"json_max_depth", &ServerConfig::json_max_depth},
    {"json_max_values", &ServerConfig::json_max_values},
    {"max_connections", &ServerConfig::max_connections},
    {"max_connections_per_address", &ServerConfig::max_connections_per_address},
    {"heavy_concurrency", &ServerConfig::heavy_concurrency},
    {"heavy_queue", &ServerConfig::heavy_queue},
    {"read_timeout_ms", &ServerConfig::read_timeout_ms},
    {"write_timeout_ms", &ServerConfig::write_timeout_ms},
    {"idle_timeout_ms", &ServerConfig::idle_timeout_ms},
    {"drain_timeout_ms", &ServerConfig::drain_timeout_ms},
    {"tls_cert", &ServerConfig::tls_cert},
    {"tls_key", &ServerConfig::tls_key},
    {"origin", &ServerConfig::origin},
    {"web_root", &ServerConfig::web_root},
    {"outbox", &ServerConfig::outbox},
    {"card_valid_days", &ServerConfig::card_valid_days},
    {"public_per_address_per_minute", &ServerConfig::public_per_address_per_minute},
    {"public_per_code_per_minute", &ServerConfig::public_per_code_per_minute},
    {"open311_per_address_per_minute", &ServerConfig::open311_per_address_per_minute},
    {"trusted_proxies", &ServerConfig::trusted_proxies},
    {"group_commit", &ServerConfig::group_commit},
    {"max_batch", &ServerConfig::max_batch},
    {"audit_retention_days", &ServerConfig::audit_retention_days},
};

Status ServerRange(const std::string& key, const std::string& rule) {
  return Status::Invalid("server." + key + " " + rule + " (config_range)", "server." + key);
}

// An Origin header is "scheme://host[:port]" exactly (RFC 6454 §6.1), and the
// check compares it byte for byte: a trailing slash or a path here would
// silently refuse every browser.
bool IsOrigin(std::string_view origin) {
  std::string_view rest;
  if (origin.starts_with("https://")) {
    rest = origin.substr(8);
  } else if (origin.starts_with("http://")) {
    rest = origin.substr(7);
  } else {
    return false;
  }
  return !rest.empty() && rest.find_first_of("/?#@ ") == std::string_view::npos;
}

}  // namespace

std::vector<std::string> SplitAddresses(std::string_view list) {
  std::vector<std::string> out;
  if (list.find_first_not_of(' ') == std::string_view::npos) return out;
  while (true) {
    std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    out.emplace_back(item);
    if (comma == std::string_view::npos) return out;
    list.remove_prefix(comma + 1);
  }
}

namespace {

Status CheckServer(const ServerConfig& server) {
  if (server.listen.empty()) return ServerRange("listen", "不能为空");
  if (server.card_valid_days < 1 || server.card_valid_days > 3660)
    return ServerRange("card_valid_days", "应在 1 到 3660 之间");
  if (server.public_per_address_per_minute < 0)
    return ServerRange("public_per_address_per_minute", "不能为负");
  if (server.public_per_code_per_minute < 0) return ServerRange("public_per_code_per_minute", "不能为负");
  if (server.open311_per_address_per_minute < 0)
    return ServerRange("open311_per_address_per_minute", "不能为负");
  if (server.threads < 0 || server.threads > 1024) return ServerRange("threads", "应在 0 到 1024 之间");
  if (server.handler_threads < 0 || server.handler_threads > 4096) {
    return ServerRange("handler_threads", "应在 0 到 4096 之间");
  }
  if (server.body_limit < 1024) return ServerRange("body_limit", "不能小于 1024");
  if (server.header_limit < 1024) return ServerRange("header_limit", "不能小于 1024");
  if (server.json_max_depth < 1 || server.json_max_depth > 1000) {
    return ServerRange("json_max_depth", "应在 1 到 1000 之间");
  }
  if (server.json_max_values < 16) return ServerRange("json_max_values", "不能小于 16");
  if (server.max_connections < 1) return ServerRange("max_connections", "不能小于 1");
  if (server.max_connections_per_address < 1 || server.max_connections_per_address > server.max_connections) {
    return ServerRange("max_connections_per_address", "应在 1 到 max_connections 之间");
  }
  if (server.heavy_concurrency < 1 || server.heavy_concurrency > 64) {
    return ServerRange("heavy_concurrency", "应在 1 到 64 之间");
  }
  if (server.heavy_queue < 0 || server.heavy_queue > 4096)
    return ServerRange("heavy_queue", "应在 0 到 4096 之间");
  const std::pair<const char*, int> timeouts[] = {{"read_timeout_ms", server.read_timeout_ms},
                                                  {"write_timeout_ms", server.write_timeout_ms},
                                                  {"idle_timeout_ms", server.idle_timeout_ms},
                                                  {"drain_timeout_ms", server.drain_timeout_ms}};
  for (const auto& [key, value] : timeouts) {
    if (value <= 0) return ServerRange(key, "必须大于 0");
  }
  if (server.tls_cert.empty() != server.tls_key.empty()) {
    return ServerRange(server.tls_cert.empty() ? "tls_cert" : "tls_key",
                       "未设置: tls_cert 和 tls_key 须同时设置或同时留空");
  }
  if (!server.origin.empty() && !IsOrigin(server.origin)) {
    return ServerRange("origin",
                       "应为 scheme://host[:port] 形式, 不带路径, 如 https://lianxin.example.gov.cn");
  }
  for (const std::string& proxy : SplitAddresses(server.trusted_proxies)) {
    if (proxy.empty() || proxy.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos) {
      return ServerRange("trusted_proxies", "应为逗号分隔的 IP 地址, 如 127.0.0.1,::1");
    }
  }
  if (server.max_batch < 1 || server.max_batch > 100000) {
    return ServerRange("max_batch", "应在 1 到 100000 之间");
  }
  // 网络安全法 第二十一条: 「留存相关的网络日志不少于六个月」; 等保三级 8.1.4.3 asks the same of audit
  // records.
  if (server.audit_retention_days < 180) {
    return ServerRange("audit_retention_days",
                       "不能少于 180 天 (网络安全法第二十一条: 网络日志留存不少于六个月)");
  }
  return Status::Ok();
}

Status ReadServer(const toml::table& table, ServerConfig& server) {
  return ReadScalars(table, kServerFields, {}, "server.", server);
}

// [auth]: AuthPolicy's members by name; totp_required_roles is the one
// non-scalar key, an array of role tokens.
constexpr ScalarField<AuthPolicy> kAuthFields[] = {
    {"password_min_length", &AuthPolicy::password_min_length},
    {"password_max_length", &AuthPolicy::password_max_length},
    {"password_min_classes", &AuthPolicy::password_min_classes},
    {"password_forbid_username", &AuthPolicy::password_forbid_username},
    {"password_deny_common", &AuthPolicy::password_deny_common},
    {"password_history", &AuthPolicy::password_history},
    {"password_max_age_days", &AuthPolicy::password_max_age_days},
    {"one_time_password_length", &AuthPolicy::one_time_password_length},
    {"lockout_attempts", &AuthPolicy::lockout_attempts},
    {"lockout_minutes", &AuthPolicy::lockout_minutes},
    {"lockout_max_minutes", &AuthPolicy::lockout_max_minutes},
    {"signin_per_address_per_minute", &AuthPolicy::signin_per_address_per_minute},
    {"signin_per_account_per_minute", &AuthPolicy::signin_per_account_per_minute},
    {"known_address_days", &AuthPolicy::known_address_days},
    {"session_purge_minutes", &AuthPolicy::session_purge_minutes},
    {"totp_for_personal_data", &AuthPolicy::totp_for_personal_data},
    {"session_idle_minutes", &AuthPolicy::session_idle_minutes},
    {"session_absolute_hours", &AuthPolicy::session_absolute_hours},
    {"session_touch_seconds", &AuthPolicy::session_touch_seconds},
    {"argon2_opslimit", &AuthPolicy::argon2_opslimit},
    {"argon2_memlimit", &AuthPolicy::argon2_memlimit},
    {"totp_period_seconds", &AuthPolicy::totp_period_seconds},
    {"totp_digits", &AuthPolicy::totp_digits},
    {"totp_skew_steps", &AuthPolicy::totp_skew_steps},
    {"totp_issuer", &AuthPolicy::totp_issuer},
};

// [appeals] (PRODUCT.md §3): the 12345 limits and the weights of the three rates.
constexpr ScalarField<AppealRules> kAppealFields[] = {
    {"emergency_hours", &AppealRules::emergency_hours},
    {"urgent_hours", &AppealRules::urgent_hours},
    {"general_days", &AppealRules::general_days},
    {"complex_days", &AppealRules::complex_days},
    {"working_days", &AppealRules::working_days},
    {"respond_within_hours", &AppealRules::respond_within_hours},
    {"response_weight", &AppealRules::response_weight},
    {"resolution_weight", &AppealRules::resolution_weight},
    {"satisfaction_weight", &AppealRules::satisfaction_weight},
    {"max_reopen", &AppealRules::max_reopen},
};

// [[appeals.topics]]: the topic dictionary, each with a unique code and
// label, and the county department (a unit code) answerable for it, if any.
Status ReadTopics(const toml::table& appeals, std::vector<AppealTopic>& topics) {
  const toml::node* node = appeals.get("topics");
  if (node == nullptr) return Status::Ok();
  const toml::array* array = node->as_array();
  if (array == nullptr) return Status::Invalid("appeals.topics 应为表的列表 (config_type)", "appeals.topics");
  topics.clear();
  std::set<std::string> seen;
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string where = "appeals.topics[" + std::to_string(i) + "].";
    const toml::table* table = (*array)[i].as_table();
    if (table == nullptr)
      return Status::Invalid("appeals.topics 的每一项应为表 (config_type)", "appeals.topics");
    LX_RETURN_IF_ERROR(CheckKeys(*table, {"code", "label", "department"}, where));
    AppealTopic topic;
    LX_RETURN_IF_ERROR(Get(*table, "code", where, topic.code));
    LX_RETURN_IF_ERROR(Get(*table, "label", where, topic.label));
    LX_RETURN_IF_ERROR(Get(*table, "department", where, topic.department));
    for (auto [key, value] : {std::pair{"code", &topic.code}, std::pair{"label", &topic.label}}) {
      if (value->empty()) return Status::Invalid(where + key + " 不能为空 (config_required)", where + key);
      if (!seen.insert(*value).second) {
        return Status::Invalid(where + key + " 重复: " + *value + " (config_duplicate)", where + key);
      }
    }
    topics.push_back(std::move(topic));
  }
  if (topics.empty())
    return Status::Invalid("appeals.topics 至少要有一项 (config_required)", "appeals.topics");
  return Status::Ok();
}

// The holiday file is read when the configuration is: relative to the
// configuration file's folder.
Status ReadAppeals(const toml::table& table, const std::string& config_path, Config& config) {
  const std::string where = "appeals.";
  AppealRules& rules = config.appeals;
  LX_RETURN_IF_ERROR(ReadScalars(table, kAppealFields, {"holiday_file", "topics"}, where, rules));
  LX_RETURN_IF_ERROR(Get(table, "holiday_file", where, config.holiday_file));
  LX_RETURN_IF_ERROR(ReadTopics(table, rules.topics));
  for (auto [key, value] :
       {std::pair{"emergency_hours", rules.emergency_hours}, std::pair{"urgent_hours", rules.urgent_hours},
        std::pair{"general_days", rules.general_days}, std::pair{"complex_days", rules.complex_days},
        std::pair{"respond_within_hours", rules.respond_within_hours}}) {
    if (value <= 0) return Status::Invalid(where + key + " 必须大于 0 (config_range)", where + key);
  }
  if (rules.max_reopen < 0 || rules.max_reopen > 10)
    return Status::Invalid(where + "max_reopen 应在 0 到 10 之间 (config_range)", where + "max_reopen");
  for (auto [key, value] : {std::pair{"response_weight", rules.response_weight},
                            std::pair{"resolution_weight", rules.resolution_weight},
                            std::pair{"satisfaction_weight", rules.satisfaction_weight}}) {
    if (value < 0) return Status::Invalid(where + key + " 不能为负 (config_range)", where + key);
  }
  if (config.holiday_file.empty()) return Status::Ok();
  std::filesystem::path file = config.holiday_file;
  if (file.is_relative()) file = std::filesystem::path(config_path).parent_path() / file;
  std::ifstream in(file);
  if (!in) {
    return Status::Invalid(where + "holiday_file: 无法读取 " + file.string() + " (config_file)",
                           where + "holiday_file");
  }
  std::stringstream text;
  text << in.rdbuf();
  LX_ASSIGN_OR_RETURN(config.calendar, WorkCalendar::Parse(text.str(), file.string()));
  return Status::Ok();
}

// [visits]: the cadence of each pairing and the three phenomena's thresholds.
constexpr ScalarField<VisitRules> kVisitFields[] = {
    {"assistance_cadence_days", &VisitRules::assistance_cadence_days},
    {"contact_cadence_days", &VisitRules::contact_cadence_days},
    {"campaign_window_days", &VisitRules::campaign_window_days},
    {"bunched_share", &VisitRules::bunched_share},
    {"reactive_share", &VisitRules::reactive_share},
    {"reactive_window_days", &VisitRules::reactive_window_days},
    {"min_visits", &VisitRules::min_visits},
    {"lookback_days", &VisitRules::lookback_days},
    {"gap_factor", &VisitRules::gap_factor},
};

Status ReadVisits(const toml::table& table, VisitRules& rules) {
  const std::string where = "visits.";
  LX_RETURN_IF_ERROR(ReadScalars(table, kVisitFields, {"campaign_dates"}, where, rules));
  std::vector<std::string> dates;
  LX_RETURN_IF_ERROR(GetStrings(table, "campaign_dates", where, dates));
  if (table.contains("campaign_dates")) rules.campaign_dates.clear();
  for (const std::string& text : dates) {
    Result<Date> date = ParseDate(text);
    if (!date.ok()) {
      return Status::Invalid(where + "campaign_dates: " + date.status().message(), where + "campaign_dates");
    }
    rules.campaign_dates.push_back(*date);
  }
  for (auto [key, value] : {std::pair{"assistance_cadence_days", rules.assistance_cadence_days},
                            std::pair{"contact_cadence_days", rules.contact_cadence_days},
                            std::pair{"lookback_days", rules.lookback_days}}) {
    if (value <= 0) return Status::Invalid(where + key + " 必须大于 0 (config_range)", where + key);
  }
  for (auto [key, value] :
       {std::pair{"bunched_share", rules.bunched_share}, std::pair{"reactive_share", rules.reactive_share}}) {
    if (value <= 0 || value > 1)
      return Status::Invalid(where + key + " 应在 0 与 1 之间 (config_range)", where + key);
  }
  if (rules.gap_factor < 1)
    return Status::Invalid(where + "gap_factor 不能小于 1 (config_range)", where + "gap_factor");
  return Status::Ok();
}

// [scoring]: the weight of each indicator of a cadre's score (scoring.hpp
// names the seed's line for each) and a task's points by level.
constexpr ScalarField<ScoringRules> kScoringFields[] = {
    {"cadence_weight", &ScoringRules::cadence_weight},
    {"tasks_weight", &ScoringRules::tasks_weight},
    {"major_task_points", &ScoringRules::major_task_points},
    {"normal_task_points", &ScoringRules::normal_task_points},
    {"appeals_weight", &ScoringRules::appeals_weight},
    {"awareness_weight", &ScoringRules::awareness_weight},
    {"callbacks_weight", &ScoringRules::callbacks_weight},
    {"rating_weight", &ScoringRules::rating_weight},
};

Status ReadScoring(const toml::table& table, ScoringRules& rules) {
  const std::string where = "scoring.";
  LX_RETURN_IF_ERROR(ReadScalars(table, kScoringFields, {}, where, rules));
  double total = 0;
  for (auto [key, value] :
       {std::pair{"cadence_weight", rules.cadence_weight}, std::pair{"tasks_weight", rules.tasks_weight},
        std::pair{"appeals_weight", rules.appeals_weight},
        std::pair{"awareness_weight", rules.awareness_weight},
        std::pair{"callbacks_weight", rules.callbacks_weight},
        std::pair{"rating_weight", rules.rating_weight}}) {
    if (value < 0) return Status::Invalid(where + key + " 不能为负 (config_range)", where + key);
    total += value;
  }
  if (total <= 0)
    return Status::Invalid(where + "各项权重不能全为 0 (config_range)", where + "cadence_weight");
  if (rules.major_task_points < 1 || rules.normal_task_points < 1)
    return Status::Invalid(where + "任务分值至少为 1 (config_range)", where + "major_task_points");
  return Status::Ok();
}

// [ledger]: 「减少陪同」 and 「简化接待」 in figures.
constexpr ScalarField<LedgerRules> kLedgerFields[] = {
    {"max_companions", &LedgerRules::max_companions},
    {"meal_yuan_per_person", &LedgerRules::meal_yuan_per_person},
};

Status ReadLedger(const toml::table& table, LedgerRules& rules) {
  const std::string where = "ledger.";
  LX_RETURN_IF_ERROR(ReadScalars(table, kLedgerFields, {}, where, rules));
  if (rules.max_companions < 0)
    return Status::Invalid(where + "max_companions 不能为负 (config_range)", where + "max_companions");
  if (!(rules.meal_yuan_per_person >= 0) || rules.meal_yuan_per_person > 10000)
    return Status::Invalid(where + "meal_yuan_per_person 应在 0 到 10000 元之间 (config_range)",
                           where + "meal_yuan_per_person");
  return Status::Ok();
}

Status ReadAuth(const toml::table& table, AuthPolicy& policy) {
  const std::string where = "auth.";
  LX_RETURN_IF_ERROR(ReadScalars(table, kAuthFields, {"totp_required_roles"}, where, policy));
  if (table.contains("totp_required_roles")) {
    std::vector<std::string> tokens;
    LX_RETURN_IF_ERROR(GetStrings(table, "totp_required_roles", where, tokens));
    policy.totp_required_roles.clear();
    for (const std::string& token : tokens) {
      Result<Role> role = ParseRole(token);
      if (!role.ok() || *role == Role::kPublic) {
        return Status::Invalid(where + "totp_required_roles 中的“" + token + "”不是账号角色 (unknown_role)",
                               where + "totp_required_roles");
      }
      policy.totp_required_roles.insert(*role);
    }
  }
  return Status::Ok();
}

// The policy's own floors (等保三级, ASVS L2), with the field named as in the file.
Status CheckAuth(const AuthPolicy& policy) {
  Status status = ValidateAuthPolicy(policy);
  if (status.ok()) return status;
  return Status(status.code(), status.message(), "auth." + status.field());
}

Status ReadNeeds(const toml::array& array, std::vector<NeedRule>& needs) {
  needs.clear();
  std::set<std::string> labels;
  for (size_t i = 0; i < array.size(); ++i) {
    const std::string where = "needs[" + std::to_string(i) + "].";
    const toml::table* table = array[i].as_table();
    if (table == nullptr) return Status::Invalid("needs 的每一项应为表 (config_type)", "needs");
    LX_RETURN_IF_ERROR(CheckKeys(
        *table,
        {"label", "synonyms", "task", "skills", "difficulty_weight", "target", "major", "deadline_days"},
        where));
    NeedRule rule;
    LX_RETURN_IF_ERROR(Get(*table, "label", where, rule.label));
    if (rule.label.empty())
      return Status::Invalid(where + "label 不能为空 (config_required)", where + "label");
    if (!labels.insert(rule.label).second)
      return Status::Invalid(where + "label 重复: " + rule.label + " (config_duplicate)", where + "label");
    LX_RETURN_IF_ERROR(GetStrings(*table, "synonyms", where, rule.synonyms));
    LX_RETURN_IF_ERROR(Get(*table, "task", where, rule.task));
    LX_RETURN_IF_ERROR(GetStrings(*table, "skills", where, rule.skills));
    LX_RETURN_IF_ERROR(Get(*table, "difficulty_weight", where, rule.difficulty_weight));
    LX_RETURN_IF_ERROR(Get(*table, "target", where, rule.target));
    LX_RETURN_IF_ERROR(Get(*table, "major", where, rule.major));
    LX_RETURN_IF_ERROR(Get(*table, "deadline_days", where, rule.deadline_days));
    if (rule.deadline_days <= 0) {
      return Status::Invalid(where + "deadline_days 必须大于 0 (config_range)", where + "deadline_days");
    }
    needs.push_back(std::move(rule));
  }
  return Status::Ok();
}

Status ReadSkills(const toml::array& array, Dictionary& skills) {
  skills.entries.clear();
  std::set<std::string> labels;
  for (size_t i = 0; i < array.size(); ++i) {
    const std::string where = "skills[" + std::to_string(i) + "].";
    const toml::table* table = array[i].as_table();
    if (table == nullptr) return Status::Invalid("skills 的每一项应为表 (config_type)", "skills");
    LX_RETURN_IF_ERROR(CheckKeys(*table, {"label", "synonyms"}, where));
    Dictionary::Entry entry;
    LX_RETURN_IF_ERROR(Get(*table, "label", where, entry.label));
    if (entry.label.empty())
      return Status::Invalid(where + "label 不能为空 (config_required)", where + "label");
    if (!labels.insert(entry.label).second)
      return Status::Invalid(where + "label 重复: " + entry.label + " (config_duplicate)", where + "label");
    LX_RETURN_IF_ERROR(GetStrings(*table, "synonyms", where, entry.synonyms));
    skills.entries.push_back(std::move(entry));
  }
  return Status::Ok();
}

// Every need's matching skills must be dictionary skills, or pairing would
// silently never match them.
Status CheckNeedSkills(const Config& config) {
  for (size_t i = 0; i < config.needs.size(); ++i) {
    for (const std::string& skill : config.needs[i].skills) {
      bool known = std::any_of(config.skills.entries.begin(), config.skills.entries.end(),
                               [&](const Dictionary::Entry& e) { return e.label == skill; });
      if (!known) {
        return Status::Invalid("needs[" + std::to_string(i) + "].skills 中的“" + skill +
                                   "”不在 skills 字典中 (config_unknown_skill)",
                               "needs[" + std::to_string(i) + "].skills");
      }
    }
  }
  return Status::Ok();
}

toml::array ToArray(const std::vector<std::string>& items) {
  toml::array array;
  for (const std::string& item : items) array.push_back(item);
  return array;
}

}  // namespace

Config Config::Defaults() {
  Config config;
  config.needs = DefaultNeeds();
  config.skills = DefaultSkills();
  return config;
}

namespace config_internal {

Status ApplyToml(const toml::table& root, const std::string& config_path, Config& config) {
  Status status = CheckKeys(root,
                            {"timezone", "key_file", "busy_timeout_ms", "log_level", "difficulty", "pairing",
                             "server", "auth", "needs", "skills", "appeals", "visits", "scoring", "ledger"},
                            "");
  if (status.ok()) status = Get(root, "timezone", "", config.timezone);
  if (status.ok()) status = Get(root, "key_file", "", config.key_file);
  if (status.ok()) status = Get(root, "busy_timeout_ms", "", config.busy_timeout_ms);
  if (status.ok()) status = Get(root, "log_level", "", config.log_level);
  if (status.ok() && spdlog::level::from_str(config.log_level) == spdlog::level::off &&
      config.log_level != "off") {
    status = Status::Invalid("log_level 应为 trace|debug|info|warn|error|off (config_range)", "log_level");
  }
  if (status.ok() && root.contains("difficulty")) {
    const toml::table* table = root["difficulty"].as_table();
    status = table ? ReadDifficulty(*table, config.difficulty)
                   : Status::Invalid("difficulty 应为表 (config_type)", "difficulty");
  }
  if (status.ok() && root.contains("pairing")) {
    const toml::table* table = root["pairing"].as_table();
    status = table ? ReadPairing(*table, config.pairing)
                   : Status::Invalid("pairing 应为表 (config_type)", "pairing");
  }
  if (status.ok() && root.contains("server")) {
    const toml::table* table = root["server"].as_table();
    status =
        table ? ReadServer(*table, config.server) : Status::Invalid("server 应为表 (config_type)", "server");
  }
  // The defaults pass these checks: only a section read here can fail them.
  if (status.ok() && root.contains("server")) status = CheckServer(config.server);
  if (status.ok() && root.contains("auth")) {
    const toml::table* table = root["auth"].as_table();
    status = table ? ReadAuth(*table, config.auth) : Status::Invalid("auth 应为表 (config_type)", "auth");
  }
  if (status.ok() && root.contains("auth")) status = CheckAuth(config.auth);
  if (status.ok() && root.contains("needs")) {
    const toml::array* array = root["needs"].as_array();
    status =
        array ? ReadNeeds(*array, config.needs) : Status::Invalid("needs 应为表数组 (config_type)", "needs");
  }
  if (status.ok() && root.contains("skills")) {
    const toml::array* array = root["skills"].as_array();
    status = array ? ReadSkills(*array, config.skills)
                   : Status::Invalid("skills 应为表数组 (config_type)", "skills");
  }
  if (status.ok() && root.contains("appeals")) {
    const toml::table* table = root["appeals"].as_table();
    status = table ? ReadAppeals(*table, config_path, config)
                   : Status::Invalid("appeals 应为表 (config_type)", "appeals");
  }
  if (status.ok() && root.contains("visits")) {
    const toml::table* table = root["visits"].as_table();
    status =
        table ? ReadVisits(*table, config.visits) : Status::Invalid("visits 应为表 (config_type)", "visits");
  }
  if (status.ok() && root.contains("scoring")) {
    const toml::table* table = root["scoring"].as_table();
    status = table ? ReadScoring(*table, config.scoring)
                   : Status::Invalid("scoring 应为表 (config_type)", "scoring");
  }
  if (status.ok() && root.contains("ledger")) {
    const toml::table* table = root["ledger"].as_table();
    status =
        table ? ReadLedger(*table, config.ledger) : Status::Invalid("ledger 应为表 (config_type)", "ledger");
  }
  if (status.ok()) status = CheckNeedSkills(config);
  return status;
}

}  // namespace config_internal

Result<Config> Config::Load(const std::string& path, bool required) {
  Config config = Defaults();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (required) return Status::Invalid("找不到配置文件 " + path + " (config_missing)");
    return config;
  }
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << path << ":" << e.source().begin.line << ":" << e.source().begin.column;
    return Status::Invalid(where.str() + ": 配置文件格式错误: " + std::string(e.description()) +
                           " (config_syntax)");
  }
  Status status = config_internal::ApplyToml(root, path, config);
  if (!status.ok()) return Status(status.code(), path + ": " + status.message(), status.field());
  return config;
}

std::string Config::ToToml() const {
  std::ostringstream out;
  out << "# Lianxin effective configuration (lianxin config show)\n"
      << config_internal::ToTable(*this) << "\n";
  return out.str();
}

toml::table config_internal::ToTable(const Config& config) {
  toml::table root;
  root.insert("timezone", config.timezone);
  root.insert("key_file", config.key_file);
  root.insert("busy_timeout_ms", config.busy_timeout_ms);
  root.insert("log_level", config.log_level);
  toml::table diff;
  diff.insert("income_line", config.difficulty.income_line);
  diff.insert("income_weight", config.difficulty.income_weight);
  diff.insert("dangerous_housing_weight", config.difficulty.dangerous_housing_weight);
  diff.insert("per_member_weight", config.difficulty.per_member_weight);
  diff.insert("hardest_at", config.difficulty.hardest_at);
  diff.insert("harder_at", config.difficulty.harder_at);
  root.insert("difficulty", std::move(diff));
  toml::table pairing_table;
  for (const PairingField& field : kPairingFields) {
    if (field.integer) {
      pairing_table.insert(field.name, config.pairing.*field.integer);
    } else {
      pairing_table.insert(field.name, config.pairing.*field.real);
    }
  }
  root.insert("pairing", std::move(pairing_table));
  toml::table server_table;
  WriteScalars(kServerFields, config.server, server_table);
  root.insert("server", std::move(server_table));
  toml::table auth_table;
  WriteScalars(kAuthFields, config.auth, auth_table);
  toml::array roles;
  for (Role role : config.auth.totp_required_roles) roles.push_back(std::string(RoleToken(role)));
  auth_table.insert("totp_required_roles", std::move(roles));
  root.insert("auth", std::move(auth_table));
  toml::table appeals_table;
  WriteScalars(kAppealFields, config.appeals, appeals_table);
  appeals_table.insert("holiday_file", config.holiday_file);
  toml::array topic_array;
  for (const AppealTopic& topic : config.appeals.topics) {
    topic_array.push_back(
        toml::table{{"code", topic.code}, {"label", topic.label}, {"department", topic.department}});
  }
  appeals_table.insert("topics", std::move(topic_array));
  root.insert("appeals", std::move(appeals_table));
  toml::table visits_table;
  WriteScalars(kVisitFields, config.visits, visits_table);
  toml::array campaigns;
  for (const Date& d : config.visits.campaign_dates) campaigns.push_back(d.ToString());
  visits_table.insert("campaign_dates", std::move(campaigns));
  root.insert("visits", std::move(visits_table));
  toml::table scoring_table;
  WriteScalars(kScoringFields, config.scoring, scoring_table);
  root.insert("scoring", std::move(scoring_table));
  toml::table ledger_table;
  WriteScalars(kLedgerFields, config.ledger, ledger_table);
  root.insert("ledger", std::move(ledger_table));
  toml::array need_array;
  for (const NeedRule& rule : config.needs) {
    toml::table t;
    t.insert("label", rule.label);
    t.insert("synonyms", ToArray(rule.synonyms));
    t.insert("task", rule.task);
    t.insert("skills", ToArray(rule.skills));
    t.insert("difficulty_weight", rule.difficulty_weight);
    t.insert("target", rule.target);
    t.insert("major", rule.major);
    t.insert("deadline_days", rule.deadline_days);
    need_array.push_back(std::move(t));
  }
  root.insert("needs", std::move(need_array));
  toml::array skill_array;
  for (const Dictionary::Entry& entry : config.skills.entries) {
    toml::table t;
    t.insert("label", entry.label);
    t.insert("synonyms", ToArray(entry.synonyms));
    skill_array.push_back(std::move(t));
  }
  root.insert("skills", std::move(skill_array));
  return root;
}

Dictionary Config::NeedDictionary() const {
  Dictionary dictionary;
  for (const NeedRule& rule : needs) dictionary.entries.push_back({rule.label, rule.synonyms});
  return dictionary;
}

void ScoreDifficulty(const Config& config, Household& household) {
  const DifficultyRules& rules = config.difficulty;
  double shortfall = static_cast<double>(rules.income_line - household.income_per_capita) /
                     static_cast<double>(rules.income_line);
  double score = rules.income_weight * std::clamp(shortfall, 0.0, 1.0);
  for (const std::string& need : household.needs) {
    for (const NeedRule& rule : config.needs) {
      if (rule.label == need) score += rule.difficulty_weight;
    }
  }
  if (household.housing == Housing::kDangerous) score += rules.dangerous_housing_weight;
  score += rules.per_member_weight * std::max(0, household.size - 4);
  // Two decimals keep the stored score stable across platforms and re-imports.
  household.difficulty = std::round(score * 100) / 100;
  household.tier = household.difficulty >= rules.hardest_at  ? Tier::kHardest
                   : household.difficulty >= rules.harder_at ? Tier::kHarder
                                                             : Tier::kEasier;
}

}  // namespace lianxin
