// Exactly once under kill -9 (issue 16), to all three kinds of destination at once: the office's
// PostgreSQL, the FHIR server (the Medplum peer, fhir_peer.hpp) and the HL7 v2 receiver over MLLP
// (the python3-hl7 peer, mllp_peer.hpp). `odyospiro export send --until-empty` is killed with
// SIGKILL at a random moment, again and again, while the physician keeps signing exams; and in
// the middle of runs each receiver is stopped (the PostgreSQL server as by a crash, the two peers
// with SIGKILL) and, some trials later, restarted, again in the middle of a run. Then one run
// finishes. "Exactly once" is at-least-once delivery to an idempotent receiver (docs/export.md):
// - PostgreSQL: one exam_result row per signed exam (its key), the same items for each;
// - FHIR: every conditional-create identifier of every Bundle created (201) exactly once — the
//   peer's log — and the server holds one DiagnosticReport and one Provenance per signed exam,
//   with no identifier twice (searched over HTTP);
// - HL7: every MSH-10 stored as new exactly once; a message whose ACK the kill cut off arrives
//   again and the receiver recognises it by MSH-10 (counted, printed; allowed).
// And every outbox row is delivered and the station database verifies. The number of trials is
// $ODYO_KILL_TRIALS (default 100); the seed is printed and $ODYO_KILL_SEED repeats a run. The kill
// comes at a uniform moment within the time a whole run took (measured first, unkilled).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "station/storage/audit.hpp"
#include "tests/station/export/fhir_peer.hpp"
#include "tests/station/export/mllp_peer.hpp"
#include "tests/station/export/outbox_cli_station.hpp"
#include "tests/station/support/pg_server.hpp"

using odyo::test::FhirPeer;
using odyo::test::MllpPeer;
using odyo::test::OutboxCliStation;
using odyo::test::PgServer;
using odyo::test::run_command;

namespace {

std::string pgq(const PgServer& pg, const std::string& sql) {
  auto r = pg.psql(sql);
  EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.err;
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

// Starts `cmd` (`VAR=value program args`; through exec and env, so the pid is the program's),
// its output discarded.
pid_t spawn(const std::string& cmd) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string full = "exec env " + cmd + " >/dev/null 2>&1";  // env execs: same pid
    ::execl("/bin/sh", "sh", "-c", full.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// The identifiers of the resources of `type` the FHIR server holds (one search over HTTP).
std::vector<std::string> held_identifiers(const FhirPeer& fhir, const std::string& type) {
  const auto r =
      run_command("curl -sS --max-time 120 '" + fhir.url() + "/" + type + "?_count=10000'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> out;
  const auto b = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_TRUE(b.is_object() && b.value("resourceType", "") == "Bundle") << r.out.substr(0, 300);
  if (!b.is_object() || !b.contains("entry")) return out;
  for (const auto& e : b["entry"]) {
    const auto& res = e["resource"];
    if (type == "Provenance")
      out.push_back(res["meta"]["tag"][0]["code"].get<std::string>());
    else
      out.push_back(res["identifier"][0]["value"].get<std::string>());
  }
  return out;
}

}  // namespace

TEST(OutboxKill, EverySignedExamArrivesExactlyOnceAtEachDestinationAcrossKillsAndRestarts) {
  int trials = 100;
  if (const char* t = std::getenv("ODYO_KILL_TRIALS")) trials = std::max(3, std::atoi(t));
  unsigned seed = std::random_device{}();
  if (const char* s = std::getenv("ODYO_KILL_SEED")) seed = static_cast<unsigned>(std::atoll(s));
  std::mt19937 rng(seed);
  std::cout << "kill trials: " << trials << ", seed " << seed << "\n";
  const int per_trial = 3;
  const auto started = std::chrono::steady_clock::now();

  // The receivers, started once and kept across trials (restarted on the same port and state).
  PgServer pg;
  FhirPeer fhir;
  MllpPeer mllp;
  OutboxCliStation st(0, pg.url());
  st.add_destination("central-fhir", fhir.url(), "fhir").timeout_s = 10;
  st.add_destination("his", mllp.url(), "hl7").timeout_s = 10;
  st.write_config(
      "[[export.destination]]\nid = \"office-pg\"\nkind = \"postgresql\"\nurl = \"" + pg.url() +
      "\"\n[[export.destination]]\nid = \"central-fhir\"\nkind = \"fhir\"\nurl = \"" + fhir.url() +
      "\"\ntimeout_s = 10\n[[export.destination]]\nid = \"his\"\nkind = \"hl7\"\n"
      "url = \"" +
      mllp.url() + "\"\ntimeout_s = 10\n");
  const auto worker = st.count("SELECT id FROM workers LIMIT 1");
  const std::string send =
      st.as("hekim") + " export send --until-empty --timeout 30 --batch-size 1";
  // How long one run takes here (start, login, connect to the three, deliver a trial's exams).
  for (int k = 0; k < per_trial; ++k) ASSERT_TRUE(st.sign(st.add_exam_with_result(worker)).ok());
  const auto t0 = std::chrono::steady_clock::now();
  {
    const auto r = run_command(send);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  }
  const auto run_ms = std::max<long>(50, std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::steady_clock::now() - t0)
                                             .count());
  std::cout << "one run: " << run_ms << " ms\n";

  // Each receiver goes down in the middle of one run and comes back in the middle of a later one.
  struct Outage {
    const char* name;
    int down, up;  // trials
    std::function<void()> stop, start;
  };
  // Down 2/10, 4/10 and 6/10 of the way, back a tenth of the trials later (at least the next).
  const auto outage = [&](int tenths) {
    const int down = std::min(trials * tenths / 10, trials - 2);
    return std::pair{down, std::min(down + std::max(1, trials / 10), trials - 1)};
  };
  const auto [pg_down, pg_up] = outage(2);
  const auto [fhir_down, fhir_up] = outage(4);
  const auto [mllp_down, mllp_up] = outage(6);
  std::vector<Outage> outages{
      {"postgresql", pg_down, pg_up, [&] { pg.stop(/*immediate=*/true); }, [&] { pg.start(); }},
      {"fhir", fhir_down, fhir_up, [&] { fhir.stop(/*kill=*/true); }, [&] { fhir.start(); }},
      {"mllp", mllp_down, mllp_up, [&] { mllp.stop(/*kill=*/true); }, [&] { mllp.start(); }},
  };
  int killed_running = 0;
  const auto secs = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  for (int t = 0; t < trials; ++t) {
    for (int k = 0; k < per_trial; ++k) {
      auto s = st.sign(st.add_exam_with_result(worker));
      ASSERT_TRUE(s.ok()) << s.error().message;
    }
    const pid_t pid = spawn(send);
    ASSERT_GT(pid, 0);
    std::uniform_int_distribution<long> ms(0, run_ms);
    const long kill_at = ms(rng);
    long slept = 0;
    for (auto& o : outages) {
      if (t != o.down && t != o.up) continue;
      // The receiver's change comes at a random moment of the run, before the kill.
      const long at = std::uniform_int_distribution<long>(0, kill_at)(rng);
      std::this_thread::sleep_for(std::chrono::milliseconds(at - slept));
      slept = at;
      std::cout << "trial " << t << ": " << o.name << (t == o.down ? " stopped" : " restarted")
                << " " << at << " ms into the run\n";
      (t == o.down ? o.stop : o.start)();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::max(0L, kill_at - slept)));
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ++killed_running;
    } else {
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "trial " << t << ": " << status;
    }
  }
  std::cout << "killed while running: " << killed_running << " of " << trials << "\n";
  // One run to the end.
  std::cout << "trials done at " << secs() << " s" << std::endl;
  const auto r = run_command(st.as("hekim") + " export send --until-empty --timeout 120");
  std::cout << "last run done at " << secs() << " s" << std::endl;
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto n = st.exams.size();
  ASSERT_EQ(n, static_cast<std::size_t>((trials + 1) * per_trial));

  // PostgreSQL: one row per signed exam, its items with it.
  EXPECT_EQ(pgq(pg, "SELECT count(*) FROM odyospiro.exam_result"), std::to_string(n));
  EXPECT_EQ(pgq(pg,
                "SELECT count(DISTINCT (station_id, exam_id, result_version)) FROM "
                "odyospiro.exam_result"),
            std::to_string(n));
  EXPECT_EQ(pgq(pg,
                "SELECT count(DISTINCT c) FROM (SELECT count(*) AS c FROM "
                "odyospiro.result_item GROUP BY exam_id) x"),
            "1");
  // FHIR: every identifier created once (the peer's log) …
  EXPECT_EQ(fhir.created_once(), n);
  // … and what the server holds: one report and one signature per exam, no identifier twice.
  for (const std::string type : {"DiagnosticReport", "Provenance"}) {
    const auto ids = held_identifiers(fhir, type);
    EXPECT_EQ(ids.size(), n) << type;
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), n) << type;
  }
  EXPECT_EQ(held_identifiers(fhir, "Patient").size(), 1u);
  // HL7: every MSH-10 stored once; resends recognised by MSH-10.
  EXPECT_EQ(mllp.held_once(), n);
  const auto a = mllp.arrivals();
  std::cout << "HL7 messages received: " << a.messages << " for " << n
            << " exams (resends recognised by MSH-10: " << a.messages - static_cast<int>(n)
            << "); FHIR transactions: " << fhir.arrivals().transactions << "\n";

  // The station: every row delivered, nothing pending or rejected, the database verifies.
  EXPECT_EQ(st.count("SELECT count(*) FROM outbox"), static_cast<std::int64_t>(3 * n));
  auto status = odyo::station::outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->destinations.size(), 3u);
  for (const auto& d : status->destinations) {
    EXPECT_EQ(d.delivered, static_cast<int>(n)) << d.id;
    EXPECT_EQ(d.pending, 0) << d.id;
    EXPECT_EQ(d.rejected, 0) << d.id;
  }
  EXPECT_TRUE(odyo::station::verify_database(*st.db).empty());
  // Kills must land while a run was at work, or the test proves little.
  EXPECT_GE(killed_running, trials / 4);
  std::cout << "whole test: "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                started)
                   .count()
            << " s\n";
}
