// Drives `toulmin serve` in headless Chromium: the page loads and shows the diagram, a grammar
// error is shown inline while the last good map stays, a rule change changes the diagram,
// Ctrl+S saves, pasted text is shown as text, and an input edited on disk updates the page.
// Builds nothing: TOULMIN_BIN names the binary. Screenshots go to /tmp/toulmin-shots/.
// Exits 0 only when every check passed.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = process.env.TOULMIN_BIN;
const shots = "/tmp/toulmin-shots";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = 15000;

const SATELLITE_RULES = `lexicon space_words = ["satellite", "satellites"]
rule about_space : counterclaim 5 {
  when contains space_words
  priority 9
}
`;

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) {
    passed++;
    console.log(`ok - ${what}`);
  } else {
    failed++;
    console.log(`not ok - ${what}`);
  }
  return ok;
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function startServer(args) {
  return new Promise((res, rej) => {
    const child = spawn(bin, ["serve", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => rej(new Error(`serve did not start:\n${out}\n${err}`)), TIMEOUT);
    child.stdout.on("data", (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ child, url: m[1] });
      }
    });
    child.stderr.on("data", (d) => { err += d; process.stderr.write(d); });
    child.on("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`serve exited with ${code}:\n${out}\n${err}`));
    });
  });
}

// The role class of a unit's node in the diagram of the visible report.
function nodeRole(page, unit) {
  return page.evaluate((unit) => {
    const f = document.querySelector("iframe.front");
    const n = f && f.contentDocument && f.contentDocument.querySelector(`#node-${unit}`);
    if (!n) return null;
    const role = Array.from(n.classList).find((c) => c.startsWith("role-"));
    return role ? role.slice(5) : "";
  }, unit);
}

async function waitRole(page, unit, role) {
  await page.waitForFunction(([unit, role]) => {
    const f = document.querySelector("iframe.front");
    const n = f && f.contentDocument && f.contentDocument.querySelector(`#node-${unit}`);
    return n && n.classList.contains(`role-${role}`);
  }, [unit, role], { timeout: TIMEOUT });
}

async function main() {
  if (!bin || !existsSync(bin)) {
    console.error(`TOULMIN_BIN must name the toulmin binary (got ${bin || "nothing"})`);
    return 2;
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    return 2;
  }
  mkdirSync(shots, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "toulmin-browser-"));
  const live = join(work, "live-article.txt");
  writeFileSync(live, "Cities should price congestion. Traffic costs billions every year.\n");
  const saveTo = join(work, "saved.rules");
  const port = await freePort();
  const { child, url } = await startServer([
    "corpus/ipcs-us-north-korea-2018.txt", live, "--port", String(port), "--save-to", saveTo,
  ]);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on("pageerror", (e) => errors.push(String(e)));
    // The broken grammar's 422 answer is expected; anything else logged as an error is not.
    page.on("console", (m) => {
      if (m.type() === "error" && !/status of 422/.test(m.text())) errors.push(m.text());
    });
    page.setDefaultTimeout(TIMEOUT);

    // 1. The page, the document list and the diagram.
    await page.goto(url);
    check(url.startsWith(`http://127.0.0.1:${port}/`), "serves on 127.0.0.1 at the requested port");
    await page.waitForSelector("body[data-shown]");
    await page.waitForSelector("#live.on");
    const names = await page.$$eval("#doc-list .name", (els) => els.map((e) => e.textContent));
    check(names.length === 2 && names[0] === "ipcs-us-north-korea-2018.txt", `lists the inputs (${names})`);
    const nodes = await page.evaluate(() =>
      document.querySelector("iframe.front").contentDocument.querySelectorAll("svg .node").length);
    check(nodes > 10, `the diagram has ${nodes} nodes`);
    const sideBySide = await page.evaluate(() => {
      const d = document.querySelector("iframe.front").contentDocument;
      const a = d.querySelector("#article");
      const g = d.querySelector("#diagram-pane") || d.querySelector("svg");
      if (!a || !g) return false;
      const ra = a.getBoundingClientRect();
      const rg = g.getBoundingClientRect();
      return rg.left >= ra.right - 1 && rg.width > 200 && ra.width > 200;
    });
    check(sideBySide, "article and diagram side by side in the report pane at 1600x1000");
    // The satellite-images unit, found by its text in the report's article pane: its id
    // follows the segmentation of the sentences before it.
    const sat = await page.evaluate(() => {
      const d = document.querySelector("iframe.front").contentDocument;
      const span = [...d.querySelectorAll("span.unit[data-unit]")].find((s) =>
        s.textContent.includes("satellite images indicated"));
      return span ? span.getAttribute("data-unit") : null;
    });
    check(sat !== null, `the satellite-images unit is in the article pane (${sat})`);
    const before = await nodeRole(page, sat);
    check(before === "evidence", `${sat} (satellite images) starts as evidence (${before})`);
    await page.screenshot({ path: join(shots, "01-initial.png") });

    // 2. A broken rule: the diagnostic appears at its line and column; the map stays.
    const editor = page.locator("#grammar");
    const startText = await editor.inputValue();
    const startLines = startText.split("\n").length;
    await editor.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("rule broken : nonsense 1 {\n  when in title\n}\n");
    await page.waitForSelector("#diagnostics li");
    const diag = await page.$eval("#diagnostics li", (li) => li.textContent);
    const errLine = startLines; // the typed rule starts on the last (empty) line
    check(diag.includes(`${errLine}:15`) && diag.includes("unknown role `nonsense`"),
      `diagnostic with line:col (${diag})`);
    const marked = await page.$$eval("#gutter .err", (els) => els.map((e) => e.textContent));
    check(marked.length === 1 && marked[0] === String(errLine), `gutter marks line ${errLine} (${marked})`);
    const inline = await page.$eval("#backdrop .inline-msg", (e) => e.textContent).catch(() => "");
    check(inline.includes("unknown role"), `inline message in the editor (${inline})`);
    check(await page.$eval("#grammar-status", (e) => e.textContent) === "errors", "status badge says errors");
    await page.waitForTimeout(500);
    check(await nodeRole(page, sat) === "evidence", "the last good map stays on screen");
    await page.screenshot({ path: join(shots, "02-grammar-error.png") });

    // 3. A rule that makes satellite units counterclaims: the diagram changes.
    await editor.fill(startText + SATELLITE_RULES);
    await waitRole(page, sat, "counterclaim");
    check(true, `${sat} becomes a counterclaim in the diagram`);
    check(await page.$$eval("#diagnostics li", (l) => l.length) === 0, "no diagnostics left");
    check(await page.$$eval("#gutter .err", (l) => l.length) === 0, "no marked lines left");
    check(await page.$eval("#grammar-status", (e) => e.textContent) === "unsaved", "status badge says unsaved");
    await page.screenshot({ path: join(shots, "03-rule-changed.png") });

    // 4. Ctrl+S saves to --save-to.
    await editor.click();
    await page.keyboard.press("Control+s");
    await page.waitForFunction(() => document.querySelector("#grammar-status").textContent === "saved");
    const saved = existsSync(saveTo) ? readFileSync(saveTo, "utf8") : "";
    check(saved === startText + SATELLITE_RULES, "Ctrl+S wrote the rules to the --save-to file");
    const message = await page.$eval("#message", (e) => e.textContent);
    check(message.includes("saved.rules"), `save message (${message})`);

    // 5. Pasted text is listed as text, never as markup.
    await page.click("#paste summary");
    await page.fill("#paste-name", "<b>bold</b> & <img src=x onerror=alert(1)>");
    await page.fill("#paste-text", "Critics say the satellite launch was peaceful. They are wrong, because it tested missiles.");
    await page.click("#paste-add");
    await page.waitForFunction(() => document.querySelectorAll("#doc-list li").length === 3);
    const pasted = await page.$eval("#doc-list li:nth-child(3) .name", (e) => e.textContent);
    const injected = await page.$$eval("#doc-list b, #doc-list img", (els) => els.length);
    check(pasted === "<b>bold</b> & <img src=x onerror=alert(1)>" && injected === 0,
      `a pasted name shows as text (${pasted})`);
    await page.waitForFunction(() => (document.body.dataset.shown || "").startsWith("2/"));
    await page.screenshot({ path: join(shots, "04-pasted.png") });

    // 6. Live reload: an input edited on disk updates the open page.
    await page.click("#doc-list li:nth-child(2) button");
    await page.waitForFunction(() => (document.body.dataset.shown || "").startsWith("1/"));
    const t0 = Date.now();
    writeFileSync(live, "Cities should price congestion. Traffic costs billions every year. " +
      "Critics say pricing hurts the poor. But the revenue can fund buses.\n");
    await page.waitForFunction(() => {
      const f = document.querySelector("iframe.front");
      return f.contentDocument && f.contentDocument.body.textContent.includes("fund buses");
    }, null, { timeout: 5000 });
    const took = Date.now() - t0;
    check(took < 2000, `the page showed the edited file after ${took} ms`);
    await page.screenshot({ path: join(shots, "05-live-reload.png") });

    check(errors.length === 0, `no errors in the page console (${errors.join(" | ")})`);
  } catch (e) {
    check(false, `unexpected failure: ${e && e.stack ? e.stack : e}`);
    try {
      const pages = browser.contexts().flatMap((c) => c.pages());
      if (pages[0]) await pages[0].screenshot({ path: join(shots, "99-failure.png") });
    } catch (_) { /* no screenshot */ }
  } finally {
    await browser.close();
    child.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  console.log(`screenshots: ${shots}/`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
