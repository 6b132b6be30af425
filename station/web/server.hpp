#pragma once
// The HTTP server of the web pages: Boost.Beast on one io_context thread, which is also the
// thread of the station's Database (station/web/web_app.hpp answers each request).
#include <cstdint>
#include <functional>
#include <string>

#include "analysis/core/result.hpp"

namespace odyo::station::web {

class WebApp;

struct ServerOptions {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8080;               // 0: any free port (printed through on_listening)
  std::size_t max_body_bytes = 1U << 20U;  // a larger request is refused (413)
  // HTTPS: the certificate chain and its private key (PEM files). Both or neither; with them the
  // server speaks TLS only (TLS 1.2 or later) and the session cookie gets Secure.
  std::string tls_cert_file{};
  std::string tls_key_file{};
  bool tls() const { return !tls_cert_file.empty(); }
};

// Serves until SIGINT or SIGTERM. `on_listening` gets the bound port once accepting.
Result<void> serve(WebApp& app, const ServerOptions& options,
                   const std::function<void(std::uint16_t)>& on_listening);

}  // namespace odyo::station::web
