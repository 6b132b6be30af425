// The FIPP driver and its AudiometerControl against the simulated FA12 (tools/devsim/fipp_sim)
// through a pty, with the shipped profile config/devices/frye-fa12.toml (placeholder flow-control
// bytes and register map: driver and simulator load the same data, frye-fipp.md §9).
#include "acquisition/audiometry/search_runner.hpp"
#include "acquisition/devices/fipp_audiometer_control.hpp"
#include "tests/acquisition/integration/sim_fixture.hpp"
#include "tools/devsim/fipp_sim.hpp"

using namespace odyo;
using namespace std::chrono_literals;

namespace {

profile::FippProfile fa12() {
  std::string why;
  auto p = devsim::load_fipp_profile(
      std::filesystem::path(ODYO_SOURCE_DIR) / "config/devices/frye-fa12.toml", &why);
  EXPECT_TRUE(p.has_value()) << why;
  return p ? *p : profile::FippProfile{};
}

struct FippRig {
  std::filesystem::path dir = simtest::make_temp_dir("fipp");
  std::filesystem::path link = dir / "ttyFA12";
  profile::FippProfile prof = fa12();
  simtest::IoThread io;
  std::unique_ptr<devsim::FippSimulator> sim;
  std::unique_ptr<drivers::SerialTransport> port;
  std::unique_ptr<drivers::FippDriver> driver;

  void start(devsim::ListenerModel listener, devsim::FippFaults faults = {}) {
    sim = std::make_unique<devsim::FippSimulator>(prof, std::move(listener), link, faults);
    std::string why;
    ASSERT_TRUE(sim->start(&why)) << why;
    port = std::make_unique<drivers::SerialTransport>(
        io.io, drivers::SerialSettings{link.string(), 9600, false});
    driver = std::make_unique<drivers::FippDriver>(*port, prof);
    ASSERT_TRUE(driver->open().ok());
  }
  ~FippRig() {
    driver.reset();
    port.reset();
    sim.reset();
    std::filesystem::remove_all(dir);
  }
};

}  // namespace

// Version from the FA12 answer (§7 example 1: machine type 102 → FA12, 120 dB ceiling).
TEST(FippPty, ConnectReadsVersionAndLevelCeiling) {
  FippRig rig;
  rig.start({});
  if (HasFatalFailure()) return;
  auto c = acquisition::FippAudiometerControl::connect(*rig.driver);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ((*c)->model(), "FA12");
  auto r = (*c)->level_range(1000, audiometry::Transducer::air);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->max_db_hl, 120);
  EXPECT_EQ((*c)->set_level(125).error().code, "level_out_of_range");
  EXPECT_EQ((*c)->set_frequency(1234).error().code, "unsupported_frequency");
}

// A tone above the listener's threshold brings a press; one below does not; the simulator saw
// the ear, frequency and level the station asked for.
TEST(FippPty, PresentationAboveThresholdIsHeardBelowIsNot) {
  FippRig rig;
  devsim::ListenerModel l;
  l.threshold_db_hl[{"right", 1000}] = 25;
  rig.start(l);
  if (HasFatalFailure()) return;
  auto c = acquisition::FippAudiometerControl::connect(*rig.driver);
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto& a = **c;
  ASSERT_TRUE(a.set_ear(audiometry::Ear::right).ok());
  ASSERT_TRUE(a.set_frequency(1000).ok());
  ASSERT_TRUE(a.set_level(40).ok());
  auto onset = a.present(400ms);
  ASSERT_TRUE(onset.ok()) << onset.error().message;
  auto resp = a.collect_responses(*onset + 900ms);
  ASSERT_TRUE(resp.ok());
  ASSERT_EQ(resp->size(), 1u);
  // Reaction 250 ms in the listener; the press is seen at the next control-block read (one poll
  // period, 20 ms, later at most, plus scheduling).
  const auto rt = (*resp)[0].pressed - *onset;
  EXPECT_GE(rt, 200ms);
  EXPECT_LE(rt, 400ms);
  ASSERT_TRUE(a.set_level(10).ok());
  onset = a.present(400ms);
  ASSERT_TRUE(onset.ok());
  resp = a.collect_responses(*onset + 900ms);
  ASSERT_TRUE(resp.ok());
  EXPECT_TRUE(resp->empty());
  const auto p = rig.sim->presentations();
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].ear, "right");
  EXPECT_EQ(p[0].frequency_hz, 1000);
  EXPECT_DOUBLE_EQ(p[0].level_db_hl, 40.0);
  EXPECT_DOUBLE_EQ(p[1].level_db_hl, 10.0);
  rig.driver->close();
  EXPECT_FALSE(rig.sim->computer_control_left_on())
      << "the audiometer must not stay under computer control";
}

// A corrupted response is discarded and the command retried: no crash, counted.
TEST(FippPty, BadChecksumResponseIsRetried) {
  FippRig rig;
  devsim::FippFaults f;
  f.bad_checksum_responses = {0};  // the first answer (Get Version) is corrupted
  rig.start({}, f);
  if (HasFatalFailure()) return;
  auto c = acquisition::FippAudiometerControl::connect(*rig.driver);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_GE(rig.driver->counters().decode_errors, 1u);
  EXPECT_GE(rig.driver->counters().retries, 1u);
}

// Cable pulled: the next call fails with device_disconnected (the search pauses on it).
TEST(FippPty, UnplugIsDeviceDisconnected) {
  FippRig rig;
  rig.start({});
  if (HasFatalFailure()) return;
  auto c = acquisition::FippAudiometerControl::connect(*rig.driver);
  ASSERT_TRUE(c.ok());
  rig.sim->unplug();
  ASSERT_TRUE(simtest::wait_for([&] { return !rig.driver->connected(); }, 1s))
      << "unplug not seen within 1 s";
  auto r = (*c)->present(200ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "device_disconnected");
}

// The automated search (acquisition/audiometry) on the real driver: one ear, one frequency,
// short timing. The simulated listener's true threshold is 35 dB HL; the modified
// Hughson-Westlake search with a 5 dB step must land on it (ISO 8253-1: the threshold is the
// lowest level heard on 2 of 3 ascents; a deterministic listener is heard at exactly 35).
TEST(FippPty, ThresholdSearchFindsTheListenersThreshold) {
  FippRig rig;
  devsim::ListenerModel l;
  l.threshold_db_hl[{"right", 1000}] = 35;
  l.reaction = 200ms;
  rig.start(l);
  if (HasFatalFailure()) return;
  auto c = acquisition::FippAudiometerControl::connect(*rig.driver);
  ASSERT_TRUE(c.ok()) << c.error().message;
  audiometry::SearchParams p;
  p.ears = {audiometry::Ear::right};
  p.first_ear = audiometry::Ear::right;
  p.high_frequencies_hz = {1000};
  p.low_frequencies_hz = {};
  p.retest_1k = false;
  p.catch_trial_probability = 0;
  p.tone_duration = 300ms;
  p.response_window = 700ms;
  p.gap_min = 100ms;
  p.gap_max = 150ms;
  ASSERT_TRUE(audiometry::apply_device_limits(p, **c).ok());
  audiometry::ThresholdSearch search(p, 7);
  auto r = audiometry::run_search(search, **c);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_FALSE(search.result().outcomes.empty());
  EXPECT_EQ(search.result().outcomes.front().level_db_hl, 35);
}
