// Statistics per establishment, work group and year (issue 17, item 5) on a generated three-year
// cohort with planted answers, stored through the station's own functions (add_worker,
// add_job_change, add_exam/add_result with the payload form the station stores, store/confirm/
// override_evaluation, sign_exam_result with the export outbox's hook): 24 workers in four
// establishment × work group cells, each year a spirometry exam with a planted ATS/ERS 2022
// pattern, an audiometry exam with a planted threshold shift (none the first year: a baseline),
// and an evaluation whose hearing and lung rows carry planted Ek-2 columns. Planted besides, each
// of which must not change what counts: an earlier exam of the year with another pattern, an
// unsigned exam, an unsigned newer result version, an automatic evaluation nobody signed, an
// override of the overall column, an Ek-2 row about otitis (not the audiogram) with a worse
// column, and a worker who moves to another establishment and work group mid-cohort.
// The report must give exactly the planted numbers: on SQLite, and on the office's PostgreSQL
// (a private PostgreSQL 15, the messages delivered by the real outbox sender). The summary
// tables stay right when a newer version is signed and when a decision is overridden later.
// The command line: --json, Turkish CSV headers, bad arguments refused with clear errors.
#include "station/surveillance/statistics.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "station/auth/signing.hpp"
#include "station/config/config.hpp"
#include "station/core/i18n.hpp"
#include "station/evaluation/decisions.hpp"
#include "station/export/outbox.hpp"
#include "station/records/exams.hpp"
#include "station/records/job_history.hpp"
#include "station/records/workers.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"
#include "station/web/web_app.hpp"
#include "tests/station/export/export_samples.hpp"
#include "tests/station/support/pg_server.hpp"
#include "tests/station/support/station_fixture.hpp"
#include "tests/station/support/tc_kimlik.hpp"

using namespace odyo::station;
using namespace odyo::station::surveillance;
namespace ev = odyo::evaluation;
using nlohmann::json;

namespace {

constexpr const char* kPassword = "hekim-parola-2026";
constexpr int kFirstYear = 2023, kYears = 3;
const char* const kPatterns[] = {"normal", "obstruction", "possible_restriction", "mixed"};

struct Group {
  const char* establishment;
  const char* job;
  int work_group;
};
const Group kGroups[] = {{"Kozlu", "YA-PANO-01", 1},
                         {"Kozlu", "YU-KOMP-01", 3},
                         {"Karadon", "YA-PANO-01", 1},
                         {"Karadon", "YU-KOMP-01", 3}};
constexpr int kPerGroup = 6;
// Worker 3 of group 0 moves to group 3 on this day.
constexpr const char* kMoveDay = "2024-06-01";

// What the report must say for one cell, kept as the cohort is made.
struct Expected {
  std::set<std::int64_t> workers;
  std::int64_t exams = 0;
  std::int64_t obstruction = 0, restriction = 0, pattern_measured = 0;
  std::int64_t sts = 0, sts_measured = 0;
  std::array<std::int64_t, 4> hearing{}, lung{};
  std::int64_t hearing_measured = 0, lung_measured = 0;
};
using Key = std::tuple<int, std::string, int>;

std::unique_ptr<odyo::test::TempDir> fast_temp_dir() {
  if (std::filesystem::is_directory("/dev/shm")) ::setenv("TMPDIR", "/dev/shm", 1);
  return std::make_unique<odyo::test::TempDir>();
}

struct StatisticsCohort : ::testing::Test {
  std::unique_ptr<odyo::test::TempDir> dir = fast_temp_dir();
  std::filesystem::path db_file = *dir / "cohort.db";
  std::unique_ptr<Database> db;
  StationConfig cfg;
  ev::RuleSet rules;
  User physician;
  ExportConfig export_cfg = odyo::test::export_config();
  OutboxSettings outbox;  // a PostgreSQL destination when the test has one
  std::map<Key, Expected> expected;
  std::vector<std::int64_t> spiro_of_worker_2025;  // for the later-version test

  void SetUp() override {
    db = std::move(Database::open(db_file).value());
    cfg = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml").value();
    rules = rules::load_ruleset(cfg.rules_dir).value();
    ASSERT_TRUE(
        add_user(*db, {"hekim", "Dr. Hekim", "physician", kPassword}, 10, 10000, "admin").ok());
    ASSERT_TRUE(
        add_user(*db, {"yonetici", "Yönetici", "admin", "yonetici-parola"}, 10, 10000, "admin")
            .ok());
    ASSERT_TRUE(
        add_user(*db, {"tekniker", "Tekniker", "technician", "tekniker-parola"}, 10, 10000, "admin")
            .ok());
    physician = find_user(*db, "hekim").value();
  }

  Key cell(int group, const std::string& day) const {
    return {std::stoi(day.substr(0, 4)), kGroups[group].establishment, kGroups[group].work_group};
  }

  std::int64_t exam(std::int64_t worker, const std::string& kind, const std::string& day,
                    const json& payload) {
    auto e = add_exam(
        *db, {worker, kind, day + "T09:00:00.000Z", "tekniker", "dev-1", 21.0, 101.3, 40.0, ""},
        "tekniker");
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
    EXPECT_TRUE(add_result(*db, *e, payload.dump(), "tekniker", "").ok());
    return *e;
  }

  void sign(std::int64_t exam_id) {
    auto s = sign_exam_result(*db, physician, kPassword, exam_id, 10000,
                              outbox_on_sign(export_cfg, outbox, exam_id, "hekim", "tr"));
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  static json spiro_payload(const std::string& pattern) {
    json p = odyo::test::spiro_payload();
    p["interpretation"]["pattern"] = pattern;
    return p;
  }
  // sts: nullopt = a baseline exam (no shift computed).
  static json audio_payload(std::optional<bool> sts, bool right) {
    json p = odyo::test::audio_payload();
    if (sts) {
      p["sts"] = {{"right", {{"sts", right && *sts}, {"sts_age_corrected", false}}},
                  {"left", {{"sts", !right && *sts}, {"sts_age_corrected", false}}},
                  {"recordable", false}};
    }
    return p;
  }

  // An evaluation of `exam` whose audiogram row has column `hearing`, spirometry rows `lung`
  // (and A), and an otitis row with column C (not the audiogram: never the hearing column).
  // decision: "confirm", "override" (overall column D, rows unchanged) or "auto" (none).
  void evaluate(const Worker& w, std::int64_t exam_id, char hearing, std::optional<char> lung,
                const std::string& decision) {
    const auto col = [](char c) { return ev::parse_column(std::string(1, c)).value(); };
    ev::EvaluationInput in;
    ev::Evaluation result;
    ev::RowHit h;
    h.rule_id = "ek2-15";
    h.rule_citation = "EK-2/15";
    h.citation = std::string("EK-2/15 ") + hearing;
    h.column = col(hearing);
    h.inputs = {{"hearing.right_pta_db", 30.0}, {"hearing.left_pta_db", 20.0}};
    result.rules.push_back(h);
    ev::RowHit otitis;
    otitis.rule_id = "ek2-16";
    otitis.rule_citation = "EK-2/16";
    otitis.citation = "EK-2/16 C";
    otitis.column = ev::Column::C;
    otitis.inputs = {{"findings.otitis", std::string("chronic")}};
    result.rules.push_back(otitis);
    char worst = std::max(hearing, 'C');
    if (lung) {
      ev::RowHit l;
      l.rule_id = "ek2-resp-fev1";
      l.rule_citation = "EK-2/solunum FEV1";
      l.citation = std::string("EK-2/solunum FEV1 ") + *lung;
      l.column = col(*lung);
      l.inputs = {{"spirometry.fev1_pctpred", 70.0}};
      result.rules.push_back(l);
      ev::RowHit a = l;
      a.rule_id = "ek2-resp-fvc";
      a.rule_citation = "EK-2/solunum FVC";
      a.citation = "EK-2/solunum FVC A";
      a.column = ev::Column::A;
      a.inputs = {{"spirometry.fvc_pctpred", 95.0}};
      result.rules.push_back(a);
      worst = std::max(worst, *lung);
    }
    result.column = col(worst);
    result.column_at_least = result.column;
    result.health_group = result.column;
    auto id = evaluation::store_evaluation(*db, w.id, exam_id, in, result, rules, "tekniker");
    ASSERT_TRUE(id.ok()) << id.error().message;
    if (decision == "confirm") {
      auto c = evaluation::confirm_evaluation(*db, *id, "hekim");
      ASSERT_TRUE(c.ok()) << c.error().message;
    } else if (decision == "override") {
      auto o = evaluation::override_evaluation(*db, *id, ev::Column::D, std::nullopt,
                                               "clinical findings", "hekim");
      ASSERT_TRUE(o.ok()) << o.error().message;
    }
  }

  void make_cohort() {
    std::vector<Job> jobs = rules.jobs;
    int n = 0;
    for (int g = 0; g < 4; ++g) {
      for (int i = 0; i < kPerGroup; ++i, ++n) {
        NewWorker nw{std::to_string(5000 + n),
                     odyo::test::tc_from_stem(100000000 + n),
                     "Ad",
                     "Soyad",
                     "1980-01-01",
                     "M",
                     175,
                     80,
                     kGroups[g].establishment,
                     kGroups[g].job,
                     "2015-01-01"};
        auto id = add_worker(*db, nw, cfg.establishments, jobs, "2026-01-01", "tekniker");
        ASSERT_TRUE(id.ok()) << id.error().message;
        const bool mover = g == 0 && i == 3;
        if (mover) {
          JobChange c{kGroups[3].establishment, kGroups[3].job, kMoveDay, "transfer", ""};
          auto r = add_job_change(*db, *id, c, cfg.establishments, jobs, "2026-01-01", "tekniker");
          ASSERT_TRUE(r.ok()) << r.error().message;
        }
        const Worker w = find_worker(*db, nw.registry_no).value();
        for (int y = 0; y < kYears; ++y) {
          const std::string year = std::to_string(kFirstYear + y);
          // The cell of the job held on a day.
          const auto here = [&](const std::string& d) { return mover && d >= kMoveDay ? 3 : g; };
          // The spirometry exam of the year, evaluated, then signed.
          const std::string pattern = kPatterns[(i + g + y) % 4];
          const std::string day = year + "-03-10";
          const auto spiro = exam(w.id, "spirometry", day, spiro_payload(pattern));
          const char hearing = "ABCD"[(i + g + 2 * y) % 4];
          const std::optional<char> lung =
              i == 4 ? std::nullopt : std::optional<char>("ABCD"[(2 * i + g + y) % 4]);
          const std::string decision = i == 5 && y == 1 ? "auto" : i == 3 ? "override" : "confirm";
          evaluate(w, spiro, hearing, lung, decision);
          sign(spiro);
          auto& e = expected[cell(here(day), day)];
          e.workers.insert(w.id);
          ++e.exams;
          ++e.pattern_measured;
          e.obstruction += pattern == "obstruction" || pattern == "mixed";
          e.restriction += pattern == "possible_restriction" || pattern == "mixed";
          if (decision != "auto") {
            ++e.hearing_measured;
            ++e.hearing[static_cast<std::size_t>(hearing - 'A')];
            if (lung) {
              ++e.lung_measured;
              ++e.lung[static_cast<std::size_t>(*lung - 'A')];
            }
          }
          // Planted: an earlier signed exam of the year with another pattern (counts as an
          // exam, not for the prevalence).
          if (i == 0 && y == 1) {
            sign(exam(w.id, "spirometry", year + "-01-15", spiro_payload("obstruction")));
            ++expected[cell(here(year + "-01-15"), year + "-01-15")].exams;
          }
          // Planted: a later unsigned exam (not counted at all).
          if (i == 1 && y == 2) exam(w.id, "spirometry", year + "-12-01", spiro_payload("mixed"));
          // Planted: a newer result version nobody signed (the signed one counts).
          if (i == 2 && y == 2) {
            ASSERT_TRUE(
                add_result(*db, spiro, spiro_payload("mixed").dump(), "hekim", "retyped").ok());
            spiro_of_worker_2025.push_back(spiro);
          }
          // The audiometry exam: the first year a baseline (no shift).
          const std::optional<bool> sts =
              y == 0 ? std::nullopt : std::optional<bool>((i * 3 + g + y) % 3 == 0);
          const std::string aday = year + "-03-11";
          sign(exam(w.id, "audiometry", aday, audio_payload(sts, i % 2 == 0)));
          auto& a = expected[cell(here(aday), aday)];
          a.workers.insert(w.id);
          ++a.exams;
          if (sts) {
            ++a.sts_measured;
            a.sts += *sts ? 1 : 0;
          }
        }
      }
    }
  }

  static std::optional<double> pct(std::int64_t cases, std::int64_t measured) {
    if (measured == 0) return std::nullopt;
    return 100.0 * static_cast<double>(cases) / static_cast<double>(measured);
  }

  static void expect_prevalence(const Prevalence& got, std::int64_t cases, std::int64_t measured,
                                std::optional<double> before, const std::string& what) {
    EXPECT_EQ(got.cases, cases) << what;
    EXPECT_EQ(got.measured, measured) << what;
    const auto p = pct(cases, measured);
    ASSERT_EQ(got.pct.has_value(), p.has_value()) << what;
    if (p) {
      EXPECT_NEAR(*got.pct, *p, 1e-9) << what;
    }
    ASSERT_EQ(got.change_pp.has_value(), p && before) << what;
    if (p && before) {
      EXPECT_NEAR(*got.change_pp, *p - *before, 1e-9) << what;
    }
  }

  // Every cell of the report is a planted one with the planted numbers, and every planted cell is
  // in the report.
  void expect_planted(const StatisticsReport& r) {
    ASSERT_EQ(r.cells.size(), expected.size());
    for (const auto& c : r.cells) {
      const Key key{c.year, c.establishment, c.work_group};
      const std::string what =
          std::to_string(c.year) + " " + c.establishment + " " + std::to_string(c.work_group);
      ASSERT_TRUE(expected.count(key)) << what;
      const auto& e = expected.at(key);
      const Expected* b = nullptr;
      if (auto it = expected.find({c.year - 1, c.establishment, c.work_group});
          it != expected.end())
        b = &it->second;
      EXPECT_EQ(c.workers, static_cast<std::int64_t>(e.workers.size())) << what;
      EXPECT_EQ(c.exams, e.exams) << what;
      expect_prevalence(c.obstruction, e.obstruction, e.pattern_measured,
                        b ? pct(b->obstruction, b->pattern_measured) : std::nullopt,
                        what + " obstruction");
      expect_prevalence(c.restriction, e.restriction, e.pattern_measured,
                        b ? pct(b->restriction, b->pattern_measured) : std::nullopt,
                        what + " restriction");
      expect_prevalence(c.sts, e.sts, e.sts_measured,
                        b ? pct(b->sts, b->sts_measured) : std::nullopt, what + " sts");
      for (std::size_t k = 0; k < 4; ++k) {
        expect_prevalence(c.ek2_hearing[k], e.hearing[k], e.hearing_measured,
                          b ? pct(b->hearing[k], b->hearing_measured) : std::nullopt,
                          what + " hearing " + kColumns[k]);
        expect_prevalence(c.ek2_lung[k], e.lung[k], e.lung_measured,
                          b ? pct(b->lung[k], b->lung_measured) : std::nullopt,
                          what + " lung " + kColumns[k]);
      }
    }
    // Totals: per year, the workers once and the sums of the cells.
    ASSERT_EQ(r.totals.size(), static_cast<std::size_t>(kYears));
    for (const auto& t : r.totals) {
      std::set<std::int64_t> workers;
      std::int64_t exams = 0, obstruction = 0, measured = 0;
      for (const auto& [k, e] : expected) {
        if (std::get<0>(k) != t.year) continue;
        workers.insert(e.workers.begin(), e.workers.end());
        exams += e.exams;
        obstruction += e.obstruction;
        measured += e.pattern_measured;
      }
      EXPECT_EQ(t.workers, static_cast<std::int64_t>(workers.size())) << t.year;
      EXPECT_EQ(t.exams, exams) << t.year;
      EXPECT_EQ(t.obstruction.cases, obstruction) << t.year;
      EXPECT_EQ(t.obstruction.measured, measured) << t.year;
    }
  }

  StatisticsQuery all_years() const {
    StatisticsQuery q;
    q.from_year = kFirstYear;
    q.to_year = kFirstYear + kYears - 1;
    return q;
  }
};

TEST_F(StatisticsCohort, StationReportGivesThePlantedNumbers) {
  make_cohort();
  ASSERT_FALSE(HasFatalFailure());
  // The planted distractors are there: the mover's two cells, every year; a prevalence of each
  // kind that is neither 0 nor 100 %.
  ASSERT_TRUE(expected.count({2025, "Karadon", 3}));
  auto r = station_statistics(*db, all_years());
  ASSERT_TRUE(r.ok()) << r.error().message;
  expect_planted(*r);
  EXPECT_EQ(r->source, "station");

  // One establishment and work group, one year: that cell alone, its change still against the
  // year before.
  StatisticsQuery q;
  q.from_year = q.to_year = 2025;
  q.establishment = "Karadon";
  q.work_group = 3;
  auto one = station_statistics(*db, q);
  ASSERT_TRUE(one.ok()) << one.error().message;
  ASSERT_EQ(one->cells.size(), 1U);
  const auto& c = one->cells[0];
  const auto& e = expected.at({2025, "Karadon", 3});
  EXPECT_EQ(c.workers, static_cast<std::int64_t>(e.workers.size()));
  EXPECT_EQ(c.obstruction.cases, e.obstruction);
  const auto& before = expected.at({2024, "Karadon", 3});
  ASSERT_TRUE(c.obstruction.change_pp.has_value());
  EXPECT_NEAR(
      *c.obstruction.change_pp,
      *pct(e.obstruction, e.pattern_measured) - *pct(before.obstruction, before.pattern_measured),
      1e-9);
  ASSERT_EQ(one->totals.size(), 1U);
  EXPECT_EQ(one->totals[0].workers, c.workers);

  // Years without exams: nothing, and no error.
  StatisticsQuery empty;
  empty.from_year = empty.to_year = 2019;
  auto none = station_statistics(*db, empty);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->cells.empty());
}

TEST_F(StatisticsCohort, CentralPostgresGivesTheSameNumbers) {
  odyo::test::PgServer pg;
  outbox.destinations.push_back({"office-pg", "postgresql", pg.url()});
  make_cohort();
  ASSERT_FALSE(HasFatalFailure());
  SendOptions o;
  o.actor = "hekim";
  o.until_empty = true;
  auto sent = send_outbox(*db, outbox, o);
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_EQ(sent->rejected, 0);
  EXPECT_EQ(sent->still_pending, 0);
  auto central = central_statistics(pg.url(), all_years());
  ASSERT_TRUE(central.ok()) << central.error().message;
  EXPECT_EQ(central->source, "central");
  expect_planted(*central);
  auto station = station_statistics(*db, all_years());
  ASSERT_TRUE(station.ok());
  auto a = statistics_json(*station), b = statistics_json(*central);
  a.erase("source");
  b.erase("source");
  EXPECT_EQ(a, b);

  // A central database the station never sent to has no statistics columns: a clear error.
  auto nowhere = central_statistics(pg.url() + " dbname=template1", all_years());
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.error().code, "central_schema") << nowhere.error().message;
  // One that is not there.
  auto down =
      central_statistics("host=/nonexistent-socket-dir dbname=x connect_timeout=2", all_years());
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, "central_unreachable");
}

TEST_F(StatisticsCohort, SummaryFollowsNewVersionsSignaturesAndDecisions) {
  make_cohort();
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(spiro_of_worker_2025.size(), 4U);
  StatisticsQuery q;
  q.from_year = q.to_year = 2025;
  const auto before = station_statistics(*db, q).value();
  // Signing the newer version ("mixed": obstruction and restriction) of one exam moves it.
  const std::int64_t exam_id = spiro_of_worker_2025[0];
  const auto e = get_exam(*db, exam_id).value();
  const auto job = job_on(job_history(*db, e.worker_id).value(), "2025-03-10").value();
  const json old_payload = json::parse(list_results(*db, exam_id).value().front().payload_json);
  const std::string old_pattern = old_payload["interpretation"]["pattern"];
  sign(exam_id);
  const auto after = station_statistics(*db, q).value();
  const auto find = [&](const StatisticsReport& r) {
    for (const auto& c : r.cells)
      if (c.establishment == job.establishment && c.work_group == job.work_group) return c;
    ADD_FAILURE() << "no cell";
    return StatisticsCell{};
  };
  const auto b = find(before), a = find(after);
  const int was_obstruction = old_pattern == "obstruction" || old_pattern == "mixed";
  const int was_restriction = old_pattern == "possible_restriction" || old_pattern == "mixed";
  EXPECT_EQ(a.obstruction.cases, b.obstruction.cases + 1 - was_obstruction) << old_pattern;
  EXPECT_EQ(a.restriction.cases, b.restriction.cases + 1 - was_restriction) << old_pattern;
  EXPECT_EQ(a.obstruction.measured, b.obstruction.measured);
  EXPECT_EQ(a.exams, b.exams);

  // A newer version again, unsigned: the signed one still counts.
  ASSERT_TRUE(
      add_result(*db, exam_id, spiro_payload("normal").dump(), "hekim", "another retype").ok());
  const auto unsigned_newer = find(station_statistics(*db, q).value());
  EXPECT_EQ(unsigned_newer.obstruction.cases, a.obstruction.cases);

  // The physician overrides a decision later with a new automatic evaluation confirmed: the
  // hearing column of that exam is the new one.
  const Worker w = find_worker(*db, "#" + std::to_string(e.worker_id)).value();
  const auto hearing_before = a.ek2_hearing;
  auto st = db->prepare("SELECT hearing FROM stat_decisions WHERE exam_id = ?");
  ASSERT_TRUE(st.ok());
  st->bind(1, exam_id);
  ASSERT_TRUE(st->step().value());
  const auto old_col = static_cast<std::size_t>(st->text(0)[0] - 'A');
  const char new_col = old_col == 3 ? 'A' : 'D';
  evaluate(w, exam_id, new_col, 'A', "confirm");
  const auto decided = find(station_statistics(*db, q).value());
  EXPECT_EQ(decided.ek2_hearing[old_col].cases, hearing_before[old_col].cases - 1);
  EXPECT_EQ(decided.ek2_hearing[static_cast<std::size_t>(new_col - 'A')].cases,
            hearing_before[static_cast<std::size_t>(new_col - 'A')].cases + 1);
  EXPECT_EQ(decided.ek2_hearing[0].measured, hearing_before[0].measured);
  // An automatic evaluation stored later changes nothing.
  evaluate(w, exam_id, old_col == 3 ? 'D' : 'A', 'A', "auto");
  const auto auto_later = find(station_statistics(*db, q).value());
  EXPECT_EQ(auto_later.ek2_hearing[static_cast<std::size_t>(new_col - 'A')].cases,
            decided.ek2_hearing[static_cast<std::size_t>(new_col - 'A')].cases);
}

TEST(StatisticsQueryCheck, BadQueriesAreRefused) {
  StatisticsQuery q;
  q.from_year = 2025;
  q.to_year = 2023;
  auto r = check_statistics_query(q);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("--from 2025 is after --to 2023"), std::string::npos)
      << r.error().message;
  q.to_year = 2025;
  q.work_group = 6;
  r = check_statistics_query(q);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("work group 6"), std::string::npos);
  q.work_group = 0;
  q.from_year = 1066;
  r = check_statistics_query(q);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("1066"), std::string::npos);
}

// The command line on the cohort's database: --json is the use case's numbers, the CSV has
// Turkish headers in Turkish, bad arguments give exit 1 and say what is wrong.
TEST_F(StatisticsCohort, CommandLine) {
  make_cohort();
  ASSERT_FALSE(HasFatalFailure());
  db.reset();
  const std::string cmd = "ODYOSPIRO_PASSWORD=" + std::string(kPassword) + " '" + ODYOSPIRO_EXE +
                          "' --config '" + ODYO_SOURCE_DIR + "/config/station.toml' --db '" +
                          db_file.string() + "' --user hekim ";
  auto r = odyo::test::run_command(cmd + "--json report stats --from 2023 --to 2025");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(r.out);
  db = std::move(Database::open(db_file).value());
  EXPECT_EQ(j, statistics_json(station_statistics(*db, all_years()).value()));
  ASSERT_EQ(j["cells"].size(), expected.size());

  r = odyo::test::run_command(cmd + "report stats --year 2025 --establishment karadon");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Statistics 2025-2025, this station"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Karadon"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Kozlu"), std::string::npos) << r.out;

  r = odyo::test::run_command(cmd + "--lang tr report stats --year 2025 --csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string header = r.out.substr(0, r.out.find("\r\n"));
  const auto tr = i18n::Catalog("tr");
  EXPECT_EQ(header.rfind(std::string(tr.tr("year")) + "," + tr.tr("establishment"), 0), 0U)
      << header;
  EXPECT_NE(std::string(tr.tr("year")), "year");
  EXPECT_NE(header.find(tr.tr("obstruction")), std::string::npos) << header;
  // Cells of 2025 and the total.
  std::size_t lines = 0;
  for (char c : r.out) lines += c == '\n';
  std::size_t cells_2025 = 0;
  for (const auto& [k, e] : expected) cells_2025 += std::get<0>(k) == 2025;
  EXPECT_EQ(lines, 1 + cells_2025 + 1);

  for (const auto& [args, says] : std::vector<std::pair<std::string, std::string>>{
           {"--year 20x5", "--year \"20x5\": a year"},
           {"--from 2025 --to 2023", "--from 2025 is after --to 2023"},
           {"--year 2025 --from 2024", "either --year or --from and --to"},
           {"--work-group 7", "work group 7 does not exist"},
           {"--establishment Zonguldak", "establishment \"Zonguldak\" is unknown"},
           {"--year 2025 --csv --output", "--output"},
       }) {
    r = odyo::test::run_command(cmd + "report stats " + args);
    EXPECT_EQ(r.exit_code, 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << args << ": " << r.err;
  }
  r = odyo::test::run_command(cmd + "--json report stats --year 2025 --csv");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("either --json or --csv"), std::string::npos) << r.err;
  // A technician may not see them.
  r = odyo::test::run_command("ODYOSPIRO_PASSWORD=tekniker-parola '" + std::string(ODYOSPIRO_EXE) +
                              "' --config '" + ODYO_SOURCE_DIR + "/config/station.toml' --db '" +
                              db_file.string() + "' --user tekniker report stats --year 2025");
  EXPECT_EQ(r.exit_code, 5) << r.err;
}

// The statistics page's routes (station/web/routes_statistics) over the same use case: the JSON
// is the report, the CSV its text with a BOM, the chart the station's SVG with a point per year
// of each measure; a technician is refused, a bad year is a 400 with the reason.
TEST_F(StatisticsCohort, WebRoutes) {
  make_cohort();
  ASSERT_FALSE(HasFatalFailure());
  web::WebApp app(*db, cfg, false, "en");
  const auto session = [&](const std::string& user, const std::string& password) {
    auto login = app.log_in(user, password, "en");
    EXPECT_EQ(login.status, 200) << login.body.dump();
    return login.set_cookies.at(0).substr(0, login.set_cookies.at(0).find(';'));
  };
  const std::string doctor = session("hekim", kPassword);
  const auto get = [&](const std::string& cookie, const std::string& target) {
    return app.handle({"GET", target, cookie, "", "", ""});
  };
  auto r = get(doctor, "/api/statistics?from=2023&to=2025");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body, statistics_json(station_statistics(*db, all_years()).value()));

  r = get(doctor, "/api/statistics.csv?year=2025&establishment=kozlu");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type.rfind("text/csv", 0), 0U);
  EXPECT_EQ(r.raw_body.rfind("\xEF\xBB\xBFyear,establishment,work group,workers,exams", 0), 0U)
      << r.raw_body.substr(0, 80);
  EXPECT_NE(r.raw_body.find("\r\n2025,Kozlu,1,"), std::string::npos) << r.raw_body;
  EXPECT_EQ(r.raw_body.find("Karadon"), std::string::npos);

  r = get(doctor, "/api/statistics/chart.svg?from=2023&to=2025");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type.rfind("image/svg+xml", 0), 0U);
  const auto totals = station_statistics(*db, all_years()).value().totals;
  for (const auto& t : totals) {
    const std::string point = "data-year=\"" + std::to_string(t.year) + "\" data-value=\"";
    EXPECT_NE(r.raw_body.find(point), std::string::npos) << t.year;
  }
  EXPECT_NE(r.raw_body.find("series-obstruction"), std::string::npos);
  EXPECT_NE(r.raw_body.find("series-sts"), std::string::npos);

  r = get(doctor, "/api/statistics?year=20x5");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("a year"), std::string::npos)
      << r.body.dump();

  const std::string technician = session("tekniker", "tekniker-parola");
  EXPECT_EQ(get(technician, "/api/statistics").status, 403);
  EXPECT_EQ(get(technician, "/api/statistics.csv").status, 403);
  const std::string admin = session("yonetici", "yonetici-parola");
  EXPECT_EQ(get(admin, "/api/statistics?year=2024").status, 200);
}

}  // namespace
