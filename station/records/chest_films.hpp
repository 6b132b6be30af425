#pragma once
// Chest films (Madde 8: dusty-job workers get a standard chest film at least every 2 years, read
// by an A reader and a B reader, and are referred to the SGK occupational-disease hospital when
// needed). Table chest_films (migration v10), append-only. The ILO 2011 classification's
// profusion is one of its 12 subcategories (0/- … 3/+); the film quality 1-4 when given.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station {

class Database;

struct NewChestFilm {
  std::int64_t worker_id = 0;
  std::string taken_on;  // YYYY-MM-DD or GG.AA.YYYY
  std::optional<int> quality;
  std::string reader_a, ilo_a;  // e.g. "Dr. A", "1/0"
  std::string reader_b, ilo_b;
  bool referred = false;
  std::string referral_reason;  // required when referred
  std::string notes;
};

struct ChestFilm {
  std::int64_t id = 0;
  std::int64_t worker_id = 0;
  std::string taken_on;
  std::optional<int> quality;
  std::string reader_a, ilo_a;
  std::optional<std::string> reader_b, ilo_b;
  bool referred = false;
  std::string referral_reason, notes;
  std::optional<std::int64_t> supersedes_id;
  std::string created_at, created_by;
};

// The ILO 2011 profusion subcategories, in order.
inline constexpr const char* kIloProfusion[] = {"0/-", "0/0", "0/1", "1/0", "1/1", "1/2",
                                                "2/1", "2/2", "2/3", "3/2", "3/3", "3/+"};
// The major category (0-3) of a profusion subcategory, or nullopt when it is not one.
std::optional<int> ilo_major_category(const std::string& profusion);

// Validates and stores. Refused (error "film_invalid", nothing written): a date that does not
// read or lies in the future, a missing reader, the same person as reader A and B, a profusion
// that is not an ILO subcategory, a quality outside 1-4, a referral without a reason.
Result<std::int64_t> add_chest_film(Database& db, const NewChestFilm& film,
                                    const std::string& today, const std::string& actor);
// The worker's films, oldest first.
Result<std::vector<ChestFilm>> list_chest_films(Database& db, std::int64_t worker_id);

}  // namespace odyo::station
