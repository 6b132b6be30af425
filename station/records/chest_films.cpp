#include "station/records/chest_films.hpp"
#include "analysis/core/error_text.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "analysis/core/text.hpp"
#include "station/core/i18n.hpp"
#include "station/core/person_input.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {
namespace {

Error invalid(Error e) {
  e.code = "film_invalid";
  return e;
}

std::string profusions() {
  std::string s;
  for (const char* p : kIloProfusion) s += (s.empty() ? "" : ", ") + std::string(p);
  return s;
}

}  // namespace

std::optional<int> ilo_major_category(const std::string& profusion) {
  if (std::none_of(std::begin(kIloProfusion), std::end(kIloProfusion),
                   [&](const char* p) { return profusion == p; }))
    return std::nullopt;
  return profusion[0] - '0';
}

Result<std::int64_t> add_chest_film(Database& db, const NewChestFilm& typed,
                                    const std::string& today, const std::string& actor) {
  NewChestFilm f = typed;
  auto date = parse_date_iso(f.taken_on);
  if (!date) return make_errorf("film_invalid", "film date {}", date.error());
  if (*date > today)
    return make_errorf("film_invalid", "film date {} is in the future (today is {})", *date, today);
  f.taken_on = *date;
  if (auto t = text::check_free_text(f.reader_a, N_("--reader-a")); !t) return invalid(t.error());
  if (auto t = text::check_free_text(f.reader_b, N_("--reader-b")); !t) return invalid(t.error());
  if (fold_turkish(f.reader_a) == fold_turkish(f.reader_b))
    return make_errorf("film_invalid",
                       "reader A and reader B are both \"{}\": Madde 8 asks for two readers",
                       f.reader_a);
  for (const auto& [value, option] :
       {std::pair{&f.ilo_a, "--ilo-a"}, std::pair{&f.ilo_b, "--ilo-b"}}) {
    if (!ilo_major_category(*value))
      return make_errorf("film_invalid",
                         "{}: \"{}\" is not an ILO profusion subcategory; allowed: {}", option,
                         *value, profusions());
  }
  if (f.quality && (*f.quality < 1 || *f.quality > 4))
    return make_errorf("film_invalid", "film quality {} is not an ILO quality grade 1-4",
                       *f.quality);
  if (f.referred) {
    if (auto t = text::check_free_text(f.referral_reason, N_("--referral-reason"),
                                       {text::kMaxReasonChars, true});
        !t)
      return make_errorf("film_invalid", "a referral needs its reason: {}", t.error());
  } else if (auto t = text::check_free_text(f.referral_reason, N_("--referral-reason"),
                                            {text::kMaxReasonChars, false});
             !t) {
    return invalid(t.error());
  }
  if (auto t = text::check_free_text(f.notes, N_("--notes"), {text::kMaxReasonChars, false}); !t)
    return invalid(t.error());

  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto ins = db.prepare(
      "INSERT INTO chest_films(worker_id,taken_on,quality,reader_a,ilo_a,reader_b,ilo_b,referred,"
      "referral_reason,notes,created_at,created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, f.worker_id).bind(2, f.taken_on).bind(3, f.quality).bind(4, f.reader_a);
  ins->bind(5, f.ilo_a).bind(6, f.reader_b).bind(7, f.ilo_b).bind(8, f.referred ? 1 : 0);
  ins->bind(9, f.referral_reason).bind(10, f.notes).bind(11, utc_now_iso()).bind(12, actor);
  if (auto r = ins->run(); !r) return r.error();
  const auto id = db.last_insert_id();
  nlohmann::json details{{"worker_id", f.worker_id},
                         {"taken_on", f.taken_on},
                         {"ilo_a", f.ilo_a},
                         {"ilo_b", f.ilo_b},
                         {"referred", f.referred}};
  if (auto r = audit_append(db, {actor, "film.add", "chest_films", id, details.dump()}); !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return id;
}

Result<std::vector<ChestFilm>> list_chest_films(Database& db, std::int64_t worker_id) {
  auto st = db.prepare(
      "SELECT id, worker_id, taken_on, quality, reader_a, ilo_a, reader_b, ilo_b, referred, "
      "referral_reason, notes, supersedes_id, created_at, created_by FROM chest_films WHERE "
      "worker_id = ? ORDER BY taken_on, id");
  if (!st) return st.error();
  st->bind(1, worker_id);
  std::vector<ChestFilm> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    ChestFilm f;
    f.id = st->int64(0);
    f.worker_id = st->int64(1);
    f.taken_on = st->text(2);
    if (auto q = st->opt_int64(3)) f.quality = static_cast<int>(*q);
    f.reader_a = st->text(4);
    f.ilo_a = st->text(5);
    f.reader_b = st->opt_text(6);
    f.ilo_b = st->opt_text(7);
    f.referred = st->int64(8) != 0;
    f.referral_reason = st->text(9);
    f.notes = st->text(10);
    f.supersedes_id = st->opt_int64(11);
    f.created_at = st->text(12);
    f.created_by = st->text(13);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace odyo::station
