// odyospiro film add|list: chest films (Madde 8), read by reader A and reader B (ILO 2011), and
// the referral to the SGK occupational-disease hospital. They feed `report due`.
#include <nlohmann/json.hpp>

#include "station/app/views.hpp"
#include "station/cli/context.hpp"
#include "station/cli/person_options.hpp"
#include "station/core/text_table.hpp"
#include "station/records/chest_films.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

namespace {

struct FilmOptions {
  std::string worker;
  NewChestFilm film;
  int quality = 0;  // 0 = not given
  std::string referred;
};

Result<bool> read_yes_no(const std::string& s) {
  const std::string f = fold_turkish(s);
  if (f == "yes" || f == "evet" || f == "true" || f == "1") return true;
  if (f == "no" || f == "hayır" || f == "false" || f == "0") return false;
  return make_errorf("film_invalid", "--referred: \"{}\" is not yes/no (evet/hayır)", s);
}

}  // namespace

void register_film_commands(CLI::App& app, CliContext& ctx) {
  auto* film = app.add_subcommand("film", "Chest films: add, list / Akciğer grafileri");
  film->require_subcommand(1);

  auto fo = std::make_shared<FilmOptions>();
  auto* add = film->add_subcommand(
      "add", "Record a chest film with the ILO readings of reader A and reader B (Madde 8)");
  add->add_option("registry", fo->worker, "Registry number (or #id)")->required();
  add_date_option(add, "--date", fo->film.taken_on, "Day the film was taken")->required();
  add->add_option("--reader-a", fo->film.reader_a, "Name of reader A")->required();
  add->add_option("--ilo-a", fo->film.ilo_a, "Reader A's ILO profusion, e.g. 0/0, 1/0, 2/1")
      ->required();
  add->add_option("--reader-b", fo->film.reader_b, "Name of reader B")->required();
  add->add_option("--ilo-b", fo->film.ilo_b, "Reader B's ILO profusion")->required();
  add->add_option("--quality", fo->quality, "ILO film quality 1-4");
  add->add_option("--referred", fo->referred,
                  "Referred to the SGK occupational-disease hospital: yes|no (evet|hayır)")
      ->required();
  add->add_option("--referral-reason", fo->film.referral_reason,
                  "Why the worker is referred (required with --referred yes)");
  add->add_option("--notes", fo->film.notes, "Notes");
  add->callback([&ctx, fo] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db_as({"physician"}, N_("record a chest film"));
    if (!db) return (void)ctx.fail(db.error());
    auto w = find_worker(**db, fo->worker);
    if (!w) return (void)ctx.fail(w.error());
    NewChestFilm f = fo->film;
    f.worker_id = w->id;
    if (fo->quality != 0) f.quality = fo->quality;
    auto referred = read_yes_no(fo->referred);
    if (!referred) return (void)ctx.fail(referred.error());
    f.referred = *referred;
    auto id = add_chest_film(**db, f, today_iso(), ctx.opts.user);
    if (!id) return (void)ctx.fail(id.error());
    auto films = list_chest_films(**db, w->id);
    if (!films) return (void)ctx.fail(films.error(), 2);
    for (const auto& x : *films) {
      if (x.id != *id) continue;
      if (ctx.json()) {
        ctx.out() << chest_film_json(x).dump(2) << "\n";
      } else {
        ctx.out() << ctx.trf("Chest film #{} of {} recorded: A {} / B {}{}\n", x.id, w->registry_no,
                             x.ilo_a, x.ilo_b.value_or(""), x.referred ? ctx.tr(", referred") : "");
      }
    }
  });

  auto key = std::make_shared<std::string>();
  auto* list = film->add_subcommand("list", "List a worker's chest films");
  list->add_option("registry", *key, "Registry number (or #id)")->required();
  list->callback([&ctx, key] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto w = find_worker(**db, *key);
    if (!w) return (void)ctx.fail(w.error());
    auto films = list_chest_films(**db, w->id);
    if (!films) return (void)ctx.fail(films.error(), 2);
    if (ctx.json()) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& f : *films) arr.push_back(chest_film_json(f));
      ctx.out() << arr.dump(2) << "\n";
      return;
    }
    TextTable table({ctx.tr("#"), ctx.tr("Date"), ctx.tr("Quality"), ctx.tr("Reader A"),
                     ctx.tr("ILO A"), ctx.tr("Reader B"), ctx.tr("ILO B"), ctx.tr("Referred"),
                     ctx.tr("By")});
    for (const auto& f : *films) {
      auto d = parse_date(f.taken_on);
      table.add_row({std::to_string(f.id), d && ctx.turkish() ? to_turkish_date(*d) : f.taken_on,
                     f.quality ? std::to_string(*f.quality) : "-", f.reader_a, f.ilo_a,
                     f.reader_b.value_or("-"), f.ilo_b.value_or("-"),
                     f.referred ? std::string(ctx.tr("yes")) + ": " + f.referral_reason
                                : std::string(ctx.tr("no")),
                     f.created_by});
    }
    ctx.out() << table.render();
    ctx.out() << ctx.trf("{} chest film(s)\n", films->size());
  });
}

}  // namespace odyo::station
