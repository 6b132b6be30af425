// The job history: a change is a new row with its date and the decision behind it; the current
// job is the latest row; bad input is refused with a clear error and nothing is written; the
// rows can be neither edited nor deleted.
#include <gtest/gtest.h>

#include "station/records/job_history.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"
#include "tests/station/support/station_fixture.hpp"

using namespace odyo::station;

namespace {

const std::vector<std::string> kSites{"Amasra", "Armutçuk", "Kozlu", "Karadon", "Üzülmez"};
Job job(const char* code, int work_group) {
  Job j;
  j.code = code;
  j.work_group = work_group;
  return j;
}
const std::vector<Job> kJobs{job("K-101", 1), job("Y-501", 5), job("L-201", 2)};
constexpr const char* kToday = "2026-11-23";

int count(Database& db) {
  auto st =
      db.prepare("SELECT (SELECT count(*) FROM worker_jobs) + (SELECT count(*) FROM audit_log)");
  EXPECT_TRUE(*st->step());
  return static_cast<int>(st->int64(0));
}

struct JobHistoryTest : ::testing::Test {
  odyo::test::TempDir dir;
  std::unique_ptr<Database> db = std::move(Database::open(dir / "j.db").value());
  std::int64_t id = 0;
  void SetUp() override {
    NewWorker w{"1001", "10000000146", "Ali",   "Yılmaz",    "1990-05-01", "M", 175,
                80,     "Kozlu",       "K-101", "01.03.2015"};
    auto r = add_worker(*db, w, kSites, kJobs, kToday, "tekniker");
    ASSERT_TRUE(r.ok()) << r.error().message;
    id = *r;
  }
  odyo::Result<std::int64_t> change(JobChange c) {
    return add_job_change(*db, id, c, kSites, kJobs, kToday, "hekim");
  }
  void expect_refused(const JobChange& c, const std::string& fragment) {
    const int before = count(*db);
    auto r = change(c);
    ASSERT_FALSE(r.ok()) << "accepted: " << c.job_code << " " << c.effective_from;
    EXPECT_EQ(r.error().code, "job_invalid");
    EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
    EXPECT_EQ(count(*db), before) << "something was written";
  }
};

}  // namespace

TEST_F(JobHistoryTest, RegistrationIsTheFirstRow) {
  auto h = job_history(*db, id);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1U);
  EXPECT_EQ((*h)[0].effective_from, "2015-03-01");
  EXPECT_EQ((*h)[0].job_code, "K-101");
  EXPECT_EQ((*h)[0].reason, "registered");
  EXPECT_EQ((*h)[0].id, 0);  // the workers row itself
  EXPECT_EQ((*h)[0].created_by, "tekniker");
}

TEST_F(JobHistoryTest, ChangeIsANewRowAndTheCurrentJob) {
  auto r = change({"karadon", "Y-501", "15.07.2026", "health group D", "evaluation #12"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto h = job_history(*db, id);
  ASSERT_EQ(h->size(), 2U);
  EXPECT_EQ((*h)[1].establishment, "Karadon");  // the configured spelling
  EXPECT_EQ((*h)[1].effective_from, "2026-07-15");
  EXPECT_EQ((*h)[1].work_group, 5);
  EXPECT_EQ((*h)[1].decision, "evaluation #12");
  EXPECT_EQ((*h)[1].created_by, "hekim");
  auto w = find_worker(*db, "1001");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->job_code, "Y-501");
  EXPECT_EQ(w->work_group, 5);
  EXPECT_EQ(w->establishment, "Karadon");
  EXPECT_EQ(list_workers(*db, "Karadon")->size(), 1U);
  EXPECT_EQ(list_workers(*db, "Kozlu")->size(), 0U);
  // The job on a day: the row in force then.
  EXPECT_EQ(job_on(*h, "2026-07-14")->job_code, "K-101");
  EXPECT_EQ(job_on(*h, "2026-07-15")->job_code, "Y-501");
  EXPECT_FALSE(job_on(*h, "2015-02-28"));
  // A second change on the same day: the later row is the current one.
  ASSERT_TRUE(change({"Karadon", "L-201", "2026-07-15", "typing error corrected", ""}).ok());
  EXPECT_EQ(find_worker(*db, "1001")->job_code, "L-201");
}

TEST_F(JobHistoryTest, BadInputIsRefusedAndNothingStored) {
  expect_refused({"Ankara", "Y-501", "2026-07-15", "moved", ""}, "establishment \"Ankara\"");
  expect_refused({"Kozlu", "X-999", "2026-07-15", "moved", ""}, "job code \"X-999\"");
  expect_refused({"Kozlu", "Y-501", "31.02.2026", "moved", ""}, "start date");
  expect_refused({"Kozlu", "Y-501", "2027-01-01", "moved", ""}, "in the future");
  expect_refused({"Kozlu", "Y-501", "2014-01-01", "moved", ""}, "before the worker's current");
  expect_refused({"Kozlu", "Y-501", "2026-07-15", "", ""}, "--reason");
  expect_refused({"Kozlu", "Y-501", "2026-07-15", "a\x1b[2Jb", ""}, "--reason");
  expect_refused({"Kozlu", "K-101", "2026-07-15", "same", ""}, "already does K-101 at Kozlu");
}

TEST_F(JobHistoryTest, RowsAreNeverEditedOrDeleted) {
  ASSERT_TRUE(change({"Kozlu", "Y-501", "2026-07-15", "moved", ""}).ok());
  EXPECT_FALSE(db->exec("UPDATE worker_jobs SET job_code = 'K-101'").ok());
  EXPECT_FALSE(db->exec("DELETE FROM worker_jobs").ok());
  EXPECT_EQ(job_history(*db, id)->size(), 2U);
  EXPECT_EQ(find_worker(*db, "1001")->job_code, "Y-501");
}
