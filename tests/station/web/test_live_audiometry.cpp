// Live audiometry (issue 15, "live audiometry (search progress per frequency, the audiogram
// filling in, pause and abort)") and the live pages over HTTPS, end to end: `odyospiro serve` on
// a real SQLite station database with the shipped configuration (audio-sim: sim:audiometer, the
// devsim FIPP audiometer with its simulated listener on a pseudo-terminal), spoken to with a
// Boost.Beast WebSocket client — plain (ws://) and over TLS (wss://, trusting only the test's
// generated certificate). What the page gets is compared with what `acquire audio` stores.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>

#include "tests/station/devices/acquire_process.hpp"
#include "tests/station/support/station_fixture.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using nlohmann::json;
using odyo::test::run_command;
namespace fs = std::filesystem;

// The short timing `acquire audio --tone-ms 300 --gap-ms 150 --no-retest` uses in its tests.
const json kQuickPlan = {
    {"frequencies", {1000, 2000, 500}}, {"tone_ms", 300}, {"gap_ms", 150}, {"no_retest", true}};

struct Login {
  std::string cookie;  // odyo_session=…
  std::string csrf;
};

// One HTTP(S) exchange. `cert`: speak TLS trusting only this certificate.
http::response<http::string_body> exchange(std::uint16_t port, http::request<http::string_body> req,
                                           const std::optional<fs::path>& cert) {
  asio::io_context io;
  req.set(http::field::host, "127.0.0.1");
  req.prepare_payload();
  http::response<http::string_body> res;
  beast::flat_buffer buf;
  const asio::ip::tcp::endpoint at(asio::ip::make_address("127.0.0.1"), port);
  if (cert) {
    ssl::context tls(ssl::context::tls_client);
    tls.load_verify_file(cert->string());
    tls.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    beast::get_lowest_layer(stream).connect(at);
    stream.handshake(ssl::stream_base::client);
    http::write(stream, req);
    http::read(stream, buf, res);
  } else {
    beast::tcp_stream stream(io);
    stream.connect(at);
    http::write(stream, req);
    http::read(stream, buf, res);
  }
  return res;
}

Login log_in(std::uint16_t port, const std::string& user, const std::string& password,
             const std::optional<fs::path>& cert = std::nullopt) {
  http::request<http::string_body> req{http::verb::post, "/api/login", 11};
  req.set(http::field::content_type, "application/json");
  req.body() = json{{"username", user}, {"password", password}}.dump();
  const auto res = exchange(port, req, cert);
  EXPECT_EQ(res.result_int(), 200U) << res.body();
  const std::string cookie(res[http::field::set_cookie]);
  return {cookie.substr(0, cookie.find(';')), json::parse(res.body()).value("csrf_token", "")};
}

json get(std::uint16_t port, const Login& as, const std::string& target, int* status = nullptr,
         const std::optional<fs::path>& cert = std::nullopt) {
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::cookie, as.cookie);
  const auto res = exchange(port, req, cert);
  if (status != nullptr) *status = static_cast<int>(res.result_int());
  return json::parse(res.body(), nullptr, false);
}

// A live page's WebSocket, plain or over TLS.
template <class Next>
struct LiveSocket {
  asio::io_context io;
  std::optional<ssl::context> tls;
  std::optional<websocket::stream<Next>> ws;

  LiveSocket() requires std::is_same_v<Next, beast::tcp_stream> { ws.emplace(io); }
  explicit LiveSocket(const fs::path& cert) requires(!std::is_same_v<Next, beast::tcp_stream>) {
    tls.emplace(ssl::context::tls_client);
    tls->load_verify_file(cert.string());
    tls->set_verify_mode(ssl::verify_peer);
    ws.emplace(io, *tls);
  }

  // The handshake's HTTP status (101: accepted). `path`: /api/live/…
  int open(std::uint16_t port, const Login& as, const std::string& csrf, const std::string& origin,
           const std::string& path = "/api/live/audiometry") {
    beast::get_lowest_layer(*ws).connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    if constexpr (!std::is_same_v<Next, beast::tcp_stream>)
      ws->next_layer().handshake(ssl::stream_base::client);
    ws->set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
      if (!as.cookie.empty()) req.set(http::field::cookie, as.cookie);
      if (!origin.empty()) req.set(http::field::origin, origin);
    }));
    websocket::response_type res;
    beast::error_code ec;
    ws->handshake(res, "127.0.0.1:" + std::to_string(port), path + "?csrf=" + csrf, ec);
    return static_cast<int>(res.result_int());
  }
  void send(const json& j) { ws->write(asio::buffer(j.dump())); }
  json read() {
    beast::flat_buffer b;
    ws->read(b);
    return json::parse(beast::buffers_to_string(b.data()));
  }
};
using PlainLive = LiveSocket<beast::tcp_stream>;
using TlsLive = LiveSocket<beast::ssl_stream<beast::tcp_stream>>;

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

class LiveAudiometry : public ::testing::Test {
 protected:
  odyo::test::Station st;
  std::unique_ptr<odyo::test::BackgroundCommand> server;
  std::uint16_t port = 0;
  std::string origin;

  void SetUp() override {
    auto r = st.run_as("tekniker",
                       "worker add --registry 2001 --tc 10000000146 --first-name Ali --last-name "
                       "Kaya --birth-date 1980-06-15 --sex M --height-cm 175 --weight-kg 80 "
                       "--job YA-PANO-01");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void TearDown() override {
    if (server) server->signal(SIGTERM);
  }
  // Starts the server; with `checks`, after today's daily checks of the configured simulated
  // audiometer and spirometer (no test on a device without them).
  void start(const std::string& serve_args = "", const std::string& scheme = "http",
             bool checks = true) {
    if (checks) st.daily_checks({"audio-sim", "spiro-sim"});
    server = std::make_unique<odyo::test::BackgroundCommand>(
        "'" + std::string(ODYOSPIRO_EXE) + "' --lang en --config '" + st.config.string() +
            "' --db '" + st.db_file.string() + "' serve --port 0 " + serve_args,
        st.dir / "serve.out", st.dir / "serve.err");
    ASSERT_TRUE(server->wait_for_output("Listening on " + scheme + "://127.0.0.1:",
                                        std::chrono::seconds(20)))
        << server->err();
    std::smatch m;
    const std::string out = server->out();
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(127\.0\.0\.1:(\d+)/)"))) << out;
    port = static_cast<std::uint16_t>(std::stoi(m[1]));
    origin = scheme + "://127.0.0.1:" + std::to_string(port);
  }
  std::string sql(const std::string& query) const {
    auto r = run_command("sqlite3 '" + st.db_file.string() + "' \"" + query + "\"");
    while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == '\r')) r.out.pop_back();
    return r.out;
  }
  int audit_count(const std::string& where) const {
    return std::atoi(sql("SELECT count(*) FROM audit_log WHERE " + where).c_str());
  }
  // The audiogram stored for exam `id` (the newest result's payload).
  json stored_audiogram(std::int64_t id) const {
    const auto r = st.run_as("tekniker", "--json exam show " + std::to_string(id));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const json e = json::parse(r.out, nullptr, false);
    return e["results"].back()["payload"]["audiogram"];
  }
};

// Every message of a live search until it ends (done, aborted or error).
struct Transcript {
  std::vector<json> presentations, thresholds, other;
  std::vector<json> all;  // in the order they came
  json end;
};

template <class Live>
Transcript follow(Live& live, const std::function<void(const json&, Live&)>& on_message = {}) {
  Transcript t;
  for (;;) {
    const json m = live.read();
    const std::string type = m["type"];
    if (on_message) on_message(m, live);
    t.all.push_back(m);
    if (type == "presentation") {
      t.presentations.push_back(m);
    } else if (type == "threshold") {
      t.thresholds.push_back(m);
    } else if (type == "done" || type == "aborted" || type == "error") {
      t.end = m;
      return t;
    } else {
      t.other.push_back(m);
    }
  }
}

// "an authenticated upgrade", as for live spirometry: without the session, the CSRF token, this
// server as the Origin or the technician's role the WebSocket is refused (the refusals audited)
// before any device opens; the devices a page may choose are the configured ones of each kind;
// an audiometer without today's listening check does not test.
TEST_F(LiveAudiometry, TheSocketIsTheTechniciansWithTokenAndOrigin) {
  start("", "http", false);  // no daily check recorded yet
  EXPECT_EQ(PlainLive().open(port, {}, "", origin), 401);
  const Login tech = log_in(port, "tekniker", odyo::test::Station::kTechnicianPassword);
  const std::string refusals =
      "action='auth.failed' AND json_extract(details,'$.username')='tekniker' AND "
      "json_extract(details,'$.reason') IN ('csrf','origin')";
  const int before = audit_count(refusals);
  EXPECT_EQ(PlainLive().open(port, tech, "", origin), 403);  // no token
  std::string wrong = tech.csrf;
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  EXPECT_EQ(PlainLive().open(port, tech, wrong, origin), 403);
  EXPECT_EQ(PlainLive().open(port, tech, tech.csrf, "http://evil.example"), 403);
  EXPECT_EQ(PlainLive().open(port, tech, tech.csrf, ""), 403);
  EXPECT_EQ(audit_count(refusals), before + 4);
  const Login doc = log_in(port, "hekim", odyo::test::Station::kPhysicianPassword);
  EXPECT_EQ(PlainLive().open(port, doc, doc.csrf, origin), 403);  // not a technician
  EXPECT_GE(audit_count("action='auth.denied' AND actor='hekim'"), 1);
  int status = 0;
  get(port, tech, "/api/live/audiometry", &status);
  EXPECT_EQ(status, 426);  // plain HTTP: no socket

  const json devices = get(port, tech, "/api/live/devices", &status);
  ASSERT_EQ(status, 200) << devices.dump();
  ASSERT_EQ(devices["audiometers"].size(), 1u) << devices.dump();  // config/station.toml
  EXPECT_EQ(devices["audiometers"][0]["id"], "audio-sim");
  EXPECT_EQ(devices["spirometers"][0]["id"], "spiro-sim");
  get(port, doc, "/api/live/devices", &status);
  EXPECT_EQ(status, 403);

  // Refused before any tone: an unknown worker, an unknown device, a plan that cannot be stored.
  PlainLive ok;
  ASSERT_EQ(ok.open(port, tech, tech.csrf, origin), 101);
  ok.send({{"type", "start"}, {"worker", "no-such-worker"}});
  json e = ok.read();
  EXPECT_EQ(e["code"], "unknown_worker") << e.dump();
  ok.send({{"type", "start"}, {"worker", "2001"}, {"device", "spiro-sim"}});
  e = ok.read();
  EXPECT_EQ(e["code"], "unknown_device") << e.dump();
  // No listening check of the audiometer today: no search (as for acquire audio).
  ok.send({{"type", "start"}, {"worker", "2001"}});
  e = ok.read();
  EXPECT_EQ(e["code"], "daily_check_missing") << e.dump();
  st.daily_checks({"audio-sim"});
  ok.send({{"type", "start"}, {"worker", "2001"}, {"frequencies", {1000, 2000}}});
  e = ok.read();
  EXPECT_EQ(e["code"], "bad_frequencies") << e.dump();
  EXPECT_NE(e["message"].get<std::string>().find("500 Hz"), std::string::npos);
  ok.send({{"type", "pause"}});
  EXPECT_EQ(ok.read()["code"], "live_idle");
  EXPECT_EQ(sql("SELECT count(*) FROM exams"), "0");
}

// The search as it goes: every presentation (ear, frequency, level, heard), each frequency's
// threshold with the audiogram so far drawn by the station (ASHA symbols), and at the end the
// exam stored as `acquire audio` stores it: the same thresholds for the same simulated listener.
TEST_F(LiveAudiometry, ProgressPerFrequencyThenTheExamAcquireAudioStores) {
  start();
  const Login tech = log_in(port, "tekniker", odyo::test::Station::kTechnicianPassword);
  PlainLive live;
  ASSERT_EQ(live.open(port, tech, tech.csrf, origin), 101);
  json start = kQuickPlan;
  start["type"] = "start";
  start["worker"] = "2001";
  start["device"] = "audio-sim";
  live.send(start);
  const json started = live.read();
  ASSERT_EQ(started["type"], "started") << started.dump();
  EXPECT_EQ(started["device"], "audio-sim");
  EXPECT_EQ(started["plan"]["frequencies_hz"], json({1000, 2000, 500}));
  const Transcript t = follow(live);
  ASSERT_EQ(t.end["type"], "done") << t.end.dump();

  // One threshold per ear and frequency, each after its presentations, with the audiogram so far.
  std::set<std::pair<std::string, int>> concluded;
  for (const auto& th : t.thresholds) {
    concluded.insert(std::make_pair(th["ear"].get<std::string>(), th["frequency_hz"].get<int>()));
    const std::string svg = th["audiogram_svg"];
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    // The picture fills in: one plotted symbol per threshold found so far, this one among them.
    std::size_t symbols = 0;
    for (auto p = svg.find("class=\"symbol\""); p != std::string::npos;
         p = svg.find("class=\"symbol\"", p + 1))
      ++symbols;
    EXPECT_EQ(symbols, concluded.size()) << th.dump();
    EXPECT_NE(svg.find("data-ear=\"" + th["ear"].get<std::string>() +
                       "\" data-conduction=\"air\" "
                       "data-masked=\"false\" data-nr=\"false\" data-hz=\"" +
                       std::to_string(th["frequency_hz"].get<int>()) + "\""),
              std::string::npos)
        << svg;
  }
  EXPECT_EQ(concluded.size(), 6u);
  EXPECT_GE(t.presentations.size(), 2 * t.thresholds.size());
  int last = 0;
  for (const auto& p : t.presentations) {
    EXPECT_EQ(p["presentations"].get<int>(), last + 1) << "every presentation reported, in order";
    last = p["presentations"];
  }
  // Progress per frequency: the presentations at an ear's frequency come before its threshold,
  // as many as the threshold message counts (a threshold's presentations are at its frequency).
  std::map<std::pair<std::string, int>, int> presented;
  for (const auto& m : t.all) {
    if (m["type"] == "presentation" && !m["catch_trial"].get<bool>())
      ++presented[std::make_pair(m["ear"].get<std::string>(), m["frequency_hz"].get<int>())];
    if (m["type"] == "threshold") {
      const int seen =
          presented[std::make_pair(m["ear"].get<std::string>(), m["frequency_hz"].get<int>())];
      EXPECT_GE(seen, m["presentations"].get<int>()) << m.dump();
      EXPECT_GT(m["presentations"].get<int>(), 0);
    }
  }

  const auto exam = t.end["exam"].get<std::int64_t>();
  const json live_audiogram = stored_audiogram(exam);
  EXPECT_EQ(live_audiogram["right"]["1000"]["level_db_hl"], 15) << live_audiogram.dump();
  EXPECT_EQ(live_audiogram["left"]["1000"]["level_db_hl"], 25);
  EXPECT_EQ(
      sql("SELECT technician || ' ' || device_id FROM exams WHERE id=" + std::to_string(exam)),
      "tekniker audio-sim");
  EXPECT_EQ(audit_count("action='exam.add' AND actor='tekniker'"), 1);

  // Awaiting review, as any exam.
  const Login doc = log_in(port, "hekim", odyo::test::Station::kPhysicianPassword);
  bool listed = false;
  const json worklist = get(port, doc, "/api/worklist?kind=audiometry");
  for (const auto& e : worklist["exams"]) listed = listed || e["id"].get<std::int64_t>() == exam;
  EXPECT_TRUE(listed) << worklist.dump();

  // `acquire audio` on the same simulated audiometer stores the same audiogram.
  const auto cli =
      st.run_as("tekniker",
                "--json acquire audio --device audio-sim --worker 2001 --frequencies 1000,2000,500 "
                "--tone-ms 300 --gap-ms 150 --no-retest --devsim '" +
                    std::string(ODYO_BINARY_DIR) + "/tools/devsim/devsim'");
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const json cli_audiogram = stored_audiogram(json::parse(cli.out)["exam"].get<std::int64_t>());
  for (const char* ear : {"right", "left"})
    for (const char* hz : {"500", "1000", "2000"})
      EXPECT_EQ(live_audiogram[ear][hz], cli_audiogram[ear][hz]) << ear << " " << hz;
  EXPECT_EQ(live_audiogram, cli_audiogram);
}

// Pause: once the presentation in progress is over no tone is presented until resume; resume
// continues (the frequency in progress starts again) to the stored exam. Then a second search
// aborted: nothing stored, the raw journal keeps its bytes and says aborted, the abort audited.
TEST_F(LiveAudiometry, PauseStopsPresentationsAndResumeContinues) {
  start();
  const Login tech = log_in(port, "tekniker", odyo::test::Station::kTechnicianPassword);
  PlainLive live;
  ASSERT_EQ(live.open(port, tech, tech.csrf, origin), 101);
  json start = kQuickPlan;
  start["type"] = "start";
  start["worker"] = "2001";
  live.send(start);
  ASSERT_EQ(live.read()["type"], "started");
  // Pause after the first threshold.
  json m;
  int presentations_at_pause = 0;
  do {
    m = live.read();
    if (m["type"] == "presentation") presentations_at_pause = m["presentations"];
  } while (m["type"] != "threshold");
  live.send({{"type", "pause"}});
  std::size_t thresholds_before = 1;
  do {  // the presentation in progress ends, then the search pauses
    m = live.read();
    if (m["type"] == "presentation") presentations_at_pause = m["presentations"];
    if (m["type"] == "threshold") ++thresholds_before;
  } while (m["type"] != "paused");
  const auto paused_at = std::chrono::steady_clock::now();
  // Paused for 3 s (a presentation takes < 1 s here): the next message must be "resumed", sent
  // after the page's resume — no presentation in between.
  asio::steady_timer timer(live.io, std::chrono::seconds(3));
  std::string resume = json{{"type", "resume"}}.dump();
  timer.async_wait([&](beast::error_code) {
    live.ws->async_write(asio::buffer(resume), [](beast::error_code, std::size_t) {});
  });
  beast::flat_buffer b;
  json next;
  std::chrono::steady_clock::time_point next_at;
  live.ws->async_read(b, [&](beast::error_code ec, std::size_t) {
    ASSERT_FALSE(ec) << ec.message();
    next = json::parse(beast::buffers_to_string(b.data()));
    next_at = std::chrono::steady_clock::now();
  });
  live.io.restart();
  live.io.run();
  EXPECT_EQ(next["type"], "resumed") << next.dump();
  EXPECT_GE(next_at - paused_at, std::chrono::milliseconds(2900));
  // Resumed: the presentations continue where they were counted, through to the stored exam.
  const Transcript t = follow(live);
  ASSERT_FALSE(t.presentations.empty());
  EXPECT_EQ(t.presentations.front()["presentations"].get<int>(), presentations_at_pause + 1);
  ASSERT_EQ(t.end["type"], "done") << t.end.dump();
  EXPECT_EQ(thresholds_before + t.thresholds.size(), 6u);
  EXPECT_EQ(sql("SELECT count(*) FROM exams"), "1");
}

TEST_F(LiveAudiometry, AnAbortedSearchStoresNothingAndIsAudited) {
  start();
  const Login tech = log_in(port, "tekniker", odyo::test::Station::kTechnicianPassword);
  PlainLive live;
  ASSERT_EQ(live.open(port, tech, tech.csrf, origin), 101);
  json start = kQuickPlan;
  start["type"] = "start";
  start["worker"] = "2001";
  live.send(start);
  ASSERT_EQ(live.read()["type"], "started");
  const Transcript t = follow<PlainLive>(live, [](const json& m, PlainLive& l) {
    if (m["type"] == "threshold") l.send({{"type", "abort"}});
  });
  ASSERT_EQ(t.end["type"], "aborted") << t.end.dump();
  EXPECT_LT(t.thresholds.size(), 6u);
  EXPECT_EQ(sql("SELECT count(*) FROM exams"), "0");
  EXPECT_EQ(sql("SELECT count(*) FROM results"), "0");
  EXPECT_EQ(audit_count("action='audiometry.aborted' AND actor='tekniker' AND "
                        "json_extract(details,'$.worker')='2001'"),
            1);
  // The raw journal keeps the session's bytes and says it was aborted.
  const std::string journal = t.end["journal"];
  const auto session = std::to_string(t.end["journal_session"].get<std::int64_t>());
  const auto bytes = run_command("sqlite3 '" + journal +
                                 "' \"SELECT coalesce(sum(length(bytes)),0) FROM raw_chunks WHERE "
                                 "session_id=" +
                                 session + "\"");
  EXPECT_GT(std::atoi(bytes.out.c_str()), 0) << bytes.err;
  const auto kinds = run_command("sqlite3 '" + journal +
                                 "' \"SELECT group_concat(kind) FROM journal_events WHERE "
                                 "session_id=" +
                                 session + "\"");
  EXPECT_NE(kinds.out.find("aborted"), std::string::npos) << kinds.out << kinds.err;
}

// Live pages over HTTPS: with --tls-cert/--tls-key both live WebSockets run over the TLS stream
// (wss://), for a client that trusts only this server's certificate; a client trusting another
// certificate cannot open them.
TEST_F(LiveAudiometry, BothLiveSocketsWorkOverTls) {
  const auto [cert, key] = self_signed(st.dir.path(), "station");
  start("--tls-cert '" + cert.string() + "' --tls-key '" + key.string() + "'", "https");
  const Login tech = log_in(port, "tekniker", odyo::test::Station::kTechnicianPassword, cert);
  {
    TlsLive live(cert);
    ASSERT_EQ(live.open(port, tech, tech.csrf, origin), 101);
    json start = kQuickPlan;
    start["type"] = "start";
    start["worker"] = "2001";
    live.send(start);
    ASSERT_EQ(live.read()["type"], "started");
    const Transcript t = follow(live);
    ASSERT_EQ(t.end["type"], "done") << t.end.dump();
    EXPECT_EQ(t.thresholds.size(), 6u);
  }
  {
    TlsLive spiro(cert);
    ASSERT_EQ(spiro.open(port, tech, tech.csrf, origin, "/api/live/spirometry"), 101);
    spiro.send({{"type", "start"}, {"worker", "2001"}, {"device", "spiro-sim"}});
    const json started = spiro.read();
    ASSERT_EQ(started["type"], "started") << started.dump();
    EXPECT_EQ(started["device"], "spiro-sim");
    const json samples = spiro.read();
    EXPECT_EQ(samples["type"], "samples") << samples.dump();  // 50 a second, over TLS
    json m;
    int blows = 0;
    do {  // two blows (a coughed one, a good one), then stop: stored as interrupted
      m = spiro.read();
      if (m["type"] == "blow") ++blows;
    } while (m["type"] == "samples" || (m["type"] == "blow" && blows < 2));
    EXPECT_EQ(m["type"], "blow") << m.dump();
    spiro.send({{"type", "stop"}});
    do {
      m = spiro.read();
    } while (m["type"] == "samples" || m["type"] == "blow");
    EXPECT_EQ(m["type"], "done") << m.dump();
    EXPECT_EQ(m["interrupted"], "sigint") << m.dump();
  }
  // The refusals hold over TLS too.
  EXPECT_EQ(TlsLive(cert).open(port, tech, "", origin), 403);
  const auto [other, other_key] = self_signed(st.dir.path(), "other");
  TlsLive untrusting(other);
  EXPECT_THROW(untrusting.open(port, tech, tech.csrf, origin), boost::system::system_error);
}

}  // namespace
