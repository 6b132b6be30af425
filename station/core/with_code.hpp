#pragma once
// An error passed on under another code: its message (template and values) unchanged, so that it
// is still translated where it is shown. Use instead of make_error(code, e.message), which would
// lose the translation.

#include <string>
#include <utility>

#include "analysis/core/result.hpp"

namespace odyo::station {

inline Error with_code(Error e, std::string code) {
  e.code = std::move(code);
  return e;
}

}  // namespace odyo::station
