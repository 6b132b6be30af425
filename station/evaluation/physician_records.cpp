#include "station/evaluation/physician_records.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "analysis/core/error_text.hpp"
#include "station/auth/login.hpp"
#include "station/core/with_code.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"

namespace odyo::station::evaluation {
namespace ev = odyo::evaluation;
using nlohmann::json;

namespace {

constexpr const char* kCols =
    "id, worker_id, kind, subject, version, supersedes_id, payload, reason, created_at, "
    "created_by";

PhysicianRecord read_row(const Statement& s) {
  PhysicianRecord r;
  r.id = s.int64(0);
  r.worker_id = s.int64(1);
  r.kind = s.text(2);
  r.subject = s.text(3);
  r.version = static_cast<int>(s.int64(4));
  r.supersedes_id = s.opt_int64(5);
  r.payload = json::parse(s.text(6), nullptr, false);
  r.reason = s.text(7);
  r.created_at = s.text(8);
  r.created_by = s.text(9);
  return r;
}

bool is_date(const json& v) {
  return v.is_string() && days_between(v.get<std::string>(), v.get<std::string>()).has_value();
}

Error bad(const Error& what) {
  return with_code(what, "record_invalid");
}

// Checks (and normalises) a payload for its kind.
Result<json> check_payload(const ev::RuleSet& rules, const std::string& kind,
                           const std::string& subject, const json& p) {
  if (!p.is_object()) return bad(make_error({}, "the record must be a JSON object"));
  auto allow = [&](std::initializer_list<const char*> keys) -> Result<void> {
    for (const auto& [k, v] : p.items()) {
      (void)v;
      if (std::none_of(keys.begin(), keys.end(), [&](const char* x) { return k == x; })) {
        std::string list;
        for (const char* x : keys) list += (list.empty() ? "" : ", ") + std::string(x);
        return bad(make_errorf({}, "{} record: unknown key '{}'; allowed: {}", kind, k, list));
      }
    }
    return {};
  };
  if (p.contains("note") && !p["note"].is_string())
    return bad(make_errorf({}, "{} record: note must be text", kind));
  if (kind == "system") {
    const auto names = system_names(rules);
    if (std::find(names.begin(), names.end(), subject) == names.end()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      return bad(make_errorf({}, "\"{}\" is not an Ek-2 system of the rule tables; use one of: {}",
                             subject, list));
    }
    if (auto a = allow({"column", "note"}); !a) return a.error();
    const json& c = p.value("column", json());
    if (!c.is_string() || (c != "none" && !ev::parse_column(c.get<std::string>())))
      return bad(
          make_error({}, "system record: column must be A, B, C, D or none (nothing found)"));
    return p;
  }
  if (kind == "special_exam") {
    const ev::Job* job = rules.job(subject);
    if (job == nullptr)
      return bad(make_errorf({}, "job \"{}\" is not in the job catalogue", subject));
    if (!job->special_exam)
      return bad(make_errorf({}, "job {} does not need a special examination (work-groups.toml)",
                             subject));
    if (auto a = allow({"result", "date", "note"}); !a) return a.error();
    const json& r = p.value("result", json());
    if (r != "fit" && r != "unfit")
      return bad(make_error({}, "special examination: result must be fit or unfit"));
    if (p.contains("date") && !is_date(p["date"]))
      return bad(make_error({}, "special examination: date must be YYYY-MM-DD"));
    return p;
  }
  if (kind == "restriction") {
    if (rules.restriction(subject) == nullptr) {
      std::string list;
      for (const auto& r : rules.restrictions) list += (list.empty() ? "" : ", ") + r.id;
      return bad(make_errorf({}, "\"{}\" is not a restriction of the rule tables; use one of: {}",
                             subject, list));
    }
    if (auto a = allow({"active", "note"}); !a) return a.error();
    if (!p.value("active", json()).is_boolean())
      return bad(
          make_error({}, "restriction record: active must be true (in force) or false (lifted)"));
    return p;
  }
  if (kind == "absence") {
    if (auto a = allow({"start", "end", "cause", "sgk_report", "sgk_report_no", "controlled_until",
                        "temporary_job", "note"});
        !a)
      return a.error();
    if (!is_date(p.value("start", json())) || !is_date(p.value("end", json())))
      return bad(make_error({}, "absence: start and end must be dates YYYY-MM-DD"));
    if (p["start"].get<std::string>() != subject)
      return bad(make_errorf({}, "absence: the record's subject is its start date ({})", subject));
    const auto d = days_between(p["start"].get<std::string>(), p["end"].get<std::string>());
    if (!d || *d < 0) return bad(make_error({}, "absence: end is before start"));
    const json& cause = p.value("cause", json("illness"));
    if (cause != "illness" && cause != "accident" && cause != "other")
      return bad(make_error({}, "absence: cause must be illness, accident or other"));
    if (!p.value("sgk_report", json(false)).is_boolean())
      return bad(make_error({}, "absence: sgk_report must be true or false"));
    if (p.contains("sgk_report_no") && !p["sgk_report_no"].is_string())
      return bad(make_error({}, "absence: sgk_report_no must be text"));
    if (p.contains("controlled_until") && !is_date(p["controlled_until"]))
      return bad(make_error({}, "absence: controlled_until must be a date YYYY-MM-DD"));
    if (p.contains("temporary_job")) {
      if (!p["temporary_job"].is_string() ||
          rules.job(p["temporary_job"].get<std::string>()) == nullptr)
        return bad(make_error({}, "absence: temporary_job must be a job code of the catalogue"));
      if (!p.contains("controlled_until"))
        return bad(make_error(
            {},
            "absence: a temporary job needs the end of the controlled period (controlled_until)"));
    }
    return p;
  }
  return bad(make_errorf(
      {}, "\"{}\" is not a record kind; use system, special_exam, restriction or absence", kind));
}

}  // namespace

std::optional<long> days_between(const std::string& from, const std::string& to) {
  auto parse = [](const std::string& s) -> std::optional<std::chrono::sys_days> {
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    int y = 0;
    unsigned m = 0, d = 0;
    try {
      y = std::stoi(s.substr(0, 4));
      m = static_cast<unsigned>(std::stoi(s.substr(5, 2)));
      d = static_cast<unsigned>(std::stoi(s.substr(8, 2)));
    } catch (...) {
      return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                          std::chrono::day{d}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days{ymd};
  };
  auto a = parse(from), b = parse(to);
  if (!a || !b) return std::nullopt;
  return static_cast<long>((*b - *a).count());
}

std::vector<std::string> system_names(const ev::RuleSet& rules) {
  std::vector<std::string> out;
  for (const auto& r : rules.ek2)
    for (const auto& in : r.inputs)
      if (in.rfind("systems.", 0) == 0) out.push_back(in.substr(8));
  return out;
}

Result<PhysicianRecord> add_physician_record(Database& db, const ev::RuleSet& rules,
                                             std::int64_t worker_id, const std::string& kind,
                                             const std::string& subject, const json& payload,
                                             const std::string& reason, const std::string& actor) {
  auto user = find_user(db, actor);
  if (!user)
    return make_errorf("not_allowed",
                       "only a physician may record findings; user \"{}\" is not known to the "
                       "station",
                       actor);
  if (user->role != "physician")
    return make_errorf("not_allowed", "only a physician may record findings; {} is {}", actor,
                       role_name(user->role));
  auto checked = check_payload(rules, kind, subject, payload);
  if (!checked) return checked.error();
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  PhysicianRecord r;
  r.worker_id = worker_id;
  r.kind = kind;
  r.subject = subject;
  r.payload = *checked;
  r.reason = reason;
  r.created_at = utc_now_iso();
  r.created_by = actor;
  {
    auto st = db.prepare(
        "SELECT id, version FROM physician_records WHERE worker_id = ? AND kind = ? AND subject = "
        "? ORDER BY version DESC LIMIT 1");
    if (!st) return st.error();
    st->bind(1, worker_id).bind(2, kind).bind(3, subject);
    auto s = st->step();
    if (!s) return s.error();
    r.version = 1;
    if (*s) {
      r.supersedes_id = st->int64(0);
      r.version = static_cast<int>(st->int64(1)) + 1;
      if (reason.empty())
        return make_error("record_reason",
                          "a correction of an earlier record needs a reason (--reason)");
    }
  }
  auto ins = db.prepare(
      "INSERT INTO physician_records(worker_id, kind, subject, version, supersedes_id, payload, "
      "reason, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, worker_id)
      .bind(2, kind)
      .bind(3, subject)
      .bind(4, r.version)
      .bind(5, r.supersedes_id)
      .bind(6, r.payload.dump())
      .bind(7, reason)
      .bind(8, r.created_at)
      .bind(9, actor);
  if (auto x = ins->run(); !x) return x.error();
  r.id = db.last_insert_id();
  auto a = audit_append(
      db, AuditEntry{actor, "record." + kind, "physician_records", r.id,
                     json{{"worker_id", worker_id},
                          {"subject", subject},
                          {"version", r.version},
                          {"supersedes", r.supersedes_id ? json(*r.supersedes_id) : json(nullptr)},
                          {"payload", r.payload},
                          {"reason", reason}}
                         .dump()});
  if (!a) return a.error();
  if (auto c = tx->commit(); !c) return c.error();
  return r;
}

Result<std::vector<PhysicianRecord>> physician_record_history(Database& db,
                                                              std::int64_t worker_id) {
  auto st = db.prepare(std::string("SELECT ") + kCols +
                       " FROM physician_records WHERE worker_id = ? ORDER BY id");
  if (!st) return st.error();
  st->bind(1, worker_id);
  std::vector<PhysicianRecord> out;
  for (;;) {
    auto s = st->step();
    if (!s) return s.error();
    if (!*s) break;
    out.push_back(read_row(*st));
  }
  return out;
}

Result<std::vector<PhysicianRecord>> current_physician_records(Database& db,
                                                               std::int64_t worker_id) {
  auto all = physician_record_history(db, worker_id);
  if (!all) return all.error();
  std::map<std::pair<std::string, std::string>, PhysicianRecord> latest;
  for (auto& r : *all) {
    auto key = std::make_pair(r.kind, r.subject);
    auto it = latest.find(key);
    if (it == latest.end() || it->second.version < r.version) latest[key] = std::move(r);
  }
  std::vector<PhysicianRecord> out;
  for (auto& [k, r] : latest) out.push_back(std::move(r));
  return out;
}

std::vector<PhysicianRecord> apply_physician_records(const std::vector<PhysicianRecord>& current,
                                                     const std::optional<std::string>& job_code,
                                                     const std::string& today,
                                                     ev::EvaluationInput& in) {
  std::vector<PhysicianRecord> used;
  const PhysicianRecord* absence = nullptr;
  for (const auto& r : current) {
    const json& p = r.payload;
    if (r.kind == "system") {
      in.values["systems." + r.subject] = p.value("column", std::string());
      if (!p.value("note", std::string()).empty())
        in.notes["systems." + r.subject] = p["note"].get<std::string>();
      used.push_back(r);
    } else if (r.kind == "special_exam") {
      if (!job_code || *job_code != r.subject) continue;
      in.values["special_exam.result"] = p.value("result", std::string());
      if (!p.value("note", std::string()).empty())
        in.notes["special_exam.result"] = p["note"].get<std::string>();
      used.push_back(r);
    } else if (r.kind == "restriction") {
      if (!p.value("active", false)) continue;
      in.values["restriction." + r.subject] = true;
      used.push_back(r);
    } else if (r.kind == "absence") {
      if (absence == nullptr || absence->subject < r.subject) absence = &r;
    }
  }
  if (absence != nullptr) {
    const json& p = absence->payload;
    const std::string start = p.value("start", std::string()), end = p.value("end", std::string());
    // Calendar days off, both ends counted (an absence from the 1st to the 21st is 21 days).
    if (auto d = days_between(start, end)) in.values["absence.days"] = static_cast<double>(*d + 1);
    if (auto ago = days_between(start, today))
      in.values["absence.started_days_ago"] = static_cast<double>(*ago);
    in.values["absence.start"] = start;
    in.values["absence.end"] = end;
    in.values["absence.sgk_report"] = p.value("sgk_report", false);
    for (const char* k : {"sgk_report_no", "controlled_until", "temporary_job"})
      if (p.contains(k) && p[k].is_string())
        in.values[std::string("absence.") + k] = p[k].get<std::string>();
    used.push_back(*absence);
  }
  return used;
}

json record_json(const PhysicianRecord& r) {
  return {{"id", r.id},
          {"kind", r.kind},
          {"subject", r.subject},
          {"version", r.version},
          {"supersedes", r.supersedes_id ? json(*r.supersedes_id) : json(nullptr)},
          {"payload", r.payload},
          {"reason", r.reason},
          {"created_at", r.created_at},
          {"created_by", r.created_by}};
}

}  // namespace odyo::station::evaluation
