#include "drivers/registry.hpp"

#include <cstdio>

#include "drivers/transport/serial_discovery.hpp"
#include "drivers/transport/usb_transport.hpp"

namespace odyo::drivers {

std::string capabilities_text(unsigned caps) {
  std::string s;
  auto add = [&](const char* t) { s += (s.empty() ? "" : ", ") + std::string(t); };
  if (caps & kStreamsRawFlow) add("streams raw flow");
  if (caps & kDeliversResults) add("delivers results");
  if (caps & kControlsTones) add("controls tones");
  return s;
}

const std::vector<DriverInfo>& driver_registry() {
  static const std::vector<DriverInfo> r = {
      {"flowstream",
       "raw-flow spirometer head described by a flow-stream profile (e.g. Sensirion SFM3000 "
       "bridge)",
       kStreamsRawFlow,
       {"serial", "usb"},
       "flow_stream",
       true},
      {"fipp",
       "Frye FONIX FA10/FA12 audiometer, FIPP over RS-232 (register map unverified)",
       kControlsTones | kDeliversResults,
       {"serial"},
       "fipp",
       true},
      {"gdt",
       "any vendor's device software through a GDT 2.1 folder (6302 out, 6310 in)",
       kDeliversResults,
       {"gdt"},
       "gdt",
       true},
      {"tm262",
       "Welch Allyn TM 262 AutoTymp audiometry result records (RS-232, device to PC only); "
       "checksum variant unverified",
       kDeliversResults,
       {"serial"},
       "tm262",
       true},
      {"gsi61",
       "Grason-Stadler GSI 61 remote records (RS-232), read-out only; serial settings and "
       "checksum rule unverified, ear taken from the test order",
       kDeliversResults,
       {"serial"},
       "gsi61",
       true},
      {"vitalograph",
       "Vitalograph Lung Monitor FEV1/FEV6 records with host ACK/NAK (Bluetooth SPP as "
       "/dev/rfcommN); screening values, device-computed",
       kDeliversResults,
       {"serial"},
       "vitalograph",
       true},
  };
  return r;
}

const DriverInfo* find_driver(std::string_view name) {
  for (const auto& d : driver_registry())
    if (d.name == name) return &d;
  return nullptr;
}

std::vector<DiscoveredDevice> discover_devices(UsbContext* usb,
                                               const std::vector<KnownUsbId>& known) {
  std::vector<DiscoveredDevice> out;
  auto match = [&](std::uint16_t vid, std::uint16_t pid, DiscoveredDevice& d) {
    for (const auto& k : known)
      if (k.vendor_id == vid && k.product_id == pid) {
        d.profile = k.profile;
        d.driver = k.driver;
      }
  };
  for (const auto& p : list_serial_ports()) {
    DiscoveredDevice d;
    d.uri = "serial:" + p.devnode;
    d.description = p.description.empty() ? "serial port" : p.description;
    if (!p.usb_vid_pid.empty()) {
      d.description +=
          " (USB " + p.usb_vid_pid + (p.usb_serial.empty() ? "" : ", serial " + p.usb_serial) + ")";
      unsigned v = 0, q = 0;
      if (std::sscanf(p.usb_vid_pid.c_str(), "%x:%x", &v, &q) == 2)
        match(static_cast<std::uint16_t>(v), static_cast<std::uint16_t>(q), d);
    }
    out.push_back(std::move(d));
  }
  if (usb) {
    for (const auto& u : list_usb_devices(*usb)) {
      char uri[32];
      std::snprintf(uri, sizeof uri, "usb:%04x:%04x", u.vendor_id, u.product_id);
      DiscoveredDevice d;
      d.uri = uri;
      d.description =
          "USB device on bus " + std::to_string(u.bus) + " address " + std::to_string(u.address);
      match(u.vendor_id, u.product_id, d);
      out.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace odyo::drivers
