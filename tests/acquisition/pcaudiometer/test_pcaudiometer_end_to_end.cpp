// End to end: the automated threshold search (acquisition/audiometry) drives the PC audiometer,
// which plays through ALSA's `file` PCM (a private ALSA config; no sound card here). A simulated
// listener reads what was actually played from that file, measures each tone (ear, frequency,
// level from the samples via the calibration and RETSPL) and answers through the button
// interface at a reaction time after the measured onset. The audiogram must match the listener.
//
// The listener is deterministic: it hears a tone iff the measured level ≥ its true threshold.
// True thresholds sit between 5 dB steps, so the search must find exactly the next 5 dB step up
// (worked out below); the audiometry issue's tolerance (within 5 dB) is checked as well.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

#include "acquisition/audiometry/search_runner.hpp"
#include "acquisition/audiometry/threshold_search.hpp"
#include "acquisition/pcaudiometer/pc_audiometer.hpp"
#include "analysis/audiometry/tone/measure.hpp"
#include "drivers/audio/alsa_sink.hpp"

namespace odyo::audiometry {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
constexpr double kFs = 48000.0;

// The example calibration's numbers (config/calibration/example-tdh39-calibration.toml):
// S = M − D per frequency (left; right 0.5 dB less) and the TDH-39 RETSPL (config/audiometry).
const std::map<int, std::pair<double, double>> kSensitivityAndRetspl = {
    {250, {117.0, 25.5}},  {500, {116.0, 11.5}}, {1000, {112.0, 7.0}},  {2000, {114.0, 9.0}},
    {3000, {115.0, 10.0}}, {4000, {114.0, 9.5}}, {6000, {113.0, 15.5}}, {8000, {111.0, 13.0}}};

std::vector<tone::CalibratedFrequency> calibration_table() {
  std::vector<tone::CalibratedFrequency> t;
  for (const auto& [hz, sr] : kSensitivityAndRetspl) {
    t.push_back({Ear::left, hz, sr.first, sr.second, -1.0});
    t.push_back({Ear::right, hz, sr.first - 0.5, sr.second, -1.0});
  }
  return t;
}

struct HeardTone {
  std::int64_t start_frame = 0;
  std::int64_t end_frame = 0;
  Ear ear = Ear::right;
  int frequency_hz = 0;
  double level_db_hl = 0.0;     // measured from the samples
  double other_ear_peak = 0.0;  // the silent channel
  bool heard = false;
};

// Reads the growing WAV that ALSA's file PCM writes, finds tones (non-zero runs followed by at
// least 100 ms of digital silence) and answers like a listener with known thresholds.
class FileListener final : public drivers::hid::ButtonSource {
 public:
  FileListener(fs::path wav, std::map<Ear, std::map<int, double>> thresholds, AudioTime origin,
               std::int64_t latency_frames)
      : wav_(std::move(wav)),
        thresholds_(std::move(thresholds)),
        origin_(origin),
        latency_frames_(latency_frames) {}

  drivers::IoStatus events_until(drivers::hid::ButtonClock::time_point until,
                                 std::vector<drivers::hid::ButtonEvent>& out) override {
    read_new_samples();
    scan();
    while (!pending_.empty() && pending_.front().time <= until) {
      out.push_back(pending_.front());
      pending_.pop_front();
    }
    return {};
  }

  [[nodiscard]] const std::vector<HeardTone>& tones() const { return tones_; }
  [[nodiscard]] std::int64_t frames_read() const { return static_cast<std::int64_t>(left_.size()); }

 private:
  void read_new_samples() {
    std::ifstream in(wav_, std::ios::binary);
    if (!in) return;
    if (data_offset_ == 0) {  // find the data chunk once
      char hdr[256];
      in.read(hdr, sizeof hdr);
      const std::string h(hdr, static_cast<std::size_t>(in.gcount()));
      const auto pos = h.find("data");
      if (pos == std::string::npos) return;
      data_offset_ = static_cast<std::streamoff>(pos + 8);
      in.clear();
    }
    in.seekg(data_offset_ + static_cast<std::streamoff>(left_.size()) * 8);
    std::vector<char> buf(1 << 20);
    while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
      const auto n = static_cast<std::size_t>(in.gcount()) / 8;  // whole S32_LE stereo frames
      for (std::size_t i = 0; i < n; ++i) {
        std::int32_t l = 0;
        std::int32_t r = 0;
        std::memcpy(&l, buf.data() + i * 8, 4);
        std::memcpy(&r, buf.data() + i * 8 + 4, 4);
        left_.push_back(l / 2147483648.0);
        right_.push_back(r / 2147483648.0);
      }
      if (static_cast<std::size_t>(in.gcount()) % 8 != 0) break;  // partial frame: next time
    }
  }

  void scan() {
    const auto n = static_cast<std::int64_t>(left_.size());
    const std::int64_t quiet_needed = 4800;
    while (scan_pos_ < n) {
      const auto i = static_cast<std::size_t>(scan_pos_);
      const bool sound = left_[i] != 0.0 || right_[i] != 0.0;
      if (sound) {
        if (tone_start_ < 0) tone_start_ = scan_pos_;
        last_sound_ = scan_pos_;
      } else if (tone_start_ >= 0 && scan_pos_ - last_sound_ >= quiet_needed) {
        judge(tone_start_, last_sound_ + 1);
        tone_start_ = -1;
      }
      ++scan_pos_;
    }
  }

  void judge(std::int64_t start, std::int64_t end) {
    HeardTone t;
    t.start_frame = start;
    t.end_frame = end;
    const Eigen::Map<const Eigen::VectorXd> l(left_.data() + start, end - start);
    const Eigen::Map<const Eigen::VectorXd> r(right_.data() + start, end - start);
    const bool is_left = tone::peak_abs(l) > tone::peak_abs(r);
    t.ear = is_left ? Ear::left : Ear::right;
    const auto& x = is_left ? l : r;
    t.other_ear_peak = tone::peak_abs(is_left ? r : l);
    // Plateau: the middle, clear of the 50 ms ramps; pitch rounded to the nearest audiometric
    // frequency; level from the component amplitude over whole cycles.
    const Eigen::Index mid0 = 4800;
    const Eigen::Index mid_len = x.size() - 2 * 4800;
    auto f = tone::estimate_frequency_hz(x.segment(mid0, mid_len), kFs);
    int hz = 0;
    for (const auto& [std_hz, unused] : kSensitivityAndRetspl)
      if (f.ok() && std::abs(*f - std_hz) < 0.01 * std_hz) hz = std_hz;
    t.frequency_hz = hz;
    if (hz != 0) {
      const auto period = static_cast<Eigen::Index>(kFs) / hz;
      const Eigen::Index len = (mid_len / period) * period;
      const double a = tone::component_amplitude(x.segment(mid0, len), hz, kFs);
      const auto& [s_left, retspl] = kSensitivityAndRetspl.at(hz);
      const double s = is_left ? s_left : s_left - 0.5;
      t.level_db_hl = 20.0 * std::log10(a) + s - retspl;  // coupler SPL − RETSPL
      t.heard = t.level_db_hl >= thresholds_.at(t.ear).at(hz);
    }
    if (t.heard) {  // press 400 ms after the onset it heard, release 150 ms later
      // Heard when it leaves the output: the stream time of the frame + the output latency.
      const auto onset =
          origin_ + std::chrono::nanoseconds((start + latency_frames_) * 1'000'000'000LL / 48000);
      pending_.push_back({true, onset + 400ms});
      pending_.push_back({false, onset + 550ms});
    }
    tones_.push_back(t);
  }

  fs::path wav_;
  std::map<Ear, std::map<int, double>> thresholds_;
  AudioTime origin_;
  std::int64_t latency_frames_ = 0;
  std::streamoff data_offset_ = 0;
  std::vector<double> left_;
  std::vector<double> right_;
  std::int64_t scan_pos_ = 0;
  std::int64_t tone_start_ = -1;
  std::int64_t last_sound_ = -1;
  std::vector<HeardTone> tones_;
  std::deque<drivers::hid::ButtonEvent> pending_;
};

TEST(PcAudiometerEndToEnd, SearchThroughAlsaFileSinkFindsTheListenersThresholds) {
  const fs::path dir =
      fs::temp_directory_path() / ("odyo-pcaudio-e2e-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path wav = dir / "played.wav";
  {
    std::ofstream rc(dir / "asoundrc");
    rc << "pcm.audiometer { type file; slave.pcm { type null }; file \"" << wav.string()
       << "\"; format \"wav\" }\n";
  }
  const std::string cfg = "/usr/share/alsa/alsa.conf:" + (dir / "asoundrc").string();
  ::setenv("ALSA_CONFIG_PATH", cfg.c_str(), 1);

  // True thresholds (dB HL) between the 5 dB steps → expected = the next step up.
  const std::map<Ear, std::map<int, double>> truth = {
      {Ear::right, {{1000, 12.5}, {2000, 22.5}, {4000, 47.5}, {500, 7.5}}},
      {Ear::left, {{1000, 32.5}, {2000, 2.5}, {4000, 62.5}, {500, -7.5}}}};
  const std::map<Ear, std::map<int, int>> expected = {
      {Ear::right, {{1000, 15}, {2000, 25}, {4000, 50}, {500, 10}}},
      {Ear::left, {{1000, 35}, {2000, 5}, {4000, 65}, {500, -5}}}};

  const AudioTime origin = AudioClock::now();
  drivers::audio::AlsaSink sink("audiometer");
  PcAudiometerConfig cfg_pc;
  cfg_pc.levels = calibration_table();
  // The button is the listener, created once the sink's buffer (its output latency) is known.
  std::unique_ptr<FileListener> listener_ptr;
  class Forward final : public drivers::hid::ButtonSource {
   public:
    std::unique_ptr<FileListener>* to = nullptr;
    drivers::IoStatus events_until(drivers::hid::ButtonClock::time_point until,
                                   std::vector<drivers::hid::ButtonEvent>& out) override {
      return (*to)->events_until(until, out);
    }
  } button;
  button.to = &listener_ptr;
  PcAudiometer audiometer(cfg_pc, sink, button, origin);
  ASSERT_TRUE(audiometer.open().ok());
  ASSERT_GT(sink.buffer_frames(), 0);
  listener_ptr = std::make_unique<FileListener>(wav, truth, origin, sink.buffer_frames());
  FileListener& listener = *listener_ptr;

  SearchParams params;
  params.ears = {Ear::right, Ear::left};
  params.first_ear = Ear::right;
  params.high_frequencies_hz = {1000, 2000, 4000};
  params.low_frequencies_hz = {500};
  params.catch_trial_probability = 0.0;
  params.gap_min = 300ms;
  params.gap_max = 600ms;
  ASSERT_TRUE(apply_device_limits(params, audiometer).ok());
  ThresholdSearch search(params, 20261123);
  auto run = run_search(search, audiometer);
  ASSERT_TRUE(run.ok()) << run.error().message;
  ASSERT_EQ(search.state(), ThresholdSearch::State::finished);
  // By sample position: the file PCM has written to its file all but the last buffer of the
  // stream — a frame reaches the "ear" one buffer after it is written, the latency every
  // journaled onset includes.
  {
    std::vector<drivers::hid::ButtonEvent> none;
    ASSERT_TRUE(listener.events_until(AudioClock::time_point::min(), none).ok());
    EXPECT_EQ(audiometer.frames_written() - listener.frames_read(), sink.buffer_frames());
  }
  sink.close();
  audiometer.flush_journal();
  // Let the listener see the end of the stream (after close the file holds everything).
  std::vector<drivers::hid::ButtonEvent> rest;
  ASSERT_TRUE(listener.events_until(AudioClock::now() + 1000h, rest).ok());

  const auto& result = search.result();
  for (const auto& [ear, points] : expected) {
    for (const auto& [hz, level] : points) {
      const auto& curve = result.audiogram.ear(ear).air;
      ASSERT_TRUE(curve.count(hz)) << to_string(ear) << " " << hz;
      const auto& p = curve.at(hz);
      EXPECT_EQ(p.status, PointStatus::measured);
      EXPECT_EQ(p.level_db_hl, level) << to_string(ear) << " " << hz << " Hz";
      EXPECT_LE(std::abs(p.level_db_hl - truth.at(ear).at(hz)), 5.0);  // audiometry tolerance
    }
  }

  // Every presented tone is in the journal, and each matches what the listener measured in the
  // file: same onset sample, ear, frequency, and level within 0.1 dB; the other ear silent.
  const auto& journal = audiometer.journal();
  const auto& heard = listener.tones();
  ASSERT_EQ(journal.size(), heard.size());
  ASSERT_EQ(static_cast<int>(journal.size()), result.presentations);
  EXPECT_EQ(listener.frames_read(), audiometer.frames_written());
  for (std::size_t i = 0; i < journal.size(); ++i) {
    const auto& j = journal[i];
    const auto& h = heard[i];
    // The gate starts at the journaled onset sample; the first samples of the raised-cosine
    // ramp round to digital zero at low levels, so the first non-zero sample comes k frames
    // later (k < the 50 ms ramp); likewise the last non-zero sample lies within the fall ramp
    // before the end of the 1000 ms (48000-frame) gate.
    const std::int64_t k = h.start_frame - j.onset_frame;
    EXPECT_GE(k, 0) << i;
    EXPECT_LT(k, 2400) << i;
    EXPECT_GE(j.onset_frame + 48000 - h.end_frame, 0) << i;
    EXPECT_LT(j.onset_frame + 48000 - h.end_frame, 2400) << i;
    EXPECT_EQ(h.ear, j.ear) << i;
    EXPECT_EQ(h.frequency_hz, j.frequency_hz) << i;
    EXPECT_NEAR(h.level_db_hl, j.level_db_hl, 0.1) << i;
    EXPECT_EQ(h.other_ear_peak, 0.0) << i;
    // Onset = stream time of the onset frame + the output latency (the configured buffer).
    EXPECT_EQ(j.output_latency_frames, sink.buffer_frames()) << i;
    EXPECT_EQ(j.onset, audiometer.time_of_frame(j.onset_frame + sink.buffer_frames())) << i;
    // The journal holds exactly the presses of the tones the listener heard: 400 ms after the
    // first non-zero sample it heard, i.e. 400 ms + k frames after the journaled onset.
    ASSERT_EQ(j.responses.size(), h.heard ? 1U : 0U) << i;
    EXPECT_EQ(j.responded(), h.heard) << i;
    if (h.heard) {
      EXPECT_EQ(j.responses[0].verdict, PressVerdict::response) << i;
      EXPECT_GE(j.responses[0].latency, 400ms) << i;
      EXPECT_LE(j.responses[0].latency, 400ms + std::chrono::milliseconds(k * 1000 / 48000 + 1))
          << i;
    }
  }
  double worst_db = 0.0;
  for (std::size_t i = 0; i < journal.size(); ++i)
    worst_db = std::max(worst_db, std::abs(heard[i].level_db_hl - journal[i].level_db_hl));
  std::cout << "presentations " << journal.size() << ", stream "
            << static_cast<double>(audiometer.frames_written()) / kFs
            << " s, worst |measured − journaled level| " << worst_db << " dB\n";
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace odyo::audiometry
