// odyospiro audio … — the audiometry command group.
//
//   odyospiro audio analyze --input FILE.json [--baseline FILE.json [--history F1,F2…]]
//                           [--speech-hz 500,1000,2000] [--age-table osha|msha|none] [--json]
//     FILE: {"age": 41, "sex": "M"|"F", "right": {"500": 25, "1000": 30, …, "8000": "NR"},
//            "left": {…}}  — air conduction, dB HL; "NR" = no response at 120 dB HL, "NR@100" =
//     no response at 100 dB HL (the maximum of the audiometer used). The baseline file has the
//     same form (its "age" is the age at the baseline test).
//     Output: per ear pta_db, percent_loss, max_hf_db (≥ 3000 Hz), spreads_below_3k, max_any_db,
//     notch; binaural_percent, aao1979_percent; with a baseline, sts per ear with and without
//     the age correction, and recordable; baseline_revision per ear (a proposal for the reviewer:
//     persistent shift or improvement over the history and the input, never applied here).
//
//   odyospiro audio simulate [--seed S] [--json]
//     The automated threshold search against the simulated demo listener (a miner with an early
//     noise notch): the audiogram found, the listener's true thresholds, reliability and the
//     hearing numbers — what `odyospiro demo` shows without an audiometer.
//
//   odyospiro audio enter --worker ID --input FILE.json [--date YYYY-MM-DD] [--device D]
//   odyospiro audio import --worker ID --format tm262|gsi61|gdt --input FILE [--date …]
//                          [--ears right,left]
//     Store an audiogram typed from paper (the analyze form, plus "bone" and
//     {"level_db_hl","masking_db_hl"} points; provenance manual) or read from a device record
//     (provenance imported, the file's SHA-256 kept; GSI 61 records carry no ear, so --ears gives
//     the test order): validated like the model, then stored and
//     compared with the worker's baseline exactly like an automated exam
//     (station/exams/audiometry_exam.hpp). Any error: exit 1, nothing stored.
//
//   odyospiro audio baseline show --worker ID [--json]
//   odyospiro audio baseline set --worker ID --exam EXAM --reason TEXT [--ear right|left|both]
//     The worker's baseline in force per ear and its versions; `set` (physician or admin, the
//     --user) appends a new version naming a stored audiometry exam.
//
// The `audio` group is created here (register_audio_commands runs before the PC-audiometer
// commands in commands.cpp); other files add subcommands to it with audio_command_group(app)
// (station/cli/audio_group.hpp). Single-threaded (the command line's thread).
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "acquisition/audiometry/audiogram_import.hpp"
#include "acquisition/audiometry/simulated_session.hpp"
#include "analysis/audiometry/audiogram.hpp"
#include "analysis/audiometry/hearing_numbers.hpp"
#include "analysis/audiometry/threshold_shift.hpp"
#include "station/app/paper_audiogram.hpp"
#include "station/audiometry/age_table.hpp"
#include "station/audiometry/audiogram_json.hpp"
#include "station/audiometry/report.hpp"
#include "station/audiometry/worker_baseline.hpp"
#include "station/cli/audio_group.hpp"
#include "station/cli/context.hpp"
#include "station/core/json_values.hpp"
#include "station/exams/audiometry_exam.hpp"
#include "station/records/audiometric_baselines.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"

#include "station/core/input.hpp"

namespace odyo::station {

namespace au = audiometry;
using nlohmann::json;

CLI::App* audio_command_group(CLI::App& app) {
  auto found = app.get_subcommands([](CLI::App* s) { return s->get_name() == "audio"; });
  if (!found.empty()) return found.front();
  auto* g = app.add_subcommand("audio", "Audiometry / İşitme testi");
  g->require_subcommand(1);
  return g;
}

namespace {

using AudiogramInput = TypedAudiogram;

Result<AudiogramInput> read_audiogram(const std::string& path, const char* role) {
  return read_typed_audiogram(path, role, au::Provenance::manual);
}

Result<au::AgeCorrectionTable> load_age_table(const StationConfig& cfg, const std::string& which) {
  return load_age_correction_table(cfg, which);
}

std::string fmt1(double v) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(1) << v;
  return o.str();
}

struct AnalyzeOptions {
  std::string input;
  std::string baseline;
  std::vector<std::string> history;  // audiograms between the baseline and the input
  std::vector<int> speech_hz;
  std::string age_table;  // osha | msha | none; empty = station setting
};

int run_analyze(CliContext& ctx, const AnalyzeOptions& o) {
  auto cur = read_audiogram(o.input, ctx.tr("input"));
  if (!cur) return ctx.fail(cur.error(), 1);
  {
    auto c = ctx.config();
    if (!c && c.error().code != "config_missing") return ctx.fail(c.error(), 2);
    const int margin = c ? (*c)->max_bone_above_air_db : au::kDefaultMaxBoneAboveAirDb;
    if (auto v = au::validate(cur->audiogram, {}, {margin}); !v) {
      return ctx.fail(make_errorf(v.error().code, "{}: {}", o.input, v.error()), 1);
    }
  }

  std::vector<int> speech = o.speech_hz;
  const StationConfig* cfg = nullptr;
  auto need_config = [&]() -> Result<void> {
    if (cfg) return {};
    auto c = ctx.config();
    if (!c) return c.error();
    cfg = *c;
    return {};
  };
  if (speech.empty()) {
    if (auto r = need_config(); !r) return ctx.fail(r.error(), 2);
    speech = cfg->speech_frequencies_hz;
  }
  auto numbers = au::hearing_numbers(cur->audiogram, speech);
  if (!numbers) return ctx.fail(numbers.error(), 1);

  json out = {{"speech_frequencies_hz", speech},
              {"right", ear_json(numbers->right)},
              {"left", ear_json(numbers->left)},
              {"binaural_percent", numbers->binaural_percent},
              {"aao1979_percent", json_or_null(numbers->aao1979_binaural_percent)}};

  std::optional<au::ShiftReport> shift;
  std::string table_name;
  if (!o.baseline.empty()) {
    auto base = read_audiogram(o.baseline, ctx.tr("baseline"));
    if (!base) return ctx.fail(base.error(), 1);
    std::string which = o.age_table;
    if (which.empty()) {
      if (auto r = need_config(); !r) return ctx.fail(r.error(), 2);
      which = cfg->age_correction_table;
    }
    std::optional<au::AgeCorrectionTable> table;
    au::AgeContext age;
    const bool correct = which != "none";
    if (correct) {
      if (!cur->age_years || !base->age_years || !cur->sex) {
        return ctx.fail(make_error("age_missing",
                                   "the age correction needs \"age\" in both files and \"sex\" "
                                   "in the input; add them or pass --age-table none"),
                        1);
      }
      if (base->sex && *base->sex != *cur->sex) {
        return ctx.fail(make_error("sex_mismatch",
                                   "the baseline and the input give different sexes; check that "
                                   "both belong to the same worker"),
                        1);
      }
      if (auto r = need_config(); !r) return ctx.fail(r.error(), 2);
      auto t = load_age_table(*cfg, which);
      if (!t) return ctx.fail(t.error(), 2);
      table = std::move(*t);
      age = au::AgeContext{&*table, *cur->sex, *base->age_years, *cur->age_years};
      table_name = which;
    }
    auto s = au::threshold_shift(base->audiogram, cur->audiogram, correct ? &age : nullptr);
    if (!s) return ctx.fail(s.error(), 1);
    shift = *s;
    out["sts"] = {{"right", shift_json(s->right)}, {"left", shift_json(s->left)}};
    out["age_correction_table"] = correct ? json(table_name) : json(nullptr);
    out["recordable"] = s->recordable();

    // Baseline revision: over the history (oldest first) and the input, the latest.
    std::vector<std::string> files = o.history;
    std::vector<AudiogramInput> later;
    for (const std::string& f : files) {
      auto h = read_audiogram(f, ctx.tr("history"));
      if (!h) return ctx.fail(h.error(), 1);
      later.push_back(std::move(*h));
    }
    later.push_back(*cur);
    files.push_back(o.input);
    json rev = json::object();
    for (au::Ear e : {au::Ear::right, au::Ear::left}) {
      std::vector<au::ThresholdCurve> curves;
      for (const auto& l : later) curves.push_back(l.audiogram.ear(e).air);
      auto p = au::propose_baseline_revision(base->audiogram.ear(e).air, curves);
      if (!p) {
        return ctx.fail(e == au::Ear::right
                            ? make_errorf(p.error().code, "right ear: {}", p.error())
                            : make_errorf(p.error().code, "left ear: {}", p.error()),
                        1);
      }
      rev[std::string(au::to_string(e))] = {
          {"reason", std::string(au::to_string(p->reason))},
          {"proposed_baseline", p->new_baseline_index >= 0
                                    ? json(files[static_cast<std::size_t>(p->new_baseline_index)])
                                    : json(nullptr)},
          {"proposed_mean_2k3k4k_db",
           p->new_baseline_index >= 0 ? json(p->new_baseline_mean_db_hl) : json(nullptr)},
          {"why", p->why}};
    }
    out["baseline_revision"] = rev;
  }

  if (ctx.json()) {
    ctx.out() << out.dump(2) << "\n";
    return 0;
  }
  auto& os = ctx.out();
  os << ctx.tr("Speech frequencies") << ":";
  for (int hz : speech) os << " " << hz;
  os << " Hz\n";
  for (au::Ear e : {au::Ear::right, au::Ear::left}) {
    const au::EarNumbers& n = numbers->ear(e);
    os << (e == au::Ear::right ? ctx.tr("Right") : ctx.tr("Left")) << ": " << ctx.tr("average")
       << " " << fmt1(n.speech.value_db) << " dB"
       << (n.speech.includes_no_response ? " (NR ≥)" : "") << ", " << ctx.tr("loss") << " %"
       << fmt1(n.percent_loss);
    if (n.hf.max_hf) os << ", " << ctx.trf("max ≥3 kHz {} dB", n.hf.max_hf->level_db_hl);
    os << ", " << ctx.tr("spreads below 3 kHz") << ": "
       << (n.hf.spreads_below_3k ? ctx.tr("yes") : ctx.tr("no"));
    os << ", " << ctx.tr("notch") << ": "
       << (n.notch.present ? std::to_string(n.notch.frequency_hz) + " Hz"
                           : std::string(ctx.tr("none")))
       << "\n";
  }
  os << ctx.tr("Binaural") << " %" << fmt1(numbers->binaural_percent);
  if (numbers->aao1979_binaural_percent) {
    os << ", AAO-1979 %" << fmt1(*numbers->aao1979_binaural_percent);
  }
  os << "\n";
  if (shift) {
    for (au::Ear e : {au::Ear::right, au::Ear::left}) {
      const au::EarShift& s = e == au::Ear::right ? shift->right : shift->left;
      os << "STS " << (e == au::Ear::right ? ctx.tr("right") : ctx.tr("left")) << ": "
         << fmt1(s.mean_shift_db) << " dB " << (s.sts ? "STS" : "-");
      if (s.mean_shift_corrected_db) {
        os << "; " << ctx.tr("age-corrected") << " (" << table_name << ") "
           << fmt1(*s.mean_shift_corrected_db) << " dB " << (*s.sts_corrected ? "STS" : "-");
      }
      os << "\n";
    }
    os << ctx.tr("Recordable (OSHA 1904.10)") << ": "
       << (shift->recordable() ? ctx.tr("yes") : ctx.tr("no")) << "\n";
  }
  return 0;
}

int run_simulate(CliContext& ctx, std::uint64_t seed) {
  auto s = au::run_simulated_session(au::demo_listener(), seed);
  if (!s) return ctx.fail(s.error(), 2);
  std::vector<int> speech{500, 1000, 2000};
  if (auto c = ctx.config(); c) speech = (*c)->speech_frequencies_hz;
  auto numbers = au::hearing_numbers(s->result.audiogram, speech);
  if (!numbers) return ctx.fail(numbers.error(), 2);
  json out = {{"seed", seed},
              {"minutes", s->minutes},
              {"presentations", s->result.presentations},
              {"complete", s->result.complete},
              {"unreliable", s->result.any_unreliable()},
              {"false_alarm_rate", s->result.listener.false_alarm_rate()},
              {"binaural_percent", numbers->binaural_percent}};
  for (au::Ear e : {au::Ear::right, au::Ear::left}) {
    json pts = json::object();
    for (const auto& [hz, p] : s->result.audiogram.ear(e).air) {
      pts[std::to_string(hz)] = {{"level_db_hl", p.level_db_hl},
                                 {"no_response", p.no_response()},
                                 {"true_threshold_db_hl", s->listener.true_threshold(e, hz)}};
    }
    const std::string name(au::to_string(e));
    out[name] = ear_json(numbers->ear(e));
    out[name]["air"] = pts;
    if (auto it = s->result.retest_1k.find(e); it != s->result.retest_1k.end()) {
      out[name]["retest_1k"] = {{"first_db_hl", it->second.first_db_hl},
                                {"retest_db_hl", it->second.retest_db_hl},
                                {"mismatch", it->second.mismatch}};
    }
  }
  if (ctx.json()) {
    ctx.out() << out.dump(2) << "\n";
    return 0;
  }
  auto& os = ctx.out();
  os << ctx.tr("Simulated listener, automated search") << " (" << ctx.trf("seed {}", seed)
     << "): " << s->result.presentations << " " << ctx.tr("presentations") << ", "
     << fmt1(s->minutes) << " " << ctx.tr("min") << "\n";
  os << "Hz      ";
  for (const auto& [hz, p] : s->result.audiogram.right.air) os << std::setw(6) << hz;
  os << "\n";
  for (au::Ear e : {au::Ear::right, au::Ear::left}) {
    os << std::left << std::setw(8) << (e == au::Ear::right ? ctx.tr("Right") : ctx.tr("Left"))
       << std::right;
    for (const auto& [hz, p] : s->result.audiogram.ear(e).air) {
      os << std::setw(6) << (p.no_response() ? "NR" : std::to_string(p.level_db_hl));
    }
    os << "  (" << ctx.tr("average") << " " << fmt1(numbers->ear(e).speech.value_db) << " dB, %"
       << fmt1(numbers->ear(e).percent_loss) << ")\n";
  }
  os << ctx.tr("Reliability") << ": "
     << (s->result.any_unreliable() ? ctx.tr("unreliable (false alarms)") : ctx.tr("good")) << "\n";
  return 0;
}

// ---- stored audiograms: enter, import, baseline ----------------------------------------------

Result<std::vector<unsigned char>> read_bytes(const std::string& path) {
  auto text = read_input_file(path);
  if (!text) return text.error();
  return std::vector<unsigned char>(text->begin(), text->end());
}

struct StoreOptions {
  std::string worker;
  std::string input;
  std::string format;                              // import: tm262 | gsi61 | gdt
  std::vector<std::string> ears{"right", "left"};  // gsi61: the order the ears were tested
  std::string date;                                // the test's date, YYYY-MM-DD (default: now)
  std::string device;
  std::string note;
};

int print_recorded(CliContext& ctx, const RecordedExam& r) {
  if (ctx.json()) {
    ctx.out()
        << json{{"exam_id", r.exam_id}, {"result_id", r.result_id}, {"result", r.payload}}.dump(2)
        << "\n";
    return 0;
  }
  ctx.out() << ctx.tr("Audiometry exam #") << r.exam_id << ctx.tr(" stored:\n");
  for (const auto& line : r.payload["summary"][ctx.turkish() ? "tr" : "en"]) {
    ctx.out() << "  " << line.get<std::string>() << "\n";
  }
  return 0;
}

int store_audiogram(CliContext& ctx, const StoreOptions& o, const Worker& w, const au::Audiogram& a,
                    AudiometryMeta meta) {
  auto cfg = ctx.config();
  if (!cfg) return ctx.fail(cfg.error(), 2);
  auto db = ctx.db_as({"technician", "physician"}, "store an audiogram");
  if (!db) return ctx.fail(db.error(), 2);
  meta.technician = ctx.opts.user;
  meta.note = o.note;
  auto r = record_audiogram_exam(**db, **cfg, w, a, meta, ctx.opts.user);
  if (!r) return ctx.fail(r.error(), 1);
  return print_recorded(ctx, *r);
}

Result<Worker> worker_of(CliContext& ctx, const std::string& key) {
  auto db = ctx.db();
  if (!db) return db.error();
  return find_worker(**db, key);
}

int run_enter(CliContext& ctx, const StoreOptions& o) {
  auto cfg = ctx.config();
  if (!cfg) return ctx.fail(cfg.error(), 2);
  if (auto w = worker_of(ctx, o.worker); !w)
    return ctx.fail(w.error(), w.error().code == "worker_unknown" ? 1 : 2);
  auto text = read_input_file(o.input);
  if (!text) return ctx.fail(text.error(), 1);
  auto db = ctx.db_as({"technician", "physician"}, "store an audiogram");
  if (!db) return ctx.fail(db.error(), 2);
  PaperAudiogram in{o.worker, o.input, ctx.tr("input"), std::move(*text), o.date, o.device, o.note};
  auto r = enter_paper_audiogram(**db, **cfg, in, ctx.opts.user);
  if (!r) return ctx.fail(r.error(), 1);
  return print_recorded(ctx, *r);
}

int run_import(CliContext& ctx, const StoreOptions& o) {
  if (auto cfg = ctx.config(); !cfg) return ctx.fail(cfg.error(), 2);
  auto w = worker_of(ctx, o.worker);
  if (!w) return ctx.fail(w.error(), w.error().code == "worker_unknown" ? 1 : 2);
  auto bytes = read_bytes(o.input);
  if (!bytes) return ctx.fail(bytes.error(), 1);
  Result<au::ImportedAudiogram> imported = Error{"format", ""};
  if (o.format == "tm262") {
    imported = au::import_tm262_bytes(std::vector<std::uint8_t>(bytes->begin(), bytes->end()));
  } else if (o.format == "gdt") {
    imported = au::import_gdt_bytes(std::vector<std::uint8_t>(bytes->begin(), bytes->end()));
  } else {
    // gsi61: the records carry no ear (reference/devices/gsi61.md §8); the technician's test
    // order says which ear each run of frequencies belongs to.
    std::vector<au::Ear> order;
    for (const std::string& e : o.ears) {
      if (e != "right" && e != "left") {
        return ctx.fail(make_errorf("bad_input", "--ears takes right and left, not \"{}\"", e), 1);
      }
      order.push_back(e == "right" ? au::Ear::right : au::Ear::left);
    }
    imported =
        au::import_gsi61_bytes(std::vector<std::uint8_t>(bytes->begin(), bytes->end()), order);
  }
  if (!imported) {
    return ctx.fail(make_errorf(imported.error().code, "{}: {}", o.input, imported.error()), 1);
  }
  // A record that names its patient must name this worker; a record that dates its test gives
  // the exam's date (a different --date is a contradiction, not an override).
  if (imported->patient) {
    const au::WorkerIdentity who{w->registry_no, w->tc_kimlik, w->first_name, w->last_name,
                                 w->birth_date};
    if (auto same = au::check_record_patient(*imported->patient, who); !same) {
      return ctx.fail(make_errorf(same.error().code, "{}: {}", o.input, same.error()), 1);
    }
  }
  std::string date = o.date;
  std::string date_from = "--date";
  if (!imported->test_date.empty()) {
    if (!o.date.empty() && o.date != imported->test_date) {
      return ctx.fail(
          make_errorf("date_conflict",
                      "{}: the file dates the test {} (field 6200) but --date says {}; nothing was "
                      "stored: drop --date, or check the file",
                      o.input, imported->test_date, o.date),
          1);
    }
    date = imported->test_date;
    date_from = ctx.trf("{}: the test date (field 6200)", o.input);
  }
  auto started = test_started_at(date, *w, date_from);
  if (!started) return ctx.fail(started.error(), 1);
  AudiometryMeta meta;
  meta.device_id = o.device.empty() ? o.format : o.device;
  meta.started_at = *started;
  meta.source_format = o.format;
  meta.source_file = o.input;
  meta.source_description = imported->source;
  meta.source_bytes = std::move(*bytes);
  return store_audiogram(ctx, o, *w, imported->audiogram, std::move(meta));
}

json thresholds_2k3k4k(const au::ThresholdCurve& c) {
  json j = json::object();
  for (int hz : au::kStsFrequenciesHz) {
    auto it = c.find(hz);
    j[std::to_string(hz)] =
        it == c.end() || !it->second.tested() ? json(nullptr) : json(it->second.level_db_hl);
  }
  return j;
}

int run_baseline_show(CliContext& ctx, const std::string& worker_key) {
  if (auto cfg = ctx.config(); !cfg) return ctx.fail(cfg.error(), 2);
  auto db = ctx.db();
  if (!db) return ctx.fail(db.error(), 2);
  auto w = find_worker(**db, worker_key);
  if (!w) return ctx.fail(w.error(), 1);
  auto history = list_baselines(**db, w->id);
  if (!history) return ctx.fail(history.error(), 2);
  json current = json::object();
  for (const char* ear : {"right", "left"}) {
    auto row = current_baseline(*history, ear);
    if (!row) {
      current[ear] = nullptr;
      continue;
    }
    auto s = load_stored_audiometry(**db, row->exam_id);
    if (!s) return ctx.fail(s.error(), 2);
    json j = baseline_row_json(*row);
    j["exam_started_at"] = s->exam.started_at;
    auto age = completed_years(w->birth_date, s->exam.started_at);
    j["age_at_test_years"] = age ? json(*age) : json(nullptr);
    j["thresholds_2k3k4k_db_hl"] = thresholds_2k3k4k(
        s->audiogram.ear(std::string(ear) == "right" ? au::Ear::right : au::Ear::left).air);
    current[ear] = j;
  }
  json hist = json::array();
  for (const auto& r : *history) hist.push_back(baseline_row_json(r));
  if (ctx.json()) {
    ctx.out() << json{{"worker", w->registry_no}, {"current", current}, {"history", hist}}.dump(2)
              << "\n";
    return 0;
  }
  auto& os = ctx.out();
  os << ctx.tr("Audiometric baseline: ") << w->registry_no << " " << w->first_name << " "
     << w->last_name << "\n";
  if (history->empty()) {
    os << ctx.tr("  none yet (the first accepted audiometry exam becomes the baseline)\n");
    return 0;
  }
  for (const char* ear : {"right", "left"}) {
    const json& c = current[ear];
    os << "  " << (std::string(ear) == "right" ? ctx.tr("Right") : ctx.tr("Left")) << ": ";
    if (c.is_null()) {
      os << "-\n";
      continue;
    }
    os << ctx.tr("version ") << c["version"].get<int>() << ", " << ctx.tr("exam #")
       << c["exam_id"].get<std::int64_t>() << " ("
       << c["exam_started_at"].get<std::string>().substr(0, 10) << ", " << ctx.tr("age ")
       << c["age_at_test_years"].dump() << "), 2/3/4 kHz";
    for (const auto& [hz, v] : c["thresholds_2k3k4k_db_hl"].items()) os << " " << v.dump();
    os << " dB HL\n";
  }
  os << ctx.tr("History:\n");
  for (const auto& r : *history) {
    // Stored words and the station's own reason are shown translated (marked N_ where they are
    // written); a reason a person typed is shown as typed. fmt pads by characters.
    os << fmt::format("  v{}  {:<6}{:<17}", r.version,
                      ctx.catalog().tr(std::string_view(r.ear)),   // i18n: kShownWords
                      ctx.catalog().tr(std::string_view(r.kind)))  // i18n: kShownWords
       << ctx.tr("exam #") << r.exam_id << "  " << r.set_at << "  " << r.set_by << "  "
       << ctx.catalog().tr(std::string_view(r.reason))  // i18n: marked where written
       << "\n";
  }
  return 0;
}

struct BaselineSetOptions {
  std::string worker;
  std::int64_t exam = 0;
  std::string reason;
  std::string ear = "both";
};

int run_baseline_set(CliContext& ctx, const BaselineSetOptions& o) {
  if (auto cfg = ctx.config(); !cfg) return ctx.fail(cfg.error(), 2);
  auto db = ctx.db_as({"physician", "admin"}, "set an audiometric baseline");
  if (!db) return ctx.fail(db.error(), 2);
  auto w = find_worker(**db, o.worker);
  if (!w) return ctx.fail(w.error(), 1);
  auto id = set_baseline_explicitly(**db, *w, o.exam, o.ear, o.reason, ctx.opts.user);
  if (!id) return ctx.fail(id.error(), 1);
  return run_baseline_show(ctx, o.worker);
}

}  // namespace

void register_audio_commands(CLI::App& app, CliContext& ctx) {
  CLI::App* audio = audio_command_group(app);
  auto o = std::make_shared<AnalyzeOptions>();
  auto* an = audio->add_subcommand(
      "analyze",
      "Hearing numbers from an air-conduction audiogram (JSON), and the threshold "
      "shift against a baseline");
  an->add_option("--input", o->input, "audiogram JSON: {\"age\",\"sex\",\"right\",\"left\"}")
      ->required();
  an->add_option("--baseline", o->baseline, "the worker's baseline audiogram (same form)");
  an->add_option("--history", o->history,
                 "audiograms between the baseline and the input, oldest first (for the "
                 "baseline-revision proposal; needs --baseline)")
      ->delimiter(',');
  an->add_option("--speech-hz", o->speech_hz,
                 "speech frequencies (default: [audiometry].speech_frequencies_hz)")
      ->delimiter(',');
  an->add_option("--age-table", o->age_table,
                 "age correction for the STS: osha | msha | none (default: the station setting)")
      ->check(CLI::IsMember({"osha", "msha", "none"}));
  an->callback([&ctx, o] { ctx.exit_code = run_analyze(ctx, *o); });

  auto seed = std::make_shared<std::uint64_t>(2026);
  auto* sim = audio->add_subcommand(
      "simulate", "Run the automated threshold search against the simulated demo listener");
  sim->add_option("--seed", *seed, "random seed (the run is deterministic for a seed)");
  sim->callback([&ctx, seed] { ctx.exit_code = run_simulate(ctx, *seed); });

  auto eo = std::make_shared<StoreOptions>();
  auto* enter = audio->add_subcommand(
      "enter", "Store an audiogram typed from paper for a worker (provenance: manual)");
  enter->add_option("--worker", eo->worker, "worker registry number")->required();
  enter
      ->add_option("--input", eo->input,
                   "audiogram JSON (as for `audio analyze`; optional \"bone\" and "
                   "{\"level_db_hl\", \"masking_db_hl\"} points)")
      ->required();
  enter->add_option("--date", eo->date, "date of the test, YYYY-MM-DD (default: now)");
  enter->add_option("--device", eo->device, "the audiometer the paper came from");
  enter->add_option("--note", eo->note, "note kept with the exam");
  enter->callback([&ctx, eo] { ctx.exit_code = run_enter(ctx, *eo); });

  auto io = std::make_shared<StoreOptions>();
  auto* imp = audio->add_subcommand(
      "import", "Store an audiogram from a device or GDT record (provenance: imported)");
  imp->add_option("--worker", io->worker, "worker registry number")->required();
  imp->add_option("--format", io->format, "tm262 | gsi61 | gdt")
      ->required()
      ->check(CLI::IsMember({"tm262", "gsi61", "gdt"}));
  imp->add_option("--input", io->input, "the record file (bytes as the device sent them)")
      ->required();
  imp->add_option("--ears", io->ears,
                  "gsi61: the order the ears were tested (default right,left); its records do "
                  "not say which ear")
      ->delimiter(',');
  imp->add_option("--date", io->date, "date of the test, YYYY-MM-DD (default: now)");
  imp->add_option("--device", io->device, "station device id (default: the format)");
  imp->add_option("--note", io->note, "note kept with the exam");
  imp->callback([&ctx, io] { ctx.exit_code = run_import(ctx, *io); });

  auto* base = audio->add_subcommand("baseline", "The worker's audiometric baseline");
  base->require_subcommand(1);
  auto bw = std::make_shared<std::string>();
  auto* bshow = base->add_subcommand("show", "The baseline in force per ear and its history");
  bshow->add_option("--worker", *bw, "worker registry number")->required();
  bshow->callback([&ctx, bw] { ctx.exit_code = run_baseline_show(ctx, *bw); });
  auto bo = std::make_shared<BaselineSetOptions>();
  auto* bset = base->add_subcommand(
      "set", "Make a stored audiometry exam the baseline (physician or admin; a new version)");
  bset->add_option("--worker", bo->worker, "worker registry number")->required();
  bset->add_option("--exam", bo->exam, "the audiometry exam to use")->required();
  bset->add_option("--reason", bo->reason, "why (kept with the new version)")->required();
  bset->add_option("--ear", bo->ear, "right | left | both (default both)")
      ->check(CLI::IsMember({"right", "left", "both"}));
  bset->callback([&ctx, bo] { ctx.exit_code = run_baseline_set(ctx, *bo); });
}

}  // namespace odyo::station
