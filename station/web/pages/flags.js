// The physician's list of suspected occupational disease and contraindications (#/flags): the
// flags of `odyospiro report suspected` (GET /api/flags) with their criterion and evidence, and
// the actions of `flag notify|refer|dismiss` (POST /api/flags/<id>/<action>, audited by the
// station). Uses app.js's t(), $(), el(), api(), say(), show(), when(), fillSelect() and options();
// values are put in as text.
"use strict";

window.odyoFlags = (() => {
  let hooked = false;
  const stateWord = { open: "open", notified: "notified", referred: "referred", dismissed: "dismissed" };

  function card(f) {
    const box = el("article", null, "flag");
    box.dataset.flag = f.id;
    box.dataset.state = f.state;
    box.append(el("h2", f.id + " · " + f.title + (f.criterion.provisional ? " *" : "")));
    box.append(el("p", f.worker.registry_no + " " + f.worker.first_name + " " + f.worker.last_name + " · " + f.worker.establishment + " · " + f.date + " · " + t(stateWord[f.state] || f.state), "who"));
    box.append(el("p", t("Criterion") + ": " + f.criterion.text + " (" + f.criterion.citation + ")"));
    const ev = el("ul");
    for (const line of f.evidence_text) ev.append(el("li", line));
    box.append(ev);
    for (const a of f.actions) box.append(el("p", t(stateWord[a.action === "notify" ? "notified" : a.action === "refer" ? "referred" : "dismissed"]) + " · " + a.by + " · " + when(a.at) + (a.reason ? " · " + a.reason : ""), "action"));
    if (f.state !== "dismissed") {
      const form = el("form", null, "flag-actions");
      const reason = el("input");
      reason.name = "reason";
      reason.placeholder = t("Reason");
      reason.maxLength = 1000;
      form.append(reason);
      for (const [action, label] of [["notify", "Notify"], ["refer", "Refer"], ["dismiss", "Dismiss"]]) {
        const b = el("button", t(label));
        b.type = "button";
        b.dataset.action = action;
        b.addEventListener("click", () => act(f.id, action, reason.value));
        form.append(b);
      }
      box.append(form);
    }
    return box;
  }

  async function act(id, action, reason) {
    try {
      await api("POST", "/api/flags/" + encodeURIComponent(id) + "/" + action, { reason });
      await load();
      say(t("The flag is updated."));
    } catch (e) {
      say(e.message, true);
    }
  }

  async function load(ev) {
    if (ev) ev.preventDefault();
    const q = new URLSearchParams();
    if ($("flags-establishment").value) q.set("establishment", $("flags-establishment").value);
    if ($("flags-all").checked) q.set("all", "1");
    let r;
    try {
      r = await api("GET", "/api/flags" + (q.toString() ? "?" + q : ""));
    } catch (e) {
      say(e.message, true);
      return;
    }
    $("flags-list").replaceChildren(...r.flags.map(card));
    $("flags-none").hidden = r.flags.length > 0;
    document.body.dataset.flags = String(r.flags.length);
  }

  async function showPage() {
    show("flags");
    say("");
    if (!hooked) {
      $("flags-filter").addEventListener("submit", load);
      hooked = true;
    }
    const o = await options();
    fillSelect($("flags-establishment"), o.establishments.map((e) => [e, e]), t("any"));
    await load();
  }

  return { show: showPage };
})();
