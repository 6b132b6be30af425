// odyospiro spiro analyze|predict — spirometry from a file of flow samples, and reference values.
//
//   odyospiro spiro analyze --input FILE [--rate HZ] [--btps FACTOR] [--age Y --sex E|K|M|F
//                           --height-cm CM [--equation E] [--ethnicity N]] --json
//     FILE: CSV of flow samples in L/s (one per line, expiration positive; an optional header
//     line) for one manoeuvre, or a JSON session {"rate_hz":…, "btps":…, "manoeuvres":[[…],…]}.
//     --rate/--btps override the file's values. Manoeuvre numbers in the output are 1-based.
//   odyospiro spiro predict --equation gli2012|gli-global-2022|eccs1993 --sex E|K|M|F --age YEARS
//                           --height-cm CM [--ethnicity 1-5] [--measured FEV1=…,FVC=…] --json
//   odyospiro spiro predict --equation E --input COHORT.csv --output OUT.csv [--ethnicity 1-5]
//                           [--decimals 8] [--threads N] [--progress] [--json]
//     the same computation for a CSV of subjects (station/spirometry/cohort.hpp: columns).
#include <unistd.h>

#include <fmt/format.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <memory>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/core/csv.hpp"
#include "analysis/spirometry/spirometry.hpp"
#include "station/cli/context.hpp"
#include "station/cli/person_options.hpp"
#include "station/core/person_input.hpp"
#include "station/core/text_file.hpp"
#include "station/reference/reference_tables.hpp"
#include "station/spirometry/cohort.hpp"
#include "station/spirometry/report.hpp"

#include "station/core/input.hpp"

namespace odyo::station {
namespace {

namespace sp = spirometry;
using nlohmann::json;

struct FlowInput {
  double rate_hz = 0.0;
  double btps = 1.0;
  std::vector<std::vector<double>> manoeuvres;
};

// The flow column of a table: the only column, or the one whose header is flow / flow_lps /
// akış (any case, an optional "(L/s)").
Result<std::size_t> flow_column(const csv::Table& t, bool header) {
  const csv::Row& first = t.rows.front();
  if (first.cells.size() == 1) return std::size_t{0};
  if (!header)
    return make_errorf(
        "bad_input",
        "{}{} fields separated by {} and no header: a flow file holds one flow (L/s) per line, or "
        "has a header naming its flow column (flow_lps, flow or akış). If ',' is the decimal "
        "separator here, give --decimal , (or save the file with ';' between fields).",
        t.where(first, 1), first.cells.size(), csv::delimiter_name(t.delimiter));
  for (std::size_t c = 0; c < first.cells.size(); ++c) {
    std::string name = fold_turkish(first.cells[c]);
    if (const auto p = name.find('('); p != std::string::npos) name = name.substr(0, p);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name == "flow" || name == "flow_lps" || name == "akış" || name == "akis" ||
        name == "akış_lps")
      return c;
  }
  return make_errorf("bad_input",
                     "{}no column of the header is the flow: name it flow_lps, flow or akış (the "
                     "file has {} columns)",
                     t.where(first, 0), first.cells.size());
}

Result<FlowInput> read_flow_file(const std::string& path, const TableFileOptions& opt) {
  auto bytes = read_file_bytes(path, "the flow file");
  if (!bytes) return bytes.error();
  auto text = decode_text(*bytes, path, opt.encoding);
  if (!text) return text.error();
  FlowInput fi;
  const auto first = text->find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (*text)[first] == '{') {
    auto parsed = parse_json_strict(*text, path);
    if (!parsed && parsed.error().code == "json_duplicate_key") return parsed.error();
    json j = parsed ? std::move(*parsed) : json();
    if (!parsed || !j.is_object())
      return make_errorf("bad_input",
                         "{} is not valid JSON: expected {{\"rate_hz\":…, \"btps\":…, "
                         "\"manoeuvres\":[[…flows…], …]}}.",
                         path);
    if (j.contains("rate_hz")) {
      if (!j["rate_hz"].is_number())
        return make_errorf("bad_input", "{}: rate_hz must be a number (samples per second).", path);
      fi.rate_hz = j["rate_hz"].get<double>();
    }
    if (j.contains("btps")) {
      if (!j["btps"].is_number())
        return make_errorf("bad_input", "{}: btps must be a number (1.0 for BTPS devices).", path);
      fi.btps = j["btps"].get<double>();
    }
    if (!j.contains("manoeuvres") || !j["manoeuvres"].is_array())
      return make_errorf("bad_input",
                         "{}: \"manoeuvres\" must be an array of arrays of flows in L/s.", path);
    for (std::size_t i = 0; i < j["manoeuvres"].size(); ++i) {
      const auto& m = j["manoeuvres"][i];
      if (!m.is_array())
        return make_errorf("bad_input", "{}: manoeuvre {} is not an array of numbers.", path,
                           i + 1);
      std::vector<double> v;
      v.reserve(m.size());
      for (std::size_t k = 0; k < m.size(); ++k) {
        if (m[k].is_number()) {
          v.push_back(m[k].get<double>());
        } else if (m[k].is_null()) {  // JSON has no NaN; null stands for a lost sample
          v.push_back(std::nan(""));
        } else {
          return make_errorf("bad_input", "{}: manoeuvre {}, sample {} is not a number.", path,
                             i + 1, k);
        }
      }
      fi.manoeuvres.push_back(std::move(v));
    }
    return fi;
  }
  // CSV (the one reader): one flow per line, or a header naming the flow column; an optional
  // header line; `,` `;` or tab between fields, `.` or `,` as the decimal separator.
  auto t = csv::parse(*text, path, opt.csv);
  if (!t) return t.error();
  std::vector<double> v;
  if (!t->rows.empty()) {
    const csv::Row& head = t->rows.front();
    const bool header = !head.cells.empty() && !t->number(head, 0, "flow").ok() &&
                        !csv::parse_number(head.cells[0]).ok();
    auto col = flow_column(*t, header);
    if (!col) return col.error();
    const std::size_t width = head.cells.size();
    for (std::size_t r = header ? 1 : 0; r < t->rows.size(); ++r) {
      const csv::Row& row = t->rows[r];
      if (row.cells.size() != width)
        return make_errorf("bad_input",
                           "{}{} fields, but line {} has {}: every line needs the same columns.",
                           t->where(row, 0), row.cells.size(), head.line, width);
      auto x = t->number(row, *col, N_("flow value in L/s"));
      if (!x) return make_errorf("bad_input", "{}.", x.error());
      v.push_back(*x);
    }
  }
  fi.manoeuvres.push_back(std::move(v));
  return fi;
}

struct SubjectArgs {
  std::string equation;
  std::string sex;
  double age = std::nan("");
  double height_cm = std::nan("");
  int ethnicity = 0;  // 0 = the configuration's default
  std::string measured;
  // Cohort mode (--input): a CSV of subjects instead of --sex/--age/--height-cm.
  std::string input;
  std::string output;
  int decimals = 8;
  unsigned threads = 0;
  bool progress = false;
};

Result<sp::Subject> make_subject(const SubjectArgs& a, int default_ethnicity) {
  sp::Subject s;
  auto sex = parse_sex(a.sex);
  if (!sex) return make_errorf("bad_sex", "--sex: {}.", sex.error());
  s.sex = *sex == "F" ? sp::Sex::kFemale : sp::Sex::kMale;
  s.age_years = a.age;
  s.height_cm = a.height_cm;
  s.ethnicity = a.ethnicity == 0 ? default_ethnicity : a.ethnicity;
  return s;
}

Result<std::map<sp::Param, double>> parse_measured(const std::string& text) {
  std::map<sp::Param, double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      return make_errorf("bad_measured", "--measured item '{}' must look like FEV1=3.10.", item);
    auto p = sp::parse_param(item.substr(0, eq));
    if (!p) return p.error();
    const std::string v = item.substr(eq + 1);
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !std::isfinite(x) || x <= 0.0)
      return make_errorf("bad_measured", "--measured {} = '{}' is not a positive number.",
                         item.substr(0, eq), v);
    out[*p] = x;
  }
  return out;
}

// Reference tables and defaults from the station configuration.
struct RefContext {
  sp::ReferenceTables tables;
  std::string default_equation;
  int default_ethnicity = 1;
};
Result<RefContext> load_ref(CliContext& ctx) {
  auto cfg = ctx.config();
  if (!cfg) return cfg.error();
  RefContext r;
  r.default_equation = (*cfg)->reference_equation;
  r.default_ethnicity = (*cfg)->gli2012_default_ethnicity;
  auto t = load_reference_tables((*cfg)->reference_dir);
  if (!t) return t.error();
  r.tables = std::move(*t);
  return r;
}

void print_session_text(CliContext& ctx, const sp::SessionResult& s) {
  auto& o = ctx.out();
  const bool tr = ctx.turkish();
  o << std::fixed << std::setprecision(3);
  for (std::size_t i = 0; i < s.manoeuvres.size(); ++i) {
    const auto& m = s.manoeuvres[i].indices;
    const auto& q = s.manoeuvres[i].quality;
    o << "#" << i + 1 << "  PEF " << m.pef_lps << " L/s  FEV1 " << m.fev1_l << " L  FVC " << m.fvc_l
      << " L  FEV1/FVC " << m.fev1_fvc << "  BEV " << m.bev_l << " L  FET " << std::setprecision(2)
      << m.fet_s << " s" << std::setprecision(3) << "  " << (q.acceptable_fev1 ? "FEV1✓" : "FEV1✗")
      << " " << (q.acceptable_fvc ? "FVC✓" : "FVC✗") << "\n";
    for (const auto& r : q.reasons) o << "    - " << (tr ? r.text_tr : r.text_en) << "\n";
  }
  const auto& r = s.reported;
  o << ctx.tr("Grade") << ": FEV1 " << sp::grade_name(s.grade_fev1) << ", FVC "
    << sp::grade_name(s.grade_fvc) << "\n";
  if (r.fev1_l) o << "FEV1 " << *r.fev1_l << " L";
  if (r.fvc_l) o << "  FVC " << *r.fvc_l << " L";
  if (r.fev1_fvc) o << "  FEV1/FVC " << *r.fev1_fvc;
  if (r.fef2575_lps) o << "  FEF25-75 " << *r.fef2575_lps << " L/s";
  o << "\n";
  if (s.guidance.another_blow_needed) o << ctx.tr("Another blow needed, because:") << "\n";
  for (const auto& b : s.guidance.because) o << "  - " << (tr ? b.text_tr : b.text_en) << "\n";
}

// spiro predict --input/--output: reference values for a cohort CSV.
void run_cohort(CliContext& ctx, const RefContext& ref, sp::Equation eq, const SubjectArgs& a) {
  CohortRunOptions o;
  o.input_path = a.input;
  o.output_path = a.output;
  o.equation = eq;
  o.default_ethnicity = a.ethnicity == 0 ? ref.default_ethnicity : a.ethnicity;
  if (o.default_ethnicity < 1 || o.default_ethnicity > 5)
    return (void)ctx.fail(make_error("bad_ethnicity", "--ethnicity must be 1 to 5."));
  o.decimals = a.decimals;
  o.threads = a.threads;
  const bool show = a.progress || ::isatty(STDERR_FILENO) == 1;
  if (show)
    o.progress = [&ctx](std::size_t rows, double fraction) {
      ctx.err() << "\r"
                << ctx.trf("spiro predict: {} rows, {} %", rows, static_cast<int>(100.0 * fraction))
                << std::flush;
    };
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run_cohort_predict(ref.tables, o);
  if (show) ctx.err() << "\n";
  if (!r) return (void)ctx.fail(r.error());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<std::string> warnings;
  for (const auto& w : r->warnings) {
    warnings.push_back(ctx.message(w));
    ctx.err() << warnings.back() << "\n";
  }
  if (ctx.json()) {
    ctx.out() << json{{"equation", sp::equation_id(eq)},
                      {"software_version", ODYO_VERSION},
                      {"input", a.input},
                      {"output", a.output},
                      {"rows", r->rows},
                      {"added_columns", r->added_columns},
                      {"warnings", warnings},
                      {"seconds", secs}}
                     .dump(2)
              << "\n";
    return;
  }
  ctx.out() << ctx.trf("{} rows → {} ({}, {} s)", r->rows, a.output, sp::equation_id(eq),
                       fmt::format("{:.2f}", secs))
            << "\n";
}

}  // namespace

void register_spiro_commands(CLI::App& app, CliContext& ctx) {
  auto* spiro =
      app.add_subcommand("spiro", "Spirometry: analyse flow files, reference values / Spirometri");
  spiro->require_subcommand(1);

  // spiro analyze
  struct AnalyzeArgs {
    std::string input;
    double rate = 0.0;
    double btps = 0.0;
    SubjectArgs subject;
    TableFileOptions table;
  };
  auto aa = std::make_shared<AnalyzeArgs>();
  auto* an = spiro->add_subcommand("analyze", "Analyse one manoeuvre (CSV) or a session (JSON)");
  an->add_option("--input", aa->input, "CSV of flows in L/s, or JSON session")->required();
  add_number_option(an, "--rate", aa->rate, "Sample rate in Hz (overrides the file)");
  add_number_option(an, "--btps", aa->btps, "BTPS factor (overrides the file; default 1.0)");
  add_table_file_options(an, aa->table);
  an->add_option("--equation", aa->subject.equation, "Reference equation (default: configuration)");
  add_sex_option(an, aa->subject.sex, "E|K or M|F (with --age and --height-cm: reference values)");
  add_number_option(an, "--age", aa->subject.age, "Age in years (decimal)");
  add_number_option(an, "--height-cm", aa->subject.height_cm, "Height in cm");
  an->add_option("--ethnicity", aa->subject.ethnicity, "GLI-2012 group 1-5");
  an->callback([&ctx, aa] {
    auto in = read_flow_file(aa->input, aa->table);
    if (!in) return (void)ctx.fail(in.error());
    sp::SignalSpec spec;
    // [spirometry].min_sample_rate_hz when a configuration is at hand; the analysis needs none,
    // but a configuration that is there and wrong stops it (never a silent default).
    if (auto cfg = ctx.config(); cfg) {
      spec.min_sample_rate_hz = (*cfg)->min_sample_rate_hz;
    } else if (cfg.error().code != "config_missing") {
      return (void)ctx.fail(cfg.error(), 2);
    }
    spec.sample_rate_hz = aa->rate > 0.0 ? aa->rate : in->rate_hz;
    spec.btps_factor = aa->btps != 0.0 ? aa->btps : in->btps;
    if (spec.sample_rate_hz <= 0.0)
      return (void)ctx.fail(make_error(
          "no_sample_rate", "The sample rate is not known: give --rate HZ (e.g. --rate 1000)."));
    std::vector<Eigen::Map<const Eigen::VectorXd>> views;
    for (const auto& m : in->manoeuvres)
      views.emplace_back(m.data(), static_cast<Eigen::Index>(m.size()));
    sp::SessionOptions sopt;
    const bool want_ref = !std::isnan(aa->subject.age) || !std::isnan(aa->subject.height_cm);
    if (!std::isnan(aa->subject.age)) sopt.age_years = aa->subject.age;
    auto s = sp::analyse_session(views, spec, sopt, false);
    if (!s) return (void)ctx.fail(s.error());
    json j = session_json(*s, spec);
    if (want_ref) {
      auto ref = load_ref(ctx);
      if (!ref) return (void)ctx.fail(ref.error(), 2);
      auto eq = sp::parse_equation(aa->subject.equation.empty() ? ref->default_equation
                                                                : aa->subject.equation);
      if (!eq) return (void)ctx.fail(eq.error());
      auto subj = make_subject(aa->subject, ref->default_ethnicity);
      if (!subj) return (void)ctx.fail(subj.error());
      auto pred = sp::predict(ref->tables, *eq, *subj);
      if (!pred) return (void)ctx.fail(pred.error());
      auto ev = sp::evaluate(*s, *pred);
      json rj{{"equation", sp::equation_id(*eq)}};
      if (ev) {
        for (const auto& p : ev->params)
          rj[sp::param_id(p.param)] = predicted_json(p.reference, p.measured);
        if (ev->interpretation)
          rj["interpretation"] = {{"pattern", sp::pattern_id(ev->interpretation->pattern)},
                                  {"severity", sp::severity_id(ev->interpretation->severity)},
                                  {"tr", ev->interpretation->text_tr},
                                  {"en", ev->interpretation->text_en}};
      }
      j["reference"] = rj;
    }
    if (ctx.json())
      ctx.out() << j.dump(2) << "\n";
    else
      print_session_text(ctx, *s);
  });

  // spiro predict
  auto pa = std::make_shared<SubjectArgs>();
  auto* pr =
      spiro->add_subcommand("predict", "Predicted, LLN, ULN (and z, % predicted) for a worker");
  pr->add_option("--equation", pa->equation,
                 "gli2012 | gli-global-2022 | eccs1993 (default: configuration)");
  auto* o_sex = add_sex_option(pr, pa->sex);
  auto* o_age = add_number_option(pr, "--age", pa->age, "Age in years (decimal)");
  auto* o_height = add_number_option(pr, "--height-cm", pa->height_cm, "Height in cm");
  auto* o_input = pr->add_option(
      "--input", pa->input,
      "Cohort: CSV with columns sex, age, height (cm) [, ethnicity, FEV1, FVC, FEV1FVC, …]");
  auto* o_output =
      pr->add_option("--output", pa->output, "Cohort: CSV written (input columns + results)");
  pr->add_option("--decimals", pa->decimals, "Cohort: digits after the point (default 8)");
  pr->add_option("--threads", pa->threads, "Cohort: worker threads (default: one per core)");
  pr->add_flag("--progress", pa->progress, "Cohort: progress on stderr even when not a terminal");
  o_input->needs(o_output)->excludes(o_sex)->excludes(o_age)->excludes(o_height);
  o_output->needs(o_input);
  pr->add_option(
      "--ethnicity", pa->ethnicity,
      "GLI-2012 group: 1 Caucasian, 2 African-American, 3 NE Asian, 4 SE Asian, 5 Other");
  pr->add_option("--measured", pa->measured,
                 "Measured values, e.g. FEV1=3.1,FVC=4.2,FEV1FVC=0.74,FEF2575=3.0");
  pr->callback([&ctx, pa] {
    auto ref = load_ref(ctx);
    if (!ref) return (void)ctx.fail(ref.error(), 2);
    auto eq = sp::parse_equation(pa->equation.empty() ? ref->default_equation : pa->equation);
    if (!eq) return (void)ctx.fail(eq.error());
    if (!pa->input.empty()) return run_cohort(ctx, *ref, *eq, *pa);
    if (pa->sex.empty() || std::isnan(pa->age) || std::isnan(pa->height_cm))
      return (void)ctx.fail(make_error(
          "missing_subject",
          "Give --sex, --age and --height-cm for one worker, or --input/--output for a CSV."));
    auto subj = make_subject(*pa, ref->default_ethnicity);
    if (!subj) return (void)ctx.fail(subj.error());
    auto measured = parse_measured(pa->measured);
    if (!measured) return (void)ctx.fail(measured.error());
    auto pred = sp::predict(ref->tables, *eq, *subj);
    if (!pred) return (void)ctx.fail(pred.error());
    for (const auto& [p, v] : *measured) {
      (void)v;
      if (!pred->find(p))
        return (void)ctx.fail(make_errorf(
            "bad_measured", "{} has no reference value in {}: leave it out of --measured.",
            std::string(sp::param_id(p)), sp::equation_id(*eq)));
    }
    json j{{"equation", sp::equation_id(*eq)},
           {"software_version", ODYO_VERSION},
           {"subject",
            {{"sex", subj->sex == sp::Sex::kMale ? "M" : "F"},
             {"age", subj->age_years},
             {"height_cm", subj->height_cm},
             {"ethnicity", subj->ethnicity}}}};
    for (const auto& p : pred->params) {
      std::optional<double> m;
      if (auto it = measured->find(p.param); it != measured->end()) m = it->second;
      j[sp::param_id(p.param)] = predicted_json(p, m);
    }
    if (ctx.json()) {
      ctx.out() << j.dump(2) << "\n";
      return;
    }
    auto& o = ctx.out();
    o << sp::equation_id(*eq) << "\n" << std::fixed << std::setprecision(3);
    for (const auto& p : pred->params) {
      o << std::left << std::setw(9) << sp::param_id(p.param) << " " << ctx.tr("predicted") << " "
        << p.predicted << "  LLN " << p.lln << "  ULN " << p.uln;
      const auto& pj = j[sp::param_id(p.param)];
      if (pj.contains("z"))
        o << "  z " << std::setprecision(2) << pj["z"].get<double>() << "  %"
          << std::setprecision(1) << pj["pctpred"].get<double>() << std::setprecision(3);
      if (p.provisional) o << ctx.tr("  (provisional: RSD unverified)");
      o << "\n";
    }
  });
}

}  // namespace odyo::station
