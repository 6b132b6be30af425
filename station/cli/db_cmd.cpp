// odyospiro db migrate|backup|verify
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "station/cli/context.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/migrations.hpp"

namespace odyo::station {
namespace {

// Online backup (sqlite3_backup_*): a consistent copy while the station keeps running.
Result<void> backup_to(Database& db, const std::filesystem::path& target) {
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) {
    return make_error("backup_exists", target.string() + " already exists; choose a new file name");
  }
  sqlite3* dst = nullptr;
  if (sqlite3_open_v2(target.string().c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    std::string m = dst != nullptr ? sqlite3_errmsg(dst) : "out of memory";
    sqlite3_close(dst);
    return make_error("backup_failed", target.string() + ": " + m);
  }
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", db.handle(), "main");
  if (b == nullptr) {
    std::string m = sqlite3_errmsg(dst);
    sqlite3_close(dst);
    return make_error("backup_failed", m);
  }
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(b, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  const bool ok = rc == SQLITE_DONE;
  std::string m = sqlite3_errmsg(dst);
  sqlite3_close(dst);
  if (!ok) {
    std::filesystem::remove(target, ec);
    return make_error("backup_failed", "backup to " + target.string() + " failed: " + m);
  }
  return {};
}

}  // namespace

void register_db_commands(CLI::App& app, CliContext& ctx) {
  auto* dbc = app.add_subcommand("db", "Database: migrate, backup, verify / Veritabanı");
  dbc->require_subcommand(1);

  auto* mig =
      dbc->add_subcommand("migrate", "Create the database or apply pending schema migrations");
  mig->callback([&ctx] {
    (void)ctx.config();
    auto db = ctx.db();  // opening migrates
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto v = (*db)->schema_version();
    if (!v) return (void)ctx.fail(v.error(), 2);
    if (ctx.json()) {
      ctx.out() << nlohmann::json{{"schema_version", *v}, {"file", (*db)->file().string()}}.dump(2)
                << "\n";
    } else {
      ctx.out() << ctx.tr("Şema sürümü ", "Schema version ") << *v << " (" << (*db)->file().string()
                << ")\n";
    }
  });

  auto target = std::make_shared<std::string>();
  auto* bk = dbc->add_subcommand("backup", "Consistent copy through SQLite's online backup API");
  bk->add_option("file", *target, "Backup file to create")->required();
  bk->callback([&ctx, target] {
    (void)ctx.config();
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    if (auto r = backup_to(**db, *target); !r) return (void)ctx.fail(r.error());
    ctx.out() << ctx.tr("Yedek alındı: ", "Backup written: ") << *target << "\n";
  });

  auto* ver =
      dbc->add_subcommand("verify", "integrity_check, foreign keys, audit chain, result hashes");
  ver->callback([&ctx] {
    (void)ctx.config();
    std::filesystem::path file = ctx.opts.db_path;
    if (file.empty()) {
      auto cfg = ctx.config();
      if (!cfg) return (void)ctx.fail(cfg.error(), 2);
      file = (*cfg)->database;
    }
    // Verify never creates or migrates what it checks.
    auto db = Database::open(file, OpenOptions{.create = false, .migrate = false});
    if (!db) return (void)ctx.fail(db.error(), 2);
    const auto problems = verify_database(**db);
    if (ctx.json()) {
      ctx.out() << nlohmann::json{{"ok", problems.empty()}, {"problems", problems}}.dump(2) << "\n";
    } else if (problems.empty()) {
      ctx.out() << ctx.tr("Veritabanı doğrulandı: sorun yok\n", "Database verified: no problems\n");
    } else {
      for (const auto& p : problems) ctx.err() << "odyospiro: verify: " << p << "\n";
    }
    if (!problems.empty()) ctx.exit_code = 3;
  });
}

}  // namespace odyo::station
