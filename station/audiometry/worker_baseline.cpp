#include "station/audiometry/worker_baseline.hpp"
#include "station/core/i18n.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "analysis/audiometry/threshold_shift.hpp"
#include "analysis/core/error_text.hpp"
#include "station/audiometry/age_table.hpp"
#include "station/audiometry/audiogram_json.hpp"
#include "station/audiometry/report.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"

namespace odyo::station {

namespace au = audiometry;
using nlohmann::json;

namespace {

std::optional<int> number(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

struct Ymd {
  int y = 0, m = 0, d = 0;
};
std::optional<Ymd> ymd(const std::string& s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto y = number(std::string_view(s).substr(0, 4));
  auto m = number(std::string_view(s).substr(5, 2));
  auto d = number(std::string_view(s).substr(8, 2));
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > 31) return std::nullopt;
  return Ymd{*y, *m, *d};
}

std::string fmt1(double v) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(1) << v;
  return o.str();
}

// Test order: by start time, then by id (0 = the exam being stored, after every stored one).
bool before(const std::string& at_a, std::int64_t id_a, const std::string& at_b,
            std::int64_t id_b) {
  if (at_a != at_b) return at_a < at_b;
  if (id_a == 0) return false;
  if (id_b == 0) return true;
  return id_a < id_b;
}

bool exam_accepted(const json& payload, const au::Audiogram& a, std::string& why) {
  if (payload.contains("baseline") && payload["baseline"].is_object() &&
      payload["baseline"].contains("accepted")) {
    const json& b = payload["baseline"];
    if (b.contains("not_accepted_because") && b["not_accepted_because"].is_string()) {
      why = b["not_accepted_because"].get<std::string>();
    }
    return b["accepted"].is_boolean() && b["accepted"].get<bool>();
  }
  // Results stored before baselines existed: the same rules from what they kept.
  if (payload.contains("search") && payload["search"].is_object()) {
    const json& s = payload["search"];
    if (!s.value("complete", false) || s.value("aborted", false)) {
      why = "the automated search did not finish";
      return false;
    }
    if (s.value("unreliable", false)) {
      why = "the listener was flagged unreliable (false alarms)";
      return false;
    }
  }
  if (auto u = baseline_unsuitable(a)) {
    why = u->message;
    return false;
  }
  return true;
}

json row_json(const BaselineRow& r, const StoredAudiometry* s, std::optional<int> age) {
  json j = baseline_row_json(r);
  j["exam_started_at"] = s ? json(s->exam.started_at) : json(nullptr);
  j["age_at_test_years"] = age ? json(*age) : json(nullptr);
  return j;
}

}  // namespace

json baseline_row_json(const BaselineRow& r) {
  return {{"baseline_id", r.id},
          {"version", r.version},
          {"ear", r.ear},
          {"kind", r.kind},
          {"reason", r.reason},
          {"exam_id", r.exam_id},
          {"result_id", r.result_id},
          {"supersedes_id", r.supersedes_id ? json(*r.supersedes_id) : json(nullptr)},
          {"set_at", r.set_at},
          {"set_by", r.set_by}};
}

Result<int> completed_years(const std::string& birth_date, const std::string& test_date) {
  auto b = ymd(birth_date);
  auto t = ymd(test_date);
  if (!b) return make_errorf("bad_date", "birth date \"{}\" is not YYYY-MM-DD", birth_date);
  if (!t) return make_errorf("bad_date", "test date \"{}\" is not YYYY-MM-DD", test_date);
  int years = t->y - b->y;
  if (t->m < b->m || (t->m == b->m && t->d < b->d)) --years;
  if (years < 0) {
    return make_errorf("bad_date", "the test date {} is before the birth date {}",
                       test_date.substr(0, 10), birth_date);
  }
  return years;
}

std::optional<Error> baseline_unsuitable(const au::Audiogram& a, const std::string& ear) {
  for (au::Ear e : {au::Ear::right, au::Ear::left}) {
    const std::string name(au::to_string(e));
    if (ear != "both" && ear != name) continue;
    for (int hz : au::kStsFrequenciesHz) {
      auto it = a.ear(e).air.find(hz);
      if (it == a.ear(e).air.end() || !it->second.tested()) {
        return make_errorf(
            "baseline_invalid",
            "the {} ear has no air-conduction threshold at {} Hz (a baseline needs 2000, 3000 and "
            "4000 Hz)",
            name, hz);
      }
      if (it->second.no_response()) {
        return make_errorf(
            "baseline_invalid",
            "the {} ear has no response at {} Hz, so no shift can be measured from it", name, hz);
      }
    }
  }
  return std::nullopt;
}

Result<StoredAudiometry> load_stored_audiometry(Database& db, std::int64_t exam_id) {
  auto e = get_exam(db, exam_id);
  if (!e) return e.error();
  if (e->kind != "audiometry") {
    return make_errorf("exam_not_audiometry", "exam {} is a {} exam, not an audiometry exam",
                       exam_id, e->kind);
  }
  auto results = list_results(db, exam_id);
  if (!results) return results.error();
  if (results->empty()) {
    return make_errorf("result_missing", "exam {} has no result", exam_id);
  }
  StoredAudiometry s;
  s.exam = *e;
  s.result_id = results->back().id;
  s.payload = json::parse(results->back().payload_json, nullptr, false);
  if (!s.payload.is_object() || !s.payload.contains("audiogram")) {
    return make_errorf("stored_invalid", "exam {}: the result has no audiogram", exam_id);
  }
  auto a = audiogram_from_stored(s.payload["audiogram"]);
  if (!a) {
    return make_errorf(a.error().code, "exam {}: {}", exam_id, a.error());
  }
  s.audiogram = std::move(*a);
  s.accepted = exam_accepted(s.payload, s.audiogram, s.not_accepted_because);
  return s;
}

Result<std::vector<StoredAudiometry>> worker_audiometry(Database& db, std::int64_t worker_id) {
  auto exams = list_exams(db, worker_id);
  if (!exams) return exams.error();
  std::vector<StoredAudiometry> out;
  for (const Exam& e : *exams) {
    if (e.kind != "audiometry") continue;
    auto s = load_stored_audiometry(db, e.id);
    if (!s) {
      // A result this station cannot read back (no audiogram) can be neither a baseline nor part
      // of a revision; it must not stop the worker's next exam from being stored.
      if (s.error().code == "stored_invalid" || s.error().code == "result_missing") continue;
      return s.error();
    }
    out.push_back(std::move(*s));
  }
  return out;
}

Result<BaselineAssessment> assess_against_baseline(Database& db, const StationConfig& cfg,
                                                   const Worker& worker,
                                                   const au::Audiogram& current,
                                                   const std::string& started_at, bool accepted,
                                                   const std::string& not_accepted_because) {
  BaselineAssessment out;
  std::string why_not = not_accepted_because;
  if (accepted) {
    if (auto u = baseline_unsuitable(current)) {
      accepted = false;
      why_not = u->message;
    }
  }
  auto age_now = completed_years(worker.birth_date, started_at);
  if (!age_now) return age_now.error();

  auto history = list_baselines(db, worker.id);
  if (!history) return history.error();
  auto stored = worker_audiometry(db, worker.id);
  if (!stored) return stored.error();
  auto find_stored = [&](std::int64_t exam_id) -> const StoredAudiometry* {
    for (const auto& s : *stored)
      if (s.exam.id == exam_id) return &s;
    return nullptr;
  };

  out.baseline = {{"accepted", accepted},
                  {"not_accepted_because", accepted ? json(nullptr) : json(why_not)},
                  {"age_at_test_years", *age_now},
                  {"established_by_this_exam", false},
                  {"right", nullptr},
                  {"left", nullptr}};
  out.sts = nullptr;
  out.revision = nullptr;

  if (history->empty()) {
    if (accepted) {
      out.baseline["established_by_this_exam"] = true;
      out.new_rows.push_back(NewBaseline{worker.id, 0, 0, "both", "initial",
                                         N_("first accepted audiometry exam of the worker")});
      out.summary_tr.push_back("Bu muayene çalışanın referans odyogramı oldu");
      out.summary_en.push_back("This exam became the worker's baseline audiogram");
    } else {
      out.summary_tr.push_back("Referans odyogram yok; bu muayene referans olamaz: " + why_not);
      out.summary_en.push_back("No baseline yet; this exam cannot be the baseline: " + why_not);
    }
    return out;
  }

  auto table = load_age_correction_table(cfg, cfg.age_correction_table);
  if (!table) return table.error();
  const au::Sex sex = worker.sex == "F" ? au::Sex::female : au::Sex::male;

  json sts = {{"age_correction_table", cfg.age_correction_table},
              {"age_at_test_years", *age_now},
              {"right", nullptr},
              {"left", nullptr}};
  bool any_computed = false;
  bool recordable = false;
  json revision = json::object();
  for (au::Ear e : {au::Ear::right, au::Ear::left}) {
    const std::string ear(au::to_string(e));
    const bool right = e == au::Ear::right;
    const char* ear_tr = right ? "Sağ" : "Sol";
    const char* ear_en = right ? "Right" : "Left";
    auto row = current_baseline(*history, ear);
    if (!row) continue;
    const StoredAudiometry* base = find_stored(row->exam_id);
    if (base == nullptr) {
      return make_errorf(
          "stored_invalid",
          "baseline version {} names exam {}, which is not an audiometry exam of the worker",
          row->version, row->exam_id);
    }
    auto base_age = completed_years(worker.birth_date, base->exam.started_at);
    if (!base_age) return base_age.error();
    out.baseline[ear] = row_json(*row, base, *base_age);

    json ear_sts = {{"baseline_version", row->version}, {"baseline_exam_id", row->exam_id}};
    if (before(started_at, 0, base->exam.started_at, base->exam.id)) {
      ear_sts["not_computed"] = "this test (" + started_at.substr(0, 10) +
                                ") is older than the baseline (" +
                                base->exam.started_at.substr(0, 10) + ")";
      sts[ear] = ear_sts;
      continue;
    }
    au::AgeContext age{&*table, sex, *base_age, *age_now};
    auto shift = au::threshold_shift(base->audiogram.ear(e).air, current.ear(e).air, &age);
    if (!shift) {
      ear_sts["not_computed"] = shift.error().message;
      sts[ear] = ear_sts;
      out.summary_tr.push_back(std::string(ear_tr) +
                               " kulak STS hesaplanamadı: " + shift.error().message);
      out.summary_en.push_back(std::string(ear_en) + " ear: no STS: " + shift.error().message);
      continue;
    }
    any_computed = true;
    recordable = recordable || shift->recordable();
    json sj = shift_json(*shift);
    sj.update(ear_sts);
    sts[ear] = sj;
    out.summary_tr.push_back(
        std::string(ear_tr) + " kulak, referans sürüm " + std::to_string(row->version) + " (" +
        base->exam.started_at.substr(0, 10) + ") karşısında 2/3/4 kHz ortalama kayma " +
        fmt1(shift->mean_shift_db) + " dB" + (shift->sts ? " (STS)" : "") +
        ", yaşa göre düzeltilmiş " + fmt1(*shift->mean_shift_corrected_db) + " dB" +
        (*shift->sts_corrected ? " (STS)" : ""));
    out.summary_en.push_back(
        std::string(ear_en) + " ear against baseline version " + std::to_string(row->version) +
        " (" + base->exam.started_at.substr(0, 10) + "): mean 2/3/4 kHz shift " +
        fmt1(shift->mean_shift_db) + " dB" + (shift->sts ? " (STS)" : "") + ", age-corrected " +
        fmt1(*shift->mean_shift_corrected_db) + " dB" + (*shift->sts_corrected ? " (STS)" : ""));

    // Revision: the accepted audiograms after this ear's baseline, then this one.
    if (!accepted) continue;
    std::vector<au::ThresholdCurve> later;
    std::vector<std::int64_t> later_exam, later_result;
    for (const auto& s : *stored) {
      if (!s.accepted) continue;
      if (!before(base->exam.started_at, base->exam.id, s.exam.started_at, s.exam.id)) continue;
      if (!before(s.exam.started_at, s.exam.id, started_at, 0)) continue;
      later.push_back(s.audiogram.ear(e).air);
      later_exam.push_back(s.exam.id);
      later_result.push_back(s.result_id);
    }
    later.push_back(current.ear(e).air);
    later_exam.push_back(0);
    later_result.push_back(0);
    auto p = au::propose_baseline_revision(base->audiogram.ear(e).air, later);
    if (!p) return p.error();
    json rj = {{"reason", std::string(au::to_string(p->reason))}, {"why", p->why}};
    if (p->reason != au::RevisionReason::none) {
      const auto i = static_cast<std::size_t>(p->new_baseline_index);
      rj["new_baseline_exam_id"] = later_exam[i] == 0 ? json("this exam") : json(later_exam[i]);
      rj["new_baseline_mean_2k3k4k_db"] = p->new_baseline_mean_db_hl;
      // A proposal only: OSHA 1910.95(g)(9) leaves the substitution to the judgment of the
      // reviewing physician or audiologist, so the station never moves the baseline by itself.
      rj["proposed"] = true;
      const std::string which =
          later_exam[i] == 0 ? std::string("this exam") : "exam " + std::to_string(later_exam[i]);
      out.summary_tr.push_back(std::string(ear_tr) + " kulak için referans yenilemesi önerilir (" +
                               std::string(au::to_string(p->reason)) + ", " + which +
                               "); hekim karar verir: odyospiro audio baseline set");
      out.summary_en.push_back(std::string(ear_en) + " ear: baseline revision proposed (" +
                               std::string(au::to_string(p->reason)) + ", " + which +
                               "); a physician decides with odyospiro audio baseline set");
    }
    revision[ear] = rj;
  }
  if (any_computed) {
    sts["recordable"] = recordable;
    out.summary_tr.push_back(std::string("Kaydedilecek vaka (OSHA 1904.10): ") +
                             (recordable ? "evet" : "hayır"));
    out.summary_en.push_back(std::string("Recordable hearing loss (OSHA 1904.10): ") +
                             (recordable ? "yes" : "no"));
  } else {
    sts["recordable"] = nullptr;
  }
  out.sts = sts;
  if (!revision.empty()) out.revision = revision;
  return out;
}

Result<std::int64_t> set_baseline_explicitly(Database& db, const Worker& worker,
                                             std::int64_t exam_id, const std::string& ear,
                                             const std::string& reason, const std::string& actor) {
  auto user = find_user(db, actor);
  if (!user) {
    return make_errorf(
        "not_allowed",
        "only a physician or an admin may set a baseline; user \"{}\" is not known to the "
        "station ({})",
        actor, user.error());
  }
  if (user->role != "physician" && user->role != "admin") {
    return make_errorf("not_allowed", "only a physician or an admin may set a baseline; {} is {}",
                       actor, user->role);
  }
  if (reason.empty()) {
    return make_error("baseline_invalid", "say why the baseline is changed (--reason)");
  }
  auto s = load_stored_audiometry(db, exam_id);
  if (!s) return s.error();
  if (s->exam.worker_id != worker.id) {
    return make_errorf("baseline_invalid", "exam {} belongs to another worker, not {}", exam_id,
                       worker.registry_no);
  }
  if (auto u = baseline_unsuitable(s->audiogram, ear)) {
    return make_errorf("baseline_invalid", "exam {} cannot be a baseline: {}", exam_id, *u);
  }
  return add_baseline(db, NewBaseline{worker.id, exam_id, s->result_id, ear, "manual", reason},
                      actor);
}

}  // namespace odyo::station
