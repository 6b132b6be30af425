#pragma once
// FolderWatcher: the file-exchange transport of GDT (reference/devices/gdt-2.1.md §5). Watches an
// inbox folder (inotify, plus a periodic scan as a fallback and at start) and hands over each
// complete file exactly once; afterwards the caller decides: archive (parsed and stored) or
// reject (moved to rejected/ with a reason file). A file is never deleted, and never moved
// before the caller has taken it.
//
// "Complete" means: it arrived by rename (the atomic way writers should use), or its size and
// mtime have been unchanged for `settle` (a writer writing in place). Temporary names (leading
// '.', or ending in .tmp/.part/~) are ignored. A caller may also answer "retry later" (e.g. a file
// shorter than its own length field says): it is offered again once it changes or after `settle`.
//
// write_atomically() writes an outgoing file (a 6302 request) under a temporary name in the same
// folder and renames it, so the partner never reads half a file.
//
// Threading: start()/stop() from the owner's thread; the handler runs on the watcher's thread.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "drivers/transport/io_error.hpp"

namespace odyo::drivers {

enum class FileVerdict { archive, reject, retry_later };

struct FileDecision {
  FileVerdict verdict = FileVerdict::archive;
  std::string reason;  // for reject: written to rejected/<name>.reason.txt
};

struct FolderWatcherOptions {
  std::filesystem::path inbox;
  std::filesystem::path archive;   // default: inbox/archive
  std::filesystem::path rejected;  // default: inbox/rejected
  std::chrono::milliseconds settle{500};
  std::chrono::milliseconds scan_period{1000};
  // Accepts a file name (no folder). Default: *.gdt and *.000 … *.999, any case.
  std::function<bool(const std::string&)> accept_name;
};

class FolderWatcher {
 public:
  using Handler = std::function<FileDecision(const std::filesystem::path& file,
                                             std::vector<std::uint8_t> bytes)>;

  explicit FolderWatcher(FolderWatcherOptions options);
  ~FolderWatcher();
  FolderWatcher(const FolderWatcher&) = delete;
  FolderWatcher& operator=(const FolderWatcher&) = delete;

  // Creates the archive/rejected folders if needed. Errors: not_found, open_failed.
  IoStatus start(Handler handler);
  void stop();

  [[nodiscard]] std::uint64_t files_archived() const { return archived_.load(); }
  [[nodiscard]] std::uint64_t files_rejected() const { return rejected_.load(); }

 private:
  void run();
  void scan(bool renamed_hint, const std::string& name_hint);
  void offer(const std::filesystem::path& file, bool arrived_by_rename);
  static void move_away(const std::filesystem::path& from, const std::filesystem::path& dir);

  FolderWatcherOptions opt_;
  Handler handler_;
  int inotify_ = -1;
  int wake_[2] = {-1, -1};
  std::thread thread_;
  std::atomic<bool> running_{false};
  struct Seen {
    std::uintmax_t size = 0;
    std::filesystem::file_time_type mtime{};
    std::chrono::steady_clock::time_point stable_since{};
    bool renamed = false;
  };
  std::map<std::string, Seen> seen_;
  std::atomic<std::uint64_t> archived_{0}, rejected_{0};
};

// Writes `bytes` to folder/name via a temporary file and rename(2) (same folder: atomic).
IoStatus write_atomically(const std::filesystem::path& folder, const std::string& name,
                          const std::vector<std::uint8_t>& bytes);

// Default name filter: *.gdt, *.000 … *.999 (any case).
bool is_gdt_file_name(const std::string& name);

}  // namespace odyo::drivers
