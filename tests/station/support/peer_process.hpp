#pragma once
// A test peer run as a child process (the FHIR server and the MLLP receiver of the export tests):
// started with its output in a log file, ready once it has written its port to `ready_file`
// (a peer that exits first, or takes longer than the limit, is a failure with its log), stopped
// with SIGTERM (or killed with SIGKILL) and reaped. The destructor stops a running peer.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace odyo::test {

class PeerProcess {
 public:
  PeerProcess() = default;
  ~PeerProcess() { stop(); }
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  // Starts argv[0] with argv, output to `log`; returns the port written to `ready_file`.
  std::string start(const std::vector<std::string>& argv, const std::filesystem::path& log,
                    const std::filesystem::path& ready_file,
                    std::chrono::seconds limit = std::chrono::seconds(240)) {
    std::filesystem::remove(ready_file);
    std::fflush(nullptr);  // the child must not write out the parent's buffered output again
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      if (std::freopen(log.c_str(), "a", stdout) == nullptr ||
          std::freopen(log.c_str(), "a", stderr) == nullptr)
        ::_exit(126);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!std::filesystem::exists(ready_file)) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error(argv[0] + " exited before it was ready: " + read(log));
      }
      if (std::chrono::steady_clock::now() > until) {
        stop();
        throw std::runtime_error(argv[0] + " not ready in time: " + read(log));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::string port = read(ready_file);
    while (!port.empty() && (port.back() == '\n' || port.back() == '\r')) port.pop_back();
    return port;
  }

  // SIGTERM (or SIGKILL with `kill`), then waits for it.
  void stop(bool kill = false) {
    if (pid_ <= 0) return;
    ::kill(pid_, kill ? SIGKILL : SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  [[nodiscard]] bool running() const { return pid_ > 0; }

  static std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace odyo::test
