#include "drivers/codec/flow_stream.hpp"

#include <cmath>
#include <cstdio>

namespace odyo::codec {

namespace {

std::uint64_t read_uint(const std::uint8_t* p, std::size_t width, ByteOrder order) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const std::size_t k = order == ByteOrder::big ? i : width - 1 - i;
    v = (v << 8) | p[k];
  }
  return v;
}

void write_uint(std::uint8_t* p, std::size_t width, ByteOrder order, std::uint64_t v) {
  for (std::size_t i = 0; i < width; ++i) {
    const std::size_t k = order == ByteOrder::big ? width - 1 - i : i;
    p[k] = static_cast<std::uint8_t>(v & 0xFFU);
    v >>= 8;
  }
}

std::size_t sum_width(const std::vector<FieldSpec>& fields) {
  std::size_t n = 0;
  for (const auto& f : fields) n += f.width_bytes;
  return n;
}

DecodeError layout_error(std::string message) {
  return DecodeError{0, 0, errc::bad_field, "flow-stream layout: " + std::move(message)};
}

}  // namespace

std::optional<FieldRole> field_role_from_name(std::string_view name) {
  if (name == "sync") return FieldRole::sync;
  if (name == "sequence") return FieldRole::sequence;
  if (name == "status") return FieldRole::status;
  if (name == "reserved") return FieldRole::reserved;
  if (name == "flow_raw") return FieldRole::flow_raw;
  if (name == "word_crc") return FieldRole::word_crc;
  if (name == "checksum") return FieldRole::checksum;
  return std::nullopt;
}

std::string_view to_string(FieldRole r) {
  switch (r) {
    case FieldRole::sync:
      return "sync";
    case FieldRole::sequence:
      return "sequence";
    case FieldRole::status:
      return "status";
    case FieldRole::reserved:
      return "reserved";
    case FieldRole::flow_raw:
      return "flow_raw";
    case FieldRole::word_crc:
      return "word_crc";
    case FieldRole::checksum:
      return "checksum";
  }
  return "?";
}

std::string_view to_string(SequenceEvent e) {
  switch (e) {
    case SequenceEvent::first:
      return "first";
    case SequenceEvent::continuous:
      return "continuous";
    case SequenceEvent::gap:
      return "gap";
    case SequenceEvent::backwards:
      return "backwards";
    case SequenceEvent::none:
      return "none";
  }
  return "?";
}

std::size_t FlowStreamLayout::frame_bytes() const {
  return sum_width(header) + samples_per_frame * sum_width(sample) + sum_width(trailer);
}

Expected<bool> FlowStreamLayout::validate() const {
  if (header.empty() || header.front().role != FieldRole::sync || header.front().sync_bytes.empty())
    return layout_error("the header must begin with a sync field of at least one byte");
  if (header.front().sync_bytes.size() != header.front().width_bytes)
    return layout_error("the sync field's width must equal its number of bytes");
  int sequences = 0, statuses = 0;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto& f = header[i];
    if (i > 0 && f.role == FieldRole::sync)
      return layout_error("only the first header field may be sync");
    if (f.role == FieldRole::flow_raw || f.role == FieldRole::word_crc ||
        f.role == FieldRole::checksum)
      return layout_error("a header field cannot have role " + std::string(to_string(f.role)));
    if (f.role != FieldRole::sync && f.width_bytes != 1 && f.width_bytes != 2 && f.width_bytes != 4)
      return layout_error("field widths must be 1, 2 or 4 bytes");
    sequences += f.role == FieldRole::sequence ? 1 : 0;
    statuses += f.role == FieldRole::status ? 1 : 0;
  }
  if (sequences > 1 || statuses > 1)
    return layout_error("at most one sequence and one status field");
  if (has_sequence != (sequences == 1))
    return layout_error("a [frame.sequence] table needs exactly one header field of role sequence");
  if (has_sequence) {
    for (const auto& f : header)
      if (f.role == FieldRole::sequence && sequence_bits > 8 * f.width_bytes)
        return layout_error("sequence bits exceed the width of the sequence field");
    if (sequence_bits == 0 || sequence_bits > 32) return layout_error("sequence bits must be 1…32");
    if (sequence_step == 0) return layout_error("sequence step must be at least 1");
  }
  int raws = 0, crcs = 0;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    const auto& f = sample[i];
    if (f.role == FieldRole::flow_raw) {
      ++raws;
      if (f.width_bytes != 2) return layout_error("flow_raw must be 2 bytes (a sensor word)");
    } else if (f.role == FieldRole::word_crc) {
      ++crcs;
      if (f.width_bytes != 1) return layout_error("word_crc must be 1 byte (CRC-8)");
      if (i == 0 || sample[i - 1].role != FieldRole::flow_raw)
        return layout_error("word_crc must follow the flow_raw field it protects");
    } else if (f.role != FieldRole::reserved) {
      return layout_error("a sample field must be flow_raw, word_crc or reserved");
    }
    if (f.width_bytes != 1 && f.width_bytes != 2 && f.width_bytes != 4)
      return layout_error("field widths must be 1, 2 or 4 bytes");
  }
  if (raws != 1) return layout_error("a sample needs exactly one flow_raw field");
  if (word_crc != (crcs == 1))
    return layout_error("word_crc settings and the sample's word_crc field disagree");
  if (samples_per_frame == 0 || samples_per_frame > 1000)
    return layout_error("samples_per_frame must be 1…1000");
  for (std::size_t i = 0; i < trailer.size(); ++i) {
    const auto& f = trailer[i];
    if (f.role == FieldRole::checksum) {
      if (i + 1 != trailer.size()) return layout_error("the checksum must be the last field");
      if (f.width_bytes != checksum_width(checksum))
        return layout_error("checksum field width does not match the checksum algorithm " +
                            std::string(to_string(checksum)));
    } else if (f.role != FieldRole::reserved && f.role != FieldRole::status) {
      return layout_error("a trailer field must be reserved, status or checksum");
    }
  }
  const bool has_ck_field = !trailer.empty() && trailer.back().role == FieldRole::checksum;
  if (has_ck_field != (checksum != FrameChecksum::none))
    return layout_error("a frame checksum algorithm needs a trailing checksum field, and back");
  if (frame_bytes() > 8192) return layout_error("frames above 8192 bytes are not supported");
  return true;
}

FlowStreamParser::FlowStreamParser(FlowStreamLayout layout)
    : layout_(std::move(layout)), frame_bytes_(std::max<std::size_t>(layout_.frame_bytes(), 1)) {}

bool FlowStreamParser::is_start(std::uint8_t b) const {
  return !layout_.header.empty() && !layout_.header.front().sync_bytes.empty() &&
         b == layout_.header.front().sync_bytes.front();
}

std::string FlowStreamParser::describe_truncated(std::size_t have) const {
  return "the stream ended " + std::to_string(have) + " byte(s) into a " +
         std::to_string(frame_bytes_) +
         "-byte flow frame (device unplugged or stopped mid-frame); those bytes are kept in the "
         "raw journal";
}

void FlowStreamParser::reset() {
  have_last_ = false;
  last_seq_raw_ = 0;
  next_index_ = 0;
}

ParseStep<FlowFrame> FlowStreamParser::parse(ByteSpan at, std::uint64_t offset) {
  using Step = ParseStep<FlowFrame>;
  (void)offset;
  const Bytes& sync = layout_.header.front().sync_bytes;
  const std::size_t check = std::min(sync.size(), at.size());
  for (std::size_t i = 0; i < check; ++i)
    if (at[i] != sync[i]) return Step::reject(errc::garbage, {});
  if (at.size() < frame_bytes_) return Step::need_more();
  const std::uint8_t* f = at.data();

  // Frame checksum.
  if (layout_.checksum != FrameChecksum::none) {
    const std::size_t width = checksum_width(layout_.checksum);
    const std::size_t begin = layout_.checksum_covers_sync ? 0 : sync.size();
    const std::size_t end = frame_bytes_ - width;
    const std::uint32_t want = compute_checksum(layout_.checksum, ByteSpan(f + begin, end - begin),
                                                layout_.crc8_polynomial, layout_.crc8_init);
    const auto got = static_cast<std::uint32_t>(
        read_uint(f + end, width, width == 1 ? ByteOrder::big : layout_.trailer.back().byte_order));
    if (got != want) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "flow frame checksum (%s) is 0x%0*X, expected 0x%0*X",
                    std::string(to_string(layout_.checksum)).c_str(), static_cast<int>(2 * width),
                    got, static_cast<int>(2 * width), want);
      return Step::reject(errc::bad_checksum, buf, frame_bytes_);
    }
  }

  FlowFrame out;
  std::size_t pos = 0;
  bool have_seq = false;
  std::uint64_t seq = 0;
  for (const auto& fs : layout_.header) {
    if (fs.role == FieldRole::sequence) {
      seq = read_uint(f + pos, fs.width_bytes, fs.byte_order);
      if (layout_.sequence_bits < 64) seq &= (std::uint64_t{1} << layout_.sequence_bits) - 1;
      have_seq = true;
    } else if (fs.role == FieldRole::status) {
      out.status = static_cast<std::uint32_t>(read_uint(f + pos, fs.width_bytes, fs.byte_order));
    }
    pos += fs.width_bytes;
  }
  out.samples.resize(layout_.samples_per_frame);
  for (std::size_t s = 0; s < layout_.samples_per_frame; ++s) {
    const std::uint8_t* raw_bytes = nullptr;
    for (const auto& fs : layout_.sample) {
      if (fs.role == FieldRole::flow_raw) {
        out.samples[s].raw =
            static_cast<std::uint16_t>(read_uint(f + pos, fs.width_bytes, fs.byte_order));
        raw_bytes = f + pos;
      } else if (fs.role == FieldRole::word_crc && raw_bytes != nullptr) {
        // The CRC covers the word's bytes in the order the sensor sent them (MSB first on I²C,
        // sensirion-sfm3000.md §2, §4), whatever order the bridge uses: re-serialise big-endian.
        const std::uint8_t word[2] = {static_cast<std::uint8_t>(out.samples[s].raw >> 8),
                                      static_cast<std::uint8_t>(out.samples[s].raw & 0xFFU)};
        if (crc8(ByteSpan(word, 2), layout_.word_crc_polynomial, layout_.word_crc_init) != f[pos]) {
          out.samples[s].crc_ok = false;
          ++out.word_crc_errors;
        }
      }
      pos += fs.width_bytes;
    }
  }
  for (const auto& fs : layout_.trailer) {
    if (fs.role == FieldRole::status)
      out.status = static_cast<std::uint32_t>(read_uint(f + pos, fs.width_bytes, fs.byte_order));
    pos += fs.width_bytes;
  }

  // Sequence → sample numbering.
  const std::uint64_t n = layout_.samples_per_frame;
  if (!have_seq) {
    out.sequence_event = SequenceEvent::none;
    out.first_sample_index = next_index_;
  } else {
    out.sequence_raw = seq;
    const std::uint64_t modulus = std::uint64_t{1} << layout_.sequence_bits;
    const std::uint64_t mask = modulus - 1;
    if (!have_last_) {
      out.sequence_event = SequenceEvent::first;
      out.first_sample_index = layout_.sequence_counts_samples ? seq : seq * n;
    } else {
      const std::uint64_t expected = (last_seq_raw_ + layout_.sequence_step) & mask;
      const std::uint64_t diff = (seq - expected) & mask;
      if (diff == 0) {
        out.sequence_event = SequenceEvent::continuous;
        out.first_sample_index = next_index_;
      } else if (diff < modulus / 2) {
        out.sequence_event = SequenceEvent::gap;
        const std::uint64_t missing =
            layout_.sequence_counts_samples ? diff : (diff / layout_.sequence_step) * n;
        out.missing_samples_before = missing;
        out.first_sample_index = next_index_ + missing;
      } else {
        // Backwards: the device restarted or frames were reordered. Numbering restarts after the
        // highest index seen so far, so indices stay unique and increasing in the stream.
        out.sequence_event = SequenceEvent::backwards;
        out.first_sample_index = next_index_;
      }
    }
    have_last_ = true;
    last_seq_raw_ = seq;
  }
  next_index_ = out.first_sample_index + n;
  return Step::ok(std::move(out), frame_bytes_);
}

Expected<Bytes> encode_flow_frame(const FlowStreamLayout& layout, const FlowFrameOut& frame) {
  if (auto v = layout.validate(); !v) return v.error();
  if (frame.raw.size() != layout.samples_per_frame)
    return layout_error("encode: " + std::to_string(frame.raw.size()) +
                        " samples given, the frame "
                        "holds " +
                        std::to_string(layout.samples_per_frame));
  Bytes out(layout.frame_bytes(), 0);
  std::uint8_t* f = out.data();
  std::size_t pos = 0;
  const std::uint64_t seq_mask = layout.sequence_bits >= 64
                                     ? ~std::uint64_t{0}
                                     : (std::uint64_t{1} << layout.sequence_bits) - 1;
  for (const auto& fs : layout.header) {
    if (fs.role == FieldRole::sync) {
      std::copy(fs.sync_bytes.begin(), fs.sync_bytes.end(), f + pos);
    } else if (fs.role == FieldRole::sequence) {
      write_uint(f + pos, fs.width_bytes, fs.byte_order, frame.sequence & seq_mask);
    } else if (fs.role == FieldRole::status) {
      write_uint(f + pos, fs.width_bytes, fs.byte_order, frame.status);
    }
    pos += fs.width_bytes;
  }
  for (std::uint16_t raw : frame.raw) {
    for (const auto& fs : layout.sample) {
      if (fs.role == FieldRole::flow_raw) {
        write_uint(f + pos, fs.width_bytes, fs.byte_order, raw);
      } else if (fs.role == FieldRole::word_crc) {
        const std::uint8_t word[2] = {static_cast<std::uint8_t>(raw >> 8),
                                      static_cast<std::uint8_t>(raw & 0xFFU)};
        f[pos] = crc8(ByteSpan(word, 2), layout.word_crc_polynomial, layout.word_crc_init);
      }
      pos += fs.width_bytes;
    }
  }
  for (const auto& fs : layout.trailer) {
    if (fs.role == FieldRole::status) {
      write_uint(f + pos, fs.width_bytes, fs.byte_order, frame.status);
    } else if (fs.role == FieldRole::checksum) {
      const std::size_t begin = layout.checksum_covers_sync ? 0 : layout.header[0].width_bytes;
      const std::uint32_t ck = compute_checksum(layout.checksum, ByteSpan(f + begin, pos - begin),
                                                layout.crc8_polynomial, layout.crc8_init);
      write_uint(f + pos, fs.width_bytes, fs.width_bytes == 1 ? ByteOrder::big : fs.byte_order, ck);
    }
    pos += fs.width_bytes;
  }
  return out;
}

std::uint16_t FlowScaling::raw_for_flow_lps(double flow_lps) const {
  const double raw = std::round(flow_lps * unit_per_lps * scale + offset);
  if (!(raw > 0.0)) return 0;  // also NaN
  if (raw > 65535.0) return 65535;
  return static_cast<std::uint16_t>(raw);
}

}  // namespace odyo::codec
