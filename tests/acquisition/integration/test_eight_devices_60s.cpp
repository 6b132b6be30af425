// The load requirement: 8 simulated devices at 1 kHz for 60 s through the real pipeline
// (pty, serial transport, driver, session, one journal writer): 0 lost samples, 0 reordered, and
// the raw journal holds every byte sent. The only long test of the suite (~62 s).
#include <gtest/gtest.h>

#include "tools/bench_acquisition/load_run.hpp"

TEST(EightDevices, SixtySecondsAtOneKilohertzLoseNothing) {
  odyo::bench::LoadOptions o;
  o.devices = 8;
  o.rate_hz = 1000;
  o.seconds = 60;
  const auto r = odyo::bench::run_load(o);
  ASSERT_TRUE(r.ok) << r.error;
  // The slowest journal commit is a figure of the disk (one fsync), printed, not asserted: a slow
  // disk must delay the journal, never lose a sample, and the assertions below say the latter.
  // CI once saw a 286 ms commit on its shared disk with 0 lost. The figure is in bench_acquisition.
  std::cout << odyo::bench::summary_line(r) << " samples=" << r.samples_received
            << " max_commit_ms=" << r.max_commit_ms << "\n";
  // 8 devices × 60 s × 1000 Hz = 480 000 samples, minus start-up (the ports open within ~0.25 s).
  EXPECT_GT(r.samples_expected, 470000u);
  EXPECT_EQ(r.lost_samples, 0u);
  EXPECT_EQ(r.reordered, 0u);
  EXPECT_EQ(r.gap_samples, 0u);
  EXPECT_EQ(r.frame_errors, 0u);
  EXPECT_EQ(r.journal_bytes, r.bytes_sent) << "every byte sent must be in the raw journal";
}
