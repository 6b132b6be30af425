// odyospiro audio tone | calibrate | listening-check | pc-search, and `acquire audio --device pc:…`
// — the computer-driven audiometer's commands (issue 8). The audio ones are added to the `audio`
// group created by station/cli/audio_cmd.cpp (created here if that group is not registered);
// run_acquire_pc_audio is called by devices_cmd.cpp's `acquire audio` for pc: devices.
// Single-threaded (the command line's thread).
#include <toml++/toml.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "acquisition/audiometry/search_runner.hpp"
#include "analysis/audiometry/tone/levels.hpp"
#include "analysis/audiometry/tone/tone.hpp"
#include "drivers/audio/alsa_sink.hpp"
#include "drivers/audio/wav_file.hpp"
#include "station/audiometry/report.hpp"
#include "station/cli/acquire_options.hpp"
#include "station/cli/audio_group.hpp"
#include "station/cli/context.hpp"
#include "station/core/local_time.hpp"
#include "station/core/person_input.hpp"
#include "station/exams/audiometry_exam.hpp"
#include "station/pcaudio/ambient.hpp"
#include "station/pcaudio/calibration.hpp"
#include "station/pcaudio/pc_rig.hpp"
#include "station/qc/daily_checks.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"

#include "analysis/core/text.hpp"
#include "station/core/input.hpp"

namespace odyo::station {
namespace {

namespace tone = audiometry::tone;
using pcaudio::Calibration;

// 200 ms of digital silence before and after one presentation (issue 8 interface).
constexpr double kPaddingMs = 200.0;

// --today: GG.AA.YYYY or YYYY-MM-DD (the one date parser), else today in the station's zone.
Result<std::chrono::year_month_day> parse_today(const std::string& s) {
  if (s.empty()) return pcaudio::today_local();
  auto d = station::parse_date(s);
  if (!d) return make_errorf("bad_date", "--today: {}", d.error());
  return *d;
}

Result<audiometry::Ear> parse_ear(const std::string& s) {
  if (s == "left") return audiometry::Ear::left;
  if (s == "right") return audiometry::Ear::right;
  return make_errorf("bad_ear", "--ear must be left or right, not \"{}\"", s);
}

// The calibration named on the command line, else the station config's.
Result<Calibration> load_named_calibration(CliContext& ctx, const std::string& explicit_file,
                                           std::chrono::year_month_day today) {
  std::filesystem::path file = explicit_file;
  if (file.empty()) {
    auto c = ctx.config();
    if (!c) return c.error();
    file = (*c)->calibration_file;
    if (file.empty())
      return make_error("calibration_missing",
                        "no calibration given: pass --calibration FILE or set "
                        "[audiometry].calibration_file in station.toml");
  }
  return pcaudio::load_calibration(file, today);
}

int valid_months(CliContext& ctx) {
  auto c = ctx.config();
  return c ? (*c)->calibration_valid_months : 12;
}

struct ToneOptions {
  std::string ear;
  int frequency_hz = 0;
  double level_db_hl = 0.0;
  int duration_ms = 1000;
  bool pulsed = false;
  bool warble = false;
  int bits = 24;
  std::string calibration;
  std::string output;
  std::string today;
};

int run_tone(CliContext& ctx, const ToneOptions& o) {
  auto ear = parse_ear(o.ear);
  if (!ear) return ctx.fail(ear.error());
  if (o.pulsed && o.warble)
    return ctx.fail(make_error("bad_tone_kind", "choose --pulsed or --warble, not both"));
  auto today = parse_today(o.today);
  if (!today) return ctx.fail(today.error());
  auto cal = load_named_calibration(ctx, o.calibration, *today);
  if (!cal) return ctx.fail(cal.error(), 2);
  if (cal->example)
    ctx.err() << ctx.tr("note: example calibration (not a measurement): ") << cal->file.string()
              << "\n";
  if (auto ex = pcaudio::check_expiry(*cal, *today, valid_months(ctx)); !ex)
    ctx.err() << ctx.tr("warning: ") << ctx.message(ex.error()) << "\n";
  const auto table = cal->levels();
  auto plan = tone::plan_tone(table, *ear, o.frequency_hz, o.level_db_hl);
  if (!plan) return ctx.fail(plan.error());
  if (plan->needs_warning)
    ctx.err() << ctx.tr("WARNING: tone above 100 dB HL (") << o.level_db_hl << " dB HL)\n";
  tone::ToneSpec spec;
  spec.ear = *ear;
  spec.frequency_hz = o.frequency_hz;
  spec.peak_amplitude = plan->peak_amplitude;
  spec.kind = o.pulsed ? tone::ToneKind::pulsed
                       : (o.warble ? tone::ToneKind::warble : tone::ToneKind::continuous);
  spec.sample_rate_hz = cal->sample_rate_hz;
  spec.frames = tone::frames_for_ms(o.duration_ms, spec.sample_rate_hz);
  spec.shape = cal->tone_shape;
  const auto pad = tone::frames_for_ms(kPaddingMs, spec.sample_rate_hz);
  const int bits = o.bits;
  auto words = tone::render_presentation(spec, pad, pad, bits);
  if (!words) return ctx.fail(words.error());
  if (auto w = drivers::audio::write_wav(o.output, cal->sample_rate_hz, 2, bits, *words); !w)
    return ctx.fail(Error{w.error().code, w.error().message}, 2);  // drivers' text
  const auto frames = static_cast<std::int64_t>(words->size() / 2);
  if (ctx.json()) {
    ctx.out() << nlohmann::json{{"output", o.output},
                                {"sample_rate_hz", cal->sample_rate_hz},
                                {"channels", 2},
                                {"bits", bits},
                                {"frames", frames},
                                {"tone_start_frame", pad},
                                {"tone_frames", spec.frames},
                                {"ear", o.ear},
                                {"frequency_hz", o.frequency_hz},
                                {"level_db_hl", o.level_db_hl},
                                {"digital_level_dbfs", plan->digital_level_dbfs},
                                {"peak_amplitude", plan->peak_amplitude},
                                {"warning_above_100_db_hl", plan->needs_warning}}
                     .dump(2)
              << "\n";
  } else {
    std::ostringstream level, dbfs;
    level << o.level_db_hl;
    dbfs << plan->digital_level_dbfs;
    ctx.out() << o.output << ": "
              << ctx.trf("{} ear {} Hz {} dB HL = {} dBFS peak, {} frames (48 kHz, 2 ch, {} bit)",
                         *ear == audiometry::Ear::right ? ctx.tr("right") : ctx.tr("left"),
                         o.frequency_hz, level.str(), dbfs.str(), frames, bits)
              << "\n";
  }
  return 0;
}

// The folder beside the database: where the tone journal goes by default.
std::filesystem::path station_dir(CliContext& ctx) {
  std::filesystem::path db = ctx.opts.db_path;
  if (db.empty()) {
    auto c = ctx.config();
    if (c) db = (*c)->database;
  }
  return db.has_parent_path() ? db.parent_path() : std::filesystem::path(".");
}

// The audiometer a listening check is for: --device (a configured id or a URI), else the one
// configured computer-driven audiometer.
Result<DeviceConfig> checked_audiometer(CliContext& ctx, const std::string& device) {
  auto c = ctx.config();
  if (!c) return c.error();
  for (const auto& d : (*c)->devices)
    if ((device.empty() && d.kind == "pc-audiometer") || (!device.empty() && d.id == device))
      return d;
  if (device.empty())
    return make_errorf("unknown_device",
                       "no computer-driven audiometer in {}: give --device ID (the audiometer "
                       "checked)",
                       (*c)->file.string());
  DeviceConfig d;  // a URI as given
  d.id = device;
  d.uri = device;
  d.kind = device.rfind("pc:", 0) == 0 ? "pc-audiometer" : "audiometer";
  return d;
}

struct CheckOptions {
  bool pass = false;
  bool fail = false;
  std::string device;
  std::string listener;
  std::string note;
  std::string calibration;
};

// `audio listening-check`: today's listening check of an audiometer, in the database
// (calibration_checks, audited). The computer-driven audiometer's check names its calibration's
// interface + earphone pair: a test needs the check of the pair it plays through.
int run_listening_check(CliContext& ctx, const CheckOptions& o) {
  if (o.pass == o.fail)
    return ctx.fail(make_error("bad_check", "give exactly one of --pass or --fail"));
  auto dev = checked_audiometer(ctx, o.device);
  if (!dev) return ctx.fail(dev.error(), 2);
  qc::ListeningCheckInput in;
  in.device_id = dev->id;
  in.listener = o.listener;
  in.passed = o.pass;
  in.note = o.note;
  if (dev->kind == "pc-audiometer") {
    auto cal = load_named_calibration(ctx, o.calibration, pcaudio::today_local());
    if (!cal) return ctx.fail(cal.error(), 2);
    in.pair_id = cal->pair_id();
  }
  auto db = ctx.db_as({"technician", "physician", "admin"}, N_("record a daily device check"));
  if (!db) return ctx.fail(db.error(), 2);
  auto c = qc::record_listening_check(**db, in, ctx.opts.user);
  if (!c) return ctx.fail(c.error(), c.error().code == "check_invalid" ? 1 : 2);
  if (ctx.json()) {
    ctx.out() << qc::check_json(*c).dump(2) << "\n";
    return 0;
  }
  ctx.out() << c->day << " " << c->device_id << (in.pair_id.empty() ? "" : " " + in.pair_id) << " "
            << (o.pass ? ctx.tr("pass") : ctx.tr("fail")) << "\n";
  return 0;
}

// Today's passed listening check of `device_id` for the pair, from the database (the rig asks).
std::function<Result<void>(const std::string&)> listening_check_in_db(Database& db,
                                                                      std::string device_id) {
  return [&db, device_id = std::move(device_id)](const std::string& pair) -> Result<void> {
    return qc::require_daily_check(db, device_id, qc::kListeningCheck, local_today_iso(), pair);
  };
}

struct CalibrateOptions {
  std::string template_file;
  std::string device;
  std::string output;
  std::string technician;
  double level_dbfs = -30.0;
  int duration_ms = 3000;
  std::string today;
};

// Calibration run: for every (channel, frequency) of the template, play the reference tone at
// `level_dbfs` peak through the PCM and read the SPL the technician types (one number per line on
// stdin, as read on the sound level meter on the coupler). Writes a new calibration file.
int run_calibrate(CliContext& ctx, const CalibrateOptions& o) {
  auto today = parse_today(o.today);
  if (!today) return ctx.fail(today.error());
  auto tmpl = pcaudio::load_calibration(o.template_file, *today);
  if (!tmpl) return ctx.fail(tmpl.error(), 2);
  if (!(o.level_dbfs <= -10.0 && o.level_dbfs >= -60.0))
    return ctx.fail(make_error("bad_level", "--level-dbfs must be within −60…−10 dBFS peak"));
  auto template_text = read_input_file(o.template_file);
  if (!template_text) return ctx.fail(template_text.error(), 2);
  toml::table root;
  try {
    root = toml::parse(*template_text, o.template_file);
  } catch (const toml::parse_error& e) {
    return ctx.fail(make_errorf("calibration_invalid", "{}: not valid TOML ({})", o.template_file,
                                verbatim(e.description())),
                    2);
  }
  const std::string device = o.device.empty() ? tmpl->alsa_pcm : o.device;
  drivers::audio::AlsaSink sink(device);
  drivers::audio::SinkFormat fmt{tmpl->sample_rate_hz, 2, tmpl->bits};
  if (auto st = sink.open(fmt); !st)
    return ctx.fail(Error{st.error().code, st.error().message}, 2);  // drivers' text
  toml::array points;
  for (const auto& p : tmpl->points) {
    tone::ToneSpec spec;
    spec.ear = p.channel;
    spec.frequency_hz = p.frequency_hz;
    spec.peak_amplitude = tone::amplitude_from_dbfs(o.level_dbfs);
    spec.frames = tone::frames_for_ms(o.duration_ms, tmpl->sample_rate_hz);
    spec.sample_rate_hz = tmpl->sample_rate_hz;
    spec.shape = tmpl->tone_shape;
    auto words = tone::render_presentation(spec, 0, 0, tmpl->bits);
    if (!words) return ctx.fail(words.error());
    std::ostringstream dbfs;
    dbfs << o.level_dbfs;
    ctx.err() << ctx.trf("{} channel, {} Hz at {} dBFS: ",
                         p.channel == audiometry::Ear::right ? ctx.tr("right") : ctx.tr("left"),
                         p.frequency_hz, dbfs.str())
              << ctx.tr("dB SPL read on the meter? ") << std::flush;
    if (auto st = sink.write(*words); !st)
      return ctx.fail(Error{st.error().code, st.error().message}, 2);
    if (auto st = sink.drain(); !st) return ctx.fail(Error{st.error().code, st.error().message}, 2);
    std::string line;
    if (!std::getline(std::cin, line))
      return ctx.fail(make_error("calibration_aborted",
                                 "no reading given: the calibration was not written; start again"));
    double spl = 0.0;
    try {
      std::size_t used = 0;
      spl = std::stod(line, &used);
    } catch (const std::exception&) {
      return ctx.fail(
          make_errorf("bad_reading", "\"{}\" is not a dB SPL reading; start again", line));
    }
    if (!(spl > -20.0 && spl < 160.0))
      return ctx.fail(
          make_errorf("bad_reading", "reading {} dB SPL is implausible; start again", line));
    toml::table pt{{"channel", std::string(audiometry::to_string(p.channel))},
                   {"frequency_hz", p.frequency_hz},
                   {"digital_level_dbfs", o.level_dbfs},
                   {"measured_spl_db", spl},
                   {"max_undistorted_dbfs", p.max_undistorted_dbfs}};
    points.push_back(std::move(pt));
  }
  sink.close();
  const auto d = *today;
  root.insert_or_assign("example", false);
  root.insert_or_assign("example_note", "");
  root.insert_or_assign("points", std::move(points));
  if (auto* c = root["calibration"].as_table()) {
    c->insert_or_assign("date",
                        toml::date{static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                                   static_cast<unsigned>(d.day())});
    if (!o.technician.empty()) c->insert_or_assign("technician", o.technician);
    c->insert_or_assign("software_version", std::string("odyospiro ") + ODYO_VERSION);
  }
  if (auto* i = root["interface"].as_table()) i->insert_or_assign("alsa_pcm", device);
  {  // The RETSPL table the template used, named relative to the new file's folder.
    std::error_code ec;
    const auto from = std::filesystem::absolute(o.output, ec).parent_path();
    auto rel =
        std::filesystem::relative(std::filesystem::absolute(tmpl->retspl.file(), ec), from, ec);
    if (ec || rel.empty()) rel = std::filesystem::absolute(tmpl->retspl.file(), ec);
    root.insert_or_assign("retspl_file", rel.generic_string());
  }
  std::ofstream out(o.output);
  out << "# Written by `odyospiro audio calibrate` from " << o.template_file << "\n"
      << root << "\n";
  out.close();
  if (!out) return ctx.fail(make_errorf("write_failed", "cannot write {}", o.output), 2);
  // Validate what was written, exactly as a test session will load it.
  auto check = pcaudio::load_calibration(o.output, *today);
  if (!check) return ctx.fail(check.error(), 2);
  ctx.out() << o.output << ": " << ctx.trf("{} points", check->points.size()) << "\n";
  return 0;
}

struct SearchOptions {
  std::string device;  // pc:PCM
  std::string button;  // hidraw:/dev/hidrawN
  std::vector<std::string> ears{"right", "left"};
  std::vector<int> frequencies;
  std::string calibration;
  std::string journal;
  std::string today;
  bool allow_example = false;
  bool pulsed = false;
};

Result<DeviceConfig> pc_device(const StationConfig& cfg, const std::string& device);

// The automated threshold search on the PC audiometer (what `acquire audio --device pc:…` runs).
int run_pc_search(CliContext& ctx, const SearchOptions& o) {
  auto today = parse_today(o.today);
  if (!today) return ctx.fail(today.error());
  pcaudio::PcRigOptions ro;
  ro.device_uri = o.device;
  ro.today = *today;
  ro.allow_example_calibration = o.allow_example;
  ro.kind = o.pulsed ? tone::ToneKind::pulsed : tone::ToneKind::continuous;
  ro.calibration_file = o.calibration;
  ro.calibration_valid_months = valid_months(ctx);
  if (ro.calibration_file.empty()) {
    auto c = ctx.config();
    if (!c) return ctx.fail(c.error(), 2);
    ro.calibration_file = (*c)->calibration_file;
  }
  ro.tone_journal = o.journal.empty() ? station_dir(ctx) / "pcaudio-tones.jsonl"
                                      : std::filesystem::path(o.journal);
  ro.session = utc_now_iso() + " " + o.device + " pc-search";
  auto button = pcaudio::open_button(o.button);
  if (!button) return ctx.fail(button.error(), 2);
  // Today's listening check of this audiometer (the configured id of its URI, or the URI).
  auto cfg = ctx.config();
  if (!cfg) return ctx.fail(cfg.error(), 2);
  auto pcdev = pc_device(**cfg, o.device);
  if (!pcdev) return ctx.fail(pcdev.error());
  auto db = ctx.db_as({"technician", "physician", "admin"}, N_("run an audiometry search"));
  if (!db) return ctx.fail(db.error(), 2);
  ro.require_listening_check = listening_check_in_db(**db, pcdev->id);
  auto rig = pcaudio::PcRig::open(ro, **button);
  if (!rig) return ctx.fail(rig.error(), 2);
  if ((*rig)->calibration().example)
    ctx.err() << ctx.tr("WARNING: example calibration — not valid for testing workers\n");
  auto planned = search_params_from(o.ears, o.frequencies);
  if (!planned) return ctx.fail(planned.error());
  audiometry::SearchParams params = *planned;
  auto& dev = (*rig)->audiometer();
  if (auto r = audiometry::apply_device_limits(params, dev); !r) return ctx.fail(r.error());
  audiometry::ThresholdSearch search(
      params,
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  auto r = audiometry::run_search(search, dev);
  (*rig)->flush();
  nlohmann::json j{{"device", o.device}, {"journal", ro.tone_journal.string()}};
  j["thresholds"] = search_outcomes_json(search.result());
  if (ctx.json())
    ctx.out() << j.dump(2) << "\n";
  else
    for (const auto& t : j["thresholds"])
      ctx.out() << (t["ear"] == "right" ? ctx.tr("right") : ctx.tr("left")) << " "
                << t["frequency_hz"].get<int>() << " Hz: " << t["level_db_hl"].get<int>()
                << " dB HL" << (t["no_response"].get<bool>() ? " (NR)" : "") << "\n";
  if (!r) return ctx.fail(r.error(), 2);  // paused: thresholds so far are printed above
  return 0;
}

}  // namespace

namespace {

// The configured pc-audiometer device for `--device`: a pc: URI (the configured entry with that
// URI if there is one) or the id of a configured device whose URI is pc:….
Result<DeviceConfig> pc_device(const StationConfig& cfg, const std::string& device) {
  if (device.rfind("pc:", 0) == 0) {
    for (const auto& d : cfg.devices)
      if (d.uri == device && d.kind == "pc-audiometer") return d;
    DeviceConfig d;
    d.id = device;
    d.kind = "pc-audiometer";
    d.uri = device;
    return d;
  }
  for (const auto& d : cfg.devices) {
    if (d.id != device) continue;
    if (d.kind != "pc-audiometer" || d.uri.rfind("pc:", 0) != 0)
      return make_errorf("bad_device",
                         "device \"{}\" in {} is a {} at {}, not a computer-driven audiometer "
                         "(kind = \"pc-audiometer\", uri = \"pc:PCM\")",
                         device, cfg.file.string(), d.kind, d.uri);
    return d;
  }
  return make_errorf("unknown_device",
                     "no device \"{}\" in {}: give pc:PCM or the id of a [[devices]] entry of "
                     "kind \"pc-audiometer\"",
                     device, cfg.file.string());
}

// The response button: the one [[devices]] entry of kind "response-button".
Result<DeviceConfig> response_button(const StationConfig& cfg) {
  std::vector<const DeviceConfig*> found;
  for (const auto& d : cfg.devices)
    if (d.kind == "response-button") found.push_back(&d);
  if (found.empty())
    return make_errorf("button_missing",
                       "no response button in {}: add [[devices]] with kind = \"response-button\" "
                       "and uri = \"hidraw:/dev/hidrawN\" (the USB HID button)",
                       cfg.file.string());
  if (found.size() > 1) {
    std::string ids;
    for (const auto* d : found) ids += (ids.empty() ? "" : ", ") + d->id;
    return make_errorf("button_ambiguous",
                       "more than one response button in {} ({}): keep the one plugged into this "
                       "station",
                       cfg.file.string(), ids);
  }
  return *found.front();
}

}  // namespace

// `acquire audio --device pc:…|ID --worker REG`: refuse unless the calibration is valid and not
// an example, not expired, and today's listening check passed; then run the automated search
// through the ALSA PCM and the HID button, journal every tone, and store the exam.
int run_acquire_pc_audio(CliContext& ctx, const AcquireOptions& o) {
  auto cfg = ctx.config();
  if (!cfg) return ctx.fail(cfg.error(), 2);
  const StationConfig& sc = **cfg;
  auto dev = pc_device(sc, o.device);
  if (!dev) return ctx.fail(dev.error());
  auto btn = response_button(sc);
  if (!btn) return ctx.fail(btn.error(), 2);
  auto db = ctx.db_as({"technician", "physician"}, "store an exam");
  if (!db) return ctx.fail(db.error(), 2);
  auto worker = find_worker(**db, o.worker);
  if (!worker) return ctx.fail(worker.error());

  auto planned = search_params_from(o.ears, o.frequencies, o.tone_ms, o.gap_ms, o.no_retest);
  if (!planned) return ctx.fail(planned.error());
  audiometry::SearchParams params = *planned;
  // The stored exam needs both ears and the speech frequencies: refuse now, not after the test.
  if (!o.no_store) {
    if (auto why = unstorable_plan(params, sc.speech_frequencies_hz)) return ctx.fail(*why);
  }

  const std::string started_at = utc_now_iso();
  pcaudio::PcRigOptions ro;
  ro.device_uri = dev->uri;
  ro.today = pcaudio::today_local();
  ro.allow_example_calibration = false;  // never for a worker
  ro.calibration_file = sc.calibration_file;
  ro.calibration_valid_months = sc.calibration_valid_months;
  ro.require_listening_check = listening_check_in_db(**db, dev->id);
  ro.tone_journal = o.journal.empty() ? station_dir(ctx) / "pcaudio-tones.jsonl"
                                      : std::filesystem::path(o.journal);
  ro.min_reaction = params.min_reaction;
  ro.response_window = params.response_window;
  ro.session = started_at + " " + dev->id + " " + worker->registry_no;
  ro.worker = worker->registry_no;
  if (sc.calibration_file.empty())
    return ctx.fail(
        make_errorf("calibration_missing",
                    "no calibration: set [audiometry].calibration_file in {}", sc.file.string()),
        2);
  // Refusals that need no hardware come first (calibration, expiry, listening check): PcRig
  // checks them before it opens anything, but the button is opened before the rig.
  {
    auto cal = pcaudio::load_calibration(ro.calibration_file, ro.today);
    if (!cal) return ctx.fail(cal.error(), 2);
    if (cal->example)
      return ctx.fail(
          make_errorf("calibration_example",
                      "{} is an example calibration, not a measurement: no worker is tested with "
                      "it; calibrate this interface and earphones with `odyospiro audio "
                      "calibrate` and set [audiometry].calibration_file",
                      ro.calibration_file.string()),
          2);
    if (auto e = pcaudio::check_expiry(*cal, ro.today, ro.calibration_valid_months); !e)
      return ctx.fail(e.error(), 2);
    if (auto c = ro.require_listening_check(cal->pair_id()); !c) return ctx.fail(c.error(), 2);
  }
  // The room's ambient noise, before the first tone: too loud refuses the test (exit 4, as
  // `audio ambient`) unless the technician overrides with a reason, which is stored.
  nlohmann::json ambient = nullptr;
  if (o.ambient_noise.empty()) {
    if (!o.ambient_override.empty() || o.mic_calibration_given)
      return ctx.fail(make_error("ambient_missing",
                                 "--mic-calibration-db and --ambient-override go with --ambient "
                                 "FILE.wav|pc:CAPTURE (the ambient-noise check)"));
  } else {
    if (auto t = text::check_free_text(o.ambient_override, "--ambient-override",
                                       {text::kMaxReasonChars, false});
        !t) {
      return ctx.fail(t.error());
    }
    if (!o.mic_calibration_given)
      return ctx.fail(make_error("ambient_no_calibration",
                                 "--ambient needs --mic-calibration-db DB: the dB SPL a "
                                 "full-scale sine reads on the measurement microphone"));
    pcaudio::AmbientRequest rq;
    rq.source = o.ambient_noise;
    rq.mic_calibration_db = o.mic_calibration_db;
    auto check = pcaudio::run_ambient_check(sc, rq);
    if (!check) return ctx.fail(check.error());
    ambient = pcaudio::ambient_json(*check);
    if (!check->verdict.pass) {
      const Error what = pcaudio::describe_exceeded(*check);
      if (o.ambient_override.empty())
        return ctx.fail(
            make_errorf("ambient_too_loud",
                        "the test room is too loud: {}; nothing was played or stored. Quiet the "
                        "room (doors, machines, talk) and measure again, or give "
                        "--ambient-override REASON to test anyway (the reason is stored with the "
                        "exam)",
                        what),
            4);
      ctx.err() << ctx.trf(
                       "WARNING: ambient noise above the limit ({}); testing anyway, reason: {}",
                       what, o.ambient_override)
                << "\n";
      ambient["override_reason"] = o.ambient_override;
    }
  }
  auto button = pcaudio::open_button(btn->uri);
  if (!button) return ctx.fail(button.error(), 2);
  auto rig = pcaudio::PcRig::open(ro, **button);
  if (!rig) return ctx.fail(rig.error(), 2);
  auto& audiometer = (*rig)->audiometer();
  if (auto r = audiometry::apply_device_limits(params, audiometer); !r) return ctx.fail(r.error());
  for (const auto& [hz, range] : params.range_at_hz) {
    if (range.max_db_hl > tone::kWarnAboveDbHl) {  // warn the operator before > 100 dB HL
      ctx.err() << ctx.tr("WARNING: the search may present tones above 100 dB HL (up to ")
                << range.max_db_hl << " dB HL, " << hz << " Hz)\n";
      break;
    }
  }
  // The search is the use case station/app/audiometry_session (as for every audiometer).
  auto r = run_audiometry_search(audiometer, params, nullptr, {});
  (*rig)->flush();
  if (!r) {
    // Paused (device gone, underrun, bad report): nothing is stored; the journal keeps the tones.
    ctx.err() << ctx.tr("test paused, not stored; tones presented so far: ")
              << ro.tone_journal.string() << "\n";
    return ctx.fail(r.error(), 2);
  }
  const audiometry::SearchResult& result = r->result;
  nlohmann::json j{{"device", dev->id},
                   {"uri", dev->uri},
                   {"button", btn->uri},
                   {"worker", worker->registry_no},
                   {"journal", ro.tone_journal.string()},
                   {"session", ro.session},
                   {"presentations", result.presentations}};
  if (!ambient.is_null()) j["ambient_noise"] = ambient;
  j["thresholds"] = search_outcomes_json(result);
  if (o.no_store) {  // journal only
    if (ctx.json())
      ctx.out() << j.dump(2) << "\n";
    else
      ctx.out() << ctx.tr("not stored (--no-store); tone journal: ") << ro.tone_journal.string()
                << "\n";
    return 0;
  }
  const std::string note = "PC audiometer " + dev->uri + ", button " + btn->uri + ", calibration " +
                           (*rig)->calibration().pair_id() + " (" + ro.calibration_file.string() +
                           "); tone journal " + ro.tone_journal.string() + " session \"" +
                           ro.session + "\"";
  AudiometryMeta meta{dev->id, started_at, ctx.opts.user, note};
  meta.ambient_noise = ambient;
  auto exam = record_audiometry_exam(**db, sc, *worker, result, meta, ctx.opts.user);
  if (!exam) return ctx.fail(exam.error(), 2);
  j["exam_id"] = exam->exam_id;
  j["result_id"] = exam->result_id;
  if (ctx.json()) {
    ctx.out() << j.dump(2) << "\n";
  } else {
    ctx.out() << ctx.tr("Audiometry exam #") << exam->exam_id << " (" << worker->registry_no << ", "
              << dev->id << ")\n";
    for (const auto& t : j["thresholds"])
      ctx.out() << "  " << (t["ear"] == "right" ? ctx.tr("right") : ctx.tr("left")) << " "
                << t["frequency_hz"].get<int>() << " Hz: " << t["level_db_hl"].get<int>()
                << " dB HL" << (t["no_response"].get<bool>() ? " (NR)" : "") << "\n";
  }
  return 0;
}

void register_pcaudio_commands(CLI::App& app, CliContext& ctx) {
  CLI::App* audio = audio_command_group(app);

  auto t = std::make_shared<ToneOptions>();
  auto* tc = audio->add_subcommand(
      "tone",
      "Write one calibrated presentation as a WAV file (48 kHz stereo; 200 ms silence "
      "before and after): exactly what the ALSA sink would play");
  tc->add_option("--ear", t->ear, "left | right")->required();
  tc->add_option("--hz", t->frequency_hz, "frequency (must be calibrated)")->required();
  tc->add_option("--level-db-hl", t->level_db_hl, "level in dB HL")->required();
  tc->add_option("--duration-ms", t->duration_ms, "tone gate length, rise to end of fall")
      ->check(CLI::Range(100, 60000));
  tc->add_flag("--pulsed", t->pulsed, "pulsed tone (225 ms on / 225 ms off)");
  tc->add_flag("--warble", t->warble, "frequency-modulated (warble) tone");
  tc->add_option("--bits", t->bits, "24 or 32")->check(CLI::IsMember({24, 32}));
  tc->add_option("--calibration", t->calibration, "calibration file (default: station.toml's)");
  tc->add_option("--output", t->output, "WAV file to write")->required();
  tc->add_option("--today", t->today, "date for the calibration checks (YYYY-MM-DD)");
  tc->callback([&ctx, t] { ctx.exit_code = run_tone(ctx, *t); });

  auto c = std::make_shared<CheckOptions>();
  auto* cc = audio->add_subcommand("listening-check",
                                   "Record today's daily listening check of an audiometer");
  cc->add_flag("--pass", c->pass,
               "every frequency, both earphones: clean, no crosstalk, button ok");
  cc->add_flag("--fail", c->fail, "something was wrong (say what with --note)");
  cc->add_option("--device", c->device,
                 "the audiometer checked (default: the configured PC audiometer)");
  cc->add_option("--listener", c->listener, "who listened")->required();
  cc->add_option("--note", c->note, "what was heard");
  cc->add_option("--calibration", c->calibration, "calibration file (default: station.toml's)");
  cc->callback([&ctx, c] { ctx.exit_code = run_listening_check(ctx, *c); });

  auto k = std::make_shared<CalibrateOptions>();
  auto* kc = audio->add_subcommand(
      "calibrate",
      "Calibration run: play each reference tone, read the SPL from stdin, write a "
      "new calibration file");
  kc->add_option("--template", k->template_file,
                 "calibration file giving the interface, earphones and frequencies")
      ->required();
  kc->add_option("--device", k->device, "ALSA PCM (default: the template's)");
  kc->add_option("--output", k->output, "calibration file to write")->required();
  kc->add_option("--technician", k->technician, "who calibrates");
  kc->add_option("--level-dbfs", k->level_dbfs, "reference tone level, dBFS peak (default −30)");
  kc->add_option("--duration-ms", k->duration_ms, "reference tone length")
      ->check(CLI::Range(500, 30000));
  kc->add_option("--today", k->today, "calibration date (YYYY-MM-DD)");
  kc->callback([&ctx, k] { ctx.exit_code = run_calibrate(ctx, *k); });

  auto s = std::make_shared<SearchOptions>();
  auto* sc = audio->add_subcommand(
      "pc-search", "Automated threshold search on the PC audiometer (USB audio + HID button)");
  sc->add_option("--device", s->device, "pc:PCM, the ALSA name of the audio interface")->required();
  sc->add_option("--button", s->button, "hidraw:/dev/hidrawN, the response button")->required();
  sc->add_option("--ears", s->ears, "right,left (first is tested first)")->delimiter(',');
  sc->add_option("--frequencies", s->frequencies, "e.g. 1000,2000,4000,500")->delimiter(',');
  sc->add_option("--calibration", s->calibration, "calibration file (default: station.toml's)");
  sc->add_option("--journal", s->journal, "tone journal (JSON lines)");
  sc->add_option("--today", s->today, "date for the calibration checks (YYYY-MM-DD)");
  sc->add_flag("--allow-example", s->allow_example, "accept an example calibration (demo only)");
  sc->add_flag("--pulsed", s->pulsed, "pulsed tones");
  sc->callback([&ctx, s] { ctx.exit_code = run_pc_search(ctx, *s); });
}

}  // namespace odyo::station
