#include "station/web/routes_statistics.hpp"

#include "station/charts/statistics_chart.hpp"
#include "station/config/config.hpp"
#include "station/core/i18n.hpp"
#include "station/records/workers.hpp"
#include "station/surveillance/statistics.hpp"

namespace odyo::station::web {

namespace {

namespace sv = surveillance;

Reply refusal(const Error& e) {
  Reply r;
  r.status = 400;
  r.body = nlohmann::json{{"error", {{"code", e.code}, {"message", e.message}}}};
  r.error = e;
  return r;
}

std::string query_value(const Call& c, const char* key) {
  auto it = c.query.find(key);
  return it == c.query.end() ? std::string() : it->second;
}

// The report the page asked for (the form's fields as the command line's options).
Result<sv::StatisticsReport> report_for(WebApp& app, const Call& c) {
  const sv::StatisticsArgs args{query_value(c, "year"), query_value(c, "from"),
                                query_value(c, "to"), query_value(c, "establishment"),
                                query_value(c, "work_group")};
  auto q = sv::parse_statistics_query(args, app.config().establishments,
                                      std::stoi(today_iso().substr(0, 4)));
  if (!q) return q.error();
  return sv::station_statistics(app.db(), *q);
}

Reply json_route(WebApp& app, const Call& c) {
  auto r = report_for(app, c);
  if (!r) return refusal(r.error());
  return Reply{200, sv::statistics_json(*r), {}};
}

Reply csv_route(WebApp& app, const Call& c) {
  auto r = report_for(app, c);
  if (!r) return refusal(r.error());
  Reply out;
  out.content_type = "text/csv; charset=utf-8";
  out.raw_body = "\xEF\xBB\xBF" + sv::statistics_csv(*r, i18n::catalog(c.session->language));
  return out;
}

// Obstruction, restriction and STS of the totals (the whole query) per year.
Reply chart_route(WebApp& app, const Call& c) {
  auto r = report_for(app, c);
  if (!r) return refusal(r.error());
  const auto& lang = i18n::catalog(c.session->language);
  charts::ChartText text;
  text.turkish = lang.turkish();
  std::string scope =
      r->query.establishment.empty() ? lang.tr("every establishment") : r->query.establishment;
  if (r->query.work_group != 0) scope += " · " + lang.trf("work group {}", r->query.work_group);
  text.subtitle = scope;
  std::vector<charts::PrevalenceSeries> series = {
      {"obstruction", lang.tr("obstruction"), "#b03030", {}},
      {"restriction", lang.tr("restriction"), "#2f5fb0", {}},
      {"sts", lang.tr("STS"), "#2f8f3f", {}}};
  for (int year = r->query.from_year; year <= r->query.to_year; ++year) {
    const sv::StatisticsCell* cell = nullptr;
    for (const auto& t : r->totals)
      if (t.year == year) cell = &t;
    series[0].points.emplace_back(year, cell ? cell->obstruction.pct : std::nullopt);
    series[1].points.emplace_back(year, cell ? cell->restriction.pct : std::nullopt);
    series[2].points.emplace_back(year, cell ? cell->sts.pct : std::nullopt);
  }
  Reply out;
  out.content_type = "image/svg+xml; charset=utf-8";
  out.raw_body = charts::prevalence_svg(lang.tr("Prevalence per year"), series, text);
  return out;
}

}  // namespace

std::vector<Route> statistics_routes() {
  const std::vector<std::string> who = {"physician", "admin"};
  return {
      {"GET", "/api/statistics", who, "see the statistics", json_route},
      {"GET", "/api/statistics.csv", who, "see the statistics", csv_route},
      {"GET", "/api/statistics/chart.svg", who, "see the statistics", chart_route},
  };
}

}  // namespace odyo::station::web
