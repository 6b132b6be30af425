#pragma once
// The physician's list of suspected occupational disease and contraindications on the web
// (issue 17, item 3): the same use cases as `odyospiro report suspected` and `flag
// notify|refer|dismiss` (station/surveillance/suspected), each action audited there.
//   GET  /api/flags?establishment=&all=1        the flags (open ones unless all=1)
//   POST /api/flags/{id}/{action} {"reason"}    notify | refer | dismiss (a reason required)
// Thread-safety: the server's thread, like every route.
#include <vector>

#include "station/web/web_app.hpp"

namespace odyo::station::web {

std::vector<Route> flag_routes();

}  // namespace odyo::station::web
