#include "tools/devsim/record_sender.hpp"

#include <unistd.h>

#include <thread>

namespace odyo::devsim {

codec::Bytes RecordSender::send(const std::vector<codec::Bytes>& records,
                                std::chrono::milliseconds pause) {
  codec::Bytes sent;
  for (const auto& r : records) {
    std::size_t done = 0;
    for (int spins = 0; done < r.size() && spins < 1000 && pty_.plugged(); ++spins) {
      const ssize_t w = ::write(pty_.master_fd(), r.data() + done, r.size() - done);
      if (w > 0)
        done += static_cast<std::size_t>(w);
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    sent.insert(sent.end(), r.begin(), r.begin() + static_cast<std::ptrdiff_t>(done));
    std::this_thread::sleep_for(pause);
  }
  return sent;
}

codec::Bytes RecordSender::read_replies(std::size_t want, std::chrono::milliseconds wait) {
  codec::Bytes got;
  const auto end = std::chrono::steady_clock::now() + wait;
  std::uint8_t buf[256];
  while (got.size() < want && std::chrono::steady_clock::now() < end && pty_.plugged()) {
    const ssize_t n = ::read(pty_.master_fd(), buf, sizeof buf);
    if (n > 0)
      got.insert(got.end(), buf, buf + n);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return got;
}

}  // namespace odyo::devsim
