// The odyospiro command end to end: help everywhere, worker/user/db commands, JSON output,
// errors on stderr with a non-zero exit, tampering found by `db verify`.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/station/support/station_fixture.hpp"

using odyo::test::run_command;

namespace {
struct Cli : ::testing::Test {
  odyo::test::Station st;
  const odyo::test::TempDir& dir = st.dir;
  std::string exe = st.as("tekniker");
  odyo::test::CommandResult run(const std::string& args) { return run_command(exe + " " + args); }
};
}  // namespace

TEST_F(Cli, HelpEverywhere) {
  for (const char* sub :
       {"", "worker", "worker add", "worker list", "worker show", "exam", "exam list", "exam show",
        "user", "user add", "user list", "db", "db migrate", "db backup", "db verify", "demo"}) {
    const auto r = run(std::string(sub) + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub << ": " << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub;
  }
}

TEST_F(Cli, UnknownSubcommandFails) {
  const auto r = run("frobnicate");
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(Cli, WorkerAddListShowJson) {
  auto r = run(
      "--lang en worker add --registry 2001 --tc 10000000146 --first-name Ali --last-name Yılmaz "
      "--birth-date 1990-05-01 --sex M --height-cm 175 --weight-kg 80 --job YA-PANO-01");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Worker registered: 2001"), std::string::npos) << r.out;
  r = run("--json worker list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["registry_no"], "2001");
  EXPECT_EQ(j[0]["establishment"], "Kozlu");  // the station's own by default
  r = run("--json worker show 2001");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["tc_kimlik"], "10000000146");
}

TEST_F(Cli, BadInputGoesToStderrWithNonZeroExitAndWritesNothing) {
  auto r = run(
      "--lang en worker add --registry 2001 --tc 10000000147 --first-name Ali --last-name Yılmaz "
      "--birth-date 1990-05-01 --sex M --height-cm 175 --weight-kg 80 --job YA-PANO-01");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("T.C. kimlik no \"10000000147\" is not valid"), std::string::npos) << r.err;
  r = run("--json worker list");
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 0u);
  r = run("--json worker show 9999");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "worker_unknown");
}

TEST_F(Cli, BrokenConfigStopsWithFileAndKey) {
  const auto cfg = dir / "bad.toml";
  std::ifstream in(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  std::string text{std::istreambuf_iterator<char>(in), {}};
  text.replace(text.find("language = \"tr\""), 15, "language = 7");
  std::ofstream(cfg) << text;
  const auto r = run_command(std::string(ODYOSPIRO_EXE) + " --config " + cfg.string() + " --db " +
                             (dir / "x.db").string() + " worker list");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.toml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[station].language"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.db"));
  // The environment variable is honoured the same way.
  const auto r2 = run_command("ODYOSPIRO_CONFIG=" + cfg.string() + " " + ODYOSPIRO_EXE + " --db " +
                              (dir / "x.db").string() + " worker list");
  EXPECT_EQ(r2.exit_code, 2);
  EXPECT_NE(r2.err.find("bad.toml"), std::string::npos) << r2.err;
}

TEST_F(Cli, UsersAndBackupAndVerify) {
  auto r = run_command("ODYOSPIRO_NEW_PASSWORD=long-enough-pw " + st.as("admin") +
                       " user add hekim2 --name 'Dr. Hekim' --role physician");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_command(st.as("admin") + " --json user list");
  bool found = false;
  for (const auto& u : nlohmann::json::parse(r.out)) {
    if (u["username"] == "hekim2") {
      found = true;
      EXPECT_EQ(u["role"], "physician");
    }
  }
  EXPECT_TRUE(found) << r.out;
  EXPECT_EQ(r.out.find("pbkdf2"), std::string::npos);  // hashes never printed
  r = run_command(st.as("admin") + " --lang en db backup " + (st.dir / "copy.db").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The key stays out of the backup unless asked for; the output says how to keep it.
  EXPECT_NE(r.out.find("station key is NOT in the backup"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(st.dir / "copy.db.key"));
  EXPECT_TRUE(std::filesystem::exists(st.dir / "copy.db.head"));
  r = run_command(st.as_on("admin", st.dir / "copy.db") + " --json db verify --key " +
                  st.db_file.string() + ".key");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["ok"], true);
  // Without the key the copy cannot be checked: verify says so (exit 3), never "no problems".
  r = run_command(st.as_on("admin", st.dir / "copy.db") + " --lang en db verify");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("station key is missing"), std::string::npos) << r.err;
  // --with-key puts a private copy of the key beside it.
  r = run_command(st.as("admin") + " db backup --with-key " + (st.dir / "copy2.db").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::filesystem::status(st.dir / "copy2.db.key").permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  r = run_command(st.as_on("admin", st.dir / "copy2.db") + " db verify");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = run_command(st.as("admin") + " db backup " + (st.dir / "copy.db").string());
  EXPECT_NE(r.exit_code, 0);  // never overwrites
}

TEST_F(Cli, PlainSqliteUpdateBehindTheStationsBackIsReported) {
  odyo::test::CommandResult r;
  const auto db = st.db_file.string();
  // A plain UPDATE is refused by the append-only trigger…
  r = run_command("sqlite3 " + db + " \"UPDATE audit_log SET actor='mallory' WHERE id=1\"");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("append-only"), std::string::npos) << r.err;
  // …and after dropping it, verify finds the change.
  r = run_command(
      "sqlite3 " + db +
      " \"DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor='mallory' WHERE id=1\"");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_command(st.as("admin") + " --lang en db verify");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("audit log row 1: its keyed hash (HMAC) does not match"), std::string::npos)
      << r.err;
}

TEST_F(Cli, VerifyOnAMissingFileDoesNotCreateIt) {
  const auto r = run_command(st.as_on("admin", dir / "none.db") + " db verify");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "none.db"));
}
