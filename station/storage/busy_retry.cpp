#include "station/storage/busy_retry.hpp"

namespace odyo::station {

bool is_transient_lock(const Error& e) {
  for (const char* m : {"database is locked", "database table is locked",
                        "database schema is locked", "SQLITE_BUSY", "SQLITE_LOCKED"})
    if (e.message.find(m) != std::string::npos) return true;
  return false;
}

}  // namespace odyo::station
