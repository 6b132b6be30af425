// Issue 14, must show: no English word of a list in the Turkish output of the station's commands
// on a real demo database (the demo itself, the registry, the exams, the evaluation, the
// physician's decision and records, the accounts, the database check, the rules). The error
// paths and the help of every command are walked in tests/station/cli/test_cli_messages.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/station/support/english_words.hpp"
#include "tests/station/support/station_fixture.hpp"

using odyo::test::english_words;
using odyo::test::run_command;

namespace {

// Outputs on a database quote no command name, so no word is left out here.
const std::set<std::string> kQuoted{};

}  // namespace

TEST(TurkishOutput, TheDemoAndWhatAPhysicianReadsAreTurkish) {
  const odyo::test::DemoStation demo("--lang tr");
  const std::string log = demo.run.report["log"].get<std::string>();
  EXPECT_EQ(english_words(log, kQuoted), "") << log;

  struct Step {
    std::string user;
    std::string args;
  };
  const std::vector<Step> steps{
      {"hekim", "worker list"},
      {"hekim", "worker show D-1001"},
      {"hekim", "worker show D-9999"},  // an error: no such worker
      {"hekim", "exam list"},
      {"hekim", "exam show"},
      {"hekim", "exam show 1"},
      {"hekim", "exam show 2"},
      {"hekim", "exam show 999"},  // an error
      {"hekim", "evaluate --worker D-1001"},
      {"hekim", "decision show 1"},
      {"hekim", "record show --worker D-1001"},
      {"hekim", "audio baseline show --worker D-1001"},
      {"hekim", "user list"},  // refused: a physician does not manage users
      {"yonetici", "user list"},
      {"yonetici", "db verify"},
      {"teknisyen", "exam sign 1"},  // refused: only a physician signs
      {"hekim", "rules check"},
  };
  for (const auto& s : steps) {
    const auto r = demo.run_as(s.user, "--lang tr " + s.args);
    const std::string text = r.out + r.err;
    EXPECT_FALSE(text.empty()) << s.args;
    EXPECT_EQ(english_words(text, kQuoted), "")
        << "odyospiro --user " << s.user << " --lang tr " << s.args << "\n"
        << text;
  }
}
