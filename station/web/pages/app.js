// odyospiro's web pages: one page, its parts shown by the address (#/login, #/worklist,
// #/exam/<id>, #/workers, #/worker/<registry>, #/outbox, #/checks: checks.js). Every text comes from the station's
// catalogues through /api/texts (the HTML names its texts with data-t, this script with t(msgid)); values from the server are
// put in as text, never as HTML. No other script, no CDN: the pages work offline.
"use strict";

const state = { me: null, csrf: "", texts: {}, options: null };

function t(msgid) {
  return Object.prototype.hasOwnProperty.call(state.texts, msgid) ? state.texts[msgid] : msgid;
}

function $(id) {
  return document.getElementById(id);
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") {
    headers["Content-Type"] = "application/json";
    headers["X-CSRF-Token"] = state.csrf;
  }
  const res = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (!res.ok) {
    const msg = data && data.error ? data.error.message : String(res.status);
    const err = new Error(msg);
    err.status = res.status;
    throw err;
  }
  return data;
}

function say(text, bad) {
  const m = $("message");
  m.textContent = text;
  m.className = text ? (bad ? "bad" : "good") : "";
  m.hidden = !text;
}

async function loadTexts(language) {
  const q = language ? "?lang=" + encodeURIComponent(language) : "";
  const data = await api("GET", "/api/texts" + q);
  state.texts = data.texts;
  document.documentElement.lang = data.language;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  return data.language;
}

function show(page) {
  for (const s of document.querySelectorAll("main > section")) s.hidden = s.id !== "page-" + page;
  $("bar").hidden = page === "login";
}

function kindName(kind) {
  if (kind === "chest_film") return t("chest film");
  return t(kind === "spirometry" || kind === "audiometry" ? kind : "other");
}

function decisionName(kind) {
  const names = { auto: "automatic", confirm: "confirmed", override: "overridden", reevaluation: "re-evaluated" };
  return t(names[kind] || "other");
}

// A stored time (UTC, ISO 8601) in the clinic's own clock (the browser's time zone), as
// YYYY-MM-DD HH:MM; a date alone stays as it is.
function when(iso) {
  if (!iso) return "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const d = new Date(iso);
  if (isNaN(d.getTime())) return iso.slice(0, 16).replace("T", " ");
  const p = (n) => String(n).padStart(2, "0");
  return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes());
}

function num(v, digits) {
  return typeof v === "number" && isFinite(v) ? v.toFixed(digits) : "";
}

function fillSelect(select, items, anyText) {
  select.replaceChildren();
  if (anyText) select.append(new Option(anyText, ""));
  for (const [value, label] of items) select.append(new Option(label, value));
}

async function options() {
  if (!state.options) state.options = await api("GET", "/api/options");
  return state.options;
}

// ---- login ------------------------------------------------------------------------------------

async function logIn(ev) {
  ev.preventDefault();
  try {
    const data = await api("POST", "/api/login", {
      username: $("login-user").value,
      password: $("login-password").value,
      language: $("login-language").value,
    });
    $("login-password").value = "";
    await start(data);
  } catch (e) {
    say(e.message, true);
  }
}

async function start(me) {
  state.me = me;
  state.csrf = me.csrf_token;
  state.options = null;
  await loadTexts(me.language);
  $("who").textContent = me.full_name + " (" + t(me.role) + ")";
  $("nav-worklist").hidden = me.role !== "physician";
  $("nav-live").hidden = me.role !== "technician";
  $("nav-live-audio").hidden = me.role !== "technician";
  $("nav-outbox").hidden = me.role !== "admin";
  $("nav-statistics").hidden = me.role === "technician";
  $("nav-flags").hidden = me.role !== "physician";
  say("");
  const want = location.hash && location.hash !== "#/login" ? location.hash : me.role === "physician" ? "#/worklist" : "#/workers";
  if (location.hash === want) route();
  else location.hash = want;
}

async function logOut() {
  try {
    await api("POST", "/api/logout", {});
  } catch (e) {
    /* the session has ended anyway */
  }
  state.me = null;
  state.csrf = "";
  location.hash = "#/login";
}

// ---- worklist ---------------------------------------------------------------------------------

async function showWorklist() {
  show("worklist");
  const o = await options();
  const chosen = $("filter-establishment").value;
  fillSelect($("filter-establishment"), o.establishments.map((e) => [e, e]), t("any"));
  $("filter-establishment").value = chosen;
  await loadWorklist();
}

async function loadWorklist(ev) {
  if (ev) ev.preventDefault();
  const q = new URLSearchParams();
  if ($("filter-establishment").value) q.set("establishment", $("filter-establishment").value);
  if ($("filter-date").value) q.set("date", $("filter-date").value);
  if ($("filter-kind").value) q.set("kind", $("filter-kind").value);
  if ($("filter-interrupted").value) q.set("interrupted", $("filter-interrupted").value);
  try {
    const data = await api("GET", "/api/worklist?" + q.toString());
    const body = $("worklist").querySelector("tbody");
    body.replaceChildren();
    for (const row of data.exams) {
      const tr = el("tr");
      const link = el("a", "#" + row.id);
      link.href = "#/exam/" + row.id;
      const first = el("td");
      first.append(link);
      tr.append(first, el("td", when(row.started_at)), el("td", kindName(row.kind)));
      tr.append(el("td", row.worker.registry_no + " " + row.worker.name), el("td", row.worker.establishment));
      tr.append(el("td", row.decision ? decisionName(row.decision.kind) + " — " + (row.decision.health_group || "?") : t("not evaluated")));
      tr.append(el("td", row.interrupted ? t("yes") : t("no")));
      body.append(tr);
    }
    $("worklist-empty").hidden = data.exams.length > 0;
    $("worklist").dataset.query = q.toString();  // what the table shows (for the tests)
  } catch (e) {
    say(e.message, true);
  }
}

// ---- exam -------------------------------------------------------------------------------------

const kSpiroParams = ["FEV1", "FVC", "FEV1FVC", "FEF2575", "PEF"];

async function showExam(id) {
  show("exam");
  say(state.flash || "");
  state.flash = "";
  let exam;
  try {
    exam = await api("GET", "/api/exams/" + id + "/record");
  } catch (e) {
    say(e.message, true);
    return;
  }
  state.exam = exam;
  const lang = document.documentElement.lang === "en" ? "en" : "tr";
  $("exam-title").textContent = t("Exam") + " #" + exam.id + " — " + kindName(exam.kind) + " — " + when(exam.started_at);
  $("exam-worker").textContent = t("Worker") + ": " + exam.worker.registry_no + " " + exam.worker.name + " · " + t("Technician") + ": " + exam.technician;

  const charts = $("exam-charts");
  charts.replaceChildren();
  const names = exam.kind === "audiometry" ? ["audiogram"] : exam.kind === "spirometry" ? ["flow-volume", "volume-time"] : [];
  const titles = { audiogram: "Audiogram", "flow-volume": "Flow-volume curve", "volume-time": "Volume-time curve" };
  for (const name of names) {
    const fig = el("figure");
    const img = el("img");
    img.src = "/api/exams/" + exam.id + "/charts/" + name + ".svg";
    img.alt = t(titles[name]);
    img.id = "chart-" + name;
    fig.append(img, el("figcaption", t(titles[name])));
    charts.append(fig);
  }

  const latest = exam.results.length ? exam.results[exam.results.length - 1] : null;
  const payload = latest && latest.payload ? latest.payload : {};
  const summary = $("exam-summary");
  summary.replaceChildren();
  for (const line of (payload.summary && payload.summary[lang]) || []) summary.append(el("li", line));
  if (exam.interrupted) summary.append(el("li", t("Interrupted") + ": " + (exam.interrupted.reason || ""), "warn"));

  const values = $("exam-values");
  const vbody = values.querySelector("tbody");
  vbody.replaceChildren();
  const params = payload.reference && payload.reference.params ? payload.reference.params : null;
  values.hidden = !params;
  if (params) {
    for (const name of kSpiroParams) {
      const p = params[name];
      if (!p) continue;
      const unit = p.unit ? " " + p.unit : "";
      const tr = el("tr", null, p.below_lln ? "below" : "");
      tr.append(el("th", name), el("td", num(p.measured, 2) + unit), el("td", num(p.predicted, 2) + unit));
      tr.append(el("td", num(p.lln, 2) + unit), el("td", num(p.z, 2)), el("td", num(p.pctpred, 0)));
      tr.append(el("td", p.equation || payload.reference.equation || ""));
      vbody.append(tr);
    }
  }

  showEvaluation(exam, lang);
  // Who signed and when, in the clinic's clock (signed_by is the same as "user UTC-time" text).
  const signed = latest && latest.signatures && latest.signatures.length ? latest.signatures.map((g) => g.signer + " " + when(g.signed_at)) : [];
  $("exam-signed").textContent = latest ? (signed.length ? t("Signed by") + " " + signed.join(", ") : t("Not signed yet")) : "";
  $("physician-actions").hidden = !(state.me && state.me.role === "physician");
  $("confirm").disabled = !exam.latest_evaluation_id;
  $("override").disabled = !exam.latest_evaluation_id;
  $("sign").disabled = !latest || signed.length > 0;
}

function showEvaluation(exam, lang) {
  const d = exam.decision;
  $("exam-no-evaluation").hidden = !!d;
  $("exam-evaluation").hidden = !d;
  const body = $("trace").querySelector("tbody");
  body.replaceChildren();
  if (!d) return;
  const stored = d.result || {};
  const res = stored.result || {};
  $("decision-line").textContent =
    decisionName(d.kind) + " · " + t("Health group") + " " + (d.health_group || "?") + " · " + t("Ek-2 column") + " " +
    (d.ek2_column || "?") + " · " + t("Rules") + " " + d.rules_version + (d.reason ? " · " + t("Reason") + ": " + d.reason : "");
  $("decision-summary").textContent = res.summary ? res.summary[lang] || "" : "";
  const row = (clause, text, provisional, extra) => {
    const tr = el("tr");
    tr.append(el("td", clause), el("td", text));
    const st = el("td", provisional ? t("provisional rule") : t("final rule"), provisional ? "provisional" : "");
    if (extra) st.append(el("span", " " + extra));
    tr.append(st);
    body.append(tr);
  };
  for (const item of (res.ek1 && res.ek1.items) || [])
    row(item.citation, item.explanation ? item.explanation[lang] : "", !!item.provisional);
  for (const hit of (res.ek2 && res.ek2.rules) || [])
    row(hit.clause, hit.explanation ? hit.explanation[lang] : "", !!hit.provisional);
  for (const m of res.incomplete || []) row(m.clause || "", m.reason ? m.reason[lang] : "", false, t("incomplete"));
}

async function confirmDecision() {
  try {
    await api("POST", "/api/decisions/" + state.exam.latest_evaluation_id + "/confirm", {});
    await showExam(state.exam.id);
    say(t("The decision is confirmed."));
  } catch (e) {
    say(e.message, true);
  }
}

async function overrideDecision(ev) {
  ev.preventDefault();
  try {
    await api("POST", "/api/decisions/" + state.exam.latest_evaluation_id + "/override", {
      column: $("override-column").value,
      group: $("override-group").value,
      reason: $("override-reason").value,
    });
    $("override-reason").value = "";
    await showExam(state.exam.id);
    say(t("The decision is overridden."));
  } catch (e) {
    say(e.message, true);
  }
}

async function signResult(ev) {
  ev.preventDefault();
  const password = $("sign-password").value;
  $("sign-password").value = "";
  try {
    await api("POST", "/api/exams/" + state.exam.id + "/sign", { password });
    await showExam(state.exam.id);
    say(t("The result is signed."));
  } catch (e) {
    say(e.message, true);
  }
}

// ---- workers ----------------------------------------------------------------------------------

async function showWorkers() {
  show("workers");
  const may = state.me && (state.me.role === "technician" || state.me.role === "admin");
  $("register").hidden = !may;
  if (may) {
    const o = await options();
    const lang = document.documentElement.lang === "en" ? "en" : "tr";
    fillSelect($("reg-establishment"), o.establishments.map((e) => [e, e]));
    $("reg-establishment").value = o.establishment;
    fillSelect($("reg-job"), o.jobs.map((j) => [j.code, j.code + " — " + (lang === "en" ? j.title_en : j.title_tr)]));
  }
  await searchWorkers();
}

async function searchWorkers(ev) {
  if (ev) ev.preventDefault();
  try {
    const data = await api("GET", "/api/workers?q=" + encodeURIComponent($("search-q").value));
    const body = $("workers").querySelector("tbody");
    body.replaceChildren();
    for (const w of data.workers) {
      const tr = el("tr");
      const reg = el("td");
      const link = el("a", w.registry_no);
      link.href = "#/worker/" + encodeURIComponent(w.registry_no);
      reg.append(link);
      tr.append(reg, el("td", w.tc_kimlik), el("td", w.first_name + " " + w.last_name));
      tr.append(el("td", w.birth_date), el("td", w.establishment), el("td", w.job_code));
      body.append(tr);
    }
    $("workers-empty").hidden = data.workers.length > 0;
    $("workers").dataset.query = $("search-q").value;  // what the table shows (for the tests)
  } catch (e) {
    say(e.message, true);
  }
}

async function registerWorker(ev) {
  ev.preventDefault();
  try {
    const w = await api("POST", "/api/workers", {
      registry: $("reg-registry").value,
      tc: $("reg-tc").value,
      first_name: $("reg-first").value,
      last_name: $("reg-last").value,
      birth_date: $("reg-birth").value,
      sex: $("reg-sex").value,
      height_cm: $("reg-height").value,
      weight_kg: $("reg-weight").value,
      establishment: $("reg-establishment").value,
      job: $("reg-job").value,
    });
    $("register-form").reset();
    $("reg-establishment").value = (await options()).establishment;
    $("search-q").value = w.registry_no;
    await searchWorkers();
    say(t("Worker registered") + ": " + w.registry_no + " " + w.first_name + " " + w.last_name);
  } catch (e) {
    say(e.message, true);
  }
}

// ---- live spirometry --------------------------------------------------------------------------
// The session runs on the station (station/web/live): the page opens a WebSocket, asks for a
// worker's session, draws the blow as its samples arrive, and shows each blow's acceptability,
// the guidance and the grade. It also measures how late it draws: each samples message carries
// its samples' device times as epoch milliseconds of the station's clock (the same machine's
// clock as performance.timeOrigin + performance.now()), and the page notes, at the animation
// frame that drew them, how long after each sample that was.

const live = {
  ws: null,
  blows: [], // [{number, points: [[t, flow, volume], …]}]
  pending: [], // samples messages received, not drawn yet
  frame: 0,
  flow: null,
  latencies: [], // ms, device sample → drawn, one per sample
  server: [], // ms, device sample (the batch's first) → sent by the station
  browser: [], // ms, received → drawn
  wire: [], // ms, sent by the station → received by the page
  draw: [], // ms, one frame's drawing of both charts
  drawnBlows: 0, // blows when the charts were last drawn whole
  drawnPoints: 0, // points of the current blow drawn so far
  messages: 0,
  points: 0,
  done: false,
};
window.odyoLive = live; // read by the end-to-end test

function p99(values) {
  if (!values.length) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
}

function showLive(registry) {
  show("live");
  if (registry) $("live-worker").value = registry;
  liveDevices($("live-device"), "spirometers"); // live_audio.js
  drawLive(true);
}

function resetLive() {
  live.blows = [];
  live.pending = [];
  live.latencies = [];
  live.server = [];
  live.browser = [];
  live.wire = [];
  live.draw = [];
  live.drawnBlows = -1; // the next frame draws everything
  live.drawnPoints = 0;
  live.messages = 0;
  live.points = 0;
  live.done = false;
  live.flow = null;
  $("live-blows").replaceChildren();
  for (const id of ["live-status", "live-guidance", "live-grade", "live-latency", "live-flow"]) $(id).textContent = "";
  $("live-guidance").className = "";
}

function startLive(ev) {
  ev.preventDefault();
  if (live.ws) return;
  resetLive();
  const registry = $("live-worker").value.trim();
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const ws = new WebSocket(scheme + location.host + "/api/live/spirometry?csrf=" + encodeURIComponent(state.csrf));
  live.ws = ws;
  $("live-start").disabled = true;
  $("live-stop").disabled = false;
  ws.onopen = () => ws.send(JSON.stringify({ type: "start", worker: registry, device: $("live-device").value }));
  ws.onmessage = (e) => onLiveMessage(JSON.parse(e.data));
  ws.onerror = () => say(t("The live connection failed."), true);
  ws.onclose = () => {
    live.ws = null;
    $("live-start").disabled = false;
    $("live-stop").disabled = true;
    if (!live.done && !$("message").textContent) say(t("The live connection ended."), true);
  };
}

function stopLive() {
  if (live.ws) live.ws.send(JSON.stringify({ type: "stop" }));
  $("live-stop").disabled = true;
}

function blowOf(number) {
  let b = live.blows.find((x) => x.number === number);
  if (!b) {
    b = { number, points: [] };
    live.blows.push(b);
  }
  return b;
}

function reasonText(r) {
  return document.documentElement.lang === "en" ? r.en : r.tr;
}

function onLiveMessage(m) {
  if (m.type === "samples") {
    m.received = performance.timeOrigin + performance.now();
    live.messages += 1;
    live.pending.push(m);
    if (m.blow > 0 && m.points.length) {
      const b = blowOf(m.blow);
      for (const p of m.points) b.points.push(p);
      live.points += m.points.length;
    }
    live.flow = m.flow_lps;
    if (!live.frame) live.frame = requestAnimationFrame(drawLiveFrame);
  } else if (m.type === "started") {
    say("");
    $("live-status").textContent = t("Session running for") + " " + m.worker.registry_no + " " + m.worker.name + " · " + t("Device") + ": " + m.device;
  } else if (m.type === "blow") {
    const li = el("li");
    if (m.error) {
      li.textContent = t("Blow") + " " + m.number + ": " + m.error;
      li.className = "bad";
    } else {
      const q = m.blow;
      const yes = (v) => (v ? t("yes") : t("no"));
      li.append(
        el("strong", t("Blow") + " " + m.number + ": "),
        el("span", t("acceptable") + " FEV1 " + yes(q.acceptable_fev1) + ", FVC " + yes(q.acceptable_fvc) + " · " + t("usable") + " FEV1 " + yes(q.usable_fev1) + ", FVC " + yes(q.usable_fvc)),
        el("span", " · FEV1 " + num(q.fev1_l, 2) + " L, FVC " + num(q.fvc_l, 2) + " L, PEF " + num(q.pef_lps, 1) + " L/s"),
      );
      li.className = q.acceptable_fev1 && q.acceptable_fvc ? "good" : "bad";
      if (q.reasons.length) {
        const ul = el("ul", null, "reasons");
        for (const r of q.reasons) ul.append(el("li", reasonText(r)));
        li.append(ul);
      }
      const s = m.session;
      const g = $("live-guidance");
      if (s.another_blow_needed) {
        g.textContent = t("Another blow is needed, because:") + " " + s.guidance.map(reasonText).join("; ");
        g.className = "bad";
      } else {
        g.textContent = t("No other blow is needed.");
        g.className = "";
      }
      $("live-grade").textContent = t("Session grade so far") + ": FEV1 " + s.grade_fev1 + ", FVC " + s.grade_fvc;
    }
    $("live-blows").append(li);
  } else if (m.type === "done") {
    live.done = true;
    const s = m.session || {};
    $("live-grade").textContent = t("Session grade") + ": FEV1 " + s.grade_fev1 + ", FVC " + s.grade_fvc + " · " + t("stored as exam") + " #" + m.exam + ", " + t("awaiting review");
    if (m.interrupted) $("live-status").textContent += " · " + t("Interrupted") + ": " + m.interrupted;
    $("live-grade").dataset.exam = String(m.exam);
    say(t("The spirometry session is stored."));
    if (live.ws) live.ws.close();
  } else if (m.type === "error") {
    say(m.message, true);
    if (live.ws) live.ws.close();
  }
}

// Flow-volume: ATS/ERS 2019 aspect, 2 L/s of flow drawn as long as 1 L of volume.
const kFv = { left: 52, right: 12, top: 12, bottom: 40, vMax: 8, fMin: -3 };
// Volume-time: at least 15 s.
const kVt = { left: 52, right: 12, top: 12, bottom: 40, tMax: 15, vMax: 8 };

function axes(ctx, c, xTicks, yTicks, x, y, xLabel, yLabel) {
  ctx.strokeStyle = "#d5dbe3";
  ctx.fillStyle = "#5b6877";
  ctx.lineWidth = 1;
  ctx.font = "12px sans-serif";
  for (const v of xTicks) {
    ctx.beginPath();
    ctx.moveTo(x(v), c.top);
    ctx.lineTo(x(v), c.height - c.bottom);
    ctx.stroke();
    ctx.fillText(String(v), x(v) - 4, c.height - c.bottom + 14);
  }
  for (const v of yTicks) {
    ctx.beginPath();
    ctx.moveTo(c.left, y(v));
    ctx.lineTo(c.width - c.right, y(v));
    ctx.stroke();
    ctx.fillText(String(v), c.left - 24, y(v) + 4);
  }
  ctx.fillText(xLabel, c.width - c.right - 60, c.height - 6);
  ctx.save();
  ctx.translate(14, c.top + 70);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

function curve(ctx, points, x, y, color, width) {
  if (!points.length) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(x(points[0]), y(points[0]));
  for (let i = 1; i < points.length; i++) ctx.lineTo(x(points[i]), y(points[i]));
  ctx.stroke();
}

// Draws the live charts. A frame adds only the current blow's new points to what is drawn;
// everything is drawn again (`full`, or when a blow begins and the one before turns grey) only
// then, so a frame's work does not grow with the session.
function drawLive(full) {
  const current = live.blows.length ? live.blows[live.blows.length - 1] : null;
  const colour = (b) => (b === current ? "#0b5cad" : "#9aa7b5");
  const redraw = full || !current || live.blows.length !== live.drawnBlows || current.points.length < live.drawnPoints;
  const from = redraw ? 0 : Math.max(live.drawnPoints - 1, 0); // the last drawn point joins the new ones
  // Flow-volume.
  const fv = $("live-fv");
  const f = Object.assign({ width: fv.width, height: fv.height }, kFv);
  const perL = (f.width - f.left - f.right) / f.vMax; // px per litre
  const perLps = perL / 2; // px per L/s: 2 L/s as long as 1 L
  const fMax = f.fMin + (f.height - f.top - f.bottom) / perLps;
  let ctx = fv.getContext("2d");
  const fx = (v) => f.left + v * perL;
  const fy = (q) => f.top + (fMax - q) * perLps;
  if (redraw) {
    ctx.clearRect(0, 0, fv.width, fv.height);
    const fTicks = [];
    for (let q = Math.ceil(f.fMin / 2) * 2; q <= fMax; q += 2) fTicks.push(q);
    axes(ctx, f, [0, 1, 2, 3, 4, 5, 6, 7, 8], fTicks, fx, fy, t("Volume (L)"), t("Flow (L/s)"));
    for (const b of live.blows) curve(ctx, b.points, (p) => fx(p[2]), (p) => fy(p[1]), colour(b), b === current ? 2.5 : 1.5);
  } else {
    curve(ctx, current.points.slice(from), (p) => fx(p[2]), (p) => fy(p[1]), colour(current), 2.5);
  }
  // Volume-time.
  const vt = $("live-vt");
  const v = Object.assign({ width: vt.width, height: vt.height }, kVt);
  const perS = (v.width - v.left - v.right) / v.tMax;
  const perV = (v.height - v.top - v.bottom) / v.vMax;
  ctx = vt.getContext("2d");
  const vx = (s) => v.left + s * perS;
  const vy = (l) => v.top + (v.vMax - l) * perV;
  if (redraw) {
    ctx.clearRect(0, 0, vt.width, vt.height);
    axes(ctx, v, [0, 3, 6, 9, 12, 15], [0, 2, 4, 6, 8], vx, vy, t("Time (s)"), t("Volume (L)"));
    for (const b of live.blows) curve(ctx, b.points, (p) => vx(p[0]), (p) => vy(p[2]), colour(b), b === current ? 2.5 : 1.5);
  } else {
    curve(ctx, current.points.slice(from), (p) => vx(p[0]), (p) => vy(p[2]), colour(current), 2.5);
  }
  live.drawnBlows = live.blows.length;
  live.drawnPoints = current ? current.points.length : 0;
  fv.dataset.points = String(live.points); // what is drawn (for the tests)
}

function drawLiveFrame() {
  live.frame = 0;
  const begun = performance.now();
  drawLive();
  live.draw.push(performance.now() - begun);
  if (live.flow !== null) $("live-flow").textContent = t("Flow now") + ": " + num(live.flow, 2) + " L/s";
  const drawn = performance.timeOrigin + performance.now();
  for (const m of live.pending) {
    const step = m.n > 1 ? (m.last_ms - m.first_ms) / (m.n - 1) : 0;
    for (let i = 0; i < m.n; i++) live.latencies.push(drawn - (m.first_ms + i * step));
    live.server.push(m.sent_ms - m.first_ms);
    live.browser.push(drawn - m.received);
    live.wire.push(m.received - m.sent_ms);
  }
  live.pending = [];
  const p = p99(live.latencies);
  if (p !== null) {
    $("live-latency").textContent =
      t("Device sample → drawn, 99th percentile") + ": " + p.toFixed(1) + " ms (" + live.latencies.length + " " + t("samples") + ", " + live.messages + " " + t("messages") + ")";
  }
}

// ---- one worker: next due exams, history charts, exams, job history -------------------------------

function rows(table, list, cells) {
  const body = $(table).querySelector("tbody");
  body.replaceChildren();
  for (const item of list) {
    const tr = el("tr");
    for (const c of cells(item)) tr.append(c instanceof Node ? c : el("td", c));
    body.append(tr);
  }
}

async function showWorker(registry) {
  show("worker");
  say("");
  let w, exams;
  try {
    w = await api("GET", "/api/workers/" + encodeURIComponent(registry) + "/profile");
    exams = await api("GET", "/api/exams?worker=" + encodeURIComponent(registry));
  } catch (e) {
    say(e.message, true);
    return;
  }
  $("worker-title").textContent = w.registry_no + " " + w.first_name + " " + w.last_name;
  $("worker-details").textContent =
    t("T.C. kimlik") + ": " + w.tc_kimlik + " · " + t("Birth date") + ": " + w.birth_date + " · " + t("Establishment") + ": " +
    w.establishment + " · " + t("Job") + ": " + w.job_code + " (" + w.work_group + ")";
  const status = { due: "due", overdue: "overdue", ok: "not yet due" };
  rows("worker-due", w.exams_due, (e) => [
    kindName(e.exam),
    e.last ? e.last : t("never"),
    e.due,
    el("td", t(status[e.status] || "other"), e.status),
    e.rule + (e.provisional ? " (" + t("provisional") + ")" : ""),
  ]);
  $("worker-due-none").hidden = w.exams_due.length > 0;

  const charts = $("worker-charts");
  charts.replaceChildren();
  const titles = { lung: "Lung function over the years", hearing: "Hearing over the years" };
  for (const name of ["lung", "hearing"]) {
    const kind = name === "lung" ? "spirometry" : "audiometry";
    if (!exams.exams.some((x) => x.kind === kind)) continue;
    const fig = el("figure");
    const img = el("img");
    img.src = "/api/workers/" + encodeURIComponent(w.registry_no) + "/charts/" + name + ".svg";
    img.alt = t(titles[name]);
    img.id = "worker-chart-" + name;
    img.addEventListener("error", () => fig.remove());
    fig.append(img, el("figcaption", t(titles[name])));
    charts.append(fig);
  }
  if (!charts.children.length) charts.append(el("p", t("No exam yet.")));

  rows("worker-exams", exams.exams, (x) => {
    const td = el("td");
    const link = el("a", "#" + x.id);
    link.href = "#/exam/" + x.id;
    td.append(link);
    return [td, when(x.started_at), kindName(x.kind)];
  });
  rows("worker-jobs", w.job_history, (p) => [
    p.from,
    p.establishment,
    p.job_code + " (" + p.work_group + ")",
    p.reason === "registered" ? t("registered") : p.reason,
    p.decision || "",
    p.created_by,
  ]);
  const may = state.me && (state.me.role === "technician" || state.me.role === "physician");
  $("paper-audiogram").hidden = !may;
  if (may) paperGrid();
  state.worker = w.registry_no;
  document.body.dataset.worker = w.registry_no;  // what the page shows (for the tests)
}

// The entry form's grid: a text box per ear, conduction and frequency (dB HL or NR).
const kPaperHz = [250, 500, 1000, 2000, 3000, 4000, 6000, 8000];
const kBoneHz = [500, 1000, 2000, 3000, 4000];

function paperGrid() {
  const head = $("paper-grid").querySelector("thead tr");
  head.replaceChildren(el("th"));
  for (const hz of kPaperHz) head.append(el("th", hz >= 1000 ? hz / 1000 + " kHz" : hz + " Hz"));
  for (const tr of $("paper-grid").querySelectorAll("tbody tr")) {
    while (tr.children.length > 1) tr.lastChild.remove();
    for (const hz of kPaperHz) {
      const td = el("td");
      if (tr.dataset.conduction === "air" || kBoneHz.includes(hz)) {
        const input = el("input");
        input.id = "paper-" + tr.dataset.ear + "-" + tr.dataset.conduction + "-" + hz;
        input.dataset.hz = String(hz);
        input.size = 4;
        input.inputMode = "numeric";
        td.append(input);
      }
      tr.append(td);
    }
  }
  $("paper-form").reset();
}

async function enterPaperAudiogram(ev) {
  ev.preventDefault();
  const audiogram = { right: {}, left: {} };
  const bone = { right: {}, left: {} };
  for (const input of $("paper-grid").querySelectorAll("input")) {
    const v = input.value.trim();
    if (!v) continue;
    const tr = input.closest("tr");
    const into = tr.dataset.conduction === "air" ? audiogram : bone;
    into[tr.dataset.ear][input.dataset.hz] = /^-?\d+$/.test(v) ? Number(v) : v.toUpperCase();
  }
  if (Object.keys(bone.right).length || Object.keys(bone.left).length) audiogram.bone = bone;
  try {
    const r = await api("POST", "/api/workers/" + encodeURIComponent(state.worker) + "/audiograms", {
      date: $("paper-date").value,
      device: $("paper-device").value,
      note: $("paper-note").value,
      audiogram,
    });
    state.flash = t("The audiogram is stored as exam") + " #" + r.exam_id;
    location.hash = "#/exam/" + r.exam_id;
  } catch (e) {
    say(e.message, true);
  }
}

// ---- the admin's export outbox -------------------------------------------------------------------

async function showOutbox() {
  show("outbox");
  say("");
  let st;
  try {
    st = await api("GET", "/api/outbox");
  } catch (e) {
    say(e.message, true);
    return;
  }
  rows("outbox-destinations", st.destinations, (d) => [
    d.configured ? d.id : d.id + " (" + t("not configured") + ")",
    d.kind,
    String(d.pending),
    String(d.delivered),
    el("td", String(d.rejected), d.rejected ? "bad" : ""),
  ]);
  $("outbox-none").hidden = st.destinations.length > 0;
  const exam = (e) => {
    const td = el("td");
    const link = el("a", "#" + e.exam + " (v" + e.result_version + ")");
    link.href = "#/exam/" + e.exam;
    td.append(link);
    return td;
  };
  rows("outbox-rejected", st.rejected, (e) => {
    const td = el("td");
    const again = el("button", t("Send again"));
    again.type = "button";
    again.dataset.outbox = String(e.id);
    again.addEventListener("click", () => retryOutbox(e.id));
    td.append(again);
    return [String(e.id), exam(e), e.destination, when(e.last_attempt_at), e.last_message, td];
  });
  rows("outbox-pending", st.pending, (e) => [
    String(e.id),
    exam(e),
    e.destination,
    String(e.attempts),
    e.next_attempt_at ? when(e.next_attempt_at) : t("now"),
    e.last_message,
  ]);
  document.body.dataset.outbox = String(st.rejected.length) + "/" + String(st.pending.length);
}

async function retryOutbox(id) {
  try {
    await api("POST", "/api/outbox/" + id + "/retry", {});
    await showOutbox();
    say(t("The message is queued again."));
  } catch (e) {
    say(e.message, true);
  }
}

// ---- the address ------------------------------------------------------------------------------

async function route() {
  const hash = location.hash || "#/login";
  if (!state.me || hash === "#/login") {
    show("login");
    $("login-language").value = document.documentElement.lang === "en" ? "en" : "tr";
    return;
  }
  const exam = hash.match(/^#\/exam\/(\d+)$/);
  if (exam) return showExam(exam[1]);
  const audioFor = hash.match(/^#\/live-audio(?:\/(.+))?$/);
  if (audioFor && state.me.role === "technician") return showLiveAudio(audioFor[1] ? decodeURIComponent(audioFor[1]) : ""); // live_audio.js
  const liveFor = hash.match(/^#\/live(?:\/(.+))?$/);
  if (liveFor && state.me.role === "technician") return showLive(liveFor[1] ? decodeURIComponent(liveFor[1]) : "");
  const worker = hash.match(/^#\/worker\/(.+)$/);
  if (worker) return showWorker(decodeURIComponent(worker[1]));
  if (hash === "#/worklist") return showWorklist();
  if (hash === "#/outbox") return showOutbox();
  if (hash === "#/statistics" && window.odyoStatistics) return window.odyoStatistics.show(); // statistics.js
  if (hash === "#/flags" && window.odyoFlags) return window.odyoFlags.show(); // flags.js
  if (hash === "#/checks") return showChecks();  // checks.js
  return showWorkers();
}

async function boot() {
  $("login-form").addEventListener("submit", logIn);
  $("login-language").addEventListener("change", () => loadTexts($("login-language").value));
  $("logout").addEventListener("click", logOut);
  $("worklist-filter").addEventListener("submit", loadWorklist);
  $("confirm").addEventListener("click", confirmDecision);
  $("override-form").addEventListener("submit", overrideDecision);
  $("sign-form").addEventListener("submit", signResult);
  $("worker-search").addEventListener("submit", searchWorkers);
  $("register-form").addEventListener("submit", registerWorker);
  $("live-form").addEventListener("submit", startLive);
  $("live-stop").addEventListener("click", stopLive);
  $("paper-form").addEventListener("submit", enterPaperAudiogram);
  bootChecks();  // checks.js
  window.addEventListener("hashchange", route);
  try {
    const me = await api("GET", "/api/me");
    state.me = me;
    state.csrf = me.csrf_token;
    await start(me);
  } catch (e) {
    await loadTexts("");
    location.hash = "#/login";
    route();
  }
  document.body.dataset.ready = "1";
}

boot();
