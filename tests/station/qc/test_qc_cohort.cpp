// Issue 17 item 4, "Must show": a generated four-month cohort of a clinic — four technicians,
// three spirometers and an audiometer, every working day the devices' checks and the
// technicians' tests — with two things planted: one technician whose sessions are mostly poor
// (blows that do not repeat: ATS/ERS 2019 grade E) and one spirometer whose 3-L syringe reading
// drifts upwards (still inside ±3 %, so every check passes). Which technician and which device is
// drawn from the seed. `report qc` (station/qc/indicators) must find exactly the planted
// findings — the poor technician's A/B share and repeatability every month, the drifting
// device's syringe trend every month — and nothing on the clean technicians and devices. The
// second review (station/qc/second_review) draws ≥ 30 % of the signed exams reproducibly and
// its agreement rate is counted per month and physician. Stored through the station's own use
// cases (record_spirometry_exam, record_audiometry_exam, record_syringe_check,
// record_listening_check, sign_exam_result) on a real SQLite file.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "acquisition/audiometry/threshold_search.hpp"
#include "analysis/spirometry/spirometry.hpp"
#include "station/auth/signing.hpp"
#include "station/config/config.hpp"
#include "station/exams/audiometry_exam.hpp"
#include "station/exams/spirometry_exam.hpp"
#include "station/qc/daily_checks.hpp"
#include "station/qc/indicators.hpp"
#include "station/qc/qc_rules.hpp"
#include "station/qc/second_review.hpp"
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
namespace au = odyo::audiometry;
namespace sp = odyo::spirometry;

namespace {

constexpr const char* kPhysicianPassword = "hekim-parola-2026";
const std::vector<std::string> kTechnicians{"ayse", "mehmet", "zeynep", "kemal"};
const std::vector<std::string> kSpirometers{"spiro-1", "spiro-2", "spiro-3"};
const std::vector<std::string> kMonths{"2026-05", "2026-06", "2026-07", "2026-08"};

// A forced blow of the synthetic model with the wanted FEV1 and FVC (as in the suspected-flag
// cohort, tests/station/surveillance/test_suspected.cpp).
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

std::unique_ptr<odyo::test::TempDir> fast_temp_dir() {
  if (std::filesystem::is_directory("/dev/shm")) ::setenv("TMPDIR", "/dev/shm", 1);
  return std::make_unique<odyo::test::TempDir>();
}

struct QcCohort : ::testing::Test {
  std::unique_ptr<odyo::test::TempDir> dir = fast_temp_dir();
  std::unique_ptr<Database> db;
  StationConfig cfg;
  odyo::evaluation::RuleSet rules;
  sp::ReferenceTables tables;
  qc::QcRules qc_rules;
  std::vector<Worker> workers;
  double btps = 1.0;
  std::mt19937_64 rng{20261205};
  std::string poor_technician, drifting_device;
  std::set<std::string> planted;  // finding ids
  std::vector<std::int64_t> signed_exams;

  void SetUp() override {
    db = std::move(Database::open(*dir / "qc-cohort.db").value());
    cfg = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml").value();
    rules = rules::load_ruleset(cfg.rules_dir).value();
    tables = load_reference_tables(cfg.reference_dir).value();
    qc_rules = qc::load_qc_rules(cfg.rules_dir).value();
    for (const auto& t : kTechnicians)
      ASSERT_TRUE(add_user(*db, {t, t, "technician", t + "-parola-2026"}, 10, 10000, "admin").ok());
    for (const char* p : {"hekim1", "hekim2"})
      ASSERT_TRUE(add_user(*db, {p, p, "physician", kPhysicianPassword}, 10, 10000, "admin").ok());
    btps = sp::btps_factor(sp::BtpsStrategy::kAmbientHumidity, {20.0, 101.3, 0.5}).value();
    poor_technician = kTechnicians[rng() % kTechnicians.size()];
    drifting_device = kSpirometers[rng() % kSpirometers.size()];
  }

  double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  }

  void add_workers(int n) {
    for (int i = 0; i < n; ++i) {
      const std::string reg = std::to_string(8000 + i);
      NewWorker nw{reg,
                   odyo::test::tc_from_stem(300000000LL + i * 7919LL),
                   "Ad" + std::to_string(i),
                   "Soyad",
                   "1978-04-01",
                   "M",
                   176,
                   80,
                   "Kozlu",
                   "YA-PANO-01",
                   "2015-01-01"};
      auto wid = add_worker(*db, nw, cfg.establishments, rules.jobs, "2026-12-31", "ayse");
      ASSERT_TRUE(wid.ok()) << wid.error().message;
      workers.push_back(find_worker(*db, reg).value());
    }
  }

  // Three blows; a poor session's blows do not repeat (FEV1 and FVC 0.4 L apart: grade E).
  std::int64_t spiro(const Worker& w, const std::string& date, const std::string& device,
                     const std::string& technician, bool poor) {
    SpirometryCapture c;
    for (int k = 0; k < 3; ++k) {
      const double drop = poor ? 0.4 * k : 0.02 * k;
      std::vector<double> flow = blow_for(4.0 - drop, 5.0 - drop).samples();
      for (double& f : flow) f /= btps;  // the station multiplies by BTPS again
      c.manoeuvres_flow_lps.push_back(std::move(flow));
      c.sample_rate_hz = blow_for(4.0, 5.0).rate_hz;
    }
    c.ambient_temp_c = 20.0;
    c.ambient_pressure_kpa = 101.3;
    c.ambient_humidity_pct = 50.0;
    c.device_id = device;
    c.profile = "synthetic";
    c.raw_source = "test";
    c.started_at = date + "T08:00:00Z";
    c.technician = technician;
    auto r = record_spirometry_exam(*db, cfg, tables, w, c, technician);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->exam_id : 0;
  }

  // An automated search record: 10 dB everywhere, the 1 kHz retest 0 or 5 dB off (within the
  // ISO 8253-1 5 dB), no catch trial answered.
  std::int64_t audio(const Worker& w, const std::string& date, const std::string& technician) {
    au::SearchResult s;
    for (au::Ear e : {au::Ear::right, au::Ear::left}) {
      for (int hz : {250, 500, 1000, 2000, 3000, 4000, 6000, 8000}) {
        au::ThresholdPoint pt;
        pt.level_db_hl = 10;
        pt.provenance = au::Provenance::automated;
        s.audiogram.ear(e).air[hz] = pt;
      }
      s.retest_1k[e] = {10, rng() % 2 == 0 ? 10 : 15, std::nullopt};
    }
    s.listener.catch_trials = 4;
    s.complete = true;
    s.presentations = 180;
    auto r = record_audiometry_exam(*db, cfg, w, s,
                                    {"audio-1", date + "T09:00:00Z", technician, ""}, technician);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->exam_id : 0;
  }

  void sign(std::int64_t exam, const std::string& physician) {
    const User u = find_user(*db, physician).value();
    auto s = sign_exam_result(*db, u, kPhysicianPassword, exam, 10000);
    ASSERT_TRUE(s.ok()) << s.error().message;
    signed_exams.push_back(exam);
  }

  void generate() {
    add_workers(30);
    if (HasFailure()) return;
    // Working days May to August 2026 (Monday to Friday).
    std::vector<std::string> days;
    for (unsigned m = 5; m <= 8; ++m)
      for (unsigned d = 1; d <= 31; ++d) {
        const std::chrono::year_month_day ymd{std::chrono::year{2026}, std::chrono::month{m},
                                              std::chrono::day{d}};
        if (!ymd.ok()) continue;
        const std::chrono::weekday wd{std::chrono::sys_days(ymd)};
        if (wd == std::chrono::Saturday || wd == std::chrono::Sunday) continue;
        days.push_back(fmt::format("2026-{:02d}-{:02d}", m, d));
      }
    for (std::size_t i = 0; i < days.size(); ++i) {
      const std::string& day = days[i];
      // The morning's checks: each spirometer's syringe (a clean one reads within ±0.25 %; the
      // drifting one moves from −0.5 % to +2.4 % over the four months) and the listening check.
      for (const auto& dev : kSpirometers) {
        double err = uniform(-0.25, 0.25);
        if (dev == drifting_device)
          err += -0.5 + 2.9 * static_cast<double>(i) / static_cast<double>(days.size() - 1);
        qc::SyringeCheckInput in;
        in.device_id = dev;
        in.measured_l = 3.0 * (1 + err / 100.0);
        in.source = "entered";
        in.performed_at = day + "T05:30:00Z";
        in.day = day;
        auto c = qc::record_syringe_check(*db, qc_rules, in, kTechnicians[i % 4]);
        ASSERT_TRUE(c.ok()) << c.error().message;
        ASSERT_TRUE(c->passed) << day << " " << dev << " " << err;  // the drift stays inside ±3 %
      }
      qc::ListeningCheckInput li;
      li.device_id = "audio-1";
      li.listener = kTechnicians[i % 4];
      li.passed = true;
      li.performed_at = day + "T05:40:00Z";
      li.day = day;
      ASSERT_TRUE(qc::record_listening_check(*db, li, kTechnicians[i % 4]).ok());
      // Each technician tests one worker's lungs on a spirometer; every other day one hearing.
      for (std::size_t t = 0; t < kTechnicians.size(); ++t) {
        const std::string& tech = kTechnicians[t];
        const Worker& w = workers[(i * 4 + t) % workers.size()];
        const std::string& dev = kSpirometers[(i + t) % kSpirometers.size()];
        // The poor technician: 60 % of the sessions do not repeat; the others: 3 %.
        const bool poor = uniform(0, 1) < (tech == poor_technician ? 0.6 : 0.03);
        const auto sx = spiro(w, day, dev, tech, poor);
        if (sx == 0) return;
        if ((i + t) % 2 == 0) {
          const auto ax = audio(w, day, tech);
          if (ax == 0) return;
          if (i % 5 == 0) sign(ax, t % 2 == 0 ? "hekim1" : "hekim2");
        }
        if (i % 3 == 0) sign(sx, t % 2 == 0 ? "hekim1" : "hekim2");
      }
    }
    for (const auto& m : kMonths) {
      planted.insert("QC-" + m + "-technician-" + poor_technician + "-ab_share");
      planted.insert("QC-" + m + "-technician-" + poor_technician + "-repeatability");
      planted.insert("QC-" + m + "-device-" + drifting_device + "-syringe_drift");
    }
  }
};

}  // namespace

TEST_F(QcCohort, ReportQcFindsThePlantedTechnicianAndSyringeAndNothingElse) {
  generate();
  if (HasFailure()) return;
  std::int64_t last_done = 0, calls = 0;
  auto rep = qc::qc_report(*db, qc_rules, {}, [&](std::int64_t done, std::int64_t total) {
    EXPECT_GE(done, last_done);
    EXPECT_LE(done, total);
    last_done = done;
    ++calls;
  });
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  EXPECT_GE(calls, 1);
  std::set<std::string> found;
  for (const auto& f : rep->findings) found.insert(f.id);
  EXPECT_EQ(found, planted) << "poor technician " << poor_technician << ", drifting "
                            << drifting_device;

  // The groups behind it: every technician and device tested each month, every test day had its
  // passed check, the drifting device's trend is the planted slope (2.9 % over ~4 months).
  int technician_groups = 0;
  for (const auto& g : rep->groups) {
    EXPECT_EQ(g.days_with_check, g.days_tested) << g.month << " " << g.subject;
    if (g.dimension == "technician") {
      ++technician_groups;
      EXPECT_GT(g.spiro_sessions, 15);
      EXPECT_EQ(g.blows, 3 * g.spiro_sessions);
      EXPECT_EQ(g.retest_over_limit, 0);
      const double ab = double(g.spiro_ab) / g.spiro_sessions;
      if (g.subject == poor_technician) {
        EXPECT_LT(ab, qc_rules.ab_share.value) << g.month;
      } else {
        EXPECT_GE(ab, qc_rules.ab_share.value) << g.month << " " << g.subject;
      }
    }
    if (g.dimension == "device" && g.subject != "audio-1") {
      ASSERT_TRUE(g.syringe_trend_pct_per_30d.has_value()) << g.month << " " << g.subject;
      EXPECT_EQ(g.syringe_failed, 0);
      if (g.subject == drifting_device) {
        EXPECT_NEAR(*g.syringe_trend_pct_per_30d, 2.9 / 122.0 * 30.0, 0.35) << g.month;
      }
    }
  }
  EXPECT_EQ(technician_groups, 4 * static_cast<int>(kMonths.size()));

  // One month: only that month's groups and findings.
  auto june = qc::qc_report(*db, qc_rules, {"2026-06", "2026-06"});
  ASSERT_TRUE(june.ok());
  std::set<std::string> june_found;
  for (const auto& f : june->findings) june_found.insert(f.id);
  std::set<std::string> june_planted;
  for (const auto& id : planted) {
    if (id.rfind("QC-2026-06-", 0) == 0) june_planted.insert(id);
  }
  EXPECT_EQ(june_found, june_planted);
  for (const auto& g : june->groups) {
    EXPECT_EQ(g.month, "2026-06");
  }

  // A corrective action can name a finding; one the data do not raise is refused.
  auto f = qc::find_qc_finding(*db, qc_rules, *planted.begin());
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->id, *planted.begin());
  const std::string clean =
      kTechnicians[(std::find(kTechnicians.begin(), kTechnicians.end(), poor_technician) -
                    kTechnicians.begin() + 1) %
                   4];
  EXPECT_EQ(qc::find_qc_finding(*db, qc_rules, "QC-2026-06-technician-" + clean + "-ab_share")
                .error()
                .code,
            "qc_finding_unknown");
}

TEST_F(QcCohort, TheSecondReviewDrawsAtLeastTheShareReproduciblyAndCountsAgreement) {
  generate();
  if (HasFailure()) return;
  ASSERT_GT(signed_exams.size(), 20u);
  auto d = qc::draw_second_review(*db, qc_rules, "hekim1");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->candidates.size(), signed_exams.size());
  EXPECT_GE(static_cast<double>(d->drawn.size()),
            qc_rules.second_review_share * static_cast<double>(signed_exams.size()));
  // Reproducible: the stored seed and candidates give the same draw; another seed another one.
  auto stored = qc::list_review_draws(*db);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ(stored->front().drawn, d->drawn);
  EXPECT_EQ(qc::draw_exams(stored->front().seed, stored->front().candidates, stored->front().share),
            d->drawn);
  EXPECT_NE(qc::draw_exams("0123456789abcdef", d->candidates, d->share), d->drawn);
  // Drawn once, stays drawn: a second draw takes its share of the exams not drawn before.
  auto d2 = qc::draw_second_review(*db, qc_rules, "hekim2");
  ASSERT_TRUE(d2.ok()) << d2.error().message;
  EXPECT_EQ(d2->candidates.size(), signed_exams.size() - d->drawn.size());
  for (auto e : d2->drawn)
    EXPECT_TRUE(std::find(d->drawn.begin(), d->drawn.end(), e) == d->drawn.end()) << e;
  EXPECT_EQ(qc::draw_second_review(*db, qc_rules, "hekim1", "not-a-seed").error().code,
            "review_invalid");
  const std::size_t drawn_total = d->drawn.size() + d2->drawn.size();

  // The other physician reviews each drawn exam; disagrees with every fourth.
  auto reviews = qc::list_second_reviews(*db, true);
  ASSERT_TRUE(reviews.ok());
  ASSERT_EQ(reviews->size(), drawn_total);
  std::map<std::pair<std::string, std::string>, std::pair<int, int>> want;  // agreed, reviewed
  int k = 0;
  for (const auto& r : *reviews) {
    const std::string other = r.signer == "hekim1" ? "hekim2" : "hekim1";
    EXPECT_EQ(qc::record_second_review(*db, r.exam_id, true, "agree", r.signer).error().code,
              "review_same_physician");
    const bool agrees = k++ % 4 != 0;
    auto v = qc::record_second_review(*db, r.exam_id, agrees,
                                      agrees ? "same reading" : "grade C, not B", other);
    ASSERT_TRUE(v.ok()) << v.error().message;
    auto& w = want[{r.exam_day.substr(0, 7), r.signer}];
    w.first += agrees ? 1 : 0;
    ++w.second;
  }
  EXPECT_EQ(
      qc::record_second_review(*db, reviews->front().exam_id, true, "again", "hekim1").error().code,
      reviews->front().signer == "hekim1" ? "review_same_physician" : "review_done");
  auto stats = qc::second_review_stats(*db, {});
  ASSERT_TRUE(stats.ok());
  int signed_total = 0;
  for (const auto& s : *stats) {
    signed_total += s.signed_exams;
    const auto& w = want[{s.month, s.physician}];
    EXPECT_EQ(s.agreed, w.first) << s.month << " " << s.physician;
    EXPECT_EQ(s.reviewed, w.second) << s.month << " " << s.physician;
    EXPECT_EQ(s.drawn, s.reviewed);
  }
  EXPECT_EQ(signed_total, static_cast<int>(signed_exams.size()));
  // Every draw, draw row and verdict is bound into the audit chain.
  EXPECT_TRUE(verify_database(*db).empty());
}
