#pragma once
// Reading the files people give the station (flow CSVs, job lists, audiogram tables): one
// function reads the bytes, one decodes them to UTF-8, one reads a table through the one CSV
// reader (analysis/core/csv.hpp).
// Encodings: UTF-8 (with or without a BOM) and Windows-1254 (Turkish Excel's "CSV"), decoded
// through glibc's iconv; automatic: a BOM means UTF-8, valid UTF-8 is UTF-8, anything else is
// Windows-1254. UTF-16 files (Excel's "Unicode text") are refused with what to do. A byte
// Windows-1254 does not define is refused with its line and column — never skipped.
// Thread-safety: plain functions.

#include <filesystem>
#include <string>
#include <string_view>

#include "analysis/core/csv.hpp"
#include "analysis/core/result.hpp"

namespace odyo::station {

enum class TextEncoding { automatic, utf8, windows1254 };

// "auto", "utf-8", "windows-1254" (also "cp1254"); else an error listing them.
Result<TextEncoding> parse_text_encoding(std::string_view name);

// The whole file's bytes, through the one bounded reader (station/core/input.hpp, 64 MiB).
// `what` says what the file is for the message ("the flow file").
Result<std::string> read_file_bytes(const std::filesystem::path& file, std::string_view what);

// Bytes → UTF-8 text (BOM removed). `name` is the file, for messages.
Result<std::string> decode_text(std::string_view bytes, const std::string& name,
                                TextEncoding encoding = TextEncoding::automatic);

struct TableFileOptions {
  csv::Options csv;
  TextEncoding encoding = TextEncoding::automatic;
};

// read_file_bytes + decode_text + csv::parse: the one way a table file is read.
Result<csv::Table> read_table_file(const std::filesystem::path& file, std::string_view what,
                                   const TableFileOptions& options = {});

}  // namespace odyo::station
