// Flow-stream codec: frame layout from data, Sensirion word CRC, frame CRC, resynchronisation,
// sequence gaps. Expected bytes are worked out independently (Python, see the comments), and the
// sensor words come from sensirion-sfm3000.md §4 (tests/data/devices/sensirion-sfm3000/).
#include <gtest/gtest.h>

#include "drivers/codec/flow_stream.hpp"
#include "vectors.hpp"

using namespace odyo;
using namespace odyo::codec;
using namespace odyo::testing;

namespace {

// The serial layout of config/devices/sfm3000-serial.toml, built by hand: A5 5A · u8 counter ·
// 5 × (u16 BE raw, CRC-8) · CRC-16/CCITT-FALSE (BE) over the whole frame.
FlowStreamLayout serial_layout() {
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
  l.sequence_step = 1;
  return l;
}

// Frame with counter 7 and the five words of the spec's table (32000, 40400, 27800, 32001,
// 32000). Word CRCs from sensirion-sfm3000.md §4; the CRC-16 0xEED5 was computed with Python
// (crc16-ccitt-false over the 18 bytes before it).
const char* kSerialFrame7 = "A55A07 7D007B 9DD009 6C9861 7D014A 7D007B EED5";

Bytes frame(const FlowStreamLayout& l, std::uint64_t seq, std::vector<std::uint16_t> raw) {
  auto r = encode_flow_frame(l, FlowFrameOut{seq, 0, std::move(raw)});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Bytes{};
}

}  // namespace

TEST(FlowStream, LayoutIsValidAndTwentyBytes) {
  auto l = serial_layout();
  EXPECT_TRUE(l.validate().ok());
  EXPECT_EQ(l.frame_bytes(), 20U);  // 2 + 1 + 5×3 + 2
}

TEST(FlowStream, DecodesHandBuiltFrameWithSpecWords) {
  FlowStreamDecoder d(serial_layout());
  auto b = d.feed(hex(kSerialFrame7));
  ASSERT_TRUE(b.errors.empty()) << b.errors[0].message;
  ASSERT_EQ(b.frames.size(), 1U);
  const auto& f = b.frames[0];
  EXPECT_EQ(f.stream_offset, 0U);
  EXPECT_EQ(f.sequence_raw, 7U);
  EXPECT_EQ(f.sequence_event, SequenceEvent::first);
  EXPECT_EQ(f.first_sample_index, 35U);  // frame counter 7 × 5 samples per frame
  ASSERT_EQ(f.samples.size(), 5U);
  const std::uint16_t want[] = {32000, 40400, 27800, 32001, 32000};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(f.samples[i].raw, want[i]);
    EXPECT_TRUE(f.samples[i].crc_ok);
  }
  EXPECT_EQ(f.word_crc_errors, 0U);
}

TEST(FlowStream, EncoderReproducesHandBuiltFrame) {
  EXPECT_EQ(frame(serial_layout(), 7, {32000, 40400, 27800, 32001, 32000}), hex(kSerialFrame7));
}

TEST(FlowStream, ScalingMatchesSpecTable) {
  // sensirion-sfm3000.md §3/§4: SFM3000 offset 32000, scale 140; 40400 → +60 slm = +1 L/s,
  // 27800 → −30 slm = −0.5 L/s, 32001 → one LSB = 1/140 slm. Exact in binary floating point to
  // well below the 1e-12 tolerance used here.
  FlowScaling s;  // defaults are the SFM3000's
  EXPECT_NEAR(s.flow_lps(32000), 0.0, 1e-12);
  EXPECT_NEAR(s.flow_lps(40400), 1.0, 1e-12);
  EXPECT_NEAR(s.flow_lps(27800), -0.5, 1e-12);
  EXPECT_NEAR(s.flow_lps(32001), 1.0 / 140.0 / 60.0, 1e-12);
  EXPECT_EQ(s.raw_for_flow_lps(1.0), 40400);
  EXPECT_EQ(s.raw_for_flow_lps(-0.5), 27800);
  EXPECT_EQ(s.raw_for_flow_lps(1e9), 65535);
  EXPECT_EQ(s.raw_for_flow_lps(-1e9), 0);
}

TEST(FlowStream, BadWordCrcFlagsOnlyThatSample) {
  auto l = serial_layout();
  // Same frame with the CRC of word 2 (9D D0 → 09) changed to 0x08, and the frame CRC-16
  // recomputed so the frame itself is intact: only the sample is bad.
  Bytes f = hex(kSerialFrame7);
  f[8] = 0x08;
  const std::uint16_t ck = crc16_ccitt_false(ByteSpan(f.data(), 18));
  f[18] = static_cast<std::uint8_t>(ck >> 8);
  f[19] = static_cast<std::uint8_t>(ck & 0xFF);
  FlowStreamDecoder d(l);
  auto b = d.feed(f);
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_TRUE(b.errors.empty());
  EXPECT_TRUE(b.frames[0].samples[0].crc_ok);
  EXPECT_FALSE(b.frames[0].samples[1].crc_ok);
  EXPECT_EQ(b.frames[0].word_crc_errors, 1U);
}

TEST(FlowStream, BadFrameChecksumIsOneErrorAndStreamResyncs) {
  auto l = serial_layout();
  Bytes good0 = frame(l, 0, {32000, 32000, 32000, 32000, 32000});
  Bytes bad1 = frame(l, 1, {40400, 40400, 40400, 40400, 40400});
  bad1[19] ^= 0x01;  // last CRC byte damaged
  Bytes good2 = frame(l, 2, {27800, 27800, 27800, 27800, 27800});
  FlowStreamDecoder d(l);
  auto b = feed_chunked(d, concat({good0, bad1, good2}), 7);
  ASSERT_EQ(b.frames.size(), 2U);
  EXPECT_EQ(b.frames[0].sequence_raw, 0U);
  EXPECT_EQ(b.frames[1].sequence_raw, 2U);
  EXPECT_EQ(b.frames[1].stream_offset, 40U);
  EXPECT_EQ(b.frames[1].sequence_event, SequenceEvent::gap);
  EXPECT_EQ(b.frames[1].missing_samples_before, 5U);  // the rejected frame's 5 samples
  EXPECT_EQ(b.frames[1].first_sample_index, 10U);
  ASSERT_EQ(b.errors.size(), 1U);
  EXPECT_EQ(b.errors[0].code, errc::bad_checksum);
  EXPECT_EQ(b.errors[0].offset, 20U);
  EXPECT_EQ(b.errors[0].length, 20U);
  EXPECT_NE(b.errors[0].message.find("checksum"), std::string::npos);
}

TEST(FlowStream, GarbageBetweenFramesIsReportedWithOffsetAndLength) {
  auto l = serial_layout();
  Bytes g = {0x00, 0xA5, 0x11, 0xFF, 0x5A};  // includes a lone first sync byte
  Bytes all = concat({frame(l, 0, {1, 2, 3, 4, 5}), g, frame(l, 1, {6, 7, 8, 9, 10})});
  for (std::size_t chunk : {1U, 3U, 64U}) {
    FlowStreamDecoder d(l);
    auto b = feed_chunked(d, all, chunk);
    ASSERT_EQ(b.frames.size(), 2U) << "chunk " << chunk;
    EXPECT_EQ(b.frames[1].samples[4].raw, 10);
    EXPECT_EQ(b.frames[1].sequence_event, SequenceEvent::continuous);
    std::uint64_t discarded = 0;
    for (const auto& e : b.errors) {
      EXPECT_EQ(e.code, errc::garbage);
      EXPECT_GE(e.offset, 20U);
      EXPECT_LE(e.offset + e.length, 25U);
      discarded += e.length;
    }
    EXPECT_EQ(discarded, 5U) << "chunk " << chunk;
    if (chunk == 64) {
      ASSERT_EQ(b.errors.size(), 1U);
      EXPECT_EQ(b.errors[0].offset, 20U);
    }
  }
}

TEST(FlowStream, TruncatedFrameAtEndOfStreamIsReported) {
  auto l = serial_layout();
  Bytes f1 = frame(l, 0, {1, 2, 3, 4, 5});
  Bytes f2 = frame(l, 1, {1, 2, 3, 4, 5});
  f2.resize(12);  // unplugged mid-frame
  FlowStreamDecoder d(l);
  auto b = d.feed(concat({f1, f2}));
  EXPECT_EQ(b.frames.size(), 1U);
  EXPECT_TRUE(b.errors.empty());
  EXPECT_EQ(d.pending_bytes(), 12U);  // kept, waiting for more
  auto e = d.finish();
  ASSERT_EQ(e.errors.size(), 1U);
  EXPECT_EQ(e.errors[0].code, errc::truncated);
  EXPECT_EQ(e.errors[0].offset, 20U);
  EXPECT_EQ(e.errors[0].length, 12U);
}

TEST(FlowStream, ChunkingDoesNotChangeTheResult) {
  auto l = serial_layout();
  Bytes all;
  for (std::uint64_t s = 0; s < 20; ++s) {
    auto f = frame(l, s, {static_cast<std::uint16_t>(30000 + s), 1, 2, 3, 4});
    all.insert(all.end(), f.begin(), f.end());
    if (s % 3 == 0) all.push_back(0x42);  // some noise
  }
  FlowStreamDecoder whole(l);
  auto ref = feed_chunked(whole, all, all.size());
  ASSERT_EQ(ref.frames.size(), 20U);
  for (std::size_t chunk = 1; chunk < 25; ++chunk) {
    FlowStreamDecoder d(l);
    auto b = feed_chunked(d, all, chunk);
    ASSERT_EQ(b.frames.size(), ref.frames.size()) << "chunk " << chunk;
    for (std::size_t i = 0; i < b.frames.size(); ++i) {
      EXPECT_EQ(b.frames[i].stream_offset, ref.frames[i].stream_offset);
      EXPECT_EQ(b.frames[i].first_sample_index, ref.frames[i].first_sample_index);
    }
    std::uint64_t lost = 0;
    for (const auto& e : b.errors) lost += e.length;
    EXPECT_EQ(lost, 7U) << "chunk " << chunk;  // the 7 noise bytes, nothing else
    ASSERT_EQ(b.errors.size(), ref.errors.size()) << "chunk " << chunk;  // one error per run
    for (std::size_t i = 0; i < b.errors.size(); ++i) {
      EXPECT_EQ(b.errors[i].offset, ref.errors[i].offset);
      EXPECT_EQ(b.errors[i].length, ref.errors[i].length);
    }
  }
}

TEST(FlowStream, EightBitCounterWrapsAndGapsAreCounted) {
  auto l = serial_layout();
  FlowStreamDecoder d(l);
  Bytes all = concat({frame(l, 254, {1, 1, 1, 1, 1}), frame(l, 255, {1, 1, 1, 1, 1}),
                      frame(l, 0, {1, 1, 1, 1, 1}), frame(l, 3, {1, 1, 1, 1, 1}),
                      frame(l, 1, {1, 1, 1, 1, 1})});
  auto b = d.feed(all);
  ASSERT_EQ(b.frames.size(), 5U);
  EXPECT_EQ(b.frames[0].sequence_event, SequenceEvent::first);
  EXPECT_EQ(b.frames[0].first_sample_index, 1270U);  // 254 × 5
  EXPECT_EQ(b.frames[1].sequence_event, SequenceEvent::continuous);
  EXPECT_EQ(b.frames[2].sequence_event, SequenceEvent::continuous);  // 255 → 0 wraps
  EXPECT_EQ(b.frames[2].first_sample_index, 1280U);
  EXPECT_EQ(b.frames[3].sequence_event, SequenceEvent::gap);  // 0 → 3: frames 1 and 2 lost
  EXPECT_EQ(b.frames[3].missing_samples_before, 10U);
  EXPECT_EQ(b.frames[3].first_sample_index, 1295U);
  EXPECT_EQ(b.frames[4].sequence_event, SequenceEvent::backwards);  // 3 → 1
  EXPECT_EQ(b.frames[4].first_sample_index, 1300U);                 // numbering never goes back
}

TEST(FlowStream, SampleIndexCounterLittleEndianWithStatus) {
  // USB layout of config/devices/sfm3000-usb.toml with 2 samples: "OS" · u32 LE index · u8 status
  // · 2 × (u16 BE, CRC-8) · CRC-16 LE after the sync. Bytes worked out by hand: index 0x00010203
  // → 03 02 01 00; word 40400 → 9D D0 09 (spec §4).
  FlowStreamLayout l;
  l.header = {FieldSpec{FieldRole::sync, 2, ByteOrder::little, {0x4F, 0x53}},
              FieldSpec{FieldRole::sequence, 4, ByteOrder::little, {}},
              FieldSpec{FieldRole::status, 1, ByteOrder::little, {}}};
  l.sample = {FieldSpec{FieldRole::flow_raw, 2, ByteOrder::big, {}},
              FieldSpec{FieldRole::word_crc, 1, ByteOrder::little, {}}};
  l.trailer = {FieldSpec{FieldRole::checksum, 2, ByteOrder::little, {}}};
  l.samples_per_frame = 2;
  l.checksum = FrameChecksum::crc16_ccitt_false;
  l.word_crc = true;
  l.has_sequence = true;
  l.sequence_bits = 32;
  l.sequence_step = 2;
  l.sequence_counts_samples = true;
  ASSERT_TRUE(l.validate().ok());
  auto enc = encode_flow_frame(l, FlowFrameOut{0x00010203, 0x05, {40400, 32000}});
  ASSERT_TRUE(enc.ok());
  const Bytes& f = enc.value();
  ASSERT_EQ(f.size(), 15U);
  EXPECT_EQ(Bytes(f.begin(), f.begin() + 13), hex("4F53 03020100 05 9DD009 7D007B"));
  const std::uint16_t ck = crc16_ccitt_false(ByteSpan(f.data() + 2, 11));
  EXPECT_EQ(f[13], ck & 0xFF);
  EXPECT_EQ(f[14], ck >> 8);
  FlowStreamDecoder d(l);
  auto b = d.feed(f);
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_EQ(b.frames[0].first_sample_index, 0x00010203U);
  EXPECT_EQ(b.frames[0].status, 5U);
}

TEST(FlowStream, InvalidLayoutsAreRejectedWithAReason) {
  auto l = serial_layout();
  l.header.erase(l.header.begin());
  auto r = l.validate();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("sync"), std::string::npos);

  l = serial_layout();
  l.trailer[0].width_bytes = 1;  // CRC-16 needs 2 bytes
  ASSERT_FALSE(l.validate().ok());
  EXPECT_NE(l.validate().error().message.find("width"), std::string::npos);

  l = serial_layout();
  l.sample.pop_back();  // word_crc = true but no word_crc field
  ASSERT_FALSE(l.validate().ok());

  l = serial_layout();
  auto e = encode_flow_frame(l, FlowFrameOut{0, 0, {1, 2}});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("holds 5"), std::string::npos);
}

TEST(FlowStream, AllSyncBytesStreamNeverStalls) {
  // A stream of only first-sync bytes must not grow the buffer without bound or hang.
  auto l = serial_layout();
  FlowStreamDecoder d(l);
  Bytes junk(1000, 0xA5);
  auto b = d.feed(junk);
  d.flush(b);  // errors are otherwise emitted when the next frame arrives
  EXPECT_TRUE(b.frames.empty());
  EXPECT_LE(d.pending_bytes(), 1U);
  std::uint64_t n = 0;
  for (const auto& e : b.errors) n += e.length;
  EXPECT_EQ(n + d.pending_bytes(), 1000U);
}
