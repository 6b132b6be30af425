#include "station/cli/context.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "station/cli/oplog.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

CliContext::CliContext() = default;
CliContext::~CliContext() = default;

Result<const StationConfig*> CliContext::config() {
  if (!config_) {
    auto c = load_config(resolve_config_path(opts.config_path));
    if (!c) return c.error();
    config_ = std::move(c.value());
  }
  return &*config_;
}

Result<Database*> CliContext::db() {
  if (!db_) {
    std::filesystem::path file = opts.db_path;
    if (file.empty()) {
      auto c = config();
      if (!c) return c.error();
      file = (*c)->database;
    }
    auto d = Database::open(file);
    if (!d) return d.error();
    db_ = std::move(d.value());
  }
  return db_.get();
}

bool CliContext::turkish() const {
  if (!opts.language.empty()) return opts.language == "tr";
  return !config_ || config_->language == "tr";
}

const char* CliContext::tr(const char* turkish_text, const char* english_text) const {
  return turkish() ? turkish_text : english_text;
}

std::ostream& CliContext::out() {
  return std::cout;
}
std::ostream& CliContext::err() {
  return std::cerr;
}

int CliContext::fail(const Error& e, int code) {
  oplog::error(e.code, e.message);
  if (opts.json) {
    std::cout << nlohmann::json{{"error", {{"code", e.code}, {"message", e.message}}}}.dump(2)
              << "\n";
  }
  std::cerr << "odyospiro: " << tr("hata", "error") << ": " << e.message << "\n";
  exit_code = code;
  return code;
}

}  // namespace odyo::station
