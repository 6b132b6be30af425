#pragma once
// Cohort reference values: `odyospiro spiro predict --input FILE.csv --output FILE.csv`.
//
// CSV in: a header naming sex, age (years), height (cm), optionally ethnicity (GLI-2012 group
// 1-5 or its name) and measured values (FEV1, FVC, FEV1FVC, … in L, L/s or as a ratio); other
// columns are copied. CSV out: every input line unchanged, then per parameter of the equation
// `<P>_pred,<P>_lln,<P>_uln` and, where the input has a measured column for it, `<P>_z,
// <P>_pctpred`. An empty cell means "no value" (GLI-2012 FEF past 90 years, or not measured).
//
// The numbers come from spirometry::predict_cohort / score_cohort, the code the single-subject
// `spiro predict` runs. This file is only the I/O around it: the whole input read at once,
// parse → compute → format in chunks on several threads, chunks written in order to a temporary
// file beside the output that is renamed into place only when every row was good. A bad row
// refuses the whole file (line, column and what is wrong; nothing is written).
//
// The CSV reader here is a specialised fast one (no quoted fields with commas inside; surrounding
// double quotes are removed); it is kept behind parse_chunk() in cohort.cpp so that a shared
// reader can replace it.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "analysis/spirometry/reference.hpp"

namespace odyo::station {

struct CohortRunOptions {
  std::string input_path;
  std::string output_path;
  spirometry::Equation equation = spirometry::Equation::kGli2012;
  int default_ethnicity = 1;  // GLI-2012 rows with no ethnicity column / an empty cell
  int decimals = 8;           // digits after the point in the output (0–15)
  unsigned threads = 0;       // 0: one per core
  // Called from the calling thread after each written chunk (rows so far, fraction of input).
  std::function<void(std::size_t rows_done, double fraction)> progress;
};

struct CohortRunSummary {
  std::size_t rows = 0;
  std::vector<std::string> added_columns;
  std::vector<Error> warnings;  // e.g. a measured column the equation has no equation for
};

// Errors: input_missing, bad_header, bad_rows (the message lists up to 10 rows with line and
// column, and how many there are in all), output_failed, and predict_cohort's table errors.
Result<CohortRunSummary> run_cohort_predict(const spirometry::ReferenceTables& tables,
                                            const CohortRunOptions& options);

}  // namespace odyo::station
