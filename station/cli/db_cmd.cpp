// odyospiro db migrate|backup|verify
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "station/auth/password_input.hpp"
#include "station/auth/signing.hpp"
#include "station/cli/context.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/file_modes.hpp"
#include "station/storage/migrations.hpp"
#include "station/storage/users.hpp"

namespace odyo::station {
namespace {

// Online backup (sqlite3_backup_*): a consistent copy while the station keeps running.
Result<void> backup_to(Database& db, const std::filesystem::path& target) {
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) {
    return make_errorf("backup_exists", "{} already exists; choose a new file name",
                       target.string());
  }
  sqlite3* dst = nullptr;
  if (sqlite3_open_v2(target.string().c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    std::string m = dst != nullptr ? sqlite3_errmsg(dst) : "out of memory";
    sqlite3_close(dst);
    return make_errorf("backup_failed", "{}: {}", target.string(), m);
  }
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", db.handle(), "main");
  if (b == nullptr) {
    std::string m = sqlite3_errmsg(dst);
    sqlite3_close(dst);
    return make_error("backup_failed", m);  // i18n: not a message (SQLite's own text)
  }
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(b, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  (void)make_private_file(target);
  const bool ok = rc == SQLITE_DONE;
  std::string m = sqlite3_errmsg(dst);
  sqlite3_close(dst);
  if (!ok) {
    std::filesystem::remove(target, ec);
    return make_errorf("backup_failed", "backup to {} failed: {}", target.string(), m);
  }
  return {};
}

}  // namespace

void register_db_commands(CLI::App& app, CliContext& ctx) {
  auto* dbc = app.add_subcommand("db", "Database: migrate, backup, verify / Veritabanı");
  dbc->require_subcommand(1);

  auto* mig = dbc->add_subcommand(
      "migrate",
      "Create the database with its first admin (--admin NAME, password from "
      "$ODYOSPIRO_PASSWORD or asked), or apply pending schema migrations (as an admin)");
  auto admin = std::make_shared<std::string>();
  auto admin_name = std::make_shared<std::string>();
  mig->add_option("--admin", *admin, "Create the first admin account on a new database");
  mig->add_option("--name", *admin_name, "Full name of the first admin (default: NAME)");
  mig->callback([&ctx, admin, admin_name] {
    auto cfg = ctx.config();
    if (!cfg) return (void)ctx.fail(cfg.error(), 2);
    Result<Database*> db = Error{"unset", ""};
    if (!admin->empty()) {
      db = ctx.db_without_login(true);  // opening creates and migrates
      if (!db) return (void)ctx.fail(db.error(), 2);
      auto n = count_users(**db);
      if (!n) return (void)ctx.fail(n.error(), 2);
      if (*n > 0) {
        return (void)ctx.fail(
            make_errorf("db_has_users",
                        "{} already has users: the first admin is created only with a new "
                        "database; an admin adds more with `odyospiro user add`",
                        (*db)->file().string()));
      }
      auto pw = read_new_password("ODYOSPIRO_PASSWORD",
                                  ctx.trf("odyospiro: password for the new admin {}: ", *admin),
                                  ctx.catalog());
      if (!pw) {
        return (void)ctx.fail(
            make_error("no_password",
                       "no password for the first admin: set $ODYOSPIRO_PASSWORD or run on a "
                       "terminal to be asked"));
      }
      auto id =
          add_user(**db, NewUser{*admin, admin_name->empty() ? *admin : *admin_name, "admin", *pw},
                   (*cfg)->password_min_length, (*cfg)->pbkdf2_iterations, *admin);
      if (!id) return (void)ctx.fail(id.error());
    } else {
      db = ctx.db_as({"admin"}, N_("migrate the database"));  // opening migrates
      if (!db) return (void)ctx.fail(db.error(), 2);
    }
    auto v = (*db)->schema_version();
    if (!v) return (void)ctx.fail(v.error(), 2);
    if (ctx.json()) {
      ctx.out() << nlohmann::json{{"schema_version", *v}, {"file", (*db)->file().string()}}.dump(2)
                << "\n";
    } else {
      ctx.out() << ctx.tr("Schema version ") << *v << " (" << (*db)->file().string() << ")\n";
    }
  });

  struct BackupArgs {
    std::string target;
    bool with_key = false;
  };
  auto bargs = std::make_shared<BackupArgs>();
  auto* bk = dbc->add_subcommand(
      "backup",
      "Consistent copy through SQLite's online backup API, with the audit head of the copy "
      "(FILE.head); the station key is NOT copied unless --with-key (docs/security.md)");
  bk->add_option("file", bargs->target, "Backup file to create")->required();
  bk->add_flag("--with-key", bargs->with_key,
               "Also copy the station key to FILE.key (mode 0600): then whoever holds the backup "
               "can extend the audit chain; keep such a backup as safe as the station itself");
  bk->callback([&ctx, bargs] {
    (void)ctx.config();
    auto db = ctx.db_as({"admin"}, N_("back up the database"));
    if (!db) return (void)ctx.fail(db.error(), 2);
    const std::filesystem::path target = bargs->target;
    if (auto r = backup_to(**db, target); !r) return (void)ctx.fail(r.error());
    // The copy's own head, so `db verify` can check its end (with the station key).
    OpenOptions o;
    o.create = false;
    o.migrate = false;
    o.key_file = (*db)->key_file();
    o.head_file = target.string() + ".head";
    auto copy = Database::open(target, o);
    if (!copy) return (void)ctx.fail(copy.error(), 2);
    if ((*copy)->station_key()) {
      if (auto r = write_audit_head(**copy); !r) return (void)ctx.fail(r.error(), 2);
    }
    ctx.out() << ctx.tr("Backup written: ") << target.string() << " (+ " << o.head_file.string()
              << ")\n";
    const auto& key = (*db)->key_file();
    if (bargs->with_key && (*db)->station_key()) {
      std::error_code ec;
      const std::filesystem::path key_copy = target.string() + ".key";
      std::filesystem::copy_file(key, key_copy, ec);
      if (!ec) {
        std::filesystem::permissions(
            key_copy, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
      }
      if (ec) {
        return (void)ctx.fail(make_errorf("backup_failed", "cannot copy the station key to {}: {}",
                                          key_copy.string(), ec.message()));
      }
      ctx.out() << ctx.tr("Station key copied: ") << key_copy.string() << "\n";
    } else {
      ctx.out() << ctx.tr(
                       "The station key is NOT in the backup. Copy it once to separate media "
                       "(e.g. a USB stick kept locked away): ")
                << "install -m 600 " << key.string() << " /media/<usb>/" << key.filename().string()
                << ctx.tr("  (docs/security.md, \"Station key\"; or --with-key)\n");
    }
  });

  struct VerifyArgs {
    std::string key_file;
    std::string head_file;
  };
  auto vargs = std::make_shared<VerifyArgs>();
  auto* ver = dbc->add_subcommand(
      "verify",
      "integrity_check, foreign keys, the keyed audit chain and its head, every record's binding, "
      "raw recording hashes, result hashes and signatures; exit 3 on a problem");
  ver->add_option("--key", vargs->key_file,
                  "Station key file (default: DB.key next to the database)");
  ver->add_option("--head", vargs->head_file,
                  "Audit head file (default: DB.head next to the database)");
  ver->callback([&ctx, vargs] {
    (void)ctx.config();
    std::filesystem::path file = ctx.opts.db_path;
    if (file.empty()) {
      auto cfg = ctx.config();
      if (!cfg) return (void)ctx.fail(cfg.error(), 2);
      file = (*cfg)->database;
    }
    // Verify never creates or migrates what it checks.
    if (auto r = refuse_world_readable(file); !r) return (void)ctx.fail(r.error(), 2);
    OpenOptions o;
    o.create = false;
    o.migrate = false;
    o.key_file = vargs->key_file;
    o.head_file = vargs->head_file;
    auto db = Database::open(file, o);
    if (!db) return (void)ctx.fail(db.error(), 2);
    if (auto who = ctx.prove_on(**db, {"admin"}, N_("verify the database"));
        !who && who.error().message != "not enforced")
      return (void)ctx.fail(who.error(), 2);
    auto found = verify_database_errors(**db);
    // The physicians' signatures against their public keys (station/auth/signing.hpp).
    for (auto& p : verify_signatures_errors(**db)) found.push_back(std::move(p));
    std::vector<std::string> problems;
    for (const auto& p : found) problems.push_back(ctx.message(p));
    if (ctx.json()) {
      ctx.out() << nlohmann::json{{"ok", problems.empty()}, {"problems", problems}}.dump(2) << "\n";
    } else if (problems.empty()) {
      ctx.out() << ctx.tr("Database verified: no problems\n");
    } else {
      for (const auto& p : problems) ctx.err() << ctx.trf("odyospiro: verify: {}", p) << "\n";
    }
    if (!problems.empty()) ctx.exit_code = 3;
  });
}

}  // namespace odyo::station
