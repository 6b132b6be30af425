// libFuzzer target: flow-stream codec with the layouts of the two shipped profiles
// (config/devices/sfm3000-usb.toml, sfm3000-serial.toml, built here without TOML) plus an
// encode → decode round trip of words taken from the input.
#include "drivers/codec/flow_stream.hpp"
#include "fuzz_common.hpp"

using namespace odyo::codec;

namespace {
FlowStreamLayout usb() {
  FlowStreamLayout l;
  l.header = {FieldSpec{FieldRole::sync, 2, ByteOrder::little, {0x4F, 0x53}},
              FieldSpec{FieldRole::sequence, 4, ByteOrder::little, {}},
              FieldSpec{FieldRole::status, 1, ByteOrder::little, {}}};
  l.sample = {FieldSpec{FieldRole::flow_raw, 2, ByteOrder::big, {}},
              FieldSpec{FieldRole::word_crc, 1, ByteOrder::little, {}}};
  l.trailer = {FieldSpec{FieldRole::checksum, 2, ByteOrder::little, {}}};
  l.samples_per_frame = 16;
  l.checksum = FrameChecksum::crc16_ccitt_false;
  l.word_crc = true;
  l.has_sequence = true;
  l.sequence_bits = 32;
  l.sequence_step = 16;
  l.sequence_counts_samples = true;
  return l;
}
FlowStreamLayout serial() {
  FlowStreamLayout l;
  l.header = {FieldSpec{FieldRole::sync, 2, ByteOrder::big, {0xA5, 0x5A}},
              FieldSpec{FieldRole::sequence, 1, ByteOrder::big, {}}};
  l.sample = {FieldSpec{FieldRole::flow_raw, 2, ByteOrder::big, {}},
              FieldSpec{FieldRole::word_crc, 1, ByteOrder::big, {}}};
  l.trailer = {FieldSpec{FieldRole::checksum, 2, ByteOrder::big, {}}};
  l.samples_per_frame = 5;
  l.checksum = FrameChecksum::crc16_ccitt_false;
  l.checksum_covers_sync = true;
  l.word_crc = true;
  l.has_sequence = true;
  l.sequence_bits = 8;
  return l;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const FlowStreamLayout layouts[] = {usb(), serial()};
  for (const auto& l : layouts) {
    odyo::fuzz::check_stream_contract(FlowStreamDecoder(l), data, size);
    // Round trip: words from the input survive encode → decode.
    FlowFrameOut out;
    out.sequence = size;
    for (std::size_t i = 0; i < l.samples_per_frame; ++i)
      out.raw.push_back(
          static_cast<std::uint16_t>(size > 2 * i + 1 ? (data[2 * i] << 8) | data[2 * i + 1] : i));
    auto enc = encode_flow_frame(l, out);
    odyo::fuzz::require(enc.ok());
    FlowStreamDecoder d(l);
    auto b = d.feed(enc.value());
    odyo::fuzz::require(b.frames.size() == 1 && b.errors.empty());
    for (std::size_t i = 0; i < l.samples_per_frame; ++i) {
      odyo::fuzz::require(b.frames[0].samples[i].raw == out.raw[i]);
      odyo::fuzz::require(b.frames[0].samples[i].crc_ok);
    }
  }
  return 0;
}
