// Worker registration: every bad input gets a clear error and nothing is written.
#include <gtest/gtest.h>

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
const std::vector<Job> kJobs{job("K-101", 1), job("Y-501", 5)};
constexpr const char* kToday = "2026-11-23";

// 10000000146 and 12345678950 are valid: worked by hand from the rule
//   d10 = (7·(d1+d3+d5+d7+d9) − (d2+d4+d6+d8)) mod 10, d11 = (d1+…+d10) mod 10.
//   1 0 0 0 0 0 0 0 1 | 4 6: 7·2 − 0 = 14 → 4; 1+1+4 = 6 → 6.
//   1 2 3 4 5 6 7 8 9 | 5 0: 7·25 − 20 = 155 → 5; 45+5 = 50 → 0.
NewWorker good() {
  return {"1001", "10000000146", "Ali", "Yılmaz", "1990-05-01", "M", 175, 80, "Kozlu", "K-101", ""};
}

int count(Database& db) {
  auto st = db.prepare("SELECT (SELECT count(*) FROM workers) + (SELECT count(*) FROM audit_log)");
  EXPECT_TRUE(*st->step());
  return static_cast<int>(st->int64(0));
}

struct WorkersTest : ::testing::Test {
  odyo::test::TempDir dir;
  std::unique_ptr<Database> db = std::move(Database::open(dir / "w.db").value());
  odyo::Result<std::int64_t> add(const NewWorker& w) {
    return add_worker(*db, w, kSites, kJobs, kToday, "tech");
  }
  void expect_refused(const NewWorker& w, const std::string& fragment) {
    const int before = count(*db);
    auto r = add(w);
    ASSERT_FALSE(r.ok()) << "accepted: " << w.registry_no;
    EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
    EXPECT_EQ(count(*db), before) << "something was written";
  }
};

}  // namespace

TEST(TcKimlik, CheckDigits) {
  EXPECT_TRUE(tc_kimlik_valid("10000000146"));
  EXPECT_TRUE(tc_kimlik_valid("12345678950"));
  EXPECT_FALSE(tc_kimlik_valid("10000000147"));  // 11th digit wrong
  EXPECT_FALSE(tc_kimlik_valid("10000000156"));  // 10th digit wrong
  EXPECT_FALSE(tc_kimlik_valid("02345678950"));  // leading zero
  EXPECT_FALSE(tc_kimlik_valid("1234567895"));   // 10 digits
  EXPECT_FALSE(tc_kimlik_valid("1234567895a"));
}

TEST_F(WorkersTest, ValidWorkerIsStoredWithTheJobsWorkGroup) {
  auto id = add(good());
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto w = find_worker(*db, "1001");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->work_group, 1);
  EXPECT_EQ(w->first_name, "Ali");
  EXPECT_EQ(w->establishment, "Kozlu");
}

TEST_F(WorkersTest, DuplicateRegistryNumber) {
  ASSERT_TRUE(add(good()).ok());
  auto w = good();
  w.tc_kimlik = "12345678950";
  expect_refused(w, "registry number 1001 is already registered");
}

TEST_F(WorkersTest, DuplicateTcKimlik) {
  ASSERT_TRUE(add(good()).ok());
  auto w = good();
  w.registry_no = "1002";
  expect_refused(w, "already registered");
}

TEST_F(WorkersTest, InvalidTcChecksum) {
  auto w = good();
  w.tc_kimlik = "10000000147";
  expect_refused(w, "check digits");
}

TEST_F(WorkersTest, BirthDateInTheFuture) {
  auto w = good();
  w.birth_date = "2026-11-24";
  expect_refused(w, "in the future");
}

TEST_F(WorkersTest, BirthDateNotADate) {
  auto w = good();
  w.birth_date = "1990-02-30";
  expect_refused(w, "not a real calendar date");
}

TEST_F(WorkersTest, HeightAndWeightOutOfHumanRange) {
  auto w = good();
  w.height_cm = 1.75;  // metres typed for centimetres
  expect_refused(w, "height");
  w = good();
  w.height_cm = 231;
  expect_refused(w, "height");
  w = good();
  w.weight_kg = 29.9;
  expect_refused(w, "weight");
  w = good();
  w.weight_kg = 251;
  expect_refused(w, "weight");
  w = good();
  w.height_cm = 100;  // limits themselves are allowed
  w.weight_kg = 250;
  EXPECT_TRUE(add(w).ok());
}

TEST_F(WorkersTest, UnknownEstablishmentOrJob) {
  auto w = good();
  w.establishment = "Zonguldak";
  expect_refused(w, "establishment \"Zonguldak\" is unknown");
  w = good();
  w.job_code = "X-999";
  expect_refused(w, "job code \"X-999\" is not in the job catalogue");
}

TEST_F(WorkersTest, SexIsEKOrMF) {
  auto w = good();
  w.sex = "X";
  expect_refused(w, "write E or M (erkek, male) or K or F (kadın, female)");
  w = good();
  w.sex = "K";  // kadın: stored as F
  EXPECT_TRUE(add(w).ok());
}

TEST(Age, DecimalYears) {
  EXPECT_NEAR(age_years("2000-01-01", "2030-01-01"), 30.0, 0.01);
  EXPECT_NEAR(age_years("2000-01-01", "2000-07-02"), 0.5, 0.01);
}

TEST_F(WorkersTest, TurkishInputIsStoredTheOneWay) {
  auto w = good();
  w.birth_date = "01.05.1990";
  w.sex = "E";
  w.establishment = "KOZLU";
  ASSERT_TRUE(add(w).ok());
  auto got = find_worker(*db, "1001");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->birth_date, "1990-05-01");
  EXPECT_EQ(got->sex, "M");
  EXPECT_EQ(got->establishment, "Kozlu");
  w = good();
  w.registry_no = "1002";
  w.birth_date = "31.02.1990";
  expect_refused(w, "the calendar has no such day");
}
