// The physician's suspected-disease page's routes (station/web/routes_flags) over the use cases of
// `report suspected` and `flag notify|refer|dismiss`, in-process on a real station database: a
// chest film read ILO 1/0 by reader B gives flag ILO-<film>; the list shows it with its criterion
// and evidence; a dismissal without a reason is refused (nothing stored); notify is stored and
// audited with who did it; a dismissed flag leaves the open list; a technician may not see it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "station/config/config.hpp"
#include "station/records/chest_films.hpp"
#include "station/records/workers.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"
#include "station/web/web_app.hpp"
#include "tests/station/support/station_fixture.hpp"

using namespace odyo::station;
using nlohmann::json;

namespace {

std::int64_t count(Database& db, const std::string& sql) {
  auto st = db.prepare(sql);
  EXPECT_TRUE(st.ok());
  EXPECT_TRUE(st->step().value());
  return st->int64(0);
}

TEST(FlagsWeb, APhysicianListsNotifiesAndDismissesFlags) {
  odyo::test::TempDir dir;
  auto db = std::move(Database::open(dir / "flags.db").value());
  const auto cfg = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml").value();
  const auto rules = rules::load_ruleset(cfg.rules_dir).value();
  ASSERT_TRUE(
      add_user(*db, {"hekim", "Dr. Hekim", "physician", "hekim-parola-2026"}, 10, 10000, "admin")
          .ok());
  ASSERT_TRUE(
      add_user(*db, {"tekniker", "Tekniker", "technician", "tekniker-parola"}, 10, 10000, "admin")
          .ok());
  auto w = add_worker(*db,
                      {"6001", "10000000146", "Ali", "Kaya", "1980-01-01", "M", 175, 80, "Kozlu",
                       "YA-PANO-01", "2015-01-01"},
                      cfg.establishments, rules.jobs, "2026-01-01", "tekniker");
  ASSERT_TRUE(w.ok()) << w.error().message;
  NewChestFilm film;
  film.worker_id = *w;
  film.taken_on = "2025-05-02";
  film.reader_a = "Dr. A";
  film.ilo_a = "0/1";
  film.reader_b = "Dr. B";
  film.ilo_b = "1/0";
  auto f = add_chest_film(*db, film, "2026-01-01", "hekim");
  ASSERT_TRUE(f.ok()) << f.error().message;
  const std::string id = "ILO-" + std::to_string(*f);

  web::WebApp app(*db, cfg, false, "en");
  const auto session = [&](const std::string& user, const std::string& password) {
    auto login = app.log_in(user, password, "en");
    EXPECT_EQ(login.status, 200) << login.body.dump();
    return login;
  };
  const auto doctor = session("hekim", "hekim-parola-2026");
  const std::string cookie = doctor.set_cookies.at(0).substr(0, doctor.set_cookies.at(0).find(';'));
  const std::string csrf = doctor.body["csrf_token"];
  const auto get = [&](const std::string& target) {
    return app.handle({"GET", target, cookie, "", "", ""});
  };
  const auto post = [&](const std::string& target, const json& body) {
    return app.handle({"POST", target, cookie, csrf, body.dump(), ""});
  };

  auto r = get("/api/flags");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_EQ(r.body["flags"].size(), 1U) << r.body.dump();
  const auto& flag = r.body["flags"][0];
  EXPECT_EQ(flag["id"], id);
  EXPECT_EQ(flag["state"], "open");
  EXPECT_EQ(flag["worker"]["registry_no"], "6001");
  EXPECT_FALSE(flag["criterion"]["citation"].get<std::string>().empty());
  EXPECT_NE(flag["evidence_text"][0].get<std::string>().find("1/0"), std::string::npos)
      << flag.dump();

  // Dismissed only with a reason: refused, nothing stored.
  r = post("/api/flags/" + id + "/dismiss", json{{"reason", ""}});
  EXPECT_EQ(r.status, 400) << r.body.dump();
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("reason"), std::string::npos);
  EXPECT_EQ(count(*db, "SELECT count(*) FROM flag_actions"), 0);
  // Without the CSRF token: refused.
  EXPECT_EQ(app.handle({"POST", "/api/flags/" + id + "/notify", cookie, "", "{}", ""}).status, 403);
  // An unknown flag.
  EXPECT_EQ(post("/api/flags/ILO-999/notify", json::object()).status, 404);

  r = post("/api/flags/" + id + "/notify", json{{"reason", "worker and employer told"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["state"], "notified");
  EXPECT_EQ(count(*db,
                  "SELECT count(*) FROM audit_log WHERE action = 'flag.notify' AND actor = "
                  "'hekim'"),
            1);
  // Notified is no longer open; with all=1 it is there with its action.
  EXPECT_EQ(get("/api/flags").body["flags"].size(), 0U);
  r = get("/api/flags?all=1");
  ASSERT_EQ(r.body["flags"].size(), 1U);
  EXPECT_EQ(r.body["flags"][0]["actions"][0]["by"], "hekim");

  r = post("/api/flags/" + id + "/dismiss", json{{"reason", "old tuberculosis scar"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["state"], "dismissed");
  r = post("/api/flags/" + id + "/refer", json::object());
  EXPECT_EQ(r.status, 400) << r.body.dump();
  EXPECT_EQ(count(*db, "SELECT count(*) FROM flag_actions"), 2);

  const auto tech = session("tekniker", "tekniker-parola");
  const std::string tcookie = tech.set_cookies.at(0).substr(0, tech.set_cookies.at(0).find(';'));
  EXPECT_EQ(app.handle({"GET", "/api/flags", tcookie, "", "", ""}).status, 403);
}

}  // namespace
