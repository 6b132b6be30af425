#pragma once
// The web routes of the daily device checks and the quality-control report (issue 15 item 4,
// issue 17 item 4): the device status page and the daily checks page call the same use cases as
// `checks status`, `spiro syringe-check --measured-l`, `audio listening-check` and `report qc`
// (station/app/daily_checks, station/qc). WebApp's constructor appends them to its routes.
// Thread-safety: the server's thread, like WebApp.
#include <vector>

#include "station/web/web_app.hpp"

namespace odyo::station::web {

std::vector<Route> qc_routes();

}  // namespace odyo::station::web
