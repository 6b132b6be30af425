#include "station/charts/chart_data.hpp"

#include <Eigen/Core>
#include <cstring>
#include <nlohmann/json.hpp>

#include "analysis/core/error_text.hpp"
#include "analysis/spirometry/indices.hpp"
#include "station/audiometry/worker_baseline.hpp"
#include "station/core/json_values.hpp"
#include "station/records/audiometric_baselines.hpp"
#include "station/records/exams.hpp"
#include "station/storage/database.hpp"

namespace odyo::station::charts {

using nlohmann::json;
namespace sp = spirometry;

namespace {

std::optional<double> num_at(const json& j, std::initializer_list<const char*> path) {
  return number_at(j, path);
}

Result<json> latest_payload(Database& db, std::int64_t exam_id) {
  auto results = list_results(db, exam_id);
  if (!results) return results.error();
  if (results->empty()) {
    return make_errorf("result_missing", "exam {} has no result", exam_id);
  }
  auto p = json::parse(results->back().payload_json, nullptr, false);
  if (!p.is_object()) {
    return make_errorf("stored_invalid", "exam {}: the stored result is not readable", exam_id);
  }
  return p;
}

std::string subtitle(Database& db, const Exam& e) {
  auto w = find_worker(db, "#" + std::to_string(e.worker_id));
  std::string s = w ? w->registry_no + " " + w->first_name + " " + w->last_name + " — " : "";
  return s + e.started_at.substr(0, 10) + " — #" + std::to_string(e.id);
}

}  // namespace

Result<ExamChartKind> parse_exam_chart_kind(std::string_view s) {
  if (s == "audiogram") return ExamChartKind::audiogram;
  if (s == "flow-volume") return ExamChartKind::flow_volume;
  if (s == "volume-time") return ExamChartKind::volume_time;
  return make_errorf("bad_chart_kind",
                     "unknown chart kind '{}': use audiogram, flow-volume or volume-time", s);
}

Result<WorkerChartKind> parse_worker_chart_kind(std::string_view s) {
  if (s == "lung") return WorkerChartKind::lung;
  if (s == "hearing") return WorkerChartKind::hearing;
  return make_errorf("bad_chart_kind", "unknown chart kind '{}': use lung or hearing", s);
}

Result<SpirometryCurves> load_spirometry_curves(Database& db, std::int64_t exam_id) {
  auto e = get_exam(db, exam_id);
  if (!e) return e.error();
  if (e->kind != "spirometry") {
    return make_errorf("exam_not_spirometry", "exam {} is a {} exam: it has no spirometry curves",
                       exam_id, e->kind);
  }
  auto payload = latest_payload(db, exam_id);
  if (!payload) return payload.error();
  auto recs = list_recordings(db, exam_id);
  if (!recs) return recs.error();

  SpirometryCurves out;
  if (auto best = num_at(*payload, {"session", "best_manoeuvre"})) {
    out.reported_number = static_cast<int>(*best);
  }
  const json& ms = (*payload).contains("manoeuvres") ? (*payload)["manoeuvres"] : json::array();
  for (const auto& r : *recs) {
    if (r.codec != "f64le-flow-lps" || !r.sample_rate_hz) continue;
    auto bytes = recording_bytes(db, r.id);
    if (!bytes) return bytes.error();
    if (bytes->size() % sizeof(double) != 0) {
      return make_errorf("stored_invalid",
                         "exam {}, recording {}: the flow samples are not whole doubles", exam_id,
                         r.seq);
    }
    std::vector<double> flow(bytes->size() / sizeof(double));
    std::memcpy(flow.data(), bytes->data(), bytes->size());  // stored little-endian (x86-64)
    sp::SignalSpec spec;
    spec.sample_rate_hz = *r.sample_rate_hz;
    spec.btps_factor = r.btps_factor.value_or(1.0);
    spec.min_sample_rate_hz = std::min(sp::kMinSampleRate_hz, *r.sample_rate_hz);
    auto m = sp::analyse_manoeuvre(
        Eigen::Map<const Eigen::VectorXd>(flow.data(), static_cast<Eigen::Index>(flow.size())),
        spec, true);
    if (!m) continue;  // a blow the analysis could not read was not part of the result either
    BlowCurve b;
    b.number = r.seq;
    b.time_s = std::move(m->curves.time_s);
    b.volume_l = std::move(m->curves.volume_l);
    b.flow_lps = std::move(m->curves.flow_lps);
    b.fvc_l = m->fvc_l;
    b.fev1_l = m->fev1_l;
    b.pef_lps = m->pef_lps;
    const auto idx = static_cast<std::size_t>(r.seq - 1);
    if (ms.is_array() && idx < ms.size() && ms[idx].is_object()) {
      b.acceptable_fev1 = ms[idx].value("acceptable_fev1", false);
      b.acceptable_fvc = ms[idx].value("acceptable_fvc", false);
    }
    out.blows.push_back(std::move(b));
  }
  if (out.blows.empty()) {
    return make_errorf("no_curves",
                       "exam {} has no stored flow recording to draw (device-computed values only "
                       "carry the numbers)",
                       exam_id);
  }
  return out;
}

Result<std::vector<LungHistoryPoint>> load_lung_history(Database& db, std::int64_t worker_id) {
  auto exams = list_exams(db, worker_id);
  if (!exams) return exams.error();
  std::vector<LungHistoryPoint> out;
  for (const auto& e : *exams) {
    if (e.kind != "spirometry") continue;
    auto p = latest_payload(db, e.id);
    if (!p) continue;  // no readable result: nothing to draw for it
    LungHistoryPoint pt;
    pt.date = e.started_at.substr(0, 10);
    pt.exam_id = e.id;
    pt.fev1_l = num_at(*p, {"session", "fev1_l"});
    pt.fvc_l = num_at(*p, {"session", "fvc_l"});
    pt.fev1_lln_l = num_at(*p, {"reference", "params", "FEV1", "lln"});
    pt.fvc_lln_l = num_at(*p, {"reference", "params", "FVC", "lln"});
    pt.fev1_z = num_at(*p, {"reference", "params", "FEV1", "z"});
    pt.fvc_z = num_at(*p, {"reference", "params", "FVC", "z"});
    if ((*p).contains("reference") && (*p)["reference"].is_object())
      pt.equation = (*p)["reference"].value("equation", std::string());
    if (!pt.fev1_l && !pt.fvc_l) continue;
    out.push_back(std::move(pt));
  }
  return out;
}

Result<HearingHistory> load_hearing_history(Database& db, std::int64_t worker_id) {
  auto stored = worker_audiometry(db, worker_id);
  if (!stored) return stored.error();
  auto baselines = list_baselines(db, worker_id);
  if (!baselines) return baselines.error();
  HearingHistory h;
  for (auto& s : *stored) {
    HearingHistoryExam e;
    e.date = s.exam.started_at.substr(0, 10);
    e.exam_id = s.exam.id;
    e.audiogram = std::move(s.audiogram);
    const json& sts = s.payload.contains("sts") ? s.payload["sts"] : json();
    auto sts_of = [&](const char* ear) {
      return sts.is_object() && sts.contains(ear) && sts[ear].is_object() &&
             sts[ear].value("sts", false);
    };
    e.sts_right = sts_of("right");
    e.sts_left = sts_of("left");
    h.exams.push_back(std::move(e));
  }
  for (const auto& b : *baselines) {
    h.baselines.push_back({b.ear, b.version, b.exam_id, b.set_at, b.kind});
  }
  return h;
}

Result<std::string> exam_chart_svg(Database& db, std::int64_t exam_id, ExamChartKind kind,
                                   bool turkish) {
  auto e = get_exam(db, exam_id);
  if (!e) return e.error();
  ChartText text{turkish, subtitle(db, *e)};
  if (kind == ExamChartKind::audiogram) {
    if (e->kind != "audiometry") {
      return make_errorf("chart_kind_mismatch",
                         "exam {} is a {} exam: use --kind flow-volume or volume-time for it",
                         exam_id, e->kind);
    }
    auto s = load_stored_audiometry(db, exam_id);
    if (!s) return s.error();
    return audiogram_svg(s->audiogram, text);
  }
  if (e->kind != "spirometry") {
    return make_errorf("chart_kind_mismatch", "exam {} is a {} exam: use --kind audiogram for it",
                       exam_id, e->kind);
  }
  auto c = load_spirometry_curves(db, exam_id);
  if (!c) return c.error();
  return kind == ExamChartKind::flow_volume ? flow_volume_svg(*c, text) : volume_time_svg(*c, text);
}

Result<std::string> worker_chart_svg(Database& db, const Worker& worker, WorkerChartKind kind,
                                     bool turkish) {
  ChartText text{turkish, worker.registry_no + " " + worker.first_name + " " + worker.last_name};
  if (kind == WorkerChartKind::lung) {
    auto pts = load_lung_history(db, worker.id);
    if (!pts) return pts.error();
    return lung_history_svg(*pts, text);
  }
  auto h = load_hearing_history(db, worker.id);
  if (!h) return h.error();
  return hearing_history_svg(*h, text);
}

}  // namespace odyo::station::charts
