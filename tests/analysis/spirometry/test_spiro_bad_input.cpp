// Bad signals give an Error with a stable code and a sentence that says what to do.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "analysis/spirometry/indices.hpp"
#include "tests/analysis/spirometry/synthetic_blow.hpp"

namespace sp = odyo::spirometry;

namespace {
odyo::Error fail_with(const std::vector<double>& f, double rate = 1000.0, double btps = 1.0) {
  Eigen::Map<const Eigen::VectorXd> v(f.data(), static_cast<Eigen::Index>(f.size()));
  auto r = sp::analyse_manoeuvre(v, {.sample_rate_hz = rate, .btps_factor = btps});
  EXPECT_FALSE(r.ok());
  return r.ok() ? odyo::Error{} : r.error();
}
}  // namespace

TEST(SpiroBadInput, EmptySignal) {
  auto e = fail_with({});
  EXPECT_EQ(e.code, "empty_signal");
  EXPECT_NE(e.message.find("no flow samples"), std::string::npos);
}

TEST(SpiroBadInput, TooShortSignal) {
  auto f = synth::Blow{}.samples();
  f.resize(999);  // 0.999 s at 1 kHz
  auto e = fail_with(f);
  EXPECT_EQ(e.code, "signal_too_short");
  EXPECT_NE(e.message.find("at least 1 s"), std::string::npos);
}

TEST(SpiroBadInput, NaNSample) {
  auto f = synth::Blow{}.samples();
  f[1234] = std::numeric_limits<double>::quiet_NaN();
  auto e = fail_with(f);
  EXPECT_EQ(e.code, "not_finite");
  EXPECT_NE(e.message.find("1234"), std::string::npos);
}

TEST(SpiroBadInput, WrongSignConvention) {
  auto f = synth::Blow{}.samples();
  for (double& x : f) x = -x;
  auto e = fail_with(f);
  EXPECT_EQ(e.code, "wrong_sign");
  EXPECT_NE(e.message.find("inverted"), std::string::npos);
}

TEST(SpiroBadInput, SampleRateBelow100Hz) {
  synth::Blow b;
  b.rate_hz = 50.0;
  auto e = fail_with(b.samples(), 50.0);
  EXPECT_EQ(e.code, "sample_rate_too_low");
  EXPECT_NE(e.message.find("100 Hz"), std::string::npos);
  // 100 Hz itself is allowed.
  b.rate_hz = 100.0;
  const auto f = b.samples();
  Eigen::Map<const Eigen::VectorXd> v(f.data(), static_cast<Eigen::Index>(f.size()));
  EXPECT_TRUE(sp::analyse_manoeuvre(v, {.sample_rate_hz = 100.0}).ok());
}

TEST(SpiroBadInput, NoBlowAndBadBtps) {
  std::vector<double> flat(2000, 0.0);
  EXPECT_EQ(fail_with(flat).code, "no_expiration");
  EXPECT_EQ(fail_with(synth::Blow{}.samples(), 1000.0, 0.0).code, "btps_out_of_range");
  EXPECT_EQ(fail_with(synth::Blow{}.samples(), 1000.0, 1.5).code, "btps_out_of_range");
}
