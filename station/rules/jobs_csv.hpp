#pragma once
// The job catalogue (Ek-4) from a table read by the one CSV reader (analysis/core/csv.hpp,
// files through station/core/text_file.hpp): `,` `;` or tab between fields, quoted fields,
// UTF-8/BOM/Windows-1254. The columns are those of rules::parse_jobs_csv (loader.hpp). Errors
// name the file, line and column.
#include <vector>

#include "analysis/core/csv.hpp"
#include "analysis/core/result.hpp"
#include "analysis/evaluation/model.hpp"

namespace odyo::station::rules {

Result<std::vector<odyo::evaluation::Job>> parse_jobs_table(const csv::Table& table);

}  // namespace odyo::station::rules
