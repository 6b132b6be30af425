#pragma once
// Permissible ambient noise in the audiometric test room: a table of octave-band limits (dB SPL)
// read from config/audiometry/ambient_limits.csv (columns table,band_hz,max_db_spl,citation,url;
// the station picks the table named in [audiometry].ambient_limits), and the comparison of
// measured band levels (octave_bands.hpp) against it. Pure: parses text, no file I/O.
// A band passes when its level is at most the limit (level ≤ limit); the margin is
// limit − level (negative: by how much it is too loud). A measured band the table has no limit
// for is reported and not judged; table rows at centres the station does not measure (ANSI's
// 750/1500/3000/6000 Hz) are listed as not compared. Thread-safety: plain values.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/audiometry/ambient/octave_bands.hpp"
#include "analysis/core/result.hpp"

namespace odyo::audiometry::ambient {

struct AmbientLimit {
  int band_hz = 0;
  double max_db_spl = 0;
  std::string citation;
  std::string url;
};

class AmbientLimits {
 public:
  // The rows of `table` in the CSV text. Errors: "bad_ambient_table" (line and what is wrong),
  // "ambient_table_unknown" (no row for `table`; the message lists the tables in the file).
  static Result<AmbientLimits> parse_csv(std::string_view text, const std::string& table);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::vector<AmbientLimit>& rows() const { return rows_; }
  [[nodiscard]] std::optional<double> limit_at(int band_hz) const;

 private:
  std::string name_;
  std::vector<AmbientLimit> rows_;
};

struct BandVerdict {
  int centre_hz = 0;
  double level_db_spl = 0;
  std::optional<double> limit_db_spl;  // none: the table gives no limit for this band
  std::optional<double> margin_db;     // limit − level
  bool pass = true;                    // level ≤ limit (true when there is no limit)
};

struct AmbientVerdict {
  std::string table;
  std::vector<BandVerdict> bands;
  std::vector<int> not_compared_hz;  // table rows at centres that are not measured
  bool pass = true;                  // every judged band passes
  // The first band over its limit, if any (for the refusal message).
  [[nodiscard]] const BandVerdict* first_exceeded() const;
};

AmbientVerdict compare_with_limits(const std::vector<BandLevel>& levels,
                                   const AmbientLimits& limits);

}  // namespace odyo::audiometry::ambient
