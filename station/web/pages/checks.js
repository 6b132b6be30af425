// The device status and daily checks page (#/checks; issue 15 item 4, issue 17 item 4): every
// configured device with its connection, today's check (3-L syringe for a spirometer, listening
// for an audiometer), whether it may test and when its calibration is due; the forms a
// technician records today's checks with. The same use cases as `odyospiro checks status`,
// `spiro syringe-check --measured-l` and `audio listening-check` (routes in
// station/web/routes_qc.cpp). Uses app.js's helpers ($, el, t, api, say, show, rows, when, num);
// app.js calls bootChecks() at start and showChecks() for #/checks. Values are put in as text.
"use strict";

function checkKindName(kind) {
  if (kind === "syringe-3l") return t("3-L syringe check");
  if (kind === "audiometer-listening") return t("Listening check");
  return "";
}

function checkResultText(c) {
  if (!c) return t("not done");
  let s = c.passed ? t("pass") : t("fail");
  if (c.kind === "syringe-3l" && c.measured) {
    const err = c.measured.error_pct;
    s += " (" + num(c.measured.measured_l, 3) + " L, " + (err >= 0 ? "+" : "") + num(err, 2) + " %)";
  }
  return s;
}

function reachableText(r) {
  const names = { simulated: "simulated", connected: "connected", not_connected: "not connected", not_probed: "not probed" };
  return t(names[r] || "not probed");
}

async function showChecks() {
  show("checks");
  say("");
  let st, today;
  try {
    st = await api("GET", "/api/devices/status");
    today = await api("GET", "/api/checks");
  } catch (e) {
    say(e.message, true);
    return;
  }
  $("checks-day").textContent = st.day;
  rows("checks-devices", st.devices, (d) => [
    d.id,
    d.kind,
    el("td", reachableText(d.reachable), d.reachable === "not_connected" ? "bad" : ""),
    d.check_kind ? checkKindName(d.check_kind) + ": " + checkResultText(d.today) : "-",
    el("td", d.check_kind ? (d.ready ? t("yes") : t("no")) : "-", d.check_kind && !d.ready ? "bad" : ""),
    d.calibration_due || d.calibration_problem || "-",
  ]);
  const fill = (select, kinds) => {
    const keep = select.value;
    select.replaceChildren();
    for (const d of st.devices) if (kinds.includes(d.kind)) select.append(new Option(d.id, d.id));
    if (keep) select.value = keep;
  };
  fill($("syringe-device"), ["spirometer"]);
  fill($("listening-device"), ["audiometer", "pc-audiometer"]);
  rows("checks-today", today.checks, (c) => [
    when(c.performed_at),
    c.device,
    checkKindName(c.kind),
    el("td", checkResultText(c), c.passed ? "" : "bad"),
    c.performed_by,
    c.notes,
  ]);
  document.body.dataset.checks = String(today.checks.length);
}

async function recordSyringe(ev) {
  ev.preventDefault();
  const litres = Number(String($("syringe-volume").value).replace(",", "."));
  try {
    const c = await api("POST", "/api/checks/syringe", {
      device: $("syringe-device").value,
      measured_l: litres,
      note: $("syringe-note").value,
    });
    $("syringe-volume").value = "";
    $("syringe-note").value = "";
    await showChecks();
    say(checkKindName(c.kind) + " " + c.device + ": " + checkResultText(c), !c.passed);
  } catch (e) {
    say(e.message, true);
  }
}

async function recordListening(ev) {
  ev.preventDefault();
  try {
    const c = await api("POST", "/api/checks/listening", {
      device: $("listening-device").value,
      listener: $("listening-listener").value,
      passed: $("listening-result").value === "pass",
      note: $("listening-note").value,
    });
    $("listening-note").value = "";
    await showChecks();
    say(checkKindName(c.kind) + " " + c.device + ": " + checkResultText(c), !c.passed);
  } catch (e) {
    say(e.message, true);
  }
}

function bootChecks() {
  $("syringe-form").addEventListener("submit", recordSyringe);
  $("listening-form").addEventListener("submit", recordListening);
}
