// Cash sale keypress → change painted on the real app, for BENCHMARKS.md (a benchmark, not a
// test). Drives the release build by default (E2E_APP overrides it) in demo mode: a $7.25
// sale on the cash screen (F8), then riel typed into "riel given" one key at a time (1, 0, 0,
// 0, then four Backspaces, again and again). Each key asks Rust for the change (`cash_quote`)
// and the screen stamps `data-key-to-change-ms` on #cash-change at the second animation frame
// after painting it, so WebDriver round trips are not counted.
//
//   xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" node tests/e2e/bench-cash-change.mjs \
//     [--runs 3] [--keys 40]
import { loadavg } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
process.env.E2E_APP ??= join(ROOT, "target/release/khqr-pos-app");
const { startApp, keys, waitAttr, waitShown, summary, arg } = await import("./harness.mjs");

const RUNS = arg("runs", 3);
const KEYS = arg("keys", 40);
const CYCLE = ["1", "0", "0", "0", "Backspace", "Backspace", "Backspace", "Backspace"];

const samples = [];
const load = { start: loadavg() };
for (let run = 0; run < RUNS; run++) {
  const app = await startApp({}, undefined, { simUrl: false });
  const { browser } = app;
  try {
    await keys(browser, "F2", "7", ".", "2", "5", "F8");
    await waitShown(browser, "#cash-screen");
    let seq = Number(await waitAttr(browser, "#cash-change", "data-quote-seq", (v) => v !== null));
    await (await browser.$("#cash-khr")).click();
    // The first keys pay for code warm-up and are not counted.
    for (let i = -CYCLE.length; i < KEYS; i++) {
      await keys(browser, CYCLE[(i + CYCLE.length) % CYCLE.length]);
      seq += 1;
      await waitAttr(browser, "#cash-change", "data-quote-seq", (v) => Number(v) >= seq);
      const ms = Number(await (await browser.$("#cash-change")).getAttribute("data-key-to-change-ms"));
      if (i >= 0) samples.push(ms);
    }
  } finally {
    await app.close();
    app.cleanup();
  }
}
load.end = loadavg();
console.log(JSON.stringify({ app: process.env.E2E_APP, keyToChangeMs: summary(samples), loadavg: load }, null, 2));
