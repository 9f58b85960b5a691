// The configuration: every rule, weight and limit of Lianxin in one place.
//
// Defaults live in code (`Config::Defaults()`); `lianxin.toml` overrides any
// of them; `lianxin config show` prints the effective result as TOML that
// `Config::Load` reads back unchanged. Unknown keys are an error naming the
// key, so a misspelt setting never silently does nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/appeals.hpp"
#include "lianxin/auth.hpp"
#include "lianxin/calendar.hpp"
#include "lianxin/ledger.hpp"
#include "lianxin/scoring.hpp"
#include "lianxin/status.hpp"
#include "lianxin/validate.hpp"
#include "lianxin/visits.hpp"

namespace lianxin {

// One need tag (PRODUCT.md §2.1): the task it gives an assistance pair, the
// cadre skills that match it, and its weight in the difficulty score.
struct NeedRule {
  std::string label;                  // 低收入
  std::vector<std::string> synonyms;  // other ways offices write it
  std::string task;                   // 增收: raise per-capita income to a target
  std::vector<std::string> skills;    // 农技, 养殖, 营销, 组织
  double difficulty_weight = 0;
  // The task's target ("{income_line}" is replaced), whether it is a major
  // (重点) task, and how many days an assistance pair has to finish it.
  std::string target;
  bool major = false;
  int deadline_days = 365;
};

// The difficulty score (富裕难度) of a household and its tier. The score is
//   income_weight × clamp((income_line − income) / income_line, 0, 1)
//   + Σ weight of each need + dangerous_housing_weight (危房)
//   + per_member_weight × max(0, size − 4)
// and the tier is hardest at or above `hardest_at`, harder at or above
// `harder_at`, easier below.
struct DifficultyRules {
  std::int64_t income_line = 6000;  // yuan per person per year
  double income_weight = 40;
  double dangerous_housing_weight = 15;
  double per_member_weight = 2;
  double hardest_at = 55;
  double harder_at = 30;
};

// Every rule and price of pairing, flat, so lianxin.toml can set each one.
// Prices are in points; the engine works in hundredths of a point
// (integers, each price rounded once to the nearest 0.01), so a price or a
// difficulty score finer than 0.01 point is rounded away.
struct PairingRules {
  // --- hard rules ---
  // 「副科级以上干部每人联2户,一般干部每人联1户」: assistance households per cadre
  // by rank. Village party members do no assistance (「单位干部联户」), and a
  // household has at most one assistance cadre.
  int quota_county = 2;
  int quota_section = 2;
  int quota_deputy_section = 2;
  int quota_ordinary = 1;
  // 「让每一户群众都有党员干部联系」: contact households per cadre, at most.
  int contact_load = 15;

  // --- unit ↔ village ---
  // 「单位联村」: every unit holds at least this many villages (a goal, like
  // the proportional share rounded down), so no unit's cadres stand idle.
  int min_villages_per_unit = 1;
  // Contact capacity. A village needs from its unit the households its own
  // party members cannot take (households − members × contact_load). When
  // the cheapest choice of units leaves some unit short, the county is
  // solved as an integer program; this is the seed that search starts from:
  // a unit's capacity split into one slot per village it may hold, shaped
  // like the county's spread of needs, each household a village needs beyond
  // its slot costing this. It steers a seed only; the result is priced by
  // the pairs alone.
  double village_shortfall_cost = 50;
  // Seconds the integer program of one county may take to find the most
  // households coverable, and then each refinement (the needy served, the
  // cadres given a contact, the least price). Past a limit the best answer
  // found is used and the result says so (UnitVillageSolve). A refinement
  // is also bounded by a fixed amount of work, so the same registry pairs
  // the same on any machine unless this time limit is reached first.
  double solver_time_limit = 10;
  double refine_time_limit = 2;
  // Points per (strength point × difficulty point): the pair (u, v) costs
  // −village_difficulty_weight × strength(u) × mean difficulty of v's
  // households, so harder villages go to stronger units.
  double village_difficulty_weight = 10;
  double strength_strong = 2;
  double strength_medium = 1;
  double strength_weak = 0;
  // A village moved away from its previous unit (a whole team leaves).
  double village_move_cost = 2000;

  // --- assistance ---
  // 「县级领导包联富裕难度最大的农户,乡科级领导包联富裕难度较大的农户,一般党员干部包联富裕难度较小的农户」:
  // per tier step between the cadre's rank tier and the household's tier.
  double tier_mismatch_cost = 1000;
  // 「政策精通的去培训……从事法律工作的为群众普法」: per need of the household
  // that one of the cadre's skills matches (NeedRule::skills).
  double skill_match_reward = 40;
  // Per difficulty point of the household: when needy households outnumber
  // quotas, the harder ones are paired first.
  double difficulty_priority = 1;
  // An assistance or contact pair of the previous run not kept.
  double move_cost = 500;

  // --- contact ---
  // The household's assistance cadre is also its contact: one person to find.
  double contact_assistance_reward = 100;
  // The k-th contact household of a cadre costs (k − 1) × this, so loads even out.
  double contact_balance_cost = 2;

  // --- contact points ---
  // The leader's weak branch lies in a village the leader's unit holds.
  double contact_point_own_unit_reward = 50;
  // The k-th leader on the same weak branch, or the k-th county-level leader
  // on the same non-public or social org, costs (k − 1) × this.
  double contact_point_balance_cost = 20;
  // A contact point of the previous run not kept.
  double contact_point_move_cost = 500;
};

// The HTTP server ([server]): where `lianxin serve` listens and the limits it
// holds every connection to. Loading refuses a value outside the range noted,
// naming the key (kInvalidInput, field "server.<key>").
struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // "host:port" or "[v6]:port"
  int threads = 0;                        // IO threads, 0 = one per hardware thread; 0..1024
  int handler_threads = 64;  // run handlers, which may wait for a group commit; 0 = the IO threads; 0..4096
  std::int64_t body_limit = 8 * 1024 * 1024;  // bytes of a request body (413 beyond); ≥ 1024
  int header_limit = 16 * 1024;               // bytes of request line + headers (431 beyond); ≥ 1024
  int json_max_depth = 32;                    // nesting of a JSON body (400 beyond); 1..1000
  std::int64_t json_max_values = 10000;       // values in a JSON body, at any depth (400 beyond); ≥ 16
  int max_connections = 10000;                // open at once, capped by RLIMIT_NOFILE (503 beyond); ≥ 1
  int max_connections_per_address = 512;      // open at once from one IP (503 beyond); 1..max_connections
  int heavy_concurrency = 1;     // pairing solves, uploads, exports running at once (others wait); 1..64
  int heavy_queue = 16;          // more heavy requests that may wait for a turn (503 beyond); 0..4096
  int read_timeout_ms = 30000;   // the whole request, once its first byte arrives
  int write_timeout_ms = 30000;  // the whole response
  int idle_timeout_ms = 60000;   // a keep-alive connection between requests
  int drain_timeout_ms = 10000;  // in-flight requests at shutdown
  std::string tls_cert;          // PEM path; tls_cert and tls_key both set (HTTPS) or neither
  std::string tls_key;           // PEM path
  // The built web app to serve from / ("" = the source tree's web/dist,
  // where `./dev run` builds it; see static_files.hpp).
  std::string web_root;
  // The notifications' outbox (notify.hpp: one JSON line a message, where an
  // SMS gateway picks them up); "" = "<db>.outbox.jsonl" beside a SQLite
  // file, beside the key file for PostgreSQL.
  std::string outbox;
  // How long a contact card (连心卡) is in force once issued.
  int card_valid_days = 1826;
  // The household's public API (no sign-in): requests a minute from one
  // address, and attempts a minute at one card code.
  int public_per_address_per_minute = 30;
  int public_per_code_per_minute = 10;
  // Open311 (/open311/v2/, no sign-in): calls a minute from one address; a
  // client polling servicerequestupdates needs a few.
  int open311_per_address_per_minute = 120;
  std::string origin;  // Origin unsafe requests must carry ("https://lianxin.example.gov.cn"); "" = none
  // Reverse proxies whose X-Forwarded-For names the client ("127.0.0.1,::1"),
  // comma-separated IP addresses; "" = none: the TCP peer is the client.
  std::string trusted_proxies;
  bool group_commit = true;        // false = one write per commit
  int max_batch = 512;             // writes per group commit; 1..100000
  int audit_retention_days = 180;  // ≥ 180: 网络安全法 第二十一条 and 等保三级 keep logs six months
};

// "a, b,c" as {"a","b","c"} (spaces trimmed, empty items kept, "" gives
// none): the form of ServerConfig::trusted_proxies.
std::vector<std::string> SplitAddresses(std::string_view list);

struct Config {
  std::string timezone = "Asia/Shanghai";
  // Where the key for ID numbers and phones lives; empty means "<db>.key".
  std::string key_file;
  // SQLite waits this long for a lock before giving up.
  int busy_timeout_ms = 5000;
  // trace | debug | info | warn | error | off; logs go to standard error and
  // never carry ID numbers or phones.
  std::string log_level = "warn";
  std::vector<NeedRule> needs;
  Dictionary skills;
  DifficultyRules difficulty;
  PairingRules pairing;
  ServerConfig server;
  // [auth]: keys are the member names; totp_required_roles is an array of
  // role tokens. Loading passes it through ValidateAuthPolicy (field "auth.<member>").
  AuthPolicy auth;
  // [appeals]: the 12345 limits and rate weights; `holiday_file` names the
  // working-day calendar (relative to the configuration file), read into
  // `calendar` when the configuration is loaded. Empty: Monday–Friday.
  AppealRules appeals;
  std::string holiday_file;
  WorkCalendar calendar;
  // [visits]: each pairing's cadence and the three phenomena's thresholds;
  // campaign_dates is an array of "YYYY-MM-DD".
  VisitRules visits;
  // [scoring]: the weights of a cadre's score (scoring.hpp).
  ScoringRules scoring;
  // [ledger]: the 八项规定 ledger's limits (ledger.hpp); the no-meeting
  // months are the county's calendar in the store, not here.
  LedgerRules ledger;

  static Config Defaults();
  // Reads a TOML file over the defaults; a missing file at the default path
  // is not an error (pass required=true for a path the user named).
  static Result<Config> Load(const std::string& path, bool required);
  std::string ToToml() const;

  // The needs as a dictionary for ParseNeeds.
  Dictionary NeedDictionary() const;
};

// Computes a household's difficulty score and tier under the rules.
struct Household;
void ScoreDifficulty(const Config& config, Household& household);

}  // namespace lianxin
