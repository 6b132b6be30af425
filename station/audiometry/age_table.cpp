#include "station/audiometry/age_table.hpp"

#include <fstream>
#include <sstream>

namespace odyo::station {

Result<audiometry::AgeCorrectionTable> load_age_correction_table(const StationConfig& cfg,
                                                                 const std::string& which) {
  if (which != "osha" && which != "msha") {
    return make_error("age_table_unknown",
                      "age-correction table \"" + which + "\" is unknown; allowed: osha, msha");
  }
  const char* file = which == "msha" ? "msha_part62_age_correction_2k3k4k.csv"
                                     : "osha_appendix_f_age_correction.csv";
  const auto path = cfg.audiometry_dir / file;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error("age_table_missing", "cannot read the age-correction table " + path.string() +
                                               "; check [audiometry].audiometry_dir");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return audiometry::AgeCorrectionTable::parse_csv(ss.str(), which);
}

}  // namespace odyo::station
