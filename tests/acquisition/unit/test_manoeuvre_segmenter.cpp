// ManoeuvreSegmenter: blows cut from a continuous 1 kHz flow stream.
#include <gtest/gtest.h>

#include <cmath>

#include "acquisition/segmentation/manoeuvre_segmenter.hpp"

using namespace odyo::acquisition;

namespace {
// Quiet, then a blow: 1 s inspiration at -3 L/s, expiration 6 L/s decaying (tau 0.5 s) for
// `exp_s` seconds (cut to zero after), then quiet.
std::vector<TimedFlowSample> stream(double quiet_s, double exp_s, double tail_s,
                                    std::int64_t first_index = 0) {
  std::vector<TimedFlowSample> v;
  auto add = [&](double f) {
    const std::int64_t i = first_index + static_cast<std::int64_t>(v.size());
    v.push_back({i, static_cast<double>(i) / 1000.0, {}, f, false});
  };
  for (int k = 0; k < quiet_s * 1000; ++k) add(0);
  for (int k = 0; k < 1000; ++k) add(-3.0);
  for (int k = 0; k < 7000; ++k) add(k < exp_s * 1000 ? 6.0 * std::exp(-k / 500.0) : 0.0);
  for (int k = 0; k < tail_s * 1000; ++k) add(0);
  return v;
}
}  // namespace

// A complete blow: starts at the last quiet sample before the inspiration (index 1999 — the
// inspiration begins at 2000), ends "plateau" once the flow has been below 0.05 L/s (reached at
// t = 0.5 ln(6/0.05) = 2.39 s of the expiration) with < 0.025 L change over 1 s.
TEST(ManoeuvreSegmenter, CompleteBlowEndsOnPlateau) {
  ManoeuvreSegmenter seg;
  std::vector<Manoeuvre> out;
  auto s = stream(2.0, 7.0, 3.0);
  seg.push(s, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].end, ManoeuvreEnd::plateau);
  EXPECT_EQ(out[0].first_index, 1999);
  // Last sample with flow >= 0.05: k = floor(500 ln(120)) = 2393 → index 3000 + 2393; the
  // manoeuvre keeps the quiet second after it (the plateau analysis judges EOFE on): + 1000.
  EXPECT_EQ(out[0].last_index, 3000 + 2393 + 1000);
}

// The device stops sending mid-blow: the open manoeuvre is closed as signal_lost at end of stream.
TEST(ManoeuvreSegmenter, DeviceStoppingMidBlowIsSignalLost) {
  ManoeuvreSegmenter seg;
  std::vector<Manoeuvre> out;
  auto s = stream(1.0, 7.0, 0.0);
  s.resize(2500);  // stops 0.5 s into the expiration
  seg.push(s, out);
  EXPECT_TRUE(out.empty());
  seg.end_of_stream(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].end, ManoeuvreEnd::signal_lost);
  EXPECT_EQ(out[0].last_index, 2499);
}

// Lost samples inside a blow (index jump of 500): the manoeuvre ends flagged "gap".
TEST(ManoeuvreSegmenter, IndexGapClosesTheManoeuvreFlagged) {
  ManoeuvreSegmenter seg;
  std::vector<Manoeuvre> out;
  auto s = stream(1.0, 7.0, 3.0);
  s.erase(s.begin() + 2200, s.begin() + 2700);
  seg.push(s, out);
  ASSERT_GE(out.size(), 1u);
  EXPECT_EQ(out[0].end, ManoeuvreEnd::gap);
  EXPECT_EQ(out[0].last_index, 2199);
}

// Two blows separated by quiet: two manoeuvres; an early stop (flow cut at 1.2 s) still ends on
// the plateau criterion (segmentation only cuts; analysis judges acceptability).
TEST(ManoeuvreSegmenter, TwoBlowsIncludingEarlyStop) {
  ManoeuvreSegmenter seg;
  std::vector<Manoeuvre> out;
  auto a = stream(1.0, 7.0, 2.0);
  auto b = stream(0.0, 1.2, 2.0, static_cast<std::int64_t>(a.size()));
  seg.push(a, out);
  seg.push(b, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].end, ManoeuvreEnd::plateau);
  // Last flowing sample at 1.2 s of the expiration, then the kept quiet second.
  EXPECT_EQ(out[1].last_index, static_cast<std::int64_t>(a.size()) + 1000 + 1199 + 1000);
}
