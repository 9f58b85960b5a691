// Open311 GeoReport v2 under /open311/v2/ (issue "Field work" 7), with the
// `servicerequestupdates` extension FixMyStreet's client reads. Every
// document comes as JSON or XML by its suffix (.json / .xml); errors come
// in the spec's list form with the HTTP status.
//
//   GET  /open311/v2/discovery.{fmt}             the endpoint, its formats, where keys come from
//   GET  /open311/v2/services.{fmt}              the topic dictionary as services
//   GET  /open311/v2/services/{code}.{fmt}       a service definition (no extra attributes)
//   POST /open311/v2/requests.{fmt}              form-encoded (or JSON): api_key (403 without a
//        valid one), service_code, description, and any of address_string, lat, long,
//        first_name, last_name, email, phone (not kept) → 200 [{service_request_id,
//        service_notice}]: an appeal of channel open311 in the key's region, routed as any.
//   GET  /open311/v2/requests.{fmt}[?service_request_id=A,B&service_code&start_date&end_date
//        &status=open|closed] → the requests; without ids, those received in the window
//        (default the last 90 days), at most 1,000, newest first.
//   GET  /open311/v2/requests/{id}.{fmt}         one request (as a one-element list)
//   GET  /open311/v2/tokens/{token}.{fmt}        the request a token stands for: requests get
//        their id at once, so a token is the id.
//   GET  /open311/v2/servicerequestupdates.{fmt}[?start_date&end_date] → one update per step of
//        the loop of each Open311 request, in the window (default the last 90 days).
//
// Only requests that came through Open311 are listed: a household's own
// appeals (card, visit, operator) are never public. Status is open until
// 办结, then closed. Times are ISO 8601 with China's offset; start_date and
// end_date take any offset (or a bare date, China's midnight).
//
//   AddOpen311Routes(gate, {writer, reads, config, clock, notifier});
#pragma once

#include "lianxin/appeals_api.hpp"

namespace lianxin {

// Holds references to all it is given, which must outlive the router.
void AddOpen311Routes(ApiRouter& api, const AppealsApiDeps& deps);

// "2026-12-05T18:00:00+08:00", "…Z", "2026-12-05" (China's midnight) as
// milliseconds since the epoch; nullopt when it is none of these.
std::optional<std::int64_t> ParseIsoTime(std::string_view text);

}  // namespace lianxin
