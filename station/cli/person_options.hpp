#pragma once
// Command-line options a person types, read the Turkish way too (station/core/person_input.hpp):
// numbers with a decimal comma, E/K for sex, GG.AA.YYYY dates, and the options of a table file
// (delimiter, decimal separator, encoding). A value that cannot be read stops the command with
// the option's name and what to write (PersonInputError). Single-threaded: the command line's
// thread.

#include <CLI/CLI.hpp>
#include <string>

#include "analysis/core/error_text.hpp"
#include "station/core/person_input.hpp"
#include "station/core/text_file.hpp"

namespace odyo::station {

// Thrown by an option below when the value cannot be read; app.cpp reports it like any
// command's error (ctx.fail: stderr or JSON, exit code 1) with the option's name.
class PersonInputError : public CLI::ValidationError {
 public:
  PersonInputError(const std::string& option, odyo::Error e)
      : CLI::ValidationError(option, e.message), error_(make_errorf(e.code, "{}: {}", option, e)) {}
  [[nodiscard]] const odyo::Error& input_error() const { return error_; }

 private:
  odyo::Error error_;
};

// A double option that takes `1.75` and `1,75`.
inline CLI::Option* add_number_option(CLI::App* app, const std::string& name, double& target,
                                      const std::string& description) {
  return app
      ->add_option_function<std::string>(
          name,
          [&target, name](const std::string& s) {
            auto v = parse_person_number(s);
            if (!v) throw PersonInputError(name, v.error());
            target = *v;
          },
          description)
      ->type_name("NUMBER");
}

// --sex: E|K|M|F, stored as M|F.
inline CLI::Option* add_sex_option(CLI::App* app, std::string& target,
                                   const std::string& description = "E|K or M|F (erkek/kadın)") {
  return app
      ->add_option_function<std::string>(
          "--sex",
          [&target](const std::string& s) {
            auto v = parse_sex(s);
            if (!v) throw PersonInputError("--sex", v.error());
            target = *v;
          },
          description)
      ->type_name("E|K|M|F");
}

// A date option: GG.AA.YYYY or YYYY-MM-DD, stored as YYYY-MM-DD.
inline CLI::Option* add_date_option(CLI::App* app, const std::string& name, std::string& target,
                                    const std::string& description) {
  return app
      ->add_option_function<std::string>(
          name,
          [&target, name](const std::string& s) {
            auto v = parse_date_iso(s);
            if (!v) throw PersonInputError(name, v.error());
            target = *v;
          },
          description)
      ->type_name("GG.AA.YYYY|YYYY-MM-DD");
}

// --delimiter ,|;|tab  --decimal .|,  --encoding auto|utf-8|windows-1254 for a table file.
inline void add_table_file_options(CLI::App* app, TableFileOptions& target) {
  app->add_option_function<std::string>(
         "--delimiter",
         [&target](const std::string& s) {
           if (s == "," || s == ";")
             target.csv.delimiter = s[0];
           else if (s == "tab" || s == "\t")
             target.csv.delimiter = '\t';
           else
             throw PersonInputError(
                 "--delimiter", make_errorf("bad_option", "write , or ; or tab, not \"{}\"", s));
         },
         "Field delimiter of the file (default: detected)")
      ->type_name(",|;|tab");
  app->add_option_function<std::string>(
         "--decimal",
         [&target](const std::string& s) {
           if (s == "." || s == ",")
             target.csv.decimal = s[0];
           else
             throw PersonInputError("--decimal",
                                    make_errorf("bad_option", "write . or , not \"{}\"", s));
         },
         "Decimal separator of the file (default: detected)")
      ->type_name(".|,");
  app->add_option_function<std::string>(
         "--encoding",
         [&target](const std::string& s) {
           auto e = parse_text_encoding(s);
           if (!e) throw PersonInputError("--encoding", e.error());
           target.encoding = *e;
         },
         "Text encoding of the file (default: detected)")
      ->type_name("auto|utf-8|windows-1254");
}

}  // namespace odyo::station
