// The command line's help and CLI11's parse errors in the output language (docgen.hpp).
// Texts come from the command tree itself: every description, the option groups and the labels
// the help formatter prints; `help_pot` lists them for the catalogue test so none is forgotten.

#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "station/cli/docgen.hpp"

namespace odyo::station {
namespace {

// The labels CLI11's help formatter prints (Formatter::get_label), and its option type names.
constexpr const char* kHelpLabels[] = {
    N_("Usage"),    N_("OPTIONS"), N_("SUBCOMMAND"), N_("SUBCOMMANDS"), N_("Positionals"),
    N_("REQUIRED"), N_("Env"),     N_("Excludes"),   N_("Needs"),       N_("TEXT"),
    N_("INT"),      N_("UINT"),    N_("FLOAT"),      N_("BOOLEAN"),     N_("FILE"),
    N_("DIR"),      N_("PATH")};
// The default group names of options and subcommands.
constexpr const char* kGroups[] = {N_("Options"), N_("Subcommands")};

void collect(const CLI::App& app, std::set<std::string>& texts) {
  if (!app.get_description().empty()) texts.insert(app.get_description());
  if (!app.get_footer().empty()) texts.insert(app.get_footer());
  if (!app.get_group().empty()) texts.insert(app.get_group());
  for (const CLI::Option* o : app.get_options()) {
    if (!o->get_description().empty()) texts.insert(o->get_description());
    if (!o->get_group().empty()) texts.insert(o->get_group());
    if (!o->get_type_name().empty()) texts.insert(o->get_type_name());
  }
  for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; }))
    collect(*s, texts);
}

// CLI11's formatter pads the option column by bytes (std::setw), so every Turkish letter of a
// translated label ("METİN", "GEREKLİ") shifted the description column; this one pads by
// characters (UTF-8 code points) and is otherwise CLI11's make_option (CLI/StringTools.hpp,
// format_help).
class Utf8Formatter : public CLI::Formatter {
 public:
  explicit Utf8Formatter(const CLI::Formatter& base) : CLI::Formatter(base) {}

  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    const std::string name = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
    const std::string desc = make_option_desc(opt);
    const std::size_t width = get_column_width();
    std::size_t chars = 0;
    for (const char ch : name)
      if ((static_cast<unsigned char>(ch) & 0xC0U) != 0x80U) ++chars;
    std::string out = name;
    if (chars < width) out.append(width - chars, ' ');
    if (!desc.empty()) {
      if (chars >= width) out += "\n" + std::string(width, ' ');
      for (const char ch : desc) {
        out += ch;
        if (ch == '\n') out.append(width, ' ');
      }
    }
    return out + "\n";
  }
};

void use_formatter(CLI::App& app, const std::shared_ptr<CLI::FormatterBase>& f) {
  app.formatter(f);
  for (CLI::App* s : app.get_subcommands([](CLI::App*) { return true; })) use_formatter(*s, f);
}

void translate(CLI::App& app, const i18n::Catalog& c, CLI::FormatterBase& formatter) {
  app.description(c.tr(app.get_description()));                       // i18n: texts of the tree
  if (!app.get_footer().empty()) app.footer(c.tr(app.get_footer()));  // i18n: the tree
  if (!app.get_group().empty()) app.group(c.tr(app.get_group()));     // i18n: the tree
  for (CLI::Option* o : app.get_options()) {
    o->description(c.tr(o->get_description()));                   // i18n: the tree
    if (!o->get_group().empty()) o->group(c.tr(o->get_group()));  // i18n: the tree
    // The formatter prints an option's type name through its labels (FILE, YYYY-MM-DD, …).
    const std::string& type = o->get_type_name();
    if (!type.empty()) formatter.label(type, c.tr(type));  // i18n: the tree
  }
  for (CLI::App* s : app.get_subcommands([](CLI::App*) { return true; }))
    translate(*s, c, formatter);
}

// po string escaping for a msgid.
std::string po_quote(const std::string& s) {
  std::string o = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\')
      o += '\\', o += ch;
    else if (ch == '\n')
      o += "\\n";
    else if (ch == '\t')
      o += "\\t";
    else
      o += ch;
  }
  return o + "\"";
}

// CLI11's messages (CLI/Error.hpp, CLI/Validators.hpp, 2.1) with their values as {}.
struct ParseMessage {
  const char* pattern;
  const char* msgid;
  int quote_list = 0;  // the group that is a comma-separated list of allowed values, if any
};
constexpr ParseMessage kParseMessages[] = {
    {R"(^A subcommand is required$)", N_("A subcommand is required")},
    {R"(^(.+) is required$)", N_("{} is required")},
    {R"(^The following arguments? (?:was|were) not expected: (.*)$)", N_("Not expected here: {}")},
    {R"(^Could not convert: (.*) = (.*)$)", N_("Could not read {} = {}")},
    {R"(^The value (.*) is not an allowed value for (.*)$)",
     N_("The value {} is not allowed for {}")},
    {R"(^Expected exactly (\d+) arguments to (.*), got (\d+)$)",
     N_("Expected exactly {} values for {}, got {}")},
    {R"(^Expected at least (\d+) arguments to (.*), got (\d+)$)",
     N_("Expected at least {} values for {}, got {}")},
    {R"(^(.*) requires (.*)$)", N_("{} requires {}")},
    {R"(^(.*) excludes (.*)$)", N_("{} cannot be used with {}")},
    {R"(^(.*): (.*) not in \{(.*)\}$)", N_("{}: {} is not one of {}"), 3},
    // CLI::Range (2.1): "Value 5 not in range 100 to 60000"; later versions "[100 - 60000]".
    {R"(^(.*): Value (.*) not in range \[?(.+?)(?: - | to )(.+?)\]?$)",
     N_("{}: value {} is outside the range {} to {}")},
    {R"(^(.*): File does not exist: (.*)$)", N_("{}: no such file: {}")},
    {R"(^(.*): Directory does not exist: (.*)$)", N_("{}: no such folder: {}")},
    {R"(^(.*): (.*) only allows (\d+) but (\d+) were given$)", N_("{}: {} may be given once only")},
    {R"(^(.*): At Most (\d+) required but received (\d+)$)",
     N_("{}: at most {} values, received {}")},
    {R"(^(.*): At least (\d+) required but received (\d+)$)",
     N_("{}: at least {} values, received {}")},
    {R"(^(.*): (\d+) required .* missing$)", N_("{}: value missing ({} needed)")},
    {R"(^(.*): too many inputs for a flag$)", N_("{}: this flag takes no value")},
    {R"(^(.*): Should be true/false or a number$)", N_("{}: must be true/false or a number")},
};

}  // namespace

void translate_help(CLI::App& app, const i18n::Catalog& c) {
  const auto base = std::dynamic_pointer_cast<CLI::Formatter>(app.get_formatter());
  use_formatter(app, std::make_shared<Utf8Formatter>(base ? *base : CLI::Formatter{}));
  translate(app, c, *app.get_formatter());
  for (const char* label : kHelpLabels)
    app.get_formatter()->label(label, c.tr(label));  // i18n: marked N_ above
}

std::string help_pot(const CLI::App& app) {
  std::set<std::string> texts;
  collect(app, texts);
  for (const char* label : kHelpLabels) texts.insert(label);
  for (const char* group : kGroups) texts.insert(group);
  for (const auto& m : kParseMessages) texts.insert(m.msgid);
  std::ostringstream pot;
  pot << "# The texts of odyospiro's help screens (odyospiro generate pot).\nmsgid \"\"\nmsgstr "
         "\"\"\n"
         "\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n";
  for (const auto& t : texts) pot << "msgid " << po_quote(t) << "\nmsgstr \"\"\n\n";
  return pot.str();
}

std::string parse_error_message(const CLI::Error& e, const i18n::Catalog& c) {
  const std::string what = e.what();
  for (const auto& m : kParseMessages) {
    std::smatch match;
    if (!std::regex_match(what, match, std::regex(m.pattern))) continue;
    std::vector<Error> values;
    for (std::size_t i = 1; i < match.size(); ++i) {
      std::string value = match[static_cast<int>(i)].str();
      // The allowed values are words to type, quoted as such in every language.
      if (m.quote_list == static_cast<int>(i))
        value = "`" + std::regex_replace(value, std::regex(","), "`, `") + "`";
      values.push_back(error_text::arg(value));
    }
    Error text = make_errorf("usage", m.msgid);  // i18n: marked N_ above
    text.args = values;
    std::vector<std::string> english;
    for (const auto& v : values) english.push_back(v.message);
    text.message = error_text::fill(m.msgid, english);
    return c.localize(text);
  }
  return what;  // a message this table does not know yet: as CLI11 wrote it
}

}  // namespace odyo::station
