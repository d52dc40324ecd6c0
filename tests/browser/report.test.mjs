// Opens the HTML report of the reference article in headless Chromium, for both renderers:
// clicking a diagram node highlights its sentence in the article; clicking a sentence
// highlights its node and the path to the thesis; the page makes no network request and no
// hostile article text executes. Builds nothing: TOULMIN_BIN names the binary. Screenshots go
// to /tmp/toulmin-shots/. Exits 0 only when every check passed.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = resolve(process.env.TOULMIN_BIN || join(root, "target/release/toulmin"));
const shots = "/tmp/toulmin-shots";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok" : "not ok"} - ${what}`);
  return ok;
}

function mapTo(dir, input, renderer) {
  execFileSync(bin, ["map", input, "-o", dir, "--format", "html", "--renderer", renderer], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  for (const renderer of ["dot", "builtin"]) {
    const dir = mkdtempSync(join(tmpdir(), "toulmin-report-"));
    mapTo(dir, "corpus/ipcs-us-north-korea-2018.txt", renderer);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const requests = [];
    page.on("request", (r) => requests.push(r.url()));
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(join(dir, "ipcs-us-north-korea-2018.html")).href);

    // The evidence unit about satellite images, found by its text in the article pane.
    const uid = await page.evaluate(() => {
      const span = [...document.querySelectorAll("span.unit[data-unit]")].find((s) =>
        s.textContent.includes("satellite images indicated"));
      return span ? span.getAttribute("data-unit") : null;
    });
    check(uid !== null, `${renderer}: the satellite-images unit is highlighted in the article`);

    // Click its node in the diagram: the article scrolls to the unit and selects it.
    // "fit" shows the whole diagram, so the node is on screen for a real mouse click.
    await page.locator("button", { hasText: /^fit$/ }).first().click();
    await page.locator(`#node-${uid}`).first().click();
    const selected = await page.evaluate((id) =>
      [...document.querySelectorAll(`span.unit[data-unit="${id}"]`)].every((s) => s.classList.contains("sel")), uid);
    check(selected, `${renderer}: clicking node ${uid} highlights its sentence`);
    await page.screenshot({ path: join(shots, `report-${renderer}-node-click.png`) });

    // Clear the selection (Esc), then click the sentence: its node and its path light up.
    await page.keyboard.press("Escape");
    const cleared = await page.evaluate(() => document.querySelectorAll(".sel").length === 0);
    check(cleared, `${renderer}: Esc clears the selection`);
    await page.locator(`span.unit[data-unit="${uid}"]`).first().click();
    const path = await page.evaluate((id) => ({
      node: document.getElementById(`node-${id}`)?.classList.contains("sel") ?? false,
      onpath: document.querySelectorAll(".onpath").length,
    }), uid);
    check(path.node, `${renderer}: clicking the sentence highlights node ${uid}`);
    check(path.onpath >= 2, `${renderer}: the path to the thesis is highlighted (${path.onpath} elements)`);
    await page.screenshot({ path: join(shots, `report-${renderer}-sentence-click.png`) });

    check(requests.every((u) => u.startsWith("file:")), `${renderer}: no network request (${requests.length} requests)`);
    check(errors.length === 0, `${renderer}: no script errors ${errors.join("; ")}`);
    await page.close();
  }

  // Hostile article text shows as written and runs nothing.
  const dir = mkdtempSync(join(tmpdir(), "toulmin-hostile-"));
  const input = join(dir, "hostile.txt");
  writeFileSync(input, 'Cities should act now <script>window.__pwned=1</script>. ' +
    'Critics say "><img src=x onerror="window.__pwned=2"> is fine. But </style> and {{ 7*7 }} prove nothing.\n');
  mapTo(dir, input, "builtin");
  const page = await browser.newPage();
  let dialogs = 0;
  page.on("dialog", (d) => { dialogs++; d.dismiss(); });
  await page.goto(pathToFileURL(join(dir, "hostile.html")).href);
  const state = await page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    text: document.body.innerText,
    imgs: document.querySelectorAll("img").length,
  }));
  check(state.pwned === null && dialogs === 0 && state.imgs === 0, "hostile article: nothing executes");
  check(state.text.includes("<script>window.__pwned=1</script>") && state.text.includes("{{ 7*7 }}"),
    "hostile article: the text shows as written");
  await page.screenshot({ path: join(shots, "report-hostile.png") });
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
