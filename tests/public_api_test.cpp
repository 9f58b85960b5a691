// The household's public API on the small demo county: with its card code
// and its head's surname a household sees its cadres, files an appeal that
// reaches its contact cadre, follows it and rates the answer; wrong,
// revoked, expired and malformed codes and a wrong surname all get one
// answer; the address and the code are rate-limited.
#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "lianxin/cards.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

constexpr std::int64_t kMinute = 60'000;

class PublicApiTest : public ApiFixture {
 protected:
  static void SetUpTestSuite() { template_ = SharedTemplate(true); }  // the county paired
  void SetUp() override {
    manual_clock_ = true;
    ApiFixture::SetUp();
    if (HasFatalFailure()) return;
    county_ = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
    std::unique_ptr<Store> store = OpenOrDie(path_);
    ASSERT_NE(store, nullptr);
    Result<PairingState> pairs = store->Pairs(kCounty);
    ASSERT_TRUE(pairs.ok() && pairs->contacts.size() > 1);
    cadre_ = pairs->contacts[0].cadre_code;
    household_ = pairs->contacts[0].household_code;
    other_household_ = pairs->contacts[1].household_code;
    Result<std::optional<Household>> h = store->GetHousehold(household_);
    ASSERT_TRUE(h.ok() && h->has_value());
    head_name_ = (*h)->head_name;
    code_ = Issue(household_);
    other_code_ = Issue(other_household_);
  }

  // A new card for `household`, in force for a year, through the server's writer.
  std::string Issue(const std::string& household, std::int64_t valid_for = 365LL * 86'400'000) {
    std::string code;
    Status issued = app_->writer().Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("test"));
      LX_ASSIGN_OR_RETURN(code, txn->IssueCard(household, clock_.NowMillis() + valid_for));
      return txn->Commit();
    });
    EXPECT_TRUE(issued.ok()) << issued.ToString();
    return code;
  }

  std::string Surname() const { return head_name_.substr(0, 3); }  // one CJK character in UTF-8

  HttpResponse Public(const std::string& path, json body) {
    return Call("POST", "/api/v1/public/" + path, body.dump());
  }

  SignedInAs county_;
  std::string cadre_, household_, other_household_, head_name_, code_, other_code_;
};

TEST_F(PublicApiTest, AHouseholdFilesFollowsAndRatesAnAppealWithItsCard) {
  // Typed as on the card, in lower case with spaces, the surname alone.
  std::string typed = FormatCardCode(code_);
  std::transform(typed.begin(), typed.end(), typed.begin(), [](unsigned char c) { return std::tolower(c); });
  std::replace(typed.begin(), typed.end(), '-', ' ');
  HttpResponse card = Public("card", {{"code", typed}, {"surname", Surname()}});
  ASSERT_EQ(card.status, 200) << card.body;
  json who = Json(card);
  EXPECT_EQ(who["household"]["code"], household_);
  ASSERT_TRUE(who["contact"].is_object()) << who.dump();
  EXPECT_FALSE(who["contact"]["name"].get<std::string>().empty());

  json topics = Json(Call("GET", "/api/v1/public/topics"));
  ASSERT_FALSE(topics["items"].empty());
  HttpResponse filed = Public("appeals", {{"code", code_},
                                          {"surname", head_name_},
                                          {"type", "求助"},
                                          {"topic", topics["items"][0]["code"]},
                                          {"content", "村口的路灯坏了"}});
  ASSERT_EQ(filed.status, 201) << filed.body;
  const std::string id = Json(filed)["id"];
  EXPECT_EQ(Json(filed)["state"], "dispatched");
  EXPECT_FALSE(Json(filed).contains("handler")) << "the public view names no one";
  std::vector<json> told = Outbox();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0]["recipient"], cadre_);

  // The cadre answers; the operator closes.
  SignedInAs cadre = SignIn("wangjh", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  SignedInAs op = SignIn("op12345", {Role::kOperator}, {ScopeKind::kRegion, kCounty});
  auto act = [&](const SignedInAs& as, json body) {
    return Call("POST", "/api/v1/appeals/" + id + "/actions", body.dump(), as.headers).status;
  };
  // Not yet closed: nothing to rate.
  HttpResponse early =
      Public("appeals/" + id + "/rate",
             {{"code", code_}, {"surname", Surname()}, {"solved", true}, {"satisfaction", "满意"}});
  EXPECT_EQ(early.status, 409) << early.body;
  ASSERT_EQ(act(cadre, {{"action", "sign"}}), 200);
  ASSERT_EQ(act(cadre, {{"action", "reply"}, {"note", "已换新灯"}}), 200);
  ASSERT_EQ(act(op, {{"action", "close"}}), 200);

  json mine = Json(Public("appeals/list", {{"code", code_}, {"surname", Surname()}}));
  ASSERT_EQ(mine["items"].size(), 1u) << mine.dump();
  const json& item = mine["items"][0];
  EXPECT_EQ(item["state"], "closed");
  EXPECT_EQ(item["reply"], "已换新灯");
  EXPECT_TRUE(item["can_rate"].get<bool>());
  EXPECT_EQ(item["steps"].size(), 5u);
  for (const json& step : item["steps"]) EXPECT_FALSE(step.contains("actor")) << step.dump();

  // Another household's card cannot see or rate it.
  json others = Json(Public("appeals/list", {{"code", other_code_}, {"surname", "x"}}));
  EXPECT_FALSE(others.contains("items"));
  HttpResponse not_theirs = Public(
      "appeals/" + id + "/rate",
      {{"code", other_code_}, {"surname", "whoever"}, {"solved", true}, {"satisfaction", "satisfied"}});
  EXPECT_EQ(not_theirs.status, 404);

  HttpResponse rated =
      Public("appeals/" + id + "/rate",
             {{"code", code_}, {"surname", Surname()}, {"solved", true}, {"satisfaction", "满意"}});
  ASSERT_EQ(rated.status, 200) << rated.body;
  EXPECT_EQ(Json(rated)["state"], "rated");

  std::unique_ptr<Store> store = OpenOrDie(path_);
  std::vector<JournalEntry> entries = *store->ReadJournal(0, 1'000'000);
  int by_household = 0;
  for (const JournalEntry& e : entries) by_household += e.actor == "household:" + household_;
  EXPECT_GE(by_household, 4) << "filed, dispatched and rated under the household's name";
  std::int64_t checked = 0;
  EXPECT_TRUE(store->VerifyJournal(&checked).ok());
}

TEST_F(PublicApiTest, AHouseholdConfirmsAVisitMadeToIt) {
  SignedInAs cadre = SignIn("wangjh", {Role::kCadre}, {ScopeKind::kCadre, cadre_});
  HttpResponse logged = Call("POST", "/api/v1/visits",
                             json{{"household", household_}, {"kind", "home_visit"}}.dump(), cadre.headers);
  ASSERT_EQ(logged.status, 201) << logged.body;
  const std::string visit = Json(logged)["id"];
  json card = Json(Public("card", {{"code", code_}, {"surname", Surname()}}));
  ASSERT_EQ(card["recent_visits"].size(), 1u) << card.dump();
  EXPECT_EQ(card["recent_visits"][0]["id"], visit);
  EXPECT_FALSE(card["recent_visits"][0]["confirmed"].get<bool>());
  // Another household cannot confirm it.
  Result<std::optional<Household>> other = OpenOrDie(path_)->GetHousehold(other_household_);
  EXPECT_EQ(Public("visits/" + visit + "/confirm", {{"code", other_code_}, {"surname", (*other)->head_name}})
                .status,
            404);
  HttpResponse confirmed = Public("visits/" + visit + "/confirm", {{"code", code_}, {"surname", Surname()}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  json seen = Json(Call("GET", "/api/v1/households/" + household_ + "/visits", "", county_.headers));
  EXPECT_TRUE(seen["items"][0]["confirmed"].get<bool>());
}

// 民主评议: the household rates its contact cadre for the year with its card;
// a second rating takes the first's place; it shows on the card and counts
// in the cadre's dossier.
TEST_F(PublicApiTest, AHouseholdRatesItsCadreForTheYear) {
  json card = Json(Public("card", {{"code", code_}, {"surname", Surname()}}));
  ASSERT_TRUE(card["contact"].is_object()) << card.dump();
  EXPECT_TRUE(card["contact"]["rating"].is_null());
  for (const char* satisfaction : {"不满意", "satisfied"}) {
    HttpResponse rated = Public(
        "ratings",
        {{"code", code_}, {"surname", Surname()}, {"whom", "contact"}, {"satisfaction", satisfaction}});
    ASSERT_EQ(rated.status, 200) << rated.body;
  }
  card = Json(Public("card", {{"code", code_}, {"surname", Surname()}}));
  EXPECT_EQ(card["contact"]["rating"], "satisfied") << "the last rating of the year stands";
  const json dossier = Json(Call("GET", "/api/v1/cadres/" + cadre_ + "/dossier", "", county_.headers));
  EXPECT_EQ(dossier["ratings"]["given"], 1) << dossier.dump();
  EXPECT_EQ(dossier["ratings"]["satisfied"], 1);
  HttpResponse bad =
      Public("ratings",
             {{"code", code_}, {"surname", Surname()}, {"whom", "neighbour"}, {"satisfaction", "satisfied"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json(bad)["error"]["field"], "whom");
  EXPECT_EQ(Public("ratings",
                   {{"code", code_}, {"surname", "错"}, {"whom", "contact"}, {"satisfaction", "satisfied"}})
                .status,
            404);
}

TEST_F(PublicApiTest, WrongRevokedExpiredAndMalformedCodesGetTheSameAnswer) {
  const std::string expiring = Issue(other_household_, kMinute);  // revokes other_code_
  std::string wrong = code_;
  wrong[5] = wrong[5] == '7' ? '8' : '7';
  struct Case {
    std::string what, code, surname;
  } cases[] = {
      {"wrong code", wrong, Surname()},
      {"wrong surname", code_, "欧阳"},
      {"the whole name of another", code_, "某某某"},
      {"revoked by a reissue", other_code_, "x"},
      {"malformed", "12345", Surname()},
      {"empty", "", Surname()},
  };
  std::string answer;
  for (const Case& c : cases) {
    HttpResponse r = Public("card", {{"code", c.code}, {"surname", c.surname}});
    EXPECT_EQ(r.status, 404) << c.what << ": " << r.body;
    if (answer.empty()) answer = r.body;
    EXPECT_EQ(r.body, answer) << c.what;
  }
  EXPECT_NE(answer.find("card_not_found"), std::string::npos);
  // A card past its time answers the same; so does one revoked outright.
  clock_.Advance(2 * kMinute);
  Result<std::optional<Household>> other = OpenOrDie(path_)->GetHousehold(other_household_);
  HttpResponse expired = Public("card", {{"code", expiring}, {"surname", (*other)->head_name}});
  EXPECT_EQ(expired.status, 404);
  EXPECT_EQ(expired.body, answer);
  Status revoked = app_->writer().Write([&](Store& store) -> Status {
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("test"));
    LX_RETURN_IF_ERROR(txn->RevokeCard(household_));
    return txn->Commit();
  });
  ASSERT_TRUE(revoked.ok()) << revoked.ToString();
  HttpResponse gone = Public("card", {{"code", code_}, {"surname", Surname()}});
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.body, answer);
}

TEST_F(PublicApiTest, TheAddressAndTheCodeAreRateLimited) {
  // One code tried again and again: refused after ten a minute.
  int refused = 0;
  for (int i = 0; i < 12; ++i) {
    HttpResponse r = Public("card", {{"code", code_}, {"surname", "猜"}});
    if (r.status == 429) {
      ++refused;
      EXPECT_EQ(r.headers.Get("Retry-After").value_or(""), "60");
    }
  }
  EXPECT_EQ(refused, 2);
  // A minute later the code may be tried again; an address trying many
  // codes is refused after thirty a minute.
  clock_.Advance(kMinute);
  EXPECT_EQ(Public("card", {{"code", code_}, {"surname", Surname()}}).status, 200);
  refused = 0;
  for (int i = 0; i < 35; ++i) {
    HttpResponse r = Public("card", {{"code", NewCardCode()}, {"surname", "王"}});
    refused += r.status == 429;
  }
  EXPECT_EQ(refused, 6);
}

TEST_F(PublicApiTest, AFilingIsCheckedFieldByField) {
  auto field_of = [&](json body) {
    body["code"] = code_;
    body["surname"] = Surname();
    HttpResponse r = Public("appeals", body);
    EXPECT_EQ(r.status, 400) << r.body;
    return Json(r)["error"]["field"].get<std::string>();
  };
  json good = {{"type", "help"}, {"topic", "water"}, {"content", "没水"}};
  json bad = good;
  bad["type"] = "闲聊";
  EXPECT_EQ(field_of(bad), "type");
  bad = good;
  bad["topic"] = "天气";
  EXPECT_EQ(field_of(bad), "topic");
  bad = good;
  bad["content"] = "   ";
  EXPECT_EQ(field_of(bad), "content");
  bad = good;
  bad["urgency"] = "now";
  EXPECT_EQ(field_of(bad), "urgency");
  json none = Json(Public("appeals/list", {{"code", code_}, {"surname", Surname()}}));
  EXPECT_TRUE(none["items"].empty());
}

}  // namespace
}  // namespace lianxin::testing
