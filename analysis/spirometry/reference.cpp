#include "analysis/spirometry/reference.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "analysis/core/csv.hpp"

namespace odyo::spirometry {
namespace {

template <typename... A>
std::string fmt(const char* f, A... a) {
  char buf[400];
  std::snprintf(buf, sizeof buf, f, a...);
  return buf;
}

constexpr double kKnotStep_years = 0.25;

// The table's rows of fields, read by the one CSV reader (analysis/core/csv.hpp), `,` between
// fields as these tables are written; blank lines skipped.
Result<std::vector<std::vector<std::string>>> split_csv(std::string_view text,
                                                        const std::string& file) {
  csv::Options o;
  o.delimiter = ',';
  o.decimal = '.';
  auto t = csv::parse(text, file, o);
  if (!t) return make_error("bad_reference_table", t.error().message);
  std::vector<std::vector<std::string>> rows;
  rows.reserve(t->rows.size());
  for (auto& r : t->rows) rows.push_back(std::move(r.cells));
  return rows;
}

bool to_double(std::string_view sv, double& out) {
  while (!sv.empty() && sv.front() == ' ') sv.remove_prefix(1);
  while (!sv.empty() && sv.back() == ' ') sv.remove_suffix(1);
  if (sv.empty()) return false;
  const auto* end = sv.data() + sv.size();
  auto [ptr, ec] = std::from_chars(sv.data(), end, out);
  return ec == std::errc() && ptr == end && std::isfinite(out);
}

Result<Sex> parse_sex(std::string_view s) {
  if (s == "M") return Sex::kMale;
  if (s == "F") return Sex::kFemale;
  return make_error("bad_sex", "sex must be M or F, got '" + std::string(s) + "'");
}

Error table_error(std::string_view what, std::size_t line, const std::string& msg) {
  return make_error("bad_reference_table",
                    fmt("Reference table %s, line %d: %s. Restore the file from "
                        "config/reference/ (see its README.md).",
                        std::string(what).c_str(), static_cast<int>(line), msg.c_str()));
}

// ECCS names → ATS parameters (naming trap: ECCS MEF25 is ATS FEF75).
Result<Param> eccs_param(std::string_view id) {
  if (id == "FVC") return Param::kFvc;
  if (id == "FEV1") return Param::kFev1;
  if (id == "IVC") return Param::kIvc;
  if (id == "FEV1_IVC_pct") return Param::kFev1Ivc;
  if (id == "FEF25_75") return Param::kFef2575;
  if (id == "PEF") return Param::kPef;
  if (id == "MEF75") return Param::kFef25;
  if (id == "MEF50") return Param::kFef50;
  if (id == "MEF25") return Param::kFef75;
  return make_error("bad_param", "unknown ECCS parameter '" + std::string(id) + "'");
}

const char* sex_word(Sex s) {
  return s == Sex::kMale ? "men" : "women";
}

}  // namespace

const char* equation_id(Equation e) {
  switch (e) {
    case Equation::kGli2012:
      return "gli2012";
    case Equation::kGliGlobal2022:
      return "gli-global-2022";
    case Equation::kEccs1993:
      return "eccs1993";
  }
  return "?";
}

Result<Equation> parse_equation(std::string_view id) {
  if (id == "gli2012") return Equation::kGli2012;
  if (id == "gli-global-2022") return Equation::kGliGlobal2022;
  if (id == "eccs1993") return Equation::kEccs1993;
  return make_error("bad_equation", "Unknown reference equation '" + std::string(id) +
                                        "': use gli2012, gli-global-2022 or eccs1993.");
}

const char* param_id(Param p) {
  switch (p) {
    case Param::kFev1:
      return "FEV1";
    case Param::kFvc:
      return "FVC";
    case Param::kFev1Fvc:
      return "FEV1FVC";
    case Param::kFef2575:
      return "FEF2575";
    case Param::kFef75:
      return "FEF75";
    case Param::kFef25:
      return "FEF25";
    case Param::kFef50:
      return "FEF50";
    case Param::kPef:
      return "PEF";
    case Param::kIvc:
      return "IVC";
    case Param::kFev1Ivc:
      return "FEV1IVC";
  }
  return "?";
}

Result<Param> parse_param(std::string_view id) {
  for (Param p : {Param::kFev1, Param::kFvc, Param::kFev1Fvc, Param::kFef2575, Param::kFef75,
                  Param::kFef25, Param::kFef50, Param::kPef, Param::kIvc, Param::kFev1Ivc})
    if (id == param_id(p)) return p;
  return make_error("bad_param", "Unknown spirometry parameter '" + std::string(id) +
                                     "': use FEV1, FVC, FEV1FVC, FEF2575 or FEF75.");
}

const char* param_unit(Param p) {
  switch (p) {
    case Param::kFev1:
    case Param::kFvc:
    case Param::kIvc:
      return "L";
    case Param::kFev1Fvc:
      return "";
    case Param::kFev1Ivc:
      return "%";
    default:
      return "L/s";
  }
}

const Predicted* Prediction::find(Param p) const {
  for (const auto& x : params)
    if (x.param == p) return &x;
  return nullptr;
}

Result<GliTables> parse_gli_tables(Equation which, std::string_view coef_csv,
                                   std::string_view spline_csv, std::string_view what) {
  const bool g2012 = which == Equation::kGli2012;
  if (which == Equation::kEccs1993)
    return make_error("bad_equation", "parse_gli_tables: ECCS is not a GLI equation");
  GliTables t;
  t.equation = which;
  // Messages name the files: <what>_coefficients.csv and <what>_splines.csv.
  const std::string label =
      !what.empty() ? std::string(what) : (g2012 ? "gli2012" : "gli_global2022");
  const std::string cfile = label + "_coefficients.csv", sfile = label + "_splines.csv";
  const auto crow_read = split_csv(coef_csv, cfile);
  if (!crow_read) return crow_read.error();
  const auto& crow = *crow_read;
  const std::size_t ncols = g2012 ? 17 : 9;
  if (crow.size() < 2) return table_error(cfile, 1, "no rows");
  for (std::size_t i = 1; i < crow.size(); ++i) {
    const auto& r = crow[i];
    if (r.size() != ncols)
      return table_error(
          cfile, i + 1,
          fmt("%d fields, %d expected", static_cast<int>(r.size()), static_cast<int>(ncols)));
    auto p = parse_param(r[0]);
    auto sx = parse_sex(r[1]);
    if (!p || !sx) return table_error(cfile, i + 1, !p ? p.error().message : sx.error().message);
    std::vector<double> v(ncols - 2);
    for (std::size_t k = 2; k < ncols; ++k)
      if (!to_double(r[k], v[k - 2]))
        return table_error(cfile, i + 1, "field " + std::to_string(k + 1) + " is not a number");
    GliEquation e;
    if (g2012) {
      std::copy(v.begin(), v.begin() + 7, e.a.begin());
      std::copy(v.begin() + 7, v.begin() + 13, e.p.begin());
      e.q = {v[13], v[14]};
    } else {  // a0, a1 ln(h), a2 ln(age), p0, p1 ln(age), q0, q1 ln(age)
      e.a = {v[0], v[1], v[2], 0, 0, 0, 0};
      e.p = {v[3], v[4], 0, 0, 0, 0};
      e.q = {v[5], v[6]};
    }
    t.eq[{*p, *sx}] = e;
  }
  const auto srow_read = split_csv(spline_csv, sfile);
  if (!srow_read) return srow_read.error();
  const auto& srow = *srow_read;
  if (srow.size() < 2) return table_error(sfile, 1, "no rows");
  for (std::size_t i = 1; i < srow.size(); ++i) {
    const auto& r = srow[i];
    if (r.size() != 6)
      return table_error(sfile, i + 1, fmt("%d fields, 6 expected", static_cast<int>(r.size())));
    auto p = parse_param(r[0]);
    auto sx = parse_sex(r[1]);
    if (!p || !sx) return table_error(sfile, i + 1, !p ? p.error().message : sx.error().message);
    auto it = t.eq.find({*p, *sx});
    if (it == t.eq.end())
      return table_error(sfile, i + 1, std::string("no coefficients for ") + param_id(*p));
    double age = 0;
    GliKnot k;
    if (!to_double(r[2], age) || !to_double(r[3], k.m) || !to_double(r[4], k.s) ||
        !to_double(r[5], k.l))
      return table_error(sfile, i + 1, "a field is not a number");
    GliEquation& e = it->second;
    if (e.knots.empty()) {
      e.age_min = age;
    } else {
      const double expect = e.age_min + kKnotStep_years * static_cast<double>(e.knots.size());
      if (std::abs(age - expect) > 1e-9)
        return table_error(
            sfile, i + 1,
            fmt("age %.2f where %.2f was expected (0.25-year knots, sorted)", age, expect));
    }
    e.knots.push_back(k);
    e.age_max = age;
  }
  for (const auto& [key, e] : t.eq)
    if (e.knots.size() < 2)
      return table_error(sfile, srow.size(),
                         std::string("no spline knots for ") + param_id(key.first));
  return t;
}

Result<EccsTables> parse_eccs_tables(std::string_view csv, std::string_view what) {
  const std::string label = what.empty() ? "eccs1993" : std::string(what);
  EccsTables t;
  const auto rows_read = split_csv(csv, label);
  if (!rows_read) return rows_read.error();
  const auto& rows = *rows_read;
  if (rows.size() < 2) return table_error(label, 1, "no rows");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (r.size() != 8)
      return table_error(label, i + 1, fmt("%d fields, 8 expected", static_cast<int>(r.size())));
    auto p = eccs_param(r[0]);
    auto sx = parse_sex(r[1]);
    if (!p || !sx) return table_error(label, i + 1, !p ? p.error().message : sx.error().message);
    EccsEquation e;
    e.unit = std::string(r[2]);
    if (!to_double(r[3], e.b_height_m) || !to_double(r[4], e.b_age) ||
        !to_double(r[5], e.intercept) || !to_double(r[6], e.rsd) || e.rsd <= 0.0)
      return table_error(label, i + 1, "a coefficient is not a number (or RSD ≤ 0)");
    if (r[7] != "yes" && r[7] != "no")
      return table_error(label, i + 1, "rsd_verified must be yes or no");
    e.rsd_verified = r[7] == "yes";
    t.eq[{*p, *sx}] = e;
  }
  return t;
}

Result<Predicted> gli_lms(const GliTables& t, Param param, const Subject& s) {
  auto it = t.eq.find({param, s.sex});
  if (it == t.eq.end())
    return make_error("missing_table", fmt("%s has no %s equation for %s.", equation_id(t.equation),
                                           param_id(param), sex_word(s.sex)));
  const GliEquation& e = it->second;
  if (!std::isfinite(s.age_years) || s.age_years < e.age_min || s.age_years > e.age_max)
    return make_error(
        "age_out_of_range",
        fmt("Age %.2f years is outside %s's range for %s (%.0f–%.0f years): "
            "no predicted value is given outside the equation's data; check the "
            "date of birth or choose another equation.",
            s.age_years, equation_id(t.equation), param_id(param), e.age_min, e.age_max));
  if (!std::isfinite(s.height_cm) || s.height_cm <= 0.0)
    return make_error("height_out_of_range", "Height must be a positive number of centimetres.");
  if (s.ethnicity < 1 || s.ethnicity > 5)
    return make_error("bad_ethnicity",
                      fmt("Ethnic group %d is not a GLI-2012 group: use 1 Caucasian, 2 "
                          "African-American, 3 NE Asian, 4 SE Asian or 5 Other/mixed.",
                          s.ethnicity));
  // Spline: linear between the bracketing 0.25-year knots.
  const double x = (s.age_years - e.age_min) / kKnotStep_years;
  auto i = static_cast<std::size_t>(std::floor(x));
  if (i >= e.knots.size() - 1) i = e.knots.size() - 2;
  const double w = x - static_cast<double>(i);
  const GliKnot& k0 = e.knots[i];
  const GliKnot& k1 = e.knots[i + 1];
  const double mspl = k0.m + w * (k1.m - k0.m);
  const double sspl = k0.s + w * (k1.s - k0.s);
  const double lspl = k0.l + w * (k1.l - k0.l);

  const bool g2012 = t.equation == Equation::kGli2012;
  std::array<double, 4> eth{};  // AfrAm, NEAsia, SEAsia, Other (Caucasian = reference, all 0)
  if (g2012 && s.ethnicity > 1) eth[static_cast<std::size_t>(s.ethnicity - 2)] = 1.0;
  const double la = std::log(s.age_years);
  const double lh = std::log(s.height_cm);
  double mlog = e.a[0] + e.a[1] * lh + e.a[2] * la + mspl;
  double slog = e.p[0] + e.p[1] * la + sspl;
  for (std::size_t j = 0; j < 4; ++j) {
    mlog += e.a[3 + j] * eth[j];
    slog += e.p[2 + j] * eth[j];
  }
  Predicted r;
  r.param = param;
  r.m = std::exp(mlog);
  r.s = std::exp(slog);
  r.l = e.q[0] + e.q[1] * la + lspl;
  r.predicted = r.m;
  if (std::abs(r.l) < 1e-5) {
    r.lln = r.m * std::exp(-kGliZLimit * r.s);
    r.uln = r.m * std::exp(kGliZLimit * r.s);
  } else {
    r.lln = r.m * std::pow(1.0 - kGliZLimit * r.l * r.s, 1.0 / r.l);
    r.uln = r.m * std::pow(1.0 + kGliZLimit * r.l * r.s, 1.0 / r.l);
  }
  return r;
}

Result<Prediction> predict(const ReferenceTables& tables, Equation equation, const Subject& s) {
  if (!std::isfinite(s.height_cm))
    return make_error("height_out_of_range", "Height is not a number: enter it in centimetres.");
  Prediction out;
  out.equation = equation;
  out.subject = s;
  if (equation == Equation::kEccs1993) {
    const bool male = s.sex == Sex::kMale;
    const double hmin = male ? 155.0 : 145.0, hmax = male ? 195.0 : 180.0;
    if (!std::isfinite(s.age_years) || s.age_years < 18.0 || s.age_years > 70.0)
      return make_error("age_out_of_range",
                        fmt("Age %.1f years is outside ECCS/ERS 1993 (18–70 years): no predicted "
                            "value is given outside the equation's data; use GLI (3–95 years).",
                            s.age_years));
    if (s.height_cm < hmin || s.height_cm > hmax)
      return make_error("height_out_of_range",
                        fmt("Height %.1f cm is outside ECCS/ERS 1993 for %s (%.0f–%.0f cm): use "
                            "GLI, or check that the height is in centimetres.",
                            s.height_cm, sex_word(s.sex), hmin, hmax));
    // Ages 18–25 use age 25 (the commonly cited rule, applied to every parameter).
    const double age = std::max(s.age_years, 25.0);
    for (Param p : {Param::kFev1, Param::kFvc, Param::kFef2575, Param::kFef75, Param::kFef25,
                    Param::kFef50, Param::kPef, Param::kIvc, Param::kFev1Ivc}) {
      auto it = tables.eccs1993.eq.find({p, s.sex});
      if (it == tables.eccs1993.eq.end()) continue;
      const EccsEquation& e = it->second;
      Predicted r;
      r.param = p;
      r.lms = false;
      r.rsd = e.rsd;
      r.provisional = !e.rsd_verified;
      r.predicted = e.b_height_m * s.height_cm / 100.0 + e.b_age * age + e.intercept;
      r.lln = r.predicted - kEccsZLimit * e.rsd;
      r.uln = r.predicted + kEccsZLimit * e.rsd;
      out.params.push_back(r);
    }
    if (out.params.empty())
      return make_error("missing_table",
                        "The ECCS/ERS 1993 table is empty: restore "
                        "config/reference/eccs1993_coefficients.csv.");
    return out;
  }
  if (s.height_cm < kGliMinHeight_cm || s.height_cm > kGliMaxHeight_cm)
    return make_error("height_out_of_range",
                      fmt("Height %.1f cm is outside %.0f–%.0f cm: enter the height in "
                          "centimetres (1.72 m = 172 cm).",
                          s.height_cm, kGliMinHeight_cm, kGliMaxHeight_cm));
  const GliTables& t = equation == Equation::kGli2012 ? tables.gli2012 : tables.gli_global2022;
  if (t.eq.empty())
    return make_error("missing_table", std::string("The ") + equation_id(equation) +
                                           " tables are not loaded: check config/reference/.");
  for (Param p : {Param::kFev1, Param::kFvc, Param::kFev1Fvc, Param::kFef2575, Param::kFef75}) {
    if (!t.eq.count({p, s.sex})) continue;
    auto r = gli_lms(t, p, s);
    if (!r) {
      // FEF tables stop at 90 years: leave them out there, but never give a number outside.
      if (r.error().code == "age_out_of_range" && (p == Param::kFef2575 || p == Param::kFef75) &&
          !out.params.empty())
        continue;
      return r.error();
    }
    out.params.push_back(*r);
  }
  return out;
}

Result<Score> score(const Predicted& p, double measured) {
  if (!std::isfinite(measured) || measured <= 0.0)
    return make_error("bad_measured", fmt("Measured %s = %g is not a positive number.",
                                          param_id(p.param), measured));
  Score s;
  s.pct_pred = 100.0 * measured / p.predicted;
  if (p.lms) {
    s.z = std::abs(p.l) < 1e-5 ? std::log(measured / p.m) / p.s
                               : (std::pow(measured / p.m, p.l) - 1.0) / (p.l * p.s);
  } else {
    s.z = (measured - p.predicted) / p.rsd;
  }
  s.below_lln = measured < p.lln;
  s.above_uln = measured > p.uln;
  return s;
}

}  // namespace odyo::spirometry
