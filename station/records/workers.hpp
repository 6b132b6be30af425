#pragma once
// Workers: validation of what a technician types in, and the workers table.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "analysis/evaluation/model.hpp"

namespace odyo::station {

class Database;

// A job of the Ek-4 catalogue (config/rules/work-groups.toml).
using Job = odyo::evaluation::Job;

struct NewWorker {
  std::string registry_no;  // TTK sicil no
  std::string tc_kimlik;    // T.C. kimlik no, 11 digits with its two check digits
  std::string first_name;
  std::string last_name;
  std::string birth_date;  // YYYY-MM-DD
  std::string sex;         // M | F
  double height_cm = 0;
  double weight_kg = 0;
  std::string establishment;
  std::string job_code;
  std::string started_on;  // first day in this job (YYYY-MM-DD or GG.AA.YYYY); empty = today
};

struct Worker {
  std::int64_t id = 0;
  std::string registry_no, tc_kimlik, first_name, last_name, birth_date, sex;
  double height_cm = 0, weight_kg = 0;
  std::string establishment, job_code;
  int work_group = 0;
  std::string created_at;
};

// True when the 11 digits satisfy the T.C. kimlik no check-digit rules (first digit not 0;
// d10 = (7·(d1+d3+d5+d7+d9) − (d2+d4+d6+d8)) mod 10; d11 = (d1+…+d10) mod 10).
bool tc_kimlik_valid(const std::string& tc);

// Validates and stores; the registered job is the first period of the worker's job history, from
// `started_on`; `today` is YYYY-MM-DD. Nothing is written on any error. `establishment`,
// `job_code` and `work_group` of a Worker read back are the current ones: the latest period of
// the job history (station/records/job_history.hpp).
Result<std::int64_t> add_worker(Database& db, const NewWorker& w,
                                const std::vector<std::string>& establishments,
                                const std::vector<Job>& jobs, const std::string& today,
                                const std::string& actor);
Result<std::vector<Worker>> list_workers(Database& db, const std::string& establishment = "");
// By registry number, or by database id when `key` is "#<id>".
Result<Worker> find_worker(Database& db, const std::string& key);

// Age in decimal years between two ISO dates (for reference equations: exact, not rounded).
double age_years(const std::string& birth_date, const std::string& on_date);
std::string today_iso();

}  // namespace odyo::station
