#include "station/app/paper_audiogram.hpp"

#include <chrono>
#include <cstdio>

#include "analysis/core/error_text.hpp"
#include "station/audiometry/audiogram_json.hpp"
#include "station/audiometry/worker_baseline.hpp"
#include "station/config/config.hpp"
#include "station/exams/audiometry_exam.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

namespace au = audiometry;

Result<std::string> test_started_at(const std::string& date, const Worker& w,
                                    const std::string& what) {
  if (date.empty()) return utc_now_iso();
  unsigned y = 0, m = 0, d = 0;
  char tail = 0;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return make_errorf("bad_date", "{} \"{}\" is not written as a date: use YYYY-MM-DD", what,
                       date);
  if (!std::chrono::year_month_day(std::chrono::year(static_cast<int>(y)), std::chrono::month(m),
                                   std::chrono::day(d))
           .ok()) {
    return make_errorf("bad_date",
                       "{} \"{}\" is not a real calendar date (no such day in that month, or no "
                       "such month): check the day and the month",
                       what, date);
  }
  if (date > today_iso()) {
    return make_errorf("bad_date", "{} {} is in the future", what, date);
  }
  if (date < w.birth_date) {
    return make_errorf("bad_date", "{} {} is before worker {}'s birth ({}); check the date", what,
                       date, w.registry_no, w.birth_date);
  }
  if (auto a = completed_years(w.birth_date, date); !a) return a.error();
  return date;
}

Result<RecordedExam> enter_paper_audiogram(Database& db, const StationConfig& cfg,
                                           const PaperAudiogram& in, const std::string& actor) {
  auto w = find_worker(db, in.worker);
  if (!w) return w.error();
  auto typed =
      parse_typed_audiogram_text(in.text, in.role + " " + in.source, au::Provenance::manual);
  if (!typed) return typed.error();
  auto started = test_started_at(in.date, *w);
  if (!started) return started.error();
  const au::Sex sex = w->sex == "F" ? au::Sex::female : au::Sex::male;
  if (typed->sex && *typed->sex != sex) {
    return make_errorf("sex_mismatch", "{} gives sex {} but worker {} is {}; check --worker",
                       in.source, std::string(au::to_string(*typed->sex)), w->registry_no, w->sex);
  }
  if (typed->age_years) {
    auto age = completed_years(w->birth_date, *started);
    if (age && *age != *typed->age_years) {
      return make_errorf(
          "age_mismatch",
          "{} gives age {} but worker {} (born {}) was {} on {}; check --worker and --date (the "
          "test's date)",
          in.source, *typed->age_years, w->registry_no, w->birth_date, *age,
          started->substr(0, 10));
    }
  }
  AudiometryMeta meta;
  meta.device_id = in.device.empty() ? std::string("manual") : in.device;
  meta.started_at = *started;
  meta.technician = actor;
  meta.note = in.note;
  meta.source_format = "manual-json";
  meta.source_file = in.source;
  meta.source_description = "typed from paper";
  meta.source_bytes.assign(in.text.begin(), in.text.end());
  return record_audiogram_exam(db, cfg, *w, typed->audiogram, meta, actor);
}

}  // namespace odyo::station
