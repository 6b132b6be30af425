#include "drivers/transport/usb_transport.hpp"

#include <libusb.h>

#include <cstdio>

namespace odyo::drivers {

namespace {

int LIBUSB_CALL hotplug_trampoline(libusb_context*, libusb_device*, libusb_hotplug_event event,
                                   void* user) {
  auto* cb = static_cast<std::function<void(bool)>*>(user);
  (*cb)(event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED);
  return 0;  // stay registered
}

std::string hex4(std::uint16_t v) {
  char b[8];
  std::snprintf(b, sizeof b, "%04x", v);
  return b;
}

}  // namespace

std::unique_ptr<UsbContext> UsbContext::create(IoError* why) {
  std::unique_ptr<UsbContext> c(new UsbContext());
  const int rc = libusb_init(&c->ctx_);
  if (rc != 0) {
    if (why)
      *why = {"usb_unavailable", std::string("USB is not available: ") + libusb_strerror(rc)};
    return nullptr;
  }
  c->hotplug_ = libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) != 0;
  c->running_ = true;
  c->thread_ = std::thread([p = c.get()] { p->run(); });
  return c;
}

UsbContext::~UsbContext() {
  {
    std::lock_guard lock(mu_);
    for (auto& [h, w] : watchers_) libusb_hotplug_deregister_callback(ctx_, h);  // wakes the loop
    watchers_.clear();
  }
  running_ = false;
  libusb_interrupt_event_handler(ctx_);
  if (thread_.joinable()) thread_.join();
  libusb_exit(ctx_);
}

void UsbContext::run() {
  while (running_) {
    timeval tv{0, 100000};  // 100 ms: bounds how long stop waits
    libusb_handle_events_timeout_completed(ctx_, &tv, nullptr);
  }
}

int UsbContext::watch(std::uint16_t vendor_id, std::uint16_t product_id,
                      std::function<void(bool)> cb) {
  if (!hotplug_) return -1;
  auto holder = std::make_shared<std::function<void(bool)>>(std::move(cb));
  libusb_hotplug_callback_handle h = 0;
  const int rc = libusb_hotplug_register_callback(
      ctx_,
      static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
                                        LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
      static_cast<libusb_hotplug_flag>(0), vendor_id, product_id, LIBUSB_HOTPLUG_MATCH_ANY,
      hotplug_trampoline, holder.get(), &h);
  if (rc != LIBUSB_SUCCESS) return -1;
  std::lock_guard lock(mu_);
  watchers_[h] = std::move(holder);
  return h;
}

void UsbContext::unwatch(int handle) {
  if (handle < 0) return;
  libusb_hotplug_deregister_callback(ctx_, handle);
  std::lock_guard lock(mu_);
  watchers_.erase(handle);  // deregistration is synchronous with respect to new callbacks
}

std::optional<UsbSettings> parse_usb_uri(const std::string& uri, IoError* why) {
  auto bad = [&] {
    if (why)
      *why = {"bad_uri", "'" + uri +
                             "' is not a USB URI: use usb:VID:PID or usb:VID:PID:SERIAL in hex, "
                             "e.g. usb:1209:0001"};
    return std::nullopt;
  };
  if (uri.rfind("usb:", 0) != 0) return bad();
  const std::string rest = uri.substr(4);
  const auto c1 = rest.find(':');
  if (c1 == std::string::npos) return bad();
  const auto c2 = rest.find(':', c1 + 1);
  UsbSettings s;
  try {
    std::size_t used = 0;
    const std::string v = rest.substr(0, c1);
    const std::string p =
        rest.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1);
    const unsigned long vid = std::stoul(v, &used, 16);
    if (used != v.size() || v.size() != 4) return bad();
    const unsigned long pid = std::stoul(p, &used, 16);
    if (used != p.size() || p.size() != 4) return bad();
    s.vendor_id = static_cast<std::uint16_t>(vid);
    s.product_id = static_cast<std::uint16_t>(pid);
  } catch (const std::exception&) {
    return bad();
  }
  if (c2 != std::string::npos) s.serial = rest.substr(c2 + 1);
  return s;
}

std::vector<UsbDeviceInfo> list_usb_devices(UsbContext& ctx) {
  std::vector<UsbDeviceInfo> out;
  libusb_device** list = nullptr;
  const ssize_t n = libusb_get_device_list(ctx.get(), &list);
  for (ssize_t i = 0; i < n; ++i) {
    libusb_device_descriptor d{};
    if (libusb_get_device_descriptor(list[i], &d) != 0) continue;
    out.push_back({d.idVendor, d.idProduct, libusb_get_bus_number(list[i]),
                   libusb_get_device_address(list[i])});
  }
  if (list) libusb_free_device_list(list, 1);
  return out;
}

UsbTransport::UsbTransport(UsbContext& ctx, UsbSettings settings)
    : ctx_(ctx), settings_(std::move(settings)) {}

UsbTransport::~UsbTransport() {
  stop();
}

std::string UsbTransport::uri() const {
  return "usb:" + hex4(settings_.vendor_id) + ":" + hex4(settings_.product_id) +
         (settings_.serial.empty() ? "" : ":" + settings_.serial);
}

IoStatus UsbTransport::start(TransportCallbacks callbacks) {
  stop();
  libusb_device** list = nullptr;
  const ssize_t n = libusb_get_device_list(ctx_.get(), &list);
  libusb_device_handle* h = nullptr;
  bool busy = false;
  for (ssize_t i = 0; i < n && !h; ++i) {
    libusb_device_descriptor d{};
    if (libusb_get_device_descriptor(list[i], &d) != 0) continue;
    if (d.idVendor != settings_.vendor_id || d.idProduct != settings_.product_id) continue;
    libusb_device_handle* cand = nullptr;
    const int rc = libusb_open(list[i], &cand);
    if (rc == LIBUSB_ERROR_BUSY || rc == LIBUSB_ERROR_ACCESS)
      busy = busy || rc == LIBUSB_ERROR_BUSY;
    if (rc != 0) continue;
    if (!settings_.serial.empty() && d.iSerialNumber != 0) {
      unsigned char sn[128] = {};
      if (libusb_get_string_descriptor_ascii(cand, d.iSerialNumber, sn, sizeof sn) < 0 ||
          settings_.serial != reinterpret_cast<const char*>(sn)) {
        libusb_close(cand);
        continue;
      }
    }
    h = cand;
  }
  if (list) libusb_free_device_list(list, 1);
  if (!h) {
    if (busy)
      return IoError{"port_busy", uri() + " is in use by another program: close it there first"};
    return IoError{"not_found",
                   uri() + " is not plugged in (or the user may not open it: check the udev rule)"};
  }
  libusb_set_auto_detach_kernel_driver(h, 1);
  const int rc = libusb_claim_interface(h, settings_.interface_number);
  if (rc != 0) {
    libusb_close(h);
    if (rc == LIBUSB_ERROR_BUSY)
      return IoError{"port_busy",
                     uri() + " interface " + std::to_string(settings_.interface_number) +
                         " is claimed by another program (another station?): close it there first"};
    if (rc == LIBUSB_ERROR_NO_DEVICE)
      return IoError{"not_found", uri() + " went away while opening it"};
    return IoError{"open_failed", "cannot claim " + uri() + ": " + libusb_strerror(rc)};
  }
  handle_ = h;
  cb_ = std::move(callbacks);
  closed_reported_ = false;
  device_gone_ = false;
  running_ = true;
  hotplug_watch_ = ctx_.watch(settings_.vendor_id, settings_.product_id, [this](bool arrived) {
    if (arrived || !running_) return;
    device_gone_ = true;
    report_closed(
        {"unplugged",
         uri() + " went away: the device was unplugged or switched off; plug it back in"});
  });
  buffers_.assign(static_cast<std::size_t>(settings_.transfers_in_flight),
                  std::vector<std::uint8_t>(settings_.transfer_bytes));
  for (int i = 0; i < settings_.transfers_in_flight; ++i) {
    libusb_transfer* t = libusb_alloc_transfer(0);
    auto& buf = buffers_[static_cast<std::size_t>(i)];
    if (settings_.interrupt_in)
      libusb_fill_interrupt_transfer(t, handle_, settings_.endpoint_in, buf.data(),
                                     static_cast<int>(buf.size()), &UsbTransport::transfer_done,
                                     this, 0);
    else
      libusb_fill_bulk_transfer(t, handle_, settings_.endpoint_in, buf.data(),
                                static_cast<int>(buf.size()), &UsbTransport::transfer_done, this,
                                0);
    transfers_.push_back(t);
  }
  for (auto* t : transfers_) {
    std::lock_guard lock(mu_);
    if (libusb_submit_transfer(t) == 0) ++in_flight_;
  }
  if (in_flight_ == 0) {
    release();
    return IoError{"open_failed",
                   "cannot start reading " + uri() + ": the endpoint refused the transfers"};
  }
  return {};
}

void LIBUSB_CALL UsbTransport::transfer_done(libusb_transfer* t) {
  static_cast<UsbTransport*>(t->user_data)->on_transfer(t);
}

void UsbTransport::on_transfer(libusb_transfer* t) {
  const auto arrival = IoClock::now();
  bool report_close = false;
  IoError why;
  if (t->status == LIBUSB_TRANSFER_COMPLETED || t->status == LIBUSB_TRANSFER_TIMED_OUT) {
    if (t->actual_length > 0 && running_ && cb_.on_bytes)
      cb_.on_bytes(
          std::span<const std::uint8_t>(t->buffer, static_cast<std::size_t>(t->actual_length)),
          arrival);
    if (running_) {
      std::lock_guard lock(mu_);
      if (libusb_submit_transfer(t) == 0) return;  // re-armed; in_flight_ unchanged
      report_close = true;
      why = {"unplugged",
             uri() + " went away: the device was unplugged or switched off; plug it back in"};
    }
  } else if (t->status != LIBUSB_TRANSFER_CANCELLED) {
    report_close = running_;
    why = t->status == LIBUSB_TRANSFER_NO_DEVICE
              ? IoError{"unplugged",
                        uri() +
                            " went away: the device was unplugged or switched off; plug it back in"}
              : IoError{"read_failed",
                        "reading " + uri() + " failed: " + libusb_error_name(t->status)};
  }
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  cv_.notify_all();
  if (report_close) report_closed(why);
}

void UsbTransport::report_closed(const IoError& why) {
  running_ = false;
  if (closed_reported_.exchange(true)) return;
  // The other transfers fail the same way (or are cancelled here); reported once.
  for (auto* t : transfers_) libusb_cancel_transfer(t);
  if (cb_.on_closed) cb_.on_closed(why);
}

IoStatus UsbTransport::write(std::span<const std::uint8_t> bytes) {
  if (!handle_) return IoError{"not_open", uri() + " is not open"};
  int done = 0;
  const int rc = libusb_bulk_transfer(
      handle_, settings_.endpoint_out, const_cast<unsigned char*>(bytes.data()),
      static_cast<int>(bytes.size()), &done, settings_.write_timeout_ms);
  if (rc != 0 || done != static_cast<int>(bytes.size()))
    return IoError{rc == LIBUSB_ERROR_NO_DEVICE ? "unplugged" : "write_failed",
                   "writing to " + uri() + " failed: " + libusb_strerror(rc)};
  return {};
}

void UsbTransport::release() {
  ctx_.unwatch(hotplug_watch_);
  hotplug_watch_ = -1;
  // Close first: libusb_close takes any transfer still in flight (a vanished device never
  // completes them) off its lists, after which they may be freed.
  if (handle_) {
    libusb_release_interface(handle_, settings_.interface_number);
    libusb_close(handle_);
    handle_ = nullptr;
  }
  for (auto* t : transfers_) libusb_free_transfer(t);
  transfers_.clear();
  buffers_.clear();
  in_flight_ = 0;
}

void UsbTransport::stop() {
  if (!handle_) return;
  running_ = false;
  for (auto* t : transfers_) libusb_cancel_transfer(t);
  {
    std::unique_lock lock(mu_);
    // The event thread completes the cancelled transfers; bounded wait (it loops every 100 ms).
    // A device that has gone never completes them: then only a short grace period.
    cv_.wait_for(lock,
                 device_gone_ ? std::chrono::milliseconds(150) : std::chrono::milliseconds(2000),
                 [&] { return in_flight_ == 0; });
  }
  release();
}

}  // namespace odyo::drivers
