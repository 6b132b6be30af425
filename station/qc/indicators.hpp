#pragma once
// The quality-control indicators per technician, device and month (issue 17 item 4,
// `odyospiro report qc`), computed from what is stored — never stored themselves:
//   spirometry (sessions with their manoeuvres): share graded A/B (the worse of the FEV1 and FVC
//     grades, ATS/ERS 2019), repeatability failures (the two largest FEV1 or FVC more than
//     [findings.repeatability].limit_l apart, or not two to compare), blows per session;
//   automated audiometry (exams with the search's record): the 1 kHz retest difference per ear,
//     catch trials answered (false alarms) and the listener flagged unreliable;
//   check compliance: the days a technician (device) tested on a device with a passed daily
//     check of that device that day / the days tested (spirometer: syringe; audiometer:
//     listening; paper and imported audiograms need no check);
//   syringe (devices): checks, failures, mean volume error, and its least-squares trend in % per
//     30 days over the window ending with the month.
// A group's indicator is a finding when it crosses its threshold of config/rules/qc.toml for a
// subject the threshold applies to; each finding has a stable id ("QC-2026-03-technician-ali-
// ab_share") a corrective action can name. The month is the station's local month of the exam.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/qc/qc_rules.hpp"

namespace odyo::station {
class Database;
}

namespace odyo::station::qc {

struct QcGroup {
  std::string month;      // YYYY-MM
  std::string dimension;  // "technician" | "device"
  std::string subject;    // the user name or the device id
  // spirometry
  int spiro_sessions = 0;
  int spiro_ab = 0;
  int repeatability_failures = 0;
  int blows = 0;
  // automated audiometry
  int audio_sessions = 0;
  int retest_measured = 0;    // sessions with a 1 kHz retest
  int retest_over_limit = 0;  // of them, |difference| over the limit in either ear
  int retest_max_abs_db = 0;
  double retest_abs_sum_db = 0;  // over ears retested
  int retest_ears = 0;
  int catch_trials = 0, catch_false_alarms = 0;
  int unreliable = 0;  // sessions whose listener was flagged unreliable
  // daily checks
  int days_tested = 0, days_with_check = 0;
  // syringe (device groups)
  int syringe_checks = 0, syringe_failed = 0;
  double syringe_error_sum_pct = 0;
  std::optional<double> syringe_trend_pct_per_30d;  // over the window ending with the month
  int syringe_trend_checks = 0;
  // second review (technician: none; physician groups are in ReviewStats)
};

struct QcFinding {
  std::string id;  // QC-<month>-<dimension>-<subject>-<indicator>
  std::string month, dimension, subject, indicator;
  double value = 0;  // the indicator's value
  double limit = 0;  // the threshold it crossed
  std::string citation;
  bool provisional = false;
};

struct QcReport {
  std::string rules_version;
  std::vector<QcGroup> groups;  // by month, dimension, subject
  std::vector<QcFinding> findings;
  std::int64_t exams_read = 0, checks_read = 0;
};

struct QcQuery {
  std::string from_month, to_month;  // YYYY-MM, "" = open
};

// `progress(done, total)` is called while the exams are read (may be empty).
Result<QcReport> qc_report(Database& db, const QcRules& rules, const QcQuery& q,
                           const std::function<void(std::int64_t, std::int64_t)>& progress = {});

// The finding `id` as computed now ("qc_finding_unknown" when the data do not raise it).
Result<QcFinding> find_qc_finding(Database& db, const QcRules& rules, const std::string& id);

nlohmann::json qc_group_json(const QcGroup& g);
nlohmann::json qc_finding_json(const QcFinding& f);

}  // namespace odyo::station::qc
