#pragma once
// Loads the spirometry reference tables (GLI-2012, GLI Global 2022, ECCS/ERS 1993) from
// config/reference/*.csv (provenance in config/reference/README.md) and hands them to the pure
// parsers in analysis/spirometry/reference.hpp. Thread-safety: call from one thread; the returned
// tables are immutable and may be shared.

#include <filesystem>

#include "analysis/core/result.hpp"
#include "analysis/spirometry/reference.hpp"

namespace odyo::station {

// Reads gli2012_{coefficients,splines}.csv, gli_global2022_{coefficients,splines}.csv and
// eccs1993_coefficients.csv from `dir`. A missing or damaged file is an Error naming it.
Result<spirometry::ReferenceTables> load_reference_tables(const std::filesystem::path& dir);

}  // namespace odyo::station
