// The web pages in a real browser (issue 15, "Must show"): headless Chromium (Debian `chromium`)
// driven by playwright-core (installed by the CTest fixture web_browser_setup with `npm ci` of the
// committed lockfile) over `odyospiro serve` on a demo database. The browser part is
// tests/station/web/browser/e2e.js: each role logs in; the technician searches with Turkish case
// folding, registers a worker and is refused signing; the physician filters the worklist, sees
// an exam's charts and values, overrides the decision with a reason and signs with the password
// asked again; the technician runs a live spirometry session for the worker registered (and the
// page prints its "device sample → drawn" p99) and a live audiometry (the audiogram filling in,
// paused and resumed). This test then checks in the database what the
// pages did. Screenshots of each
// page are written to <build>/web-screenshots (the committed ones are docs/screenshots/web-*.png).
#include <gtest/gtest.h>

#include <chrono>
#include <regex>

#include "tests/station/devices/acquire_process.hpp"
#include "tests/station/support/station_fixture.hpp"

namespace {

using odyo::test::run_command;

std::string sql(const odyo::test::DemoStation& demo, const std::string& query) {
  auto r = run_command("sqlite3 '" + demo.db_file.string() + "' \"" + query + "\"");
  while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == '\r')) r.out.pop_back();
  return r.out;
}

TEST(WebBrowser, EachRoleUsesItsPagesInHeadlessChromium) {
  odyo::test::DemoStation demo;
  odyo::test::BackgroundCommand server(std::string(ODYOSPIRO_EXE) + " --config '" +
                                           ODYO_SOURCE_DIR + "/config/station.toml' --db '" +
                                           demo.db_file.string() + "' serve --port 0",
                                       demo.dir / "serve.out", demo.dir / "serve.err");
  ASSERT_TRUE(server.wait_for_output("127.0.0.1:", std::chrono::seconds(20))) << server.err();
  std::smatch m;
  const std::string out = server.out();
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(127\.0\.0\.1:(\d+)/)"))) << out;
  const std::string url = "http://127.0.0.1:" + m[1].str() + "/";

  std::string env = "ODYO_URL='" + url + "' ODYO_SCREENSHOTS='" + ODYO_BINARY_DIR +
                    "/web-screenshots' ODYO_CHROMIUM=/usr/bin/chromium";
  for (const char* user : {"teknisyen", "hekim", "yonetici"})
    env += std::string(" ODYO_PASSWORD_") + user + "=" +
           odyo::test::Station::quote(demo.password_of(user));
  const auto r = run_command(env + " node '" + ODYO_WEB_BROWSER + "' 2>&1");
  std::cout << r.out;
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait(), 0) << server.err();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << "\nserver: " << server.err();

  // What the pages did is in the database, done by the right account.
  EXPECT_EQ(sql(demo,
                "SELECT first_name || ' ' || last_name || ' ' || establishment FROM workers WHERE "
                "registry_no='D-2001'"),
            "Işıl İnce Üzülmez");
  EXPECT_EQ(sql(demo,
                "SELECT actor FROM audit_log WHERE action='worker.add' AND "
                "json_extract(details,'$.registry_no')='D-2001'"),
            "teknisyen");
  EXPECT_EQ(sql(demo,
                "SELECT kind || ' ' || ek2_column || ' ' || created_by FROM evaluations "
                "WHERE kind='override'"),
            "override B hekim");
  EXPECT_EQ(sql(demo, "SELECT signer FROM signatures"), "hekim");
  EXPECT_EQ(sql(demo, "SELECT count(*) FROM audit_log WHERE action='result.sign'"), "1");
  // The paper audiogram was stored by the technician, its form kept as the raw source.
  EXPECT_EQ(sql(demo,
                "SELECT e.technician || ' ' || r.codec FROM exams e JOIN recordings r ON "
                "r.exam_id = e.id WHERE e.kind='audiometry' AND e.device_id='AD629 kâğıt'"),
            "teknisyen manual-json");
  // The technician's attempt and the wrong password are audited refusals.
  EXPECT_GE(std::stoi(sql(demo,
                          "SELECT count(*) FROM audit_log WHERE action='auth.denied' AND "
                          "actor='teknisyen'")),
            1);
  EXPECT_EQ(sql(demo,
                "SELECT count(*) FROM audit_log WHERE action='auth.failed' AND "
                "json_extract(details,'$.channel')='web-sign'"),
            "1");
  // The live session is the new worker's spirometry exam, by the technician, awaiting review.
  EXPECT_EQ(sql(demo,
                "SELECT e.kind || ' ' || e.technician || ' ' || (SELECT count(*) FROM signatures s "
                "JOIN results r ON r.id = s.result_id WHERE r.exam_id = e.id) FROM exams e JOIN "
                "workers w ON w.id = e.worker_id WHERE w.registry_no='D-2001' AND "
                "e.kind='spirometry'"),
            "spirometry teknisyen 0");
  // The live audiometry is the same worker's audiometry exam from the configured simulated
  // audiometer, by the technician, awaiting review.
  EXPECT_EQ(sql(demo,
                "SELECT e.device_id || ' ' || e.technician || ' ' || (SELECT count(*) FROM "
                "signatures s JOIN results r ON r.id = s.result_id WHERE r.exam_id = e.id) FROM "
                "exams e JOIN workers w ON w.id = e.worker_id WHERE w.registry_no='D-2001' AND "
                "e.kind='audiometry'"),
            "audio-sim teknisyen 0");
  // The daily checks page: the demo's syringe check (measured on the simulated spirometer) and
  // the technician's two typed readings, the first failed, the last passed, each audited.
  EXPECT_EQ(sql(demo,
                "SELECT group_concat(json_extract(measured,'$.source') || ':' || passed, ' ') FROM "
                "(SELECT * FROM calibration_checks WHERE device_id='spiro-sim' ORDER BY id)"),
            "device:1 entered:0 entered:1");
  EXPECT_EQ(sql(demo,
                "SELECT count(*) FROM audit_log WHERE action='calibration_check.add' AND "
                "actor='teknisyen'"),
            "4");  // the demo's syringe and listening checks, the two typed readings
  for (const char* page :
       {"login", "workers", "worklist", "exam-spirometry", "exam-audiometry", "worker", "outbox",
        "paper-audiogram", "live-spirometry", "live-audiometry", "checks"}) {
    EXPECT_TRUE(std::filesystem::exists(std::string(ODYO_BINARY_DIR) + "/web-screenshots/web-" +
                                        page + ".png"))
        << page;
  }
}

}  // namespace
