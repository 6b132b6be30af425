#include "drivers/hid/hidraw_button.hpp"

#include <fcntl.h>
#include <linux/hidraw.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "drivers/hid/hid_report.hpp"

namespace odyo::drivers::hid {

HidrawButton::~HidrawButton() {
  close();
}

void HidrawButton::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

IoStatus HidrawButton::open(std::optional<HidIdentity> expect) {
  close();
  fd_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) {
    const int e = errno;
    if (e == ENOENT || e == ENODEV || e == ENXIO)
      return IoError{"device_missing",
                     "response button " + path_ + " is not there: plug the USB button in"};
    if (e == EACCES || e == EPERM || e == EBUSY)
      return IoError{"device_busy", "cannot open response button " + path_ + ": " +
                                        std::strerror(e) +
                                        "; install the station's udev rule for the button"};
    return IoError{"open_failed", "cannot open " + path_ + ": " + std::strerror(e)};
  }
  hidraw_devinfo info{};
  if (::ioctl(fd_, HIDIOCGRAWINFO, &info) < 0) {
    close();
    return IoError{"unsupported_button", path_ + " is not a hidraw device (HIDIOCGRAWINFO failed)"};
  }
  identity_ = {info.bustype, static_cast<std::uint16_t>(info.vendor),
               static_cast<std::uint16_t>(info.product)};
  if (expect &&
      (expect->vendor_id != identity_.vendor_id || expect->product_id != identity_.product_id)) {
    close();
    return IoError{"wrong_device", path_ + " is not the configured response button (VID:PID " +
                                       std::to_string(identity_.vendor_id) + ":" +
                                       std::to_string(identity_.product_id) + ")"};
  }
  int size = 0;
  hidraw_report_descriptor desc{};
  if (::ioctl(fd_, HIDIOCGRDESCSIZE, &size) < 0 || size <= 0 || size > HID_MAX_DESCRIPTOR_SIZE) {
    close();
    return IoError{"unsupported_button", path_ + ": cannot read the HID report descriptor size"};
  }
  desc.size = static_cast<std::uint32_t>(size);
  if (::ioctl(fd_, HIDIOCGRDESC, &desc) < 0) {
    close();
    return IoError{"unsupported_button", path_ + ": cannot read the HID report descriptor"};
  }
  if (auto st = check_button_descriptor(std::span(desc.value, desc.size)); !st) {
    close();
    return st;
  }
  pressed_ = false;
  return {};
}

IoStatus HidrawButton::events_until(ButtonClock::time_point until, std::vector<ButtonEvent>& out) {
  if (fd_ < 0) return IoError{"device_gone", "response button " + path_ + " is not open"};
  for (;;) {
    const auto now = ButtonClock::now();
    // `until` may be long past (poll_events passes time_point::min()): no subtraction then, it
    // would overflow into a wait of weeks.
    const long long left =
        until <= now ? 0
                     : std::chrono::ceil<std::chrono::milliseconds>(until - now).count();  // NOLINT
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1'000'000)));
    if (rc < 0) {
      if (errno == EINTR) continue;
      return IoError{"device_gone", "poll on " + path_ + " failed: " + std::strerror(errno)};
    }
    if (rc == 0) {
      if (ButtonClock::now() >= until) return {};  // `until` reached, nothing more
      continue;
    }
    if ((p.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0 && (p.revents & POLLIN) == 0)
      return IoError{"device_gone", "response button " + path_ +
                                        " was unplugged: the test is paused; plug it back in"};
    std::uint8_t buf[64];
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    const auto stamp = ButtonClock::now();
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return IoError{"device_gone", "response button " + path_ + " read failed: " +
                                        std::strerror(errno) + "; the test is paused"};
    }
    if (n == 0)
      return IoError{"device_gone", "response button " + path_ +
                                        " was unplugged: the test is paused; plug it back in"};
    bool pressed = false;
    if (auto st = parse_button_report(std::span(buf, static_cast<std::size_t>(n)), pressed); !st)
      return st;
    if (pressed != pressed_) {
      out.push_back({pressed, stamp});
      pressed_ = pressed;
    }
    if (stamp >= until) return {};
  }
}

IoStatus HidrawButton::poll_events(std::vector<ButtonEvent>& out) {
  // `until` already passed: poll() with a zero timeout, read what is queued, return.
  return events_until(ButtonClock::time_point::min(), out);
}

}  // namespace odyo::drivers::hid
