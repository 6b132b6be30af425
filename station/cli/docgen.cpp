#include "station/cli/docgen.hpp"

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "station/config/config.hpp"

namespace odyo::station {
namespace {

using json = nlohmann::json;

// Visible subcommands (a hidden one has an empty group).
std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  std::vector<const CLI::App*> out;
  for (const CLI::App* s : app.get_subcommands(
           [](const CLI::App* a) { return !a->get_group().empty() && !a->get_name().empty(); }))
    out.push_back(s);
  return out;
}

std::vector<const CLI::Option*> visible_options(const CLI::App& app) {
  std::vector<const CLI::Option*> out;
  for (const CLI::Option* o :
       app.get_options([](const CLI::Option* o) { return !o->get_group().empty(); }))
    out.push_back(o);
  return out;
}

std::string option_names(const CLI::Option& o) {
  std::string s;
  for (const auto& n : o.get_snames()) s += (s.empty() ? "-" : ", -") + n;
  for (const auto& n : o.get_lnames()) s += (s.empty() ? "--" : ", --") + n;
  if (s.empty()) s = o.get_name();  // a positional
  return s;
}

bool takes_value(const CLI::Option& o) {
  return o.get_positional() || o.get_expected_max() > 0;  // a flag expects 0 values
}

// roff: escape backslashes and dashes, protect a leading control character.
std::string roff(const std::string& text) {
  std::string o;
  for (char c : text) {
    if (c == '\\')
      o += "\\e";
    else if (c == '-')
      o += "\\-";
    else
      o += c;
  }
  if (!o.empty() && (o[0] == '.' || o[0] == '\'')) o = "\\&" + o;
  return o;
}

void man_command(std::ostringstream& m, const CLI::App& app, const std::string& path) {
  const auto subs = visible_subcommands(app);
  const auto opts = visible_options(app);
  m << ".SS \"" << roff(path) << "\"\n" << roff(app.get_description()) << "\n";
  for (const CLI::Option* o : opts) {
    m << ".TP\n.B " << roff(option_names(*o));
    if (takes_value(*o) && !o->get_positional()) m << " \" " << roff(o->get_type_name()) << "\"";
    m << "\n" << roff(o->get_description());
    if (o->get_required()) m << " (required)";
    if (!o->get_default_str().empty() && !o->get_required())
      m << " [default: " << roff(o->get_default_str()) << "]";
    m << "\n";
  }
  for (const CLI::App* s : subs) man_command(m, *s, path + " " + s->get_name());
}

void tree(json& j, const CLI::App& app) {
  j["name"] = app.get_name();
  j["options"] = json::array();
  for (const CLI::Option* o : visible_options(app)) {
    std::vector<std::string> names;
    for (const auto& n : o->get_snames()) names.push_back("-" + n);
    for (const auto& n : o->get_lnames()) names.push_back("--" + n);
    j["options"].push_back({{"name", o->get_name()},
                            {"flags", names},
                            {"positional", o->get_positional()},
                            {"required", o->get_required()},
                            {"takes_value", takes_value(*o)}});
  }
  j["requires_subcommand"] = app.get_require_subcommand_min() > 0;
  j["subcommands"] = json::array();
  for (const CLI::App* s : visible_subcommands(app)) {
    json c;
    tree(c, *s);
    j["subcommands"].push_back(std::move(c));
  }
}

void completion_tables(const CLI::App& app, const std::string& path,
                       std::map<std::string, std::string>& subs,
                       std::map<std::string, std::string>& opts) {
  std::string s, o;
  for (const CLI::App* c : visible_subcommands(app)) s += (s.empty() ? "" : " ") + c->get_name();
  for (const CLI::Option* op : visible_options(app)) {
    for (const auto& n : op->get_snames()) o += (o.empty() ? "-" : " -") + n;
    for (const auto& n : op->get_lnames()) o += (o.empty() ? "--" : " --") + n;
  }
  subs[path] = s;
  opts[path] = o;
  for (const CLI::App* c : visible_subcommands(app))
    completion_tables(*c, path + " " + c->get_name(), subs, opts);
}

}  // namespace

std::string man_page(const CLI::App& app, const i18n::Catalog& c) {
  // The page's own sentences are translated like every other text; names and paths go in as
  // values, already in roff.
  const auto bold = [](const std::string& s) { return "\\fB" + roff(s) + "\\fR"; };
  std::ostringstream m;
  m << ".TH ODYOSPIRO 1 \"\" \"odyospiro " << ODYO_VERSION << "\" \"" << c.tr("User Commands")
    << "\"\n"
    << ".SH " << c.tr("NAME") << "\nodyospiro \\- "
    << c.tr("hearing and lung-function test station") << "\n"
    << ".SH " << c.tr("SYNOPSIS") << "\n.B odyospiro\n[\\fI" << c.tr("GLOBAL OPTIONS")
    << "\\fR] \\fI" << c.tr("COMMAND") << "\\fR [\\fI" << c.tr("SUBCOMMAND") << "\\fR] [\\fI"
    << c.tr("OPTIONS") << "\\fR]\n"
    << ".SH " << c.tr("DESCRIPTION") << "\n"
    << c.trf(
           "The station's one command. Every command that touches the database acts for the "
           "user given by {}; its password comes from {} or a prompt. This page is generated "
           "from the program's own help at build time.",
           bold("--user"), bold("ODYOSPIRO_PASSWORD"))
    << "\n"
    << ".SH \"" << c.tr("GLOBAL OPTIONS") << "\"\n";
  for (const CLI::Option* o : visible_options(app)) {
    m << ".TP\n.B " << roff(option_names(*o)) << "\n" << roff(o->get_description()) << "\n";
  }
  m << ".SH " << c.tr("COMMANDS") << "\n";
  for (const CLI::App* s : visible_subcommands(app))
    man_command(m, *s, "odyospiro " + s->get_name());
  m << ".SH " << c.tr("FILES") << "\n.TP\n.I " << roff(default_config_path().string()) << "\n"
    << c.trf(
           "The station configuration (else {} or {}); relative paths in it are resolved "
           "against its folder, device profiles are in its devices/ folder.",
           bold("--config"), bold("ODYOSPIRO_CONFIG"))
    << "\n.TP\n.I /var/lib/odyospiro/\n"
    << c.trf("The database and the raw journal ({}).", "[station].database")
    << "\n.TP\n.I /usr/share/odyospiro/\n"
    << c.tr("Rule tables, reference equations, audiometry tables (read-only).") << "\n"
    << ".SH " << c.tr("ENVIRONMENT") << "\n.TP\n.B ODYOSPIRO_CONFIG\n"
    << c.trf("The configuration file when {} is not given.", bold("--config")) << "\n"
    << ".TP\n.B ODYOSPIRO_PASSWORD\n"
    << c.tr("The acting user's password (else asked on the terminal).") << "\n"
    << ".TP\n.B ODYOSPIRO_LANG\n"
    << c.trf("The output language, tr or en, when {} is not given (else {}).", bold("--lang"),
             "[station].language")
    << "\n"
    << ".SH " << c.tr("LOGGING") << "\n"
    << c.trf(
           "Start, stop, acting user and errors of every command go to syslog (journald) with "
           "the identifier odyospiro; {} also prints them on stderr.",
           bold("--verbose"))
    << "\n";
  return m.str();
}

std::string bash_completion(const CLI::App& app) {
  std::map<std::string, std::string> subs, opts;
  completion_tables(app, "odyospiro", subs, opts);  // bash keys cannot be empty
  std::ostringstream b;
  b << "# bash completion for odyospiro — generated from its command tree "
       "(odyospiro generate bash-completion)\n"
    << "declare -gA _odyospiro_subs=(\n";
  for (const auto& [k, v] : subs) b << "  [\"" << k << "\"]=\"" << v << "\"\n";
  b << ")\ndeclare -gA _odyospiro_opts=(\n";
  for (const auto& [k, v] : opts) b << "  [\"" << k << "\"]=\"" << v << "\"\n";
  b << ")\n"
    << R"(_odyospiro() {
  local cur="${COMP_WORDS[COMP_CWORD]}" path=odyospiro w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    case " ${_odyospiro_subs[$path]} " in
      *" $w "*) path="$path $w" ;;
    esac
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "${_odyospiro_opts[$path]} ${_odyospiro_opts[odyospiro]}" -- "$cur"))
  elif [ -n "${_odyospiro_subs[$path]}" ]; then
    COMPREPLY=($(compgen -W "${_odyospiro_subs[$path]}" -- "$cur"))
  fi
}
complete -o default -F _odyospiro odyospiro
)";
  return b.str();
}

std::string cli_tree_json(const CLI::App& app) {
  json j;
  tree(j, app);
  return j.dump(1);
}

void register_generate_command(CLI::App& app, const i18n::Catalog& catalog) {
  auto* gen = app.add_subcommand("generate", "Print a document generated from the command tree");
  gen->group("");  // hidden: used by the build and the tests
  gen->require_subcommand(1);
  gen->add_subcommand("man", "The man page (roff), in the output language")
      ->callback([&app, &catalog] { std::cout << man_page(app, catalog); });
  gen->add_subcommand("bash-completion", "The bash completion script")->callback([&app] {
    std::cout << bash_completion(app);
  });
  gen->add_subcommand("cli-tree", "The command tree as JSON")->callback([&app] {
    std::cout << cli_tree_json(app) << "\n";
  });
  gen->add_subcommand("pot", "The texts of the help screens as a gettext template (.pot)")
      ->callback([&app] { std::cout << help_pot(app); });
}

void tidy_option_defaults(CLI::App& app) {
  for (CLI::Option* o : app.get_options()) {
    const std::string d = o->get_default_str();
    if (o->get_required() || d == "nan" || d == "-nan" || d == "\"\"" || d == "[]")
      o->default_str("");
  }
  for (CLI::App* s : app.get_subcommands([](CLI::App*) { return true; })) tidy_option_defaults(*s);
}

}  // namespace odyo::station
