#include "drivers/registry.hpp"

#include <cstdio>

#include "drivers/transport/serial_discovery.hpp"
#include "drivers/transport/usb_transport.hpp"

namespace odyo::drivers {
namespace {
// Marks a text for the translation catalogues (station/core/i18n.hpp): the station translates
// these when it shows them; this layer has no language.
constexpr const char* N_(const char* msgid) {
  return msgid;
}
}  // namespace

std::vector<std::string> capability_names(unsigned caps) {
  std::vector<std::string> names;
  if (caps & kStreamsRawFlow) names.emplace_back(N_("streams raw flow"));
  if (caps & kDeliversResults) names.emplace_back(N_("delivers results"));
  if (caps & kControlsTones) names.emplace_back(N_("controls tones"));
  return names;
}

std::string capabilities_text(unsigned caps) {
  std::string s;
  for (const auto& name : capability_names(caps)) s += (s.empty() ? "" : ", ") + name;
  return s;
}

const std::vector<DriverInfo>& driver_registry() {
  static const std::vector<DriverInfo> r = {
      {"flowstream",
       N_("raw-flow spirometer head described by a flow-stream profile (e.g. Sensirion SFM3000 "
          "bridge)"),
       kStreamsRawFlow,
       {"serial", "usb"},
       "flow_stream",
       true},
      {"fipp",
       N_("Frye FONIX FA10/FA12 audiometer, FIPP over RS-232 (register map unverified)"),
       kControlsTones | kDeliversResults,
       {"serial"},
       "fipp",
       true},
      {"gdt",
       N_("any vendor's device software through a GDT 2.1 folder (6302 out, 6310 in)"),
       kDeliversResults,
       {"gdt"},
       "gdt",
       true},
      {"tm262",
       N_("Welch Allyn TM 262 AutoTymp audiometry result records (RS-232, device to PC only); "
          "checksum variant unverified"),
       kDeliversResults,
       {"serial"},
       "tm262",
       true},
      {"gsi61",
       N_("Grason-Stadler GSI 61 remote records (RS-232), read-out only; serial settings and "
          "checksum rule unverified, ear taken from the test order"),
       kDeliversResults,
       {"serial"},
       "gsi61",
       true},
      {"vitalograph",
       N_("Vitalograph Lung Monitor FEV1/FEV6 records with host ACK/NAK (Bluetooth SPP as "
          "/dev/rfcommN); screening values, device-computed"),
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
