// Suspected occupational disease flags on a generated five-year cohort with planted answers,
// stored through the station's own functions (record_spirometry_exam from synthetic blows,
// record_audiometry_exam, sign_exam_result, store/confirm/override_evaluation, add_chest_film):
// an accelerated FEV1 decline, a standard threshold shift with a notch, a new obstruction, a new
// restriction pattern, a worse Ek-2 column, ILO 1/0 films. Every planted flag is found with its
// evidence and no other flag is raised: not for a persistent obstruction (not new), an unsigned
// exam, an automatic evaluation nobody signed, or an override that keeps the column. The
// physician's actions and their refusals (nothing written on a refusal).
#include "station/surveillance/suspected.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "analysis/spirometry/indices.hpp"
#include "station/auth/signing.hpp"
#include "station/config/config.hpp"
#include "station/core/i18n.hpp"
#include "station/evaluation/decisions.hpp"
#include "station/exams/audiometry_exam.hpp"
#include "station/exams/spirometry_exam.hpp"
#include "station/records/chest_films.hpp"
#include "station/records/workers.hpp"
#include "station/reference/reference_tables.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"
#include "tests/analysis/spirometry/synthetic_blow.hpp"
#include "tests/station/support/station_fixture.hpp"
#include "tests/station/support/tc_kimlik.hpp"

using namespace odyo::station;
using namespace odyo::station::surveillance;
namespace ev = odyo::evaluation;
namespace au = odyo::audiometry;
namespace sp = odyo::spirometry;

namespace {

constexpr const char* kPassword = "hekim-parola-2026";
constexpr int kYears = 5;  // 2021 … 2025
constexpr int kWorkers = 40;

// A forced blow of the synthetic model (tests/analysis/spirometry/synthetic_blow.hpp) with the
// wanted FEV1 and FVC: FEV1 = 0.27·PEF + 1.998·body, FVC = 0.27·PEF + 3.375·body +
// mid·(0.25·body + 0.024) + 0.024 (ramp 40 ms, tail 1 s); the smallest PEF that fits.
synth::Blow blow_for(double fev1_l, double fvc_l) {
  for (double pef = 5.0; pef <= 14.0; pef += 0.5) {
    const double body = (fev1_l - 0.27 * pef) / 1.998;
    if (body < 0.2 || 3.0 * body >= pef) continue;
    const double mid = (fvc_l - 0.27 * pef - 3.375 * body - 0.024) / (0.25 * body + 0.024);
    if (mid < 0.3 || mid > 9.0) continue;
    synth::Blow b;
    b.pef_lps = pef;
    b.body = body;
    b.mid_s = mid;
    return b;
  }
  ADD_FAILURE() << "no synthetic blow for FEV1 " << fev1_l << " FVC " << fvc_l;
  return {};
}

enum Case {
  kClean,
  kCleanUnsignedDrop,      // clean; an unsigned last exam with a steep fall
  kCleanAutoWorse,         // clean; an automatic evaluation (not signed) with column B
  kPersistentObstruction,  // obstruction at every exam: not new, no flag
  kDecline,                // FEV1 −18 % in the last year
  kSts,                    // 2/3/4 kHz +25 dB and a 4 kHz notch in the last year
  kNewObstruction,
  kNewRestriction,  // FVC below LLN in the last year (FEV1 falls with it: FEV too)
  kWorseEk2,        // the physician overrides the last evaluation to column C
  kFilm,            // reader B reads 1/0 on the last film (worker 19 referred at once)
};

// The cohort is some 1 600 transactions, each synced to disk (synchronous=FULL): on tmpfs, where
// there is one, the test takes seconds instead of a minute.
std::unique_ptr<odyo::test::TempDir> fast_temp_dir() {
  if (std::filesystem::is_directory("/dev/shm")) ::setenv("TMPDIR", "/dev/shm", 1);
  return std::make_unique<odyo::test::TempDir>();
}

struct SuspectedCohort : ::testing::Test {
  std::unique_ptr<odyo::test::TempDir> dir = fast_temp_dir();
  std::unique_ptr<Database> db;
  StationConfig cfg;
  ev::RuleSet rules;
  sp::ReferenceTables tables;
  SuspectedRules criteria;
  User physician;
  double btps = 1.0;
  // registry → the flag ids planted
  std::map<std::string, std::set<std::string>> planted;
  std::map<std::string, std::int64_t> last_spiro, last_audio, last_film, last_chain;

  void SetUp() override {
    db = std::move(Database::open(*dir / "cohort.db").value());
    cfg = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml").value();
    rules = rules::load_ruleset(cfg.rules_dir).value();
    tables = load_reference_tables(cfg.reference_dir).value();
    criteria = load_suspected_rules(cfg.rules_dir).value();
    ASSERT_TRUE(
        add_user(*db, {"hekim", "Dr. Hekim", "physician", kPassword}, 10, 10000, "admin").ok());
    ASSERT_TRUE(
        add_user(*db, {"tekniker", "Tekniker", "technician", "tekniker-parola"}, 10, 10000, "admin")
            .ok());
    physician = find_user(*db, "hekim").value();
    btps = sp::btps_factor(sp::BtpsStrategy::kAmbientHumidity, {20.0, 101.3, 0.5}).value();
  }

  void sign(std::int64_t exam) {
    auto s = sign_exam_result(*db, physician, kPassword, exam, 10000);
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  std::int64_t spiro(const Worker& w, const std::string& date, double fev1, double fvc,
                     bool signed_ = true) {
    const synth::Blow b = blow_for(fev1, fvc);
    std::vector<double> flow = b.samples();
    for (double& f : flow) f /= btps;  // the station multiplies by BTPS again
    SpirometryCapture c;
    c.manoeuvres_flow_lps = {flow, flow, flow};
    c.sample_rate_hz = b.rate_hz;
    c.ambient_temp_c = 20.0;
    c.ambient_pressure_kpa = 101.3;
    c.ambient_humidity_pct = 50.0;
    c.device_id = "spiro-sim";
    c.profile = "synthetic";
    c.raw_source = "test";
    c.started_at = date + "T09:00:00Z";
    c.technician = "tekniker";
    auto r = record_spirometry_exam(*db, cfg, tables, w, c, "tekniker");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return 0;
    EXPECT_NEAR(r->payload["session"]["fev1_l"].get<double>(), fev1, 0.01) << date;
    EXPECT_NEAR(r->payload["session"]["fvc_l"].get<double>(), fvc, 0.01) << date;
    if (signed_) sign(r->exam_id);
    return r->exam_id;
  }

  // Thresholds 10 dB everywhere; `shift` dB added at 2, 3, 4 kHz (and 6 kHz − 5: a notch that
  // recovers at 8 kHz).
  std::int64_t audio(const Worker& w, const std::string& date, int shift) {
    au::SearchResult s;
    for (au::Ear e : {au::Ear::right, au::Ear::left}) {
      for (int hz : {250, 500, 1000, 2000, 3000, 4000, 6000, 8000}) {
        au::ThresholdPoint pt;
        pt.level_db_hl = 10;
        if (hz >= 2000 && hz <= 4000) pt.level_db_hl += shift;
        if (hz == 6000 && shift > 0) pt.level_db_hl += shift - 5;
        pt.provenance = au::Provenance::automated;
        s.audiogram.ear(e).air[hz] = pt;
      }
    }
    s.complete = true;
    s.presentations = 200;
    auto r = record_audiometry_exam(*db, cfg, w, s, {"audio-sim", date + "T10:00:00Z", "t", ""},
                                    "tekniker");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return 0;
    sign(r->exam_id);
    return r->exam_id;
  }

  // An automatic evaluation with `column`; the physician confirms it, overrides it to
  // `physician_column`, or (nullopt, confirm = false) leaves it unsigned. Returns the chain id.
  std::int64_t evaluation(const Worker& w, std::int64_t exam, ev::Column column,
                          std::optional<ev::Column> physician_column, bool confirm = true) {
    ev::EvaluationInput in;
    ev::Evaluation result;
    result.column = column;
    result.column_at_least = column;
    result.health_group = column;
    auto id = evaluation::store_evaluation(*db, w.id, exam, in, result, rules, "tekniker");
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    if (!id.ok()) return 0;
    if (physician_column) {
      auto o = evaluation::override_evaluation(*db, *id, physician_column, std::nullopt,
                                               "clinical findings", "hekim");
      EXPECT_TRUE(o.ok()) << (o.ok() ? "" : o.error().message);
    } else if (confirm) {
      auto c = evaluation::confirm_evaluation(*db, *id, "hekim");
      EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    }
    return *id;
  }

  std::int64_t film(const Worker& w, const std::string& date, const std::string& ilo_b,
                    bool referred = false) {
    NewChestFilm f;
    f.worker_id = w.id;
    f.taken_on = date;
    f.reader_a = "Dr. A";
    f.ilo_a = "0/1";
    f.reader_b = "Dr. B";
    f.ilo_b = ilo_b;
    f.referred = referred;
    if (referred) f.referral_reason = "ILO 1/0";
    auto id = add_chest_film(*db, f, "2026-12-31", "hekim");
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    return id.ok() ? *id : 0;
  }

  void generate() {
    for (int n = 0; n < kWorkers; ++n) {
      const std::string reg = std::to_string(7000 + n);
      NewWorker nw{reg,
                   odyo::test::tc_from_stem(200000000LL + n * 7919LL),
                   "Ad" + std::to_string(n),
                   "Soyad",
                   "1975-06-01",
                   "M",
                   175,
                   80,
                   n % 2 == 0 ? "Kozlu" : "Karadon",
                   "YA-PANO-01",
                   "2015-01-01"};
      auto wid = add_worker(*db, nw, cfg.establishments, rules.jobs, "2026-12-31", "tekniker");
      ASSERT_TRUE(wid.ok()) << wid.error().message;
      const Worker w = find_worker(*db, reg).value();
      const Case c = static_cast<Case>(n % 10);
      for (int y = 0; y < kYears; ++y) {
        const std::string date = std::to_string(2021 + y) + "-03-1" + std::to_string(n % 10);
        const bool last = y == kYears - 1;
        // Spirometry: a slow decline of 30 mL a year from 3.90/4.84 L (ratio 0.81).
        double fev1 = 3.90 - 0.03 * y, fvc = 4.84 - 0.03 * y;
        if (c == kPersistentObstruction) fev1 = 3.40 - 0.03 * y, fvc = 5.50 - 0.03 * y;
        if (last && c == kDecline) fev1 = 3.20, fvc = 3.98;         // −17 % from 3.87 L
        if (last && c == kNewObstruction) fev1 = 3.45, fvc = 5.60;  // ratio 0.62, −11 %
        if (last && c == kNewRestriction) fev1 = 2.70, fvc = 3.30;  // FVC < LLN, ratio 0.82
        const auto sx = spiro(w, date, fev1, fvc);
        if (last) last_spiro[reg] = sx;
        const auto ax = audio(w, date, last && c == kSts ? 25 : 0);
        if (last) last_audio[reg] = ax;
        // The yearly evaluation, confirmed by the physician (column A).
        if (last && c == kWorseEk2) {
          last_chain[reg] = evaluation(w, sx, ev::Column::A, ev::Column::C);
        } else if (last && c == kCleanAutoWorse) {
          evaluation(w, sx, ev::Column::A, std::nullopt);
          evaluation(w, sx, ev::Column::B, std::nullopt, false);  // nobody signed it
        } else if (last && n % 10 == kClean && n == 10) {
          evaluation(w, sx, ev::Column::C, ev::Column::A);  // overridden back to A
        } else {
          evaluation(w, sx, ev::Column::A, std::nullopt);
        }
        if (y % 2 == 0) {
          const bool ilo = y == 4 && c == kFilm;
          const auto fx = film(w, date, ilo ? "1/0" : "0/0", ilo && n == 19);
          if (y == 4) last_film[reg] = fx;
        }
      }
      if (c == kCleanUnsignedDrop)  // steep fall, but nobody signed the exam
        spiro(w, "2025-11-01", 2.5, 3.1, false);
      switch (c) {
        case kDecline:
          planted[reg].insert("FEV-" + std::to_string(last_spiro[reg]));
          break;
        case kSts:
          planted[reg].insert("HL-" + std::to_string(last_audio[reg]));
          break;
        case kNewObstruction:
          planted[reg].insert("OBS-" + std::to_string(last_spiro[reg]));
          break;
        case kNewRestriction:
          planted[reg].insert("RES-" + std::to_string(last_spiro[reg]));
          planted[reg].insert("FEV-" + std::to_string(last_spiro[reg]));
          break;
        case kWorseEk2:
          planted[reg].insert("EK2-" + std::to_string(last_chain[reg]));
          break;
        case kFilm:
          planted[reg].insert("ILO-" + std::to_string(last_film[reg]));
          break;
        default:
          break;
      }
    }
  }

  std::int64_t count(const std::string& table) {
    auto st = db->prepare("SELECT count(*) FROM " + table);
    EXPECT_TRUE(st.ok());
    EXPECT_TRUE(*st->step());
    return st->int64(0);
  }
};

const Flag* find_id(const SuspectedReport& r, const std::string& id) {
  for (const auto& f : r.flags)
    if (f.id == id) return &f;
  return nullptr;
}

}  // namespace

TEST(SuspectedRules, TheShippedCriteriaLoadAndABadOneIsNamed) {
  auto r = load_suspected_rules(std::string(ODYO_SOURCE_DIR) + "/config/rules");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GT(r->fev1_decline.limit_pct_per_year, 0);
  EXPECT_TRUE(r->fev1_decline.provisional);
  EXPECT_FALSE(r->hearing.flag_on.empty());
  EXPECT_EQ(r->chest_film.min_ilo_category, 1);

  auto bad = parse_suspected_rules(
      "[table]\nname = \"suspected\"\nversion = \"1\"\neffective = 2026-01-01\nsource = \"s\"\n"
      "[hearing]\nflag_on = [\"loud\"]\n",
      "bad.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("bad.toml"), std::string::npos) << bad.error().message;
}

TEST_F(SuspectedCohort, EveryPlantedCaseFoundWithItsEvidenceAndNoOtherFlag) {
  generate();
  if (HasFailure()) return;
  std::size_t calls = 0;
  auto report = compute_suspected(*db, criteria, {}, [&](std::size_t, std::size_t) { ++calls; });
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->workers_checked, static_cast<std::size_t>(kWorkers));
  EXPECT_GE(calls, 1u);

  std::map<std::string, std::set<std::string>> found;
  for (const auto& f : report->flags) found[f.registry_no].insert(f.id);
  // ILO-… of worker 7019 was referred with the film: not open.
  planted["7019"].clear();
  std::erase_if(planted, [](const auto& kv) { return kv.second.empty(); });
  EXPECT_EQ(found, planted);

  // The evidence carries the numbers.
  const Flag* fev = find_id(*report, "FEV-" + std::to_string(last_spiro["7004"]));
  ASSERT_NE(fev, nullptr);
  EXPECT_EQ(fev->kind, "fev1_decline");
  EXPECT_NEAR(fev->evidence["fev1_l"].get<double>(), 3.20, 0.01);
  EXPECT_GT(fev->evidence["against"]["loss_pct_per_year"].get<double>(), 15.0);
  EXPECT_NEAR(fev->evidence["against"]["fev1_l"].get<double>(), 3.81, 0.15);
  EXPECT_TRUE(fev->evidence["change_score"].contains("not_applicable"));  // adults
  EXPECT_TRUE(fev->criterion.provisional);

  const Flag* hl = find_id(*report, "HL-" + std::to_string(last_audio["7005"]));
  ASSERT_NE(hl, nullptr);
  for (const char* ear : {"right", "left"}) {
    EXPECT_NEAR(hl->evidence[ear]["mean_shift_db"].get<double>(), 25.0, 1e-9);
    EXPECT_TRUE(hl->evidence[ear]["sts"].get<bool>());
    EXPECT_TRUE(hl->evidence[ear]["notch"].get<bool>());
  }
  EXPECT_TRUE(hl->evidence["recordable"].get<bool>());

  const Flag* obs = find_id(*report, "OBS-" + std::to_string(last_spiro["7006"]));
  ASSERT_NE(obs, nullptr);
  EXPECT_LT(obs->evidence["now"]["fev1_fvc"].get<double>(),
            obs->evidence["now"]["fev1_fvc_lln"].get<double>());
  EXPECT_GE(obs->evidence["previous"]["fev1_fvc"].get<double>(),
            obs->evidence["previous"]["fev1_fvc_lln"].get<double>());

  const Flag* res = find_id(*report, "RES-" + std::to_string(last_spiro["7007"]));
  ASSERT_NE(res, nullptr);
  EXPECT_EQ(res->evidence["now"]["pattern"], "possible_restriction");
  EXPECT_LT(res->evidence["now"]["fvc_l"].get<double>(),
            res->evidence["now"]["fvc_lln_l"].get<double>());

  const Flag* ek2 = find_id(*report, "EK2-" + std::to_string(last_chain["7008"]));
  ASSERT_NE(ek2, nullptr);
  EXPECT_EQ(ek2->evidence["now"]["ek2_column"], "C");
  EXPECT_EQ(ek2->evidence["now"]["kind"], "override");
  EXPECT_EQ(ek2->evidence["previous"]["ek2_column"], "A");

  const Flag* ilo = find_id(*report, "ILO-" + std::to_string(last_film["7009"]));
  ASSERT_NE(ilo, nullptr);
  EXPECT_EQ(ilo->evidence["ilo_b"], "1/0");
  EXPECT_EQ(ilo->establishment, "Karadon");

  // Every flag's evidence reads in Turkish and English.
  const auto& tr = i18n::catalog("tr");
  for (const auto& f : report->flags) {
    ASSERT_FALSE(f.evidence_text.empty()) << f.id;
    const auto j = flag_json(f, tr);
    EXPECT_EQ(j["state"], "open");
    EXPECT_FALSE(j["criterion"]["citation"].get<std::string>().empty());
  }

  // One establishment only.
  SuspectedQuery kozlu;
  kozlu.establishment = "Kozlu";
  auto k = compute_suspected(*db, criteria, kozlu);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->workers_checked, static_cast<std::size_t>(kWorkers / 2));
  for (const auto& f : k->flags) EXPECT_EQ(f.establishment, "Kozlu") << f.id;

  // The referred film is listed with --all, referred with the film's reason.
  SuspectedQuery all;
  all.open_only = false;
  auto a = compute_suspected(*db, criteria, all);
  ASSERT_TRUE(a.ok());
  const Flag* referred = find_id(*a, "ILO-" + std::to_string(last_film["7019"]));
  ASSERT_NE(referred, nullptr);
  EXPECT_EQ(referred->state, FlagState::referred);
  EXPECT_EQ(referred->actions.at(0).reason, "ILO 1/0");

  // The physician works through the list: notify, then refer; dismiss another with a reason.
  const std::string hl_id = hl->id, ilo_id = ilo->id;
  const auto actions_before = count("flag_actions"), audit_before = count("audit_log");
  auto n1 = act_on_flag(*db, criteria, hl_id, "notify", "", "hekim");
  ASSERT_TRUE(n1.ok()) << n1.error().message;
  EXPECT_EQ(n1->state, FlagState::notified);
  auto n2 = act_on_flag(*db, criteria, hl_id, "refer", "SGK referral", "hekim");
  ASSERT_TRUE(n2.ok()) << n2.error().message;
  EXPECT_EQ(n2->state, FlagState::referred);
  auto d = act_on_flag(*db, criteria, ilo_id, "dismiss", "old scar, reader A 0/1", "hekim");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->state, FlagState::dismissed);
  EXPECT_EQ(count("flag_actions"), actions_before + 3);
  EXPECT_EQ(count("audit_log"), audit_before + 3);
  auto open = compute_suspected(*db, criteria, {});
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(find_id(*open, hl_id), nullptr);
  EXPECT_EQ(find_id(*open, ilo_id), nullptr);
  EXPECT_EQ(open->flags.size(), report->flags.size() - 2);
  auto shown = find_flag(*db, criteria, hl_id);
  ASSERT_TRUE(shown.ok());
  ASSERT_EQ(shown->actions.size(), 2u);
  EXPECT_EQ(shown->actions[1].created_by, "hekim");
  EXPECT_EQ(shown->actions[1].reason, "SGK referral");

  // Refusals: nothing is written.
  const auto a0 = count("flag_actions"), l0 = count("audit_log WHERE action LIKE 'flag.%'");
  auto refused = [&](const std::string& id, const std::string& action, const std::string& reason,
                     const std::string& actor, const std::string& code, const std::string& words) {
    auto r = act_on_flag(*db, criteria, id, action, reason, actor);
    ASSERT_FALSE(r.ok()) << id << " " << action;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
  };
  const std::string obs_id = obs->id;
  refused(obs_id, "dismiss", "", "hekim", "flag_invalid", "reason");
  refused(obs_id, "dismiss", "   ", "hekim", "flag_invalid", "reason");
  refused(obs_id, "notify", "", "tekniker", "auth_role", "physician");  // audited as denied
  refused("OBS-999999", "notify", "", "hekim", "flag_unknown", "OBS-999999");
  refused("XYZ-1", "notify", "", "hekim", "flag_unknown", "XYZ-1");
  refused("OBS-" + std::to_string(last_spiro["7000"]), "notify", "", "hekim", "flag_unknown",
          "suspected.toml");
  refused(obs_id, "close", "", "hekim", "flag_invalid", "close");
  refused(ilo_id, "notify", "", "hekim", "flag_state", "dismissed");
  refused(hl_id, "refer", "", "hekim", "flag_state", "already");
  EXPECT_EQ(count("flag_actions"), a0);
  EXPECT_EQ(count("audit_log WHERE action LIKE 'flag.%'"), l0);

  // Append-only: the database refuses to edit or delete an action.
  EXPECT_FALSE(db->exec("UPDATE flag_actions SET reason = 'x'").ok());
  EXPECT_FALSE(db->exec("DELETE FROM flag_actions").ok());
  EXPECT_TRUE(verify_database(*db).empty());
}
