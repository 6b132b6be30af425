#pragma once
// The export outbox (issue 16, docs/export.md): "exactly once" as at-least-once delivery to an
// idempotent receiver.
//
// - Queueing: signing a result writes one `outbox` row per configured [[export.destination]] in
//   the signing transaction (`outbox_on_sign`, passed to sign_exam_result), with the message
//   fixed then (payload and its deterministic id `<station_id>-E<exam>-V<version>`). No
//   destination configured: nothing is queued, and a destination added later gets only the
//   results signed after it.
// - Delivery: `send_outbox` hands the due rows of each destination to its sender
//   (DestinationSender; kind postgresql = station/export/central_pg.hpp). Each outcome is an
//   appended `outbox_attempts` row: delivered; retry (unreachable or a transient error) with the
//   next try after retry_initial_s · 2^(n-1), capped at retry_max_s; rejected (the receiver refused
//   the message: a person looks, fixes, and asks again with `export retry ID`, which appends a
//   `resend`). The receiver commits before the station records "delivered", so a kill between the
//   two resends a message the receiver already holds, and the receiver drops the copy.
// Thread-safety: the Database's owning thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/auth/signing.hpp"
#include "station/config/config.hpp"
#include "station/config/outbox_settings.hpp"

namespace odyo::station {

class Database;

// The hook for sign_exam_result: queues the signed result version of `exam_id` for every
// destination of `outbox` (none: nothing). A FHIR destination's Bundle carries the exam's PDF
// report (pdf_report.hpp) in `report_language` (the station's [station].language, so the
// same exam version gives the same Bundle whoever signs). An error (e.g. the result cannot be
// exported) refuses the signature: nothing of it is stored. `cfg` and `outbox` must outlive the
// hook.
InSignTransaction outbox_on_sign(const ExportConfig& cfg, const OutboxSettings& outbox,
                                 std::int64_t exam_id, std::string actor,
                                 std::string report_language);

enum class OutboxState { pending, delivered, rejected };
const char* outbox_state_name(OutboxState s);  // "pending" | "delivered" | "rejected"

struct OutboxEntry {
  std::int64_t id = 0;
  std::int64_t result_id = 0;
  std::int64_t exam_id = 0;
  int result_version = 0;
  std::string destination, kind, message_id, created_at;
  OutboxState state = OutboxState::pending;
  int attempts = 0;                    // deliveries tried (delivered, retry, rejected rows)
  int retries_since_send = 0;          // retry rows since the row was queued or resent
  std::string last_at;                 // time of the latest attempt row ("" none)
  std::string last_message;            // its message (the receiver's error for retry/rejected)
  std::optional<std::string> next_at;  // pending after a retry: not before this (UTC ISO)
};

// Every outbox row with its state, oldest first.
Result<std::vector<OutboxEntry>> outbox_entries(Database& db);

struct DestinationCounts {
  std::string id, kind;
  bool configured = false;  // false: rows queued for a destination no longer in station.toml
  int pending = 0, delivered = 0, rejected = 0;
};
struct OutboxStatus {
  std::vector<DestinationCounts> destinations;  // configured ones first, in config order
  std::vector<OutboxEntry> rejected;            // what a person must look at
  std::vector<OutboxEntry> pending;             // what is still to go, oldest first
};
Result<OutboxStatus> outbox_status(Database& db, const OutboxSettings* outbox);

// `export retry ID`: a rejected row becomes pending again (an appended `resend`, audited).
Result<OutboxEntry> outbox_retry(Database& db, std::int64_t outbox_id, const std::string& actor);

// One message as a sender gets it.
struct OutboxMessage {
  std::int64_t outbox_id = 0;
  std::string message_id;
  std::string payload;
  std::string payload_sha256;
};
struct Delivery {
  enum class Outcome { delivered, retry, rejected };
  Outcome outcome = Outcome::retry;
  std::string message;  // what the receiver said (verbatim) or why
};

// A destination's transport. open() connects and prepares the receiver (e.g. creates the central
// schema); an error means the destination cannot be reached now: every due message is retried
// later. deliver() returns one outcome per message, in order.
class DestinationSender {
 public:
  virtual ~DestinationSender() = default;
  virtual Result<void> open() = 0;
  virtual std::vector<Delivery> deliver(const std::vector<OutboxMessage>& batch) = 0;
};
// The sender for `d` (kind postgresql: the office's central database).
std::unique_ptr<DestinationSender> make_destination_sender(const ExportDestination& d);

// Where a send stands, for a progress line: this pass's messages handled of those due when it
// began, and the run's outcomes so far.
struct SendProgress {
  int pass = 0;
  std::size_t done = 0, total = 0;
  int delivered = 0, retried = 0, rejected = 0;
};

struct SendOptions {
  std::string actor;
  std::string only_destination;  // "" = every configured destination
  std::size_t batch_size = 200;  // messages per receiver transaction
  // Keep going until nothing is pending (waiting for the next retry time in between) or until
  // `timeout` has passed; false: one pass over what is due now.
  bool until_empty = false;
  std::chrono::milliseconds timeout{0};  // with until_empty; 0 = no limit
  // Called after each batch's outcomes are recorded (none: silent).
  std::function<void(const SendProgress&)> progress;
  // For tests: the sender of a destination (default make_destination_sender).
  std::function<std::unique_ptr<DestinationSender>(const ExportDestination&)> sender_factory;
};
struct SendReport {
  int delivered = 0, retried = 0, rejected = 0;
  int passes = 0;
  int still_pending = 0;  // after the last pass
  struct Unreachable {
    std::string destination;
    Error why;
  };
  std::vector<Unreachable> unreachable;  // one per destination and pass that could not be reached
};
Result<SendReport> send_outbox(Database& db, const OutboxSettings& outbox,
                               const SendOptions& options);

// The delay before retry number `n` (1-based): initial · 2^(n-1), at most max.
std::chrono::milliseconds retry_delay(const OutboxSettings& outbox, int n);

}  // namespace odyo::station
