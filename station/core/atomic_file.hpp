#pragma once
// A file written beside its target and renamed into place: a failed or interrupted write leaves
// the old file (or none), never a half-written one. Thread-safety: none needed (no state).
#include <filesystem>
#include <string_view>

#include "analysis/core/result.hpp"

namespace odyo::station {

// `content` into `path` through `path`.tmp; the error names the path and says what to check.
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Renames the finished `tmp` onto `path`; on failure `tmp` is removed and the error names `path`.
Result<void> rename_into_place(const std::filesystem::path& tmp, const std::filesystem::path& path);

}  // namespace odyo::station
