#include "tools/devsim/flow_script.hpp"

#include <cmath>
#include <numbers>
#include <sstream>

namespace odyo::devsim {

namespace {

constexpr double kPefLps = 9.0;
constexpr double kRiseS = 0.1;
constexpr double kTauS = 0.45;
constexpr double kExpirationS = 6.0;
constexpr double kInspirationS = 1.5;

// Expiratory flow of the model subject at time t after the start of the expiration.
double expiration_flow(double t) {
  if (t < 0) return 0;
  if (t < kRiseS) return kPefLps * t / kRiseS;
  if (t > kExpirationS) return 0;
  return kPefLps * std::exp(-(t - kRiseS) / kTauS);
}

double expired_volume_l() {
  // Rise triangle + exponential tail (to the end of the expiration).
  return 0.5 * kPefLps * kRiseS +
         kPefLps * kTauS * (1 - std::exp(-(kExpirationS - kRiseS) / kTauS));
}

}  // namespace

std::optional<FlowScript> FlowScript::parse(const std::string& text, double rate_hz, bool loop,
                                            std::string* why) {
  FlowScript s;
  s.loop_ = loop;
  const double dt = 1.0 / rate_hz;
  std::stringstream ss(text);
  std::string step;
  while (std::getline(ss, step, ',')) {
    if (step.empty()) continue;
    std::string name = step, arg;
    if (auto c = step.find(':'); c != std::string::npos) {
      name = step.substr(0, c);
      arg = step.substr(c + 1);
    }
    double seconds = 0;
    if (!arg.empty()) {
      try {
        seconds = std::stod(arg);
      } catch (const std::exception&) {
        if (why)
          *why = "step '" + step +
                 "': the number after ':' must be seconds (quiet:2) or a "
                 "syringe's volume error in % (syringe:-2.5)";
        return std::nullopt;
      }
    }
    if (name == "quiet") {
      s.flow_.insert(s.flow_.end(), static_cast<std::size_t>(std::llround(seconds * rate_hz)), 0.0);
    } else if (name == "sine") {
      const auto n = static_cast<std::size_t>(std::llround(seconds * rate_hz));
      for (std::size_t i = 0; i < n; ++i)
        s.flow_.push_back(2.0 * std::sin(2 * std::numbers::pi * 0.5 * static_cast<double>(i) * dt));
    } else if (name == "normal" || name == "cough" || name == "early_stop" || name == "leak" ||
               name == "unplug_mid_blow") {
      Blow b;
      b.kind = name;
      b.start_index = s.length();
      // Inspiration of the same volume as the (true) expiration: half-sine shape.
      const double vol = expired_volume_l();
      const auto ni = static_cast<std::size_t>(std::llround(kInspirationS * rate_hz));
      const double peak_insp = vol * std::numbers::pi / (2 * kInspirationS);
      for (std::size_t i = 0; i < ni; ++i)
        s.flow_.push_back(-peak_insp * std::sin(std::numbers::pi * static_cast<double>(i) /
                                                static_cast<double>(ni)));
      b.expiration_index = s.length();
      const auto ne = static_cast<std::size_t>(std::llround((kExpirationS + 0.5) * rate_hz));
      for (std::size_t i = 0; i < ne; ++i) {
        const double t = static_cast<double>(i) * dt;
        double f = expiration_flow(t);
        if (name == "cough") {
          if (t >= 0.30 && t < 0.38) f = 0;        // glottic closure
          if (t >= 0.38 && t < 0.45) f = f + 4.0;  // burst after it
        } else if (name == "early_stop") {
          if (t >= 1.2) f = 0;
        } else if (name == "leak") {
          f *= 0.85;
        }
        s.flow_.push_back(f);
      }
      if (name == "unplug_mid_blow")
        s.unplugs_.push_back(
            {b.expiration_index + static_cast<std::int64_t>(std::llround(1.0 * rate_hz)),
             static_cast<std::int64_t>(std::llround(1.5 * rate_hz))});
      b.end_index = s.length();
      s.blows_.push_back(b);
    } else if (name == "syringe") {
      // A 3-L calibration syringe: filled through the sensor (1 s), emptied at once (1.5 s),
      // both half-sines; the emptied volume is 3 L × (1 + E/100), E = the step's number in %
      // (a leaking or drifting syringe, or a sensor reading off).
      const double err_pct = seconds;
      if (err_pct < -50 || err_pct > 50) {
        if (why) *why = "step '" + step + "': the syringe's volume error is -50 to 50 %";
        return std::nullopt;
      }
      Blow b;
      b.kind = name;
      b.start_index = s.length();
      constexpr double kSyringeL = 3.0, kFillS = 1.0, kEmptyS = 1.5;
      const auto nf = static_cast<std::size_t>(std::llround(kFillS * rate_hz));
      const double peak_fill = kSyringeL * std::numbers::pi / (2 * kFillS);
      for (std::size_t i = 0; i < nf; ++i)
        s.flow_.push_back(-peak_fill * std::sin(std::numbers::pi * static_cast<double>(i) /
                                                static_cast<double>(nf)));
      b.expiration_index = s.length();
      const auto ne = static_cast<std::size_t>(std::llround(kEmptyS * rate_hz));
      const double volume = kSyringeL * (1 + err_pct / 100.0);
      // Sampled half-sine whose sum × dt is exactly `volume`.
      double sum = 0;
      for (std::size_t i = 0; i < ne; ++i)
        sum += std::sin(std::numbers::pi * static_cast<double>(i) / static_cast<double>(ne));
      for (std::size_t i = 0; i < ne; ++i)
        s.flow_.push_back(
            volume / (sum * dt) *
            std::sin(std::numbers::pi * static_cast<double>(i) / static_cast<double>(ne)));
      b.end_index = s.length();
      s.blows_.push_back(b);
    } else {
      if (why)
        *why = "unknown script step '" + name +
               "': use quiet:S, normal, cough, early_stop, leak, unplug_mid_blow, syringe:E or "
               "sine:S";
      return std::nullopt;
    }
  }
  if (s.flow_.empty()) {
    if (why) *why = "the script is empty: give at least one step, e.g. quiet:1,normal";
    return std::nullopt;
  }
  return s;
}

double FlowScript::flow_lps(std::int64_t index) const {
  if (index < 0) return 0;
  if (loop_) return flow_[static_cast<std::size_t>(index % length())];
  if (index >= length()) return 0;
  return flow_[static_cast<std::size_t>(index)];
}

}  // namespace odyo::devsim
