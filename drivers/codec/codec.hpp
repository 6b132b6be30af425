#pragma once
// Common vocabulary of the pure device codecs (bytes ⇄ frames, no I/O).
//
// Rules every codec in drivers/codec/ follows (DESIGN.md, reference/devices/README.md):
//  - Never throw on device data. A bad frame becomes a DecodeError value carrying the stream
//    offset of the first discarded byte, how many bytes were discarded and why; the decoder then
//    resynchronises on the next possible frame start.
//  - Streaming: feed() any chunking of the byte stream (one byte at a time or a whole USB
//    transfer) and get the same frames and errors; bytes of an incomplete frame are kept until
//    the next feed(). finish() reports what is left at the end of a stream as a truncated frame.
//  - Offsets are counted from the first byte ever fed to the decoder (or since reset()), so a
//    frame or an error can be found again in the raw journal, which stores the same bytes.
//
// Thread-safety: a decoder is a plain value type; use one instance from one thread at a time.

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace odyo::codec {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

// Stable error codes (DecodeError::code). The message says what happened and what to do.
namespace errc {
inline constexpr const char* garbage = "garbage";            // bytes that cannot start a frame
inline constexpr const char* bad_checksum = "bad_checksum";  // framing fine, checksum wrong
inline constexpr const char* bad_length = "bad_length";      // length/count field impossible
inline constexpr const char* bad_header = "bad_header";      // start byte seen, header invalid
inline constexpr const char* bad_field = "bad_field";        // framing + checksum fine, content not
inline constexpr const char* truncated = "truncated";        // stream ended inside a frame
inline constexpr const char* too_long = "too_long";          // no end marker within the limit
inline constexpr const char* bad_charset = "bad_charset";    // text not valid in its charset
inline constexpr const char* incomplete = "incomplete";      // file shorter than it says (GDT)
}  // namespace errc

struct DecodeError {
  std::uint64_t offset = 0;  // stream offset of the first byte discarded (or the bad byte)
  std::uint64_t length = 0;  // bytes discarded (0 when nothing was discarded, e.g. a bad field)
  std::string code;          // one of errc::*
  std::string message;       // for a person: what was wrong and what to do
};

// Frames and errors produced by one feed()/finish() call, in stream order within each vector.
template <typename Frame>
struct DecodeBatch {
  std::vector<Frame> frames;
  std::vector<DecodeError> errors;
  void clear() {
    frames.clear();
    errors.clear();
  }
};

// Expected<T>: a value or a DecodeError — the drivers room's own small result type (drivers may
// not include analysis/core/result.hpp).
template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Expected(DecodeError error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  [[nodiscard]] const DecodeError& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, DecodeError> v_;
};

// What a codec's parser says about the bytes at a possible frame start.
template <typename Frame>
struct ParseStep {
  enum class Kind { need_more, frame, reject };
  Kind kind = Kind::need_more;
  std::size_t length = 0;  // frame: bytes consumed; reject: bytes the bad frame claimed (≥ 1)
  Frame frame{};
  const char* code = errc::garbage;
  std::string message;

  static ParseStep need_more() { return {}; }
  static ParseStep ok(Frame f, std::size_t consumed) {
    ParseStep s;
    s.kind = Kind::frame;
    s.length = consumed;
    s.frame = std::move(f);
    return s;
  }
  static ParseStep reject(const char* c, std::string why, std::size_t claimed = 1) {
    ParseStep s;
    s.kind = Kind::reject;
    s.length = claimed == 0 ? 1 : claimed;
    s.code = c;
    s.message = std::move(why);
    return s;
  }
};

// StreamDecoder<Parser>: the resynchronising, incremental engine shared by the stream codecs.
// Parser must provide:
//   using Frame = ...;                 // with a member `std::uint64_t stream_offset`
//   bool is_start(std::uint8_t b) const;             // may a frame start with this byte?
//   ParseStep<Frame> parse(ByteSpan at, std::uint64_t offset);  // `at` begins at a start byte
//   std::size_t max_frame_bytes() const;             // parse never needs more than this
//   std::string describe_truncated(std::size_t have) const;     // message for finish()
// A rejected candidate is skipped one byte at a time; bytes inside the span the rejected frame
// claimed are reported within the same error (one bad frame → one error), and consecutive
// discarded bytes are merged into one error, emitted when the next frame is found, at flush(),
// at finish(), or every 4096 bytes of a long run. Frames and errors therefore do not depend on
// how the stream is chunked.
template <typename Parser>
class StreamDecoder {
 public:
  using Frame = typename Parser::Frame;
  using Batch = DecodeBatch<Frame>;

  StreamDecoder() = default;
  explicit StreamDecoder(Parser parser) : parser_(std::move(parser)) {}

  // Appends the frames and errors found in `bytes` to `out` (out is not cleared).
  void feed(ByteSpan bytes, Batch& out) {
    buf_.insert(buf_.end(), bytes.begin(), bytes.end());
    std::size_t p = 0;
    const std::size_t n = buf_.size();
    while (p < n) {
      const std::uint64_t pos = base_ + p;
      if (!parser_.is_start(buf_[p])) {
        extend_run(pos, errc::garbage, {}, out);
        ++p;
        continue;
      }
      ParseStep<Frame> step = parser_.parse(ByteSpan(buf_.data() + p, n - p), pos);
      if (p == 0 && expire_first_ && step.kind == ParseStep<Frame>::Kind::need_more) {
        // Claim every pending byte, so that false frame starts inside the abandoned frame merge
        // into this one error; real frames found inside are still delivered.
        step = ParseStep<Frame>::reject(
            errc::truncated, parser_.describe_truncated(n) + " (no more bytes arrived in time)", n);
      }
      expire_first_ = false;
      if (step.kind == ParseStep<Frame>::Kind::need_more) {
        if (n - p >= parser_.max_frame_bytes()) {
          step = ParseStep<Frame>::reject(errc::too_long,
                                          "no complete frame within " +
                                              std::to_string(parser_.max_frame_bytes()) +
                                              " bytes of a frame start");
        } else {
          break;  // keep the bytes from p for the next feed()
        }
      }
      if (step.kind == ParseStep<Frame>::Kind::frame) {
        close_run(out);
        step.frame.stream_offset = pos;
        out.frames.push_back(std::move(step.frame));
        p += std::max<std::size_t>(step.length, 1);
        continue;
      }
      // reject
      if (pos < protected_end_ || std::string_view(step.code) == errc::garbage) {
        extend_run(pos, errc::garbage, {}, out);  // inside a frame already reported as bad
      } else {
        close_run(out);
        open_run(pos, step.code, std::move(step.message));
        protected_end_ = pos + step.length;
      }
      ++p;
    }
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(p));
    base_ += p;
  }

  Batch feed(ByteSpan bytes) {
    Batch b;
    feed(bytes, b);
    return b;
  }

  // Emits the error of the bytes discarded so far, if any, without waiting for the next frame
  // (e.g. when the device has been silent for a while). Errors are otherwise emitted when the
  // next frame is found, so that the result does not depend on how the stream was chunked.
  void flush(Batch& out) { close_run(out); }

  // The device went quiet in the middle of a frame (inter-byte timeout chosen by the driver):
  // give up the incomplete frame at the head of the buffer, report it as truncated, and decode
  // whatever complete frames follow it in the bytes already received.
  void expire_partial(Batch& out) {
    if (buf_.empty()) {
      close_run(out);
      return;
    }
    expire_first_ = true;
    feed({}, out);
    expire_first_ = false;
    close_run(out);
  }

  // End of stream (unplug, end of a journal replay): report the incomplete frame, if any.
  void finish(Batch& out) {
    close_run(out);
    if (!buf_.empty()) {
      out.errors.push_back(DecodeError{base_, buf_.size(), errc::truncated,
                                       parser_.describe_truncated(buf_.size())});
      base_ += buf_.size();
      buf_.clear();
    }
  }

  Batch finish() {
    Batch b;
    finish(b);
    return b;
  }

  // Forget everything (new connection); offsets restart at 0.
  void reset() {
    buf_.clear();
    base_ = 0;
    protected_end_ = 0;
    expire_first_ = false;
    run_ = {};
    parser_.reset();
  }

  [[nodiscard]] std::size_t pending_bytes() const { return buf_.size(); }
  // Stream offset of the next byte that feed() will receive.
  [[nodiscard]] std::uint64_t stream_offset() const { return base_ + buf_.size(); }
  Parser& parser() { return parser_; }
  const Parser& parser() const { return parser_; }

 private:
  struct Run {
    bool open = false;
    std::uint64_t begin = 0, end = 0;
    const char* code = errc::garbage;
    std::string message;
  };

  void open_run(std::uint64_t pos, const char* code, std::string message) {
    run_ = Run{true, pos, pos + 1, code, std::move(message)};
  }
  void extend_run(std::uint64_t pos, const char* code, std::string message, Batch& out) {
    if (run_.open && run_.end - run_.begin >= kMaxRunBytes) close_run(out);
    if (run_.open && run_.end == pos) {
      run_.end = pos + 1;
    } else if (!run_.open) {
      open_run(pos, code, std::move(message));
    } else {  // not contiguous (cannot happen within one scan, kept for safety)
      run_.end = pos + 1;
    }
  }
  void close_run(Batch& out) {
    if (!run_.open) return;
    const std::uint64_t len = run_.end - run_.begin;
    std::string msg = run_.message.empty()
                          ? std::to_string(len) +
                                " byte(s) that do not start a frame were skipped (line noise, a "
                                "partial frame or a wrong device profile)"
                          : run_.message + "; " + std::to_string(len) +
                                " byte(s) discarded while resynchronising";
    out.errors.push_back(DecodeError{run_.begin, len, run_.code, std::move(msg)});
    run_ = {};
  }

  // A long run of undecodable bytes (wrong profile, wrong baud rate) is reported every
  // kMaxRunBytes bytes, counted from the run's start, so the split does not depend on chunking.
  static constexpr std::uint64_t kMaxRunBytes = 4096;

  Parser parser_{};
  bool expire_first_ = false;  // expire_partial(): the head candidate may not wait for more
  Bytes buf_;
  std::uint64_t base_ = 0;           // stream offset of buf_[0]
  std::uint64_t protected_end_ = 0;  // end of the span claimed by the last rejected frame
  Run run_;
};

}  // namespace odyo::codec
