#include "tools/devsim/usb/fake_usb_flow_head.hpp"

#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <umockdev.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "drivers/codec/flow_stream.hpp"

namespace odyo::devsim {

namespace {
std::string hex(const std::vector<std::uint8_t>& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}
}  // namespace

struct FakeUsbFlowHead::Impl {
  profile::FlowStreamProfile profile;
  FlowScript script;
  UMockdevTestbed* testbed = nullptr;
  UMockdevIoctlBase* handler = nullptr;
  std::string syspath;

  std::mutex mu;
  std::deque<UMockdevIoctlData*> flying_in;  // submitted bulk IN URBs (ref'd)
  std::deque<UMockdevIoctlData*> done;       // completed URBs waiting to be reaped (ref'd)
  std::deque<std::uint8_t> queue;            // bytes produced, not yet delivered
  std::vector<std::uint8_t> delivered, commands;
  bool gone = false;

  std::thread producer;
  std::atomic<bool> run{false}, producing{true};
  std::atomic<std::uint64_t>* frames = nullptr;

  Impl(profile::FlowStreamProfile p, FlowScript s) : profile(std::move(p)), script(std::move(s)) {}

  std::uint16_t raw_at(std::int64_t i) const {
    return profile.scaling.raw_for_flow_lps(script.flow_lps(i));
  }

  void produce() {
    using clock = std::chrono::steady_clock;
    const auto spf = profile.layout.samples_per_frame;
    const auto period =
        std::chrono::duration<double>(static_cast<double>(spf) / profile.sample_rate_hz);
    const auto t0 = clock::now();
    for (std::int64_t frame = 0; run; ++frame) {
      std::this_thread::sleep_until(
          t0 + std::chrono::duration_cast<clock::duration>(period * static_cast<double>(frame)));
      if (!producing) continue;
      const std::int64_t first = frame * static_cast<std::int64_t>(spf);
      codec::FlowFrameOut out;
      out.sequence = profile.layout.sequence_counts_samples ? static_cast<std::uint64_t>(first)
                                                            : static_cast<std::uint64_t>(frame);
      for (std::size_t k = 0; k < spf; ++k)
        out.raw.push_back(raw_at(first + static_cast<std::int64_t>(k)));
      auto bytes = codec::encode_flow_frame(profile.layout, out);
      if (!bytes) continue;
      std::lock_guard lock(mu);
      if (gone) continue;  // cable pulled: the bridge's output goes nowhere
      queue.insert(queue.end(), bytes->begin(), bytes->end());
      ++*frames;
    }
  }

  static gboolean on_ioctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer self) {
    return static_cast<Impl*>(self)->handle(client);
  }

  gboolean handle(UMockdevIoctlClient* client) {
    const gulong request = umockdev_ioctl_client_get_request(client);
    UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
    std::lock_guard lock(mu);
    if (gone) {
      umockdev_ioctl_client_complete(client, -1, ENODEV);
      return TRUE;
    }
    switch (request) {
      case USBDEVFS_GET_CAPABILITIES: {
        UMockdevIoctlData* d = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), nullptr);
        guint32 caps = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
                       USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;
        std::memcpy(d->data, &caps, sizeof caps);
        umockdev_ioctl_data_unref(d);
        umockdev_ioctl_client_complete(client, 0, 0);
        return TRUE;
      }
      case USBDEVFS_IOCTL:  // "detach the kernel driver": none is bound (kernel: ENODATA)
      case USBDEVFS_GETDRIVER:
        umockdev_ioctl_client_complete(client, -1, ENODATA);
        return TRUE;
      case USBDEVFS_CLAIMINTERFACE:
      case USBDEVFS_RELEASEINTERFACE:
      case USBDEVFS_CLEAR_HALT:
      case USBDEVFS_RESETEP:
      case USBDEVFS_SETINTERFACE:
        umockdev_ioctl_client_complete(client, 0, 0);
        return TRUE;
      case USBDEVFS_SUBMITURB: {
        UMockdevIoctlData* urb_data =
            umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_urb), nullptr);
        auto* urb = reinterpret_cast<usbdevfs_urb*>(urb_data->data);
        UMockdevIoctlData* buf =
            umockdev_ioctl_data_resolve(urb_data, G_STRUCT_OFFSET(usbdevfs_urb, buffer),
                                        static_cast<gsize>(urb->buffer_length), nullptr);
        if (buf) umockdev_ioctl_data_unref(buf);  // kept alive by urb_data
        if (urb->type != USBDEVFS_URB_TYPE_BULK && urb->type != USBDEVFS_URB_TYPE_INTERRUPT) {
          umockdev_ioctl_data_unref(urb_data);
          umockdev_ioctl_client_complete(client, -1, EINVAL);
          return TRUE;
        }
        if (urb->endpoint & 0x80) {
          flying_in.push_back(urb_data);
        } else {
          const auto* p = static_cast<const std::uint8_t*>(urb->buffer);
          commands.insert(commands.end(), p, p + urb->buffer_length);
          urb->actual_length = urb->buffer_length;
          urb->status = 0;
          done.push_back(urb_data);
        }
        umockdev_ioctl_client_complete(client, 0, 0);
        return TRUE;
      }
      case USBDEVFS_REAPURB:
      case USBDEVFS_REAPURBNDELAY: {
        UMockdevIoctlData* ready = nullptr;
        if (!done.empty()) {
          ready = done.front();
          done.pop_front();
        } else if (!flying_in.empty() && !queue.empty()) {
          ready = flying_in.front();
          flying_in.pop_front();
          auto* urb = reinterpret_cast<usbdevfs_urb*>(ready->data);
          const auto n =
              std::min<std::size_t>(queue.size(), static_cast<std::size_t>(urb->buffer_length));
          auto* dst = static_cast<std::uint8_t*>(urb->buffer);
          std::copy(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n), dst);
          delivered.insert(delivered.end(), queue.begin(),
                           queue.begin() + static_cast<std::ptrdiff_t>(n));
          queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
          urb->actual_length = static_cast<int>(n);
          urb->status = 0;
        }
        if (!ready) {
          umockdev_ioctl_client_complete(client, -1, EAGAIN);
          return TRUE;
        }
        UMockdevIoctlData* ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), nullptr);
        umockdev_ioctl_data_set_ptr(ptr, 0, ready);
        umockdev_ioctl_data_unref(ptr);
        umockdev_ioctl_data_unref(ready);  // the pointer keeps what the client needs
        umockdev_ioctl_client_complete(client, 0, 0);
        return TRUE;
      }
      case USBDEVFS_DISCARDURB: {
        const auto addr = reinterpret_cast<gulong>(*reinterpret_cast<void**>(arg->data));
        for (auto it = flying_in.begin(); it != flying_in.end(); ++it) {
          if ((*it)->client_addr == addr) {
            reinterpret_cast<usbdevfs_urb*>((*it)->data)->status = -ENOENT;
            reinterpret_cast<usbdevfs_urb*>((*it)->data)->actual_length = 0;
            done.push_back(*it);
            flying_in.erase(it);
            umockdev_ioctl_client_complete(client, 0, 0);
            return TRUE;
          }
        }
        umockdev_ioctl_client_complete(client, -1, EINVAL);
        return TRUE;
      }
      default:
        return FALSE;  // unknown ioctl: umockdev reports ENOTTY
    }
  }
};

FakeUsbFlowHead::FakeUsbFlowHead(profile::FlowStreamProfile profile, FlowScript script)
    : impl_(std::make_unique<Impl>(std::move(profile), std::move(script))) {
  impl_->frames = &frames_;
}

FakeUsbFlowHead::~FakeUsbFlowHead() {
  impl_->run = false;
  if (impl_->producer.joinable()) impl_->producer.join();
  {
    std::lock_guard lock(impl_->mu);
    for (auto* d : impl_->flying_in) umockdev_ioctl_data_unref(d);
    for (auto* d : impl_->done) umockdev_ioctl_data_unref(d);
    impl_->flying_in.clear();
    impl_->done.clear();
  }
  if (impl_->handler) g_object_unref(impl_->handler);
  if (impl_->testbed) g_object_unref(impl_->testbed);
}

bool FakeUsbFlowHead::plug(std::string* why) {
  auto& m = *impl_;
  m.testbed = umockdev_testbed_new();
  if (!m.testbed) {
    if (why) *why = "umockdev testbed unavailable (is the process linked with umockdev-preload?)";
    return false;
  }
  m.handler = umockdev_ioctl_base_new();
  g_signal_connect(m.handler, "handle-ioctl", G_CALLBACK(&Impl::on_ioctl), &m);
  GError* err = nullptr;
  if (!umockdev_testbed_attach_ioctl(m.testbed, "/dev/bus/usb/001/002", m.handler, &err)) {
    if (why) *why = std::string("attach_ioctl: ") + (err ? err->message : "?");
    if (err) g_error_free(err);
    return false;
  }
  const auto& u = m.profile.usb;
  std::vector<std::uint8_t> desc = {18,
                                    1,
                                    0x00,
                                    0x02,
                                    0,
                                    0,
                                    0,
                                    64,
                                    static_cast<std::uint8_t>(u.vendor_id & 0xFF),
                                    static_cast<std::uint8_t>(u.vendor_id >> 8),
                                    static_cast<std::uint8_t>(u.product_id & 0xFF),
                                    static_cast<std::uint8_t>(u.product_id >> 8),
                                    0x00,
                                    0x01,
                                    0,
                                    0,
                                    0,
                                    1,
                                    9,
                                    2,
                                    32,
                                    0,
                                    1,
                                    1,
                                    0,
                                    0x80,
                                    50,  // configuration
                                    9,
                                    4,
                                    static_cast<std::uint8_t>(u.interface_number),
                                    0,
                                    2,
                                    0xFF,
                                    0,
                                    0,
                                    0,  // interface
                                    7,
                                    5,
                                    u.endpoint_in,
                                    2,
                                    0x00,
                                    0x02,
                                    0,  // bulk IN, 512
                                    7,
                                    5,
                                    u.endpoint_out,
                                    2,
                                    0x00,
                                    0x02,
                                    0};  // bulk OUT, 512
  m.syspath = "/sys/devices/pci0000:00/usb1/1-1";
  const std::string spec =
      "P: /devices/pci0000:00/usb1/1-1\n"
      "N: bus/usb/001/002\n"
      "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: DRIVER=usb\nE: BUSNUM=001\nE: DEVNUM=002\n"
      "E: DEVNAME=/dev/bus/usb/001/002\n"
      "A: busnum=1\\n\nA: devnum=2\\n\nA: speed=480\\n\nA: bConfigurationValue=1\\n\n"
      "H: descriptors=" +
      hex(desc) + "\n";
  if (!umockdev_testbed_add_from_string(m.testbed, spec.c_str(), &err)) {
    if (why) *why = std::string("add_from_string: ") + (err ? err->message : "?");
    if (err) g_error_free(err);
    return false;
  }
  m.run = true;
  m.producer = std::thread([&m] { m.produce(); });
  return true;
}

void FakeUsbFlowHead::unplug() {
  auto& m = *impl_;
  {
    std::lock_guard lock(m.mu);
    m.gone = true;
    // In-flight URBs are given back as failed (what the kernel does on disconnect).
    for (auto* d : m.flying_in) {
      reinterpret_cast<usbdevfs_urb*>(d->data)->status = -ENODEV;
      umockdev_ioctl_data_unref(d);
    }
    m.flying_in.clear();
    for (auto* d : m.done) umockdev_ioctl_data_unref(d);
    m.done.clear();
    m.queue.clear();  // bytes in the cable are lost with it
  }
  umockdev_testbed_uevent(m.testbed, m.syspath.c_str(), "remove");
}

void FakeUsbFlowHead::replug() {
  auto& m = *impl_;
  {
    std::lock_guard lock(m.mu);
    m.gone = false;
  }
  umockdev_testbed_uevent(m.testbed, m.syspath.c_str(), "add");
}

std::uint16_t FakeUsbFlowHead::raw_at(std::int64_t index) const {
  return impl_->raw_at(index);
}

std::vector<std::uint8_t> FakeUsbFlowHead::delivered_bytes() const {
  std::lock_guard lock(impl_->mu);
  return impl_->delivered;
}

std::vector<std::uint8_t> FakeUsbFlowHead::host_commands() const {
  std::lock_guard lock(impl_->mu);
  return impl_->commands;
}

bool FakeUsbFlowHead::drain() {
  impl_->producing = false;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < end) {
    {
      std::lock_guard lock(impl_->mu);
      if (impl_->queue.empty()) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace odyo::devsim
