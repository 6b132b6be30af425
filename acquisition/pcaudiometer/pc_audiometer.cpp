#include "acquisition/pcaudiometer/pc_audiometer.hpp"

#include <algorithm>
#include <string>
#include <thread>

#include "analysis/core/error_text.hpp"

namespace odyo::audiometry {
namespace {

Error device_error(const drivers::IoError& e) {
  if (e.code == "device_gone" || e.code == "underrun" || e.code == "device_missing" ||
      e.code == "device_busy" || e.code == "format_refused")
    return make_errorf("device_disconnected", "{}", e.message);
  return make_errorf("device_error", "{}", e.message);
}

}  // namespace

std::string_view to_string(PressVerdict v) {
  switch (v) {
    case PressVerdict::response:
      return "response";
    case PressVerdict::too_early:
      return "too_early";
    case PressVerdict::too_late:
      return "too_late";
  }
  return "response";
}

bool ToneRecord::responded() const {
  return std::any_of(responses.begin(), responses.end(),
                     [](const auto& r) { return r.verdict == PressVerdict::response; });
}

PcAudiometer::PcAudiometer(PcAudiometerConfig config, drivers::audio::AudioSink& sink,
                           drivers::hid::ButtonSource& button, AudioTime origin)
    : config_(std::move(config)), sink_(sink), button_(button), origin_(origin) {}

Result<void> PcAudiometer::open() {
  if (auto st = sink_.open({config_.sample_rate_hz, 2, config_.bits}); !st)
    return device_error(st.error());
  return {};
}

AudioTime PcAudiometer::time_of_frame(std::int64_t frame) const {
  // Exact integer arithmetic: frame · 10^9 / fs nanoseconds.
  const auto ns = frame * 1'000'000'000LL / config_.sample_rate_hz;
  return origin_ + std::chrono::duration_cast<AudioClock::duration>(std::chrono::nanoseconds(ns));
}

AudioTime PcAudiometer::now() const {
  return config_.clock_write_time ? AudioClock::now() : time_of_frame(sink_.frames_written());
}

Result<void> PcAudiometer::set_ear(Ear ear) {
  ear_ = ear;
  return {};
}

Result<void> PcAudiometer::set_frequency(int frequency_hz) {
  if (tone::find_calibrated(config_.levels, ear_, frequency_hz) == nullptr &&
      tone::find_calibrated(config_.levels, other(ear_), frequency_hz) == nullptr)
    return make_errorf("unsupported_frequency",
                       "{} Hz is not calibrated on this audio interface; choose a calibrated "
                       "frequency or recalibrate",
                       frequency_hz);
  frequency_hz_ = frequency_hz;
  return {};
}

Result<void> PcAudiometer::set_level(int level_db_hl) {
  auto plan = tone::plan_tone(config_.levels, ear_, frequency_hz_, level_db_hl);
  if (!plan) return plan.error();
  level_db_hl_ = level_db_hl;
  return {};
}

Result<LevelRange> PcAudiometer::level_range(int frequency_hz, Transducer transducer) const {
  if (transducer != Transducer::air)
    return make_error("unsupported",
                      "the PC audiometer has no bone conductor; test air conduction");
  // The range both ears can play (the search uses one range per frequency).
  LevelRange r{static_cast<int>(tone::kMinLevelDbHl), static_cast<int>(tone::kMaxLevelDbHl), 5};
  for (Ear e : {Ear::right, Ear::left}) {
    auto l = tone::level_limits(config_.levels, e, frequency_hz);
    if (!l) return l.error();
    r.min_db_hl = std::max(r.min_db_hl, static_cast<int>(l->min_db_hl));
    r.max_db_hl = std::min(r.max_db_hl, static_cast<int>(l->max_db_hl));
  }
  return r;
}

Result<void> PcAudiometer::write(std::span<const std::int32_t> words) {
  if (auto st = sink_.write(words); !st) return device_error(st.error());
  if (config_.pace_to_clock)  // by stream time: now() is the clock itself when paced
    std::this_thread::sleep_until(time_of_frame(sink_.frames_written()) - config_.pace_lead);
  return {};
}

Result<void> PcAudiometer::write_chunked(std::span<const std::int32_t> words) {
  const auto chunk_words = static_cast<std::size_t>(std::max<std::int64_t>(
                               1, tone::frames_for_ms(static_cast<double>(config_.chunk.count()),
                                                      config_.sample_rate_hz))) *
                           2;
  for (std::size_t at = 0; at < words.size(); at += chunk_words) {
    if (auto r = write(words.subspan(at, std::min(chunk_words, words.size() - at))); !r) return r;
    if (auto st = button_.poll_events(edges_); !st) {
      if (st.error().code == "device_gone")
        return make_errorf("device_disconnected", "{}", st.error().message);
      return make_errorf("device_error", "{}", st.error().message);
    }
  }
  return {};
}

Result<void> PcAudiometer::fill_silence_until(std::int64_t frame) {
  if (frame <= sink_.frames_written()) return {};
  std::vector<std::int32_t> zeros(static_cast<std::size_t>(frame - sink_.frames_written()) * 2, 0);
  return write_chunked(zeros);
}

Result<AudioTime> PcAudiometer::present(std::chrono::milliseconds duration) {
  auto plan = tone::plan_tone(config_.levels, ear_, frequency_hz_, level_db_hl_);
  if (!plan) return plan.error();
  tone::ToneSpec spec;
  spec.ear = ear_;
  spec.frequency_hz = frequency_hz_;
  spec.peak_amplitude = plan->peak_amplitude;
  spec.kind = config_.kind;
  spec.frames = tone::frames_for_ms(static_cast<double>(duration.count()), config_.sample_rate_hz);
  spec.sample_rate_hz = config_.sample_rate_hz;
  spec.shape = config_.shape;
  auto words = tone::render_presentation(spec, 0, 0, config_.bits);
  if (!words) return words.error();
  flush_journal();
  ToneRecord rec;
  rec.index = static_cast<int>(journal_.size()) + 1;
  rec.onset_frame = sink_.frames_written();
  // Read just before the onset frame is written: what is queued ahead of it, and when.
  rec.output_latency_frames = sink_.output_latency_frames();
  const AudioTime written =
      config_.clock_write_time ? AudioClock::now() : time_of_frame(rec.onset_frame);
  rec.onset = written + std::chrono::duration_cast<AudioClock::duration>(std::chrono::nanoseconds(
                            rec.output_latency_frames * 1'000'000'000LL / config_.sample_rate_hz));
  rec.ear = ear_;
  rec.frequency_hz = frequency_hz_;
  rec.level_db_hl = level_db_hl_;
  rec.digital_level_dbfs = plan->digital_level_dbfs;
  rec.duration = duration;
  journal_.push_back(rec);
  if (auto r = write_chunked(*words); !r) return r.error();
  return rec.onset;
}

Result<std::vector<ResponseEvent>> PcAudiometer::collect_responses(AudioTime until) {
  // Paced, the stream is kept `pace_lead` ahead of the clock: silence is written up to `until` +
  // the lead, which (paced) returns when the clock reaches `until`. Waiting for the button
  // without writing would let a real device's buffer run dry, and would start the next tone
  // from an empty stream, in a burst instead of in real time.
  const auto since =
      until - origin_ + (config_.pace_to_clock ? config_.pace_lead : AudioClock::duration{});
  const auto frame = std::chrono::duration_cast<std::chrono::nanoseconds>(since).count() *
                     config_.sample_rate_hz / 1'000'000'000LL;
  if (auto r = fill_silence_until(frame); !r) return r.error();
  if (auto st = button_.events_until(until, edges_); !st) {
    if (st.error().code == "device_gone")
      return make_errorf("device_disconnected", "{}", st.error().message);
    return make_errorf("device_error", "{}", st.error().message);
  }
  // Edges up to `until`, oldest first; later ones wait for the next call.
  std::stable_sort(edges_.begin(), edges_.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
  std::vector<drivers::hid::ButtonEvent> edges;
  std::vector<drivers::hid::ButtonEvent> later;
  for (const auto& e : edges_) (e.time <= until ? edges : later).push_back(e);
  edges_ = std::move(later);
  std::vector<ResponseEvent> out;
  for (const auto& e : edges) {
    if (e.pressed) {
      if (!held_since_) held_since_ = e.time;
    } else if (held_since_) {
      out.push_back({*held_since_, e.time});
      held_since_.reset();
    }
  }
  if (held_since_) {  // held across `until`: returned once, without a release
    out.push_back({*held_since_, std::nullopt});
    held_since_.reset();
  }
  for (const auto& r : out) {
    for (auto it = journal_.rbegin(); it != journal_.rend(); ++it) {
      if (r.pressed >= it->onset) {
        const auto after_onset = r.pressed - it->onset;
        const PressVerdict v = after_onset < config_.min_reaction      ? PressVerdict::too_early
                               : after_onset > config_.response_window ? PressVerdict::too_late
                                                                       : PressVerdict::response;
        it->responses.push_back({r.pressed, r.released,
                                 std::chrono::duration_cast<std::chrono::milliseconds>(after_onset),
                                 v});
        break;
      }
    }
  }
  return out;
}

void PcAudiometer::flush_journal() {
  if (!on_tone_) {
    reported_ = journal_.size();
    return;
  }
  while (reported_ < journal_.size()) on_tone_(journal_[reported_++]);
}

}  // namespace odyo::audiometry
