#include "station/web/web_app.hpp"
#include "station/web/routes_flags.hpp"
#include "station/web/routes_statistics.hpp"

#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <stdexcept>

#include "analysis/evaluation/model.hpp"
#include "station/app/paper_audiogram.hpp"
#include "station/app/register_worker.hpp"
#include "station/app/views.hpp"
#include "station/app/worker_profile.hpp"
#include "station/app/worklist.hpp"
#include "station/auth/login.hpp"
#include "station/auth/signing.hpp"
#include "station/charts/chart_data.hpp"
#include "station/config/config.hpp"
#include "station/core/i18n.hpp"
#include "station/core/oplog.hpp"
#include "station/core/person_input.hpp"
#include "station/evaluation/decisions.hpp"
#include "station/exams/exam_record.hpp"
#include "station/exams/interruption.hpp"
#include "station/export/outbox.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"
#include "station/web/routes_qc.hpp"
#include "station/web/static_files.hpp"

namespace odyo::station::web {

using nlohmann::json;

namespace {

constexpr const char* kCookie = "odyo_session";

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> b(bytes);
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1)
    throw std::runtime_error(
        "OpenSSL RAND_bytes failed");  // no entropy: a programming/system error
  static constexpr std::array<char, 16> hex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                               '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string s;
  for (unsigned char c : b) {
    s += hex[c >> 4U];
    s += hex[c & 15U];
  }
  return s;
}

// A refusal: the message is put in the caller's language by WebApp::handle (from the same
// catalogues as the command line's); the English text stands until then.
Reply error(int status, const Error& e) {
  Reply r;
  r.status = status;
  r.body = json{{"error", {{"code", e.code}, {"message", e.message}}}};
  r.error = e;
  return r;
}

// "tr" or "en" if `wanted` names one of them first ("tr-TR,tr;q=0.9", "en"), else "".
std::string spoken(std::string_view wanted) {
  for (std::size_t pos = 0; pos < wanted.size();) {
    auto end = wanted.find(',', pos);
    if (end == std::string_view::npos) end = wanted.size();
    auto tag = wanted.substr(pos, end - pos);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    const auto primary = tag.substr(0, std::min(tag.find_first_of("-;"), tag.size()));
    for (const auto lang : i18n::kLanguages)
      if (primary == lang) return std::string(lang);
    pos = end + 1;
  }
  return {};
}

Reply from_error(const Error& e) {
  if (e.code == kAuthRole) return error(403, e);
  if (is_auth_error(e)) return error(401, e);
  return error(400, e);
}

// The value of cookie `name` in a Cookie header ("a=1; b=2").
std::string cookie_value(std::string_view header, std::string_view name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    auto part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    pos = end + 1;
  }
  return {};
}

// Constant-time comparison of two tokens.
bool same_token(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    auto end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

// Matches `path` against a route pattern; fills the {name} segments.
bool match(const std::string& pattern, const std::vector<std::string>& segments,
           std::map<std::string, std::string>& params) {
  const auto want = split_path(pattern);
  if (want.size() != segments.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      if (segments[i].empty()) return false;
      params[want[i].substr(1, want[i].size() - 2)] = segments[i];
    } else if (want[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

std::optional<std::int64_t> to_id(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Registry number, T.C. kimlik or name, compared after Turkish case folding (İ/i, I/ı).
bool worker_matches(const Worker& w, const std::string& q) {
  if (q.empty()) return true;
  const std::string needle = fold_turkish(q);
  for (const std::string* field : {&w.registry_no, &w.tc_kimlik, &w.first_name, &w.last_name}) {
    if (fold_turkish(*field).find(needle) != std::string::npos) return true;
  }
  return fold_turkish(w.first_name + " " + w.last_name).find(needle) != std::string::npos;
}

std::string user_json_name(const User& u) {
  return u.full_name.empty() ? u.username : u.full_name;
}

// ---- the routes --------------------------------------------------------------------------

Reply me(WebApp&, const Call& c) {
  const User& u = c.session->user;
  return Reply{200,
               json{{"username", u.username},
                    {"full_name", user_json_name(u)},
                    {"role", u.role},
                    {"language", c.session->language},
                    {"csrf_token", c.session->csrf_token}},
               {}};
}

Reply workers(WebApp& app, const Call& c) {
  auto ws = list_workers(
      app.db(), c.query.count("establishment") ? c.query.at("establishment") : std::string());
  if (!ws) return from_error(ws.error());
  const std::string q = c.query.count("q") ? c.query.at("q") : std::string();
  json arr = json::array();
  for (const auto& w : *ws)
    if (worker_matches(w, q)) arr.push_back(worker_json(w));
  return Reply{200, json{{"workers", arr}}, {}};
}

Reply worker(WebApp& app, const Call& c) {
  auto w = find_worker(app.db(), c.path.at("registry"));
  if (!w) return error(404, w.error());
  return Reply{200, worker_json(*w), {}};
}

Reply exams(WebApp& app, const Call& c) {
  std::optional<std::int64_t> worker_id;
  if (c.query.count("worker")) {
    auto w = find_worker(app.db(), c.query.at("worker"));
    if (!w) return error(404, w.error());
    worker_id = w->id;
  }
  auto list = list_exams(app.db(), worker_id);
  if (!list) return from_error(list.error());
  const std::string kind = c.query.count("kind") ? c.query.at("kind") : std::string();
  json arr = json::array();
  for (const auto& e : *list)
    if (kind.empty() || e.kind == kind) arr.push_back(exam_json(e));
  return Reply{200, json{{"exams", arr}}, {}};
}

Reply exam(WebApp& app, const Call& c) {
  const auto id = to_id(c.path.at("id"));
  if (!id) return error(400, make_error("bad_id", "exam id must be a number"));
  auto e = get_exam(app.db(), *id);
  if (!e) return error(404, e.error());
  json j = exam_json(*e);
  auto results = list_results(app.db(), *id);
  if (!results) return from_error(results.error());
  j["results"] = json::array();
  for (const auto& r : *results) j["results"].push_back(result_json(r));
  return Reply{200, j, {}};
}

Reply decision(WebApp& app, const Call& c) {
  const auto id = to_id(c.path.at("id"));
  if (!id) return error(400, make_error("bad_id", "evaluation id must be a number"));
  auto j = decision_chain_json(app.db(), *id);
  if (!j) return error(404, j.error());
  return Reply{200, *j, {}};
}

Reply confirm(WebApp& app, const Call& c) {
  const auto id = to_id(c.path.at("id"));
  if (!id) return error(400, make_error("bad_id", "evaluation id must be a number"));
  auto r = evaluation::confirm_evaluation(app.db(), *id, c.session->user.username);
  if (!r) return from_error(r.error());
  auto j = decision_chain_json(app.db(), *id);
  if (!j) return from_error(j.error());
  return Reply{200, *j, {}};
}

Reply override_decision(WebApp& app, const Call& c) {
  const auto id = to_id(c.path.at("id"));
  if (!id) return error(400, make_error("bad_id", "evaluation id must be a number"));
  if (!c.body.is_object())
    return error(400, make_error("bad_body", "send a JSON object: column, group, reason"));
  const auto text = [&](const char* key) {
    return c.body.contains(key) && c.body[key].is_string() ? c.body[key].get<std::string>()
                                                           : std::string();
  };
  const auto column = odyo::evaluation::parse_column(text("column"));
  const auto group = odyo::evaluation::parse_column(text("group"));
  if (!text("column").empty() && !column)
    return error(400, make_error("bad_column", "column must be A, B, C or D"));
  if (!text("group").empty() && !group)
    return error(400, make_error("bad_group", "health group must be A, B, C or D"));
  auto r = evaluation::override_evaluation(app.db(), *id, column, group, text("reason"),
                                           c.session->user.username);
  if (!r) return from_error(r.error());
  auto j = decision_chain_json(app.db(), *id);
  if (!j) return from_error(j.error());
  return Reply{200, *j, {}};
}

std::string text_of(const json& body, const char* key) {
  if (!body.is_object() || !body.contains(key)) return {};
  const auto& v = body[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return {};
}

// The pages' texts in the caller's language: ?lang=tr|en (the login page's choice), else the
// session's, else the browser's (Accept-Language), else the station's.
Reply texts(WebApp& app, const Call& c) {
  std::string language = c.query.count("lang") ? spoken(c.query.at("lang")) : std::string();
  if (language.empty()) language = app.language_of(c.request);
  const auto& catalog = i18n::catalog(language);
  json t = json::object();
  for (const char* msgid : page_texts()) t[msgid] = catalog.tr(msgid);  // i18n: N_ texts
  return Reply{200, json{{"language", language}, {"texts", t}}, {}};
}

// What the pages' forms offer: the station's establishments and the job catalogue (Ek-4).
Reply options(WebApp& app, const Call&) {
  auto rules = rules::load_ruleset(app.config().rules_dir);
  if (!rules) return from_error(rules.error());
  json jobs = json::array();
  for (const auto& j : rules->jobs)
    jobs.push_back({{"code", j.code},
                    {"title_tr", j.title_tr},
                    {"title_en", j.title_en},
                    {"work_group", j.work_group}});
  return Reply{200,
               json{{"establishment", app.config().establishment},
                    {"establishments", app.config().establishments},
                    {"jobs", jobs}},
               {}};
}

Reply register_worker_route(WebApp& app, const Call& c) {
  if (!c.body.is_object())
    return error(400, make_error("bad_body", "send a JSON object with the worker's fields"));
  NewWorker w;
  w.registry_no = text_of(c.body, "registry");
  w.tc_kimlik = text_of(c.body, "tc");
  w.first_name = text_of(c.body, "first_name");
  w.last_name = text_of(c.body, "last_name");
  w.establishment = text_of(c.body, "establishment");
  w.job_code = text_of(c.body, "job");
  // Typed the Turkish way or the English way, as on the command line (station/core/person_input).
  auto born = parse_date_iso(text_of(c.body, "birth_date"));
  if (!born) return from_error(born.error());
  w.birth_date = *born;
  auto sex = parse_sex(text_of(c.body, "sex"));
  if (!sex) return from_error(sex.error());
  w.sex = *sex;
  auto height = parse_person_number(text_of(c.body, "height_cm"));
  if (!height) return from_error(height.error());
  w.height_cm = *height;
  auto weight = parse_person_number(text_of(c.body, "weight_kg"));
  if (!weight) return from_error(weight.error());
  w.weight_kg = *weight;
  auto got = register_worker(app.db(), app.config(), w, c.session->user.username);
  if (!got) return from_error(got.error());
  return Reply{201, worker_json(*got), {}};
}

Reply worklist(WebApp& app, const Call& c) {
  WorklistFilter f;
  const auto q = [&](const char* key) {
    return c.query.count(key) ? c.query.at(key) : std::string();
  };
  f.establishment = q("establishment");
  f.date = q("date");
  f.kind = q("kind");
  if (q("interrupted") == "yes") f.interrupted = true;
  if (q("interrupted") == "no") f.interrupted = false;
  auto rows = review_worklist(app.db(), f);
  if (!rows) return from_error(rows.error());
  json arr = json::array();
  for (const auto& r : *rows) {
    json j = exam_json(r.exam);
    j["worker"] = {{"registry_no", r.worker.registry_no},
                   {"name", r.worker.first_name + " " + r.worker.last_name},
                   {"establishment", r.worker.establishment}};
    j["interrupted"] = r.interrupted;
    j["result_version"] = r.result_version;
    j["decision"] = r.decision ? evaluation_json(*r.decision) : json(nullptr);
    arr.push_back(j);
  }
  return Reply{200, json{{"exams", arr}}, {}};
}

// Everything the exam page shows: the same gathering and shape as `exam show --json`.
Reply exam_record(WebApp& app, const Call& c) {
  const auto id = to_id(c.path.at("id"));
  if (!id) return error(400, make_error("bad_id", "exam id must be a number"));
  auto rec = load_exam_record(app.db(), *id);
  if (!rec) return error(404, rec.error());
  auto interruption = exam_interruption(app.db(), *id);
  if (!interruption) return from_error(interruption.error());
  return Reply{200, exam_record_json(*rec, *interruption), {}};
}

// "{name}.svg" → name; a target without the suffix is no page.
Result<std::string> svg_name(const std::string& target) {
  constexpr std::string_view kSvg = ".svg";
  if (target.size() <= kSvg.size() || target.substr(target.size() - kSvg.size()) != kSvg)
    return make_errorf("not_found", "no such page: {}", target);
  return target.substr(0, target.size() - kSvg.size());
}

Reply svg_reply(std::string svg) {
  Reply r;
  r.content_type = "image/svg+xml; charset=utf-8";
  r.raw_body = std::move(svg);
  return r;
}

// GET /api/exams/{id}/charts/{name}.svg: the station's chart (station/charts), in the session's
// language.
Reply exam_chart(WebApp& app, const Call& c) {
  const auto id = to_id(c.path.at("id"));
  if (!id) return error(400, make_error("bad_id", "exam id must be a number"));
  auto name = svg_name(c.path.at("chart"));
  if (!name) return error(404, name.error());
  auto kind = charts::parse_exam_chart_kind(*name);
  if (!kind) return error(404, kind.error());
  auto svg = charts::exam_chart_svg(app.db(), *id, *kind, c.session->language == "tr");
  if (!svg) return error(404, svg.error());
  return svg_reply(std::move(*svg));
}

// GET /api/workers/{registry}/profile: the worker page (job history, next due exams), the same
// use case as `worker show`.
Reply worker_profile_route(WebApp& app, const Call& c) {
  auto p = worker_profile(app.db(), app.config(), c.path.at("registry"), today_iso());
  if (!p) return p.error().code == "worker_unknown" ? error(404, p.error()) : from_error(p.error());
  return Reply{200, worker_profile_json(*p), {}};
}

// GET /api/workers/{registry}/charts/{lung|hearing}.svg: the history charts of `worker chart`.
Reply worker_chart(WebApp& app, const Call& c) {
  auto name = svg_name(c.path.at("chart"));
  if (!name) return error(404, name.error());
  auto kind = charts::parse_worker_chart_kind(*name);
  if (!kind) return error(404, kind.error());
  auto w = find_worker(app.db(), c.path.at("registry"));
  if (!w) return error(404, w.error());
  auto svg = charts::worker_chart_svg(app.db(), *w, *kind, c.session->language == "tr");
  if (!svg) return error(404, svg.error());
  return svg_reply(std::move(*svg));
}

// POST /api/workers/{registry}/audiograms {"date", "device", "note", "audiogram": {typed form}}:
// an audiogram typed from paper (`audio enter`), stored as an exam awaiting review.
Reply enter_audiogram_route(WebApp& app, const Call& c) {
  if (!c.body.is_object() || !c.body.contains("audiogram")) {
    return error(400, make_error("bad_input",
                                 "the form sends {\"audiogram\": {\"right\": …, \"left\": …}}"));
  }
  const auto text_of = [&](const char* key) {
    return c.body.contains(key) && c.body[key].is_string() ? c.body[key].get<std::string>()
                                                           : std::string();
  };
  PaperAudiogram in{c.path.at("registry"),
                    "audiogram",
                    i18n::catalog(c.session->language).tr("input"),
                    c.body["audiogram"].dump(),
                    text_of("date"),
                    text_of("device"),
                    text_of("note")};
  auto r = enter_paper_audiogram(app.db(), app.config(), in, c.session->user.username);
  if (!r) return r.error().code == "worker_unknown" ? error(404, r.error()) : from_error(r.error());
  return Reply{200, json{{"exam_id", r->exam_id}, {"result_id", r->result_id}}, {}};
}

// GET /api/outbox: what waits to leave the station and what the receivers rejected, per
// destination (`export status`).
Reply outbox_route(WebApp& app, const Call&) {
  auto settings = load_outbox_settings(app.config().file);
  if (!settings) return from_error(settings.error());
  auto st = outbox_status(app.db(), &*settings);
  if (!st) return from_error(st.error());
  return Reply{200, outbox_status_json(*st), {}};
}

// POST /api/outbox/{id}/retry: a rejected message goes again after its cause was fixed
// (`export retry`, audited there).
Reply outbox_retry_route(WebApp& app, const Call& c) {
  const auto id = to_id(c.path.at("id"));
  if (!id) return error(400, make_error("bad_id", "outbox message id must be a number"));
  auto e = outbox_retry(app.db(), *id, c.session->user.username);
  if (!e) {
    return e.error().code == "outbox_unknown" ? error(404, e.error()) : error(409, e.error());
  }
  return Reply{200, outbox_entry_json(*e), {}};
}

// POST /api/exams/{id}/sign {"password": …}: the password asked again, then the physician's
// signature (station/auth/signing, audited there; a wrong password is audited as a refusal).
Reply sign(WebApp& app, const Call& c) {
  const auto id = to_id(c.path.at("id"));
  if (!id) return error(400, make_error("bad_id", "exam id must be a number"));
  std::optional<std::string> password;
  if (c.body.is_object() && c.body.contains("password") && c.body["password"].is_string())
    password = c.body["password"].get<std::string>();
  // The export outbox rows of the configured destinations are written with the signature.
  auto outbox = load_outbox_settings(app.config().file);
  if (!outbox) return from_error(outbox.error());
  InSignTransaction queue;
  if (app.config().exports)
    queue = outbox_on_sign(*app.config().exports, *outbox, *id, c.session->user.username,
                           app.config().language);
  auto s = sign_exam_result_again(app.db(), c.session->user, password, *id,
                                  app.config().pbkdf2_iterations, "web-sign", queue);
  if (!s) return from_error(s.error());
  return Reply{200,
               json{{"signature_id", s->signature_id},
                    {"result_id", s->result_id},
                    {"result_version", s->result_version},
                    {"key_id", s->key_id},
                    {"new_key", s->new_key}},
               {}};
}

Reply users(WebApp& app, const Call&) {
  auto list = list_users(app.db());
  if (!list) return from_error(list.error());
  json arr = json::array();
  for (const auto& u : *list) {
    arr.push_back({{"username", u.username},
                   {"full_name", u.full_name},
                   {"role", u.role},
                   {"active", u.active},
                   {"version", u.version}});
  }
  return Reply{200, json{{"users", arr}}, {}};
}

}  // namespace

// GET /api/live/spirometry (and /api/live/audiometry) upgraded to a WebSocket
// (station/web/live_socket): the answer 101 lets the server hand the connection over to the live
// session `live` names. A browser cannot add X-CSRF-Token to a WebSocket, so the page sends its
// token as ?csrf=, and the Origin must be this server (no other site's page may open a session
// with the technician's cookie).
Reply live_upgrade(WebApp& app, const Call& c, const std::string& live) {
  if (!c.request.upgrade) {
    return error(
        426, make_error("websocket", "this address is a WebSocket: open it from the live page"));
  }
  const std::string token = c.query.count("csrf") ? c.query.at("csrf") : std::string();
  const User& u = c.session->user;
  if (!same_token(token, c.session->csrf_token)) {
    (void)audit_refusal(app.db(), u.username, "csrf", "web", u.id);
    return error(403, make_error("csrf", "the WebSocket lacks the page's CSRF token (?csrf=)"));
  }
  if (c.request.origin != "http://" + c.request.host &&
      c.request.origin != "https://" + c.request.host) {
    (void)audit_refusal(app.db(), u.username, "origin", "web", u.id);
    return error(403, make_errorf("origin", "a WebSocket opened from another site ({}) is refused",
                                  c.request.origin));
  }
  return Reply{
      101, json{{"username", u.username}, {"language", c.session->language}, {"live", live}}, {}};
}

std::optional<std::string> url_decode(std::string_view s, bool query) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
        return std::nullopt;
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (c == '+' && query) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

WebApp::WebApp(Database& db, const StationConfig& cfg, bool tls, std::string language)
    : db_(db), cfg_(cfg), tls_(tls), language_(std::move(language)) {
  const std::vector<std::string> anyone = {"technician", "physician", "admin"};
  routes_ = {
      {"GET",
       "/api/health",
       {},
       "check the server",
       [](WebApp&, const Call&) {
         return Reply{200, json{{"ok", true}}, {}};
       }},
      {"POST",
       "/api/login",
       {},
       "log in",
       [](WebApp& app, const Call& c) {
         if (!c.body.is_object())
           return error(400, make_error("bad_body", "send {username, password}"));
         std::optional<std::string> pw;
         if (c.body.contains("password") && c.body["password"].is_string())
           pw = c.body["password"].get<std::string>();
         const std::string user = c.body.contains("username") && c.body["username"].is_string()
                                      ? c.body["username"].get<std::string>()
                                      : std::string();
         // {"language": "tr"|"en"} chooses the session's language; else the browser's.
         // A language asked for by name that the station does not speak is refused, not
         // silently replaced (the browser's Accept-Language is a preference list: no refusal).
         std::string chosen = spoken(c.request.accept_language);
         if (c.body.contains("language")) {
           const std::string asked =
               c.body["language"].is_string() ? c.body["language"].get<std::string>() : "";
           chosen = spoken(asked);
           if (chosen.empty()) {
             return error(
                 400, make_errorf("bad_language", "language `{}`: the station speaks `tr` and `en`",
                                  asked));
           }
         }
         return app.log_in(user, pw, chosen);
       }},
      {"POST", "/api/logout", anyone, "log out",
       [](WebApp& app, const Call& c) { return app.log_out(*c.session); }},
      {"GET", "/api/me", anyone, "see who is logged in", me},
      {"GET", "/api/workers", anyone, "look up workers", workers},
      {"GET", "/api/workers/{registry}", anyone, "look up a worker", worker},
      {"GET", "/api/workers/{registry}/profile", anyone, "look up a worker", worker_profile_route},
      {"GET", "/api/workers/{registry}/charts/{chart}", anyone, "look up a worker", worker_chart},
      {"GET", "/api/exams", anyone, "list exams", exams},
      {"GET", "/api/exams/{id}", anyone, "read an exam", exam},
      {"GET", "/api/decisions/{id}", anyone, "read a decision", decision},
      {"POST", "/api/decisions/{id}/confirm", {"physician"}, "confirm decisions", confirm},
      {"POST",
       "/api/decisions/{id}/override",
       {"physician"},
       "override decisions",
       override_decision},
      {"GET", "/api/users", {"admin"}, "manage users", users},
      {"GET", "/api/texts", {}, "read the pages' texts", texts},
      {"GET", "/api/options", anyone, "read the forms' choices", options},
      {"POST", "/api/workers", {"technician", "admin"}, "register workers", register_worker_route},
      {"GET", "/api/worklist", {"physician"}, "review exams", worklist},
      {"GET", "/api/exams/{id}/record", anyone, "read an exam", exam_record},
      {"GET", "/api/exams/{id}/charts/{chart}", anyone, "read an exam", exam_chart},
      {"POST", "/api/exams/{id}/sign", {"physician"}, "sign results", sign},
      {"POST",
       "/api/workers/{registry}/audiograms",
       {"technician", "physician"},
       "store an audiogram",
       enter_audiogram_route},
      {"GET", "/api/outbox", {"admin"}, "see the export outbox", outbox_route},
      {"POST",
       "/api/outbox/{id}/retry",
       {"admin"},
       "send a rejected export again",
       outbox_retry_route},
      {"GET",
       "/api/live/spirometry",
       {"technician"},
       "run live spirometry",
       [](WebApp& app, const Call& c) { return live_upgrade(app, c, "spirometry"); }},
  };
  for (auto& r : live_audiometry_routes()) routes_.push_back(std::move(r));
  for (auto& r : statistics_routes()) routes_.push_back(std::move(r));
  for (auto& r : flag_routes()) routes_.push_back(std::move(r));
  for (auto& r : qc_routes()) routes_.push_back(std::move(r));  // station/web/routes_qc
}

Reply WebApp::log_in(const std::string& username, const std::optional<std::string>& password,
                     const std::string& language) {
  auto u = station::log_in(db_, LoginPolicy::from(cfg_), username, password, "web");
  if (!u) return from_error(u.error());
  const std::string token = random_hex(32);
  Session s{*u, random_hex(32), std::chrono::steady_clock::now(),
            language.empty() ? language_ : language};
  // Every login is audited (the command line's successful logins are in the operations log).
  nlohmann::json details{{"username", u->username}, {"channel", "web"}};
  if (auto a = audit_append(db_, {u->username, "auth.login", "users", u->id, details.dump()}); !a)
    return from_error(a.error());
  Reply r{200,
          json{{"username", u->username},
               {"full_name", user_json_name(*u)},
               {"role", u->role},
               {"language", s.language},
               {"csrf_token", s.csrf_token}},
          {}};
  r.set_cookies.push_back(std::string(kCookie) + "=" + token +
                          "; Path=/; HttpOnly; SameSite=Strict" + (tls_ ? "; Secure" : ""));
  sessions_.emplace(token, std::move(s));
  return r;
}

Reply WebApp::log_out(const Session& s) {
  const std::string name = s.user.username;
  const auto id = s.user.id;
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (&it->second == &s) {
      sessions_.erase(it);
      break;
    }
  }
  nlohmann::json details{{"username", name}, {"channel", "web"}};
  if (auto a = audit_append(db_, {name, "auth.logout", "users", id, details.dump()}); !a)
    return from_error(a.error());
  Reply r{200, json{{"ok", true}}, {}};
  r.set_cookies.push_back(std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                          (tls_ ? "; Secure" : ""));
  return r;
}

Session* WebApp::session_of(const Request& request, Reply& refusal) {
  const std::string token = cookie_value(request.cookie, kCookie);
  auto it = token.empty() ? sessions_.end() : sessions_.find(token);
  if (it == sessions_.end()) {
    refusal = error(401, make_error(kAuthFailed, "log in first (no session, or it has ended)"));
    return nullptr;
  }
  const auto idle = std::chrono::duration<double, std::ratio<60>>(cfg_.session_idle_minutes);
  const auto now = std::chrono::steady_clock::now();
  if (now - it->second.last_seen > idle) {
    (void)audit_refusal(db_, it->second.user.username, "session_idle", "web", it->second.user.id);
    sessions_.erase(it);
    refusal =
        error(401, make_error(kAuthFailed, "the session ended after being idle; log in again"));
    return nullptr;
  }
  it->second.last_seen = now;
  return &it->second;
}

std::string WebApp::language_of(const Request& request) const {
  const std::string token = cookie_value(request.cookie, kCookie);
  if (auto it = token.empty() ? sessions_.end() : sessions_.find(token); it != sessions_.end())
    return it->second.language;
  const std::string asked = spoken(request.accept_language);
  return asked.empty() ? language_ : asked;
}

Reply WebApp::handle(const Request& request) {
  const std::string language = language_of(request);  // before a logout ends the session
  Reply r = dispatch(request);
  if (r.error) r.body["error"]["message"] = i18n::catalog(language).localize(*r.error);
  return r;
}

Reply WebApp::dispatch(const Request& request) {
  const auto qpos = request.target.find('?');
  const std::string raw_path = request.target.substr(0, qpos);
  const auto path = url_decode(raw_path, false);
  if (!path || path->empty() || path->front() != '/')
    return error(400, make_error("bad_path", "bad path"));
  std::map<std::string, std::string> query;
  if (qpos != std::string::npos) {
    std::string_view q(request.target);
    q.remove_prefix(qpos + 1);
    std::size_t pos = 0;
    while (pos <= q.size()) {
      auto end = q.find('&', pos);
      if (end == std::string_view::npos) end = q.size();
      const auto part = q.substr(pos, end - pos);
      const auto eq = part.find('=');
      auto key = url_decode(part.substr(0, eq), true);
      auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                                : url_decode(part.substr(eq + 1), true);
      if (!key || !value) return error(400, make_error("bad_query", "malformed query string"));
      if (!key->empty()) query[*key] = *value;
      pos = end + 1;
    }
  }
  // The pages' own files: public (the login page is one of them), GET only, no session needed.
  if (path->rfind("/api/", 0) != 0) {
    const StaticFile* f = static_file(*path);
    if (f == nullptr) return error(404, make_errorf("not_found", "no such page: {}", *path));
    if (request.method != "GET")
      return error(405, make_errorf("method", "{} is not allowed here", request.method));
    Reply r;
    r.content_type = std::string(f->content_type);
    r.raw_body = std::string(f->bytes);
    return r;
  }
  const auto segments = split_path(*path);
  bool path_known = false;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!match(route.pattern, segments, params)) continue;
    path_known = true;
    if (route.method != request.method) continue;
    Call call{request, std::move(params), std::move(query), json(nullptr), nullptr};
    if (!request.body.empty()) {
      call.body = json::parse(request.body, nullptr, false);
      if (call.body.is_discarded())
        return error(400, make_error("bad_body", "the body is not JSON"));
    }
    if (!route.roles.empty()) {
      Reply refusal;
      Session* s = session_of(request, refusal);
      if (s == nullptr) return refusal;
      if (request.method != "GET" && !same_token(request.csrf, s->csrf_token)) {
        (void)audit_refusal(db_, s->user.username, "csrf", "web", s->user.id);
        return error(403,
                     make_error("csrf", "the request lacks the page's CSRF token (X-CSRF-Token)"));
      }
      if (auto r = require_role(db_, s->user, route.roles, route.what); !r)
        return from_error(r.error());
      call.session = s;
    }
    oplog::info("web " + request.method + " " + raw_path + " by " +
                (call.session != nullptr ? call.session->user.username : std::string("-")));
    return route.handler(*this, call);
  }
  if (path_known)
    return error(405, make_errorf("method", "{} is not allowed here", request.method));
  return error(404, make_errorf("not_found", "no such page: {}", *path));
}

}  // namespace odyo::station::web
