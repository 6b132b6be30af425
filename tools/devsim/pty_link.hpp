#pragma once
// PtyLink: the device end of a simulated serial cable. A pseudo-terminal pair whose slave is
// reachable through a stable symlink (the "port" the station opens), so the cable can be
// unplugged (master closed: the station's reads fail with EIO) and plugged back (a new pty, the
// symlink re-pointed atomically) like a USB-serial adapter that re-enumerates.
// A pty ignores the baud rate: simulators pace themselves. Thread-safety: one owner thread.

#include <filesystem>
#include <string>

namespace odyo::devsim {

class PtyLink {
 public:
  explicit PtyLink(std::filesystem::path link);
  ~PtyLink();
  PtyLink(const PtyLink&) = delete;
  PtyLink& operator=(const PtyLink&) = delete;

  // Creates the pty (raw mode, non-blocking master) and the symlink. False + message on failure.
  bool plug(std::string* why = nullptr);
  // Closes the master and removes the symlink: the station sees EIO at once.
  void unplug();
  [[nodiscard]] bool plugged() const { return master_ >= 0; }
  [[nodiscard]] int master_fd() const { return master_; }
  [[nodiscard]] const std::filesystem::path& link() const { return link_; }
  [[nodiscard]] std::string slave_name() const { return slave_name_; }

 private:
  std::filesystem::path link_;
  int master_ = -1;
  int slave_ = -1;  // kept open so writes before the station opens the port are buffered, not EIO
  std::string slave_name_;
};

}  // namespace odyo::devsim
