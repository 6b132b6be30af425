#pragma once
// Standard threshold shift (STS) against the worker's baseline, OSHA Appendix F / MSHA Part 62
// age correction, the recordable-case rule and baseline-revision proposals. Pure.
//
// Rules (reference/audiometry/README.md §2–3, each [2S] there):
// - STS: mean change from baseline at 2000, 3000, 4000 Hz ≥ 10 dB in an ear
//   (29 CFR 1910.95(g)(10)(i); 30 CFR 62.101).
// - Age correction (optional, 1910.95(g)(10)(ii)): allowance per frequency = table(age now) −
//   table(age at baseline); corrected shift = current − allowance − baseline. Ages below 20 use
//   the 20 row, above 60 the 60 row. Never applied to the 25 dB HL recordability check
//   (1904.10(b)(3)).
// - Recordable (29 CFR 1904.10(a),(b)(2)(ii)): STS and an (uncorrected) current mean of
//   2/3/4 kHz ≥ 25 dB HL in the same ear.
// - Baseline revision (1910.95(g)(9)): the reviewer may replace the baseline when a shift
//   persists or thresholds improve. The regulation gives no numbers and the NHCA triggers were not
//   retrieved, so the persistence count and the improvement size are parameters. This function
//   only proposes; the station (station/audiometry/worker_baseline.hpp) appends the proposed
//   baseline as a new, marked version when an exam is stored, and a physician can choose another.

#include <array>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "analysis/audiometry/audiogram.hpp"
#include "analysis/core/result.hpp"

namespace odyo::audiometry {

enum class Sex { male, female };
std::string_view to_string(Sex s);

// OSHA 1910.95(g)(10)(i): the STS fence, and 1904.10(b)(2)(ii): the recordability fence.
inline constexpr double kStsMeanShiftDb = 10.0;
inline constexpr double kRecordableMeanDbHl = 25.0;
inline constexpr std::array<int, 3> kStsFrequenciesHz{2000, 3000, 4000};

// An age-correction table: (sex, age in years) → allowance baseline value per frequency (dB).
class AgeCorrectionTable {
 public:
  // Parses the CSV of config/audiometry/ (header `sex,age,hz<freq>,...`, rows M/F). Checks that
  // each sex has every age from the first to the last row, the 2/3/4 kHz columns exist, and
  // every column rises (or stays) with age. `name` is stored with every result.
  static Result<AgeCorrectionTable> parse_csv(std::string_view csv_text, std::string name);

  [[nodiscard]] const std::string& name() const { return name_; }
  // Table value at the age (clamped to the table's first/last age). Error if the frequency is
  // not a column.
  [[nodiscard]] Result<int> value_db(Sex sex, int age_years, int frequency_hz) const;
  [[nodiscard]] int min_age() const { return min_age_; }
  [[nodiscard]] int max_age() const { return max_age_; }

 private:
  std::string name_;
  int min_age_ = 0;
  int max_age_ = 0;
  std::map<std::pair<Sex, int>, std::map<int, int>> rows_;  // (sex, age) → hz → dB
};

struct AgeContext {
  const AgeCorrectionTable* table = nullptr;  // required
  Sex sex = Sex::male;
  int baseline_age_years = 0;  // completed years at the baseline test
  int current_age_years = 0;   // completed years at the current test
};

struct EarShift {
  std::array<double, 3> shift_db{};  // current − baseline at 2/3/4 kHz
  double mean_shift_db = 0.0;
  bool sts = false;
  // With age correction (present when an AgeContext was given).
  std::optional<std::array<int, 3>> allowance_db;
  std::optional<double> mean_shift_corrected_db;
  std::optional<bool> sts_corrected;
  std::string age_table;  // name of the table used, empty if none
  // Current uncorrected mean at 2/3/4 kHz (the recordability check never uses age correction).
  double current_mean_db_hl = 0.0;
  bool recordable_uncorrected = false;       // sts && current mean ≥ 25
  std::optional<bool> recordable_corrected;  // sts_corrected && current mean ≥ 25
  bool includes_no_response = false;         // a NR point took part: values are bounds
  // The decision to report: age-corrected when a table was given, else uncorrected.
  [[nodiscard]] bool recordable() const {
    return recordable_corrected.value_or(recordable_uncorrected);
  }
};

// One ear. Errors: a 2/3/4 kHz point missing in either audiogram, or a NR in the baseline
// (its true threshold is unknown, so no shift can be computed).
Result<EarShift> threshold_shift(const ThresholdCurve& baseline_air,
                                 const ThresholdCurve& current_air,
                                 const AgeContext* age = nullptr);

struct ShiftReport {
  EarShift right;
  EarShift left;
  [[nodiscard]] bool sts_any() const { return right.sts || left.sts; }
  [[nodiscard]] bool recordable() const { return right.recordable() || left.recordable(); }
};
Result<ShiftReport> threshold_shift(const Audiogram& baseline, const Audiogram& current,
                                    const AgeContext* age = nullptr);

// Baseline-revision proposal for one ear.
struct RevisionParams {
  int persistence_count = 2;  // the shift (or improvement) must be on the latest N audiograms
  double improvement_db = kStsMeanShiftDb;  // mean improvement at 2/3/4 kHz that counts
};
enum class RevisionReason { none, persistent_shift, improvement };
std::string_view to_string(RevisionReason r);
struct RevisionProposal {
  RevisionReason reason = RevisionReason::none;
  int new_baseline_index = -1;  // index into `later` of the proposed new baseline
  double new_baseline_mean_db_hl = 0.0;
  std::string why;  // one sentence for the reviewer
};
// `later`: the audiograms after the baseline, oldest first (uncorrected thresholds). Of the latest
// `persistence_count` audiograms, when all show an STS, or all show an improvement of at least
// `improvement_db`, the one with the lowest (best) 2/3/4 kHz mean is proposed (the latest of
// equals). Errors as threshold_shift.
Result<RevisionProposal> propose_baseline_revision(const ThresholdCurve& baseline_air,
                                                   std::span<const ThresholdCurve> later,
                                                   const RevisionParams& p = {});

}  // namespace odyo::audiometry
