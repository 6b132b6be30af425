// Corrective actions against a suspected-disease flag: opened with an owner and a due date,
// updated as new versions with a reason, closed only with evidence; every version kept and
// audited; refusals (a technician, an unknown flag, a date in the past, closing without evidence,
// changing a closed action, a change that changes nothing) write nothing.
#include "station/surveillance/corrective_actions.hpp"

#include <gtest/gtest.h>

#include "station/config/config.hpp"
#include "station/records/chest_films.hpp"
#include "station/records/workers.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"
#include "tests/station/support/station_fixture.hpp"

using namespace odyo::station;
using namespace odyo::station::surveillance;

namespace {

struct CorrectiveActions : ::testing::Test {
  odyo::test::TempDir dir;
  std::unique_ptr<Database> db;
  SuspectedRules criteria;
  std::string flag;  // ILO-<film>

  void SetUp() override {
    db = std::move(Database::open(dir / "ca.db").value());
    const auto cfg = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml").value();
    const auto rules = rules::load_ruleset(cfg.rules_dir).value();
    criteria = load_suspected_rules(cfg.rules_dir).value();
    ASSERT_TRUE(
        add_user(*db, {"hekim", "Dr. Hekim", "physician", "hekim-parola"}, 10, 1000, "a").ok());
    ASSERT_TRUE(
        add_user(*db, {"tekniker", "Tekniker", "technician", "tekniker-parola"}, 10, 1000, "a")
            .ok());
    auto w = add_worker(*db,
                        {"7201", "10000000146", "Ali", "Veli", "1980-01-01", "M", 175, 80, "Kozlu",
                         "YA-PANO-01", "2015-01-01"},
                        cfg.establishments, rules.jobs, "2026-12-01", "tekniker");
    ASSERT_TRUE(w.ok()) << w.error().message;
    NewChestFilm f;
    f.worker_id = *w;
    f.taken_on = "2026-06-01";
    f.reader_a = "Dr. A";
    f.ilo_a = "1/1";
    f.reader_b = "Dr. B";
    f.ilo_b = "1/0";
    auto id = add_chest_film(*db, f, "2026-12-01", "hekim");
    ASSERT_TRUE(id.ok()) << id.error().message;
    flag = "ILO-" + std::to_string(*id);
  }
  std::int64_t count(const std::string& table) {
    auto st = db->prepare("SELECT count(*) FROM " + table);
    EXPECT_TRUE(*st->step());
    return st->int64(0);
  }
};

}  // namespace

TEST_F(CorrectiveActions, OpenUpdateCloseEachAVersionAndRefusalsWriteNothing) {
  auto a = add_corrective_action(*db, criteria,
                                 {flag, "dust measurement at the face", "İSG uzmanı", "15.12.2026"},
                                 "2026-12-01", "hekim");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->number, 1);
  EXPECT_EQ(a->version, 1);
  EXPECT_EQ(a->status, "open");
  EXPECT_EQ(a->subject, "flag:" + flag);
  EXPECT_EQ(a->due_on, "2026-12-15");

  ActionChange c;
  c.status = "in_progress";
  c.reason = "measurement ordered";
  auto u = update_corrective_action(*db, 1, c, "2026-12-02", "hekim");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->version, 2);
  EXPECT_EQ(u->status, "in_progress");
  EXPECT_EQ(u->owner, "İSG uzmanı");  // carried over

  const auto rows = count("corrective_actions"),
             audit = count("audit_log WHERE action LIKE 'corrective_action.%'");
  auto refused = [&](const odyo::Result<CorrectiveAction>& r, const std::string& code,
                     const std::string& words) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
  };
  refused(add_corrective_action(*db, criteria, {flag, "x", "y", "2026-12-15"}, "2026-12-01",
                                "tekniker"),
          "auth_role", "physician");
  refused(add_corrective_action(*db, criteria, {"ILO-999", "x", "y", "2026-12-15"}, "2026-12-01",
                                "hekim"),
          "flag_unknown", "ILO-999");
  refused(
      add_corrective_action(*db, criteria, {flag, "x", "y", "2026-11-30"}, "2026-12-01", "hekim"),
      "action_invalid", "past");
  refused(
      add_corrective_action(*db, criteria, {flag, "", "y", "2026-12-15"}, "2026-12-01", "hekim"),
      "text_invalid", "--description");
  ActionChange no_reason;
  no_reason.status = "open";
  refused(update_corrective_action(*db, 1, no_reason, "2026-12-02", "hekim"), "action_invalid",
          "reason");
  ActionChange same;
  same.status = "in_progress";
  same.reason = "again";
  refused(update_corrective_action(*db, 1, same, "2026-12-02", "hekim"), "action_state",
          "as it is");
  ActionChange closing;
  closing.status = "closed";
  closing.reason = "done";
  refused(update_corrective_action(*db, 1, closing, "2026-12-02", "hekim"), "action_invalid",
          "evidence");
  refused(close_corrective_action(*db, 1, "", "", "hekim"), "action_invalid", "evidence");
  refused(close_corrective_action(*db, 9, "measured", "", "hekim"), "action_unknown", "9");
  EXPECT_EQ(count("corrective_actions"), rows);
  EXPECT_EQ(count("audit_log WHERE action LIKE 'corrective_action.%'"), audit);

  auto closed =
      close_corrective_action(*db, 1, "dust 2.1 mg/m3 after the new spray system", "", "hekim");
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  EXPECT_EQ(closed->status, "closed");
  EXPECT_EQ(closed->version, 3);
  refused(close_corrective_action(*db, 1, "again", "", "hekim"), "action_state", "closed");
  auto h = corrective_action_history(*db, 1);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 3U);
  EXPECT_EQ((*h)[1].reason, "measurement ordered");
  EXPECT_EQ((*h)[2].created_by, "hekim");
  auto open = list_corrective_actions(*db, "open");
  ASSERT_TRUE(open.ok());
  EXPECT_TRUE(open->empty());
  auto all = list_corrective_actions(*db, "", "flag:" + flag);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1U);
  EXPECT_EQ(all->front().evidence, "dust 2.1 mg/m3 after the new spray system");
  EXPECT_FALSE(list_corrective_actions(*db, "done").ok());

  EXPECT_FALSE(db->exec("UPDATE corrective_actions SET status = 'open'").ok());
  EXPECT_FALSE(db->exec("DELETE FROM corrective_actions").ok());
  EXPECT_TRUE(verify_database(*db).empty());
}
