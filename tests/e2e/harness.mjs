// Drives the real desktop app through WebDriver: WebKitWebDriver (Debian's webkit2gtk-driver,
// on a fixed loopback port) launches target/debug/khqr-pos-app with a fresh data directory in
// demo mode. Each session gets its own app, data directory and simulator. tauri-driver is not
// needed on Linux: all it adds is renaming `tauri:options` to `webkitgtk:browserOptions` and
// setting TAURI_WEBVIEW_AUTOMATION, both done here, and building it cost CI minutes.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { remote } from "webdriverio";
import { before, after } from "node:test";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
// E2E_APP / E2E_CLI point the same tests at an installed package's binaries.
export const APP = process.env.E2E_APP ?? join(ROOT, "target/debug/khqr-pos-app");
export const CLI = process.env.E2E_CLI ?? join(ROOT, "target/debug/khqr-pos");
const DRIVER_PORT = Number(process.env.E2E_DRIVER_PORT ?? 4444);

/** Where screenshots go: docs/screenshots when regenerating them, a temp dir otherwise. */
export const SHOT_DIR = process.env.E2E_SCREENSHOT_DIR
  ? resolve(process.env.E2E_SCREENSHOT_DIR)
  : mkdtempSync(join(tmpdir(), "khqr-e2e-shots-"));

async function waitForDriver(driver) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${driver.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${DRIVER_PORT}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error("WebKitWebDriver did not start within 15 s");
}

/** Whether any process of the group `pgid` is still alive. */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops WebKitWebDriver and everything it started (the app, WebKit's web and network
 * processes): SIGTERM to the group, then SIGKILL to whatever is left after five seconds.
 */
async function stopGroup(driver) {
  const signalGroup = (signal) => {
    try {
      process.kill(-driver.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  signalGroup("SIGTERM");
  const deadline = Date.now() + 5_000;
  while (groupAlive(driver.pid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(driver.pid)) {
    console.error(`harness: processes of WebKitWebDriver's group ${driver.pid} outlived SIGTERM; killing them`);
    signalGroup("SIGKILL");
  }
  if (driver.exitCode === null && driver.signalCode === null) await new Promise((r) => driver.once("exit", r));
}

/**
 * Starts the app in demo mode with a fresh data directory, or with `dataDir` to restart on a
 * previous session's ledger. `env` adds variables for the app (e.g.
 * KHQR_POS_E2E_QR_LIFETIME_MS). `simUrl: false` skips reading the demo simulator's URL (a
 * release build does not write it). Returns the session and helpers; call `close()`.
 */
export async function startApp(env = {}, dataDir = mkdtempSync(join(tmpdir(), "khqr-e2e-data-")), { simUrl: wantSimUrl = true } = {}) {
  const simUrlFile = join(dataDir, "sim-url");
  // A restart gets a new simulator: never read the last run's URL.
  rmSync(simUrlFile, { force: true });
  const driver = spawn("WebKitWebDriver", [`--port=${DRIVER_PORT}`, "--host=127.0.0.1"], {
    env: {
      ...process.env,
      // Lets the app's web view accept the automation session.
      TAURI_WEBVIEW_AUTOMATION: "true",
      KHQR_POS_DATA_DIR: dataDir,
      KHQR_POS_E2E_SIM_URL_FILE: simUrlFile,
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
    // Its own process group, so the app and WebKit's processes it starts can be stopped with it:
    // one left behind keeps the test runner's stderr pipe open and the run never ends.
    detached: true,
  });
  let browser;
  try {
    await waitForDriver(driver);
    const started = performance.now();
    browser = await remote({
      hostname: "127.0.0.1",
      port: DRIVER_PORT,
      logLevel: "error",
      connectionRetryCount: 0,
      capabilities: {
        browserName: "wry",
        "wdio:enforceWebDriverClassic": true,
        "webkitgtk:browserOptions": { binary: APP, args: [] },
      },
    });
    await browser.waitUntil(async () => (await browser.$("body").getAttribute("data-ready")) === "true", {
      timeout: 20_000,
      interval: 20,
      timeoutMsg: "the app did not become ready",
    });
    const coldStartMs = performance.now() - started;
    // A release build has no e2e hooks and announces no simulator: benches pass simUrl: false.
    const deadline = Date.now() + 10_000;
    while (wantSimUrl && !existsSync(simUrlFile) && Date.now() < deadline) await sleep(50);
    const simUrl = wantSimUrl ? readFileSync(simUrlFile, "utf8").trim() : null;
    return {
      browser,
      dataDir,
      simUrl,
      coldStartMs,
      async close() {
        try {
          await browser.deleteSession();
        } finally {
          await stopGroup(driver);
        }
      },
      cleanup() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (browser) await browser.deleteSession().catch(() => {});
    await stopGroup(driver);
    throw err;
  }
}

/**
 * One app for the whole test file: started before its first test (with `env`, as
 * `startApp`), closed and its data directory removed after the last. The returned object
 * receives the app's fields (`browser`, `simUrl`, …) once it has started.
 */
export function appForThisFile(env = {}) {
  const app = {};
  before(async () => {
    Object.assign(app, await startApp(env));
  });
  after(async () => {
    await app.close?.();
    app.cleanup?.();
  });
  return app;
}

/** Calls the simulator's control API (`/__sim/...`) on its loopback URL. */
export async function sim(simUrl, method, path, body) {
  const res = await fetch(`${simUrl}/__sim/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sim ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json().catch(() => null);
}

/** Runs the `khqr-pos` CLI and returns its stdout. */
export function cli(args, env = {}) {
  return execFileSync(CLI, args, { encoding: "utf8", env: { ...process.env, ...env } });
}

/** Saves a screenshot after the frame settles (a shot right after a DOM change may be stale). */
export async function shot(browser, name) {
  mkdirSync(SHOT_DIR, { recursive: true });
  await sleep(600);
  await browser.saveScreenshot(join(SHOT_DIR, `${name}.png`));
}

/** Sends keys to the page as a cashier types them. */
export async function keys(browser, ...sequence) {
  for (const k of sequence) await browser.keys(k);
}

/** Waits for an element's attribute to satisfy `ok`, and returns its value. */
export async function waitAttr(browser, selector, attr, ok, timeout = 10_000) {
  let value = null;
  await browser.waitUntil(
    async () => {
      const el = await browser.$(selector);
      if (!(await el.isExisting())) return false;
      value = await el.getAttribute(attr);
      return ok(value);
    },
    { timeout, interval: 20, timeoutMsg: `${selector}[${attr}] did not become as expected (last: ${value})` },
  );
  return value;
}

/** Waits until the element is shown (not `hidden`). */
export async function waitShown(browser, selector, timeout = 10_000) {
  await browser.waitUntil(async () => (await browser.$(selector)).isDisplayed(), {
    timeout,
    interval: 20,
    timeoutMsg: `${selector} was not shown`,
  });
}

/** Replaces an input's value; one helper because WebKit's clear does not empty number inputs. */
export async function type(browser, selector, value) {
  const el = await browser.$(selector);
  await browser.execute((e) => {
    e.value = "";
  }, el);
  if (value !== "") await el.addValue(value);
}

/** An element's text, as the tests read what the screen shows. */
export async function text(browser, selector) {
  return (await browser.$(selector)).getText();
}

/** A paid KHQR sale of 5,000 riel, back at the till: the sale the owner tests start from. */
export async function paidKhqrSale(browser) {
  await keys(browser, "Escape", "5", "0", "0", "0", "Enter");
  await waitAttr(browser, "#card-qr", "data-qr", (v) => typeof v === "string" && v.length > 0);
  await (await browser.$("#simulate")).click();
  await waitShown(browser, "#paid", 30_000);
  await keys(browser, "Escape");
}

/** Opens the owner area on first use, setting `pin` as its PIN: the way every owner test gets in. */
export async function openOwnerFirstTime(browser, pin) {
  await keys(browser, "F4");
  await waitShown(browser, "#owner-gate");
  await type(browser, "#owner-pin", pin);
  await type(browser, "#owner-pin-confirm", pin);
  await (await browser.$("#owner-pin-submit")).click();
  await waitShown(browser, "#owner-body");
}

/** The resident memory (kB) and CPU ticks of a process and all its descendants. */
export function processTree(rootPid) {
  const children = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const pids = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift();
    pids.push(pid);
    queue.push(...children(pid));
  }
  let rssKb = 0;
  let ticks = 0;
  const rssByProcess = {};
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      rssKb += rss;
      const name = /Name:\s+(\S+)/.exec(status)?.[1] ?? String(pid);
      rssByProcess[name] = (rssByProcess[name] ?? 0) + rss;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return { pids, rssKb, rssByProcess, ticks };
}

/** When a process started, in Unix ms: now minus its age (uptime − start tick, 10 ms ticks). */
export function processStartMs(pid) {
  const uptimeMs = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const startTicks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  return Date.now() - (uptimeMs - startTicks * 10);
}

/** The pid of the app process launched for this session (its data dir is in its environment). */
export function appPid(dataDir) {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const exe = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")[0];
      if (exe !== APP) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8");
      if (environ.includes(`KHQR_POS_DATA_DIR=${dataDir}`)) return Number(entry);
    } catch {
      // not ours or gone
    }
  }
  return null;
}

/** The p-th percentile (0–100) of numbers, nearest-rank. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** n, p50, p95 and max of numbers, as the benchmarks report them. */
export function summary(values) {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values) };
}

/** A benchmark's numeric command-line option `--name N`, or `fallback`. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
