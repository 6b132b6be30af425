#include "station/core/oplog.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>
#include <syslog.h>

#include <memory>

namespace odyo::station::oplog {
namespace {

std::shared_ptr<spdlog::logger>& logger() {
  static std::shared_ptr<spdlog::logger> log;
  return log;
}

}  // namespace

void open() {
  if (logger()) return;
  auto sys = std::make_shared<spdlog::sinks::syslog_sink_mt>("odyospiro", LOG_PID, LOG_USER,
                                                             /*enable_formatting=*/false);
  logger() = std::make_shared<spdlog::logger>("odyospiro", sys);
  logger()->set_level(spdlog::level::info);
}

void verbose() {
  static bool on = false;
  if (on) return;
  on = true;
  open();
  auto err = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  err->set_pattern("odyospiro: [%Y-%m-%d %H:%M:%S.%e] [%l] %v");
  logger()->sinks().push_back(std::move(err));
}

void started(const std::string& command_line) {
  if (logger()) logger()->info("start: {}", command_line);
}

void finished(const std::string& user, int exit_code) {
  if (logger()) logger()->info("stop: user={} exit={}", user, exit_code);
}

void error(const std::string& code, const std::string& message) {
  if (logger()) logger()->error("error {}: {}", code, message);
}

void info(const std::string& message) {
  if (logger()) logger()->info("{}", message);
}

}  // namespace odyo::station::oplog
