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
// The `audio` group is created here (register_audio_commands runs before the PC-audiometer
// commands in commands.cpp); other files add subcommands to it with audio_command_group(app)
// (station/cli/audio_group.hpp). Single-threaded (the command line's thread).
#include <CLI/CLI.hpp>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "acquisition/audiometry/simulated_session.hpp"
#include "analysis/audiometry/audiogram.hpp"
#include "analysis/audiometry/hearing_numbers.hpp"
#include "analysis/audiometry/threshold_shift.hpp"
#include "station/audiometry/report.hpp"
#include "station/cli/audio_group.hpp"
#include "station/cli/context.hpp"
#include "station/spirometry/report.hpp"

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

constexpr int kDefaultNrLevelDbHl = 120;  // "NR" without a level: the usual audiometer maximum

struct AudiogramInput {
  au::Audiogram audiogram;
  std::optional<int> age_years;
  std::optional<au::Sex> sex;
};

Result<json> read_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("input_missing", "cannot read " + path + ": check the path");
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return make_error("bad_input", path +
                                       " is not a JSON object; expected {\"age\":…, \"sex\":\"M\", "
                                       "\"right\":{\"500\":25, …}, \"left\":{…}}");
  }
  return j;
}

Result<au::ThresholdCurve> read_ear(const json& j, const std::string& where) {
  if (!j.is_object()) {
    return make_error("bad_input", where +
                                       " must be an object of frequency → dB HL, e.g. "
                                       "{\"500\": 25, \"1000\": \"NR\"}");
  }
  au::ThresholdCurve c;
  for (const auto& [key, value] : j.items()) {
    std::size_t used = 0;
    int hz = 0;
    try {
      hz = std::stoi(key, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != key.size()) {
      return make_error("unknown_frequency",
                        where + ": \"" + key + "\" is not a frequency in Hz (e.g. \"1000\")");
    }
    au::ThresholdPoint p;
    p.provenance = au::Provenance::manual;
    if (value.is_number_integer()) {
      p.level_db_hl = value.get<int>();
    } else if (value.is_number()) {
      const double v = value.get<double>();
      if (std::floor(v) != v) {
        return make_error("level_off_step", where + " " + key + " Hz: " + value.dump() +
                                                " dB HL is not on the 5 dB step of audiometers");
      }
      p.level_db_hl = static_cast<int>(v);
    } else if (value.is_string() && value.get<std::string>().rfind("NR", 0) == 0) {
      const std::string s = value.get<std::string>();
      p.status = au::PointStatus::no_response;
      p.level_db_hl = kDefaultNrLevelDbHl;
      if (s.size() > 2) {
        std::size_t n = 0;
        int lv = 0;
        const std::string tail = s.substr(2, 1) == "@" ? s.substr(3) : std::string();
        try {
          lv = std::stoi(tail, &n);
        } catch (const std::exception&) {
          n = 0;
        }
        if (tail.empty() || n != tail.size()) {
          return make_error("bad_input", where + " " + key + " Hz: \"" + s +
                                             "\" — write \"NR\" or \"NR@<max dB HL>\"");
        }
        p.level_db_hl = lv;
      }
    } else {
      return make_error("bad_input", where + " " + key + " Hz: " + value.dump() +
                                         " is not a level; write a number in dB HL or \"NR\"");
    }
    c[hz] = p;
  }
  return c;
}

Result<AudiogramInput> read_audiogram(const std::string& path, const char* role) {
  auto j = read_json(path);
  if (!j) return j.error();
  AudiogramInput in;
  const std::string who = std::string(role) + " " + path;
  for (const char* ear : {"right", "left"}) {
    if (!j->contains(ear)) {
      return make_error("missing_ear", who + ": the \"" + ear +
                                           "\" ear is missing; give both ears' air-conduction "
                                           "thresholds");
    }
    auto c = read_ear((*j)[ear], who + ": " + ear);
    if (!c) return c.error();
    (std::string(ear) == "right" ? in.audiogram.right : in.audiogram.left).air = std::move(*c);
  }
  if (j->contains("age") && !(*j)["age"].is_null()) {
    const json& a = (*j)["age"];
    if (!a.is_number_integer() || a.get<int>() < 0 || a.get<int>() > 120) {
      return make_error("bad_age", who + ": age must be whole years 0…120, not " + a.dump());
    }
    in.age_years = a.get<int>();
  }
  if (j->contains("sex") && !(*j)["sex"].is_null()) {
    const json& s = (*j)["sex"];
    if (s == "M") {
      in.sex = au::Sex::male;
    } else if (s == "F") {
      in.sex = au::Sex::female;
    } else {
      return make_error("bad_sex", who + ": sex must be \"M\" or \"F\", not " + s.dump());
    }
  }
  if (auto v = au::validate(in.audiogram); !v) {
    return make_error(v.error().code, who + ": " + v.error().message);
  }
  return in;
}

Result<au::AgeCorrectionTable> load_age_table(const StationConfig& cfg, const std::string& which) {
  const char* file = which == "msha" ? "msha_part62_age_correction_2k3k4k.csv"
                                     : "osha_appendix_f_age_correction.csv";
  const auto path = cfg.audiometry_dir / file;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error("age_table_missing", "cannot read the age-correction table " + path.string() +
                                               "; check [audiometry].audiometry_dir");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return au::AgeCorrectionTable::parse_csv(ss.str(), which);
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
  auto cur = read_audiogram(o.input, "input");
  if (!cur) return ctx.fail(cur.error(), 1);

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
    auto base = read_audiogram(o.baseline, "baseline");
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
      auto h = read_audiogram(f, "history");
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
        return ctx.fail(make_error(p.error().code,
                                   std::string(au::to_string(e)) + " ear: " + p.error().message),
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
  os << ctx.tr("Konuşma frekansları", "Speech frequencies") << ":";
  for (int hz : speech) os << " " << hz;
  os << " Hz\n";
  for (au::Ear e : {au::Ear::right, au::Ear::left}) {
    const au::EarNumbers& n = numbers->ear(e);
    os << (e == au::Ear::right ? ctx.tr("Sağ", "Right") : ctx.tr("Sol", "Left")) << ": "
       << ctx.tr("ortalama", "average") << " " << fmt1(n.speech.value_db) << " dB"
       << (n.speech.includes_no_response ? " (NR ≥)" : "") << ", " << ctx.tr("kayıp", "loss")
       << " %" << fmt1(n.percent_loss);
    if (n.hf.max_hf) os << ", max ≥3 kHz " << n.hf.max_hf->level_db_hl << " dB";
    os << ", " << ctx.tr("3 kHz altına yayılım", "spreads below 3 kHz") << ": "
       << (n.hf.spreads_below_3k ? ctx.tr("evet", "yes") : ctx.tr("hayır", "no"));
    os << ", " << ctx.tr("çentik", "notch") << ": "
       << (n.notch.present ? std::to_string(n.notch.frequency_hz) + " Hz"
                           : std::string(ctx.tr("yok", "none")))
       << "\n";
  }
  os << ctx.tr("İki kulak", "Binaural") << " %" << fmt1(numbers->binaural_percent);
  if (numbers->aao1979_binaural_percent) {
    os << ", AAO-1979 %" << fmt1(*numbers->aao1979_binaural_percent);
  }
  os << "\n";
  if (shift) {
    for (au::Ear e : {au::Ear::right, au::Ear::left}) {
      const au::EarShift& s = e == au::Ear::right ? shift->right : shift->left;
      os << "STS " << (e == au::Ear::right ? ctx.tr("sağ", "right") : ctx.tr("sol", "left")) << ": "
         << fmt1(s.mean_shift_db) << " dB " << (s.sts ? "STS" : "-");
      if (s.mean_shift_corrected_db) {
        os << "; " << ctx.tr("yaşa göre düzeltilmiş", "age-corrected") << " (" << table_name << ") "
           << fmt1(*s.mean_shift_corrected_db) << " dB " << (*s.sts_corrected ? "STS" : "-");
      }
      os << "\n";
    }
    os << ctx.tr("Kaydedilecek vaka (OSHA 1904.10)", "Recordable (OSHA 1904.10)") << ": "
       << (shift->recordable() ? ctx.tr("evet", "yes") : ctx.tr("hayır", "no")) << "\n";
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
  os << ctx.tr("Benzetilmiş dinleyici, otomatik eşik arama", "Simulated listener, automated search")
     << " (seed " << seed << "): " << s->result.presentations << " "
     << ctx.tr("sunum", "presentations") << ", " << fmt1(s->minutes) << " " << ctx.tr("dk", "min")
     << "\n";
  os << "Hz      ";
  for (const auto& [hz, p] : s->result.audiogram.right.air) os << std::setw(6) << hz;
  os << "\n";
  for (au::Ear e : {au::Ear::right, au::Ear::left}) {
    os << std::left << std::setw(8)
       << (e == au::Ear::right ? ctx.tr("Sağ", "Right") : ctx.tr("Sol", "Left")) << std::right;
    for (const auto& [hz, p] : s->result.audiogram.ear(e).air) {
      os << std::setw(6) << (p.no_response() ? "NR" : std::to_string(p.level_db_hl));
    }
    os << "  (" << ctx.tr("ortalama", "average") << " " << fmt1(numbers->ear(e).speech.value_db)
       << " dB, %" << fmt1(numbers->ear(e).percent_loss) << ")\n";
  }
  os << ctx.tr("Güvenilirlik", "Reliability") << ": "
     << (s->result.any_unreliable()
             ? ctx.tr("güvenilmez (yanlış alarm)", "unreliable (false alarms)")
             : ctx.tr("iyi", "good"))
     << "\n";
  return 0;
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
}

}  // namespace odyo::station
