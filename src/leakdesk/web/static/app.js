// leakdesk review workspace: decisions, manual redactions, imports. No framework, no CDN.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  async function post(url, body) {
    const r = await fetch(url, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    if (!r.ok) throw new Error(await r.text());
    return r.json();
  }

  // ---- document view -------------------------------------------------------
  const list = document.getElementById("findings");
  const text = document.getElementById("doc-text");
  const ws = document.querySelector(".workspace");

  function items() { return list ? Array.from(list.querySelectorAll(".finding")) : []; }
  let current = -1;

  function select(i) {
    const all = items();
    if (!all.length) return;
    current = (i + all.length) % all.length;
    all.forEach(li => li.classList.remove("current"));
    text.querySelectorAll("mark.current").forEach(m => m.classList.remove("current"));
    const li = all[current];
    li.classList.add("current");
    li.focus({preventScroll: true});
    li.scrollIntoView({block: "nearest"});
    const mark = Array.from(text.querySelectorAll("mark")).find(
      m => m.dataset.f.split(" ").includes(li.dataset.id));
    if (mark) { mark.classList.add("current"); mark.scrollIntoView({block: "center"}); }
  }

  async function decide(li, decision, action) {
    const state = li.querySelector(".state");
    try {
      await post("/api/decide", {finding_id: Number(li.dataset.id), decision, action});
      li.className = li.className.replace(/st-\S+/, "st-" + decision);
      li.querySelectorAll("button[data-decision]").forEach(
        b => b.setAttribute("aria-pressed", String(b.dataset.decision === decision)));
      state.textContent = decision;
      text.querySelectorAll("mark").forEach(m => {
        if (m.dataset.f.split(" ").includes(li.dataset.id)) {
          m.classList.remove("st-open", "st-accepted", "st-rejected");
          m.classList.add(decision === "rejected" ? "st-rejected" : "st-accepted");
        }
      });
    } catch (e) { state.textContent = "error: " + e.message; }
  }

  if (list) {
    list.addEventListener("click", ev => {
      const b = ev.target.closest("button[data-decision]");
      if (!b) return;
      const li = b.closest(".finding");
      decide(li, b.dataset.decision, li.querySelector("select.action").value);
    });
    list.addEventListener("change", ev => {
      if (!ev.target.matches("select.action")) return;
      const li = ev.target.closest(".finding");
      decide(li, "edited", ev.target.value);
    });
    text.addEventListener("click", ev => {
      const m = ev.target.closest("mark");
      if (!m) return;
      const id = m.dataset.f.split(" ")[0];
      const idx = items().findIndex(li => li.dataset.id === id);
      if (idx >= 0) select(idx);
    });
  }

  // offsets: every piece of text carries data-s, its code-point offset
  function offsetOf(node, off) {
    let el = node.nodeType === 3 ? node.parentElement : node;
    while (el && el !== text && !el.dataset.s) el = el.parentElement;
    if (!el || !el.dataset.s) return null;
    const base = Number(el.dataset.s);
    if (el.dataset.cp) return base + (off > 0 ? 1 : 0);
    if (node.nodeType !== 3) return base;
    return base + Array.from(node.data.slice(0, off)).length;
  }

  async function redactSelection() {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !text.contains(sel.anchorNode)) {
      alert("Select some text in the document first.");
      return;
    }
    const r = sel.getRangeAt(0);
    let a = offsetOf(r.startContainer, r.startOffset);
    let b = offsetOf(r.endContainer, r.endOffset);
    if (a === null || b === null) return;
    if (a > b) [a, b] = [b, a];
    await post("/api/manual", {sha256: ws.dataset.sha, member: ws.dataset.member, start: a, end: b});
    location.reload();
  }
  const rb = document.getElementById("redact-selection");
  if (rb) rb.addEventListener("click", redactSelection);

  document.addEventListener("keydown", ev => {
    if (!list || ev.target.matches("input, select, textarea")) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const all = items();
    if (ev.key === "j") { select(current + 1); ev.preventDefault(); }
    else if (ev.key === "k") { select(current - 1); ev.preventDefault(); }
    else if ((ev.key === "a" || ev.key === "r") && all[current]) {
      const li = all[current];
      decide(li, ev.key === "a" ? "accepted" : "rejected", li.querySelector("select.action").value);
      ev.preventDefault();
    } else if (ev.key === "x") { redactSelection(); ev.preventDefault(); }
  });

  // ---- import --------------------------------------------------------------
  const drop = document.getElementById("dropzone");
  const input = document.getElementById("file-input");
  const status = document.getElementById("import-status");

  async function upload(files) {
    if (!files.length) return;
    const fd = new FormData();
    Array.from(files).forEach(f => fd.append("files", f, f.name));
    status.textContent = "Uploading " + files.length + " file(s)…";
    const r = await fetch("/api/import", {method: "POST", body: fd,
      headers: {"X-CSRF-Token": csrf}, credentials: "same-origin"});
    if (!r.ok) { status.textContent = "Import failed: " + (await r.text()); return; }
    poll();
  }
  async function poll() {
    const r = await fetch("/api/jobs", {credentials: "same-origin"});
    const s = await r.json();
    status.textContent = `Audited ${s.done} of ${s.queued}` + (s.failed ? `, ${s.failed} failed` : "") +
      (s.errors.length ? " — " + s.errors.join("; ") : "");
    if (s.busy) setTimeout(poll, 700); else if (s.queued) setTimeout(() => location.reload(), 600);
  }
  if (drop) {
    input.addEventListener("change", () => upload(input.files));
    drop.addEventListener("dragover", ev => { ev.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", ev => {
      ev.preventDefault(); drop.classList.remove("over"); upload(ev.dataTransfer.files);
    });
    drop.addEventListener("keydown", ev => {
      if (ev.key === "Enter" || ev.key === " ") { input.click(); ev.preventDefault(); }
    });
  }
})();
