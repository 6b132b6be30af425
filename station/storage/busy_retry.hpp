#pragma once
// Storing never fails on a transient lock: another program (a backup, a sqlite3 shell, a second
// station process) holding the database's write lock makes SQLite answer SQLITE_BUSY/LOCKED
// ("database is locked"). retry_while_locked() runs a store again with back-off (0.1 s doubling
// to 2 s) until it succeeds, fails for another reason, or `limit` has passed; `on_wait` is told
// before each wait (seconds waited so far) so the technician sees why nothing happens.
// Thread-safety: the Database's owning thread.

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

#include "analysis/core/result.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

// True for an error SQLite gives while another connection holds a lock.
bool is_transient_lock(const Error& e);

template <typename T>
Result<T> retry_while_locked(Database& db, std::chrono::duration<double> limit,
                             const std::function<void(double waited_s, const Error&)>& on_wait,
                             const std::function<Result<T>()>& store) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const auto deadline = start + std::chrono::duration_cast<clock::duration>(limit);
  auto backoff = std::chrono::milliseconds(100);
  for (;;) {
    // Each attempt waits inside SQLite for at most the time left (and at most 1 s), so a short
    // limit is kept and the message repeats while waiting.
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    sqlite3_busy_timeout(db.handle(),
                         static_cast<int>(std::clamp<long long>(left.count(), 0, 1000)));
    auto r = store();
    sqlite3_busy_timeout(db.handle(), 5000);
    if (r || !is_transient_lock(r.error())) return r;
    const auto now = clock::now();
    if (now >= deadline) return r;
    if (on_wait) on_wait(std::chrono::duration<double>(now - start).count(), r.error());
    std::this_thread::sleep_for(std::min<clock::duration>(backoff, deadline - now));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
}

}  // namespace odyo::station
