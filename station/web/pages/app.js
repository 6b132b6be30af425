// odyospiro's web pages: one page, its parts shown by the address (#/login, #/worklist,
// #/exam/<id>, #/workers, #/worker/<registry>, #/outbox). Every text comes from the station's
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
  $("nav-outbox").hidden = me.role !== "admin";
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
  const signed = latest && latest.signed_by && latest.signed_by.length ? latest.signed_by : [];
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
  const worker = hash.match(/^#\/worker\/(.+)$/);
  if (worker) return showWorker(decodeURIComponent(worker[1]));
  if (hash === "#/worklist") return showWorklist();
  if (hash === "#/outbox") return showOutbox();
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
  $("paper-form").addEventListener("submit", enterPaperAudiogram);
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
