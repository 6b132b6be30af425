#pragma once
// Serial-port discovery through libudev: list the tty devices a driver could open, with the USB
// identity of their bridge when there is one, and resolve "VID:PID[:SERIAL]" to a device node.
// Thread-safety: free functions, no shared state.

#include <optional>
#include <string>
#include <vector>

#include "drivers/transport/io_error.hpp"

namespace odyo::drivers {

struct SerialPortInfo {
  std::string devnode;      // /dev/ttyUSB0
  std::string usb_vid_pid;  // "0403:6001", empty for a built-in UART
  std::string usb_serial;   // iSerial, may be empty
  std::string description;  // manufacturer + product when known
};

// tty devices that have a parent device (built-in virtual consoles are left out).
std::vector<SerialPortInfo> list_serial_ports();

// "0403:6001" or "0403:6001:A5XK3RJT" → "/dev/ttyUSB0". Errors: not_found (none or several
// matches without a serial number: the message lists them).
std::optional<std::string> find_serial_by_usb(const std::string& spec, IoError* why);

}  // namespace odyo::drivers
