#pragma once
// The age-correction table named in [audiometry].age_correction_table (osha | msha), read from
// [audiometry].audiometry_dir. Shared by `audio analyze` and the stored exams' threshold shift.
// Thread-safety: pure apart from reading the file.
#include <string>

#include "analysis/audiometry/threshold_shift.hpp"
#include "analysis/core/result.hpp"
#include "station/config/config.hpp"

namespace odyo::station {

Result<audiometry::AgeCorrectionTable> load_age_correction_table(const StationConfig& cfg,
                                                                 const std::string& which);

}  // namespace odyo::station
