// toulmin serve: the page. Every piece of text from the server (document names, file names,
// diagnostics) is put in with textContent, never as markup.
"use strict";

const $ = (id) => document.getElementById(id);

const ui = {
  live: $("live"),
  message: $("message"),
  docList: $("doc-list"),
  noDocs: $("no-docs"),
  pasteName: $("paste-name"),
  pasteText: $("paste-text"),
  pasteAdd: $("paste-add"),
  paste: $("paste"),
  frames: [$("frame-a"), $("frame-b")],
  noReport: $("no-report"),
  grammarName: $("grammar-name"),
  grammarStatus: $("grammar-status"),
  save: $("save"),
  revert: $("revert"),
  conflict: $("conflict"),
  gutter: $("gutter"),
  backdrop: $("backdrop"),
  editor: $("grammar"),
  compileStatus: $("compile-status"),
  diagnostics: $("diagnostics"),
  builtin: $("builtin"),
  builtinText: $("builtin-text"),
};

const state = {
  docs: [],
  docsRev: -1,
  selected: null,
  grammarGen: -1,
  grammarRev: -1,
  shownKey: "",        // what the front frame shows: doc/gen/rev
  loadingKey: "",      // what the back frame is loading
  diagnostics: [],
  grammar: null,       // the grammar part of /api/state
  sent: 0,             // sequence number of the last PUT sent
  pendingTimer: null,
  typing: false,       // the editor has edits not yet sent
};

let sayTimer = null;
function say(text, isError) {
  ui.message.textContent = text;
  ui.message.classList.toggle("error", !!isError);
  clearTimeout(sayTimer);
  sayTimer = setTimeout(() => { ui.message.textContent = ""; }, isError ? 15000 : 6000);
}

async function api(method, url, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.body = body;
    opts.headers["Content-Type"] = typeof body === "string" && method === "PUT"
      ? "text/plain; charset=utf-8" : "application/json";
  }
  const res = await fetch(url, opts);
  let data = null;
  const type = res.headers.get("Content-Type") || "";
  if (type.startsWith("application/json")) data = await res.json();
  else data = { error: (await res.text()).trim() };
  return { status: res.status, ok: res.ok, data };
}

// ------------------------------------------------------------------ documents

function renderDocs() {
  ui.docList.textContent = "";
  ui.noDocs.hidden = state.docs.length > 0;
  for (const d of state.docs) {
    const li = document.createElement("li");
    if (d.error) li.className = "doc-error";
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.index = String(d.index);
    b.setAttribute("aria-current", String(d.index === state.selected));
    b.title = d.path || d.name;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = d.name;
    const kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = d.error ? "cannot be read" : (d.kind === "pasted" ? "pasted" : (d.path || "file"));
    b.append(name, kind);
    b.addEventListener("click", () => select(d.index));
    li.append(b);
    ui.docList.append(li);
  }
}

function select(index) {
  state.selected = index;
  history.replaceState(null, "", "#doc=" + index);
  renderDocs();
  showReport(true);
}

function reportKey() {
  const d = state.docs.find((x) => x.index === state.selected);
  if (!d) return "";
  return `${d.index}/${state.grammarGen}/${d.rev}`;
}

// Loads the report into the hidden frame and swaps it in once loaded, keeping the scroll
// positions of the panes, so an update does not flash or jump.
let loadSeq = 0;
function showReport(force) {
  const key = reportKey();
  ui.noReport.hidden = key !== "";
  if (!key) {
    ui.frames.forEach((f) => f.removeAttribute("src"));
    state.shownKey = "";
    return;
  }
  if (!force && (key === state.shownKey || key === state.loadingKey)) return;
  state.loadingKey = key;
  const [front, back] = ui.frames;
  const sameDoc = state.shownKey.split("/")[0] === key.split("/")[0];
  const scrolls = sameDoc ? paneScrolls(front) : null;
  const seq = ++loadSeq;
  back.onload = () => {
    if (seq !== loadSeq) return;
    if (scrolls) restoreScrolls(back, scrolls);
    back.className = "front";
    back.removeAttribute("aria-hidden");
    back.title = "Report";
    front.className = "back";
    front.setAttribute("aria-hidden", "true");
    front.title = "Report (loading)";
    ui.frames = [back, front];
    state.shownKey = key;
    state.loadingKey = "";
    document.body.dataset.shown = key;
  };
  const [doc, gen, rev] = key.split("/");
  back.src = `/report/${doc}?g=${gen}&r=${rev}`;
}

function paneScrolls(frame) {
  try {
    const d = frame.contentDocument;
    if (!d) return null;
    return Array.from(d.querySelectorAll(".pane, #article, #diagram")).map((e) => [e.scrollTop, e.scrollLeft]);
  } catch (_) {
    return null;
  }
}

function restoreScrolls(frame, scrolls) {
  try {
    const els = frame.contentDocument.querySelectorAll(".pane, #article, #diagram");
    els.forEach((e, i) => {
      if (scrolls[i]) [e.scrollTop, e.scrollLeft] = scrolls[i];
    });
  } catch (_) { /* a report without panes */ }
}

async function addPasted() {
  const text = ui.pasteText.value;
  if (!text.trim()) {
    say("Paste some text first.", true);
    return;
  }
  ui.pasteAdd.disabled = true;
  try {
    const r = await api("POST", "/api/docs", JSON.stringify({ name: ui.pasteName.value, text }));
    if (r.status === 201) {
      ui.pasteText.value = "";
      ui.pasteName.value = "";
      ui.paste.open = false;
      await refresh();
      select(r.data.index);
      say("Added the pasted text.");
    } else {
      say(r.data.error || `could not add the text (${r.status})`, true);
    }
  } finally {
    ui.pasteAdd.disabled = false;
  }
}

// ------------------------------------------------------------------ grammar editor

const metrics = { ch: 7.8, lh: 19, pad: 8 };

function measure() {
  const probe = document.createElement("span");
  probe.textContent = "M".repeat(200);
  probe.style.visibility = "hidden";
  probe.style.position = "absolute";
  probe.style.whiteSpace = "pre";
  ui.backdrop.append(probe);
  metrics.ch = probe.getBoundingClientRect().width / 200 || metrics.ch;
  probe.remove();
  const cs = getComputedStyle(ui.editor);
  metrics.lh = parseFloat(cs.lineHeight) || metrics.lh;
  metrics.pad = parseFloat(cs.paddingTop) || metrics.pad;
}

// Columns on screen, with tabs expanded to the editor's tab size.
function visualCol(line, chars) {
  let col = 0;
  const cps = Array.from(line);
  for (let i = 0; i < chars && i < cps.length; i++) col = cps[i] === "\t" ? col + 4 - (col % 4) : col + 1;
  return col + Math.max(0, chars - cps.length);
}

function editorDiagnostics() {
  return state.diagnostics.filter((d) => d.in_editor && d.line);
}

function renderGutter() {
  const lines = ui.editor.value.split("\n");
  const bad = new Map();
  for (const d of editorDiagnostics()) bad.set(d.line, (bad.get(d.line) || []).concat(d.message));
  const frag = document.createDocumentFragment();
  for (let i = 1; i <= lines.length; i++) {
    const div = document.createElement("div");
    div.textContent = String(i);
    if (bad.has(i)) {
      div.className = "err";
      div.title = bad.get(i).join("\n");
    }
    frag.append(div);
  }
  ui.gutter.textContent = "";
  ui.gutter.append(frag);
  syncScroll();
}

function renderMarks() {
  const lines = ui.editor.value.split("\n");
  ui.backdrop.textContent = "";
  const seenLine = new Set();
  for (const d of editorDiagnostics()) {
    const text = lines[d.line - 1] ?? "";
    const top = metrics.pad + (d.line - 1) * metrics.lh;
    if (!seenLine.has(d.line)) {
      const mark = document.createElement("div");
      mark.className = "line-mark";
      mark.style.top = `${top}px`;
      ui.backdrop.append(mark);
    }
    const from = visualCol(text, (d.col || 1) - 1);
    const to = visualCol(text, (d.col || 1) - 1 + (d.len || 1));
    const sq = document.createElement("div");
    sq.className = "squiggle";
    sq.style.top = `${top + metrics.lh - 3}px`;
    sq.style.left = `${metrics.pad + from * metrics.ch}px`;
    sq.style.width = `${Math.max(1, to - from) * metrics.ch}px`;
    ui.backdrop.append(sq);
    if (!seenLine.has(d.line)) {
      const msg = document.createElement("div");
      msg.className = "inline-msg";
      msg.style.top = `${top}px`;
      const left = metrics.pad + (visualCol(text, Array.from(text).length) + 3) * metrics.ch;
      msg.style.left = `${left}px`;
      // Cut at the editor's edge (the list below has the whole message).
      msg.style.maxWidth = `${Math.max(14 * metrics.ch, ui.editor.clientWidth - left - 4)}px`;
      msg.textContent = `${d.line}:${d.col} ${d.message}`;
      msg.title = d.rendered;
      ui.backdrop.append(msg);
    }
    seenLine.add(d.line);
  }
  // Marks stay in the backdrop's layer after the ones for the text; make sure the backdrop
  // is at least as large as the text so that the marks scroll with it.
  syncScroll();
}

function syncScroll() {
  ui.gutter.scrollTop = ui.editor.scrollTop;
  ui.backdrop.style.transform = `translate(${-ui.editor.scrollLeft}px, ${-ui.editor.scrollTop}px)`;
}

function renderDiagnostics() {
  ui.diagnostics.textContent = "";
  const g = state.grammar;
  const n = state.diagnostics.length;
  ui.compileStatus.textContent = "";
  const status = document.createElement("span");
  if (n === 0) {
    status.className = "ok";
    status.textContent = g ? `Compiled: ${g.rules} rules.` : "Compiled.";
  } else {
    status.className = "bad";
    status.textContent = `${n} error${n === 1 ? "" : "s"}: the map shows the last grammar that compiled.`;
  }
  ui.compileStatus.append(status);
  for (const d of state.diagnostics) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    const loc = document.createElement("span");
    loc.className = "loc";
    loc.textContent = d.line ? (d.in_editor ? `${d.line}:${d.col}` : `${d.file}:${d.line}:${d.col}`) : (d.file || "grammar");
    const msg = document.createElement("span");
    msg.className = "msg";
    msg.textContent = d.message;
    b.append(loc, msg);
    if (d.note) {
      const note = document.createElement("span");
      note.className = "note";
      note.textContent = "note: " + d.note;
      b.append(note);
    }
    b.title = d.rendered;
    if (d.in_editor && d.line) b.addEventListener("click", () => goTo(d.line, d.col, d.len));
    li.append(b);
    ui.diagnostics.append(li);
  }
  renderGutter();
  renderMarks();
}

// Selects the problem's text in the editor.
function goTo(line, col, len) {
  const lines = ui.editor.value.split("\n");
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  const text = lines[line - 1] || "";
  const start = offset + utf16Len(text, col - 1);
  const end = offset + utf16Len(text, col - 1 + (len || 1));
  ui.editor.focus();
  ui.editor.setSelectionRange(start, end);
  const top = (line - 1) * metrics.lh;
  if (top < ui.editor.scrollTop || top > ui.editor.scrollTop + ui.editor.clientHeight - 2 * metrics.lh) {
    ui.editor.scrollTop = Math.max(0, top - ui.editor.clientHeight / 3);
  }
}

function utf16Len(text, chars) {
  return Array.from(text).slice(0, Math.max(0, chars)).join("").length;
}

function renderGrammarHead() {
  const g = state.grammar;
  if (!g) return;
  ui.grammarName.textContent = g.name;
  ui.grammarName.title = g.target ? `Save writes ${g.target}` : "Scratch rules: start serve with --save-to FILE to save them";
  const errors = state.diagnostics.length > 0;
  ui.grammarStatus.className = "badge" + (errors ? " error" : g.dirty ? " dirty" : "");
  ui.grammarStatus.textContent = errors ? "errors" : g.dirty ? "unsaved" : (g.target ? "saved" : "scratch");
  ui.save.disabled = !g.can_save;
  ui.save.title = g.can_save ? `Write ${g.target} (the old file is kept as .bak) — Ctrl+S`
    : "Nowhere to save scratch rules: restart with --save-to FILE";
  ui.revert.disabled = !(g.dirty || g.conflict);
  ui.conflict.hidden = !g.conflict;
}

function applyGrammar(g) {
  state.grammar = g;
  state.diagnostics = g.diagnostics || [];
  renderGrammarHead();
  renderDiagnostics();
}

function scheduleCompile() {
  state.typing = true;
  clearTimeout(state.pendingTimer);
  state.pendingTimer = setTimeout(compileNow, 250);
  renderGutter();
  renderMarks();
}

async function compileNow() {
  clearTimeout(state.pendingTimer);
  const seq = ++state.sent;
  state.typing = false;
  ui.compileStatus.textContent = "Compiling…";
  const r = await api("PUT", "/api/grammar", ui.editor.value);
  if (seq !== state.sent) return; // a newer edit is on its way
  if (r.status === 200 || r.status === 422) {
    applyGrammar(r.data);
    state.grammarRev = r.data.grammar_rev;
    if (r.data.grammar_gen !== state.grammarGen) {
      state.grammarGen = r.data.grammar_gen;
      showReport(false);
    }
  } else {
    say(r.data.error || `compiling failed (${r.status})`, true);
  }
}

async function loadGrammarText() {
  const r = await api("GET", "/api/grammar");
  if (!r.ok) return;
  const ed = ui.editor;
  const { selectionStart, selectionEnd, scrollTop } = ed;
  ed.value = r.data.text;
  ed.setSelectionRange(Math.min(selectionStart, ed.value.length), Math.min(selectionEnd, ed.value.length));
  ed.scrollTop = scrollTop;
  state.grammarRev = r.data.grammar_rev;
  applyGrammar(r.data);
}

async function save() {
  if (state.typing) await compileNow();
  const r = await api("POST", "/api/grammar/save");
  if (r.ok) {
    say(r.data.backup ? `Saved ${r.data.saved} (previous version in ${r.data.backup}).` : `Saved ${r.data.saved}.`);
    applyGrammar(r.data);
  } else {
    say(r.data.error || `saving failed (${r.status})`, true);
  }
}

async function revert() {
  const r = await api("POST", "/api/grammar/revert");
  if (r.ok) {
    await loadGrammarText();
    say("Loaded the rules from disk.");
  } else {
    say(r.data.error || `could not reload (${r.status})`, true);
  }
}

// ------------------------------------------------------------------ server state

async function refresh() {
  const r = await api("GET", "/api/state");
  if (!r.ok) return;
  const s = r.data;
  if (s.docs_rev !== state.docsRev || JSON.stringify(s.docs) !== JSON.stringify(state.docs)) {
    state.docs = s.docs;
    state.docsRev = s.docs_rev;
    if (state.selected === null || !state.docs.some((d) => d.index === state.selected)) {
      const m = /doc=(\d+)/.exec(location.hash);
      const want = m ? Number(m[1]) : 0;
      state.selected = state.docs.some((d) => d.index === want) ? want : (state.docs.length ? state.docs[0].index : null);
    }
    renderDocs();
  }
  if (s.grammar_rev !== state.grammarRev && !state.typing) {
    await loadGrammarText();
  } else if (!state.typing && s.version) {
    applyGrammar(s.grammar);
  }
  state.grammarGen = s.grammar_gen;
  $("tune").hidden = !s.gold;
  if (s.gold) $("tune").title = "Fit the weights of these rules to " + s.gold + " and show the cross-validated scores";
  showReport(false);
  document.body.dataset.version = String(s.version);
}

function connect() {
  const es = new EventSource("/events");
  es.onopen = () => {
    ui.live.textContent = "live";
    ui.live.className = "live on";
  };
  es.onmessage = () => { refresh(); };
  es.onerror = () => {
    ui.live.textContent = "reconnecting…";
    ui.live.className = "live off";
  };
}

// ------------------------------------------------------------------ layout

// The report needs about 900px to show the article and the diagram side by side; the document
// list can be hidden and the rules pane resized to give it room. Both are remembered.
const layout = {
  rulesW: Number(localStorage.getItem("toulmin.rulesW")) || 440,
  docsHidden: localStorage.getItem("toulmin.docsHidden"),
};

function applyLayout() {
  const max = Math.max(280, window.innerWidth - 420);
  layout.rulesW = Math.min(Math.max(layout.rulesW, 280), max);
  document.querySelector(".app").style.setProperty("--rules-w", `${layout.rulesW}px`);
  document.body.classList.toggle("docs-hidden", layout.docsHidden === "1");
  $("toggle-docs").setAttribute("aria-pressed", String(layout.docsHidden !== "1"));
}

if (layout.docsHidden === null) {
  layout.docsHidden = window.innerWidth - 196 - layout.rulesW < 910 ? "1" : "0";
}
if (!localStorage.getItem("toulmin.rulesW")) {
  const docs = layout.docsHidden === "1" ? 0 : 196;
  layout.rulesW = Math.min(440, Math.max(320, window.innerWidth - 910 - docs));
}
$("toggle-docs").addEventListener("click", () => {
  layout.docsHidden = layout.docsHidden === "1" ? "0" : "1";
  localStorage.setItem("toulmin.docsHidden", layout.docsHidden);
  applyLayout();
});
const splitter = $("splitter");
splitter.addEventListener("pointerdown", (e) => {
  splitter.setPointerCapture(e.pointerId);
  document.body.classList.add("dragging");
});
splitter.addEventListener("pointermove", (e) => {
  if (!splitter.hasPointerCapture(e.pointerId)) return;
  layout.rulesW = window.innerWidth - e.clientX;
  applyLayout();
});
const endDrag = () => {
  document.body.classList.remove("dragging");
  localStorage.setItem("toulmin.rulesW", String(layout.rulesW));
  measure();
  renderMarks();
};
splitter.addEventListener("pointerup", endDrag);
splitter.addEventListener("keydown", (e) => {
  if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
    e.preventDefault();
    layout.rulesW += e.key === "ArrowLeft" ? 20 : -20;
    applyLayout();
    endDrag();
  }
});
applyLayout();

// ------------------------------------------------------------------ wiring

ui.editor.addEventListener("input", scheduleCompile);
ui.editor.addEventListener("scroll", syncScroll);
ui.editor.addEventListener("keydown", (e) => {
  if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey) {
    e.preventDefault();
    document.execCommand("insertText", false, "  ");
  }
});
document.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === "s") {
    e.preventDefault();
    if (!ui.save.disabled) save();
  }
});
ui.save.addEventListener("click", save);

// "Tune on gold…": fits the current grammar's weights to the --gold file (server side) and
// shows the cross-validation table and the weights file; nothing is written.
async function tuneOnGold() {
  const status = $("tune-status");
  status.textContent = "tuning… (this takes a while)";
  $("tune-run").disabled = true;
  try {
    const r = await api("POST", "/api/tune", JSON.stringify({ objective: $("tune-objective").value }));
    if (!r.ok) {
      status.textContent = (r.data && r.data.error) || ("failed (" + r.status + ")");
      return;
    }
    status.textContent = "done";
    $("tune-table").textContent = r.data.table;
    $("tune-weights").textContent = r.data.weights;
  } catch (e) {
    status.textContent = "failed: " + e;
  } finally {
    $("tune-run").disabled = false;
  }
}
$("tune").addEventListener("click", () => {
  const panel = $("tune-panel");
  panel.hidden = false;
  panel.open = true;
  tuneOnGold();
});
$("tune-run").addEventListener("click", tuneOnGold);
ui.revert.addEventListener("click", revert);
ui.pasteAdd.addEventListener("click", addPasted);
ui.builtin.addEventListener("toggle", async () => {
  if (ui.builtin.open && !ui.builtinText.textContent) {
    const res = await fetch("/api/grammar/builtin");
    ui.builtinText.textContent = await res.text();
  }
});
window.addEventListener("resize", () => { applyLayout(); measure(); renderMarks(); });

measure();
refresh().then(connect);
