#include "station/qc/second_review.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "analysis/core/error_text.hpp"
#include "analysis/core/text.hpp"
#include "station/auth/login.hpp"
#include "station/core/local_time.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"
#include "station/storage/users.hpp"

namespace odyo::station::qc {
using nlohmann::json;

namespace {

Result<User> require(Database& db, const std::string& actor,
                     std::initializer_list<std::string_view> roles, std::string_view what) {
  auto user = find_user(db, actor);
  if (!user) return user.error();
  if (auto r = require_role(db, *user, roles, what); !r) return r.error();
  return *user;
}

bool is_seed(const std::string& s) {
  return s.size() == 16 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string new_seed() {
  std::random_device rd;
  const std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  return fmt::format("{:016x}", v);
}

std::string local_day(const std::string& utc) {
  return local_display(utc).substr(0, 10);
}

// Each exam's latest signed result and who signed it (the latest signature).
struct Signed {
  std::int64_t exam_id, result_id;
  std::string signer, kind, started_at;
};

Result<std::vector<Signed>> signed_exams(Database& db) {
  auto st = db.prepare(
      "SELECT r.exam_id, s.result_id, s.signer, e.kind, e.started_at FROM signatures s "
      "JOIN results r ON r.id = s.result_id JOIN exams e ON e.id = r.exam_id "
      "WHERE s.id = (SELECT max(s2.id) FROM signatures s2 JOIN results r2 ON r2.id = s2.result_id "
      "WHERE r2.exam_id = r.exam_id) ORDER BY r.exam_id");
  if (!st) return st.error();
  std::vector<Signed> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back({st->int64(0), st->int64(1), st->text(2), st->text(3), st->text(4)});
  }
  return out;
}

std::vector<std::int64_t> ids_of(const std::string& text) {
  std::vector<std::int64_t> v;
  const json j = json::parse(text, nullptr, false);
  if (j.is_array())
    for (const auto& x : j)
      if (x.is_number_integer()) v.push_back(x.get<std::int64_t>());
  return v;
}

}  // namespace

std::vector<std::int64_t> draw_exams(const std::string& seed,
                                     const std::vector<std::int64_t>& candidates, double share) {
  std::vector<std::pair<std::string, std::int64_t>> ranked;
  ranked.reserve(candidates.size());
  for (auto id : candidates) ranked.emplace_back(sha256_hex(seed + ":" + std::to_string(id)), id);
  std::sort(ranked.begin(), ranked.end());
  const auto k =
      static_cast<std::size_t>(std::ceil(share * static_cast<double>(candidates.size()) - 1e-9));
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < k && i < ranked.size(); ++i) out.push_back(ranked[i].second);
  std::sort(out.begin(), out.end());
  return out;
}

Result<ReviewDraw> draw_second_review(Database& db, const QcRules& rules, const std::string& actor,
                                      const std::string& seed_in) {
  if (auto u = require(db, actor, {"physician", "admin"}, N_("draw exams for a second review")); !u)
    return u.error();
  if (!seed_in.empty() && !is_seed(seed_in))
    return make_errorf("review_invalid",
                       "--seed \"{}\": give 16 hexadecimal digits (0-9, a-f), or none for a new "
                       "random seed",
                       seed_in);
  auto all = signed_exams(db);
  if (!all) return all.error();
  std::map<std::int64_t, const Signed*> drawn_before;
  {
    auto st = db.prepare("SELECT exam_id FROM second_reviews");
    if (!st) return st.error();
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (!*r) break;
      drawn_before[st->int64(0)] = nullptr;
    }
  }
  std::map<std::int64_t, const Signed*> by_exam;
  ReviewDraw d;
  for (const auto& s : *all)
    if (!drawn_before.count(s.exam_id)) {
      d.candidates.push_back(s.exam_id);
      by_exam[s.exam_id] = &s;
    }
  if (d.candidates.empty())
    return make_error("review_nothing_to_draw",
                      "every signed exam has been drawn already (or none is signed): nothing to "
                      "draw");
  d.seed = seed_in.empty() ? new_seed() : seed_in;
  d.share = rules.second_review_share;
  d.rules_version = rules.version;
  d.drawn = draw_exams(d.seed, d.candidates, d.share);
  d.created_at = utc_now_iso();
  d.created_by = actor;
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto ins = db.prepare(
      "INSERT INTO second_review_draws(seed, share, candidates, drawn, rules_version, created_at, "
      "created_by) VALUES (?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, d.seed).bind(2, d.share).bind(3, json(d.candidates).dump());
  ins->bind(4, static_cast<std::int64_t>(d.drawn.size())).bind(5, d.rules_version);
  ins->bind(6, d.created_at).bind(7, d.created_by);
  if (auto r = ins->run(); !r) return r.error();
  d.id = db.last_insert_id();
  json details{{"seed", d.seed},
               {"share", d.share},
               {"candidates", d.candidates.size()},
               {"drawn", d.drawn}};
  if (auto r = audit_append(
          db, {actor, "second_review.draw", "second_review_draws", d.id, details.dump()});
      !r)
    return r.error();
  for (auto exam : d.drawn) {
    const Signed& s = *by_exam.at(exam);
    auto in = db.prepare(
        "INSERT INTO second_reviews(exam_id, draw_id, result_id, signer, created_at) "
        "VALUES (?,?,?,?,?)");
    if (!in) return in.error();
    in->bind(1, exam).bind(2, d.id).bind(3, s.result_id).bind(4, s.signer).bind(5, d.created_at);
    if (auto r = in->run(); !r) return r.error();
    if (auto r =
            audit_append(db, {actor, "second_review.drawn", "second_reviews", db.last_insert_id(),
                              json{{"exam", exam}, {"draw", d.id}}.dump()});
        !r)
      return r.error();
  }
  if (auto r = tx->commit(); !r) return r.error();
  return d;
}

Result<std::vector<ReviewDraw>> list_review_draws(Database& db) {
  auto st = db.prepare(
      "SELECT id, seed, share, candidates, rules_version, created_at, created_by FROM "
      "second_review_draws ORDER BY id");
  if (!st) return st.error();
  std::vector<ReviewDraw> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    ReviewDraw d;
    d.id = st->int64(0);
    d.seed = st->text(1);
    d.share = st->real(2);
    d.candidates = ids_of(st->text(3));
    d.rules_version = st->text(4);
    d.created_at = st->text(5);
    d.created_by = st->text(6);
    out.push_back(std::move(d));
  }
  for (auto& d : out) {
    auto st2 = db.prepare("SELECT exam_id FROM second_reviews WHERE draw_id = ? ORDER BY exam_id");
    if (!st2) return st2.error();
    st2->bind(1, d.id);
    for (;;) {
      auto r = st2->step();
      if (!r) return r.error();
      if (!*r) break;
      d.drawn.push_back(st2->int64(0));
    }
  }
  return out;
}

Result<std::vector<SecondReview>> list_second_reviews(Database& db, bool pending_only) {
  auto st = db.prepare(
      "SELECT sr.id, sr.exam_id, sr.draw_id, sr.result_id, e.kind, e.started_at, sr.signer, "
      "sr.created_at, v.agrees, v.reason, v.created_at, v.created_by FROM second_reviews sr "
      "JOIN exams e ON e.id = sr.exam_id LEFT JOIN second_review_verdicts v ON v.review_id = "
      "sr.id ORDER BY sr.exam_id");
  if (!st) return st.error();
  std::vector<SecondReview> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    SecondReview s;
    s.id = st->int64(0);
    s.exam_id = st->int64(1);
    s.draw_id = st->int64(2);
    s.result_id = st->int64(3);
    s.exam_kind = st->text(4);
    s.exam_day = local_day(st->text(5));
    s.signer = st->text(6);
    s.drawn_at = st->text(7);
    if (!st->is_null(8)) {
      s.agrees = st->int64(8) != 0;
      s.reason = st->text(9);
      s.reviewed_at = st->text(10);
      s.reviewer = st->text(11);
    }
    if (pending_only && s.agrees) continue;
    out.push_back(std::move(s));
  }
  return out;
}

Result<SecondReview> record_second_review(Database& db, std::int64_t exam_id, bool agrees,
                                          const std::string& reason, const std::string& actor) {
  if (auto u = require(db, actor, {"physician"}, N_("record a second review")); !u)
    return u.error();
  if (auto t = text::check_free_text(reason, N_("--reason"), {text::kMaxReasonChars, true}); !t)
    return make_errorf("review_invalid", "a second review needs its reason: {}", t.error());
  auto all = list_second_reviews(db, false);
  if (!all) return all.error();
  auto it = std::find_if(all->begin(), all->end(),
                         [&](const SecondReview& s) { return s.exam_id == exam_id; });
  if (it == all->end())
    return make_errorf("review_not_drawn",
                       "exam {} was not drawn for a second review: see the drawn exams with "
                       "`odyospiro review list`",
                       exam_id);
  if (it->signer == actor)
    return make_errorf("review_same_physician",
                       "exam {} was signed by {}: the second review is another physician's",
                       exam_id, actor);
  if (it->agrees)
    return make_errorf("review_done", "exam {} was reviewed by {} at {}; a review is not changed",
                       exam_id, it->reviewer, it->reviewed_at);
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  SecondReview s = *it;
  s.agrees = agrees;
  s.reason = reason;
  s.reviewed_at = utc_now_iso();
  s.reviewer = actor;
  auto ins = db.prepare(
      "INSERT INTO second_review_verdicts(review_id, agrees, reason, created_at, created_by) "
      "VALUES (?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, s.id).bind(2, agrees ? 1 : 0).bind(3, reason).bind(4, s.reviewed_at).bind(5, actor);
  if (auto r = ins->run(); !r) return r.error();
  if (auto r = audit_append(
          db, {actor, "second_review.verdict", "second_review_verdicts", db.last_insert_id(),
               json{{"exam", exam_id}, {"agrees", agrees}}.dump()});
      !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return s;
}

Result<std::vector<ReviewStats>> second_review_stats(Database& db, const QcQuery& q) {
  auto all = signed_exams(db);
  if (!all) return all.error();
  auto reviews = list_second_reviews(db, false);
  if (!reviews) return reviews.error();
  std::map<std::int64_t, const SecondReview*> by_exam;
  for (const auto& r : *reviews) by_exam[r.exam_id] = &r;
  std::map<std::pair<std::string, std::string>, ReviewStats> m;
  for (const auto& s : *all) {
    const std::string month = local_day(s.started_at).substr(0, 7);
    if ((!q.from_month.empty() && month < q.from_month) ||
        (!q.to_month.empty() && month > q.to_month))
      continue;
    auto& st = m[{month, s.signer}];
    st.month = month;
    st.physician = s.signer;
    ++st.signed_exams;
    auto it = by_exam.find(s.exam_id);
    if (it == by_exam.end()) continue;
    ++st.drawn;
    if (it->second->agrees) {
      ++st.reviewed;
      if (*it->second->agrees) ++st.agreed;
    }
  }
  std::vector<ReviewStats> out;
  for (auto& [k, v] : m) out.push_back(v);
  return out;
}

json review_draw_json(const ReviewDraw& d) {
  return {{"id", d.id},
          {"seed", d.seed},
          {"share", d.share},
          {"candidates", d.candidates},
          {"drawn", d.drawn},
          {"rules_version", d.rules_version},
          {"created_at", d.created_at},
          {"created_by", d.created_by}};
}

json second_review_json(const SecondReview& r) {
  json j{{"exam", r.exam_id},     {"kind", r.exam_kind},   {"day", r.exam_day},
         {"draw", r.draw_id},     {"result", r.result_id}, {"signer", r.signer},
         {"drawn_at", r.drawn_at}};
  if (r.agrees) {
    j["agrees"] = *r.agrees;
    j["reason"] = r.reason;
    j["reviewer"] = r.reviewer;
    j["reviewed_at"] = r.reviewed_at;
  } else {
    j["agrees"] = nullptr;
  }
  return j;
}

json review_stats_json(const ReviewStats& s) {
  return {{"month", s.month},
          {"physician", s.physician},
          {"signed", s.signed_exams},
          {"drawn", s.drawn},
          {"drawn_share", s.signed_exams ? json(double(s.drawn) / s.signed_exams) : json(nullptr)},
          {"reviewed", s.reviewed},
          {"agreed", s.agreed},
          {"agreement_rate", s.reviewed ? json(double(s.agreed) / s.reviewed) : json(nullptr)}};
}

}  // namespace odyo::station::qc
