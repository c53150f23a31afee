// Enter → QR painted on the real app, for BENCHMARKS.md (a benchmark, not a test). Drives the
// release build by default (E2E_APP overrides it) in demo mode, reads the UI's own stamps
// (`data-enter-to-qr-ms`, `data-ipc-ms` on #card) so WebDriver round trips are not counted,
// and then times the QR's repaint alone in the page: the same QR as merged runs (what the
// app now sends) and as one sub-path per module (what it sent before), swapped in turn.
//
//   xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" node tests/e2e/bench-enter-qr.mjs \
//     [--runs 3] [--charges 25] [--paints 40]
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
process.env.E2E_APP ??= join(ROOT, "target/release/khqr-pos-app");
const { SHOT_DIR, startApp, keys, shot, waitAttr, waitShown, summary, arg } = await import("./harness.mjs");

const RUNS = arg("runs", 3);
const CHARGES = arg("charges", 25);
const PAINTS = arg("paints", 40);

/**
 * The same QR drawn one sub-path per module in pixel units, as the qrcode crate's renderer
 * wrote it before runs were merged: expands each `M x y h n v1 h-n z` run into n modules.
 */
function perModule(svg) {
  const side = Number(/viewBox="0 0 (\d+) /.exec(svg)[1]);
  const px = Number(/width="(\d+)"/.exec(svg)[1]);
  const unit = px / side;
  let d = "";
  for (const [, x, y, n] of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let i = 0; i < Number(n); i++) {
      const l = (Number(x) + i) * unit;
      const t = Number(y) * unit;
      d += `M${l} ${t}h${unit}v${unit}H${l}V${t}`;
    }
  }
  return svg
    .replace(/viewBox="0 0 \d+ \d+"/, `viewBox="0 0 ${px} ${px}"`)
    .replace(/<rect x="0" y="0" width="\d+" height="\d+"/, `<rect x="0" y="0" width="${px}" height="${px}"`)
    .replace(/ d="[^"]*"/, ` d="${d}"`);
}

/** Replaces the card's QR with `markup` and resolves at the second frame after, in ms. */
async function repaint(browser, markup) {
  return browser.executeAsync((text, done) => {
    const box = document.getElementById("card-qr");
    const started = performance.now();
    const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
    box.replaceChild(document.importNode(svg, true), box.firstElementChild);
    requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - started)));
  }, markup);
}

const enter = [];
const ipc = [];
const paint = { runs: [], perModule: [] };
const sizes = {};
const screenshot = {};
const load = { start: loadavg() };
for (let run = 0; run < RUNS; run++) {
  const app = await startApp({}, undefined, { simUrl: false });
  const { browser } = app;
  try {
    // One charge first: the first QR pays for font and code warm-up, not counted.
    for (let i = -1; i < CHARGES; i++) {
      await keys(browser, "Escape", ...String(1000 + (i + 1) * 100).split(""), "Enter");
      await waitAttr(browser, "#card-qr", "data-qr", (v) => typeof v === "string" && v.length > 0);
      const ms = await waitAttr(browser, "#card", "data-enter-to-qr-ms", (v) => v !== null);
      if (i >= 0) {
        enter.push(Number(ms));
        ipc.push(Number(await (await browser.$("#card")).getAttribute("data-ipc-ms")));
      }
      if (i === CHARGES - 1) break;
      await keys(browser, "Escape");
      await waitShown(browser, "#entry-panel");
    }
    if (run === 0) {
      // What the customer's phone sees: the screen as painted, decoded by zbarimg when it is
      // installed (apt zbar-tools), against the QR string the app made.
      await shot(browser, "bench-enter-qr");
      screenshot.file = join(SHOT_DIR, "bench-enter-qr.png");
      screenshot.qr = await (await browser.$("#card-qr")).getAttribute("data-qr");
      try {
        const decoded = execFileSync("zbarimg", ["--quiet", "--raw", "-Sbinary", screenshot.file], { encoding: "utf8" }).trim();
        screenshot.decodedMatches = decoded === screenshot.qr;
      } catch (err) {
        screenshot.decodeError = String(err.message).split("\n")[0];
      }
    }
    const merged = await browser.execute(() => new XMLSerializer().serializeToString(document.querySelector("#card-qr > svg")));
    const old = perModule(merged);
    sizes.runs = merged.length;
    sizes.perModule = old.length;
    for (let i = 0; i < PAINTS; i++) {
      paint.perModule.push(await repaint(browser, old));
      paint.runs.push(await repaint(browser, merged));
    }
  } finally {
    await app.close();
    app.cleanup();
  }
}
load.end = loadavg();
console.log(
  JSON.stringify(
    {
      app: process.env.E2E_APP,
      enterToQrMs: summary(enter),
      ipcMs: summary(ipc),
      qrRepaintMs: { mergedRuns: summary(paint.runs), perModule: summary(paint.perModule) },
      svgChars: sizes,
      screenshot,
      loadavg: load,
    },
    null,
    2,
  ),
);
