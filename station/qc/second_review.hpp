#pragma once
// The second review of signed exams (issue 17 item 4; the exam quality-control guide: at least
// 30 % of the exams are reviewed a second time). A draw takes every signed exam not drawn before
// (the candidates, by exam id), ranks them by SHA-256(seed ":" exam id) and draws the
// ceil(share × candidates) lowest — so the draw is reproducible from what it keeps (the seed and
// the candidates, table second_review_draws), and an exam drawn once stays drawn (a unique row
// in second_reviews). A physician other than the one who signed records agree or disagree with a
// reason (second_review_verdicts, one per drawn exam). All append-only and audited.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/qc/indicators.hpp"
#include "station/qc/qc_rules.hpp"

namespace odyo::station {
class Database;
}

namespace odyo::station::qc {

struct ReviewDraw {
  std::int64_t id = 0;
  std::string seed;  // 16 hex digits
  double share = 0;
  std::vector<std::int64_t> candidates;  // exam ids considered, ascending
  std::vector<std::int64_t> drawn;       // exam ids drawn, ascending
  std::string rules_version, created_at, created_by;
};

// The exam ids `draw_exams` picks from `candidates` with `seed` and `share` (pure: the draw's
// rule, also used to re-derive a stored draw).
std::vector<std::int64_t> draw_exams(const std::string& seed,
                                     const std::vector<std::int64_t>& candidates, double share);

// Draws from the signed exams not drawn before, with the share of qc.toml. `seed` empty: a new
// random one. Refused: a user who is not a physician or admin ("auth_role"), a seed that is not
// 16 hex digits ("review_invalid"), nothing to draw ("review_nothing_to_draw").
Result<ReviewDraw> draw_second_review(Database& db, const QcRules& rules, const std::string& actor,
                                      const std::string& seed = "");
Result<std::vector<ReviewDraw>> list_review_draws(Database& db);

struct SecondReview {
  std::int64_t id = 0, exam_id = 0, draw_id = 0, result_id = 0;
  std::string exam_kind, exam_day;  // the exam's kind and local day
  std::string signer, drawn_at;
  std::optional<bool> agrees;  // unset: not reviewed yet
  std::string reason, reviewed_at, reviewer;
};

// Drawn exams, oldest first; `pending_only`: those without a verdict.
Result<std::vector<SecondReview>> list_second_reviews(Database& db, bool pending_only);

// The second physician's verdict on drawn exam `exam_id`. Refused: not a physician ("auth_role"),
// an exam not drawn ("review_not_drawn"), the physician who signed it ("review_same_physician"),
// a verdict already recorded ("review_done"), no reason ("review_invalid").
Result<SecondReview> record_second_review(Database& db, std::int64_t exam_id, bool agrees,
                                          const std::string& reason, const std::string& actor);

// Per month (the exam's local month) and signing physician: exams signed, drawn, reviewed,
// agreed.
struct ReviewStats {
  std::string month, physician;
  int signed_exams = 0, drawn = 0, reviewed = 0, agreed = 0;
};
Result<std::vector<ReviewStats>> second_review_stats(Database& db, const QcQuery& q);

nlohmann::json review_draw_json(const ReviewDraw& d);
nlohmann::json second_review_json(const SecondReview& r);
nlohmann::json review_stats_json(const ReviewStats& s);

}  // namespace odyo::station::qc
