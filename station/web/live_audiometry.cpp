// Live audiometry over a WebSocket (issue 15, "live audiometry (search progress per frequency,
// the audiogram filling in, pause and abort)"): GET /api/live/audiometry upgraded, with the same
// access rules as live spirometry (technician; session cookie, ?csrf=, Origin: live_upgrade in
// station/web/web_app.cpp), ws:// or wss:// (station/web/live_socket). Then:
//
//   page → server  {"type":"start", "worker":"REGISTRY", "device":"ID" (a configured FIPP
//                    audiometer; else the first), "frequencies":[1000,…] (as --frequencies),
//                    "tone_ms", "gap_ms", "no_retest"}   (optional ones as `acquire audio`'s)
//                  {"type":"pause"}  {"type":"resume"}  {"type":"abort"}
//   server → page  {"type":"started", worker, device, plan{ears, frequencies_hz, retest_1k}}
//                  {"type":"presentation", ear, frequency_hz, level_db_hl, catch_trial,
//                    responded, presentations}  after each presentation
//                  {"type":"threshold", ear, frequency_hz, level_db_hl, no_response,
//                    inconsistent, retest, presentations, audiogram_svg}  after each frequency:
//                    the audiogram so far drawn by the station's drawing code (station/charts,
//                    ASHA symbols, the exam page's picture)
//                  {"type":"paused"}  {"type":"resumed"}
//                  {"type":"aborted", journal, journal_session}  nothing stored (audited)
//                  {"type":"done", exam, model, thresholds, summary}  stored as `acquire audio`
//                    stores it, awaiting review
//                  {"type":"error", code, message}  in the session's language
//
// The session is the command line's: station/app/audiometry_session (capture_fipp_search →
// store_fipp_search). A page that goes away aborts its search (nothing stored).
// Threading: the WebSocket and the store run on the server's io_context thread (the Database's);
// the search runs on a thread of its own and posts to it.
#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include <boost/asio.hpp>
#include <memory>
#include <optional>
#include <thread>

#include "analysis/core/error_text.hpp"
#include "station/app/audiometry_session.hpp"
#include "station/app/daily_checks.hpp"
#include "station/audiometry/report.hpp"
#include "station/charts/charts.hpp"
#include "station/config/config.hpp"
#include "station/devices/profiles.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"
#include "station/web/live_socket.hpp"
#include "station/web/web_app.hpp"

namespace odyo::station::web {

namespace asio = boost::asio;
namespace au = audiometry;
using nlohmann::json;

namespace {

std::string ear_name(au::Ear e) {
  return std::string(au::to_string(e));
}

// One live search's state shared by the search thread and the WebSocket's thread: set before the
// search starts and read-only after, except the control (thread-safe).
struct AudioRun {
  FippSearchPlan plan;
  Worker worker;
  const StationConfig* cfg = nullptr;
  std::string actor;
  bool turkish = false;
  AudioSearchControl control;
};

class LiveAudiometry : public LiveHandler, public std::enable_shared_from_this<LiveAudiometry> {
 public:
  LiveAudiometry(LiveSocket& socket, WebApp& app, const json& who)
      : socket_(socket),
        app_(app),
        user_(who.value("username", std::string())),
        language_(who.value("language", std::string("tr"))) {}

  ~LiveAudiometry() override {
    // The page is gone: the search is aborted (nothing stored; the abort is still audited).
    if (run_) run_->control.abort();
    if (search_.joinable()) search_.join();
  }
  LiveAudiometry(const LiveAudiometry&) = delete;
  LiveAudiometry& operator=(const LiveAudiometry&) = delete;

  void on_closed() override {
    closed_ = true;
    if (run_) run_->control.abort();
  }

  void on_message(const json& msg) override {
    const std::string type = msg.is_object() && msg.contains("type") && msg["type"].is_string()
                                 ? msg["type"].get<std::string>()
                                 : std::string();
    if (type == "pause" || type == "resume" || type == "abort") {
      if (!run_) return fail(make_error("live_idle", "no audiometry is running on this page"));
      if (type == "pause") run_->control.pause();
      if (type == "resume") run_->control.resume();
      if (type == "abort") run_->control.abort();
      return;
    }
    if (type != "start") {
      return fail(make_error("bad_message",
                             "send {\"type\":\"start\",\"worker\":…}, pause, resume or abort"));
    }
    if (run_) return fail(make_error("live_busy", "an audiometry is already running on this page"));
    auto run = prepare(msg);
    if (!run) return fail(run.error());
    run_ = std::move(*run);
    const auto& p = run_->plan.params;
    json freqs = json::array();
    for (int f : p.high_frequencies_hz) freqs.push_back(f);
    for (int f : p.low_frequencies_hz) freqs.push_back(f);
    json ears = json::array();
    for (auto e : p.ears) ears.push_back(ear_name(e));
    send(json{{"type", "started"},
              {"worker",
               {{"registry_no", run_->worker.registry_no},
                {"name", run_->worker.first_name + " " + run_->worker.last_name}}},
              {"device", run_->plan.device_id},
              {"plan", {{"ears", ears}, {"frequencies_hz", freqs}, {"retest_1k", p.retest_1k}}}}
             .dump());
    std::weak_ptr<LiveAudiometry> weak = shared_from_this();
    search_ = std::thread([run = run_, weak, exec = socket_.executor(), &app = app_] {
      search(run, weak, exec, app);
    });
  }

 private:
  void send(std::string text) {
    if (!closed_) socket_.send(std::move(text));
  }

  void fail(const Error& e) {
    if (!closed_) socket_.fail(e);
  }

  // Everything the search needs, checked before any device is opened.
  Result<std::shared_ptr<AudioRun>> prepare(const json& msg) {
    const auto text = [&](const char* key) {
      return msg.contains(key) && msg[key].is_string() ? msg[key].get<std::string>()
                                                       : std::string();
    };
    const auto integer = [&](const char* key) -> Result<int> {
      if (!msg.contains(key) || msg[key].is_null()) return 0;
      if (!msg[key].is_number_integer() || msg[key].get<int>() < 0)
        return make_errorf("bad_message", "{} must be a whole number of milliseconds", key);
      return msg[key].get<int>();
    };
    auto run = std::make_shared<AudioRun>();
    const StationConfig& cfg = app_.config();
    run->cfg = &cfg;
    run->actor = user_;
    run->turkish = language_ == "tr";
    const std::string registry = text("worker");
    auto w = find_worker(app_.db(), registry);
    if (!w) {
      return make_errorf("unknown_worker", "worker '{}' is not registered: register them first",
                         registry);
    }
    run->worker = *w;
    // Today's passed listening check of this audiometer first, as for `acquire audio`.
    auto chosen = device_for_test(app_.db(), cfg, "fipp", text("device"), qc::kListeningCheck);
    if (!chosen) return chosen.error();
    const DeviceConfig* device = *chosen;
    std::vector<int> frequencies;
    if (msg.contains("frequencies")) {
      if (!msg["frequencies"].is_array())
        return make_error("bad_message", "frequencies must be a list of Hz");
      for (const auto& f : msg["frequencies"]) {
        if (!f.is_number_integer()) return make_error("bad_message", "frequencies must be Hz");
        frequencies.push_back(f.get<int>());
      }
    }
    auto tone_ms = integer("tone_ms");
    if (!tone_ms) return tone_ms.error();
    auto gap_ms = integer("gap_ms");
    if (!gap_ms) return gap_ms.error();
    const bool no_retest =
        msg.contains("no_retest") && msg["no_retest"].is_boolean() && msg["no_retest"].get<bool>();
    auto params = search_params_from({"right", "left"}, frequencies, *tone_ms, *gap_ms, no_retest);
    if (!params) return params.error();
    const std::string prof_name = device->profile.empty() ? "frye-fa12" : device->profile;
    auto prof = load_device_profile(cfg.config_dir, prof_name);
    if (!prof) return prof.error();
    const auto* fipp = std::get_if<profile::FippProfile>(&*prof);
    if (fipp == nullptr) {
      return make_errorf("profile_wrong_family",
                         "{} is not a FIPP audiometer profile: give an audiometer profile",
                         prof_name);
    }
    auto& plan = run->plan;
    plan.device_id = device->id;
    plan.uri = device->uri;
    plan.fipp = *fipp;
    plan.profile_file = cfg.config_dir / "devices" / (prof_name + ".toml");
    plan.journal_file =
        std::filesystem::absolute(app_.db().file()).parent_path() / "raw-journal.db";
    plan.worker = run->worker.registry_no;
    plan.params = *params;
    plan.speech_frequencies_hz = cfg.speech_frequencies_hz;
    plan.technician = user_;
    if (auto lacks = unstorable_plan(plan.params, plan.speech_frequencies_hz)) return *lacks;
    return run;
  }

  // The search thread: the command line's search, each step posted to the page; then the store
  // (or the abort's record) posted to the Database's thread, done even when the page has gone.
  static void search(const std::shared_ptr<AudioRun>& run,
                     const std::weak_ptr<LiveAudiometry>& weak, const asio::any_io_executor& exec,
                     WebApp& app) {
    const auto post = [&](json msg) {
      asio::post(exec, [weak, text = msg.dump()]() mutable {
        if (auto self = weak.lock()) self->send(std::move(text));
      });
    };
    AudioSearchHooks hooks;
    hooks.on_presentation = [&](const au::Presentation& p, bool responded,
                                const au::SearchResult& r) {
      post({{"type", "presentation"},
            {"ear", ear_name(p.ear)},
            {"frequency_hz", p.frequency_hz},
            {"level_db_hl", p.level_db_hl},
            {"catch_trial", p.catch_trial},
            {"responded", responded},
            {"presentations", r.presentations}});
    };
    hooks.on_threshold = [&](const au::FrequencyOutcome& o, const au::SearchResult& r) {
      const charts::ChartText text{
          run->turkish,
          run->worker.registry_no + " " + run->worker.first_name + " " + run->worker.last_name};
      post({{"type", "threshold"},
            {"ear", ear_name(o.ear)},
            {"frequency_hz", o.frequency_hz},
            {"level_db_hl", o.level_db_hl},
            {"no_response", o.no_response},
            {"inconsistent", o.inconsistent},
            {"retest", o.retest},
            {"presentations", o.presentations},
            {"audiogram_svg", charts::audiogram_svg(r.audiogram, text)}});
    };
    hooks.on_paused = [&](bool paused) { post({{"type", paused ? "paused" : "resumed"}}); };
    auto captured = capture_fipp_search(run->plan, hooks, &run->control);
    asio::post(exec, [run, weak, captured = std::move(captured), &app] {
      auto self = weak.lock();
      if (!captured) {
        if (self) self->fail(captured.error());
        return;
      }
      AudioStoreTarget target{&app.db(), run->cfg, &run->worker, run->actor};
      auto stored = store_fipp_search(run->plan, *captured, target);
      if (!self) return;
      if (!stored) return self->fail(stored.error());
      if (captured->run.aborted) {
        return self->send(json{{"type", "aborted"},
                               {"journal", run->plan.journal_file.string()},
                               {"journal_session", captured->journal_session}}
                              .dump());
      }
      const auto& exam = **stored;
      self->send(json{{"type", "done"},
                      {"exam", exam.exam_id},
                      {"model", captured->model},
                      {"thresholds", search_outcomes_json(captured->run.result)},
                      {"summary", exam.payload.value("summary", json::object())}}
                     .dump());
    });
  }

  LiveSocket& socket_;
  WebApp& app_;
  std::string user_;
  std::string language_;
  bool closed_ = false;
  std::shared_ptr<AudioRun> run_;
  std::thread search_;
};

// GET /api/live/devices: the configured devices a live page may run, by kind.
Reply live_devices(WebApp& app, const Call&) {
  json spirometers = json::array(), audiometers = json::array();
  for (const auto& d : app.config().devices) {
    const json j{{"id", d.id}, {"uri", d.uri}, {"profile", d.profile}};
    if (d.driver == "flowstream") spirometers.push_back(j);
    if (d.driver == "fipp") audiometers.push_back(j);
  }
  return Reply{200, json{{"spirometers", spirometers}, {"audiometers", audiometers}}, {}};
}

}  // namespace

std::shared_ptr<LiveHandler> make_live_audiometry(LiveSocket& socket, WebApp& app,
                                                  const json& who) {
  return std::make_shared<LiveAudiometry>(socket, app, who);
}

std::vector<Route> live_audiometry_routes() {
  return {
      {"GET",
       "/api/live/audiometry",
       {"technician"},
       "run live audiometry",
       [](WebApp& app, const Call& c) { return live_upgrade(app, c, "audiometry"); }},
      {"GET", "/api/live/devices", {"technician"}, "run live tests", live_devices},
  };
}

}  // namespace odyo::station::web
