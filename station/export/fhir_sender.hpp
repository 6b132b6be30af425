#pragma once
// The outbox's sender to a FHIR R4 server (issue 16; docs/export.md): each message is the signed
// exam's transaction Bundle (fhir_bundle.hpp, made at signing, the PDF report inside), POSTed to
// the destination's base URL (Boost.Beast, one kept-alive connection per run; an https URL is TLS
// 1.2+ with the server's certificate checked against ca_file and the host: tcp_link.hpp).
// - 2xx with a `transaction-response` Bundle: delivered. Resending what the server holds is
//   harmless: every entry is a conditional create (ifNoneExist on the station's identifier).
// - 4xx (but 408 and 429): rejected, with the server's OperationOutcome diagnostics; a person fixes
//   the cause and resends with `export retry ID`. A 2xx answer that is not a transaction-response
//   (a wrong URL answered by some other web server) is rejected too.
// - 5xx, 408, 429, no connection, a dropped connection or no answer within timeout_s: retry
//   later with back-off.
// Thread-safety: one sender per thread.

#include <memory>

#include "station/config/outbox_settings.hpp"
#include "station/export/outbox.hpp"

namespace odyo::station {

std::unique_ptr<DestinationSender> make_fhir_sender(const ExportDestination& destination);

// How an HTTP answer to a transaction Bundle counts (exposed for the unit tests).
Delivery fhir_delivery(int http_status, const std::string& body);

}  // namespace odyo::station
