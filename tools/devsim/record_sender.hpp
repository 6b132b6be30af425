#pragma once
// RecordSender: a result-sending device (Welch Allyn TM262, GSI 61, Vitalograph) on a PtyLink:
// writes byte records (encoded by the codec, e.g. codec::tm262::encode_audiometry_record) with a
// pause between them, optionally with garbage between records or a corrupted record — what the
// device does when the technician presses "print/send" — and reads what the host answers.
// Thread-safety: one owner thread; send() blocks until written.

#include <chrono>
#include <vector>

#include "drivers/codec/codec.hpp"
#include "tools/devsim/pty_link.hpp"

namespace odyo::devsim {

class RecordSender {
 public:
  explicit RecordSender(std::filesystem::path link) : pty_(std::move(link)) {}
  bool plug(std::string* why = nullptr) { return pty_.plug(why); }
  void unplug() { pty_.unplug(); }
  // Writes every record, `pause` apart. Returns the bytes written.
  codec::Bytes send(const std::vector<codec::Bytes>& records, std::chrono::milliseconds pause);
  // What the host wrote back (Vitalograph ACK/NAK) within `wait`: returns as soon as `want`
  // bytes have arrived, or when `wait` is over.
  codec::Bytes read_replies(std::size_t want, std::chrono::milliseconds wait);

 private:
  PtyLink pty_;
};

}  // namespace odyo::devsim
