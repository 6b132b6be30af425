// End to end, issue 8: `odyospiro acquire audio --device pc-audio --worker 3001` — the real
// command, on a real SQLite station database — runs the automated threshold search on the
// computer-driven audiometer. It plays through ALSA's `file` PCM (a private ALSA config: no sound
// card here) and reads the response button through the real hidraw code, on a USB HID button
// emulated by umockdev: this test process owns the umockdev testbed (the sysfs tree and the
// HIDIOCGRAWINFO/HIDIOCGRDESC answers of tests/data/pcaudio), and odyospiro runs under
// libumockdev-preload, so its /dev/hidraw0 is the testbed's device, whose other end this test
// writes the button's 1-byte input reports to.
//
// The simulated listener follows the WAV file as ALSA writes it and judges what was actually
// played: each tone's ear, frequency and level (dB HL, from the samples through the calibration's
// S = M − D and the TDH-39 RETSPL) against its own true thresholds. The file PCM holds back one
// buffer before it writes a frame to the file, as a sound card holds its buffer before the frame
// is heard, so a frame reaches the file when it would reach the ear: the listener's "I heard it
// at" is when the tone's first sample appears in the file. It presses 450 ms after that when it
// hears the tone; on some tones it also presses far too early (20 ms, an anticipation) and after
// some missed tones far too late (150 ms after the response window). Both must be rejected.
//
// Checked: the stored audiogram equals the listener's thresholds rounded up to the 5 dB grid
// (true thresholds sit between grid steps; audiometry tolerance: within 5 dB); the journal holds
// every tone the listener heard (ear, frequency, level within 0.1 dB of what was measured in the
// file), its presses with verdicts (response / too_early / too_late) and latencies that only
// come out right if the onset includes the output latency; and an audiogram re-derived from the
// journal alone, by the rule of DOMAIN.md §3.1 written out here, equals the stored one.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <umockdev.h>
#include <unistd.h>

#include <cstdlib>  // ptsname

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "analysis/audiometry/tone/measure.hpp"
#include "tests/station/pcaudio/ambient_test_files.hpp"
#include "tests/station/pcaudio/pcaudio_station_files.hpp"

namespace odyo::station::pcaudio {
namespace {

using namespace testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr double kFs = 48000.0;
constexpr int kToneMs = 600;              // --tone-ms: response window = 1100 ms
constexpr int kWindowMs = kToneMs + 500;  // what the command sets for --tone-ms
constexpr auto kReaction = 450ms;         // the listener's normal reaction
constexpr auto kAnticipation = 20ms;      // a press no hearing can explain
constexpr auto kLate = std::chrono::milliseconds(kWindowMs + 150);
constexpr auto kHold = 150ms;

// The example calibration (config/calibration/example-tdh39-calibration.toml): S = M − D on the
// left at each frequency (right: 0.5 dB less) and the TDH-39 RETSPL (config/audiometry).
const std::map<int, std::pair<double, double>> kSensitivityAndRetspl = {
    {500, {116.0, 11.5}}, {1000, {112.0, 7.0}}, {2000, {114.0, 9.0}}, {4000, {114.0, 9.5}}};

// True thresholds (dB HL), between the 5 dB steps: the search must find the next step up.
const std::map<std::string, std::map<int, double>> kTruth = {
    {"right", {{1000, 12.5}, {2000, 22.5}, {4000, 47.5}, {500, 7.5}}},
    {"left", {{1000, 32.5}, {2000, 2.5}, {4000, 62.5}, {500, -7.5}}}};

struct Press {
  Clock::time_point at;
  std::uint8_t report;  // 0x01 pressed, 0x00 released
};

struct HeardTone {
  std::int64_t start_frame = 0;  // first non-zero sample
  Clock::time_point seen{};      // when it appeared in the file
  std::string ear;
  int frequency_hz = 0;
  double level_db_hl = 0.0;
  bool heard = false;
  bool anticipated = false;  // pressed 20 ms after it appeared
  bool late = false;         // missed, pressed after the window
};

// Follows the WAV file that ALSA's file PCM grows, and answers through the umockdev button.
class Listener {
 public:
  // `button_fd`: the umockdev device's controlling end (a pty master). umockdev emulates the
  // hidraw node as a byte stream, where two queued reports would be read as one 2-byte report;
  // a real hidraw node returns one report per read. So a report is written only once the one
  // before it has been read (FIONREAD on the device end is 0), as the kernel's hidraw queue
  // would hand it over — a few ms later at most. A byte written to the pty master reaches the
  // device end's queue through the kernel's flip-buffer work, not at once: FIONREAD straight after
  // a write can still read 0. poll() on the device end waits for that work to finish
  // (n_tty_poll), so it comes before FIONREAD; and at most one report is written per step.
  Listener(fs::path wav, int button_fd)
      : wav_(std::move(wav)),
        fd_(button_fd),
        device_end_(::open(::ptsname(button_fd), O_RDONLY | O_NOCTTY | O_NONBLOCK)) {}
  ~Listener() {
    if (device_end_ >= 0) ::close(device_end_);
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  void step() {
    read_new_frames(Clock::now());
    scan();
    const auto now = Clock::now();
    if (!presses_.empty() && presses_.front().at <= now) {
      ASSERT_GE(device_end_, 0) << "cannot open the emulated device's end";
      pollfd p{device_end_, POLLIN, 0};
      ASSERT_GE(::poll(&p, 1, 0), 0);
      int unread = 0;
      ASSERT_EQ(::ioctl(device_end_, FIONREAD, &unread), 0);
      if (unread > 0) return;  // the station has not read the last report yet
      const std::uint8_t b = presses_.front().report;
      ASSERT_EQ(::write(fd_, &b, 1), 1);
      presses_.pop_front();
    }
  }
  [[nodiscard]] const std::vector<HeardTone>& tones() const { return tones_; }
  [[nodiscard]] std::size_t frames() const { return left_.size(); }

 private:
  void read_new_frames(Clock::time_point now) {
    std::ifstream in(wav_, std::ios::binary);
    if (!in) return;
    if (data_offset_ == 0) {
      char hdr[256];
      in.read(hdr, sizeof hdr);
      const std::string h(hdr, static_cast<std::size_t>(in.gcount()));
      const auto pos = h.find("data");
      if (pos == std::string::npos || h.size() < pos + 8) return;
      data_offset_ = static_cast<std::streamoff>(pos + 8);
      in.clear();
    }
    in.seekg(data_offset_ + static_cast<std::streamoff>(left_.size()) * 8);
    std::vector<char> buf(1 << 16);
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount()) / 8;  // whole S32_LE stereo frames
    for (std::size_t i = 0; i < n; ++i) {
      std::int32_t l = 0;
      std::int32_t r = 0;
      std::memcpy(&l, buf.data() + i * 8, 4);
      std::memcpy(&r, buf.data() + i * 8 + 4, 4);
      left_.push_back(l / 2147483648.0);
      right_.push_back(r / 2147483648.0);
      seen_.push_back(now);
    }
  }

  void scan() {
    const auto n = static_cast<std::int64_t>(left_.size());
    while (pos_ < n) {
      const auto i = static_cast<std::size_t>(pos_);
      const bool sound = left_[i] != 0.0 || right_[i] != 0.0;
      if (state_ == State::quiet && sound) {
        HeardTone t;
        t.start_frame = pos_;
        t.seen = seen_[i];
        tones_.push_back(t);
        state_ = State::tone;
        if (tones_.size() % 5 == 2) {  // an anticipation, before anything can be judged
          tones_.back().anticipated = true;
          schedule(t.seen + kAnticipation, t.seen + kAnticipation + 120ms);
        }
      }
      if (state_ == State::tone && pos_ - tones_.back().start_frame == 14400) judge(tones_.back());
      if (sound) last_sound_ = pos_;
      if (state_ != State::quiet && !sound && pos_ - last_sound_ >= 4800 &&
          pos_ - tones_.back().start_frame > 14400)
        state_ = State::quiet;
      ++pos_;
    }
  }

  // 300 ms after the first sample: measure 100…300 ms (clear of the 50 ms rise, whole cycles of
  // every frequency used) and decide.
  void judge(HeardTone& t) {
    state_ = State::judged;
    const auto s = static_cast<Eigen::Index>(t.start_frame + 4800);
    const Eigen::Map<const Eigen::VectorXd> l(left_.data() + s, 9600);
    const Eigen::Map<const Eigen::VectorXd> r(right_.data() + s, 9600);
    const bool is_left = audiometry::tone::peak_abs(l) > audiometry::tone::peak_abs(r);
    t.ear = is_left ? "left" : "right";
    const auto& x = is_left ? l : r;
    auto f = audiometry::tone::estimate_frequency_hz(x, kFs);
    for (const auto& [hz, unused] : kSensitivityAndRetspl)
      if (f.ok() && std::abs(*f - hz) < 0.01 * hz) t.frequency_hz = hz;
    ASSERT_NE(t.frequency_hz, 0) << "a tone of an unexpected frequency was played";
    const auto& [s_left, retspl] = kSensitivityAndRetspl.at(t.frequency_hz);
    const double a = audiometry::tone::component_amplitude(x, t.frequency_hz, kFs);
    t.level_db_hl = 20.0 * std::log10(a) + (is_left ? s_left : s_left - 0.5) - retspl;
    t.heard = t.level_db_hl >= kTruth.at(t.ear).at(t.frequency_hz);
    if (t.heard) {
      schedule(t.seen + kReaction, t.seen + kReaction + kHold);
    } else if (++misses_ % 6 == 3) {
      t.late = true;
      schedule(t.seen + kLate, t.seen + kLate + 50ms);
    }
  }

  void schedule(Clock::time_point down, Clock::time_point up) {
    presses_.push_back({down, 0x01});
    presses_.push_back({up, 0x00});
    std::stable_sort(presses_.begin(), presses_.end(),
                     [](const Press& a, const Press& b) { return a.at < b.at; });
  }

  enum class State { quiet, tone, judged };
  fs::path wav_;
  int fd_;
  int device_end_;
  std::streamoff data_offset_ = 0;
  std::vector<double> left_;
  std::vector<double> right_;
  std::vector<Clock::time_point> seen_;
  std::int64_t pos_ = 0;
  std::int64_t last_sound_ = -1;
  State state_ = State::quiet;
  int misses_ = 0;
  std::vector<HeardTone> tones_;
  std::deque<Press> presses_;
};

// DOMAIN.md §3.1 over the journal alone: per block of consecutive tones at one ear and
// frequency, the first response ends the search for an audible level; after that a tone that
// follows a miss is ascending; the threshold is the lowest level answered on at least 2
// ascending tones and on at least half of them. The 1 kHz retest (a second 1 kHz block of the
// ear) keeps the better of the two when they agree within 5 dB.
std::map<std::string, std::map<int, int>> rederive(const std::vector<json>& tones) {
  struct Block {
    std::string ear;
    int hz = 0;
    std::vector<std::pair<int, bool>> levels;  // (dB HL, answered)
  };
  std::vector<Block> blocks;
  for (const auto& t : tones) {
    const std::string ear = t["ear"];
    const int hz = t["frequency_hz"];
    if (blocks.empty() || blocks.back().ear != ear || blocks.back().hz != hz)
      blocks.push_back({ear, hz, {}});
    bool answered = false;
    for (const auto& p : t["presses"]) {
      const int ms = p["latency_ms"];
      answered = answered || (ms >= t["min_reaction_ms"].get<int>() &&
                              ms <= t["response_window_ms"].get<int>());
    }
    blocks.back().levels.emplace_back(t["level_db_hl"].get<int>(), answered);
  }
  std::map<std::string, std::map<int, int>> out;
  for (const auto& b : blocks) {
    std::map<int, std::pair<int, int>> tally;  // level → (answered, presented), ascending only
    bool found = false;
    bool last_missed = false;
    for (const auto& [level, answered] : b.levels) {
      if (!found) {
        found = answered;
        last_missed = !answered;
        continue;
      }
      if (last_missed) {
        ++tally[level].second;
        if (answered) ++tally[level].first;
      }
      last_missed = !answered;
    }
    std::optional<int> threshold;
    for (const auto& [level, t] : tally)
      if (t.first >= 2 && 2 * t.first >= t.second) {
        threshold = level;
        break;
      }
    EXPECT_TRUE(threshold.has_value()) << b.ear << " " << b.hz;
    if (!threshold) continue;
    auto& slot = out[b.ear];
    if (slot.count(b.hz) != 0U) {
      EXPECT_LE(std::abs(slot[b.hz] - *threshold), 5) << "1 kHz retest " << b.ear;
      slot[b.hz] = std::min(slot[b.hz], *threshold);
    } else {
      slot[b.hz] = *threshold;
    }
  }
  return out;
}

TEST(PcaudioAcquireUmockdev, SearchThroughAlsaFileAndHidButtonStoresTheListenersAudiogram) {
  PcStation station;
  ASSERT_TRUE(station.add_worker());
  ASSERT_EQ(station.listening_check(true).exit_code, 0);

  // The USB HID button: the umockdev testbed of tests/data/pcaudio (sets $UMOCKDEV_DIR, which the
  // command inherits).
  const std::string data = std::string(ODYO_TEST_DATA_DIR) + "/pcaudio/";
  UMockdevTestbed* testbed = umockdev_testbed_new();
  ASSERT_NE(testbed, nullptr);
  GError* err = nullptr;
  ASSERT_TRUE(umockdev_testbed_add_from_file(testbed, (data + "button.umockdev").c_str(), &err))
      << (err ? err->message : "");
  ASSERT_TRUE(umockdev_testbed_load_ioctl(testbed, "/dev/hidraw0",
                                          (data + "button-hidraw.ioctl").c_str(), &err))
      << (err ? err->message : "");
  const int button_fd = umockdev_testbed_get_dev_fd(testbed, "/dev/hidraw0");
  ASSERT_GE(button_fd, 0);

  // The room's ambient noise, checked before the first tone and stored with the exam: the
  // microphone's recording is a 0.001 sine at 1 kHz, −60 dBFS → 34 dB SPL with the microphone's
  // 94 dB SPL full-scale calibration, under OSHA D-1's 40 dB at 1 kHz.
  const fs::path room = station.dir.path() / "room.wav";
  ASSERT_TRUE(
      odyo::test::ambient::write_mono_wav(room, odyo::test::ambient::sines({{0.001, 1000}}, 2.0)));
  const fs::path journal = station.dir.path() / "tones.jsonl";
  std::atomic<bool> done{false};
  odyo::test::CommandResult result;
  const std::string args =
      "--json acquire audio --device pc-audio --worker 3001 "
      "--frequencies 1000,2000,4000,500 --tone-ms " +
      std::to_string(kToneMs) + " --gap-ms 300 --journal '" + journal.string() + "' --ambient '" +
      room.string() + "' --mic-calibration-db 94";
  const auto t0 = Clock::now();
  std::thread command([&] {
    result = station.run(args, "LD_PRELOAD=libumockdev-preload.so.0 ");
    done = true;
  });
  Listener listener(station.wav, button_fd);
  while (!done) {
    listener.step();
    if (::testing::Test::HasFatalFailure()) break;
    std::this_thread::sleep_for(1ms);
  }
  command.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  listener.step();  // the file is complete now

  // 1. The stored exam: the listener's thresholds on the 5 dB grid, automated provenance.
  const json out = json::parse(result.out);
  const int exam_id = out["exam_id"];
  auto shown = station.run("--json exam show " + std::to_string(exam_id));
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const json exam = json::parse(shown.out);
  const json audiogram = exam["results"][0]["payload"]["audiogram"];
  // The ambient-noise check is stored with it: every octave band, the 1 kHz one worked by hand.
  const json noise = exam["results"][0]["payload"]["ambient_noise"];
  ASSERT_TRUE(noise.is_object()) << shown.out;
  EXPECT_TRUE(noise["pass"].get<bool>());
  EXPECT_EQ(noise["limits"]["table"], "osha-d1");
  EXPECT_EQ(noise["source"], room.string());
  EXPECT_EQ(noise["mic_calibration_db"], 94.0);
  ASSERT_EQ(noise["bands"].size(), 7u);
  EXPECT_EQ(noise["bands"][3]["centre_hz"], 1000);
  EXPECT_NEAR(noise["bands"][3]["level_db_spl"].get<double>(), 34.0, 0.05);
  EXPECT_EQ(noise["bands"][3]["limit_db_spl"], 40.0);
  EXPECT_NEAR(noise["bands"][3]["margin_db"].get<double>(), 6.0, 0.05);
  EXPECT_FALSE(noise.contains("override_reason"));
  std::map<std::string, std::map<int, int>> stored;
  for (const auto& [ear, points] : kTruth) {
    for (const auto& [hz, truth] : points) {
      const json& p = audiogram[ear][std::to_string(hz)];
      ASSERT_FALSE(p.is_null()) << ear << " " << hz;
      EXPECT_EQ(p["status"], "measured") << ear << " " << hz;
      EXPECT_EQ(p["provenance"], "automated") << ear << " " << hz;
      const int level = p["level_db_hl"];
      stored[ear][hz] = level;
      EXPECT_EQ(level, static_cast<int>(std::ceil(truth / 5.0) * 5.0)) << ear << " " << hz;
      EXPECT_LE(std::abs(level - truth), 5.0) << ear << " " << hz;  // audiometry tolerance
    }
  }

  // 2. The journal of this session: one line per tone the listener found in the file.
  std::vector<json> tones;
  {
    std::ifstream in(journal);
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) tones.push_back(json::parse(line));
  }
  const auto& heard = listener.tones();
  ASSERT_EQ(tones.size(), heard.size());
  EXPECT_LE(static_cast<int>(tones.size()), out["presentations"].get<int>());  // + catch trials
  std::int64_t latency_frames = -1;
  int anticipations = 0;
  int late = 0;
  int short_presses = 0;  // responses read below 450 ms less a chunk (see below)
  std::vector<double> reaction_ms;
  for (std::size_t i = 0; i < tones.size(); ++i) {
    const json& j = tones[i];
    const HeardTone& h = heard[i];
    EXPECT_EQ(j["session"], out["session"]) << i;
    EXPECT_EQ(j["worker"], "3001") << i;
    EXPECT_EQ(j["ear"], h.ear) << i;
    EXPECT_EQ(j["frequency_hz"], h.frequency_hz) << i;
    EXPECT_NEAR(h.level_db_hl, j["level_db_hl"].get<double>(), 0.1) << i;
    // The first non-zero sample lies within the 50 ms rise of the journaled onset frame.
    const std::int64_t k = h.start_frame - j["onset_frame"].get<std::int64_t>();
    EXPECT_GE(k, 0) << i;
    EXPECT_LT(k, 2400) << i;
    // The same output latency on every tone: the configured ALSA buffer (the file PCM reports
    // no delay of its own).
    if (latency_frames < 0) latency_frames = j["output_latency_frames"];
    EXPECT_EQ(j["output_latency_frames"], latency_frames) << i;
    bool response = false;
    for (const auto& p : j["presses"]) {
      const int ms = p["latency_ms"];
      const std::string v = p["verdict"];
      if (v == "too_early") {
        ++anticipations;
        EXPECT_TRUE(h.anticipated) << i;
        EXPECT_LT(ms, 100) << i;
      } else if (v == "too_late") {
        ++late;
        EXPECT_TRUE(h.late) << i;
        EXPECT_GT(ms, kWindowMs) << i;
      } else {
        EXPECT_EQ(v, "response") << i;
        response = true;
        reaction_ms.push_back(ms);
        // Pressed 450 ms after the tone reached the file, never sooner (the listener writes at
        // or after that moment), so below 450 less the chunk the station reads in only when the
        // emulated card was wrong: the file PCM holds back a buffer of *data*, not of time, so
        // when a loaded machine stalls the station's writer past its pace lead and it then
        // catches up in a burst, the tone reaches the file (the "ear") sooner than the journaled
        // onset says — a real card would underrun instead. Seen once in a `ctest -j2` suite on
        // 2026-12-05: one press of ~60 read 129 ms. Counted here, bounded below; how much later
        // presses read depends on load too: the median is checked below.
        if (ms < 430) ++short_presses;
      }
    }
    EXPECT_EQ(response, h.heard) << i;
    EXPECT_EQ(j["responded"], h.heard) << i;
  }
  EXPECT_GT(latency_frames, 0);
  EXPECT_GE(anticipations, 3);  // every fifth tone, 2nd, 7th, …
  EXPECT_GE(late, 1);

  // The typical press reads 450 ms after the journaled onset, give or take the station's
  // button chunk and scheduling: only true if the onset includes the output latency (without it
  // every reaction would read ~200 ms longer). One press delayed by a busy machine does not move
  // the median.
  ASSERT_FALSE(reaction_ms.empty());
  std::cout << short_presses << " of " << reaction_ms.size()
            << " responses read below 430 ms (a stalled writer's burst)\n";
  EXPECT_LE(short_presses * 20, static_cast<int>(reaction_ms.size()))
      << "more than 1 in 20 responses read sooner than the listener pressed";
  std::vector<double> sorted = reaction_ms;
  std::sort(sorted.begin(), sorted.end());
  const double median_ms = sorted[sorted.size() / 2];
  EXPECT_GE(median_ms, 430);
  EXPECT_LE(median_ms, 560);

  // 3. The audiogram again, from the journal alone.
  EXPECT_EQ(rederive(tones), stored);

  double mean = 0.0;
  double worst = 0.0;
  for (double ms : reaction_ms) {
    mean += ms / static_cast<double>(reaction_ms.size());
    worst = std::max(worst, std::abs(ms - 450.0));
  }
  std::cout << "end to end: " << tones.size() << " tones in " << seconds << " s; output latency "
            << latency_frames << " frames (" << static_cast<double>(latency_frames) * 1000.0 / kFs
            << " ms); journaled reaction to a 450 ms press: mean " << mean << " ms, worst |Δ| "
            << worst << " ms, median " << median_ms << " ms; " << anticipations
            << " anticipations and " << late << " late presses rejected\n";
  g_object_unref(testbed);
}

}  // namespace
}  // namespace odyo::station::pcaudio
