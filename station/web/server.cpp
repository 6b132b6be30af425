#include "station/web/server.hpp"
#include "analysis/core/error_text.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <chrono>
#include <memory>
#include <optional>

#include "station/core/i18n.hpp"
#include "station/web/live_socket.hpp"
#include "station/web/web_app.hpp"

namespace odyo::station::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// Every answer forbids what the pages do not need: scripts, styles, images and requests only from
// this server (no inline script or style, no plug-in, no frame, no other site), and no sniffing
// of a content type.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

http::response<http::string_body> to_http(const Reply& reply, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(reply.status), version};
  res.set(http::field::server, "odyospiro");
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy", kContentSecurityPolicy);
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
  for (const auto& c : reply.set_cookies) res.insert(http::field::set_cookie, c);
  if (!reply.content_type.empty()) {
    res.set(http::field::content_type, reply.content_type);
    res.body() = reply.raw_body;
  } else {
    res.set(http::field::content_type, "application/json; charset=utf-8");
    // JSON escapes '<' nowhere by itself: a name with <script> stays text in a JSON string, and
    // the content type says it is not HTML.
    res.body() = reply.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

beast::tcp_stream& tcp_of(beast::tcp_stream& s) {
  return s;
}
beast::tcp_stream& tcp_of(beast::ssl_stream<beast::tcp_stream>& s) {
  return s.next_layer();
}

// One client connection, plain (`Stream` = beast::tcp_stream) or TLS (beast::ssl_stream over it).
template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(tcp::socket socket, WebApp& app,
             std::size_t max_body) requires std::is_same_v<Stream, beast::tcp_stream>
      : stream_(std::move(socket)), app_(app), max_body_(max_body) {}
  Connection(tcp::socket socket, ssl::context& tls, WebApp& app,
             std::size_t max_body) requires(!std::is_same_v<Stream, beast::tcp_stream>)
      : stream_(std::move(socket), tls), app_(app), max_body_(max_body) {}

  void start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      read();
    } else {
      // A client that does not finish its TLS handshake in time is dropped; one that speaks plain
      // HTTP to the HTTPS port fails the handshake and gets no answer.
      tcp_of(stream_).expires_after(std::chrono::seconds(30));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->read();
                              });
    }
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(max_body_);
    parser_->header_limit(16 * 1024);
    tcp_of(stream_).expires_after(std::chrono::seconds(60));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return close();
    if (ec == http::error::body_limit) {
      return write(to_http(
          Reply{413,
                {{"error",
                  {{"code", "too_large"}, {"message", "the request body is larger than allowed"}}}},
                {}},
          11, false));
    }
    if (ec) return;  // timeout or broken connection: nothing to answer
    const auto& req = parser_->get();
    Request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    if (auto it = req.find(http::field::cookie); it != req.end())
      r.cookie = std::string(it->value());
    if (auto it = req.find("X-CSRF-Token"); it != req.end()) r.csrf = std::string(it->value());
    if (auto it = req.find(http::field::accept_language); it != req.end())
      r.accept_language = std::string(it->value());
    r.body = req.body();
    // A WebSocket upgrade goes through its route like any request; accepted (101), the
    // connection is handed to the live session (station/web/live).
    r.upgrade = beast::websocket::is_upgrade(req);
    if (r.upgrade) {
      r.origin = std::string(req[http::field::origin]);
      r.host = std::string(req[http::field::host]);
    }
    Reply reply = app_.handle(r);
    // Over TLS the WebSocket runs over the same TLS stream (wss://).
    if (r.upgrade && reply.status == 101)
      return start_live(std::move(stream_), parser_->release(), app_, reply.body);
    write(to_http(reply, req.version(), req.keep_alive()));
  }

  void write(http::response<http::string_body> res) {
    auto sp = std::make_shared<http::response<http::string_body>>(std::move(res));
    http::async_write(stream_, *sp,
                      [self = this->shared_from_this(), sp](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        if (!sp->keep_alive()) return self->close();
                        self->read();
                      });
  }

  void close() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    } else {
      tcp_of(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    }
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  WebApp& app_;
  std::size_t max_body_;
};

// `tls`: null for plain HTTP.
void accept(tcp::acceptor& acceptor, ssl::context* tls, WebApp& app, std::size_t max_body) {
  acceptor.async_accept([&acceptor, tls, &app, max_body](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    // No Nagle delay: a live page's small WebSocket frames, 33 a second, would otherwise wait
    // for the browser's delayed ACK of the one before (tens of ms each time).
    if (!ec) {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
    }
    if (!ec && tls == nullptr) {
      std::make_shared<Connection<beast::tcp_stream>>(std::move(socket), app, max_body)->start();
    } else if (!ec) {
      std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), *tls,
                                                                         app, max_body)
          ->start();
    }
    accept(acceptor, tls, app, max_body);
  });
}

// The server's TLS context from the PEM files: TLS 1.2 or later only.
Result<void> load_tls(ssl::context& tls, const ServerOptions& o) {
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return make_error("tls_files",
                      "--tls-cert and --tls-key go together: give both files, or neither");
  }
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                  ssl::context::single_dh_use);
  beast::error_code ec;
  tls.use_certificate_chain_file(o.tls_cert_file, ec);
  if (ec) {
    return make_errorf("tls_cert", "--tls-cert {}: not a readable PEM certificate ({})",
                       o.tls_cert_file, ec.message());
  }
  tls.use_private_key_file(o.tls_key_file, ssl::context::pem, ec);
  if (ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
    return make_errorf("tls_key_mismatch", "--tls-key {} is not the key of the certificate {}",
                       o.tls_key_file, o.tls_cert_file);
  }
  if (ec) {
    return make_errorf("tls_key", "--tls-key {}: not a readable PEM private key ({})",
                       o.tls_key_file, ec.message());
  }
  return {};
}

}  // namespace

Result<void> serve(WebApp& app, const ServerOptions& options,
                   const std::function<void(std::uint16_t)>& on_listening) {
  asio::io_context io{1};
  ssl::context tls(ssl::context::tls_server);
  if (options.tls() || !options.tls_key_file.empty()) {
    if (auto r = load_tls(tls, options); !r) return r.error();
  }
  beast::error_code ec;
  const auto address = asio::ip::make_address(options.bind, ec);
  if (ec) {
    return make_errorf("bad_bind", "--bind {} is not an IP address (e.g. 127.0.0.1)", options.bind);
  }
  tcp::acceptor acceptor(io);
  const tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_errorf("listen_failed", "cannot listen on {}:{}: {}", options.bind, options.port,
                       ec.message());
  }
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    acceptor.close();
    io.stop();
  });
  accept(acceptor, options.tls() ? &tls : nullptr, app, options.max_body_bytes);
  on_listening(acceptor.local_endpoint().port());
  io.run();
  return {};
}

}  // namespace odyo::station::web
