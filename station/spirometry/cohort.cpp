#include "station/spirometry/cohort.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

#include "analysis/core/error_text.hpp"

namespace odyo::station {
namespace {

namespace sp = spirometry;

constexpr std::size_t kChunkBytes = std::size_t{1} << 20;  // ≈ 25 000 rows of a typical file
constexpr std::size_t kMaxListed = 10;

// ---- reading ---------------------------------------------------------------------------------

// The whole input, mapped read-only (MAP_POPULATE: no page fault per page, no copy).
class InputFile {
 public:
  InputFile() = default;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  Result<void> open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return make_errorf("input_missing", "Cannot read {} ({}): check the --input path.", path,
                         std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return make_errorf("input_missing", "{} is not a regular file: give a CSV file.", path);
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (m == MAP_FAILED) {
        const int e = errno;
        ::close(fd);
        size_ = 0;
        return make_errorf("input_missing", "Cannot read {}: {}.", path, std::strerror(e));
      }
      data_ = m;
    }
    ::close(fd);
    return {};
  }
  [[nodiscard]] std::string_view text() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

// Decimal number. Plain decimals of up to 15 significant digits (ages, heights, litres) take the
// exact fast path (an integer below 2^53 divided by a power of ten ≤ 10^22 is correctly rounded);
// anything else goes to std::from_chars. Both give the correctly rounded double.
bool parse_number(std::string_view s, double& out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = s.data();
  const char* end = p + s.size();
  if (p == end) return false;
  bool neg = false;
  if (*p == '-' || *p == '+') {
    neg = *p == '-';
    ++p;
  }
  std::uint64_t mant = 0;
  int digits = 0, frac = 0;
  bool dot = false;
  const char* q = p;
  for (; q != end; ++q) {
    const char c = *q;
    if (c >= '0' && c <= '9') {
      mant = mant * 10 + static_cast<unsigned>(c - '0');
      if (mant != 0 || digits != 0) ++digits;
      if (dot) ++frac;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  const bool some_digit = q - p > (dot ? 1 : 0);
  if (q == end && some_digit && digits <= 15) {
    double v = static_cast<double>(mant);
    if (frac > 0) v /= kPow10[frac];
    out = neg ? -v : v;
    return true;
  }
  // Exponents, long mantissas: the library parser (it rejects what is not a number).
  const char* b = s.data();
  if (*b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, end, out);
  return ec == std::errc() && ptr == end && std::isfinite(out);
}

std::optional<sp::Sex> parse_sex(std::string_view s) {
  if (s.size() == 1) {
    if (s[0] == 'M' || s[0] == 'm') return sp::Sex::kMale;
    if (s[0] == 'F' || s[0] == 'f') return sp::Sex::kFemale;
  }
  const std::string v = lower(s);
  // English and Turkish (Erkek / Kadın) codings.
  if (v == "m" || v == "male" || v == "e" || v == "erkek") return sp::Sex::kMale;
  if (v == "f" || v == "female" || v == "k" || v == "kadın" || v == "kadin")
    return sp::Sex::kFemale;
  return std::nullopt;
}

// GLI-2012 group: 1-5 or its name (the names pft and the GLI calculator use).
std::optional<int> parse_ethnicity(std::string_view s) {
  if (s.size() == 1 && s[0] >= '1' && s[0] <= '5') return s[0] - '0';
  static constexpr std::array<std::string_view, 5> kNames = {"Caucasian", "AfrAm", "NEAsia",
                                                             "SEAsia", "Other/mixed"};
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (s == kNames[i]) return static_cast<int>(i) + 1;
  const std::string v = lower(s);
  if (v == "caucasian") return 1;
  if (v == "afram" || v == "african-american" || v == "african american") return 2;
  if (v == "neasia" || v == "ne asian") return 3;
  if (v == "seasia" || v == "se asian") return 4;
  if (v == "other/mixed" || v == "other" || v == "mixed") return 5;
  return std::nullopt;
}

// ---- header ----------------------------------------------------------------------------------

enum class Role : std::uint8_t { kOther, kSex, kAge, kHeight, kEthnicity, kMeasured };

struct Layout {
  std::size_t columns = 0;
  std::vector<Role> role;          // per column
  std::vector<int> measured_slot;  // per column: index into `measured` for kMeasured
  std::vector<std::string> names;  // as written (trimmed)
  int col_sex = -1, col_age = -1, col_height = -1, col_ethnicity = -1;
  std::vector<sp::Param> measured;  // params with a measured column, in column order
  std::vector<int> measured_col;
};

std::optional<sp::Param> measured_param(const std::string& name) {
  std::string n = name;
  constexpr std::string_view kSuffix = "_measured";  // pft's naming
  if (n.size() > kSuffix.size() && n.ends_with(kSuffix)) n.resize(n.size() - kSuffix.size());
  if (n == "fev1/fvc") n = "fev1fvc";
  if (n == "fef25-75" || n == "fef25_75") n = "fef2575";
  for (sp::Param p : {sp::Param::kFev1, sp::Param::kFvc, sp::Param::kFev1Fvc, sp::Param::kFef2575,
                      sp::Param::kFef75, sp::Param::kFef25, sp::Param::kFef50, sp::Param::kPef,
                      sp::Param::kIvc, sp::Param::kFev1Ivc})
    if (n == lower(sp::param_id(p))) return p;
  return std::nullopt;
}

Result<Layout> parse_header(std::string_view line, const std::string& path, sp::Equation eq,
                            const sp::CohortPrediction& shape, std::vector<Error>& warnings) {
  Layout l;
  std::size_t pos = 0;
  while (true) {
    const std::size_t c = line.find(',', pos);
    const std::string_view raw =
        line.substr(pos, c == std::string_view::npos ? std::string_view::npos : c - pos);
    const std::string name(trim(raw));
    const std::string key = lower(name);
    const int col = static_cast<int>(l.names.size());
    Role r = Role::kOther;
    int slot = -1;
    auto claim = [&](int& where, Role role) -> Result<void> {
      if (where >= 0)
        return make_errorf("bad_header",
                           "{}, line 1: column {} ('{}') repeats column {}: keep one of them.",
                           path, col + 1, name, where + 1);
      where = col;
      r = role;
      return {};
    };
    Result<void> ok;
    if (key == "sex")
      ok = claim(l.col_sex, Role::kSex);
    else if (key == "age" || key == "age_years")
      ok = claim(l.col_age, Role::kAge);
    else if (key == "height" || key == "height_cm")
      ok = claim(l.col_height, Role::kHeight);
    else if (key == "ethnicity" || key == "race") {
      if (eq == sp::Equation::kGli2012) ok = claim(l.col_ethnicity, Role::kEthnicity);
    } else if (auto p = measured_param(key)) {
      if (std::find(l.measured.begin(), l.measured.end(), *p) != l.measured.end())
        return make_errorf(
            "bad_header", "{}, line 1: column {} ('{}') is a second measured {}: keep one of them.",
            path, col + 1, name, sp::param_id(*p));
      if (shape.find(*p) == nullptr) {
        warnings.push_back(
            make_errorf("",
                        "column {} ('{}'): {} has no {} equation; the column is copied, not "
                        "scored.",
                        col + 1, name, sp::equation_id(eq), sp::param_id(*p)));
      } else {
        r = Role::kMeasured;
        slot = static_cast<int>(l.measured.size());
        l.measured.push_back(*p);
        l.measured_col.push_back(col);
      }
    }
    if (!ok) return ok.error();
    l.names.push_back(name);
    l.role.push_back(r);
    l.measured_slot.push_back(slot);
    if (c == std::string_view::npos) break;
    pos = c + 1;
  }
  l.columns = l.names.size();
  std::string missing;
  if (l.col_sex < 0) missing += " sex";
  if (l.col_age < 0) missing += " age";
  if (l.col_height < 0) missing += " height";
  if (!missing.empty())
    return make_errorf("bad_header",
                       "{}, line 1: the header has no column named{}. The first line must name the "
                       "columns: sex (M/F), age (years), height (cm), optionally ethnicity "
                       "(GLI-2012) and measured values (FEV1, FVC, FEV1FVC, …).",
                       path, missing);
  return l;
}

// ---- formatting ------------------------------------------------------------------------------

constexpr char kDigits2[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// `v` with D digits after the point; nothing for NaN (an empty cell). D is a template argument
// so that the divisions by 10^D become multiplications.
template <int D>
char* put_fixed(char* p, double v) {
  static constexpr double kScale = [] {
    double x = 1;
    for (int i = 0; i < D; ++i) x *= 10;
    return x;
  }();
  static constexpr std::uint64_t kIScale = [] {
    std::uint64_t x = 1;
    for (int i = 0; i < D; ++i) x *= 10;
    return x;
  }();
  if (std::isnan(v)) return p;
  const double scaled = v * kScale;
  if (!(std::abs(scaled) < 9.0e15)) {  // huge or infinite: shortest exact form (≤ 24 chars)
    return std::to_chars(p, p + 32, v).ptr;
  }
  // Round half away from zero (|scaled| < 2^53: the addition is exact enough for 10^-D).
  auto q = static_cast<std::int64_t>(scaled + (scaled < 0 ? -0.5 : 0.5));
  if (q < 0) {
    *p++ = '-';
    q = -q;
  }
  const auto u = static_cast<std::uint64_t>(q);
  const std::uint64_t ip = u / kIScale;
  std::uint64_t fp = u % kIScale;
  if (ip < 10) {
    *p++ = static_cast<char>('0' + ip);
  } else if (ip < 100) {
    std::memcpy(p, kDigits2 + 2 * ip, 2);
    p += 2;
  } else {
    p = std::to_chars(p, p + 24, ip).ptr;
  }
  if constexpr (D > 0) {
    *p++ = '.';
    char* w = p + D;
    for (int left = D; left >= 2; left -= 2) {
      w -= 2;
      std::memcpy(w, kDigits2 + 2 * (fp % 100), 2);
      fp /= 100;
    }
    if constexpr (D % 2 == 1) *--w = static_cast<char>('0' + fp % 10);
    p += D;
  }
  return p;
}

using PutFixed = char* (*)(char*, double);
template <int... I>
constexpr std::array<PutFixed, sizeof...(I)> put_fixed_table(std::integer_sequence<int, I...>) {
  return {&put_fixed<I>...};
}
constexpr auto kPutFixed = put_fixed_table(std::make_integer_sequence<int, 16>{});

// ---- one chunk -------------------------------------------------------------------------------

struct Problem {
  std::size_t line = 0;  // within the chunk (0-based), made absolute when reported
  int column = 0;        // 1-based; 0 = the whole line
  Error text;
};

struct Chunk {
  std::string_view text;  // whole lines, the last one ends with '\n' or the file
  std::size_t lines = 0;  // physical lines in `text`
  std::size_t rows = 0;
  std::unique_ptr<char[]> out;
  std::size_t out_size = 0;
  std::vector<Problem> problems;  // the first ones of this chunk (parsing, then ranges)
  std::size_t problem_count = 0;
  std::atomic<int> state{0};  // 0 pending, 1 done
};

struct Shared {
  const sp::ReferenceTables& tables;
  const CohortRunOptions& opt;
  const Layout& layout;
  std::atomic<bool> failed{false};
};

struct Scratch {
  sp::CohortColumns cols;
  std::vector<Eigen::ArrayXd> measured;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> span;  // echo: offset, length in chunk
  std::vector<std::uint32_t> line_of_row;
};

// The same message under another code (translated where shown all the same).
Error with_code(Error e, std::string code) {
  e.code = std::move(code);
  return e;
}

void add_problem(Chunk& ch, std::size_t line, int column, Error text) {
  ++ch.problem_count;
  if (ch.problems.size() < 2 * kMaxListed) ch.problems.push_back({line, column, std::move(text)});
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s.substr(0, 40)) + (s.size() > 40 ? "…'" : "'");
}

// Splits and converts the chunk's rows into the scratch columns; bad cells become problems.
void parse_chunk(const Shared& sh, Chunk& ch, Scratch& sc) {
  const Layout& l = sh.layout;
  const std::string_view t = ch.text;
  // Rows ≤ lines: sized once (blank lines make it shrink at the end, rarely).
  const std::size_t guess = static_cast<std::size_t>(std::count(t.begin(), t.end(), '\n')) +
                            (!t.empty() && t.back() != '\n' ? 1 : 0);
  sc.cols.resize(guess);
  sc.measured.resize(l.measured.size());
  for (auto& m : sc.measured) m.resize(static_cast<Eigen::Index>(guess));
  sc.span.clear();
  sc.line_of_row.clear();
  std::size_t row = 0, line = 0, pos = 0;
  const auto default_eth = static_cast<std::uint8_t>(sh.opt.default_ethnicity);
  while (pos < t.size()) {
    std::size_t eol = t.find('\n', pos);
    if (eol == std::string_view::npos) eol = t.size();
    std::string_view ln = t.substr(pos, eol - pos);
    const std::size_t start = pos;
    pos = eol + 1;
    const std::size_t this_line = line++;
    if (!ln.empty() && ln.back() == '\r') ln.remove_suffix(1);
    if (ln.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
    if (row == static_cast<std::size_t>(sc.cols.age_years.size())) {
      const std::size_t bigger = row * 2;
      sc.cols.sex.resize(bigger);
      sc.cols.ethnicity.resize(bigger);
      sc.cols.age_years.conservativeResize(static_cast<Eigen::Index>(bigger));
      sc.cols.height_cm.conservativeResize(static_cast<Eigen::Index>(bigger));
      for (auto& m : sc.measured) m.conservativeResize(static_cast<Eigen::Index>(bigger));
    }
    const auto r = static_cast<Eigen::Index>(row);
    sc.cols.ethnicity[row] = default_eth;
    for (auto& m : sc.measured) m[r] = std::numeric_limits<double>::quiet_NaN();
    std::size_t col = 0, fpos = 0;
    while (true) {
      const std::size_t c = ln.find(',', fpos);
      const std::string_view raw =
          ln.substr(fpos, c == std::string_view::npos ? std::string_view::npos : c - fpos);
      if (col < l.columns && l.role[col] != Role::kOther) {
        const std::string_view f = trim(raw);
        const int cn = static_cast<int>(col) + 1;
        switch (l.role[col]) {
          case Role::kSex:
            sc.cols.sex[row] = sp::Sex::kMale;  // also the stand-in for a bad cell
            if (auto s = parse_sex(f))
              sc.cols.sex[row] = *s;
            else
              add_problem(
                  ch, this_line, cn,
                  make_errorf("", "sex {} is not M or F (also male/female, E/K).", quoted(f)));
            break;
          case Role::kAge:
          case Role::kHeight: {
            double v = 0;
            const bool age = l.role[col] == Role::kAge;
            if (!parse_number(f, v)) {
              add_problem(
                  ch, this_line, cn,
                  age ? make_errorf("", "age {} is not a number of years.", quoted(f))
                      : make_errorf("", "height {} is not a number of centimetres.", quoted(f)));
              v = age ? 40.0 : 170.0;  // a stand-in, so that the row's other fields are checked
            }
            (age ? sc.cols.age_years : sc.cols.height_cm)[r] = v;
            break;
          }
          case Role::kEthnicity:
            if (!f.empty()) {
              if (auto e = parse_ethnicity(f))
                sc.cols.ethnicity[row] = static_cast<std::uint8_t>(*e);
              else
                add_problem(ch, this_line, cn,
                            make_errorf("",
                                        "ethnicity {} is not a GLI-2012 group: use 1 Caucasian, 2 "
                                        "AfrAm, 3 NEAsia, 4 SEAsia or 5 Other/mixed (numbers or "
                                        "names).",
                                        quoted(f)));
            }
            break;
          case Role::kMeasured:
            if (!f.empty() && f != "NA") {
              double v = 0;
              if (!parse_number(f, v) || v <= 0.0)
                add_problem(
                    ch, this_line, cn,
                    make_errorf(
                        "",
                        "measured {} {} is not a positive number (leave the cell empty if not "
                        "measured).",
                        sp::param_id(l.measured[static_cast<std::size_t>(l.measured_slot[col])]),
                        quoted(f)));
              else
                sc.measured[static_cast<std::size_t>(l.measured_slot[col])][r] = v;
            }
            break;
          case Role::kOther:
            break;
        }
      }
      ++col;
      if (c == std::string_view::npos) break;
      fpos = c + 1;
    }
    if (col != l.columns)
      add_problem(ch, this_line, 0,
                  make_errorf("",
                              "{} fields where the header has {} (a comma inside a value is not "
                              "supported).",
                              col, l.columns));
    sc.span.emplace_back(static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(ln.size()));
    sc.line_of_row.push_back(static_cast<std::uint32_t>(this_line));
    ++row;
  }
  ch.lines = line;
  ch.rows = row;
  if (row == guess) return;
  sc.cols.sex.resize(row);
  sc.cols.ethnicity.resize(row);
  sc.cols.age_years.conservativeResize(static_cast<Eigen::Index>(row));
  sc.cols.height_cm.conservativeResize(static_cast<Eigen::Index>(row));
  for (auto& m : sc.measured) m.conservativeResize(static_cast<Eigen::Index>(row));
}

int field_column(const Layout& l, const std::string& field) {
  if (field == "sex") return l.col_sex + 1;
  if (field == "age") return l.col_age + 1;
  if (field == "height") return l.col_height + 1;
  if (field == "ethnicity") return l.col_ethnicity + 1;
  return 0;
}

void process_chunk(Shared& sh, Chunk& ch, Scratch& sc) {
  parse_chunk(sh, ch, sc);
  // Cells that did not parse hold stand-ins: predict_cohort still checks the rows' other fields.
  const std::size_t parse_problems = ch.problem_count;
  if (parse_problems > 0) sh.failed = true;
  std::vector<sp::SubjectProblem> problems;
  std::size_t count = 0;
  auto pred = sp::predict_cohort(sh.tables, sh.opt.equation, sc.cols, problems, count, kMaxListed);
  if (!pred) {
    sh.failed = true;
    if (problems.empty()) {  // a table error: the same for every chunk
      add_problem(ch, 0, -1, pred.error());
      return;
    }
    for (const auto& p : problems)
      add_problem(ch, sc.line_of_row[p.row], field_column(sh.layout, p.field), p.error);
    ch.problem_count = parse_problems + count;
    return;
  }
  if (parse_problems > 0) return;
  if (sh.failed) return;  // the file is refused anyway: skip the formatting
  const Layout& l = sh.layout;
  // Scores for every measured column, matched to its prediction column.
  struct Out {
    const sp::PredictedColumn* p;
    std::optional<sp::ScoreColumns> score;
  };
  std::vector<Out> outs;
  for (const auto& col : pred->params) {
    Out o{&col, std::nullopt};
    for (std::size_t k = 0; k < l.measured.size(); ++k)
      if (l.measured[k] == col.param) o.score = sp::score_cohort(col, sc.measured[k]);
    outs.push_back(std::move(o));
  }
  const PutFixed put = kPutFixed[static_cast<std::size_t>(sh.opt.decimals)];
  const std::size_t per_value = 26 + static_cast<std::size_t>(sh.opt.decimals);
  std::size_t values = 0;
  for (const auto& o : outs) values += o.score ? 5 : 3;
  // Not zero-filled: every byte up to `w` is written below.
  ch.out =
      std::make_unique_for_overwrite<char[]>(ch.text.size() + ch.rows * (values * per_value + 2));
  char* w = ch.out.get();
  for (std::size_t i = 0; i < ch.rows; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    std::memcpy(w, ch.text.data() + sc.span[i].first, sc.span[i].second);
    w += sc.span[i].second;
    for (const auto& o : outs) {
      *w++ = ',';
      w = put(w, o.p->predicted[r]);
      *w++ = ',';
      w = put(w, o.p->lln[r]);
      *w++ = ',';
      w = put(w, o.p->uln[r]);
      if (o.score) {
        *w++ = ',';
        w = put(w, o.score->z[r]);
        *w++ = ',';
        w = put(w, o.score->pct_pred[r]);
      }
    }
    *w++ = '\n';
  }
  ch.out_size = static_cast<std::size_t>(w - ch.out.get());
}

Result<void> write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return make_errorf("output_failed", "Cannot write {}: {}. Nothing was written to the output.",
                         path, std::strerror(errno));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace

Result<CohortRunSummary> run_cohort_predict(const sp::ReferenceTables& tables,
                                            const CohortRunOptions& opt) {
  if (opt.decimals < 0 || opt.decimals > 15)
    return make_error("bad_option", "--decimals must be 0 to 15.");
  // The chunks' column arrays (≈ 200 kB each) are allocated and freed many times: keep them on
  // the heap instead of glibc's per-allocation mmap/munmap above 128 kB (a page fault per page
  // each time; that alone cost more than the computation).
  ::mallopt(M_MMAP_THRESHOLD, 256 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 512 << 20);
  InputFile input;
  if (auto o = input.open(opt.input_path); !o) return o.error();
  std::string_view all = input.text();
  if (all.starts_with("\xEF\xBB\xBF")) all.remove_prefix(3);  // UTF-8 byte order mark
  const std::size_t eoh = all.find('\n');
  std::string_view header = all.substr(0, eoh);
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  if (trim(header).empty())
    return make_errorf("bad_header",
                       "{} is empty: the first line must name the columns (sex, age, height, …).",
                       opt.input_path);
  // The equation's parameters (the output columns): one reference subject.
  CohortRunSummary summary;
  sp::CohortPrediction shape;
  {
    sp::CohortColumns one;
    one.resize(1);
    one.age_years[0] = 40.0;
    one.height_cm[0] = 170.0;
    std::vector<sp::SubjectProblem> pr;
    std::size_t n = 0;
    auto s = sp::predict_cohort(tables, opt.equation, one, pr, n, 1);
    if (!s) return s.error();
    shape = std::move(*s);
  }
  auto layout = parse_header(header, opt.input_path, opt.equation, shape, summary.warnings);
  if (!layout) return layout.error();

  std::string head(header);
  for (const auto& col : shape.params) {
    const std::string p = sp::param_id(col.param);
    for (const char* suffix : {"_pred", "_lln", "_uln"})
      summary.added_columns.push_back(p + suffix);
    if (std::find(layout->measured.begin(), layout->measured.end(), col.param) !=
        layout->measured.end())
      for (const char* suffix : {"_z", "_pctpred"}) summary.added_columns.push_back(p + suffix);
  }
  for (const auto& c : summary.added_columns) head += "," + c;
  head += "\n";

  // Chunks of whole lines.
  const std::string_view body =
      eoh == std::string_view::npos ? std::string_view{} : all.substr(eoh + 1);
  std::vector<std::unique_ptr<Chunk>> chunks;
  for (std::size_t pos = 0; pos < body.size();) {
    std::size_t end = std::min(body.size(), pos + kChunkBytes);
    if (end < body.size()) {
      const std::size_t nl = body.find('\n', end);
      end = nl == std::string_view::npos ? body.size() : nl + 1;
    }
    auto ch = std::make_unique<Chunk>();
    ch->text = body.substr(pos, end - pos);
    chunks.push_back(std::move(ch));
    pos = end;
  }

  // Temporary file beside the output, renamed into place when everything was good.
  namespace fs = std::filesystem;
  const fs::path out_path(opt.output_path);
  const fs::path dir = out_path.has_parent_path() ? out_path.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + out_path.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0)
    return make_errorf("output_failed",
                       "Cannot create a file in {} ({}): check the --output path and its folder.",
                       dir.string(), std::strerror(errno));
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  auto give_up = [&](Error e) -> Error {
    ::close(fd);
    ::unlink(tmpl.c_str());
    return e;
  };
  if (auto w = write_all(fd, head, opt.output_path); !w) return give_up(w.error());

  Shared sh{tables, opt, *layout};
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  std::condition_variable cv;
  unsigned nthreads = opt.threads != 0 ? opt.threads : std::thread::hardware_concurrency();
  nthreads = std::max(1u, std::min<unsigned>(nthreads, static_cast<unsigned>(chunks.size())));
  std::size_t written = 0;  // chunks the writer is done with (guarded by mu)
  const std::size_t in_flight = 2 * std::size_t{nthreads} + 2;
  std::vector<std::thread> workers;
  for (unsigned k = 0; k < nthreads && !chunks.empty(); ++k)
    workers.emplace_back([&] {
      Scratch sc;
      while (true) {
        const std::size_t i = next++;
        if (i >= chunks.size()) return;
        {  // Bounded memory: at most in_flight chunks ahead of the writer.
          std::unique_lock lock(mu);
          cv.wait(lock, [&] { return i < written + in_flight; });
        }
        process_chunk(sh, *chunks[i], sc);
        {
          std::lock_guard lock(mu);
          chunks[i]->state = 1;
        }
        cv.notify_all();
      }
    });
  // The calling thread writes finished chunks in order.
  std::optional<Error> write_error;
  std::size_t rows = 0, bytes = 0;
  for (auto& ch : chunks) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return ch->state.load() == 1; });
    }
    rows += ch->rows;
    bytes += ch->text.size();
    if (!sh.failed && !write_error) {
      if (auto w = write_all(fd, {ch->out.get(), ch->out_size}, opt.output_path); !w)
        write_error = w.error();
      if (opt.progress)
        opt.progress(rows, body.empty() ? 1.0 : static_cast<double>(bytes) / body.size());
    }
    ch->out.reset();
    {
      std::lock_guard lock(mu);
      ++written;
    }
    cv.notify_all();
  }
  for (auto& t : workers) t.join();

  if (sh.failed) {
    std::vector<Problem> listed;
    std::size_t total = 0, line_base = 2;  // line 1 is the header
    std::optional<Error> table_error;
    for (auto& ch : chunks) {
      total += ch->problem_count;
      for (auto p : ch->problems) {
        if (p.column < 0) table_error = p.text;
        p.line += line_base;
        listed.push_back(std::move(p));
      }
      line_base += ch->lines;
    }
    if (table_error) return give_up(with_code(*table_error, "missing_table"));
    std::sort(listed.begin(), listed.end(),
              [](const Problem& a, const Problem& b) { return a.line < b.line; });
    if (listed.size() > kMaxListed) listed.resize(kMaxListed);
    // The list is a chain of nested templates, so that every line is translated where shown.
    Error msg =
        total == 1 ? make_errorf("",
                                 "{}: 1 row has a problem; the whole file is refused and "
                                 "nothing was written",
                                 opt.input_path)
        : total > listed.size()
            ? make_errorf("",
                          "{}: {} rows have a problem; the whole file is refused and nothing was "
                          "written (the first {} are listed)",
                          opt.input_path, total, listed.size())
            : make_errorf("",
                          "{}: {} rows have a problem; the whole file is refused and nothing was "
                          "written",
                          opt.input_path, total);
    msg = make_errorf("", "{}:", msg);
    for (const auto& p : listed) {
      if (p.column > 0)
        msg = make_errorf("", "{}\n  line {}, column {} ({}): {}", msg, p.line, p.column,
                          layout->names[static_cast<std::size_t>(p.column - 1)], p.text);
      else
        msg = make_errorf("", "{}\n  line {}: {}", msg, p.line, p.text);
    }
    return give_up(make_errorf("bad_rows", "{}\nCorrect or remove these rows and run again.", msg));
  }
  if (write_error) return give_up(*write_error);
  if (::close(fd) != 0) {
    ::unlink(tmpl.c_str());
    return make_errorf("output_failed", "Cannot write {}: {}.", opt.output_path,
                       std::strerror(errno));
  }
  if (::rename(tmpl.c_str(), opt.output_path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmpl.c_str());
    return make_errorf("output_failed", "Cannot create {}: {}. Nothing was written.",
                       opt.output_path, std::strerror(e));
  }
  summary.rows = rows;
  return summary;
}

}  // namespace odyo::station
