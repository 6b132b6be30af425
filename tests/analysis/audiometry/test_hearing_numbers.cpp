// Hearing numbers at their boundaries. Every expected value is worked by hand in the comment
// next to it (formulas: reference/audiometry/README.md §4–5, DOMAIN.md §3.2).
#include "analysis/audiometry/hearing_numbers.hpp"

#include <gtest/gtest.h>

#include <array>
#include <initializer_list>
#include <utility>

namespace odyo::audiometry {
namespace {

constexpr int NR = -1000;  // marker in the helper: no response at 120 dB HL

ThresholdCurve curve(std::initializer_list<std::pair<int, int>> pts) {
  ThresholdCurve c;
  for (auto [hz, level] : pts) {
    ThresholdPoint p;
    if (level == NR) {
      p.level_db_hl = 120;
      p.status = PointStatus::no_response;
    } else {
      p.level_db_hl = level;
    }
    c[hz] = p;
  }
  return c;
}

constexpr std::array<int, 3> kSpeech3{500, 1000, 2000};
constexpr std::array<int, 4> kSpeech4{500, 1000, 2000, 4000};
// Percentages are exact multiples of 1.5/6; a double rounding error is all we allow.
constexpr double kEps = 1e-9;

TEST(PercentLoss, FenceAt25And26dB) {
  EXPECT_DOUBLE_EQ(monaural_percent(25.0), 0.0);   // at the fence: no loss
  EXPECT_DOUBLE_EQ(monaural_percent(26.0), 1.5);   // (26 − 25) × 1.5
  EXPECT_DOUBLE_EQ(monaural_percent(10.0), 0.0);   // below the fence: never negative
  EXPECT_DOUBLE_EQ(monaural_percent(35.0), 15.0);  // DOMAIN §1.4: 35 dB → 15 %
  EXPECT_DOUBLE_EQ(monaural_percent(45.0), 30.0);  // DOMAIN §1.4: 45 dB → 30 %
}

TEST(PercentLoss, CapAt92dB) {
  EXPECT_DOUBLE_EQ(monaural_percent(91.0), 99.0);  // (91 − 25) × 1.5 = 99
  EXPECT_DOUBLE_EQ(monaural_percent(92.0), 100.0);  // (92 − 25) × 1.5 = 100.5 → 100 % from 92 dB
  EXPECT_DOUBLE_EQ(monaural_percent(120.0), 100.0);
}

TEST(PercentLoss, Binaural) {
  // README §4 example 1: (5 × 11.25 + 30) / 6 = 86.25 / 6 = 14.375
  EXPECT_NEAR(binaural_percent(11.25, 30.0), 14.375, kEps);
  EXPECT_NEAR(binaural_percent(30.0, 11.25), 14.375, kEps);  // order does not matter
  // Example 2: (5 × 0 + 100) / 6 = 16.667
  EXPECT_NEAR(binaural_percent(0.0, 100.0), 100.0 / 6.0, kEps);
}

TEST(Averages, SpeechAverageAndPercentOfEachEar) {
  // Right 20/30/40 → 30 dB → (30 − 25) × 1.5 = 7.5 %; left 10/20/30 → 20 → 0 %.
  Audiogram a;
  a.right.air = curve({{500, 20}, {1000, 30}, {2000, 40}, {4000, 60}});
  a.left.air = curve({{500, 10}, {1000, 20}, {2000, 30}, {4000, 50}});
  auto h = hearing_numbers(a, kSpeech3);
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_NEAR(h->right.speech.value_db, 30.0, kEps);
  EXPECT_NEAR(h->right.percent_loss, 7.5, kEps);
  EXPECT_NEAR(h->left.speech.value_db, 20.0, kEps);
  EXPECT_NEAR(h->left.percent_loss, 0.0, kEps);
  EXPECT_NEAR(h->binaural_percent, 7.5 / 6.0, kEps);  // (5 × 0 + 7.5) / 6
  EXPECT_FALSE(h->right.speech.includes_no_response);
  // With 4 kHz in the set: right (20+30+40+60)/4 = 37.5 → 18.75 %
  auto h4 = hearing_numbers(a, kSpeech4);
  ASSERT_TRUE(h4.ok());
  EXPECT_NEAR(h4->right.speech.value_db, 37.5, kEps);
  EXPECT_NEAR(h4->right.percent_loss, 18.75, kEps);
}

TEST(Averages, NoResponseInsideAnAverageIsCountedAtItsLevelAndFlagged) {
  // 30, 40, NR@120 → (30 + 40 + 120) / 3 = 63.33 (a lower bound) → (63.33 − 25) × 1.5 = 57.5 %
  auto n = ear_numbers(curve({{500, 30}, {1000, 40}, {2000, NR}}), kSpeech3);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_NEAR(n->speech.value_db, 190.0 / 3.0, kEps);
  EXPECT_TRUE(n->speech.includes_no_response);
  EXPECT_NEAR(n->percent_loss, 57.5, kEps);
}

TEST(Averages, MissingSpeechFrequencyIsAnError) {
  Audiogram a;
  a.right.air = curve({{500, 20}, {1000, 30}, {2000, 40}});
  a.left.air = curve({{500, 20}, {2000, 40}});
  auto h = hearing_numbers(a, kSpeech3);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, "frequency_not_tested");
  EXPECT_NE(h.error().message.find("left ear"), std::string::npos) << h.error().message;
  EXPECT_NE(h.error().message.find("1000 Hz"), std::string::npos) << h.error().message;
}

TEST(Averages, BadSpeechFrequencySetIsAnError) {
  const ThresholdCurve c = curve({{500, 20}, {1000, 30}, {2000, 40}});
  constexpr std::array<int, 2> odd{500, 1100};
  EXPECT_EQ(ear_numbers(c, odd).error().code, "bad_speech_frequencies");
  constexpr std::array<int, 2> twice{500, 500};
  EXPECT_EQ(ear_numbers(c, twice).error().code, "bad_speech_frequencies");
  EXPECT_EQ(ear_numbers(c, std::span<const int>{}).error().code, "bad_speech_frequencies");
}

TEST(Aao1979, WorkedExampleFromReference) {
  // README §4 example 1: right 20/25/35/50 → 32.5 → 11.25 %; left 30/35/50/65 → 45 → 30 %;
  // binaural 14.375 %.
  Audiogram a;
  a.right.air = curve({{500, 20}, {1000, 25}, {2000, 35}, {3000, 50}});
  a.left.air = curve({{500, 30}, {1000, 35}, {2000, 50}, {3000, 65}});
  auto h = hearing_numbers(a, kSpeech3);
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(h->right.aao1979_percent && h->left.aao1979_percent);
  EXPECT_NEAR(h->right.aao1979->value_db, 32.5, kEps);
  EXPECT_NEAR(*h->right.aao1979_percent, 11.25, kEps);
  EXPECT_NEAR(*h->left.aao1979_percent, 30.0, kEps);
  ASSERT_TRUE(h->aao1979_binaural_percent);
  EXPECT_NEAR(*h->aao1979_binaural_percent, 14.375, kEps);
}

TEST(Aao1979, ClampingExampleAndMissing3k) {
  // README §4 example 2: left 90/95/100/105 → 97.5 → 100 %; right 15/20/25/30 → 22.5 → 0 %;
  // binaural 100/6 = 16.67 %.
  Audiogram a;
  a.right.air = curve({{500, 15}, {1000, 20}, {2000, 25}, {3000, 30}});
  a.left.air = curve({{500, 90}, {1000, 95}, {2000, 100}, {3000, 105}});
  auto h = hearing_numbers(a, kSpeech3);
  ASSERT_TRUE(h.ok());
  EXPECT_NEAR(*h->left.aao1979_percent, 100.0, kEps);
  EXPECT_NEAR(*h->right.aao1979_percent, 0.0, kEps);
  EXPECT_NEAR(*h->aao1979_binaural_percent, 100.0 / 6.0, kEps);
  // Without 3 kHz the AAO-1979 number is absent, the speech average still works.
  a.right.air.erase(3000);
  auto h2 = hearing_numbers(a, kSpeech3);
  ASSERT_TRUE(h2.ok());
  EXPECT_FALSE(h2->right.aao1979_percent.has_value());
  EXPECT_FALSE(h2->aao1979_binaural_percent.has_value());
}

TEST(Averages, TwoThreeFourAndThreeFourSix) {
  // README §4 example 3 ear: 500:10 1k:15 2k:25 3k:45 4k:60 6k:70
  // 2/3/4 = (25+45+60)/3 = 43.33; 3/4/6 = (45+60+70)/3 = 58.33; AAO-1979 PTA 23.75 → 0 %.
  auto n = ear_numbers(
      curve({{500, 10}, {1000, 15}, {2000, 25}, {3000, 45}, {4000, 60}, {6000, 70}}), kSpeech3);
  ASSERT_TRUE(n.ok());
  ASSERT_TRUE(n->avg_2k3k4k && n->avg_3k4k6k);
  EXPECT_NEAR(n->avg_2k3k4k->value_db, 130.0 / 3.0, kEps);
  EXPECT_NEAR(n->avg_3k4k6k->value_db, 175.0 / 3.0, kEps);
  EXPECT_NEAR(n->aao1979->value_db, 23.75, kEps);
  EXPECT_NEAR(*n->aao1979_percent, 0.0, kEps);
}

TEST(HighFrequency, MaximaAndSpreadBelow3k) {
  // max ≥ 3 kHz: 55 @ 4 kHz; below 3 kHz: 30 @ 2 kHz > 25 → spreads; max anywhere 55 @ 4 kHz.
  auto h = high_frequency_findings(
      curve({{500, 10}, {1000, 15}, {2000, 30}, {3000, 40}, {4000, 55}, {6000, 50}, {8000, 30}}));
  ASSERT_TRUE(h.max_hf && h.max_below_3k && h.max_any);
  EXPECT_EQ(h.max_hf->level_db_hl, 55);
  EXPECT_EQ(h.max_hf->frequency_hz, 4000);
  EXPECT_EQ(h.max_below_3k->level_db_hl, 30);
  EXPECT_TRUE(h.spreads_below_3k);
  EXPECT_EQ(h.max_any->level_db_hl, 55);
  EXPECT_EQ(h.max_any->frequency_hz, 4000);
}

TEST(HighFrequency, SpreadBoundaryAt25dB) {
  // 25 dB HL at 2 kHz is at the fence, not above it → no spread; 30 dB → spread.
  EXPECT_FALSE(
      high_frequency_findings(curve({{500, 10}, {2000, 25}, {4000, 60}})).spreads_below_3k);
  EXPECT_TRUE(high_frequency_findings(curve({{500, 10}, {2000, 30}, {4000, 60}})).spreads_below_3k);
  // 250 Hz is not "below 3 kHz" in this sense (low-frequency loss is not a spread of HF loss).
  EXPECT_FALSE(high_frequency_findings(curve({{250, 40}, {500, 10}, {4000, 60}})).spreads_below_3k);
}

TEST(HighFrequency, NoResponseIsTheMaximumAndFlagged) {
  auto h = high_frequency_findings(curve({{1000, 20}, {4000, 90}, {8000, NR}}));
  ASSERT_TRUE(h.max_hf);
  EXPECT_EQ(h.max_hf->level_db_hl, 120);
  EXPECT_EQ(h.max_hf->frequency_hz, 8000);
  EXPECT_TRUE(h.max_hf->no_response);
  ASSERT_TRUE(h.max_below_3k);  // only 1 kHz is tested below 3 kHz: 20 dB, not a spread
  EXPECT_EQ(h.max_below_3k->level_db_hl, 20);
  EXPECT_FALSE(h.spreads_below_3k);
}

TEST(Notch, ReferenceExampleIsANotchUnderBothRules) {
  // README §5: 500:10 1k:10 2k:15 3k:30 4k:40 6k:30 8k:20.
  // Coles at 4 kHz: depth 40 − min(10,15) = 30; recovery 40 − min(30,20) = 20 → notch.
  // Niskar: 0.5/1 kHz ≤ 15; worst 40 − max(10,10) = 30 ≥ 15; 40 − 20 = 20 ≥ 10 → notch.
  const auto c =
      curve({{500, 10}, {1000, 10}, {2000, 15}, {3000, 30}, {4000, 40}, {6000, 30}, {8000, 20}});
  const NotchResult coles = coles2000_notch(c);
  EXPECT_TRUE(coles.evaluable);
  EXPECT_TRUE(coles.present);
  EXPECT_EQ(coles.frequency_hz, 4000);
  EXPECT_DOUBLE_EQ(coles.depth_db, 30.0);
  EXPECT_DOUBLE_EQ(coles.recovery_db, 20.0);
  const NotchResult niskar = niskar2001_notch(c);
  EXPECT_TRUE(niskar.present);
  EXPECT_EQ(niskar.frequency_hz, 4000);
  EXPECT_DOUBLE_EQ(niskar.depth_db, 30.0);
  EXPECT_DOUBLE_EQ(niskar.recovery_db, 20.0);
}

TEST(Notch, SlopingLossWithoutRecoveryIsNoNotch) {
  // 3k 30 vs 6/8k min 50 → recovery −20; 4k 40 vs 6/8k 50 → −10; 6k 50 vs 8k 60 → −10.
  const auto c =
      curve({{500, 10}, {1000, 15}, {2000, 20}, {3000, 30}, {4000, 40}, {6000, 50}, {8000, 60}});
  EXPECT_TRUE(coles2000_notch(c).evaluable);
  EXPECT_FALSE(coles2000_notch(c).present);
  EXPECT_FALSE(niskar2001_notch(c).present);
}

TEST(Notch, ColesBoundaryAt10dB) {
  // 4k: depth 20 − min(10,10) = 10, recovery 20 − min(15,10) = 10 → exactly 10/10: notch.
  auto c = curve({{1000, 10}, {2000, 10}, {3000, 15}, {4000, 20}, {6000, 15}, {8000, 10}});
  EXPECT_TRUE(coles2000_notch(c).present);
  // 8 kHz 15: recovery 20 − min(15,15) = 5 → no notch (3 kHz: depth only 5).
  c[8000].level_db_hl = 15;
  EXPECT_FALSE(coles2000_notch(c).present);
}

TEST(Notch, ColesReferenceSettingBetterOrWorse) {
  // 1k 10, 2k 30, 4k 35, 8k 20 (3k 25, 6k 30).
  // better reference: depth 35 − 10 = 25, recovery 35 − min(30,20) = 15 → notch.
  // worse reference:  depth 35 − 30 = 5 → no notch (3k: 25 − 30 < 0; 6k: 30 − 30 = 0).
  const auto c = curve({{1000, 10}, {2000, 30}, {3000, 25}, {4000, 35}, {6000, 30}, {8000, 20}});
  EXPECT_TRUE(coles2000_notch(c).present);
  ColesNotchParams worse;
  worse.low_reference = NotchReference::worse;
  EXPECT_FALSE(coles2000_notch(c, worse).present);
}

TEST(Notch, NoResponseAtTheReferenceCannotShowRecovery) {
  // 8 kHz NR: Niskar needs 8 kHz recovery → no notch; Coles at 4 kHz still has 6 kHz:
  // 4k 40 − 6k 25 = 15 ≥ 10, depth 40 − 10 = 30 → notch.
  const auto c =
      curve({{500, 10}, {1000, 10}, {2000, 10}, {3000, 30}, {4000, 40}, {6000, 25}, {8000, NR}});
  EXPECT_FALSE(niskar2001_notch(c).present);
  EXPECT_TRUE(coles2000_notch(c).present);
  EXPECT_EQ(coles2000_notch(c).frequency_hz, 4000);
}

TEST(Notch, NiskarLowFrequencyCondition) {
  // 500 Hz 15 is allowed (≤ 15); 20 is not.
  auto c = curve({{500, 15}, {1000, 10}, {3000, 30}, {4000, 40}, {6000, 30}, {8000, 20}});
  EXPECT_TRUE(niskar2001_notch(c).present);  // 40 − 15 = 25 ≥ 15; 40 − 20 = 20 ≥ 10
  c[500].level_db_hl = 20;
  EXPECT_FALSE(niskar2001_notch(c).present);
}

TEST(Notch, NotEvaluableWhenReferencesAreMissing) {
  const auto c = curve({{3000, 30}, {4000, 40}});
  EXPECT_FALSE(coles2000_notch(c).evaluable);
  EXPECT_FALSE(coles2000_notch(c).present);
  EXPECT_FALSE(niskar2001_notch(c).evaluable);
}

}  // namespace
}  // namespace odyo::audiometry
