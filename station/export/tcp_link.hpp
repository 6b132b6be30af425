#pragma once
// A blocking TCP connection with a time limit on every step, for the network senders of the
// outbox (fhir_sender, mllp_sender): each step runs one Boost.Asio/Beast asynchronous operation
// on a private io_context until it ends or `timeout` passes (then the socket is closed and the
// step fails with "timed out"). Errors are the system's words, quoted (verbatim).
//
// Optionally TLS (Boost.Asio ssl over OpenSSL): TLS 1.2 or later, the server's certificate
// verified against the configured CA file (or the system's CA store when none is given) and
// checked against the host name (or IP address) the station connects to; a server that fails
// either is refused, with OpenSSL's reason ("certificate verify failed: hostname mismatch").
// The link is itself an asynchronous stream (async_read_some / async_write_some), plain or TLS,
// so the senders write HTTP or MLLP frames to it the same way in both cases.
// Thread-safety: one thread per link.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/config/outbox_settings.hpp"
#include "station/export/outbox.hpp"

namespace odyo::station {

// How a link protects what it carries.
struct TlsSettings {
  bool enabled = false;
  std::string ca_file;  // PEM file of the CA(s) to trust; "" = the system's CA store
};

class TcpLink {
 public:
  using Done = std::function<void(boost::beast::error_code, std::size_t)>;
  using executor_type = boost::beast::tcp_stream::executor_type;

  explicit TcpLink(std::chrono::milliseconds timeout, TlsSettings tls = {})
      : timeout_(timeout), tls_(std::move(tls)) {}

  // Resolves `host` and connects to `port` (every address in turn); with TLS, then the handshake
  // and the checks of the server's certificate.
  Result<void> connect(const std::string& host, const std::string& port);
  [[nodiscard]] bool is_open() const { return stream_.socket().is_open(); }
  void close();

  // Runs the operation `start` begins (it must call the handler it is given once) to its end or
  // the time limit; the bytes it transferred.
  Result<std::size_t> run(const std::function<void(Done)>& start);

  // The connection as an asynchronous stream (TLS when configured): pass `stream()` to
  // http::async_write, asio::async_read_until, …
  TcpLink& stream() { return *this; }
  executor_type get_executor() { return stream_.get_executor(); }
  template <class Buffers, class Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    if (ssl_)
      ssl_->async_read_some(buffers, std::forward<Handler>(handler));
    else
      stream_.async_read_some(buffers, std::forward<Handler>(handler));
  }
  template <class Buffers, class Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    if (ssl_)
      ssl_->async_write_some(buffers, std::forward<Handler>(handler));
    else
      stream_.async_write_some(buffers, std::forward<Handler>(handler));
  }

 private:
  Result<void> handshake(const std::string& host);

  std::chrono::milliseconds timeout_;
  TlsSettings tls_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_{io_};
  std::unique_ptr<boost::asio::ssl::context> ssl_ctx_;
  std::unique_ptr<boost::asio::ssl::stream<boost::beast::tcp_stream&>> ssl_;
};

// A destination reached over one TcpLink that takes its messages one at a time (the FHIR and
// HL7/MLLP senders): open() connects to the destination's endpoint (with TLS when the destination
// asks for it: an https URL, `tls = true`), deliver() hands each message of the batch to
// deliver_one(). `unreachable` words the connection error for the destination.
class OneLinkSender : public DestinationSender {
 public:
  Result<void> open() final {
    auto ep = destination_endpoint(dest_);
    if (!ep) return ep.error();
    ep_ = *ep;
    link_ = std::make_unique<TcpLink>(
        std::chrono::milliseconds(static_cast<std::int64_t>(dest_.timeout_s * 1000.0)),
        TlsSettings{ep_.tls, dest_.ca_file});
    if (auto c = link_->connect(ep_.host, ep_.port); !c) return unreachable(c.error());
    return {};
  }

  std::vector<Delivery> deliver(const std::vector<OutboxMessage>& batch) final {
    std::vector<Delivery> out;
    out.reserve(batch.size());
    for (const auto& m : batch)
      out.push_back(link_ ? deliver_one(m) : Delivery{Delivery::Outcome::retry, "not connected"});
    return out;
  }

 protected:
  explicit OneLinkSender(ExportDestination d) : dest_(std::move(d)) {}

  virtual Delivery deliver_one(const OutboxMessage& m) = 0;
  [[nodiscard]] virtual Error unreachable(const Error& why) const = 0;

  ExportDestination dest_;
  Endpoint ep_;
  std::unique_ptr<TcpLink> link_;  // made by open()
};

}  // namespace odyo::station
