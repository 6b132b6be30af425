// The statistics page (#/statistics; physician and admin): the report of `odyospiro report stats`
// for this station (GET /api/statistics), its chart drawn by the station (GET
// /api/statistics/chart.svg) and its CSV (GET /api/statistics.csv). Uses app.js's t(), $(), el(),
// api(), say(), show(), fillSelect(), options() and rows(); values are put in as text.
"use strict";

window.odyoStatistics = (() => {
  let hooked = false;

  function query() {
    const q = new URLSearchParams();
    if ($("statistics-from").value) q.set("from", $("statistics-from").value.trim());
    if ($("statistics-to").value) q.set("to", $("statistics-to").value.trim());
    if ($("statistics-establishment").value) q.set("establishment", $("statistics-establishment").value);
    if ($("statistics-group").value) q.set("work_group", $("statistics-group").value);
    return q.toString();
  }

  function share(p) {
    if (!p.measured) return "-";
    let s = p.cases + "/" + p.measured + " " + p.pct.toFixed(1) + "%";
    if (typeof p.change_pp === "number") s += " (" + (p.change_pp >= 0 ? "+" : "") + p.change_pp.toFixed(1) + ")";
    return s;
  }

  function columns(c) {
    if (!c.A.measured) return "-";
    return c.A.cases + "/" + c.B.cases + "/" + c.C.cases + "/" + c.D.cases + " " + t("of") + " " + c.A.measured;
  }

  async function load(ev) {
    if (ev) ev.preventDefault();
    const q = query();
    let r;
    try {
      r = await api("GET", "/api/statistics" + (q ? "?" + q : ""));
    } catch (e) {
      say(e.message, true);
      return;
    }
    say("");
    $("statistics-from").value = r.query.from_year;
    $("statistics-to").value = r.query.to_year;
    const line = (c, site) => [String(c.year), site, c.work_group === null ? "-" : String(c.work_group), String(c.workers), String(c.exams),
      share(c.obstruction), share(c.restriction), share(c.sts), columns(c.ek2_hearing), columns(c.ek2_lung)];
    rows("statistics-table", r.cells.concat(r.totals), (c) => line(c, c.establishment === null ? t("all") : c.establishment));
    const shown = query();
    $("statistics-chart").src = "/api/statistics/chart.svg?" + shown;
    $("statistics-chart").alt = t("Prevalence per year");
    $("statistics-csv").href = "/api/statistics.csv?" + shown;
    document.body.dataset.statistics = String(r.cells.length);
  }

  async function showPage() {
    show("statistics");
    if (!hooked) {
      $("statistics-filter").addEventListener("submit", load);
      hooked = true;
    }
    const o = await options();
    fillSelect($("statistics-establishment"), o.establishments.map((e) => [e, e]), t("any"));
    fillSelect($("statistics-group"), [1, 2, 3, 4, 5].map((g) => [String(g), String(g)]), t("any"));
    await load();
  }

  return { show: showPage };
})();
