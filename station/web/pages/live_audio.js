// Live audiometry (#/live-audio[/<registry>]): the automated threshold search runs on the station
// (station/web/live_audiometry.cpp, the use case of `acquire audio`); this page opens its
// WebSocket, starts the search for a worker on the chosen audiometer, shows each presentation and
// each frequency's progress as it comes, puts in the audiogram so far as the station draws it
// (station/charts: the exam page's picture, ASHA symbols), and pauses, resumes or aborts it.
// Loaded after app.js, whose helpers ($, el, t, say, show, api, state) it uses.
"use strict";

const liveAudio = {
  ws: null,
  plan: null, // {ears, frequencies_hz, retest_1k}
  rows: {}, // "right:1000" → {level, presentations, threshold, noResponse, searching}
  presentations: 0,
  thresholds: 0,
  paused: false,
  done: false,
  exam: null,
};
window.odyoLiveAudio = liveAudio; // read by the end-to-end test

async function liveDevices(select, kind) {
  const chosen = select.value;
  try {
    const d = await api("GET", "/api/live/devices");
    fillSelect(
      select,
      d[kind].map((x) => [x.id, x.id + " (" + x.uri + ")"]),
    );
    if (chosen) select.value = chosen;
  } catch (e) {
    say(e.message, true);
  }
}

function showLiveAudio(registry) {
  show("live-audio");
  if (registry) $("la-worker").value = registry;
  liveDevices($("la-device"), "audiometers");
  if (!liveAudio.ws) drawLiveAudioTable();
}

function earLabel(ear) {
  return ear === "right" ? t("Right ear") : t("Left ear");
}

function rowOf(ear, hz) {
  const key = ear + ":" + hz;
  if (!liveAudio.rows[key]) liveAudio.rows[key] = { level: null, presentations: 0, threshold: null, noResponse: false, searching: false };
  return liveAudio.rows[key];
}

// One line per frequency in the planned order, one column per ear: the threshold once found, else
// the level being presented and how many presentations so far.
function drawLiveAudioTable() {
  const body = $("la-progress").querySelector("tbody");
  body.replaceChildren();
  const plan = liveAudio.plan;
  if (!plan) return;
  for (const hz of plan.frequencies_hz) {
    const tr = el("tr");
    tr.append(el("td", hz + " Hz"));
    for (const ear of ["right", "left"]) {
      const r = rowOf(ear, hz);
      const td = el("td");
      td.dataset.ear = ear;
      td.dataset.hz = String(hz);
      if (r.threshold !== null) {
        td.textContent = r.noResponse ? t("no response at") + " " + r.threshold + " dB HL" : r.threshold + " dB HL";
        td.className = "found";
        td.dataset.threshold = String(r.threshold);
      } else if (r.searching) {
        td.textContent = t("searching") + ": " + r.level + " dB HL (" + r.presentations + ")";
        td.className = "searching";
      } else {
        td.textContent = "—";
      }
      tr.append(td);
    }
    body.append(tr);
  }
}

function resetLiveAudio() {
  liveAudio.plan = null;
  liveAudio.rows = {};
  liveAudio.presentations = 0;
  liveAudio.thresholds = 0;
  liveAudio.paused = false;
  liveAudio.done = false;
  liveAudio.exam = null;
  $("la-chart").replaceChildren();
  for (const id of ["la-status", "la-now", "la-result"]) $(id).textContent = "";
  $("la-pause").textContent = t("Pause");
  drawLiveAudioTable();
}

function setLiveAudioButtons(running) {
  $("la-start").disabled = running;
  $("la-pause").disabled = !running;
  $("la-abort").disabled = !running;
}

function startLiveAudio(ev) {
  ev.preventDefault();
  if (liveAudio.ws) return;
  resetLiveAudio();
  const msg = { type: "start", worker: $("la-worker").value.trim(), device: $("la-device").value };
  const freqs = $("la-frequencies").value.split(/[\s,]+/).filter((x) => x).map(Number);
  if (freqs.length) msg.frequencies = freqs;
  const tone = parseInt($("la-tone").value, 10);
  const gap = parseInt($("la-gap").value, 10);
  if (tone > 0) msg.tone_ms = tone;
  if (gap > 0) msg.gap_ms = gap;
  msg.no_retest = !$("la-retest").checked;
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const ws = new WebSocket(scheme + location.host + "/api/live/audiometry?csrf=" + encodeURIComponent(state.csrf));
  liveAudio.ws = ws;
  setLiveAudioButtons(true);
  ws.onopen = () => ws.send(JSON.stringify(msg));
  ws.onmessage = (e) => onLiveAudioMessage(JSON.parse(e.data));
  ws.onerror = () => say(t("The live connection failed."), true);
  ws.onclose = () => {
    liveAudio.ws = null;
    setLiveAudioButtons(false);
    if (!liveAudio.done && !$("message").textContent) say(t("The live connection ended."), true);
  };
}

function pauseLiveAudio() {
  if (!liveAudio.ws) return;
  liveAudio.ws.send(JSON.stringify({ type: liveAudio.paused ? "resume" : "pause" }));
  $("la-pause").disabled = true; // until the station says it has paused / resumed
}

function abortLiveAudio() {
  if (!liveAudio.ws) return;
  liveAudio.ws.send(JSON.stringify({ type: "abort" }));
  $("la-pause").disabled = true;
  $("la-abort").disabled = true;
}

// The audiogram so far, as the station drew it (SVG text parsed as SVG, never as HTML).
function putAudiogram(svgText) {
  const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const svg = doc.documentElement;
  if (!svg || svg.nodeName !== "svg") return;
  $("la-chart").replaceChildren(document.importNode(svg, true));
}

function onLiveAudioMessage(m) {
  if (m.type === "started") {
    say("");
    liveAudio.plan = m.plan;
    $("la-status").textContent = t("Session running for") + " " + m.worker.registry_no + " " + m.worker.name + " · " + t("Device") + ": " + m.device;
    drawLiveAudioTable();
  } else if (m.type === "presentation") {
    liveAudio.presentations = m.presentations;
    if (m.catch_trial) {
      $("la-now").textContent = t("Catch trial (no tone)") + " · " + (m.responded ? t("pressed") : t("no press"));
    } else {
      const r = rowOf(m.ear, m.frequency_hz);
      r.level = m.level_db_hl;
      r.presentations += 1;
      r.searching = r.threshold === null;
      $("la-now").textContent = earLabel(m.ear) + " · " + m.frequency_hz + " Hz · " + m.level_db_hl + " dB HL · " + (m.responded ? t("heard") : t("not heard"));
    }
    $("la-now").dataset.presentations = String(m.presentations);
    drawLiveAudioTable();
  } else if (m.type === "threshold") {
    const r = rowOf(m.ear, m.frequency_hz);
    r.threshold = m.level_db_hl;
    r.noResponse = m.no_response;
    r.searching = false;
    liveAudio.thresholds += 1;
    putAudiogram(m.audiogram_svg);
    $("la-chart").dataset.thresholds = String(liveAudio.thresholds); // what is drawn (for the tests)
    drawLiveAudioTable();
  } else if (m.type === "paused" || m.type === "resumed") {
    liveAudio.paused = m.type === "paused";
    $("la-pause").textContent = liveAudio.paused ? t("Resume") : t("Pause");
    $("la-pause").disabled = false;
    $("la-status").dataset.state = m.type;
    say(liveAudio.paused ? t("The search is paused: no tone until you resume.") : "");
  } else if (m.type === "done") {
    liveAudio.done = true;
    liveAudio.exam = m.exam;
    const a = el("a", t("stored as exam") + " #" + m.exam);
    a.href = "#/exam/" + m.exam;
    $("la-result").replaceChildren(a, el("span", ", " + t("awaiting review")));
    $("la-result").dataset.exam = String(m.exam);
    say(t("The audiometry is stored."));
    if (liveAudio.ws) liveAudio.ws.close();
  } else if (m.type === "aborted") {
    liveAudio.done = true;
    $("la-result").textContent = t("Aborted: nothing is stored.");
    say(t("Aborted: nothing is stored."), true);
    if (liveAudio.ws) liveAudio.ws.close();
  } else if (m.type === "error") {
    say(m.message, true);
    if (liveAudio.ws && !liveAudio.plan) liveAudio.ws.close();
  }
}

$("la-form").addEventListener("submit", startLiveAudio);
$("la-pause").addEventListener("click", pauseLiveAudio);
$("la-abort").addEventListener("click", abortLiveAudio);
