#include "acquisition/devices/gdt_import.hpp"

#include "analysis/core/error_text.hpp"

namespace odyo::acquisition {

GdtImporter::GdtImporter(JournalWriter& journal, SessionMeta meta, GdtImportOptions options)
    : journal_(journal), meta_(std::move(meta)), opt_(std::move(options)) {}

GdtImporter::~GdtImporter() {
  stop();
}

Result<void> GdtImporter::start(OnRecord on_record) {
  auto id = journal_.begin_session(meta_);
  if (!id) return id.error();
  session_id_ = *id;
  on_record_ = std::move(on_record);
  drivers::FolderWatcherOptions fo;
  fo.inbox = opt_.inbox;
  fo.settle = opt_.settle;
  watcher_ = std::make_unique<drivers::FolderWatcher>(fo);
  auto st = watcher_->start([this](const std::filesystem::path& f, std::vector<std::uint8_t> b) {
    return handle(f, std::move(b));
  });
  if (!st) return make_errorf(st.error().code, "{}", st.error().message);
  return {};
}

void GdtImporter::stop() {
  if (watcher_) watcher_->stop();
}

GdtImportCounters GdtImporter::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

drivers::FileDecision GdtImporter::handle(const std::filesystem::path& file,
                                          std::vector<std::uint8_t> bytes) {
  const std::string name = file.filename().string();
  // 1. Journal first, durably.
  journal_.submit(raw_chunk(session_id_, next_seq_++, bytes, std::chrono::steady_clock::now()));
  journal_.submit_event({session_id_, next_seq_ - 1, utc_now_ns(), "gdt_file", name});
  if (!journal_.flush()) return {drivers::FileVerdict::retry_later, "raw journal not durable yet"};

  // 2. Parse.
  auto rec = codec::gdt::parse(bytes, opt_.codec);
  if (!rec) {
    const auto& e = rec.error();
    if (e.code == codec::errc::incomplete || e.code == codec::errc::truncated) {
      const auto now = std::chrono::steady_clock::now();
      auto [it, fresh] = first_incomplete_.emplace(name, now);
      if (now - it->second < opt_.incomplete_grace) {
        std::lock_guard lock(mu_);
        ++counters_.retried;
        return {drivers::FileVerdict::retry_later, e.message};
      }
    }
    first_incomplete_.erase(name);
    const std::string reason = name + ": " + e.message + " (byte " + std::to_string(e.offset) + ")";
    std::lock_guard lock(mu_);
    ++counters_.rejected;
    counters_.errors.push_back(reason);
    return {drivers::FileVerdict::reject, reason};
  }
  first_incomplete_.erase(name);
  // 3. Store.
  if (on_record_) {
    auto stored = on_record_(rec.value(), file);
    if (!stored) {
      std::lock_guard lock(mu_);
      ++counters_.retried;
      counters_.errors.push_back(name + ": not stored yet: " + stored.error().message);
      return {drivers::FileVerdict::retry_later, stored.error().message};
    }
  }
  std::lock_guard lock(mu_);
  ++counters_.imported;
  return {drivers::FileVerdict::archive, {}};
}

}  // namespace odyo::acquisition
