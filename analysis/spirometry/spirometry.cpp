#include "analysis/spirometry/spirometry.hpp"

namespace odyo::spirometry {

Result<Evaluation> evaluate(const SessionResult& session, const Prediction& prediction) {
  const ReportedValues& r = session.reported;
  if (!r.fev1_l && !r.fvc_l)
    return make_error("no_reported_values",
                      "The session has no acceptable or usable FEV1 or FVC (grade F): there is "
                      "nothing to compare with reference values; repeat the test.");
  Evaluation ev;
  ev.equation = prediction.equation;
  const std::pair<Param, std::optional<double>> measured[] = {
      {Param::kFev1, r.fev1_l},         {Param::kFvc, r.fvc_l},       {Param::kFev1Fvc, r.fev1_fvc},
      {Param::kFef2575, r.fef2575_lps}, {Param::kFef75, r.fef75_lps}, {Param::kPef, r.pef_lps}};
  for (const auto& [p, v] : measured) {
    if (!v) continue;
    const Predicted* pr = prediction.find(p);
    if (!pr) continue;
    auto sc = score(*pr, *v);
    if (!sc) continue;  // a zero flow cannot be scored; it stays unscored, not invented
    ev.params.push_back(ParamResult{p, *v, *pr, *sc});
  }
  const ParamResult *f1 = nullptr, *fv = nullptr, *ra = nullptr;
  for (const auto& x : ev.params) {
    if (x.param == Param::kFev1) f1 = &x;
    if (x.param == Param::kFvc) fv = &x;
    if (x.param == Param::kFev1Fvc) ra = &x;
  }
  if (f1 && fv && ra) {
    auto in = interpret(f1->score.z, fv->score.z, ra->score.z);
    if (in) ev.interpretation = *in;
  }
  return ev;
}

}  // namespace odyo::spirometry
