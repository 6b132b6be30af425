#include "station/storage/file_modes.hpp"
#include "analysis/core/error_text.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace odyo::station {
namespace {

Result<gid_t> group_id(const std::string& group) {
  struct group* g = ::getgrnam(group.c_str());
  if (g == nullptr) {
    return make_errorf("data_group_unknown",
                       "[station].data_group \"{}\" is not a group on this computer (see "
                       "`getent group`)",
                       group);
  }
  return g->gr_gid;
}

Result<void> apply(const std::filesystem::path& p, mode_t owner_only, mode_t with_group,
                   const std::string& group) {
  if (!group.empty()) {
    auto gid = group_id(group);
    if (!gid) return gid.error();
    if (::chown(p.c_str(), static_cast<uid_t>(-1), *gid) != 0) {
      return make_errorf("file_mode", "{}: cannot give it to group {}: {}", p.string(), group,
                         std::strerror(errno));
    }
  }
  if (::chmod(p.c_str(), group.empty() ? owner_only : with_group) != 0) {
    return make_errorf("file_mode", "{}: cannot set its mode: {}", p.string(),
                       std::strerror(errno));
  }
  return {};
}

}  // namespace

Result<void> make_private_dir(const std::filesystem::path& dir, const std::string& group) {
  if (dir.empty()) return {};
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) return {};
  if (auto r = make_private_dir(dir.parent_path(), group); !r) return r;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_errorf("file_mode", "{}: cannot create the folder: {}", dir.string(),
                       std::strerror(errno));
  }
  return apply(dir, 0700, 0750, group);
}

Result<void> make_private_file(const std::filesystem::path& file, const std::string& group) {
  return apply(file, 0600, 0640, group);
}

Result<void> refuse_world_readable(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return {};  // not there (yet)
  if ((st.st_mode & (S_IROTH | S_IWOTH)) == 0) return {};
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  const std::string f = file.string();
  return make_errorf("db_world_readable",
                     "{} can be read by every user of this computer (mode {}): it holds T.C. "
                     "numbers, health data and password hashes. The station does not open it. "
                     "Fix: chmod 600 '{}' '{}-wal' '{}-shm' (or chmod 640 with "
                     "[station].data_group) and chmod 700 '{}'",
                     f, std::string(mode), f, f, f,
                     file.has_parent_path() ? file.parent_path().string() : std::string("."));
}

}  // namespace odyo::station
