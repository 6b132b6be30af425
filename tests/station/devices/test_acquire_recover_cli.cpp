// Nothing lost (issue 12, item 6), with the built odyospiro and the simulated spirometer:
//  - a write lock held for 30 s across the moment `acquire spiro` stores: the station retries with
//    a message and the exam is stored after the lock goes;
//  - with the retry limit set low, the session is left pending in the raw journal and
//    `acquire recover` lists it and stores it through the normal path once the lock is gone;
//  - kill -9 at 20 random moments of `acquire spiro`: every session is stored or listed by
//    `acquire recover` and then stored; `db verify` is clean; no simulator or pty link is left.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

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
  std::string admin = st.as("admin") + " --lang en";
  std::string devsim = std::string(" --devsim ") + ODYO_BINARY_DIR + "/tools/devsim/devsim";
  int spawned = 0;

  Station() {
    auto r = run_command(exe +
                         " worker add --registry D-1001 --tc 38492017510 --first-name Ahmet "
                         "--last-name Kaya --birth-date 1984-03-12 --sex M --height-cm 174 "
                         "--weight-kg 78 --job YA-PANO-01 --establishment Kozlu");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    st.daily_checks({"sim:spirometer"});  // no test without today's syringe check
  }
  // One blow (quiet 1 s, then a ~7.5 s manoeuvre) from the simulated spirometer.
  std::unique_ptr<BackgroundCommand> acquire(const std::string& extra = "") {
    const auto n = std::to_string(spawned++);
    return std::make_unique<BackgroundCommand>(
        exe + " --json acquire spiro --device sim:spirometer --worker D-1001 --manoeuvres 1" +
            devsim + " --journal " + journal.string() + extra,
        dir / ("out" + n), dir / ("err" + n));
  }
  json recover_list() {
    auto r = run_command(exe + " --json acquire recover --journal " + journal.string());
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    auto j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j.is_discarded() ? json::array() : j["sessions"];
  }
  odyo::test::CommandResult recover(std::int64_t session) {
    return run_command(exe + " --json acquire recover --journal " + journal.string() +
                       " --session " + std::to_string(session));
  }
  json exams() { return json::parse(run_command(exe + " --json exam list").out, nullptr, false); }
};

// Holds SQLite's write lock on `db` (BEGIN EXCLUSIVE, as a sqlite3 shell would) until release().
class WriteLock {
 public:
  explicit WriteLock(const fs::path& db) {
    EXPECT_EQ(sqlite3_open(db.c_str(), &h_), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(h_, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(h_);
  }
  void release() {
    if (h_ == nullptr) return;
    sqlite3_exec(h_, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(h_);
    h_ = nullptr;
  }
  ~WriteLock() { release(); }

 private:
  sqlite3* h_ = nullptr;
};

std::string utc_iso_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

TEST(AcquireRecoverCli, ALockHeld30sAcrossTheStoreDelaysTheExamButDoesNotLoseIt) {
  Station s;
  auto run = s.acquire();
  ASSERT_TRUE(run->wait_for_output("[streaming]", std::chrono::seconds(20))) << run->err();
  // The blow closes ~8 s after streaming starts; the lock spans that moment by ~25 s.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  WriteLock lock(s.db);
  std::this_thread::sleep_for(std::chrono::seconds(30));
  EXPECT_NE(run->err().find("The database is locked by another program; retrying"),
            std::string::npos)
      << run->err();
  const std::string released_at = utc_iso_now();
  lock.release();
  ASSERT_EQ(run->wait(), 0) << run->err() << run->out();
  const auto j = json::parse(run->out());
  ASSERT_TRUE(j.contains("exam")) << j.dump();
  EXPECT_TRUE(j["interrupted"].is_null());
  const auto e = json::parse(
      run_command(s.exe + " --json exam show " + std::to_string(j["exam"].get<int>())).out);
  // Stored after the lock went (ISO 8601 UTC strings compare in time order).
  EXPECT_GE(e["results"][0]["created_at"].get<std::string>().substr(0, 19), released_at);
  EXPECT_EQ(s.recover_list().size(), 0u);
}

TEST(AcquireRecoverCli, PastTheRetryLimitTheSessionIsPendingAndRecoverStoresIt) {
  Station s;
  auto run = s.acquire(" --store-retry-s 2");
  ASSERT_TRUE(run->wait_for_output("[streaming]", std::chrono::seconds(20))) << run->err();
  std::optional<WriteLock> lock;
  lock.emplace(s.db);
  const int rc = run->wait();
  EXPECT_EQ(rc, 2) << run->out() << run->err();
  const auto err = json::parse(run->out(), nullptr, false);
  ASSERT_FALSE(err.is_discarded()) << run->out();
  EXPECT_EQ(err["error"]["code"], "store_pending") << err.dump();
  EXPECT_NE(err["error"]["message"].get<std::string>().find("acquire recover --session"),
            std::string::npos);
  // Listed as pending while the lock is still held (listing only reads).
  auto list = s.recover_list();
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["status"], "pending");
  EXPECT_EQ(list[0]["worker"], "D-1001");
  const auto session = list[0]["session"].get<std::int64_t>();
  lock.reset();
  auto r = s.recover(session);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto j = json::parse(r.out);
  ASSERT_TRUE(j.contains("exam")) << j.dump();
  EXPECT_EQ(j["journal_session"], session);
  EXPECT_TRUE(j["recovered"].get<bool>());
  EXPECT_EQ(j["manoeuvres"].size(), 1u);
  EXPECT_TRUE(j["interrupted"].is_null()) << j.dump();  // the session itself ended as planned
  EXPECT_EQ(s.recover_list().size(), 0u);
  auto again = s.recover(session);  // never twice
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.out.find("journal_session_stored"), std::string::npos) << again.out;
  EXPECT_EQ(run_command(s.admin + " db verify").exit_code, 0);
}

TEST(AcquireRecoverCli, KillNineAtTwentyRandomMomentsLosesNoSession) {
  Station s;
  const auto seed = std::random_device{}();
  std::cout << "kill -9 moments: seed " << seed << std::endl;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> moment_ms(200, 7000);  // a run takes ~6 s
  // Trials killed before the first blow's expiration was 1 s long (startup, 1 s quiet, 1.5 s
  // inspiration, 1 s of expiration): maybe nothing analysable was blown yet.
  std::vector<int> early;
  for (int trial = 0; trial < 20; ++trial) {
    const int ms = moment_ms(rng);
    auto run = s.acquire();
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    run->signal(SIGKILL);
    const int rc = run->wait();
    std::cout << "trial " << trial << ": kill at " << ms << " ms, exit " << rc << std::endl;
    if (ms < 5000) early.push_back(trial);
  }
  const int stored_before = static_cast<int>(s.exams().size());
  auto list = s.recover_list();
  std::cout << stored_before << " stored before recovery, " << list.size() << " listed"
            << std::endl;
  int recovered = 0, nothing = 0;
  for (const auto& e : list) {
    // Killed during the capture, or (rarely) after it ended but before the store committed.
    EXPECT_TRUE(e["status"] == "killed" || e["status"] == "not stored") << e.dump();
    auto r = s.recover(e["session"].get<std::int64_t>());
    if (r.exit_code == 0) {
      const auto j = json::parse(r.out);
      EXPECT_TRUE(j.contains("exam"));
      if (e["ended"].is_null())
        EXPECT_EQ(j["interrupted"]["reason"], "killed") << j.dump();
      else
        EXPECT_TRUE(j["interrupted"].is_null()) << j.dump();
      ++recovered;
    } else {
      // Only a session killed before a blow could be measured has nothing to store: no bytes,
      // no manoeuvre, or a blow cut off in the inspiration or before 1 s of expiration — the
      // analysis refuses it as bad input (exit 1), never as a storage error.
      EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
      std::cout << "  session " << e["session"] << ": nothing to store: " << r.out << std::endl;
      ++nothing;
    }
  }
  std::cout << recovered << " recovered, " << nothing << " with nothing blown" << std::endl;
  std::cout << early.size() << " trials killed in the first 5 s" << std::endl;
  EXPECT_EQ(static_cast<int>(s.exams().size()), stored_before + recovered);
  EXPECT_EQ(static_cast<int>(s.recover_list().size()), nothing);
  auto v = run_command(s.admin + " db verify");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  // No simulator outlives its killed station, and no dangling pty link stays behind.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (const auto& f : fs::directory_iterator(s.dir.path()))
    EXPECT_NE(f.path().filename().string().rfind("sim-", 0), 0u) << f.path();
}

}  // namespace
