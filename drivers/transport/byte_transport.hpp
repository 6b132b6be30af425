#pragma once
// ByteTransport: the one narrow interface between a device driver and the wire (serial port,
// USB endpoint pair). A transport moves bytes and reports when the device goes away; it knows
// nothing about frames or manoeuvres.
//
// Threading: start()/stop()/write() are called from the owner's thread. The callbacks run on the
// transport's I/O thread (the station's io_context thread for serial, the libusb event thread
// for USB) and must not block: they hand bytes on (to the raw journal queue first) and return.

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "drivers/transport/io_error.hpp"

namespace odyo::drivers {

using IoClock = std::chrono::steady_clock;

struct TransportCallbacks {
  // Bytes as they arrived, with the arrival time taken right after the read completed.
  std::function<void(std::span<const std::uint8_t> bytes, IoClock::time_point arrival)> on_bytes;
  // The device went away (EOF, EIO, ENXIO, LIBUSB_ERROR_NO_DEVICE) or the link failed.
  // Called once per start(); after it, no more on_bytes until the next start().
  std::function<void(const IoError& why)> on_closed;
};

class ByteTransport {
 public:
  virtual ~ByteTransport() = default;
  // Opens the device and begins delivering bytes. Errors: open_failed, port_busy, not_found.
  virtual IoStatus start(TransportCallbacks callbacks) = 0;
  // Writes all bytes (blocking, bounded by the transport's write timeout).
  virtual IoStatus write(std::span<const std::uint8_t> bytes) = 0;
  // Stops delivery and closes the device. After stop() returns, no callback runs. Idempotent.
  virtual void stop() = 0;
  [[nodiscard]] virtual std::string uri() const = 0;
};

}  // namespace odyo::drivers
