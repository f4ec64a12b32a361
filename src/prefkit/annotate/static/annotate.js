// prefkit annotation page: keyboard shortcuts, a draft kept on the server, idempotent submit.
// No framework, no inline script (the page's Content-Security-Policy forbids it).
(function () {
  "use strict";
  const form = document.getElementById("judgment");
  if (!form) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const id = form.dataset.assignment;
  const key = form.dataset.key;
  const minChars = parseInt(form.dataset.min, 10) || 0;
  const askStrength = form.dataset.strength === "1";
  const allowTies = form.dataset.ties === "1";
  const slots = Array.from(form.querySelectorAll("fieldset.rating"));
  // Rating order: criterion by criterion, A then B.
  slots.sort((x, y) => {
    const cx = slots.indexOf(x), cy = slots.indexOf(y);
    return cx - cy;
  });
  const byCriterion = [];
  const names = [...new Set(slots.map((s) => s.dataset.criterion))];
  for (const n of names) {
    for (const side of ["left", "right"]) {
      byCriterion.push(slots.find((s) => s.dataset.criterion === n && s.dataset.side === side));
    }
  }
  // the box the next digit rates; byCriterion.length: every box is rated, digits change none
  let cursor = Math.min(parseInt(form.dataset.cursor, 10) || 0, byCriterion.length);
  const rationale = document.getElementById("rationale");
  const count = document.getElementById("count");
  const status = document.getElementById("draft-status");
  const errors = document.getElementById("errors");
  const submitButton = document.getElementById("submit");
  const skipForm = document.getElementById("skip");
  const skipReason = document.getElementById("skip-reason");

  function showCursor() {
    byCriterion.forEach((s, i) => s.classList.toggle("active", i === cursor));
  }

  // A long reply is capped with a visible way to see all of it: never clipped silently.
  for (const box of document.querySelectorAll(".response-text")) {
    if (box.scrollHeight <= window.innerHeight * 0.6) continue;
    box.classList.add("capped");
    const more = document.createElement("button");
    more.type = "button";
    more.className = "link more";
    more.textContent = "Show the whole response ↓";
    more.addEventListener("click", () => { box.classList.remove("capped"); more.remove(); });
    box.after(more);
  }

  function showNote(message) {
    const note = document.getElementById("key-note");
    if (note) { note.textContent = message; note.hidden = !message; }
  }

  function value(name) {
    const el = form.querySelector(`input[name="${name}"]:checked`);
    return el ? el.value : null;
  }

  function collect() {
    const ratings = {};
    for (const s of byCriterion) {
      const v = value(`rating.${s.dataset.criterion}.${s.dataset.side}`);
      if (v !== null) {
        (ratings[s.dataset.criterion] = ratings[s.dataset.criterion] || {})[s.dataset.side] = parseInt(v, 10);
      }
    }
    const strength = askStrength ? value("strength") : null;
    return {
      key: key,
      preference: value("preference"),
      strength: strength === null ? null : parseInt(strength, 10),
      ratings: ratings,
      rationale: rationale.value,
    };
  }

  async function api(method, path, body) {
    const resp = await fetch(path, {
      method: method,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      keepalive: method === "PUT",
    });
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    return { ok: resp.ok, status: resp.status, data: data };
  }

  // ---------------------------------------------------------------------------- the draft
  // The last edit wins: every draft carries the time of its edit; the server keeps the newest,
  // and this tab keeps a copy so that a reload faster than the save still shows the edit.
  let timer = null;
  let saving = Promise.resolve();
  let editedAt = parseInt(form.dataset.edited, 10) || 0;
  const localKey = `prefkit-draft-${id}`;
  function current() {
    return Object.assign(collect(), { cursor: cursor, edited_at: editedAt });
  }
  function keepLocal() {
    try { sessionStorage.setItem(localKey, JSON.stringify(current())); } catch (e) { /* full or off */ }
  }
  function saveDraft() {
    clearTimeout(timer);
    editedAt = Math.max(Date.now(), editedAt + 1);
    keepLocal();
    status.textContent = "saving draft…";
    status.dataset.saved = "0";
    timer = setTimeout(() => {
      const draft = current();
      saving = api("PUT", `/api/assignments/${id}/draft`, { draft: draft }).then((r) => {
        if (r.ok) { status.textContent = "draft saved"; status.dataset.saved = "1"; }
        else { status.textContent = "draft not saved"; }
      }).catch(() => { status.textContent = "draft not saved (offline?)"; });
    }, 250);
  }

  function detail(r) {
    const d = r.data && r.data.detail;
    if (Array.isArray(d)) return d.map((e) => e.msg).join("; ");
    return d || `refused (${r.status})`;
  }

  function showErrors(message) {
    errors.textContent = message;
    errors.hidden = !message;
  }

  function check(j) {
    const problems = [];
    const missing = byCriterion.filter((s) => !(j.ratings[s.dataset.criterion] || {})[s.dataset.side]);
    if (missing.length) problems.push(`rate ${missing.length} more box(es)`);
    if (!j.preference) problems.push(`pick A, B${allowTies ? " or tie" : ""}`);
    if (askStrength && j.preference && j.preference !== "tie" && !j.strength) problems.push("say how much better");
    if (j.rationale.trim().length < minChars) problems.push(`write at least ${minChars} characters of rationale`);
    return problems;
  }

  // what is still missing is marked where it is, not only named in a message below the fold
  function markMissing(j) {
    for (const el of form.querySelectorAll(".missing")) el.classList.remove("missing");
    for (const s of byCriterion) {
      if (!(j.ratings[s.dataset.criterion] || {})[s.dataset.side]) s.classList.add("missing");
    }
    if (!j.preference) document.getElementById("preference").classList.add("missing");
    if (j.rationale.trim().length < minChars) rationale.classList.add("missing");
  }

  let inFlight = false;
  async function submit() {
    if (inFlight) return; // a double press sends once; a retry reuses the same key anyway
    const j = collect();
    if (!askStrength || j.preference === "tie") j.strength = null;
    const problems = check(j);
    markMissing(j);
    if (problems.length) {
      showErrors("Before submitting: " + problems.join("; ") + ".");
      const first = form.querySelector(".missing") || errors;
      first.scrollIntoView({ block: "center" });
      const firstBox = byCriterion.findIndex((s) => s.classList.contains("missing"));
      if (firstBox >= 0) { cursor = firstBox; showCursor(); }
      return;
    }
    inFlight = true;
    submitButton.disabled = true;
    showErrors("");
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        let r;
        try { r = await api("POST", `/api/assignments/${id}/submit`, j); }
        catch (e) { await new Promise((res) => setTimeout(res, 500 * (attempt + 1))); continue; }
        if (r.ok) { clearTimeout(timer); window.location.reload(); return; }
        if (r.status >= 500) { await new Promise((res) => setTimeout(res, 500 * (attempt + 1))); continue; }
        showErrors(detail(r));
        if (r.status === 409) {  // a stale tab: this pair was answered elsewhere
          const next = document.createElement("a");
          next.href = window.location.pathname;
          next.id = "onward";
          next.className = "button";
          next.textContent = "Go to the next pair";
          errors.append(" ", next);
        }
        return;
      }
      showErrors("The server did not answer; your draft is kept. Press Enter to try again.");
    } finally {
      inFlight = false;
      submitButton.disabled = false;
    }
  }

  async function doSkip() {
    const reason = skipReason.value.trim();
    if (!reason) { skipReason.focus(); showErrors("Say why you skip, then press Enter."); return; }
    const r = await api("POST", `/api/assignments/${id}/skip`, { reason: reason });
    if (r.ok) window.location.reload();
    else showErrors(detail(r));
  }

  // ------------------------------------------------------------------------------- keys
  function setRadio(name, v) {
    const el = form.querySelector(`input[name="${name}"][value="${v}"]`);
    if (el) { el.checked = true; const fs = el.closest("fieldset"); if (fs) fs.classList.remove("missing"); saveDraft(); }
  }

  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    // shortcuts belong to the judging form: links and buttons elsewhere (sign out, the
    // instructions) keep their own keys, Enter included
    if (t && t !== document.body && !form.contains(t) && !skipForm.contains(t)) return;
    if (t && t.tagName === "BUTTON" && ev.key === "Enter") return;
    const typing = t && (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type === "text") || t.id === "skip-reason");
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); submit(); return; }
    if (typing) {
      if (ev.key === "Escape") { t.blur(); ev.preventDefault(); }
      if (t.id === "skip-reason" && ev.key === "Enter") { ev.preventDefault(); doSkip(); }
      return;
    }
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const k = ev.key;
    if (k >= "1" && k <= "5") {
      ev.preventDefault();
      if (cursor >= byCriterion.length) {  // a digit past the last box overwrites nothing
        showNote(`All ${byCriterion.length} boxes are rated: Backspace goes back to change one.`);
        return;
      }
      const s = byCriterion[cursor];
      setRadio(`rating.${s.dataset.criterion}.${s.dataset.side}`, k);
      cursor += 1;
      showNote(cursor >= byCriterion.length ? `All ${byCriterion.length} boxes rated.` : "");
      showCursor(); saveDraft();
    } else if (k === "Backspace") {
      if (cursor > 0) cursor -= 1;
      showNote("");
      showCursor(); ev.preventDefault();
    } else if (k === "a" || k === "b" || (k === "t" && allowTies)) {
      setRadio("preference", { a: "left", b: "right", t: "tie" }[k]); ev.preventDefault();
    } else if (askStrength && (k === "z" || k === "x" || k === "c")) {
      setRadio("strength", { z: 1, x: 2, c: 3 }[k]); ev.preventDefault();
    } else if (k === "r") {
      rationale.focus(); ev.preventDefault();
    } else if (k === "s") {
      skipReason.focus(); ev.preventDefault();
    } else if (k === "Enter") {
      ev.preventDefault(); submit();
    }
  });

  form.addEventListener("submit", (ev) => { ev.preventDefault(); submit(); });
  skipForm.addEventListener("submit", (ev) => { ev.preventDefault(); doSkip(); });
  form.addEventListener("change", (ev) => {
    const done = ev.target.closest && ev.target.closest("fieldset");
    if (done) done.classList.remove("missing");
    const f = ev.target.closest && ev.target.closest("fieldset.rating");
    if (f) { cursor = byCriterion.indexOf(f); showCursor(); }
    saveDraft();
  });
  rationale.addEventListener("input", () => { count.textContent = String(rationale.value.trim().length); saveDraft(); });
  window.addEventListener("pagehide", () => {
    if (status.dataset.saved === "0") {
      fetch(`/api/assignments/${id}/draft`, {
        method: "PUT", keepalive: true, credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ draft: current() }),
      });
    }
  });
  function applyDraft(d) {
    for (const [criterion, sides] of Object.entries(d.ratings || {})) {
      for (const [side, v] of Object.entries(sides)) {
        const el = form.querySelector(`input[name="rating.${criterion}.${side}"][value="${v}"]`);
        if (el) el.checked = true;
      }
    }
    for (const name of ["preference", "strength"]) {
      for (const el of form.querySelectorAll(`input[name="${name}"]`)) el.checked = String(d[name]) === el.value;
    }
    rationale.value = d.rationale || "";
    count.textContent = String(rationale.value.trim().length);
    if (Number.isInteger(d.cursor)) cursor = Math.min(Math.max(d.cursor, 0), byCriterion.length);
  }
  try {  // this tab edited after the copy the server rendered: the edit wins, and is saved
    const local = JSON.parse(sessionStorage.getItem(localKey) || "null");
    if (local && local.key === key && (local.edited_at || 0) > editedAt) {
      applyDraft(local);
      editedAt = local.edited_at;
      saveDraft();
    }
  } catch (e) { /* no storage: the server's copy stands */ }
  showCursor();
  window.prefkitAnnotate = { collect: collect, saving: () => saving };
})();
