// odyospiro user add|list
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

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
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    NewUser u = *nu;
    if (const char* p = std::getenv("ODYOSPIRO_PASSWORD"); p != nullptr) {
      u.password = p;
    } else {
      std::getline(std::cin, u.password);
    }
    auto id =
        add_user(**db, u, (*cfg)->password_min_length, (*cfg)->pbkdf2_iterations, ctx.opts.user);
    if (!id) return (void)ctx.fail(id.error());
    if (ctx.json()) {
      ctx.out() << nlohmann::json{{"id", *id}, {"username", u.username}, {"role", u.role}}.dump(2)
                << "\n";
    } else {
      ctx.out() << ctx.tr("Kullanıcı eklendi: ", "User added: ") << u.username << " (" << u.role
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
                       {"created_at", u.created_at}});
      }
      ctx.out() << arr.dump(2) << "\n";
      return;
    }
    TextTable table({ctx.tr("Kullanıcı", "User"), ctx.tr("Rol", "Role"),
                     ctx.tr("Ad Soyad", "Name"), ctx.tr("Eklendi", "Added")});
    for (const auto& u : *us)
      table.add_row({u.username, u.role, u.full_name, local_display(u.created_at)});
    ctx.out() << table.render();
  });
}

}  // namespace odyo::station
