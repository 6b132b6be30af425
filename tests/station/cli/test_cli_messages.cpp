// Every error path of the command line that a test can reach without devices: each command of
// the CLI11 tree (read from `odyospiro generate cli-tree`) run with no options, with an unknown
// option, and with a bad value for each of its options. Whatever it prints must name only real
// commands (`odyospiro a b`) and real options (--name) of that tree; the help never shows a
// placeholder default ("FLOAT=nan").
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "tests/station/support/english_words.hpp"
#include "tests/station/support/station_fixture.hpp"

using json = nlohmann::json;
using odyo::test::english_words;
using odyo::test::run_command;

namespace {

struct Command {
  std::vector<std::string> path;  // e.g. {"worker", "add"}
  const json* node = nullptr;
};

void collect(const json& node, std::vector<std::string> path, std::vector<Command>& out,
             std::set<std::string>& flags) {
  for (const auto& o : node["options"])
    for (const auto& f : o["flags"]) flags.insert(f.get<std::string>());
  if (!path.empty()) out.push_back({path, &node});
  for (const auto& s : node["subcommands"]) {
    auto p = path;
    p.push_back(s["name"].get<std::string>());
    collect(s, p, out, flags);
  }
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

// Why the command named in `mention` (the words after "odyospiro ") is not in the tree, or "".
std::string check_command(const json& root, const std::string& mention,
                          const std::set<std::string>& flags) {
  std::istringstream words(mention);
  std::string w;
  const json* node = &root;
  bool descended = false;
  while (words >> w) {
    if (w.rfind("-", 0) == 0) {
      const auto flag = w.substr(0, w.find('='));
      if (flag.size() > 2 && flags.count(flag) == 0) return "unknown option " + flag;
      continue;
    }
    const json* next = nullptr;
    for (const auto& s : (*node)["subcommands"])
      if (s["name"] == w) next = &s;
    if (next != nullptr) {
      node = next;
      descended = true;
      continue;
    }
    if (!descended || (*node)["requires_subcommand"].get<bool>())
      return "no command \"" + w + "\" there";
    break;  // an argument
  }
  return "";
}

// Every problem with the commands and options `text` names.
std::vector<std::string> misnamed(const json& root, const std::set<std::string>& flags,
                                  const std::string& text) {
  std::vector<std::string> problems;
  static const std::regex command_re(R"((?:`|\brun |\bsee |\buse )odyospiro ([^`\n;:,)]*))");
  for (std::sregex_iterator it(text.begin(), text.end(), command_re), end; it != end; ++it) {
    const std::string m = (*it)[1];
    if (auto why = check_command(root, m, flags); !why.empty())
      problems.push_back("`odyospiro " + m + "`: " + why);
  }
  static const std::regex option_re(R"((?:^|[\s(`'"\[/,])(--[a-z][a-z0-9-]*))");
  for (std::sregex_iterator it(text.begin(), text.end(), option_re), end; it != end; ++it) {
    const std::string o = (*it)[1];
    if (flags.count(o) == 0) problems.push_back(o + ": no such option");
  }
  return problems;
}

struct CliMessages : ::testing::Test {
  odyo::test::TempDir dir;
  json root;
  std::vector<Command> commands;
  std::set<std::string> flags;
  std::set<std::string> names;  // command names: English words a Turkish text may quote
  void SetUp() override {
    const auto r = run_command(std::string(ODYOSPIRO_EXE) + " generate cli-tree");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    root = json::parse(r.out);
    collect(root, {}, commands, flags);
    flags.insert("--no-such-option");  // the probe itself
    // Command names and the names of positional arguments (FILE, REGISTRY) are identifiers a
    // Turkish text quotes like an option.
    for (const auto& c : commands) {
      names.insert(c.path.back());
      for (const auto& o : (*c.node)["options"])
        if (o["positional"].get<bool>()) names.insert(o["name"].get<std::string>());
    }
  }
  // The command with the source tree's config and a database that does not exist yet.
  odyo::test::CommandResult run(const std::string& args, const std::string& lang = "en") {
    return run_command("cd '" + dir.path().string() + "' && timeout 30 " +
                       odyo::test::odyospiro(dir / "absent.db") + " --lang " + lang + " " + args +
                       " </dev/null");
  }
  // Each error path of `c` a test reaches without devices: no options, an unknown option, the
  // help, and a bad value for each option (with the required ones given).
  std::vector<std::string> probes(const Command& c) const {
    if (c.path.front() == "generate" || c.path.front() == "demo") return {};  // demo: runs for real
    const std::string cmd = joined(c.path);
    std::string required;
    for (const auto& o : (*c.node)["options"])
      if (o["required"].get<bool>()) {
        if (o["positional"].get<bool>())
          required += " x-bad";
        else if (!o["flags"].empty())
          required +=
              " " + o["flags"].back().get<std::string>() + (o["takes_value"] ? " x-bad" : "");
      }
    std::vector<std::string> out{cmd + " --no-such-option", cmd + " --help"};
    if (cmd != "serve") out.insert(out.begin(), cmd);  // a server: runs until stopped
    if (!(*c.node)["requires_subcommand"].get<bool>()) {
      for (const auto& o : (*c.node)["options"]) {
        if (!o["takes_value"].get<bool>() || o["positional"].get<bool>() || o["flags"].empty())
          continue;
        const std::string f = o["flags"].back();
        if (f == "--help" || f == "--config" || f == "--db") continue;
        out.push_back(cmd + required + " " + f + " x-bad");
      }
    }
    return out;
  }
};

}  // namespace

TEST_F(CliMessages, TreeHasTheCommands) {
  ASSERT_GE(commands.size(), 20u);
  EXPECT_TRUE(flags.count("--config"));
  EXPECT_EQ(check_command(root, "worker add --registry 1", flags), "");
  EXPECT_NE(check_command(root, "jobs", flags), "");  // the probe can fail
  EXPECT_FALSE(misnamed(root, flags, "see `odyospiro jobs`").empty());
  EXPECT_FALSE(misnamed(root, flags, "use --no-such-thing").empty());
}

TEST_F(CliMessages, EveryErrorNamesRealCommandsAndOptions) {
  std::size_t runs = 0;
  for (const auto& c : commands) {
    for (const auto& p : probes(c)) {
      const auto r = run(p);
      ++runs;
      const std::string text = r.out + r.err;
      EXPECT_NE(r.exit_code, 124) << "odyospiro " << p << ": timed out";
      for (const auto& why : misnamed(root, flags, text))
        ADD_FAILURE() << "odyospiro " << p << "\n  " << why << "\n  output: " << text;
      if (p.size() > 7 && p.compare(p.size() - 7, 7, " --help") == 0) {
        EXPECT_EQ(r.exit_code, 0) << p;
        EXPECT_EQ(text.find("=nan"), std::string::npos) << "odyospiro " << p << "\n" << text;
      } else if (p == joined(c.path) + " --no-such-option") {
        EXPECT_NE(r.exit_code, 0) << "odyospiro " << p << " did not fail\n" << text;
      }
    }
  }
  EXPECT_GT(runs, 100u);
}

// Issue 14, must show: the same walk in Turkish (help, every error path) shows no English word
// of the list; the catalogue test (tests/station/i18n) proves every marked text is translated,
// this proves the texts a person meets are marked.
TEST_F(CliMessages, TurkishOutputHasNoEnglishWords) {
  ASSERT_FALSE(english_words("the file was not found", names).empty());  // the probe can fail
  ASSERT_TRUE(english_words("dosya bulunamadı: --file", names).empty());
  ASSERT_TRUE(english_words("en çok 1 değer", names).empty());  // "çok" is not "ok"
  std::size_t runs = 0;
  for (const auto& c : commands) {
    for (const auto& p : probes(c)) {
      const auto r = run(p, "tr");
      ++runs;
      const auto found = english_words(r.out + r.err, names);
      if (!found.empty())
        ADD_FAILURE() << "odyospiro --lang tr " << p << "\n  English: " << found
                      << "\n  output: " << r.out + r.err;
    }
  }
  EXPECT_GT(runs, 100u);
}

// The messages issue 14 found misleading, on a real database.
TEST_F(CliMessages, ImpossibleDateAndUnknownJobSayWhatIsWrong) {
  const std::string worker =
      "worker add --registry 2001 --tc 10000000146 --first-name Ali --last-name Kaya --sex M "
      "--height-cm 175 --weight-kg 80 ";
  const odyo::test::Station st;  // a database with its accounts; the technician registers
  const auto exe = st.as("tekniker") + " --lang en ";
  // A well-formed date that is not a day of the calendar is not a format problem.
  auto r = run_command(exe + worker + "--birth-date 1990-02-30 --job YA-PANO-01");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("1990-02-30"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("YYYY-MM-DD"), std::string::npos) << r.err;
  // An unknown job code names the known ones and a command that exists.
  r = run_command(exe + worker + "--birth-date 1990-02-28 --job NO-SUCH-JOB");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("YA-PANO-01"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("odyospiro jobs"), std::string::npos) << r.err;
  for (const auto& why : misnamed(root, flags, r.err)) ADD_FAILURE() << why << "\n" << r.err;
}

// A job CSV the import cannot take is reported as the CSV's problem, never as one of the
// work-groups.toml it has not written.
TEST_F(CliMessages, JobImportErrorNamesTheCsvNotTheUnwrittenToml) {
  const auto csv = dir / "jobs-cp1254.csv";
  // "Şef" in Windows-1254 (0xDE), as Excel writes it on a Turkish PC.
  std::ofstream(csv, std::ios::binary) << "code,title_tr,title_en,work_group\n"
                                       << "X-1,\xDE"
                                       << "ef,Foreman,1\n";
  const auto out = dir / "never-written.toml";
  const auto r = run_command(odyo::test::odyospiro(dir / "s.db") + " --lang en rules import-jobs " +
                             csv.string() + " --out " + out.string() + " --table-version t1");
  if (r.exit_code != 0) {
    EXPECT_NE(r.err.find(csv.string()), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(out.string() + ":"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

// A language the catalogues do not have, asked for through the environment, is refused with a
// message saying which ones there are, in the language otherwise chosen — never taken silently
// for English. --lang refuses the same value (CLI11's check); an empty variable is unset.
TEST_F(CliMessages, AnUnknownLanguageInTheEnvironmentIsRefused) {
  const std::string exe = odyo::test::odyospiro(dir / "absent.db");
  auto r = run_command("cd '" + dir.path().string() + "' && ODYOSPIRO_LANG=de " + exe +
                       " --lang en --version </dev/null");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ODYOSPIRO_LANG is `de`: the station speaks `tr` and `en`"),
            std::string::npos)
      << r.err;
  r = run_command("cd '" + dir.path().string() + "' && ODYOSPIRO_LANG=de " + exe +
                  " --lang tr --version </dev/null");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("istasyon `tr` ve `en` dillerini konuşur"), std::string::npos) << r.err;
  r = run_command("cd '" + dir.path().string() + "' && ODYOSPIRO_LANG= " + exe +
                  " --lang en --version </dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = run("worker list", "de");
  EXPECT_NE(r.exit_code, 0);
}
