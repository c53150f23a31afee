// End-to-end tests of the real desktop app (WebDriver under Xvfb): the cashier's flows from
// keystroke to PAID, checked on screen, in the QR string and in the ledger. The same run
// writes the README screenshots (E2E_SCREENSHOT_DIR) and the measured timings.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ROOT,
  appPid,
  cli,
  keys,
  percentile,
  processStartMs,
  processTree,
  shot,
  sim,
  startApp,
  waitAttr,
  waitShown,
} from "./harness.mjs";
import { readKhqr } from "./khqr.mjs";

const timings = { enterToQrMs: [], ipcMs: [], payToPaidMs: [], paidAfterCheckDueMs: [], coldStartMs: [] };
/** pos-core's `Schedule::default()` early checks, ms after the QR is made. */
const EARLY_CHECKS_MS = [6_000, 11_000, 17_000, 25_000, 38_000, 61_000];
let payClickedAt = 0;
let app;

before(async () => {
  app = await startApp();
  timings.coldStartMs.push(app.coldStartMs);
});

after(async () => {
  await app?.close();
  mkdirSync(join(ROOT, "target"), { recursive: true });
  writeFileSync(join(ROOT, "target/e2e-timings.json"), JSON.stringify(timings, null, 2));
});

/** Types an amount on the keyboard and presses Enter; returns the QR string on the card. */
async function charge(browser, digits) {
  await keys(browser, "Escape", ...digits.split(""));
  await keys(browser, "Enter");
  const qr = await waitAttr(browser, "#card-qr", "data-qr", (v) => typeof v === "string" && v.length > 0);
  const ms = await waitAttr(browser, "#card", "data-enter-to-qr-ms", (v) => v !== null);
  timings.enterToQrMs.push(Number(ms));
  timings.ipcMs.push(Number(await (await browser.$("#card")).getAttribute("data-ipc-ms")));
  return qr;
}

async function interactiveAtMs(browser) {
  return Number(await (await browser.$("body")).getAttribute("data-interactive-at-ms"));
}

async function text(browser, selector) {
  return (await browser.$(selector)).getText();
}

/** Waits for PAID, records payment → PAID on screen, and returns to a new sale with a key. */
async function expectPaid(browser, amountText) {
  await waitShown(browser, "#paid", 30_000);
  assert.match(await text(browser, "#paid-amount"), new RegExp(amountText.replace(/[.$]/g, "\\$&")));
  const ms = await waitAttr(browser, "#paid", "data-pay-to-paid-ms", (v) => v !== null);
  timings.payToPaidMs.push(Number(ms));
  // How long after the check that could first see the payment was due did PAID appear?
  const created = Number(await (await browser.$("#card")).getAttribute("data-created-at-ms"));
  const painted = Number(await (await browser.$("#paid")).getAttribute("data-painted-at-ms"));
  const due = EARLY_CHECKS_MS.map((o) => created + o).find((at) => at >= payClickedAt);
  if (due !== undefined) timings.paidAfterCheckDueMs.push(painted - due);
}

test("a riel charge shows the card with 1,300,000 KHR and a valid dynamic KHQR, and demo payment ends in PAID", async () => {
  const { browser } = app;
  await keys(browser, "1", "3", "0", "0", "0", "0", "0");
  assert.equal(await text(browser, "#amount"), "1,300,000");
  await shot(browser, "1-amount-entry");
  const qr = await charge(browser, "1300000");
  assert.equal(await text(browser, "#card-amount"), "1,300,000");
  assert.equal(await text(browser, "#card-currency"), "KHR");
  cli(["qr", "verify", qr]); // the Rust codec, as the official SDK verifies; throws if invalid
  const fields = readKhqr(qr);
  assert.equal(fields.dynamic, true);
  assert.equal(fields.currency, "KHR");
  assert.equal(fields.amount, "1300000");
  assert.equal(await (await browser.$("#sale-panel")).getAttribute("data-status"), "pending");
  assert.match(await text(browser, "#countdown"), /^\d+:\d\d$/);
  await shot(browser, "2-waiting-khr");
  payClickedAt = Date.now();
  await (await browser.$("#simulate")).click();
  await expectPaid(browser, "1,300,000 KHR");
  await shot(browser, "3-paid");
  await keys(browser, " ");
  await waitShown(browser, "#entry-panel");
});

test("a dollar charge shows 10.50 USD on the card and the QR carries 10.50 in USD", async () => {
  const { browser } = app;
  await keys(browser, "F2");
  const qr = await charge(browser, "10.5");
  assert.equal(await text(browser, "#card-amount"), "10.50");
  assert.equal(await text(browser, "#card-currency"), "USD");
  cli(["qr", "verify", qr]);
  const fields = readKhqr(qr);
  assert.equal(fields.currency, "USD");
  assert.equal(fields.amount, "10.50");
  // The riel equivalent is beside the card, not on it.
  assert.match(await text(browser, "#sale-khr"), /^≈ [\d,]+ KHR/);
  assert.doesNotMatch(await text(browser, "#card"), /≈/);
  await shot(browser, "4-waiting-usd");
  payClickedAt = Date.now();
  await keys(browser, "F9");
  await expectPaid(browser, "10.50 USD");
  await keys(browser, "Enter");
  await waitShown(browser, "#entry-panel");
  await keys(browser, "F2");
});

test("Esc cancels the waiting sale and puts the amount back in the keypad", async () => {
  const { browser } = app;
  await charge(browser, "2500");
  await keys(browser, "Escape");
  await waitShown(browser, "#entry-panel");
  assert.equal(await text(browser, "#amount"), "2,500");
  assert.match(await text(browser, "#amount-error"), /cancelled/i);
});

test("a bad amount is explained inline and charges nothing", async () => {
  const { browser } = app;
  await keys(browser, "Escape", ".");
  assert.match(await text(browser, "#amount-error"), /no decimals/i);
  await keys(browser, "0", "Enter");
  await browser.waitUntil(async () => /more than zero/i.test(await text(browser, "#amount-error")), {
    timeout: 5000,
    timeoutMsg: "no inline error for a zero amount",
  });
  assert.equal(await (await browser.$("#sale-panel")).isDisplayed(), false);
  await shot(browser, "6-bad-amount");
  await keys(browser, "Escape");
});

test("when Bakong cannot be reached the card says it cannot verify, never unpaid, and recovers", async () => {
  const { browser, simUrl } = app;
  await sim(simUrl, "POST", "faults", { endpoint: null, when: "always", fault: { kind: "region_blocked" } });
  try {
    await charge(browser, "4000");
    await waitAttr(browser, "#verify", "data-state", (v) => v === "cannot_verify", 60_000);
    assert.match(await text(browser, "#verify"), /can't verify right now/i);
    assert.equal(await (await browser.$("#sale-panel")).getAttribute("data-status"), "pending");
    await shot(browser, "7-cannot-verify");
  } finally {
    await sim(simUrl, "DELETE", "faults");
  }
  payClickedAt = Date.now();
  await (await browser.$("#simulate")).click();
  await expectPaid(browser, "4,000 KHR");
  await keys(browser, " ");
  await waitShown(browser, "#entry-panel");
});

test("the screen switches to Khmer at run time", async () => {
  const { browser } = app;
  await (await browser.$("#lang")).click();
  await charge(browser, "25000");
  assert.equal(await text(browser, "#sale-title"), "កំពុងរង់ចាំការបង់ប្រាក់");
  await shot(browser, "8-waiting-khmer");
  await keys(browser, "Escape");
  await waitShown(browser, "#entry-panel");
  await (await browser.$("#lang")).click();
});

test("Enter shows the QR fast (20 charges, each cancelled)", async () => {
  const { browser } = app;
  for (let i = 0; i < 20; i++) {
    await charge(browser, String(1000 + i * 100));
    await keys(browser, "Escape");
    await waitShown(browser, "#entry-panel");
  }
  // A regression guard only: the goal (p95 < 100 ms) is measured and reported in
  // BENCHMARKS.md, on a machine that may be shared with other work while CI runs.
  const p95 = percentile(timings.enterToQrMs, 95);
  assert.ok(p95 < 2000, `Enter → QR p95 ${p95} ms`);
});

test("the idle app uses little CPU and memory", async () => {
  const pid = appPid(app.dataDir);
  assert.ok(pid, "app process not found");
  timings.processStartToInteractiveMs = (await interactiveAtMs(app.browser)) - processStartMs(pid);
  // Idle means settled: the web process spends a few seconds collecting the 20 QR cards the
  // test before just made and dropped (17-37 % of a core under load), then falls to 1-3 %.
  await sleep(5000);
  const a = processTree(pid);
  const t0 = performance.now();
  await sleep(10_000);
  const b = processTree(pid);
  const seconds = (performance.now() - t0) / 1000;
  const ticksPerSecond = 100;
  timings.idleCpuPercent = ((b.ticks - a.ticks) / ticksPerSecond / seconds) * 100;
  timings.rssKb = b.rssKb;
  timings.rssKbByProcess = b.rssByProcess;
  timings.processes = b.pids.length;
  assert.ok(timings.idleCpuPercent < 25, `idle CPU ${timings.idleCpuPercent}%`);
});

test("Space (customer shows paid) says not found yet before the payment, and confirms it in under 2 s after", async () => {
  const { browser } = app;
  await charge(browser, "7000");
  // Before the first scheduled check (6 s after the QR): only the key asks Bakong.
  await keys(browser, " ");
  await waitAttr(browser, "#check-result", "data-outcome", (v) => v === "notFoundYet", 5_000);
  assert.match(await text(browser, "#check-result"), /not found yet/i);
  assert.equal(await (await browser.$("#paid")).isDisplayed(), false);
  payClickedAt = Date.now();
  await keys(browser, "F9");
  // The simulated payment is its own IPC call: let it land before the key asks.
  await sleep(300);
  const pressed = Date.now();
  await keys(browser, " ");
  await waitShown(browser, "#paid", 5_000);
  const keyToPaid = Date.now() - pressed;
  assert.ok(keyToPaid < 2_000, `PAID ${keyToPaid} ms after the key`);
  assert.match(await text(browser, "#paid-amount"), /7,000 KHR/);
  await keys(browser, "Enter");
  await waitShown(browser, "#entry-panel");
});

test("the ledger holds each paid sale exactly once", async () => {
  const out = cli(["sales", "--json"], { KHQR_POS_DATA_DIR: app.dataDir });
  const list = JSON.parse(out);
  const sales = list.sales ?? list;
  const paid = sales.filter((s) => s.status === "paid");
  const amounts = paid.map((s) => `${s.amountText} ${s.currency}`).sort();
  assert.deepEqual(amounts, ["1,300,000 KHR", "10.50 USD", "4,000 KHR", "7,000 KHR"].sort());
  assert.equal(new Set(paid.map((s) => s.md5)).size, paid.length);
  assert.ok(paid.every((s) => s.receiptNumber !== null && s.receiptNumber !== undefined));
});
