#include "station/demo/demo.hpp"

#include <openssl/rand.h>

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "acquisition/audiometry/search_runner.hpp"
#include "acquisition/audiometry/simulated_listener.hpp"
#include "analysis/audiometry/hearing_numbers.hpp"
#include "station/app/daily_checks.hpp"
#include "station/auth/login.hpp"
#include "station/core/i18n.hpp"
#include "station/core/local_time.hpp"
#include "station/core/person_input.hpp"
#include "station/devices/profiles.hpp"
#include "station/devices/simulator.hpp"
#include "station/devices/spirometry_capture.hpp"
#include "station/evaluation/physician_records.hpp"
#include "station/evaluation/worker_evaluation.hpp"
#include "station/exams/audiometry_exam.hpp"
#include "station/exams/spirometry_exam.hpp"
#include "station/qc/qc_rules.hpp"
#include "station/records/chest_films.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"
#include "station/reference/reference_tables.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/audit.hpp"
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
      {{"D-1001", "38492017510", "Ahmet", "Kaya", "1984-03-12", "M", 174, 78, "Kozlu", "YA-PANO-01",
        ""},
       "pano ayak kazmacısı: spirometri",
       "face hewer: spirometry"},
      {{"D-1002", "52930184664", "Mehmet", "Demir", "1979-07-02", "M", 170, 82, "Kozlu",
        "YU-KOMP-01", ""},
       "kompresör operatörü (gürültülü iş): odyometri",
       "compressor operator (noisy job): audiometry"},
      {{"D-1003", "67104528328", "Elif", "Şahin", "1992-11-20", "F", 163, 60, "Armutçuk",
        "YU-BURO-01", ""},
       "",
       ""},
      {{"D-1004", "24561397850", "Hasan", "Öztürk", "1968-01-15", "M", 168, 85, "Karadon",
        "YA-TAH-01", ""},
       "",
       ""},
  };
  return list;
}

// A random password for a demo account (printed once, never in the source): 16 characters
// from an alphabet without look-alikes (no 0/O, 1/l/I).
std::string random_password(std::size_t length) {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  constexpr std::size_t n = sizeof kAlphabet - 1;
  std::string out;
  while (out.size() < length) {
    unsigned char b[32];
    if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
    for (unsigned char c : b)
      if (static_cast<std::size_t>(c) < 256 - 256 % n && out.size() < length)
        out += kAlphabet[static_cast<std::size_t>(c) % n];  // no modulo bias
  }
  return out;
}

// Creates the account with a random password; returns the password (empty: it existed).
Result<std::string> ensure_user(Database& db, const StationConfig& cfg, NewUser u,
                                const std::string& actor) {
  if (find_user(db, u.username)) return std::string();
  u.password =
      random_password(std::max<std::size_t>(16, static_cast<std::size_t>(cfg.password_min_length)));
  auto r = add_user(db, u, cfg.password_min_length, cfg.pbkdf2_iterations, actor);
  if (!r) return r.error();
  return u.password;
}

constexpr const char* kDemoMarkAction = "demo.database";

Result<std::vector<std::string>> column_values(Database& db, const char* sql) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  std::vector<std::string> out;
  for (;;) {
    auto more = st->step();
    if (!more) return more.error();
    if (!*more) break;
    out.push_back(st->text(0));
  }
  return out;
}

}  // namespace

const std::vector<NewUser>& demo_users() {
  // No password here: each is made at random when the account is created and printed once.
  static const std::vector<NewUser> list{{"yonetici", "Demo Yönetici", "admin", ""},
                                         {"teknisyen", "Demo Teknisyen", "technician", ""},
                                         {"hekim", "Dr. Demo Hekim", "physician", ""}};
  return list;
}

Result<bool> check_demo_database(Database& db) {
  const std::string where = db.file().string();
  auto mark = column_values(
      db, "SELECT action FROM audit_log WHERE action = 'demo.database' ORDER BY id LIMIT 1");
  if (!mark) return mark.error();
  auto workers = column_values(db, "SELECT registry_no FROM workers");
  if (!workers) return workers.error();
  auto users = column_values(db, "SELECT username FROM users");
  if (!users) return users.error();
  auto exams = column_values(db, "SELECT id FROM exams");
  if (!exams) return exams.error();
  const auto refuse = [&](const Error& why) {
    return make_errorf("demo_refused",
                       "{} {}: the demo adds fake workers and accounts, so it runs only on a "
                       "database of its own. Give a new file: odyospiro --db var/demo.db demo",
                       where, why);
  };
  if (mark->empty()) {
    if (!workers->empty() || !users->empty() || !exams->empty())
      return refuse(make_error({}, "is not a demo database (it holds workers, users or exams)"));
    return true;  // new: the demo may make it its own
  }
  // The demo's own database: still refused once someone added real records to it.
  for (const auto& r : *workers) {
    const bool ours = std::any_of(demo_workers().begin(), demo_workers().end(),
                                  [&](const DemoWorker& d) { return d.w.registry_no == r; });
    if (!ours) return refuse(make_errorf({}, "holds worker {}, whom the demo did not create", r));
  }
  for (const auto& u : *users) {
    const bool ours = std::any_of(demo_users().begin(), demo_users().end(),
                                  [&](const NewUser& d) { return d.username == u; });
    if (!ours)
      return refuse(make_errorf({}, "holds the account \"{}\", which the demo did not create", u));
  }
  return false;
}

Result<void> claim_demo_database(Database& db, const std::string& actor) {
  auto fresh = check_demo_database(db);
  if (!fresh) return fresh.error();
  if (!*fresh) return {};
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  AuditEntry e{actor, kDemoMarkAction, "database", std::nullopt,
               R"({"note":"created by odyospiro demo: sample data only, not a clinic's records"})"};
  if (auto r = audit_append(db, e); !r) return r.error();
  return tx->commit();
}

namespace {

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
  const i18n::Catalog& c = i18n::catalog(o.turkish ? "tr" : "en");
  DemoOutcome outcome;

  auto rules = rules::load_ruleset(cfg.rules_dir);
  if (!rules) return rules.error();
  auto tables = load_reference_tables(cfg.reference_dir);
  if (!tables) return tables.error();

  // 0. Only the demo's own database (an empty one becomes one; a clinic's is refused).
  if (auto r = claim_demo_database(db, o.actor); !r) return r.error();

  // 1. People. Demo accounts only, with random passwords printed once (at the end): a clinic
  // adds its own with `odyospiro user add`.
  for (const NewUser& u : demo_users()) {
    auto pw = ensure_user(db, cfg, u, o.actor);
    if (!pw) return pw.error();
    if (!pw->empty()) outcome.new_accounts.push_back({u.username, u.role, *pw});
  }
  std::vector<Worker> workers;
  for (const auto& dw : demo_workers()) {
    auto w = ensure_worker(db, cfg, rules->jobs, dw.w, o.actor);
    if (!w) return w.error();
    workers.push_back(*w);
  }
  out << c.tr("Sample workers: ") << workers.size() << "\n";

  // 2. Spirometry through the real driver and session, from the simulator on a pty.
  const Worker& spiro_worker = workers[0];
  auto prof = load_device_profile(cfg.config_dir, "sfm3000-bypass5-serial");
  if (!prof) return prof.error();
  auto* flow = std::get_if<profile::FlowStreamProfile>(&*prof);
  if (flow == nullptr)
    return make_error("demo_profile", "sfm3000-serial is not a flow-stream profile");
  // 2a. The day's checks first, as a technician does them (station/app/daily_checks): the
  //     3-L syringe pushed through the simulated spirometer (a stroke 0.4 % over 3 L), and the
  //     audiometer's listening check. Without them the station refuses to test.
  {
    auto qc_rules = qc::load_qc_rules(cfg.rules_dir);
    if (!qc_rules) return qc_rules.error();
    auto syringe_sim = start_simulator({"spirometer",
                                        o.devsim,
                                        cfg.config_dir / "devices" / "sfm3000-bypass5-serial.toml",
                                        o.work_dir,
                                        {"--script", "quiet:1,syringe:0.4,quiet:3"}});
    if (!syringe_sim) return syringe_sim.error();
    SpiroSessionPlan plan;
    plan.device_id = "spiro-sim";
    plan.uri = syringe_sim->uri;
    plan.profile_name = "sfm3000-bypass5-serial";
    plan.flow = *flow;
    plan.journal_file = o.work_dir / "raw-journal.db";
    plan.seconds = 30;
    plan.technician = "teknisyen";
    SpiroSessionHooks hooks;
    hooks.log = [&](const std::string& line) { out << "  " << line << "\n"; };
    auto stroke = measure_syringe_stroke(plan, hooks);
    if (!stroke) return stroke.error();
    qc::SyringeCheckInput in;
    in.device_id = "spiro-sim";
    in.measured_l = stroke->volume_l;
    in.source = "device";
    in.device_detail = {{"uri", plan.uri}, {"journal_session", stroke->journal_session}};
    auto check = qc::record_syringe_check(db, *qc_rules, in, "teknisyen");
    if (!check) return check.error();
    out << c.trf("3-L syringe check of {}: read {} L ({})", in.device_id,
                 fmt::format("{:.3f}", in.measured_l), check->passed ? c.tr("pass") : c.tr("FAIL"))
        << "\n";
    qc::ListeningCheckInput li;
    li.device_id = "audio-sim";
    li.listener = "Demo Teknisyen";
    li.passed = true;
    if (auto r = qc::record_listening_check(db, li, "teknisyen"); !r) return r.error();
    out << c.trf("Listening check of {}: {}", li.device_id, c.tr("pass")) << "\n";
  }
  if (auto r = require_check_before_test(db, "spiro-sim", qc::kSyringeCheck); !r) return r.error();
  const std::string script = "quiet:1,normal,quiet:2,normal,quiet:2,normal,quiet:2";
  auto sim = start_simulator({"spirometer",
                              o.devsim,
                              cfg.config_dir / "devices" / "sfm3000-bypass5-serial.toml",
                              o.work_dir,
                              {"--script", script}});
  if (!sim) return sim.error();
  out << c.tr("Spirometry: simulator ") << "devsim → " << sim->uri << "\n";
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
  out << "  " << cap->samples << c.tr(" samples, ") << cap->manoeuvres.size()
      << c.tr(" manoeuvres, ") << cap->counters.driver.word_crc_errors << " CRC, "
      << cap->counters.driver.gap_samples << c.tr(" lost samples") << "\n";
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
  if (auto r = require_check_before_test(db, "audio-sim", qc::kListeningCheck); !r)
    return r.error();
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

  // 3a. A chest film for D-1004 (underground haulage since 1990), read by two physicians as ILO
  //     1/1 and 1/0, six weeks ago: the physician's list of suspected occupational disease
  //     (`report suspected`, the Suspected disease page) gets its pneumoconiosis flag to work
  //     through (station/surveillance/suspected, config/rules/suspected.toml). Once per demo
  //     database.
  NewChestFilm film;  // kept for the printout
  {
    const Worker& film_worker = workers[3];
    auto films = list_chest_films(db, film_worker.id);
    if (!films) return films.error();
    if (films->empty()) {
      const auto taken = local_date(std::chrono::system_clock::now() - std::chrono::days{42});
      NewChestFilm& f = film;
      f.worker_id = film_worker.id;
      f.taken_on = to_iso(taken);
      f.quality = 1;
      f.reader_a = "Dr. Ayşe Yılmaz";
      f.ilo_a = "1/1";
      f.reader_b = "Dr. Kemal Aydın";
      f.ilo_b = "1/0";
      f.notes = "p/q, üst zonlar";
      auto id = add_chest_film(db, f, today_iso(), "hekim");
      if (!id) return id.error();
      outcome.chest_film = *id;
    }
  }

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
      << " — " << spiro_worker.job_code << c.tr(" (new hire)") << "\n"
      << e->text;
  out << "\n" << c.tr("Spirometry exam #") << outcome.spirometry_exam << ":\n";
  for (const auto& line : spiro->payload["summary"][o.turkish ? "tr" : "en"])
    out << "  " << line.get<std::string>() << "\n";
  out << c.tr("Audiometry exam #") << outcome.audiometry_exam << ":\n";
  for (const auto& line : audio->payload["summary"][o.turkish ? "tr" : "en"])
    out << "  " << line.get<std::string>() << "\n";
  if (outcome.chest_film != 0) {
    const Worker& fw = workers[3];
    out << c.tr("Chest film #") << outcome.chest_film << ": " << fw.registry_no << " "
        << fw.first_name << " " << fw.last_name
        << c.trf(
               ", ILO {} (reader A) and {} (reader B): on the physician's list of suspected "
               "occupational disease (report suspected, the Suspected disease page)",
               film.ilo_a, film.ilo_b)
        << "\n";
  }
  // The logins: a new account's password is printed now and never again (it is nowhere else).
  std::string hekim_password = "…";
  for (const DemoAccount& a : outcome.new_accounts)
    if (a.username == "hekim") hekim_password = a.password;
  out << "\n"
      << c.tr("Details: ODYOSPIRO_PASSWORD=") << hekim_password
      << " odyospiro --user hekim exam show " << outcome.spirometry_exam << "\n";
  if (outcome.new_accounts.empty()) {
    out << c.tr("The demo accounts' passwords were shown once, on the first run.\n");
  } else {
    out << c.tr("Demo logins (this demo database only; the passwords are shown only now):\n");
    for (const DemoAccount& a : outcome.new_accounts)
      out << "  --user " << a.username << "  ODYOSPIRO_PASSWORD=" << a.password << "  ("
          << c.localize(role_name(a.role)) << ")\n";
  }
  return outcome;
}

}  // namespace odyo::station
