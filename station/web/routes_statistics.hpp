#pragma once
// The statistics page's routes (issue 17, item 5), physician and admin: the same use case as
// `odyospiro report stats` (station/surveillance/statistics) over this station's database.
//   GET /api/statistics?year=|from=&to=&establishment=&work_group=  the report as JSON
//   GET /api/statistics.csv?…                                       the report as CSV (download)
//   GET /api/statistics/chart.svg?…                                 prevalences over the years
// Thread-safety: the server's thread, like every route.
#include <vector>

#include "station/web/web_app.hpp"

namespace odyo::station::web {

std::vector<Route> statistics_routes();

}  // namespace odyo::station::web
