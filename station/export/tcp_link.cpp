#include "station/export/tcp_link.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <optional>

#include "analysis/core/error_text.hpp"

namespace odyo::station {

namespace beast = boost::beast;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

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
  if (tls_.enabled) {
    if (auto h = handshake(host); !h) {
      close();
      return h.error();
    }
  }
  return {};
}

Result<void> TcpLink::handshake(const std::string& host) {
  if (!ssl_ctx_) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    // TLS 1.2 at least; nothing older is offered or accepted.
    if (SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION) != 1)
      return make_error("tls_setup", "TLS: cannot require TLS 1.2 or later");
    ctx->set_verify_mode(ssl::verify_peer);
    beast::error_code ec;
    if (tls_.ca_file.empty()) {
      ctx->set_default_verify_paths(ec);
      if (ec) {
        return make_errorf("tls_ca", "TLS: the system's CA store cannot be read: {}",
                           verbatim(ec.message()));
      }
    } else {
      ctx->load_verify_file(tls_.ca_file, ec);
      if (ec) {
        return make_errorf("tls_ca", "TLS: the CA file {} cannot be read as PEM certificates: {}",
                           verbatim(tls_.ca_file), verbatim(ec.message()));
      }
    }
    ssl_ctx_ = std::move(ctx);
  }
  ssl_ = std::make_unique<ssl::stream<beast::tcp_stream&>>(stream_, *ssl_ctx_);
  SSL* s = ssl_->native_handle();
  // The certificate must name the host the station connects to: an IP address is checked against
  // the certificate's IP addresses, a name against its DNS names (and sent as SNI).
  beast::error_code not_ip;
  asio::ip::make_address(host, not_ip);
  if (!not_ip) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s), host.c_str()) != 1)
      return make_errorf("tls_setup", "TLS: cannot check the address {}", verbatim(host));
  } else {
    // SSL_set_tlsext_host_name without its macro's C cast.
    if (SSL_set1_host(s, host.c_str()) != 1 ||
        SSL_ctrl(s, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(host.c_str())) != 1)
      return make_errorf("tls_setup", "TLS: cannot check the host name {}", verbatim(host));
  }
  // The verification result is read in the handler: a failed step closes the link (and ends the
  // TLS session) before run() returns.
  long verify = X509_V_OK;
  auto r = run([&](Done done) {
    ssl_->async_handshake(ssl::stream_base::client,
                          [done = std::move(done), s, &verify](beast::error_code e) {
                            verify = SSL_get_verify_result(s);
                            done(e, 0);
                          });
  });
  if (r) return {};
  if (verify != X509_V_OK) {
    const auto why = verbatim(X509_verify_cert_error_string(verify));
    if (tls_.ca_file.empty()) {
      return make_errorf("tls_refused",
                         "TLS: the server's certificate was refused: {} (trusted: the system's CA "
                         "store; expected host {})",
                         why, verbatim(host));
    }
    return make_errorf("tls_refused",
                       "TLS: the server's certificate was refused: {} (trusted: the CA file {}; "
                       "expected host {})",
                       why, verbatim(tls_.ca_file), verbatim(host));
  }
  return make_errorf("tls_failed", "TLS handshake failed: {}", r.error());
}

void TcpLink::close() {
  ssl_.reset();  // a TLS session does not outlive its connection
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
