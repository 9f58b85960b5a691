// `lianxin user ...`: the account console on the command line, for the
// operator who holds the server (ARCHITECTURE.md: "lianxin user
// add|passwd|roles ..."). Every act goes through AuthService, so it is checked
// (password policy, separation of duties) and audited like one from the API;
// the actor is "cli:" + the OS user name, the remote "local".
//
//   echo "$PASSWORD" | lianxin user add zhangsan --db county.db --role county_admin --scope region:149901
//   lianxin user list --db county.db
//
// Passwords are read from standard input (the first line, without echo on a
// terminal), never from an argument, so they stay out of `ps` and the shell
// history.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "lianxin/auth.hpp"
#include "lianxin/config.hpp"
#include "lianxin/status.hpp"

namespace lianxin {

// Adds `user add|passwd|roles|disable|enable|unlock|reset-totp|list` to `app`. The
// subcommand that runs stores its outcome in `status` (Status::Usage for a
// malformed --role or --scope, kInvalidInput for a refused password, and
// AuthService's refusals as they are). `load_config` is called when a
// subcommand runs, after parsing, so the global --config applies.
void AddUserCommands(CLI::App& app, Status& status, std::function<Result<Config>()> load_config);

// The CLI acts as no account: "cli:" and the OS user's name ("cli:root"),
// which cannot be a username, so the rules against acting on oneself never
// confuse it with one, and the journal and audit log say who ran the command.
Actor CliActor();

// The first `serve` hands the three admins' one-time passwords to the local
// operator in a file, "<db>.initial-passwords" next to the database, readable
// by the running user alone (mode 0600, made afresh and renamed into place,
// so an older file of another owner or mode is replaced, not reused); the
// log only says where it is. One "username password" line per admin. The
// file's path, or kInternal when it cannot be written.
Result<std::string> WriteInitialPasswords(const std::string& db, const std::vector<CreatedUser>& admins);

}  // namespace lianxin
