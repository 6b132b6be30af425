// odyospiro serve — the web pages' server (station/web). The server process opens the database
// as the station's service account; every person logs in through the pages (the same check as
// the command line) and each request is checked against the route's roles.
#include <iostream>

#include "station/cli/context.hpp"
#include "station/web/server.hpp"
#include "station/web/web_app.hpp"

namespace odyo::station {

void register_serve_command(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<web::ServerOptions>();
  auto* serve = app.add_subcommand(
      "serve", "Serve the web pages and their API (log in through the pages; docs/security.md)");
  serve->add_option("--bind", o->bind, "Address to listen on (default 127.0.0.1: this PC only)");
  serve->add_option("--port", o->port, "TCP port (0: any free port, printed at start)")
      ->check(CLI::Range(0, 65535));
  auto* cert = serve->add_option("--tls-cert", o->tls_cert_file,
                                 "HTTPS: the server's certificate chain (PEM); with --tls-key");
  auto* key = serve->add_option("--tls-key", o->tls_key_file,
                                "HTTPS: the certificate's private key (PEM); with --tls-cert");
  cert->needs(key);
  key->needs(cert);
  serve->callback([&ctx, o] {
    auto cfg = ctx.config();
    if (!cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db_without_login(false);
    if (!db) return (void)ctx.fail(db.error(), 2);
    web::WebApp webapp(**db, **cfg, o->tls(), ctx.catalog().language());
    auto r = web::serve(webapp, *o, [&](std::uint16_t port) {
      ctx.out() << ctx.tr("Listening on ") << (o->tls() ? "https://" : "http://") << o->bind << ":"
                << port << "/" << std::endl;
    });
    if (!r) return (void)ctx.fail(r.error(), 2);
  });
}

}  // namespace odyo::station
