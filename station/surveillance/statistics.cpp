#include "station/surveillance/statistics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "station/core/i18n.hpp"
#include "station/core/json_values.hpp"
#include "station/core/person_input.hpp"
#include "station/records/job_history.hpp"
#include "station/storage/database.hpp"

namespace odyo::station::surveillance {
using nlohmann::json;

namespace {

int year_of(const std::string& day) {
  if (day.size() < 4) return 0;
  int y = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = day[static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return 0;
    y = y * 10 + (c - '0');
  }
  return y;
}

int column_index(char c) {
  return c >= 'A' && c <= 'D' ? c - 'A' : -1;
}

using CellKey = std::tuple<int, std::string, int>;  // year, establishment, work group

struct Accum {
  std::unordered_set<std::int64_t> workers;
  std::int64_t exams = 0;
  Prevalence obstruction, restriction, sts;
  std::array<Prevalence, 4> hearing, lung;
  std::int64_t hearing_measured = 0, lung_measured = 0;
};

// The fact a measure takes for a worker and year: the latest (day, order) that gives it.
class Latest {
 public:
  void offer(std::int64_t worker, int year, std::size_t index, const std::vector<ExamFacts>& f) {
    const std::uint64_t key =
        (static_cast<std::uint64_t>(worker) << 12) ^ static_cast<std::uint64_t>(year & 0xfff);
    auto [it, fresh] = best_.try_emplace(key, index);
    if (fresh) return;
    const auto& now = f[it->second];
    const auto& cand = f[index];
    if (std::tie(cand.day, cand.order) > std::tie(now.day, now.order)) it->second = index;
  }
  template <typename Fn>
  void each(Fn fn) const {
    for (const auto& [k, i] : best_) fn(i);
  }

 private:
  std::unordered_map<std::uint64_t, std::size_t> best_;
};

void finish(Prevalence& p) {
  p.pct = p.measured > 0 ? std::optional<double>(100.0 * static_cast<double>(p.cases) /
                                                 static_cast<double>(p.measured))
                         : std::nullopt;
}

void change(Prevalence& now, const Prevalence& before) {
  if (now.pct && before.pct) now.change_pp = *now.pct - *before.pct;
}

void change_cell(StatisticsCell& c, const StatisticsCell& before) {
  change(c.obstruction, before.obstruction);
  change(c.restriction, before.restriction);
  change(c.sts, before.sts);
  for (std::size_t i = 0; i < 4; ++i) {
    change(c.ek2_hearing[i], before.ek2_hearing[i]);
    change(c.ek2_lung[i], before.ek2_lung[i]);
  }
}

std::vector<StatisticsCell> cells_of(std::map<CellKey, Accum>& acc) {
  std::vector<StatisticsCell> out;
  for (auto& [key, a] : acc) {
    StatisticsCell c;
    std::tie(c.year, c.establishment, c.work_group) = key;
    c.workers = static_cast<std::int64_t>(a.workers.size());
    c.exams = a.exams;
    c.obstruction = a.obstruction;
    c.restriction = a.restriction;
    c.sts = a.sts;
    c.ek2_hearing = a.hearing;
    c.ek2_lung = a.lung;
    for (auto& p : c.ek2_hearing) p.measured = a.hearing_measured;
    for (auto& p : c.ek2_lung) p.measured = a.lung_measured;
    for (auto* p : {&c.obstruction, &c.restriction, &c.sts}) finish(*p);
    for (auto& p : c.ek2_hearing) finish(p);
    for (auto& p : c.ek2_lung) finish(p);
    out.push_back(std::move(c));
  }
  return out;
}

json prevalence_json(const Prevalence& p) {
  return {{"cases", p.cases},
          {"measured", p.measured},
          {"pct", json_or_null(p.pct)},
          {"change_pp", json_or_null(p.change_pp)}};
}

json columns_json(const std::array<Prevalence, 4>& a) {
  json j = json::object();
  for (std::size_t i = 0; i < 4; ++i) j[std::string(1, kColumns[i])] = prevalence_json(a[i]);
  return j;
}

json cell_json(const StatisticsCell& c) {
  return {{"year", c.year},
          {"establishment", c.establishment.empty() ? json(nullptr) : json(c.establishment)},
          {"work_group", c.work_group == 0 ? json(nullptr) : json(c.work_group)},
          {"workers", c.workers},
          {"exams", c.exams},
          {"obstruction", prevalence_json(c.obstruction)},
          {"restriction", prevalence_json(c.restriction)},
          {"sts", prevalence_json(c.sts)},
          {"ek2_hearing", columns_json(c.ek2_hearing)},
          {"ek2_lung", columns_json(c.ek2_lung)}};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string pct_text(const std::optional<double>& v) {
  return v ? fmt::format("{:.2f}", *v) : std::string();
}

// The job periods of every worker, for the job in force on an exam's day.
class Jobs {
 public:
  static Result<Jobs> load(Database& db) {
    auto all = all_job_history(db);
    if (!all) return all.error();
    Jobs j;
    for (auto& p : *all) j.by_worker_[p.worker_id].push_back(std::move(p));
    return j;
  }
  // The period in force on `day`; before the first one, the first (the registered job).
  [[nodiscard]] const JobPeriod* on(std::int64_t worker, const std::string& day) const {
    auto it = by_worker_.find(worker);
    if (it == by_worker_.end() || it->second.empty()) return nullptr;
    const JobPeriod* found = &it->second.front();
    for (const auto& p : it->second)
      if (p.effective_from <= day) found = &p;
    return found;
  }

 private:
  std::unordered_map<std::int64_t, std::vector<JobPeriod>> by_worker_;
};

}  // namespace

Result<void> check_statistics_query(const StatisticsQuery& q) {
  for (int y : {q.from_year, q.to_year}) {
    if (y < 1900 || y > 2200)
      return make_errorf("stats_invalid", "year {} is not a year of the statistics (1900-2200)", y);
  }
  if (q.from_year > q.to_year)
    return make_errorf("stats_invalid", "--from {} is after --to {}", q.from_year, q.to_year);
  if (q.work_group < 0 || q.work_group > 5)
    return make_errorf("stats_invalid", "work group {} does not exist (1-5)", q.work_group);
  return {};
}

Result<StatisticsQuery> parse_statistics_query(const StatisticsArgs& a,
                                               const std::vector<std::string>& establishments,
                                               int this_year) {
  const auto year = [](const std::string& text, const char* option) -> Result<int> {
    if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string::npos)
      return make_errorf("stats_invalid", "{} \"{}\": a year, such as 2025", option, text);
    return std::stoi(text);
  };
  StatisticsQuery q;
  if (!a.year.empty()) {
    if (!a.from.empty() || !a.to.empty())
      return make_error("stats_invalid", "give either --year or --from and --to, not both");
    auto y = year(a.year, "--year");
    if (!y) return y.error();
    q.from_year = q.to_year = *y;
  } else {
    auto to = a.to.empty() ? Result<int>(this_year) : year(a.to, "--to");
    if (!to) return to.error();
    auto from = a.from.empty() ? Result<int>(*to - 4) : year(a.from, "--from");
    if (!from) return from.error();
    q.from_year = *from;
    q.to_year = *to;
  }
  if (!a.establishment.empty()) {
    auto e = match_turkish(a.establishment, establishments);
    if (!e) {
      std::string allowed;
      for (const auto& x : establishments) allowed += (allowed.empty() ? "" : ", ") + x;
      return make_errorf("stats_invalid", "establishment \"{}\" is unknown; allowed: {}",
                         a.establishment, allowed);
    }
    q.establishment = *e;
  }
  if (!a.work_group.empty()) {
    if (a.work_group.size() > 1 || a.work_group[0] < '0' || a.work_group[0] > '9')
      return make_errorf("stats_invalid", "work group {} does not exist (1-5)", a.work_group);
    q.work_group = a.work_group[0] - '0';
    if (q.work_group == 0)
      return make_errorf("stats_invalid", "work group {} does not exist (1-5)", a.work_group);
  }
  if (auto c = check_statistics_query(q); !c) return c.error();
  return q;
}

StatisticsReport aggregate_statistics(const std::vector<ExamFacts>& facts,
                                      const StatisticsQuery& q) {
  StatisticsReport report;
  report.query = q;
  const int first = q.from_year - 1;  // read for the first year's change
  std::map<CellKey, Accum> cells, totals;
  Latest pattern, shift, hearing, lung;
  for (std::size_t i = 0; i < facts.size(); ++i) {
    const auto& f = facts[i];
    const int year = year_of(f.day);
    if (year < first || year > q.to_year) continue;
    if (!q.establishment.empty() && f.establishment != q.establishment) continue;
    if (q.work_group != 0 && f.work_group != q.work_group) continue;
    for (auto* acc : {&cells[{year, f.establishment, f.work_group}], &totals[{year, "", 0}]}) {
      acc->workers.insert(f.worker);
      ++acc->exams;
    }
    if (f.spirometry && (f.obstruction || f.restriction)) pattern.offer(f.worker, year, i, facts);
    if (!f.spirometry && f.sts) shift.offer(f.worker, year, i, facts);
    if (column_index(f.ek2_hearing) >= 0) hearing.offer(f.worker, year, i, facts);
    if (column_index(f.ek2_lung) >= 0) lung.offer(f.worker, year, i, facts);
  }
  const auto both = [&](const ExamFacts& f, auto fn) {
    const int year = year_of(f.day);
    fn(cells[{year, f.establishment, f.work_group}]);
    fn(totals[{year, "", 0}]);
  };
  pattern.each([&](std::size_t i) {
    const auto& f = facts[i];
    both(f, [&](Accum& a) {
      if (f.obstruction) {
        ++a.obstruction.measured;
        a.obstruction.cases += *f.obstruction ? 1 : 0;
      }
      if (f.restriction) {
        ++a.restriction.measured;
        a.restriction.cases += *f.restriction ? 1 : 0;
      }
    });
  });
  shift.each([&](std::size_t i) {
    const auto& f = facts[i];
    both(f, [&](Accum& a) {
      ++a.sts.measured;
      a.sts.cases += *f.sts ? 1 : 0;
    });
  });
  hearing.each([&](std::size_t i) {
    const auto& f = facts[i];
    both(f, [&](Accum& a) {
      ++a.hearing_measured;
      ++a.hearing[static_cast<std::size_t>(column_index(f.ek2_hearing))].cases;
    });
  });
  lung.each([&](std::size_t i) {
    const auto& f = facts[i];
    both(f, [&](Accum& a) {
      ++a.lung_measured;
      ++a.lung[static_cast<std::size_t>(column_index(f.ek2_lung))].cases;
    });
  });

  const auto keep = [&](std::vector<StatisticsCell> all) {
    std::map<CellKey, const StatisticsCell*> by_key;
    for (const auto& c : all) by_key[{c.year, c.establishment, c.work_group}] = &c;
    std::vector<StatisticsCell> out;
    for (auto c : all) {
      if (c.year < q.from_year) continue;
      if (auto it = by_key.find({c.year - 1, c.establishment, c.work_group}); it != by_key.end())
        change_cell(c, *it->second);
      out.push_back(std::move(c));
    }
    return out;
  };
  report.cells = keep(cells_of(cells));
  report.totals = keep(cells_of(totals));
  return report;
}

Result<StatisticsReport> station_statistics(
    Database& db, const StatisticsQuery& q,
    const std::function<void(std::int64_t, std::int64_t)>& progress) {
  if (auto c = check_statistics_query(q); !c) return c.error();
  auto jobs = Jobs::load(db);
  if (!jobs) return jobs.error();
  const std::string from = fmt::format("{:04d}-01-01", q.from_year - 1);
  const std::string to = fmt::format("{:04d}-12-31~", q.to_year);
  std::int64_t total = 0;
  if (progress) {
    auto n = db.prepare("SELECT count(*) FROM stat_exams WHERE day BETWEEN ? AND ?");
    if (!n) return n.error();
    n->bind(1, from).bind(2, to);
    if (auto r = n->step(); !r) return r.error();
    total = n->int64(0);
  }
  auto st = db.prepare(
      "SELECT s.exam_id, s.worker_id, s.kind, s.day, s.obstruction, s.restriction, s.sts, "
      "d.hearing, d.lung FROM stat_exams s LEFT JOIN stat_decisions d ON d.exam_id = s.exam_id "
      "WHERE s.day BETWEEN ? AND ?");
  if (!st) return st.error();
  st->bind(1, from).bind(2, to);
  std::vector<ExamFacts> facts;
  std::int64_t read = 0;
  const auto flag = [&](int col) -> std::optional<bool> {
    if (st->is_null(col)) return std::nullopt;
    return st->int64(col) != 0;
  };
  const auto column = [&](int col) -> char {
    const auto v = st->raw_bytes(col);
    return v.size() == 1 && column_index(v[0]) >= 0 ? v[0] : 0;
  };
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    ++read;
    if (progress && read % 100000 == 0) progress(read, total);
    ExamFacts f;
    f.order = st->int64(0);
    f.worker = st->int64(1);
    f.spirometry = st->raw_bytes(2) == "spirometry";
    f.day = std::string(st->raw_bytes(3));
    const JobPeriod* job = jobs->on(f.worker, f.day);
    if (job == nullptr) continue;  // a worker without a job row: not possible after v10
    if (!q.establishment.empty() && job->establishment != q.establishment) continue;
    if (q.work_group != 0 && job->work_group != q.work_group) continue;
    f.establishment = job->establishment;
    f.work_group = job->work_group;
    f.obstruction = flag(4);
    f.restriction = flag(5);
    f.sts = flag(6);
    f.ek2_hearing = column(7);
    f.ek2_lung = column(8);
    facts.push_back(std::move(f));
  }
  if (progress) progress(read, total);
  auto report = aggregate_statistics(facts, q);
  report.source = "station";
  report.exams_read = read;
  return report;
}

Result<nlohmann::ordered_json> central_statistics_block(Database& db, std::int64_t exam_id) {
  auto st = db.prepare(
      "SELECT s.worker_id, s.day, s.obstruction, s.restriction, s.sts, d.hearing, d.lung "
      "FROM stat_exams s LEFT JOIN stat_decisions d ON d.exam_id = s.exam_id "
      "WHERE s.exam_id = ?");
  if (!st) return st.error();
  st->bind(1, exam_id);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r)
    return make_errorf("stats_missing", "exam {} has no signed result for the statistics", exam_id);
  const auto worker = st->int64(0);
  const std::string day = st->text(1);
  const auto flag = [&](int col) {
    return st->is_null(col) ? nlohmann::ordered_json(nullptr)
                            : nlohmann::ordered_json(st->int64(col) != 0);
  };
  const auto text = [&](int col) {
    return st->is_null(col) ? nlohmann::ordered_json(nullptr)
                            : nlohmann::ordered_json(st->text(col));
  };
  nlohmann::ordered_json j{{"day", day},
                           {"establishment", nullptr},
                           {"work_group", nullptr},
                           {"obstruction", flag(2)},
                           {"restriction", flag(3)},
                           {"sts", flag(4)},
                           {"ek2_hearing", text(5)},
                           {"ek2_lung", text(6)}};
  auto history = job_history(db, worker);
  if (!history) return history.error();
  if (!history->empty()) {
    const JobPeriod* found = &history->front();
    for (const auto& p : *history)
      if (p.effective_from <= day) found = &p;
    j["establishment"] = found->establishment;
    j["work_group"] = found->work_group;
  }
  return j;
}

json statistics_json(const StatisticsReport& r) {
  json cells = json::array(), totals = json::array();
  for (const auto& c : r.cells) cells.push_back(cell_json(c));
  for (const auto& c : r.totals) totals.push_back(cell_json(c));
  return {{"source", r.source},
          {"query",
           {{"from_year", r.query.from_year},
            {"to_year", r.query.to_year},
            {"establishment",
             r.query.establishment.empty() ? json(nullptr) : json(r.query.establishment)},
            {"work_group", r.query.work_group == 0 ? json(nullptr) : json(r.query.work_group)}}},
          {"exams_read", r.exams_read},
          {"cells", cells},
          {"totals", totals}};
}

std::string statistics_csv(const StatisticsReport& r, const i18n::Catalog& catalog) {
  std::vector<std::string> head{catalog.tr("year"), catalog.tr("establishment"),
                                catalog.tr("work group"), catalog.tr("workers"),
                                catalog.tr("exams")};
  std::vector<std::string> measures{catalog.tr("obstruction"), catalog.tr("restriction"),
                                    catalog.tr("STS")};
  for (char c : kColumns) measures.push_back(catalog.trf("Ek-2 hearing {}", std::string(1, c)));
  for (char c : kColumns) measures.push_back(catalog.trf("Ek-2 lung {}", std::string(1, c)));
  for (const auto& m : measures) {
    head.push_back(catalog.trf("{} cases", m));
    head.push_back(catalog.trf("{} measured", m));
    head.push_back(catalog.trf("{} %", m));
    head.push_back(catalog.trf("{} change (pp)", m));
  }
  std::string out;
  const auto line = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += "\r\n";
  };
  line(head);
  const auto row = [&](const StatisticsCell& c, const std::string& establishment) {
    std::vector<std::string> f{std::to_string(c.year), establishment,
                               c.work_group == 0 ? std::string() : std::to_string(c.work_group),
                               std::to_string(c.workers), std::to_string(c.exams)};
    std::vector<const Prevalence*> ps{&c.obstruction, &c.restriction, &c.sts};
    for (const auto& p : c.ek2_hearing) ps.push_back(&p);
    for (const auto& p : c.ek2_lung) ps.push_back(&p);
    for (const auto* p : ps) {
      f.push_back(std::to_string(p->cases));
      f.push_back(std::to_string(p->measured));
      f.push_back(pct_text(p->pct));
      f.push_back(pct_text(p->change_pp));
    }
    line(f);
  };
  for (const auto& c : r.cells) row(c, c.establishment);
  for (const auto& c : r.totals) row(c, catalog.tr("all"));
  return out;
}

}  // namespace odyo::station::surveillance
