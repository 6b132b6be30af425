#include "station/web/routes_qc.hpp"

#include "analysis/core/error_text.hpp"
#include "station/app/daily_checks.hpp"
#include "station/auth/login.hpp"
#include "station/config/config.hpp"
#include "station/core/local_time.hpp"
#include "station/pcaudio/calibration.hpp"
#include "station/qc/daily_checks.hpp"
#include "station/qc/indicators.hpp"
#include "station/qc/qc_rules.hpp"
#include "station/qc/second_review.hpp"
#include "station/storage/database.hpp"

namespace odyo::station::web {
namespace {

using nlohmann::json;

Reply refuse(const Error& e) {
  Reply r;
  r.status = e.code == "auth_role" ? 403 : (e.code.rfind("auth", 0) == 0 ? 401 : 400);
  r.body = json{{"error", {{"code", e.code}, {"message", e.message}}}};
  r.error = e;
  return r;
}

Reply ok(json body) {
  Reply r;
  r.body = std::move(body);
  return r;
}

std::string text_of(const json& body, const char* key) {
  return body.is_object() && body.contains(key) && body[key].is_string()
             ? body[key].get<std::string>()
             : std::string();
}

// A configured device with id `id` of one of `kinds`.
Result<DeviceConfig> configured(const StationConfig& cfg, const std::string& id,
                                std::initializer_list<std::string_view> kinds) {
  for (const auto& d : cfg.devices) {
    if (d.id != id) continue;
    for (auto k : kinds)
      if (d.kind == k) return d;
    return make_errorf("check_invalid", "device {} is a {}: it has no such daily check", id,
                       d.kind);
  }
  return make_errorf("unknown_device", "no device \"{}\" is configured", id);
}

Reply status_route(WebApp& app, const Call&) {
  auto st = device_status(app.db(), app.config());
  if (!st) return refuse(st.error());
  json a = json::array();
  for (const auto& s : *st) a.push_back(device_status_json(s));
  return ok(json{{"day", local_today_iso()}, {"devices", a}});
}

Reply checks_route(WebApp& app, const Call& c) {
  auto get = [&](const char* k) {
    auto it = c.query.find(k);
    return it == c.query.end() ? std::string() : it->second;
  };
  const std::string day = get("day").empty() ? local_today_iso() : get("day");
  auto list = qc::list_checks(app.db(), get("device"), "", day, day);
  if (!list) return refuse(list.error());
  json a = json::array();
  for (const auto& x : *list) a.push_back(qc::check_json(x));
  return ok(json{{"day", day}, {"checks", a}});
}

Reply syringe_route(WebApp& app, const Call& c) {
  auto dev = configured(app.config(), text_of(c.body, "device"), {"spirometer"});
  if (!dev) return refuse(dev.error());
  auto rules = qc::load_qc_rules(app.config().rules_dir);
  if (!rules) return refuse(rules.error());
  if (!c.body.contains("measured_l") || !c.body["measured_l"].is_number())
    return refuse(make_error("check_invalid",
                             "give the volume the spirometer read for the 3-L syringe, in litres"));
  qc::SyringeCheckInput in;
  in.device_id = dev->id;
  in.measured_l = c.body["measured_l"].get<double>();
  in.source = "entered";
  in.notes = text_of(c.body, "note");
  auto r = qc::record_syringe_check(app.db(), *rules, in, c.session->user.username);
  if (!r) return refuse(r.error());
  return ok(qc::check_json(*r));
}

Reply listening_route(WebApp& app, const Call& c) {
  auto dev = configured(app.config(), text_of(c.body, "device"), {"audiometer", "pc-audiometer"});
  if (!dev) return refuse(dev.error());
  if (!c.body.contains("passed") || !c.body["passed"].is_boolean())
    return refuse(make_error("check_invalid", "say whether the listening check passed"));
  qc::ListeningCheckInput in;
  in.device_id = dev->id;
  in.listener = text_of(c.body, "listener");
  in.passed = c.body["passed"].get<bool>();
  in.note = text_of(c.body, "note");
  if (dev->kind == "pc-audiometer") {  // the check is of the calibrated interface + earphones
    auto cal = pcaudio::load_calibration(app.config().calibration_file, pcaudio::today_local());
    if (!cal) return refuse(cal.error());
    in.pair_id = cal->pair_id();
  }
  auto r = qc::record_listening_check(app.db(), in, c.session->user.username);
  if (!r) return refuse(r.error());
  return ok(qc::check_json(*r));
}

Reply qc_route(WebApp& app, const Call& c) {
  auto rules = qc::load_qc_rules(app.config().rules_dir);
  if (!rules) return refuse(rules.error());
  qc::QcQuery q;
  if (auto it = c.query.find("month"); it != c.query.end() && !it->second.empty()) {
    const std::string& m = it->second;
    if (m.size() != 7 || m[4] != '-')
      return refuse(make_errorf("report_invalid", "month \"{}\": give YYYY-MM", m));
    q.from_month = q.to_month = m;
  }
  auto rep = qc::qc_report(app.db(), *rules, q);
  if (!rep) return refuse(rep.error());
  auto reviews = qc::second_review_stats(app.db(), q);
  if (!reviews) return refuse(reviews.error());
  json groups = json::array(), findings = json::array(), rv = json::array();
  for (const auto& g : rep->groups) groups.push_back(qc::qc_group_json(g));
  for (const auto& f : rep->findings) findings.push_back(qc::qc_finding_json(f));
  for (const auto& r : *reviews) rv.push_back(qc::review_stats_json(r));
  return ok(json{{"rules_version", rep->rules_version},
                 {"groups", groups},
                 {"findings", findings},
                 {"second_review", rv}});
}

}  // namespace

std::vector<Route> qc_routes() {
  const std::vector<std::string> anyone = {"technician", "physician", "admin"};
  return {
      {"GET", "/api/devices/status", anyone, "see the devices' daily checks", status_route},
      {"GET", "/api/checks", anyone, "see the devices' daily checks", checks_route},
      {"POST", "/api/checks/syringe", anyone, "record a daily device check", syringe_route},
      {"POST", "/api/checks/listening", anyone, "record a daily device check", listening_route},
      {"GET", "/api/qc", {"physician", "admin"}, "see the quality-control report", qc_route},
  };
}

}  // namespace odyo::station::web
