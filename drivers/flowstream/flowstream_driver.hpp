#pragma once
// FlowStreamDriver: turns the byte stream of a raw-flow spirometer head (any flow-stream profile,
// over USB bulk or serial) into numbered flow samples, with the counters the technician sees.
// It owns the profile's decoder and scaling; it does no I/O (the session gives it the bytes the
// transport delivered, after they were handed to the raw journal) and knows nothing about
// manoeuvres.
//
// Thread-safety: one instance per device stream, used from one thread (the transport's I/O thread).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "drivers/codec/flow_stream.hpp"
#include "drivers/profile/profile.hpp"

namespace odyo::drivers {

struct FlowSampleOut {
  std::int64_t index = 0;     // device sample index (unwrapped, from the sequence counter)
  double flow_lps = 0.0;      // litres/second at the sensor's standard conditions (not BTPS)
  std::uint16_t raw = 0;      // the sensor word as sent
  bool out_of_range = false;  // raw at the sensor's limits (sensirion-sfm3000.md §6)
};

struct FlowStreamCounters {
  std::uint64_t frames = 0;
  std::uint64_t samples = 0;           // delivered samples
  std::uint64_t gap_samples = 0;       // samples missing according to the sequence counter
  std::uint64_t word_crc_errors = 0;   // samples dropped for a bad word CRC (counted as gaps too)
  std::uint64_t frame_errors = 0;      // bad checksum / bad header / too long frames
  std::uint64_t garbage_bytes = 0;     // bytes discarded while resynchronising
  std::uint64_t truncated_frames = 0;  // stream ended inside a frame (unplug mid-frame)
  std::uint64_t backwards_jumps = 0;   // counter went back (device restart) - never silent
  std::uint64_t discarded_first = 0;   // first readings dropped by the profile (§5)
  std::uint64_t out_of_range_samples = 0;
};

struct FlowStreamOutput {
  std::vector<FlowSampleOut> samples;
  std::vector<codec::DecodeError> errors;  // for the log and the session's error list
  void clear() {
    samples.clear();
    errors.clear();
  }
};

class FlowStreamDriver {
 public:
  explicit FlowStreamDriver(profile::FlowStreamProfile profile);

  // Decodes bytes; appends samples and errors to `out`.
  void feed(std::span<const std::uint8_t> bytes, FlowStreamOutput& out);
  // End of stream (unplug): a partial frame becomes a "truncated" error.
  void finish(FlowStreamOutput& out);
  // New connection: the device's counter restarts; numbering continues after the last index so
  // sample indices of one session never go back.
  void reconnect();

  [[nodiscard]] const FlowStreamCounters& counters() const { return counters_; }
  [[nodiscard]] const profile::FlowStreamProfile& profile() const { return profile_; }
  [[nodiscard]] double sample_rate_hz() const { return profile_.sample_rate_hz; }
  // Bytes the host sends to start/stop streaming (may be empty).
  [[nodiscard]] const codec::Bytes& start_command() const { return profile_.start_command; }
  [[nodiscard]] const codec::Bytes& stop_command() const { return profile_.stop_command; }

 private:
  void take(codec::FlowStreamDecoder::Batch& batch, FlowStreamOutput& out);

  profile::FlowStreamProfile profile_;
  codec::FlowStreamDecoder decoder_;
  codec::FlowStreamDecoder::Batch batch_;
  FlowStreamCounters counters_;
  std::int64_t index_base_ = 0;  // added to the decoder's index (after reconnects)
  std::int64_t next_index_ = 0;  // one past the last delivered/missed index
  std::uint64_t to_discard_ = 0;
};

}  // namespace odyo::drivers
