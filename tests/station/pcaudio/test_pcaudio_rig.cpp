// The PC audiometer as the station opens it for a session: every refusal (example calibration,
// expired calibration, no listening check, bad URI, missing PCM) and a journaled presentation
// through ALSA's file PCM (private ALSA config).
#include "station/pcaudio/pc_rig.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <nlohmann/json.hpp>

#include "station/qc/daily_checks.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"
#include "tests/station/pcaudio/pcaudio_test_files.hpp"

namespace odyo::station::pcaudio {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using namespace testing;

constexpr year_month_day kToday{year{2026}, month{11}, day{23}};

class QueueButton final : public drivers::hid::ButtonSource {
 public:
  std::deque<drivers::hid::ButtonEvent> q;
  drivers::IoStatus events_until(drivers::hid::ButtonClock::time_point until,
                                 std::vector<drivers::hid::ButtonEvent>& out) override {
    while (!q.empty() && q.front().time <= until) {
      out.push_back(q.front());
      q.pop_front();
    }
    return {};
  }
};

// The station's daily checks in a real database (station/qc/daily_checks): the rig asks it for
// today's listening check of the calibration's pair.
struct Fixture {
  TempDir dir;
  PcRigOptions opts;
  std::unique_ptr<Database> db;
  Fixture() {
    db = std::move(Database::open(dir.path() / "station.db").value());
    EXPECT_TRUE(
        add_user(*db, {"ayse", "Ayşe", "technician", "ayse-parola-2026"}, 10, 10000, "admin").ok());
    opts.require_listening_check = [this](const std::string& pair) {
      return qc::require_daily_check(*db, "pc-audio", qc::kListeningCheck, to_iso(kToday), pair);
    };
    std::ofstream(dir.path() / "asoundrc")
        << "pcm.rigtest { type file; slave.pcm { type null }; file \""
        << (dir.path() / "played.wav").string() << "\"; format \"wav\" }\n";
    const std::string cfg = "/usr/share/alsa/alsa.conf:" + (dir.path() / "asoundrc").string();
    ::setenv("ALSA_CONFIG_PATH", cfg.c_str(), 1);
    opts.device_uri = "pc:rigtest";
    opts.calibration_file = example_calibration();
    opts.tone_journal = dir.path() / "tones.jsonl";
    opts.today = kToday;
    opts.allow_example_calibration = true;
  }
  void pass_listening_check() {
    auto cal = load_calibration(example_calibration(), kToday);
    ASSERT_TRUE(cal.ok());
    qc::ListeningCheckInput in;
    in.device_id = "pc-audio";
    in.listener = "Ayşe";
    in.passed = true;
    in.pair_id = cal->pair_id();
    in.day = to_iso(kToday);
    ASSERT_TRUE(qc::record_listening_check(*db, in, "ayse").ok());
  }
};

TEST(PcaudioRig, RefusesWithoutTodaysListeningCheck) {
  Fixture f;
  QueueButton b;
  auto rig = PcRig::open(f.opts, b);
  ASSERT_FALSE(rig.ok());
  EXPECT_EQ(rig.error().code, "daily_check_missing");
  EXPECT_NE(rig.error().message.find("audio listening-check"), std::string::npos);
}

TEST(PcaudioRig, RefusesAnExpiredOrExampleCalibration) {
  Fixture f;
  f.pass_listening_check();
  QueueButton b;
  f.opts.today = year_month_day{year{2027}, month{11}, day{3}};  // 12 months + 1 day
  auto rig = PcRig::open(f.opts, b);
  ASSERT_FALSE(rig.ok());
  EXPECT_EQ(rig.error().code, "calibration_expired");
  f.opts.today = kToday;
  f.opts.allow_example_calibration = false;
  rig = PcRig::open(f.opts, b);
  ASSERT_FALSE(rig.ok());
  EXPECT_EQ(rig.error().code, "calibration_example");
}

TEST(PcaudioRig, RefusesABadUriOrAMissingDevice) {
  Fixture f;
  f.pass_listening_check();
  QueueButton b;
  f.opts.device_uri = "hw:1";
  auto rig = PcRig::open(f.opts, b);
  ASSERT_FALSE(rig.ok());
  EXPECT_EQ(rig.error().code, "bad_device_uri");
  f.opts.device_uri = "pc:nosuchpcm";
  rig = PcRig::open(f.opts, b);
  ASSERT_FALSE(rig.ok());
  EXPECT_EQ(rig.error().code, "device_disconnected");
  EXPECT_NE(rig.error().message.find("plug it in"), std::string::npos) << rig.error().message;
}

TEST(PcaudioRig, EveryPresentedToneIsJournaled) {
  Fixture f;
  f.pass_listening_check();
  QueueButton b;
  {
    auto rig = PcRig::open(f.opts, b);
    ASSERT_TRUE(rig.ok()) << rig.error().message;
    auto& a = (*rig)->audiometer();
    ASSERT_TRUE(a.set_ear(audiometry::Ear::left).ok());
    ASSERT_TRUE(a.set_frequency(2000).ok());
    ASSERT_TRUE(a.set_level(35).ok());
    auto onset = a.present(1000ms);
    ASSERT_TRUE(onset.ok());
    b.q = {{true, *onset + 420ms}, {false, *onset + 600ms}};
    ASSERT_TRUE(a.collect_responses(*onset + 1500ms).ok());
    ASSERT_TRUE(a.set_level(25).ok());
    ASSERT_TRUE(a.present(1000ms).ok());
    (*rig)->flush();
  }
  std::ifstream in(f.opts.tone_journal);
  std::string line;
  std::vector<nlohmann::json> lines;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0]["ear"], "left");
  EXPECT_EQ(lines[0]["frequency_hz"], 2000);
  EXPECT_EQ(lines[0]["level_db_hl"], 35);
  // Left 2 kHz: D = 35 + 9 − 114 = −70 dBFS.
  EXPECT_DOUBLE_EQ(lines[0]["digital_level_dbfs"].get<double>(), -70.0);
  EXPECT_EQ(lines[0]["duration_ms"], 1000);
  EXPECT_EQ(lines[0]["onset_frame"], 0);
  ASSERT_EQ(lines[0]["presses"].size(), 1U);
  EXPECT_EQ(lines[0]["presses"][0]["latency_ms"], 420);
  EXPECT_EQ(lines[0]["presses"][0]["held_ms"], 180);
  EXPECT_EQ(lines[1]["level_db_hl"], 25);
  // The rig paces the stream 250 ms ahead of the clock and keeps writing silence while the
  // button is awaited: the second tone starts after the first (1000 ms), the rest of its 1500 ms
  // window and the 250 ms lead, counted from the clock time of the first onset — a few ms after
  // the stream's origin (opening the PCM, rendering the tone).
  EXPECT_GE(lines[1]["onset_frame"].get<std::int64_t>(), 48000 + 24000 + 12000);
  EXPECT_LT(lines[1]["onset_frame"].get<std::int64_t>(), 48000 + 24000 + 12000 + 4800);
  EXPECT_TRUE(lines[1]["presses"].empty());
  // Output latency by sample position: nothing was queued ahead of the first tone; a whole
  // buffer (200 ms asked, 9600 frames) ahead of the second, and its onset is that much later.
  EXPECT_EQ(lines[0]["output_latency_frames"], 0);
  EXPECT_EQ(lines[1]["output_latency_frames"], 9600);
  EXPECT_EQ(lines[0]["presses"][0]["verdict"], "response");
  // Wall-clock time of the onset: within the minute this test ran.
  const auto now_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(static_cast<double>(lines[0]["onset_utc_ms"].get<long long>()),
              static_cast<double>(now_ms), 60000.0);
  EXPECT_EQ(lines[0]["responded"], true);
  EXPECT_EQ(lines[1]["responded"], false);
}

}  // namespace
}  // namespace odyo::station::pcaudio
