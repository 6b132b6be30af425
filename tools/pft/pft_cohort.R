# Reference values from the R package pft (pft_spirometry, exact GLI) for a cohort CSV, as the
# peer of `odyospiro spiro predict --input/--output` (issue 17).
#
#   Rscript tools/pft/pft_cohort.R generate N SEED OUT.csv   # a seeded cohort CSV (our input format)
#   Rscript tools/pft/pft_cohort.R reference IN.csv YEAR OUT.csv
#       pft's added columns only (<measure>_pred_<year>, _lln_, _uln_, _zscore_, _pctpred_), one
#       row per input row, 12 significant digits, empty cell for NA
#   Rscript tools/pft/pft_cohort.R time IN.csv YEAR           # wall and CPU seconds of pft_spirometry() alone
#
# Input columns: sex (M/F), age (years), height (cm), race (GLI-2012 names), and the measured
# fev1_measured, fvc_measured, fev1fvc_measured, fef2575_measured, fef75_measured. The same file
# is read by odyospiro (race = ethnicity by name; <param>_measured = measured values).
# Install pft with ../shared/peers/setup_pft.sh (pft 1.0.1, commit 40c2bb9).
suppressMessages(library(pft))
a <- commandArgs(TRUE)

read_cohort <- function(path) {
  read.csv(path, colClasses = c(sex = "character", race = "character"), stringsAsFactors = FALSE)
}

if (a[1] == "generate") {
  n <- as.integer(a[2]); set.seed(as.integer(a[3]))
  sex <- sample(c("M", "F"), n, TRUE)
  # Whole GLI range (3–95 years; FEF tables stop at 90), heights 90–200 cm, all five groups;
  # ages to 2 decimals and heights to 1 decimal as a clinic records them.
  age <- round(runif(n, 3, 95), 2)
  height <- round(runif(n, 90, 200), 1)
  race <- sample(c("Caucasian", "AfrAm", "NEAsia", "SEAsia", "Other/mixed"), n, TRUE)
  fvc <- round(runif(n, 0.8, 6.5), 2)
  fev1 <- round(fvc * runif(n, 0.45, 0.95), 2)
  d <- data.frame(sex = sex, age = age, height = height, race = race,
                  fev1_measured = fev1, fvc_measured = fvc,
                  fev1fvc_measured = round(fev1 / fvc, 4),
                  fef2575_measured = round(runif(n, 0.5, 5), 2),
                  fef75_measured = round(runif(n, 0.1, 2), 2))
  write.csv(d, a[4], row.names = FALSE, quote = FALSE)
} else if (a[1] == "reference") {
  d <- read_cohort(a[2]); year <- as.integer(a[3])
  r <- as.data.frame(pft_spirometry(d, year = year))
  added <- setdiff(names(r), names(d))
  out <- r[added]
  for (k in added) out[[k]] <- ifelse(is.na(out[[k]]), "", formatC(out[[k]], digits = 12, format = "g"))
  write.csv(out, a[4], row.names = FALSE, quote = FALSE)
} else if (a[1] == "time") {
  d <- read_cohort(a[2]); year <- as.integer(a[3])
  t <- system.time(r <- pft_spirometry(d, year = year))
  cpu <- t[["user.self"]] + t[["sys.self"]]
  cat(sprintf("pft year=%d subjects=%d seconds=%.3f cpu_seconds=%.3f per_second=%.0f\n", year,
              nrow(d), t[["elapsed"]], cpu, nrow(d) / t[["elapsed"]]))
} else {
  stop("usage: pft_cohort.R generate N SEED OUT.csv | reference IN.csv YEAR OUT.csv | time IN.csv YEAR")
}
