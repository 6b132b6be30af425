// odyospiro user add|list|role|passwd|deactivate — accounts are changed only by an admin, each
// change a new version (station/storage/users.hpp).
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "station/auth/login.hpp"
#include "station/auth/password_input.hpp"
#include "station/auth/signing.hpp"
#include "station/cli/context.hpp"
#include "station/core/local_time.hpp"
#include "station/core/text_table.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"

namespace odyo::station {

void register_user_commands(CLI::App& app, CliContext& ctx) {
  auto* user = app.add_subcommand("user", "Users and roles / Kullanıcılar");
  user->require_subcommand(1);
  auto nu = std::make_shared<NewUser>();
  auto pw_env = std::make_shared<std::string>("ODYOSPIRO_PASSWORD");
  auto* add =
      user->add_subcommand("add", "Add a user (password read from $ODYOSPIRO_PASSWORD or stdin)");
  add->add_option("username", nu->username, "Login name")->required();
  add->add_option("--name", nu->full_name, "Full name")->required();
  add->add_option("--role", nu->role, "technician | physician | admin")->required();
  add->callback([&ctx, nu] {
    auto cfg = ctx.config();
    if (!cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db_as({"admin"}, N_("add users"));
    if (!db) return (void)ctx.fail(db.error(), 2);
    NewUser u = *nu;
    // The new account's password: $ODYOSPIRO_NEW_PASSWORD ($ODYOSPIRO_PASSWORD is the acting
    // admin's), asked twice on a terminal, else a line of stdin.
    const char* var = std::getenv("ODYOSPIRO_NEW_PASSWORD") != nullptr ? "ODYOSPIRO_NEW_PASSWORD"
                                                                       : "ODYOSPIRO_PASSWORD";
    auto pw =
        read_new_password(var, ctx.trf("odyospiro: password for {}: ", u.username), ctx.catalog());
    if (!pw) return (void)ctx.fail(make_errorf("no_password", "no password for {}", u.username));
    u.password = *pw;
    auto id =
        add_user(**db, u, (*cfg)->password_min_length, (*cfg)->pbkdf2_iterations, ctx.opts.user);
    if (!id) return (void)ctx.fail(id.error());
    if (u.role == "physician") {  // the physician's signing key, sealed under their password
      auto made = find_user(**db, u.username);
      if (!made) return (void)ctx.fail(made.error(), 2);
      if (auto k =
              create_signing_key(**db, *made, u.password, (*cfg)->pbkdf2_iterations, ctx.opts.user);
          !k)
        return (void)ctx.fail(k.error(), 2);
    }
    if (ctx.json()) {
      ctx.out() << nlohmann::json{{"id", *id}, {"username", u.username}, {"role", u.role}}.dump(2)
                << "\n";
    } else {
      ctx.out() << ctx.tr("User added: ") << u.username << " (" << ctx.message(role_name(u.role))
                << ")\n";
    }
  });
  auto* list = user->add_subcommand("list", "List users");
  list->callback([&ctx] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto us = list_users(**db);
    if (!us) return (void)ctx.fail(us.error());
    if (ctx.json()) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& u : *us) {
        arr.push_back({{"id", u.id},
                       {"username", u.username},
                       {"full_name", u.full_name},
                       {"role", u.role},
                       {"active", u.active},
                       {"version", u.version},
                       {"created_at", u.created_at}});
      }
      ctx.out() << arr.dump(2) << "\n";
      return;
    }
    TextTable table(
        {ctx.tr("User"), ctx.tr("Role"), ctx.tr("Name"), ctx.tr("Added"), ctx.tr("State")});
    for (const auto& u : *us)
      table.add_row({u.username, ctx.message(role_name(u.role)), u.full_name,
                     local_display(u.created_at),
                     u.active ? ctx.tr("active") : ctx.tr("deactivated")});
    ctx.out() << table.render();
  });

  // role | passwd | deactivate: one new version each, as an admin, with a reason.
  struct Change {
    std::string username, role, reason;
  };
  const auto change_cmd = [&ctx, user](const char* name, const char* help, bool with_role) {
    auto c = std::make_shared<Change>();
    auto* sub = user->add_subcommand(name, help);
    sub->add_option("username", c->username, "Login name")->required();
    if (with_role) sub->add_option("role", c->role, "technician | physician | admin")->required();
    sub->add_option("--reason", c->reason, "Why (kept with the new version)");
    const std::string kind = name;
    sub->callback([&ctx, c, kind] {
      auto cfg = ctx.config();
      if (!cfg) return (void)ctx.fail(cfg.error(), 2);
      auto db = ctx.db_as({"admin"}, N_("change accounts"));
      if (!db) return (void)ctx.fail(db.error(), 2);
      auto target = find_user(**db, c->username);
      if (!target) return (void)ctx.fail(target.error());
      if (c->username == ctx.opts.user && kind != "passwd") {
        return (void)ctx.fail(make_error(
            "user_invalid", "an admin does not change their own role or state; ask another admin"));
      }
      UserChange ch{kind == "deactivate" ? "deactivate" : kind, {}, {}, {}, c->reason};
      std::optional<std::string> new_password;
      if (kind == "role") ch.role = c->role;
      if (kind == "deactivate") {
        if (!target->active)
          return (void)ctx.fail(
              make_errorf("user_invalid", "{} is already deactivated", c->username));
        ch.active = false;
      }
      if (kind == "passwd") {
        new_password = read_new_password("ODYOSPIRO_NEW_PASSWORD",
                                         ctx.trf("odyospiro: new password for {}: ", c->username),
                                         ctx.catalog());
        if (!new_password)
          return (void)ctx.fail(make_error(
              "no_password", "no new password: set $ODYOSPIRO_NEW_PASSWORD or run on a terminal"));
        if (static_cast<int>(new_password->size()) < (*cfg)->password_min_length) {
          return (void)ctx.fail(make_errorf("user_invalid",
                                            "password too short: at least {} characters "
                                            "([security].password_min_length)",
                                            (*cfg)->password_min_length));
        }
        ch.password_hash = hash_password(*new_password, (*cfg)->pbkdf2_iterations);
      }
      auto v = add_user_version(**db, c->username, ch, ctx.opts.user);
      if (!v) return (void)ctx.fail(v.error());
      auto now = find_user(**db, c->username);
      if (!now) return (void)ctx.fail(now.error(), 2);
      // A physician's new password gets a new signing key (the old one stays for the signatures
      // it made; it opens only with the old password).
      if (new_password && now->role == "physician") {
        if (auto k = create_signing_key(**db, *now, *new_password, (*cfg)->pbkdf2_iterations,
                                        ctx.opts.user);
            !k)
          return (void)ctx.fail(k.error(), 2);
      }
      if (ctx.json()) {
        ctx.out() << nlohmann::json{{"username", now->username},
                                    {"role", now->role},
                                    {"active", now->active},
                                    {"version", now->version}}
                         .dump(2)
                  << "\n";
      } else {
        ctx.out() << now->username << ": " << ctx.tr("version ") << now->version << " ("
                  << ctx.message(role_name(now->role))
                  << (now->active ? "" : ctx.tr(", deactivated")) << ")\n";
      }
    });
  };
  change_cmd("role", "Change a user's role (admin only; a new version)", true);
  change_cmd("passwd",
             "Reset a user's password (admin only; new password from "
             "$ODYOSPIRO_NEW_PASSWORD or asked; ends a lock-out)",
             false);
  change_cmd("deactivate", "Deactivate a user (admin only; a new version, never deleted)", false);
}

}  // namespace odyo::station
