// The man page and bash completion generated from the CLI11 tree (`odyospiro generate …`, run by
// the build for `cmake --install`): they name the real commands and options, and the completion
// script completes them in bash.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/station/support/station_fixture.hpp"

using odyo::test::run_command;

namespace {

std::string generate(const std::string& what) {
  const auto r = run_command(std::string(ODYOSPIRO_EXE) + " generate " + what);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

// What the completion function offers for the words typed so far (the last one being completed).
std::string complete(const std::filesystem::path& script, const std::string& words) {
  const auto r = run_command("bash -c 'source " + script.string() + " && COMP_WORDS=(" + words +
                             ") && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _odyospiro; echo "
                             "\"${COMPREPLY[*]}\"'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  return r.out;
}

}  // namespace

TEST(Docgen, ManPageHasEveryCommandAndNoPlaceholderDefault) {
  const std::string man = generate("man");
  EXPECT_EQ(man.rfind(".TH ODYOSPIRO 1", 0), 0u);
  EXPECT_NE(man.find(".SS \"odyospiro worker add\""), std::string::npos);
  EXPECT_NE(man.find("\\-\\-birth\\-date"), std::string::npos);
  EXPECT_NE(man.find("/etc/odyospiro/station.toml"), std::string::npos);
  EXPECT_EQ(man.find("odyospiro generate"), std::string::npos);  // the hidden command stays hidden
  EXPECT_EQ(man.find("default: nan"), std::string::npos);
  EXPECT_EQ(man.find("=nan"), std::string::npos);
}

TEST(Docgen, BashCompletionCompletesCommandsAndOptions) {
  odyo::test::TempDir dir;
  const auto script = dir / "odyospiro";
  std::ofstream(script) << generate("bash-completion");
  EXPECT_EQ(complete(script, "odyospiro wor"), "worker\n");
  EXPECT_EQ(complete(script, "odyospiro --lang en worker ad"), "add\n");
  EXPECT_EQ(complete(script, "odyospiro worker add --birth"), "--birth-date\n");
  EXPECT_NE(complete(script, "odyospiro db --"), "\n");  // the global options at least
  EXPECT_EQ(complete(script, "odyospiro gen"), "\n");    // hidden
}
