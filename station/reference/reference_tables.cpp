#include "station/reference/reference_tables.hpp"

#include "analysis/core/error_text.hpp"
#include "station/core/input.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace odyo::station {
namespace {

Result<std::string> read_text(const std::filesystem::path& file) {
  auto text = read_input_file(file);
  if (!text)
    return make_errorf("reference_file_missing",
                       "{} (a reference table: check [spirometry].reference_dir in the station "
                       "configuration, or restore the file from the odyospiro sources, "
                       "config/reference/)",
                       text.error());
  return text;
}

}  // namespace

Result<spirometry::ReferenceTables> load_reference_tables(const std::filesystem::path& dir) {
  namespace sp = spirometry;
  sp::ReferenceTables t;
  struct Gli {
    sp::Equation eq;
    const char* coef;
    const char* spl;
    sp::GliTables* out;
  };
  const Gli glis[] = {
      {sp::Equation::kGli2012, "gli2012_coefficients.csv", "gli2012_splines.csv", &t.gli2012},
      {sp::Equation::kGliGlobal2022, "gli_global2022_coefficients.csv",
       "gli_global2022_splines.csv", &t.gli_global2022}};
  for (const auto& g : glis) {
    auto c = read_text(dir / g.coef);
    if (!c) return c.error();
    auto s = read_text(dir / g.spl);
    if (!s) return s.error();
    const std::string stem = (dir / g.coef).string();
    auto parsed = sp::parse_gli_tables(
        g.eq, *c, *s, stem.substr(0, stem.size() - std::string_view("_coefficients.csv").size()));
    if (!parsed) return parsed.error();
    *g.out = std::move(*parsed);
  }
  auto e = read_text(dir / "eccs1993_coefficients.csv");
  if (!e) return e.error();
  auto eccs = sp::parse_eccs_tables(*e, (dir / "eccs1993_coefficients.csv").string());
  if (!eccs) return eccs.error();
  t.eccs1993 = std::move(*eccs);
  return t;
}

}  // namespace odyo::station
