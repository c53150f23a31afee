// Memory and idle CPU of the real app's whole process tree (app, WebKitWebProcess,
// WebKitNetworkProcess), for BENCHMARKS.md (a benchmark, not a test). Release build by default
// (E2E_APP overrides it), demo mode. Each sale is what a cashier does: type, Enter, the QR,
// the customer pays (F9, the demo's simulated payment), Space asks Bakong at once, PAID, Esc.
// At each checkpoint it sums PSS (shared pages split between the processes that map them, so
// the tree's sum counts each page once) and RSS from /proc; at the end it samples CPU ticks
// on the counter screen with no sale pending.
//
//   xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" node tests/e2e/bench-memory.mjs \
//     [--sales 100] [--checkpoints 10,100] [--idle-seconds 30] [--idle-steps idle]
// --idle-steps measures idle CPU again after each step in turn, to find what wakes the web
// process: idle (nothing done), timers (clear every JS timer of the page), blur, hide (body
// display none), audio / rest (start / suspend an AudioContext from the page).
// Extra environment for the app (e.g. WEBKIT_DISABLE_COMPOSITING_MODE=1) is passed through.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
process.env.E2E_APP ??= join(ROOT, "target/release/khqr-pos-app");
const { startApp, appPid, keys, processTree, waitAttr, waitShown } = await import("./harness.mjs");

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const SALES = Number(arg("sales", 100));
const CHECKPOINTS = arg("checkpoints", "10,100").split(",").map(Number);
const IDLE_SECONDS = Number(arg("idle-seconds", 30));
const IDLE_STEPS = arg("idle-steps", "idle").split(",");

/** What each --idle-steps step does in the page before its idle CPU is measured. */
const STEPS = {
  idle: () => {},
  timers: () => {
    const top = window.setTimeout(() => {}, 0);
    for (let i = 1; i <= top; i++) {
      window.clearInterval(i);
      window.clearTimeout(i);
    }
  },
  blur: () => document.activeElement?.blur(),
  hide: () => {
    document.body.style.display = "none";
  },
  audio: () => {
    window.benchAudio = new AudioContext();
    return window.benchAudio.resume();
  },
  rest: () => window.benchAudio?.suspend(),
};

const mib = (kb) => Math.round((kb / 1024) * 10) / 10;

/** CPU ticks (utime + stime, 1/100 s) of each process in the tree, by name. */
function ticksByName(rootPid) {
  const out = {};
  for (const pid of processTree(rootPid).pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const name = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      out[name] = (out[name] ?? 0) + Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** PSS and RSS (MiB) of every process in the tree, by name, and their sums. */
function memory(rootPid) {
  const byProcess = {};
  let pss = 0;
  let rss = 0;
  for (const pid of processTree(rootPid).pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const name = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      const p = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      const r = Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += p;
      rss += r;
      const entry = (byProcess[name] ??= { pssMiB: 0, rssMiB: 0 });
      entry.pssMiB = mib(entry.pssMiB * 1024 + p);
      entry.rssMiB = mib(entry.rssMiB * 1024 + r);
    } catch {
      // the process ended meanwhile
    }
  }
  return { pssMiB: mib(pss), rssMiB: mib(rss), byProcess };
}

const app = await startApp({}, undefined, { simUrl: false });
const { browser } = app;
const result = { app: process.env.E2E_APP, compositingDisabled: process.env.WEBKIT_DISABLE_COMPOSITING_MODE ?? null, loadavg: { start: loadavg() } };
try {
  const pid = appPid(app.dataDir);
  if (pid === null) throw new Error("app process not found");
  result.afterStart = memory(pid);
  result.sales = {};
  for (let sale = 1; sale <= SALES; sale++) {
    await keys(browser, "Escape", ...String(1000 + sale * 100).split(""), "Enter");
    await waitAttr(browser, "#card-qr", "data-qr", (v) => typeof v === "string" && v.length > 0);
    await waitShown(browser, "#simulate");
    await keys(browser, "F9");
    // The simulated payment lands in the simulator; Space asks Bakong now instead of at the
    // next scheduled check (6 s after the QR).
    await sleep(300);
    await keys(browser, " ");
    await waitShown(browser, "#paid", 15_000);
    await keys(browser, "Escape");
    await waitShown(browser, "#entry-panel");
    if (CHECKPOINTS.includes(sale)) {
      await sleep(2_000);
      result.sales[sale] = memory(pid);
    }
  }
  await sleep(2_000);
  result.idle = {};
  for (const step of IDLE_STEPS) {
    await browser.execute(STEPS[step]);
    const a = processTree(pid);
    const byNameBefore = ticksByName(pid);
    const t0 = performance.now();
    await sleep(IDLE_SECONDS * 1000);
    const b = processTree(pid);
    const seconds = (performance.now() - t0) / 1000;
    const byNameAfter = ticksByName(pid);
    // /proc/<pid>/stat utime + stime are in clock ticks of 1/100 s on Linux.
    result.idle[step] = {
      cpuPercentOfOneCore: Math.round(((b.ticks - a.ticks) / 100 / seconds) * 100 * 100) / 100,
      byProcess: Object.fromEntries(
        Object.entries(byNameAfter).map(([name, t]) => [name, Math.round(((t - (byNameBefore[name] ?? 0)) / 100 / seconds) * 100 * 100) / 100]),
      ),
      seconds: Math.round(seconds),
    };
  }
} finally {
  await app.close();
  app.cleanup();
}
result.loadavg.end = loadavg();
console.log(JSON.stringify(result, null, 2));
