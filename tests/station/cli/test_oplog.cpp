// The operations log (spdlog → syslog, and stderr with --verbose): a command's start with its
// command line, its stop with the acting user and exit code, and the error it reported.
#include <gtest/gtest.h>

#include "tests/station/support/station_fixture.hpp"

using odyo::test::run_command;

TEST(Oplog, VerboseShowsStartStopAndErrorsOnStderr) {
  odyo::test::TempDir dir;
  const auto exe = odyo::test::odyospiro(dir / "absent.db");
  auto r = run_command(exe + " --lang en --user ayse -v worker show NO-SUCH-WORKER");
  EXPECT_NE(r.exit_code, 0);  // no such worker
  EXPECT_NE(r.err.find("start: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("worker show NO-SUCH-WORKER"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[error] error "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("stop: user=ayse exit=" + std::to_string(r.exit_code)), std::string::npos)
      << r.err;
  // Without --verbose the log goes to syslog only.
  r = run_command(exe + " --lang en --user ayse worker show NO-SUCH-WORKER");
  EXPECT_EQ(r.err.find("start: "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("stop: "), std::string::npos) << r.err;
}
