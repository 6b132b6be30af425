#pragma once
// Simulated devices for the station: `sim:NAME` device URIs (config/station.toml ships
// `sim:spirometer` and `sim:audiometer`) and `odyospiro demo` start the devsim program
// (tools/devsim) as a child process on a pseudo-terminal, and the station's real driver opens
// that pty like any serial port. One place for it, so the demo and `odyospiro acquire` run the
// same simulator the same way.
//   sim:spirometer   devsim spiro    (a flow-stream profile, scripted blows)
//   sim:audiometer   devsim audio    (FIPP audiometer with a simulated listener)
//   sim:tm262 | sim:gsi61 | sim:vitalograph   devsim results (the device's result records)
// Thread-safety: one owner thread; the destructor stops the child (SIGTERM, then SIGKILL).

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station {

// A child process, stopped (SIGTERM, then SIGKILL after 1 s) when this goes out of scope.
class ChildProcess {
 public:
  // The child's stdout and stderr go to `log_file`.
  static Result<ChildProcess> spawn(const std::vector<std::string>& argv,
                                    const std::filesystem::path& log_file);
  ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_) { o.pid_ = 0; }
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();
  [[nodiscard]] bool running() const;
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  mutable pid_t pid_;
};

// The devsim program built next to odyospiro (build/<preset>/tools/devsim/devsim).
std::filesystem::path default_devsim();

struct SimulatorRequest {
  std::string name;                     // spirometer | audiometer | tm262 | gsi61 | vitalograph
  std::filesystem::path devsim;         // empty: default_devsim()
  std::filesystem::path profile_file;   // device profile the simulator loads (spiro, audio)
  std::filesystem::path work_dir;       // where the pty link and devsim.log go
  std::vector<std::string> extra_args;  // e.g. {"--script", "quiet:1,normal"}
};

struct RunningSimulator {
  ChildProcess process;
  std::filesystem::path link;  // the pty the station opens
  std::string uri;             // serial:<link>
};

// Starts the simulator and waits (up to 5 s) until its pty exists. Errors: unknown name
// ("sim_unknown", lists the names), program missing or port not opened ("sim_failed").
Result<RunningSimulator> start_simulator(const SimulatorRequest& r);

// Removes the pty links `sim-NAME-PID-N` in `work_dir` whose station process PID is gone (a
// station killed with SIGKILL cannot remove its own); start_simulator() does this first, and the
// simulator itself is started with --exit-with-parent, so it ends with its station.
// Returns how many links were removed.
std::size_t remove_stale_links(const std::filesystem::path& work_dir);

// The simulator names `sim:` URIs take.
const std::vector<std::string>& simulator_names();

}  // namespace odyo::station
