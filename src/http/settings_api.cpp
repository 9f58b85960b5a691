#include "lianxin/settings_api.hpp"

#include <mutex>
#include <nlohmann/json.hpp>

#include "lianxin/api.hpp"
#include "lianxin/registry_io.hpp"

namespace lianxin {

namespace {

using nlohmann::json;

class SettingsRoutes {
 public:
  explicit SettingsRoutes(const SettingsApiDeps& deps) : deps_(deps) {}

  HttpResponse List(HttpRequest&, const Caller&) {
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<std::vector<StoredSetting>> stored = (*store)->Settings();
    if (!stored.ok()) return HttpResponse::Error(stored.status());
    const SettingsApplied applied = ApplySettings(deps_.file, *stored);
    json sections = json::array();
    for (std::string_view section : SettableSections())
      sections.push_back(SectionOf(applied, *stored, section));
    return HttpResponse::Json(200, {{"sections", std::move(sections)}});
  }

  // PUT {section}: `values` kept over the file; reset: nothing kept.
  HttpResponse Change(HttpRequest& request, const Caller& caller, bool reset) {
    const std::string section(request.PathParam("section"));
    if (!IsSettableSection(section)) {
      return HttpResponse::Error(Status::NotFound("没有可在控制台设定的参数节 " + section + " (not_found)"));
    }
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    auto version = body->find("version");
    if (version == body->end() || !version->is_number_integer() || version->get<std::int64_t>() < 0) {
      return HttpResponse::Error(
          Status::Invalid("version 必填:所改参数的版本号,读取时得到 (required)", "version"));
    }
    const std::int64_t expected = version->get<std::int64_t>();
    // A reset keeps the file's values, checked like any change: the other
    // sections must still stand on them (a stored need on a skill only the
    // console added).
    json values = SectionJson(deps_.file, section);
    if (!reset) {
      auto given = body->find("values");
      if (given == body->end())
        return HttpResponse::Error(Status::Invalid("values 必填 (required)", "values"));
      values = *given;
    }
    // One change at a time, so the configuration in force follows the
    // commits in their order.
    std::lock_guard lock(mutex_);
    std::int64_t rescored = 0;
    std::vector<StoredSetting> after;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::vector<StoredSetting> stored, store.Settings());
      LX_ASSIGN_OR_RETURN(std::string toml, SettingToml(deps_.file, stored, section, values));
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
      LX_RETURN_IF_ERROR(txn->PutSetting(section, toml, expected).status());
      if (SectionScoresHouseholds(section)) {
        LX_ASSIGN_OR_RETURN(std::vector<StoredSetting> next, store.Settings());
        LX_ASSIGN_OR_RETURN(rescored, RescoreHouseholds(store, *txn, ApplySettings(deps_.file, next).config));
      }
      LX_RETURN_IF_ERROR(txn->Commit());
      LX_ASSIGN_OR_RETURN(after, store.Settings());
      return Status::Ok();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    const SettingsApplied applied = ApplySettings(deps_.file, after);
    deps_.live.Replace(applied.config);
    json answer = SectionOf(applied, after, section);
    answer["rescored"] = rescored;
    std::string detail = reset ? "reset" : "version " + std::to_string(expected + 1);
    if (rescored > 0) detail += "; rescored " + std::to_string(rescored);
    AuditEvent event{.at_millis = deps_.clock.NowMillis(),
                     .actor = caller.actor(),
                     .action = "settings_change",
                     .target = section,
                     .remote = caller.remote(),
                     .outcome = "ok",
                     .detail = detail};
    Status audited = deps_.audit.Audit(event);
    if (!audited.ok()) return HttpResponse::Error(audited);
    return HttpResponse::Json(200, answer);
  }

 private:
  json SectionOf(const SettingsApplied& applied, const std::vector<StoredSetting>& stored,
                 std::string_view section) const {
    StoredSetting kept{.section = std::string(section)};
    for (const StoredSetting& s : stored)
      if (s.section == section) kept = s;
    json problem = nullptr;
    for (const auto& [name, why] : applied.problems)
      if (name == section) problem = why;
    return {{"section", section},
            {"values", SectionJson(applied.config, section)},
            {"file", SectionJson(deps_.file, section)},
            {"stored", StoredJson(kept)},
            {"version", kept.version},
            {"updated_by", kept.updated_by},
            {"updated_at", TimeOrNull(kept.updated_millis)},
            {"problem", problem}};
  }

  SettingsApiDeps deps_;
  std::mutex mutex_;
};

}  // namespace

void AddSettingsRoutes(ApiRouter& api, const SettingsApiDeps& deps) {
  auto routes = std::make_shared<SettingsRoutes>(deps);
  api.Add("GET", "/api/v1/settings",
          [routes](HttpRequest& request, const Caller& caller) { return routes->List(request, caller); });
  api.Add("PUT", "/api/v1/settings/{section}", [routes](HttpRequest& request, const Caller& caller) {
    return routes->Change(request, caller, false);
  });
  api.Add("POST", "/api/v1/settings/{section}/reset", [routes](HttpRequest& request, const Caller& caller) {
    return routes->Change(request, caller, true);
  });
}

}  // namespace lianxin
