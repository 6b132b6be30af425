#pragma once
// One complete automated hearing test against a simulated listener — for `odyospiro demo`,
// training and the other rooms' tests. Deterministic for a seed; runs on a virtual clock (no
// waiting). Thread-safety: pure function of its arguments.

#include <cstdint>

#include "acquisition/audiometry/simulated_listener.hpp"
#include "acquisition/audiometry/threshold_search.hpp"
#include "analysis/core/result.hpp"

namespace odyo::audiometry {

// A miner with an early noise notch: right ear 10/10/10/15/35/50/40/25 dB HL at
// 250/500/1000/2000/3000/4000/6000/8000 Hz, left ear 5 dB better; a reliable listener
// (γ 2 %, λ 2 %, 5–95 % width 8 dB).
ListenerModel demo_listener();

struct SimulatedSession {
  SearchResult result;
  ListenerModel listener;
  double minutes = 0.0;  // test time on the virtual clock
};

// Runs the search (default SearchParams, TDH-39 maxima) against `listener`.
Result<SimulatedSession> run_simulated_session(const ListenerModel& listener, std::uint64_t seed,
                                               SearchParams params = {});

}  // namespace odyo::audiometry
