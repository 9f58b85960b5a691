// `lianxin user ...` as an operator runs it: passwords on standard input,
// exit codes, the account list, and an account added here signing in to
// `lianxin serve` over real HTTP.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "test_util.hpp"

namespace lianxin::testing {
namespace {

constexpr char kPassword[] = "Lianxin-Test-7q";

// Runs `lianxin ARGS` with INPUT on standard input (through a file in DIR,
// so no password passes through a shell's quoting).
CliRun Lianxin(const std::string& args, const TempDir& dir, const std::string& input = "") {
  std::string stdin_file = dir / "stdin.txt";
  WriteFile(stdin_file, input);
  return RunShell(LianxinBinary() + " " + args + " < " + stdin_file);
}

// The line of `user list` for USERNAME, or "" when it is not listed.
std::string ListedLine(const std::string& list_output, const std::string& username) {
  size_t at = list_output.find("\n" + username + "\t");
  if (at == std::string::npos) return "";
  std::string line = list_output.substr(at + 1);
  return line.substr(0, line.find('\n'));
}

TEST(CliUserTest, AddListRolesDisableEnablePasswd) {
  TempDir dir;
  std::string db = dir / "users.db";
  std::string on = " --db " + db;

  // A weak password is refused before anything is written: not even the database.
  CliRun weak = Lianxin("user add lisi" + on + " --role cadre", dir, "short\n");
  EXPECT_EQ(weak.exit_code, 1) << weak.output;
  EXPECT_NE(weak.output.find("password_too_short"), std::string::npos) << weak.output;
  EXPECT_FALSE(std::filesystem::exists(db));
  CliRun empty = Lianxin("user add lisi" + on + " --role cadre", dir, "");
  EXPECT_EQ(empty.exit_code, 1) << empty.output;
  EXPECT_NE(empty.output.find("password_empty"), std::string::npos) << empty.output;

  // A database with no admin yet takes an account.
  CliRun add =
      Lianxin("user add zhangsan" + on + " --role county_admin --scope region:149901 --display-name 张三",
              dir, std::string(kPassword) + "\n");
  ASSERT_EQ(add.exit_code, 0) << add.output;
  EXPECT_EQ(add.output.find(kPassword), std::string::npos) << "the password is never echoed";
  CliRun list = Lianxin("user list" + on, dir);
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_EQ(ListedLine(list.output, "zhangsan"),
            "zhangsan\t张三\tcounty_admin\tregion:149901\tmust_change_password")
      << list.output;
  EXPECT_EQ(list.output.find("$argon2"), std::string::npos) << "no hash in the list";

  // Refusals: taken name, weak password (nothing created), bad roles and scopes.
  EXPECT_EQ(Lianxin("user add zhangsan" + on + " --role cadre", dir, "Another-Pass-42\n").exit_code, 1);
  CliRun weak_again = Lianxin("user add lisi" + on + " --role cadre", dir, "lisi-Password-1\n");
  EXPECT_EQ(weak_again.exit_code, 1) << weak_again.output;
  EXPECT_NE(weak_again.output.find("password_contains_username"), std::string::npos) << weak_again.output;
  EXPECT_EQ(Lianxin("user add lisi" + on + " --role wizard", dir, "Another-Pass-42\n").exit_code, 2);
  EXPECT_EQ(
      Lianxin("user add lisi" + on + " --role cadre --scope county:1", dir, "Another-Pass-42\n").exit_code,
      2);
  EXPECT_EQ(
      Lianxin("user add lisi" + on + " --role cadre --scope region:12", dir, "Another-Pass-42\n").exit_code,
      1);
  EXPECT_EQ(Lianxin("user add lisi" + on + " --role sysadmin,cadre", dir, "Another-Pass-42\n").exit_code, 1);
  EXPECT_EQ(Lianxin("user add lisi" + on, dir, "Another-Pass-42\n").exit_code, 2) << "--role is required";
  list = Lianxin("user list" + on, dir);
  EXPECT_EQ(ListedLine(list.output, "lisi"), "") << list.output;

  // Roles by label, with a full-width comma; the scope changes with them.
  CliRun roles = Lianxin("user roles zhangsan" + on + " --role 干部，单位负责人 --scope unit:U001", dir);
  ASSERT_EQ(roles.exit_code, 0) << roles.output;
  list = Lianxin("user list" + on, dir);
  EXPECT_EQ(ListedLine(list.output, "zhangsan"),
            "zhangsan\t张三\tunit_head,cadre\tunit:U001\tmust_change_password")
      << list.output;
  CliRun separation = Lianxin("user roles zhangsan" + on + " --role sysadmin,cadre", dir);
  EXPECT_EQ(separation.exit_code, 1);
  EXPECT_NE(separation.output.find("roles_separation"), std::string::npos) << separation.output;
  EXPECT_EQ(Lianxin("user roles zhangsan" + on + " --role cadre --scope region:12", dir).exit_code, 1);
  list = Lianxin("user list" + on, dir);
  EXPECT_NE(ListedLine(list.output, "zhangsan").find("unit_head,cadre\tunit:U001"), std::string::npos)
      << "a refused change changes nothing: " << list.output;

  ASSERT_EQ(Lianxin("user disable zhangsan" + on, dir).exit_code, 0);
  list = Lianxin("user list" + on, dir);
  EXPECT_NE(ListedLine(list.output, "zhangsan").find("\tdisabled,must_change_password"), std::string::npos)
      << list.output;
  ASSERT_EQ(Lianxin("user enable zhangsan" + on, dir).exit_code, 0);
  ASSERT_EQ(Lianxin("user unlock zhangsan" + on, dir).exit_code, 0);
  list = Lianxin("user list" + on, dir);
  EXPECT_EQ(ListedLine(list.output, "zhangsan").find("disabled"), std::string::npos) << list.output;

  // passwd: the history holds the current password; --no-force-change clears the flag.
  EXPECT_EQ(Lianxin("user passwd zhangsan" + on, dir, std::string(kPassword) + "\n").exit_code, 1);
  CliRun passwd = Lianxin("user passwd zhangsan" + on + " --no-force-change", dir, "Another-Pass-42\n");
  ASSERT_EQ(passwd.exit_code, 0) << passwd.output;
  list = Lianxin("user list" + on, dir);
  EXPECT_EQ(ListedLine(list.output, "zhangsan"), "zhangsan\t张三\tunit_head,cadre\tunit:U001\t-")
      << list.output;

  EXPECT_EQ(Lianxin("user disable nobody" + on, dir).exit_code, 1);
  EXPECT_EQ(Lianxin("user passwd nobody" + on, dir, "Another-Pass-42\n").exit_code, 1);
  EXPECT_EQ(Lianxin("user list --db " + (dir / "missing.db"), dir).exit_code, 1);
  EXPECT_EQ(Lianxin("user", dir).exit_code, 2);
  EXPECT_EQ(Lianxin("user list", dir).exit_code, 2);
  // Every act was journaled, and the chain holds.
  EXPECT_EQ(Lianxin("journal verify" + on, dir).exit_code, 0);
}

// 三权分立: no admin acts on another of the three, so the local operator
// (the CLI on the database file) is the one who can: it resets an admin's
// lost TOTP, disables and re-enables an admin account.
TEST(CliUserTest, TheLocalOperatorManagesTheThreeAdmins) {
  TempDir dir;
  std::string on = " --db " + (dir / "admins.db");
  ASSERT_EQ(
      Lianxin("user add sec2" + on + " --role secadmin --no-force-change", dir, std::string(kPassword) + "\n")
          .exit_code,
      0);
  CliRun reset = Lianxin("user reset-totp sec2" + on, dir);
  EXPECT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_NE(reset.output.find("TOTP removed"), std::string::npos) << reset.output;
  ASSERT_EQ(Lianxin("user disable sec2" + on, dir).exit_code, 0);
  EXPECT_EQ(ListedLine(Lianxin("user list" + on, dir).output, "sec2"),
            "sec2\tsec2\tsecadmin\tnone\tdisabled");
  ASSERT_EQ(Lianxin("user enable sec2" + on, dir).exit_code, 0);
  EXPECT_EQ(Lianxin("user reset-totp nobody" + on, dir).exit_code, 1);
}

// Waits for `lianxin serve` (started by the shell into LOG) to print its port.
int WaitForPort(const std::string& log) {
  for (int i = 0; i < 600; ++i) {  // polls, with a generous bound; no timing is asserted
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::string output = ReadFile(log);
    size_t at = output.find("serving on http://127.0.0.1:");
    if (at != std::string::npos) return std::atoi(output.c_str() + at + 28);
  }
  return 0;
}

nlohmann::json SignIn(httplib::Client& client, const std::string& username, const std::string& password,
                      int* status) {
  httplib::Result in =
      client.Post("/api/v1/session", nlohmann::json{{"username", username}, {"password", password}}.dump(),
                  "application/json");
  *status = in ? in->status : -1;
  return in ? nlohmann::json::parse(in->body, nullptr, false) : nlohmann::json();
}

TEST(CliUserTest, AccountAddedOnTheCommandLineSignsInToServe) {
  TempDir dir;
  std::string db = dir / "serve.db";
  ASSERT_EQ(
      Lianxin("user add boss --db " + db + " --role county_admin --scope region:149901 --no-force-change",
              dir, std::string(kPassword) + "\n")
          .exit_code,
      0);
  ASSERT_EQ(Lianxin("user add clerk --db " + db + " --role 县级管理员 --scope region:149901", dir,
                    std::string(kPassword) + "\n")
                .exit_code,
            0);

  std::string log = dir / "serve.log", pid_file = dir / "serve.pid";
  ASSERT_EQ(std::system((LianxinBinary() + " serve --db " + db + " --listen 127.0.0.1:0 > " + log +
                         " 2>&1 & echo $! > " + pid_file)
                            .c_str()),
            0);
  int port = WaitForPort(log);
  int pid = std::atoi(ReadFile(pid_file).c_str());
  ASSERT_GT(port, 0) << ReadFile(log);

  // One connection for every request, as a browser keeps one.
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  int status = 0;
  nlohmann::json boss = SignIn(client, "boss", kPassword, &status);
  EXPECT_EQ(status, 200) << boss.dump();
  EXPECT_FALSE(boss.value("must_change_password", true)) << boss.dump();
  nlohmann::json clerk = SignIn(client, "clerk", kPassword, &status);
  EXPECT_EQ(status, 200) << clerk.dump();
  EXPECT_TRUE(clerk.value("must_change_password", false)) << clerk.dump();
  (void)SignIn(client, "boss", "Wrong-Passw0rd", &status);
  EXPECT_EQ(status, 401);

  if (pid > 0) ::kill(pid, SIGTERM);
  for (int i = 0; i < 600 && pid > 0 && ::kill(pid, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace
}  // namespace lianxin::testing
