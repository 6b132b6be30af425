#pragma once
// PcAudiometer: the computer-driven audiometer — AudiometerControl over the pure-tone generator
// (analysis/audiometry/tone), an AudioSink (ALSA, or a WAV file) and a ButtonSource (USB HID
// response button). Calibration (dB HL → digital level) comes in as a table; the station loads
// and checks the calibration file, its expiry and the daily listening check before building one.
//
// Clock: the output is one continuous stream — tones and the silence between them — so stream
// time is the sample position: t(n) = origin + n / fs. Without `pace_to_clock` (tests with an
// in-memory sink) that is the whole clock: now() = t(frames written), and collect_responses(until)
// fills the stream with silence up to `until`, then takes the button's edges up to `until`.
// The station paces the stream (`pace_to_clock`, with `clock_write_time`): it is written no
// further than `pace_lead` ahead of steady_clock (the button's clock), so ALSA's non-real-time
// `file` PCM runs in real time like a sound card; now() is steady_clock, and collect_responses
// keeps writing silence up to `until` + the lead — the stream never stops while the button is
// awaited (a real device's buffer would run dry; the next tone would start in a burst).
//
// Tone onsets are when the tone leaves the output, not when it is written: the onset frame's write
// time plus the sink's output latency (snd_pcm_delay, or the configured buffer for a PCM that
// reports none). The write time is the stream time t(onset_frame), or with `clock_write_time`
// (the station's setting) steady_clock read just before the onset frame is written — exact on a
// real device whatever its start-up and buffer fill. Response windows are measured from it.
//
// Every presented tone is journaled (onset time and sample, ear, frequency, dB HL, digital level,
// duration, presses with latency), so an audiogram can be re-derived from the journal.
// Errors follow the AudiometerControl contract: a sink that underruns, disappears or refuses the
// format → "device_disconnected" (the search pauses; the tone is void), a malformed button report
// → "device_error". Threading: one thread (the session's).

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "acquisition/audiometry/audiometer_control.hpp"
#include "analysis/audiometry/tone/levels.hpp"
#include "analysis/audiometry/tone/tone.hpp"
#include "drivers/audio/audio_sink.hpp"
#include "drivers/hid/button_source.hpp"

namespace odyo::audiometry {

struct PcAudiometerConfig {
  std::vector<tone::CalibratedFrequency> levels;  // from the calibration file
  tone::ToneShape shape{};
  tone::ToneKind kind = tone::ToneKind::continuous;  // pulsed or warble if the clinic prefers
  int sample_rate_hz = 48000;
  int bits = 24;
  // Tones and silence are written in chunks of this length; the button is read between chunks,
  // so a hidraw edge is stamped at most one chunk late.
  std::chrono::milliseconds chunk{10};
  // Keep the stream no further than `pace_lead` ahead of steady_clock (sleeping if needed), so
  // that a sink which does not block in real time (ALSA's file PCM) still shares the button's
  // clock. A real device blocks by itself and is never held back (the lead ≥ its buffer).
  bool pace_to_clock = false;
  std::chrono::milliseconds pace_lead{250};
  // Onset write time from steady_clock (true) or from the stream position (false; tests with an
  // in-memory sink and a made-up origin).
  bool clock_write_time = false;
  // How the journal classes each press (the search's own rule, SearchParams): earlier than
  // `min_reaction` after the onset is too early (anticipation), later than `response_window` too
  // late (it falls in the next silent gap); in between it is the response to the tone.
  std::chrono::milliseconds min_reaction{100};
  std::chrono::milliseconds response_window{1500};
};

enum class PressVerdict { response, too_early, too_late };
std::string_view to_string(PressVerdict v);

struct JournaledResponse {
  AudioTime pressed{};
  std::optional<AudioTime> released;
  std::chrono::milliseconds latency{0};  // press − onset
  PressVerdict verdict = PressVerdict::response;
};

struct ToneRecord {
  int index = 0;                           // 1-based presentation number
  AudioTime onset{};                       // when the first frame of the gate leaves the output
  std::int64_t onset_frame = 0;            // sample position of the first frame of the gate
  std::int64_t output_latency_frames = 0;  // sink latency added to the write time
  Ear ear = Ear::right;
  int frequency_hz = 0;
  int level_db_hl = 0;
  double digital_level_dbfs = 0.0;
  std::chrono::milliseconds duration{0};
  std::vector<JournaledResponse> responses;  // presses after this onset, before the next one
  // Whether the tone was answered: some press within [min_reaction, response_window].
  [[nodiscard]] bool responded() const;
};

class PcAudiometer final : public AudiometerControl {
 public:
  PcAudiometer(PcAudiometerConfig config, drivers::audio::AudioSink& sink,
               drivers::hid::ButtonSource& button, AudioTime origin = AudioClock::now());

  // Opens the sink (48 kHz, stereo, 24/32-bit). Errors as for present().
  Result<void> open();
  // Called after each journal entry is complete (at the next onset, and from flush_journal()).
  void on_tone(std::function<void(const ToneRecord&)> callback) { on_tone_ = std::move(callback); }
  void flush_journal();

  Result<void> set_ear(Ear ear) override;
  Result<void> set_frequency(int frequency_hz) override;
  Result<void> set_level(int level_db_hl) override;
  [[nodiscard]] Result<LevelRange> level_range(int frequency_hz,
                                               Transducer transducer) const override;
  Result<AudioTime> present(std::chrono::milliseconds duration) override;
  Result<void> stop_tone() override { return {}; }  // present() writes whole gated tones only
  Result<std::vector<ResponseEvent>> collect_responses(AudioTime until) override;
  [[nodiscard]] AudioTime now() const override;

  [[nodiscard]] const std::vector<ToneRecord>& journal() const { return journal_; }
  [[nodiscard]] std::int64_t frames_written() const { return sink_.frames_written(); }
  [[nodiscard]] AudioTime time_of_frame(std::int64_t frame) const;

 private:
  Result<void> write(std::span<const std::int32_t> words);
  Result<void> write_chunked(std::span<const std::int32_t> words);
  Result<void> fill_silence_until(std::int64_t frame);

  PcAudiometerConfig config_;
  drivers::audio::AudioSink& sink_;
  drivers::hid::ButtonSource& button_;
  AudioTime origin_;
  Ear ear_ = Ear::right;
  int frequency_hz_ = 1000;
  int level_db_hl_ = 0;
  std::vector<ToneRecord> journal_;
  std::size_t reported_ = 0;                      // journal entries already passed to on_tone_
  std::optional<AudioTime> held_since_;           // a press not yet released
  std::vector<drivers::hid::ButtonEvent> edges_;  // read between chunks, not yet collected
  std::function<void(const ToneRecord&)> on_tone_;
};

}  // namespace odyo::audiometry
