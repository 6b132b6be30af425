// Placement lists (Madde 9(2)(b)(1)): on a generated cohort with job changes planted in and
// around a half year, exactly the changes inside it are listed with the old and new job and the
// years worked.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "station/records/job_history.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"
#include "station/surveillance/placements.hpp"
#include "tests/station/support/station_fixture.hpp"
#include "tests/station/support/tc_kimlik.hpp"

using namespace odyo::station;
using namespace odyo::station::surveillance;

namespace {

const std::vector<std::string> kSites{"Amasra", "Kozlu", "Karadon"};
Job job(const char* code, int group) {
  Job j;
  j.code = code;
  j.work_group = group;
  return j;
}
const std::vector<Job> kJobs{job("A", 1), job("B", 2), job("C", 3), job("D", 5)};
constexpr const char* kToday = "2026-12-31";

}  // namespace

TEST(HalfYear, ReadsH1AndH2) {
  EXPECT_EQ(half_year("2026-H1")->from, "2026-01-01");
  EXPECT_EQ(half_year("2026-H1")->to, "2026-06-30");
  EXPECT_EQ(half_year("2026-h2")->from, "2026-07-01");
  EXPECT_EQ(half_year("2026-H2")->to, "2026-12-31");
  for (const char* bad : {"2026-H3", "2026", "26-H1", "2026-H1x"}) {
    auto r = half_year(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("YYYY-H1"), std::string::npos);
  }
}

TEST(Placements, ExactlyTheChangesInsideTheHalfYear) {
  odyo::test::TempDir dir;
  auto db = std::move(Database::open(dir / "p.db").value());
  std::set<std::string> planted;  // registry numbers changed inside 2026-H2
  const std::vector<std::string> inside{"2026-07-01", "2026-08-15", "2026-12-31"};
  const std::vector<std::string> outside{"2026-06-30", "2026-03-02", "2025-12-31"};
  for (int n = 0; n < 40; ++n) {
    const std::string reg = std::to_string(3000 + n);
    NewWorker w{reg,
                odyo::test::tc_from_stem(200000000LL + n * 104729LL),
                "Ad",
                "Soyad",
                "1975-01-01",
                "M",
                170,
                75,
                kSites[static_cast<size_t>(n) % 3],
                "A",
                "2010-01-01"};
    auto id = add_worker(*db, w, kSites, kJobs, kToday, "tekniker");
    ASSERT_TRUE(id.ok()) << id.error().message;
    // Every worker changed once in 2018; some again outside and some inside 2026-H2.
    ASSERT_TRUE(add_job_change(*db, *id, {w.establishment, "B", "2018-01-01", "promotion", ""},
                               kSites, kJobs, kToday, "hekim")
                    .ok());
    if (n % 4 == 1) {
      ASSERT_TRUE(
          add_job_change(*db, *id,
                         {w.establishment, "C", outside[static_cast<size_t>(n) % 3], "outside", ""},
                         kSites, kJobs, kToday, "hekim")
              .ok());
    }
    if (n % 4 == 2 || n % 4 == 3) {
      ASSERT_TRUE(add_job_change(*db, *id,
                                 {"Karadon", "D", inside[static_cast<size_t>(n) % 3],
                                  "health group D", "evaluation #" + std::to_string(n)},
                                 kSites, kJobs, kToday, "hekim")
                      .ok());
      planted.insert(reg);
    }
  }
  auto list = compute_placements(*db, {*half_year("2026-H2"), ""});
  ASSERT_TRUE(list.ok()) << list.error().message;
  std::set<std::string> got;
  for (const auto& p : *list) {
    got.insert(p.registry_no);
    EXPECT_EQ(p.old_job, "B");
    EXPECT_EQ(p.old_work_group, 2);
    EXPECT_EQ(p.new_job, "D");
    EXPECT_EQ(p.new_work_group, 5);
    EXPECT_EQ(p.new_establishment, "Karadon");
    EXPECT_EQ(p.reason, "health group D");
    EXPECT_GE(p.from, "2026-07-01");
    EXPECT_LE(p.from, "2026-12-31");
    // In job B since 2018-01-01 and employed since 2010-01-01.
    const double expect_old = (p.from == "2026-07-01"   ? 3103
                               : p.from == "2026-08-15" ? 3148
                                                        : 3286) /
                              365.25;
    EXPECT_NEAR(p.years_in_old_job, expect_old, 1e-9) << p.from;
    EXPECT_NEAR(p.years_worked, expect_old + 2922 / 365.25, 1e-9) << p.from;
  }
  EXPECT_EQ(got, planted);
  EXPECT_EQ(list->size(), planted.size());
  // Sorted by date of change.
  for (std::size_t i = 1; i < list->size(); ++i) EXPECT_LE((*list)[i - 1].from, (*list)[i].from);

  // Per establishment: a change from or to it.
  auto amasra = compute_placements(*db, {*half_year("2026-H2"), "Amasra"});
  ASSERT_TRUE(amasra.ok());
  for (const auto& p : *amasra) EXPECT_EQ(p.old_establishment, "Amasra");
  EXPECT_FALSE(amasra->empty());
  // The first half: only the planted "outside" changes dated in it.
  auto h1 = compute_placements(*db, {*half_year("2026-H1"), ""});
  ASSERT_TRUE(h1.ok());
  for (const auto& p : *h1) EXPECT_EQ(p.new_job, "C");
  EXPECT_FALSE(h1->empty());
  auto bad = compute_placements(*db, {{"2026-12-31", "2026-01-01"}, ""});
  EXPECT_FALSE(bad.ok());
}
