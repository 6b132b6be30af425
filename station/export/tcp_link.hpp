#pragma once
// A blocking TCP connection with a time limit on every step, for the network senders of the
// outbox (fhir_sender, mllp_sender): each step runs one Boost.Asio/Beast asynchronous operation
// on a private io_context until it ends or `timeout` passes (then the socket is closed and the
// step fails with "timed out"). Errors are the system's words, quoted (verbatim).
// Thread-safety: one thread per link.

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/config/outbox_settings.hpp"
#include "station/export/outbox.hpp"

namespace odyo::station {

class TcpLink {
 public:
  using Done = std::function<void(boost::beast::error_code, std::size_t)>;

  explicit TcpLink(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  // Resolves `host` and connects to `port` (every address in turn).
  Result<void> connect(const std::string& host, const std::string& port);
  [[nodiscard]] bool is_open() const { return stream_.socket().is_open(); }
  void close();

  // Runs the operation `start` begins (it must call the handler it is given once) to its end or
  // the time limit; the bytes it transferred.
  Result<std::size_t> run(const std::function<void(Done)>& start);

  boost::beast::tcp_stream& stream() { return stream_; }

 private:
  std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_{io_};
};

// A destination reached over one TcpLink that takes its messages one at a time (the FHIR and
// HL7/MLLP senders): open() connects to the destination's endpoint, deliver() hands each message
// of the batch to deliver_one(). `unreachable` words the connection error for the destination.
class OneLinkSender : public DestinationSender {
 public:
  Result<void> open() final {
    auto ep = destination_endpoint(dest_);
    if (!ep) return ep.error();
    ep_ = *ep;
    if (auto c = link_.connect(ep_.host, ep_.port); !c) return unreachable(c.error());
    return {};
  }

  std::vector<Delivery> deliver(const std::vector<OutboxMessage>& batch) final {
    std::vector<Delivery> out;
    out.reserve(batch.size());
    for (const auto& m : batch) out.push_back(deliver_one(m));
    return out;
  }

 protected:
  explicit OneLinkSender(ExportDestination d)
      : dest_(std::move(d)),
        link_(std::chrono::milliseconds(static_cast<std::int64_t>(dest_.timeout_s * 1000.0))) {}

  virtual Delivery deliver_one(const OutboxMessage& m) = 0;
  [[nodiscard]] virtual Error unreachable(const Error& why) const = 0;

  ExportDestination dest_;
  Endpoint ep_;
  TcpLink link_;
};

}  // namespace odyo::station
