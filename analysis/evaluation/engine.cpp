#include "analysis/evaluation/engine.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <tuple>

namespace odyo::evaluation {
namespace {

struct Reason {
  std::string tr, en;
};
// Inputs that are present but must not be used, with the reason: by exact name, or every input
// under a prefix ("hearing." when the audiogram is too old).
struct Unusable {
  std::map<std::string, Reason, std::less<>> names;
  std::vector<std::pair<std::string, Reason>> prefixes;

  Reason& operator[](const std::string& name) { return names[name]; }
  [[nodiscard]] const Reason* find(std::string_view name) const {
    if (auto it = names.find(name); it != names.end()) return &it->second;
    for (const auto& [p, r] : prefixes)
      if (name.rfind(p, 0) == 0) return &r;
    return nullptr;
  }
};

std::string value_text(const Value& v, bool turkish) {
  if (const auto* b = std::get_if<bool>(&v))
    return *b ? (turkish ? "evet" : "yes") : (turkish ? "hayır" : "no");
  // A coded word of the rule tables (none, cured, …) is an identifier: in the Turkish text it
  // is quoted as such, not left to read as an English word (500-1000-2000 stays as it is).
  const std::string text = format_value(v);
  if (turkish && std::holds_alternative<std::string>(v) &&
      std::any_of(text.begin(), text.end(), [](unsigned char ch) { return std::isalpha(ch); }))
    return "`" + text + "`";
  return text;
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

// Exams too old to use, or made before the absence the worker returns from.
void add_stale_exams(const RuleSet& rules, Purpose purpose, const Inputs& in, Unusable& u) {
  const auto started = number(in, "absence.started_days_ago");
  for (const auto& [prefix, tr_name, en_name] :
       {std::tuple<std::string, std::string, std::string>{"hearing.", "odyogram", "audiogram"},
        {"spirometry.", "spirometri", "spirometry"}}) {
    const auto age = number(in, prefix + "exam_age_days");
    if (!age) continue;
    const std::string days = format_number(*age);
    if (rules.max_exam_age_days && *age > *rules.max_exam_age_days) {
      const std::string lim = format_number(*rules.max_exam_age_days);
      u.prefixes.emplace_back(
          prefix,
          Reason{"en son " + tr_name + " " + days + " gün önce yapılmış; " + lim +
                     " günden eski muayene kullanılmaz, testi yenileyin",
                 "the latest " + en_name + " is " + days + " days old; an exam older than " + lim +
                     " days is not used, repeat the test"});
      continue;
    }
    if (purpose == Purpose::ReturnAfterAbsence && started && *age > *started)
      u.prefixes.emplace_back(
          prefix,
          Reason{"en son " + tr_name + " " + days + " gün önce, devamsızlık (" +
                     format_number(*started) +
                     " gün önce başladı) öncesinde yapılmış; işe dönüşte kullanılmaz, testi "
                     "yenileyin",
                 "the latest " + en_name + " (" + days +
                     " days old) was made before the absence (" + "began " +
                     format_number(*started) +
                     " days ago); it is not used for the return to work, repeat the test"});
  }
}

// Inputs that are present but must not be used, with the reason.
Unusable find_unusable(const RuleSet& rules, Purpose purpose, const Inputs& in) {
  Unusable u;
  add_stale_exams(rules, purpose, in, u);
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
  if (input.rfind("systems.", 0) == 0)
    return {"hekim bu sistem için sütun ya da 'bulgu yok' kaydetmemiş (" + name +
                "); sağlık grubu bu sistem değerlendirilmeden kesin değil",
            "the physician has not recorded a column or 'nothing found' for this system (" + name +
                "); the health group is not final until it is assessed"};
  if (input.rfind("derived.", 0) == 0)
    return {name + " hesaplanamadı (gereken ölçümler eksik)",
            name + " could not be computed (its measurements are missing)"};
  return {"bulgu kaydedilmemiş: " + name, "finding not recorded: " + name};
}

// Checks that an input can be read: present, usable, of the right type, inside the domain.
std::optional<Reason> input_problem(const std::string& name, const Inputs& in,
                                    const Unusable& unusable, const std::vector<Domain>& domain) {
  if (const Reason* r = unusable.find(name)) return *r;
  const Value* v = find(in, name);
  if (v == nullptr) return missing_reason(name);
  for (const auto& d : domain) {
    if (d.input != name) continue;
    if (d.yes_no) {
      if (!std::holds_alternative<bool>(*v))
        return Reason{name + " evet/hayır olmalı", name + " must be yes or no"};
    } else if (!d.values.empty()) {
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
    if (!ok) {
      e.not_assessed.push_back(rule.citation);
      continue;
    }
    // A maximum that was a no-response point is a lower bound of the true threshold.
    std::vector<std::string> lower_bounds;
    for (const auto& name : rule.inputs)
      if (name.size() > 3 && name.compare(name.size() - 3, 3, "_db") == 0 &&
          is_true(in, name.substr(0, name.size() - 3) + "_no_response"))
        lower_bounds.push_back(name);

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
      h.lower_bound = !lower_bounds.empty() && r->column.has_value();
      std::string prov_tr = h.provisional ? " (geçici kural)" : "";
      std::string prov_en = h.provisional ? " (provisional rule)" : "";
      if (h.lower_bound) {
        prov_tr += " (alt sınır: yanıt alınamayan nokta)";
        prov_en += " (lower bound: a no-response point)";
      }
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
      if (h.lower_bound && *r->column != Column::D)
        for (const auto& name : lower_bounds)
          e.incomplete.push_back(
              {rule.citation, name,
               name + " yanıt alınamayan bir noktadır: gerçek eşik daha yüksek, " + r->citation +
                   " yalnız bir alt sınırdır; daha yüksek seviyelerle testi tekrarlayın",
               name + " is a no-response point: the true threshold is higher, so " + r->citation +
                   " is only a lower bound; retest at higher levels"});
      e.rules.push_back(std::move(h));
    }
  }
}

void evaluate_ek1(const RuleSet& rules, const EvaluationInput& input, const Inputs& in,
                  const Unusable& unusable, Evaluation& e) {
  // Ek-1 holds for its purposes only, and only when the job requires it.
  const Job* job = input.job_code ? rules.job(*input.job_code) : nullptr;
  e.ek1_applies = std::find(rules.ek1_purposes.begin(), rules.ek1_purposes.end(), input.purpose) !=
                      rules.ek1_purposes.end() &&
                  job != nullptr && job->ek1_required;
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
    // An alternative that holds on usable values decides the item even when another
    // alternative's values are missing ("… ya da …").
    Inputs usable;
    for (const auto& name : item.inputs)
      if (unusable.find(name) == nullptr)
        if (const Value* v = find(in, name)) usable[name] = *v;
    const std::optional<bool> early =
        applies && *applies ? holds(item.require, usable) : std::optional<bool>();
    bool ok = true;
    if (early && *early) {
      // passes below
    } else if (!applies) {
      for (const auto& cl : item.applies_if)
        if (find(in, cl.input) == nullptr) {
          Reason m = missing_reason(cl.input);
          e.incomplete.push_back({item.citation, cl.input, m.tr, m.en});
        }
      ok = false;
    }
    if (!(early && *early))
      for (const auto& name : item.inputs) {
        if (auto p = input_problem(name, in, unusable, {})) {
          e.incomplete.push_back({item.citation, name, p->tr, p->en});
          ok = false;
        }
      }
    std::optional<bool> pass;
    if (early && *early)
      pass = true;
    else if (ok)
      pass = holds(item.require, in);
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

// The restrictions in force (restriction.<id> = yes); an unknown id is an incomplete reason.
std::vector<const Restriction*> restrictions_in_force(const RuleSet& rules, const Inputs& in,
                                                      Evaluation& e) {
  std::vector<const Restriction*> out;
  for (auto it = in.lower_bound("restriction."); it != in.end(); ++it) {
    if (it->first.rfind("restriction.", 0) != 0) break;
    const auto* b = std::get_if<bool>(&it->second);
    if (b == nullptr || !*b) continue;
    const std::string id = it->first.substr(std::string("restriction.").size());
    const Restriction* r = rules.restriction(id);
    if (r == nullptr) {
      e.incomplete.push_back(
          {"ek3.toml", it->first, "kısıtlama \"" + id + "\" kural tablolarında yok; kaydı düzeltin",
           "restriction \"" + id + "\" is not in the rule tables (ek3.toml); correct the record"});
      continue;
    }
    out.push_back(r);
    e.restrictions.push_back(r->id);
    e.notes.push_back({r->citation, "Kısıtlama: " + r->title_tr, "Restriction: " + r->title_en});
  }
  return out;
}

// The first restriction the job violates, if any.
const Restriction* violated(const Job& job, const std::vector<const Restriction*>& rs) {
  for (const Restriction* r : rs)
    if (job.attribute(r->excludes)) return r;
  return nullptr;
}

void evaluate_job(const RuleSet& rules, const EvaluationInput& input, const Inputs& in,
                  const std::vector<const Restriction*>& restrictions, Evaluation& e) {
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
  if (job != nullptr) {
    if (const Restriction* r = violated(*job, restrictions)) {
      f.status = Fit::Unfit;
      f.reason_tr =
          "iş (" + job->code + ") kısıtlamaya aykırı: " + r->title_tr + " (" + r->citation + ")";
      f.reason_en = "the job (" + job->code + ") conflicts with a restriction: " + r->title_en +
                    " (" + r->citation + ")";
      return;
    }
  }
  if (job != nullptr && job->special_exam) {
    const Value* v = find(in, "special_exam.result");
    const auto* res = v ? std::get_if<std::string>(v) : nullptr;
    const std::string& cit = rules.special_exam_citation;
    if (res == nullptr || (*res != "fit" && *res != "unfit")) {
      f.status = Fit::Incomplete;
      f.reason_tr = "iş özel muayene gerektiriyor (" + cit + "); sonucu kaydedilmemiş";
      f.reason_en = "the job needs a special examination (" + cit + "); its result is not recorded";
      e.incomplete.push_back({cit, "special_exam.result",
                              "iş (" + job->code +
                                  ") özel muayene gerektiriyor; hekim özel muayenenin sonucunu "
                                  "(uygun / uygun değil) kaydetmeden değerlendirme tamamlanmaz",
                              "the job (" + job->code +
                                  ") needs a special examination; the evaluation is incomplete "
                                  "until the physician records its result (fit / unfit)"});
      return;
    }
    e.notes.push_back(
        {cit, "Özel muayene sonucu: " + std::string(*res == "fit" ? "uygun" : "uygun değil"),
         "Special examination result: " + *res});
    if (*res == "unfit") {
      f.status = Fit::Unfit;
      f.reason_tr = "özel muayene sonucu uygun değil (" + cit + ")";
      f.reason_en = "the special examination found the worker unfit (" + cit + ")";
      return;
    }
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

// The return after an absence: the absence must be recorded; longer than the article's limit it
// needs the SGK report; a controlled period and its temporary job are shown.
void evaluate_return(const RuleSet& rules, const Inputs& in,
                     const std::vector<const Restriction*>& restrictions, Evaluation& e) {
  const ReturnRule& rr = rules.return_rule;
  const std::string cit = rr.citation.empty() ? std::string("return") : rr.citation;
  const auto days = number(in, "absence.days");
  if (!days) {
    e.incomplete.push_back(
        {cit, "absence.days",
         "işe dönüş: devamsızlık (başlangıç ve bitiş tarihleri) kaydedilmemiş; hekim kaydetmeli",
         "return to work: the absence (its start and end dates) is not recorded; the physician "
         "records it"});
    return;
  }
  const std::string d = format_number(*days), lim = format_number(rr.more_than_days);
  if (*days <= rr.more_than_days) {
    e.notes.push_back({cit,
                       "Devamsızlık " + d + " gün; " + lim +
                           " günü aşmadığı için madde bu değerlendirmeyi gerektirmiyor",
                       "Absence of " + d + " days; not more than " + lim +
                           ", so the article does not require this evaluation"});
    return;
  }
  std::string tr = "Devamsızlık " + d + " gün (" + lim + " günden fazla)";
  std::string en = "Absence of " + d + " days (more than " + lim + ")";
  const Value* rep = find(in, "absence.sgk_report");
  const auto* has_report = rep ? std::get_if<bool>(rep) : nullptr;
  if (rr.sgk_report_required && (has_report == nullptr || !*has_report)) {
    e.incomplete.push_back(
        {cit, "absence.sgk_report",
         "işe dönüş: " + d + " günlük devamsızlığın SGK raporu kaydedilmemiş",
         "return to work: the SGK report of the " + d + "-day absence is not recorded"});
  } else if (has_report != nullptr && *has_report) {
    const Value* no = find(in, "absence.sgk_report_no");
    tr += "; SGK raporu " + (no ? format_value(*no) : std::string("var"));
    en += "; SGK report " + (no ? format_value(*no) : std::string("recorded"));
  }
  if (const Value* tj = find(in, "absence.temporary_job")) {
    const std::string code = format_value(*tj);
    const Value* until = find(in, "absence.controlled_until");
    const std::string u = until ? format_value(*until) : std::string("?");
    tr += "; kontrollü dönem " + u + " tarihine kadar, geçici yerüstü işi " + code;
    en += "; controlled period until " + u + ", temporary surface job " + code;
    const Job* j = rules.job(code);
    if (j == nullptr) {
      e.incomplete.push_back({cit, "absence.temporary_job",
                              "geçici iş " + code + " iş kataloğunda yok",
                              "the temporary job " + code + " is not in the job catalogue"});
    } else if (const Restriction* r = violated(*j, restrictions)) {
      tr += " (kısıtlamaya aykırı: " + r->title_tr + ")";
      en += " (conflicts with a restriction: " + r->title_en + ")";
    }
  }
  e.notes.push_back({cit, tr, en});
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
  const Unusable unusable = find_unusable(rules, input.purpose, in);
  for (const auto& [prefix, why] : unusable.prefixes)
    e.notes.push_back({"exams", "Kullanılmayan muayene: " + why.tr, "Exam not used: " + why.en});

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

  for (const auto& h : e.rules)
    if (h.column && h.column == worst &&
        std::find(e.decided_by.begin(), e.decided_by.end(), h.rule_citation) == e.decided_by.end())
      e.decided_by.push_back(h.rule_citation);

  evaluate_ek1(rules, input, in, unusable, e);
  const auto restrictions = restrictions_in_force(rules, in, e);
  evaluate_job(rules, input, in, restrictions, e);
  if (input.purpose == Purpose::ReturnAfterAbsence) evaluate_return(rules, in, restrictions, e);
  // Never "fit" while anything is missing: the decision waits for it.
  if (e.job_fit.status == Fit::Fit && !e.complete()) {
    e.job_fit.status = Fit::Incomplete;
    e.job_fit.reason_tr += "; ancak değerlendirme eksik (" + e.incomplete.front().citation + ")";
    e.job_fit.reason_en +=
        "; but the evaluation is incomplete (" + e.incomplete.front().citation + ")";
  }

  if (input.purpose == Purpose::ReturnAfterAbsence && e.job_fit.status == Fit::Unfit &&
      e.health_group) {
    auto it = rules.ek3_moves.find(*e.health_group);
    if (it != rules.ek3_moves.end()) {
      std::vector<const Job*> jobs;
      for (const auto& code : it->second)
        if (const Job* j = rules.job(code);
            j != nullptr &&
            std::find(e.allowed_work_groups.begin(), e.allowed_work_groups.end(), j->work_group) !=
                e.allowed_work_groups.end() &&
            violated(*j, restrictions) == nullptr)
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
  if (!e.complete() && e.column_at_least && !e.health_group) {
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
      return s;
    };
    tr += std::string("; en iyi ihtimalle ") + column_name(*e.column_at_least) +
          ", kesin değil (karar veren: " + join(e.decided_by) + ")";
    en += std::string("; at best ") + column_name(*e.column_at_least) +
          ", not final (decided by: " + join(e.decided_by) + ")";
    if (!e.not_assessed.empty()) {
      tr += "; değerlendirilmeyen: " + join(e.not_assessed);
      en += "; not assessed: " + join(e.not_assessed);
    }
  }
  e.summary_tr = std::move(tr);
  e.summary_en = std::move(en);
  return e;
}

}  // namespace odyo::evaluation
