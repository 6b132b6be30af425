#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include "station/devices/spirometry_capture.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "acquisition/journal/journal_replay.hpp"
#include "acquisition/journal/journal_writer.hpp"
#include "acquisition/journal/sqlite_journal.hpp"
#include "analysis/core/error_text.hpp"
#include "station/devices/device_transport.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

Result<SpirometryCaptureOutcome> capture_spirometry(const SpirometryCaptureOptions& o) {
  boost::asio::io_context io;
  std::unique_ptr<drivers::UsbContext> usb;
  std::unique_ptr<drivers::ByteTransport> transport;
  acquisition::JournalReplayTransport* replay = nullptr;
  std::unique_ptr<acquisition::JournalSink> sink;
  if (o.replay_session) {
    auto data = acquisition::read_journal(o.journal_file, *o.replay_session);
    if (!data) return data.error();
    if (data->chunks.empty())
      return make_errorf("journal_session_empty",
                         "raw journal {} session {} holds no bytes: nothing to store",
                         o.journal_file.string(), *o.replay_session);
    auto t = std::make_unique<acquisition::JournalReplayTransport>(
        io, std::move(*data),
        "journal:" + o.journal_file.string() + "#" + std::to_string(*o.replay_session));
    replay = t.get();
    transport = std::move(t);
    sink = std::make_unique<acquisition::ReplayJournalSink>(*o.replay_session);
  } else {
    TransportOptions to;
    to.flow = &o.device_profile;
    auto t = make_transport(o.uri, io, to, usb);
    if (!t) return t.error();
    transport = std::move(*t);
    std::error_code ec;
    if (o.journal_file.has_parent_path())
      std::filesystem::create_directories(o.journal_file.parent_path(), ec);
    auto j = acquisition::SqliteJournal::open(o.journal_file);
    if (!j) return j.error();
    sink = std::move(*j);
  }
  acquisition::JournalWriter writer(*sink);
  writer.start();

  auto guard = boost::asio::make_work_guard(io);
  std::thread io_thread([&io] { io.run(); });
  const auto shut_down = [&] {
    guard.reset();
    io.stop();
    io_thread.join();
  };

  SpirometryCaptureOutcome out;
  out.started_at = o.started_at.empty() ? utc_now_iso() : o.started_at;
  acquisition::FlowSession session(io, std::move(transport),
                                   drivers::FlowStreamDriver(o.device_profile), writer, o.meta);
  std::mutex log_mu;
  session.set_status_callback([&](const acquisition::SessionStatus& s) {
    if (!o.log) return;
    std::lock_guard lock(log_mu);
    o.log(std::string("[") + acquisition::to_string(s.state) + "] " + s.message);
  });
  if (auto st = session.start(); !st) {
    shut_down();
    writer.stop();
    return st.error();
  }
  const auto journal_event = [&](const char* kind, std::string detail) {
    acquisition::JournalEvent e;
    e.session_id = session.journal_session_id();
    e.utc_ns = acquisition::utc_now_ns();
    e.kind = kind;
    e.detail = std::move(detail);
    writer.submit_event(std::move(e));
  };
  if (!o.journal_note.empty()) journal_event("capture_options", o.journal_note);

  acquisition::ManoeuvreSegmenter segmenter;
  auto last_data = std::chrono::steady_clock::now();
  std::size_t reported = 0;
  const auto report = [&] {
    for (; reported < out.manoeuvres.size(); ++reported) {
      if (!o.on_manoeuvre) continue;
      std::lock_guard lock(log_mu);
      o.on_manoeuvre(out.manoeuvres[reported], reported);
    }
  };
  const auto drain = [&] {
    while (auto block = session.analysis_queue().pop()) {
      out.samples += block->samples.size();
      segmenter.push(block->samples, out.manoeuvres);
      if (o.on_samples) o.on_samples(*block, segmenter.in_manoeuvre());
      last_data = std::chrono::steady_clock::now();
    }
    if (segmenter.in_manoeuvre() &&
        std::chrono::steady_clock::now() - last_data > std::chrono::seconds(1))
      segmenter.end_of_stream(out.manoeuvres);
    report();
  };
  const bool timed = o.seconds > 0 && !replay;
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.seconds);
  bool gone = false;
  auto gone_since = std::chrono::steady_clock::now();
  for (;;) {
    drain();
    if (replay) {
      if (replay->finished()) {
        out.ended = {"replayed", "every journaled byte was replayed"};
        break;
      }
    } else {
      if (o.enough && o.enough(out.manoeuvres.size())) {
        out.ended = {"complete", "the planned manoeuvres were recorded"};
        break;
      }
      if (o.stop && o.stop()) {
        out.ended = {"stopped", "stopped by the technician (Ctrl-C)"};
        break;
      }
      if (timed && std::chrono::steady_clock::now() >= until) {
        std::ostringstream os;
        os << "the time limit of " << o.seconds << " s ran out";
        out.ended = {"time_limit", os.str()};
        break;
      }
      const auto st = session.status();
      if (st.state == acquisition::SessionState::unplugged) {
        const auto now = std::chrono::steady_clock::now();
        if (!gone) {
          gone = true;
          gone_since = now;
          if (o.log && o.device_return_timeout_s > 0) {
            std::ostringstream os;
            os << "the device is gone; waiting up to " << o.device_return_timeout_s
               << " s for it to come back";
            std::lock_guard lock(log_mu);
            o.log(os.str());
          }
        } else if (o.device_return_timeout_s > 0 &&
                   now - gone_since > std::chrono::duration<double>(o.device_return_timeout_s)) {
          std::ostringstream os;
          os << "the device (" << o.uri << ") was unplugged and did not come back within "
             << o.device_return_timeout_s << " s (" << st.message << ")";
          out.ended = {"device_lost", os.str()};
          break;
        }
      } else {
        gone = false;
      }
    }
    // 5 ms: a live view gets each block within 5 ms of the analysis queue (20 ms cost the live
    // page a fifth of its latency budget); an empty drain is a few atomic loads.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  session.stop();
  drain();
  segmenter.end_of_stream(out.manoeuvres);
  report();
  if (!replay) {
    nlohmann::json ended{{"reason", out.ended.reason}, {"detail", out.ended.detail}};
    journal_event("ended", ended.dump());
  }
  writer.flush();
  out.counters = session.counters();
  out.journal_session = session.journal_session_id();
  shut_down();
  writer.stop();
  return out;
}

Result<RecordedExam> store_spirometry_capture(Database& db, const StationConfig& cfg,
                                              const spirometry::ReferenceTables& tables,
                                              const Worker& worker,
                                              const SpirometryCaptureOutcome& cap,
                                              const profile::FlowStreamProfile& device_profile,
                                              const SpirometryStoreOptions& o,
                                              const std::string& actor) {
  if (cap.manoeuvres.empty()) {
    return make_errorf("no_manoeuvre",
                       "no manoeuvre was recorded, so there is nothing to analyse; the raw bytes "
                       "are kept in the journal (session {})",
                       cap.journal_session);
  }
  SpirometryCapture capture;
  for (const auto& m : cap.manoeuvres) {
    std::vector<double> f;
    f.reserve(m.samples.size());
    for (const auto& s : m.samples) f.push_back(s.flow_lps);
    capture.manoeuvres_flow_lps.push_back(std::move(f));
  }
  capture.sample_rate_hz = device_profile.sample_rate_hz;
  capture.ambient_temp_c = o.ambient_temp_c;
  capture.ambient_pressure_kpa = o.ambient_pressure_kpa;
  capture.ambient_humidity_pct = o.ambient_humidity_pct;
  capture.device_id = o.device_id;
  capture.profile = device_profile.device.id;
  capture.raw_source =
      "journal:" + o.journal_file.string() + "#" + std::to_string(cap.journal_session);
  capture.started_at = cap.started_at;
  capture.technician = o.technician;
  capture.interrupted_reason = o.interrupted_reason;
  capture.interrupted_detail = o.interrupted_detail;
  return record_spirometry_exam(db, cfg, tables, worker, capture, actor);
}

}  // namespace odyo::station
