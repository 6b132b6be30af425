#include "station/export/tcp_link.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <optional>

#include "analysis/core/error_text.hpp"

namespace odyo::station {

namespace beast = boost::beast;
namespace asio = boost::asio;

namespace {
Error net_error(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return make_error("net_timeout", "timed out");
  return make_errorf("net_error", "{}", verbatim(ec.message()));
}
}  // namespace

Result<void> TcpLink::connect(const std::string& host, const std::string& port) {
  close();
  asio::ip::tcp::resolver resolver(io_);
  beast::error_code ec;
  const auto addresses = resolver.resolve(host, port, ec);
  if (ec) return net_error(ec);
  auto r = run([&](Done done) {
    stream_.async_connect(
        addresses, [done = std::move(done)](beast::error_code e, const asio::ip::tcp::endpoint&) {
          done(e, 0);
        });
  });
  if (!r) return r.error();
  return {};
}

void TcpLink::close() {
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
}

Result<std::size_t> TcpLink::run(const std::function<void(Done)>& start) {
  std::optional<beast::error_code> result;
  std::size_t n = 0;
  stream_.expires_after(timeout_);
  start([&](beast::error_code e, std::size_t bytes) {
    result = e;
    n = bytes;
  });
  io_.restart();
  io_.run();
  if (!result) return make_error("net_timeout", "timed out");
  if (*result) {
    close();
    return net_error(*result);
  }
  return n;
}

}  // namespace odyo::station
