// The web pages' server (issue 15, "Access"), end to end: `odyospiro serve` on a real SQLite
// station database, spoken to over real HTTP with Boost.Beast. Each test quotes what it proves:
// "a test enumerates the router's routes and proves each refuses a request without a session";
// "a technician cannot sign or manage users"; "a state change without the CSRF token is
// refused"; "an injection and script-injection corpus on every input leaves the database intact";
// login "against the users table (the same check as the command line), session cookie HttpOnly
// and SameSite=Strict …, lock-out, idle time-out …, every action audited".
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "station/config/config.hpp"
#include "station/core/i18n.hpp"
#include "station/storage/database.hpp"
#include "station/web/static_files.hpp"
#include "station/web/web_app.hpp"
#include "tests/station/devices/acquire_process.hpp"
#include "tests/station/support/station_fixture.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using nlohmann::json;
using odyo::test::run_command;
namespace fs = std::filesystem;

struct Response {
  int status = 0;
  json body;
  std::vector<std::string> cookies;  // Set-Cookie values
  std::string content_type;
  std::string raw{};      // the body as sent
  std::string csp{};      // Content-Security-Policy
  std::string nosniff{};  // X-Content-Type-Options
};

struct Client {
  std::uint16_t port = 0;
  std::string cookie;  // "odyo_session=…" once logged in
  std::string csrf;
  std::string accept_language{};  // the browser's Accept-Language, if any

  Response send(const std::string& method, const std::string& target, const std::string& body = "",
                bool with_csrf = true) const {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!cookie.empty()) req.set(http::field::cookie, cookie);
    if (with_csrf && !csrf.empty()) req.set("X-CSRF-Token", csrf);
    if (!accept_language.empty()) req.set(http::field::accept_language, accept_language);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    Response out;
    out.status = static_cast<int>(res.result_int());
    out.body = json::parse(res.body(), nullptr, false);
    for (const auto& f : res)
      if (f.name() == http::field::set_cookie) out.cookies.emplace_back(f.value());
    out.content_type = std::string(res[http::field::content_type]);
    out.raw = res.body();
    out.csp = std::string(res["Content-Security-Policy"]);
    out.nosniff = std::string(res["X-Content-Type-Options"]);
    return out;
  }
  // Sends `head` as written (no body follows) and reads the answer.
  Response send_raw(const std::string& head) const {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    asio::write(stream, asio::buffer(head));
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    return Response{static_cast<int>(res.result_int()),
                    json::parse(res.body(), nullptr, false),
                    {},
                    std::string(res[http::field::content_type])};
  }
  Response log_in(const std::string& user, const std::string& password) {
    auto r = send("POST", "/api/login", json{{"username", user}, {"password", password}}.dump());
    if (r.status == 200 && !r.cookies.empty()) {
      cookie = r.cookies[0].substr(0, r.cookies[0].find(';'));
      csrf = r.body.value("csrf_token", "");
    }
    return r;
  }
};

// A station database with its accounts, one worker and one stored evaluation, served by
// `odyospiro serve --port 0` in the background.
class WebServer : public ::testing::Test {
 protected:
  odyo::test::Station st;
  std::unique_ptr<odyo::test::BackgroundCommand> server;
  std::uint16_t port = 0;

  // `serve_args`: more options of `serve` (e.g. the TLS files); `scheme`: what it then listens as.
  void start(const fs::path& config, const std::string& serve_args = "",
             const std::string& scheme = "http") {
    server = std::make_unique<odyo::test::BackgroundCommand>(
        "'" + std::string(ODYOSPIRO_EXE) + "' --lang en --config '" + config.string() + "' --db '" +
            st.db_file.string() + "' serve --port 0 " + serve_args,
        st.dir / "serve.out", st.dir / "serve.err");
    ASSERT_TRUE(server->wait_for_output("Listening on " + scheme + "://127.0.0.1:",
                                        std::chrono::seconds(20)))
        << server->err();
    std::smatch m;
    const std::string out = server->out();
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(127\.0\.0\.1:(\d+)/)"))) << out;
    port = static_cast<std::uint16_t>(std::stoi(m[1]));
  }
  void SetUp() override {
    auto r = st.run_as("tekniker",
                       "worker add --registry 2001 --tc 10000000146 --first-name Ali --last-name "
                       "Kaya --birth-date 1980-06-15 --sex M --height-cm 175 --weight-kg 80 "
                       "--job YA-PANO-01");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json ear = {{"500", 10}, {"1000", 10}, {"2000", 15}, {"4000", 25}};
    r = st.run_as("tekniker",
                  "audio enter --worker 2001 --date 2026-11-02 --input " +
                      st.dir.write("a.json", json{{"right", ear}, {"left", ear}}.dump()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = st.run_as("tekniker", "evaluate --worker 2001 --purpose periodic");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void TearDown() override {
    if (server) server->signal(SIGTERM);
  }
  Client client() const { return Client{port, "", ""}; }
  // The station's configuration with `text` replaced by `replacement`, in the test's folder (its
  // data folders linked).
  fs::path config_with(const std::string& text, const std::string& replacement) {
    std::ifstream in(st.config);
    std::stringstream s;
    s << in.rdbuf();
    std::string toml = s.str();
    EXPECT_NE(toml.find(text), std::string::npos) << text;
    if (toml.find(text) != std::string::npos)
      toml.replace(toml.find(text), text.size(), replacement);
    const fs::path cfg_dir = st.dir / "config";
    fs::create_directories(cfg_dir);
    for (const auto& e : fs::directory_iterator(st.config.parent_path()))
      if (e.is_directory() && !fs::exists(cfg_dir / e.path().filename()))
        fs::create_directory_symlink(e.path(), cfg_dir / e.path().filename());
    std::ofstream(cfg_dir / "station.toml") << toml;
    return cfg_dir / "station.toml";
  }
  int audit_count(const std::string& where) const {
    const auto r = run_command("sqlite3 '" + st.db_file.string() +
                               "' \"SELECT count(*) FROM audit_log WHERE " + where + "\"");
    return std::atoi(r.out.c_str());
  }
  // The routes as the server has them (the same WebApp class the server runs).
  std::vector<odyo::station::web::Route> routes() const {
    auto cfg = odyo::station::load_config(st.config);
    EXPECT_TRUE(cfg.ok());
    auto db = odyo::station::Database::open(st.db_file);
    EXPECT_TRUE(db.ok());
    odyo::station::web::WebApp app(**db, *cfg, false);
    return app.routes();
  }
};

// A target for a route pattern: {…} segments filled with a plausible value.
std::string target_of(const std::string& pattern) {
  return std::regex_replace(pattern, std::regex(R"(\{[a-z_]+\})"), "1");
}

TEST_F(WebServer, EveryRouteRefusesARequestWithoutASession) {
  start(st.config);
  const auto all = routes();
  ASSERT_GE(all.size(), 10u);
  int closed = 0;
  for (const auto& route : all) {
    SCOPED_TRACE(route.method + " " + route.pattern);
    if (route.roles.empty()) {  // public: only the login and the health check
      EXPECT_TRUE(route.pattern == "/api/login" || route.pattern == "/api/health" ||
                  route.pattern == "/api/texts");
      continue;
    }
    ++closed;
    Client none = client();
    auto r = none.send(route.method, target_of(route.pattern), route.method == "GET" ? "" : "{}");
    EXPECT_EQ(r.status, 401) << r.body.dump();
    // A made-up session cookie is no session either.
    none.cookie = "odyo_session=" + std::string(64, 'a');
    r = none.send(route.method, target_of(route.pattern), route.method == "GET" ? "" : "{}");
    EXPECT_EQ(r.status, 401) << r.body.dump();
  }
  EXPECT_GE(closed, 9);
}

TEST_F(WebServer, LoginIsTheCommandLinesCheckWithAStrictCookieAndAudited) {
  start(st.config);
  Client c = client();
  const int failed_before = audit_count("action='auth.failed'");
  auto r = c.log_in("hekim", "not-the-password");
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.cookies.empty());
  EXPECT_EQ(audit_count("action='auth.failed' AND json_extract(details,'$.channel')='web'"),
            failed_before + 1);
  r = c.log_in("nobody", "whatever-long");
  EXPECT_EQ(r.status, 401);

  r = c.log_in("hekim", odyo::test::Station::kPhysicianPassword);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_EQ(r.cookies.size(), 1u);
  const std::string& cookie = r.cookies[0];
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_EQ(r.body["role"], "physician");
  EXPECT_EQ(r.body["csrf_token"].get<std::string>().size(), 64u);
  // The token is 256 random bits, not derived from the user.
  EXPECT_TRUE(std::regex_search(cookie, std::regex("odyo_session=[0-9a-f]{64};"))) << cookie;
  EXPECT_EQ(audit_count("action='auth.login'"), 1);
  r = c.send("GET", "/api/me");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body["username"], "hekim");
  EXPECT_NE(r.content_type.find("application/json"), std::string::npos);

  // Logging out ends the session on the server (the old cookie is refused).
  r = c.send("POST", "/api/logout");
  EXPECT_EQ(r.status, 200);
  r = c.send("GET", "/api/me");
  EXPECT_EQ(r.status, 401);
}

// Issue 14: the web answers come from the same catalogues as the command line, in the language
// the browser asks for, or the one chosen at login.
TEST_F(WebServer, AnswersAreInTheLanguageTheBrowserAsksForOrTheOneChosenAtLogin) {
  start(st.config);
  Client tr = client();
  tr.accept_language = "tr-TR,tr;q=0.9,en;q=0.8";
  auto r = tr.send("GET", "/api/me");
  EXPECT_EQ(r.status, 401);
  const std::string turkish = r.body["error"]["message"].get<std::string>();
  Client en = client();
  en.accept_language = "en-GB,en;q=0.9";
  r = en.send("GET", "/api/me");
  const std::string english = r.body["error"]["message"].get<std::string>();
  EXPECT_EQ(english, "log in first (no session, or it has ended)");
  EXPECT_NE(turkish, english);
  EXPECT_EQ(turkish, odyo::station::i18n::catalog("tr").tr(std::string_view(english)));
  // Chosen at login, whatever the browser says; kept by the session.
  r = en.send("POST", "/api/login",
              json{{"username", "hekim"},
                   {"password", odyo::test::Station::kPhysicianPassword},
                   {"language", "tr"}}
                  .dump());
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["language"], "tr");
  en.cookie = r.cookies[0].substr(0, r.cookies[0].find(';'));
  r = en.send("GET", "/api/exams/abc");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["message"].get<std::string>(),
            odyo::station::i18n::catalog("tr").tr(std::string_view("exam id must be a number")));
  EXPECT_NE(r.body["error"]["message"].get<std::string>(), "exam id must be a number");
  // A language the station does not speak, chosen by name at login, is refused; no session.
  Client de = client();
  de.accept_language = "en";
  r = de.send("POST", "/api/login",
              json{{"username", "hekim"},
                   {"password", odyo::test::Station::kPhysicianPassword},
                   {"language", "de"}}
                  .dump());
  EXPECT_EQ(r.status, 400) << r.body.dump();
  EXPECT_EQ(r.body["error"]["message"], "language `de`: the station speaks `tr` and `en`");
  EXPECT_TRUE(r.cookies.empty());
}

TEST_F(WebServer, RepeatedWrongPasswordsLockTheAccountAsOnTheCommandLine) {
  start(st.config);
  Client c = client();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(c.log_in("hekim", "guess-" + std::to_string(i)).status, 401);
  auto r = c.log_in("hekim", odyo::test::Station::kPhysicianPassword);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("locked"), std::string::npos)
      << r.body.dump();
  // The command line sees the same lock: one account table, one check.
  const auto cli = st.run_as("hekim", "--lang en exam list");
  EXPECT_EQ(cli.exit_code, 5);
}

TEST_F(WebServer, ATechnicianCannotConfirmOrManageUsersAndThePhysicianCan) {
  start(st.config);
  Client tech = client();
  ASSERT_EQ(tech.log_in("tekniker", odyo::test::Station::kTechnicianPassword).status, 200);
  const int denied_before = audit_count("action='auth.denied'");
  auto r = tech.send("GET", "/api/users");
  EXPECT_EQ(r.status, 403) << r.body.dump();
  r = tech.send("POST", "/api/decisions/1/override",
                json{{"column", "A"}, {"group", "A"}, {"reason", "x"}}.dump());
  EXPECT_EQ(r.status, 403) << r.body.dump();
  EXPECT_EQ(audit_count("action='auth.denied'"), denied_before + 2);
  r = tech.send("GET", "/api/decisions/1");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["chain"].size(), 1u);  // nothing was written

  Client doc = client();
  ASSERT_EQ(doc.log_in("hekim", odyo::test::Station::kPhysicianPassword).status, 200);
  r = doc.send("POST", "/api/decisions/1/override",
               json{{"column", "B"}, {"group", "B"}, {"reason", "audiogram reviewed"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["chain"].size(), 2u);
  EXPECT_EQ(r.body["chain"][1]["kind"], "override");
  EXPECT_EQ(r.body["chain"][1]["created_by"], "hekim");
  // The override is the command line's too: one decision chain, audited, verify clean.
  const auto cli = st.run_as("hekim", "--json decision show 1");
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(json::parse(cli.out)["chain"].size(), 2u);
  EXPECT_EQ(st.run_as("admin", "db verify").exit_code, 0);
}

TEST_F(WebServer, AStateChangeWithoutTheCsrfTokenIsRefused) {
  start(st.config);
  Client doc = client();
  ASSERT_EQ(doc.log_in("hekim", odyo::test::Station::kPhysicianPassword).status, 200);
  const std::string body = json{{"column", "B"}, {"reason", "reviewed"}}.dump();
  auto r = doc.send("POST", "/api/decisions/1/override", body, /*with_csrf=*/false);
  EXPECT_EQ(r.status, 403) << r.body.dump();
  EXPECT_EQ(r.body["error"]["code"], "csrf");
  Client forged = doc;
  forged.csrf = std::string(64, '0');
  r = forged.send("POST", "/api/decisions/1/override", body);
  EXPECT_EQ(r.status, 403);
  r = doc.send("POST", "/api/logout", "", /*with_csrf=*/false);
  EXPECT_EQ(r.status, 403);  // logging someone out is a state change too
  r = doc.send("GET", "/api/decisions/1");
  EXPECT_EQ(r.body["chain"].size(), 1u) << "nothing was written";
  EXPECT_EQ(audit_count("action='auth.failed' AND json_extract(details,'$.reason')='csrf'"), 3);
}

TEST_F(WebServer, AnIdleSessionEnds) {
  // A configuration whose sessions end after 1.2 s without a request.
  start(config_with("session_idle_minutes = 15", "session_idle_minutes = 0.02"));
  Client c = client();
  ASSERT_EQ(c.log_in("tekniker", odyo::test::Station::kTechnicianPassword).status, 200);
  EXPECT_EQ(c.send("GET", "/api/me").status, 200);  // in use: still open
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  auto r = c.send("GET", "/api/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("idle"), std::string::npos);
  EXPECT_EQ(c.send("GET", "/api/me").status, 401);  // ended, not just refused once
}

TEST_F(WebServer, InjectionCorpusLeavesTheDatabaseIntactAndComesBackAsText) {
  // A name the free-text check allows (printable) but that is HTML and SQL.
  auto r0 =
      st.run_as("tekniker",
                "worker add --registry 2002 --tc 38492017510 --first-name "
                "'<script>alert(1)</script>' --last-name \"O'Brien\\\"; DROP TABLE workers;--\" "
                "--birth-date 1984-03-12 --sex M --height-cm 174 --weight-kg 78 --job "
                "YA-PANO-01");
  ASSERT_EQ(r0.exit_code, 0) << r0.err;
  start(st.config);
  Client c = client();
  ASSERT_EQ(c.log_in("tekniker", odyo::test::Station::kTechnicianPassword).status, 200);
  const std::vector<std::string> corpus = {
      "%27%20OR%201%3D1%20--",                           // ' OR 1=1 --
      "%27%3B%20DROP%20TABLE%20workers%3B--",            // '; DROP TABLE workers;--
      "%3Cscript%3Ealert(1)%3C%2Fscript%3E",             // <script>alert(1)</script>
      "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",  // "><img src=x onerror=alert(1)>
      "%00",
      "%25",
      "..%2F..%2Fetc%2Fpasswd",
      "%E2%80%AE"};
  for (const auto& q : corpus) {
    SCOPED_TRACE(q);
    for (const std::string& target :
         {"/api/workers?q=" + q, "/api/workers/" + q, "/api/exams?worker=" + q,
          "/api/exams?kind=" + q, "/api/decisions/" + q, "/api/exams/" + q,
          "/api/exams/" + q + "/record", "/api/exams/1/charts/" + q + ".svg",
          "/api/texts?lang=" + q}) {
      auto r = c.send("GET", target);
      EXPECT_TRUE(r.status == 200 || r.status == 400 || r.status == 404) << target << r.status;
      EXPECT_FALSE(r.body.is_discarded()) << target;  // always JSON, never HTML
    }
  }
  // ' OR 1=1 matches nobody (a parameter, not SQL); the HTML comes back as the text it is.
  auto r = c.send("GET", "/api/workers?q=%27%20OR%201%3D1%20--");
  EXPECT_EQ(r.body["workers"].size(), 0u);
  // Turkish case folding: "IŞIK" finds "Işık", "i" does not find "I" (ı).
  ASSERT_EQ(st.run_as("tekniker",
                      "worker add --registry 2003 --tc 10000000078 --first-name İsmail "
                      "--last-name Işık --birth-date 1984-03-12 --sex M --height-cm 174 "
                      "--weight-kg 78 --job YA-PANO-01")
                .exit_code,
            0);
  r = c.send("GET", "/api/workers?q=I%C5%9EIK");  // IŞIK
  ASSERT_EQ(r.body["workers"].size(), 1u) << r.body.dump();
  EXPECT_EQ(r.body["workers"][0]["registry_no"], "2003");
  r = c.send("GET", "/api/workers?q=ismail");  // İsmail
  EXPECT_EQ(r.body["workers"].size(), 1u) << r.body.dump();
  r = c.send("GET", "/api/workers?q=isik");  // ı is not i
  EXPECT_EQ(r.body["workers"].size(), 0u) << r.body.dump();
  r = c.send("GET", "/api/workers?q=script");
  ASSERT_EQ(r.body["workers"].size(), 1u);
  EXPECT_EQ(r.body["workers"][0]["first_name"], "<script>alert(1)</script>");
  EXPECT_NE(r.content_type.find("application/json"), std::string::npos);
  // The POST bodies too.
  Client doc = client();
  ASSERT_EQ(doc.log_in("hekim", odyo::test::Station::kPhysicianPassword).status, 200);
  for (const char* bad : {"{", "[]", "\"x\"", "{\"column\": \"A'--\"}", "{\"column\": 7}"}) {
    r = doc.send("POST", "/api/decisions/1/override", bad);
    EXPECT_EQ(r.status, 400) << bad << r.body.dump();
  }
  // A body announced larger than the server takes is refused before it is read.
  r = doc.send_raw(
      "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 2097152\r\n\r\n");
  EXPECT_EQ(r.status, 413);
  // Both workers are still there and the database verifies.
  r = c.send("GET", "/api/workers");
  EXPECT_EQ(r.body["workers"].size(), 3u);
  EXPECT_EQ(st.run_as("admin", "db verify").exit_code, 0);
}

// Issue 15, "Front end served from files in the repository, works offline (no CDN)": the pages
// are served with their content types and a strict Content-Security-Policy (no inline script,
// nothing from another site), and they hold no script, style or address of their own.
TEST_F(WebServer, ThePagesAreServedWithTheirTypesAndAStrictContentSecurityPolicy) {
  start(st.config);
  Client c = client();
  const std::vector<std::pair<std::string, std::string>> files = {{"/", "text/html"},
                                                                  {"/index.html", "text/html"},
                                                                  {"/app.js", "text/javascript"},
                                                                  {"/style.css", "text/css"}};
  for (const auto& [path, type] : files) {
    SCOPED_TRACE(path);
    auto r = c.send("GET", path);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, type + "; charset=utf-8");
    EXPECT_EQ(r.nosniff, "nosniff");
    EXPECT_NE(r.csp.find("default-src 'none'"), std::string::npos) << r.csp;
    EXPECT_NE(r.csp.find("script-src 'self'"), std::string::npos) << r.csp;
    EXPECT_EQ(r.csp.find("unsafe"), std::string::npos) << r.csp;
    EXPECT_FALSE(r.raw.empty());
    // Offline: no address of another site (no CDN, no web font).
    EXPECT_FALSE(std::regex_search(r.raw, std::regex("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/")))
        << path;
  }
  const std::string html = c.send("GET", "/").raw;
  // No inline script or style, no event-handler attribute: the CSP would refuse them anyway.
  EXPECT_FALSE(std::regex_search(html, std::regex("<script(?![^>]*\\bsrc=)"))) << html;
  EXPECT_FALSE(std::regex_search(html, std::regex("\\s(on[a-z]+|style)=", std::regex::icase)));
  EXPECT_EQ(c.send("GET", "/nothing-here.html").status, 404);
  EXPECT_EQ(c.send("POST", "/app.js", "{}").status, 405);
  // The JSON answers carry the same headers.
  const auto r = c.send("GET", "/api/health");
  EXPECT_EQ(r.nosniff, "nosniff");
  EXPECT_NE(r.csp.find("default-src 'none'"), std::string::npos);
}

// Turkish issue: the pages show only texts of the catalogue. Every text the pages name
// (data-t="…" in index.html, t("…") in app.js) is one of page_texts() (marked N_ for xgettext,
// so the catalogue test demands its Turkish), and /api/texts gives them in the language asked.
TEST_F(WebServer, EveryTextOfThePagesComesFromTheCatalogue) {
  std::set<std::string> known;
  for (const char* t : odyo::station::web::page_texts()) known.insert(t);
  const auto* html = odyo::station::web::static_file("/");
  const auto* js = odyo::station::web::static_file("/app.js");
  const auto* stats_js = odyo::station::web::static_file("/statistics.js");
  const auto* flags_js = odyo::station::web::static_file("/flags.js");
  const auto* live_audio_js = odyo::station::web::static_file("/live_audio.js");
  ASSERT_TRUE(html != nullptr && js != nullptr && stats_js != nullptr && flags_js != nullptr &&
              live_audio_js != nullptr);
  int named = 0;
  const std::string h(html->bytes);
  const std::string j = std::string(js->bytes) + std::string(stats_js->bytes) +
                        std::string(flags_js->bytes) + std::string(live_audio_js->bytes);
  for (const auto& [text, re] : {std::pair{h, std::regex("data-t=\"([^\"]*)\"")},
                                 std::pair{j, std::regex("\\bt\\(\"([^\"]*)\"\\)")}}) {
    for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) {
      ++named;
      EXPECT_TRUE(known.count((*it)[1].str())) << "not in page_texts(): " << (*it)[1].str();
    }
  }
  EXPECT_GE(named, 60);
  // The visible text of the HTML is only markup: no sentence outside the catalogue. (The
  // language names in their own language and the brand are the exceptions.)
  std::string visible = std::regex_replace(h, std::regex("<[^>]*>"), " ");
  visible = std::regex_replace(visible, std::regex("odyospiro|Türkçe|English|[A-D]\\b"), " ");
  EXPECT_TRUE(std::regex_match(visible, std::regex("[\\s]*"))) << visible;

  start(st.config);
  Client c = client();
  auto tr = c.send("GET", "/api/texts?lang=tr");
  ASSERT_EQ(tr.status, 200);
  EXPECT_EQ(tr.body["language"], "tr");
  EXPECT_EQ(tr.body["texts"].size(), known.size());
  EXPECT_EQ(tr.body["texts"]["Log in"], "Giriş yap");
  auto en = c.send("GET", "/api/texts?lang=en");
  EXPECT_EQ(en.body["texts"]["Log in"], "Log in");
  for (const auto& [msgid, text] : tr.body["texts"].items())
    EXPECT_NE(text.get<std::string>(), "") << msgid;
}

// The exam page's parts: the record (the same JSON as `exam show --json`) and the charts (the
// station's SVG), each for a logged-in user only; a chart that does not fit the exam is 404.
TEST_F(WebServer, TheExamPageReadsTheRecordAndTheStationsCharts) {
  start(st.config);
  Client c = client();
  EXPECT_EQ(c.send("GET", "/api/exams/1/charts/audiogram.svg").status, 401);
  ASSERT_EQ(c.log_in("tekniker", odyo::test::Station::kTechnicianPassword).status, 200);
  auto r = c.send("GET", "/api/exams/1/charts/audiogram.svg");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.content_type, "image/svg+xml; charset=utf-8");
  EXPECT_NE(r.raw.find("<svg"), std::string::npos);
  EXPECT_EQ(c.send("GET", "/api/exams/1/charts/flow-volume.svg").status, 404);
  EXPECT_EQ(c.send("GET", "/api/exams/1/charts/audiogram.png").status, 404);
  EXPECT_EQ(c.send("GET", "/api/exams/99/charts/audiogram.svg").status, 404);
  r = c.send("GET", "/api/exams/1/record");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["kind"], "audiometry");
  EXPECT_EQ(r.body["worker"]["registry_no"], "2001");
  ASSERT_TRUE(r.body["decision"].is_object());
  EXPECT_EQ(r.body["decision"]["kind"], "auto");
  EXPECT_TRUE(r.body["decision"]["result"]["result"].contains("ek2"));
  EXPECT_EQ(r.body["latest_evaluation_id"], r.body["decision"]["id"]);
}

// The worklist: the physician's, exams whose newest result is unsigned, with filters.
TEST_F(WebServer, TheWorklistListsUnsignedExamsWithFilters) {
  start(st.config);
  Client tech = client();
  ASSERT_EQ(tech.log_in("tekniker", odyo::test::Station::kTechnicianPassword).status, 200);
  EXPECT_EQ(tech.send("GET", "/api/worklist").status, 403);
  Client doc = client();
  ASSERT_EQ(doc.log_in("hekim", odyo::test::Station::kPhysicianPassword).status, 200);
  auto r = doc.send("GET", "/api/worklist");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_EQ(r.body["exams"].size(), 1u);
  EXPECT_EQ(r.body["exams"][0]["kind"], "audiometry");
  EXPECT_EQ(r.body["exams"][0]["interrupted"], false);
  EXPECT_EQ(r.body["exams"][0]["decision"]["kind"], "auto");
  const std::string est = r.body["exams"][0]["worker"]["establishment"];
  const auto count = [&](const std::string& query) {
    auto x = doc.send("GET", "/api/worklist?" + query);
    EXPECT_EQ(x.status, 200) << x.body.dump();
    return x.body["exams"].size();
  };
  EXPECT_EQ(count("kind=spirometry"), 0u);
  EXPECT_EQ(count("kind=audiometry&interrupted=no"), 1u);
  EXPECT_EQ(count("interrupted=yes"), 0u);
  EXPECT_EQ(count("date=2026-11-02"), 1u);
  EXPECT_EQ(count("date=02.11.2026"), 1u);
  EXPECT_EQ(count("date=2026-11-03"), 0u);
  EXPECT_EQ(count("establishment=Nowhere"), 0u);
  EXPECT_EQ(doc.send("GET", "/api/worklist?date=2026-13-45").status, 400);
  // Turkish case folding of the establishment.
  std::string upper = est;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(count("establishment=" + upper), 1u) << upper;
  // Signed, the exam leaves the worklist.
  r = doc.send("POST", "/api/exams/1/sign",
               json{{"password", odyo::test::Station::kPhysicianPassword}}.dump());
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(count(""), 0u);
}

// Signing: the physician only, with the password asked again (a wrong one is refused and
// audited), CSRF-protected, audited, once.
TEST_F(WebServer, SigningNeedsThePhysicianAndThePasswordAgain) {
  start(st.config);
  Client tech = client();
  ASSERT_EQ(tech.log_in("tekniker", odyo::test::Station::kTechnicianPassword).status, 200);
  auto r = tech.send("POST", "/api/exams/1/sign",
                     json{{"password", odyo::test::Station::kTechnicianPassword}}.dump());
  EXPECT_EQ(r.status, 403) << r.body.dump();
  Client doc = client();
  ASSERT_EQ(doc.log_in("hekim", odyo::test::Station::kPhysicianPassword).status, 200);
  r = doc.send("POST", "/api/exams/1/sign",
               json{{"password", odyo::test::Station::kPhysicianPassword}}.dump(), false);
  EXPECT_EQ(r.status, 403) << r.body.dump();  // no CSRF token
  const int failed = audit_count("action='auth.failed'");
  r = doc.send("POST", "/api/exams/1/sign", json{{"password", "not-my-password"}}.dump());
  EXPECT_EQ(r.status, 401) << r.body.dump();
  r = doc.send("POST", "/api/exams/1/sign", "{}");
  EXPECT_EQ(r.status, 401) << r.body.dump();
  EXPECT_EQ(audit_count("action='auth.failed' AND json_extract(details,'$.channel')='web-sign'"),
            2);
  EXPECT_EQ(audit_count("action='auth.failed'"), failed + 2);
  EXPECT_EQ(audit_count("action='result.sign'"), 0);
  r = doc.send("POST", "/api/exams/1/sign",
               json{{"password", odyo::test::Station::kPhysicianPassword}}.dump());
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_GT(r.body["signature_id"].get<int>(), 0);
  EXPECT_EQ(audit_count("action='result.sign' AND actor='hekim'"), 1);
  r = doc.send("POST", "/api/exams/1/sign",
               json{{"password", odyo::test::Station::kPhysicianPassword}}.dump());
  EXPECT_EQ(r.status, 400) << r.body.dump();  // already signed
  const json signed_result = doc.send("GET", "/api/exams/1/record").body["results"][0];
  EXPECT_EQ(signed_result["signed_by"].size(), 1u);
  // Who and when apart, so that the page shows the time in the clinic's clock.
  ASSERT_EQ(signed_result["signatures"].size(), 1u);
  EXPECT_EQ(signed_result["signatures"][0]["signer"], "hekim");
  EXPECT_TRUE(signed_result["signatures"][0]["signed_at"].get<std::string>().ends_with("Z"));
}

// Registering a worker from the page: technician or admin, the command line's checks (T.C.
// kimlik, dates and numbers the Turkish way), audited as the technician.
TEST_F(WebServer, ATechnicianRegistersAWorkerWithTheCommandLinesChecks) {
  start(st.config);
  const json worker = {{"registry", "2002"},   {"tc", "10000000078"},        {"first_name", "Işıl"},
                       {"last_name", "İnce"},  {"birth_date", "23.04.1990"}, {"sex", "K"},
                       {"height_cm", "165,5"}, {"weight_kg", "61"},          {"job", "YA-PANO-01"}};
  Client doc = client();
  ASSERT_EQ(doc.log_in("hekim", odyo::test::Station::kPhysicianPassword).status, 200);
  EXPECT_EQ(doc.send("POST", "/api/workers", worker.dump()).status, 403);
  Client tech = client();
  ASSERT_EQ(tech.log_in("tekniker", odyo::test::Station::kTechnicianPassword).status, 200);
  EXPECT_EQ(tech.send("POST", "/api/workers", worker.dump(), false).status, 403);
  json bad = worker;
  bad["tc"] = "10000000079";
  EXPECT_EQ(tech.send("POST", "/api/workers", bad.dump()).status, 400);
  bad = worker;
  bad["birth_date"] = "31.02.1990";
  EXPECT_EQ(tech.send("POST", "/api/workers", bad.dump()).status, 400);
  auto r = tech.send("POST", "/api/workers", worker.dump());
  ASSERT_EQ(r.status, 201) << r.body.dump();
  EXPECT_EQ(r.body["birth_date"], "1990-04-23");
  EXPECT_EQ(r.body["sex"], "F");
  EXPECT_DOUBLE_EQ(r.body["height_cm"].get<double>(), 165.5);
  EXPECT_EQ(audit_count("action='worker.add' AND actor='tekniker'"), 2);    // SetUp's and this
  EXPECT_EQ(tech.send("POST", "/api/workers", worker.dump()).status, 400);  // registry taken
  // Found by the search with Turkish folding: I/ı and İ/i are different letters.
  EXPECT_EQ(tech.send("GET", "/api/workers?q=I%C5%9EIL").body["workers"].size(), 1u);  // IŞIL
  EXPECT_EQ(tech.send("GET", "/api/workers?q=%C4%B0NCE").body["workers"].size(), 1u);  // İNCE
  EXPECT_EQ(tech.send("GET", "/api/workers?q=i%C5%9Fil").body["workers"].size(), 0u);  // işil
  auto o = tech.send("GET", "/api/options");
  ASSERT_EQ(o.status, 200);
  EXPECT_FALSE(o.body["establishments"].empty());
  EXPECT_FALSE(o.body["jobs"].empty());
}

// The live spirometry WebSocket (station/web/live) as a client: `origin` sent as the Origin
// header, the session cookie of `as`, the page's CSRF token in the query.
struct LiveClient {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};

  // The handshake's HTTP status: 101 when the server accepted the upgrade.
  int open(std::uint16_t port, const Client& as, const std::string& csrf,
           const std::string& origin) {
    ws.next_layer().connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws.set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
      if (!as.cookie.empty()) req.set(http::field::cookie, as.cookie);
      if (!origin.empty()) req.set(http::field::origin, origin);
    }));
    websocket::response_type res;
    beast::error_code ec;
    ws.handshake(res, "127.0.0.1:" + std::to_string(port), "/api/live/spirometry?csrf=" + csrf, ec);
    return static_cast<int>(res.result_int());
  }
  void send(const json& j) { ws.write(asio::buffer(j.dump())); }
  json read() {
    beast::flat_buffer b;
    ws.read(b);
    return json::parse(beast::buffers_to_string(b.data()));
  }
};

// "an authenticated upgrade": the session cookie, the technician's role, the page's CSRF token
// and this server as the Origin — each missing one refuses the WebSocket before any device opens.
TEST_F(WebServer, TheLiveSpirometrySocketIsTheTechniciansWithTokenAndOrigin) {
  start(st.config);
  const std::string origin = "http://127.0.0.1:" + std::to_string(port);
  Client none = client();
  EXPECT_EQ(LiveClient().open(port, none, "", origin), 401);
  Client tech = client();
  ASSERT_EQ(tech.log_in("tekniker", odyo::test::Station::kTechnicianPassword).status, 200);
  const std::string refusals =
      "action='auth.failed' AND json_extract(details,'$.username')='tekniker' AND "
      "json_extract(details,'$.reason') IN ('csrf','origin')";
  const int before = audit_count(refusals);
  EXPECT_EQ(LiveClient().open(port, tech, "", origin), 403);  // no token
  std::string wrong = tech.csrf;
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  EXPECT_EQ(LiveClient().open(port, tech, wrong, origin), 403);
  EXPECT_EQ(LiveClient().open(port, tech, tech.csrf, "http://evil.example"), 403);  // other site
  EXPECT_EQ(LiveClient().open(port, tech, tech.csrf, ""), 403);                     // no Origin
  EXPECT_EQ(audit_count(refusals), before + 4);  // each refusal audited
  Client doc = client();
  ASSERT_EQ(doc.log_in("hekim", odyo::test::Station::kPhysicianPassword).status, 200);
  EXPECT_EQ(LiveClient().open(port, doc, doc.csrf, origin), 403);   // not a technician
  EXPECT_EQ(tech.send("GET", "/api/live/spirometry").status, 426);  // plain HTTP: no socket
  LiveClient ok;
  ASSERT_EQ(ok.open(port, tech, tech.csrf, origin), 101);
  ok.send({{"type", "start"}, {"worker", "no-such-worker"}});
  const json e = ok.read();
  EXPECT_EQ(e["type"], "error");
  EXPECT_EQ(e["code"], "unknown_worker");
  EXPECT_NE(e["message"].get<std::string>().find("no-such-worker"), std::string::npos);
}

// Issue 15, live spirometry: started by a technician for a worker, the simulated spirometer
// (1 kHz) runs through the command line's capture and analysis; the samples come as they are
// taken (>= 25 messages/s), then each blow's acceptability with its reasons and "another blow
// needed, because …", and at the end the grade; the session is stored as the worker's exam,
// awaiting review. Prints the station's part of the latency (device sample → sent).
TEST_F(WebServer, ALiveSpirometrySessionStreamsEachBlowAndIsStoredForReview) {
  st.daily_checks({"spiro-sim"});  // today's syringe check of the configured spirometer
  start(st.config);
  Client tech = client();
  ASSERT_EQ(tech.log_in("tekniker", odyo::test::Station::kTechnicianPassword).status, 200);
  LiveClient live;
  ASSERT_EQ(live.open(port, tech, tech.csrf, "http://127.0.0.1:" + std::to_string(port)), 101);
  live.send({{"type", "start"}, {"worker", "2001"}});
  json started = live.read();
  ASSERT_EQ(started["type"], "started") << started.dump();
  EXPECT_EQ(started["worker"]["registry_no"], "2001");
  EXPECT_DOUBLE_EQ(started["rate_hz"].get<double>(), 1000.0);

  std::size_t sample_messages = 0, samples = 0;
  double first_sent_ms = 0, last_sent_ms = 0;
  std::map<int, std::size_t> points;  // blow → points drawn
  std::vector<double> sample_to_sent_ms;
  std::vector<json> blows;
  json done;
  for (;;) {
    const json m = live.read();
    const std::string type = m["type"];
    if (type == "samples") {
      ++sample_messages;
      const auto n = m["n"].get<std::size_t>();
      samples += n;
      const double first = m["first_ms"], last = m["last_ms"], sent = m["sent_ms"];
      if (first_sent_ms == 0) first_sent_ms = sent;
      last_sent_ms = sent;
      for (std::size_t i = 0; i < n; ++i)
        sample_to_sent_ms.push_back(
            sent -
            (first +
             (n > 1 ? (last - first) * static_cast<double>(i) / static_cast<double>(n - 1) : 0.0)));
      if (m["blow"].get<int>() > 0) points[m["blow"].get<int>()] += m["points"].size();
    } else if (type == "blow") {
      blows.push_back(m);
    } else {
      done = m;
      break;
    }
  }
  ASSERT_EQ(done["type"], "done") << done.dump();
  // The samples as they come: at least 25 messages a second, every sample of the session.
  const double seconds = (last_sent_ms - first_sent_ms) / 1000.0;
  ASSERT_GT(seconds, 10.0);
  EXPECT_GE(static_cast<double>(sample_messages) / seconds, 25.0);
  EXPECT_GT(static_cast<double>(samples), 900.0 * seconds);
  // Four blows: the coughed one unacceptable with its reason, another blow needed because …;
  // then three good ones, and no other blow needed.
  ASSERT_EQ(blows.size(), 4u);
  EXPECT_EQ(points.size(), 4u);
  for (const auto& [blow, n] : points) EXPECT_GT(n, 3000u) << "blow " << blow;
  const json& first = blows[0];
  EXPECT_FALSE(first["blow"]["acceptable_fev1"].get<bool>()) << first.dump();
  EXPECT_FALSE(first["blow"]["reasons"].empty());
  EXPECT_TRUE(first["session"]["another_blow_needed"].get<bool>());
  EXPECT_FALSE(first["session"]["guidance"].empty());
  const json& last = blows.back();
  EXPECT_TRUE(last["blow"]["acceptable_fvc"].get<bool>()) << last.dump();
  EXPECT_FALSE(last["session"]["another_blow_needed"].get<bool>()) << last.dump();
  // The grade, and the exam stored as the command line stores it: awaiting review.
  EXPECT_TRUE(done["interrupted"].is_null()) << done.dump();
  EXPECT_EQ(done["session"]["grade_fev1"], last["session"]["grade_fev1"]);
  const auto exam = done["exam"].get<std::int64_t>();
  ASSERT_GT(exam, 0);
  auto rec = tech.send("GET", "/api/exams/" + std::to_string(exam) + "/record");
  ASSERT_EQ(rec.status, 200) << rec.body.dump();
  EXPECT_EQ(rec.body["kind"], "spirometry");
  EXPECT_EQ(rec.body["worker"]["registry_no"], "2001");
  EXPECT_EQ(rec.body["technician"], "tekniker");
  EXPECT_TRUE(rec.body["results"][0]["signed_by"].empty());
  Client doc = client();
  ASSERT_EQ(doc.log_in("hekim", odyo::test::Station::kPhysicianPassword).status, 200);
  bool listed = false;
  const auto worklist = doc.send("GET", "/api/worklist?kind=spirometry");
  for (const auto& e : worklist.body["exams"])
    listed = listed || e["id"].get<std::int64_t>() == exam;
  EXPECT_TRUE(listed) << "the live session's exam awaits review: " << worklist.body.dump();
  EXPECT_EQ(audit_count("actor='tekniker' AND action='exam.add'"), 2);

  std::sort(sample_to_sent_ms.begin(), sample_to_sent_ms.end());
  const double p99 = sample_to_sent_ms[sample_to_sent_ms.size() * 99 / 100];
  std::cout << "live spirometry: " << samples << " samples in " << sample_messages
            << " messages over " << seconds << " s ("
            << static_cast<double>(sample_messages) / seconds
            << " messages/s); device sample → sent by the station p99 " << p99 << " ms\n";
}

// The worker page: the same use case as `worker show --json` (job history, next due exams) and
// the history charts of `worker chart`; technician and physician alike; unknown ones are 404.
TEST_F(WebServer, TheWorkerPageIsWorkerShowWithTheHistoryCharts) {
  start(st.config);
  Client tech = client();
  ASSERT_EQ(tech.log_in("tekniker", odyo::test::Station::kTechnicianPassword).status, 200);
  auto r = tech.send("GET", "/api/workers/2001/profile");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const auto cli = st.run_as("tekniker", "worker show 2001 --json");
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(r.body, json::parse(cli.out));
  ASSERT_EQ(r.body["job_history"].size(), 1u);
  EXPECT_EQ(r.body["job_history"][0]["job_code"], "YA-PANO-01");
  ASSERT_FALSE(r.body["exams_due"].empty());
  // The audiometry exam of SetUp counts: its next due date is after the exam's day.
  bool audiometry = false;
  for (const auto& e : r.body["exams_due"]) {
    if (e["exam"] != "audiometry") continue;
    audiometry = true;
    EXPECT_EQ(e["last"], "2026-11-02");
    EXPECT_GT(e["due"].get<std::string>(), "2026-11-02");
  }
  EXPECT_TRUE(audiometry) << r.body.dump();

  Client doc = client();
  ASSERT_EQ(doc.log_in("hekim", odyo::test::Station::kPhysicianPassword).status, 200);
  r = doc.send("GET", "/api/workers/2001/charts/hearing.svg");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "image/svg+xml; charset=utf-8");
  EXPECT_NE(r.raw.find("<svg"), std::string::npos);
  EXPECT_NE(r.raw.find("Kaya"), std::string::npos);  // the subtitle names the worker
  EXPECT_EQ(doc.send("GET", "/api/workers/2001/charts/kidney.svg").status, 404);
  EXPECT_EQ(doc.send("GET", "/api/workers/2001/charts/hearing").status, 404);
  EXPECT_EQ(doc.send("GET", "/api/workers/9999/profile").status, 404);
  EXPECT_EQ(doc.send("GET", "/api/workers/9999/charts/hearing.svg").status, 404);
}

// The admin's outbox page: what is pending and what the receiver rejected (`export status`), and
// a rejected message sent again (`export retry`, audited); admin only, CSRF-protected.
TEST_F(WebServer, TheAdminSeesTheOutboxAndSendsARejectedMessageAgain) {
  // A destination that cannot be reached: the signed result waits in the outbox.
  const std::string key = "hl7_patient_id_authority = \"TCKN\"\n";
  start(config_with(key, key + "\n[[export.destination]]\nid = \"office-pg\"\nkind = "
                               "\"postgresql\"\nurl = \"host=/nonexistent dbname=office\"\n"));
  Client doc = client();
  ASSERT_EQ(doc.log_in("hekim", odyo::test::Station::kPhysicianPassword).status, 200);
  ASSERT_EQ(doc.send("POST", "/api/exams/1/sign",
                     json{{"password", odyo::test::Station::kPhysicianPassword}}.dump())
                .status,
            200);
  Client admin = client();
  ASSERT_EQ(admin.log_in("admin", odyo::test::Station::kAdminPassword).status, 200);
  auto r = admin.send("GET", "/api/outbox");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_EQ(r.body["destinations"].size(), 1u);
  EXPECT_EQ(r.body["destinations"][0]["id"], "office-pg");
  EXPECT_EQ(r.body["destinations"][0]["pending"], 1);
  ASSERT_EQ(r.body["pending"].size(), 1u);
  EXPECT_EQ(r.body["pending"][0]["exam"], 1);
  EXPECT_TRUE(r.body["rejected"].empty());

  // The receiver refuses it (as the sender records a refusal: an appended attempt row).
  const auto id = r.body["pending"][0]["id"].get<int>();
  const auto q = run_command(
      "sqlite3 '" + st.db_file.string() +
      "' \"INSERT INTO outbox_attempts(outbox_id,seq,at,outcome,message,next_at,actor) VALUES (" +
      std::to_string(id) +
      ",1,'2026-12-05T03:00:00Z','rejected','23514 <b>check</b> violation',NULL,'sender')\"");
  ASSERT_EQ(q.exit_code, 0) << q.err;
  r = admin.send("GET", "/api/outbox");
  ASSERT_EQ(r.body["rejected"].size(), 1u) << r.body.dump();
  EXPECT_EQ(r.body["rejected"][0]["last_message"], "23514 <b>check</b> violation");
  EXPECT_EQ(r.body["destinations"][0]["rejected"], 1);

  // Only the admin, and only with the CSRF token.
  EXPECT_EQ(doc.send("GET", "/api/outbox").status, 403);
  const std::string retry = "/api/outbox/" + std::to_string(id) + "/retry";
  EXPECT_EQ(doc.send("POST", retry, "{}").status, 403);
  EXPECT_EQ(admin.send("POST", retry, "{}", false).status, 403);
  EXPECT_EQ(audit_count("action='export.retry'"), 0);
  r = admin.send("POST", retry, "{}");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["state"], "pending");
  EXPECT_EQ(audit_count("action='export.retry' AND actor='admin'"), 1);
  r = admin.send("GET", "/api/outbox");
  EXPECT_TRUE(r.body["rejected"].empty());
  EXPECT_EQ(r.body["pending"].size(), 1u);
  // Once pending it cannot be sent again by hand; an unknown one is not found.
  EXPECT_EQ(admin.send("POST", retry, "{}").status, 409);
  EXPECT_EQ(admin.send("POST", "/api/outbox/999/retry", "{}").status, 404);
}

// The paper audiogram form: the same use case as `audio enter` (the worker, the date, the typed
// form checked against the worker), stored as manual provenance with the form's JSON as the raw
// source; refusals change nothing.
TEST_F(WebServer, ATechnicianEntersAPaperAudiogramAsAudioEnterDoes) {
  start(st.config);
  Client tech = client();
  ASSERT_EQ(tech.log_in("tekniker", odyo::test::Station::kTechnicianPassword).status, 200);
  const json ear = {{"500", 15}, {"1000", 20}, {"2000", 25}, {"4000", 45}, {"8000", "NR"}};
  const json form = {{"date", "2026-11-20"},
                     {"device", "AD629 #12"},
                     {"note", "kağıt"},
                     {"audiogram", {{"right", ear}, {"left", ear}}}};
  const auto exams = [&] {
    return run_command("sqlite3 '" + st.db_file.string() + "' 'SELECT count(*) FROM exams'").out;
  };
  const std::string before = exams();

  // Refused, each with what was wrong, and nothing stored.
  json bad = form;
  bad["audiogram"]["right"]["1000"] = "yirmi";
  auto r = tech.send("POST", "/api/workers/2001/audiograms", bad.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("1000"), std::string::npos)
      << r.body.dump();
  bad = form;
  bad["date"] = "2099-01-01";
  r = tech.send("POST", "/api/workers/2001/audiograms", bad.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("future"), std::string::npos);
  bad = form;
  bad["audiogram"]["sex"] = "F";  // the worker is a man
  r = tech.send("POST", "/api/workers/2001/audiograms", bad.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["code"], "sex_mismatch") << r.body.dump();
  EXPECT_EQ(tech.send("POST", "/api/workers/9999/audiograms", form.dump()).status, 404);
  EXPECT_EQ(tech.send("POST", "/api/workers/2001/audiograms", "{}").status, 400);
  EXPECT_EQ(tech.send("POST", "/api/workers/2001/audiograms", form.dump(), false).status, 403);
  Client admin = client();
  ASSERT_EQ(admin.log_in("admin", odyo::test::Station::kAdminPassword).status, 200);
  EXPECT_EQ(admin.send("POST", "/api/workers/2001/audiograms", form.dump()).status, 403);
  EXPECT_EQ(exams(), before);

  r = tech.send("POST", "/api/workers/2001/audiograms", form.dump());
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const auto id = r.body["exam_id"].get<int>();
  const auto rec = tech.send("GET", "/api/exams/" + std::to_string(id) + "/record");
  ASSERT_EQ(rec.status, 200);
  EXPECT_EQ(rec.body["started_at"].get<std::string>().substr(0, 10), "2026-11-20");
  EXPECT_EQ(rec.body["technician"], "tekniker");
  const auto& web = rec.body["results"][0]["payload"]["audiogram"];
  EXPECT_EQ(web["right"]["4000"]["level_db_hl"], 45);
  EXPECT_EQ(web["right"]["4000"]["provenance"], "manual");
  EXPECT_EQ(web["left"]["8000"]["status"], "no_response") << web.dump();

  // `audio enter` with the same form stores the same audiogram.
  const auto cli =
      st.run_as("tekniker", "audio enter --worker 2001 --date 2026-11-21 --json --input " +
                                st.dir.write("paper.json", form["audiogram"].dump()));
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(json::parse(cli.out)["result"]["audiogram"], web);
  EXPECT_EQ(audit_count("action='exam.add' AND actor='tekniker'"), 3);
}

// A self-signed certificate for 127.0.0.1 and its key, made by the openssl command.
std::pair<fs::path, fs::path> self_signed(const fs::path& dir, const std::string& name) {
  const fs::path cert = dir / (name + ".crt"), key = dir / (name + ".key");
  const auto r = run_command(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
      key.string() + "' -out '" + cert.string() + "' 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return {cert, key};
}

// One HTTPS request that trusts only `cert` (the verification is real: a wrong certificate
// fails).
http::response<http::string_body> https_send(std::uint16_t port, const fs::path& cert,
                                             http::request<http::string_body> req) {
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.load_verify_file(cert.string());
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  beast::get_lowest_layer(stream).connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream.handshake(asio::ssl::stream_base::client);
  req.set(http::field::host, "127.0.0.1");
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  return res;
}

// "--tls-cert F --tls-key F (Secure cookie)": the server speaks HTTPS only, the session cookie is
// Secure, and a plain-HTTP request to it gets no answer.
TEST_F(WebServer, UnderTlsTheServerSpeaksHttpsOnlyAndTheCookieIsSecure) {
  const auto [cert, key] = self_signed(st.dir.path(), "station");
  start(st.config, "--tls-cert '" + cert.string() + "' --tls-key '" + key.string() + "'", "https");

  http::request<http::string_body> login{http::verb::post, "/api/login", 11};
  login.set(http::field::content_type, "application/json");
  login.body() =
      json{{"username", "hekim"}, {"password", odyo::test::Station::kPhysicianPassword}}.dump();
  const auto res = https_send(port, cert, login);
  ASSERT_EQ(res.result_int(), 200U) << res.body();
  const std::string cookie(res[http::field::set_cookie]);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;

  // The same session works for a later request over TLS.
  http::request<http::string_body> me{http::verb::get, "/api/me", 11};
  me.set(http::field::cookie, cookie.substr(0, cookie.find(';')));
  const auto who = https_send(port, cert, me);
  EXPECT_EQ(who.result_int(), 200U) << who.body();

  // Plain HTTP to the HTTPS port: the handshake fails and no HTTP answer comes.
  EXPECT_THROW(client().send("GET", "/api/health"), boost::system::system_error);

  // A client that trusts another certificate refuses this server.
  const auto [other, other_key] = self_signed(st.dir.path(), "other");
  EXPECT_THROW(https_send(port, other, me), boost::system::system_error);
}

TEST_F(WebServer, WrongTlsFilesAreRefusedWithWhatWasWrong) {
  const auto [cert, key] = self_signed(st.dir.path(), "station");
  const auto [other, other_key] = self_signed(st.dir.path(), "other");
  const auto serve = [&](const std::string& args) {
    return st.run_as("hekim", "serve --port 0 " + args);
  };
  auto r = serve("--tls-cert '" + cert.string() + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("--tls-key"), std::string::npos) << r.err;
  r = serve("--tls-cert '" + (st.dir.path() / "missing.crt").string() + "' --tls-key '" +
            key.string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.crt: not a readable PEM certificate"), std::string::npos) << r.err;
  r = serve("--tls-cert '" + cert.string() + "' --tls-key '" + cert.string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a readable PEM private key"), std::string::npos) << r.err;
  r = serve("--tls-cert '" + cert.string() + "' --tls-key '" + other_key.string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not the key of the certificate"), std::string::npos) << r.err;
}

}  // namespace

// Issue 15 item 4, the device status and daily checks pages' routes (station/web/routes_qc): the
// same use cases as `checks status`, `spiro syringe-check --measured-l` and `audio
// listening-check`. A live spirometry session is refused before today's syringe check and runs
// after it; each check is audited; refusals write nothing; the QC report is the physician's.
TEST_F(WebServer, DailyChecksAreRecordedOnThePageAndTheLiveSessionWaitsForThem) {
  start(st.config);
  Client tech = client();
  ASSERT_EQ(tech.log_in("tekniker", odyo::test::Station::kTechnicianPassword).status, 200);
  auto r = tech.send("GET", "/api/devices/status");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const auto ready = [&](const std::string& id) {
    auto s = tech.send("GET", "/api/devices/status");
    for (const auto& d : s.body["devices"])
      if (d["id"] == id) return d["ready"].get<bool>();
    ADD_FAILURE() << id << " not listed: " << s.body.dump();
    return false;
  };
  EXPECT_FALSE(ready("spiro-sim"));
  EXPECT_FALSE(ready("audio-sim"));

  // The live session refuses the spirometer without today's check, saying what to do.
  {
    LiveClient live;
    ASSERT_EQ(live.open(port, tech, tech.csrf, "http://127.0.0.1:" + std::to_string(port)), 101);
    live.send({{"type", "start"}, {"worker", "2001"}});
    const json m = live.read();
    EXPECT_EQ(m["type"], "error") << m.dump();
    EXPECT_NE(m.dump().find("3-L syringe"), std::string::npos) << m.dump();
  }

  // Refused: no CSRF token, an unknown device, an audiometer as a spirometer, a bad volume.
  const std::string good = json{{"device", "spiro-sim"}, {"measured_l", 3.02}}.dump();
  EXPECT_EQ(tech.send("POST", "/api/checks/syringe", good, false).status, 403);
  EXPECT_EQ(
      tech.send("POST", "/api/checks/syringe", json{{"device", "nope"}, {"measured_l", 3.0}}.dump())
          .status,
      400);
  EXPECT_EQ(tech.send("POST", "/api/checks/syringe",
                      json{{"device", "audio-sim"}, {"measured_l", 3.0}}.dump())
                .status,
            400);
  EXPECT_EQ(tech.send("POST", "/api/checks/syringe",
                      json{{"device", "spiro-sim"}, {"measured_l", "3"}}.dump())
                .status,
            400);
  EXPECT_EQ(audit_count("action='calibration_check.add'"), 0);

  r = tech.send("POST", "/api/checks/syringe", good);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_TRUE(r.body["passed"].get<bool>());
  EXPECT_TRUE(ready("spiro-sim"));
  r = tech.send("POST", "/api/checks/listening",
                json{{"device", "audio-sim"}, {"listener", "Tekniker"}, {"passed", false}}.dump());
  EXPECT_EQ(r.status, 400) << r.body.dump();  // a failed check needs its note
  r = tech.send("POST", "/api/checks/listening",
                json{{"device", "audio-sim"}, {"listener", "Tekniker"}, {"passed", true}}.dump());
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_TRUE(ready("audio-sim"));
  EXPECT_EQ(audit_count("action='calibration_check.add' AND actor='tekniker'"), 2);
  r = tech.send("GET", "/api/checks");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["checks"].size(), 2u);

  // The QC report: the physician's and the admin's, not the technician's.
  EXPECT_EQ(tech.send("GET", "/api/qc").status, 403);
  Client doc = client();
  ASSERT_EQ(doc.log_in("hekim", odyo::test::Station::kPhysicianPassword).status, 200);
  r = doc.send("GET", "/api/qc?month=2026-11");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_TRUE(r.body["findings"].is_array());
}
