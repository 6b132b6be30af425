// Chest films: stored with both ILO readings and the referral; every bad input refused with a
// clear error and nothing written; never edited or deleted.
#include <gtest/gtest.h>

#include "station/records/chest_films.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"
#include "tests/station/support/station_fixture.hpp"

using namespace odyo::station;

namespace {

constexpr const char* kToday = "2026-11-23";

int count(Database& db) {
  auto st =
      db.prepare("SELECT (SELECT count(*) FROM chest_films) + (SELECT count(*) FROM audit_log)");
  EXPECT_TRUE(*st->step());
  return static_cast<int>(st->int64(0));
}

struct FilmsTest : ::testing::Test {
  odyo::test::TempDir dir;
  std::unique_ptr<Database> db = std::move(Database::open(dir / "f.db").value());
  std::int64_t wid = 0;
  void SetUp() override {
    Job j;
    j.code = "K-101";
    j.work_group = 1;
    NewWorker w{"1001", "10000000146", "Ali",   "Yılmaz", "1990-05-01", "M", 175,
                80,     "Kozlu",       "K-101", ""};
    auto r = add_worker(*db, w, {"Kozlu"}, {j}, kToday, "tekniker");
    ASSERT_TRUE(r.ok()) << r.error().message;
    wid = *r;
  }
  NewChestFilm good() const {
    NewChestFilm f;
    f.worker_id = wid;
    f.taken_on = "12.03.2026";
    f.quality = 1;
    f.reader_a = "Dr. Ayşe";
    f.ilo_a = "1/0";
    f.reader_b = "Dr. Bülent";
    f.ilo_b = "1/1";
    f.referred = true;
    f.referral_reason = "ILO category 1 on both readings";
    return f;
  }
  void expect_refused(const NewChestFilm& f, const std::string& fragment) {
    const int before = count(*db);
    auto r = add_chest_film(*db, f, kToday, "hekim");
    ASSERT_FALSE(r.ok()) << "accepted";
    EXPECT_EQ(r.error().code, "film_invalid") << r.error().message;
    EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
    EXPECT_EQ(count(*db), before) << "something was written";
  }
};

}  // namespace

TEST(Ilo, ProfusionSubcategories) {
  EXPECT_EQ(ilo_major_category("0/-"), 0);
  EXPECT_EQ(ilo_major_category("1/0"), 1);
  EXPECT_EQ(ilo_major_category("3/+"), 3);
  EXPECT_FALSE(ilo_major_category("1/3"));
  EXPECT_FALSE(ilo_major_category("4/4"));
  EXPECT_FALSE(ilo_major_category("1"));
}

TEST_F(FilmsTest, StoredWithBothReadingsAndTheReferral) {
  auto id = add_chest_film(*db, good(), kToday, "hekim");
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto films = list_chest_films(*db, wid);
  ASSERT_TRUE(films.ok());
  ASSERT_EQ(films->size(), 1U);
  const auto& f = films->front();
  EXPECT_EQ(f.taken_on, "2026-03-12");
  EXPECT_EQ(f.quality, 1);
  EXPECT_EQ(f.ilo_a, "1/0");
  EXPECT_EQ(f.ilo_b, "1/1");
  EXPECT_EQ(f.reader_b, "Dr. Bülent");
  EXPECT_TRUE(f.referred);
  EXPECT_EQ(f.created_by, "hekim");
  EXPECT_FALSE(db->exec("UPDATE chest_films SET ilo_a = '0/0'").ok());
  EXPECT_FALSE(db->exec("DELETE FROM chest_films").ok());
}

TEST_F(FilmsTest, BadInputIsRefusedAndNothingStored) {
  auto f = good();
  f.taken_on = "30.02.2026";
  expect_refused(f, "film date");
  f = good();
  f.taken_on = "2027-01-01";
  expect_refused(f, "in the future");
  f = good();
  f.ilo_a = "1/3";
  expect_refused(f, "--ilo-a: \"1/3\" is not an ILO profusion subcategory");
  f = good();
  f.ilo_b = "";
  expect_refused(f, "--ilo-b");
  f = good();
  f.reader_b = "dr. ayşe";
  expect_refused(f, "two readers");
  f = good();
  f.reader_a = "";
  expect_refused(f, "--reader-a");
  f = good();
  f.quality = 5;
  expect_refused(f, "quality 5");
  f = good();
  f.referral_reason = "";
  expect_refused(f, "a referral needs its reason");
}
