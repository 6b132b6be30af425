#include "acquisition/segmentation/manoeuvre_segmenter.hpp"

#include <cmath>

namespace odyo::acquisition {

std::string_view to_string(ManoeuvreEnd e) {
  switch (e) {
    case ManoeuvreEnd::plateau:
      return "plateau";
    case ManoeuvreEnd::gap:
      return "gap";
    case ManoeuvreEnd::signal_lost:
      return "signal_lost";
    case ManoeuvreEnd::too_long:
      return "too_long";
  }
  return "?";
}

void ManoeuvreSegmenter::close(ManoeuvreEnd why, std::vector<Manoeuvre>& out) {
  // A plateau end keeps its quiet second: analysis judges the ATS/ERS end of forced expiration
  // (< 0.025 L in the last 1 s) on it, and would call every blow "no EOFE" without it.
  if (!cur_.samples.empty()) {
    cur_.first_index = cur_.samples.front().index;
    cur_.last_index = cur_.samples.back().index;
    cur_.start_s = cur_.samples.front().t_s;
    cur_.end_s = cur_.samples.back().t_s;
  }
  cur_.end = why;
  out.push_back(std::move(cur_));
  cur_ = {};
  active_ = false;
  history_.clear();
}

void ManoeuvreSegmenter::push(std::span<const TimedFlowSample> samples,
                              std::vector<Manoeuvre>& out) {
  for (const auto& s : samples) {
    const bool gap = last_index_ >= 0 && s.index - last_index_ > p_.max_gap_samples;
    last_index_ = s.index;
    if (active_ && gap) close(ManoeuvreEnd::gap, out);
    const double a = std::abs(s.flow_lps);
    if (!active_) {
      history_.push_back(s);
      while (!history_.empty() && s.t_s - history_.front().t_s > p_.lead_in_s) history_.pop_front();
      if (a < p_.onset_flow_lps) continue;
      // Onset: begin at the last quiet sample before it.
      std::size_t begin = 0;
      for (std::size_t k = history_.size(); k-- > 0;)
        if (std::abs(history_[k].flow_lps) < p_.quiet_flow_lps) {
          begin = k;
          break;
        }
      cur_ = {};
      cur_.samples.assign(history_.begin() + static_cast<std::ptrdiff_t>(begin), history_.end());
      last_loud_ = cur_.samples.size() - 1;
      active_ = true;
      continue;
    }
    cur_.samples.push_back(s);
    if (a >= p_.quiet_flow_lps) last_loud_ = cur_.samples.size() - 1;
    const double dur = s.t_s - cur_.samples.front().t_s;
    if (dur > p_.max_duration_s) {
      close(ManoeuvreEnd::too_long, out);
      continue;
    }
    const double quiet_for = s.t_s - cur_.samples[last_loud_].t_s;
    if (dur >= p_.min_duration_s && quiet_for >= p_.plateau_window_s) {
      // Volume change over the window (trapezoid-free: the quiet samples are all below quiet_flow).
      double dv = 0;
      for (std::size_t k = cur_.samples.size(); k-- > 1;) {
        if (s.t_s - cur_.samples[k].t_s > p_.plateau_window_s) break;
        dv += cur_.samples[k].flow_lps * (cur_.samples[k].t_s - cur_.samples[k - 1].t_s);
      }
      if (std::abs(dv) < p_.plateau_volume_l) close(ManoeuvreEnd::plateau, out);
    }
  }
}

void ManoeuvreSegmenter::end_of_stream(std::vector<Manoeuvre>& out) {
  if (active_) close(ManoeuvreEnd::signal_lost, out);
  last_index_ = -1;
}

}  // namespace odyo::acquisition
