#include "station/qc/indicators.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <tuple>

#include "analysis/core/error_text.hpp"
#include "station/core/local_time.hpp"
#include "station/qc/daily_checks.hpp"
#include "station/storage/database.hpp"

namespace odyo::station::qc {
using nlohmann::json;

namespace {

// Day number of "YYYY-MM-DD" (days since 1970-01-01); nullopt for anything else.
std::optional<long> day_number(const std::string& d) {
  int y = 0;
  unsigned m = 0, dd = 0;
  if (d.size() < 10 || std::sscanf(d.c_str(), "%d-%u-%u", &y, &m, &dd) != 3) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{dd}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<long>(std::chrono::sys_days(ymd).time_since_epoch().count());
}

std::string month_end(const std::string& month) {
  int y = 0;
  unsigned m = 0;
  std::sscanf(month.c_str(), "%d-%u", &y, &m);
  const std::chrono::year_month_day_last last{std::chrono::year{y} / std::chrono::month{m} /
                                              std::chrono::last};
  const std::chrono::year_month_day d{last};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

bool in_range(const std::string& month, const QcQuery& q) {
  return (q.from_month.empty() || month >= q.from_month) &&
         (q.to_month.empty() || month <= q.to_month);
}

// The worse of two ATS/ERS 2019 grades (A best … F worst); "" when neither is a grade.
std::string worse_grade(const json& a, const json& b) {
  std::string g;
  for (const auto* x : {&a, &b})
    if (x->is_string()) {
      const auto s = x->get<std::string>();
      if (g.empty() || s > g) g = s;
    }
  return g;
}

using Key = std::tuple<std::string, std::string, std::string>;  // month, dimension, subject

struct Builder {
  const QcRules& rules;
  std::map<Key, QcGroup> groups;
  // (dimension, subject, month) → (device, kind, day) tested
  std::map<Key, std::set<std::tuple<std::string, std::string, std::string>>> tested;

  QcGroup& group(const std::string& month, const std::string& dim, const std::string& subject) {
    auto& g = groups[{month, dim, subject}];
    g.month = month;
    g.dimension = dim;
    g.subject = subject;
    return g;
  }

  void add_exam(const std::string& kind, const std::string& day, const std::string& technician,
                const std::string& device, const json& p) {
    const std::string month = day.substr(0, 7);
    for (const auto& [dim, subject] :
         {std::pair<std::string, std::string>{"technician", technician}, {"device", device}}) {
      QcGroup& g = group(month, dim, subject);
      if (kind == "spirometry") {
        if (!p.contains("manoeuvres") || !p["manoeuvres"].is_array() || !p.contains("session"))
          continue;  // a result-sending device's numbers: no session to judge
        const json& s = p["session"];
        ++g.spiro_sessions;
        const std::string grade =
            worse_grade(s.value("grade_fev1", json()), s.value("grade_fvc", json()));
        if (grade == "A" || grade == "B") ++g.spiro_ab;
        const json r1 = s.value("fev1_repeatability_l", json());
        const json r2 = s.value("fvc_repeatability_l", json());
        const double lim = rules.repeatability_limit_l + 1e-12;
        if (!r1.is_number() || !r2.is_number() || r1.get<double>() > lim || r2.get<double>() > lim)
          ++g.repeatability_failures;
        g.blows += static_cast<int>(p["manoeuvres"].size());
        tested[{month, dim, subject}].insert({device, kSyringeCheck, day});
      } else {
        if (!p.contains("search") || !p["search"].is_object()) continue;  // paper or imported
        const json& s = p["search"];
        ++g.audio_sessions;
        if (s.value("unreliable", false)) ++g.unreliable;
        g.catch_trials += s.value("catch_trials", 0);
        g.catch_false_alarms += s.value("catch_false_alarms", 0);
        if (s.contains("retest_1k") && s["retest_1k"].is_object() && !s["retest_1k"].empty()) {
          ++g.retest_measured;
          bool over = false;
          for (const auto& [ear, r] : s["retest_1k"].items()) {
            const int d = std::abs(r.value("diff_db", 0));
            g.retest_abs_sum_db += d;
            ++g.retest_ears;
            g.retest_max_abs_db = std::max(g.retest_max_abs_db, d);
            if (d > rules.retest_limit_db) over = true;
          }
          if (over) ++g.retest_over_limit;
        }
        tested[{month, dim, subject}].insert({device, kListeningCheck, day});
      }
    }
  }
};

// Least-squares slope of (day, error %) in % per 30 days; nullopt for fewer than 2 days.
std::optional<double> slope_per_30d(const std::vector<std::pair<long, double>>& pts) {
  if (pts.size() < 2) return std::nullopt;
  double mx = 0, my = 0;
  for (const auto& [x, y] : pts) {
    mx += static_cast<double>(x);
    my += y;
  }
  mx /= static_cast<double>(pts.size());
  my /= static_cast<double>(pts.size());
  double sxy = 0, sxx = 0;
  for (const auto& [x, y] : pts) {
    sxy += (static_cast<double>(x) - mx) * (y - my);
    sxx += (static_cast<double>(x) - mx) * (static_cast<double>(x) - mx);
  }
  if (sxx <= 0) return std::nullopt;
  return sxy / sxx * 30.0;
}

void add_finding(QcReport& rep, const QcGroup& g, const std::string& indicator, double value,
                 const Threshold& t) {
  QcFinding f;
  f.id = "QC-" + g.month + "-" + g.dimension + "-" + g.subject + "-" + indicator;
  f.month = g.month;
  f.dimension = g.dimension;
  f.subject = g.subject;
  f.indicator = indicator;
  f.value = value;
  f.limit = t.value;
  f.citation = t.citation;
  f.provisional = t.provisional;
  rep.findings.push_back(std::move(f));
}

void judge(QcReport& rep, const QcRules& r, const QcGroup& g) {
  const std::string& dim = g.dimension;
  const double n = g.spiro_sessions;
  if (g.spiro_sessions >= r.min_sessions) {
    if (r.ab_share.applies(dim) && g.spiro_ab / n < r.ab_share.value - 1e-12)
      add_finding(rep, g, "ab_share", g.spiro_ab / n, r.ab_share);
    if (r.repeatability.applies(dim) &&
        g.repeatability_failures / n > r.repeatability.value + 1e-12)
      add_finding(rep, g, "repeatability", g.repeatability_failures / n, r.repeatability);
    if (r.blows.applies(dim) && g.blows / n > r.blows.value + 1e-12)
      add_finding(rep, g, "blows", g.blows / n, r.blows);
  }
  if (g.retest_measured >= r.min_sessions && r.retest_1k.applies(dim)) {
    const double share = static_cast<double>(g.retest_over_limit) / g.retest_measured;
    if (share > r.retest_1k.value + 1e-12) add_finding(rep, g, "retest_1k", share, r.retest_1k);
  }
  if (g.audio_sessions >= r.min_sessions && r.false_alarms.applies(dim)) {
    const double share = static_cast<double>(g.unreliable) / g.audio_sessions;
    if (share > r.false_alarms.value + 1e-12)
      add_finding(rep, g, "false_alarms", share, r.false_alarms);
  }
  if (g.days_tested > 0 && r.check_compliance.applies(dim)) {
    const double share = static_cast<double>(g.days_with_check) / g.days_tested;
    if (share < r.check_compliance.value - 1e-12)
      add_finding(rep, g, "check_compliance", share, r.check_compliance);
  }
  if (r.syringe_drift.applies(dim)) {
    if (g.syringe_trend_pct_per_30d && g.syringe_trend_checks >= r.drift_min_checks &&
        std::abs(*g.syringe_trend_pct_per_30d) > r.syringe_drift.value + 1e-12)
      add_finding(rep, g, "syringe_drift", *g.syringe_trend_pct_per_30d, r.syringe_drift);
    if (g.syringe_failed > 0) {
      Threshold t;
      t.value = r.syringe_tolerance_pct;
      t.citation = r.syringe_citation;
      t.provisional = r.syringe_provisional;
      add_finding(rep, g, "syringe_failed", g.syringe_failed, t);
    }
  }
}

}  // namespace

Result<QcReport> qc_report(Database& db, const QcRules& rules, const QcQuery& q,
                           const std::function<void(std::int64_t, std::int64_t)>& progress) {
  QcReport rep;
  rep.rules_version = rules.version;
  Builder b{rules, {}, {}};
  std::int64_t total = 0;
  {
    auto st = db.prepare("SELECT count(*) FROM exams");
    if (!st) return st.error();
    if (auto r = st->step(); !r) return r.error();
    total = st->int64(0);
  }
  auto st = db.prepare(
      "SELECT e.kind, e.started_at, e.technician, e.device_id, r.payload FROM exams e "
      "JOIN results r ON r.exam_id = e.id AND r.version = "
      "(SELECT max(version) FROM results WHERE exam_id = e.id) ORDER BY e.id");
  if (!st) return st.error();
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    ++rep.exams_read;
    if (progress && (rep.exams_read % 1000 == 0)) progress(rep.exams_read, total);
    const std::string day = local_display(st->text(1)).substr(0, 10);
    if (day.size() < 10 || !in_range(day.substr(0, 7), q)) continue;
    const json p = json::parse(st->text(4), nullptr, false);
    if (!p.is_object()) continue;
    b.add_exam(st->text(0), day, st->text(2), st->text(3), p);
  }
  if (progress) progress(rep.exams_read, total);

  auto checks = list_checks(db, "", "");
  if (!checks) return checks.error();
  rep.checks_read = static_cast<std::int64_t>(checks->size());
  std::set<std::tuple<std::string, std::string, std::string>> passed;   // device, kind, day
  std::map<std::string, std::vector<std::pair<long, double>>> syringe;  // device → (day, err %)
  for (const auto& c : *checks) {
    if (c.passed) passed.insert({c.device_id, c.kind, c.day});
    if (c.kind != kSyringeCheck) continue;
    const auto dn = day_number(c.day);
    if (dn && c.measured.contains("error_pct"))
      syringe[c.device_id].emplace_back(*dn, c.measured["error_pct"].get<double>());
    const std::string month = c.day.substr(0, 7);
    if (!in_range(month, q)) continue;
    QcGroup& g = b.group(month, "device", c.device_id);
    ++g.syringe_checks;
    if (!c.passed) ++g.syringe_failed;
    g.syringe_error_sum_pct += c.measured.value("error_pct", 0.0);
  }
  for (const auto& [key, days] : b.tested) {
    QcGroup& g = b.groups[key];
    std::set<std::tuple<std::string, std::string>> tested_days, checked_days;  // device|kind, day
    for (const auto& [device, kind, day] : days) {
      tested_days.insert({device + "\n" + kind, day});
      if (passed.count({device, kind, day})) checked_days.insert({device + "\n" + kind, day});
    }
    g.days_tested = static_cast<int>(tested_days.size());
    g.days_with_check = static_cast<int>(checked_days.size());
  }
  for (auto& [key, g] : b.groups) {
    if (g.dimension != "device") continue;
    auto it = syringe.find(g.subject);
    if (it == syringe.end()) continue;
    const auto end = day_number(month_end(g.month));
    if (!end) continue;
    std::vector<std::pair<long, double>> window;
    for (const auto& pt : it->second)
      if (pt.first <= *end && pt.first > *end - rules.drift_window_days) window.push_back(pt);
    g.syringe_trend_checks = static_cast<int>(window.size());
    g.syringe_trend_pct_per_30d = slope_per_30d(window);
  }
  for (auto& [key, g] : b.groups) {
    judge(rep, rules, g);
    rep.groups.push_back(std::move(g));
  }
  return rep;
}

Result<QcFinding> find_qc_finding(Database& db, const QcRules& rules, const std::string& id) {
  // QC-YYYY-MM-…: the month is in the id.
  if (id.size() < 11 || id.rfind("QC-", 0) != 0)
    return make_errorf("qc_finding_unknown",
                       "\"{}\" is not a QC finding id (QC-YYYY-MM-…, as `odyospiro report qc` "
                       "lists them)",
                       id);
  const std::string month = id.substr(3, 7);
  auto rep = qc_report(db, rules, {month, month});
  if (!rep) return rep.error();
  for (const auto& f : rep->findings)
    if (f.id == id) return f;
  return make_errorf("qc_finding_unknown",
                     "no QC finding {} in the data of {}: list them with `odyospiro report qc "
                     "--month {}`",
                     id, month, month);
}

json qc_group_json(const QcGroup& g) {
  auto share = [](int a, int n) { return n == 0 ? json(nullptr) : json(double(a) / n); };
  json j{{"month", g.month},
         {"dimension", g.dimension},
         {"subject", g.subject},
         {"spirometry",
          {{"sessions", g.spiro_sessions},
           {"ab_share", share(g.spiro_ab, g.spiro_sessions)},
           {"repeatability_failures", g.repeatability_failures},
           {"blows_per_session",
            g.spiro_sessions == 0 ? json(nullptr) : json(double(g.blows) / g.spiro_sessions)}}},
         {"audiometry",
          {{"sessions", g.audio_sessions},
           {"retest_1k_measured", g.retest_measured},
           {"retest_1k_over_limit", g.retest_over_limit},
           {"retest_1k_mean_abs_db",
            g.retest_ears == 0 ? json(nullptr) : json(g.retest_abs_sum_db / g.retest_ears)},
           {"retest_1k_max_abs_db", g.retest_max_abs_db},
           {"catch_trials", g.catch_trials},
           {"catch_false_alarms", g.catch_false_alarms},
           {"unreliable", g.unreliable}}},
         {"checks",
          {{"days_tested", g.days_tested},
           {"days_with_check", g.days_with_check},
           {"compliance", share(g.days_with_check, g.days_tested)}}}};
  if (g.dimension == "device")
    j["syringe"] = {
        {"checks", g.syringe_checks},
        {"failed", g.syringe_failed},
        {"mean_error_pct",
         g.syringe_checks == 0 ? json(nullptr) : json(g.syringe_error_sum_pct / g.syringe_checks)},
        {"trend_pct_per_30_days",
         g.syringe_trend_pct_per_30d ? json(*g.syringe_trend_pct_per_30d) : json(nullptr)},
        {"trend_checks", g.syringe_trend_checks}};
  return j;
}

json qc_finding_json(const QcFinding& f) {
  return {{"id", f.id},           {"month", f.month},         {"dimension", f.dimension},
          {"subject", f.subject}, {"indicator", f.indicator}, {"value", f.value},
          {"limit", f.limit},     {"citation", f.citation},   {"provisional", f.provisional}};
}

}  // namespace odyo::station::qc
