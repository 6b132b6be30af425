#pragma once
// Suspected occupational disease and occupational contraindications (issue 17, item 3): flags for
// the physician's list, each with its evidence (the numbers) and its criterion (from
// config/rules/suspected.toml, cited, provisional where the source gives no number).
//
// Flags are *computed on demand* from stored, signed records — never stored themselves:
//   HL-<exam>    noise-induced hearing loss: a signed audiometry exam whose stored STS (against the
//                baseline in force when it was stored, station/audiometry/worker_baseline),
//                recordable shift or noise notch is one of the criterion's triggers;
//   FEV-<exam>   accelerated FEV1 decline: a signed spirometry exam against the earlier signed ones
//                (annual loss over the limit; conditional change score where it applies);
//   OBS-<exam>   a new obstruction, RES-<exam> a new restriction pattern: the stored ATS/ERS 2022
//                pattern of a signed spirometry exam, not so at the previous signed exam;
//   EK2-<eval>   a worse Ek-2 column in the physician's decision in force (confirm or override) of
//                an evaluation chain (<eval> = the chain's first row) than in the previous one;
//   ILO-<film>   a chest film with ILO category ≥ the limit by reader A or B.
// The id names the kind and the record the flag rests on; records are append-only, so an id stays
// the same every time it is computed. What the physician does with a flag is stored: each action
// (notify, refer, dismiss with a reason) is a new flag_actions row (migration v11), audited; a
// flag's state is its latest action (open when none; a film recorded as referred is referred).
// Use cases returning data: the command line and the web pages render them.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/surveillance/suspected_rules.hpp"

namespace odyo::station {
class Database;
namespace i18n {
class Catalog;
}
}  // namespace odyo::station

namespace odyo::station::surveillance {

enum class FlagState { open, notified, referred, dismissed };
const char* flag_state_name(FlagState s);  // "open" | "notified" | "referred" | "dismissed"

// The kinds, as they appear in --json and in the ids' prefixes.
inline constexpr const char* kFlagKinds[] = {"noise_hearing_loss", "fev1_decline",
                                             "new_obstruction",    "new_restriction",
                                             "ek2_worse",          "chest_film_ilo"};

struct FlagAction {
  std::int64_t id = 0;  // flag_actions row; 0 for the referral recorded with a chest film
  std::string flag_id;
  std::string action;  // notify | refer | dismiss
  std::string reason, created_at, created_by;
};

struct Flag {
  std::string id;    // e.g. "HL-12"
  std::string kind;  // of kFlagKinds
  std::int64_t worker_id = 0;
  std::string registry_no, first_name, last_name, establishment;  // establishment: current job
  std::string date;    // YYYY-MM-DD of the finding (exam, film, evaluation)
  std::string source;  // "exam" | "evaluation" | "chest_film"
  std::int64_t source_id = 0;
  nlohmann::json evidence;           // the numbers
  std::vector<Error> evidence_text;  // the same, as sentences translated where shown
  Criterion criterion;               // from suspected.toml
  FlagState state = FlagState::open;
  std::vector<FlagAction> actions;  // oldest first
};

struct SuspectedQuery {
  std::string establishment;  // the worker's current establishment; empty = every one
  std::optional<std::int64_t> worker_id;
  bool open_only = true;  // only flags nobody has acted on yet
};

struct SuspectedReport {
  std::string rules_version;
  std::size_t workers_checked = 0;
  std::vector<Flag> flags;  // by establishment, registry number, date, id
};

// `progress(done, total)` (workers) is called now and then, when given.
Result<SuspectedReport> compute_suspected(
    Database& db, const SuspectedRules& rules, const SuspectedQuery& q,
    const std::function<void(std::size_t, std::size_t)>& progress = {});

// One flag by id, in whatever state (error "flag_unknown" when no record gives that flag).
Result<Flag> find_flag(Database& db, const SuspectedRules& rules, const std::string& flag_id);

// The physician acts on a flag: action "notify" | "refer" | "dismiss" (a reason is required to
// dismiss, optional otherwise). Refused, with nothing written: a user who is not a physician
// ("auth_role", audited), an unknown flag ("flag_unknown"), an unknown action, a dismissal without
// a reason, an action on a dismissed flag or one that repeats the flag's state ("flag_state").
// Stores a flag_actions row with the evidence as shown and an audit row in one transaction.
Result<Flag> act_on_flag(Database& db, const SuspectedRules& rules, const std::string& flag_id,
                         const std::string& action, const std::string& reason,
                         const std::string& actor);

// A flag as JSON (one shape for --json and the web API); the evidence sentences in `catalog`'s
// language.
nlohmann::json flag_json(const Flag& f, const i18n::Catalog& catalog);

}  // namespace odyo::station::surveillance
