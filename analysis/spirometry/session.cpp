#include "analysis/spirometry/session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include <fmt/format.h>

#include "analysis/core/error_text.hpp"

namespace odyo::spirometry {
namespace {

template <typename... A>
std::string fmt(const char* f, A... a) {
  char buf[320];
  std::snprintf(buf, sizeof buf, f, a...);
  return buf;
}

// Grade limits (ATS/ERS 2019 Table 10): age > 6 / age ≤ 6.
struct GradeLimits {
  double a, b, c, d;
};
GradeLimits limits_for(double age_years) {
  if (age_years > 6.0) return {0.150, 0.150, 0.200, 0.250};
  return {0.100, 0.100, 0.150, 0.200};
}
constexpr double kEps = 1e-9;

}  // namespace

const char* grade_name(Grade g) {
  switch (g) {
    case Grade::A:
      return "A";
    case Grade::B:
      return "B";
    case Grade::C:
      return "C";
    case Grade::D:
      return "D";
    case Grade::E:
      return "E";
    case Grade::U:
      return "U";
    case Grade::F:
      return "F";
  }
  return "?";
}

Grade grade_values(std::vector<double> acc, int usable_count, double age_years) {
  if (acc.empty()) return usable_count > 0 ? Grade::U : Grade::F;
  if (acc.size() == 1) return Grade::E;
  std::sort(acc.begin(), acc.end(), std::greater<>());
  const double d = acc[0] - acc[1];
  const GradeLimits g = limits_for(age_years);
  if (acc.size() >= 3 && d <= g.a + kEps) return Grade::A;
  if (d <= g.b + kEps) return Grade::B;
  if (d <= g.c + kEps) return Grade::C;
  if (d <= g.d + kEps) return Grade::D;
  return Grade::E;
}

Result<SessionResult> assess_session(std::vector<ManoeuvreIndices> ms, const SessionOptions& opt) {
  if (ms.empty())
    return make_error("no_manoeuvres", "The session has no manoeuvres: record at least one blow.");
  if (ms.size() > static_cast<std::size_t>(kMaxManoeuvres))
    return make_errorf("too_many_manoeuvres",
                       "The session has {} manoeuvres; ATS/ERS 2019 allows at most {}: keep the "
                       "first 8 and end the session.",
                       ms.size(), kMaxManoeuvres);
  if (!std::isfinite(opt.age_years) || opt.age_years < 3.0 || opt.age_years > 120.0)
    return make_errorf("age_out_of_range",
                       "Age {} years is not valid for a spirometry session (3 years or more): "
                       "check the worker's date of birth.",
                       fmt::format("{:.1f}", opt.age_years));
  SessionResult s;
  std::optional<double> prior_max_fvc;
  for (auto& m : ms) {
    Quality q = assess_quality(m, prior_max_fvc, opt.age_years);
    prior_max_fvc = std::max(prior_max_fvc.value_or(m.fvc_l), m.fvc_l);
    s.manoeuvres.push_back(ManoeuvreResult{std::move(m), std::move(q)});
  }

  std::vector<double> acc_fev1, acc_fvc;
  int use_fev1 = 0, use_fvc = 0;
  ReportedValues& r = s.reported;
  for (std::size_t i = 0; i < s.manoeuvres.size(); ++i) {
    const auto& mr = s.manoeuvres[i];
    if (mr.quality.acceptable_fev1) acc_fev1.push_back(mr.indices.fev1_l);
    if (mr.quality.acceptable_fvc) acc_fvc.push_back(mr.indices.fvc_l);
    if (mr.quality.usable_fev1) ++use_fev1;
    if (mr.quality.usable_fvc) ++use_fvc;
  }
  s.grade_fev1 = grade_values(acc_fev1, use_fev1, opt.age_years);
  s.grade_fvc = grade_values(acc_fvc, use_fvc, opt.age_years);
  auto rep = [](std::vector<double> v) -> std::optional<double> {
    if (v.size() < 2) return std::nullopt;
    std::sort(v.begin(), v.end(), std::greater<>());
    return v[0] - v[1];
  };
  s.fev1_repeatability_l = rep(acc_fev1);
  s.fvc_repeatability_l = rep(acc_fvc);

  // Largest FEV1 / FVC: from acceptable blows, or from usable ones when none is acceptable (U).
  auto pick = [&](bool fev1) -> std::optional<int> {
    std::optional<int> best;
    const bool any_acc = fev1 ? !acc_fev1.empty() : !acc_fvc.empty();
    for (std::size_t i = 0; i < s.manoeuvres.size(); ++i) {
      const auto& q = s.manoeuvres[i].quality;
      const bool ok = fev1 ? (any_acc ? q.acceptable_fev1 : q.usable_fev1)
                           : (any_acc ? q.acceptable_fvc : q.usable_fvc);
      if (!ok) continue;
      const auto& m = s.manoeuvres[i].indices;
      const double v = fev1 ? m.fev1_l : m.fvc_l;
      if (!best) {
        best = static_cast<int>(i);
        continue;
      }
      const auto& b = s.manoeuvres[static_cast<std::size_t>(*best)].indices;
      if (v > (fev1 ? b.fev1_l : b.fvc_l)) best = static_cast<int>(i);
    }
    return best;
  };
  r.fev1_manoeuvre = pick(true);
  r.fvc_manoeuvre = pick(false);
  if (r.fev1_manoeuvre)
    r.fev1_l = s.manoeuvres[static_cast<std::size_t>(*r.fev1_manoeuvre)].indices.fev1_l;
  if (r.fvc_manoeuvre) {
    const auto& m = s.manoeuvres[static_cast<std::size_t>(*r.fvc_manoeuvre)].indices;
    r.fvc_l = m.fvc_l;
    r.fev6_l = m.fev6_l;
  }
  if (r.fev1_l && r.fvc_l && *r.fvc_l > 0.0) r.fev1_fvc = *r.fev1_l / *r.fvc_l;

  // Best manoeuvre for flows: acceptable for both, else acceptable for either, else usable.
  for (int tier = 0; tier < 3 && !r.best_manoeuvre; ++tier) {
    double best_sum = -1.0;
    for (std::size_t i = 0; i < s.manoeuvres.size(); ++i) {
      const auto& q = s.manoeuvres[i].quality;
      const bool ok = tier == 0   ? (q.acceptable_fev1 && q.acceptable_fvc)
                      : tier == 1 ? (q.acceptable_fev1 || q.acceptable_fvc)
                                  : (q.usable_fev1 || q.usable_fvc);
      if (!ok) continue;
      const auto& m = s.manoeuvres[i].indices;
      if (m.fev1_l + m.fvc_l > best_sum) {
        best_sum = m.fev1_l + m.fvc_l;
        r.best_manoeuvre = static_cast<int>(i);
      }
    }
  }
  if (r.best_manoeuvre) {
    const auto& m = s.manoeuvres[static_cast<std::size_t>(*r.best_manoeuvre)].indices;
    r.fef2575_lps = m.fef2575_lps;
    r.pef_lps = m.pef_lps;
    r.fef75_lps = m.fef75_lps;
  }

  // Guidance: "another blow needed, because …".
  Guidance& g = s.guidance;
  const int n = static_cast<int>(s.manoeuvres.size());
  auto because = [&](std::string code, std::string tr, std::string en) {
    g.because.push_back(Reason{std::move(code), std::move(tr), std::move(en)});
  };
  const bool done = s.grade_fev1 == Grade::A && s.grade_fvc == Grade::A;
  if (done) {
    g.session_complete = true;
  } else if (n >= kMaxManoeuvres) {
    g.session_complete = true;
    because("max_manoeuvres",
            "8 üfleme yapıldı (ATS/ERS 2019 üst sınırı): seansı bitirin; derece yukarıda.",
            "8 blows done (the ATS/ERS 2019 maximum): end the session; the grade stands as "
            "shown.");
  } else {
    g.another_blow_needed = true;
    if (n < kMinManoeuvres)
      because("fewer_than_3", fmt("%d üfleme yapıldı; en az 3 gerekir.", n),
              fmt("%d blow(s) done; at least 3 are needed.", n));
    auto param = [&](const char* name, const std::vector<double>& acc,
                     const std::optional<double>& d) {
      if (acc.size() < 3)
        because(
            std::string("few_acceptable_") + name,
            fmt("Kabul edilebilir %s sayısı %d; 3 gerekir.", name, static_cast<int>(acc.size())),
            fmt("%d acceptable %s; 3 are needed.", static_cast<int>(acc.size()), name));
      const double tol = limits_for(opt.age_years).a;
      if (d && *d > tol + kEps)
        because(
            std::string("not_repeatable_") + name,
            fmt("En büyük iki %s arasında %.3f L fark var (en fazla %.3f L).", name, *d, tol),
            fmt("The two largest acceptable %s differ by %.3f L (at most %.3f L).", name, *d, tol));
    };
    param("FEV1", acc_fev1, s.fev1_repeatability_l);
    param("FVC", acc_fvc, s.fvc_repeatability_l);
    for (const auto& reason : s.manoeuvres.back().quality.reasons)
      because("last_" + reason.code, "Son üfleme: " + reason.text_tr,
              "Last blow: " + reason.text_en);
  }
  return s;
}

Result<SessionResult> analyse_session(std::span<const Eigen::Map<const Eigen::VectorXd>> flows,
                                      const SignalSpec& spec, const SessionOptions& options,
                                      bool keep_curves) {
  std::vector<ManoeuvreIndices> ms;
  ms.reserve(flows.size());
  for (std::size_t i = 0; i < flows.size(); ++i) {
    auto m = analyse_manoeuvre(flows[i], spec, keep_curves);
    if (!m) return make_errorf(m.error().code, "Manoeuvre {}: {}", i + 1, m.error());
    ms.push_back(std::move(*m));
  }
  return assess_session(std::move(ms), options);
}

Result<BdResponse> bronchodilator_response(double pre_fev1_l, double post_fev1_l, double pre_fvc_l,
                                           double post_fvc_l, double predicted_fev1_l,
                                           double predicted_fvc_l) {
  for (double v : {pre_fev1_l, post_fev1_l, pre_fvc_l, post_fvc_l})
    if (!std::isfinite(v) || v <= 0.0)
      return make_error("bad_value",
                        "A pre- or post-bronchodilator FEV1/FVC is missing or not positive: both "
                        "sessions need reported values.");
  if (!std::isfinite(predicted_fev1_l) || !std::isfinite(predicted_fvc_l) ||
      predicted_fev1_l <= 0.0 || predicted_fvc_l <= 0.0)
    return make_error("no_predicted",
                      "The bronchodilator response needs predicted FEV1 and FVC (ATS/ERS 2022): "
                      "compute them with the worker's age, height and sex first.");
  BdResponse b;
  b.fev1_change_l = post_fev1_l - pre_fev1_l;
  b.fvc_change_l = post_fvc_l - pre_fvc_l;
  b.fev1_change_pct_pred = 100.0 * b.fev1_change_l / predicted_fev1_l;
  b.fvc_change_pct_pred = 100.0 * b.fvc_change_l / predicted_fvc_l;
  b.significant_fev1 = b.fev1_change_pct_pred > kBdResponsePctPredicted;
  b.significant_fvc = b.fvc_change_pct_pred > kBdResponsePctPredicted;
  b.significant = b.significant_fev1 || b.significant_fvc;
  return b;
}

}  // namespace odyo::spirometry
