// The stored-decision flow through the command, as the clinic uses it: evaluate a worker from
// their stored results, a technician may not confirm, the physician confirms, then overrides
// with a reason, then the office re-evaluates under a new rule version; all versions kept.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include <sstream>
#include "station/evaluation/physician_records.hpp"

#include "station/evaluation/decisions.hpp"
#include "station/records/exams.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Run {
  int code = -1;
  std::string out;
};

struct Clinic {
  fs::path dir = fs::temp_directory_path() / ("odyo-decision-cli-" + std::to_string(::getpid()));
  fs::path db_file = dir / "c.db";

  Clinic() {
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto db = std::move(odyo::station::Database::open(db_file).value());
    EXPECT_TRUE(odyo::station::add_user(*db, {"hekim", "Dr. Hekim", "physician", "correct-horse"},
                                        10, 1000, "admin")
                    .ok());
    EXPECT_TRUE(odyo::station::add_user(*db, {"teknik", "Teknisyen", "technician", "another-pass"},
                                        10, 1000, "admin")
                    .ok());
    EXPECT_TRUE(
        odyo::station::add_user(*db, {"buro", "Büro", "admin", "buro-password"}, 10, 1000, "admin")
            .ok());
    auto w = db->prepare(
        "INSERT INTO workers(registry_no, tc_kimlik, first_name, last_name, birth_date, sex, "
        "height_cm, weight_kg, "
        "establishment, job_code, work_group, created_at, created_by) VALUES ('S-77', "
        "'10000000077', 'Ali', 'Veli', "
        "'1980-01-01', 'M', 176, 78, 'Kozlu', 'YU-KOMP-01', 3, '2026-01-01', 'test')");
    EXPECT_TRUE(w->run().ok());
    const auto worker_id = db->last_insert_id();
    // Stored the way the station stores records: bound into the audit chain.
    EXPECT_TRUE(
        odyo::station::audit_append(*db, {"test", "worker.add", "workers", worker_id, "{}"}).ok());
    // Issue 13: the physician has recorded every other Ek-2 system (nothing found), so the
    // health group from hearing and lungs is final.
    const auto rules = std::move(
        odyo::station::rules::load_ruleset(fs::path(ODYO_SOURCE_DIR) / "config" / "rules").value());
    for (const auto& sys : odyo::station::evaluation::system_names(rules))
      EXPECT_TRUE(odyo::station::evaluation::add_physician_record(
                      *db, rules, worker_id, "system", sys, json{{"column", "none"}}, "", "hekim")
                      .ok());
    // Stored results carry their engine inputs under "evaluation_inputs" (the --input format).
    const std::pair<const char*, json> results[] = {
        {"audiometry",
         {{"evaluation_inputs", {{"hearing", {{"right_pta_db", 45}, {"left_pta_db", 35}}}}}}},
        {"spirometry",
         {{"evaluation_inputs",
           {{"spirometry",
             {{"fvc_pctpred", 95},
              {"fev1_pctpred", 92},
              {"fev1_fvc", 0.79},
              {"grade_fvc", "A"},
              {"grade_fev1", "A"}}}}}}}};
    for (const auto& [kind, payload] : results) {
      auto exam = odyo::station::add_exam(
          *db, {worker_id, kind, "2026-11-20T09:00:00Z", "teknik", "dev-1", {}, {}, {}, ""},
          "teknik");
      if (!exam.ok()) {
        ADD_FAILURE() << exam.error().message;
        return;
      }
      EXPECT_TRUE(odyo::station::add_result(*db, *exam, payload.dump(), "teknik", "").ok());
    }
    std::ofstream(dir / "findings.json") << json{
        {"otitis", "none"},
        {"vertigo", "none"},
        {"tinnitus", "none"},
        {"presbycusis", false},
        {"acoustic_trauma", false}}.dump();
    // Rule version test-2: EK-2/15 C becomes B.
    const fs::path src = fs::path(ODYO_SOURCE_DIR) / "config" / "rules";
    const fs::path v2 = dir / "rules" / "versions" / "test-2";
    fs::create_directories(v2);
    for (const char* f : odyo::station::rules::kRuleFiles) fs::copy_file(src / f, v2 / f);
    auto edit = [&](const char* f, const std::string& from, const std::string& to) {
      std::ifstream in(v2 / f);
      std::stringstream s;
      s << in.rdbuf();
      std::string t = s.str();
      ASSERT_NE(t.find(from), std::string::npos);
      t.replace(t.find(from), from.size(), to);
      std::ofstream(v2 / f) << t;
    };
    edit("ruleset.toml", "version = \"ttk-2014-odyo-2\"", "version = \"test-2\"");
    edit("ek2.toml", "citation = \"EK-2/15 C\"\ncolumn = \"C\"",
         "citation = \"EK-2/15 C\"\ncolumn = \"B\"");
  }
  ~Clinic() { fs::remove_all(dir); }

  Run odyospiro(const std::string& user, const std::string& args) const {
    const std::string pw = user == "hekim"    ? "correct-horse"
                           : user == "teknik" ? "another-pass"
                                              : "buro-password";
    const std::string cmd = "ODYOSPIRO_PASSWORD=" + pw + " " + ODYOSPIRO_EXE + " --config " +
                            ODYO_SOURCE_DIR + "/config/station.toml --db " + db_file.string() +
                            " --user " + user + " --json " + args + " 2>/dev/null";
    Run r;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    std::array<char, 4096> buf{};
    while (fgets(buf.data(), buf.size(), p) != nullptr) r.out += buf.data();
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }
};

}  // namespace

TEST(DecisionCli, EvaluateConfirmOverrideReevaluate) {
  Clinic c;
  // 45/35 dB from the stored audiogram → EK-2/15 C → group C; the current job YU-KOMP-01 is work
  // group 3, open to C.
  auto ev = c.odyospiro("teknik",
                        "evaluate --worker S-77 --findings " + (c.dir / "findings.json").string());
  ASSERT_EQ(ev.code, 0) << ev.out;
  const auto e = json::parse(ev.out);
  EXPECT_EQ(e["health_group"], "C");
  EXPECT_EQ(e["job_fit"]["status"], "fit");
  EXPECT_EQ(e["job_fit"]["job"], "YU-KOMP-01");
  const auto id = e["evaluation_id"].get<std::int64_t>();

  auto tech = c.odyospiro("teknik", "decision confirm " + std::to_string(id));
  EXPECT_NE(tech.code, 0);
  EXPECT_NE(tech.out.find("only a physician may confirm"), std::string::npos) << tech.out;

  auto conf = c.odyospiro("hekim", "decision confirm " + std::to_string(id));
  ASSERT_EQ(conf.code, 0) << conf.out;
  const auto confirmed_id = json::parse(conf.out)["in_force"].get<std::int64_t>();

  auto no_reason =
      c.odyospiro("hekim", "decision override " + std::to_string(confirmed_id) + " --column D");
  EXPECT_NE(no_reason.code, 0);  // --reason is required

  auto ovr = c.odyospiro("hekim", "decision override " + std::to_string(confirmed_id) +
                                      " --column D --reason \"ENT: progressive loss\"");
  ASSERT_EQ(ovr.code, 0) << ovr.out;
  const auto override_id = json::parse(ovr.out)["in_force"].get<std::int64_t>();

  auto re = c.odyospiro("buro",
                        "reevaluate --rules " + (c.dir / "rules" / "versions" / "test-2").string());
  ASSERT_EQ(re.code, 0) << re.out;
  const auto r = json::parse(re.out);
  EXPECT_EQ(r["rules_version"], "test-2");
  EXPECT_EQ(r["chains"], 1);
  EXPECT_EQ(r["changed"], 1);
  EXPECT_EQ(r["changes"][0]["in_force"], "override");
  EXPECT_EQ(r["changes"][0]["health_group_before"], "D");
  EXPECT_EQ(r["changes"][0]["health_group_after"], "B");

  auto show = c.odyospiro("buro", "decision show " + std::to_string(id));
  ASSERT_EQ(show.code, 0) << show.out;
  const auto s = json::parse(show.out);
  ASSERT_EQ(s["chain"].size(), 4u);
  EXPECT_EQ(s["chain"][1]["kind"], "confirm");
  EXPECT_EQ(s["chain"][1]["health_group"], "C");
  EXPECT_EQ(s["chain"][2]["kind"], "override");
  EXPECT_EQ(s["chain"][2]["reason"], "ENT: progressive loss");
  EXPECT_EQ(s["chain"][3]["kind"], "reevaluation");
  EXPECT_EQ(s["chain"][3]["rules_version"], "test-2");
  EXPECT_EQ(s["in_force"], override_id);

  auto unknown = c.odyospiro("buro", "reevaluate --rules no-such-version");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.out.find("no rule tables for \\\"no-such-version\\\""), std::string::npos)
      << unknown.out;

  auto db = std::move(odyo::station::Database::open(c.db_file).value());
  EXPECT_TRUE(odyo::station::verify_database(*db).empty());
}
