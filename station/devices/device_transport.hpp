#pragma once
// The transport for a device URI: serial:/dev/ttyUSB0[?baud=N], serial:usb:VID:PID[:SERIAL],
// usb:VID:PID[:SERIAL] (hex). A flow-stream profile, when given, supplies the baud rate (unless
// the URI names one) and the USB interface, endpoints and transfer size.
// Thread-safety: call from the owner's thread; the transport runs on `io` (serial) or on the
// UsbContext's event thread (USB), created on demand into `usb_ctx`.
#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "analysis/core/result.hpp"
#include "drivers/profile/profile.hpp"
#include "drivers/transport/byte_transport.hpp"
#include "drivers/transport/usb_transport.hpp"

namespace odyo::station {

struct TransportOptions {
  const profile::FlowStreamProfile* flow = nullptr;  // spirometer head
  unsigned baud = 0;                                 // else: the profile's or the transport's
  bool assert_dtr_rts = true;
};

Result<std::unique_ptr<drivers::ByteTransport>> make_transport(
    const std::string& uri, boost::asio::io_context& io, const TransportOptions& o,
    std::unique_ptr<drivers::UsbContext>& usb_ctx);

}  // namespace odyo::station
