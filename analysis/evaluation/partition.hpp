#pragma once
// Proof that an Ek-2 rule's rows partition their input space: every combination of inputs inside
// the rule's domain (e.g. both per-ear averages from -10 to 120 dB HL) lands in exactly one
// column. Rows are unions of boxes with open or closed ends, so membership is constant on each
// cell between consecutive bounds: testing every bound and one point inside every gap, over the
// product of the inputs, is exhaustive. A hole or an overlap is reported with an example point.
// Pure; thread-safe.

#include "analysis/core/result.hpp"
#include "analysis/evaluation/model.hpp"

namespace odyo::evaluation {

// ok, or an Error with code "rule_hole" / "rule_overlap" / "rule_domain" whose message names the
// file, line, rule and an example point.
Result<void> check_partition(const Ek2Rule& rule);

}  // namespace odyo::evaluation
