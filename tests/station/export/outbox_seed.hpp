#pragma once
// A station database for the outbox tests, made through the station's own functions (no
// device): a physician, a worker and `n` spirometry exams whose results carry the payload form
// station/exams/spirometry_exam.cpp stores (export_samples.hpp); `sign(exam)` signs one the way
// `exam sign` does, with the outbox hook of the given [export] settings.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "station/auth/signing.hpp"
#include "station/export/outbox.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"
#include "tests/station/export/export_samples.hpp"
#include "tests/station/support/station_fixture.hpp"

namespace odyo::test {

struct OutboxStation {
  static constexpr const char* kPassword = "hekim-parola-2026";
  TempDir dir;
  std::unique_ptr<station::Database> db;
  station::ExportConfig cfg = export_config();
  station::OutboxSettings out;
  std::vector<std::int64_t> exams;

  explicit OutboxStation(int n, const std::string& db_name = "station.db") {
    using namespace odyo::station;
    db = std::move(Database::open(dir / db_name).value());
    EXPECT_TRUE(
        add_user(*db, {"hekim", "Dr. Hekim", "physician", kPassword}, 10, 10000, "admin").ok());
    std::vector<Job> jobs(1);
    jobs[0].code = "K-101";
    jobs[0].work_group = 1;
    auto w = add_worker(
        *db,
        {"1001", "10000000146", "Ali", "Yılmaz", "1990-05-01", "M", 175, 80, "Kozlu", "K-101", ""},
        {"Kozlu"}, jobs, "2026-01-01", "tekniker");
    EXPECT_TRUE(w.ok());
    for (int i = 0; i < n; ++i) add_exam_with_result(*w);
  }

  std::int64_t add_exam_with_result(std::int64_t worker) {
    using namespace odyo::station;
    auto e = add_exam(*db,
                      {worker, "spirometry", "2026-01-01T09:00:00.000Z", "tekniker", "spiro-1",
                       21.0, 101.3, 40.0, ""},
                      "tekniker");
    EXPECT_TRUE(e.ok());
    EXPECT_TRUE(add_result(*db, *e, spiro_payload().dump(), "tekniker", "").ok());
    exams.push_back(*e);
    return *e;
  }

  station::ExportDestination& add_destination(const std::string& id, const std::string& url,
                                              const std::string& kind = "postgresql") {
    out.destinations.push_back({id, kind, url});
    return out.destinations.back();
  }

  Result<station::SignOutcome> sign(std::int64_t exam,
                                    const station::InSignTransaction& extra = {}) {
    using namespace odyo::station;
    auto me = find_user(*db, "hekim");
    if (!me) return me.error();
    const auto queue = outbox_on_sign(cfg, out, exam, "hekim", "tr");
    InSignTransaction hook = queue;
    if (extra) {
      hook = [queue, extra](Database& d, const SignOutcome& s) -> Result<void> {
        if (auto r = queue(d, s); !r) return r;
        return extra(d, s);
      };
    }
    return sign_exam_result(*db, *me, kPassword, exam, 10000, hook);
  }

  void sign_all() {
    for (auto e : exams) {
      auto r = sign(e);
      EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    }
  }

  std::int64_t count(const std::string& sql) {
    auto st = db->prepare(sql);
    EXPECT_TRUE(st.ok());
    auto r = st->step();
    EXPECT_TRUE(r.ok() && *r);
    return st->int64(0);
  }
};

}  // namespace odyo::test
