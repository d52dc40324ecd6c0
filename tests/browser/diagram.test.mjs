// Diagrams a person can read, checked in headless Chromium for every corpus article and both
// renderers: the SVG's aspect ratio is within 1:1…2.2:1, node text is at least 10 px when the
// drawing is fitted to a 1600 px wide screen, the built-in SVG has its title, section bands,
// legend and tooltips, and no edge passes through a node box (sampled from the SVG geometry
// the browser computes; the built-in layout guarantees it, Graphviz's crossings are reported). Then
// the report's collapsed view and outline, by pointer and by keyboard. Screenshots at 1600×1000 go to /tmp/toulmin-shots/, or to
// output/screenshots/ with SHOTS=output (how the committed ones were made).

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = resolve(process.env.TOULMIN_BIN || join(root, "target/release/toulmin"));
const shots = process.env.SHOTS === "output" ? join(root, "output/screenshots") : "/tmp/toulmin-shots";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
// The reference article and two others are kept as screenshots.
const SHOWN = ["ipcs-us-north-korea-2018", "four-day-week", "urban-congestion-pricing"];

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok" : "not ok"} - ${what}`);
  return ok;
}

function mapTo(dir, input, renderer, formats) {
  execFileSync(bin, ["map", input, "-o", dir, "--format", formats, "--renderer", renderer], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

mkdirSync(shots, { recursive: true });
const corpus = readdirSync(join(root, "corpus"))
  .filter((f) => [".txt", ".md", ".html"].includes(extname(f)))
  .sort();
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});

// Geometry of an SVG document open in `page`, in root user units.
async function geometry(page) {
  return page.evaluate(() => {
    const svg = document.querySelector("svg");
    const vb = svg.viewBox.baseVal;
    const rootInv = svg.getCTM() ? svg.getCTM().inverse() : null;
    const toRoot = (el, x, y) => {
      const p = svg.createSVGPoint();
      p.x = x; p.y = y;
      let q = p.matrixTransform(el.getCTM());
      if (rootInv) q = q.matrixTransform(rootInv);
      return q;
    };
    const boxes = [...svg.querySelectorAll("g[id^='node-']")].map((g) => {
      const shape = g.querySelector("rect, polygon, path");
      const b = shape.getBBox();
      const a = toRoot(shape, b.x, b.y);
      const c = toRoot(shape, b.x + b.width, b.y + b.height);
      return { id: g.id, x0: Math.min(a.x, c.x), y0: Math.min(a.y, c.y), x1: Math.max(a.x, c.x), y1: Math.max(a.y, c.y) };
    });
    const sizes = [...svg.querySelectorAll("g[id^='node-'] text")].map((t) =>
      parseFloat(getComputedStyle(t).fontSize));
    const hits = [];
    for (const g of svg.querySelectorAll("g[id^='edge-']")) {
      // An edge's own ends touch its nodes: Graphviz clips the middle line of a multi-line
      // (restatement) edge at the border, and the parallel lines start a stroke width inside.
      const ends = new Set();
      const t = g.querySelector(":scope > title");
      if (t) for (const n of t.textContent.split("->")) ends.add(`node-${n.trim()}`);
      const own = (b) => ends.has(b.id);
      for (const path of g.querySelectorAll("path")) {
        const len = path.getTotalLength();
        for (let s = 0; s <= len; s += 3) {
          const pt = path.getPointAtLength(s);
          const q = toRoot(path, pt.x, pt.y);
          const inside = boxes.find((b) => !own(b) && q.x > b.x0 + 1.5 && q.x < b.x1 - 1.5 && q.y > b.y0 + 1.5 && q.y < b.y1 - 1.5);
          if (inside) { hits.push(`${g.id} through ${inside.id} at ${Math.round(q.x)},${Math.round(q.y)}`); break; }
        }
      }
    }
    return {
      width: vb.width, height: vb.height, nodes: boxes.length,
      minFont: Math.min(...sizes),
      title: !!svg.querySelector(":scope > title") || !!svg.querySelector("g.title, g#graph0 > title"),
      bands: svg.querySelectorAll("g.section, g.cluster").length,
      legend: !!svg.querySelector("g.legend"),
      tooltips: svg.querySelectorAll("g[id^='node-'] title").length,
      hits,
    };
  });
}

try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  for (const file of corpus) {
    const name = basename(file, extname(file));
    for (const renderer of ["builtin", "dot"]) {
      const dir = mkdtempSync(join(tmpdir(), "toulmin-diagram-"));
      mapTo(dir, join("corpus", file), renderer, "json,svg");
      const json = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
      const units = json.units.length;
      const sections = new Set(json.units.map((u) => u.section).filter((s) => s)).size;
      await page.goto(pathToFileURL(join(dir, `${name}.svg`)).href);
      const g = await geometry(page);
      const ratio = g.width / g.height;
      const tag = `${name} ${renderer} (${units} units, ${Math.round(g.width)}x${Math.round(g.height)})`;
      check(ratio >= 1 && ratio <= 2.2, `${tag}: aspect ${ratio.toFixed(2)} within 1..2.2`);
      const fitted = (g.minFont * 1600) / g.width;
      check(fitted >= 10, `${tag}: smallest node text ${fitted.toFixed(1)} px at 1600 px wide`);
      check(g.nodes === units, `${tag}: one node per unit (${g.nodes})`);
      if (renderer === "builtin") {
        check(g.title && g.legend && g.bands === sections && g.tooltips === units,
          `${tag}: title, legend, ${g.bands} section bands of ${sections}, ${g.tooltips} tooltips`);
      }
      if (renderer === "builtin") {
        check(g.hits.length === 0, `${tag}: no edge passes through a node box ${g.hits.slice(0, 3).join("; ")}`);
      } else if (g.hits.length > 0) {
        // Graphviz routes its own splines (and its edge concentration can cross a box); the
        // built-in layout is the one that guarantees clear edges, so here it is only reported.
        console.log(`note - ${tag}: Graphviz drew ${g.hits.length} edge(s) across a box: ${g.hits.slice(0, 3).join("; ")}`);
      }
      if (SHOWN.includes(name)) {
        // The whole drawing fitted into the screen, as a reader first sees it.
        await page.evaluate(() => {
          const svg = document.querySelector("svg");
          svg.setAttribute("width", "1600");
          svg.setAttribute("height", "1000");
          svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
          document.documentElement.style.background = "#fff";
        });
        await page.screenshot({ path: join(shots, `${name}-${renderer}.png`) });
      }
    }
  }
  await page.close();

  // The collapsed view and the outline, by pointer and by keyboard.
  for (const renderer of ["dot", "builtin"]) {
    const dir = mkdtempSync(join(tmpdir(), "toulmin-fold-"));
    mapTo(dir, "corpus/ipcs-us-north-korea-2018.txt", renderer, "html");
    const p = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors = [];
    p.on("pageerror", (e) => errors.push(String(e)));
    await p.goto(pathToFileURL(join(dir, "ipcs-us-north-korea-2018.html")).href);
    const shown = () => p.evaluate(() => {
      const map = JSON.parse(document.getElementById("map-data").textContent);
      const visible = (el) => el && getComputedStyle(el).display !== "none" && el.getBoundingClientRect().width > 0;
      const roles = {};
      map.units.forEach((u) => {
        if (visible(document.getElementById(`node-${u.id}`))) roles[u.role] = (roles[u.role] || 0) + 1;
      });
      const outline = [...document.querySelectorAll("#outline li[data-unit]")]
        .filter((li) => getComputedStyle(li).display !== "none").length;
      return { roles, total: Object.values(roles).reduce((a, b) => a + b, 0), outline,
        kept: map.units.filter((u) => u.role === "thesis" || u.role === "claim").length, all: map.units.length };
    });
    const before = await shown();
    check(before.total === before.all, `${renderer}: full view shows all ${before.all} nodes`);

    await p.click("#fold-toggle");
    const folded = await shown();
    check(folded.total === folded.kept && Object.keys(folded.roles).every((r) => r === "thesis" || r === "claim"),
      `${renderer}: "claims only" by pointer leaves thesis and claims (${folded.total} of ${folded.all})`);
    const badge = await p.evaluate(() => {
      const b = [...document.querySelectorAll(".fold-badge")].find((x) => x.getBoundingClientRect().width > 0);
      return b ? { owner: b.getAttribute("data-owner"), label: b.getAttribute("aria-label") } : null;
    });
    check(badge !== null, `${renderer}: claims carry fold counts (${badge && badge.label})`);
    await p.screenshot({ path: join(shots, `report-collapsed-${renderer}.png`) });

    // Keyboard: focus the badge, Enter opens what folds under it, Space closes it again.
    await p.focus(`.fold-badge[data-owner="${badge.owner}"]`);
    await p.keyboard.press("Enter");
    const opened = await shown();
    check(opened.total > folded.total, `${renderer}: Enter on the count of ${badge.owner} unfolds its units (${opened.total})`);
    await p.keyboard.press(" ");
    check((await shown()).total === folded.total, `${renderer}: Space folds them again`);
    // Pointer on the badge.
    await p.click(`.fold-badge[data-owner="${badge.owner}"]`);
    check((await shown()).total > folded.total, `${renderer}: a click on the count unfolds too`);

    // Outline: shown by the toggle, folded alike, its counts work by keyboard.
    await p.focus("#outline-toggle");
    await p.keyboard.press("Enter");
    const outlineBox = await p.evaluate(() => document.getElementById("outline").getBoundingClientRect().width);
    check(outlineBox > 200, `${renderer}: the outline opens beside the diagram (${Math.round(outlineBox)} px)`);
    const o1 = await shown();
    await p.focus(`#outline .fold-count[data-owner="${badge.owner}"]`);
    await p.keyboard.press("Enter");
    const o2 = await shown();
    check(o2.outline < o1.outline, `${renderer}: Enter on an outline count folds its items (${o1.outline} -> ${o2.outline})`);
    await p.screenshot({ path: join(shots, `report-outline-${renderer}.png`) });

    // Back to the full view by keyboard.
    await p.focus("#fold-toggle");
    await p.keyboard.press(" ");
    const after = await shown();
    check(after.total === after.all && after.outline === after.all, `${renderer}: Space on the toggle restores the full view`);
    check(errors.length === 0, `${renderer}: no script errors ${errors.join("; ")}`);
    await p.close();
  }
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
