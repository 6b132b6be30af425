#include "station/devices/simulator.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>

#include "analysis/core/error_text.hpp"

extern char** environ;

namespace odyo::station {

namespace fs = std::filesystem;

Result<ChildProcess> ChildProcess::spawn(const std::vector<std::string>& argv,
                                         const fs::path& log_file) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    return make_errorf("sim_failed",
                       "cannot start the device simulator {}: build it (./odyo build) or pass "
                       "--devsim PATH",
                       argv[0]);
  }
  return ChildProcess(pid);
}

ChildProcess::~ChildProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

bool ChildProcess::running() const {
  if (pid_ <= 0) return false;
  if (::waitpid(pid_, nullptr, WNOHANG) == 0) return true;
  pid_ = 0;  // reaped (or not ours): never signal that number again
  return false;
}

fs::path default_devsim() {
  std::error_code ec;
  const auto self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "devsim";
  return self.parent_path().parent_path() / "tools" / "devsim" / "devsim";
}

const std::vector<std::string>& simulator_names() {
  static const std::vector<std::string> n{"spirometer", "audiometer", "tm262", "gsi61",
                                          "vitalograph"};
  return n;
}

std::size_t remove_stale_links(const fs::path& work_dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(work_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("sim-", 0) != 0 || !e.is_symlink(ec)) continue;
    // sim-<name>-<pid>-<n>: stale when <pid> is gone (a station killed with SIGKILL).
    const auto last = name.rfind('-');
    const auto before = last == std::string::npos ? last : name.rfind('-', last - 1);
    if (before == std::string::npos) continue;
    pid_t pid = 0;
    try {
      pid = static_cast<pid_t>(std::stol(name.substr(before + 1, last - before - 1)));
    } catch (const std::exception&) {
      continue;
    }
    if (pid <= 0 || (::kill(pid, 0) != 0 && errno == ESRCH)) {
      if (fs::remove(e.path(), ec)) ++removed;
    }
  }
  return removed;
}

Result<RunningSimulator> start_simulator(const SimulatorRequest& r) {
  std::vector<std::string> argv{r.devsim.empty() ? default_devsim().string() : r.devsim.string()};
  if (r.name == "spirometer") {
    argv.insert(argv.end(), {"spiro", "--profile", r.profile_file.string()});
  } else if (r.name == "audiometer") {
    argv.insert(argv.end(), {"audio", "--profile", r.profile_file.string()});
  } else if (r.name == "tm262" || r.name == "gsi61" || r.name == "vitalograph") {
    argv.insert(argv.end(), {"results", "--driver", r.name});
  } else {
    std::string names;
    for (const auto& n : simulator_names()) names += (names.empty() ? "" : ", ") + n;
    return make_errorf("sim_unknown", "there is no simulated device 'sim:{}': use one of {}",
                       r.name, names);
  }
  std::error_code ec;
  fs::create_directories(r.work_dir, ec);
  remove_stale_links(r.work_dir);
  static std::atomic<int> counter{0};
  const fs::path link = r.work_dir / ("sim-" + r.name + "-" + std::to_string(::getpid()) + "-" +
                                      std::to_string(counter++));
  argv.insert(argv.end(), {"--link", link.string(), "--exit-with-parent"});
  argv.insert(argv.end(), r.extra_args.begin(), r.extra_args.end());
  auto child = ChildProcess::spawn(argv, r.work_dir / "devsim.log");
  if (!child) return child.error();
  for (int i = 0; i < 100 && !fs::exists(link, ec); ++i) {
    if (!child->running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!fs::exists(link, ec)) {
    return make_errorf("sim_failed", "the simulated {} did not open its port {} (see {})", r.name,
                       link.string(), (r.work_dir / "devsim.log").string());
  }
  return RunningSimulator{std::move(*child), link, "serial:" + link.string()};
}

}  // namespace odyo::station
