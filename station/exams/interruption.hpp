#pragma once
// Interrupted sessions: a spirometry session ended by an unplugged device that did not come back,
// Ctrl-C, a time limit or a station that was killed is stored with payload "interrupted"
// {reason, detail}. Such an exam is never used by an evaluation until a physician accepts it
// with a reason: the acceptance is a new result version (payload "interrupted.accepted" {by, at,
// reason}), audited like every version; nothing is edited in place.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "analysis/core/result.hpp"

namespace odyo::station {

class Database;

// The newest result's "interrupted" object, or null when the exam was not interrupted.
Result<nlohmann::json> exam_interruption(Database& db, std::int64_t exam_id);

// True when `payload` (a result payload) is interrupted and not accepted.
bool interrupted_unaccepted(const nlohmann::json& payload);

// Physician only; `reason` required. Errors: not_allowed, reason_required, exam_unknown,
// not_interrupted, already_accepted. Returns the new result version's id.
Result<std::int64_t> accept_interrupted(Database& db, std::int64_t exam_id,
                                        const std::string& reason, const std::string& actor);

}  // namespace odyo::station
