#pragma once
// A private PostgreSQL 15 server for a test: `initdb` into a fresh temporary folder and
// `pg_ctl start` listening only on a Unix socket in that folder (no TCP port, no system service,
// nothing shared with another test or the machine's own cluster). PostgreSQL refuses to run as
// root, so as root (CI, this machine) the server runs as the `postgres` user of Debian's package
// (runuser); otherwise as the calling user. stop()/start() stop and restart the same cluster
// (a central database going away mid-run); the destructor stops it and removes the folder.
// A missing PostgreSQL 15 is a failure, not a skip: `./odyo` installs postgresql-15.
// initdb takes seconds (tens on a busy machine), so the first test to need a cluster makes a
// template under the build folder (under a lock: tests run in parallel) and every test copies it.
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "tests/station/support/station_fixture.hpp"

namespace odyo::test {

class PgServer {
 public:
  static constexpr const char* kBin = "/usr/lib/postgresql/15/bin";

  PgServer() : root_(dir_.path() / "pg"), data_(root_ / "data"), sock_(root_ / "sock") {
    if (!std::filesystem::exists(std::string(kBin) + "/initdb"))
      throw std::runtime_error(std::string(kBin) + "/initdb not found: install postgresql-15");
    std::filesystem::create_directories(sock_);
    std::filesystem::permissions(
        dir_.path(), std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                         std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                         std::filesystem::perms::others_exec);
    if (::geteuid() == 0) {
      const passwd* pw = ::getpwnam("postgres");
      if (pw == nullptr)
        throw std::runtime_error(
            "running as root and there is no `postgres` user to run the "
            "test server (install postgresql-15)");
      for (const auto& p : {root_, sock_}) {
        if (::chown(p.c_str(), pw->pw_uid, pw->pw_gid) != 0)
          throw std::runtime_error("cannot chown " + p.string());
      }
      as_ = "runuser -u postgres -- ";
    }
    const std::filesystem::path tmpl = template_cluster();
    const auto r = run_command("cp -a '" + tmpl.string() + "' '" + data_.string() + "'");
    if (r.exit_code != 0) throw std::runtime_error("copying the template cluster: " + r.err);
    start();
  }
  ~PgServer() {
    if (running_) (void)run_command(ctl() + " stop -m immediate");
  }
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  void start() {
    const auto r = run_command(ctl() + " -o \"-c listen_addresses='' -k '" + sock_.string() +
                               "' -p " + std::to_string(kPort) + "\" -l '" +
                               (root_ / "server.log").string() + "' -w -t 60 start");
    if (r.exit_code != 0) throw std::runtime_error("pg_ctl start failed: " + r.err + r.out);
    running_ = true;
  }
  // `immediate`: no clean shutdown (as a crash: the server recovers from its WAL at start).
  void stop(bool immediate = false) {
    const auto r =
        run_command(ctl() + " -w -t 60 stop -m " + std::string(immediate ? "immediate" : "fast"));
    if (r.exit_code != 0) throw std::runtime_error("pg_ctl stop failed: " + r.err + r.out);
    running_ = false;
  }
  // A libpq connection string for the server's `postgres` database.
  [[nodiscard]] std::string url() const {
    return "host=" + sock_.string() + " port=" + std::to_string(kPort) +
           " dbname=postgres user=postgres connect_timeout=5";
  }
  // Runs SQL with psql and returns its unaligned, tuples-only output.
  [[nodiscard]] CommandResult psql(const std::string& sql) const {
    return run_command(std::string(kBin) + "/psql -X -q -At -v ON_ERROR_STOP=1 -h '" +
                       sock_.string() + "' -p " + std::to_string(kPort) +
                       " -U postgres -d postgres -c " + Station::quote(sql));
  }

 private:
  static constexpr int kPort = 5432;  // only a socket in the private folder: no clash possible

  // <build>/pg-template-15: an initdb'd cluster made once (owned by the server's user).
  [[nodiscard]] std::filesystem::path template_cluster() const {
    const std::filesystem::path base = std::filesystem::path(ODYO_BINARY_DIR) / "pg-template-15";
    const std::filesystem::path data = base / "data";
    std::filesystem::create_directories(base);
    const int fd = ::open((base / "lock").c_str(), O_CREAT | O_RDWR, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0)
      throw std::runtime_error("cannot lock " + base.string());
    if (!std::filesystem::exists(data / "PG_VERSION")) {
      std::filesystem::remove_all(data);
      const auto work = base / "work";
      std::filesystem::remove_all(work);
      std::filesystem::create_directories(work);
      std::filesystem::permissions(
          base, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                    std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                    std::filesystem::perms::others_exec);
      if (::geteuid() == 0) {
        const passwd* pw = ::getpwnam("postgres");
        if (pw == nullptr || ::chown(work.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
          ::close(fd);
          throw std::runtime_error("cannot hand " + work.string() + " to the postgres user");
        }
      }
      const auto r = run_command(as_ + kBin + "/initdb -D '" + (work / "data").string() +
                                 "' -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8 "
                                 "--no-sync >'" +
                                 (base / "initdb.log").string() + "'");
      if (r.exit_code != 0) {
        ::close(fd);
        throw std::runtime_error("initdb failed: " + r.err);
      }
      std::filesystem::rename(work / "data", data);
    }
    ::close(fd);
    return data;
  }
  [[nodiscard]] std::string ctl() const {
    return as_ + kBin + "/pg_ctl -D '" + data_.string() + "'";
  }

  TempDir dir_;
  std::filesystem::path root_, data_, sock_;
  std::string as_;
  bool running_ = false;
};

}  // namespace odyo::test
