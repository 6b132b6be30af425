#pragma once
// Stored exams → the station's charts (station/charts/charts.hpp): the one use case every front
// end calls (the command line's `exam chart` / `worker chart`, later the review pages and the PDF
// report). Spirometry curves are re-derived from the stored raw flow of every blow (recordings,
// codec f64le-flow-lps, with the sample rate and BTPS factor stored beside them) through the same
// analysis that computed the result; audiograms and baselines come from the stored result
// (station/audiometry/worker_baseline). Thread-safety: the Database's owning thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/charts/charts.hpp"
#include "station/records/workers.hpp"

namespace odyo::station {

class Database;

namespace charts {

enum class ExamChartKind { audiogram, flow_volume, volume_time };
enum class WorkerChartKind { lung, hearing };
// "audiogram" | "flow-volume" | "volume-time"; "lung" | "hearing".
Result<ExamChartKind> parse_exam_chart_kind(std::string_view s);
Result<WorkerChartKind> parse_worker_chart_kind(std::string_view s);

// Every blow of a stored spirometry exam with its curves, and the reported blow.
Result<SpirometryCurves> load_spirometry_curves(Database& db, std::int64_t exam_id);
// The worker's spirometry exams in test order: reported FEV1/FVC and their stored LLN.
Result<std::vector<LungHistoryPoint>> load_lung_history(Database& db, std::int64_t worker_id);
// The worker's audiometry exams, STS per ear, and every baseline version.
Result<HearingHistory> load_hearing_history(Database& db, std::int64_t worker_id);

// The SVG of one exam's chart (the kind must fit the exam: an audiogram for an audiometry exam,
// curves for a spirometry exam) and of a worker's history.
Result<std::string> exam_chart_svg(Database& db, std::int64_t exam_id, ExamChartKind kind,
                                   bool turkish);
Result<std::string> worker_chart_svg(Database& db, const Worker& worker, WorkerChartKind kind,
                                     bool turkish);

}  // namespace charts
}  // namespace odyo::station
