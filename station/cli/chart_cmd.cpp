// odyospiro exam chart | worker chart — the station's pictures as SVG files (station/charts).
// Added to the `exam` and `worker` groups, which are registered before it (commands.cpp).
// The command only parses, calls station/charts/chart_data and writes the file.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "station/charts/chart_data.hpp"
#include "station/cli/context.hpp"
#include "station/core/atomic_file.hpp"
#include "station/records/workers.hpp"

namespace odyo::station {

namespace {

void report_written(CliContext& ctx, const std::string& path, const std::string& kind,
                    std::size_t bytes) {
  if (ctx.json()) {
    ctx.out() << nlohmann::json{{"output", path}, {"kind", kind}, {"bytes", bytes}}.dump(2) << "\n";
  } else {
    ctx.out() << ctx.trf("Written: {}", path) << "\n";
  }
}

struct ChartOptions {
  std::int64_t exam_id = 0;
  std::string registry;
  std::string kind;
  std::string output;
};

}  // namespace

void register_chart_commands(CLI::App& app, CliContext& ctx) {
  auto* exam = app.get_subcommand("exam");
  auto eo = std::make_shared<ChartOptions>();
  auto* ec = exam->add_subcommand(
      "chart",
      "Draw an exam as SVG: audiogram (ASHA 1990 axes and symbols), flow-volume (ATS/ERS 2019 "
      "2:1 scale) or volume-time (>= 15 s), every blow overlaid, the reported one marked");
  ec->add_option("id", eo->exam_id, "Exam id")->required();
  ec->add_option("--kind", eo->kind, "audiogram | flow-volume | volume-time")->required();
  ec->add_option("--output", eo->output, "SVG file to write")->required();
  ec->callback([&ctx, eo] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto kind = charts::parse_exam_chart_kind(eo->kind);
    if (!kind) return (void)ctx.fail(kind.error());
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto svg = charts::exam_chart_svg(**db, eo->exam_id, *kind, ctx.turkish());
    if (!svg) return (void)ctx.fail(svg.error());
    if (auto w = write_file_atomically(eo->output, *svg); !w) return (void)ctx.fail(w.error());
    report_written(ctx, eo->output, eo->kind, svg->size());
  });

  auto* worker = app.get_subcommand("worker");
  auto wo = std::make_shared<ChartOptions>();
  auto* wc = worker->add_subcommand(
      "chart",
      "Draw a worker's history as SVG: lung (FEV1 and FVC over the years against the LLN) or "
      "hearing (thresholds per frequency, the baseline in force, STS marks)");
  wc->add_option("registry", wo->registry, "Registry number")->required();
  wc->add_option("--kind", wo->kind, "lung | hearing")->required();
  wc->add_option("--output", wo->output, "SVG file to write")->required();
  wc->callback([&ctx, wo] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto kind = charts::parse_worker_chart_kind(wo->kind);
    if (!kind) return (void)ctx.fail(kind.error());
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto w = find_worker(**db, wo->registry);
    if (!w) return (void)ctx.fail(w.error());
    auto svg = charts::worker_chart_svg(**db, *w, *kind, ctx.turkish());
    if (!svg) return (void)ctx.fail(svg.error());
    if (auto r = write_file_atomically(wo->output, *svg); !r) return (void)ctx.fail(r.error());
    report_written(ctx, wo->output, wo->kind, svg->size());
  });
}

}  // namespace odyo::station
