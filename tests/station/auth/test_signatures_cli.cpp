// Physicians' signatures (issue 12): `exam sign` makes an Ed25519 signature over the latest
// result, `exam show` says "signed by" only for signatures that verify, and a signature row
// written behind the station's back with plain sqlite3 is found by `db verify` (exit 3, naming
// the row). The private key opens only with the physician's password.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "station/auth/signing.hpp"
#include "station/storage/base64.hpp"
#include "station/storage/database.hpp"
#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;
using odyo::test::run_command;
using odyo::test::Station;

namespace {

struct Signed {
  Station st;
  Signed() {
    auto r = st.run_as("tekniker",
                       "worker add --registry 2001 --tc 10000000146 --first-name Ali --last-name "
                       "Kaya --birth-date 1980-06-15 --sex M --height-cm 175 --weight-kg 80 --job "
                       "YA-PANO-01");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const json ear = {{"500", 10},  {"1000", 10}, {"2000", 15}, {"3000", 20},
                      {"4000", 25}, {"6000", 20}, {"8000", 20}};
    const auto f = (st.dir / "a.json").string();
    std::ofstream(f) << json{{"right", ear}, {"left", ear}}.dump();
    for (const char* date : {"2026-11-02", "2026-11-03"}) {
      r = st.run_as("tekniker", "audio enter --worker 2001 --input " + f + " --date " + date);
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
  }
  odyo::test::CommandResult sql(const std::string& s) const {
    return run_command("sqlite3 " + st.db_file.string() + " \"" + s + "\"");
  }
};

}  // namespace

TEST(SignaturesCli, APhysicianSignsAndExamShowSaysSo) {
  Signed s;
  auto r = s.st.run_as("hekim", "--lang en exam show 1");
  EXPECT_NE(r.out.find("unsigned"), std::string::npos) << r.out;
  r = s.st.run_as("tekniker", "--lang en exam sign 1");
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("only a physician may sign results"), std::string::npos) << r.err;
  r = s.st.run_as("hekim", "--lang en --json exam sign 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["result_version"], 1);
  r = s.st.run_as("hekim", "--lang en exam show 1");
  EXPECT_NE(r.out.find("signed by hekim"), std::string::npos) << r.out;
  r = s.st.run_as("hekim", "--lang en exam sign 1");
  EXPECT_NE(r.exit_code, 0);  // once per result version
  EXPECT_NE(r.err.find("already signed"), std::string::npos) << r.err;
  r = s.st.run_as("admin", "--lang en db verify");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The stored row carries the key and the signature.
  r = s.sql("SELECT key_id IS NOT NULL, length(signature) FROM signatures");
  EXPECT_EQ(r.out, "1|88\n");  // 64 bytes in base64
}

TEST(SignaturesCli, ARowWrittenWithPlainSqliteIsFoundAndNotShown) {
  Signed s;
  ASSERT_EQ(s.st.run_as("hekim", "exam sign 1").exit_code, 0);
  // A signature for exam 2 that hekim never made: first without any signature bytes, then with
  // the bytes and key of hekim's real signature on exam 1 copied over (triggers dropped, too).
  auto r = s.sql(
      "DROP TRIGGER IF EXISTS signatures_no_update; DROP TRIGGER IF EXISTS signatures_no_delete; "
      "INSERT INTO signatures(result_id,signer,signed_at,content_sha256) SELECT id,'hekim',"
      "'2026-12-01T10:00:00.000Z',content_sha256 FROM results WHERE exam_id=2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = s.st.run_as("admin", "--lang en db verify");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("signature 2 on result 2 (by hekim): carries no cryptographic signature"),
            std::string::npos)
      << r.err;
  r = s.st.run_as("hekim", "--lang en exam show 2");
  EXPECT_EQ(r.out.find("signed by"), std::string::npos) << r.out;

  r = s.sql(
      "UPDATE signatures SET key_id=(SELECT key_id FROM signatures WHERE id=1), signature=(SELECT "
      "signature FROM signatures WHERE id=1) WHERE id=2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = s.st.run_as("admin", "--lang en db verify");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("signature 2 on result 2 (by hekim): the signature does not verify"),
            std::string::npos)
      << r.err;
  r = s.st.run_as("hekim", "--lang en exam show 2");
  EXPECT_EQ(r.out.find("signed by"), std::string::npos) << r.out;

  // Hekim's real signature, claimed for another physician, is found too.
  s.st.add_user("hekim2", "physician", "hekim2-parola-2026");
  r = s.sql("DELETE FROM signatures WHERE id=2; UPDATE signatures SET signer='hekim2' WHERE id=1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = s.st.run_as("admin", "--lang en db verify");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("signature 1 on result 1 (by hekim2): made with the key of hekim"),
            std::string::npos)
      << r.err;
}

TEST(SignaturesCli, ThePrivateKeyOpensOnlyWithThePassword) {
  Station st;  // hekim's key pair is made with the account
  auto db = odyo::station::Database::open(st.db_file);
  ASSERT_TRUE(db.ok()) << db.error().message;
  auto k = (*db)->prepare(
      "SELECT k.id, k.private_key_enc, k.public_key FROM user_keys k JOIN users u ON "
      "u.id=k.user_id WHERE u.username='hekim'");
  ASSERT_TRUE(k.ok());
  ASSERT_TRUE(*k->step());
  const auto id = k->int64(0);
  const std::string sealed = k->text(1);
  EXPECT_EQ(k->text(2).size(), 44u);  // 32-byte public key, base64
  auto wrong = odyo::station::open_private_key(**db, id, "not-the-password");
  EXPECT_FALSE(wrong.ok());
  auto admin_pw = odyo::station::open_private_key(**db, id, Station::kAdminPassword);
  EXPECT_FALSE(admin_pw.ok());
  auto right = odyo::station::open_private_key(**db, id, Station::kPhysicianPassword);
  ASSERT_TRUE(right.ok()) << right.error().message;
  ASSERT_EQ(right->size(), 32u);
  // The stored text does not contain the key in any plain form.
  EXPECT_EQ(sealed.find(odyo::station::base64_encode(*right)), std::string::npos);
  EXPECT_EQ(sealed.rfind("pbkdf2-sha256-aes-256-gcm$", 0), 0u) << sealed;
}
