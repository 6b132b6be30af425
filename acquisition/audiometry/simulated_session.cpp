#include "acquisition/audiometry/simulated_session.hpp"

#include <cmath>

#include "acquisition/audiometry/search_runner.hpp"

namespace odyo::audiometry {

ListenerModel demo_listener() {
  ListenerModel m;
  const std::pair<int, double> right[] = {{250, 10},  {500, 10},  {1000, 10}, {2000, 15},
                                          {3000, 35}, {4000, 50}, {6000, 40}, {8000, 25}};
  for (auto [hz, db] : right) {
    m.true_threshold_db_hl[Ear::right][hz] = db - 2.0;  // just below the grid level
    m.true_threshold_db_hl[Ear::left][hz] = db - 7.0;
  }
  m.slope_per_db = 2.0 * std::log(19.0) / 8.0;
  m.false_alarm_rate = 0.02;
  m.lapse_rate = 0.02;
  return m;
}

Result<SimulatedSession> run_simulated_session(const ListenerModel& listener, std::uint64_t seed,
                                               SearchParams params) {
  SimulatedAudiometer device(listener, seed);
  device.set_max_at(125, 80);  // TDH-39 (Resonance R25C manual)
  device.set_max_at(250, 100);
  device.set_max_at(6000, 115);
  device.set_max_at(8000, 100);
  if (auto r = apply_device_limits(params, device); !r) return r.error();
  ThresholdSearch search(std::move(params), seed ^ 0x9E3779B97F4A7C15ULL);
  const AudioTime t0 = device.now();
  if (auto r = run_search(search, device); !r) return r.error();
  SimulatedSession s;
  s.result = search.result();
  s.listener = listener;
  s.minutes = std::chrono::duration<double>(device.now() - t0).count() / 60.0;
  return s;
}

}  // namespace odyo::audiometry
