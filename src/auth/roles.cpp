// Roles, separation of duties and region scopes.
#include <algorithm>

#include "lianxin/auth.hpp"

namespace lianxin {

namespace {

struct RoleRow {
  Role role;
  std::string_view token;  // stored and spoken by the API; never changes
  std::string_view label;  // what the console shows
};

// PRODUCT.md's table of the people who use Lianxin, in that order.
constexpr RoleRow kRoleRows[] = {
    {Role::kSysadmin, "sysadmin", "系统管理员"},
    {Role::kSecadmin, "secadmin", "安全管理员"},
    {Role::kAuditor, "auditor", "审计管理员"},
    {Role::kCountyAdmin, "county_admin", "县级管理员"},
    {Role::kTownshipAdmin, "township_admin", "乡镇管理员"},
    {Role::kUnitHead, "unit_head", "单位负责人"},
    {Role::kCadre, "cadre", "干部"},
    {Role::kOperator, "operator", "接线员"},
    {Role::kInspector, "inspector", "督查员"},
    {Role::kDiscipline, "discipline", "纪检员"},
    {Role::kHousehold, "household", "群众"},
    {Role::kPublic, "public", "公众"},
};

const RoleRow& RowFor(Role role) {
  for (const RoleRow& row : kRoleRows) {
    if (row.role == role) return row;
  }
  return kRoleRows[std::size(kRoleRows) - 1];
}

constexpr std::string_view kScopeTokens[] = {"none", "region", "unit", "cadre"};

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The digits a region code shares with everything beneath it: 6 for a county
// (written as 6 digits or as 12 ending in 000000), 9 for a township (12
// ending in 000), 12 for a village. 0 for a malformed code.
std::size_t SubtreePrefixLength(std::string_view code) {
  if (!AllDigits(code)) return 0;
  if (code.size() == 6) return 6;
  if (code.size() != 12) return 0;
  if (code.substr(6) == "000000") return 6;
  if (code.substr(9) == "000") return 9;
  return 12;
}

// The same measure for the region being asked about, which may also be a
// grid (15 digits under its village).
std::size_t RegionDepth(std::string_view code) {
  if (AllDigits(code) && code.size() == 15) return SubtreePrefixLength(code.substr(0, 12)) == 12 ? 15 : 0;
  return SubtreePrefixLength(code);
}

}  // namespace

std::string_view RoleToken(Role role) { return RowFor(role).token; }
std::string_view RoleLabel(Role role) { return RowFor(role).label; }

Result<Role> ParseRole(std::string_view text) {
  for (const RoleRow& row : kRoleRows) {
    if (text == row.token || text == row.label) return row.role;
  }
  return Status::Invalid("未知角色 " + std::string(text.substr(0, 64)) + " (unknown_role)", "roles");
}

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> all;
    for (const RoleRow& row : kRoleRows) all.push_back(row.role);
    return all;
  }();
  return roles;
}

std::string JoinRoleTokens(const std::set<Role>& roles) {
  std::string out;
  for (Role role : roles) {
    if (!out.empty()) out += ',';
    out += RoleToken(role);
  }
  return out;
}

Result<std::set<Role>> ParseRoleTokens(std::string_view joined) {
  std::set<Role> roles;
  while (!joined.empty()) {
    std::size_t comma = joined.find(',');
    std::string_view token = joined.substr(0, comma);
    LX_ASSIGN_OR_RETURN(Role role, ParseRole(token));
    roles.insert(role);
    if (comma == std::string_view::npos) break;
    joined.remove_prefix(comma + 1);
  }
  return roles;
}

bool IsSeparatedAdmin(Role role) {
  return role == Role::kSysadmin || role == Role::kSecadmin || role == Role::kAuditor;
}

bool SeparationOfDutiesOk(const std::set<Role>& roles) {
  auto admins = std::count_if(roles.begin(), roles.end(), IsSeparatedAdmin);
  // An admin role stands alone: with a second admin role one person would
  // both act and review (三权分立); with a business role the admin would
  // reach the business data its console is kept away from.
  return admins == 0 || roles.size() == 1;
}

std::string_view ScopeKindToken(ScopeKind kind) { return kScopeTokens[static_cast<int>(kind)]; }

std::optional<ScopeKind> ParseScopeKind(std::string_view token) {
  for (std::size_t i = 0; i < std::size(kScopeTokens); ++i) {
    if (token == kScopeTokens[i]) return static_cast<ScopeKind>(i);
  }
  return std::nullopt;
}

Status ValidateScope(const Scope& scope) {
  switch (scope.kind) {
    case ScopeKind::kNone:
      if (!scope.code.empty()) return Status::Invalid("无数据范围时不应填写编码 (scope_invalid)", "scope");
      return Status::Ok();
    case ScopeKind::kRegion:
      if (SubtreePrefixLength(scope.code) == 0) {
        return Status::Invalid("区域范围应为 6 位县级代码或 12 位统计用区划代码 (scope_invalid)", "scope");
      }
      return Status::Ok();
    case ScopeKind::kUnit:
    case ScopeKind::kCadre:
      if (scope.code.empty() || scope.code.size() > 64) {
        return Status::Invalid("数据范围缺少单位或干部编码 (scope_invalid)", "scope");
      }
      return Status::Ok();
  }
  return Status::Invalid("未知的数据范围类型 (scope_invalid)", "scope");
}

bool ScopeContains(const Scope& scope, std::string_view region_code) {
  if (scope.kind != ScopeKind::kRegion) return false;
  std::size_t prefix = SubtreePrefixLength(scope.code);
  std::size_t depth = RegionDepth(region_code);
  if (prefix == 0 || depth == 0 || depth < prefix) return false;
  std::string_view scope_prefix = std::string_view(scope.code).substr(0, prefix);
  return region_code.substr(0, prefix) == scope_prefix;
}

}  // namespace lianxin
