#pragma once
// A station with stored, evaluated spirometry exams, for the export tests: `measure` registers a
// worker, stores an exam from the simulated spirometer (`acquire spiro`) and evaluates it, all
// through the built program as the technician. Signing is left to the test.
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/station/support/station_fixture.hpp"

namespace odyo::test {

struct ExportedStation {
  Station st;
  // The worker's registry number and `worker add` options after it; returns the exam id (0 on
  // failure, with the test failed).
  std::int64_t measure(const std::string& registry, const std::string& worker_options) {
    auto r = st.run_as("tekniker", "worker add --registry " + registry + " " + worker_options);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    st.daily_checks({"spiro-sim"});  // today's syringe check before the test
    r = st.run_as("tekniker", "--json acquire spiro --device spiro-sim --worker " + registry +
                                  " --temp-c 22 --pressure-kpa 100.8 --humidity-pct 45 --devsim " +
                                  std::string(ODYO_BINARY_DIR) + "/tools/devsim/devsim --journal " +
                                  (st.dir / ("j-" + registry + ".db")).string());
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    const auto exam = nlohmann::json::parse(r.out, nullptr, false).value("exam", std::int64_t{0});
    r = st.run_as("tekniker", "evaluate --worker " + registry + " --purpose periodic");
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return exam;
  }
  CommandResult sql(const std::string& s) const {
    return run_command("sqlite3 " + st.db_file.string() + " \"" + s + "\"");
  }
};

// Çağrı Işıkoğlu of Kozlu, the export tests' first worker.
inline constexpr const char* kFirstWorker =
    "--tc 38492017510 --first-name 'Çağrı' --last-name 'Işıkoğlu' --birth-date 1984-03-12 "
    "--sex M --height-cm 174 --weight-kg 78 --job YA-PANO-01 --establishment Kozlu";

}  // namespace odyo::test
