// The QR's expiry on screen: with a 5-second lifetime (a debug-build test hook), the card fades
// when time runs out, nothing can be simulated any more, and Enter makes a fresh QR for the
// same amount as a new sale.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { keys, shot, startApp, waitAttr, waitShown } from "./harness.mjs";
import { readKhqr } from "./khqr.mjs";

let app;

before(async () => {
  app = await startApp({ KHQR_POS_E2E_QR_LIFETIME_MS: "5000" });
});

after(async () => {
  await app?.close();
});

test("an expired QR is faded and Enter makes a fresh QR for the same amount", async () => {
  const { browser } = app;
  await keys(browser, "7", "5", "0", "0", "Enter");
  const first = await waitAttr(browser, "#card-qr", "data-qr", (v) => typeof v === "string" && v.length > 0);
  await waitAttr(browser, "#card-slot", "data-state", (v) => v === "expired", 15_000);
  assert.equal(await (await browser.$("#simulate")).isDisplayed(), false);
  await waitAttr(browser, "#sale-panel", "data-status", (v) => v === "expired", 30_000);
  const opacity = Number(await (await browser.$("#card-qr")).getCSSProperty("opacity").then((p) => p.value));
  assert.ok(opacity < 0.5, `expired QR opacity ${opacity}`);
  await shot(browser, "5-expired");
  await keys(browser, "Enter");
  const second = await waitAttr(browser, "#card-qr", "data-qr", (v) => typeof v === "string" && v.length > 0 && v !== first);
  assert.equal(await waitAttr(browser, "#card-slot", "data-state", (v) => v === "pending"), "pending");
  assert.equal(readKhqr(second).amount, "7500");
  assert.equal(readKhqr(first).amount, "7500");
  assert.equal(await (await browser.$("#card-amount")).getText(), "7,500");
  await keys(browser, "Escape");
  await waitShown(browser, "#entry-panel");
});
