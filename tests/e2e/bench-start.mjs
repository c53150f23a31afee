// Cold start of the real app to an interactive counter, for BENCHMARKS.md (a benchmark, not a
// test). Release build by default (E2E_APP overrides it, e.g. /usr/bin/khqr-pos-app from the
// installed package), demo mode, a fresh data directory each start. Two measures per start:
// the app process's start (from /proc) → the counter's `data-interactive-at-ms` stamp (ledger
// opened, demo simulator started, the screen painted), and the WebDriver session request →
// the counter ready, as a test sees it (this one also launches the app through WebKitWebDriver).
//
//   xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" node tests/e2e/bench-start.mjs [--starts 5]
import { loadavg } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
process.env.E2E_APP ??= join(ROOT, "target/release/khqr-pos-app");
const { startApp, appPid, processStartMs, summary, arg } = await import("./harness.mjs");

const STARTS = arg("starts", 5);
const processToInteractive = [];
const sessionToReady = [];
const load = { start: loadavg() };
for (let i = 0; i < STARTS; i++) {
  const app = await startApp({}, undefined, { simUrl: false });
  try {
    const pid = appPid(app.dataDir);
    if (pid === null) throw new Error(`no ${process.env.E2E_APP} process for this session`);
    const interactiveAt = Number(await (await app.browser.$("body")).getAttribute("data-interactive-at-ms"));
    processToInteractive.push(Math.round(interactiveAt - processStartMs(pid)));
    sessionToReady.push(Math.round(app.coldStartMs));
  } finally {
    await app.close();
    app.cleanup();
  }
}
load.end = loadavg();
console.log(
  JSON.stringify(
    { app: process.env.E2E_APP, processStartToInteractiveMs: summary(processToInteractive), sessionToReadyMs: summary(sessionToReady), samples: { processToInteractive, sessionToReady }, loadavg: load },
    null,
    2,
  ),
);
