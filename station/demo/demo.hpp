#pragma once
// The demonstration (`odyospiro demo`, what `./odyo demo` runs): sample users and workers, one
// spirometry session captured from the devsim spirometer simulator over a pseudo-terminal through
// the real driver and acquisition session, one automated audiometry test against a simulated
// listener, both analysed, evaluated under the rule tables and stored; a readable summary.
// Idempotent: running it again adds new exams for the same sample workers.
// Only on its own database: a new one is marked as the demo's (an audit row, action
// demo.database) and gets the demo's accounts; any other database — a clinic's records, or a demo
// database someone added real workers or accounts to — is refused untouched. The demo accounts get
// random passwords, printed once when they are created (DemoOutcome::new_accounts). Thread-safety:
// the command line's thread.

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/config/config.hpp"
#include "station/storage/users.hpp"

namespace odyo::station {

class Database;

struct DemoOptions {
  std::filesystem::path devsim;    // the simulator program; empty: next to odyospiro
  std::filesystem::path work_dir;  // where the pty link and the raw journal go
  std::string actor;               // who runs the demo (audit log)
  bool turkish = true;
  std::uint64_t seed = 20261123;  // simulated listener
};

struct DemoAccount {
  std::string username;
  std::string role;
  std::string password;
};

struct DemoOutcome {
  std::int64_t spirometry_exam = 0;
  std::int64_t audiometry_exam = 0;
  std::int64_t chest_film = 0;  // 0: the database had D-1004's film already
  std::vector<std::int64_t> evaluations;
  std::vector<DemoAccount> new_accounts;  // made by this run, with their passwords (shown once)
};

// The demo database's own accounts (admin "yonetici", technician "teknisyen", physician
// "hekim"). No password in the source: each gets a random one when it is created.
const std::vector<NewUser>& demo_users();

// Whether the demo may use this database: true = new (no workers, users or exams: the demo
// may make it its own), false = already the demo's (marked, and every worker and account is the
// demo's); refused ("demo_refused") otherwise. Reads only.
Result<bool> check_demo_database(Database& db);

// Marks a new database as the demo's (audit action demo.database), accepts the demo's own,
// refuses any other.
Result<void> claim_demo_database(Database& db, const std::string& actor);

Result<DemoOutcome> run_demo(Database& db, const StationConfig& cfg, const DemoOptions& o,
                             std::ostream& out);

}  // namespace odyo::station
