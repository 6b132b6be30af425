#include "station/demo/demo.hpp"

#include <algorithm>

#include <chrono>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <thread>

#include "acquisition/audiometry/search_runner.hpp"
#include "acquisition/audiometry/simulated_listener.hpp"
#include "analysis/audiometry/hearing_numbers.hpp"
#include "station/devices/profiles.hpp"
#include "station/devices/simulator.hpp"
#include "station/devices/spirometry_capture.hpp"
#include "station/evaluation/physician_records.hpp"
#include "station/evaluation/worker_evaluation.hpp"
#include "station/exams/audiometry_exam.hpp"
#include "station/exams/spirometry_exam.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"
#include "station/reference/reference_tables.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"

namespace odyo::station {
namespace {

namespace au = audiometry;

struct DemoWorker {
  NewWorker w;
  const char* story_tr;
  const char* story_en;
};

// Sample workers. T.C. kimlik numbers are valid by the check-digit rule but fictitious.
const std::vector<DemoWorker>& demo_workers() {
  static const std::vector<DemoWorker> list{
      {{"D-1001", "38492017510", "Ahmet", "Kaya", "1984-03-12", "M", 174, 78, "Kozlu",
        "YA-PANO-01"},
       "pano ayak kazmacısı: spirometri",
       "face hewer: spirometry"},
      {{"D-1002", "52930184664", "Mehmet", "Demir", "1979-07-02", "M", 170, 82, "Kozlu",
        "YU-KOMP-01"},
       "kompresör operatörü (gürültülü iş): odyometri",
       "compressor operator (noisy job): audiometry"},
      {{"D-1003", "67104528328", "Elif", "Şahin", "1992-11-20", "F", 163, 60, "Armutçuk",
        "YU-BURO-01"},
       "",
       ""},
      {{"D-1004", "24561397850", "Hasan", "Öztürk", "1968-01-15", "M", 168, 85, "Karadon",
        "YA-TAH-01"},
       "",
       ""},
  };
  return list;
}

}  // namespace

const std::vector<NewUser>& demo_users() {
  static const std::vector<NewUser> list{
      {"yonetici", "Demo Yönetici", "admin", "demo-parola-yonetici"},
      {"teknisyen", "Demo Teknisyen", "technician", "demo-parola-teknisyen"},
      {"hekim", "Dr. Demo Hekim", "physician", "demo-parola-hekim"}};
  return list;
}

namespace {

Result<void> ensure_user(Database& db, const StationConfig& cfg, const NewUser& u,
                         const std::string& actor) {
  if (find_user(db, u.username)) return {};
  auto r = add_user(db, u, cfg.password_min_length, cfg.pbkdf2_iterations, actor);
  if (!r) return r.error();
  return {};
}

Result<Worker> ensure_worker(Database& db, const StationConfig& cfg, const std::vector<Job>& jobs,
                             const NewWorker& w, const std::string& actor) {
  if (auto found = find_worker(db, w.registry_no); found) return found;
  if (auto r = add_worker(db, w, cfg.establishments, jobs, today_iso(), actor); !r)
    return r.error();
  return find_worker(db, w.registry_no);
}

// The physician's findings for the demo worker, as the review page would record them.
constexpr const char* kDemoFindings = R"({
  "otitis": "none", "vertigo": "none", "tinnitus": "none", "presbycusis": false, "acoustic_trauma": false,
  "vision_right_decimal": 1.0, "vision_left_decimal": 0.9, "colour_vision_defect": false,
  "visual_field_defect": false, "ear_exclusion": false, "esr_mm_h": 8, "chest_film_normal": true,
  "pulse_per_min": 72, "systolic_mmhg": 125, "diastolic_mmhg": 80,
  "checklist": {
    "respiratory": {"ok": true}, "rhythm": {"ok": true}, "eyes": true, "heart": {"ok": true, "note": "EKG normal"},
    "digestive": true, "limbs": true, "endocrine": true, "skin": true, "nervous": true, "psychiatry": true,
    "urogenital": true, "chronic_disease": true, "malignancy": true
  }
})";

// A worker with noise-induced loss: a 4 kHz notch, worse on the left, recovering at 8 kHz.
au::ListenerModel demo_listener() {
  au::ListenerModel m;
  m.true_threshold_db_hl[au::Ear::right] = {{250, 10},  {500, 15},  {1000, 15}, {2000, 20},
                                            {3000, 35}, {4000, 45}, {6000, 40}, {8000, 25}};
  m.true_threshold_db_hl[au::Ear::left] = {{250, 15},  {500, 20},  {1000, 25}, {2000, 30},
                                           {3000, 45}, {4000, 55}, {6000, 50}, {8000, 30}};
  m.false_alarm_rate = 0.02;
  m.lapse_rate = 0.02;
  return m;
}

}  // namespace

Result<DemoOutcome> run_demo(Database& db, const StationConfig& cfg, const DemoOptions& o,
                             std::ostream& out) {
  const auto T = [&](const char* tr, const char* en) { return o.turkish ? tr : en; };
  DemoOutcome outcome;

  auto rules = rules::load_ruleset(cfg.rules_dir);
  if (!rules) return rules.error();
  auto tables = load_reference_tables(cfg.reference_dir);
  if (!tables) return tables.error();

  // 1. People. Demo accounts only: a clinic adds its own with `odyospiro user add`.
  for (const NewUser& u : demo_users()) {
    if (auto r = ensure_user(db, cfg, u, o.actor); !r) return r.error();
  }
  std::vector<Worker> workers;
  for (const auto& dw : demo_workers()) {
    auto w = ensure_worker(db, cfg, rules->jobs, dw.w, o.actor);
    if (!w) return w.error();
    workers.push_back(*w);
  }
  out << T("Örnek çalışanlar: ", "Sample workers: ") << workers.size() << "\n";

  // 2. Spirometry through the real driver and session, from the simulator on a pty.
  const Worker& spiro_worker = workers[0];
  auto prof = load_device_profile(cfg.config_dir, "sfm3000-bypass5-serial");
  if (!prof) return prof.error();
  auto* flow = std::get_if<profile::FlowStreamProfile>(&*prof);
  if (flow == nullptr)
    return make_error("demo_profile", "sfm3000-serial is not a flow-stream profile");
  const std::string script = "quiet:1,normal,quiet:2,normal,quiet:2,normal,quiet:2";
  auto sim = start_simulator({"spirometer",
                              o.devsim,
                              cfg.config_dir / "devices" / "sfm3000-bypass5-serial.toml",
                              o.work_dir,
                              {"--script", script}});
  if (!sim) return sim.error();
  out << T("Spirometri: simülatör ", "Spirometry: simulator ") << "devsim → " << sim->uri << "\n";
  SpirometryCaptureOptions co;
  co.uri = sim->uri;
  co.device_profile = *flow;
  co.journal_file = o.work_dir / "raw-journal.db";
  co.meta = acquisition::SessionMeta{"spiro-sim", "flowstream", co.uri, flow->device.id,
                                     spiro_worker.registry_no};
  co.seconds = 40;
  co.log = [&](const std::string& line) { out << "  " << line << "\n"; };
  co.enough = [](std::size_t n) { return n >= 3; };
  auto cap = capture_spirometry(co);
  if (!cap) return cap.error();
  out << "  " << cap->samples << T(" örnek, ", " samples, ") << cap->manoeuvres.size()
      << T(" manevra, ", " manoeuvres, ") << cap->counters.driver.word_crc_errors << " CRC, "
      << cap->counters.driver.gap_samples << T(" kayıp örnek", " lost samples") << "\n";
  SpirometryStoreOptions so;
  so.device_id = "spiro-sim";
  so.journal_file = co.journal_file;
  so.ambient_temp_c = 22.0;
  so.ambient_pressure_kpa = 100.8;
  so.ambient_humidity_pct = 45.0;
  so.technician = "teknisyen";
  auto spiro =
      store_spirometry_capture(db, cfg, *tables, spiro_worker, *cap, *flow, so, "teknisyen");
  if (!spiro) return spiro.error();
  outcome.spirometry_exam = spiro->exam_id;

  // 3. Audiometry for the same worker: the automated threshold search against a simulated listener.
  const Worker& audio_worker = workers[0];
  au::SimulatedAudiometer audiometer(demo_listener(), o.seed);
  au::SearchParams params;
  if (auto r = au::apply_device_limits(params, audiometer); !r) return r.error();
  au::ThresholdSearch search(params, o.seed + 1);
  if (auto r = au::run_search(search, audiometer); !r) return r.error();
  auto audio = record_audiometry_exam(db, cfg, audio_worker, search.result(),
                                      {"audio-sim", utc_now_iso(), "teknisyen",
                                       "simulated listener, seed " + std::to_string(o.seed)},
                                      "teknisyen");
  if (!audio) return audio.error();
  outcome.audiometry_exam = audio->exam_id;

  // 4. The physician's examination (the Ek-1 items no device measures) and the evaluation of
  //    this new hire for the face job, stored as the automatic evaluation awaiting sign-off.
  //    The other Ek-2 systems are the physician's records (nothing found), kept once per worker.
  {
    auto current = evaluation::current_physician_records(db, spiro_worker.id);
    if (!current) return current.error();
    for (const auto& sys : evaluation::system_names(*rules)) {
      const bool recorded = std::any_of(current->begin(), current->end(), [&](const auto& r) {
        return r.kind == "system" && r.subject == sys;
      });
      if (recorded) continue;
      if (auto r = evaluation::add_physician_record(db, *rules, spiro_worker.id, "system", sys,
                                                    {{"column", "none"}}, "", "hekim");
          !r)
        return r.error();
    }
  }
  auto e =
      evaluation::evaluate_stored_worker(db, cfg, *rules, spiro_worker, "new-hire",
                                         nlohmann::json::parse(kDemoFindings), "hekim", o.turkish);
  if (!e) return e.error();
  outcome.evaluations.push_back(e->evaluation_id);
  out << "\n"
      << spiro_worker.registry_no << " " << spiro_worker.first_name << " " << spiro_worker.last_name
      << " — " << spiro_worker.job_code << T(" (işe giriş)", " (new hire)") << "\n"
      << e->text;
  out << "\n"
      << T("Spirometri muayenesi #", "Spirometry exam #") << outcome.spirometry_exam << ":\n";
  for (const auto& line : spiro->payload["summary"][o.turkish ? "tr" : "en"])
    out << "  " << line.get<std::string>() << "\n";
  out << T("Odyometri muayenesi #", "Audiometry exam #") << outcome.audiometry_exam << ":\n";
  for (const auto& line : audio->payload["summary"][o.turkish ? "tr" : "en"])
    out << "  " << line.get<std::string>() << "\n";
  out << "\n"
      << T("Ayrıntı için: ODYOSPIRO_PASSWORD=demo-parola-hekim odyospiro --user hekim exam show ",
           "Details: ODYOSPIRO_PASSWORD=demo-parola-hekim odyospiro --user hekim exam show ")
      << outcome.spirometry_exam << "\n";
  out << T("Demo girişleri (yalnız bu demo veritabanı için):\n",
           "Demo logins (this demo database only):\n");
  for (const NewUser& u : demo_users())
    out << "  --user " << u.username << "  ODYOSPIRO_PASSWORD=" << u.password << "  (" << u.role
        << ")\n";
  return outcome;
}

}  // namespace odyo::station
