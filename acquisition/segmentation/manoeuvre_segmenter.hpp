#pragma once
// ManoeuvreSegmenter: cuts the continuous flow stream of a spirometer session into manoeuvres
// (inspiration + forced expiration + the tail), so analysis gets one buffer per blow. It only
// cuts; acceptability (BEV, cough, EOFE, leak...) is judged by analysis/spirometry.
//
// Rules:
//  - start: |flow| reaches onset_flow_lps; the manoeuvre begins at the last quiet sample before
//    (|flow| < quiet_flow_lps), at most lead_in_s earlier;
//  - end "plateau": after min_duration_s, the last plateau_window_s show a volume change below
//    plateau_volume_l (ATS/ERS 2019 end-of-forced-expiration plateau: < 0.025 L in the last 1 s)
//    and no |flow| above quiet_flow_lps; the manoeuvre ends at the last non-quiet sample;
//  - end "gap": the device's sample index jumps by more than max_gap_samples (samples lost:
//    checksum errors, unplug) — the manoeuvre is kept, flagged;
//  - end "signal_lost": end_of_stream() while a manoeuvre is open (device stopped mid-blow);
//  - end "too_long": longer than max_duration_s.
// Thread-safety: one instance per session, used by the session's consumer thread. Pure (no I/O).

#include <cstdint>
#include <deque>
#include <span>
#include <string_view>
#include <vector>

#include "acquisition/session/flow_session.hpp"

namespace odyo::acquisition {

// ATS/ERS 2019 (Graham et al., AJRCCM 200:e70), end of forced expiration: volume change
// < 0.025 L in the last 1 s of the expiration.
inline constexpr double kAtsPlateauVolumeL = 0.025;
inline constexpr double kAtsPlateauWindowS = 1.0;

struct SegmenterParams {
  double onset_flow_lps = 0.5;  // well above sensor noise (SFM3000 LSB ~0.12 mL/s)
  double quiet_flow_lps = 0.05;
  double lead_in_s = 2.0;
  double min_duration_s = 1.0;
  double max_duration_s = 30.0;  // ATS/ERS FET limit is 15 s; inspiration and tail added
  double plateau_volume_l = kAtsPlateauVolumeL;
  double plateau_window_s = kAtsPlateauWindowS;
  std::int64_t max_gap_samples = 20;
};

enum class ManoeuvreEnd { plateau, gap, signal_lost, too_long };
std::string_view to_string(ManoeuvreEnd e);

struct Manoeuvre {
  std::int64_t first_index = 0;
  std::int64_t last_index = 0;
  double start_s = 0, end_s = 0;  // session time (TimedFlowSample::t_s)
  ManoeuvreEnd end = ManoeuvreEnd::plateau;
  std::vector<TimedFlowSample> samples;  // the manoeuvre's samples (first..last)
};

class ManoeuvreSegmenter {
 public:
  explicit ManoeuvreSegmenter(SegmenterParams p = {}) : p_(p) {}
  void push(std::span<const TimedFlowSample> samples, std::vector<Manoeuvre>& out);
  void end_of_stream(std::vector<Manoeuvre>& out);
  [[nodiscard]] bool in_manoeuvre() const { return active_; }

 private:
  void close(ManoeuvreEnd why, std::vector<Manoeuvre>& out);
  SegmenterParams p_;
  bool active_ = false;
  std::deque<TimedFlowSample> history_;  // recent samples while idle (lead-in)
  Manoeuvre cur_;
  std::int64_t last_index_ = -1;
  std::size_t last_loud_ = 0;  // position in cur_.samples of the last non-quiet sample
};

}  // namespace odyo::acquisition
