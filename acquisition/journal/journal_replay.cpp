#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include "acquisition/journal/journal_replay.hpp"

#include <boost/asio/post.hpp>

namespace odyo::acquisition {

JournalReplayTransport::JournalReplayTransport(boost::asio::io_context& io, JournalReadback session,
                                               std::string uri,
                                               std::chrono::milliseconds unplug_pause)
    : io_(io), data_(std::move(session)), uri_(std::move(uri)), unplug_pause_(unplug_pause) {
  for (const auto& e : data_.events)
    if (e.kind == "unplugged") unplug_after_.push_back(e.after_sequence);
}

drivers::IoStatus JournalReplayTransport::start(drivers::TransportCallbacks callbacks) {
  if (closed_at_ != std::chrono::steady_clock::time_point{} &&
      std::chrono::steady_clock::now() - closed_at_ < unplug_pause_)
    return drivers::IoError{"not_found", "replayed unplug"};
  cb_ = std::move(callbacks);
  stopped_ = false;
  boost::asio::post(io_, [this] { deliver(); });
  return {};
}

void JournalReplayTransport::deliver() {
  while (!stopped_ && next_chunk_ < data_.chunks.size()) {
    const auto& c = data_.chunks[next_chunk_++];
    cb_.on_bytes(c.bytes,
                 drivers::IoClock::time_point(std::chrono::nanoseconds(c.arrival_steady_ns)));
    // An unplug journaled after this chunk (the chunks after it come from the replugged device).
    while (next_unplug_ < unplug_after_.size() && unplug_after_[next_unplug_] < c.sequence)
      ++next_unplug_;
    if (next_unplug_ < unplug_after_.size() && unplug_after_[next_unplug_] == c.sequence &&
        next_chunk_ < data_.chunks.size()) {
      ++next_unplug_;
      closed_at_ = std::chrono::steady_clock::now();
      cb_.on_closed({"unplugged", "replayed unplug"});
      return;
    }
  }
  if (next_chunk_ >= data_.chunks.size()) finished_ = true;
}

}  // namespace odyo::acquisition
