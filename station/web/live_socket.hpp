#pragma once
// The WebSocket of a live page (station/web/live.hpp: spirometry, live_audiometry.cpp:
// audiometry), over plain HTTP or over TLS (wss): the handshake, the read loop, the write queue
// and a 20 ms tick, written once for both streams (a template over the stream, type-erased
// behind LiveSocket), so a live session is the same code whichever way the page connected.
//
// A session implements LiveHandler; the socket owns it and calls it on the server's io_context
// thread (the Database's). The handler sends through the LiveSocket it was made with.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "analysis/core/result.hpp"

namespace odyo::station::web {

class WebApp;

class LiveSocket {
 public:
  virtual ~LiveSocket() = default;
  LiveSocket() = default;
  LiveSocket(const LiveSocket&) = delete;
  LiveSocket& operator=(const LiveSocket&) = delete;
  // Queues a text message (io thread). Dropped once the socket has closed.
  virtual void send(std::string text) = 0;
  // An error message {"type":"error", code, message} in the session's language.
  void fail(const Error& e);
  [[nodiscard]] virtual boost::asio::any_io_executor executor() = 0;
  [[nodiscard]] const std::string& language() const { return language_; }

 protected:
  std::string language_ = "tr";
};

class LiveHandler {
 public:
  virtual ~LiveHandler() = default;
  LiveHandler() = default;
  LiveHandler(const LiveHandler&) = delete;
  LiveHandler& operator=(const LiveHandler&) = delete;
  virtual void on_message(const nlohmann::json& msg) = 0;  // a message from the page
  virtual void on_tick() {}                                // every 20 ms while open
  virtual void on_closed() = 0;                            // the page has gone
};

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Takes over a connection whose upgrade request the route accepted (status 101, `who` its
// body): answers the handshake and runs the session that `who["live"]` names (spirometry,
// audiometry).
void start_live(PlainStream&& stream,
                boost::beast::http::request<boost::beast::http::string_body> upgrade, WebApp& app,
                const nlohmann::json& who);
void start_live(TlsStream&& stream,
                boost::beast::http::request<boost::beast::http::string_body> upgrade, WebApp& app,
                const nlohmann::json& who);

// The sessions (station/web/live.cpp, live_audiometry.cpp).
std::shared_ptr<LiveHandler> make_live_spirometry(LiveSocket& socket, WebApp& app,
                                                  const nlohmann::json& who);
std::shared_ptr<LiveHandler> make_live_audiometry(LiveSocket& socket, WebApp& app,
                                                  const nlohmann::json& who);

}  // namespace odyo::station::web
