// odyospiro devices — the drivers the station has, the device profiles (with what is not yet
// verified on a real device), the configured devices and the devices plugged in.
// odyospiro acquire spiro|audio|results — one acquisition session without the web UI, stored as
// an exam of the worker.
//
//   odyospiro devices [--json]
//   odyospiro acquire spiro --device DEV --worker ID [--profile NAME] [--seconds S]
//                          [--manoeuvres N] [--temp-c C --pressure-kpa P --humidity-pct H]
//                          [--journal FILE] [--no-store] [--json]
//     Records the raw bytes to the raw journal (default: raw-journal.db next to the station
//     database), cuts the flow into manoeuvres and prints them; stops after S seconds, N
//     manoeuvres or on Ctrl-C; then analyses and stores the manoeuvres as a spirometry exam.
//   odyospiro acquire audio --device DEV --worker ID [--profile NAME] [--ears right,left]
//                          [--frequencies 1000,2000,...] [--journal FILE] [--no-store] [--json]
//     Runs the automated threshold search on a FIPP audiometer and stores the audiogram.
//   odyospiro acquire results --device DEV --driver tm262|gsi61|vitalograph --worker ID
//                          [--seconds S] [--ears right,left] [--journal FILE] [--no-store]
//     Receives a result-sending device's records (raw journal first) and stores the result:
//     TM262 / GSI 61 → an imported audiogram, Vitalograph → device-computed FEV1/FEV6.
//
// DEV: a device id from the station configuration ([[devices]]), or a URI:
//   serial:/dev/ttyUSB0 | serial:usb:VID:PID[:SERIAL] | usb:VID:PID[:SERIAL] |
//   sim:spirometer | sim:audiometer | sim:tm262 | sim:gsi61 | sim:vitalograph
// A sim: URI starts the devsim simulator on a pseudo-terminal (station/devices/simulator.hpp, the
// same as `odyospiro demo`) and runs the real driver against it.
#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include <fmt/format.h>
#include <toml++/toml.h>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "acquisition/audiometry/search_runner.hpp"
#include "acquisition/devices/fipp_audiometer_control.hpp"
#include "acquisition/devices/result_records.hpp"
#include "acquisition/journal/journal_writer.hpp"
#include "acquisition/journal/sqlite_journal.hpp"
#include "acquisition/session/record_session.hpp"
#include "drivers/fipp/fipp_driver.hpp"
#include "drivers/gsi61/gsi61_driver.hpp"
#include "drivers/profile/toml_tree.hpp"
#include "drivers/registry.hpp"
#include "drivers/tm262/tm262_driver.hpp"
#include "drivers/transport/serial_transport.hpp"
#include "drivers/transport/usb_transport.hpp"
#include "drivers/vitalograph/vitalograph_driver.hpp"
#include "station/app/daily_checks.hpp"
#include "station/app/spirometry_session.hpp"
#include "station/audiometry/report.hpp"
#include "station/cli/acquire_options.hpp"
#include "station/cli/context.hpp"
#include "station/devices/device_transport.hpp"
#include "station/devices/profiles.hpp"
#include "station/devices/result_exams.hpp"
#include "station/devices/simulator.hpp"
#include "station/devices/spirometry_capture.hpp"
#include "station/exams/audiometry_exam.hpp"
#include "station/qc/qc_rules.hpp"
#include "station/records/workers.hpp"
#include "station/reference/reference_tables.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

volatile std::sig_atomic_t g_interrupted = 0;  // written only by the signal handler
extern "C" void on_interrupt(int) {
  g_interrupted = 1;
}

// SIGINT sets g_interrupted while this lives.
class InterruptScope {
 public:
  InterruptScope() : old_(std::signal(SIGINT, on_interrupt)) { g_interrupted = 0; }
  ~InterruptScope() { std::signal(SIGINT, old_); }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  void (*old_)(int);
};

// Device profiles live in devices/ beside the station's config file (config/devices in the
// source tree, /etc/odyospiro/devices installed).
fs::path profiles_dir(CliContext& ctx) {
  if (auto c = ctx.config(); c && !(*c)->config_dir.empty()) return (*c)->config_dir / "devices";
  return default_config_path().parent_path() / "devices";
}

Result<profile::Profile> load_profile(CliContext& ctx, const std::string& name) {
  return load_device_profile(profiles_dir(ctx).parent_path(), name);
}

const profile::DeviceInfo& device_info(const profile::Profile& p) {
  return std::visit([](const auto& x) -> const profile::DeviceInfo& { return x.device; }, p);
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::vector<std::pair<fs::path, profile::Profile>> all_profiles(CliContext& ctx,
                                                                std::vector<std::string>* errors) {
  std::vector<std::pair<fs::path, profile::Profile>> out;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(profiles_dir(ctx), ec))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto p = load_profile(ctx, f.string());
    if (p)
      out.emplace_back(f, std::move(*p));
    else if (errors)
      errors->push_back(p.error().message);
  }
  return out;
}

std::vector<drivers::KnownUsbId> known_usb_ids(
    const std::vector<std::pair<fs::path, profile::Profile>>& profiles) {
  std::vector<drivers::KnownUsbId> out;
  for (const auto& [file, p] : profiles) {
    if (const auto* f = std::get_if<profile::FlowStreamProfile>(&p)) {
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
  fs::path db;
  if (auto c = ctx.config(); c && !(*c)->database.empty()) db = (*c)->database;
  if (!ctx.opts.db_path.empty()) db = ctx.opts.db_path;
  return db.parent_path() / "raw-journal.db";
}

// What a profile leaves unverified, as the station shows it: the key paths, and for a FIPP
// profile the register map and flow-control bytes it would otherwise present as facts.
json unverified_json(const profile::Profile& p) {
  const auto& d = device_info(p);
  json j = {{"id", d.id},
            {"name", d.name},
            {"family", d.family},
            {"verified", d.verified},
            {"unverified", d.unverified},
            {"source", d.source}};
  if (const auto* f = std::get_if<profile::FippProfile>(&p)) {
    const bool regs =
        std::find(d.unverified.begin(), d.unverified.end(), "registers") != d.unverified.end();
    json r = json::object();
    for (const auto& [role, word] : f->register_words) r[role] = word;
    j["register_words"] = {{"verified", d.verified || !regs}, {"words", r}};
  }
  return j;
}

int run_devices(CliContext& ctx) {
  drivers::IoError why;
  auto usb = drivers::UsbContext::create(&why);
  std::vector<std::string> profile_errors;
  const auto profiles = all_profiles(ctx, &profile_errors);
  const auto found = drivers::discover_devices(usb.get(), known_usb_ids(profiles));
  json j;
  j["drivers"] = json::array();
  for (const auto& d : drivers::driver_registry())
    j["drivers"].push_back({{"name", d.name},
                            {"description", d.description},
                            {"capabilities", drivers::capabilities_text(d.capabilities)},
                            {"uri_schemes", d.uri_schemes},
                            {"profile_family", d.profile_family},
                            {"session_available", d.session_available}});
  j["profiles"] = json::array();
  for (const auto& [file, p] : profiles) {
    auto pj = unverified_json(p);
    pj["file"] = file.filename().string();
    j["profiles"].push_back(std::move(pj));
  }
  if (!profile_errors.empty()) j["profile_errors"] = profile_errors;
  j["configured"] = json::array();
  if (auto c = ctx.config(); c)
    for (const auto& d : (*c)->devices) {
      json cj{{"id", d.id},
              {"kind", d.kind},
              {"driver", d.driver},
              {"uri", d.uri},
              {"profile", d.profile}};
      for (const auto& [file, p] : profiles)
        if (!d.profile.empty() && (file.stem() == d.profile || device_info(p).id == d.profile))
          cj["profile_verified"] = device_info(p).verified;
      j["configured"].push_back(std::move(cj));
    }
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
  o << ctx.tr("Drivers:") << "\n";
  for (const auto& d : drivers::driver_registry()) {
    std::string capabilities;
    for (const auto& name : drivers::capability_names(d.capabilities))
      capabilities += (capabilities.empty() ? "" : ", ") +
                      ctx.catalog().tr(std::string_view(name));  // i18n: marked in drivers/
    o << "  " << d.name << " — " << capabilities
      << (d.session_available ? "" : ctx.tr(" (codec only)")) << "\n    "
      << ctx.catalog().tr(std::string_view(d.description))  // i18n: marked in drivers/
      << "\n";
  }
  o << ctx.tr("Device profiles:") << "\n";
  for (const auto& pj : j["profiles"]) {
    o << "  " << pj["id"].get<std::string>() << " (" << pj["family"].get<std::string>() << ") — "
      << (pj["verified"].get<bool>() ? ctx.tr("verified on a real device") : ctx.tr("NOT VERIFIED"))
      << "\n";
    if (!pj["unverified"].empty())
      o << "    " << ctx.tr("unverified values: ")
        << joined(pj["unverified"].get<std::vector<std::string>>()) << "\n";
    if (pj.contains("register_words") && !pj["register_words"]["verified"].get<bool>()) {
      std::string words;
      for (const auto& [role, w] : pj["register_words"]["words"].items())
        words += (words.empty() ? "" : ", ") + role + "=" + std::to_string(w.get<int>());
      o << "    "
        << ctx.tr(
               "register map is a PLACEHOLDER (unknown in the spec; a real device may not "
               "answer): ")
        << words << "\n";
    }
  }
  for (const auto& e : profile_errors) o << "  ! " << e << "\n";
  o << ctx.tr("Configured devices:") << "\n";
  for (const auto& d : j["configured"])
    o << "  " << d["id"].get<std::string>() << "  " << d["driver"].get<std::string>() << "  "
      << d["uri"].get<std::string>()
      << (d.contains("profile_verified") && !d["profile_verified"].get<bool>()
              ? ctx.tr("  (profile not verified)")
              : "")
      << "\n";
  o << ctx.tr("Devices found:") << "\n";
  if (found.empty()) o << ctx.tr("  (none)\n");
  for (const auto& d : found)
    o << "  " << d.uri << "  " << d.description
      << (d.profile.empty() ? "" : "  → " + d.driver + " / " + d.profile) << "\n";
  if (!usb) o << "  USB: " << why.message << "\n";
  return 0;
}

// --device as given: a configured device id, or a URI.
struct ResolvedDevice {
  std::string id;  // configured id, or the URI itself
  std::string uri;
  std::string driver;
  std::string profile;
};

ResolvedDevice resolve_device(CliContext& ctx, const AcquireOptions& o) {
  ResolvedDevice r{o.device, o.device, o.driver, o.profile};
  if (auto c = ctx.config(); c)
    for (const auto& d : (*c)->devices)
      if (d.id == o.device) {
        r.uri = d.uri;
        if (r.driver.empty()) r.driver = d.driver;
        if (r.profile.empty()) r.profile = d.profile;
      }
  return r;
}

// Checked before anything is opened, so a typo is reported at once.
Result<void> check_uri(const ResolvedDevice& d) {
  for (const char* scheme : {"serial:", "usb:", "sim:"})
    if (d.uri.rfind(scheme, 0) == 0) return {};
  return make_errorf("bad_uri",
                     "'{}' is neither a configured device id nor a device URI: use "
                     "serial:/dev/ttyUSB0, serial:usb:VID:PID, usb:VID:PID (hex) or sim:NAME",
                     d.uri);
}

std::optional<std::string> sim_name(const std::string& uri) {
  if (uri.rfind("sim:", 0) != 0) return std::nullopt;
  return uri.substr(4);
}

// For a sim: URI, starts the simulator and points `dev.uri` at its pty.
Result<std::optional<RunningSimulator>> start_sim_if_needed(
    CliContext& ctx, const AcquireOptions& o, ResolvedDevice& dev, const fs::path& profile_file,
    const fs::path& work_dir, std::vector<std::string> extra) {
  auto name = sim_name(dev.uri);
  if (!name) return std::optional<RunningSimulator>();
  auto sim = start_simulator({*name, o.devsim, profile_file, work_dir, std::move(extra)});
  if (!sim) return sim.error();
  (ctx.json() ? ctx.err() : ctx.out())
      << ctx.tr("Simulator: ") << "devsim " << *name << " → " << sim->uri << "\n";
  dev.uri = sim->uri;
  return std::optional<RunningSimulator>(std::move(*sim));
}

fs::path profile_path(CliContext& ctx, const std::string& name) {
  std::error_code ec;
  if (fs::is_regular_file(name, ec)) return name;
  return profiles_dir(ctx) / (name + ".toml");
}

// The worker the exam is for, looked up before any device is opened (so nothing is captured for
// a worker the station does not know). Nothing to look up with --no-store.
struct Storage {
  Database* db = nullptr;
  const StationConfig* cfg = nullptr;
  std::optional<Worker> worker;
};

Result<Storage> open_storage(CliContext& ctx, const AcquireOptions& o) {
  Storage s;
  if (o.no_store) return s;
  auto cfg = ctx.config();
  if (!cfg) return cfg.error();
  auto db = ctx.db_as({"technician", "physician"}, "store an exam");
  if (!db) return db.error();
  auto w = find_worker(**db, o.worker);
  if (!w) {
    return make_errorf("unknown_worker",
                       "worker '{}' is not registered: add them with `odyospiro worker add`, or "
                       "give --no-store to record the raw data only",
                       o.worker);
  }
  s.db = *db;
  s.cfg = *cfg;
  s.worker = *w;
  return s;
}

std::string fmt_number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string technician(CliContext& ctx) {
  return ctx.opts.user;
}

// One spirometry session from capture to stored exam. `acquire spiro` (a device) and `acquire
// recover` (a raw-journal session replayed through the same transport → driver → session →
// segmenter path) both run this one function; only where the bytes come from differs. The
// session itself is the use case station/app/spirometry_session (also run by the web pages).
struct SpiroJob {
  ResolvedDevice dev;
  SpiroSessionPlan plan;
  Storage storage;
  const spirometry::ReferenceTables* tables = nullptr;
  double store_retry_limit_s = 60;
};

int run_spiro_job(CliContext& ctx, const SpiroJob& job) {
  const auto& dev = job.dev;
  SpiroSessionPlan plan = job.plan;
  plan.device_id = dev.id;
  plan.uri = dev.uri;
  const auto& flow = plan.flow;
  const auto& jfile = plan.journal_file;
  std::ostream& log = ctx.json() ? ctx.err() : ctx.out();
  const auto log_line = [&](const std::string& line) { log << line << std::endl; };
  SpiroSessionHooks hooks;
  hooks.log = log_line;
  hooks.stop = [] { return g_interrupted != 0; };
  hooks.on_manoeuvre = [&](const acquisition::Manoeuvre& m, std::size_t k) {
    double peak = 0, vol = 0;
    for (std::size_t i = 1; i < m.samples.size(); ++i) {
      peak = std::max(peak, m.samples[i].flow_lps);
      if (m.samples[i].flow_lps > 0)
        vol += m.samples[i].flow_lps * (m.samples[i].t_s - m.samples[i - 1].t_s);
    }
    log << ctx.tr("manoeuvre ") << k + 1 << ": " << m.start_s << "–" << m.end_s << " s, "
        << acquisition::to_string(m.end) << ", " << ctx.tr("peak flow ") << peak << " L/s, "
        << ctx.tr("expired volume ") << vol << ctx.tr(" L (sensor conditions)") << std::endl;
  };
  std::optional<Result<SpiroSessionCaptured>> cap;
  {
    InterruptScope interrupts;
    cap.emplace(capture_spiro_session(plan, hooks));
  }
  if (!*cap) return ctx.fail((*cap).error(), 2);
  const auto& captured = **cap;
  const auto& out = captured.capture;
  const auto& c = out.counters;
  // How the session ended, and whether that makes it interrupted.
  const CaptureEnd& ended = captured.ended;
  const std::optional<CaptureEnd>& interrupted = captured.interrupted;
  json j{{"device", dev.id},
         {"uri", dev.uri},
         {"worker", plan.worker},
         {"profile", flow.device.id},
         {"journal", jfile.string()},
         {"journal_session", out.journal_session},
         {"bytes", c.bytes},
         {"samples", out.samples},
         {"gap_samples", c.driver.gap_samples},
         {"word_crc_errors", c.driver.word_crc_errors},
         {"frame_errors", c.driver.frame_errors},
         {"garbage_bytes", c.driver.garbage_bytes},
         {"unplugs", c.unplugs},
         {"replugs", c.replugs},
         {"reordered", c.reordered},
         {"live_dropped", c.live_dropped},
         {"ended", {{"reason", ended.reason}, {"detail", ended.detail}}}};
  j["interrupted"] = interrupted
                         ? json{{"reason", interrupted->reason}, {"detail", interrupted->detail}}
                         : json(nullptr);
  if (plan.replay_session) j["recovered"] = true;
  j["manoeuvres"] = json::array();
  for (const auto& m : out.manoeuvres)
    j["manoeuvres"].push_back({{"first_index", m.first_index},
                               {"last_index", m.last_index},
                               {"start_s", m.start_s},
                               {"end_s", m.end_s},
                               {"end", std::string(acquisition::to_string(m.end))}});
  SpiroStoreTarget target;
  target.db = job.storage.db;
  target.cfg = job.storage.cfg;
  target.worker = job.storage.worker ? &*job.storage.worker : nullptr;
  target.tables = job.tables;
  target.retry_limit_s = job.store_retry_limit_s;
  target.actor = ctx.opts.user;
  target.on_wait = [&](double waited_s) {
    log << ctx.tr("The database is locked by another program; retrying (")
        << static_cast<int>(waited_s) << " / " << job.store_retry_limit_s
        << ctx.tr(" s). The exam is safe in the raw journal.") << std::endl;
  };
  auto stored = store_spiro_session(plan, captured, target, log_line);
  std::optional<RecordedExam>& exam = stored.exam;
  const std::optional<Error>& store_error = stored.error;
  const int store_exit = stored.pending ? 2 : 1;
  if (exam) j["exam"] = exam->exam_id;
  if (!plan.no_store)
    j["ambient"] = {{"temp_c", plan.temp_c},
                    {"pressure_kpa", plan.pressure_kpa},
                    {"humidity_pct", plan.humidity_pct},
                    {"assumed", !plan.ambient_given}};
  // The device did not come back: the session ends with a non-zero exit, after what was recorded
  // is stored (as interrupted) or kept pending.
  const auto lost = [&]() -> int {
    if (exam)
      return ctx.fail(make_errorf("device_lost",
                                  "{}; the session ended and what was recorded is stored as "
                                  "interrupted exam #{}: check the cable and repeat the test",
                                  ended.detail, exam->exam_id),
                      6);
    return ctx.fail(
        make_errorf("device_lost", "{}; the session ended: check the cable and repeat the test",
                    ended.detail),
        6);
  };
  if (ctx.json()) {
    if (store_error) {
      if (ended.reason == "device_lost") ctx.err() << ended.detail << "\n";
      return ctx.fail(*store_error, store_exit);
    }
    if (ended.reason == "device_lost" && !plan.replay_session) {
      ctx.err() << j.dump(2) << "\n";
      return lost();
    }
    ctx.out() << j.dump(2) << "\n";
    return 0;
  }
  ctx.out() << ctx.tr("Bytes: ") << c.bytes << ", " << ctx.tr("samples: ") << out.samples << ", "
            << ctx.tr("gaps: ") << c.driver.gap_samples << ", CRC: " << c.driver.word_crc_errors
            << ", " << ctx.tr("frame errors: ") << c.driver.frame_errors << ", "
            << ctx.tr("garbage bytes: ") << c.driver.garbage_bytes << ", " << ctx.tr("unplugs: ")
            << c.unplugs << ", " << ctx.tr("replugs: ") << c.replugs << "\n"
            << ctx.tr("Raw journal: ") << jfile.string() << " ("
            << ctx.trf("session {}", out.journal_session) << ")\n";
  if (interrupted)
    ctx.out() << ctx.tr("Session INTERRUPTED (") << interrupted->reason
              << "): " << interrupted->detail << "\n";
  if (store_error) return ctx.fail(*store_error, store_exit);
  if (exam) {
    if (!plan.ambient_given)
      ctx.out() << ctx.tr("Ambient conditions assumed (") << plan.temp_c << " °C, "
                << plan.pressure_kpa << " kPa, "
                << (ctx.turkish() ? "%" + fmt_number(plan.humidity_pct)
                                  : fmt_number(plan.humidity_pct) + " %")
                << ctx.tr("): give --temp-c/--pressure-kpa/--humidity-pct\n");
    ctx.out() << ctx.tr("Spirometry exam #") << exam->exam_id << "\n";
    for (const auto& line : exam->payload["summary"][ctx.turkish() ? "tr" : "en"])
      ctx.out() << "  " << line.get<std::string>() << "\n";
  }
  if (ended.reason == "device_lost" && !plan.replay_session) return lost();
  return 0;
}

// The flow-stream profile of spirometer `dev`: its configured one, else the SFM3000's for its
// transport (USB, the simulator's serial with bypass 5, a real serial line).
struct SpirometerProfile {
  std::string name;
  profile::FlowStreamProfile flow;
};
Result<SpirometerProfile> spirometer_profile(CliContext& ctx, const ResolvedDevice& dev) {
  const bool simulated = sim_name(dev.uri).has_value();
  std::string name = !dev.profile.empty() ? dev.profile
                     : dev.uri.rfind("usb:", 0) == 0
                         ? "sfm3000-usb"
                         : (simulated ? "sfm3000-bypass5-serial" : "sfm3000-serial");
  auto prof = load_profile(ctx, name);
  if (!prof) return prof.error();
  auto* flow = std::get_if<profile::FlowStreamProfile>(&*prof);
  if (!flow)
    return make_errorf("profile_wrong_family",
                       "{} is not a flow-stream profile: give a spirometer profile", name);
  return SpirometerProfile{std::move(name), *flow};
}

double configured(double given, double from_config) {
  return given >= 0 ? given : from_config;
}

int run_acquire_spiro(CliContext& ctx, const AcquireOptions& o) {
  ResolvedDevice dev = resolve_device(ctx, o);
  if (auto u = check_uri(dev); !u) return ctx.fail(u.error());
  const bool simulated = sim_name(dev.uri).has_value();
  auto sp = spirometer_profile(ctx, dev);
  if (!sp) return ctx.fail(sp.error());
  const std::string& prof_name = sp->name;
  const profile::FlowStreamProfile* flow = &sp->flow;
  auto storage = open_storage(ctx, o);
  if (!storage) return ctx.fail(storage.error(), storage.error().code == "unknown_worker" ? 1 : 2);
  // A stored exam needs today's passed 3-L syringe check of this spirometer (ATS/ERS 2019);
  // --no-store (a trial of the device, no worker's exam) does not.
  if (!o.no_store)
    if (auto c = require_check_before_test(*storage->db, dev.id, qc::kSyringeCheck); !c)
      return ctx.fail(c.error(), 2);
  std::optional<spirometry::ReferenceTables> tables;
  if (!o.no_store) {
    auto t = load_reference_tables(storage->cfg->reference_dir);
    if (!t) return ctx.fail(t.error(), 2);
    tables = std::move(*t);
  }
  StationConfig defaults;
  const StationConfig* cfg = &defaults;
  if (auto c = ctx.config(); c) cfg = *c;

  const fs::path jfile =
      fs::absolute(o.journal.empty() ? default_journal(ctx) : fs::path(o.journal));
  const fs::path work_dir = jfile.parent_path();
  auto sim =
      start_sim_if_needed(ctx, o, dev, profile_path(ctx, prof_name), work_dir,
                          {"--script", "quiet:1,normal,quiet:2,normal,quiet:2,normal,quiet:2"});
  if (!sim) return ctx.fail(sim.error(), 2);

  SpiroJob job;
  job.dev = dev;
  job.plan.profile_name = prof_name;
  job.plan.flow = *flow;
  job.plan.journal_file = jfile;
  job.plan.worker = o.worker;
  job.storage = *storage;
  job.tables = tables ? &*tables : nullptr;
  job.plan.no_store = o.no_store;
  job.plan.seconds = o.seconds;
  job.plan.want_manoeuvres =
      o.manoeuvres > 0 ? o.manoeuvres : (simulated && o.seconds <= 0 ? 3 : 0);
  job.plan.temp_c = o.temp_c;
  job.plan.pressure_kpa = o.pressure_kpa;
  job.plan.humidity_pct = o.humidity_pct;
  job.plan.ambient_given = o.ambient_given;
  job.plan.technician = technician(ctx);
  job.store_retry_limit_s = configured(o.store_retry_limit_s, cfg->store_retry_limit_s);
  job.plan.device_return_timeout_s =
      configured(o.device_return_timeout_s, cfg->device_return_timeout_s);
  return run_spiro_job(ctx, job);
}

// --- spiro syringe-check ----------------------------------------------------------------------

}  // namespace

int run_syringe_check(CliContext& ctx, const SyringeCheckOptions& o) {
  auto cfg = ctx.config();
  if (!cfg) return ctx.fail(cfg.error(), 2);
  auto rules = qc::load_qc_rules((*cfg)->rules_dir);
  if (!rules) return ctx.fail(rules.error(), 2);
  AcquireOptions ao;
  ao.kind = "spiro";
  ao.device = o.device;
  ao.profile = o.profile;
  ao.journal = o.journal;
  ao.devsim = o.devsim;
  ResolvedDevice dev = resolve_device(ctx, ao);
  auto db = ctx.db_as({"technician", "physician", "admin"}, N_("record a daily device check"));
  if (!db) return ctx.fail(db.error(), 2);
  qc::SyringeCheckInput in;
  in.device_id = dev.id;
  in.notes = o.note;
  if (o.measured_l) {
    if (o.sim_error_given)
      return ctx.fail(make_error("bad_check",
                                 "--sim-error-pct simulates a stroke on a sim: device; it does "
                                 "not go with a typed --measured-l"));
    in.measured_l = *o.measured_l;
    in.source = "entered";
  } else {
    if (auto u = check_uri(dev); !u) return ctx.fail(u.error());
    if (o.sim_error_given && !sim_name(dev.uri))
      return ctx.fail(make_errorf("bad_check",
                                  "--sim-error-pct is for a simulated spirometer (sim:); {} is a "
                                  "real device: push the real syringe",
                                  dev.uri));
    auto sp = spirometer_profile(ctx, dev);
    if (!sp) return ctx.fail(sp.error());
    const std::string& prof_name = sp->name;
    const profile::FlowStreamProfile* flow = &sp->flow;
    const fs::path jfile =
        fs::absolute(o.journal.empty() ? default_journal(ctx) : fs::path(o.journal));
    auto sim = start_sim_if_needed(
        ctx, ao, dev, profile_path(ctx, prof_name), jfile.parent_path(),
        {"--script", "quiet:1,syringe:" + fmt::format("{:g}", o.sim_error_pct) + ",quiet:3"});
    if (!sim) return ctx.fail(sim.error(), 2);
    SpiroSessionPlan plan;
    plan.device_id = dev.id;
    plan.uri = dev.uri;
    plan.profile_name = prof_name;
    plan.flow = *flow;
    plan.journal_file = jfile;
    plan.seconds = o.seconds;
    plan.technician = ctx.opts.user;
    plan.device_return_timeout_s = (*cfg)->device_return_timeout_s;
    std::ostream& log = ctx.json() ? ctx.err() : ctx.out();
    log << ctx.tr("Push the 3-L syringe through the spirometer in one stroke (fill, then empty).")
        << std::endl;
    SpiroSessionHooks hooks;
    hooks.log = [&](const std::string& line) { log << line << std::endl; };
    hooks.stop = [] { return g_interrupted != 0; };
    std::optional<Result<SyringeStroke>> stroke;
    {
      InterruptScope interrupts;
      stroke.emplace(measure_syringe_stroke(plan, hooks));
    }
    if (!*stroke) return ctx.fail((*stroke).error(), 2);
    in.measured_l = (*stroke)->volume_l;
    in.source = "device";
    in.device_detail = {{"uri", dev.uri},
                        {"journal", jfile.string()},
                        {"journal_session", (*stroke)->journal_session},
                        {"peak_flow_lps", (*stroke)->peak_lps}};
  }
  auto c = qc::record_syringe_check(**db, *rules, in, ctx.opts.user);
  if (!c) return ctx.fail(c.error(), c.error().code == "check_invalid" ? 1 : 2);
  if (ctx.json()) {
    ctx.out() << qc::check_json(*c).dump(2) << "\n";
  } else {
    ctx.out() << ctx.trf("3-L syringe check of {}: read {} L, {} % off (limit ±{} %): {}",
                         c->device_id, fmt::format("{:.3f}", in.measured_l),
                         fmt::format("{:+.2f}", c->measured["error_pct"].get<double>()),
                         fmt::format("{:g}", rules->syringe_tolerance_pct),
                         c->passed ? ctx.tr("pass") : ctx.tr("FAIL"))
              << "\n";
    if (!c->passed)
      ctx.out() << ctx.tr(
                       "Do not test on this spirometer today until a check passes: check the "
                       "syringe (leaks, the stroke) and the flow sensor, then repeat the check.")
                << "\n";
  }
  return 0;  // recorded (a failed check too: it stops testing, said above)
}

namespace {

// --- acquire recover -------------------------------------------------------------------------

// The journal sessions some stored exam names as its raw source ("journal:FILE#ID"), by id.
Result<std::map<std::int64_t, std::int64_t>> stored_sessions(Database& db, const fs::path& jfile) {
  std::error_code ec;
  const fs::path want = fs::weakly_canonical(jfile, ec);
  auto st = db.prepare(
      "SELECT r.exam_id, r.payload FROM results r JOIN exams e ON e.id = r.exam_id WHERE "
      "e.kind = 'spirometry' AND r.payload LIKE '%\"raw\":\"journal:%'");
  if (!st) return st.error();
  std::map<std::int64_t, std::int64_t> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    const auto p = json::parse(st->text(1), nullptr, false);
    if (!p.is_object() || !p.contains("device") || !p["device"].contains("raw")) continue;
    const std::string raw = p["device"]["raw"].get<std::string>();
    const auto hash = raw.rfind('#');
    if (raw.rfind("journal:", 0) != 0 || hash == std::string::npos) continue;
    const fs::path file = raw.substr(8, hash - 8);
    if (fs::weakly_canonical(file, ec) != want) continue;
    try {
      out.emplace(std::stoll(raw.substr(hash + 1)), st->int64(0));
    } catch (const std::exception&) {
    }
  }
  return out;
}

const acquisition::JournalEvent* last_event(const acquisition::JournalSessionInfo& s,
                                            const std::string& kind) {
  const acquisition::JournalEvent* e = nullptr;
  for (const auto& ev : s.events)
    if (ev.kind == kind) e = &ev;
  return e;
}

json event_json(const acquisition::JournalEvent* e) {
  if (e == nullptr) return json(nullptr);
  auto j = json::parse(e->detail, nullptr, false);
  return j.is_discarded() ? json(e->detail) : j;
}

// Why a session that is not stored was never stored.
std::string unstored_status(const acquisition::JournalSessionInfo& s) {
  if (last_event(s, "pending")) return "pending";
  if (last_event(s, "store_failed")) return "failed";
  if (!last_event(s, "ended")) return "killed";
  return "not stored";
}

std::string utc_text(std::int64_t ns) {
  const std::time_t t = static_cast<std::time_t>(ns / 1000000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int run_acquire_recover(CliContext& ctx, const AcquireOptions& o) {
  auto cfg = ctx.config();
  if (!cfg) return ctx.fail(cfg.error(), 2);
  auto db = ctx.db_as({"technician", "physician"}, "recover and store an interrupted exam");
  if (!db) return ctx.fail(db.error(), 2);
  const fs::path jfile =
      fs::absolute(o.journal.empty() ? default_journal(ctx) : fs::path(o.journal));
  std::error_code ec;
  std::vector<acquisition::JournalSessionInfo> sessions;
  if (fs::exists(jfile, ec)) {
    auto s = acquisition::journal_session_infos(jfile);
    if (!s) return ctx.fail(s.error(), 2);
    sessions = std::move(*s);
  }
  auto stored = stored_sessions(**db, jfile);
  if (!stored) return ctx.fail(stored.error(), 2);

  if (o.session == 0) {  // the list
    json arr = json::array();
    for (const auto& s : sessions) {
      if (s.meta.driver != "flowstream") continue;  // replay stores spirometry sessions
      if (stored->count(s.session_id) || last_event(s, "no_store")) continue;
      json e{{"session", s.session_id},
             {"status", unstored_status(s)},
             {"worker", s.meta.worker_id},
             {"device", s.meta.device_id},
             {"uri", s.meta.uri},
             {"profile", s.meta.profile},
             {"started_at", utc_text(s.started_utc_ns)},
             {"chunks", s.chunks},
             {"bytes", s.bytes},
             {"ended", event_json(last_event(s, "ended"))}};
      if (const auto* f = last_event(s, "pending")) e["error"] = event_json(f)["error"];
      if (const auto* f = last_event(s, "store_failed")) e["error"] = event_json(f)["error"];
      arr.push_back(std::move(e));
    }
    if (ctx.json()) {
      ctx.out() << json{{"journal", jfile.string()}, {"sessions", arr}}.dump(2) << "\n";
      return 0;
    }
    ctx.out() << ctx.tr("Raw journal: ") << jfile.string() << "\n";
    for (const auto& e : arr) {
      ctx.out() << "  " << ctx.tr("session ") << e["session"].get<std::int64_t>() << "  "
                << e["status"].get<std::string>() << "  " << e["started_at"].get<std::string>()
                << "  " << ctx.tr("worker ") << e["worker"].get<std::string>() << "  "
                << e["device"].get<std::string>() << "  " << e["bytes"].get<std::uint64_t>()
                << ctx.tr(" bytes");
      if (e.contains("error")) ctx.out() << "  (" << e["error"].get<std::string>() << ")";
      ctx.out() << "\n";
    }
    ctx.out() << arr.size()
              << ctx.tr(
                     " session(s) never stored; store one with: odyospiro acquire recover "
                     "--session ID\n");
    return 0;
  }

  const acquisition::JournalSessionInfo* s = nullptr;
  for (const auto& x : sessions)
    if (x.session_id == o.session) s = &x;
  if (s == nullptr)
    return ctx.fail(make_errorf(
        "journal_session_unknown",
        "raw journal {} has no session {}: list the sessions with `odyospiro acquire recover`",
        jfile.string(), o.session));
  if (s->meta.driver != "flowstream")
    return ctx.fail(
        make_errorf("journal_session_not_spirometry",
                    "session {} is a {} session; only spirometry sessions can be recovered",
                    o.session, s->meta.driver));
  if (auto it = stored->find(o.session); it != stored->end())
    return ctx.fail(make_errorf("journal_session_stored",
                                "session {} is already stored as exam #{}", o.session, it->second));
  if (!o.worker.empty() && o.worker != s->meta.worker_id)
    return ctx.fail(make_errorf("worker_mismatch",
                                "session {} was recorded for worker {}, not {}: a recovered "
                                "session is stored for the worker it was recorded for",
                                o.session, s->meta.worker_id, o.worker));
  AcquireOptions wo = o;
  wo.worker = s->meta.worker_id;
  wo.no_store = false;
  auto storage = open_storage(ctx, wo);
  if (!storage) return ctx.fail(storage.error(), storage.error().code == "unknown_worker" ? 1 : 2);
  auto tables = load_reference_tables(storage->cfg->reference_dir);
  if (!tables) return ctx.fail(tables.error(), 2);

  // What the capture noted when it started (profile, ambient, technician).
  json note = event_json(last_event(*s, "capture_options"));
  if (!note.is_object()) note = json::object();
  const std::string prof_name = note.value("profile", s->meta.profile);
  auto prof = load_profile(ctx, prof_name);
  if (!prof) return ctx.fail(prof.error());
  auto* flow = std::get_if<profile::FlowStreamProfile>(&*prof);
  if (!flow)
    return ctx.fail(
        make_errorf("profile_wrong_family", "{} is not a flow-stream profile", prof_name));

  SpiroJob job;
  job.dev = {s->meta.device_id, s->meta.uri, "flowstream", prof_name};
  job.plan.profile_name = prof_name;
  job.plan.flow = *flow;
  job.plan.journal_file = jfile;
  job.plan.worker = s->meta.worker_id;
  job.storage = *storage;
  job.tables = &*tables;
  job.plan.temp_c = note.value("temp_c", o.temp_c);
  job.plan.pressure_kpa = note.value("pressure_kpa", o.pressure_kpa);
  job.plan.humidity_pct = note.value("humidity_pct", o.humidity_pct);
  job.plan.ambient_given = note.value("ambient_given", false);
  job.plan.technician = note.value("technician", technician(ctx));
  job.store_retry_limit_s = configured(o.store_retry_limit_s, (*cfg)->store_retry_limit_s);
  job.plan.replay_session = o.session;
  job.plan.started_at = utc_text(s->started_utc_ns);
  if (const auto* e = last_event(*s, "ended")) {
    const json ej = event_json(e);
    job.plan.original_end =
        CaptureEnd{ej.value("reason", std::string("?")), ej.value("detail", std::string())};
  }
  return run_spiro_job(ctx, job);
}

int run_acquire_audio(CliContext& ctx, const AcquireOptions& o) {
  if (o.device.rfind("pc:", 0) == 0) return run_acquire_pc_audio(ctx, o);
  ResolvedDevice dev = resolve_device(ctx, o);
  if (dev.uri.rfind("pc:", 0) == 0) return run_acquire_pc_audio(ctx, o);  // a configured pc: id
  if (!o.ambient_noise.empty() || !o.ambient_override.empty())
    return ctx.fail(make_error("ambient_not_pc",
                               "--ambient works with the PC audiometer (pc:…) only; for this "
                               "audiometer measure the room with `odyospiro audio ambient`"));
  if (auto u = check_uri(dev); !u) return ctx.fail(u.error());
  const std::string prof_name = dev.profile.empty() ? "frye-fa12" : dev.profile;
  auto prof = load_profile(ctx, prof_name);
  if (!prof) return ctx.fail(prof.error());
  auto* fipp = std::get_if<profile::FippProfile>(&*prof);
  if (!fipp)
    return ctx.fail(
        make_error("profile_wrong_family", "the profile is not a FIPP audiometer profile"));
  auto storage = open_storage(ctx, o);
  if (!storage) return ctx.fail(storage.error(), storage.error().code == "unknown_worker" ? 1 : 2);
  // A stored exam needs today's passed listening check of this audiometer (ISO 8253-1).
  if (!o.no_store)
    if (auto c = require_check_before_test(*storage->db, dev.id, qc::kListeningCheck); !c)
      return ctx.fail(c.error(), 2);
  std::ostream& log = ctx.json() ? ctx.err() : ctx.out();
  if (!fipp->device.verified)
    log << ctx.tr("WARNING: profile ") << fipp->device.id
        << ctx.tr(" is not verified on a real device (") << joined(fipp->device.unverified)
        << ctx.tr("): a real audiometer may not answer\n");

  auto planned = search_params_from(o.ears, o.frequencies, o.tone_ms, o.gap_ms, o.no_retest);
  if (!planned) return ctx.fail(planned.error());
  // The session is the use case station/app/audiometry_session (also run by the web pages'
  // live audiometry): Ctrl-C aborts it (nothing stored; the raw journal keeps the bytes; audited).
  FippSearchPlan plan;
  plan.device_id = dev.id;
  plan.uri = dev.uri;
  plan.fipp = *fipp;
  plan.profile_file = profile_path(ctx, prof_name);
  plan.devsim = o.devsim;
  plan.journal_file = o.journal.empty() ? default_journal(ctx) : fs::path(o.journal);
  plan.worker = o.worker;
  plan.params = *planned;
  plan.no_store = o.no_store;
  plan.technician = technician(ctx);
  if (!o.no_store) {
    auto cfg = ctx.config();
    if (!cfg) return ctx.fail(cfg.error(), 2);
    plan.speech_frequencies_hz = (*cfg)->speech_frequencies_hz;
  }
  AudioSearchHooks hooks;
  hooks.on_simulator = [&](const std::string& name, const std::string& pty) {
    log << ctx.tr("Simulator: ") << "devsim " << name << " → " << pty << "\n";
  };
  AudioSearchControl control;
  std::optional<Result<FippSearchCaptured>> cap;
  {
    InterruptScope interrupts;
    std::atomic<bool> over{false};
    std::thread watch([&] {  // Ctrl-C → abort (the signal handler only sets a flag)
      while (!over.load()) {
        if (g_interrupted != 0) {
          control.abort();
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
    cap.emplace(capture_fipp_search(plan, hooks, &control));
    over = true;
    watch.join();
  }
  if (!*cap) {
    const auto& e = (*cap).error();
    return ctx.fail(e, e.code == "sim_failed" || e.code == "sim_unknown" ? 2 : 1);
  }
  const auto& captured = **cap;
  const auto& jfile = plan.journal_file;
  json j{{"device", dev.id},
         {"uri", captured.uri},
         {"worker", o.worker},
         {"model", captured.model},
         {"journal", jfile.string()},
         {"journal_session", captured.journal_session},
         {"profile", fipp->device.id},
         {"profile_verified", fipp->device.verified},
         {"unverified", fipp->device.unverified}};
  j["thresholds"] = search_outcomes_json(captured.run.result);
  AudioStoreTarget target;
  if (storage->db != nullptr) {
    target = {storage->db, storage->cfg, &*storage->worker, ctx.opts.user};
  } else if (captured.run.aborted) {  // --no-store: the abort is audited all the same
    if (auto d = ctx.db_as({"technician", "physician"}, "abort an audiometry"); d) target.db = *d;
    target.actor = ctx.opts.user;
  }
  auto stored = store_fipp_search(plan, captured, target);
  if (!stored) return ctx.fail(stored.error());
  if (captured.run.aborted)
    return ctx.fail(make_errorf("search_aborted",
                                "the audiometry was aborted: nothing is stored; the raw bytes are "
                                "kept in the raw journal {} (session {})",
                                jfile.string(), captured.journal_session),
                    130);
  const std::optional<RecordedExam>& exam = *stored;
  if (exam) j["exam"] = exam->exam_id;
  if (ctx.json()) {
    ctx.out() << j.dump(2) << "\n";
  } else {
    ctx.out() << captured.model << "\n";
    for (const auto& t : j["thresholds"])
      ctx.out() << "  " << (t["ear"] == "right" ? ctx.tr("right") : ctx.tr("left")) << " "
                << t["frequency_hz"].get<int>() << " Hz: " << t["level_db_hl"].get<int>()
                << " dB HL" << (t["no_response"].get<bool>() ? " (NR)" : "") << "\n";
    if (exam) {
      ctx.out() << ctx.tr("Audiometry exam #") << exam->exam_id << "\n";
      for (const auto& line : exam->payload["summary"][ctx.turkish() ? "tr" : "en"])
        ctx.out() << "  " << line.get<std::string>() << "\n";
    }
  }
  return 0;
}

// One result-sending device session (RecordSession + driver) until the collector has a result.
template <typename Driver, typename Collector>
struct ResultRun {
  acquisition::RecordCounters counters;
  std::int64_t journal_session = 0;
  Collector collector;
  std::string started_at;
};

template <typename Driver, typename Collector>
Result<ResultRun<Driver, Collector>> receive_results(CliContext& ctx, const AcquireOptions& o,
                                                     const ResolvedDevice& dev,
                                                     const profile::SerialResultsProfile& prof,
                                                     const fs::path& jfile, Collector collector,
                                                     std::chrono::milliseconds settle) {
  boost::asio::io_context io;
  std::unique_ptr<drivers::UsbContext> usb;
  TransportOptions to;
  to.baud = prof.serial.baud;
  to.assert_dtr_rts = false;  // none of the three needs DTR/RTS (TM262 uses RxD/TxD/GND only)
  auto transport = make_transport(dev.uri, io, to, usb);
  if (!transport) return transport.error();
  std::error_code ec;
  if (!jfile.parent_path().empty()) fs::create_directories(jfile.parent_path(), ec);
  auto sink = acquisition::SqliteJournal::open(jfile);
  if (!sink) return sink.error();
  acquisition::JournalWriter writer(**sink);
  writer.start();
  auto guard = boost::asio::make_work_guard(io);
  std::thread io_thread([&io] { io.run(); });

  ResultRun<Driver, Collector> run{{}, 0, std::move(collector), utc_now_iso()};
  std::ostream& log = ctx.json() ? ctx.err() : ctx.out();
  std::mutex mu;
  auto last_record = std::chrono::steady_clock::now();
  {
    acquisition::RecordSession<Driver> session(
        io, std::move(*transport), Driver(prof), writer,
        {dev.id, prof.device.family, dev.uri, prof.device.id, o.worker});
    session.on_record([&](const typename Driver::Frame& f) {
      std::lock_guard lock(mu);
      run.collector.add(f);
      last_record = std::chrono::steady_clock::now();
    });
    session.on_status([&](const acquisition::SessionStatus& s) {
      std::lock_guard lock(mu);
      log << "[" << acquisition::to_string(s.state) << "] " << s.message << std::endl;
    });
    if (auto st = session.start(); !st) {
      guard.reset();
      io.stop();
      io_thread.join();
      writer.stop();
      return st.error();
    }
    InterruptScope interrupts;
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::duration<double>(o.seconds > 0 ? o.seconds : 60.0);
    while (!g_interrupted && std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard lock(mu);
        if (run.collector.complete() && std::chrono::steady_clock::now() - last_record >= settle)
          break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    session.stop();
    writer.flush();
    run.counters = session.counters();
    run.journal_session = session.journal_session_id();
  }
  guard.reset();
  io.stop();
  io_thread.join();
  writer.stop();
  return run;
}

json counters_json(const acquisition::RecordCounters& c) {
  return {{"bytes", c.bytes},     {"records", c.records},       {"decode_errors", c.decode_errors},
          {"flagged", c.flagged}, {"duplicates", c.duplicates}, {"replies_sent", c.replies_sent},
          {"unplugs", c.unplugs}, {"replugs", c.replugs},       {"errors", c.errors}};
}

int run_acquire_results(CliContext& ctx, const AcquireOptions& o) {
  ResolvedDevice dev = resolve_device(ctx, o);
  if (auto u = check_uri(dev); !u) return ctx.fail(u.error());
  if (dev.driver.empty())
    if (auto n = sim_name(dev.uri)) dev.driver = *n;
  if (dev.driver != "tm262" && dev.driver != "gsi61" && dev.driver != "vitalograph")
    return ctx.fail(make_errorf("bad_driver",
                                "--driver must be tm262, gsi61 or vitalograph (the devices that "
                                "send finished results), not '{}'",
                                dev.driver));
  const std::string prof_name = !dev.profile.empty()
                                    ? dev.profile
                                    : (dev.driver == "tm262"   ? "welch-allyn-tm262"
                                       : dev.driver == "gsi61" ? "gsi61"
                                                               : "vitalograph-lung-monitor");
  auto prof = load_profile(ctx, prof_name);
  if (!prof) return ctx.fail(prof.error());
  auto* res = std::get_if<profile::SerialResultsProfile>(&*prof);
  if (!res || res->device.family != dev.driver)
    return ctx.fail(make_errorf("profile_wrong_family", "{} is not a {} device profile", prof_name,
                                dev.driver));
  std::vector<codec::Ear> order;
  for (const auto& e : o.ears) {
    if (e != "right" && e != "left")
      return ctx.fail(make_errorf("bad_ear", "--ears takes right and/or left, not '{}'", e));
    order.push_back(e == "right" ? codec::Ear::right : codec::Ear::left);
  }
  auto storage = open_storage(ctx, o);
  if (!storage) return ctx.fail(storage.error(), storage.error().code == "unknown_worker" ? 1 : 2);

  const fs::path jfile = o.journal.empty() ? default_journal(ctx) : fs::path(o.journal);
  const fs::path work_dir = jfile.parent_path().empty() ? fs::path(".") : jfile.parent_path();
  auto sim = start_sim_if_needed(ctx, o, dev, profile_path(ctx, prof_name), work_dir, {});
  if (!sim) return ctx.fail(sim.error(), 2);
  std::ostream& log = ctx.json() ? ctx.err() : ctx.out();
  if (!res->device.verified)
    log << ctx.tr("Note: profile ") << res->device.id << ctx.tr(" is not verified (")
        << joined(res->device.unverified) << ")\n";

  json j{{"device", dev.id},          {"uri", dev.uri},
         {"driver", dev.driver},      {"worker", o.worker},
         {"profile", res->device.id}, {"journal", jfile.string()}};
  DeviceResultMeta meta;
  meta.device_id = dev.id;
  meta.profile = res->device.id;
  meta.technician = technician(ctx);
  std::optional<Result<RecordedExam>> stored;
  std::vector<std::string> notes;
  bool have_result = false;
  const auto raw = [&](std::int64_t session) {
    return "journal:" + jfile.string() + "#" + std::to_string(session);
  };
  if (dev.driver == "tm262") {
    audiometry::AudiometerRange tm262_range;  // welch-allyn-tm262.md §3: −10…100 dB HL
    tm262_range.max_db_hl = 100;
    auto r = receive_results<drivers::Tm262Driver>(ctx, o, dev, *res, jfile,
                                                   acquisition::Tm262AudiogramCollector{},
                                                   std::chrono::milliseconds(0));
    if (!r) return ctx.fail(r.error(), 2);
    j["counters"] = counters_json(r->counters);
    j["journal_session"] = r->journal_session;
    notes = r->collector.notes();
    have_result = r->collector.records_used() > 0;
    meta.raw_source = raw(r->journal_session);
    meta.started_at = r->started_at;
    meta.source_format = "tm262";
    meta.source_text = r->collector.source_text();
    if (have_result && !o.no_store)
      stored = record_device_audiogram(*storage->db, *storage->cfg, *storage->worker,
                                       r->collector.audiogram(), meta, ctx.opts.user, tm262_range);
  } else if (dev.driver == "gsi61") {
    // The operator sends thresholds one by one; after both ears, wait 1.5 s for more.
    auto r = receive_results<drivers::Gsi61Driver>(ctx, o, dev, *res, jfile,
                                                   acquisition::Gsi61AudiogramCollector(order),
                                                   std::chrono::milliseconds(1500));
    if (!r) return ctx.fail(r.error(), 2);
    j["counters"] = counters_json(r->counters);
    j["journal_session"] = r->journal_session;
    j["unverified_checksums"] = r->collector.unverified_checksums();
    notes = r->collector.notes();
    have_result = r->collector.records_used() > 0;
    meta.raw_source = raw(r->journal_session);
    meta.started_at = r->started_at;
    meta.note = "GSI 61: ear taken from the test order " + joined(o.ears) +
                " (the record's routing fields are unknown)";
    if (r->collector.unverified_checksums() > 0)
      meta.note += "; " + std::to_string(r->collector.unverified_checksums()) +
                   " record(s) failed the unverified checksum rule H1";
    meta.source_format = "gsi61";
    meta.source_text = r->collector.source_text();
    if (have_result && !o.no_store)
      stored = record_device_audiogram(*storage->db, *storage->cfg, *storage->worker,
                                       r->collector.audiogram(), meta, ctx.opts.user);
  } else {
    auto r = receive_results<drivers::VitalographDriver>(ctx, o, dev, *res, jfile,
                                                         acquisition::VitalographResultCollector{},
                                                         std::chrono::milliseconds(0));
    if (!r) return ctx.fail(r.error(), 2);
    j["counters"] = counters_json(r->counters);
    j["journal_session"] = r->journal_session;
    notes = r->collector.notes();
    have_result = r->collector.complete();
    meta.raw_source = raw(r->journal_session);
    meta.started_at = r->started_at;
    if (const auto& fev = r->collector.result()) {
      j["result"] = {{"fev1_l", fev->fev1_l},
                     {"fev6_l", fev->fev6_l},
                     {"fev1_fev6_ratio", fev->fev1_fev6_ratio},
                     {"fef25_75_lps", fev->fef25_75_lps},
                     {"good_test", fev->good_test},
                     {"device_computed", true}};
      if (!o.no_store)
        stored = record_device_spirometry(*storage->db, *storage->worker, *fev, r->collector.data(),
                                          meta, ctx.opts.user);
    }
  }
  j["notes"] = notes;
  const auto& c = j["counters"];
  if (!ctx.json()) {
    ctx.out() << ctx.tr("Bytes: ") << c["bytes"].get<std::uint64_t>() << ", " << ctx.tr("records: ")
              << c["records"].get<std::uint64_t>() << ", " << ctx.tr("decode errors: ")
              << c["decode_errors"].get<std::uint64_t>() << ", " << ctx.tr("flagged: ")
              << c["flagged"].get<std::uint64_t>() << ", " << ctx.tr("unplugs: ")
              << c["unplugs"].get<std::uint64_t>() << "\n";
    for (const auto& e : c["errors"]) ctx.out() << "  ! " << e.get<std::string>() << "\n";
    for (const auto& n : notes) ctx.out() << "  - " << n << "\n";
    ctx.out() << ctx.tr("Raw journal: ") << jfile.string() << " ("
              << ctx.trf("session {}", j["journal_session"].get<std::int64_t>()) << ")\n";
  }
  if (!have_result)
    return ctx.fail(
        make_errorf("no_result",
                    "no usable result arrived from {}: send it again from the device (the raw "
                    "bytes are kept in the journal)",
                    dev.uri));
  if (stored) {
    if (!*stored) return ctx.fail((*stored).error());
    j["exam"] = (**stored).exam_id;
    if (!ctx.json()) {
      ctx.out() << ctx.tr("Exam #") << (**stored).exam_id << "\n";
      for (const auto& line : (**stored).payload["summary"][ctx.turkish() ? "tr" : "en"])
        ctx.out() << "  " << line.get<std::string>() << "\n";
    }
  }
  if (ctx.json()) ctx.out() << j.dump(2) << "\n";
  return 0;
}

}  // namespace

void register_devices_commands(CLI::App& app, CliContext& ctx) {
  // Registered below beside spiro/audio/results.
  const auto add_recover = [&ctx](CLI::App* acq) {
    auto o = std::make_shared<AcquireOptions>();
    o->kind = "recover";
    auto* sub = acq->add_subcommand(
        "recover",
        "List the raw-journal sessions never stored (killed, failed, pending), or store one "
        "through the normal spirometry path (--session ID)");
    sub->add_option("--session", o->session, "the journal session to store");
    sub->add_option("--worker", o->worker,
                    "must be the worker the session was recorded for (a check)");
    sub->add_option("--journal", o->journal,
                    "raw journal file (default: raw-journal.db next to the database)");
    sub->add_option("--store-retry-s", o->store_retry_limit_s,
                    "keep retrying a locked database this long (default: "
                    "[acquisition].store_retry_limit_s)");
    sub->callback([&ctx, o] { ctx.exit_code = run_acquire_recover(ctx, *o); });
  };
  auto* dev = app.add_subcommand(
      "devices", "Drivers, device profiles, configured devices, and the devices plugged in");
  dev->callback([&ctx] { ctx.exit_code = run_devices(ctx); });

  auto* acq = app.add_subcommand(
      "acquire", "Run one acquisition session without the web UI and store it as an exam");
  acq->require_subcommand(1);
  for (const char* kind : {"spiro", "audio", "results"}) {
    auto o = std::make_shared<AcquireOptions>();
    o->kind = kind;
    const std::string k = kind;
    auto* sub = acq->add_subcommand(
        kind, k == "spiro"   ? "Record a spirometer's raw flow and store the spirometry"
              : k == "audio" ? "Run the automated threshold search on an audiometer"
                             : "Receive a result-sending device's records (TM262, GSI 61, "
                               "Vitalograph) and store the result");
    sub->add_option("--device", o->device,
                    "a configured device id, or serial:/dev/ttyUSB0, serial:usb:VID:PID, "
                    "usb:VID:PID, sim:NAME")
        ->required();
    sub->add_option("--worker", o->worker, "the worker being tested")->required();
    sub->add_option("--profile", o->profile, "device profile (config/devices/NAME.toml or a file)");
    sub->add_option("--journal", o->journal,
                    "raw journal file (default: raw-journal.db next to the database)");
    sub->add_flag("--no-store", o->no_store, "record the raw data only; store no exam");
    sub->add_option("--devsim", o->devsim,
                    "simulator program for sim: devices (default: built next to odyospiro)");
    if (k == "spiro") {
      sub->add_option("--seconds", o->seconds, "stop after this many seconds (default: Ctrl-C)");
      sub->add_option("--manoeuvres", o->manoeuvres,
                      "stop after this many manoeuvres (default: 3 for sim:, else no limit)");
      auto* t = sub->add_option("--temp-c", o->temp_c, "room temperature, °C (BTPS)");
      auto* p = sub->add_option("--pressure-kpa", o->pressure_kpa, "barometric pressure, kPa");
      auto* h = sub->add_option("--humidity-pct", o->humidity_pct, "relative humidity, %");
      sub->add_option("--store-retry-s", o->store_retry_limit_s,
                      "keep retrying a locked database this long before the session is left "
                      "pending (default: [acquisition].store_retry_limit_s, 60)");
      sub->add_option("--device-timeout-s", o->device_return_timeout_s,
                      "end the session when the device is gone this long (default: "
                      "[acquisition].device_return_timeout_s, 10)");
      sub->callback([&ctx, o, t, p, h] {
        o->ambient_given = t->count() + p->count() + h->count() > 0;
        ctx.exit_code = run_acquire_spiro(ctx, *o);
      });
    } else if (k == "audio") {
      sub->add_option("--ears", o->ears, "right,left (default both)")->delimiter(',');
      sub->add_option("--frequencies", o->frequencies,
                      "Hz, must include 1000 (default: the full plan)")
          ->delimiter(',');
      sub->add_option("--tone-ms", o->tone_ms, "tone duration (default 1000; ISO 8253-1: 1-2 s)");
      sub->add_option("--gap-ms", o->gap_ms, "shortest silent gap before a tone (default 1000)");
      sub->add_flag("--no-retest", o->no_retest, "skip the 1 kHz retest");
      sub->add_option("--ambient", o->ambient_noise,
                      "pc: only: check the room's ambient noise first, from the measurement "
                      "microphone's WAV or an ALSA capture (pc:PCM); refuses when too loud");
      sub->add_option("--mic-calibration-db", o->mic_calibration_db,
                      "with --ambient: dB SPL that a full-scale sine reads on the microphone")
          ->each([o](const std::string&) { o->mic_calibration_given = true; });
      sub->add_option("--ambient-override", o->ambient_override,
                      "with --ambient: test although the room is too loud; the reason is stored");
      sub->callback([&ctx, o] { ctx.exit_code = run_acquire_audio(ctx, *o); });
    } else {
      sub->add_option("--driver", o->driver,
                      "tm262 | gsi61 | vitalograph (default: the configured device's driver, or "
                      "the sim: name)");
      sub->add_option("--seconds", o->seconds, "give up after this many seconds (default 60)");
      sub->add_option("--ears", o->ears,
                      "GSI 61: the order the operator tested the ears in (default right,left)")
          ->delimiter(',');
      sub->callback([&ctx, o] { ctx.exit_code = run_acquire_results(ctx, *o); });
    }
  }
  add_recover(acq);
}

}  // namespace odyo::station
