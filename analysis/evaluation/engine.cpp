#include "analysis/evaluation/engine.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace odyo::evaluation {
namespace {

struct Reason {
  std::string tr, en;
};
using Unusable = std::map<std::string, Reason, std::less<>>;

std::string value_text(const Value& v, bool turkish) {
  if (const auto* b = std::get_if<bool>(&v))
    return *b ? (turkish ? "evet" : "yes") : (turkish ? "hayır" : "no");
  return format_value(v);
}

const Value* find(const Inputs& in, std::string_view name) {
  auto it = in.find(name);
  if (it == in.end() || std::holds_alternative<std::monostate>(it->second)) return nullptr;
  return &it->second;
}

std::optional<double> number(const Inputs& in, std::string_view name) {
  const Value* v = find(in, name);
  if (v == nullptr) return std::nullopt;
  if (const auto* d = std::get_if<double>(v)) return *d;
  return std::nullopt;
}

bool is_true(const Inputs& in, std::string_view name) {
  const Value* v = find(in, name);
  const auto* b = v ? std::get_if<bool>(v) : nullptr;
  return b != nullptr && *b;
}

// Inputs that are present but must not be used, with the reason.
Unusable find_unusable(const Inputs& in) {
  Unusable u;
  for (const char* ear : {"right", "left"}) {
    const std::string flag = std::string("hearing.") + ear + "_pta_no_response";
    if (is_true(in, flag)) {
      const bool right = std::string_view(ear) == "right";
      Reason r{
          std::string(right ? "sağ" : "sol") +
              " kulak ortalamasının içinde yanıt alınamayan bir nokta var; ortalama kullanılamaz, "
              "odyogramı tekrarlayın",
          std::string("a no-response point lies inside the ") + ear +
              "-ear average, so the average is unusable; repeat the audiogram"};
      u[std::string("hearing.") + ear + "_pta_db"] = r;
      u[std::string("derived.") + ear + "_hearing_loss_pct"] = r;
    }
  }
  const bool any_spiro = std::any_of(in.begin(), in.end(), [](const auto& kv) {
    return kv.first.rfind("spirometry.", 0) == 0 &&
           !std::holds_alternative<std::monostate>(kv.second);
  });
  if (!any_spiro) return u;
  auto grade_ok = [&](const char* key, Reason& why) {
    const Value* v = find(in, key);
    const auto* s = v ? std::get_if<std::string>(v) : nullptr;
    if (s == nullptr) {
      why = {std::string("spirometri kalite derecesi (") + key + ") verilmemiş; derece A-C olmalı",
             std::string("the spirometry quality grade (") + key +
                 ") is missing; grade A-C is needed"};
      return false;
    }
    for (const char* g : kUsableSpirometryGrades)
      if (*s == g) return true;
    why = {"spirometri kalite derecesi " + *s + " (" + key +
               "); C'den düşük derece yorumlanamaz, testi tekrarlayın",
           "spirometry quality grade " + *s + " (" + key +
               ") is below C and cannot be interpreted (ATS/ERS 2019); repeat the test"};
    return false;
  };
  Reason why_fvc, why_fev1;
  const bool fvc_ok = grade_ok("spirometry.grade_fvc", why_fvc);
  const bool fev1_ok = grade_ok("spirometry.grade_fev1", why_fev1);
  if (!fvc_ok) u["spirometry.fvc_pctpred"] = why_fvc;
  if (!fev1_ok) u["spirometry.fev1_pctpred"] = why_fev1;
  if (!fvc_ok || !fev1_ok) {
    const Reason& r = fvc_ok ? why_fev1 : why_fvc;
    for (const char* k :
         {"spirometry.fev1_fvc", "spirometry.fef2575_lps", "spirometry.fef2575_pctpred"})
      u[k] = r;
  }
  return u;
}

Reason missing_reason(std::string_view input) {
  const std::string name(input);
  if (input.rfind("hearing.", 0) == 0)
    return {"odyogram yok ya da eksik (" + name + " verilmemiş); işitme testini yapın",
            "no audiogram or an incomplete one (" + name + " missing); run the hearing test"};
  if (input.rfind("spirometry.", 0) == 0)
    return {
        "spirometri yok ya da eksik (" + name + " verilmemiş); solunum testini yapın",
        "no spirometry or an incomplete one (" + name + " missing); run the lung-function test"};
  if (input.rfind("checklist.", 0) == 0)
    return {"hekim kontrol listesinde " + name + " yanıtlanmamış",
            "the physician's checklist item " + name + " is not answered"};
  if (input.rfind("derived.", 0) == 0)
    return {name + " hesaplanamadı (gereken ölçümler eksik)",
            name + " could not be computed (its measurements are missing)"};
  return {"bulgu kaydedilmemiş: " + name, "finding not recorded: " + name};
}

// Checks that an input can be read: present, usable, of the right type, inside the domain.
std::optional<Reason> input_problem(const std::string& name, const Inputs& in,
                                    const Unusable& unusable, const std::vector<Domain>& domain) {
  if (auto it = unusable.find(name); it != unusable.end()) return it->second;
  const Value* v = find(in, name);
  if (v == nullptr) return missing_reason(name);
  for (const auto& d : domain) {
    if (d.input != name) continue;
    if (!d.values.empty()) {
      const auto* s = std::get_if<std::string>(v);
      if (s == nullptr || std::find(d.values.begin(), d.values.end(), *s) == d.values.end()) {
        std::string allowed;
        for (const auto& w : d.values) allowed += (allowed.empty() ? "" : ", ") + w;
        return Reason{name + " = " + format_value(*v) + " tanınmıyor; izin verilenler: " + allowed,
                      name + " = " + format_value(*v) + " is not recognised; allowed: " + allowed};
      }
    } else {
      const auto* x = std::get_if<double>(v);
      if (x == nullptr || !std::isfinite(*x))
        return Reason{name + " bir sayı olmalı", name + " must be a number"};
      if ((d.min && *x < *d.min) || (d.max && *x > *d.max)) {
        const std::string range =
            format_number(*d.min) + "…" + format_number(*d.max) + " " + d.unit;
        return Reason{name + " = " + format_number(*x) + " tablo aralığının (" + range +
                          ") dışında; ölçümü kontrol edin",
                      name + " = " + format_number(*x) + " is outside the table's range (" + range +
                          "); check the measurement"};
      }
    }
  }
  return std::nullopt;
}

std::string fill(const std::string& tmpl, const Inputs& in, bool turkish) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size();) {
    if (tmpl[i] == '{') {
      auto close = tmpl.find('}', i);
      if (close != std::string::npos) {
        const std::string name = tmpl.substr(i + 1, close - i - 1);
        const Value* v = find(in, name);
        out += v ? value_text(*v, turkish) : "?";
        i = close + 1;
        continue;
      }
    }
    out += tmpl[i++];
  }
  return out;
}

std::vector<std::pair<std::string, Value>> read_inputs(const std::vector<std::string>& names,
                                                       const Inputs& in) {
  std::vector<std::pair<std::string, Value>> out;
  for (const auto& n : names) {
    const Value* v = find(in, n);
    out.emplace_back(n, v ? *v : Value{});
  }
  return out;
}

std::string groups_text(const std::vector<int>& g, bool turkish) {
  std::string s;
  for (std::size_t i = 0; i < g.size(); ++i) {
    s += (i ? ", " : "") + std::to_string(g[i]);
    if (turkish) s += ".";
  }
  return s;
}

void add_provisional(Evaluation& e, const std::string& citation) {
  if (std::find(e.provisional_used.begin(), e.provisional_used.end(), citation) ==
      e.provisional_used.end())
    e.provisional_used.push_back(citation);
}

// The clauses of a condition that do not hold, for a failure message.
std::pair<std::string, std::string> unmet(const Condition& cond, const Inputs& in) {
  std::string tr, en;
  for (std::size_t k = 0; k < cond.size(); ++k) {
    if (k) {
      tr += "; ya da ";
      en += "; or ";
    }
    bool first = true;
    for (const auto& cl : cond[k]) {
      static const Value kMissing{};
      const Value* v = find(in, cl.input);
      auto r = cl.test.holds(v ? *v : kMissing);
      if (r && *r) continue;
      const std::string t = cl.input + " = " + (v ? format_value(*v, true) : "?") + ", gerekli " +
                            cl.test.describe(true);
      const std::string e = cl.input + " = " + (v ? format_value(*v, false) : "?") + ", required " +
                            cl.test.describe(false);
      tr += (first ? "" : ", ") + t;
      en += (first ? "" : ", ") + e;
      first = false;
    }
  }
  return {tr, en};
}

void evaluate_ek2(const RuleSet& rules, const Inputs& in, const Unusable& unusable, Evaluation& e) {
  for (const auto& rule : rules.ek2) {
    if (!rule.applies_if.empty()) {
      auto a = holds(rule.applies_if, in);
      if (!a) {
        for (const auto& cl : rule.applies_if) {
          if (find(in, cl.input) != nullptr) continue;
          Reason r = missing_reason(cl.input);
          e.incomplete.push_back(
              {rule.citation, cl.input, r.tr + " (" + rule.citation + " uygulanır mı?)",
               r.en + " (needed to know whether " + rule.citation + " applies)"});
        }
        continue;
      }
      if (!*a) continue;
    }
    bool ok = true;
    for (const auto& name : rule.inputs) {
      if (auto p = input_problem(name, in, unusable, rule.domain)) {
        e.incomplete.push_back({rule.citation, name, p->tr, p->en});
        ok = false;
      }
    }
    if (!ok) continue;

    std::vector<const Row*> hits;
    for (const auto& row : rule.rows) {
      auto r = holds(row.when, in);
      if (r && *r) hits.push_back(&row);
    }
    if (hits.empty()) {
      e.incomplete.push_back({rule.citation, "",
                              "bu değerleri kapsayan satır yok; kural tablosunu düzeltin",
                              "no row of the table covers these values; correct the rule table"});
      continue;
    }
    // The worst column among the rows that hold (a partitioned table gives one column).
    std::optional<Column> worst;
    for (const Row* r : hits)
      if (r->column && (!worst || *r->column > *worst)) worst = r->column;
    const auto values = read_inputs(rule.inputs, in);
    const std::string head_tr = fill(rule.explain_tr, in, true);
    const std::string head_en = fill(rule.explain_en, in, false);
    for (const Row* r : hits) {
      if (r->column != worst) continue;
      RowHit h;
      h.rule_id = rule.id;
      h.rule_citation = rule.citation;
      h.citation = r->citation;
      h.column = r->column;
      h.label_tr = r->label_tr;
      h.label_en = r->label_en;
      h.inputs = values;
      h.provisional = r->provisional || rule.provisional;
      const std::string prov_tr = h.provisional ? " (geçici kural)" : "";
      const std::string prov_en = h.provisional ? " (provisional rule)" : "";
      if (r->column) {
        h.explain_tr = head_tr + " → " + rule.citation + " " + column_name(*r->column) + " sütunu" +
                       prov_tr + " [" + r->label_tr + "]";
        h.explain_en = head_en + " → " + rule.citation + " column " + column_name(*r->column) +
                       prov_en + " [" + r->label_en + "]";
      } else {
        h.explain_tr = head_tr + " → " + rule.citation + ": bulgu yok, sütun belirlemez" + prov_tr;
        h.explain_en =
            head_en + " → " + rule.citation + ": finding absent, places no column" + prov_en;
      }
      if (h.provisional) add_provisional(e, r->citation);
      e.rules.push_back(std::move(h));
    }
  }
}

void evaluate_ek1(const RuleSet& rules, const EvaluationInput& input, const Inputs& in,
                  const Unusable& unusable, Evaluation& e) {
  e.ek1_applies = std::find(rules.ek1_purposes.begin(), rules.ek1_purposes.end(), input.purpose) !=
                  rules.ek1_purposes.end();
  if (!e.ek1_applies) {
    e.ek1_status = Status::NotApplicable;
    return;
  }
  bool any_fail = false, any_incomplete = false;
  for (const auto& item : rules.ek1) {
    Ek1ItemResult r;
    r.id = item.id;
    r.citation = item.citation;
    r.title_tr = item.title_tr;
    r.title_en = item.title_en;
    r.provisional = item.provisional;
    r.inputs = read_inputs(item.inputs, in);
    for (const auto& name : item.inputs)
      if (auto it = input.notes.find(name); it != input.notes.end()) r.note += it->second;
    const std::string head_tr = fill(item.explain_tr, in, true);
    const std::string head_en = fill(item.explain_en, in, false);

    std::optional<bool> applies =
        item.applies_if.empty() ? std::optional<bool>(true) : holds(item.applies_if, in);
    if (applies && !*applies) {
      r.status = Status::NotApplicable;
      r.explain_tr = head_tr + " → " + item.citation + " uygulanmaz";
      r.explain_en = head_en + " → " + item.citation + " does not apply";
      e.ek1_items.push_back(std::move(r));
      continue;
    }
    bool ok = true;
    if (!applies) {
      for (const auto& cl : item.applies_if)
        if (find(in, cl.input) == nullptr) {
          Reason m = missing_reason(cl.input);
          e.incomplete.push_back({item.citation, cl.input, m.tr, m.en});
        }
      ok = false;
    }
    for (const auto& name : item.inputs) {
      if (auto p = input_problem(name, in, unusable, {})) {
        e.incomplete.push_back({item.citation, name, p->tr, p->en});
        ok = false;
      }
    }
    std::optional<bool> pass = ok ? holds(item.require, in) : std::nullopt;
    if (ok && !pass) {  // an input the item did not list: still never a silent pass
      e.incomplete.push_back({item.citation, "", "koşul eksik veri nedeniyle değerlendirilemedi",
                              "the condition could not be decided: a value is missing"});
    }
    const std::string prov_tr = item.provisional ? " (geçici kural)" : "";
    const std::string prov_en = item.provisional ? " (provisional rule)" : "";
    if (!pass) {
      r.status = Status::Incomplete;
      any_incomplete = true;
      r.explain_tr = head_tr + " → " + item.citation + " karar verilemedi (eksik veri)" + prov_tr;
      r.explain_en =
          head_en + " → " + item.citation + " cannot be decided (missing data)" + prov_en;
    } else if (*pass) {
      r.status = Status::Pass;
      r.explain_tr = head_tr + " → " + item.citation + " uygun" + prov_tr;
      r.explain_en = head_en + " → " + item.citation + " met" + prov_en;
    } else {
      r.status = Status::Fail;
      any_fail = true;
      auto [why_tr, why_en] = unmet(item.require, in);
      r.explain_tr = head_tr + " → " + item.citation + " uygun değil: " + why_tr + prov_tr;
      r.explain_en = head_en + " → " + item.citation + " not met: " + why_en + prov_en;
    }
    if (item.provisional && r.status != Status::Incomplete) add_provisional(e, item.citation);
    e.ek1_items.push_back(std::move(r));
  }
  e.ek1_status = any_fail ? Status::Fail : any_incomplete ? Status::Incomplete : Status::Pass;
}

void evaluate_job(const RuleSet& rules, const EvaluationInput& input, Evaluation& e) {
  JobFit& f = e.job_fit;
  const Job* job = nullptr;
  if (input.job_code) {
    f.job_code = *input.job_code;
    job = rules.job(*input.job_code);
    if (job == nullptr) {
      f.status = Fit::Incomplete;
      f.reason_tr = "iş kodu " + *input.job_code + " iş kataloğunda yok (work-groups.toml)";
      f.reason_en =
          "job code " + *input.job_code + " is not in the job catalogue (work-groups.toml)";
      e.incomplete.push_back({"EK-4", "job", f.reason_tr, f.reason_en});
      return;
    }
    f.work_group = job->work_group;
  } else if (input.job_work_group) {
    f.work_group = *input.job_work_group;
  } else {
    f.status = Fit::NotAsked;
    return;
  }
  const int wg = *f.work_group;
  auto allowed_for = [&](Column c) -> const std::vector<int>& {
    static const std::vector<int> kNone;
    auto it = rules.work_groups_for.find(c);
    return it == rules.work_groups_for.end() ? kNone : it->second;
  };
  auto allows = [&](Column c) {
    const auto& a = allowed_for(c);
    return std::find(a.begin(), a.end(), wg) != a.end();
  };
  const std::string wg_s = std::to_string(wg);
  if (e.health_group) {
    if (!allows(*e.health_group)) {
      f.status = Fit::Unfit;
      f.reason_tr = wg_s + ". grup iş, " + column_name(*e.health_group) +
                    " sağlık grubuna açık değil (" + groups_text(e.allowed_work_groups, true) +
                    " grup işler)";
      f.reason_en = "work group " + wg_s + " is not open to health group " +
                    column_name(*e.health_group) + " (work groups " +
                    groups_text(e.allowed_work_groups, false) + ")";
      return;
    }
  } else if (e.column_at_least && !allows(*e.column_at_least)) {
    // Allowed sets shrink as the group worsens (checked by the loader), so this is final.
    f.status = Fit::Unfit;
    f.reason_tr = wg_s + ". grup iş, en iyi ihtimalle " + column_name(*e.column_at_least) +
                  " olan sağlık grubuna açık değil";
    f.reason_en = "work group " + wg_s + " is not open even to health group " +
                  column_name(*e.column_at_least) + ", the best the complete findings allow";
    return;
  } else {
    f.status = Fit::Incomplete;
    f.reason_tr = "sağlık grubu eksik veri nedeniyle belirlenemedi";
    f.reason_en = "the health group cannot be decided: data are missing";
    return;
  }
  if (job != nullptr && job->ek1_required && e.ek1_applies) {
    if (e.ek1_status == Status::Fail) {
      f.status = Fit::Unfit;
      f.reason_tr = "iş EK-1 koşullarını gerektiriyor ve EK-1 karşılanmıyor";
      f.reason_en = "the job requires the Ek-1 conditions and Ek-1 is not met";
      return;
    }
    if (e.ek1_status == Status::Incomplete) {
      f.status = Fit::Incomplete;
      f.reason_tr = "iş EK-1 koşullarını gerektiriyor ve EK-1 eksik";
      f.reason_en = "the job requires the Ek-1 conditions and Ek-1 is incomplete";
      return;
    }
  }
  f.status = Fit::Fit;
  f.reason_tr =
      wg_s + ". grup iş, " + std::string(column_name(*e.health_group)) + " sağlık grubuna açık";
  f.reason_en = "work group " + wg_s + " is open to health group " + column_name(*e.health_group);
}

}  // namespace

const char* status_name(Status s) {
  switch (s) {
    case Status::Pass:
      return "pass";
    case Status::Fail:
      return "fail";
    case Status::Incomplete:
      return "incomplete";
    case Status::NotApplicable:
      return "not-applicable";
  }
  return "?";
}

const char* fit_name(Fit f) {
  switch (f) {
    case Fit::NotAsked:
      return "not-asked";
    case Fit::Fit:
      return "fit";
    case Fit::Unfit:
      return "unfit";
    case Fit::Incomplete:
      return "incomplete";
  }
  return "?";
}

void add_derived(Inputs& v) {
  auto h = number(v, "findings.height_m");
  auto w = number(v, "findings.weight_kg");
  // Rounded to 1e-6 kg/m² only to remove binary floating-point noise: 74.52 kg at 1.80 m is a
  // BMI of exactly 23 and must meet a bound of 23 (74.52 / 1.8² computes as 22.999999999999996).
  if (h && w && *h > 0.0) v["derived.bmi_kg_m2"] = std::round(*w / (*h * *h) * 1e6) / 1e6;
  for (const char* ear : {"right", "left"}) {
    auto pta = number(v, std::string("hearing.") + ear + "_pta_db");
    if (!pta) continue;
    const double pct = std::clamp((*pta - kMonauralLowFenceDb) * kMonauralPercentPerDb, 0.0, 100.0);
    v[std::string("derived.") + ear + "_hearing_loss_pct"] = pct;
  }
}

Evaluation evaluate(const RuleSet& rules, const EvaluationInput& input) {
  Evaluation e;
  e.purpose = input.purpose;
  Inputs in = input.values;
  add_derived(in);
  const Unusable unusable = find_unusable(in);

  evaluate_ek2(rules, in, unusable, e);

  std::optional<Column> worst;
  for (const auto& h : e.rules)
    if (h.column && (!worst || *h.column > *worst)) worst = h.column;
  e.column_at_least = worst;
  if (!worst && e.incomplete.empty()) {
    e.incomplete.push_back(
        {"EK-2", "", "hiçbir bulgu bir sütuna yerleşmedi", "no finding was placed in a column"});
  }
  // A missing finding can only make the column worse, so a D is final even when incomplete.
  if (worst && (e.incomplete.empty() || *worst == Column::D)) e.column = worst;
  e.health_group = e.column;
  if (e.health_group) {
    auto it = rules.work_groups_for.find(*e.health_group);
    if (it != rules.work_groups_for.end()) e.allowed_work_groups = it->second;
  }

  evaluate_ek1(rules, input, in, unusable, e);
  evaluate_job(rules, input, e);

  if (input.purpose == Purpose::Return && e.job_fit.status == Fit::Unfit && e.health_group) {
    auto it = rules.ek3_moves.find(*e.health_group);
    if (it != rules.ek3_moves.end()) {
      std::vector<const Job*> jobs;
      for (const auto& code : it->second)
        if (const Job* j = rules.job(code);
            j != nullptr && std::find(e.allowed_work_groups.begin(), e.allowed_work_groups.end(),
                                      j->work_group) != e.allowed_work_groups.end())
          jobs.push_back(j);
      std::stable_sort(jobs.begin(), jobs.end(),
                       [](const Job* a, const Job* b) { return a->work_group < b->work_group; });
      for (const Job* j : jobs) e.ek3_moves.push_back(j->code);
    }
  }

  // Summary: the deciding finding, the group and the work groups.
  const RowHit* deciding = nullptr;
  for (const auto& h : e.rules)
    if (h.column && h.column == e.column_at_least) {
      deciding = &h;
      break;
    }
  std::string tr = deciding ? deciding->explain_tr : std::string();
  std::string en = deciding ? deciding->explain_en : std::string();
  if (e.health_group) {
    tr += std::string(" → sağlık grubu ") + column_name(*e.health_group) + " → " +
          groups_text(e.allowed_work_groups, true) + " grup işler";
    en += std::string(" → health group ") + column_name(*e.health_group) + " → work groups " +
          groups_text(e.allowed_work_groups, false);
  } else {
    tr +=
        " → sağlık grubu belirlenemedi (eksik: " + std::to_string(e.incomplete.size()) + " neden)";
    en += " → health group undecided (incomplete: " + std::to_string(e.incomplete.size()) +
          " reasons)";
  }
  e.summary_tr = std::move(tr);
  e.summary_en = std::move(en);
  return e;
}

}  // namespace odyo::evaluation
