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

// Builds an arbitrary layout from the first bytes (as a broken or hostile device profile could
// describe it). Whatever validate() accepts must decode any byte stream safely and round-trip.
FlowStreamLayout layout_from(const std::uint8_t*& data, std::size_t& size) {
  auto take = [&]() -> std::uint8_t {
    if (size == 0) return 0;
    --size;
    return *data++;
  };
  static const FieldRole roles[] = {FieldRole::sync,     FieldRole::sequence, FieldRole::status,
                                    FieldRole::reserved, FieldRole::flow_raw, FieldRole::word_crc,
                                    FieldRole::checksum};
  static const std::size_t widths[] = {1, 2, 4, 3};
  auto field = [&]() {
    const std::uint8_t b = take();
    FieldSpec f;
    f.role = roles[b % 7];
    f.width_bytes = widths[(b >> 3) % 4];
    f.byte_order = (b & 0x80) ? ByteOrder::big : ByteOrder::little;
    if (f.role == FieldRole::sync)
      for (std::size_t i = 0; i < f.width_bytes; ++i) f.sync_bytes.push_back(take());
    return f;
  };
  FlowStreamLayout l;
  const std::uint8_t counts = take();
  for (int i = 0; i < 1 + (counts & 3); ++i) l.header.push_back(field());
  for (int i = 0; i < 1 + ((counts >> 2) & 3); ++i) l.sample.push_back(field());
  for (int i = 0; i < ((counts >> 4) & 3); ++i) l.trailer.push_back(field());
  const std::uint8_t opts = take();
  l.samples_per_frame = 1 + take() % 40;
  l.checksum = static_cast<FrameChecksum>(opts % 6);
  l.checksum_covers_sync = (opts & 0x08) != 0;
  l.crc8_polynomial = take() | 1;
  l.crc8_init = take();
  l.word_crc = (opts & 0x10) != 0;
  l.word_crc_init = take();
  l.has_sequence = (opts & 0x20) != 0;
  l.sequence_bits = 1 + take() % 40;
  l.sequence_step = take();
  l.sequence_counts_samples = (opts & 0x40) != 0;
  return l;
}

void random_layout(const std::uint8_t* data, std::size_t size) {
  const FlowStreamLayout l = layout_from(data, size);
  if (!l.validate().ok()) return;
  odyo::fuzz::check_stream_contract(FlowStreamDecoder(l), data, size);
  FlowFrameOut out;
  out.sequence = size * l.sequence_step;
  out.status = size > 0 ? data[0] : 0;
  for (std::size_t i = 0; i < l.samples_per_frame; ++i)
    out.raw.push_back(static_cast<std::uint16_t>(size > i ? data[i] * 257 : i));
  auto enc = encode_flow_frame(l, out);
  odyo::fuzz::require(enc.ok() && enc.value().size() == l.frame_bytes());
  FlowStreamDecoder d(l);
  auto b = d.feed(enc.value());
  odyo::fuzz::require(b.frames.size() == 1);
  for (std::size_t i = 0; i < l.samples_per_frame; ++i)
    odyo::fuzz::require(b.frames[0].samples[i].raw == out.raw[i] && b.frames[0].samples[i].crc_ok);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 0 && data[0] == 0xFF) {  // one input in 256: a layout made from the data itself
    random_layout(data + 1, size - 1);
    return 0;
  }
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
