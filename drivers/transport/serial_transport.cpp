#include "drivers/transport/serial_transport.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <future>

#include "drivers/transport/serial_discovery.hpp"

namespace odyo::drivers {

namespace {

speed_t to_speed(unsigned baud) {
  switch (baud) {
    case 1200:
      return B1200;
    case 2400:
      return B2400;
    case 4800:
      return B4800;
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 230400:
      return B230400;
    case 460800:
      return B460800;
    case 921600:
      return B921600;
    default:
      return B115200;
  }
}

bool means_unplugged(const boost::system::error_code& ec) {
  return ec == boost::asio::error::eof || ec.value() == EIO || ec.value() == ENXIO ||
         ec.value() == ENODEV || ec == boost::asio::error::bad_descriptor;
}

}  // namespace

std::optional<SerialSettings> parse_serial_uri(const std::string& uri, IoError* why) {
  const std::string prefix = "serial:";
  if (uri.rfind(prefix, 0) != 0) {
    if (why)
      *why = {"bad_uri",
              "'" + uri +
                  "' is not a serial URI: use serial:/dev/ttyUSB0 or serial:usb:VID:PID[:SERIAL]"};
    return std::nullopt;
  }
  std::string rest = uri.substr(prefix.size());
  SerialSettings s;
  if (auto q = rest.find('?'); q != std::string::npos) {
    std::string query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    if (query.rfind("baud=", 0) == 0) {
      try {
        s.baud_rate = static_cast<unsigned>(std::stoul(query.substr(5)));
      } catch (const std::exception&) {
        if (why) *why = {"bad_uri", "'" + uri + "': baud must be a number, e.g. ?baud=9600"};
        return std::nullopt;
      }
    }
  }
  if (rest.rfind("usb:", 0) == 0) {
    auto path = find_serial_by_usb(rest.substr(4), why);
    if (!path) return std::nullopt;
    s.path = *path;
  } else {
    s.path = rest;
  }
  if (s.path.empty()) {
    if (why) *why = {"bad_uri", "'" + uri + "' names no port: use serial:/dev/ttyUSB0"};
    return std::nullopt;
  }
  return s;
}

SerialTransport::SerialTransport(boost::asio::io_context& io, SerialSettings settings)
    : io_(io), settings_(std::move(settings)) {}

SerialTransport::~SerialTransport() {
  stop();
}

IoStatus SerialTransport::start(TransportCallbacks callbacks) {
  stop();
  const int fd = ::open(settings_.path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == EBUSY)
      return IoError{"port_busy",
                     settings_.path +
                         " is in use by another program (another station?): close it there first"};
    if (e == ENOENT || e == ENXIO || e == ENODEV)
      return IoError{"not_found", settings_.path + " does not exist: is the device plugged in? (" +
                                      std::strerror(e) + ")"};
    return IoError{"open_failed", "cannot open " + settings_.path + ": " + std::strerror(e) +
                                      " (check permissions: the user must be in group dialout)"};
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return IoError{
        "port_busy",
        settings_.path + " is in use by another program (another station?): close it there first"};
  }
  (void)::ioctl(fd, TIOCEXCL);  // keeps non-root openers out; flock covers root
  termios tio{};
  if (::tcgetattr(fd, &tio) == 0) {
    ::cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    ::cfsetispeed(&tio, to_speed(settings_.baud_rate));
    ::cfsetospeed(&tio, to_speed(settings_.baud_rate));
    (void)::tcsetattr(fd, TCSANOW, &tio);
  }
  if (settings_.assert_dtr_rts) {
    int lines = TIOCM_DTR | TIOCM_RTS;
    if (::ioctl(fd, TIOCMBIS, &lines) != 0) {
      // A pty and some bridges have no modem lines: ENOTTY/EINVAL are not errors.
      if (errno == ENOTTY || errno == EINVAL) modem_lines_unsupported_ = true;
    }
  }
  port_ = std::make_unique<boost::asio::serial_port>(io_);
  boost::system::error_code ec;
  port_->assign(fd, ec);
  if (ec) {
    ::close(fd);
    port_.reset();
    return IoError{"open_failed", "cannot use " + settings_.path + ": " + ec.message()};
  }
  cb_ = std::move(callbacks);
  closed_reported_ = false;
  running_ = true;
  boost::asio::post(io_, [this] { arm_read(); });
  return {};
}

void SerialTransport::arm_read() {
  if (!running_ || !port_) return;
  port_->async_read_some(
      boost::asio::buffer(buf_), [this](const boost::system::error_code& ec, std::size_t n) {
        const auto arrival = IoClock::now();
        if (ec == boost::asio::error::operation_aborted || !running_) return;
        if (n > 0 && cb_.on_bytes)
          cb_.on_bytes(std::span<const std::uint8_t>(buf_.data(), n), arrival);
        if (ec) {
          IoError why;
          if (means_unplugged(ec))
            why = {"unplugged", settings_.path + " went away (" + ec.message() +
                                    "): the device was unplugged or switched off; plug it back in"};
          else
            why = {"read_failed", "reading " + settings_.path + " failed: " + ec.message()};
          close_now();
          if (!closed_reported_.exchange(true) && cb_.on_closed) cb_.on_closed(why);
          return;
        }
        arm_read();
      });
}

IoStatus SerialTransport::write(std::span<const std::uint8_t> bytes) {
  std::lock_guard lock(write_mutex_);
  if (!running_ || !port_) return IoError{"not_open", settings_.path + " is not open"};
  // Blocking write on the non-blocking descriptor: loop with poll-free retries.
  const int fd = port_->native_handle();
  std::size_t done = 0;
  int spins = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w > 0) {
      done += static_cast<std::size_t>(w);
      continue;
    }
    if (w < 0 && (errno == EAGAIN || errno == EINTR) && ++spins < 2000) {
      ::usleep(500);
      continue;
    }
    return IoError{"write_failed",
                   "writing to " + settings_.path + " failed: " + std::strerror(errno)};
  }
  return {};
}

void SerialTransport::close_now() {
  running_ = false;
  if (port_) {
    boost::system::error_code ignored;
    port_->cancel(ignored);
    port_->close(ignored);  // closing the descriptor releases the flock
  }
}

void SerialTransport::stop() {
  if (!port_) return;
  if (io_.get_executor().running_in_this_thread() || io_.stopped()) {
    close_now();
    if (!io_.get_executor().running_in_this_thread()) port_.reset();
    return;
  }
  // Close on the io thread, then wait for a barrier posted after the aborted read's handler,
  // so that no handler touches this object after stop() returns.
  auto barrier = std::make_shared<std::promise<void>>();
  auto fut = barrier->get_future();
  boost::asio::post(io_, [this, barrier] {
    close_now();
    boost::asio::post(io_, [barrier] { barrier->set_value(); });
  });
  if (fut.wait_for(std::chrono::seconds(2)) != std::future_status::ready) {
    // Nobody runs the io_context: no handler can run concurrently with us.
    close_now();
  }
  port_.reset();
}

}  // namespace odyo::drivers
