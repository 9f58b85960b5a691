#include "lianxin/notice_api.hpp"

#include <functional>
#include <nlohmann/json.hpp>

#include "lianxin/api.hpp"
#include "lianxin/bulletin.hpp"
#include "lianxin/dossier.hpp"
#include "lianxin/notice.hpp"
#include "lianxin/registry.hpp"

namespace lianxin {

namespace {

using nlohmann::json;

json RecordJson(const NoticeRecord& r) {
  return {{"id", r.id},
          {"region", r.region_code},
          {"month", r.month},
          {"title", r.title},
          {"journal", {{"seq", r.journal_seq}, {"hash", r.journal_hash}}},
          {"digest", r.digest},
          {"published_at", ChinaIsoTime(r.published_millis)},
          {"published_by", r.published_by}};
}

// The current month in China, "YYYY-MM".
std::string ThisMonth(std::int64_t now) {
  const Date today = ChinaDateOf(now);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d", today.year, today.month);
  return text;
}

class NoticeRoutes {
 public:
  explicit NoticeRoutes(const AppealsApiDeps& deps) : deps_(deps) {}

  static HttpResponse Render(const NoticeFigures& figures, std::string_view format, const std::string& id) {
    return ReportResponse(
        NoticeJson(figures), [&] { return NoticeDocument(figures); },
        [&](const std::string& path) { return WriteNotice(figures, path); }, format, id, figures.title);
  }

  // The region a report is for: `region`, or the caller's own; in scope.
  static Result<std::string> RegionOf(const HttpRequest& request, const Caller& caller) {
    std::string region(request.QueryParam("region").value_or(""));
    if (region.empty() && caller.scope().kind == ScopeKind::kRegion) region = caller.scope().code;
    if (region.empty()) return Status::Invalid("请指定 region (required)", "region");
    if (!RegionSubtreePrefix(region))
      return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
    if (!ScopeContains(caller.scope(), region)) return OutOfScope();
    return region;
  }

  HttpResponse Bulletin(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Result<std::string> region = RegionOf(request, caller);
    if (!region.ok()) return HttpResponse::Error(region.status());
    const std::int64_t now = deps_.clock.NowMillis();
    const std::string month(request.QueryParam("month").value_or(ThisMonth(now)));
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<BulletinFigures> figures = CountBulletin(**store, *region, month, config->appeals, now);
    if (!figures.ok()) return HttpResponse::Error(figures.status());
    const BulletinFigures& b = *figures;
    return ReportResponse(
        BulletinJson(b), [&] { return BulletinDocument(b); },
        [&](const std::string& path) { return WriteBulletin(b, path); },
        request.QueryParam("format").value_or("json"), request.id, b.notice.title);
  }

  HttpResponse Get(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Result<std::string> in = RegionOf(request, caller);
    if (!in.ok()) return HttpResponse::Error(in.status());
    const std::string& region = *in;
    const std::int64_t now = deps_.clock.NowMillis();
    const std::string month(request.QueryParam("month").value_or(ThisMonth(now)));
    const std::string format(request.QueryParam("format").value_or("json"));
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<std::optional<NoticeRecord>> kept = (*store)->GetNotice(NoticeId(region, month));
    if (!kept.ok()) return HttpResponse::Error(kept.status());
    Result<NoticeFigures> figures =
        *kept ? NoticeOfRecord(**kept) : CountNotice(**store, region, month, config->appeals, now);
    if (!figures.ok()) return HttpResponse::Error(figures.status());
    return Render(*figures, format, request.id);
  }

  // A cadre's dossier over [from, to] (default: the year to today).
  HttpResponse Dossier(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    const std::string cadre(request.PathParam("id"));
    const Date today = ChinaDateOf(deps_.clock.NowMillis());
    Date to = today, from = DateFromDays(DaysFromDate(today) - 364);
    for (auto [name, date] : {std::pair{"to", &to}, std::pair{"from", &from}}) {
      std::optional<std::string_view> text = request.QueryParam(name);
      if (!text) continue;
      Result<Date> parsed = ParseDate(*text);
      if (!parsed.ok())
        return HttpResponse::Error(Status::Invalid(std::string(name) + " 应为 YYYY-MM-DD (date)", name));
      *date = *parsed;
    }
    if (!request.QueryParam("from")) from = DateFromDays(DaysFromDate(to) - 364);
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Status in_scope = CheckInScope(**store, RecordKind::kCadres, cadre, caller.scope());
    if (!in_scope.ok())
      return HttpResponse::Error(in_scope.code() == Code::kNotFound ? OutOfScope() : in_scope);
    Result<DossierFigures> dossier = CountDossier(**store, cadre, *config, from, to);
    if (!dossier.ok()) return HttpResponse::Error(dossier.status());
    const DossierFigures& d = *dossier;
    return ReportResponse(
        DossierJson(d), [&] { return DossierDocument(d); },
        [&](const std::string& path) { return WriteDossier(d, path); },
        request.QueryParam("format").value_or("json"), request.id, d.name + "同志直接联系群众工作档案");
  }

  HttpResponse Publish(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    Result<std::string> region = StringField(*body, "region");
    if (!region.ok()) return HttpResponse::Error(region.status());
    Result<std::string> month = StringField(*body, "month");
    if (!month.ok()) return HttpResponse::Error(month.status());
    if (!RegionSubtreePrefix(*region))
      return HttpResponse::Error(
          Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region"));
    if (!ScopeContains(caller.scope(), *region)) return HttpResponse::Error(OutOfScope());
    const std::int64_t now = deps_.clock.NowMillis();
    // Counted on committed data, so the head it names is an entry for good;
    // then kept by the writer, which refuses a month already published.
    Result<NoticeFigures> figures = [&]() -> Result<NoticeFigures> {
      LX_ASSIGN_OR_RETURN(StorePool::Lease store, deps_.reads.Acquire());
      LX_ASSIGN_OR_RETURN(std::optional<NoticeRecord> kept, store->GetNotice(NoticeId(*region, *month)));
      if (kept) {
        return Status::Conflict(*region + " " + *month + " 的公示已于 " +
                                ChinaIsoTime(kept->published_millis) +
                                " 发布,发布后不再更改 (notice_published)");
      }
      return CountNotice(*store, *region, *month, config->appeals, now);
    }();
    if (!figures.ok()) return HttpResponse::Error(figures.status());
    const NoticeRecord record = NoticeRecordOf(*figures, caller.actor());
    std::optional<NoticeRecord> published;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
      LX_RETURN_IF_ERROR(txn->PublishNotice(record));
      LX_RETURN_IF_ERROR(txn->Commit());
      LX_ASSIGN_OR_RETURN(published, store.GetNotice(record.id));
      return Status::Ok();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    if (!published) return HttpResponse::Error(Status::Internal("公示发布后读不到: " + record.id));
    json answer = RecordJson(*published);
    return HttpResponse::Json(201, answer);
  }

  HttpResponse List(HttpRequest& request) {
    const std::string region(request.QueryParam("region").value_or(""));
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<std::vector<NoticeRecord>> notices = (*store)->ListNotices(region);
    if (!notices.ok()) return HttpResponse::Error(notices.status());
    json items = json::array();
    for (const NoticeRecord& r : *notices) items.push_back(RecordJson(r));
    return HttpResponse::Json(200, {{"items", std::move(items)}});
  }

  HttpResponse One(HttpRequest& request) {
    const std::string id(request.PathParam("id"));
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<std::optional<NoticeRecord>> kept = (*store)->GetNotice(id);
    if (!kept.ok()) return HttpResponse::Error(kept.status());
    if (!*kept) return HttpResponse::Error(Status::NotFound("没有这份公示 (not_found)"));
    Result<NoticeFigures> figures = NoticeOfRecord(**kept);
    if (!figures.ok()) return HttpResponse::Error(figures.status());
    return Render(*figures, request.QueryParam("format").value_or("json"), request.id);
  }

 private:
  AppealsApiDeps deps_;
};

}  // namespace

void AddNoticeRoutes(ApiRouter& api, const AppealsApiDeps& deps) {
  auto routes = std::make_shared<NoticeRoutes>(deps);
  api.Add("GET", "/api/v1/notice",
          [routes](HttpRequest& request, const Caller& caller) { return routes->Get(request, caller); });
  api.Add("GET", "/api/v1/bulletin",
          [routes](HttpRequest& request, const Caller& caller) { return routes->Bulletin(request, caller); });
  api.Add("GET", "/api/v1/cadres/{id}/dossier",
          [routes](HttpRequest& request, const Caller& caller) { return routes->Dossier(request, caller); });
  api.Add("POST", "/api/v1/notices",
          [routes](HttpRequest& request, const Caller& caller) { return routes->Publish(request, caller); });
  api.Add("GET", "/api/v1/public/notices",
          [routes](HttpRequest& request, const Caller&) { return routes->List(request); });
  api.Add("GET", "/api/v1/public/notices/{id}",
          [routes](HttpRequest& request, const Caller&) { return routes->One(request); });
}

}  // namespace lianxin
