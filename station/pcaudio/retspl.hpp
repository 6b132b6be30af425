#pragma once
// RETSPL table (config/audiometry/retspl.csv): the coupler SPL of 0 dB HL per transducer, coupler
// and frequency. A value is valid only with its coupler, so lookups take both. Loaded once;
// immutable afterwards (safe to read from any thread).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station::pcaudio {

struct RetsplRow {
  std::string transducer;
  std::string coupler;
  int frequency_hz = 0;
  double retspl_db = 0.0;
  std::string source;  // space-separated URLs
};

class RetsplTable {
 public:
  // Parses `transducer,coupler_or_simulator,hz,retspl_db,source`. Errors name the file and line.
  static Result<RetsplTable> load(const std::filesystem::path& file);
  static Result<RetsplTable> parse(const std::string& text, const std::string& name);

  [[nodiscard]] bool has_transducer(const std::string& transducer,
                                    const std::string& coupler) const;
  [[nodiscard]] std::optional<double> lookup(const std::string& transducer,
                                             const std::string& coupler, int frequency_hz) const;
  [[nodiscard]] const std::vector<RetsplRow>& rows() const { return rows_; }
  [[nodiscard]] const std::filesystem::path& file() const { return file_; }

 private:
  std::vector<RetsplRow> rows_;
  std::filesystem::path file_;
};

}  // namespace odyo::station::pcaudio
