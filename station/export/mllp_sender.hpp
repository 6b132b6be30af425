#pragma once
// The outbox's sender to an HL7 v2 receiver over MLLP (issue 16; docs/export.md): each message is
// the signed exam's ORU^R01 (hl7_oru.hpp, made at signing; MSH-10 `<exam id prefix>-ORU`, the
// same on every resend so the receiver can de-duplicate), framed 0x0B … 0x1C 0x0D on one TCP
// connection per run (plain TCP, or TLS 1.2+ with `tls = true`: the receiver's certificate is
// checked against ca_file and the host, tcp_link.hpp), one message at a time, each waiting for its
// ACK:
// - MSA-1 AA (or CA): delivered;
// - AR (or CR): rejected, with MSA-3 / ERR text; a person fixes the cause and resends it with
//   `export retry ID`;
// - AE (or CE), an ACK for another MSH-10 (MSA-2), no ACK within timeout_s, a refused or dropped
//   connection: retry later with back-off (the connection is closed: a late ACK must not be taken
//   for the next message's).
// Thread-safety: one sender per thread.

#include <memory>
#include <string>

#include "station/config/outbox_settings.hpp"
#include "station/export/outbox.hpp"

namespace odyo::station {

std::unique_ptr<DestinationSender> make_mllp_sender(const ExportDestination& destination);

// How an ACK (without its MLLP frame) to the message whose MSH-10 is `control_id` counts (exposed
// for the unit tests).
Delivery mllp_delivery(const std::string& control_id, const std::string& ack);

// MSH-10 of an HL7 v2 message ("" if none).
std::string hl7_control_id(const std::string& message);

}  // namespace odyo::station
