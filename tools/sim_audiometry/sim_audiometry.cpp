// sim_audiometry --ears N --seed S: runs the automated modified Hughson-Westlake search against N
// random simulated ears (pairs of ears per listener; an odd N tests one ear of the last
// listener) and ends with one line:
//   ears=N thresholds=M within_5db_percent=X mean_presentations=Y false_alarm_flags=Z
// X: thresholds within 5 dB of the listener's true threshold on the audiometer's 5 dB scale (the
// lowest presentable level heard at least half the time: α rounded up to the grid; a
// no-response counts as right when that level is within one step of the maximum or above it).
// X is the headline (ISO 8253-1 defines the threshold on the 5 dB grid, so the ideal answer of a
// 5 dB procedure for a listener whose 50 % point is α is the lowest grid level ≥ α). The same
// figure against the unrounded α is printed on its own line just before the last one
// ("unrounded_truth …"), and the error distribution in steps ("errors_vs_grid …", "errors_vs_alpha
// …") above it. Y: presentations per ear, catch trials included; Z: ears flagged unreliable
// (false-alarm rate). The lines before the last break the figures down
// (docs/audiometry-validation.md). --require-* options turn it into a check; --slope-width-db,
// --lapse-rate and --false-alarm-rate replace the drawn listener parameters (every listener), to
// show where the misses come from.
#include <CLI/CLI.hpp>
#include <cmath>

#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "acquisition/audiometry/search_runner.hpp"
#include "acquisition/audiometry/simulated_listener.hpp"

using namespace odyo::audiometry;

namespace {
// Signed error in 5 dB steps against the grid truth: 0, +1, +2, ≥ +3, −1, ≤ −2.
struct StepHistogram {
  long exact = 0, high1 = 0, high2 = 0, high3plus = 0, low1 = 0, low2plus = 0;
  void add(double error_db) {
    const long steps = std::lround(error_db / 5.0);
    if (steps == 0) {
      ++exact;
    } else if (steps == 1) {
      ++high1;
    } else if (steps == 2) {
      ++high2;
    } else if (steps >= 3) {
      ++high3plus;
    } else if (steps == -1) {
      ++low1;
    } else {
      ++low2plus;
    }
  }
};
// Error against the unrounded α: within ±5 dB, 5–10 dB high, > 10 dB high, more than 5 dB low.
struct AlphaHistogram {
  long within = 0, high_5_10 = 0, high_over_10 = 0, low_over_5 = 0;
  void add(double error_db) {
    if (std::abs(error_db) <= 5.0) {
      ++within;
    } else if (error_db > 10.0) {
      ++high_over_10;
    } else if (error_db > 5.0) {
      ++high_5_10;
    } else {
      ++low_over_5;
    }
  }
};

struct Tally {
  long thresholds = 0;
  long within = 0;
  double abs_error_sum = 0.0;
  double error_sum = 0.0;
  long measured = 0;  // error statistics over measured (not NR) points with a finite truth
  void add(bool ok) {
    ++thresholds;
    if (ok) ++within;
  }
  [[nodiscard]] double percent() const { return thresholds ? 100.0 * within / thresholds : 0.0; }
};
}  // namespace

int main(int argc, char** argv) {
  int ears = 1000;
  std::uint64_t seed = 1;
  double unreliable_fraction = 0.1;
  double require_within = -1.0;
  bool require_flagged = false;
  bool verbose = false;
  std::optional<double> slope_width_db, lapse_rate, false_alarm_rate;
  CLI::App app{"sim_audiometry: the automated threshold search against simulated listeners"};
  app.add_option("--ears", ears, "How many ears to test")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  app.add_option("--seed", seed, "Seed of the random population")->capture_default_str();
  app.add_option("--unreliable-fraction", unreliable_fraction,
                 "Share of unreliable listeners (0..1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--require-within-5db", require_within,
                 "Fail unless at least this percentage of thresholds is within 5 dB");
  app.add_flag("--require-unreliable-flagged", require_flagged,
               "Fail unless every unreliable listener is flagged");
  app.add_flag("--verbose", verbose, "Print every ear");
  app.add_option("--slope-width-db", slope_width_db,
                 "Width of the psychometric function (10 %–90 %), dB")
      ->check(CLI::PositiveNumber);
  app.add_option("--lapse-rate", lapse_rate, "Lapse rate (0..1)")->check(CLI::Range(0.0, 0.999999));
  app.add_option("--false-alarm-rate", false_alarm_rate, "False-alarm rate (0..1)")
      ->check(CLI::Range(0.0, 0.999999));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  SeededRandom population(seed);
  Tally all, reliable, unreliable_t;                 // vs the true threshold on the 5 dB scale
  Tally strict, reliable_strict, unreliable_strict;  // vs the continuous α
  long presentations = 0, ears_done = 0, flags = 0;
  long unreliable_ears = 0, unreliable_flagged = 0, reliable_ears = 0, reliable_flagged = 0;
  long retest_mismatch = 0, inconsistent = 0, inconsistent_reliable = 0, nr_points = 0,
       incomplete = 0;
  double seconds = 0.0;
  std::map<int, Tally> by_hz;
  StepHistogram steps, steps_reliable, steps_unreliable;
  AlphaHistogram vs_alpha, vs_alpha_reliable, vs_alpha_unreliable;
  long nr_right = 0, nr_wrong = 0;

  for (int done = 0; done < ears;) {
    PopulationListener pl = random_listener(population, unreliable_fraction);
    if (slope_width_db) pl.model.slope_per_db = 2.0 * std::log(19.0) / *slope_width_db;
    if (lapse_rate) pl.model.lapse_rate = *lapse_rate;
    if (false_alarm_rate) pl.model.false_alarm_rate = *false_alarm_rate;
    SearchParams params;
    if (ears - done == 1) params.ears = {Ear::right};
    SimulatedAudiometer device(pl.model, population.next_u64());
    device.set_max_at(125, 80);  // TDH-39 limits (Resonance R25C manual): 8 kHz tops at 100
    device.set_max_at(250, 100);
    device.set_max_at(6000, 115);
    device.set_max_at(8000, 100);
    if (auto r = apply_device_limits(params, device); !r) {
      std::fprintf(stderr, "sim_audiometry: %s\n", r.error().message.c_str());
      return 2;
    }
    ThresholdSearch search(params, population.next_u64());
    const auto t0 = device.now();
    if (auto r = run_search(search, device); !r) {
      std::fprintf(stderr, "sim_audiometry: %s\n", r.error().message.c_str());
      return 2;
    }
    seconds += std::chrono::duration<double>(device.now() - t0).count();
    const SearchResult& res = search.result();
    if (!res.complete) ++incomplete;
    presentations += res.presentations;
    for (Ear e : params.ears) {
      ++done;
      ++ears_done;
      const bool flagged = res.listener.unreliable;
      flags += flagged;
      if (pl.unreliable) {
        ++unreliable_ears;
        unreliable_flagged += flagged;
      } else {
        ++reliable_ears;
        reliable_flagged += flagged;
      }
      if (auto it = res.retest_1k.find(e); it != res.retest_1k.end() && it->second.mismatch) {
        ++retest_mismatch;
      }
      for (const auto& [hz, p] : res.audiogram.ear(e).air) {
        const double alpha = pl.model.true_threshold(e, hz);
        const LevelRange range = *device.level_range(hz, Transducer::air);
        // The true threshold on the audiometer's scale: the lowest level it can present at which
        // the listener hears at least half of the tones (sensory curve ≥ 50 %, i.e. α rounded up
        // to the 5 dB grid). A level above the maximum means "no response" is the right answer.
        const double grid = std::max<double>(
            range.min_db_hl,
            range.min_db_hl + std::ceil((alpha - range.min_db_hl) / range.step_db) * range.step_db);
        bool ok;
        bool ok_strict;
        if (p.no_response()) {
          ++nr_points;
          ok = grid >= range.max_db_hl - range.step_db;
          ok_strict = alpha >= range.max_db_hl - 5.0;
          ++(ok ? nr_right : nr_wrong);
        } else {
          ok = std::abs(p.level_db_hl - grid) <= 5.0;
          ok_strict = std::abs(p.level_db_hl - alpha) <= 5.0;
          if (std::isfinite(alpha) && alpha <= range.max_db_hl) {
            for (StepHistogram* h : {&steps, pl.unreliable ? &steps_unreliable : &steps_reliable}) {
              h->add(p.level_db_hl - grid);
            }
            for (AlphaHistogram* h :
                 {&vs_alpha, pl.unreliable ? &vs_alpha_unreliable : &vs_alpha_reliable}) {
              h->add(p.level_db_hl - alpha);
            }
            const double err = p.level_db_hl - alpha;
            for (Tally* t : {&all, pl.unreliable ? &unreliable_t : &reliable}) {
              t->abs_error_sum += std::abs(err);
              t->error_sum += err;
              ++t->measured;
            }
          }
        }
        all.add(ok);
        strict.add(ok_strict);
        (pl.unreliable ? unreliable_t : reliable).add(ok);
        (pl.unreliable ? unreliable_strict : reliable_strict).add(ok_strict);
        by_hz[hz].add(ok);
        if (verbose) {
          std::printf("ear=%s hz=%d alpha=%.1f grid_truth=%.0f result=%d%s ok=%d\n",
                      std::string(to_string(e)).c_str(), hz, alpha, grid, p.level_db_hl,
                      p.no_response() ? "NR" : "", ok ? 1 : 0);
        }
      }
    }
    for (const auto& o : res.outcomes) {
      inconsistent += o.inconsistent;
      if (!pl.unreliable) inconsistent_reliable += o.inconsistent;
    }
  }

  auto stats = [](const char* name, const Tally& t) {
    std::printf(
        "%s thresholds=%ld within_5db_percent=%.2f mean_error_db=%.2f mean_abs_error_db=%.2f\n",
        name, t.thresholds, t.percent(), t.measured ? t.error_sum / t.measured : 0.0,
        t.measured ? t.abs_error_sum / t.measured : 0.0);
  };
  stats("all", all);
  stats("reliable_listeners", reliable);
  stats("unreliable_listeners", unreliable_t);
  std::printf("vs_alpha all_within_5db_percent=%.2f reliable=%.2f unreliable=%.2f\n",
              strict.percent(), reliable_strict.percent(), unreliable_strict.percent());
  for (const auto& [hz, t] : by_hz) {
    std::printf("hz=%d thresholds=%ld within_5db_percent=%.2f\n", hz, t.thresholds, t.percent());
  }
  std::printf(
      "unreliable_ears=%ld unreliable_flagged=%ld reliable_ears=%ld reliable_flagged=%ld "
      "retest_1k_mismatch=%ld inconsistent=%ld inconsistent_reliable=%ld no_response_points=%ld "
      "incomplete=%ld "
      "mean_minutes_per_ear=%.2f\n",
      unreliable_ears, unreliable_flagged, reliable_ears, reliable_flagged, retest_mismatch,
      inconsistent, inconsistent_reliable, nr_points, incomplete,
      seconds / 60.0 / static_cast<double>(ears_done));
  auto step_line = [](const char* name, const StepHistogram& h) {
    std::printf(
        "errors_vs_grid %s exact=%ld high_1_step=%ld high_2_steps=%ld high_3plus_steps=%ld "
        "low_1_step=%ld low_2plus_steps=%ld\n",
        name, h.exact, h.high1, h.high2, h.high3plus, h.low1, h.low2plus);
  };
  step_line("all", steps);
  step_line("reliable", steps_reliable);
  step_line("unreliable", steps_unreliable);
  auto alpha_line = [](const char* name, const AlphaHistogram& h) {
    std::printf(
        "errors_vs_alpha %s within_5db=%ld high_5_to_10db=%ld high_over_10db=%ld "
        "low_over_5db=%ld\n",
        name, h.within, h.high_5_10, h.high_over_10, h.low_over_5);
  };
  alpha_line("all", vs_alpha);
  alpha_line("reliable", vs_alpha_reliable);
  alpha_line("unreliable", vs_alpha_unreliable);
  std::printf("no_response_points right=%ld wrong=%ld\n", nr_right, nr_wrong);
  // The same headline figure against the unrounded 50 % point α (grid + procedure together).
  std::printf("unrounded_truth thresholds=%ld within_5db_percent=%.2f\n", strict.thresholds,
              strict.percent());
  std::printf(
      "ears=%ld thresholds=%ld within_5db_percent=%.2f mean_presentations=%.1f "
      "false_alarm_flags=%ld\n",
      ears_done, all.thresholds, all.percent(),
      static_cast<double>(presentations) / static_cast<double>(ears_done), flags);
  int rc = 0;
  if (require_within >= 0.0 && all.percent() < require_within) {
    std::fprintf(stderr, "sim_audiometry: %.2f %% within 5 dB is below the required %.2f %%\n",
                 all.percent(), require_within);
    rc = 1;
  }
  if (require_flagged && unreliable_flagged != unreliable_ears) {
    std::fprintf(stderr, "sim_audiometry: %ld of %ld unreliable ears were not flagged\n",
                 unreliable_ears - unreliable_flagged, unreliable_ears);
    rc = 1;
  }
  return rc;
}
