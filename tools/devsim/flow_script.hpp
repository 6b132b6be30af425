#pragma once
// FlowScript: the flow a simulated subject blows into a spirometer head, sample by sample, from a
// short script such as "quiet:2,normal,quiet:3,cough,quiet:3,early_stop,quiet:3,leak".
// Steps:
//   quiet:S        no flow for S seconds
//   normal         maximal inspiration (1.5 s), then a forced expiration of ~4.5 L: flow rises
//                  to PEF 9 L/s in 0.1 s and decays exponentially (tau 0.45 s) to a plateau by ~6 s
//   cough          the same with a glottic closure in the first second (flow to zero for 80 ms
//                  at 0.3 s, then a burst)
//   early_stop     the same expiration cut abruptly to zero flow at 1.2 s
//   leak           the expiration measured at 85 % (air escaping around the mouthpiece): FIVC > FVC
//   unplug_mid_blow  a normal blow during which the cable is pulled 1.0 s into the expiration for
//                  1.5 s (the simulator closes the pty; samples of that time are never sent)
//   syringe:E      a 3-L calibration syringe stroke: filled through the sensor in 1 s, emptied in
//                  1.5 s; the emptied volume is 3 L × (1 + E/100) (E in %, default 0: a drifting
//                  syringe or sensor for the daily check, `spiro syringe-check`)
//   sine:S         S seconds of a 0.5 Hz sine of 2 L/s amplitude (steady load for benchmarks)
// The whole script repeats when `loop` is true. Thread-safety: immutable after construction.

#include <optional>
#include <string>
#include <vector>

namespace odyo::devsim {

struct UnplugWindow {
  std::int64_t first_index;  // first sample not sent
  std::int64_t samples;      // how many samples the unplug lasts
};

class FlowScript {
 public:
  // Parses the script; nullopt + message for an unknown step.
  static std::optional<FlowScript> parse(const std::string& text, double rate_hz, bool loop,
                                         std::string* why);

  [[nodiscard]] double flow_lps(std::int64_t index) const;  // 0 after the end unless looping
  [[nodiscard]] std::int64_t length() const { return static_cast<std::int64_t>(flow_.size()); }
  [[nodiscard]] bool loop() const { return loop_; }
  // Unplug windows (in the first pass of the script).
  [[nodiscard]] const std::vector<UnplugWindow>& unplugs() const { return unplugs_; }
  // Start index of each blow (first inspiration sample) and of its expiration.
  struct Blow {
    std::string kind;
    std::int64_t start_index;
    std::int64_t expiration_index;
    std::int64_t end_index;  // first quiet sample after the blow
  };
  [[nodiscard]] const std::vector<Blow>& blows() const { return blows_; }

 private:
  std::vector<double> flow_;
  std::vector<UnplugWindow> unplugs_;
  std::vector<Blow> blows_;
  bool loop_ = false;
};

}  // namespace odyo::devsim
