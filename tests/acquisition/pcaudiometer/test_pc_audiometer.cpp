// PcAudiometer against an in-memory sink and a scripted button: the AudiometerControl contract
// (errors as values with the codes the search understands, the stream clock, held presses,
// journaling), without ALSA.
#include "acquisition/pcaudiometer/pc_audiometer.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace odyo::audiometry {
namespace {

using namespace std::chrono_literals;

class MemorySink final : public drivers::audio::AudioSink {
 public:
  std::vector<std::int32_t> words;
  int fail_at_write = 0;  // 1-based; 0 = never
  std::string fail_code = "underrun";
  drivers::IoStatus open(const drivers::audio::SinkFormat&) override { return {}; }
  drivers::IoStatus write(std::span<const std::int32_t> w) override {
    if (++writes_ == fail_at_write) return drivers::IoError{fail_code, "simulated " + fail_code};
    words.insert(words.end(), w.begin(), w.end());
    return {};
  }
  drivers::IoStatus drain() override { return {}; }
  void close() noexcept override {}
  [[nodiscard]] std::int64_t frames_written() const override {
    return static_cast<std::int64_t>(words.size() / 2);
  }

 private:
  int writes_ = 0;
};

class ScriptedButton final : public drivers::hid::ButtonSource {
 public:
  std::deque<drivers::hid::ButtonEvent> script;
  bool malformed = false;
  drivers::IoStatus events_until(drivers::hid::ButtonClock::time_point until,
                                 std::vector<drivers::hid::ButtonEvent>& out) override {
    if (malformed) return drivers::IoError{"malformed_report", "report of 3 bytes, expected 1"};
    while (!script.empty() && script.front().time <= until) {
      out.push_back(script.front());
      script.pop_front();
    }
    return {};
  }
};

PcAudiometerConfig config() {
  PcAudiometerConfig c;
  // 1 kHz both ears: S = 112 dB, RETSPL 7 dB, max −1 dBFS → 100 dB HL max; 8 kHz left only.
  c.levels = {{Ear::left, 1000, 112.0, 7.0, -1.0},
              {Ear::right, 1000, 112.0, 7.0, -1.0},
              {Ear::left, 8000, 111.0, 13.0, -1.0}};
  return c;
}

const AudioTime kOrigin = AudioTime{} + 10h;

TEST(PcAudiometer, ClockIsTheStreamPositionAndOnsetsAreExact) {
  MemorySink sink;
  ScriptedButton button;
  PcAudiometer a(config(), sink, button, kOrigin);
  ASSERT_TRUE(a.open().ok());
  EXPECT_EQ(a.now(), kOrigin);
  ASSERT_TRUE(a.collect_responses(kOrigin + 250ms).ok());  // 250 ms of silence = 12000 frames
  EXPECT_EQ(sink.frames_written(), 12000);
  ASSERT_TRUE(a.set_ear(Ear::right).ok());
  ASSERT_TRUE(a.set_frequency(1000).ok());
  ASSERT_TRUE(a.set_level(40).ok());
  auto onset = a.present(1000ms);
  ASSERT_TRUE(onset.ok());
  EXPECT_EQ(*onset, kOrigin + 250ms);
  EXPECT_EQ(sink.frames_written(), 12000 + 48000);
  ASSERT_EQ(a.journal().size(), 1U);
  EXPECT_EQ(a.journal()[0].onset_frame, 12000);
  EXPECT_DOUBLE_EQ(a.journal()[0].digital_level_dbfs, 40.0 + 7.0 - 112.0);
  // Right ear = channel 1; channel 0 stays zero.
  for (std::size_t i = 0; i < sink.words.size(); i += 2) ASSERT_EQ(sink.words[i], 0) << i;
}

TEST(PcAudiometer, ResponsesArePairedHeldPressesReturnedOnceAndJournaled) {
  MemorySink sink;
  ScriptedButton button;
  PcAudiometer a(config(), sink, button, kOrigin);
  ASSERT_TRUE(a.open().ok());
  ASSERT_TRUE(a.set_frequency(1000).ok());
  ASSERT_TRUE(a.set_level(30).ok());
  auto onset = a.present(1000ms);
  ASSERT_TRUE(onset.ok());
  button.script = {{true, *onset + 400ms},
                   {false, *onset + 600ms},
                   {true, *onset + 1400ms},
                   {false, *onset + 1700ms}};
  auto r = a.collect_responses(*onset + 1500ms);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2U);
  EXPECT_EQ((*r)[0].pressed, *onset + 400ms);
  EXPECT_EQ(*(*r)[0].released, *onset + 600ms);
  EXPECT_FALSE((*r)[1].released.has_value());  // held across the end of the window
  auto later = a.collect_responses(*onset + 2000ms);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->empty());  // its release does not bring it back
  ASSERT_EQ(a.journal()[0].responses.size(), 2U);
  EXPECT_EQ(a.journal()[0].responses[0].latency, 400ms);
  std::vector<ToneRecord> reported;
  a.on_tone([&](const ToneRecord& t) { reported.push_back(t); });
  a.flush_journal();
  EXPECT_EQ(reported.size(), 1U);
}

TEST(PcAudiometer, OutOfRangeAndUncalibratedAreRefused) {
  MemorySink sink;
  ScriptedButton button;
  PcAudiometer a(config(), sink, button, kOrigin);
  ASSERT_TRUE(a.open().ok());
  EXPECT_EQ(a.set_frequency(1234).error().code, "unsupported_frequency");
  ASSERT_TRUE(a.set_frequency(1000).ok());
  EXPECT_EQ(a.set_level(105).error().code, "level_out_of_range");
  EXPECT_EQ(a.set_level(-15).error().code, "level_out_of_range");
  auto r = a.level_range(1000, Transducer::air);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min_db_hl, -10);  // ceil5(−115 − 7 + 112) = −10
  EXPECT_EQ(r->max_db_hl, 100);  // floor5(−1 − 7 + 112 = 104)
  // 8 kHz is calibrated on the left only: the search's range needs both ears.
  EXPECT_EQ(a.level_range(8000, Transducer::air).error().code, "unsupported_frequency");
  EXPECT_EQ(a.level_range(1000, Transducer::bone).error().code, "unsupported");
  ASSERT_TRUE(a.set_ear(Ear::right).ok());
  ASSERT_TRUE(a.set_frequency(8000).ok());  // known on the other ear: checked at set_level
  EXPECT_EQ(a.set_level(30).error().code, "unsupported_frequency");
}

TEST(PcAudiometer, SinkFailureMidToneIsADisconnectAndTheToneIsNotRetried) {
  MemorySink sink;
  sink.fail_at_write = 1;
  ScriptedButton button;
  PcAudiometer a(config(), sink, button, kOrigin);
  ASSERT_TRUE(a.open().ok());
  ASSERT_TRUE(a.set_frequency(1000).ok());
  ASSERT_TRUE(a.set_level(30).ok());
  auto onset = a.present(1000ms);
  ASSERT_FALSE(onset.ok());
  EXPECT_EQ(onset.error().code, "device_disconnected");
  EXPECT_NE(onset.error().message.find("underrun"), std::string::npos);
  EXPECT_EQ(sink.frames_written(), 0);
}

TEST(PcAudiometer, MalformedButtonReportIsADeviceError) {
  MemorySink sink;
  ScriptedButton button;
  button.malformed = true;
  PcAudiometer a(config(), sink, button, kOrigin);
  ASSERT_TRUE(a.open().ok());
  auto r = a.collect_responses(kOrigin + 100ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "device_error");
  EXPECT_NE(r.error().message.find("expected 1"), std::string::npos);
}

// The station's paced mode (PcRig): the stream is written at most `pace_lead` ahead of
// steady_clock and keeps that lead while the button is awaited — silence is written up to
// `until` + the lead — so a real device never runs dry between tones and a tone is written in
// real time, not in a burst. Checked by sample position.
TEST(PcAudiometer, PacedStreamKeepsItsLeadWhileTheButtonIsAwaited) {
  MemorySink sink;
  ScriptedButton button;
  PcAudiometerConfig c = config();
  c.pace_to_clock = true;
  c.clock_write_time = true;
  c.pace_lead = 100ms;
  const AudioTime origin = AudioClock::now();
  PcAudiometer a(c, sink, button, origin);
  ASSERT_TRUE(a.open().ok());
  auto frames_at = [&](AudioTime t) {  // stream position of a time, 48 kHz
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t - origin).count() * 48 /
           1'000'000;
  };
  ASSERT_TRUE(a.collect_responses(origin + 300ms).ok());
  EXPECT_EQ(sink.frames_written(), frames_at(origin + 300ms + 100ms));  // 19200
  EXPECT_GE(AudioClock::now(), origin + 300ms);  // the button was awaited until then
  ASSERT_TRUE(a.set_frequency(1000).ok());
  ASSERT_TRUE(a.set_level(30).ok());
  auto onset = a.present(200ms);
  ASSERT_TRUE(onset.ok());
  EXPECT_EQ(sink.frames_written(), 19200 + 9600);
  // The onset is the clock when its first frame was written (+ no latency: a memory sink).
  EXPECT_GE(*onset, origin + 300ms);
  ASSERT_TRUE(a.collect_responses(*onset + 300ms).ok());
  EXPECT_EQ(sink.frames_written(), frames_at(*onset + 300ms + 100ms));
}

// A button that, like hidraw, cannot stamp its own reports: an edge "arrives" when the stream
// reaches a given frame and is stamped with the time it is read (the stream clock here).
class ArrivingButton final : public drivers::hid::ButtonSource {
 public:
  explicit ArrivingButton(const MemorySink& sink) : sink_(sink) {}
  std::deque<std::pair<std::int64_t, bool>> arrivals;  // (frame, pressed)
  int polls = 0;
  drivers::IoStatus poll_events(std::vector<drivers::hid::ButtonEvent>& out) override {
    ++polls;
    while (!arrivals.empty() && sink_.frames_written() >= arrivals.front().first) {
      out.push_back(
          {arrivals.front().second,
           kOrigin + std::chrono::nanoseconds(sink_.frames_written() * 1'000'000'000LL / 48000)});
      arrivals.pop_front();
    }
    return {};
  }
  drivers::IoStatus events_until(drivers::hid::ButtonClock::time_point,
                                 std::vector<drivers::hid::ButtonEvent>& out) override {
    return poll_events(out);
  }

 private:
  const MemorySink& sink_;
};

TEST(PcAudiometer, ButtonIsReadBetweenSmallChunksSoPressesDuringTheToneKeepTheirTime) {
  MemorySink sink;
  ArrivingButton button(sink);
  PcAudiometer a(config(), sink, button, kOrigin);
  ASSERT_TRUE(a.open().ok());
  ASSERT_TRUE(a.set_frequency(1000).ok());
  ASSERT_TRUE(a.set_level(30).ok());
  // Press arrives 400 ms into the tone (frame 19200), release at 550 ms (frame 26400).
  button.arrivals = {{19200, true}, {26400, false}};
  auto onset = a.present(1000ms);
  ASSERT_TRUE(onset.ok());
  EXPECT_GE(button.polls, 100);  // 1000 ms in 10 ms chunks
  auto r = a.collect_responses(*onset + 1500ms);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1U);
  // Stamped within one 10 ms chunk of the arrival, not at the end of the tone or window.
  EXPECT_GE((*r)[0].pressed, *onset + 400ms);
  EXPECT_LE((*r)[0].pressed, *onset + 410ms);
  ASSERT_TRUE((*r)[0].released.has_value());
  EXPECT_LE(*(*r)[0].released, *onset + 560ms);
}

}  // namespace
}  // namespace odyo::audiometry
