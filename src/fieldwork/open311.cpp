#include "lianxin/open311.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "report/internal.hpp"

namespace lianxin {

namespace {

// Every Open311 document is a list of flat records under a root element
// (XML) or a JSON array of objects; one renderer serves both formats.
struct Field {
  enum Kind { kText, kBool, kNumber } kind = kText;
  std::string name, value;
};
using Record = std::vector<Field>;

Field Text(std::string name, std::string value) { return {Field::kText, std::move(name), std::move(value)}; }

using report_internal::AppendXmlEscaped;

nlohmann::json JsonOf(const Record& record) {
  nlohmann::json object = nlohmann::json::object();
  for (const Field& f : record) {
    if (f.kind == Field::kBool) {
      object[f.name] = f.value == "true";
    } else if (f.kind == Field::kNumber) {
      object[f.name] = std::stoll(f.value);
    } else {
      object[f.name] = f.value;
    }
  }
  return object;
}

void AppendXmlRecord(std::string& out, std::string_view element, const Record& record) {
  out += "<" + std::string(element) + ">";
  for (const Field& f : record) {
    out += "<" + f.name + ">";
    AppendXmlEscaped(out, f.value);
    out += "</" + f.name + ">";
  }
  out += "</" + std::string(element) + ">";
}

constexpr std::string_view kXmlHead = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

std::string Render(std::string_view root, std::string_view item, const std::vector<Record>& records,
                   Open311Format format) {
  if (format == Open311Format::kJson) {
    nlohmann::json array = nlohmann::json::array();
    for (const Record& r : records) array.push_back(JsonOf(r));
    return array.dump();
  }
  std::string out(kXmlHead);
  out += "<" + std::string(root) + ">";
  for (const Record& r : records) AppendXmlRecord(out, item, r);
  out += "</" + std::string(root) + ">";
  return out;
}

std::string Keywords(const std::vector<std::string>& keywords) {
  std::string out;
  for (const std::string& k : keywords) out += (out.empty() ? "" : ", ") + k;
  return out;
}

Record ServiceRecord(const Open311Service& s) {
  return {Text("service_code", s.code),
          Text("service_name", s.name),
          Text("description", s.description),
          {Field::kBool, "metadata", "false"},
          Text("type", "realtime"),
          Text("keywords", Keywords(s.keywords)),
          Text("group", s.group)};
}

}  // namespace

std::optional<std::string> Open311Stem(std::string_view path, Open311Format* format) {
  for (auto [suffix, f] : {std::pair{std::string_view(".json"), Open311Format::kJson},
                           std::pair{std::string_view(".xml"), Open311Format::kXml}}) {
    if (path.size() > suffix.size() && path.ends_with(suffix)) {
      *format = f;
      return std::string(path.substr(0, path.size() - suffix.size()));
    }
  }
  return std::nullopt;
}

std::string Open311Time(std::int64_t millis) { return ChinaIsoTime(millis); }

std::string_view Open311Status(AppealState state) { return IsOpen(state) ? "open" : "closed"; }

Open311Request ToOpen311(const Appeal& appeal, const std::string& service_name, const std::string& agency) {
  Open311Request r;
  r.id = appeal.id;
  r.status = Open311Status(appeal.state);
  r.status_notes = appeal.reply;
  r.service_code = appeal.topic;
  r.service_name = service_name;
  r.description = appeal.content;
  r.agency_responsible = agency;
  r.requested_millis = appeal.received_millis;
  r.updated_millis = std::max({appeal.received_millis, appeal.dispatched_millis, appeal.signed_millis,
                               appeal.replied_millis, appeal.closed_millis});
  r.expected_millis = IsOpen(appeal.state) ? appeal.deadline_millis : 0;
  return r;
}

std::string Open311Discovery(const std::string& endpoint_url, Open311Format format) {
  const std::string spec = "http://wiki.open311.org/GeoReport_v2";
  if (format == Open311Format::kJson) {
    return nlohmann::json{{"changeset", "2026-12-05T00:00:00+08:00"},
                          {"contact", "连心 Lianxin"},
                          {"key_service", "lianxin apikey add NAME"},
                          {"endpoints",
                           {{{"specification", spec},
                             {"url", endpoint_url},
                             {"changeset", "2026-12-05T00:00:00+08:00"},
                             {"type", "production"},
                             {"formats", {"text/xml", "application/json"}}}}}}
        .dump();
  }
  std::string out(kXmlHead);
  out +=
      "<discovery><changeset>2026-12-05T00:00:00+08:00</changeset><contact>连心 Lianxin</contact>"
      "<key_service>lianxin apikey add NAME</key_service><endpoints><endpoint><specification>" +
      spec + "</specification><url>";
  AppendXmlEscaped(out, endpoint_url);
  out +=
      "</url><changeset>2026-12-05T00:00:00+08:00</changeset><type>production</type><formats>"
      "<format>text/xml</format><format>application/json</format></formats></endpoint></endpoints></"
      "discovery>";
  return out;
}

std::string Open311Services(const std::vector<Open311Service>& services, Open311Format format) {
  std::vector<Record> records;
  for (const Open311Service& s : services) records.push_back(ServiceRecord(s));
  return Render("services", "service", records, format);
}

std::string Open311ServiceDefinition(const Open311Service& service, Open311Format format) {
  if (format == Open311Format::kJson) {
    return nlohmann::json{{"service_code", service.code}, {"attributes", nlohmann::json::array()}}.dump();
  }
  std::string out(kXmlHead);
  out += "<service_definition><service_code>";
  AppendXmlEscaped(out, service.code);
  out += "</service_code><attributes></attributes></service_definition>";
  return out;
}

std::string Open311Requests(const std::vector<Open311Request>& requests, Open311Format format) {
  std::vector<Record> records;
  for (const Open311Request& r : requests) {
    Record record{Text("service_request_id", r.id),
                  Text("status", r.status),
                  Text("status_notes", r.status_notes),
                  Text("service_name", r.service_name),
                  Text("service_code", r.service_code),
                  Text("description", r.description),
                  Text("agency_responsible", r.agency_responsible),
                  Text("service_notice", r.service_notice)};
    for (auto [name, millis] : {std::pair{"requested_datetime", r.requested_millis},
                                std::pair{"updated_datetime", r.updated_millis},
                                std::pair{"expected_datetime", r.expected_millis}}) {
      if (millis > 0) record.push_back(Text(name, Open311Time(millis)));
    }
    record.push_back(Text("address", r.address));
    records.push_back(std::move(record));
  }
  return Render("service_requests", "request", records, format);
}

std::string Open311Created(const std::string& request_id, const std::string& notice, Open311Format format) {
  return Render("service_requests", "request",
                {{Text("service_request_id", request_id), Text("service_notice", notice)}}, format);
}

std::string Open311Updates(const std::vector<Open311Update>& updates, Open311Format format) {
  std::vector<Record> records;
  for (const Open311Update& u : updates) {
    records.push_back({Text("update_id", u.update_id), Text("service_request_id", u.request_id),
                       Text("status", u.status), Text("updated_datetime", Open311Time(u.updated_millis)),
                       Text("description", u.description), Text("media_url", "")});
  }
  return Render("service_requests_updates", "request_update", records, format);
}

std::string Open311Error(int code, const std::string& description, Open311Format format) {
  return Render("errors", "error",
                {{{Field::kNumber, "code", std::to_string(code)}, Text("description", description)}}, format);
}

}  // namespace lianxin
