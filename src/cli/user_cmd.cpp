// `lianxin user ...`: accounts from the command line, through AuthService.
#include "cli/user_cmd.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "lianxin/auth.hpp"
#include "lianxin/clock.hpp"
#include "lianxin/store.hpp"

namespace lianxin {
namespace {

// What the user subcommands parse into; shared by their callbacks.
struct UserArgs {
  std::string db;
  std::string name;
  std::string roles;
  std::string scope;
  std::string display_name;
  bool no_force_change = false;
};

// "cadre,unit_head" or "干部，单位负责人": tokens or labels, split on an ASCII or
// a full-width comma.
Result<std::set<Role>> ParseRoleList(const std::string& text) {
  std::string normalized;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "，") == 0) {
      normalized += ',';
      i += 2;
    } else {
      normalized += text[i];
    }
  }
  std::set<Role> roles;
  std::size_t start = 0;
  while (start <= normalized.size()) {
    std::size_t end = normalized.find(',', start);
    if (end == std::string::npos) end = normalized.size();
    std::string item = normalized.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) {
      Result<Role> role = ParseRole(item);
      if (!role.ok()) return Status::Usage("--role: " + role.status().message());
      roles.insert(*role);
    }
    start = end + 1;
  }
  if (roles.empty()) return Status::Usage("--role 不能为空 (--role is empty)");
  return roles;
}

// "region:149901", "unit:U001", "cadre:C0001" or "none". The code itself is
// checked by the service (ValidateScope), as for the API.
Result<Scope> ParseScopeArg(const std::string& text) {
  if (text.empty() || text == "none") return Scope{};
  std::size_t colon = text.find(':');
  std::optional<ScopeKind> kind =
      colon == std::string::npos ? std::nullopt : ParseScopeKind(text.substr(0, colon));
  if (!kind || *kind == ScopeKind::kNone) {
    return Status::Usage("--scope 应为 region:代码、unit:代码、cadre:代码或 none,而不是 " + text +
                         " (--scope is region:CODE, unit:CODE, cadre:CODE or none)");
  }
  return Scope{*kind, text.substr(colon + 1)};
}

std::string ScopeArgText(const Scope& scope) {
  std::string text(ScopeKindToken(scope.kind));
  if (!scope.code.empty()) text += ":" + scope.code;
  return text;
}

// Clears a password from memory when it goes out of scope.
struct Secret {
  std::string value;
  ~Secret() {
    if (!value.empty()) sodium_memzero(value.data(), value.size());
  }
};

// One line from standard input, without its end of line; on a terminal the
// typing is not echoed.
bool ReadSecretLine(std::string& line) {
  termios saved{};
  const bool tty = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  const bool read = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return read;
}

// The new password: the first line of standard input. A person at a terminal
// is prompted and types it twice.
Status ReadPassword(Secret& password) {
  const bool tty = ::isatty(STDIN_FILENO);
  if (tty) std::cerr << "新密码 new password: " << std::flush;
  (void)ReadSecretLine(password.value);
  if (password.value.empty()) {
    return Status::Invalid("未从标准输入读到密码 (password_empty: give the password on standard input)",
                           "password");
  }
  if (tty) {
    Secret again;
    std::cerr << "再输入一次 again: " << std::flush;
    (void)ReadSecretLine(again.value);
    if (again.value != password.value)
      return Status::Invalid("两次输入的密码不一致 (password_mismatch)", "password");
  }
  return Status::Ok();
}

// The account store of the database at `db`, and a service over it with the
// configured policy.
struct Console {
  std::unique_ptr<UserRepository> users;
  std::unique_ptr<AuthService> auth;
};

Result<Console> OpenConsole(const Config& config, const std::string& db, bool create) {
  StoreOptions options;
  options.key_file = config.key_file;
  options.busy_timeout_ms = config.busy_timeout_ms;
  options.create = create;
  Console console;
  LX_ASSIGN_OR_RETURN(console.users, Store::OpenUserRepository(db, options));
  console.auth = std::make_unique<AuthService>(*console.users, config.auth, SystemClock());
  return console;
}

Status RunUserAdd(const std::function<Result<Config>()>& load_config, const UserArgs& args) {
  LX_ASSIGN_OR_RETURN(std::set<Role> roles, ParseRoleList(args.roles));
  LX_ASSIGN_OR_RETURN(Scope scope, ParseScopeArg(args.scope));
  Secret password;
  LX_RETURN_IF_ERROR(ReadPassword(password));
  LX_ASSIGN_OR_RETURN(Config config, load_config());
  // The policy is checked before anything is written, so a refused password
  // leaves nothing behind.
  User candidate;
  candidate.username = args.name;
  LX_RETURN_IF_ERROR(CheckPasswordPolicy(config.auth, candidate, password.value, {}));
  // `user add` may be the first thing done to a database: it creates it, as
  // `import` does; the admins of `serve`'s first start are not required.
  LX_ASSIGN_OR_RETURN(Console console, OpenConsole(config, args.db, true));
  const Actor actor = CliActor();
  const std::string display_name = args.display_name.empty() ? args.name : args.display_name;
  LX_ASSIGN_OR_RETURN(CreatedUser created,
                      console.auth->CreateUser(actor, args.name, display_name, roles, scope));
  sodium_memzero(created.one_time_password.data(), created.one_time_password.size());
  const bool must_change = !args.no_force_change;
  Status set = console.auth->SetPassword(actor, created.user.username, password.value, must_change);
  if (!set.ok()) {
    return Status(set.code(), "账号 " + created.user.username +
                                  " 已创建,但密码未能设置,请用 `lianxin user passwd` 重设 (" +
                                  "account created, password not set: " + set.message() + ")");
  }
  std::cout << "已创建账号 user created: " << created.user.username << " (" << JoinRoleTokens(roles) << ", "
            << ScopeArgText(scope) << ")\n"
            << (must_change ? "首次登录须修改密码 (must change the password at first sign-in)\n"
                            : "密码可直接使用 (the password is usable as is)\n");
  return Status::Ok();
}

Status RunUserPasswd(const std::function<Result<Config>()>& load_config, const UserArgs& args) {
  Secret password;
  LX_RETURN_IF_ERROR(ReadPassword(password));
  LX_ASSIGN_OR_RETURN(Config config, load_config());
  LX_ASSIGN_OR_RETURN(Console console, OpenConsole(config, args.db, false));
  const bool must_change = !args.no_force_change;
  LX_RETURN_IF_ERROR(console.auth->SetPassword(CliActor(), args.name, password.value, must_change));
  std::cout << "已设置密码 password set: " << args.name
            << (must_change ? ";下次登录须修改密码 (must change it at the next sign-in)" : "")
            << ";该账号的会话已全部结束 (its sessions have ended)\n";
  return Status::Ok();
}

Status RunUserRoles(const std::function<Result<Config>()>& load_config, const UserArgs& args) {
  LX_ASSIGN_OR_RETURN(std::set<Role> roles, ParseRoleList(args.roles));
  std::optional<Scope> scope;
  if (!args.scope.empty()) {
    LX_ASSIGN_OR_RETURN(scope, ParseScopeArg(args.scope));
    // Checked before the roles change, so a bad scope changes nothing.
    LX_RETURN_IF_ERROR(ValidateScope(*scope));
  }
  LX_ASSIGN_OR_RETURN(Config config, load_config());
  LX_ASSIGN_OR_RETURN(Console console, OpenConsole(config, args.db, false));
  const Actor actor = CliActor();
  LX_RETURN_IF_ERROR(console.auth->SetRoles(actor, args.name, roles));
  if (scope) LX_RETURN_IF_ERROR(console.auth->SetScope(actor, args.name, *scope));
  std::cout << "已更新角色 roles set: " << args.name << " → " << JoinRoleTokens(roles);
  if (scope) std::cout << ", " << ScopeArgText(*scope);
  std::cout << "(下次请求时生效 takes effect at the user's next request)\n";
  return Status::Ok();
}

// disable, enable, unlock and reset-totp: one act on one account.
Status RunUserAct(const std::function<Result<Config>()>& load_config, const UserArgs& args,
                  Status (AuthService::*act)(const Actor&, std::string_view), std::string_view done) {
  LX_ASSIGN_OR_RETURN(Config config, load_config());
  LX_ASSIGN_OR_RETURN(Console console, OpenConsole(config, args.db, false));
  LX_RETURN_IF_ERROR(((*console.auth).*act)(CliActor(), args.name));
  std::cout << done << ": " << args.name << "\n";
  return Status::Ok();
}

Status RunUserList(const std::function<Result<Config>()>& load_config, const UserArgs& args) {
  LX_ASSIGN_OR_RETURN(Config config, load_config());
  LX_ASSIGN_OR_RETURN(Console console, OpenConsole(config, args.db, false));
  LX_ASSIGN_OR_RETURN(std::vector<User> users, console.auth->ListUsers());
  // Tab-separated, one account a line, so the list reads in a terminal and in a script.
  std::cout << "# 用户名 username\t姓名 display name\t角色 roles\t范围 scope\t状态 flags\n";
  for (const User& user : users) {
    std::string flags;
    auto flag = [&](bool on, std::string_view name) {
      if (!on) return;
      if (!flags.empty()) flags += ',';
      flags += name;
    };
    flag(user.disabled, "disabled");
    flag(user.must_change_password, "must_change_password");
    flag(user.totp_confirmed, "totp");
    std::cout << user.username << "\t" << user.display_name << "\t" << JoinRoleTokens(user.roles) << "\t"
              << ScopeArgText(user.scope) << "\t" << (flags.empty() ? "-" : flags) << "\n";
  }
  std::cout << "# 共 " << users.size() << " 个账号 (" << users.size() << " accounts)\n";
  return Status::Ok();
}

}  // namespace

Actor CliActor() {
  const char* user = std::getenv("USER");
  return Actor{"cli:" + std::string(user != nullptr && *user != '\0' ? user : "root"), "local"};
}

void AddUserCommands(CLI::App& app, Status& status, std::function<Result<Config>()> load_config) {
  auto args = std::make_shared<UserArgs>();
  auto load = std::make_shared<std::function<Result<Config>()>>(std::move(load_config));
  CLI::App* user = app.add_subcommand(
      "user", "账号管理 user accounts (add|passwd|roles|disable|enable|unlock|reset-totp|list)");
  user->require_subcommand(1);
  auto named = [&](const std::string& command, const std::string& help) {
    CLI::App* sub = user->add_subcommand(command, help);
    sub->add_option("name", args->name, "用户名 username")->required();
    sub->add_option("--db", args->db, "数据库文件 database file")->required();
    return sub;
  };
  const std::string roles_help = "角色,逗号分隔 roles, comma-separated (county_admin,cadre or 县级管理员,…)";
  const std::string scope_help = "数据范围 scope: region:CODE|unit:CODE|cadre:CODE|none";

  CLI::App* add = named("add", "新建账号,密码从标准输入读取 add an account; the password is read from stdin");
  add->add_option("--role", args->roles, roles_help)->required();
  add->add_option("--scope", args->scope, scope_help + " (default none)");
  add->add_option("--display-name", args->display_name, "姓名 display name (default: the username)");
  add->add_flag("--no-force-change", args->no_force_change,
                "首次登录不强制改密码(服务账号、测试) do not force a change at first sign-in");
  add->callback([&status, args, load] { status = RunUserAdd(*load, *args); });

  CLI::App* passwd = named(
      "passwd", "设置新密码(从标准输入读取),并解除锁定 set a new password from stdin; clears a lock-out");
  passwd->add_flag("--no-force-change", args->no_force_change,
                   "下次登录不强制改密码 do not force a change at the next sign-in");
  passwd->callback([&status, args, load] { status = RunUserPasswd(*load, *args); });

  CLI::App* roles = named("roles", "替换角色(及数据范围) replace the roles (and the scope)");
  roles->add_option("--role", args->roles, roles_help)->required();
  roles->add_option("--scope", args->scope, scope_help + " (unchanged when not given)");
  roles->callback([&status, args, load] { status = RunUserRoles(*load, *args); });

  named("disable", "停用账号并结束其会话 disable an account and end its sessions")
      ->callback([&status, args, load] {
        status = RunUserAct(*load, *args, &AuthService::Disable, "已停用 disabled");
      });
  named("enable", "启用账号 enable an account")->callback([&status, args, load] {
    status = RunUserAct(*load, *args, &AuthService::Enable, "已启用 enabled");
  });
  named("unlock", "解除登录失败锁定 clear a lock-out")->callback([&status, args, load] {
    status = RunUserAct(*load, *args, &AuthService::Unlock, "已解锁 unlocked");
  });
  // The one way back for an admin who lost the phone: no other admin may
  // reset it (三权分立), the local operator may.
  named("reset-totp", "清除动态口令,下次登录重新绑定 remove TOTP; enrolled again at the next sign-in")
      ->callback([&status, args, load] {
        status = RunUserAct(*load, *args, &AuthService::ResetTotp, "已清除动态口令 TOTP removed");
      });

  CLI::App* list = user->add_subcommand("list", "列出全部账号 list the accounts");
  list->add_option("--db", args->db, "数据库文件 database file")->required();
  list->callback([&status, args, load] { status = RunUserList(*load, *args); });
}

Result<std::string> WriteInitialPasswords(const std::string& db, const std::vector<CreatedUser>& admins) {
  const std::string path = db + ".initial-passwords";
  const std::string staging = path + ".tmp" + std::to_string(::getpid());
  std::string text =
      "# 连心初始管理员的一次性密码 one-time passwords of the initial admins of " + db +
      "\n# 首次登录须修改密码并绑定动态口令;交给本人后请删除本文件 "
      "(each must change it and enrol TOTP at first sign-in; delete this file once handed over)\n";
  for (const CreatedUser& admin : admins) text += admin.user.username + " " + admin.one_time_password + "\n";
  auto fail = [&](const char* what) {
    Status status =
        Status::Internal("无法写入初始密码文件 " + path + " (" + what + ": " + std::strerror(errno) + ")");
    ::unlink(staging.c_str());
    sodium_memzero(text.data(), text.size());
    return status;
  };
  ::unlink(staging.c_str());
  // O_EXCL: a file made now, by this user, with this mode; nothing planted
  // beforehand (a link, a wider mode) is written through.
  int fd = ::open(staging.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return fail("open");
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t written = ::write(fd, data, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      ::close(fd);
      return fail("write");
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) {
    ::close(fd);
    return fail("fsync");
  }
  ::close(fd);
  if (std::rename(staging.c_str(), path.c_str()) != 0) return fail("rename");
  sodium_memzero(text.data(), text.size());
  return path;
}

}  // namespace lianxin
