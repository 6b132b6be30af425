#include "station/audiometry/age_table.hpp"

#include "analysis/core/error_text.hpp"
#include "station/core/input.hpp"

namespace odyo::station {

Result<audiometry::AgeCorrectionTable> load_age_correction_table(const StationConfig& cfg,
                                                                 const std::string& which) {
  if (which != "osha" && which != "msha") {
    return make_errorf("age_table_unknown",
                       "age-correction table \"{}\" is unknown; allowed: osha, msha", which);
  }
  const char* file = which == "msha" ? "msha_part62_age_correction_2k3k4k.csv"
                                     : "osha_appendix_f_age_correction.csv";
  const auto path = cfg.audiometry_dir / file;
  auto text = read_input_file(path);
  if (!text) {
    return make_errorf("age_table_missing",
                       "{} (the age-correction table; check [audiometry].audiometry_dir)",
                       text.error());
  }
  return audiometry::AgeCorrectionTable::parse_csv(*text, which);
}

}  // namespace odyo::station
