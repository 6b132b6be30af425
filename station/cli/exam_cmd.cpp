// odyospiro exam list|show
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "station/app/views.hpp"
#include "station/audiometry/worker_baseline.hpp"
#include "station/auth/login.hpp"
#include "station/auth/password_input.hpp"
#include "station/auth/signing.hpp"
#include "station/cli/context.hpp"
#include "station/core/local_time.hpp"
#include "station/core/person_input.hpp"
#include "station/core/text_table.hpp"
#include "station/core/with_code.hpp"
#include "station/exams/exam_record.hpp"
#include "station/exams/interruption.hpp"
#include "station/export/outbox.hpp"
#include "station/records/audiometric_baselines.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

namespace {

std::string dec1(const nlohmann::json& v) {
  if (!v.is_number()) return "?";
  std::ostringstream o;
  o << std::fixed << std::setprecision(1) << v.get<double>();
  return o.str();
}

// Audiometry: the baseline the exam was compared with and the threshold shift per ear (from the
// newest result version), and the baseline versions that name this exam.
void print_audiometry_baseline(CliContext& ctx, const nlohmann::json& payload,
                               const std::vector<BaselineRow>& rows) {
  auto& o = ctx.out();
  for (const auto& r : rows) {
    o << ctx.tr("Baseline  : this exam is baseline version ") << r.version << " ("
      << ctx.message(word(r.ear)) << ", " << ctx.message(word(r.kind)) << ", " << r.set_by << ", "
      << r.set_at << ")\n";
  }
  if (!payload.is_object() || !payload.contains("baseline")) return;
  const auto& b = payload["baseline"];
  if (!b.value("accepted", true) && b.contains("not_accepted_because") &&
      b["not_accepted_because"].is_string()) {
    o << ctx.tr("Baseline  : this exam cannot be a baseline: ")
      << b["not_accepted_because"].get<std::string>() << "\n";
  }
  const auto& sts = payload.contains("sts") ? payload["sts"] : nlohmann::json();
  for (const char* ear : {"right", "left"}) {
    const bool right = std::string(ear) == "right";
    const char* name = right ? ctx.tr("Right") : ctx.tr("Left");
    if (!b.contains(ear) || b[ear].is_null()) continue;
    const auto& row = b[ear];
    o << ctx.tr("Baseline  : ") << name << " v" << row.value("version", 0) << ", "
      << ctx.tr("exam #") << row.value("exam_id", std::int64_t{0}) << " ("
      << row.value("exam_started_at", std::string("?")).substr(0, 10) << ", " << ctx.tr("age ")
      << row["age_at_test_years"].dump() << ")\n";
    if (!sts.is_object() || !sts.contains(ear) || sts[ear].is_null()) continue;
    const auto& s = sts[ear];
    o << "STS       : " << name << " ";
    if (s.contains("not_computed")) {
      o << ctx.tr("not computed: ") << s["not_computed"].get<std::string>() << "\n";
      continue;
    }
    o << ctx.tr("2/3/4 kHz shift ") << dec1(s["mean_shift_db"]) << " dB "
      << (s.value("sts", false) ? "STS" : ctx.tr("no STS")) << "; " << ctx.tr("age-corrected")
      << " (" << sts.value("age_correction_table", std::string("?")) << ") "
      << dec1(s["mean_shift_age_corrected_db"]) << " dB "
      << (s["sts_age_corrected"].is_boolean() && s["sts_age_corrected"].get<bool>()
              ? "STS"
              : ctx.tr("no STS"))
      << "; " << ctx.tr("recordable: ")
      << (s.value("recordable", false) ? ctx.tr("yes") : ctx.tr("no")) << "\n";
  }
  if (payload.contains("baseline_revision") && payload["baseline_revision"].is_object()) {
    for (const auto& [ear, rv] : payload["baseline_revision"].items()) {
      if (rv.value("reason", std::string("none")) == "none") continue;
      o << ctx.tr("Baseline revision proposed (physician decides): ") << ctx.message(word(ear))
        << " (" << ctx.message(word(rv["reason"].get<std::string>())) << ") → ";
      if (rv.contains("new_baseline_exam_id") && rv["new_baseline_exam_id"].is_number()) {
        o << ctx.tr("exam #") << rv["new_baseline_exam_id"].dump() << "\n";
      } else {
        o << ctx.tr("this exam") << "\n";
      }
    }
  }
}

// " INTERRUPTED (reason)" after an exam in `exam list`, "" for a normal exam.
std::string interruption_tag(CliContext& ctx, const nlohmann::json& in) {
  if (!in.is_object()) return "";
  return std::string(ctx.tr("  INTERRUPTED (")) + in.value("reason", std::string("?")) +
         (in.contains("accepted") ? std::string(ctx.tr(", accepted)")) : ")");
}

}  // namespace

void register_exam_commands(CLI::App& app, CliContext& ctx) {
  auto* exam = app.add_subcommand("exam", "Exams: list, show, sign / Muayeneler");
  exam->require_subcommand(1);

  auto worker_key = std::make_shared<std::string>();
  auto* list = exam->add_subcommand("list", "List exams");
  list->add_option("--worker", *worker_key, "Only this worker (registry number)");
  list->callback([&ctx, worker_key] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    std::optional<std::int64_t> wid;
    if (!worker_key->empty()) {
      auto w = find_worker(**db, *worker_key);
      if (!w) return (void)ctx.fail(w.error());
      wid = w->id;
    }
    auto exams = list_exams(**db, wid);
    if (!exams) return (void)ctx.fail(exams.error());
    if (ctx.json()) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& e : *exams) {
        auto j = exam_json(e);
        auto in = exam_interruption(**db, e.id);
        if (!in) return (void)ctx.fail(in.error());
        j["interrupted"] = *in;
        arr.push_back(std::move(j));
      }
      ctx.out() << arr.dump(2) << "\n";
      return;
    }
    TextTable table({"#", ctx.tr("Kind"), ctx.tr("Started"), ctx.tr("Worker"), ctx.tr("State")});
    for (const auto& e : *exams) {
      auto w = find_worker(**db, "#" + std::to_string(e.worker_id));
      auto in = exam_interruption(**db, e.id);
      if (!in) return (void)ctx.fail(in.error());
      std::string state = interruption_tag(ctx, *in);
      state.erase(0, state.find_first_not_of(' '));
      table.add_row(
          {std::to_string(e.id), ctx.message(word(e.kind)), local_display(e.started_at),
           w ? w->registry_no + " " + w->first_name + " " + w->last_name : std::string("?"),
           state});
    }
    ctx.out() << table.render();
    ctx.out() << exams->size() << ctx.tr(" exam(s)\n");
  });

  auto sign_id = std::make_shared<std::int64_t>(0);
  auto* sign = exam->add_subcommand(
      "sign",
      "Sign the exam's latest result as the physician (Ed25519; the password is asked again)");
  sign->add_option("id", *sign_id, "Exam id")->required();
  sign->callback([&ctx, sign_id] {
    auto cfg = ctx.config();
    if (!cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db_as({"physician"}, N_("sign results"));
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto me = ctx.actor();
    if (!me) return (void)ctx.fail(me.error(), 2);
    // The signature is a second, deliberate proof: the password again (from the environment a
    // script read it from, or typed again at the terminal).
    auto pw = read_password(std::string(ctx.tr("odyospiro: "
                                               "password to sign (")) +
                            (*me)->username + "): ");
    // The export outbox rows of the configured destinations are written with the signature.
    auto outbox = load_outbox_settings((*cfg)->file);
    if (!outbox) return (void)ctx.fail(outbox.error(), 2);
    InSignTransaction queue;
    if ((*cfg)->exports)
      queue =
          outbox_on_sign(*(*cfg)->exports, *outbox, *sign_id, (*me)->username, (*cfg)->language);
    auto s = sign_exam_result_again(**db, **me, pw, *sign_id, (*cfg)->pbkdf2_iterations, "cli-sign",
                                    queue);
    if (!s) return (void)ctx.fail(s.error());
    if (ctx.json()) {
      ctx.out() << nlohmann::json{{"signature_id", s->signature_id},
                                  {"result_id", s->result_id},
                                  {"result_version", s->result_version},
                                  {"key_id", s->key_id},
                                  {"new_key", s->new_key}}
                       .dump(2)
                << "\n";
    } else {
      ctx.out() << ctx.tr("Signed: exam ") << *sign_id << ctx.tr(", result #") << s->result_id
                << " (v" << s->result_version << ")" << ctx.tr(", signature #") << s->signature_id
                << "\n";
    }
  });

  auto id = std::make_shared<std::int64_t>(0);
  auto* show = exam->add_subcommand(
      "show", "Show one exam with its results and evaluations (latest exam if no id)");
  show->add_option("id", *id, "Exam id");
  show->callback([&ctx, id] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    std::int64_t exam_id = *id;
    if (exam_id == 0) {
      auto all = list_exams(**db);
      if (!all) return (void)ctx.fail(all.error());
      if (all->empty())
        return (void)ctx.fail(
            make_error("exam_unknown", "there are no exams yet (run `odyospiro demo`)"));
      exam_id = all->back().id;
    }
    auto rec = load_exam_record(**db, exam_id);
    if (!rec) return (void)ctx.fail(rec.error());
    const Exam* e = &rec->exam;
    const Worker* w = &rec->worker;
    const auto* recs = &rec->recordings;
    const auto* results = &rec->results;
    const auto* evals = &rec->evaluations;
    const auto* baseline_rows = &rec->baselines;

    auto interruption = exam_interruption(**db, exam_id);
    if (!interruption) return (void)ctx.fail(interruption.error());
    if (ctx.json()) {
      ctx.out() << exam_record_json(*rec, *interruption).dump(2) << "\n";
      return;
    }
    auto& o = ctx.out();
    const auto born = parse_date(w->birth_date);
    o << ctx.tr("Exam #") << e->id << " — " << ctx.message(word(e->kind)) << " — "
      << local_display(e->started_at) << "\n";
    o << ctx.tr("Worker    : ") << w->registry_no << " " << w->first_name << " " << w->last_name
      << " (" << (born && ctx.turkish() ? to_turkish_date(*born) : w->birth_date) << ", "
      << (ctx.turkish() ? (w->sex == "F" ? "K" : "E") : w->sex) << ", " << w->height_cm << " cm)\n";
    o << ctx.tr("Technician: ") << e->technician << ctx.tr("   Device: ") << e->device_id << "\n";
    if (e->ambient_temp_c) {
      o << ctx.tr("Ambient   : ") << *e->ambient_temp_c << " °C";
      if (e->ambient_pressure_kpa) o << ", " << *e->ambient_pressure_kpa << " kPa";
      o << "\n";
    }
    if (interruption->is_object()) {
      o << ctx.tr("Status    : INTERRUPTED (") << interruption->value("reason", std::string("?"))
        << "): " << interruption->value("detail", std::string()) << "\n";
      if (interruption->contains("accepted"))
        o << ctx.tr("            accepted by physician ")
          << (*interruption)["accepted"].value("by", std::string("?")) << " ("
          << (*interruption)["accepted"].value("at", std::string("?"))
          << "): " << (*interruption)["accepted"].value("reason", std::string()) << "\n";
      else
        o << ctx.tr(
            "            not used by an evaluation unless a physician accepts it "
            "(exam accept-interrupted)\n");
    }
    o << ctx.tr("Raw data  : ") << recs->size() << ctx.tr(" recording(s)") << "\n";
    for (const auto& r : *results) {
      o << ctx.tr("Result version ") << r.version << " (" << r.created_by << ", "
        << local_display(r.created_at) << (r.reason.empty() ? "" : ", " + r.reason) << ")"
        << (r.signed_by.empty() ? std::string(ctx.tr(" — unsigned"))
                                : std::string(ctx.tr(" — signed by ")) + r.signed_by.front())
        << "\n";
      const auto payload = nlohmann::json::parse(r.payload_json, nullptr, false);
      const char* lang = ctx.turkish() ? "tr" : "en";
      if (payload.is_object() && payload.contains("summary") && payload["summary"].contains(lang)) {
        for (const auto& line : payload["summary"][lang])
          o << "  " << line.get<std::string>() << "\n";
      }
    }
    if (e->kind == "audiometry" && !results->empty()) {
      print_audiometry_baseline(
          ctx, nlohmann::json::parse(results->back().payload_json, nullptr, false), *baseline_rows);
    }
    for (const auto& v : *evals) {
      o << ctx.tr("Evaluation version ") << v.version << " [" << ctx.message(word(v.kind)) << "] "
        << ctx.tr("health group ") << v.health_group.value_or("?") << ctx.tr(", rules ")
        << v.rules_version << " (" << v.created_by << ")"
        << (v.reason.empty() ? "" : " — " + v.reason) << "\n";
      // Stored as {"input": …, "result": …} by station/evaluation: print the summary and, clause
      // by clause, why (the explanation in the output language).
      const auto stored = nlohmann::json::parse(v.result_json, nullptr, false);
      const char* lang = ctx.turkish() ? "tr" : "en";
      if (stored.is_object() && stored.contains("result")) {
        const auto& res = stored["result"];
        if (res.contains("summary") && res["summary"].contains(lang)) {
          o << "  " << res["summary"][lang].get<std::string>() << "\n";
        }
        if (res.contains("ek2") && res["ek2"].contains("rules")) {
          for (const auto& hit : res["ek2"]["rules"]) {
            if (hit.contains("explanation") && hit["explanation"].contains(lang)) {
              o << "   - " << hit["explanation"][lang].get<std::string>() << "\n";
            }
          }
        }
        if (res.contains("incomplete")) {
          for (const auto& m : res["incomplete"]) {
            o << "   ! " << m.value("clause", std::string()) << ": "
              << m["reason"].value(lang, std::string()) << "\n";
          }
        }
      }
    }
  });

  auto acc_id = std::make_shared<std::int64_t>(0);
  auto acc_reason = std::make_shared<std::string>();
  auto* acc = exam->add_subcommand(
      "accept-interrupted",
      "Accept an interrupted session for evaluation, with a reason (physician only; a new "
      "result version)");
  acc->add_option("id", *acc_id, "Exam id")->required();
  acc->add_option("--reason", *acc_reason, "Why the interrupted session may be used")->required();
  acc->callback([&ctx, acc_id, acc_reason] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db_as({"physician"}, N_("accept an interrupted session"));
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto r = accept_interrupted(**db, *acc_id, *acc_reason, ctx.opts.user);
    if (!r) return (void)ctx.fail(r.error());
    if (ctx.json()) {
      ctx.out() << nlohmann::json{{"exam", *acc_id}, {"result", *r}, {"accepted_by", ctx.opts.user}}
                       .dump(2)
                << "\n";
    } else {
      ctx.out() << ctx.tr("Exam #") << *acc_id
                << ctx.tr(": interrupted session accepted (new result version ") << *r << ")\n";
    }
  });
}

}  // namespace odyo::station
