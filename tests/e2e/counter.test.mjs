// End-to-end test of a day at the till (issue 12) on the real app: a cashier added by the owner
// signs in (F6) and opens a shift; a dollar sale paid in cash with change in dollars and riel
// (the rounding on its own line); a split sale whose short cash leaves a KHQR for exactly the
// rest, paid through the simulator; and the close with a denomination count, a variance that
// needs a reason, and the Z report on screen.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, keys, shot, appForThisFile, waitShown } from "./harness.mjs";

const EXPORTS = mkdtempSync(join(tmpdir(), "khqr-e2e-exports-"));
const app = appForThisFile({ KHQR_POS_EXPORT_DIR: EXPORTS });
after(() => rmSync(EXPORTS, { recursive: true, force: true }));
const OWNER_PIN = "2580";
const CASHIER_PIN = "1357";

async function text(browser, selector) {
  return (await browser.$(selector)).getText();
}

async function waitText(browser, selector, ok, timeout = 10_000) {
  let last = null;
  await browser.waitUntil(
    async () => {
      const el = await browser.$(selector);
      if (!(await el.isExisting())) return false;
      last = await el.getText();
      return ok(last);
    },
    { timeout, interval: 20, timeoutMsg: `${selector} text did not become as expected (last: ${last})` },
  );
  return last;
}

async function type(browser, selector, value) {
  const el = await browser.$(selector);
  await el.click();
  await el.setValue(value);
}

/** A report line's cells (riel, dollars, count) in the table `id`. */
async function cells(browser, id, line) {
  return browser.execute((sel) => [...document.querySelectorAll(`${sel} td`)].map((td) => td.textContent), `#${id} tr[data-line="${line}"]`);
}

async function enabled(browser, selector) {
  return (await browser.$(selector)).isEnabled();
}

test("the cashier signs in with F6 and opens a shift with the counted float", async () => {
  const { browser, dataDir } = app;
  // The owner's side, through the CLI on the app's own ledger: the owner PIN and one cashier.
  assert.ok(dataDir, "the app has started");
  const env = { KHQR_POS_DATA_DIR: dataDir };
  cli(["owner", "set-pin"], { ...env, KHQR_POS_NEW_PIN: OWNER_PIN });
  cli(["cashier", "add", "Dara"], { ...env, KHQR_POS_PIN: OWNER_PIN, KHQR_POS_NEW_PIN: CASHIER_PIN });
  assert.match(await text(browser, "#till-who"), /Nobody signed in/);
  await keys(browser, "F6");
  await waitShown(browser, "#till-name");
  await type(browser, "#till-name", "Dara");
  await type(browser, "#till-pin", "0000");
  await keys(browser, "Enter");
  await waitText(browser, "#till-error", (t) => /Wrong PIN/.test(t));
  await type(browser, "#till-pin", CASHIER_PIN);
  await keys(browser, "Enter");
  await waitShown(browser, "#float-khr");
  await type(browser, "#float-khr", "40,000");
  await type(browser, "#float-usd", "20");
  await keys(browser, "Enter");
  await waitText(browser, "#till-shift", (t) => t === "Shift #1");
  assert.equal(await text(browser, "#till-who"), "Dara");
});

test("a $7.25 sale paid with a $10 note gives $2 and 3,100 riel back, the 25 riel rounding on its own line", async () => {
  const { browser } = app;
  await keys(browser, "F2", "7", ".", "2", "5", "F8");
  await waitShown(browser, "#cash-screen");
  await waitText(browser, "#cash-due-usd", (t) => t === "7.25 USD");
  assert.equal(await text(browser, "#cash-due-khr"), "29,725 KHR");
  assert.equal(await enabled(browser, "#cash-finish"), false, "nothing handed over yet");
  // F3 is the $10 note; nothing in riel.
  await keys(browser, "F3");
  await waitText(browser, "#change-usd", (t) => t === "2.00 USD");
  assert.equal(await text(browser, "#change-khr"), "3,100 KHR");
  assert.match(await text(browser, "#cash-rounding"), /Rounding: -25 KHR — to the customer/);
  assert.equal(await (await browser.$("#cash-usd")).getValue(), "10x1");
  assert.equal(await text(browser, "#cash-given-usd"), "= 10.00 USD");
  assert.equal(await enabled(browser, "#cash-finish"), true);
  await shot(browser, "11-cash-change");
  // All change in riel, one key, and back.
  await keys(browser, "F9");
  await waitText(browser, "#change-usd", (t) => t === "0.00 USD");
  assert.equal(await text(browser, "#change-khr"), "11,300 KHR");
  await keys(browser, "F9");
  await waitText(browser, "#change-usd", (t) => t === "2.00 USD");
  await keys(browser, "Enter");
  await waitShown(browser, "#cash-done");
  assert.match(await text(browser, "#cash-done"), /2\.00 USD/);
  assert.match(await text(browser, "#cash-done"), /3,100 KHR/);
  assert.match(await text(browser, "#cash-done"), /Receipt #1/);
  await keys(browser, "Escape");
  await waitShown(browser, "#entry-panel");
  assert.equal(await text(browser, "#amount"), "0");
});

test("short cash leaves a KHQR for exactly the rest, and the sale is paid when the customer pays it", async () => {
  const { browser } = app;
  await keys(browser, "7", ".", "2", "5", "F8");
  await waitShown(browser, "#cash-screen");
  // $5 (F2) and 1,000 riel typed: 8,225 riel still due.
  await keys(browser, "F2");
  await waitText(browser, "#still-due", (t) => t === "2.25 USD");
  await type(browser, "#cash-khr", "1000");
  await waitText(browser, "#still-due", (t) => t === "8,225 KHR");
  assert.equal(await enabled(browser, "#cash-finish"), false, "a cash sale cannot finish while anything is due");
  assert.equal(await enabled(browser, "#cash-rest-khqr"), true);
  await keys(browser, "F10");
  await waitShown(browser, "#sale-panel");
  assert.equal(await text(browser, "#sale-amount"), "8,225 KHR");
  await (await browser.$("#simulate")).click();
  await waitShown(browser, "#paid", 30_000);
  assert.equal(await text(browser, "#paid-amount"), "8,225 KHR");
  await keys(browser, "Escape");
  await waitShown(browser, "#entry-panel");
});

test("closing the shift counts the notes, needs a reason for the variance, and shows the Z report", async () => {
  const { browser } = app;
  await keys(browser, "F6");
  await waitShown(browser, "#till-x");
  await keys(browser, "x");
  await waitShown(browser, "#x-lines");
  assert.deepEqual(await cells(browser, "x-lines", "khqrPaid"), ["8,225", "0.00", "1"]);
  assert.deepEqual(await cells(browser, "x-lines", "rounding"), ["-25", "0.00", ""]);
  await keys(browser, "Escape");
  await keys(browser, "F6");
  await waitShown(browser, "#till-c");
  await keys(browser, "c");
  await waitShown(browser, "#count-KHR-20000");
  // Expected: 40,000 + 1,000 − 3,100 riel = 37,900; $20 + $10 + $5 − $2 = $33. Counted 1,000
  // riel short: 20,000 + 10,000 + 5,000 + 1,000 + 500 + 4 × 100 = 36,900.
  for (const [note, count] of [["20000", "1"], ["10000", "1"], ["5000", "1"], ["1000", "1"], ["500", "1"], ["100", "4"]]) {
    await type(browser, `#count-KHR-${note}`, count);
  }
  for (const [note, count] of [["20", "1"], ["10", "1"], ["2", "1"], ["1", "1"]]) {
    await type(browser, `#count-USD-${note}`, count);
  }
  await waitText(browser, '#count-lines tr[data-line="variance"]', (t) => /-1,000/.test(t));
  assert.deepEqual(await cells(browser, "count-lines", "expected"), ["37,900", "33.00", ""]);
  assert.deepEqual(await cells(browser, "count-lines", "counted"), ["36,900", "33.00", ""]);
  await waitShown(browser, "#close-reason-needed");
  await keys(browser, "Enter");
  await waitText(browser, "#till-error", (t) => /reason/i.test(t));
  await type(browser, "#close-reason", "1,000 riel too much change");
  await keys(browser, "Enter");
  await waitShown(browser, "#z-report");
  assert.equal(await (await browser.$("#z-report")).getAttribute("data-number"), "1");
  assert.deepEqual(await cells(browser, "z-closing", "variance"), ["-1,000", "0.00", ""]);
  assert.deepEqual(await cells(browser, "z-lines", "cashReceived"), ["1,000", "15.00", "2"]);
  assert.match(await text(browser, "#z-reason"), /1,000 riel too much change/);
  await shot(browser, "12-z-report");
  // E: the Z report as CSV into the export folder.
  await keys(browser, "e");
  const saved = await waitText(browser, "#z-csv-saved", (t) => t.includes(EXPORTS));
  const csv = readFileSync(saved.slice(saved.indexOf(EXPORTS)).trim(), "utf8");
  assert.match(csv, /^section,item,KHR,USD/);
  assert.match(csv, /1,000 riel too much change/);
  await keys(browser, "Escape");
  await waitText(browser, "#till-shift", (t) => /No shift|no shift/.test(t));
  // The ledger agrees: Z report 1 through the CLI.
  const z = JSON.parse(cli(["shift", "z", "1", "--json"], { KHQR_POS_DATA_DIR: app.dataDir }));
  assert.equal(z.document.closing.variance.khr, -1000);
});
