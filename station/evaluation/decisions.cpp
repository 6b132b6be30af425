#include "station/evaluation/decisions.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "analysis/core/error_text.hpp"
#include "station/auth/login.hpp"
#include "station/evaluation/json_io.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"

#include "analysis/core/text.hpp"
#include "station/core/with_code.hpp"

namespace odyo::station::evaluation {
namespace ev = odyo::evaluation;
using nlohmann::json;

namespace {

constexpr const char* kCols =
    "id, exam_id, worker_id, version, supersedes_id, kind, rules_version, rules_hash, purpose, "
    "health_group, "
    "ek2_column, result_json, reason, created_at, created_by";

StoredEvaluation read_row(const Statement& s) {
  StoredEvaluation r;
  r.id = s.int64(0);
  r.exam_id = s.opt_int64(1);
  r.worker_id = s.int64(2);
  r.version = static_cast<int>(s.int64(3));
  r.supersedes_id = s.opt_int64(4);
  r.kind = s.text(5);
  r.rules_version = s.text(6);
  r.rules_hash = s.text(7);
  r.purpose = s.text(8);
  r.health_group = s.opt_text(9);
  r.ek2_column = s.opt_text(10);
  r.result_json = s.text(11);
  r.reason = s.text(12);
  r.created_at = s.text(13);
  r.created_by = s.text(14);
  return r;
}

Result<std::int64_t> insert_row(Database& db, const StoredEvaluation& r) {
  if (auto t = text::check_free_text(r.reason, "the reason", {text::kMaxReasonChars, false}); !t)
    return with_code(t.error(), "reason_invalid");
  auto st = db.prepare(
      "INSERT INTO evaluations(exam_id, worker_id, version, supersedes_id, kind, rules_version, "
      "rules_hash, purpose, "
      "health_group, ek2_column, result_json, reason, created_at, created_by) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return st.error();
  st->bind(1, r.exam_id)
      .bind(2, r.worker_id)
      .bind(3, r.version)
      .bind(4, r.supersedes_id)
      .bind(5, r.kind)
      .bind(6, r.rules_version)
      .bind(7, r.rules_hash)
      .bind(8, r.purpose)
      .bind(9, r.health_group)
      .bind(10, r.ek2_column)
      .bind(11, r.result_json)
      .bind(12, r.reason)
      .bind(13, r.created_at)
      .bind(14, r.created_by);
  if (auto x = st->run(); !x) return x.error();
  return db.last_insert_id();
}

Result<void> audit(Database& db, const std::string& actor, const std::string& action,
                   std::optional<std::int64_t> id, const json& details) {
  auto r = audit_append(db, AuditEntry{actor, action, "evaluations", id, details.dump()});
  if (!r) return r.error();
  return {};
}

Result<void> require_physician(Database& db, const std::string& actor, const char* what) {
  auto user = find_user(db, actor);
  if (!user)
    return make_errorf("not_allowed",
                       "only a physician may {}; user \"{}\" is not known to the station ({})",
                       task_name(what), actor, user.error());
  if (user->role != "physician")
    return make_errorf("not_allowed", "only a physician may {}; {} is {}", task_name(what), actor,
                       role_name(user->role));
  return {};
}

std::optional<std::string> col_text(const std::optional<ev::Column>& c) {
  if (!c) return std::nullopt;
  return std::string(ev::column_name(*c));
}

// The newer row that supersedes `id`, if any.
Result<std::optional<std::int64_t>> successor(Database& db, std::int64_t id) {
  auto st = db.prepare("SELECT id FROM evaluations WHERE supersedes_id = ? ORDER BY id LIMIT 1");
  if (!st) return st.error();
  st->bind(1, id);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{st->int64(0)};
}

Result<StoredEvaluation> latest_for_decision(Database& db, std::int64_t id) {
  auto row = get_evaluation(db, id);
  if (!row) return row.error();
  auto next = successor(db, id);
  if (!next) return next.error();
  if (*next)
    return make_errorf("evaluation_superseded",
                       "evaluation {} has a newer version ({}); review and decide on the newest "
                       "version instead",
                       id, **next);
  return row;
}

}  // namespace

Result<StoredEvaluation> get_evaluation(Database& db, std::int64_t id) {
  auto st = db.prepare(std::string("SELECT ") + kCols + " FROM evaluations WHERE id = ?");
  if (!st) return st.error();
  st->bind(1, id);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r)
    return make_errorf("evaluation_unknown",
                       "no evaluation {}; list them with `odyospiro decision show`", id);
  return read_row(*st);
}

Result<std::vector<StoredEvaluation>> evaluations_of_exam(Database& db, std::int64_t exam_id) {
  auto st = db.prepare(std::string("SELECT ") + kCols +
                       " FROM evaluations WHERE exam_id = ? ORDER BY version, id");
  if (!st) return st.error();
  st->bind(1, exam_id);
  std::vector<StoredEvaluation> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_row(*st));
  }
  return out;
}

Result<std::vector<StoredEvaluation>> evaluation_chain(Database& db, std::int64_t id) {
  auto row = get_evaluation(db, id);
  if (!row) return row.error();
  StoredEvaluation root = *row;
  while (root.supersedes_id) {
    auto p = get_evaluation(db, *root.supersedes_id);
    if (!p) return p.error();
    root = *p;
  }
  std::vector<StoredEvaluation> chain{root};
  for (;;) {
    auto next = successor(db, chain.back().id);
    if (!next) return next.error();
    if (!*next) break;
    auto n = get_evaluation(db, **next);
    if (!n) return n.error();
    chain.push_back(*n);
  }
  return chain;
}

const StoredEvaluation& decision_in_force(const std::vector<StoredEvaluation>& chain) {
  for (auto it = chain.rbegin(); it != chain.rend(); ++it)
    if (it->kind == "confirm" || it->kind == "override") return *it;
  return chain.back();
}

Result<std::int64_t> store_evaluation(Database& db, std::int64_t worker_id,
                                      std::optional<std::int64_t> exam_id,
                                      const ev::EvaluationInput& input,
                                      const ev::Evaluation& result, const ev::RuleSet& rules,
                                      const std::string& actor) {
  StoredEvaluation r;
  r.exam_id = exam_id;
  r.worker_id = worker_id;
  r.version = 1;
  r.kind = "auto";
  r.rules_version = rules.version;
  r.rules_hash = rules.hash;
  r.purpose = ev::purpose_name(input.purpose);
  r.health_group = col_text(result.health_group);
  r.ek2_column = col_text(result.column);
  r.result_json =
      json{{"input", input_to_json(input)}, {"result", result_to_json(result, rules)}}.dump();
  r.created_at = utc_now_iso();
  r.created_by = actor;
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto id = insert_row(db, r);
  if (!id) return id.error();
  if (auto a = audit(db, actor, "evaluation.auto", *id,
                     {{"worker_id", worker_id},
                      {"rules_version", rules.version},
                      {"rules_hash", rules.hash},
                      {"health_group", r.health_group ? json(*r.health_group) : json(nullptr)}});
      !a)
    return a.error();
  if (auto c = tx->commit(); !c) return c.error();
  return *id;
}

Result<std::int64_t> confirm_evaluation(Database& db, std::int64_t evaluation_id,
                                        const std::string& actor) {
  if (auto p = require_physician(db, actor, N_("confirm an evaluation")); !p) return p.error();
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto prev = latest_for_decision(db, evaluation_id);
  if (!prev) return prev.error();
  if (!prev->health_group)
    return make_errorf("evaluation_incomplete",
                       "evaluation {} is incomplete (no health group); complete the missing "
                       "results and evaluate again, or override it with a reason",
                       evaluation_id);
  StoredEvaluation r = *prev;
  r.version = prev->version + 1;
  r.supersedes_id = prev->id;
  r.kind = "confirm";
  r.reason = "";
  r.created_at = utc_now_iso();
  r.created_by = actor;
  auto id = insert_row(db, r);
  if (!id) return id.error();
  if (auto a = audit(
          db, actor, "evaluation.confirm", *id,
          {{"supersedes", prev->id}, {"version", r.version}, {"health_group", *r.health_group}});
      !a)
    return a.error();
  if (auto c = tx->commit(); !c) return c.error();
  return *id;
}

Result<std::int64_t> override_evaluation(Database& db, std::int64_t evaluation_id,
                                         std::optional<ev::Column> column,
                                         std::optional<ev::Column> health_group,
                                         const std::string& reason, const std::string& actor) {
  if (auto p = require_physician(db, actor, N_("override an evaluation")); !p) return p.error();
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    return make_error("reason_required",
                      "an override needs a reason (--reason \"…\"): say why the column or "
                      "group differs from the rules");
  if (!column && !health_group)
    return make_error("override_empty",
                      "give the column (--column A|B|C|D) and/or the health group (--group)");
  if (column && health_group && *health_group < *column)
    return make_errorf("override_inconsistent",
                       "health group {} is better than column {}; the group is the worst column, "
                       "so it cannot be better",
                       ev::column_name(*health_group), ev::column_name(*column));
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto prev = latest_for_decision(db, evaluation_id);
  if (!prev) return prev.error();
  StoredEvaluation r = *prev;
  r.version = prev->version + 1;
  r.supersedes_id = prev->id;
  r.kind = "override";
  if (column) r.ek2_column = ev::column_name(*column);
  r.health_group = ev::column_name(health_group ? *health_group : *column);
  r.reason = reason;
  r.created_at = utc_now_iso();
  r.created_by = actor;
  json j = json::parse(prev->result_json, nullptr, false);
  if (j.is_discarded()) j = json::object();
  j["override"] = {
      {"ek2_column", r.ek2_column ? json(*r.ek2_column) : json(nullptr)},
      {"health_group", *r.health_group},
      {"before",
       {{"ek2_column", prev->ek2_column ? json(*prev->ek2_column) : json(nullptr)},
        {"health_group", prev->health_group ? json(*prev->health_group) : json(nullptr)}}},
      {"reason", reason},
      {"by", actor}};
  r.result_json = j.dump();
  auto id = insert_row(db, r);
  if (!id) return id.error();
  if (auto a = audit(db, actor, "evaluation.override", *id,
                     {{"supersedes", prev->id},
                      {"version", r.version},
                      {"health_group", *r.health_group},
                      {"before", prev->health_group ? json(*prev->health_group) : json(nullptr)},
                      {"reason", reason}});
      !a)
    return a.error();
  if (auto c = tx->commit(); !c) return c.error();
  return *id;
}

Result<ReevaluationReport> reevaluate_all(
    Database& db, const ev::RuleSet& rules, bool dry_run, const std::string& actor,
    const std::function<void(std::size_t, std::size_t)>& progress) {
  struct Light {
    std::int64_t id, worker_id;
    std::optional<std::int64_t> supersedes;
    std::string kind, rules_hash;
    int version;
    std::optional<std::string> group, column;
  };
  std::vector<Light> rows;
  {
    auto st = db.prepare(
        "SELECT id, worker_id, supersedes_id, kind, rules_hash, version, health_group, ek2_column "
        "FROM evaluations "
        "ORDER BY id");
    if (!st) return st.error();
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (!*r) break;
      rows.push_back({st->int64(0), st->int64(1), st->opt_int64(2), st->text(3), st->text(4),
                      static_cast<int>(st->int64(5)), st->opt_text(6), st->opt_text(7)});
    }
  }
  std::unordered_map<std::int64_t, std::size_t> index;
  index.reserve(rows.size());
  std::vector<bool> superseded(rows.size(), false);
  for (std::size_t i = 0; i < rows.size(); ++i) index[rows[i].id] = i;
  for (const auto& r : rows)
    if (r.supersedes)
      if (auto it = index.find(*r.supersedes); it != index.end()) superseded[it->second] = true;

  std::vector<std::size_t> heads;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (!superseded[i]) heads.push_back(i);

  ReevaluationReport report;
  report.chains = heads.size();
  std::optional<Transaction> tx;
  if (!dry_run) {
    auto t = Transaction::begin(db);
    if (!t) return t.error();
    tx.emplace(std::move(*t));
  }
  auto get_json = db.prepare("SELECT result_json FROM evaluations WHERE id = ?");
  if (!get_json) return get_json.error();

  for (std::size_t n = 0; n < heads.size(); ++n) {
    if (progress && (n % 1000 == 0)) progress(n, heads.size());
    const Light& head = rows[heads[n]];
    // The decision in force: the latest physician step of the chain, else the head.
    const Light* in_force = &head;
    for (const Light* p = &head;;) {
      if (p->kind == "confirm" || p->kind == "override") {
        in_force = p;
        break;
      }
      if (!p->supersedes) break;
      auto it = index.find(*p->supersedes);
      if (it == index.end()) break;
      p = &rows[it->second];
    }
    get_json->reset();
    get_json->bind(1, head.id);
    auto step = get_json->step();
    if (!step) return step.error();
    // Only the stored input is needed: the old result is skipped while parsing (no DOM built).
    static const json::parser_callback_t skip_result = [](int depth, json::parse_event_t event,
                                                          json& parsed) {
      return !(depth == 1 && event == json::parse_event_t::key && parsed == "result");
    };
    const json stored = json::parse(get_json->text(0), skip_result, false);
    Result<ev::EvaluationInput> input =
        make_error("evaluation_input", "the stored row has no \"input\"");
    if (!stored.is_discarded() && stored.contains("input"))
      input = input_from_json(stored["input"]);
    if (!input) {
      ++report.unreadable;
      report.errors.push_back("evaluation " + std::to_string(head.id) + ": " +
                              input.error().message);
      continue;
    }
    const ev::Evaluation e = ev::evaluate(rules, *input);
    const auto group = col_text(e.health_group), column = col_text(e.column);
    if (group == in_force->group && column == in_force->column) continue;
    if (head.kind == "reevaluation" && head.rules_hash == rules.hash && head.group == group &&
        head.column == column)
      continue;  // this very proposal is already stored
    ++report.changed;
    ReevaluationChange c{head.id, head.worker_id,   in_force->kind, in_force->group,
                         group,   in_force->column, column,         {}};
    if (!dry_run) {
      StoredEvaluation r;
      auto full = get_evaluation(db, head.id);
      if (!full) return full.error();
      r = *full;
      r.version = head.version + 1;
      r.supersedes_id = head.id;
      r.kind = "reevaluation";
      r.rules_version = rules.version;
      r.rules_hash = rules.hash;
      r.health_group = group;
      r.ek2_column = column;
      r.result_json = json{{"input", stored["input"]}, {"result", result_to_json(e, rules)}}.dump();
      r.reason = "re-evaluated under rules " + rules.version +
                 " (decision in force: " + in_force->kind + ")";
      r.created_at = utc_now_iso();
      r.created_by = actor;
      auto id = insert_row(db, r);
      if (!id) return id.error();
      if (auto a = audit(
              db, actor, "evaluation.reevaluate", *id,
              {{"supersedes", head.id},
               {"rules_version", rules.version},
               {"rules_hash", rules.hash},
               {"health_group_before", in_force->group ? json(*in_force->group) : json(nullptr)},
               {"health_group_after", group ? json(*group) : json(nullptr)}});
          !a)
        return a.error();
      c.stored_id = *id;
    }
    report.changes.push_back(std::move(c));
  }
  if (progress) progress(heads.size(), heads.size());
  if (!dry_run) {
    if (auto a = audit(db, actor, "evaluation.reevaluate-run", std::nullopt,
                       {{"rules_version", rules.version},
                        {"rules_hash", rules.hash},
                        {"chains", report.chains},
                        {"changed", report.changed},
                        {"unreadable", report.unreadable}});
        !a)
      return a.error();
    if (auto c = tx->commit(); !c) return c.error();
  }
  return report;
}

}  // namespace odyo::station::evaluation
