#pragma once
// The station's pictures, drawn once as SVG for every front end (the command line writes them to
// files; the PDF report of the export issue and the review pages embed the same strings). Pure
// functions: data in, an SVG document out; no I/O, no database (station/charts/chart_data.hpp
// loads stored exams into these inputs). Thread-safety: pure functions.
//
// Standards behind the geometry (tests/station/charts check the drawn axes against them):
//  - Audiogram: ASHA (1990) Guidelines for Audiometric Symbols, Asha 32 (Suppl. 2), 25–30
//    (Committee on Audiologic Evaluation, adopted 1989): frequency on a logarithmic (octave)
//    axis, hearing level increasing downward, one octave as wide as 20 dB is tall; air conduction
//    O right / X left, masked △ right / □ left; bone < right / > left, masked [ right / ] left,
//    bone symbols beside the frequency line (right ear to its left, left ear to its right);
//    no response: the symbol with an arrow pointing down and outward (≈ 45°, to the left for the
//    right ear, to the right for the left ear); lines join air thresholds of one ear but never a
//    no-response; red for the right ear, blue for the left (ASHA's optional colour coding).
//  - Flow-volume: ATS/ERS 2019 (Graham et al., AJRCCM 200:e70): expiratory flow up, volume to the
//    right, 2 L/s of flow drawn as long as 1 L of volume (the 2:1 flow:volume scale).
//  - Volume-time: time axis of at least 15 s (longer when a blow lasted longer), from 1 s before
//    time zero; volume at least 10 mm/L and time at least 10 mm/s on paper (see docs/charts.md).
// Every blow is overlaid; the reported one (the acceptable blow with the largest FEV1 + FVC,
// analysis/spirometry/session.hpp) is drawn thicker, black, and named in the legend.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/audiometry/audiogram.hpp"
#include "station/core/i18n.hpp"

namespace odyo::station::charts {

struct ChartText {
  bool turkish = false;  // labels in Turkish (else English)
  std::string subtitle;  // e.g. "2001 Ali Kaya — 2026-11-02 — exam #3" (escaped when drawn)
};

// The chart's words in its language: English in the code, Turkish from the catalogues.
inline const i18n::Catalog& chart_words(const ChartText& t) {
  return i18n::catalog(t.turkish ? "tr" : "en");
}

// ---- Audiogram -----------------------------------------------------------------------------
// Scale: one octave = kAudiogramOctave_mm wide = 20 dB tall (ASHA 1990).
inline constexpr double kAudiogramOctave_mm = 20.0;
inline constexpr double kAudiogramMm_per_db = kAudiogramOctave_mm / 20.0;
std::string audiogram_svg(const audiometry::Audiogram& audiogram, const ChartText& text);

// ---- Spirometry curves ---------------------------------------------------------------------
struct BlowCurve {
  int number = 0;                // 1-based, as in the stored result
  std::vector<double> time_s;    // from time zero (back-extrapolated), BTPS
  std::vector<double> volume_l;  // 0 at the start of the forced expiration
  std::vector<double> flow_lps;  // expiration positive
  bool acceptable_fev1 = false;  // acceptable for FEV1 (ATS/ERS 2019)
  bool acceptable_fvc = false;   // acceptable for FVC
  double fvc_l = 0.0, fev1_l = 0.0, pef_lps = 0.0;
};
struct SpirometryCurves {
  std::vector<BlowCurve> blows;
  std::optional<int> reported_number;  // the blow the curves and flows are reported from
};
// Scales on paper: flow-volume 20 mm per L and 10 mm per L/s (2:1); volume-time 10 mm per s and
// 20 mm per L.
inline constexpr double kFlowVolumeMm_per_l = 20.0;
inline constexpr double kFlowVolumeMm_per_lps = kFlowVolumeMm_per_l / 2.0;
inline constexpr double kVolumeTimeMm_per_s = 10.0;
inline constexpr double kVolumeTimeMm_per_l = 20.0;
inline constexpr double kVolumeTimeMinAxis_s = 15.0;
std::string flow_volume_svg(const SpirometryCurves& curves, const ChartText& text);
std::string volume_time_svg(const SpirometryCurves& curves, const ChartText& text);

// ---- Worker history ------------------------------------------------------------------------
struct LungHistoryPoint {
  std::string date;  // YYYY-MM-DD (exam date)
  std::int64_t exam_id = 0;
  std::optional<double> fev1_l, fvc_l;          // reported values
  std::optional<double> fev1_lln_l, fvc_lln_l;  // LLN at that exam's age (stored reference)
  std::optional<double> fev1_z, fvc_z;
  std::string equation;  // reference equation stored with the result
};
std::string lung_history_svg(const std::vector<LungHistoryPoint>& points, const ChartText& text);

struct HearingHistoryExam {
  std::string date;  // YYYY-MM-DD
  std::int64_t exam_id = 0;
  audiometry::Audiogram audiogram;
  bool sts_right = false, sts_left = false;  // standard threshold shift against the baseline
};
struct HearingBaselineMark {  // a baseline version and the exam it names
  std::string ear;            // right | left | both
  int version = 0;
  std::int64_t exam_id = 0;
  std::string set_at;  // when it was set (YYYY-MM-DD…)
  std::string kind;    // initial | persistent_shift | improvement | manual
};
struct HearingHistory {
  std::vector<HearingHistoryExam> exams;       // test order
  std::vector<HearingBaselineMark> baselines;  // every version, oldest first
  std::vector<int> frequencies_hz{500, 1000, 2000, 3000, 4000, 6000, 8000};
};
std::string hearing_history_svg(const HearingHistory& history, const ChartText& text);

}  // namespace odyo::station::charts
