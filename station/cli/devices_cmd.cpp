// odyospiro devices — the drivers the station has and the devices plugged in.
// odyospiro acquire spiro|audio — one acquisition session without the web UI.
//
//   odyospiro devices [--json]
//   odyospiro acquire spiro --device URI --worker ID [--profile NAME] [--seconds S]
//                          [--journal FILE] [--json]
//     URI: serial:/dev/ttyUSB0 | serial:usb:VID:PID[:SERIAL] | usb:VID:PID[:SERIAL]. Records the
//     raw bytes to the raw journal (default: raw-journal.db next to the station database),
//     cuts the flow into manoeuvres and prints them; stops after S seconds or on Ctrl-C.
//   odyospiro acquire audio --device URI --worker ID [--profile NAME] [--ears right,left]
//                          [--frequencies 1000,2000,...] [--journal FILE] [--json]
//     Runs the automated threshold search on a FIPP audiometer and prints the thresholds.
//
// A simulated device for either: `devsim spiro --profile config/devices/sfm3000-serial.toml
// --link /tmp/odyo-spiro` in another terminal, then --device serial:/tmp/odyo-spiro.
#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include <toml++/toml.h>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <csignal>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "acquisition/audiometry/search_runner.hpp"
#include "acquisition/devices/fipp_audiometer_control.hpp"
#include "acquisition/journal/journal_writer.hpp"
#include "acquisition/journal/sqlite_journal.hpp"
#include "acquisition/segmentation/manoeuvre_segmenter.hpp"
#include "acquisition/session/flow_session.hpp"
#include "drivers/fipp/fipp_driver.hpp"
#include "drivers/profile/toml_tree.hpp"
#include "drivers/registry.hpp"
#include "drivers/transport/serial_transport.hpp"
#include "drivers/transport/usb_transport.hpp"
#include "station/cli/acquire_options.hpp"
#include "station/cli/context.hpp"
#include "station/devices/profiles.hpp"

namespace odyo::station {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

volatile std::sig_atomic_t g_interrupted = 0;  // written only by the signal handler
extern "C" void on_interrupt(int) {
  g_interrupted = 1;
}

fs::path profiles_dir(CliContext& ctx) {
  if (auto c = ctx.config();
      c && !(*c)->config_dir.empty() && fs::is_directory((*c)->config_dir / "devices"))
    return (*c)->config_dir / "devices";
  return fs::path(ODYO_SOURCE_DIR) / "config" / "devices";
}

Result<profile::Profile> load_profile(CliContext& ctx, const std::string& name) {
  return load_device_profile(profiles_dir(ctx).parent_path(), name);
}

std::vector<drivers::KnownUsbId> known_usb_ids(CliContext& ctx) {
  std::vector<drivers::KnownUsbId> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(profiles_dir(ctx), ec)) {
    if (e.path().extension() != ".toml") continue;
    auto p = load_profile(ctx, e.path().string());
    if (!p) continue;
    if (auto* f = std::get_if<profile::FlowStreamProfile>(&*p)) {
      if (f->usb.vendor_id)
        out.push_back({f->usb.vendor_id, f->usb.product_id, f->device.id, "flowstream"});
      if (f->serial.usb_vendor_id && f->serial.usb_product_id)
        out.push_back(
            {*f->serial.usb_vendor_id, *f->serial.usb_product_id, f->device.id, "flowstream"});
    }
  }
  return out;
}

fs::path default_journal(CliContext& ctx) {
  fs::path db = "var/odyospiro.db";
  if (auto c = ctx.config(); c && !(*c)->database.empty()) db = (*c)->database;
  if (!ctx.opts.db_path.empty()) db = ctx.opts.db_path;
  return db.parent_path() / "raw-journal.db";
}

int run_devices(CliContext& ctx) {
  drivers::IoError why;
  auto usb = drivers::UsbContext::create(&why);
  const auto found = drivers::discover_devices(usb.get(), known_usb_ids(ctx));
  json j;
  j["drivers"] = json::array();
  for (const auto& d : drivers::driver_registry())
    j["drivers"].push_back({{"name", d.name},
                            {"description", d.description},
                            {"capabilities", drivers::capabilities_text(d.capabilities)},
                            {"uri_schemes", d.uri_schemes},
                            {"profile_family", d.profile_family},
                            {"session_available", d.session_available}});
  j["configured"] = json::array();
  if (auto c = ctx.config(); c)
    for (const auto& d : (*c)->devices)
      j["configured"].push_back({{"id", d.id},
                                 {"kind", d.kind},
                                 {"driver", d.driver},
                                 {"uri", d.uri},
                                 {"profile", d.profile}});
  j["discovered"] = json::array();
  for (const auto& d : found)
    j["discovered"].push_back({{"uri", d.uri},
                               {"description", d.description},
                               {"profile", d.profile},
                               {"driver", d.driver}});
  if (!usb) j["usb_error"] = why.message;
  if (ctx.json()) {
    ctx.out() << j.dump(2) << "\n";
    return 0;
  }
  auto& o = ctx.out();
  o << ctx.tr("Sürücüler:", "Drivers:") << "\n";
  for (const auto& d : drivers::driver_registry())
    o << "  " << d.name << " — " << drivers::capabilities_text(d.capabilities)
      << (d.session_available ? "" : ctx.tr(" (yalnız kodek)", " (codec only)")) << "\n    "
      << d.description << "\n";
  o << ctx.tr("Yapılandırılmış cihazlar:", "Configured devices:") << "\n";
  for (const auto& d : j["configured"])
    o << "  " << d["id"].get<std::string>() << "  " << d["driver"].get<std::string>() << "  "
      << d["uri"].get<std::string>() << "\n";
  o << ctx.tr("Bulunan cihazlar:", "Devices found:") << "\n";
  if (found.empty()) o << ctx.tr("  (yok)\n", "  (none)\n");
  for (const auto& d : found)
    o << "  " << d.uri << "  " << d.description
      << (d.profile.empty() ? "" : "  → " + d.driver + " / " + d.profile) << "\n";
  if (!usb) o << "  USB: " << why.message << "\n";
  return 0;
}

// The transport for a URI (serial or USB). `usb_ctx` is created on demand.
Result<std::unique_ptr<drivers::ByteTransport>> make_transport(
    const std::string& uri, boost::asio::io_context& io, const profile::FlowStreamProfile* flow,
    std::unique_ptr<drivers::UsbContext>& usb_ctx) {
  drivers::IoError why;
  if (uri.rfind("serial:", 0) == 0) {
    auto s = drivers::parse_serial_uri(uri, &why);
    if (!s) return make_error(why.code, why.message);
    if (flow && uri.find("baud=") == std::string::npos) s->baud_rate = flow->serial.baud;
    return std::unique_ptr<drivers::ByteTransport>(
        std::make_unique<drivers::SerialTransport>(io, *s));
  }
  if (uri.rfind("usb:", 0) == 0) {
    auto s = drivers::parse_usb_uri(uri, &why);
    if (!s) return make_error(why.code, why.message);
    if (flow) {
      s->interface_number = flow->usb.interface_number;
      s->endpoint_in = flow->usb.endpoint_in;
      s->endpoint_out = flow->usb.endpoint_out;
      s->transfer_bytes = flow->usb.transfer_bytes;
    }
    if (!usb_ctx) usb_ctx = drivers::UsbContext::create(&why);
    if (!usb_ctx) return make_error(why.code, why.message);
    return std::unique_ptr<drivers::ByteTransport>(
        std::make_unique<drivers::UsbTransport>(*usb_ctx, *s));
  }
  return make_error("bad_uri",
                    "'" + uri +
                        "' is not a device URI: use serial:/dev/ttyUSB0, serial:usb:VID:PID or "
                        "usb:VID:PID (hex)");
}

int run_acquire_spiro(CliContext& ctx, const AcquireOptions& o) {
  std::string prof_name = o.profile.empty()
                              ? (o.device.rfind("usb:", 0) == 0 ? "sfm3000-usb" : "sfm3000-serial")
                              : o.profile;
  auto prof = load_profile(ctx, prof_name);
  if (!prof) return ctx.fail(prof.error());
  auto* flow = std::get_if<profile::FlowStreamProfile>(&*prof);
  if (!flow)
    return ctx.fail(
        make_error("profile_wrong_family",
                   prof_name + " is not a flow-stream profile: give a spirometer profile"));

  boost::asio::io_context io;
  std::unique_ptr<drivers::UsbContext> usb;
  auto transport = make_transport(o.device, io, flow, usb);
  if (!transport) return ctx.fail(transport.error());

  const fs::path jfile = o.journal.empty() ? default_journal(ctx) : fs::path(o.journal);
  std::error_code ec;
  if (!jfile.parent_path().empty()) fs::create_directories(jfile.parent_path(), ec);
  auto sink = acquisition::SqliteJournal::open(jfile);
  if (!sink) return ctx.fail(sink.error(), 2);
  acquisition::JournalWriter writer(**sink);
  writer.start();
  auto guard = boost::asio::make_work_guard(io);
  std::thread io_thread([&io] { io.run(); });

  std::ostream& log = ctx.json() ? ctx.err() : ctx.out();
  acquisition::FlowSession session(
      io, std::move(*transport), drivers::FlowStreamDriver(*flow), writer,
      acquisition::SessionMeta{"cli", "flowstream", o.device, flow->device.id, o.worker});
  std::mutex log_mu;
  session.set_status_callback([&](const acquisition::SessionStatus& s) {
    std::lock_guard lock(log_mu);
    log << "[" << acquisition::to_string(s.state) << "] " << s.message << std::endl;
  });
  if (auto st = session.start(); !st) {
    guard.reset();
    io.stop();
    io_thread.join();
    return ctx.fail(st.error(), 2);
  }
  g_interrupted = 0;
  auto old = std::signal(SIGINT, on_interrupt);
  acquisition::ManoeuvreSegmenter seg;
  std::vector<acquisition::Manoeuvre> manoeuvres;
  std::uint64_t samples = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto last_data = std::chrono::steady_clock::now();
  auto drain = [&] {
    std::size_t before = manoeuvres.size();
    while (auto b = session.analysis_queue().pop()) {
      samples += b->samples.size();
      seg.push(b->samples, manoeuvres);
      last_data = std::chrono::steady_clock::now();
    }
    // A device that stops sending mid-blow (or is unplugged): after 1 s of silence the open
    // manoeuvre is closed as "signal_lost", so the technician sees it at once.
    if (seg.in_manoeuvre() &&
        std::chrono::steady_clock::now() - last_data > std::chrono::seconds(1))
      seg.end_of_stream(manoeuvres);
    for (std::size_t k = before; k < manoeuvres.size(); ++k) {
      const auto& m = manoeuvres[k];
      double peak = 0, vol = 0;
      for (std::size_t i = 1; i < m.samples.size(); ++i) {
        peak = std::max(peak, m.samples[i].flow_lps);
        if (m.samples[i].flow_lps > 0)
          vol += m.samples[i].flow_lps * (m.samples[i].t_s - m.samples[i - 1].t_s);
      }
      std::lock_guard lock(log_mu);
      log << ctx.tr("manevra ", "manoeuvre ") << k + 1 << ": " << m.start_s << "–" << m.end_s
          << " s, " << acquisition::to_string(m.end) << ", " << ctx.tr("tepe akım ", "peak flow ")
          << peak << " L/s, " << ctx.tr("ekspirasyon hacmi ", "expired volume ") << vol
          << ctx.tr(" L (sensör koşulları)", " L (sensor conditions)") << std::endl;
    }
  };
  while (!g_interrupted && (o.seconds <= 0 || std::chrono::steady_clock::now() - t0 <
                                                  std::chrono::duration<double>(o.seconds))) {
    drain();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::signal(SIGINT, old);
  session.stop();
  drain();
  seg.end_of_stream(manoeuvres);
  writer.flush();
  const auto c = session.counters();
  guard.reset();
  io.stop();
  io_thread.join();
  writer.stop();
  json j{{"device", o.device},
         {"worker", o.worker},
         {"profile", flow->device.id},
         {"journal", jfile.string()},
         {"journal_session", session.journal_session_id()},
         {"bytes", c.bytes},
         {"samples", samples},
         {"gap_samples", c.driver.gap_samples},
         {"word_crc_errors", c.driver.word_crc_errors},
         {"frame_errors", c.driver.frame_errors},
         {"garbage_bytes", c.driver.garbage_bytes},
         {"unplugs", c.unplugs},
         {"replugs", c.replugs},
         {"reordered", c.reordered},
         {"live_dropped", c.live_dropped}};
  j["manoeuvres"] = json::array();
  for (const auto& m : manoeuvres)
    j["manoeuvres"].push_back({{"first_index", m.first_index},
                               {"last_index", m.last_index},
                               {"start_s", m.start_s},
                               {"end_s", m.end_s},
                               {"end", std::string(acquisition::to_string(m.end))}});
  if (ctx.json()) {
    ctx.out() << j.dump(2) << "\n";
  } else {
    ctx.out() << ctx.tr("Örnek: ", "Samples: ") << samples << ", " << ctx.tr("boşluk: ", "gaps: ")
              << c.driver.gap_samples << ", CRC: " << c.driver.word_crc_errors << ", "
              << ctx.tr("çerçeve hatası: ", "frame errors: ") << c.driver.frame_errors << ", "
              << ctx.tr("çıkarma: ", "unplugs: ") << c.unplugs << "\n"
              << ctx.tr("Ham kayıt: ", "Raw journal: ") << jfile.string() << " (session "
              << session.journal_session_id() << ")\n";
  }
  return 0;
}

int run_acquire_audio(CliContext& ctx, const AcquireOptions& o) {
  if (o.device.rfind("pc:", 0) == 0) return run_acquire_pc_audio(ctx, o);
  auto prof = load_profile(ctx, o.profile.empty() ? "frye-fa12" : o.profile);
  if (!prof) return ctx.fail(prof.error());
  auto* fipp = std::get_if<profile::FippProfile>(&*prof);
  if (!fipp)
    return ctx.fail(
        make_error("profile_wrong_family", "the profile is not a FIPP audiometer profile"));
  boost::asio::io_context io;
  std::unique_ptr<drivers::UsbContext> usb;
  drivers::IoError why;
  auto s = drivers::parse_serial_uri(o.device, &why);
  if (!s) return ctx.fail(make_error(why.code, why.message));
  if (o.device.find("baud=") == std::string::npos) s->baud_rate = fipp->serial.baud;
  s->assert_dtr_rts = false;  // frye-fipp.md §1: do not depend on DTR/RTS
  drivers::SerialTransport port(io, *s);
  const fs::path jfile = o.journal.empty() ? default_journal(ctx) : fs::path(o.journal);
  std::error_code ec;
  if (!jfile.parent_path().empty()) fs::create_directories(jfile.parent_path(), ec);
  auto sink = acquisition::SqliteJournal::open(jfile);
  if (!sink) return ctx.fail(sink.error(), 2);
  acquisition::JournalWriter writer(**sink);
  writer.start();
  auto sid = writer.begin_session({"cli", "fipp", o.device, fipp->device.id, o.worker});
  if (!sid) return ctx.fail(sid.error(), 2);
  auto guard = boost::asio::make_work_guard(io);
  std::thread io_thread([&io] { io.run(); });
  drivers::FippDriver driver(port, *fipp);
  std::uint64_t seq = 0;
  driver.set_raw_tap([&](std::span<const std::uint8_t> b, drivers::IoClock::time_point t) {
    acquisition::RawChunk c;
    c.session_id = *sid;
    c.sequence = seq++;
    c.arrival_steady_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    c.arrival_utc_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    c.bytes.assign(b.begin(), b.end());
    writer.submit(std::move(c));
  });
  auto finish = [&](int code) {
    driver.close();
    guard.reset();
    io.stop();
    io_thread.join();
    writer.stop();
    return code;
  };
  if (auto st = driver.open(); !st)
    return finish(ctx.fail(make_error(st.error().code, st.error().message)));
  auto control = acquisition::FippAudiometerControl::connect(driver);
  if (!control) return finish(ctx.fail(control.error()));
  audiometry::SearchParams params;
  params.ears.clear();
  for (const auto& e : o.ears) {
    if (e == "right")
      params.ears.push_back(audiometry::Ear::right);
    else if (e == "left")
      params.ears.push_back(audiometry::Ear::left);
    else
      return finish(
          ctx.fail(make_error("bad_ear", "--ears takes right and/or left, not '" + e + "'")));
  }
  if (!o.frequencies.empty()) {
    params.high_frequencies_hz.clear();
    params.low_frequencies_hz.clear();
    for (int f : o.frequencies)
      (f >= 1000 ? params.high_frequencies_hz : params.low_frequencies_hz).push_back(f);
    if (params.high_frequencies_hz.empty() || params.high_frequencies_hz.front() != 1000)
      return finish(ctx.fail(make_error(
          "bad_frequencies", "--frequencies must include 1000 Hz (the search starts there)")));
  }
  if (o.tone_ms > 0) {
    params.tone_duration = std::chrono::milliseconds(o.tone_ms);
    params.response_window = std::chrono::milliseconds(o.tone_ms + 500);
  }
  if (o.gap_ms > 0) {
    params.gap_min = std::chrono::milliseconds(o.gap_ms);
    params.gap_max = std::chrono::milliseconds(o.gap_ms * 2);
  }
  if (o.no_retest) params.retest_1k = false;
  if (auto r = audiometry::apply_device_limits(params, **control); !r)
    return finish(ctx.fail(r.error()));
  audiometry::ThresholdSearch search(
      params,
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  auto r = audiometry::run_search(search, **control);
  json j{{"device", o.device},
         {"worker", o.worker},
         {"model", (*control)->model()},
         {"journal", jfile.string()}};
  j["thresholds"] = json::array();
  for (const auto& out : search.result().outcomes)
    j["thresholds"].push_back({{"ear", std::string(audiometry::to_string(out.ear))},
                               {"frequency_hz", out.frequency_hz},
                               {"level_db_hl", out.level_db_hl},
                               {"no_response", out.no_response},
                               {"inconsistent", out.inconsistent},
                               {"retest", out.retest}});
  if (!r) return finish(ctx.fail(r.error()));
  if (ctx.json()) {
    ctx.out() << j.dump(2) << "\n";
  } else {
    ctx.out() << (*control)->model() << "\n";
    for (const auto& t : j["thresholds"])
      ctx.out() << "  " << t["ear"].get<std::string>() << " " << t["frequency_hz"].get<int>()
                << " Hz: " << t["level_db_hl"].get<int>() << " dB HL"
                << (t["no_response"].get<bool>() ? " (NR)" : "") << "\n";
  }
  return finish(0);
}

}  // namespace

void register_devices_commands(CLI::App& app, CliContext& ctx) {
  auto* dev =
      app.add_subcommand("devices", "Drivers, configured devices, and the devices plugged in");
  dev->callback([&ctx] { ctx.exit_code = run_devices(ctx); });

  auto* acq = app.add_subcommand("acquire", "Run one acquisition session without the web UI");
  acq->require_subcommand(1);
  for (const char* kind : {"spiro", "audio"}) {
    auto o = std::make_shared<AcquireOptions>();
    o->kind = kind;
    auto* sub = acq->add_subcommand(
        kind, std::string(kind) == "spiro" ? "Record a spirometer's raw flow"
                                           : "Run the automated threshold search on an audiometer");
    sub->add_option("--device", o->device, "serial:/dev/ttyUSB0, serial:usb:VID:PID, usb:VID:PID")
        ->required();
    sub->add_option("--worker", o->worker, "the worker being tested")->required();
    sub->add_option("--profile", o->profile, "device profile (config/devices/NAME.toml or a file)");
    sub->add_option("--journal", o->journal,
                    "raw journal file (default: raw-journal.db next to the database)");
    if (std::string(kind) == "spiro") {
      sub->add_option("--seconds", o->seconds, "stop after this many seconds (default: Ctrl-C)");
      sub->callback([&ctx, o] { ctx.exit_code = run_acquire_spiro(ctx, *o); });
    } else {
      sub->add_option("--ears", o->ears, "right,left (default both)")->delimiter(',');
      sub->add_option("--frequencies", o->frequencies,
                      "Hz, must include 1000 (default: the full plan)")
          ->delimiter(',');
      sub->add_option("--tone-ms", o->tone_ms, "tone duration (default 1000; ISO 8253-1: 1-2 s)");
      sub->add_option("--gap-ms", o->gap_ms, "shortest silent gap before a tone (default 1000)");
      sub->add_flag("--no-retest", o->no_retest, "skip the 1 kHz retest");
      sub->callback([&ctx, o] { ctx.exit_code = run_acquire_audio(ctx, *o); });
    }
  }
}

}  // namespace odyo::station
