#include "station/web/routes_flags.hpp"

#include "station/config/config.hpp"
#include "station/core/i18n.hpp"
#include "station/core/person_input.hpp"
#include "station/surveillance/suspected.hpp"

namespace odyo::station::web {

namespace {

namespace sv = surveillance;

Reply refusal(int status, const Error& e) {
  Reply r;
  r.status = status;
  r.body = nlohmann::json{{"error", {{"code", e.code}, {"message", e.message}}}};
  r.error = e;
  return r;
}

Reply list_route(WebApp& app, const Call& c) {
  auto rules = sv::load_suspected_rules(app.config().rules_dir);
  if (!rules) return refusal(500, rules.error());
  sv::SuspectedQuery q;
  if (auto it = c.query.find("establishment"); it != c.query.end() && !it->second.empty()) {
    auto e = match_turkish(it->second, app.config().establishments);
    if (!e)
      return refusal(400,
                     make_errorf("report_invalid", "establishment \"{}\" is unknown", it->second));
    q.establishment = *e;
  }
  if (auto it = c.query.find("all"); it != c.query.end()) q.open_only = it->second != "1";
  auto report = sv::compute_suspected(app.db(), *rules, q);
  if (!report) return refusal(500, report.error());
  const auto& lang = i18n::catalog(c.session->language);
  nlohmann::json flags = nlohmann::json::array();
  for (const auto& f : report->flags) flags.push_back(sv::flag_json(f, lang));
  return Reply{200,
               nlohmann::json{{"rules_version", report->rules_version},
                              {"workers_checked", report->workers_checked},
                              {"open_only", q.open_only},
                              {"flags", flags}},
               {}};
}

Reply act_route(WebApp& app, const Call& c) {
  auto rules = sv::load_suspected_rules(app.config().rules_dir);
  if (!rules) return refusal(500, rules.error());
  std::string reason;
  if (c.body.is_object() && c.body.contains("reason") && c.body["reason"].is_string())
    reason = c.body["reason"].get<std::string>();
  auto f = sv::act_on_flag(app.db(), *rules, c.path.at("id"), c.path.at("action"), reason,
                           c.session->user.username);
  if (!f) {
    const auto& code = f.error().code;
    return refusal(code == "flag_unknown" ? 404 : code == "auth_role" ? 403 : 400, f.error());
  }
  return Reply{200, sv::flag_json(*f, i18n::catalog(c.session->language)), {}};
}

}  // namespace

std::vector<Route> flag_routes() {
  return {
      {"GET", "/api/flags", {"physician"}, "list suspected occupational diseases", list_route},
      {"POST",
       "/api/flags/{id}/{action}",
       {"physician"},
       "act on a suspected-disease flag",
       act_route},
  };
}

}  // namespace odyo::station::web
