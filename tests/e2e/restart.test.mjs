// After a crash or restart the cashier learns what became of the sale that was waiting: it
// comes back on screen, still waiting with its QR and countdown, or with its result.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { keys, shot, startApp, waitAttr, waitShown } from "./harness.mjs";

async function text(browser, selector) {
  return (await browser.$(selector)).getText();
}

async function chargeAndStop(env, digits) {
  const app = await startApp(env);
  await keys(app.browser, "Escape", ...digits.split(""), "Enter");
  const qr = await waitAttr(app.browser, "#card-qr", "data-qr", (v) => typeof v === "string" && v.length > 0);
  const bill = await text(app.browser, "#bill");
  await app.close();
  return { dataDir: app.dataDir, qr, bill, cleanup: () => app.cleanup() };
}

test("a sale still waiting comes back with its QR and countdown, and can be paid", async () => {
  const before = await chargeAndStop({}, "4500");
  const app = await startApp({}, before.dataDir);
  try {
    const { browser } = app;
    await waitShown(browser, "#sale-panel");
    assert.equal(await waitAttr(browser, "#card-qr", "data-qr", (v) => v !== null), before.qr, "the same QR");
    assert.equal(await text(browser, "#bill"), before.bill);
    assert.equal(await text(browser, "#sale-title"), "Waiting for payment");
    assert.match(await text(browser, "#countdown"), /^[0-9]+:[0-5][0-9]$/);
    await shot(browser, "restart-waiting");
    await keys(browser, "F9");
    await waitShown(browser, "#paid", 30_000);
    assert.match(await text(browser, "#paid-amount"), /4,500 KHR/);
  } finally {
    await app.close();
    app.cleanup();
  }
});

test("a sale whose QR expired while the app was down comes back with its result", async () => {
  const env = { KHQR_POS_E2E_QR_LIFETIME_MS: "5000" };
  const before = await chargeAndStop(env, "6100");
  await sleep(6000);
  const app = await startApp(env, before.dataDir);
  try {
    const { browser } = app;
    await waitShown(browser, "#sale-panel");
    assert.equal(await text(browser, "#bill"), before.bill);
    // Past its expiry it looks expired at once; the final check then makes it so in the ledger.
    await waitAttr(browser, "#sale-panel", "data-status", (v) => v === "expired", 30_000);
    assert.equal(await text(browser, "#sale-title"), "QR expired");
    await (await browser.$("#lang")).click();
    assert.equal(await text(browser, "#sale-title"), "QR ផុតកំណត់");
    await shot(browser, "restart-expired-khmer");
    await (await browser.$("#lang")).click();
  } finally {
    await app.close();
    app.cleanup();
  }
});
