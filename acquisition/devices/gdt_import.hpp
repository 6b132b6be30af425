#pragma once
// GdtImporter: results from any vendor's device software through a GDT folder
// (reference/devices/gdt-2.1.md §5). For each complete file in the inbox:
//   1. the raw bytes go to the raw journal and are made durable (flush) — before parsing;
//   2. the file is parsed (codec::gdt: charset from field 9206);
//   3. the record is handed to the station (on_record); only if it was stored is the file moved
//      to archive/. A bad file (wrong length, unknown charset, missing header) is moved to
//      rejected/ with a reason file and counted; a file shorter than its own 8100 total
//      (half-written) is retried until it is complete or `incomplete_grace` has passed.
// Nothing is deleted; nothing is archived that is not journaled and stored.
//
// Threading: start/stop/counters from the owner's thread; on_record runs on the watcher thread.

#include <functional>
#include <mutex>

#include "acquisition/journal/journal_writer.hpp"
#include "drivers/codec/gdt.hpp"
#include "drivers/transport/folder_watcher.hpp"

namespace odyo::acquisition {

struct GdtImportOptions {
  std::filesystem::path inbox;
  codec::gdt::GdtOptions codec;
  std::chrono::milliseconds settle{500};
  std::chrono::milliseconds incomplete_grace{10000};
};

struct GdtImportCounters {
  std::uint64_t imported = 0;
  std::uint64_t rejected = 0;
  std::uint64_t retried = 0;
  std::vector<std::string> errors;  // one line per rejected file: name and reason
};

class GdtImporter {
 public:
  using OnRecord = std::function<Result<void>(const codec::gdt::Record& record,
                                              const std::filesystem::path& file)>;

  GdtImporter(JournalWriter& journal, SessionMeta meta, GdtImportOptions options);
  ~GdtImporter();
  Result<void> start(OnRecord on_record);
  void stop();
  [[nodiscard]] GdtImportCounters counters() const;

 private:
  drivers::FileDecision handle(const std::filesystem::path& file, std::vector<std::uint8_t> bytes);

  JournalWriter& journal_;
  SessionMeta meta_;
  GdtImportOptions opt_;
  std::unique_ptr<drivers::FolderWatcher> watcher_;
  OnRecord on_record_;
  std::int64_t session_id_ = 0;
  std::uint64_t next_seq_ = 0;
  std::map<std::string, std::chrono::steady_clock::time_point> first_incomplete_;
  mutable std::mutex mu_;
  GdtImportCounters counters_;
};

}  // namespace odyo::acquisition
