// Open311 GeoReport v2 documents (include/lianxin/open311.hpp), checked
// the way a client reads them: the JSON parsed, the XML parsed with expat,
// each against the shape of the spec's examples (and FixMyStreet's
// servicerequestupdates extension).
#include "lianxin/open311.hpp"

#include <expat.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

namespace lianxin {
namespace {

// The XML as "path → text" for each leaf, e.g. "service_requests/request/status" → "open",
// numbered when repeated ("…/request#2/status").
struct Leaves {
  std::vector<std::string> path;
  std::map<std::string, int> seen;
  std::vector<std::pair<std::string, std::string>> leaves;
  std::string text;
  bool ok = true;
};

std::vector<std::pair<std::string, std::string>> ParseXml(const std::string& xml) {
  Leaves state;
  XML_Parser parser = XML_ParserCreate("UTF-8");
  XML_SetUserData(parser, &state);
  XML_SetElementHandler(
      parser,
      [](void* data, const XML_Char* name, const XML_Char**) {
        auto* s = static_cast<Leaves*>(data);
        std::string prefix;
        for (const std::string& p : s->path) prefix += p + "/";
        int n = ++s->seen[prefix + name];
        s->path.push_back(std::string(name) + (n > 1 ? "#" + std::to_string(n) : ""));
        s->text.clear();
      },
      [](void* data, const XML_Char*) {
        auto* s = static_cast<Leaves*>(data);
        std::string full;
        for (const std::string& p : s->path) full += (full.empty() ? "" : "/") + p;
        s->leaves.emplace_back(full, s->text);
        s->text.clear();
        s->path.pop_back();
      });
  XML_SetCharacterDataHandler(parser, [](void* data, const XML_Char* text, int len) {
    static_cast<Leaves*>(data)->text.append(text, static_cast<size_t>(len));
  });
  bool ok = XML_Parse(parser, xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_OK;
  XML_ParserFree(parser);
  EXPECT_TRUE(ok) << xml;
  return state.leaves;
}

std::string Leaf(const std::vector<std::pair<std::string, std::string>>& leaves, const std::string& path) {
  for (const auto& [p, text] : leaves) {
    if (p == path) return text;
  }
  return "<absent " + path + ">";
}

Appeal SampleAppeal() {
  Appeal a;
  a.id = "A20261205-0001";
  a.topic = "water";
  a.content = "自来水停了三天 <急> & 求助";
  a.state = AppealState::kHandling;
  a.received_millis = DaysFromDate({2026, 12, 5}) * kMillisPerDay + 2 * 3'600'000;  // 10:00 in China
  a.dispatched_millis = a.received_millis + 60'000;
  a.deadline_millis = a.received_millis + 24 * 3'600'000;
  return a;
}

TEST(Open311Test, PathsChooseTheFormat) {
  Open311Format format;
  EXPECT_EQ(Open311Stem("services.json", &format), "services");
  EXPECT_EQ(format, Open311Format::kJson);
  EXPECT_EQ(Open311Stem("requests/A1.xml", &format), "requests/A1");
  EXPECT_EQ(format, Open311Format::kXml);
  EXPECT_FALSE(Open311Stem("services", &format));
  EXPECT_FALSE(Open311Stem(".json", &format));
}

TEST(Open311Test, ServicesAndDefinitionsHaveTheSpecsFields) {
  std::vector<Open311Service> services{{"water", "供水", "停水、水压低", "utilities", {"停水", "水压"}}};
  nlohmann::json json = nlohmann::json::parse(Open311Services(services, Open311Format::kJson));
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["service_code"], "water");
  EXPECT_EQ(json[0]["service_name"], "供水");
  EXPECT_EQ(json[0]["metadata"], false);
  EXPECT_EQ(json[0]["type"], "realtime");
  EXPECT_EQ(json[0]["keywords"], "停水, 水压");
  EXPECT_EQ(json[0]["group"], "utilities");
  auto xml = ParseXml(Open311Services(services, Open311Format::kXml));
  EXPECT_EQ(Leaf(xml, "services/service/service_code"), "water");
  EXPECT_EQ(Leaf(xml, "services/service/metadata"), "false");

  nlohmann::json definition =
      nlohmann::json::parse(Open311ServiceDefinition(services[0], Open311Format::kJson));
  EXPECT_EQ(definition["service_code"], "water");
  EXPECT_TRUE(definition["attributes"].is_array());
  EXPECT_EQ(Leaf(ParseXml(Open311ServiceDefinition(services[0], Open311Format::kXml)),
                 "service_definition/service_code"),
            "water");
}

TEST(Open311Test, ARequestReadsAsTheSpecShowsAndEscapesItsText) {
  Open311Request request = ToOpen311(SampleAppeal(), "供水", "东岭镇");
  EXPECT_EQ(request.status, "open");
  std::vector<Open311Request> list{request};
  nlohmann::json json = nlohmann::json::parse(Open311Requests(list, Open311Format::kJson));
  EXPECT_EQ(json[0]["service_request_id"], "A20261205-0001");
  EXPECT_EQ(json[0]["status"], "open");
  EXPECT_EQ(json[0]["description"], "自来水停了三天 <急> & 求助");
  EXPECT_EQ(json[0]["requested_datetime"], "2026-12-05T10:00:00+08:00");
  EXPECT_EQ(json[0]["expected_datetime"], "2026-12-06T10:00:00+08:00");
  auto xml = ParseXml(Open311Requests(list, Open311Format::kXml));
  EXPECT_EQ(Leaf(xml, "service_requests/request/description"), "自来水停了三天 <急> & 求助");
  EXPECT_EQ(Leaf(xml, "service_requests/request/agency_responsible"), "东岭镇");
  EXPECT_EQ(Leaf(xml, "service_requests/request/updated_datetime"), "2026-12-05T10:01:00+08:00");

  Appeal closed = SampleAppeal();
  closed.state = AppealState::kClosed;
  EXPECT_EQ(ToOpen311(closed, "", "").status, "closed");
  EXPECT_EQ(ToOpen311(closed, "", "").expected_millis, 0) << "no expected time once closed";
}

TEST(Open311Test, PostAnswersUpdatesAndErrors) {
  nlohmann::json created = nlohmann::json::parse(Open311Created("A1", "已受理", Open311Format::kJson));
  EXPECT_EQ(created[0]["service_request_id"], "A1");
  EXPECT_EQ(Leaf(ParseXml(Open311Created("A1", "已受理", Open311Format::kXml)),
                 "service_requests/request/service_request_id"),
            "A1");

  std::vector<Open311Update> updates{
      {"U1", "A1", "open", SampleAppeal().received_millis, "已派单"},
      {"U2", "A1", "closed", SampleAppeal().received_millis + 3'600'000, "已办结"}};
  auto xml = ParseXml(Open311Updates(updates, Open311Format::kXml));
  EXPECT_EQ(Leaf(xml, "service_requests_updates/request_update/update_id"), "U1");
  EXPECT_EQ(Leaf(xml, "service_requests_updates/request_update#2/status"), "closed");
  EXPECT_EQ(Leaf(xml, "service_requests_updates/request_update#2/updated_datetime"),
            "2026-12-05T11:00:00+08:00");

  nlohmann::json error = nlohmann::json::parse(Open311Error(403, "api_key 无效", Open311Format::kJson));
  EXPECT_EQ(error[0]["code"], 403);
  EXPECT_EQ(error[0]["description"], "api_key 无效");
  auto error_xml = ParseXml(Open311Error(404, "not found", Open311Format::kXml));
  EXPECT_EQ(Leaf(error_xml, "errors/error/code"), "404");

  nlohmann::json discovery =
      nlohmann::json::parse(Open311Discovery("https://county.example/open311/v2/", Open311Format::kJson));
  EXPECT_EQ(discovery["endpoints"][0]["url"], "https://county.example/open311/v2/");
  EXPECT_EQ(Leaf(ParseXml(Open311Discovery("u", Open311Format::kXml)),
                 "discovery/endpoints/endpoint/formats/format#2"),
            "application/json");
}

}  // namespace
}  // namespace lianxin
