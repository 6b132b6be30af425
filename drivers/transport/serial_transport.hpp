#pragma once
// SerialTransport: a serial port (real UART, USB-serial bridge or pty) through
// boost::asio::serial_port on the station's io_context.
//
// - Exclusive: flock(LOCK_EX|LOCK_NB) on the open descriptor plus TIOCEXCL. TIOCEXCL alone does
//   not stop a second process running as root (CAP_SYS_ADMIN bypasses it), the flock does; a
//   second station gets "port_busy" naming the port.
// - Modem-line calls (DTR/RTS) tolerate ENOTTY/EINVAL: a pty has no modem lines.
// - EOF, EIO and ENXIO on read mean "unplugged" and are reported through on_closed at once.
//
// Threading: start/stop/write from the owner's thread; callbacks on the io_context's thread.
// stop() may also be called from a callback (then it closes synchronously).

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/serial_port.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include "drivers/transport/byte_transport.hpp"

namespace odyo::drivers {

struct SerialSettings {
  std::string path;             // /dev/ttyUSB0, /dev/pts/3, or a symlink to one
  unsigned baud_rate = 115200;  // ignored by a pty
  bool assert_dtr_rts = true;   // raise DTR/RTS (powers some bridges); ENOTTY tolerated
};

// Parses "serial:/dev/ttyUSB0[?baud=9600]" or "serial:usb:VID:PID[:SERIAL][?baud=N]" (the
// latter resolved with libudev). Errors name the URI and the expected form.
std::optional<SerialSettings> parse_serial_uri(const std::string& uri, IoError* why);

class SerialTransport final : public ByteTransport {
 public:
  SerialTransport(boost::asio::io_context& io, SerialSettings settings);
  ~SerialTransport() override;
  SerialTransport(const SerialTransport&) = delete;
  SerialTransport& operator=(const SerialTransport&) = delete;

  IoStatus start(TransportCallbacks callbacks) override;
  IoStatus write(std::span<const std::uint8_t> bytes) override;
  void stop() override;
  [[nodiscard]] std::string uri() const override { return "serial:" + settings_.path; }

  // True when the last modem-line call was refused with ENOTTY (pty, some bridges).
  [[nodiscard]] bool modem_lines_unsupported() const { return modem_lines_unsupported_; }

 private:
  void arm_read();
  void close_now();

  boost::asio::io_context& io_;
  SerialSettings settings_;
  std::unique_ptr<boost::asio::serial_port> port_;
  TransportCallbacks cb_;
  std::array<std::uint8_t, 4096> buf_{};
  std::mutex write_mutex_;
  std::atomic<bool> running_{false};
  std::atomic<bool> closed_reported_{false};
  bool modem_lines_unsupported_ = false;
};

}  // namespace odyo::drivers
