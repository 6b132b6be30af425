// odyospiro evaluate | reevaluate | decision show|confirm|override | rules check|import-jobs
// The Ek-1/Ek-2 evaluation engine on the command line (issue 6).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/evaluation/engine.hpp"
#include "station/app/views.hpp"
#include "station/cli/context.hpp"
#include "station/cli/person_options.hpp"
#include "station/core/with_code.hpp"
#include "station/evaluation/decisions.hpp"
#include "station/evaluation/json_io.hpp"
#include "station/evaluation/worker_evaluation.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"
#include "station/rules/jobs_csv.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/database.hpp"

#include "station/core/input.hpp"

namespace odyo::station {
namespace ev = odyo::evaluation;
namespace se = odyo::station::evaluation;
using nlohmann::json;

namespace {

Result<json> read_json(const std::string& path) {
  return read_json_file(path);
}

// The rule set: --rules DIR, or --rules VERSION (the current tables if that is their version, else
// <rules dir>/versions/VERSION/), or the configured [rules].dir.
Result<ev::RuleSet> load_rules(CliContext& ctx, const std::string& arg) {
  auto cfg = ctx.config();
  if (!cfg) return cfg.error();
  const std::filesystem::path base = (*cfg)->rules_dir;
  if (arg.empty()) return rules::load_ruleset(base);
  if (std::filesystem::is_directory(arg)) return rules::load_ruleset(arg);
  auto current = rules::load_ruleset(base);
  if (current && current->version == arg) return current;
  const auto dir = base / "versions" / arg;
  if (std::filesystem::is_directory(dir)) return rules::load_ruleset(dir);
  return make_errorf(
      "rules_version_unknown",
      "no rule tables for \"{}\": give a directory or a version kept in {}/<version>/", arg,
      (base / "versions").string());
}

struct EvaluateOptions {
  std::string input, worker, purpose, job, rules, findings;
  bool no_store = false;
};

int run_evaluate(CliContext& ctx, const EvaluateOptions& o) {
  if (o.input.empty() == o.worker.empty())
    return ctx.fail(make_error("usage", "give either --input FILE.json or --worker ID"));
  auto rules = load_rules(ctx, o.rules);
  if (!rules) return ctx.fail(rules.error(), 2);
  auto cfg = ctx.config();
  if (!cfg) return ctx.fail(cfg.error(), 2);

  ev::EvaluationInput in;
  std::optional<std::int64_t> worker_id, exam_id;
  std::vector<se::PhysicianRecord> records;
  if (!o.input.empty()) {
    auto j = read_json(o.input);
    if (!j) return ctx.fail(j.error());
    auto parsed = se::input_from_json(*j);
    if (!parsed)
      return ctx.fail(make_errorf(parsed.error().code, "{}: {}", o.input, parsed.error()));
    in = std::move(*parsed);
  } else {
    auto db = ctx.db_as({"technician", "physician"}, N_("evaluate a worker"));
    if (!db) return ctx.fail(db.error(), 2);
    auto w = find_worker(**db, o.worker);
    if (!w) return ctx.fail(w.error());
    json findings;
    if (!o.findings.empty()) {
      auto f = read_json(o.findings);
      if (!f) return ctx.fail(f.error());
      findings = std::move(*f);
    }
    auto gathered = se::gather_worker(**db, *w, findings, exam_id);
    if (!gathered) return ctx.fail(gathered.error());
    in = std::move(*gathered);
    worker_id = w->id;
  }
  if (!o.purpose.empty()) in.purpose = *ev::parse_purpose(o.purpose);
  if (!o.job.empty()) {
    in.job_code = o.job;
    in.job_work_group.reset();
  }
  if (worker_id) {
    auto db = ctx.db();
    auto used = se::add_physician_records(**db, *worker_id, in);
    if (!used) return ctx.fail(used.error(), 2);
    records = std::move(*used);
  }
  se::add_speech_frequencies(in, **cfg);

  const ev::Evaluation e = ev::evaluate(*rules, in);
  json out = se::result_to_json(e, *rules);
  if (worker_id) {
    json recs = json::array();
    for (const auto& r : records) recs.push_back(se::record_json(r));
    out["records"] = recs;
  }
  if (worker_id && !o.no_store) {
    auto db = ctx.db();
    auto id = se::store_evaluation(**db, *worker_id, exam_id, in, e, *rules, ctx.opts.user);
    if (!id) return ctx.fail(id.error(), 2);
    out["evaluation_id"] = *id;
  }
  if (ctx.json()) {
    ctx.out() << out.dump(2) << "\n";
  } else {
    ctx.out() << se::result_text(e, *rules, ctx.turkish());
    if (!records.empty()) {
      ctx.out() << ctx.tr("Physician's records:\n");
      for (const auto& r : records)
        ctx.out() << "  - " << r.kind << " " << r.subject << " v" << r.version << ": "
                  << r.payload.dump() << " (" << r.created_by << ", " << r.created_at << ")\n";
    }
    if (out.contains("evaluation_id"))
      ctx.out() << ctx.tr("Stored: evaluation ") << out["evaluation_id"].get<std::int64_t>()
                << ctx.tr(" (awaiting the physician's decision)") << "\n";
  }
  return 0;
}

void print_chain(CliContext& ctx, std::int64_t id) {
  auto db = ctx.db();
  if (!db) return (void)ctx.fail(db.error(), 2);
  if (ctx.json()) {
    auto j = decision_chain_json(**db, id);
    if (!j) return (void)ctx.fail(j.error());
    ctx.out() << j->dump(2) << "\n";
    return;
  }
  auto chain = se::evaluation_chain(**db, id);
  if (!chain) return (void)ctx.fail(chain.error());
  const auto& in_force = se::decision_in_force(*chain);
  for (const auto& r : *chain) {
    ctx.out() << (r.id == in_force.id ? "* " : "  ") << "#" << r.id << " v" << r.version << " "
              << ctx.message(word(r.kind)) << " " << ctx.tr("group ")
              << r.health_group.value_or("-") << ctx.tr(", column ") << r.ek2_column.value_or("-")
              << " (" << r.rules_version << ", " << r.created_by << ", " << r.created_at << ")";
    if (!r.reason.empty()) ctx.out() << " — " << r.reason;
    ctx.out() << "\n";
  }
}

}  // namespace

void register_evaluate_commands(CLI::App& app, CliContext& ctx) {
  // evaluate
  auto eo = std::make_shared<EvaluateOptions>();
  auto* evaluate = app.add_subcommand(
      "evaluate", "Ek-1/Ek-2 evaluation with the reasons / EK-1/EK-2 değerlendirmesi");
  evaluate->add_option("--input", eo->input, "Results given directly (JSON file)");
  evaluate->add_option("--worker", eo->worker,
                       "Worker registry number, or #<id>: evaluate and store");
  evaluate->add_option("--purpose", eo->purpose, "Why the worker is examined")
      ->check(CLI::IsMember({"new-hire", "re-hire", "job-change", "going-underground",
                             "return-after-absence", "return", "periodic"}));
  evaluate->add_option("--job", eo->job, "Proposed (or current) job code from the job catalogue");
  evaluate->add_option("--findings", eo->findings,
                       "Physician's findings and checklist (JSON) for --worker");
  evaluate->add_option("--rules", eo->rules,
                       "Rule tables: a directory or a version (default: [rules].dir)");
  evaluate->add_flag("--no-store", eo->no_store, "With --worker: show only, do not store");
  evaluate->callback([&ctx, eo] { ctx.exit_code = run_evaluate(ctx, *eo); });

  // reevaluate
  auto rules_arg = std::make_shared<std::string>();
  auto dry = std::make_shared<bool>(false);
  auto* re = app.add_subcommand(
      "reevaluate", "Re-run every stored evaluation under a rule version and list changes");
  re->add_option("--rules", *rules_arg,
                 "Rule tables: a directory or a version (default: [rules].dir)");
  re->add_flag("--dry-run", *dry, "List what would change; store nothing");
  re->callback([&ctx, rules_arg, dry] {
    auto rules = load_rules(ctx, *rules_arg);
    if (!rules) return (void)ctx.fail(rules.error(), 2);
    auto db = ctx.db_as({"physician", "admin"}, N_("re-evaluate stored exams"));
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto report = se::reevaluate_all(
        **db, *rules, *dry, ctx.opts.user, [&ctx](std::size_t done, std::size_t total) {
          ctx.err() << "\r" << ctx.tr("re-evaluating ") << done << "/" << total << std::flush;
          if (done == total) ctx.err() << "\n";
        });
    if (!report) return (void)ctx.fail(report.error(), 2);
    if (ctx.json()) {
      json changes = json::array();
      for (const auto& c : report->changes)
        changes.push_back(
            {{"supersedes", c.chain_latest_id},
             {"worker_id", c.worker_id},
             {"in_force", c.kind_in_force},
             {"health_group_before", c.group_before ? json(*c.group_before) : json(nullptr)},
             {"health_group_after", c.group_after ? json(*c.group_after) : json(nullptr)},
             {"ek2_column_before", c.column_before ? json(*c.column_before) : json(nullptr)},
             {"ek2_column_after", c.column_after ? json(*c.column_after) : json(nullptr)},
             {"stored_id", c.stored_id ? json(*c.stored_id) : json(nullptr)}});
      ctx.out() << json{{"rules_version", rules->version},
                        {"rules_hash", rules->hash},
                        {"dry_run", *dry},
                        {"chains", report->chains},
                        {"changed", report->changed},
                        {"unreadable", report->unreadable},
                        {"errors", report->errors},
                        {"changes", changes}}
                       .dump(2)
                << "\n";
    } else {
      ctx.out() << ctx.tr("Rules ") << rules->version << ": " << report->chains
                << ctx.tr(" decisions checked, ") << report->changed << ctx.tr(" would change")
                << (*dry ? ctx.tr(" (dry run, nothing stored)") : "") << "\n";
      for (const auto& c : report->changes)
        ctx.out() << "  #" << c.chain_latest_id << ctx.tr(" worker ") << c.worker_id << ": "
                  << c.group_before.value_or("-") << " → " << c.group_after.value_or("-") << " ("
                  << ctx.tr("in force: ") << ctx.message(word(c.kind_in_force)) << ")\n";
      for (const auto& e : report->errors) ctx.out() << "  ! " << e << "\n";
    }
  });

  // decision show|confirm|override
  auto* decision =
      app.add_subcommand("decision", "The physician's decision on an evaluation / Hekim kararı");
  decision->require_subcommand(1);
  auto id = std::make_shared<std::int64_t>(0);
  auto* show = decision->add_subcommand("show", "Show every version of an evaluation");
  show->add_option("id", *id, "Evaluation id")->required();
  show->callback([&ctx, id] { print_chain(ctx, *id); });

  auto* confirm = decision->add_subcommand("confirm", "Confirm an evaluation (physician only)");
  confirm->add_option("id", *id, "Evaluation id (the newest version)")->required();
  confirm->callback([&ctx, id] {
    auto db = ctx.db_as({"physician"}, N_("confirm a decision"));
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto r = se::confirm_evaluation(**db, *id, ctx.opts.user);
    if (!r) return (void)ctx.fail(r.error());
    print_chain(ctx, *r);
  });

  auto col = std::make_shared<std::string>();
  auto grp = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  auto* ovr = decision->add_subcommand("override",
                                       "Override the column/group with a reason (physician only)");
  ovr->add_option("id", *id, "Evaluation id (the newest version)")->required();
  ovr->add_option("--column", *col, "Ek-2 column")->check(CLI::IsMember({"A", "B", "C", "D"}));
  ovr->add_option("--group", *grp, "Health group (default: the column)")
      ->check(CLI::IsMember({"A", "B", "C", "D"}));
  ovr->add_option("--reason", *reason, "Why (required)")->required();
  ovr->callback([&ctx, id, col, grp, reason] {
    auto db = ctx.db_as({"physician"}, N_("override a decision"));
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto r = se::override_evaluation(**db, *id, ev::parse_column(*col), ev::parse_column(*grp),
                                     *reason, ctx.opts.user);
    if (!r) return (void)ctx.fail(r.error());
    print_chain(ctx, *r);
  });

  // rules check|import-jobs
  auto* rl =
      app.add_subcommand("rules", "Rule tables: check, import the job catalogue / Kural tabloları");
  rl->require_subcommand(1);
  auto dir = std::make_shared<std::string>();
  auto* check =
      rl->add_subcommand("check", "Load and prove the rule tables (partition, references)");
  check->add_option("--rules", *dir,
                    "Rule tables: a directory or a version (default: [rules].dir)");
  check->callback([&ctx, dir] {
    auto rules = load_rules(ctx, *dir);
    if (!rules) return (void)ctx.fail(rules.error(), 2);
    std::size_t prov = 0, rows = 0;
    for (const auto& r : rules->ek2)
      for (const auto& row : r.rows) {
        ++rows;
        if (row.provisional || r.provisional) ++prov;
      }
    if (ctx.json()) {
      json tables = json::array();
      for (const auto& t : rules->tables)
        tables.push_back({{"name", t.name}, {"version", t.version}, {"effective", t.effective}});
      ctx.out() << json{{"ok", true},       {"version", rules->version}, {"hash", rules->hash},
                        {"tables", tables}, {"ek2_rows", rows},          {"provisional_rows", prov}}
                       .dump(2)
                << "\n";
    } else {
      ctx.out() << ctx.tr("Rule tables valid: ") << rules->version << " (" << rules->hash << ")\n";
      for (const auto& t : rules->tables)
        ctx.out() << "  " << t.name << " " << t.version << " " << t.effective << "\n";
      ctx.out() << "  EK-2: " << rows << ctx.tr(" rows, ") << prov << ctx.tr(" provisional")
                << "\n";
    }
  });

  auto csv = std::make_shared<std::string>();
  auto table_opts = std::make_shared<TableFileOptions>();
  auto out = std::make_shared<std::string>();
  auto version = std::make_shared<std::string>();
  auto* imp =
      rl->add_subcommand("import-jobs", "Write a work-groups.toml from a job catalogue CSV");
  imp->add_option("csv", *csv,
                  "CSV: code,title_tr,title_en,work_group[,ek1_required,noisy,dusty,special_exam]")
      ->required();
  imp->add_option("--out", *out, "The work-groups.toml to write")->required();
  add_table_file_options(imp, *table_opts);
  imp->add_option("--table-version", *version, "Version of the new table")->required();
  imp->callback([&ctx, csv, table_opts, out, version] {
    auto table = read_table_file(*csv, "the job catalogue", *table_opts);
    if (!table) return (void)ctx.fail(table.error());
    auto jobs = rules::parse_jobs_table(*table);
    if (!jobs) return (void)ctx.fail(jobs.error());
    auto current = load_rules(ctx, "");
    if (!current) return (void)ctx.fail(current.error(), 2);
    ev::TableInfo info{"work-groups", *version, today_iso(),
                       "imported from " + std::filesystem::path(*csv).filename().string()};
    const std::string toml = rules::work_groups_toml(info, current->work_groups_for, *jobs,
                                                     current->special_exam_citation);
    ev::RuleSet parsed_back;
    // Parsed back before writing: a failure is the CSV's, and *out does not exist yet.
    if (auto r = rules::parse_work_groups(toml, *csv + " (as work-groups table)", parsed_back); !r)
      return (void)ctx.fail(make_errorf(
          r.error().code, "{}; nothing written to {}: correct the CSV", r.error(), *out));
    std::ofstream f(*out, std::ios::binary);
    if (!(f << toml))
      return (void)ctx.fail(make_errorf("file_unwritable", "{}: cannot write the file", *out));
    ctx.out() << jobs->size() << ctx.tr(" jobs written: ") << *out
              << ctx.tr(" (raise the version in ruleset.toml)") << "\n";
  });
}

}  // namespace odyo::station
