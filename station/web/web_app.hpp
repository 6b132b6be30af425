#pragma once
// The station's web API: the routes, who may use each, and the sessions of logged-in users.
// Transport-free (station/web/server.hpp carries it over HTTP): a request in, a reply out, so the
// access rules are tested on every route without a socket too.
//
// Access (issue 15, "Access"; docs/security.md section 6):
// - login through the same check as the command line (station/auth/login.hpp: lock-out, audit);
// - a session is a random 256-bit token in a cookie `odyo_session` (HttpOnly, SameSite=Strict,
//   Secure under TLS), ended after `[security].session_idle_minutes` without a request;
// - every state-changing request carries the session's CSRF token in `X-CSRF-Token`;
// - each route names the roles that may use it; the server checks it on every request
//   (refusals audited as on the command line: auth.failed / auth.denied, channel "web").
// Thread-safety: one thread (the server's io_context), like the Database it uses.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/storage/users.hpp"

namespace odyo::station {

class Database;
struct StationConfig;

namespace web {

struct Request {
  std::string method;           // GET, POST, …
  std::string target;           // path and query as sent, e.g. /api/workers?q=kaya
  std::string cookie;           // the Cookie header
  std::string csrf;             // the X-CSRF-Token header
  std::string body;             // JSON for POST
  std::string accept_language;  // the Accept-Language header ("tr-TR,tr;q=0.9,en;q=0.8")
  // A WebSocket upgrade (station/web/live): its Origin and Host headers, checked by the route.
  bool upgrade = false;
  std::string origin{};
  std::string host{};
};

struct Reply {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  std::vector<std::string> set_cookies;  // Set-Cookie header values
  // A refusal's error, whose message WebApp::handle puts in the body in the caller's language.
  std::optional<Error> error{};
  // A reply that is not JSON (the pages' files, the SVG charts): these bytes with this type.
  std::string content_type{};
  std::string raw_body{};
};

struct Session {
  User user;
  std::string csrf_token;
  std::chrono::steady_clock::time_point last_seen;
  std::string language;  // tr or en: chosen at login (the same catalogues as the command line)
};

// The parts of a matched request a handler reads.
struct Call {
  const Request& request;
  std::map<std::string, std::string> path;   // {name} segments of the route's pattern
  std::map<std::string, std::string> query;  // ?a=b&c=d, percent-decoded
  nlohmann::json body;                       // parsed JSON body (null if none)
  const Session* session = nullptr;          // null only on public routes
};

class WebApp;
using Handler = std::function<Reply(WebApp&, const Call&)>;

struct Route {
  std::string method;
  std::string pattern;             // /api/exams/{id}: a {name} matches one path segment
  std::vector<std::string> roles;  // who may call it; empty = public (login, health)
  std::string what;                // for the refusal message and the audit row
  Handler handler;
};

class WebApp {
 public:
  // `tls`: the server speaks HTTPS (the cookie gets Secure).
  // `language`: of the answers to a caller who has not chosen one (the station's language).
  WebApp(Database& db, const StationConfig& cfg, bool tls, std::string language = "tr");

  Reply handle(const Request& request);

  // Every route of the API (for the access tests and the documentation).
  [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }

  Database& db() { return db_; }
  const StationConfig& config() const { return cfg_; }
  // Logs in and opens a session (the login route; public for tests of the session rules).
  // `language`: of the session's answers (tr or en; else the station's).
  Reply log_in(const std::string& username, const std::optional<std::string>& password,
               const std::string& language = "");
  Reply log_out(const Session& s);
  // The language of the answer to `request`: its session's, else what the browser asks for
  // (Accept-Language), else the station's.
  [[nodiscard]] std::string language_of(const Request& request) const;

 private:
  Session* session_of(const Request& request, Reply& refusal);
  Reply dispatch(const Request& request);

  Database& db_;
  const StationConfig& cfg_;
  bool tls_ = false;
  std::string language_;
  std::vector<Route> routes_;
  std::map<std::string, Session> sessions_;  // token → session
};

// A live page's WebSocket upgrade (GET /api/live/…): refused without the page's CSRF token in
// ?csrf= or from another Origin (audited); else 101 with {username, language, live} for
// station/web/live_socket, which starts the session `live` names.
Reply live_upgrade(WebApp& app, const Call& c, const std::string& live);

// The live audiometry routes (station/web/live_audiometry.cpp).
std::vector<Route> live_audiometry_routes();

// Percent-decodes a URL component ('+' is a space in a query); nullopt when malformed.
std::optional<std::string> url_decode(std::string_view s, bool query);

}  // namespace web
}  // namespace odyo::station
