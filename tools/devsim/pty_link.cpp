#include "tools/devsim/pty_link.hpp"

#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace odyo::devsim {

PtyLink::PtyLink(std::filesystem::path link) : link_(std::move(link)) {}

PtyLink::~PtyLink() {
  unplug();
}

bool PtyLink::plug(std::string* why) {
  unplug();
  termios tio{};
  ::cfmakeraw(&tio);
  char name[128] = {};
  if (::openpty(&master_, &slave_, name, &tio, nullptr) != 0) {
    if (why) *why = std::string("openpty failed: ") + std::strerror(errno);
    master_ = slave_ = -1;
    return false;
  }
  ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
  ::fcntl(master_, F_SETFD, FD_CLOEXEC);
  ::fcntl(slave_, F_SETFD, FD_CLOEXEC);
  slave_name_ = name;
  // Atomic re-point: symlink to a temporary name, then rename over the link.
  const auto tmp = link_.string() + ".tmp";
  ::unlink(tmp.c_str());
  if (::symlink(name, tmp.c_str()) != 0 || ::rename(tmp.c_str(), link_.c_str()) != 0) {
    if (why) *why = "cannot create " + link_.string() + ": " + std::strerror(errno);
    unplug();
    return false;
  }
  return true;
}

void PtyLink::unplug() {
  if (master_ >= 0) {
    ::unlink(link_.c_str());
    ::close(master_);
    master_ = -1;
  }
  if (slave_ >= 0) {
    ::close(slave_);
    slave_ = -1;
  }
}

}  // namespace odyo::devsim
