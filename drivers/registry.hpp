#pragma once
// The explicit driver registry: every device driver the station has, what it can do, which URIs
// it takes and which device-profile family describes it. One list (registry.cpp); adding a driver
// is one entry there plus its folder. Discovery lists what is plugged in (serial ports via
// libudev, USB devices via libusb) and suggests a driver when a known profile's VID:PID matches.
// Thread-safety: the registry is immutable; discover() may be called from any one thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace odyo::drivers {

class UsbContext;

enum Capability : unsigned {
  kStreamsRawFlow = 1U << 0,   // raw flow samples (a spirometer head)
  kDeliversResults = 1U << 1,  // finished results (FEV1, audiogram) from the device's software
  kControlsTones = 1U << 2,    // the station drives the tones (automated audiometry)
};
// Each capability's name (English, marked for the station's translation catalogues).
std::vector<std::string> capability_names(unsigned caps);
std::string capabilities_text(unsigned caps);  // "streams raw flow, controls tones"

struct DriverInfo {
  std::string name;         // as in [[devices]].driver
  std::string description;  // for people
  unsigned capabilities = 0;
  std::vector<std::string> uri_schemes;  // serial, usb, gdt
  std::string profile_family;            // device-profile family (config/devices/*.toml)
  bool session_available = true;         // false: codec only, no acquisition session yet
};

const std::vector<DriverInfo>& driver_registry();
const DriverInfo* find_driver(std::string_view name);

struct KnownUsbId {  // from the device profiles
  std::uint16_t vendor_id = 0, product_id = 0;
  std::string profile;  // profile id
  std::string driver;
};

struct DiscoveredDevice {
  std::string uri;          // serial:/dev/ttyUSB0, usb:1209:0001
  std::string description;  // what udev/libusb say
  std::string profile;      // matching profile id, if any
  std::string driver;       // suggested driver, if any
};

// Serial ports (libudev) and USB devices (libusb, when `usb` is given).
std::vector<DiscoveredDevice> discover_devices(UsbContext* usb,
                                               const std::vector<KnownUsbId>& known);

}  // namespace odyo::drivers
