#pragma once
// Reading what a person hands the station: every input file through one bounded reader
// (drivers/transport/file_input.hpp) and every JSON text through one strict parser that refuses
// duplicate keys (RFC 8259 §4 leaves them undefined; nlohmann::json would silently keep the last,
// so `{"right":{"1000":10,"1000":90}}` would store 90 without a word).
// Thread-safety: pure functions.

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/core/result.hpp"
#include "drivers/transport/file_input.hpp"

namespace odyo::station {

// The whole file, at most `max_bytes`. Errors "input_missing", "input_too_large" (naming the
// file and the limit), "input_read_failed".
Result<std::string> read_input_file(const std::filesystem::path& file,
                                    std::uint64_t max_bytes = drivers::kMaxInputFileBytes);

// Parses JSON text; `name` (a file name or "--findings") is named in every message.
// Errors: "json_invalid" (syntax, with the byte position), "json_duplicate_key" (the key and the
// object's path, e.g. `/right`: "1000" appears twice).
Result<nlohmann::json> parse_json_strict(std::string_view text, const std::string& name);

// A JSON whole number within lo…hi, or nullopt (not an integer, or out of range — checked before
// any conversion, so 99999999999 or 2^32+10 never wraps around into an int).
std::optional<int> json_int_in(const nlohmann::json& v, int lo, int hi);

// read_input_file + parse_json_strict.
Result<nlohmann::json> read_json_file(const std::filesystem::path& file);

}  // namespace odyo::station
