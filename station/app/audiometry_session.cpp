#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include "station/app/audiometry_session.hpp"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "acquisition/audiometry/search_runner.hpp"
#include "acquisition/devices/fipp_audiometer_control.hpp"
#include "acquisition/journal/journal_writer.hpp"
#include "acquisition/journal/sqlite_journal.hpp"
#include "analysis/core/error_text.hpp"
#include "drivers/fipp/fipp_driver.hpp"
#include "drivers/transport/serial_transport.hpp"
#include "station/audiometry/report.hpp"
#include "station/devices/simulator.hpp"
#include "station/exams/audiometry_exam.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

namespace fs = std::filesystem;
using nlohmann::json;

Result<audiometry::SearchParams> search_params_from(const std::vector<std::string>& ears,
                                                    const std::vector<int>& frequencies_hz,
                                                    int tone_ms, int gap_ms, bool no_retest) {
  audiometry::SearchParams params;
  params.ears.clear();
  for (const auto& e : ears) {
    if (e == "right") {
      params.ears.push_back(audiometry::Ear::right);
    } else if (e == "left") {
      params.ears.push_back(audiometry::Ear::left);
    } else {
      return make_errorf("bad_ear", "--ears takes right and/or left, not '{}'", e);
    }
  }
  if (params.ears.empty()) return make_error("bad_ear", "--ears names no ear");
  if (!frequencies_hz.empty()) {
    params.high_frequencies_hz.clear();
    params.low_frequencies_hz.clear();
    for (int f : frequencies_hz)
      (f >= 1000 ? params.high_frequencies_hz : params.low_frequencies_hz).push_back(f);
    if (params.high_frequencies_hz.empty() || params.high_frequencies_hz.front() != 1000)
      return make_error("bad_frequencies",
                        "--frequencies must start with 1000 Hz among those from 1000 Hz up (the "
                        "search starts there)");
  }
  if (tone_ms > 0) {
    params.tone_duration = std::chrono::milliseconds(tone_ms);
    params.response_window = std::chrono::milliseconds(tone_ms + 500);
  }
  if (gap_ms > 0) {
    params.gap_min = std::chrono::milliseconds(gap_ms);
    params.gap_max = std::chrono::milliseconds(gap_ms * 2);
  }
  if (no_retest) params.retest_1k = false;
  return params;
}

std::optional<Error> unstorable_plan(const audiometry::SearchParams& plan,
                                     const std::vector<int>& speech_frequencies_hz) {
  for (audiometry::Ear e : {audiometry::Ear::right, audiometry::Ear::left}) {
    if (std::find(plan.ears.begin(), plan.ears.end(), e) == plan.ears.end())
      return make_errorf("bad_ears",
                         "the {} ear is not in --ears: a stored exam needs both ears (use "
                         "--no-store to test one ear without storing)",
                         std::string(audiometry::to_string(e)));
  }
  const auto& hi = plan.high_frequencies_hz;
  const auto& lo = plan.low_frequencies_hz;
  for (int f : speech_frequencies_hz) {
    if (std::find(hi.begin(), hi.end(), f) == hi.end() &&
        std::find(lo.begin(), lo.end(), f) == lo.end())
      return make_errorf("bad_frequencies",
                         "{} Hz is missing from --frequencies: the exam's speech-frequency "
                         "average ([audiometry].speech_frequencies_hz) needs it",
                         f);
  }
  return std::nullopt;
}

void AudioSearchControl::pause() {
  std::lock_guard lock(mu_);
  pause_ = true;
  stop_.request_stop();
}

void AudioSearchControl::resume() {
  {
    std::lock_guard lock(mu_);
    pause_ = false;
  }
  cv_.notify_all();
}

void AudioSearchControl::abort() {
  {
    std::lock_guard lock(mu_);
    abort_ = true;
    stop_.request_stop();
  }
  cv_.notify_all();
}

bool AudioSearchControl::paused() const {
  std::lock_guard lock(mu_);
  return pause_;
}

bool AudioSearchControl::aborted() const {
  std::lock_guard lock(mu_);
  return abort_;
}

// The pause / resume / abort loop around run_search (a friend of AudioSearchControl).
class AudioSearchLoop {
 public:
  static Result<AudioSearchRun> run(audiometry::AudiometerControl& device,
                                    const audiometry::SearchParams& params,
                                    AudioSearchControl* control, const AudioSearchHooks& hooks) {
    audiometry::ThresholdSearch search(
        params,
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::size_t outcomes = 0;
    const audiometry::PresentationObserver observe = [&](const audiometry::Presentation& p,
                                                         bool responded) {
      const auto& r = search.result();
      if (hooks.on_presentation) hooks.on_presentation(p, responded, r);
      for (; outcomes < r.outcomes.size(); ++outcomes)
        if (hooks.on_threshold) hooks.on_threshold(r.outcomes[outcomes], r);
    };
    AudioSearchRun out;
    using State = audiometry::ThresholdSearch::State;
    while (search.state() == State::running || search.state() == State::paused) {
      std::stop_token token;
      bool hold = false;
      if (control != nullptr) {
        std::lock_guard lock(control->mu_);
        hold = control->pause_ || control->abort_;
        if (!hold) {
          control->stop_ = std::stop_source();
          token = control->stop_.get_token();
        }
      }
      if (!hold) {
        if (auto r = audiometry::run_search(search, device, token, observe); !r) return r.error();
        if (search.state() != State::paused) break;  // finished
      } else {
        search.pause();
      }
      if (control == nullptr) break;  // cannot happen: nothing pauses without a control
      if (hooks.on_paused) hooks.on_paused(true);
      bool abort = false;
      {
        std::unique_lock lock(control->mu_);
        control->cv_.wait(lock, [&] { return !control->pause_ || control->abort_; });
        abort = control->abort_;
      }
      if (abort) {
        search.abort();
        out.aborted = true;
        break;
      }
      search.resume();
      if (hooks.on_paused) hooks.on_paused(false);
    }
    out.result = search.result();
    out.aborted = out.aborted || search.state() == State::aborted;
    return out;
  }
};

Result<AudioSearchRun> run_audiometry_search(audiometry::AudiometerControl& device,
                                             audiometry::SearchParams params,
                                             AudioSearchControl* control,
                                             const AudioSearchHooks& hooks) {
  if (auto r = audiometry::apply_device_limits(params, device); !r) return r.error();
  return AudioSearchLoop::run(device, params, control, hooks);
}

Result<FippSearchCaptured> capture_fipp_search(const FippSearchPlan& plan,
                                               const AudioSearchHooks& hooks,
                                               AudioSearchControl* control) {
  // Refuse before the first tone what could not be stored after the last.
  if (!plan.no_store) {
    if (auto lacks = unstorable_plan(plan.params, plan.speech_frequencies_hz)) return *lacks;
  }
  const fs::path& jfile = plan.journal_file;
  const fs::path work_dir = jfile.parent_path().empty() ? fs::path(".") : jfile.parent_path();
  FippSearchCaptured out;
  out.uri = plan.uri;
  std::optional<RunningSimulator> sim;
  if (plan.uri.rfind("sim:", 0) == 0) {
    const std::string name = plan.uri.substr(4);
    auto s = start_simulator({name, plan.devsim, plan.profile_file, work_dir, {}});
    if (!s) return s.error();
    if (hooks.on_simulator) hooks.on_simulator(name, s->uri);
    out.uri = s->uri;
    sim.emplace(std::move(*s));
  }

  boost::asio::io_context io;
  drivers::IoError why;
  auto serial = drivers::parse_serial_uri(out.uri, &why);
  if (!serial) return Error{why.code, why.message};  // drivers' text
  if (out.uri.find("baud=") == std::string::npos) serial->baud_rate = plan.fipp.serial.baud;
  serial->assert_dtr_rts = false;  // frye-fipp.md §1: do not depend on DTR/RTS
  drivers::SerialTransport port(io, *serial);
  std::error_code ec;
  if (!jfile.parent_path().empty()) fs::create_directories(jfile.parent_path(), ec);
  auto sink = acquisition::SqliteJournal::open(jfile);
  if (!sink) return sink.error();
  acquisition::JournalWriter writer(**sink);
  writer.start();
  auto sid =
      writer.begin_session({plan.device_id, "fipp", out.uri, plan.fipp.device.id, plan.worker});
  if (!sid) {
    writer.stop();
    return sid.error();
  }
  out.journal_session = *sid;
  auto guard = boost::asio::make_work_guard(io);
  std::thread io_thread([&io] { io.run(); });
  drivers::FippDriver driver(port, plan.fipp);
  std::uint64_t seq = 0;
  driver.set_raw_tap([&](std::span<const std::uint8_t> b, drivers::IoClock::time_point t) {
    writer.submit(acquisition::raw_chunk(*sid, seq++, b, t));
  });
  // The audiometer is released (and the journal flushed) before anything is stored.
  const auto finish = [&] {
    driver.close();
    guard.reset();
    io.stop();
    io_thread.join();
    writer.stop();
  };
  out.started_at = utc_now_iso();
  if (auto st = driver.open(); !st) {
    finish();
    return Error{st.error().code, st.error().message};
  }
  auto device = acquisition::FippAudiometerControl::connect(driver);
  if (!device) {
    finish();
    return device.error();
  }
  out.model = (*device)->model();
  auto run = run_audiometry_search(**device, plan.params, control, hooks);
  finish();
  if (!run) return run.error();
  out.run = std::move(*run);
  return out;
}

namespace {

void mark_journal(const fs::path& jfile, std::int64_t session, const char* kind,
                  const json& detail) {
  acquisition::JournalEvent e;
  e.session_id = session;
  e.utc_ns = acquisition::utc_now_ns();
  e.kind = kind;
  e.detail = detail.dump();
  (void)acquisition::append_session_event(jfile, e);  // the raw bytes are there either way
}

}  // namespace

Result<std::optional<RecordedExam>> store_fipp_search(const FippSearchPlan& plan,
                                                      const FippSearchCaptured& captured,
                                                      const AudioStoreTarget& target) {
  const auto& result = captured.run.result;
  if (captured.run.aborted) {
    const json details{{"worker", plan.worker},
                       {"device", plan.device_id},
                       {"journal", plan.journal_file.string()},
                       {"journal_session", captured.journal_session},
                       {"presentations", result.presentations},
                       {"thresholds_found", result.outcomes.size()}};
    mark_journal(plan.journal_file, captured.journal_session, "aborted", details);
    if (target.db != nullptr) {
      std::optional<std::int64_t> worker_id;
      if (target.worker != nullptr) worker_id = target.worker->id;
      if (auto a = audit_append(*target.db, {target.actor, "audiometry.aborted", "workers",
                                             worker_id, details.dump()});
          !a)
        return a.error();
    }
    return std::optional<RecordedExam>();
  }
  if (plan.no_store) {
    mark_journal(plan.journal_file, captured.journal_session, "no_store", json::object());
    return std::optional<RecordedExam>();
  }
  AudiometryMeta meta;
  meta.device_id = plan.device_id;
  meta.started_at = captured.started_at;
  meta.technician = plan.technician;
  meta.note = "FIPP " + captured.model + " (" + captured.uri + "), profile " + plan.fipp.device.id +
              (plan.fipp.device.verified ? "" : " (not verified)") +
              ", raw journal:" + plan.journal_file.string() + "#" +
              std::to_string(captured.journal_session);
  auto e =
      record_audiometry_exam(*target.db, *target.cfg, *target.worker, result, meta, target.actor);
  if (!e) {
    mark_journal(plan.journal_file, captured.journal_session, "store_failed",
                 json{{"error", e.error().message}});
    return e.error();
  }
  mark_journal(plan.journal_file, captured.journal_session, "stored", json{{"exam", e->exam_id}});
  return std::optional<RecordedExam>(std::move(*e));
}

}  // namespace odyo::station
