#pragma once
// The drivers room's own small error type (drivers may not include analysis/). Codes are stable
// and machine-readable; messages say what was wrong and what to do. Thread-safety: plain values.

#include <string>
#include <utility>

namespace odyo::drivers {

struct IoError {
  std::string code;     // e.g. "port_busy", "unplugged", "open_failed"
  std::string message;  // for the technician: what happened and what to do
};

// Success, or an IoError.
class [[nodiscard]] IoStatus {
 public:
  IoStatus() = default;
  IoStatus(IoError e) : err_(std::move(e)), failed_(true) {}  // NOLINT(google-explicit-constructor)
  [[nodiscard]] bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] const IoError& error() const noexcept { return err_; }

 private:
  IoError err_{};
  bool failed_ = false;
};

}  // namespace odyo::drivers
