// Octave-band levels of synthesized signals whose levels are worked by hand (AES17 convention:
// a sine of peak amplitude A reads 20·log10(A) dBFS; dB SPL = dBFS + the SPL of a full-scale
// sine), and the bad inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "analysis/audiometry/ambient/octave_bands.hpp"

using namespace odyo::audiometry::ambient;

namespace {

constexpr double kRateHz = 48000.0;

Eigen::VectorXd sine(double amplitude, double frequency_hz, double seconds) {
  const auto n = static_cast<Eigen::Index>(seconds * kRateHz);
  Eigen::VectorXd x(n);
  for (Eigen::Index i = 0; i < n; ++i)
    x[i] = amplitude *
           std::sin(2.0 * std::numbers::pi * frequency_hz * static_cast<double>(i) / kRateHz);
  return x;
}

double level_at(const std::vector<BandLevel>& bands, int centre_hz) {
  for (const auto& b : bands)
    if (b.centre_hz == centre_hz) return b.level_db_spl;
  ADD_FAILURE() << "no band at " << centre_hz;
  return 0;
}

}  // namespace

TEST(OctaveBands, BandsAreTheIecNominalOctavesWithEdgesAtRootTwo) {
  auto bands = octave_band_levels(sine(0.5, 1000, 1.0), kRateHz, 94.0);
  ASSERT_TRUE(bands.ok()) << bands.error().message;
  ASSERT_EQ(bands->size(), 7u);
  EXPECT_EQ(bands->front().centre_hz, 125);
  EXPECT_EQ(bands->back().centre_hz, 8000);
  // 1000/√2 = 707.107, 1000·√2 = 1414.214
  EXPECT_NEAR((*bands)[3].lower_hz, 707.107, 0.001);
  EXPECT_NEAR((*bands)[3].upper_hz, 1414.214, 0.001);
}

TEST(OctaveBands, SineAt1kHzReadsItsAmplitudePlusTheCalibration) {
  // A = 0.5: 20·log10(0.5) = −6.021 dBFS; + 94 dB SPL (full-scale sine) = 87.979 dB SPL.
  auto bands = octave_band_levels(sine(0.5, 1000, 1.0), kRateHz, 94.0);
  ASSERT_TRUE(bands.ok()) << bands.error().message;
  EXPECT_NEAR(level_at(*bands, 1000), 87.979, 0.05);
  // Little in the other bands: the Hann window's leakage is more than 60 dB down.
  for (const auto& b : *bands) {
    if (b.centre_hz != 1000) {
      EXPECT_LT(b.level_db_spl, 87.979 - 60.0) << b.centre_hz;
    }
  }
  // A full-scale sine reads the calibration itself.
  auto full = octave_band_levels(sine(1.0, 1000, 1.0), kRateHz, 120.0);
  ASSERT_TRUE(full.ok());
  EXPECT_NEAR(level_at(*full, 1000), 120.0, 0.05);
}

TEST(OctaveBands, TwoTonesInTwoBands) {
  // 0.1 at 250 Hz: −20 dBFS → 80 dB SPL; 0.01 at 4 kHz: −40 dBFS → 60 dB SPL (offset 100).
  Eigen::VectorXd x = sine(0.1, 250, 2.0) + sine(0.01, 4000, 2.0);
  auto bands = octave_band_levels(x, kRateHz, 100.0);
  ASSERT_TRUE(bands.ok()) << bands.error().message;
  EXPECT_NEAR(level_at(*bands, 250), 80.0, 0.05);
  EXPECT_NEAR(level_at(*bands, 4000), 60.0, 0.05);
  for (int hz : {125, 500, 1000, 2000, 8000}) {
    EXPECT_LT(level_at(*bands, hz), 20.0) << hz;
  }
}

TEST(OctaveBands, WhiteNoiseGrowsThreeDbPerOctave) {
  // Gaussian white noise, σ = 0.1: mean square 0.01 spread evenly over 0…24 kHz, so a band of
  // width fc/√2 holds 0.01·(fc/√2)/24000; level = 10·log10(2 · that) + 100. At 1 kHz:
  // 0.01·707.107/24000 = 2.9463e-4 → 10·log10(5.8926e-4) = −32.30 dBFS → 67.70 dB SPL, and each
  // octave doubles the width: +3.01 dB. Tolerance 0.75 dB: the 125 Hz band's Welch estimate
  // averages ~15 bins × 45 segments (4 s), a standard error near 0.2 dB.
  const unsigned seed = 20261123;
  std::mt19937 gen(seed);
  std::normal_distribution<double> noise(0.0, 0.1);
  Eigen::VectorXd x(static_cast<Eigen::Index>(4 * kRateHz));
  for (auto& v : x) v = noise(gen);
  auto bands = octave_band_levels(x, kRateHz, 100.0);
  ASSERT_TRUE(bands.ok()) << bands.error().message;
  for (const auto& b : *bands) {
    const double expected =
        10.0 * std::log10(2.0 * 0.01 * (b.centre_hz / std::numbers::sqrt2) / 24000.0) + 100.0;
    EXPECT_NEAR(b.level_db_spl, expected, 0.75) << b.centre_hz << " Hz, seed " << seed;
  }
  EXPECT_NEAR(level_at(*bands, 1000), 67.70, 0.75) << "seed " << seed;
  for (std::size_t i = 1; i < bands->size(); ++i)
    EXPECT_NEAR((*bands)[i].level_db_spl - (*bands)[i - 1].level_db_spl, 3.01, 0.75)
        << (*bands)[i].centre_hz << " Hz, seed " << seed;
}

TEST(OctaveBands, TooShortSaysHowManySamplesAreNeeded) {
  // 48 kHz: bins of at most 88.39/8 = 11.05 Hz need 48000/11.05 = 4345 → 8192 samples.
  EXPECT_EQ(segment_frames(48000), 8192);
  EXPECT_EQ(segment_frames(44100), 4096);  // 44100/4096 = 10.77 Hz ≤ 11.05 Hz
  Eigen::VectorXd x = sine(0.5, 1000, 1.0).head(8191);
  auto r = octave_band_levels(x, kRateHz, 94.0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ambient_too_short");
  EXPECT_NE(r.error().message.find("8191 samples"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("at least 8192"), std::string::npos) << r.error().message;
  EXPECT_TRUE(octave_band_levels(sine(0.5, 1000, 1.0).head(8192), kRateHz, 94.0).ok());
  auto empty = octave_band_levels(Eigen::VectorXd(0), kRateHz, 94.0);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "ambient_too_short");
}

TEST(OctaveBands, NonFiniteSamplesAndCalibrationAreRefused) {
  Eigen::VectorXd x = sine(0.5, 1000, 1.0);
  x[100] = std::numeric_limits<double>::quiet_NaN();
  auto r = octave_band_levels(x, kRateHz, 94.0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ambient_not_finite");
  EXPECT_NE(r.error().message.find("sample 100 "), std::string::npos) << r.error().message;
  x[100] = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(octave_band_levels(x, kRateHz, 94.0).ok());
  auto c =
      octave_band_levels(sine(0.5, 1000, 1.0), kRateHz, std::numeric_limits<double>::quiet_NaN());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "ambient_not_finite");
}

TEST(OctaveBands, DigitalSilenceIsAMicrophoneFaultNotAQuietRoom) {
  auto r = octave_band_levels(Eigen::VectorXd::Zero(48000), kRateHz, 94.0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ambient_silent");
  EXPECT_NE(r.error().message.find("digital silence"), std::string::npos) << r.error().message;
}

TEST(OctaveBands, TooLowASampleRateIsRefused) {
  // The 8 kHz band's upper edge is 11 314 Hz: the rate must exceed 22 627 Hz.
  auto r = octave_band_levels(Eigen::VectorXd::Zero(32000), 16000, 94.0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ambient_rate");
  EXPECT_NE(r.error().message.find("22627"), std::string::npos) << r.error().message;
}
