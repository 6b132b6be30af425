#pragma once
// Corrective actions (issue 17, item 6; the İSG service guide: every nonconformity gets a
// review, a cause, an action, a record and a check of its effect): an action against a subject —
// today a suspected-disease flag ("flag:HL-12", station/surveillance/suspected), later a QC
// finding — with its description, owner, due date and status (open → in_progress → closed). A
// closed action carries the evidence that closes it. Table corrective_actions (migration v12),
// append-only: every change is a new version of the action (same number, version n+1,
// superseding n) with who, when and why, and an audit row. Use cases returning data: the command
// line (`odyospiro action …`) and later the web pages call them.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/qc/qc_rules.hpp"
#include "station/surveillance/suspected_rules.hpp"

namespace odyo::station {
class Database;
}

namespace odyo::station::surveillance {

// The statuses, in their order.
inline constexpr const char* kActionStatuses[] = {"open", "in_progress", "closed"};

struct CorrectiveAction {
  std::int64_t row_id = 0;  // corrective_actions row of this version
  std::int64_t number = 0;  // the action's number (the same over its versions)
  int version = 0;
  std::string subject;  // "flag:HL-12"
  std::string description, owner, due_on, status, evidence, reason;
  std::string created_at, created_by;
};

struct NewCorrectiveAction {
  std::string flag_id;  // the subject: a flag that exists (any state), or
  std::string description;
  std::string owner;   // the person responsible
  std::string due_on;  // YYYY-MM-DD or GG.AA.YYYY, not before today
  // … a QC finding the data raise now (station/qc/indicators,
  // "QC-2026-03-technician-ali-ab_share"): exactly one of flag_id and finding_id.
  std::string finding_id{};
};

// The fields a new version changes (the others are carried over); `reason` is required.
struct ActionChange {
  std::optional<std::string> status;  // open | in_progress (closing: close_corrective_action)
  std::optional<std::string> owner, due_on, description;
  std::string reason;
};

// Refused with nothing written (a refused role is audited as denied): a user who is neither a
// physician nor an admin ("auth_role"), an unknown flag ("flag_unknown") or QC finding
// ("qc_finding_unknown"; `qc_rules` null: "action_invalid"), a missing or bad
// description, owner, due date or reason ("action_invalid"), an unknown action number
// ("action_unknown"), any change to a closed action or a change that changes nothing
// ("action_state").
Result<CorrectiveAction> add_corrective_action(Database& db, const SuspectedRules& rules,
                                               const NewCorrectiveAction& a,
                                               const std::string& today, const std::string& actor,
                                               const qc::QcRules* qc_rules = nullptr);
Result<CorrectiveAction> update_corrective_action(Database& db, std::int64_t number,
                                                  const ActionChange& change,
                                                  const std::string& today,
                                                  const std::string& actor);
// Closes with the evidence of the effect (required); `reason` optional.
Result<CorrectiveAction> close_corrective_action(Database& db, std::int64_t number,
                                                 const std::string& evidence,
                                                 const std::string& reason,
                                                 const std::string& actor);

// Every version of action `number`, oldest first ("action_unknown" when there is none).
Result<std::vector<CorrectiveAction>> corrective_action_history(Database& db, std::int64_t number);
// The latest version of every action, by number; `status` filters ("" = every status);
// `subject` filters ("" = every subject).
Result<std::vector<CorrectiveAction>> list_corrective_actions(Database& db,
                                                              const std::string& status = "",
                                                              const std::string& subject = "");

nlohmann::json corrective_action_json(const CorrectiveAction& a);

}  // namespace odyo::station::surveillance
