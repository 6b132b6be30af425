#pragma once
// Running the built odyospiro in the background from a test (so the test can hold a database
// lock, send SIGINT or SIGKILL, or unplug a simulated device while it runs), and reading what it
// printed so far.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

extern char** environ;

namespace odyo::test {

class BackgroundCommand {
 public:
  // `sh -c "exec env CMDLINE"` (CMDLINE may start with VAR=value): the pid is the command's own,
  // stdout/stderr go to files.
  BackgroundCommand(const std::string& cmdline, const std::filesystem::path& out_file,
                    const std::filesystem::path& err_file)
      : out_(out_file), err_(err_file) {
    const std::string full =
        "exec env " + cmdline + " >" + out_file.string() + " 2>" + err_file.string();
    const char* argv[] = {"/bin/sh", "-c", full.c_str(), nullptr};
    if (posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0)
      pid_ = -1;
  }
  ~BackgroundCommand() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  BackgroundCommand(const BackgroundCommand&) = delete;
  BackgroundCommand& operator=(const BackgroundCommand&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  void signal(int sig) const { ::kill(pid_, sig); }
  // Exit code (128 + signal when killed by one).
  int wait() {
    if (exited_) return code_;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exited_ = true;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return code_;
  }
  [[nodiscard]] std::string out() const { return slurp(out_); }
  [[nodiscard]] std::string err() const { return slurp(err_); }
  // Waits until stdout or stderr contains `text` (true) or `timeout` passes / it exits (false).
  bool wait_for_output(const std::string& text, std::chrono::duration<double> timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (out().find(text) != std::string::npos || err().find(text) != std::string::npos)
        return true;
      int status = 0;
      if (!exited_ && ::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (exited_)
        return out().find(text) != std::string::npos || err().find(text) != std::string::npos;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  static std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int code_ = -1;
};

}  // namespace odyo::test
