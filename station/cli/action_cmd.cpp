// odyospiro action add|update|close|list|show: corrective actions against a suspected-disease
// flag (issue 17, item 6). The use cases are in station/surveillance/corrective_actions; this
// file renders them.
#include <nlohmann/json.hpp>

#include "station/cli/context.hpp"
#include "station/cli/person_options.hpp"
#include "station/core/person_input.hpp"
#include "station/core/text_table.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"
#include "station/surveillance/corrective_actions.hpp"
#include "station/surveillance/suspected_rules.hpp"

namespace odyo::station {

namespace {

namespace sv = surveillance;

const char* status_text(const CliContext& ctx, const std::string& s) {
  if (s == "in_progress") return ctx.tr("in progress");
  if (s == "closed") return ctx.tr("closed");
  return ctx.tr("open");
}

std::string shown_date(const CliContext& ctx, const std::string& iso) {
  auto d = parse_date(iso);
  return d && ctx.turkish() ? to_turkish_date(*d) : iso;
}

void print_action(CliContext& ctx, const sv::CorrectiveAction& a) {
  if (ctx.json()) {
    ctx.out() << sv::corrective_action_json(a).dump(2) << "\n";
    return;
  }
  ctx.out() << ctx.trf("Corrective action {} (version {}) on {}: {}; owner {}, due {}\n", a.number,
                       a.version, a.subject, status_text(ctx, a.status), a.owner,
                       shown_date(ctx, a.due_on));
}

struct AddOptions {
  sv::NewCorrectiveAction a;
};
struct UpdateOptions {
  std::int64_t number = 0;
  std::string status, owner, due, description, reason;
};
struct CloseOptions {
  std::int64_t number = 0;
  std::string evidence, reason;
};
struct ListOptions {
  std::string status, flag, finding;
};

Result<Database*> db_for_actions(CliContext& ctx) {
  return ctx.db_as({"physician", "admin"}, N_("manage corrective actions"));
}

}  // namespace

void register_action_commands(CLI::App& app, CliContext& ctx) {
  auto* action = app.add_subcommand(
      "action",
      "Corrective actions against a flag or a QC finding: add, update, close, list / Düzeltici "
      "faaliyet");
  action->require_subcommand(1);

  auto ao = std::make_shared<AddOptions>();
  auto* add =
      action->add_subcommand("add", "Open a corrective action against a flag or a QC finding");
  auto* flag_opt = add->add_option("--flag", ao->a.flag_id, "The flag, e.g. HL-12");
  auto* finding_opt =
      add->add_option("--finding", ao->a.finding_id,
                      "A QC finding of `report qc`, e.g. QC-2026-03-technician-ali-ab_share");
  flag_opt->excludes(finding_opt);
  add->add_option("--description", ao->a.description, "What is to be done")->required();
  add->add_option("--owner", ao->a.owner, "Who is responsible")->required();
  add_date_option(add, "--due", ao->a.due_on, "Due date")->required();
  add->callback([&ctx, ao] {
    auto cfg = ctx.config();
    if (!cfg) return (void)ctx.fail(cfg.error(), 2);
    auto rules = sv::load_suspected_rules((*cfg)->rules_dir);
    if (!rules) return (void)ctx.fail(rules.error(), 2);
    auto db = db_for_actions(ctx);
    if (!db) return (void)ctx.fail(db.error());
    auto qc_rules = qc::load_qc_rules((*cfg)->rules_dir);
    if (!qc_rules) return (void)ctx.fail(qc_rules.error(), 2);
    auto a = sv::add_corrective_action(**db, *rules, ao->a, today_iso(), ctx.opts.user, &*qc_rules);
    if (!a) return (void)ctx.fail(a.error());
    print_action(ctx, *a);
  });

  auto uo = std::make_shared<UpdateOptions>();
  auto* up =
      action->add_subcommand("update", "A new version: status, owner, due date, description");
  up->add_option("number", uo->number, "Corrective action number")->required();
  up->add_option("--status", uo->status, "open | in_progress");
  up->add_option("--owner", uo->owner, "Who is responsible");
  add_date_option(up, "--due", uo->due, "Due date");
  up->add_option("--description", uo->description, "What is to be done");
  up->add_option("--reason", uo->reason, "Why (required)")->required();
  up->callback([&ctx, uo] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = db_for_actions(ctx);
    if (!db) return (void)ctx.fail(db.error());
    sv::ActionChange c;
    if (!uo->status.empty()) c.status = uo->status;
    if (!uo->owner.empty()) c.owner = uo->owner;
    if (!uo->due.empty()) c.due_on = uo->due;
    if (!uo->description.empty()) c.description = uo->description;
    c.reason = uo->reason;
    auto a = sv::update_corrective_action(**db, uo->number, c, today_iso(), ctx.opts.user);
    if (!a) return (void)ctx.fail(a.error());
    print_action(ctx, *a);
  });

  auto co = std::make_shared<CloseOptions>();
  auto* cl = action->add_subcommand("close", "Close a corrective action with the evidence");
  cl->add_option("number", co->number, "Corrective action number")->required();
  cl->add_option("--evidence", co->evidence, "The evidence that it worked (required)")->required();
  cl->add_option("--reason", co->reason, "Note");
  cl->callback([&ctx, co] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = db_for_actions(ctx);
    if (!db) return (void)ctx.fail(db.error());
    auto a = sv::close_corrective_action(**db, co->number, co->evidence, co->reason, ctx.opts.user);
    if (!a) return (void)ctx.fail(a.error());
    print_action(ctx, *a);
  });

  auto lo = std::make_shared<ListOptions>();
  auto* li = action->add_subcommand("list", "Corrective actions (latest version of each)");
  li->add_option("--status", lo->status, "open | in_progress | closed");
  li->add_option("--flag", lo->flag, "Only actions against this flag");
  li->add_option("--finding", lo->finding, "Only actions against this QC finding");
  li->callback([&ctx, lo] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = db_for_actions(ctx);
    if (!db) return (void)ctx.fail(db.error());
    auto list = sv::list_corrective_actions(**db, lo->status,
                                            !lo->flag.empty()      ? "flag:" + lo->flag
                                            : !lo->finding.empty() ? "qc:" + lo->finding
                                                                   : "");
    if (!list) return (void)ctx.fail(list.error());
    if (ctx.json()) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& a : *list) arr.push_back(sv::corrective_action_json(a));
      ctx.out() << arr.dump(2) << "\n";
      return;
    }
    if (list->empty()) {
      ctx.out() << ctx.tr("No corrective action.\n");
      return;
    }
    TextTable table({ctx.tr("#"), ctx.tr("Subject"), ctx.tr("Status"), ctx.tr("Owner"),
                     ctx.tr("Due"), ctx.tr("Description"), ctx.tr("Evidence")});
    for (const auto& a : *list)
      table.add_row({std::to_string(a.number), a.subject, status_text(ctx, a.status), a.owner,
                     shown_date(ctx, a.due_on), a.description, a.evidence});
    ctx.out() << table.render();
    ctx.out() << ctx.trf("{} corrective action(s)\n", list->size());
  });

  auto number = std::make_shared<std::int64_t>(0);
  auto* sh = action->add_subcommand("show", "Every version of a corrective action");
  sh->add_option("number", *number, "Corrective action number")->required();
  sh->callback([&ctx, number] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = db_for_actions(ctx);
    if (!db) return (void)ctx.fail(db.error());
    auto h = sv::corrective_action_history(**db, *number);
    if (!h) return (void)ctx.fail(h.error());
    if (ctx.json()) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& a : *h) arr.push_back(sv::corrective_action_json(a));
      ctx.out() << arr.dump(2) << "\n";
      return;
    }
    TextTable table({ctx.tr("Version"), ctx.tr("Status"), ctx.tr("Owner"), ctx.tr("Due"),
                     ctx.tr("Reason"), ctx.tr("Evidence"), ctx.tr("By"), ctx.tr("When")});
    for (const auto& a : *h)
      table.add_row({std::to_string(a.version), status_text(ctx, a.status), a.owner,
                     shown_date(ctx, a.due_on), a.reason, a.evidence, a.created_by, a.created_at});
    ctx.out() << ctx.trf("Corrective action {} on {}: {}\n", h->back().number, h->back().subject,
                         h->back().description);
    ctx.out() << table.render();
  });
}

}  // namespace odyo::station
