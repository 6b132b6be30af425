#pragma once
// Signal → manoeuvre indices for one forced manoeuvre (ATS/ERS 2019, Graham et al.,
// AJRCCM 200:e70; ISO 26782:2009 A.1 back-extrapolation). Pure: no I/O, no globals.
// Thread-safety: free functions on caller-owned data; safe from any thread.
//
// Conventions (written down because results depend on them):
//  - flow_lps: expiration positive, inspiration negative, sampled every 1/sample_rate_hz s;
//    sample k is at t_k = k / rate. Flow is multiplied by btps_factor before anything else.
//  - Volume is the trapezoid integral of flow, 0 at the start of the forced expiration (the last
//    sample at or below zero flow before PEF, or the first sample of the record).
//  - PEF = highest flow sample. Time zero t0 = t_PEF − V(t_PEF)/PEF (tangent of slope PEF through
//    the PEF point meets the volume baseline). BEV = V(t0). FEVx = V(t0 + x s), so it includes
//    the back-extrapolated volume, as in ATS 1995 Table D1.
//  - End of forced expiration: the first sample where volume reaches its maximum before the
//    first sample with flow below −kInspirationOnsetFlow_lps (start of inspiration) or the end of
//    the record. FVC = that maximum; FET = t_end − t0.

#include <Eigen/Core>
#include <optional>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::spirometry {

// ATS/ERS 2019 (Graham 2019, Table 3) and ISO 26782: flow must be sampled at ≥ 100 Hz.
inline constexpr double kMinSampleRate_hz = 100.0;
// Minimum record length: FEV1 needs one second after time zero.
inline constexpr double kMinRecordDuration_s = 1.0;
// Flow more negative than this after PEF is taken as the start of inspiration (a sensor's noise is
// well below it). Station choice, not from a standard.
inline constexpr double kInspirationOnsetFlow_lps = 0.05;
// Lowest PEF that is taken as a forced expiration at all. Station choice.
inline constexpr double kMinPef_lps = 0.3;
// Highest flow (either direction, after BTPS) taken as coming from a person. ATS/ERS 2019
// (Graham et al., AJRCCM 200:e70, Table 3) and ISO 26782:2009 require a spirometer to measure
// flows over ±14 L/s, and the ATS standard PEF waveforms (Hankinson & Crapo 1995, waveform 25)
// reach 14.19 L/s, so the limit must sit above 14 L/s; the highest peak flows reported in adults
// are about 15–16 L/s (≈ 950 L/min). Anything beyond 20 L/s is a units, scaling or device error
// (e.g. mL/s taken as L/s), never a blow. Station choice on that evidence.
inline constexpr double kMaxPlausibleFlow_lps = 20.0;
// A BTPS factor outside this range is a units or set-up mistake (ambient 0–40 °C gives 0.98–1.13).
inline constexpr double kMinBtpsFactor = 0.9;
inline constexpr double kMaxBtpsFactor = 1.2;

struct SignalSpec {
  double sample_rate_hz = 0.0;
  double btps_factor = 1.0;  // multiplies raw flow (ATPS → BTPS); 1.0 when the device reports BTPS
  double min_sample_rate_hz = kMinSampleRate_hz;  // config [spirometry].min_sample_rate_hz
  double max_abs_flow_lps = kMaxPlausibleFlow_lps;
};

// How a device's readings get to BTPS (DOMAIN §2.1): some devices already report BTPS, others
// report ambient (ATPS) volumes that need the factor from temperature, pressure and humidity.
enum class BtpsStrategy { kDeviceReportsBtps, kAmbientSaturated, kAmbientHumidity };

struct Ambient {
  double temperature_c = 20.0;
  double pressure_kpa = 101.3;
  double relative_humidity = 1.0;  // 0..1; used by kAmbientHumidity
};

// BTPS factor = (PB − PH2O,amb)/(PB − PH2O,37°C) × 310.15/(273.15 + T). 20 °C, 101.3 kPa,
// saturated → 1.102 (ATS/ERS 2005 Table, DOMAIN §2.1). Errors for implausible ambient values.
Result<double> btps_factor(BtpsStrategy strategy, const Ambient& ambient);

struct Curves {                  // for display, decimated to at most ~kCurveRate_hz
  std::vector<double> time_s;    // from t0
  std::vector<double> volume_l;  // BTPS, 0 at start of expiration
  std::vector<double> flow_lps;  // BTPS
};
inline constexpr double kCurveRate_hz = 100.0;

struct ManoeuvreIndices {
  double sample_rate_hz = 0.0;
  double btps_factor = 1.0;
  std::size_t samples = 0;

  // Segmentation (sample indices into the record).
  std::size_t start_index = 0;  // start of forced expiration (volume 0)
  std::size_t pef_index = 0;
  std::size_t end_index = 0;         // end of forced expiration (max volume)
  std::size_t insp_onset_index = 0;  // first inspiratory sample after PEF, or samples

  double t_start_s = 0.0;  // time of start_index
  double t0_s = 0.0;       // back-extrapolated time zero, record time
  double bev_l = 0.0;      // back-extrapolated volume
  double pef_lps = 0.0;
  double time_to_pef_s = 0.0;  // from t0
  double fev075_l = 0.0;
  double fev1_l = 0.0;
  double fev6_l = 0.0;  // = FVC when FET < 6 s (fev6_reached false)
  bool fev6_reached = false;
  double fvc_l = 0.0;
  double fev1_fvc = 0.0;  // ratio 0..1
  double fef25_lps = 0.0;
  double fef50_lps = 0.0;
  double fef75_lps = 0.0;
  double fef2575_lps = 0.0;
  double fet_s = 0.0;
  double eofe_volume_last_1s_l = 0.0;    // volume exhaled in the last 1 s of expiration (plateau)
  std::optional<double> hesitation_s;    // from maximal inspiration to t0, when the record has it
  std::optional<double> fivc_l;          // inspiratory volume after expiration, when present
  double volume_after_insp_max_l = 0.0;  // largest volume after inspiration onset (extra breath)

  // Signal features the quality criteria use (quality.hpp).
  double baseline_offset_lps = 0.0;    // steady flow at rest found at the record's start/end
  bool baseline_checked = false;       // a rest segment long enough to check was present
  std::optional<double> cough_time_s;  // secondary flow peak after PEF in the first second, from t0
  double cough_rise_lps = 0.0;         // its rise above the preceding minimum
  std::optional<double> abrupt_stop_time_s;  // abrupt stop of flow (glottic closure), from t0

  Curves curves;
};

// Flow from a volume-time signal (volume-displacement spirometers): f_k = (V_k − V_{k−1})·rate,
// f_0 = 0. Integrating it back (trapezoid) gives V_k − ΔV_k/2: exact wherever flow is zero
// (FVC), and within flow/(2·rate) elsewhere (1 mL at 2 L/s and 1 kHz). Errors: empty_signal,
// not_finite, sample_rate_too_low.
Result<Eigen::VectorXd> flow_from_volume(const Eigen::Ref<const Eigen::VectorXd>& volume_l,
                                         double sample_rate_hz,
                                         double min_sample_rate_hz = kMinSampleRate_hz);

// Analyses one manoeuvre. Errors (each with code and a sentence saying what to do):
// empty_signal, signal_too_short, not_finite, sample_rate_too_low, btps_out_of_range,
// no_expiration, wrong_sign.
Result<ManoeuvreIndices> analyse_manoeuvre(const Eigen::Ref<const Eigen::VectorXd>& flow_lps,
                                           const SignalSpec& spec, bool keep_curves = true);

}  // namespace odyo::spirometry
