#pragma once
// USB through libusb: one UsbContext per station (one libusb context, ONE event thread that runs
// every transfer callback, hot-plug arrive/leave), and UsbTransport, a ByteTransport over a bulk
// (or interrupt) IN endpoint with several asynchronous transfers in flight, plus synchronous OUT
// writes for commands.
//
// Unplug is seen two ways: a transfer completing with NO_DEVICE (the kernel flags the usbfs
// descriptor with POLLERR), and the hot-plug "left" event for the device's VID:PID — whichever
// comes first is reported once through on_closed.
//
// Threading: UsbContext methods from the owner's thread; hot-plug callbacks and the transport's
// on_bytes/on_closed run on the libusb event thread and must not block. UsbTransport
// start/stop/write from the owner's thread (never from its own callbacks).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "drivers/transport/byte_transport.hpp"

struct libusb_context;
struct libusb_device_handle;
struct libusb_transfer;

namespace odyo::drivers {

class UsbContext {
 public:
  // Creates the libusb context and starts the event thread. Error: usb_unavailable.
  static std::unique_ptr<UsbContext> create(IoError* why);
  ~UsbContext();
  UsbContext(const UsbContext&) = delete;
  UsbContext& operator=(const UsbContext&) = delete;

  libusb_context* get() const { return ctx_; }
  [[nodiscard]] bool hotplug_supported() const { return hotplug_; }

  // Calls `cb(true)` when a device with this VID:PID arrives and `cb(false)` when it leaves
  // (on the event thread). Returns a handle for unwatch(), or -1 without hot-plug support.
  int watch(std::uint16_t vendor_id, std::uint16_t product_id,
            std::function<void(bool arrived)> cb);
  void unwatch(int handle);

 private:
  UsbContext() = default;
  void run();

  libusb_context* ctx_ = nullptr;
  std::atomic<bool> running_{false};
  bool hotplug_ = false;
  std::thread thread_;
  std::mutex mu_;
  std::map<int, std::shared_ptr<std::function<void(bool)>>> watchers_;
};

struct UsbSettings {
  std::uint16_t vendor_id = 0, product_id = 0;
  std::string serial;  // empty: the first matching device
  int interface_number = 0;
  std::uint8_t endpoint_in = 0x81, endpoint_out = 0x01;
  bool interrupt_in = false;  // interrupt endpoint instead of bulk
  std::size_t transfer_bytes = 512;
  int transfers_in_flight = 4;  // keeps the endpoint busy while a callback runs
  unsigned write_timeout_ms = 1000;
};

// "usb:1209:0001[:SERIAL]" → vendor/product/serial (endpoints come from the device profile).
std::optional<UsbSettings> parse_usb_uri(const std::string& uri, IoError* why);

struct UsbDeviceInfo {
  std::uint16_t vendor_id = 0, product_id = 0;
  int bus = 0, address = 0;
};
// Devices on the bus (for `odyospiro devices`).
std::vector<UsbDeviceInfo> list_usb_devices(UsbContext& ctx);

class UsbTransport final : public ByteTransport {
 public:
  UsbTransport(UsbContext& ctx, UsbSettings settings);
  ~UsbTransport() override;
  UsbTransport(const UsbTransport&) = delete;
  UsbTransport& operator=(const UsbTransport&) = delete;

  IoStatus start(TransportCallbacks callbacks) override;
  IoStatus write(std::span<const std::uint8_t> bytes) override;
  void stop() override;
  [[nodiscard]] std::string uri() const override;

 private:
  static void transfer_done(libusb_transfer* t);
  void on_transfer(libusb_transfer* t);
  void report_closed(const IoError& why);
  void release();

  UsbContext& ctx_;
  UsbSettings settings_;
  libusb_device_handle* handle_ = nullptr;
  TransportCallbacks cb_;
  std::vector<libusb_transfer*> transfers_;
  std::vector<std::vector<std::uint8_t>> buffers_;
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  std::atomic<bool> running_{false};
  std::atomic<bool> closed_reported_{false};
  std::atomic<bool> device_gone_{false};
  int hotplug_watch_ = -1;
};

}  // namespace odyo::drivers
