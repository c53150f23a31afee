// The customer-facing display and the printer chip (issue 14): a second window opened at
// start by KHQR_POS_CUSTOMER_DISPLAY=1. WebKitWebDriver sees both windows, so one session
// checks that the customer sees the same QR payload and amount as the cashier, then PAID. The
// receipt printer is configured on a loopback port nobody listens on: the paid sale's receipt
// waits, and the counter's chip says so.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keys, shot, startApp, waitAttr } from "./harness.mjs";

const app = {};
before(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "khqr-e2e-data-"));
  writeFileSync(join(dataDir, "config.toml"), '[printer]\nkind = "network"\naddress = "127.0.0.1:9"\nwidth_mm = 80\n');
  Object.assign(app, await startApp({ KHQR_POS_CUSTOMER_DISPLAY: "1" }, dataDir));
});
after(async () => {
  await app.close?.();
  app.cleanup?.();
});

/** The handles of the counter and the customer windows, told apart by their page. */
async function windows(browser) {
  let handles = [];
  await browser.waitUntil(async () => (handles = await browser.getWindowHandles()).length === 2, {
    timeout: 10_000,
    timeoutMsg: "the customer window did not open",
  });
  const found = {};
  for (const handle of handles) {
    await browser.switchToWindow(handle);
    const url = await browser.getUrl();
    found[url.includes("customer.html") ? "customer" : "counter"] = handle;
  }
  assert.ok(found.customer && found.counter, `windows: ${JSON.stringify(found)}`);
  return found;
}

test("the customer display shows the counter's QR and amount, then PAID", async () => {
  const { browser } = app;
  const win = await windows(browser);
  await browser.switchToWindow(win.customer);
  await waitAttr(browser, "body", "data-ready", (v) => v === "true");
  await waitAttr(browser, ".cd", "data-state", (v) => v === "idle");

  await browser.switchToWindow(win.counter);
  await keys(browser, "Escape", ..."12500".split(""), "Enter");
  const qr = await waitAttr(browser, "#card-qr", "data-qr", (v) => typeof v === "string" && v.length > 0);
  await shot(browser, "counter-with-customer-display");

  await browser.switchToWindow(win.customer);
  assert.equal(await waitAttr(browser, "#card-qr", "data-qr", (v) => v !== null), qr);
  assert.equal(await (await browser.$("#cd-khr")).getText(), "12,500 KHR");
  assert.match(await (await browser.$("#cd-usd")).getText(), /^\d+\.\d\d USD$/);
  assert.equal(await (await browser.$("#card-amount")).getText(), "12,500");
  await shot(browser, "customer-display");

  await browser.switchToWindow(win.counter);
  await keys(browser, "F9"); // demo: the simulated customer pays
  await browser.switchToWindow(win.customer);
  await waitAttr(browser, ".cd", "data-state", (v) => v === "paid", 15_000);
  assert.equal(await (await browser.$("#cd-paid-amount")).getText(), "12,500 KHR");
  await shot(browser, "customer-display-paid");

  await browser.switchToWindow(win.counter);
  await keys(browser, "Escape"); // leaves PAID, which covers the top bar
  await waitAttr(browser, "#printer-chip", "data-state", (v) => v === "waiting", 15_000);
  assert.equal(await (await browser.$("#printer-label")).getText(), "Printer unreachable");
  assert.equal(await (await browser.$("#printer-count")).getText(), "1");
  assert.equal(await (await browser.$("#printer-print-now")).isDisplayed(), true);
  assert.equal(await (await browser.$("#printer-reprint")).isDisplayed(), false, "a reprint would fail too");
  await shot(browser, "counter-printer-waiting");
});
