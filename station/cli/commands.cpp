// The one list of odyospiro's command groups. Each group lives in its own file in station/cli/.
#include <CLI/CLI.hpp>

#include "station/cli/context.hpp"

namespace odyo::station {

void register_worker_commands(CLI::App& app, CliContext& ctx);
void register_exam_commands(CLI::App& app, CliContext& ctx);
void register_user_commands(CLI::App& app, CliContext& ctx);
void register_db_commands(CLI::App& app, CliContext& ctx);
void register_demo_command(CLI::App& app, CliContext& ctx);
void register_spiro_commands(CLI::App& app, CliContext& ctx);
void register_audio_commands(CLI::App& app, CliContext& ctx);
void register_pcaudio_commands(CLI::App& app, CliContext& ctx);
void register_ambient_commands(CLI::App& app, CliContext& ctx);
void register_evaluate_commands(CLI::App& app, CliContext& ctx);
void register_devices_commands(CLI::App& app, CliContext& ctx);
void register_record_commands(CLI::App& app, CliContext& ctx);
void register_chart_commands(CLI::App& app, CliContext& ctx);
void register_serve_command(CLI::App& app, CliContext& ctx);
void register_export_commands(CLI::App& app, CliContext& ctx);
void register_report_commands(CLI::App& app, CliContext& ctx);
void register_film_commands(CLI::App& app, CliContext& ctx);
void register_flag_commands(CLI::App& app, CliContext& ctx);
void register_action_commands(CLI::App& app, CliContext& ctx);
void register_stats_commands(CLI::App& app, CliContext& ctx);
void register_qc_commands(CLI::App& app, CliContext& ctx);
// (new groups: declare here and call below — one line each)

void register_all_commands(CLI::App& app, CliContext& ctx) {
  register_worker_commands(app, ctx);
  register_exam_commands(app, ctx);
  register_user_commands(app, ctx);
  register_db_commands(app, ctx);
  register_demo_command(app, ctx);
  register_evaluate_commands(app, ctx);
  register_spiro_commands(app, ctx);
  register_audio_commands(app, ctx);
  register_pcaudio_commands(app, ctx);  // after the `audio` group, which it extends
  register_ambient_commands(app, ctx);  // likewise
  register_devices_commands(app, ctx);
  register_record_commands(app, ctx);
  register_chart_commands(app, ctx);  // after `exam` and `worker`, which it extends
  register_serve_command(app, ctx);
  register_export_commands(app, ctx);
  register_report_commands(app, ctx);
  register_film_commands(app, ctx);
  register_flag_commands(app, ctx);  // after `report`, which it extends
  register_action_commands(app, ctx);
  register_stats_commands(app, ctx);  // after `report`, which it extends
  register_qc_commands(app, ctx);     // after `spiro` and `report`, which it extends
}

}  // namespace odyo::station
