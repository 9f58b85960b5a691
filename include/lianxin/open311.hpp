// Open311 GeoReport v2 (PRODUCT.md §3, issue "Field work" 7): the documents
// the `/open311/v2/` routes answer, in JSON or XML by the path's suffix, and
// the `servicerequestupdates` extension FixMyStreet's client reads. Pure
// formatting: the routes fetch appeals and topics and hand them here.
//
//   Open311Format format;
//   std::string stem = Open311Stem("requests.xml", &format);  // "requests", kXml
//   std::string body = Open311Requests({ToOpen311(appeal, topic_name, "")}, format);
//
// Times are ISO 8601 with China's offset (2026-12-05T18:00:00+08:00), as
// the spec's w3c format asks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/appeals.hpp"

namespace lianxin {

enum class Open311Format { kJson, kXml };

// "services.json" → "services" and kJson; "requests/A1.xml" → "requests/A1"
// and kXml. A path without .json or .xml is nullopt (the routes answer 404).
std::optional<std::string> Open311Stem(std::string_view path, Open311Format* format);

// A topic of the county's dictionary, offered as a service.
struct Open311Service {
  std::string code, name, description, group;
  std::vector<std::string> keywords;
};

struct Open311Request {
  std::string id;
  std::string status;  // open | closed
  std::string status_notes;
  std::string service_code, service_name;
  std::string description;
  std::string agency_responsible;
  std::string service_notice;
  std::int64_t requested_millis = 0, updated_millis = 0, expected_millis = 0;  // 0: absent
  std::string address;
};

// The extension FixMyStreet reads to follow a request: one entry per change.
struct Open311Update {
  std::string update_id, request_id;
  std::string status;  // open | closed
  std::int64_t updated_millis = 0;
  std::string description;
};

std::string Open311Time(std::int64_t millis);
// open while the loop runs, closed once 办结 (the spec's two values).
std::string_view Open311Status(AppealState state);
// The request an appeal is, for a client: its topic as the service, the
// reply as the status notes, the deadline as the expected time.
Open311Request ToOpen311(const Appeal& appeal, const std::string& service_name, const std::string& agency);

std::string Open311Discovery(const std::string& endpoint_url, Open311Format format);
std::string Open311Services(const std::vector<Open311Service>& services, Open311Format format);
// A topic has no attributes beyond the spec's own fields.
std::string Open311ServiceDefinition(const Open311Service& service, Open311Format format);
std::string Open311Requests(const std::vector<Open311Request>& requests, Open311Format format);
// The answer to POST requests: the new request's id and a notice.
std::string Open311Created(const std::string& request_id, const std::string& notice, Open311Format format);
std::string Open311Updates(const std::vector<Open311Update>& updates, Open311Format format);
// The spec's error list: [{"code": 403, "description": "…"}] / <errors><error>….
std::string Open311Error(int code, const std::string& description, Open311Format format);

}  // namespace lianxin
