#include "station/surveillance/corrective_actions.hpp"

#include <algorithm>

#include "analysis/core/text.hpp"
#include "station/auth/login.hpp"
#include "station/core/person_input.hpp"
#include "station/qc/indicators.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"
#include "station/surveillance/suspected.hpp"

namespace odyo::station::surveillance {
using nlohmann::json;

namespace {

constexpr const char* kColumns =
    "id, action_no, version, subject, description, owner, due_on, status, evidence, reason, "
    "created_at, created_by";

CorrectiveAction read_row(Statement& st) {
  CorrectiveAction a;
  a.row_id = st.int64(0);
  a.number = st.int64(1);
  a.version = static_cast<int>(st.int64(2));
  a.subject = st.text(3);
  a.description = st.text(4);
  a.owner = st.text(5);
  a.due_on = st.text(6);
  a.status = st.text(7);
  a.evidence = st.text(8);
  a.reason = st.text(9);
  a.created_at = st.text(10);
  a.created_by = st.text(11);
  return a;
}

// The proven user must be a physician or an admin; a refusal is audited (station/auth/login).
Result<void> require_manager(Database& db, const std::string& actor) {
  auto user = find_user(db, actor);
  if (!user) return user.error();
  return require_role(db, *user, {"physician", "admin"}, N_("manage corrective actions"));
}

Result<std::string> due_date(const std::string& typed, const std::string& today) {
  auto d = parse_date_iso(typed);
  if (!d) return make_errorf("action_invalid", "--due: {}", d.error());
  if (*d < today)
    return make_errorf("action_invalid", "--due {} lies in the past; give a day from {} on", *d,
                       today);
  return *d;
}

Result<void> check_text(const std::string& value, const char* what, std::size_t max,
                        bool required) {
  return text::check_free_text(value, what, {max, required});
}

// Appends one version and its audit row in one transaction.
Result<CorrectiveAction> append(Database& db, CorrectiveAction a, std::optional<std::int64_t> sup,
                                const std::string& audit_action, const std::string& actor) {
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  if (a.number == 0) {
    auto st = db.prepare("SELECT COALESCE(MAX(action_no), 0) + 1 FROM corrective_actions");
    if (!st) return st.error();
    auto r = st->step();
    if (!r) return r.error();
    a.number = st->int64(0);
  }
  a.created_at = utc_now_iso();
  a.created_by = actor;
  auto ins = db.prepare(
      "INSERT INTO corrective_actions(action_no, version, supersedes_id, subject, description, "
      "owner, due_on, status, evidence, reason, created_at, created_by) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, a.number).bind(2, a.version).bind(3, sup).bind(4, a.subject);
  ins->bind(5, a.description).bind(6, a.owner).bind(7, a.due_on).bind(8, a.status);
  ins->bind(9, a.evidence).bind(10, a.reason).bind(11, a.created_at).bind(12, a.created_by);
  if (auto r = ins->run(); !r) return r.error();
  a.row_id = db.last_insert_id();
  json details{{"action_no", a.number}, {"version", a.version}, {"subject", a.subject},
               {"status", a.status},    {"owner", a.owner},     {"due_on", a.due_on},
               {"reason", a.reason}};
  if (auto r =
          audit_append(db, {actor, audit_action, "corrective_actions", a.row_id, details.dump()});
      !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return a;
}

Result<CorrectiveAction> latest(Database& db, std::int64_t number) {
  auto h = corrective_action_history(db, number);
  if (!h) return h.error();
  return h->back();
}

}  // namespace

Result<CorrectiveAction> add_corrective_action(Database& db, const SuspectedRules& rules,
                                               const NewCorrectiveAction& n,
                                               const std::string& today, const std::string& actor,
                                               const qc::QcRules* qc_rules) {
  if (auto r = require_manager(db, actor); !r) return r.error();
  if (n.flag_id.empty() == n.finding_id.empty())
    return make_error("action_invalid",
                      "a corrective action is against one flag (--flag) or one QC finding "
                      "(--finding)");
  if (auto r = check_text(n.description, N_("--description"), text::kMaxReasonChars, true); !r)
    return r.error();
  if (auto r = check_text(n.owner, N_("--owner"), text::kMaxNameChars, true); !r) return r.error();
  auto due = due_date(n.due_on, today);
  if (!due) return due.error();
  CorrectiveAction a;
  if (!n.finding_id.empty()) {
    if (qc_rules == nullptr)
      return make_error("action_invalid", "the QC settings are needed to check a QC finding");
    auto f = qc::find_qc_finding(db, *qc_rules, n.finding_id);
    if (!f) return f.error();
    a.subject = "qc:" + f->id;
  } else {
    auto flag = find_flag(db, rules, n.flag_id);
    if (!flag) return flag.error();
    a.subject = "flag:" + flag->id;
  }
  a.version = 1;
  a.description = n.description;
  a.owner = n.owner;
  a.due_on = *due;
  a.status = "open";
  return append(db, a, std::nullopt, "corrective_action.add", actor);
}

Result<CorrectiveAction> update_corrective_action(Database& db, std::int64_t number,
                                                  const ActionChange& c, const std::string& today,
                                                  const std::string& actor) {
  if (auto r = require_manager(db, actor); !r) return r.error();
  if (auto r = check_text(c.reason, N_("--reason"), text::kMaxReasonChars, true); !r)
    return make_errorf("action_invalid", "every change needs its reason: {}", r.error());
  auto cur = latest(db, number);
  if (!cur) return cur.error();
  if (cur->status == "closed")
    return make_errorf("action_state",
                       "corrective action {} was closed by {} at {}; it is not changed again",
                       number, cur->created_by, cur->created_at);
  CorrectiveAction a = *cur;
  if (c.status) {
    if (*c.status != "open" && *c.status != "in_progress")
      return make_errorf("action_invalid",
                         "--status \"{}\": allowed: open, in_progress (close with odyospiro "
                         "action close and its evidence)",
                         *c.status);
    a.status = *c.status;
  }
  if (c.owner) {
    if (auto r = check_text(*c.owner, N_("--owner"), text::kMaxNameChars, true); !r)
      return r.error();
    a.owner = *c.owner;
  }
  if (c.description) {
    if (auto r = check_text(*c.description, N_("--description"), text::kMaxReasonChars, true); !r)
      return r.error();
    a.description = *c.description;
  }
  if (c.due_on) {
    auto due = due_date(*c.due_on, today);
    if (!due) return due.error();
    a.due_on = *due;
  }
  if (a.status == cur->status && a.owner == cur->owner && a.due_on == cur->due_on &&
      a.description == cur->description)
    return make_errorf("action_state", "the change leaves corrective action {} as it is", number);
  a.version = cur->version + 1;
  a.reason = c.reason;
  a.evidence.clear();
  return append(db, a, cur->row_id, "corrective_action.update", actor);
}

Result<CorrectiveAction> close_corrective_action(Database& db, std::int64_t number,
                                                 const std::string& evidence,
                                                 const std::string& reason,
                                                 const std::string& actor) {
  if (auto r = require_manager(db, actor); !r) return r.error();
  if (auto t = text::check_free_text(evidence, N_("--evidence"), {text::kMaxReasonChars, true}); !t)
    return make_errorf("action_invalid",
                       "a corrective action is closed only with the evidence of its effect: {}",
                       t.error());
  if (auto r = check_text(reason, N_("--reason"), text::kMaxReasonChars, false); !r)
    return r.error();
  auto cur = latest(db, number);
  if (!cur) return cur.error();
  if (cur->status == "closed")
    return make_errorf("action_state",
                       "corrective action {} was closed by {} at {}; it is not changed again",
                       number, cur->created_by, cur->created_at);
  CorrectiveAction a = *cur;
  a.version = cur->version + 1;
  a.status = "closed";
  a.evidence = evidence;
  a.reason = reason;
  return append(db, a, cur->row_id, "corrective_action.close", actor);
}

Result<std::vector<CorrectiveAction>> corrective_action_history(Database& db, std::int64_t number) {
  auto st = db.prepare(std::string("SELECT ") + kColumns +
                       " FROM corrective_actions WHERE action_no = ? ORDER BY version");
  if (!st) return st.error();
  st->bind(1, number);
  std::vector<CorrectiveAction> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_row(*st));
  }
  if (out.empty())
    return make_errorf("action_unknown",
                       "there is no corrective action {}; see odyospiro action list", number);
  return out;
}

Result<std::vector<CorrectiveAction>> list_corrective_actions(Database& db,
                                                              const std::string& status,
                                                              const std::string& subject) {
  if (!status.empty() && std::none_of(std::begin(kActionStatuses), std::end(kActionStatuses),
                                      [&](const char* s) { return status == s; }))
    return make_errorf("action_invalid", "--status \"{}\": allowed: open, in_progress, closed",
                       status);
  auto st = db.prepare(std::string("SELECT ") + kColumns +
                       " FROM corrective_actions c WHERE version = (SELECT MAX(version) FROM "
                       "corrective_actions WHERE action_no = c.action_no) AND (?1 = '' OR "
                       "status = ?1) AND (?2 = '' OR subject = ?2) ORDER BY action_no");
  if (!st) return st.error();
  st->bind(1, status).bind(2, subject);
  std::vector<CorrectiveAction> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_row(*st));
  }
  return out;
}

json corrective_action_json(const CorrectiveAction& a) {
  return {{"number", a.number},           {"version", a.version},   {"subject", a.subject},
          {"description", a.description}, {"owner", a.owner},       {"due_on", a.due_on},
          {"status", a.status},           {"evidence", a.evidence}, {"reason", a.reason},
          {"at", a.created_at},           {"by", a.created_by}};
}

}  // namespace odyo::station::surveillance
