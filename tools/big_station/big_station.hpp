#pragma once
// The large station database of the benchmarks (bench_web, bench_export, bench_stats), made once
// on an empty database. The first exams are stored and signed through the station's own
// functions (add_user, add_worker, add_exam, add_result, store/confirm_evaluation,
// sign_exam_result); the others are copies of their rows made in SQL — storing a million exams one
// by one, with a key derivation per signature, is not what the benchmarks measure. The copies'
// signatures do not verify (db verify would say so); the triggers of the schema (review queue,
// statistics tables) run for every copied row as they would for a stored one.
//
// Plain (bench_web, bench_export): one worker per 50 exams at five establishments, spirometry
// exams spread over ten years from 2016, every one signed but the newest `awaiting`.
// Mixed (bench_stats): the same, every other exam an audiometry exam, the spirometric pattern and
// the threshold shift varied per exam, a physician-confirmed evaluation with varied Ek-2 hearing
// and lung columns on three exams out of four, workers in three work groups, and one worker in
// ten moved to another establishment on 2021-01-01.
#include <cstdint>
#include <string>

#include "analysis/core/result.hpp"
#include "station/auth/signing.hpp"

namespace odyo::station {
class Database;
}

namespace odyo::tools {

inline constexpr const char* kBigPhysician = "hekim";
inline constexpr const char* kBigPassword = "hekim-parola-2026";

struct BigStationOptions {
  int exams = 1000000;
  int awaiting = 0;    // the newest this many stay unsigned
  bool mixed = false;  // the statistics' varied data (see above)
};

struct BigStation {
  std::int64_t first_exam = 0;  // stored and signed through the station's functions
  double seconds = 0;           // how long making it took
};

// On an empty (migrated) database. `on_first_sign` runs in the first exam's signing transaction
// (e.g. the export outbox's hook).
Result<BigStation> make_big_station(station::Database& db, const BigStationOptions& o,
                                    const station::InSignTransaction& on_first_sign = {});

}  // namespace odyo::tools
