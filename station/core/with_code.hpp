#pragma once
// An error passed on under another code: its message (template and values) unchanged, so that it
// is still translated where it is shown. Use instead of make_error(code, e.message), which would
// lose the translation.

#include <string>
#include <string_view>
#include <utility>

#include "analysis/core/result.hpp"
#include "station/core/i18n.hpp"

namespace odyo::station {

inline Error with_code(Error e, std::string code) {
  e.code = std::move(code);
  return e;
}

}  // namespace odyo::station

namespace odyo::station {

// A stored word ("spirometry", "right", "auto", …) as a value of a message: translated where it
// is shown when the catalogue has it (mark the word with N_ where it is listed), else as it is.
inline Error word(std::string_view english) {
  return Error{{}, std::string(english), std::string(english)};
}

// The stored words the command line shows (exam kinds, ears, baseline and evaluation kinds).
inline constexpr const char* kShownWords[] = {
    N_("spirometry"), N_("audiometry"),       N_("right"),       N_("left"),   N_("both"),
    N_("initial"),    N_("persistent_shift"), N_("improvement"), N_("manual"), N_("auto"),
    N_("override"),   N_("confirm"),          N_("reevaluation")};

}  // namespace odyo::station
