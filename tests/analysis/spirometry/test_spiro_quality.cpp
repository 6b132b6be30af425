// ATS/ERS 2019 quality criteria and grades on synthetic manoeuvres with exact integrals
// (synthetic_blow.hpp), each criterion on both sides of its limit.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "analysis/spirometry/session.hpp"
#include "tests/analysis/spirometry/synthetic_blow.hpp"

namespace sp = odyo::spirometry;

namespace {

sp::ManoeuvreIndices analyse(const synth::Blow& b, double btps = 1.0) {
  const auto f = b.samples();
  Eigen::Map<const Eigen::VectorXd> v(f.data(), static_cast<Eigen::Index>(f.size()));
  auto r = sp::analyse_manoeuvre(v, {.sample_rate_hz = b.rate_hz, .btps_factor = btps});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : sp::ManoeuvreIndices{};
}

sp::Quality quality(const synth::Blow& b, std::optional<double> prior_fvc = std::nullopt) {
  return sp::assess_quality(analyse(b), prior_fvc);
}

bool has(const sp::Quality& q, const std::string& code) {
  return std::any_of(q.reasons.begin(), q.reasons.end(),
                     [&](const sp::Reason& r) { return r.code == code; });
}

// The interpolation of a quadratic volume between 1 ms samples is the only numerical error left
// in an exact piecewise-linear model: ≤ |df/dt|·dt²/8 ≈ 1e-6 L. 1e-4 L leaves room for
// rounding and still catches any off-by-one-sample mistake (≥ 0.5 mL here).
constexpr double kVolTol_l = 1e-4;

}  // namespace

TEST(SyntheticIndices, MatchTheClosedFormOfThePiecewiseLinearModel) {
  synth::Blow b;  // PEF 8 L/s, ramp 40 ms
  const auto m = analyse(b);
  EXPECT_NEAR(m.pef_lps, 8.0, 1e-12);
  // t0 = t_PEF − ramp/2 = 0.5 + 0.04 − 0.02 = 0.52 s; BEV = 8·0.04/8 = 0.040 L.
  EXPECT_NEAR(m.t0_s, 0.52, 1e-9);
  EXPECT_NEAR(m.bev_l, 0.040, kVolTol_l);
  // FVC = 0.16 + 0.5·(8+3)/2 + 1.5·(3+0.5)/2 + 2·(0.5+0.048)/2 + 1·0.048/2
  //     = 0.16 + 2.75 + 2.625 + 0.548 + 0.024 = 6.107 L.
  EXPECT_NEAR(m.fvc_l, 6.107, kVolTol_l);
  EXPECT_NEAR(m.fvc_l, b.fvc_l(), kVolTol_l);
  // FEV1 = V(1.52 s): ramp 0.16 + first body segment 2.75 (to 1.04 s) + 0.48 s of the second
  // segment (flow 3 → 3 − 2.5·0.48/1.5 = 2.2): 0.48·(3 + 2.2)/2 = 1.248 → 4.158 L.
  EXPECT_NEAR(m.fev1_l, 4.158, kVolTol_l);
  EXPECT_NEAR(m.fev1_l, b.volume_at(b.t0_s() + 1.0), kVolTol_l);
  EXPECT_NEAR(m.fev075_l, b.volume_at(b.t0_s() + 0.75), kVolTol_l);
  EXPECT_NEAR(m.fev1_fvc, 4.158 / 6.107, 1e-4);
  // FET = 0.02 + 0.5 + 1.5 + 2 + 1 = 5.02 s; FEV6 not reached → equals FVC.
  EXPECT_NEAR(m.fet_s, 5.02, 1e-9);
  EXPECT_FALSE(m.fev6_reached);
  EXPECT_NEAR(m.fev6_l, m.fvc_l, 1e-12);
  // Plateau: the last second is the tail 0.048 → 0: 0.024 L.
  EXPECT_NEAR(m.eofe_volume_last_1s_l, 0.024, kVolTol_l);
  // FEF25-75 = 0.5·FVC/(t75 − t25), with t25/t75 from the closed form by bisection.
  auto time_at = [&](double v) {
    double lo = b.ramp_start_s(), hi = b.end_of_expiration_s();
    for (int i = 0; i < 60; ++i) {
      const double mid = (lo + hi) / 2;
      (b.volume_at(mid) < v ? lo : hi) = mid;
    }
    return lo;
  };
  const double t25 = time_at(0.25 * 6.107), t75 = time_at(0.75 * 6.107);
  EXPECT_NEAR(m.fef2575_lps, 0.5 * 6.107 / (t75 - t25), 1e-3);
  // FEF50: V = 3.0535 L lies in the second body segment (2.91 … 5.535 L), where flow falls
  // 3 → 0.5 over 1.5 s: V(τ) = 2.91 + 3τ − (5/6)τ² → τ = (3 − √(9 − (10/3)·0.1435))/(5/3),
  // flow = 3 − (5/3)τ.
  const double tau = (3.0 - std::sqrt(9.0 - (10.0 / 3.0) * (3.0535 - 2.91))) / (5.0 / 3.0);
  EXPECT_NEAR(m.fef50_lps, 3.0 - (5.0 / 3.0) * tau, 1e-3);
  EXPECT_FALSE(m.hesitation_s.has_value());
  EXPECT_FALSE(m.fivc_l.has_value());
  ASSERT_FALSE(m.curves.time_s.empty());
  EXPECT_NEAR(m.curves.volume_l.back(), m.fvc_l, 0.05);
}

TEST(SyntheticIndices, BtpsFactorScalesEveryVolumeAndFlow) {
  synth::Blow b;
  const auto a = analyse(b, 1.0), c = analyse(b, 1.1);
  EXPECT_NEAR(c.fvc_l, 1.1 * a.fvc_l, 1e-9);
  EXPECT_NEAR(c.fev1_l, 1.1 * a.fev1_l, 1e-9);
  EXPECT_NEAR(c.pef_lps, 1.1 * a.pef_lps, 1e-9);
}

TEST(Btps, AmbientToBodyConditions) {
  // DOMAIN §2.1 / ATS: 20 °C, 101.3 kPa, saturated → 1.102.
  auto f = sp::btps_factor(sp::BtpsStrategy::kAmbientSaturated, {20.0, 101.3, 1.0});
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(*f, 1.102, 0.0005);
  EXPECT_EQ(*sp::btps_factor(sp::BtpsStrategy::kDeviceReportsBtps, {}), 1.0);
  // Dry air needs a larger factor than saturated air at the same temperature.
  EXPECT_GT(*sp::btps_factor(sp::BtpsStrategy::kAmbientHumidity, {20.0, 101.3, 0.0}), *f);
  EXPECT_FALSE(sp::btps_factor(sp::BtpsStrategy::kAmbientSaturated, {20.0, 1013.0, 1.0}).ok());
}

TEST(QualityBev, BothSidesOfTheLimit) {
  // Small blow (FVC ≈ 1.6 L): the limit is 0.100 L. BEV = PEF·ramp/8 with PEF 3 L/s.
  synth::Blow small;
  small.pef_lps = 3.0;
  small.body = 0.1;
  small.ramp_s = 0.253;  // BEV = 3·0.253/8 = 0.0949 L
  ASSERT_LT(0.05 * small.fvc_l(), 0.100);
  auto ok = quality(small);
  EXPECT_NEAR(analyse(small).bev_l, 0.0949, kVolTol_l);
  EXPECT_TRUE(ok.acceptable_fev1);
  EXPECT_FALSE(has(ok, "bev_high"));
  small.ramp_s = 0.280;  // BEV = 0.105 L
  auto bad = quality(small);
  EXPECT_TRUE(has(bad, "bev_high"));
  EXPECT_FALSE(bad.acceptable_fev1 || bad.acceptable_fvc || bad.usable_fev1 || bad.usable_fvc);
  // Large blow: the limit is 5 % of FVC. ramp 0.25 s → BEV 0.25 L; FVC = 6.107 − 0.16 + 1.0.
  synth::Blow big;
  big.ramp_s = 0.25;
  const double lim = 0.05 * big.fvc_l();  // 0.05·6.947 = 0.347 L
  EXPECT_LT(big.bev_l(), lim);
  EXPECT_TRUE(quality(big).acceptable_fev1);
  big.ramp_s = 0.36;  // BEV 0.36 L; FVC 7.387 → limit 0.369: still fine
  EXPECT_TRUE(quality(big).acceptable_fev1);
  big.ramp_s = 0.40;  // BEV 0.40 L; FVC 7.547 → limit 0.377: too much
  EXPECT_LT(0.05 * big.fvc_l(), big.bev_l());
  EXPECT_TRUE(has(quality(big), "bev_high"));
}

TEST(QualityPlateau, Volume0024VersusO026InTheLastSecond) {
  synth::Blow b;             // FET 5.02 s, first blow: only the plateau can end it
  b.tail_start_lps = 0.048;  // last 1 s: 0.024 L
  auto q = quality(b);
  EXPECT_TRUE(q.plateau);
  EXPECT_TRUE(q.acceptable_fvc);
  b.tail_start_lps = 0.052;  // 0.026 L
  q = quality(b);
  EXPECT_FALSE(q.plateau);
  EXPECT_FALSE(q.acceptable_fvc);
  EXPECT_TRUE(q.usable_fvc);       // EOFE is not a usability criterion
  EXPECT_TRUE(q.acceptable_fev1);  // nor one for FEV1
  EXPECT_TRUE(has(q, "no_eofe"));
}

TEST(QualityFet, FourteenPointNineVersusFifteenSeconds) {
  synth::Blow b;
  b.tail_start_lps = 0.10;  // no plateau: 0.1 → 0.06 L/s over the last second (≈ 0.08 L)
  b.tail_end_lps = 0.06;
  // FET = ramp/2 + 0.5 + 1.5 + mid + tail + 0.001 = 3.021 + mid.
  b.mid_s = 11.879;
  EXPECT_NEAR(b.fet_s(), 14.9, 1e-9);
  auto m = analyse(b);
  EXPECT_NEAR(m.fet_s, 14.9, 1e-6);
  auto q = sp::assess_quality(m, std::nullopt);
  EXPECT_FALSE(q.fet_15s);
  EXPECT_FALSE(q.acceptable_fvc);
  b.mid_s = 11.979;
  m = analyse(b);
  EXPECT_NEAR(m.fet_s, 15.0, 1e-6);
  q = sp::assess_quality(m, std::nullopt);
  EXPECT_TRUE(q.fet_15s);
  EXPECT_FALSE(q.plateau);
  EXPECT_TRUE(q.acceptable_fvc);
  EXPECT_FALSE(has(q, "zero_flow_fault"));
}

TEST(QualityEofe, FvcRepeatableWithTheLargestPriorFvc) {
  synth::Blow b;
  b.tail_start_lps = 0.10;  // no plateau, FET 5 s
  b.tail_end_lps = 0.06;
  const double fvc = b.fvc_l();
  EXPECT_TRUE(quality(b, fvc + 0.149).acceptable_fvc);
  EXPECT_FALSE(quality(b, fvc + 0.151).acceptable_fvc);
  EXPECT_TRUE(quality(b, fvc - 0.5).acceptable_fvc);  // larger than every earlier FVC
}

TEST(QualityCough, InTheFirstSecondOnly) {
  synth::Blow b;
  b.cough_after_t0_s = 0.5;
  auto q = quality(b);
  EXPECT_TRUE(has(q, "cough_first_second"));
  EXPECT_FALSE(q.acceptable_fev1);
  EXPECT_FALSE(q.usable_fev1);
  EXPECT_TRUE(q.acceptable_fvc);  // a cough does not spoil FVC (ATS/ERS 2019 Table 7)
  b.cough_after_t0_s = 1.5;
  q = quality(b);
  EXPECT_FALSE(has(q, "cough_first_second"));
  EXPECT_TRUE(q.acceptable_fev1);
}

TEST(QualityGlotticClosure, FirstSecondAndLater) {
  synth::Blow b;
  b.closure_after_t0_s = 0.6;
  auto q = quality(b);
  EXPECT_TRUE(has(q, "glottic_closure_first_second"));
  EXPECT_FALSE(q.usable_fev1 || q.usable_fvc);
  b.closure_after_t0_s = 1.5;  // early stop after the first second
  q = quality(b);
  EXPECT_TRUE(has(q, "glottic_closure_late"));
  EXPECT_TRUE(q.acceptable_fev1);
  EXPECT_FALSE(q.acceptable_fvc);
  EXPECT_TRUE(q.usable_fvc);
}

TEST(QualityZeroFlow, OffsetAtRest) {
  synth::Blow b;
  b.offset_lps = 0.02;
  auto q = quality(b);
  EXPECT_TRUE(has(q, "zero_flow_fault"));
  EXPECT_FALSE(q.usable_fev1 || q.usable_fvc);
  b.offset_lps = 0.005;
  q = quality(b);
  EXPECT_FALSE(has(q, "zero_flow_fault"));
  EXPECT_TRUE(q.acceptable_fev1);
}

TEST(QualityLeak, ExtraBreathAndFivcAboveFvc) {
  synth::Blow b;
  b.fivc_l = b.fvc_l() - 0.5;  // partial inspiration: fine
  auto q = quality(b);
  EXPECT_TRUE(q.acceptable_fvc);
  synth::Blow e;
  e.extra_breath_l = 0.6;  // 0.3 L in, 0.6 L out: 0.3 L above FVC
  q = quality(e);
  EXPECT_TRUE(has(q, "extra_breath"));
  EXPECT_FALSE(q.acceptable_fev1 || q.acceptable_fvc);
  EXPECT_TRUE(q.usable_fev1 && q.usable_fvc);
  // FIVC − FVC: limit max(0.100 L, 5 % FVC). Small blow (FVC ≈ 1.6 L) → 0.100 L.
  synth::Blow s;
  s.pef_lps = 3.0;
  s.body = 0.1;
  s.fivc_l = s.fvc_l() + 0.090;
  q = quality(s);
  EXPECT_NEAR(*analyse(s).fivc_l, s.fvc_l() + 0.090, kVolTol_l);
  EXPECT_FALSE(has(q, "fivc_exceeds_fvc"));
  EXPECT_TRUE(q.acceptable_fvc);
  s.fivc_l = s.fvc_l() + 0.110;
  q = quality(s);
  EXPECT_TRUE(has(q, "fivc_exceeds_fvc"));
  EXPECT_FALSE(q.acceptable_fev1 || q.acceptable_fvc);
  EXPECT_TRUE(q.usable_fvc);
}

TEST(QualityHesitation, TwoSecondsFromFullInspiration) {
  synth::Blow b;
  b.pre_insp_l = 3.0;
  b.rest_s = 1.88;  // hesitation = hold + ramp/2 = 1.90 s
  auto m = analyse(b);
  ASSERT_TRUE(m.hesitation_s.has_value());
  EXPECT_NEAR(*m.hesitation_s, 1.90, 1e-6);
  EXPECT_TRUE(sp::assess_quality(m, std::nullopt).acceptable_fev1);
  b.rest_s = 2.08;  // 2.10 s
  auto q = quality(b);
  EXPECT_TRUE(has(q, "hesitation_long"));
  EXPECT_FALSE(q.acceptable_fev1);
}

TEST(QualityReasons, CarryTurkishAndEnglishSentences) {
  synth::Blow b;
  b.closure_after_t0_s = 0.6;
  for (const auto& r : quality(b).reasons) {
    EXPECT_FALSE(r.text_tr.empty()) << r.code;
    EXPECT_FALSE(r.text_en.empty()) << r.code;
    EXPECT_NE(r.text_tr, r.text_en);
  }
}

TEST(Grades, EveryGradeFromTable10) {
  using G = sp::Grade;
  // Two largest acceptable values and their count decide (ATS/ERS 2019 Table 10, age > 6).
  EXPECT_EQ(sp::grade_values({4.00, 3.85, 3.70}, 3, 40), G::A);   // 3 acceptable, 0.150
  EXPECT_EQ(sp::grade_values({4.00, 3.849, 3.70}, 3, 40), G::C);  // 0.151 → C
  EXPECT_EQ(sp::grade_values({4.00, 3.90}, 2, 40), G::B);
  EXPECT_EQ(sp::grade_values({4.00, 3.80}, 2, 40), G::C);  // 0.200
  EXPECT_EQ(sp::grade_values({4.00, 3.75}, 2, 40), G::D);  // 0.250
  EXPECT_EQ(sp::grade_values({4.00, 3.74}, 2, 40), G::E);  // 0.260
  EXPECT_EQ(sp::grade_values({4.00}, 1, 40), G::E);
  EXPECT_EQ(sp::grade_values({}, 2, 40), G::U);
  EXPECT_EQ(sp::grade_values({}, 0, 40), G::F);
  // Age ≤ 6: 0.100 / 0.150 / 0.200.
  EXPECT_EQ(sp::grade_values({1.00, 0.89, 0.80}, 3, 5), G::C);
  EXPECT_EQ(sp::grade_values({1.00, 0.90, 0.80}, 3, 5), G::A);
}

namespace {
sp::SessionResult session_of(const std::vector<synth::Blow>& blows) {
  std::vector<std::vector<double>> bufs;
  for (const auto& b : blows) bufs.push_back(b.samples());
  std::vector<Eigen::Map<const Eigen::VectorXd>> views;
  for (const auto& v : bufs) views.emplace_back(v.data(), static_cast<Eigen::Index>(v.size()));
  auto s = sp::analyse_session(views, {.sample_rate_hz = 1000.0, .btps_factor = 1.0});
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? *s : sp::SessionResult{};
}
synth::Blow scaled(double body) {
  synth::Blow b;
  b.body = body;
  return b;
}
}  // namespace

TEST(Session, GradeAReportedValuesAndNoMoreBlows) {
  // body 1.00 / 0.98 / 0.96: FEV1 and FVC change by 2.6·0.02·… each step, well inside 0.150 L.
  auto s = session_of({scaled(1.0), scaled(0.98), scaled(0.96)});
  EXPECT_EQ(s.grade_fev1, sp::Grade::A);
  EXPECT_EQ(s.grade_fvc, sp::Grade::A);
  EXPECT_FALSE(s.guidance.another_blow_needed);
  EXPECT_TRUE(s.guidance.session_complete);
  ASSERT_TRUE(s.reported.fvc_l && s.reported.fev1_l);
  EXPECT_NEAR(*s.reported.fvc_l, scaled(1.0).fvc_l(), kVolTol_l);
  EXPECT_EQ(*s.reported.best_manoeuvre, 0);
  EXPECT_NEAR(*s.reported.fev1_fvc, *s.reported.fev1_l / *s.reported.fvc_l, 1e-12);
}

TEST(Session, LargestFev1AndFvcMayComeFromDifferentBlows) {
  synth::Blow a = scaled(1.0);
  a.mid_s = 3.0;                 // larger FVC (longer mid segment), same FEV1
  synth::Blow b = scaled(1.02);  // larger FEV1
  auto s = session_of({a, b, scaled(0.99)});
  EXPECT_EQ(*s.reported.fvc_manoeuvre, 0);
  EXPECT_EQ(*s.reported.fev1_manoeuvre, 1);
}

TEST(Session, GuidanceSaysWhyAnotherBlowIsNeeded) {
  auto s = session_of({scaled(1.0), scaled(0.90)});  // 2 blows, FEV1 differ by > 0.150 L
  EXPECT_TRUE(s.guidance.another_blow_needed);
  std::vector<std::string> codes;
  for (const auto& r : s.guidance.because) codes.push_back(r.code);
  EXPECT_NE(std::find(codes.begin(), codes.end(), "fewer_than_3"), codes.end());
  EXPECT_NE(std::find(codes.begin(), codes.end(), "not_repeatable_FEV1"), codes.end());
}

TEST(Session, GradesUAndFFromUsableAndUnusableBlows) {
  synth::Blow extra = scaled(1.0);
  extra.extra_breath_l = 0.6;  // usable, not acceptable
  auto u = session_of({extra, extra, extra});
  EXPECT_EQ(u.grade_fev1, sp::Grade::U);
  EXPECT_EQ(u.grade_fvc, sp::Grade::U);
  EXPECT_TRUE(u.reported.fev1_l.has_value());  // reported from usable blows
  synth::Blow closed = scaled(1.0);
  closed.closure_after_t0_s = 0.6;  // neither acceptable nor usable
  auto f = session_of({closed, closed, closed});
  EXPECT_EQ(f.grade_fev1, sp::Grade::F);
  EXPECT_EQ(f.grade_fvc, sp::Grade::F);
  EXPECT_FALSE(f.reported.fev1_l.has_value());
  synth::Blow late = scaled(1.0);
  late.closure_after_t0_s = 1.5;  // FEV1 acceptable, FVC only usable
  auto mixed = session_of({late, late, late});
  EXPECT_EQ(mixed.grade_fev1, sp::Grade::A);
  EXPECT_EQ(mixed.grade_fvc, sp::Grade::U);
}

TEST(Session, EightBlowsAtMost) {
  std::vector<synth::Blow> nine(9, scaled(1.0));
  std::vector<std::vector<double>> bufs;
  for (const auto& b : nine) bufs.push_back(b.samples());
  std::vector<Eigen::Map<const Eigen::VectorXd>> views;
  for (const auto& v : bufs) views.emplace_back(v.data(), static_cast<Eigen::Index>(v.size()));
  auto s = sp::analyse_session(views, {.sample_rate_hz = 1000.0});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "too_many_manoeuvres");
}

TEST(BronchodilatorResponse, TenPercentOfPredicted) {
  // FEV1 2.50 → 2.90 L with predicted 3.80 L: 0.40/3.80 = 10.53 % > 10 % → significant.
  auto r = sp::bronchodilator_response(2.50, 2.90, 4.00, 4.10, 3.80, 4.80);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->fev1_change_pct_pred, 10.526, 1e-3);
  EXPECT_TRUE(r->significant_fev1);
  EXPECT_FALSE(r->significant_fvc);  // 0.10/4.80 = 2.1 %
  EXPECT_TRUE(r->significant);
  // 0.38/3.80 = exactly 10 %: not more than 10 %.
  auto edge = sp::bronchodilator_response(2.50, 2.88, 4.00, 4.00, 3.80, 4.80);
  EXPECT_FALSE(edge->significant);
  EXPECT_FALSE(sp::bronchodilator_response(2.5, 2.9, 4, 4.1, 0.0, 4.8).ok());
}

TEST(VolumeInput, FlowFromVolumeKeepsFvcAndFev1) {
  synth::Blow b;
  const auto flow = b.samples();
  // Volume by the trapezoid rule over the exact piecewise-linear flow (exact at the samples).
  Eigen::VectorXd vol(static_cast<Eigen::Index>(flow.size()));
  vol[0] = 0.0;
  for (std::size_t k = 1; k < flow.size(); ++k)
    vol[static_cast<Eigen::Index>(k)] =
        vol[static_cast<Eigen::Index>(k - 1)] + 0.5 * (flow[k - 1] + flow[k]) / 1000.0;
  auto f = sp::flow_from_volume(vol, 1000.0);
  ASSERT_TRUE(f.ok());
  auto m = sp::analyse_manoeuvre(*f, {.sample_rate_hz = 1000.0});
  ASSERT_TRUE(m.ok()) << m.error().message;
  // FVC ends at zero flow: exact. FEV1 within flow/(2·rate) ≈ 2.2/2000 = 1.1 mL, plus the shift
  // of t0 from a PEF estimated from differences: 2 mL, inside ISO 26782's ±2.5 %/±0.050 L.
  EXPECT_NEAR(m->fvc_l, 6.107, kVolTol_l);
  EXPECT_NEAR(m->fev1_l, 4.158, 0.002);
  EXPECT_FALSE(sp::flow_from_volume(vol, 50.0).ok());
  EXPECT_FALSE(sp::flow_from_volume(Eigen::VectorXd(), 1000.0).ok());
}
