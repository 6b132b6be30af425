#include "analysis/spirometry/reference.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "analysis/core/csv.hpp"
#include "analysis/core/error_text.hpp"

namespace odyo::spirometry {
namespace {

constexpr double kKnotStep_years = 0.25;

// The table's rows of fields, read by the one CSV reader (analysis/core/csv.hpp), `,` between
// fields as these tables are written; blank lines skipped.
Result<std::vector<std::vector<std::string>>> split_csv(std::string_view text,
                                                        const std::string& file) {
  csv::Options o;
  o.delimiter = ',';
  o.decimal = '.';
  auto t = csv::parse(text, file, o);
  if (!t) {
    Error e = t.error();
    e.code = "bad_reference_table";
    return e;
  }
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
  return make_errorf("bad_sex", "sex must be M or F, got '{}'", s);
}

Error table_error(std::string_view what, std::size_t line, const Error& msg) {
  return make_errorf("bad_reference_table",
                     "Reference table {}, line {}: {}. Restore the file from "
                     "config/reference/ (see its README.md).",
                     what, line, msg);
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
  return make_errorf("bad_param", "unknown ECCS parameter '{}'", id);
}

// "men" or "women", translated with the message it goes into.
Error sex_word(Sex s) {
  return s == Sex::kMale ? make_error({}, "men") : make_error({}, "women");
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
  return make_errorf("bad_equation",
                     "Unknown reference equation '{}': use gli2012, gli-global-2022 or eccs1993.",
                     id);
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
  return make_errorf("bad_param",
                     "Unknown spirometry parameter '{}': use FEV1, FVC, FEV1FVC, FEF2575 or FEF75.",
                     id);
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
  if (crow.size() < 2) return table_error(cfile, 1, make_error({}, "no rows"));
  for (std::size_t i = 1; i < crow.size(); ++i) {
    const auto& r = crow[i];
    if (r.size() != ncols)
      return table_error(cfile, i + 1, make_errorf({}, "{} fields, {} expected", r.size(), ncols));
    auto p = parse_param(r[0]);
    auto sx = parse_sex(r[1]);
    if (!p || !sx) return table_error(cfile, i + 1, !p ? p.error() : sx.error());
    std::vector<double> v(ncols - 2);
    for (std::size_t k = 2; k < ncols; ++k)
      if (!to_double(r[k], v[k - 2]))
        return table_error(cfile, i + 1, make_errorf({}, "field {} is not a number", k + 1));
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
  if (srow.size() < 2) return table_error(sfile, 1, make_error({}, "no rows"));
  for (std::size_t i = 1; i < srow.size(); ++i) {
    const auto& r = srow[i];
    if (r.size() != 6)
      return table_error(sfile, i + 1, make_errorf({}, "{} fields, 6 expected", r.size()));
    auto p = parse_param(r[0]);
    auto sx = parse_sex(r[1]);
    if (!p || !sx) return table_error(sfile, i + 1, !p ? p.error() : sx.error());
    auto it = t.eq.find({*p, *sx});
    if (it == t.eq.end())
      return table_error(sfile, i + 1, make_errorf({}, "no coefficients for {}", param_id(*p)));
    double age = 0;
    GliKnot k;
    if (!to_double(r[2], age) || !to_double(r[3], k.m) || !to_double(r[4], k.s) ||
        !to_double(r[5], k.l))
      return table_error(sfile, i + 1, make_error({}, "a field is not a number"));
    GliEquation& e = it->second;
    if (e.knots.empty()) {
      e.age_min = age;
    } else {
      const double expect = e.age_min + kKnotStep_years * static_cast<double>(e.knots.size());
      if (std::abs(age - expect) > 1e-9)
        return table_error(sfile, i + 1,
                           make_errorf({}, "age {} where {} was expected (0.25-year knots, sorted)",
                                       fmt::format("{:.2f}", age), fmt::format("{:.2f}", expect)));
    }
    e.knots.push_back(k);
    e.age_max = age;
  }
  for (const auto& [key, e] : t.eq)
    if (e.knots.size() < 2)
      return table_error(sfile, srow.size(),
                         make_errorf({}, "no spline knots for {}", param_id(key.first)));
  return t;
}

Result<EccsTables> parse_eccs_tables(std::string_view csv, std::string_view what) {
  const std::string label = what.empty() ? "eccs1993" : std::string(what);
  EccsTables t;
  const auto rows_read = split_csv(csv, label);
  if (!rows_read) return rows_read.error();
  const auto& rows = *rows_read;
  if (rows.size() < 2) return table_error(label, 1, make_error({}, "no rows"));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (r.size() != 8)
      return table_error(label, i + 1, make_errorf({}, "{} fields, 8 expected", r.size()));
    auto p = eccs_param(r[0]);
    auto sx = parse_sex(r[1]);
    if (!p || !sx) return table_error(label, i + 1, !p ? p.error() : sx.error());
    EccsEquation e;
    e.unit = std::string(r[2]);
    if (!to_double(r[3], e.b_height_m) || !to_double(r[4], e.b_age) ||
        !to_double(r[5], e.intercept) || !to_double(r[6], e.rsd) || e.rsd <= 0.0)
      return table_error(label, i + 1,
                         make_error({}, "a coefficient is not a number (or RSD ≤ 0)"));
    if (r[7] != "yes" && r[7] != "no")
      return table_error(label, i + 1, make_error({}, "rsd_verified must be yes or no"));
    e.rsd_verified = r[7] == "yes";
    t.eq[{*p, *sx}] = e;
  }
  return t;
}

namespace {

constexpr std::array<Param, 5> kGliParams = {Param::kFev1, Param::kFvc, Param::kFev1Fvc,
                                             Param::kFef2575, Param::kFef75};
constexpr std::array<Param, 9> kEccsParams = {Param::kFev1,  Param::kFvc,   Param::kFef2575,
                                              Param::kFef75, Param::kFef25, Param::kFef50,
                                              Param::kPef,   Param::kIvc,   Param::kFev1Ivc};

const GliEquation* find_gli(const GliTables& t, Param p, Sex s) {
  auto it = t.eq.find({p, s});
  return it == t.eq.end() ? nullptr : &it->second;
}

struct RowCheck {
  const char* field;
  Error error;
};

// gli_lms's checks of one subject against one parameter's equation `e` (non-null).
std::optional<RowCheck> check_gli(const GliTables& t, const GliEquation& e, Param param,
                                  const Subject& s) {
  if (!std::isfinite(s.age_years) || s.age_years < e.age_min || s.age_years > e.age_max)
    return RowCheck{"age", make_errorf("age_out_of_range",
                                       "Age {} years is outside {}'s range for {} ({}–{} years): "
                                       "no predicted value is given outside the equation's data; "
                                       "check the date of birth or choose another equation.",
                                       fmt::format("{:.2f}", s.age_years), equation_id(t.equation),
                                       param_id(param), fmt::format("{:.0f}", e.age_min),
                                       fmt::format("{:.0f}", e.age_max))};
  if (!std::isfinite(s.height_cm) || s.height_cm <= 0.0)
    return RowCheck{"height", make_error("height_out_of_range",
                                         "Height must be a positive number of centimetres.")};
  if (s.ethnicity < 1 || s.ethnicity > 5)
    return RowCheck{"ethnicity", make_errorf("bad_ethnicity",
                                             "Ethnic group {} is not a GLI-2012 group: use 1 "
                                             "Caucasian, 2 African-American, 3 NE Asian, 4 SE "
                                             "Asian or 5 Other/mixed.",
                                             s.ethnicity)};
  return std::nullopt;
}

Subject row_subject(const CohortColumns& c, std::size_t i) {
  return Subject{c.sex[i], c.age_years[static_cast<Eigen::Index>(i)],
                 c.height_cm[static_cast<Eigen::Index>(i)], c.ethnicity[i]};
}

// The LMS model for one parameter over all rows. `eq[0]`/`eq[1]`: the men's/women's equation
// (either may be null); rows whose equation is null or whose `unavailable` flag is set get NaN.
// Every other row must have passed check_gli.
PredictedColumn gli_column(const GliTables& t, Param param, const GliEquation* const eq[2],
                           const CohortColumns& c, const Eigen::ArrayXd& log_age,
                           const Eigen::ArrayXd& log_height,
                           const std::vector<std::uint8_t>* unavailable) {
  const auto n = static_cast<Eigen::Index>(c.size());
  const bool g2012 = t.equation == Equation::kGli2012;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  Eigen::ArrayXd mlog(n), slog(n), l(n);
  // Per row: the spline, linear between the bracketing 0.25-year knots, and the linear parts.
  for (Eigen::Index r = 0; r < n; ++r) {
    const auto i = static_cast<std::size_t>(r);
    const GliEquation* e = eq[c.sex[i] == Sex::kMale ? 0 : 1];
    if (e == nullptr || (unavailable != nullptr && (*unavailable)[i] != 0)) {
      mlog[r] = slog[r] = l[r] = kNaN;
      continue;
    }
    const double x = (c.age_years[r] - e->age_min) / kKnotStep_years;
    auto k = static_cast<std::size_t>(std::floor(x));
    if (k >= e->knots.size() - 1) k = e->knots.size() - 2;
    const double w = x - static_cast<double>(k);
    const GliKnot& k0 = e->knots[k];
    const GliKnot& k1 = e->knots[k + 1];
    const double la = log_age[r];
    double m = e->a[0] + e->a[1] * log_height[r] + e->a[2] * la + (k0.m + w * (k1.m - k0.m));
    double s = e->p[0] + e->p[1] * la + (k0.s + w * (k1.s - k0.s));
    // Ethnic group (GLI-2012): Caucasian is the reference (all terms 0).
    if (g2012 && c.ethnicity[i] > 1) {
      const std::size_t g = c.ethnicity[i] - 2u;
      m += e->a[3 + g];
      s += e->p[2 + g];
    }
    mlog[r] = m;
    slog[r] = s;
    l[r] = e->q[0] + e->q[1] * la + (k0.l + w * (k1.l - k0.l));
  }
  PredictedColumn out;
  out.param = param;
  out.lms = true;
  out.m = mlog.exp();
  out.s = slog.exp();
  out.l = l;
  out.predicted = out.m;
  // LLN/ULN = M·(1 ∓ 1.645·L·S)^(1/L), written as exp(ln(…)/L) for the vectorised path.
  const Eigen::ArrayXd zls = kGliZLimit * out.l * out.s;
  out.lln = out.m * ((1.0 - zls).log() / out.l).exp();
  out.uln = out.m * ((1.0 + zls).log() / out.l).exp();
  for (Eigen::Index r = 0; r < n; ++r) {
    if (std::abs(out.l[r]) < 1e-5) {  // L → 0: the log-normal limit
      out.lln[r] = out.m[r] * std::exp(-kGliZLimit * out.s[r]);
      out.uln[r] = out.m[r] * std::exp(kGliZLimit * out.s[r]);
    }
  }
  return out;
}

CohortColumns one_row(const Subject& s) {
  CohortColumns c;
  c.resize(1);
  c.sex[0] = s.sex;
  c.age_years[0] = s.age_years;
  c.height_cm[0] = s.height_cm;
  // Out-of-range groups are kept so that check_gli reports them (255 stays out of range).
  c.ethnicity[0] = static_cast<std::uint8_t>(std::clamp(s.ethnicity, 0, 255));
  return c;
}

Predicted row_of(const PredictedColumn& c, Eigen::Index r) {
  Predicted p;
  p.param = c.param;
  p.lms = c.lms;
  p.provisional = c.provisional;
  p.predicted = c.predicted[r];
  p.lln = c.lln[r];
  p.uln = c.uln[r];
  if (c.lms) {
    p.l = c.l[r];
    p.m = c.m[r];
    p.s = c.s[r];
  } else {
    p.rsd = c.rsd[r];
  }
  return p;
}

PredictedColumn column_of(const Predicted& p) {
  PredictedColumn c;
  c.param = p.param;
  c.lms = p.lms;
  c.provisional = p.provisional;
  auto one = [](double v) { return Eigen::ArrayXd::Constant(1, v); };
  c.predicted = one(p.predicted);
  c.lln = one(p.lln);
  c.uln = one(p.uln);
  c.l = one(p.l);
  c.m = one(p.m);
  c.s = one(p.s);
  c.rsd = one(p.rsd);
  return c;
}

}  // namespace

void CohortColumns::resize(std::size_t n) {
  sex.resize(n, Sex::kMale);
  age_years.resize(static_cast<Eigen::Index>(n));
  height_cm.resize(static_cast<Eigen::Index>(n));
  ethnicity.resize(n, 1);
}

const PredictedColumn* CohortPrediction::find(Param p) const {
  for (const auto& x : params)
    if (x.param == p) return &x;
  return nullptr;
}

Result<Predicted> gli_lms(const GliTables& t, Param param, const Subject& s) {
  const GliEquation* e = find_gli(t, param, s.sex);
  if (e == nullptr)
    return make_errorf("missing_table", "{} has no {} equation for {}.", equation_id(t.equation),
                       param_id(param), sex_word(s.sex));
  if (auto bad = check_gli(t, *e, param, s)) return bad->error;
  const GliEquation* eq[2] = {s.sex == Sex::kMale ? e : nullptr,
                              s.sex == Sex::kFemale ? e : nullptr};
  const CohortColumns c = one_row(s);
  const Eigen::ArrayXd la = c.age_years.log(), lh = c.height_cm.log();
  return row_of(gli_column(t, param, eq, c, la, lh, nullptr), 0);
}

Result<CohortPrediction> predict_cohort(const ReferenceTables& tables, Equation equation,
                                        const CohortColumns& c,
                                        std::vector<SubjectProblem>& problems,
                                        std::size_t& problem_count, std::size_t max_problems) {
  problems.clear();
  problem_count = 0;
  const std::size_t n = c.size();
  if (c.age_years.size() != static_cast<Eigen::Index>(n) ||
      c.height_cm.size() != static_cast<Eigen::Index>(n) || c.ethnicity.size() != n)
    return make_error("bad_columns", "predict_cohort: the subject columns differ in length.");
  auto add = [&](std::size_t row, const char* field, Error e) {
    ++problem_count;
    if (problems.size() < max_problems) problems.push_back({row, field, std::move(e)});
  };
  auto refuse = [&]() -> Error {
    if (!problems.empty()) {
      Error e = problems.front().error;
      e.code = "bad_subjects";
      return e;
    }
    return make_errorf("bad_subjects", "{} subjects have no prediction.", problem_count);
  };
  CohortPrediction out;
  out.equation = equation;
  if (equation == Equation::kEccs1993) {
    for (std::size_t i = 0; i < n; ++i) {
      const Subject s = row_subject(c, i);
      const bool male = s.sex == Sex::kMale;
      const double hmin = male ? 155.0 : 145.0, hmax = male ? 195.0 : 180.0;
      if (!std::isfinite(s.height_cm))
        add(i, "height",
            make_error("height_out_of_range", "Height is not a number: enter it in centimetres."));
      else if (!std::isfinite(s.age_years) || s.age_years < 18.0 || s.age_years > 70.0)
        add(i, "age",
            make_errorf("age_out_of_range",
                        "Age {} years is outside ECCS/ERS 1993 (18–70 years): no "
                        "predicted value is given outside the equation's data; use "
                        "GLI (3–95 years).",
                        fmt::format("{:.1f}", s.age_years)));
      else if (s.height_cm < hmin || s.height_cm > hmax)
        add(i, "height",
            make_errorf("height_out_of_range",
                        "Height {} cm is outside ECCS/ERS 1993 for {} ({}–{} cm): use "
                        "GLI, or check that the height is in centimetres.",
                        fmt::format("{:.1f}", s.height_cm), sex_word(s.sex),
                        fmt::format("{:.0f}", hmin), fmt::format("{:.0f}", hmax)));
    }
    if (problem_count > 0) return refuse();
    const auto rows = static_cast<Eigen::Index>(n);
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    for (Param p : kEccsParams) {
      const EccsEquation* eq[2] = {nullptr, nullptr};
      for (int sx = 0; sx < 2; ++sx) {
        auto it = tables.eccs1993.eq.find({p, sx == 0 ? Sex::kMale : Sex::kFemale});
        if (it != tables.eccs1993.eq.end()) eq[sx] = &it->second;
      }
      if (eq[0] == nullptr && eq[1] == nullptr) continue;
      PredictedColumn col;
      col.param = p;
      col.lms = false;
      col.predicted.resize(rows);
      col.rsd.resize(rows);
      for (Eigen::Index r = 0; r < rows; ++r) {
        const EccsEquation* e = eq[c.sex[static_cast<std::size_t>(r)] == Sex::kMale ? 0 : 1];
        if (e == nullptr) {
          col.predicted[r] = col.rsd[r] = kNaN;
          continue;
        }
        col.provisional = col.provisional || !e->rsd_verified;
        // Ages 18–25 use age 25 (the commonly cited rule, applied to every parameter).
        const double age = std::max(c.age_years[r], 25.0);
        col.predicted[r] = e->b_height_m * c.height_cm[r] / 100.0 + e->b_age * age + e->intercept;
        col.rsd[r] = e->rsd;
      }
      col.lln = col.predicted - kEccsZLimit * col.rsd;
      col.uln = col.predicted + kEccsZLimit * col.rsd;
      out.params.push_back(std::move(col));
    }
    if (out.params.empty())
      return make_error("missing_table",
                        "The ECCS/ERS 1993 table is empty: restore "
                        "config/reference/eccs1993_coefficients.csv.");
    return out;
  }
  const GliTables& t = equation == Equation::kGli2012 ? tables.gli2012 : tables.gli_global2022;
  // Equations resolved once: [parameter][0 men, 1 women].
  std::array<std::array<const GliEquation*, 2>, kGliParams.size()> eq{};
  for (std::size_t j = 0; j < kGliParams.size(); ++j) {
    eq[j][0] = find_gli(t, kGliParams[j], Sex::kMale);
    eq[j][1] = find_gli(t, kGliParams[j], Sex::kFemale);
  }
  // FEF tables stop at 90 years: those rows get no FEF value, never a number outside.
  std::array<std::vector<std::uint8_t>, kGliParams.size()> unavailable;
  for (std::size_t i = 0; i < n; ++i) {
    const Subject s = row_subject(c, i);
    if (!std::isfinite(s.height_cm)) {
      add(i, "height",
          make_error("height_out_of_range", "Height is not a number: enter it in centimetres."));
      continue;
    }
    if (s.height_cm < kGliMinHeight_cm || s.height_cm > kGliMaxHeight_cm) {
      add(i, "height",
          make_errorf("height_out_of_range",
                      "Height {} cm is outside {}–{} cm: enter the height in "
                      "centimetres (1.72 m = 172 cm).",
                      fmt::format("{:.1f}", s.height_cm), fmt::format("{:.0f}", kGliMinHeight_cm),
                      fmt::format("{:.0f}", kGliMaxHeight_cm)));
      continue;
    }
    if (t.eq.empty()) break;
    bool any = false;
    for (std::size_t j = 0; j < kGliParams.size(); ++j) {
      const GliEquation* e = eq[j][s.sex == Sex::kMale ? 0 : 1];
      if (e == nullptr) continue;
      auto bad = check_gli(t, *e, kGliParams[j], s);
      if (!bad) {
        any = true;
        continue;
      }
      const Param p = kGliParams[j];
      if (bad->error.code == "age_out_of_range" && (p == Param::kFef2575 || p == Param::kFef75) &&
          any) {
        if (unavailable[j].empty()) unavailable[j].assign(n, 0);
        unavailable[j][i] = 1;
        continue;
      }
      add(i, bad->field, std::move(bad->error));
      break;
    }
  }
  if (problem_count > 0) return refuse();
  if (t.eq.empty())
    return make_errorf("missing_table", "The {} tables are not loaded: check config/reference/.",
                       equation_id(equation));
  const Eigen::ArrayXd log_age = c.age_years.log();
  const Eigen::ArrayXd log_height = c.height_cm.log();
  for (std::size_t j = 0; j < kGliParams.size(); ++j) {
    if (eq[j][0] == nullptr && eq[j][1] == nullptr) continue;
    const GliEquation* const pair[2] = {eq[j][0], eq[j][1]};
    out.params.push_back(gli_column(t, kGliParams[j], pair, c, log_age, log_height,
                                    unavailable[j].empty() ? nullptr : &unavailable[j]));
  }
  return out;
}

Result<Prediction> predict(const ReferenceTables& tables, Equation equation, const Subject& s) {
  std::vector<SubjectProblem> problems;
  std::size_t count = 0;
  auto r = predict_cohort(tables, equation, one_row(s), problems, count, 1);
  if (!r) return problems.empty() ? r.error() : problems.front().error;
  Prediction out;
  out.equation = equation;
  out.subject = s;
  for (const auto& col : r->params)
    if (!std::isnan(col.predicted[0])) out.params.push_back(row_of(col, 0));
  return out;
}

ScoreColumns score_cohort(const PredictedColumn& p, const Eigen::ArrayXd& measured) {
  ScoreColumns out;
  if (p.lms) {
    // z = ((measured/M)^L − 1)/(L·S); L → 0: ln(measured/M)/S.
    const Eigen::ArrayXd log_ratio = (measured / p.m).log();
    out.z = ((p.l * log_ratio).exp() - 1.0) / (p.l * p.s);
    for (Eigen::Index r = 0; r < out.z.size(); ++r)
      if (std::abs(p.l[r]) < 1e-5) out.z[r] = log_ratio[r] / p.s[r];
  } else {
    out.z = (measured - p.predicted) / p.rsd;
  }
  out.pct_pred = 100.0 * measured / p.predicted;
  return out;
}

Result<Score> score(const Predicted& p, double measured) {
  if (!std::isfinite(measured) || measured <= 0.0)
    return make_errorf("bad_measured", "Measured {} = {} is not a positive number.",
                       param_id(p.param), fmt::format("{:g}", measured));
  const ScoreColumns c = score_cohort(column_of(p), Eigen::ArrayXd::Constant(1, measured));
  Score s;
  s.z = c.z[0];
  s.pct_pred = c.pct_pred[0];
  s.below_lln = measured < p.lln;
  s.above_uln = measured > p.uln;
  return s;
}

}  // namespace odyo::spirometry
