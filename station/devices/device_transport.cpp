#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include "station/devices/device_transport.hpp"

#include "analysis/core/error_text.hpp"
#include "drivers/transport/serial_transport.hpp"

namespace odyo::station {

Result<std::unique_ptr<drivers::ByteTransport>> make_transport(
    const std::string& uri, boost::asio::io_context& io, const TransportOptions& o,
    std::unique_ptr<drivers::UsbContext>& usb_ctx) {
  drivers::IoError why;
  if (uri.rfind("serial:", 0) == 0) {
    auto s = drivers::parse_serial_uri(uri, &why);
    if (!s) return Error{why.code, why.message};  // drivers' text, not (yet) in a catalogue
    if (uri.find("baud=") == std::string::npos) {
      if (o.baud != 0)
        s->baud_rate = o.baud;
      else if (o.flow != nullptr)
        s->baud_rate = o.flow->serial.baud;
    }
    s->assert_dtr_rts = o.assert_dtr_rts;
    return std::unique_ptr<drivers::ByteTransport>(
        std::make_unique<drivers::SerialTransport>(io, *s));
  }
  if (uri.rfind("usb:", 0) == 0) {
    auto s = drivers::parse_usb_uri(uri, &why);
    if (!s) return Error{why.code, why.message};  // drivers' text, not (yet) in a catalogue
    if (o.flow != nullptr) {
      s->interface_number = o.flow->usb.interface_number;
      s->endpoint_in = o.flow->usb.endpoint_in;
      s->endpoint_out = o.flow->usb.endpoint_out;
      s->transfer_bytes = o.flow->usb.transfer_bytes;
    }
    if (!usb_ctx) usb_ctx = drivers::UsbContext::create(&why);
    if (!usb_ctx) return Error{why.code, why.message};
    return std::unique_ptr<drivers::ByteTransport>(
        std::make_unique<drivers::UsbTransport>(*usb_ctx, *s));
  }
  return make_errorf("bad_uri",
                     "'{}' is not a device URI: use serial:/dev/ttyUSB0, serial:usb:VID:PID, "
                     "usb:VID:PID (hex), sim:NAME or a device id from the station configuration",
                     uri);
}

}  // namespace odyo::station
