#include "drivers/transport/folder_watcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "drivers/transport/file_input.hpp"

namespace odyo::drivers {

namespace fs = std::filesystem;

bool is_gdt_file_name(const std::string& name) {
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || name.empty() || name[0] == '.') return false;
  std::string ext = name.substr(dot + 1);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "gdt") return true;
  return ext.size() == 3 && std::isdigit(static_cast<unsigned char>(ext[0])) &&
         std::isdigit(static_cast<unsigned char>(ext[1])) &&
         std::isdigit(static_cast<unsigned char>(ext[2]));
}

FolderWatcher::FolderWatcher(FolderWatcherOptions options) : opt_(std::move(options)) {
  if (opt_.archive.empty()) opt_.archive = opt_.inbox / "archive";
  if (opt_.rejected.empty()) opt_.rejected = opt_.inbox / "rejected";
  if (!opt_.accept_name) opt_.accept_name = is_gdt_file_name;
}

FolderWatcher::~FolderWatcher() {
  stop();
}

IoStatus FolderWatcher::start(Handler handler) {
  std::error_code ec;
  if (!fs::is_directory(opt_.inbox, ec))
    return IoError{"not_found", "the GDT folder " + opt_.inbox.string() +
                                    " does not exist: create it or fix the device URI"};
  fs::create_directories(opt_.archive, ec);
  fs::create_directories(opt_.rejected, ec);
  if (ec)
    return IoError{"open_failed", "cannot create " + opt_.archive.string() + " or " +
                                      opt_.rejected.string() + ": " + ec.message()};
  inotify_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_ >= 0 && ::inotify_add_watch(inotify_, opt_.inbox.c_str(),
                                           IN_MOVED_TO | IN_CLOSE_WRITE | IN_MODIFY) < 0) {
    ::close(inotify_);
    inotify_ = -1;  // the periodic scan still works
  }
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
    return IoError{"open_failed", std::string("pipe: ") + std::strerror(errno)};
  handler_ = std::move(handler);
  running_ = true;
  thread_ = std::thread([this] { run(); });
  return {};
}

void FolderWatcher::stop() {
  if (!running_.exchange(false)) return;
  const char c = 'x';
  (void)::write(wake_[1], &c, 1);
  if (thread_.joinable()) thread_.join();
  if (inotify_ >= 0) ::close(inotify_);
  ::close(wake_[0]);
  ::close(wake_[1]);
  inotify_ = wake_[0] = wake_[1] = -1;
}

void FolderWatcher::run() {
  scan(false, {});
  auto next_scan = std::chrono::steady_clock::now() + opt_.scan_period;
  alignas(inotify_event) char buf[4096];
  while (running_) {
    pollfd p[2] = {{wake_[0], POLLIN, 0}, {inotify_, POLLIN, 0}};
    // Wake often enough to notice a file settling.
    const int timeout_ms =
        static_cast<int>(std::min(opt_.settle, opt_.scan_period).count() / 2 + 1);
    ::poll(p, inotify_ >= 0 ? 2 : 1, timeout_ms);
    if (!running_) break;
    if (inotify_ >= 0 && (p[1].revents & POLLIN)) {
      ssize_t n;
      while ((n = ::read(inotify_, buf, sizeof buf)) > 0) {
        for (char* q = buf; q < buf + n;) {
          auto* ev = reinterpret_cast<inotify_event*>(q);
          if (ev->len > 0) {
            const std::string name = ev->name;
            if (ev->mask & IN_MOVED_TO) seen_[name].renamed = true;
          }
          q += sizeof(inotify_event) + ev->len;
        }
      }
    }
    scan(false, {});
    if (std::chrono::steady_clock::now() >= next_scan)
      next_scan = std::chrono::steady_clock::now() + opt_.scan_period;
  }
}

void FolderWatcher::scan(bool, const std::string&) {
  std::error_code ec;
  const auto now = std::chrono::steady_clock::now();
  std::map<std::string, Seen> still;
  for (const auto& e : fs::directory_iterator(opt_.inbox, ec)) {
    if (!e.is_regular_file(ec)) continue;
    const std::string name = e.path().filename().string();
    if (!opt_.accept_name(name)) continue;  // temporary names, other files
    const auto size = e.file_size(ec);
    const auto mtime = e.last_write_time(ec);
    auto it = seen_.find(name);
    Seen s = it == seen_.end() ? Seen{} : it->second;
    if (it == seen_.end() || s.size != size || s.mtime != mtime) {
      const bool renamed = s.renamed;
      s = Seen{size, mtime, now, renamed};
    }
    still[name] = s;
  }
  seen_.swap(still);
  std::vector<std::pair<std::string, bool>> ready;
  for (auto& [name, s] : seen_) {
    if (s.renamed || now - s.stable_since >= opt_.settle) {
      ready.emplace_back(name, s.renamed);
      s.renamed = false;
    }
  }
  for (const auto& [name, renamed] : ready) offer(opt_.inbox / name, renamed);
}

void FolderWatcher::move_away(const fs::path& from, const fs::path& dir) {
  std::error_code ec;
  fs::path to = dir / from.filename();
  for (int k = 1; fs::exists(to, ec); ++k)
    to = dir / (from.filename().string() + "." + std::to_string(k));
  fs::rename(from, to, ec);
}

void FolderWatcher::offer(const fs::path& file, bool) {
  std::string read;
  FileDecision d;
  if (auto r = read_file_bounded(file, read); !r) {
    if (r.error().code != "input_too_large") return;  // gone or unreadable for now: next scan
    d = FileDecision{FileVerdict::reject, r.error().message};  // never a GDT record: reject it
  } else {
    d = handler_(file, std::vector<std::uint8_t>(read.begin(), read.end()));
  }
  switch (d.verdict) {
    case FileVerdict::archive:
      move_away(file, opt_.archive);
      seen_.erase(file.filename().string());
      ++archived_;
      break;
    case FileVerdict::reject: {
      std::ofstream(opt_.rejected / (file.filename().string() + ".reason.txt")) << d.reason << "\n";
      move_away(file, opt_.rejected);
      seen_.erase(file.filename().string());
      ++rejected_;
      break;
    }
    case FileVerdict::retry_later:
      seen_[file.filename().string()].stable_since =
          std::chrono::steady_clock::now();  // again after a settle
      break;
  }
}

IoStatus write_atomically(const fs::path& folder, const std::string& name,
                          const std::vector<std::uint8_t>& bytes) {
  const fs::path tmp = folder / ("." + name + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      return IoError{"write_failed",
                     "cannot write " + tmp.string() + ": check the GDT folder's permissions"};
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) return IoError{"write_failed", "writing " + tmp.string() + " failed (disk full?)"};
  }
  std::error_code ec;
  fs::rename(tmp, folder / name, ec);
  if (ec)
    return IoError{"write_failed",
                   "cannot rename " + tmp.string() + " to " + name + ": " + ec.message()};
  return {};
}

}  // namespace odyo::drivers
