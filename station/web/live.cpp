#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include "station/web/live.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <cmath>
#include <mutex>
#include <optional>
#include <thread>

#include "analysis/core/error_text.hpp"
#include "analysis/spirometry/spirometry.hpp"
#include "station/app/daily_checks.hpp"
#include "station/app/spirometry_session.hpp"
#include "station/config/config.hpp"
#include "station/core/i18n.hpp"
#include "station/devices/profiles.hpp"
#include "station/devices/simulator.hpp"
#include "station/exams/spirometry_exam.hpp"
#include "station/records/workers.hpp"
#include "station/reference/reference_tables.hpp"
#include "station/spirometry/report.hpp"
#include "station/storage/database.hpp"
#include "station/web/web_app.hpp"

namespace odyo::station::web {

namespace asio = boost::asio;
namespace sp = spirometry;
using nlohmann::json;

namespace {

constexpr double kLiveSessionLimit_s = 180;  // a session left running ends (stored interrupted)
constexpr double kExpirationStart_lps = 0.05;

// A steady-clock time as Unix epoch milliseconds of this machine's wall clock (what the browser's
// performance.timeOrigin + performance.now() reads on the same machine).
double epoch_ms(std::chrono::steady_clock::time_point t) {
  const auto sys_now = std::chrono::system_clock::now();
  const auto steady_now = std::chrono::steady_clock::now();
  const auto at =
      sys_now - std::chrono::duration_cast<std::chrono::system_clock::duration>(steady_now - t);
  return std::chrono::duration<double, std::milli>(at.time_since_epoch()).count();
}

double now_ms() {
  return epoch_ms(std::chrono::steady_clock::now());
}

double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

// One live session's state shared by the capture thread and the WebSocket's thread. What is set
// before the capture starts is read-only after; `out` is guarded by `mu`; the blow tracker is the
// capture thread's.
struct Run {
  SpiroSessionPlan plan;
  Worker worker;
  const StationConfig* cfg = nullptr;
  sp::ReferenceTables tables;
  std::string sim_name;  // non-empty: the device is devsim's
  std::filesystem::path profile_file;
  double btps = 1.0;
  std::string language;
  std::atomic<bool> stop{false};
  std::atomic<bool> complete{false};

  std::mutex mu;
  std::size_t n = 0;
  double first_ms = 0, last_ms = 0, flow_lps = 0;
  int blow_now = 0;
  json points = json::array();
  std::vector<json> messages;

  // The capture thread's.
  std::vector<std::vector<double>> blows_flow_lps;
  int blows_started = 0;
  bool in_blow = false, expiring = false;
  double t0_s = 0, prev_t_s = 0, volume_l = 0;

  void on_samples(const acquisition::FlowBlock& block, bool in_manoeuvre) {
    std::lock_guard lock(mu);
    if (in_manoeuvre && !in_blow) {
      ++blows_started;
      expiring = false;
      volume_l = 0;
    }
    const bool drawing = in_manoeuvre || in_blow;
    in_blow = in_manoeuvre;
    for (const auto& s : block.samples) {
      const double ms = epoch_ms(s.when);
      if (n == 0) first_ms = ms;
      last_ms = ms;
      ++n;
      const double f = s.flow_lps * btps;
      flow_lps = f;
      if (!drawing) continue;
      if (!expiring && f > kExpirationStart_lps) {
        expiring = true;
        t0_s = prev_t_s = s.t_s;
      }
      if (!expiring) continue;
      volume_l += std::max(f, 0.0) * (s.t_s - prev_t_s);
      prev_t_s = s.t_s;
      points.push_back(json::array({round3(s.t_s - t0_s), round3(f), round3(volume_l)}));
    }
    blow_now = in_manoeuvre ? blows_started : 0;
  }

  // After each blow: the same assessment the stored exam gets (station/exams/spirometry_exam).
  void on_manoeuvre(const acquisition::Manoeuvre& m, std::size_t k) {
    std::vector<double> f;
    f.reserve(m.samples.size());
    for (const auto& s : m.samples) f.push_back(s.flow_lps);
    blows_flow_lps.push_back(std::move(f));
    SpirometryCapture capture;
    capture.manoeuvres_flow_lps = blows_flow_lps;
    capture.sample_rate_hz = plan.flow.sample_rate_hz;
    capture.ambient_temp_c = plan.temp_c;
    capture.ambient_pressure_kpa = plan.pressure_kpa;
    capture.ambient_humidity_pct = plan.humidity_pct;
    capture.started_at = utc_now_iso();
    auto a = assess_spirometry_capture(*cfg, worker, capture);
    json msg;
    if (a) {
      const json j = session_json(a->session, a->spec);
      msg = {{"type", "blow"},
             {"number", k + 1},
             {"blow", j["manoeuvres"][k]},
             {"session", j["session"]}};
      if (a->session.guidance.session_complete ||
          blows_flow_lps.size() >= static_cast<std::size_t>(sp::kMaxManoeuvres))
        complete = true;
    } else {
      msg = {{"type", "blow"},
             {"number", k + 1},
             {"error", i18n::catalog(language).localize(a.error())}};
    }
    std::lock_guard lock(mu);
    messages.push_back(std::move(msg));
  }

  // What has come since the last call, as messages in order (samples first).
  std::vector<std::string> take() {
    std::vector<std::string> out;
    std::lock_guard lock(mu);
    if (n > 0) {
      out.push_back(json{
          {"type", "samples"},
          {"n", n},
          {"first_ms", first_ms},
          {"last_ms", last_ms},
          {"sent_ms", now_ms()},
          {"flow_lps", round3(flow_lps)},
          {"blow", blow_now},
          {"points",
           points}}.dump());
      n = 0;
      points = json::array();
    }
    for (auto& m : messages) out.push_back(m.dump());
    messages.clear();
    return out;
  }
};

class LiveSpirometry : public LiveHandler, public std::enable_shared_from_this<LiveSpirometry> {
 public:
  LiveSpirometry(LiveSocket& socket, WebApp& app, const json& who)
      : socket_(socket),
        app_(app),
        user_(who.value("username", std::string())),
        language_(who.value("language", std::string("tr"))) {}

  ~LiveSpirometry() override {
    // The page is gone: a running capture ends and is still stored (as interrupted).
    if (run_) run_->stop = true;
    if (capture_.joinable()) capture_.join();
  }
  LiveSpirometry(const LiveSpirometry&) = delete;
  LiveSpirometry& operator=(const LiveSpirometry&) = delete;

  void on_closed() override {
    closed_ = true;
    if (run_) run_->stop = true;
  }

  void on_tick() override { flush(); }

 private:
  void flush() {
    if (!run_) return;
    for (auto& m : run_->take()) send(std::move(m));
  }

  void send(std::string text) {
    if (!closed_) socket_.send(std::move(text));
  }

  void fail(const Error& e) {
    if (!closed_) socket_.fail(e);
  }

  void on_message(const json& msg) override {
    const std::string type = msg.is_object() && msg.contains("type") && msg["type"].is_string()
                                 ? msg["type"].get<std::string>()
                                 : std::string();
    if (type == "stop") {
      if (run_) run_->stop = true;
      return;
    }
    if (type != "start")
      return fail(make_error("bad_message", "send {\"type\":\"start\",\"worker\":…} or stop"));
    if (run_)
      return fail(make_error("live_busy", "a spirometry session is already running on this page"));
    const std::string registry = msg.contains("worker") && msg["worker"].is_string()
                                     ? msg["worker"].get<std::string>()
                                     : std::string();
    const std::string device = msg.contains("device") && msg["device"].is_string()
                                   ? msg["device"].get<std::string>()
                                   : std::string();
    auto run = prepare(registry, device);
    if (!run) return fail(run.error());
    run_ = std::move(*run);
    send(json{{"type", "started"},
              {"worker",
               {{"registry_no", run_->worker.registry_no},
                {"name", run_->worker.first_name + " " + run_->worker.last_name}}},
              {"device", run_->plan.device_id},
              {"rate_hz", run_->plan.flow.sample_rate_hz},
              {"btps", run_->btps}}
             .dump());
    std::weak_ptr<LiveSpirometry> weak = shared_from_this();
    capture_ = std::thread([run = run_, weak, exec = socket_.executor(), &app = app_] {
      capture(run, weak, exec, app);
    });
  }

  // Everything the session needs, checked before any device is opened.
  // `device_id`: a configured flow-stream spirometer; empty: the first one.
  Result<std::shared_ptr<Run>> prepare(const std::string& registry, const std::string& device_id) {
    auto run = std::make_shared<Run>();
    run->cfg = &app_.config();
    run->language = language_;
    const StationConfig& cfg = app_.config();
    auto w = find_worker(app_.db(), registry);
    if (!w) {
      return make_errorf("unknown_worker", "worker '{}' is not registered: register them first",
                         registry);
    }
    run->worker = *w;
    // Today's passed 3-L syringe check of this spirometer first (station/app/daily_checks).
    auto chosen = device_for_test(app_.db(), cfg, "flowstream", device_id, qc::kSyringeCheck);
    if (!chosen) return chosen.error();
    const DeviceConfig* device = *chosen;
    const std::string prof_name =
        device->profile.empty() ? std::string("sfm3000-bypass5-serial") : device->profile;
    auto prof = load_device_profile(cfg.config_dir, prof_name);
    if (!prof) return prof.error();
    const auto* flow = std::get_if<profile::FlowStreamProfile>(&*prof);
    if (flow == nullptr) {
      return make_errorf("profile_wrong_family",
                         "{} is not a flow-stream profile: give a spirometer profile", prof_name);
    }
    auto tables = load_reference_tables(cfg.reference_dir);
    if (!tables) return tables.error();
    run->tables = std::move(*tables);
    auto& plan = run->plan;
    plan.device_id = device->id;
    plan.uri = device->uri;
    plan.profile_name = prof_name;
    plan.flow = *flow;
    plan.journal_file =
        std::filesystem::absolute(app_.db().file()).parent_path() / "raw-journal.db";
    plan.worker = run->worker.registry_no;
    plan.seconds = kLiveSessionLimit_s;
    plan.technician = user_;
    plan.device_return_timeout_s = cfg.device_return_timeout_s;
    if (device->uri.rfind("sim:", 0) == 0) {
      run->sim_name = device->uri.substr(4);
      run->profile_file = cfg.config_dir / "devices" / (prof_name + ".toml");
    }
    auto btps = sp::btps_factor(sp::BtpsStrategy::kAmbientHumidity,
                                {plan.temp_c, plan.pressure_kpa, plan.humidity_pct / 100.0});
    if (!btps) return btps.error();
    run->btps = *btps;
    return run;
  }

  // The capture thread: the simulator if any, the command line's capture, then the store posted
  // to the Database's thread (stored even when the page has gone).
  static void capture(const std::shared_ptr<Run>& run, const std::weak_ptr<LiveSpirometry>& weak,
                      const asio::any_io_executor& exec, WebApp& app) {
    SpiroSessionPlan plan = run->plan;
    std::optional<RunningSimulator> sim;
    if (!run->sim_name.empty()) {
      auto s = start_simulator({run->sim_name,
                                {},
                                run->profile_file,
                                plan.journal_file.parent_path(),
                                {"--script", kLiveSimulatorScript}});
      if (!s) {
        asio::post(exec, [weak, e = s.error()] {
          if (auto self = weak.lock()) self->fail(e);
        });
        return;
      }
      plan.uri = s->uri;
      sim.emplace(std::move(*s));
    }
    SpiroSessionHooks hooks;
    hooks.stop = [run] { return run->stop.load(); };
    hooks.enough = [run](std::size_t) { return run->complete.load(); };
    hooks.on_samples = [run](const acquisition::FlowBlock& b, bool in) { run->on_samples(b, in); };
    hooks.on_manoeuvre = [run](const acquisition::Manoeuvre& m, std::size_t k) {
      run->on_manoeuvre(m, k);
    };
    auto captured = capture_spiro_session(plan, hooks);
    sim.reset();
    asio::post(exec, [run, weak, plan, captured = std::move(captured), &app] {
      auto self = weak.lock();
      if (self) self->flush();
      if (!captured) {
        if (self) self->fail(captured.error());
        return;
      }
      SpiroStoreTarget target;
      target.db = &app.db();
      target.cfg = run->cfg;
      target.worker = &run->worker;
      target.tables = &run->tables;
      target.retry_limit_s = run->cfg->store_retry_limit_s;
      target.actor = plan.technician;
      auto stored = store_spiro_session(plan, *captured, target, {});
      if (!self) return;
      if (!stored.exam)
        return self->fail(
            stored.error.value_or(make_error("store_failed", "the exam was not stored")));
      const auto& ended = captured->ended;
      const auto& interrupted = captured->interrupted;
      self->send(json{{"type", "done"},
                      {"exam", stored.exam->exam_id},
                      {"session", stored.exam->payload.value("session", json::object())},
                      {"ended", {{"reason", ended.reason}, {"detail", ended.detail}}},
                      {"interrupted", interrupted ? json(interrupted->reason) : json(nullptr)}}
                     .dump());
    });
  }

  LiveSocket& socket_;
  WebApp& app_;
  std::string user_;
  std::string language_;
  bool closed_ = false;
  std::shared_ptr<Run> run_;
  std::thread capture_;
};

}  // namespace

std::shared_ptr<LiveHandler> make_live_spirometry(LiveSocket& socket, WebApp& app,
                                                  const json& who) {
  return std::make_shared<LiveSpirometry>(socket, app, who);
}

}  // namespace odyo::station::web
