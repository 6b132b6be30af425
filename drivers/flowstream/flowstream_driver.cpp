#include "drivers/flowstream/flowstream_driver.hpp"

namespace odyo::drivers {

FlowStreamDriver::FlowStreamDriver(profile::FlowStreamProfile profile)
    : profile_(std::move(profile)),
      decoder_(profile_.layout),
      to_discard_(profile_.discard_first_samples) {}

void FlowStreamDriver::feed(std::span<const std::uint8_t> bytes, FlowStreamOutput& out) {
  batch_.clear();
  decoder_.feed(bytes, batch_);
  take(batch_, out);
}

void FlowStreamDriver::finish(FlowStreamOutput& out) {
  batch_.clear();
  decoder_.finish(batch_);
  take(batch_, out);
}

void FlowStreamDriver::reconnect() {
  decoder_.reset();
  index_base_ = next_index_;
  to_discard_ = profile_.discard_first_samples;
}

void FlowStreamDriver::take(codec::FlowStreamDecoder::Batch& batch, FlowStreamOutput& out) {
  for (auto& e : batch.errors) {
    if (e.code == codec::errc::garbage)
      counters_.garbage_bytes += e.length;
    else if (e.code == codec::errc::truncated)
      ++counters_.truncated_frames;
    else
      ++counters_.frame_errors;
    out.errors.push_back(std::move(e));
  }
  for (const auto& f : batch.frames) {
    ++counters_.frames;
    if (f.sequence_event == codec::SequenceEvent::gap)
      counters_.gap_samples += f.missing_samples_before;
    if (f.sequence_event == codec::SequenceEvent::backwards) {
      // The device restarted its counter: keep our numbering monotonic.
      ++counters_.backwards_jumps;
      index_base_ = next_index_ - static_cast<std::int64_t>(f.first_sample_index);
    }
    std::int64_t idx = index_base_ + static_cast<std::int64_t>(f.first_sample_index);
    if (f.sequence_event == codec::SequenceEvent::none) idx = next_index_;
    for (const auto& s : f.samples) {
      const std::int64_t this_index = idx++;
      if (!s.crc_ok) {
        ++counters_.word_crc_errors;
        ++counters_.gap_samples;
        continue;  // dropped, counted, a gap in the index sequence marks it
      }
      if (to_discard_ > 0) {
        --to_discard_;
        ++counters_.discarded_first;
        continue;
      }
      FlowSampleOut o;
      o.index = this_index;
      o.raw = s.raw;
      o.flow_lps = profile_.scaling.flow_lps(s.raw);
      o.out_of_range = profile_.scaling.out_of_range(s.raw);
      if (o.out_of_range) ++counters_.out_of_range_samples;
      ++counters_.samples;
      out.samples.push_back(o);
    }
    if (idx > next_index_) next_index_ = idx;
  }
}

}  // namespace odyo::drivers
