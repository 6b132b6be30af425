// The station's files (issue 12): the database, its -wal/-shm and the raw journal are created
// 0600 in a 0700 folder; a database readable by everyone is refused with the chmod that fixes it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "acquisition/journal/sqlite_journal.hpp"
#include "station/storage/file_modes.hpp"
#include "tests/station/support/station_fixture.hpp"

using odyo::test::run_command;
using odyo::test::Station;

namespace {
unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return static_cast<unsigned>(st.st_mode & 07777);
}
}  // namespace

TEST(FileModes, DatabaseAndItsFolderArePrivate) {
  Station st(std::filesystem::path(ODYO_SOURCE_DIR) / "config/station.toml", "clinic/data/s.db");
  EXPECT_EQ(mode_of(st.db_file), 0600u);
  EXPECT_EQ(mode_of(st.dir / "clinic"), 0700u);
  EXPECT_EQ(mode_of(st.dir / "clinic/data"), 0700u);
  // -wal and -shm exist while a connection is open; SQLite gives them the database's mode.
  for (const char* side : {"-wal", "-shm"}) {
    const std::filesystem::path p = st.db_file.string() + side;
    if (std::filesystem::exists(p)) {
      EXPECT_EQ(mode_of(p), 0600u) << p;
    }
  }
  const auto backup = st.dir / "b.db";
  ASSERT_EQ(st.run_as("admin", "db backup " + backup.string()).exit_code, 0);
  EXPECT_EQ(mode_of(backup), 0600u);
}

TEST(FileModes, RawJournalIsPrivate) {
  odyo::test::TempDir dir;
  auto j = odyo::acquisition::SqliteJournal::open(dir / "raw-journal.db");
  ASSERT_TRUE(j.ok()) << j.error().message;
  EXPECT_EQ(mode_of(dir / "raw-journal.db"), 0600u);
  for (const char* side : {"-wal", "-shm"}) {
    const std::filesystem::path p = (dir / "raw-journal.db").string() + side;
    if (std::filesystem::exists(p)) {
      EXPECT_EQ(mode_of(p), 0600u) << p;
    }
  }
}

TEST(FileModes, AWorldReadableDatabaseIsRefusedWithTheFix) {
  Station st;
  ASSERT_EQ(::chmod(st.db_file.c_str(), 0644), 0);
  auto r = st.run_as("tekniker", "--lang en worker list");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("can be read by every user of this computer (mode 0644)"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("chmod 600 '" + st.db_file.string() + "'"), std::string::npos) << r.err;
  r = st.run_as("admin", "--lang en db verify");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  ASSERT_EQ(::chmod(st.db_file.c_str(), 0600), 0);
  r = st.run_as("tekniker", "--lang en worker list");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(FileModes, UnknownDataGroupIsAClearError) {
  odyo::test::TempDir dir;
  const auto r = odyo::station::make_private_dir(dir / "x", "no-such-group-odyo");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no-such-group-odyo"), std::string::npos);
}
