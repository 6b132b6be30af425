#include "station/surveillance/suspected.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "analysis/core/text.hpp"
#include "analysis/evaluation/model.hpp"
#include "analysis/spirometry/interpretation.hpp"
#include "station/auth/login.hpp"
#include "station/core/i18n.hpp"
#include "station/core/json_values.hpp"
#include "station/core/person_input.hpp"
#include "station/evaluation/decisions.hpp"
#include "station/records/chest_films.hpp"
#include "station/records/exams.hpp"
#include "station/records/job_history.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"
#include "station/surveillance/due.hpp"

namespace odyo::station::surveillance {
namespace sp = odyo::spirometry;
namespace ev = odyo::evaluation;
using nlohmann::json;

namespace {

// The id prefix of each kind (kFlagKinds order).
constexpr const char* kPrefixes[] = {"HL", "FEV", "OBS", "RES", "EK2", "ILO"};
enum Kind { kHearing, kFev1, kObstruction, kRestriction, kEk2, kFilm };

std::string flag_id_of(Kind k, std::int64_t record) {
  return std::string(kPrefixes[k]) + "-" + std::to_string(record);
}

std::string num(double v, int decimals) {
  return fmt::format("{:.{}f}", v, decimals);
}
std::string num_or_dash(const std::optional<double>& v, int decimals) {
  return v ? num(*v, decimals) : std::string("-");
}
Error yes_no(bool b) {
  return b ? make_error({}, "yes") : make_error({}, "no");
}

// A signed exam: its latest result version carries a signature that verifies.
struct SignedExam {
  Exam exam;
  std::string date;  // YYYY-MM-DD
  json payload;
  std::string signed_by;
};

Result<std::vector<SignedExam>> signed_exams(Database& db, std::int64_t worker_id) {
  auto exams = list_exams(db, worker_id);  // started_at, id
  if (!exams) return exams.error();
  std::vector<SignedExam> out;
  for (auto& e : *exams) {
    auto results = list_results(db, e.id);
    if (!results) return results.error();
    if (results->empty() || results->back().signatures.empty()) continue;
    json p = json::parse(results->back().payload_json, nullptr, false);
    if (!p.is_object()) continue;
    SignedExam s;
    s.date = e.started_at.substr(0, 10);
    s.signed_by = results->back().signatures.back().signer;
    s.exam = std::move(e);
    s.payload = std::move(p);
    out.push_back(std::move(s));
  }
  return out;
}

// A stored ATS/ERS 2022 pattern id as a word translated where it is shown.
Error pattern_word(const std::string& id) {
  if (id == sp::pattern_id(sp::Pattern::kNormal)) return make_error({}, "normal");
  if (id == sp::pattern_id(sp::Pattern::kObstruction)) return make_error({}, "obstruction");
  if (id == sp::pattern_id(sp::Pattern::kPossibleRestriction))
    return make_error({}, "possible restriction");
  if (id == sp::pattern_id(sp::Pattern::kPrism)) return make_error({}, "PRISm");
  if (id == sp::pattern_id(sp::Pattern::kMixed)) return make_error({}, "mixed pattern");
  return make_errorf({}, "\"{}\"", id);
}

Error state_word(FlagState s) {
  switch (s) {
    case FlagState::notified:
      return make_error({}, "notified");
    case FlagState::referred:
      return make_error({}, "referred");
    case FlagState::dismissed:
      return make_error({}, "dismissed");
    case FlagState::open:
      break;
  }
  return make_error({}, "open");
}

bool bool_at(const json& j, std::initializer_list<const char*> path) {
  const json* p = &j;
  for (const char* k : path) {
    if (!p->is_object() || !p->contains(k)) return false;
    p = &(*p)[k];
  }
  return p->is_boolean() && p->get<bool>();
}

Flag base_flag(Kind k, std::int64_t record, const std::string& source, const std::string& date,
               const Criterion& c) {
  Flag f;
  f.id = flag_id_of(k, record);
  f.kind = kFlagKinds[k];
  f.source = source;
  f.source_id = record;
  f.date = date;
  f.criterion = c;
  return f;
}

// --- noise-induced hearing loss -----------------------------------------------------------------

void hearing_flags(const SuspectedRules& rules, const std::vector<SignedExam>& exams,
                   std::vector<Flag>& out) {
  const auto& c = rules.hearing;
  for (const auto& s : exams) {
    if (s.exam.kind != "audiometry") continue;
    const json& p = s.payload;
    const json sts = p.contains("sts") ? p["sts"] : json();
    std::map<std::string, bool> fired{
        {"sts", bool_at(sts, {"right", "sts"}) || bool_at(sts, {"left", "sts"})},
        {"sts_age_corrected", bool_at(sts, {"right", "sts_age_corrected"}) ||
                                  bool_at(sts, {"left", "sts_age_corrected"})},
        {"recordable", bool_at(sts, {"recordable"})},
        {"notch",
         bool_at(p, {"right", "notch", "present"}) || bool_at(p, {"left", "notch", "present"})}};
    std::vector<std::string> triggered;
    for (const auto& t : c.flag_on)
      if (fired[t]) triggered.push_back(t);
    if (triggered.empty()) continue;
    Flag f = base_flag(kHearing, s.exam.id, "exam", s.date, c);
    json evidence = {{"exam_id", s.exam.id},
                     {"date", s.date},
                     {"signed_by", s.signed_by},
                     {"triggered_by", triggered},
                     {"recordable", bool_at(sts, {"recordable"})},
                     {"age_correction_table",
                      sts.is_object() ? sts.value("age_correction_table", "") : std::string()}};
    f.evidence_text.push_back(
        make_errorf({}, "Audiometry exam {} of {}, signed by {}", s.exam.id, s.date, s.signed_by));
    for (const char* ear : {"right", "left"}) {
      const json e = sts.is_object() && sts.contains(ear) ? sts[ear] : json();
      const json notch = p.contains(ear) && p[ear].contains("notch") ? p[ear]["notch"] : json();
      json ej = {{"mean_shift_db", json_or_null(number_at(e, {"mean_shift_db"}))},
                 {"mean_shift_age_corrected_db",
                  json_or_null(number_at(e, {"mean_shift_age_corrected_db"}))},
                 {"sts", bool_at(e, {"sts"})},
                 {"sts_age_corrected", bool_at(e, {"sts_age_corrected"})},
                 {"recordable", bool_at(e, {"recordable"})},
                 {"current_mean_2k3k4k_db", json_or_null(number_at(e, {"current_mean_2k3k4k_db"}))},
                 {"baseline_exam_id", json_or_null(number_at(e, {"baseline_exam_id"}))},
                 {"notch", bool_at(notch, {"present"})},
                 {"notch_hz", json_or_null(number_at(notch, {"frequency_hz"}))},
                 {"notch_depth_db", json_or_null(number_at(notch, {"depth_db"}))}};
      evidence[ear] = ej;
      const Error side =
          std::string(ear) == "right" ? make_error({}, "Right ear") : make_error({}, "Left ear");
      if (auto shift = number_at(e, {"mean_shift_db"})) {
        f.evidence_text.push_back(make_errorf(
            {},
            "{}: mean shift at 2, 3, 4 kHz {} dB (age-corrected {} dB) against the baseline of "
            "exam {}; STS {}, age-corrected STS {}, recordable {}",
            side, num(*shift, 1), num_or_dash(number_at(e, {"mean_shift_age_corrected_db"}), 1),
            num_or_dash(number_at(e, {"baseline_exam_id"}), 0), yes_no(bool_at(e, {"sts"})),
            yes_no(bool_at(e, {"sts_age_corrected"})), yes_no(bool_at(e, {"recordable"}))));
      } else {
        f.evidence_text.push_back(make_errorf({}, "{}: no threshold shift computed", side));
      }
      if (bool_at(notch, {"present"}))
        f.evidence_text.push_back(make_errorf({}, "{}: noise notch at {} Hz, {} dB deep", side,
                                              num_or_dash(number_at(notch, {"frequency_hz"}), 0),
                                              num_or_dash(number_at(notch, {"depth_db"}), 1)));
    }
    f.evidence = std::move(evidence);
    out.push_back(std::move(f));
  }
}

// --- spirometry: FEV1 decline, new obstruction or restriction --------------------------------

struct Lung {
  const SignedExam* s = nullptr;
  std::optional<double> fev1_l, fvc_l, ratio, ratio_lln, fvc_lln, fev1_z, ratio_z, fvc_z, age;
  std::string pattern;
};

Lung lung_of(const SignedExam& s) {
  Lung l;
  l.s = &s;
  const json& p = s.payload;
  l.fev1_l = number_at(p, {"session", "fev1_l"});
  l.fvc_l = number_at(p, {"session", "fvc_l"});
  l.ratio = number_at(p, {"session", "fev1_fvc"});
  l.ratio_lln = number_at(p, {"reference", "params", "FEV1FVC", "lln"});
  l.fvc_lln = number_at(p, {"reference", "params", "FVC", "lln"});
  l.fev1_z = number_at(p, {"reference", "params", "FEV1", "z"});
  l.fvc_z = number_at(p, {"reference", "params", "FVC", "z"});
  l.ratio_z = number_at(p, {"reference", "params", "FEV1FVC", "z"});
  l.age = number_at(p, {"reference", "age_years"});
  if (p.contains("interpretation") && p["interpretation"].is_object())
    l.pattern = p["interpretation"].value("pattern", std::string());
  return l;
}

double years_between(const std::string& a, const std::string& b) {
  return days_between(a, b) / 365.25;
}

void fev1_flags(const SuspectedRules& rules, const std::vector<Lung>& lungs,
                std::vector<Flag>& out) {
  const auto& c = rules.fev1_decline;
  for (std::size_t j = 1; j < lungs.size(); ++j) {
    const Lung& now = lungs[j];
    if (!now.fev1_l) continue;
    // The earlier exam giving the steepest loss a year within the window.
    const Lung* worst = nullptr;
    sp::YearlyDecline worst_d;
    double worst_years = 0;
    for (std::size_t i = 0; i < j; ++i) {
      const Lung& then = lungs[i];
      if (!then.fev1_l) continue;
      const double years = years_between(then.s->date, now.s->date);
      if (years < c.min_years_between || years > c.window_years || years <= 0) continue;
      auto d = sp::fev1_yearly_decline(*then.fev1_l, *now.fev1_l, years);
      if (!d) continue;
      if (worst == nullptr || d->pct_per_year > worst_d.pct_per_year) {
        worst = &then;
        worst_d = *d;
        worst_years = years;
      }
    }
    // The change score against the previous signed exam, where its model holds.
    const Lung& prev = lungs[j - 1];
    std::optional<sp::ChangeScore> cs;
    std::optional<Error> cs_not;
    const double prev_years = years_between(prev.s->date, now.s->date);
    if (prev.fev1_z && now.fev1_z && prev.age) {
      auto r = sp::conditional_change_score(*prev.fev1_z, *now.fev1_z, prev_years, *prev.age);
      if (r)
        cs = *r;
      else
        cs_not = r.error();
    }
    const bool by_loss = worst != nullptr && worst_d.pct_per_year > c.limit_pct_per_year;
    const bool by_score = cs && cs->score < -c.change_score_limit;
    if (!by_loss && !by_score) continue;
    Flag f = base_flag(kFev1, now.s->exam.id, "exam", now.s->date, c);
    json evidence = {{"exam_id", now.s->exam.id},
                     {"date", now.s->date},
                     {"signed_by", now.s->signed_by},
                     {"fev1_l", *now.fev1_l},
                     {"limit_pct_per_year", c.limit_pct_per_year},
                     {"change_score_limit", c.change_score_limit}};
    if (worst != nullptr) {
      evidence["against"] = {{"exam_id", worst->s->exam.id},
                             {"date", worst->s->date},
                             {"fev1_l", *worst->fev1_l},
                             {"years", worst_years},
                             {"loss_ml", -worst_d.change_l * 1000.0},
                             {"loss_ml_per_year", -worst_d.change_l * 1000.0 / worst_years},
                             {"loss_pct_per_year", worst_d.pct_per_year}};
      f.evidence_text.push_back(make_errorf(
          {},
          "FEV1 {} L on {} (exam {}) against {} L on {} (exam {}), {} years earlier: loss {} mL, "
          "{} mL a year, {} % a year (limit {} %)",
          num(*now.fev1_l, 2), now.s->date, now.s->exam.id, num(*worst->fev1_l, 2), worst->s->date,
          worst->s->exam.id, num(worst_years, 1), num(-worst_d.change_l * 1000.0, 0),
          num(-worst_d.change_l * 1000.0 / worst_years, 0), num(worst_d.pct_per_year, 1),
          num(c.limit_pct_per_year, 1)));
    }
    if (cs) {
      evidence["change_score"] = {{"against_exam_id", prev.s->exam.id},
                                  {"z_before", *prev.fev1_z},
                                  {"z_now", *now.fev1_z},
                                  {"r", cs->r},
                                  {"score", cs->score}};
      f.evidence_text.push_back(make_errorf(
          {}, "Conditional change score of FEV1 z against exam {}: {} (z {} → {}; limit -{})",
          prev.s->exam.id, num(cs->score, 2), num(*prev.fev1_z, 2), num(*now.fev1_z, 2),
          num(c.change_score_limit, 2)));
    } else if (cs_not) {
      evidence["change_score"] = {{"against_exam_id", prev.s->exam.id},
                                  {"not_applicable", cs_not->message}};
      f.evidence_text.push_back(make_errorf({}, "Conditional change score not used: {}", *cs_not));
    }
    f.evidence = std::move(evidence);
    out.push_back(std::move(f));
  }
}

bool obstructive(const std::string& pattern) {
  return pattern == sp::pattern_id(sp::Pattern::kObstruction) ||
         pattern == sp::pattern_id(sp::Pattern::kMixed);
}
bool restrictive(const std::string& pattern) {
  return pattern == sp::pattern_id(sp::Pattern::kPossibleRestriction);
}

void pattern_flags(const SuspectedRules& rules, const std::vector<Lung>& lungs,
                   std::vector<Flag>& out) {
  for (std::size_t j = 1; j < lungs.size(); ++j) {
    const Lung& now = lungs[j];
    const Lung& prev = lungs[j - 1];
    if (now.pattern.empty() || prev.pattern.empty()) continue;
    const bool obs = obstructive(now.pattern) && !obstructive(prev.pattern);
    const bool res = restrictive(now.pattern) && !restrictive(prev.pattern);
    if (!obs && !res) continue;
    Flag f =
        obs ? base_flag(kObstruction, now.s->exam.id, "exam", now.s->date, rules.new_obstruction)
            : base_flag(kRestriction, now.s->exam.id, "exam", now.s->date, rules.new_restriction);
    auto side = [](const Lung& l) {
      return json{{"exam_id", l.s->exam.id},
                  {"date", l.s->date},
                  {"pattern", l.pattern},
                  {"fev1_fvc", json_or_null(l.ratio)},
                  {"fev1_fvc_lln", json_or_null(l.ratio_lln)},
                  {"fev1_fvc_z", json_or_null(l.ratio_z)},
                  {"fvc_l", json_or_null(l.fvc_l)},
                  {"fvc_lln_l", json_or_null(l.fvc_lln)},
                  {"fvc_z", json_or_null(l.fvc_z)}};
    };
    f.evidence = {{"exam_id", now.s->exam.id},
                  {"signed_by", now.s->signed_by},
                  {"now", side(now)},
                  {"previous", side(prev)}};
    auto line = [&](const Lung& l) {
      return make_errorf({}, "Exam {} of {}: FEV1/FVC {} (LLN {}), FVC {} L (LLN {} L), pattern {}",
                         l.s->exam.id, l.s->date, num_or_dash(l.ratio, 2),
                         num_or_dash(l.ratio_lln, 2), num_or_dash(l.fvc_l, 2),
                         num_or_dash(l.fvc_lln, 2), pattern_word(l.pattern));
    };
    f.evidence_text.push_back(line(now));
    f.evidence_text.push_back(make_errorf({}, "Previous signed exam: {}", line(prev)));
    out.push_back(std::move(f));
  }
}

// --- Ek-2 column ------------------------------------------------------------------------------

struct SignedDecision {
  std::int64_t chain = 0;  // the chain's first row
  std::string date;        // the exam's day, else the chain's first day
  evaluation::StoredEvaluation in_force;
  ev::Column column = ev::Column::A;
};

Result<void> ek2_flags(Database& db, const SuspectedRules& rules, std::int64_t worker_id,
                       std::vector<Flag>& out) {
  auto st = db.prepare("SELECT id, supersedes_id FROM evaluations WHERE worker_id = ? ORDER BY id");
  if (!st) return st.error();
  st->bind(1, worker_id);
  std::map<std::int64_t, std::int64_t> root;  // row → chain's first row
  std::vector<std::int64_t> roots;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    const auto id = st->int64(0);
    const auto sup = st->opt_int64(1);
    root[id] = sup && root.count(*sup) ? root[*sup] : id;
    if (root[id] == id) roots.push_back(id);
  }
  std::vector<SignedDecision> decisions;
  for (auto r : roots) {
    auto chain = evaluation::evaluation_chain(db, r);
    if (!chain) return chain.error();
    if (chain->empty()) continue;
    const auto& in_force = evaluation::decision_in_force(*chain);
    if (in_force.kind != "confirm" && in_force.kind != "override") continue;  // not signed
    if (!in_force.ek2_column) continue;
    auto col = ev::parse_column(*in_force.ek2_column);
    if (!col) continue;
    SignedDecision d;
    d.chain = r;
    d.in_force = in_force;
    d.column = *col;
    d.date = chain->front().created_at.substr(0, 10);
    if (chain->front().exam_id) {
      if (auto e = get_exam(db, *chain->front().exam_id)) d.date = e->started_at.substr(0, 10);
    }
    decisions.push_back(std::move(d));
  }
  std::stable_sort(decisions.begin(), decisions.end(),
                   [](const SignedDecision& a, const SignedDecision& b) {
                     return std::tie(a.date, a.chain) < std::tie(b.date, b.chain);
                   });
  for (std::size_t j = 1; j < decisions.size(); ++j) {
    const auto& now = decisions[j];
    const auto& prev = decisions[j - 1];
    if (static_cast<int>(now.column) <= static_cast<int>(prev.column)) continue;
    Flag f = base_flag(kEk2, now.chain, "evaluation", now.date, rules.ek2_worse);
    auto side = [](const SignedDecision& d) {
      return json{{"evaluation_id", d.in_force.id},
                  {"chain", d.chain},
                  {"date", d.date},
                  {"kind", d.in_force.kind},
                  {"ek2_column", ev::column_name(d.column)},
                  {"health_group", json_or_null(d.in_force.health_group)},
                  {"by", d.in_force.created_by},
                  {"reason", d.in_force.reason}};
    };
    f.evidence = {{"now", side(now)}, {"previous", side(prev)}};
    f.evidence_text.push_back(make_errorf(
        {}, "Ek-2 column {} (evaluation {} of {}, {} by {}) after column {} (evaluation {} of {})",
        ev::column_name(now.column), now.in_force.id, now.date,
        now.in_force.kind == "override" ? make_error({}, "overridden")
                                        : make_error({}, "confirmed"),
        now.in_force.created_by, ev::column_name(prev.column), prev.in_force.id, prev.date));
    out.push_back(std::move(f));
  }
  return {};
}

// --- chest films --------------------------------------------------------------------------------

Result<void> film_flags(Database& db, const SuspectedRules& rules, std::int64_t worker_id,
                        std::vector<Flag>& out) {
  auto films = list_chest_films(db, worker_id);
  if (!films) return films.error();
  std::set<std::int64_t> superseded;
  for (const auto& f : *films)
    if (f.supersedes_id) superseded.insert(*f.supersedes_id);
  const auto& c = rules.chest_film;
  for (const auto& film : *films) {
    if (superseded.count(film.id)) continue;
    const int a = ilo_major_category(film.ilo_a).value_or(0);
    const int b = film.ilo_b ? ilo_major_category(*film.ilo_b).value_or(0) : 0;
    if (std::max(a, b) < c.min_ilo_category) continue;
    Flag f = base_flag(kFilm, film.id, "chest_film", film.taken_on, c);
    f.evidence = {{"film_id", film.id},
                  {"date", film.taken_on},
                  {"reader_a", film.reader_a},
                  {"ilo_a", film.ilo_a},
                  {"reader_b", json_or_null(film.reader_b)},
                  {"ilo_b", json_or_null(film.ilo_b)},
                  {"quality", json_or_null(film.quality)},
                  {"min_ilo_category", c.min_ilo_category},
                  {"referred", film.referred}};
    f.evidence_text.push_back(
        make_errorf({}, "Chest film {} of {}: reader A {} reads {}, reader B {} reads {}", film.id,
                    film.taken_on, film.reader_a, film.ilo_a, film.reader_b.value_or("-"),
                    film.ilo_b.value_or("-")));
    if (film.referred) {
      // The referral recorded with the film is the flag's first action.
      f.actions.push_back(
          {0, f.id, "refer", film.referral_reason, film.created_at, film.created_by});
    }
    out.push_back(std::move(f));
  }
  return {};
}

// --- actions ------------------------------------------------------------------------------------

Result<std::map<std::string, std::vector<FlagAction>>> stored_actions(
    Database& db, std::optional<std::int64_t> worker_id) {
  auto st = db.prepare(
      "SELECT id, flag_id, action, reason, created_at, created_by FROM flag_actions "
      "WHERE (?1 IS NULL OR worker_id = ?1) ORDER BY id");
  if (!st) return st.error();
  st->bind(1, worker_id);
  std::map<std::string, std::vector<FlagAction>> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    FlagAction a{st->int64(0), st->text(1), st->text(2), st->text(3), st->text(4), st->text(5)};
    out[a.flag_id].push_back(std::move(a));
  }
  return out;
}

FlagState state_of(const std::vector<FlagAction>& actions) {
  if (actions.empty()) return FlagState::open;
  const auto& a = actions.back().action;
  if (a == "notify") return FlagState::notified;
  if (a == "refer") return FlagState::referred;
  return FlagState::dismissed;
}

// Every flag of one worker, in whatever state.
Result<std::vector<Flag>> worker_flags(Database& db, const SuspectedRules& rules,
                                       std::int64_t worker_id) {
  std::vector<Flag> flags;
  auto exams = signed_exams(db, worker_id);
  if (!exams) return exams.error();
  hearing_flags(rules, *exams, flags);
  std::vector<Lung> lungs;
  for (const auto& s : *exams)
    if (s.exam.kind == "spirometry") lungs.push_back(lung_of(s));
  fev1_flags(rules, lungs, flags);
  pattern_flags(rules, lungs, flags);
  if (auto r = ek2_flags(db, rules, worker_id, flags); !r) return r.error();
  if (auto r = film_flags(db, rules, worker_id, flags); !r) return r.error();
  return flags;
}

// The worker a flag id points at (through its record), or an error naming the id.
Result<std::int64_t> worker_of_flag(Database& db, const std::string& flag_id) {
  auto unknown = [&] {
    return make_errorf("flag_unknown",
                       "there is no flag {}: flag ids look like HL-12, FEV-12, OBS-12, RES-12, "
                       "EK2-3 or ILO-5; see odyospiro report suspected",
                       flag_id);
  };
  const auto dash = flag_id.find('-');
  if (dash == std::string::npos || dash + 1 >= flag_id.size()) return unknown();
  const std::string prefix = flag_id.substr(0, dash);
  const std::string digits = flag_id.substr(dash + 1);
  if (digits.size() > 18 ||
      !std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
    return unknown();
  const std::int64_t record = std::stoll(digits);
  const char* sql = nullptr;
  if (prefix == "HL" || prefix == "FEV" || prefix == "OBS" || prefix == "RES")
    sql = "SELECT worker_id FROM exams WHERE id = ?";
  else if (prefix == "EK2")
    sql = "SELECT worker_id FROM evaluations WHERE id = ?";
  else if (prefix == "ILO")
    sql = "SELECT worker_id FROM chest_films WHERE id = ?";
  else
    return unknown();
  auto st = db.prepare(sql);
  if (!st) return st.error();
  st->bind(1, record);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r) return unknown();
  return st->int64(0);
}

// The proven user must be a physician; a refusal is audited (station/auth/login).
Result<void> require_physician(Database& db, const std::string& actor, const char* what) {
  auto user = find_user(db, actor);
  if (!user) return user.error();
  return require_role(db, *user, {"physician"}, what);
}

}  // namespace

const char* flag_state_name(FlagState s) {
  switch (s) {
    case FlagState::notified:
      return "notified";
    case FlagState::referred:
      return "referred";
    case FlagState::dismissed:
      return "dismissed";
    case FlagState::open:
      break;
  }
  return "open";
}

Result<SuspectedReport> compute_suspected(
    Database& db, const SuspectedRules& rules, const SuspectedQuery& q,
    const std::function<void(std::size_t, std::size_t)>& progress) {
  SuspectedReport report;
  report.rules_version = rules.version;
  auto names = worker_names(db);
  if (!names) return names.error();
  auto history = all_job_history(db);
  if (!history) return history.error();
  std::map<std::int64_t, std::string> establishment;  // current: the latest period
  for (const auto& p : *history) establishment[p.worker_id] = p.establishment;

  std::vector<std::int64_t> ids;
  for (const auto& [id, w] : *names) {
    if (q.worker_id && *q.worker_id != id) continue;
    if (!q.establishment.empty() && establishment[id] != q.establishment) continue;
    ids.push_back(id);
  }
  auto actions = stored_actions(db, q.worker_id);
  if (!actions) return actions.error();
  std::size_t done = 0;
  for (auto id : ids) {
    auto flags = worker_flags(db, rules, id);
    if (!flags) return flags.error();
    const auto& w = names->at(id);
    for (auto& f : *flags) {
      if (auto it = actions->find(f.id); it != actions->end())
        f.actions.insert(f.actions.end(), it->second.begin(), it->second.end());
      f.state = state_of(f.actions);
      if (q.open_only && f.state != FlagState::open) continue;
      f.worker_id = id;
      f.registry_no = w.registry_no;
      f.first_name = w.first_name;
      f.last_name = w.last_name;
      f.establishment = establishment[id];
      report.flags.push_back(std::move(f));
    }
    ++report.workers_checked;
    if (progress && (++done % 100 == 0 || done == ids.size())) progress(done, ids.size());
  }
  std::stable_sort(report.flags.begin(), report.flags.end(), [](const Flag& a, const Flag& b) {
    return std::tie(a.establishment, a.registry_no, a.date, a.id) <
           std::tie(b.establishment, b.registry_no, b.date, b.id);
  });
  return report;
}

Result<Flag> find_flag(Database& db, const SuspectedRules& rules, const std::string& flag_id) {
  auto worker = worker_of_flag(db, flag_id);
  if (!worker) return worker.error();
  SuspectedQuery q;
  q.worker_id = *worker;
  q.open_only = false;
  auto report = compute_suspected(db, rules, q);
  if (!report) return report.error();
  for (auto& f : report->flags)
    if (f.id == flag_id) return std::move(f);
  return make_errorf("flag_unknown",
                     "there is no flag {}: its record gives no finding under the criteria of "
                     "suspected.toml; see odyospiro report suspected",
                     flag_id);
}

Result<Flag> act_on_flag(Database& db, const SuspectedRules& rules, const std::string& flag_id,
                         const std::string& action, const std::string& reason,
                         const std::string& actor) {
  if (auto r = require_physician(db, actor, N_("act on a suspected-disease flag")); !r)
    return r.error();
  if (action != "notify" && action != "refer" && action != "dismiss")
    return make_errorf("flag_invalid", "unknown action \"{}\"; allowed: notify, refer, dismiss",
                       action);
  if (action == "dismiss") {
    if (auto t = text::check_free_text(reason, N_("--reason"), {text::kMaxReasonChars, true}); !t)
      return make_errorf("flag_invalid", "a flag is dismissed only with a reason: {}", t.error());
  } else if (auto t = text::check_free_text(reason, N_("--reason"), {text::kMaxReasonChars, false});
             !t) {
    return t.error();
  }
  auto flag = find_flag(db, rules, flag_id);
  if (!flag) return flag.error();
  if (flag->state == FlagState::dismissed) {
    const auto& last = flag->actions.back();
    return make_errorf("flag_state", "flag {} was dismissed by {} at {} ({}); nothing changed",
                       flag_id, last.created_by, last.created_at, last.reason);
  }
  if ((action == "notify" && flag->state == FlagState::notified) ||
      (action == "refer" && flag->state == FlagState::referred))
    return make_errorf("flag_state", "flag {} is already {}; nothing changed", flag_id,
                       state_word(flag->state));

  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto ins = db.prepare(
      "INSERT INTO flag_actions(flag_id,worker_id,action,reason,evidence,created_at,created_by) "
      "VALUES (?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  const json shown = flag_json(*flag, i18n::catalog("en"));
  const std::string at = utc_now_iso();
  ins->bind(1, flag_id).bind(2, flag->worker_id).bind(3, action).bind(4, reason);
  ins->bind(5, shown.dump()).bind(6, at).bind(7, actor);
  if (auto r = ins->run(); !r) return r.error();
  const auto id = db.last_insert_id();
  json details{
      {"flag_id", flag_id}, {"worker_id", flag->worker_id}, {"action", action}, {"reason", reason}};
  if (auto r = audit_append(db, {actor, "flag." + action, "flag_actions", id, details.dump()}); !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  flag->actions.push_back({id, flag_id, action, reason, at, actor});
  flag->state = state_of(flag->actions);
  return flag;
}

json flag_json(const Flag& f, const i18n::Catalog& catalog) {
  json text = json::array();
  for (const auto& e : f.evidence_text) text.push_back(catalog.localize(e));
  json actions = json::array();
  for (const auto& a : f.actions)
    actions.push_back({{"id", a.id == 0 ? json(nullptr) : json(a.id)},
                       {"action", a.action},
                       {"reason", a.reason},
                       {"at", a.created_at},
                       {"by", a.created_by}});
  const bool tr = catalog.turkish();
  return {{"id", f.id},
          {"kind", f.kind},
          {"state", flag_state_name(f.state)},
          {"worker",
           {{"id", f.worker_id},
            {"registry_no", f.registry_no},
            {"first_name", f.first_name},
            {"last_name", f.last_name},
            {"establishment", f.establishment}}},
          {"date", f.date},
          {"source", {{"kind", f.source}, {"id", f.source_id}}},
          {"title", tr ? f.criterion.title_tr : f.criterion.title_en},
          {"criterion",
           {{"text", tr ? f.criterion.criterion_tr : f.criterion.criterion_en},
            {"citation", f.criterion.citation},
            {"provisional", f.criterion.provisional}}},
          {"evidence", f.evidence},
          {"evidence_text", text},
          {"actions", actions}};
}

}  // namespace odyo::station::surveillance
