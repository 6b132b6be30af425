#include "station/exams/interruption.hpp"

#include "analysis/core/error_text.hpp"
#include "station/auth/login.hpp"
#include "station/records/exams.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"

namespace odyo::station {

using nlohmann::json;

namespace {
Result<json> newest_payload(Database& db, std::int64_t exam_id) {
  auto results = list_results(db, exam_id);
  if (!results) return results.error();
  if (results->empty()) return json();
  return json::parse(results->back().payload_json, nullptr, false);
}
}  // namespace

bool interrupted_unaccepted(const json& payload) {
  return payload.is_object() && payload.contains("interrupted") &&
         payload["interrupted"].is_object() && !payload["interrupted"].contains("accepted");
}

Result<json> exam_interruption(Database& db, std::int64_t exam_id) {
  auto p = newest_payload(db, exam_id);
  if (!p) return p.error();
  if (p->is_object() && p->contains("interrupted")) return (*p)["interrupted"];
  return json();
}

Result<std::int64_t> accept_interrupted(Database& db, std::int64_t exam_id,
                                        const std::string& reason, const std::string& actor) {
  auto user = find_user(db, actor);
  if (!user || user->role != "physician")
    return user ? make_errorf("not_allowed",
                              "only a physician may accept an interrupted session; {} is {}", actor,
                              role_name(user->role))
                : make_errorf("not_allowed",
                              "only a physician may accept an interrupted session; user \"{}\" is "
                              "not known to the station",
                              actor);
  if (reason.find_first_not_of(" \t") == std::string::npos)
    return make_error("reason_required",
                      "give --reason: why the interrupted session may be used (it is stored)");
  auto exam = get_exam(db, exam_id);
  if (!exam) return exam.error();
  auto payload = newest_payload(db, exam_id);
  if (!payload) return payload.error();
  if (!payload->is_object() || !payload->contains("interrupted"))
    return make_errorf("not_interrupted",
                       "exam #{} was not interrupted: there is nothing to accept", exam_id);
  if (!interrupted_unaccepted(*payload))
    return make_errorf("already_accepted", "exam #{} was already accepted by {}", exam_id,
                       (*payload)["interrupted"]["accepted"].value("by", std::string("?")));
  json next = *payload;
  next["interrupted"]["accepted"] = {{"by", actor}, {"at", utc_now_iso()}, {"reason", reason}};
  if (next.contains("summary") && next["summary"].is_object()) {
    if (next["summary"].contains("tr") && next["summary"]["tr"].is_array())
      next["summary"]["tr"].push_back("Yarıda kesilen oturum hekim " + actor +
                                      " tarafından kabul edildi: " + reason);
    if (next["summary"].contains("en") && next["summary"]["en"].is_array())
      next["summary"]["en"].push_back("Interrupted session accepted by physician " + actor + ": " +
                                      reason);
  }
  return add_result(db, exam_id, next.dump(), actor, "interrupted session accepted: " + reason);
}

}  // namespace odyo::station
