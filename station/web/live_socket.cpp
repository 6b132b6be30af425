#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include "station/web/live_socket.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <deque>

#include "analysis/core/error_text.hpp"
#include "station/core/i18n.hpp"

namespace odyo::station::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using nlohmann::json;

void LiveSocket::fail(const Error& e) {
  send(json{{"type", "error"}, {"code", e.code}, {"message", i18n::catalog(language_).localize(e)}}
           .dump());
}

namespace {

// A live page's messages go out every 30 ms (33 a second; the issue asks ≥ 25): at 50 a second
// headless Chromium on two cores fell behind receiving them (docs/performance.md).
constexpr auto kTick = std::chrono::milliseconds(30);

template <class Stream>
class Socket : public LiveSocket, public std::enable_shared_from_this<Socket<Stream>> {
 public:
  Socket(Stream&& stream, const json& who) : ws_(std::move(stream)), timer_(ws_.get_executor()) {
    language_ = who.value("language", std::string("tr"));
  }
  ~Socket() override {
    handler_.reset();  // its capture thread ends before the socket goes
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void start(http::request<http::string_body> upgrade, std::shared_ptr<LiveHandler> handler) {
    handler_ = std::move(handler);
    upgrade_ = std::move(upgrade);  // kept until the handshake's answer is written
    // The HTTP connection's deadline no longer applies: the WebSocket's own timeouts do.
    beast::get_lowest_layer(ws_).expires_never();
    ws_.read_message_max(4096);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(upgrade_, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return self->closed();
      self->read();
      self->tick();
    });
  }

  void send(std::string text) override {
    if (closed_) return;
    queue_.push_back(std::move(text));
    if (!writing_) write_next();
  }

  asio::any_io_executor executor() override { return ws_.get_executor(); }

 private:
  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->closed();
      const json msg = json::parse(beast::buffers_to_string(self->buffer_.data()), nullptr, false);
      self->buffer_.consume(self->buffer_.size());
      if (self->handler_) self->handler_->on_message(msg);
      if (!self->closed_) self->read();
    });
  }

  void closed() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    if (handler_) handler_->on_closed();
  }

  void tick() {
    timer_.expires_after(kTick);
    timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      if (self->handler_) self->handler_->on_tick();
      self->tick();
    });
  }

  void write_next() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                      self->queue_.pop_front();
                      if (ec) return self->closed();
                      if (self->queue_.empty()) {
                        self->writing_ = false;
                        return;
                      }
                      self->write_next();
                    });
  }

  websocket::stream<Stream> ws_;
  asio::steady_timer timer_;
  http::request<http::string_body> upgrade_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool closed_ = false;
  std::shared_ptr<LiveHandler> handler_;
};

template <class Stream>
void start(Stream&& stream, http::request<http::string_body> upgrade, WebApp& app,
           const json& who) {
  auto socket = std::make_shared<Socket<Stream>>(std::move(stream), who);
  const std::string live = who.value("live", std::string());
  std::shared_ptr<LiveHandler> handler = live == "audiometry"
                                             ? make_live_audiometry(*socket, app, who)
                                             : make_live_spirometry(*socket, app, who);
  socket->start(std::move(upgrade), std::move(handler));
}

}  // namespace

void start_live(PlainStream&& stream, http::request<http::string_body> upgrade, WebApp& app,
                const json& who) {
  start(std::move(stream), std::move(upgrade), app, who);
}

void start_live(TlsStream&& stream, http::request<http::string_body> upgrade, WebApp& app,
                const json& who) {
  start(std::move(stream), std::move(upgrade), app, who);
}

}  // namespace odyo::station::web
