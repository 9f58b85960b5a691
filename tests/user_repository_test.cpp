// The auth service on the real SQLite repository: accounts survive a reopen,
// TOTP secrets are encrypted, sessions and audit events land, the journal
// verifies and never holds a password hash or secret.
#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>

#include "test_util.hpp"

namespace lianxin::testing {
namespace {

AuthPolicy Fast() {
  AuthPolicy policy;
  policy.argon2_opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
  policy.argon2_memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
  return policy;
}

TEST(UserRepositoryTest, AdminsSignInLockOutAndEverythingIsJournaled) {
  TempDir dir;
  std::string db = dir / "auth.db";
  ManualClock clock(1'790'000'000'000);
  StoreOptions options;
  options.clock = &clock;
  options.key_file = db + ".key";
  std::vector<CreatedUser> admins;
  std::string totp_secret_seen;
  {
    std::unique_ptr<UserRepository> repository =
        std::move(Store::OpenUserRepository(DbTarget(db), options)).value();
    AuthService auth(*repository, Fast(), clock);
    admins = *auth.CreateInitialAdmins();
    ASSERT_EQ(admins.size(), 3u);
    EXPECT_TRUE(auth.CreateInitialAdmins()->empty()) << "only on the first start";

    Actor sysadmin{"sysadmin", "127.0.0.1"};
    Result<CreatedUser> cadre =
        auth.CreateUser(sysadmin, "wangjh", "王建华", {Role::kCadre}, {ScopeKind::kCadre, "149901C00001"});
    ASSERT_TRUE(cadre.ok()) << cadre.status().ToString();
    EXPECT_EQ(auth.CreateUser(sysadmin, "wangjh", "王建华", {Role::kCadre}, {ScopeKind::kCadre, "x"})
                  .status()
                  .code(),
              Code::kConflict);

    Result<SignedIn> in = auth.SignIn("wangjh", cadre->one_time_password, "", "10.1.1.1");
    ASSERT_TRUE(in.ok()) << in.status().ToString();
    EXPECT_TRUE(in->must_change_password);
    ASSERT_TRUE(auth.Authenticate(in->session_token).ok());
    for (int i = 0; i < auth.policy().lockout_attempts; ++i) {
      EXPECT_FALSE(auth.SignIn("wangjh", "Wrong-Passw0rd!", "", "10.1.1.1").ok());
    }
    EXPECT_FALSE(auth.SignIn("wangjh", cadre->one_time_password, "", "10.1.1.1").ok()) << "locked";
    clock.Advance(static_cast<std::int64_t>(auth.policy().lockout_minutes) * 60 * 1000 + 1);
    Result<SignedIn> after = auth.SignIn("wangjh", cadre->one_time_password, "", "10.1.1.1");
    EXPECT_TRUE(after.ok()) << after.status().ToString();

    // The admin enrols TOTP; the secret is stored sealed.
    Result<SignedIn> admin_in = auth.SignIn("sysadmin", admins[0].one_time_password, "", "127.0.0.1");
    ASSERT_TRUE(admin_in.ok()) << admin_in.status().ToString();
    Result<std::string> uri = auth.EnrolTotp(sysadmin, "sysadmin");
    ASSERT_TRUE(uri.ok()) << uri.status().ToString();
    totp_secret_seen = *uri;
  }
  // Reopened: the users are still there, with the secret decrypted.
  std::unique_ptr<UserRepository> repository =
      std::move(Store::OpenUserRepository(DbTarget(db), options)).value();
  Result<std::optional<User>> sysadmin = repository->FindByUsername("sysadmin");
  ASSERT_TRUE(sysadmin.ok() && sysadmin->has_value());
  EXPECT_EQ((*sysadmin)->totp_secret.size(), 20u);
  EXPECT_TRUE(repository->FindByUsername("wangjh")->has_value());
  repository.reset();

  std::unique_ptr<Store> store = OpenOrDie(db, &clock);
  std::int64_t checked = 0;
  Status verified = store->VerifyJournal(&checked);
  EXPECT_TRUE(verified.ok()) << verified.ToString();
  std::vector<JournalEntry> entries = *store->ReadJournal(0, 100000);
  int audits = 0, lockouts = 0;
  for (const JournalEntry& entry : entries) {
    if (entry.entity == "audit") ++audits;
    if (entry.action == "lockout") ++lockouts;
    EXPECT_EQ(entry.after.find("$argon2id$"), std::string::npos) << "a password hash reached the journal";
  }
  EXPECT_GT(audits, 8);
  EXPECT_EQ(lockouts, 1);

  // Tampering with a password hash behind the program's back is caught.
  if (OnPostgres()) return;  // (by an edit of the SQLite file)
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "UPDATE users SET password_hash = 'x' WHERE username = 'auditor'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  Status tampered = store->VerifyJournal(&checked);
  ASSERT_FALSE(tampered.ok());
  EXPECT_NE(tampered.message().find("users auditor"), std::string::npos) << tampered.message();
}

// Authenticate keeps the sessions it has read in memory; a change made
// through another connection (`lianxin user` beside a running server) must
// reach it at once: a session signed out or removed elsewhere is refused on
// the very next request.
TEST(UserRepositoryTest, SessionsKeptInMemoryFollowChangesMadeElsewhere) {
  TempDir dir;
  std::string db = dir / "auth.db";
  ManualClock clock(1'790'000'000'000);
  StoreOptions options;
  options.clock = &clock;
  options.key_file = db + ".key";
  std::unique_ptr<UserRepository> server_side =
      std::move(Store::OpenUserRepository(DbTarget(db), options)).value();
  std::unique_ptr<UserRepository> elsewhere =
      std::move(Store::OpenUserRepository(DbTarget(db), options)).value();
  AuthService server(*server_side, Fast(), clock);
  AuthService other(*elsewhere, Fast(), clock);
  std::vector<CreatedUser> admins = *server.CreateInitialAdmins();
  Actor sysadmin{"sysadmin", "127.0.0.1"};
  Result<CreatedUser> cadre =
      server.CreateUser(sysadmin, "wangjh", "王建华", {Role::kCadre}, {ScopeKind::kCadre, "149901C00001"});
  ASSERT_TRUE(cadre.ok()) << cadre.status().ToString();

  Result<SignedIn> first = server.SignIn("wangjh", cadre->one_time_password, "", "10.1.1.1");
  Result<SignedIn> second = server.SignIn("wangjh", cadre->one_time_password, "", "10.1.1.2");
  ASSERT_TRUE(first.ok() && second.ok());
  for (int i = 0; i < 3; ++i) {  // read once, then answered from memory
    ASSERT_TRUE(server.Authenticate(first->session_token).ok());
    ASSERT_TRUE(server.Authenticate(second->session_token).ok());
  }
  // Another process's change is seen when data_version is next read, at
  // most 250 ms later; a change of this process's own (next) at once.
  ASSERT_TRUE(other.SignOut(first->session_token, "10.9.9.9").ok());
  clock.Advance(250);
  EXPECT_FALSE(server.Authenticate(first->session_token).ok()) << "signed out elsewhere";
  EXPECT_TRUE(server.Authenticate(second->session_token).ok());
  Result<SignedIn> third = server.SignIn("wangjh", cadre->one_time_password, "", "10.1.1.3");
  ASSERT_TRUE(third.ok());
  ASSERT_TRUE(server.Authenticate(third->session_token).ok());
  ASSERT_TRUE(server.SignOut(third->session_token, "10.1.1.3").ok());
  EXPECT_FALSE(server.Authenticate(third->session_token).ok()) << "signed out here, kept in memory";

  // Every session removed by another process, straight in SQL.
  RawSql(db, "DELETE FROM sessions");
  clock.Advance(250);
  EXPECT_FALSE(server.Authenticate(second->session_token).ok()) << "removed by another process";
}

}  // namespace
}  // namespace lianxin::testing
