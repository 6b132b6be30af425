#pragma once
// Spirometry analysis — the one header to include. Pure (no I/O, no globals); thread-safe on
// caller-owned data.
//
// How to call it:
//
//   #include "analysis/spirometry/spirometry.hpp"
//   namespace sp = odyo::spirometry;
//
//   // 1. A session from flow buffers (L/s, expiration positive), viewed without copying:
//   std::vector<Eigen::Map<const Eigen::VectorXd>> blows;
//   for (auto& buf : buffers) blows.emplace_back(buf.data(), Eigen::Index(buf.size()));
//   sp::SignalSpec spec{.sample_rate_hz = 1000.0, .btps_factor = 1.102};
//   auto session = sp::analyse_session(blows, spec, {.age_years = 41});
//   if (!session) { show(session.error().message); return; }
//   session->manoeuvres[i].indices.fev1_l / .quality.acceptable_fev1 / .quality.reasons
//   session->grade_fev1, session->reported.fvc_l, session->guidance.another_blow_needed
//
//   // 2. Reference values (tables loaded by station/reference/reference_tables.hpp):
//   auto pred = sp::predict(tables, sp::Equation::kGliGlobal2022,
//                           {.sex = sp::Sex::kMale, .age_years = 41.3, .height_cm = 172});
//   pred->find(sp::Param::kFev1)->lln;  auto z = sp::score(*pred->find(sp::Param::kFev1), 3.1);
//
//   // 3. Both together, with the ATS/ERS 2022 interpretation:
//   auto ev = sp::evaluate(*session, *pred);   // ev->params[i].z, .pct_pred; ev->interpretation
//
// Pieces: indices.hpp (signal → indices), quality.hpp (ATS/ERS 2019 acceptability),
// session.hpp (grades, reported values, guidance, bronchodilator response), reference.hpp
// (GLI-2012, GLI Global 2022, ECCS 1993), interpretation.hpp (ATS/ERS 2022, change score).

#include <optional>
#include <vector>

#include "analysis/spirometry/indices.hpp"
#include "analysis/spirometry/interpretation.hpp"
#include "analysis/spirometry/quality.hpp"
#include "analysis/spirometry/reference.hpp"
#include "analysis/spirometry/session.hpp"

namespace odyo::spirometry {

struct ParamResult {
  Param param = Param::kFev1;
  double measured = 0;
  Predicted reference;
  Score score;
};

struct Evaluation {
  Equation equation = Equation::kGli2012;        // stored with every result
  std::vector<ParamResult> params;               // the reported values the equation covers
  std::optional<Interpretation> interpretation;  // when FEV1, FVC and FEV1/FVC are all present
};

// Measured (reported) values of a session against a prediction.
Result<Evaluation> evaluate(const SessionResult& session, const Prediction& prediction);

}  // namespace odyo::spirometry
