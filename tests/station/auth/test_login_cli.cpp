// Who acts is proven (issue 12): every command that reads or writes the database refuses a
// missing or wrong password, a technician where a physician or admin is needed, a deactivated
// user and a name that is not a user — each refusal with exit 5, a clear message and an audit
// row — and does its work for the right role with the right password. Plus the lock-out.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "drivers/codec/gdt.hpp"
#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;
using odyo::test::run_command;
using odyo::test::Station;

namespace {

// A station with worker 2001, one audiometry exam (#1) and a deactivated physician "eski".
struct Clinic {
  Station st;
  std::string audiogram;
  std::string gdt_file;

  Clinic() {
    st.add_user("eski", "physician", "eski-parola-2026");
    st.daily_checks({"sim:spirometer"});  // today's syringe check, for `acquire spiro` below
    auto r = st.run_as("admin", "user deactivate eski --reason 'left the clinic'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    r = st.run_as(
        "tekniker",
        "worker add --registry 2001 --tc 10000000146 --first-name Ali --last-name Kaya "
        "--birth-date 1980-06-15 --sex M --height-cm 175 --weight-kg 80 --job YA-PANO-01");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const json ear = {{"500", 10},  {"1000", 10}, {"2000", 15}, {"3000", 20},
                      {"4000", 25}, {"6000", 20}, {"8000", 20}};
    audiogram = (st.dir / "a.json").string();
    std::ofstream(audiogram) << json{{"right", ear}, {"left", ear}}.dump();
    r = st.run_as("tekniker",
                  "audio enter --worker 2001 --input " + audiogram + " --date 2026-11-02");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // A GDT 6310 audiogram of worker 2001, as an audiometer's PC software sends it.
    namespace gdt = odyo::codec::gdt;
    std::vector<gdt::FieldOut> fields = {{8315, "ODYOSPIR"}, {8316, "AUDIO001"}, {9218, "02.10"},
                                         {3000, "2001"},     {3101, "Kaya"},     {3102, "Ali"},
                                         {3103, "15061980"}, {6200, "02112026"}, {8402, "AUDI01"}};
    for (const char* side : {"R", "L"}) {
      for (int hz : {500, 1000, 2000, 3000, 4000, 6000, 8000}) {
        fields.push_back({8410, std::string(side) + "_AC_" + std::to_string(hz)});
        fields.push_back({8420, "20"});
        fields.push_back({8421, "dB HL"});
      }
    }
    auto bytes = gdt::write(6310, fields);
    EXPECT_TRUE(bytes.ok());
    if (bytes.ok()) gdt_file = st.dir.write("a.gdt", std::string(bytes->begin(), bytes->end()));
  }
  // A new account, for one wrong-password attempt.
  std::string fresh_user() {
    const std::string name = "kurban" + std::to_string(++fresh);
    st.add_user(name, "technician", "kurban-parola-2026");
    return name;
  }
  int fresh = 0;
  int refusals() const {
    const auto r = run_command("sqlite3 " + st.db_file.string() +
                               " \"SELECT count(*) FROM audit_log WHERE action IN "
                               "('auth.failed','auth.denied')\"");
    return std::atoi(r.out.c_str());
  }
};

struct Row {
  const char* args;
  const char* who;      // the right user for it
  bool technician_may;  // false: a technician is refused (physician or admin needed)
  bool run_success;     // also run it as `who` and expect success
};

// Every acting command. Rows run in this order on one station.
const Row kRows[] = {
    {"worker list", "tekniker", true, true},
    {"worker show 2001", "tekniker", true, true},
    {"worker add --registry 2002 --tc 38492017510 --first-name Veli --last-name Kaya "
     "--birth-date 1984-03-12 --sex M --height-cm 174 --weight-kg 78 --job YA-PANO-01",
     "tekniker", true, true},
    {"exam list", "tekniker", true, true},
    {"exam show 1", "tekniker", true, true},
    {"audio enter --worker 2001 --input AUDIOGRAM --date 2026-11-03", "tekniker", true, true},
    {"audio import --worker 2001 --format gdt --input GDT", "tekniker", true, true},
    {"audio baseline show --worker 2001", "tekniker", true, true},
    {"audio baseline set --worker 2001 --exam 2 --reason 'checked by the physician'", "hekim",
     false, true},
    {"acquire spiro --device sim:spirometer --worker 2001 --manoeuvres 3 --devsim DEVSIM "
     "--journal JOURNAL",
     "tekniker", true, true},
    {"acquire recover --journal JOURNAL", "tekniker", true, true},
    {"evaluate --worker 2001 --purpose periodic", "tekniker", true, true},
    // The evaluation is incomplete (the other Ek-2 systems are not recorded): the physician
    // overrides it (#2), then confirms the override (#3).
    {"decision override 1 --column A --group A --reason x", "hekim", false, true},
    {"decision confirm 2", "hekim", false, true},
    {"decision show 1", "tekniker", true, true},
    {"record system --worker 2001 --system vision --column none", "hekim", false, true},
    {"record show --worker 2001", "tekniker", true, true},
    {"reevaluate --dry-run", "hekim", false, true},
    // Exam 1 was not interrupted: the physician is let in and the command says so.
    {"exam accept-interrupted 1 --reason 'enough blows'", "hekim", false, false},
    {"exam sign 1", "hekim", false, true},
    {"export fhir 1", "hekim", false, true},
    {"export hl7 1", "admin", false, true},
    {"user list", "admin", true, true},
    {"user add yeni --name 'Yeni Kişi' --role technician", "admin", false, true},
    {"user role yeni physician --reason 'qualified'", "admin", false, true},
    {"user passwd yeni", "admin", false, true},
    {"user deactivate yeni --reason 'moved'", "admin", false, true},
    {"db backup BACKUP", "admin", false, true},
    {"db verify", "admin", false, true},
    {"db migrate", "admin", false, true},
};

std::string with_files(std::string args, const Clinic& c) {
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"AUDIOGRAM", c.audiogram},
                                 {"GDT", c.gdt_file},
                                 {"DEVSIM", std::string(ODYO_BINARY_DIR) + "/tools/devsim/devsim"},
                                 {"JOURNAL", (c.st.dir / "journal.db").string()},
                                 {"BACKUP", (c.st.dir / "backup.db").string()}}) {
    if (auto p = args.find(from); p != std::string::npos) args.replace(p, from.size(), to);
  }
  return args;
}

}  // namespace

TEST(LoginCli, EveryActingCommandRefusesAndAuditsThenWorksForTheRightRole) {
  Clinic c;
  for (const Row& row : kRows) {
    const std::string args = " --lang en " + with_files(row.args, c) + " </dev/null";
    SCOPED_TRACE(row.args);
    struct Attempt {
      const char* what;
      std::string cmd;
      const char* says;
    };
    std::vector<Attempt> attempts{
        {"no password", "env -u ODYOSPIRO_PASSWORD " + c.st.exe() + " --user " + row.who,
         "no password"},
        // Another user each row: wrong passwords for one name lock it (see the lock-out test).
        {"wrong password", c.st.as(c.fresh_user(), "not-the-password"), "wrong password"},
        {"deactivated", c.st.as("eski"), "deactivated"},
        {"not a user", c.st.as("nobody"), "unknown user"},
        {"no --user", c.st.as("", Station::kAdminPassword), "--user NAME"},
    };
    if (!row.technician_may)
      attempts.push_back({"technician", c.st.as("tekniker"), "is technician"});
    for (const auto& a : attempts) {
      const int before = c.refusals();
      const auto r = run_command(a.cmd + args);
      EXPECT_EQ(r.exit_code, 5) << a.what << ": " << r.err << r.out;
      EXPECT_NE(r.err.find(a.says), std::string::npos) << a.what << ": " << r.err;
      EXPECT_EQ(c.refusals(), before + 1) << a.what << ": not audited";
    }
    if (row.run_success) {
      const std::string env = std::string(row.args).rfind("user passwd", 0) == 0 ||
                                      std::string(row.args).rfind("user add", 0) == 0
                                  ? "ODYOSPIRO_NEW_PASSWORD=yeni-parola-2026 "
                                  : "";
      const auto r = run_command(env + c.st.as(row.who) + args);
      EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    }
  }
  // The refusals are in the audit log under the name that was tried, with the reason.
  const auto r = run_command("sqlite3 " + c.st.db_file.string() +
                             " \"SELECT count(*) FROM audit_log WHERE action='auth.failed' AND "
                             "json_extract(details,'$.username')='eski' AND "
                             "json_extract(details,'$.reason')='deactivated'\"");
  EXPECT_EQ(std::atoi(r.out.c_str()), static_cast<int>(std::size(kRows)));
  // Nothing was written by the refused commands: only the successful `worker add` added 2002,
  // and `yeni` went through its four versions.
  const auto users = run_command(c.st.as("admin") + " --json user list");
  bool seen = false;
  for (const auto& u : json::parse(users.out)) {
    if (u["username"] == "yeni") {
      seen = true;
      EXPECT_EQ(u["version"], 4);
      EXPECT_EQ(u["role"], "physician");
      EXPECT_EQ(u["active"], false);
    }
  }
  EXPECT_TRUE(seen) << users.out;
}

TEST(LoginCli, PureAnalysisNeedsNoLogin) {
  const auto r = run_command(
      std::string("'") + ODYOSPIRO_EXE + "' --config '" + ODYO_SOURCE_DIR +
      "/config/station.toml' --lang en spiro predict --equation gli2012 --sex M --age 40 "
      "--height-cm 175 --json </dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(LoginCli, RepeatedWrongPasswordsLockTheAccountUntilAnAdminResetsIt) {
  Station st;
  for (int i = 0; i < 5; ++i) {  // [security].max_failed_logins = 5 in the shipped config
    const auto r =
        run_command(st.as("hekim", "guess-" + std::to_string(i)) + " --lang en exam list");
    EXPECT_EQ(r.exit_code, 5);
  }
  auto r = run_command(st.as("hekim") + " --lang en exam list");
  EXPECT_EQ(r.exit_code, 5) << "the right password is refused while locked";
  EXPECT_NE(r.err.find("locked after 5 wrong passwords"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("odyospiro user passwd hekim"), std::string::npos) << r.err;
  // Others are not affected; the admin resets the password, which ends the lock.
  r = run_command("ODYOSPIRO_NEW_PASSWORD=new-hekim-parola " + st.as("admin") +
                  " --lang en user passwd hekim --reason 'locked out'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_command(st.as("hekim", "new-hekim-parola") + " --lang en exam list");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = run_command(st.as("hekim") + " --lang en exam list");  // the old password is gone
  EXPECT_EQ(r.exit_code, 5);
}

TEST(LoginCli, NoDatabaseIsCreatedWithoutItsFirstAdmin) {
  odyo::test::TempDir dir;
  const auto r =
      run_command("ODYOSPIRO_PASSWORD=whatever-long " + odyo::test::odyospiro(dir / "n.db") +
                  " --user admin --lang en worker list");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("db migrate --admin"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "n.db"));
}
