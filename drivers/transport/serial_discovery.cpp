#include "drivers/transport/serial_discovery.hpp"

#include <libudev.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace odyo::drivers {

namespace {

struct UdevDeleter {
  void operator()(udev* u) const { udev_unref(u); }
  void operator()(udev_enumerate* e) const { udev_enumerate_unref(e); }
  void operator()(udev_device* d) const { udev_device_unref(d); }
};

std::string attr(udev_device* d, const char* name) {
  const char* v = d ? udev_device_get_sysattr_value(d, name) : nullptr;
  return v ? std::string(v) : std::string();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::vector<SerialPortInfo> list_serial_ports() {
  std::vector<SerialPortInfo> out;
  std::unique_ptr<udev, UdevDeleter> u(udev_new());
  if (!u) return out;
  std::unique_ptr<udev_enumerate, UdevDeleter> en(udev_enumerate_new(u.get()));
  udev_enumerate_add_match_subsystem(en.get(), "tty");
  udev_enumerate_scan_devices(en.get());
  for (udev_list_entry* e = udev_enumerate_get_list_entry(en.get()); e;
       e = udev_list_entry_get_next(e)) {
    std::unique_ptr<udev_device, UdevDeleter> dev(
        udev_device_new_from_syspath(u.get(), udev_list_entry_get_name(e)));
    if (!dev) continue;
    const char* node = udev_device_get_devnode(dev.get());
    if (!node || !udev_device_get_parent(dev.get())) continue;  // virtual consoles have no parent
    SerialPortInfo info;
    info.devnode = node;
    // Borrowed pointer: owned by dev.
    udev_device* usb =
        udev_device_get_parent_with_subsystem_devtype(dev.get(), "usb", "usb_device");
    if (usb) {
      info.usb_vid_pid = lower(attr(usb, "idVendor") + ":" + attr(usb, "idProduct"));
      info.usb_serial = attr(usb, "serial");
      info.description = attr(usb, "manufacturer") + " " + attr(usb, "product");
    }
    out.push_back(std::move(info));
  }
  return out;
}

std::optional<std::string> find_serial_by_usb(const std::string& spec, IoError* why) {
  // spec: VID:PID[:SERIAL]
  std::string vid_pid = spec, serial;
  if (auto p = spec.find(':'); p != std::string::npos) {
    if (auto q = spec.find(':', p + 1); q != std::string::npos) {
      vid_pid = spec.substr(0, q);
      serial = spec.substr(q + 1);
    }
  }
  vid_pid = lower(vid_pid);
  std::vector<SerialPortInfo> hits;
  for (auto& p : list_serial_ports())
    if (p.usb_vid_pid == vid_pid && (serial.empty() || p.usb_serial == serial)) hits.push_back(p);
  if (hits.size() == 1) return hits.front().devnode;
  if (why) {
    if (hits.empty()) {
      *why = {"not_found",
              "no serial port with USB id " + spec +
                  " is plugged in: check the cable, or run `odyospiro devices` to list ports"};
    } else {
      std::string list;
      for (auto& h : hits) list += " " + h.devnode + "(serial " + h.usb_serial + ")";
      *why = {"ambiguous", "several ports match USB id " + spec + ":" + list +
                               "; add the serial number: usb:VID:PID:SERIAL"};
    }
  }
  return std::nullopt;
}

}  // namespace odyo::drivers
