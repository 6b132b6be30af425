#pragma once
// The demonstration (`odyospiro demo`, what `./odyo demo` runs): sample users and workers, one
// spirometry session captured from the devsim spirometer simulator over a pseudo-terminal through
// the real driver and acquisition session, one automated audiometry test against a simulated
// listener, both analysed, evaluated under the rule tables and stored; a readable summary.
// Idempotent: running it again adds new exams for the same sample workers.
// Thread-safety: the command line's thread.

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

struct DemoOutcome {
  std::int64_t spirometry_exam = 0;
  std::int64_t audiometry_exam = 0;
  std::vector<std::int64_t> evaluations;
};

// The demo database's own accounts (admin "yonetici", technician "teknisyen", physician
// "hekim") with their published passwords: for the demo database only.
const std::vector<NewUser>& demo_users();

Result<DemoOutcome> run_demo(Database& db, const StationConfig& cfg, const DemoOptions& o,
                             std::ostream& out);

}  // namespace odyo::station
