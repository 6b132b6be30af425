// Schema migrations: from empty, from every earlier version, and refusal of a newer schema.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "station/storage/database.hpp"
#include "station/storage/migrations.hpp"
#include "tests/station/support/station_fixture.hpp"

using namespace odyo::station;

namespace {
std::vector<std::string> tables(Database& db) {
  auto st =
      db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','trigger') ORDER BY name");
  std::vector<std::string> out;
  while (*st->step()) out.push_back(st->text(0));
  return out;
}
}  // namespace

// Numbers are reserved per piece of work (HELPERS.md), so one may land before a lower one: the
// list only has to be strictly increasing from 1.
TEST(Migrations, NumberedIncreasingFromOne) {
  int previous = 0;
  ASSERT_FALSE(all_migrations().empty());
  EXPECT_EQ(all_migrations().front().version, 1);
  for (const auto& m : all_migrations()) {
    EXPECT_GT(m.version, previous) << m.name;
    previous = m.version;
  }
  EXPECT_EQ(latest_schema_version(), previous);
}

TEST(Migrations, FromEmptyToLatest) {
  odyo::test::TempDir dir;
  auto db = Database::open(dir / "a.db");
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ(*(*db)->schema_version(), latest_schema_version());
  const auto t = tables(**db);
  for (const char* name : {"workers", "users", "audit_log", "exams", "recordings", "results",
                           "signatures", "evaluations", "calibration_checks",
                           "audiometric_baselines", "physician_records", "schema_migrations"}) {
    EXPECT_NE(std::find(t.begin(), t.end(), name), t.end()) << name;
  }
}

// Every earlier version upgrades to the same schema as a fresh database.
TEST(Migrations, FromEachEarlierVersionGivesTheSameSchema) {
  odyo::test::TempDir dir;
  auto fresh = Database::open(dir / "fresh.db");
  ASSERT_TRUE(fresh.ok());
  const auto want = tables(**fresh);
  std::vector<int> froms{0};
  for (const auto& m : all_migrations())
    if (m.version < latest_schema_version()) froms.push_back(m.version);
  for (const int from : froms) {
    const auto file = dir / ("v" + std::to_string(from) + ".db");
    {
      auto db = Database::open(file, OpenOptions{.create = true, .migrate = false});
      ASSERT_TRUE(db.ok());
      if (from > 0) {
        ASSERT_TRUE(migrate(**db, from).ok());
      }
      EXPECT_EQ(*(*db)->schema_version(), from);
    }
    auto db = Database::open(file);  // applies the rest
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(*(*db)->schema_version(), latest_schema_version()) << "from " << from;
    EXPECT_EQ(tables(**db), want) << "from " << from;
  }
}

TEST(Migrations, NewerSchemaIsRefusedAndNothingWritten) {
  odyo::test::TempDir dir;
  const auto file = dir / "newer.db";
  {
    auto db = Database::open(file);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(
        (*db)
            ->exec(
                "INSERT INTO schema_migrations VALUES (99, 'from the future', 'x', '2030-01-01')")
            .ok());
  }
  auto db = Database::open(file);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "db_newer_schema");
  EXPECT_NE(db.error().message.find("newer than this odyospiro"), std::string::npos)
      << db.error().message;
  // Still exactly as it was.
  auto raw = Database::open(file, OpenOptions{.create = false, .migrate = false});
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*(*raw)->schema_version(), 99);
}

TEST(Migrations, NotADatabaseIsAClearError) {
  odyo::test::TempDir dir;
  const auto file = dir / "junk.db";
  {
    FILE* f = std::fopen(file.c_str(), "w");
    std::fputs(
        "this is not an SQLite database, it is a text file with enough bytes in it to fill a "
        "header...",
        f);
    std::fclose(f);
  }
  auto db = Database::open(file);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find(file.string()), std::string::npos) << db.error().message;
}
