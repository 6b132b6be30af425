// Interrupted sessions (issue 12, item 7), with the built odyospiro and the simulated spirometer:
//  - the device unplugged and not back within the limit: the session ends with a message and a
//    non-zero exit, and what was blown is stored as interrupted (reason "unplugged");
//  - Ctrl-C (SIGINT) and a time limit (--seconds) store the session as interrupted too;
//  - interrupted shows in `exam list`, `exam show` and their JSON;
//  - `evaluate --worker` refuses an interrupted exam until a physician accepts it with a reason
//    (`exam accept-interrupted`, a new result version; a technician may not).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "station/storage/database.hpp"
#include "station/storage/users.hpp"
#include "tests/station/devices/acquire_process.hpp"
#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;
using odyo::test::BackgroundCommand;
using odyo::test::run_command;
namespace fs = std::filesystem;

namespace {

struct Station {
  odyo::test::Station st;  // a database with its accounts (admin, hekim, tekniker)
  const odyo::test::TempDir& dir = st.dir;
  fs::path db = st.db_file;
  fs::path journal = dir / "j.db";
  std::string exe = st.as("tekniker") + " --lang en";
  std::string hekim = st.as("hekim") + " --lang en";
  std::string admin = st.as("admin") + " --lang en";
  std::string devsim_exe = std::string(ODYO_BINARY_DIR) + "/tools/devsim/devsim";
  std::string devsim = " --devsim " + devsim_exe;

  Station() {
    auto r = run_command(exe +
                         " worker add --registry D-1001 --tc 38492017510 --first-name Ahmet "
                         "--last-name Kaya --birth-date 1984-03-12 --sex M --height-cm 174 "
                         "--weight-kg 78 --job YA-PANO-01 --establishment Kozlu");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    st.daily_checks({"sim:spirometer"});  // no test without today's syringe check
  }
  std::unique_ptr<BackgroundCommand> run(const std::string& args, const std::string& tag) {
    return std::make_unique<BackgroundCommand>(exe + " --json " + args, dir / ("out-" + tag),
                                               dir / ("err-" + tag));
  }
  json json_of(const std::string& args, int want_exit = 0) {
    auto r = run_command(exe + " --json " + args);
    EXPECT_EQ(r.exit_code, want_exit) << args << "\n" << r.out << r.err;
    auto j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }
};

TEST(AcquireInterruptedCli, UnpluggedAndNotBackEndsTheSessionAndStoresItInterrupted) {
  Station s;
  // The simulator is ours here, so the test can pull the cable: devsim on a pty link.
  const fs::path link = s.dir / "spiro-link";
  BackgroundCommand sim(s.devsim_exe + " spiro --profile " + ODYO_SOURCE_DIR +
                            "/config/devices/sfm3000-bypass5-serial.toml --link " + link.string() +
                            " --script quiet:1,normal,quiet:60",
                        s.dir / "sim-out", s.dir / "sim-err");
  ASSERT_TRUE(sim.wait_for_output("serial:", std::chrono::seconds(10))) << sim.err();
  s.st.daily_checks({"serial:" + link.string()});  // this spirometer's syringe check today
  auto run = s.run("acquire spiro --device serial:" + link.string() +
                       " --profile sfm3000-bypass5-serial --worker D-1001 --manoeuvres 3 "
                       "--device-timeout-s 2 --journal " +
                       s.journal.string(),
                   "unplug");
  ASSERT_TRUE(run->wait_for_output("manoeuvre 1:", std::chrono::seconds(25))) << run->err();
  const auto pulled = std::chrono::steady_clock::now();
  sim.signal(SIGTERM);  // the cable goes: the pty closes and its link is removed
  sim.wait();
  const int rc = run->wait();
  const double waited_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - pulled).count();
  EXPECT_EQ(rc, 6) << run->out() << run->err();
  EXPECT_GE(waited_s, 2.0);
  EXPECT_LT(waited_s, 15.0);
  const auto err = json::parse(run->out(), nullptr, false);
  ASSERT_FALSE(err.is_discarded()) << run->out();
  EXPECT_EQ(err["error"]["code"], "device_lost");
  const std::string msg = err["error"]["message"].get<std::string>();
  EXPECT_NE(msg.find("did not come back within 2 s"), std::string::npos) << msg;
  EXPECT_NE(msg.find("stored as interrupted exam #"), std::string::npos) << msg;
  EXPECT_NE(run->err().find("waiting up to 2 s"), std::string::npos) << run->err();

  const auto list = s.json_of("exam list");
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["interrupted"]["reason"], "unplugged") << list.dump();
  const auto show = s.json_of("exam show " + std::to_string(list[0]["id"].get<int>()));
  EXPECT_EQ(show["interrupted"]["reason"], "unplugged");
  EXPECT_EQ(show["results"][0]["payload"]["interrupted"]["reason"], "unplugged");
  auto text = run_command(s.exe + " exam list");
  EXPECT_NE(text.out.find("INTERRUPTED (unplugged)"), std::string::npos) << text.out;
  text = run_command(s.exe + " exam show");
  EXPECT_NE(text.out.find("Status    : INTERRUPTED (unplugged)"), std::string::npos) << text.out;
}

TEST(AcquireInterruptedCli, CtrlCStoresInterruptedAndEvaluationRefusesItUntilAPhysicianAccepts) {
  Station s;
  auto run = s.run("acquire spiro --device sim:spirometer --worker D-1001" + s.devsim +
                       " --journal " + s.journal.string(),
                   "sigint");
  ASSERT_TRUE(run->wait_for_output("manoeuvre 1:", std::chrono::seconds(25))) << run->err();
  run->signal(SIGINT);
  ASSERT_EQ(run->wait(), 0) << run->out() << run->err();
  const auto j = json::parse(run->out());
  ASSERT_TRUE(j.contains("exam")) << j.dump();
  EXPECT_EQ(j["interrupted"]["reason"], "sigint");
  EXPECT_EQ(j["ended"]["reason"], "stopped");
  const auto id = std::to_string(j["exam"].get<int>());
  EXPECT_EQ(s.json_of("exam show " + id)["interrupted"]["reason"], "sigint");

  auto ev = s.json_of("evaluate --worker D-1001", 1);
  EXPECT_EQ(ev["error"]["code"], "interrupted_exam") << ev.dump();
  EXPECT_NE(ev["error"]["message"].get<std::string>().find("exam accept-interrupted " + id),
            std::string::npos);

  // A technician may not (the role check of every command: exit 5, audited).
  auto tech = s.json_of("exam accept-interrupted " + id + " --reason enough", 5);
  EXPECT_EQ(tech["error"]["code"], "auth_role") << tech.dump();
  auto r = run_command(s.hekim + " --json exam accept-interrupted " + id +
                       " --reason 'two good blows; worker could not continue'");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto show = s.json_of("exam show " + id);
  ASSERT_EQ(show["results"].size(), 2u);  // a new version; version 1 is untouched
  EXPECT_FALSE(show["results"][0]["payload"]["interrupted"].contains("accepted"));
  EXPECT_EQ(show["results"][1]["payload"]["interrupted"]["accepted"]["by"], "hekim");
  EXPECT_NE(show["results"][1]["reason"].get<std::string>().find("two good blows"),
            std::string::npos);
  auto ev2 = run_command(s.exe + " --json evaluate --worker D-1001");
  EXPECT_EQ(ev2.exit_code, 0) << ev2.out << ev2.err;
  auto again = run_command(s.hekim + " --json exam accept-interrupted " + id + " --reason again");
  EXPECT_NE(again.out.find("already_accepted"), std::string::npos) << again.out;
  EXPECT_EQ(run_command(s.admin + " db verify").exit_code, 0);
}

TEST(AcquireInterruptedCli, ATimeLimitStoresInterrupted) {
  Station s;
  auto j = s.json_of("acquire spiro --device sim:spirometer --worker D-1001 --seconds 10" +
                     s.devsim + " --journal " + s.journal.string());
  ASSERT_TRUE(j.contains("exam")) << j.dump();
  EXPECT_EQ(j["interrupted"]["reason"], "time_limit") << j.dump();
  const auto list = s.json_of("exam list");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["interrupted"]["reason"], "time_limit");
}

}  // namespace
