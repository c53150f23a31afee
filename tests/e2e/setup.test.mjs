// First-run setup in the real app: with an empty data directory the counter opens in demo mode
// with the "Set up this shop" chip; F3 opens setup, a bad value is refused under its field (by
// Rust), Esc returns to the demo counter, and finishing with demo mode writes config.toml,
// removes the chip and leaves a working counter under the shop's name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { appForThisFile, keys, shot, waitAttr, waitShown } from "./harness.mjs";

const app = appForThisFile();

async function type(browser, selector, value) {
  const el = await browser.$(selector);
  await el.clearValue();
  if (value !== "") await el.addValue(value);
}

async function step(browser, id) {
  await waitAttr(browser, "#setup-screen", "data-step", (v) => v === id);
}

test("first run: demo counter with the setup chip; setup checks each field and finishes in demo mode", async () => {
  const { browser, dataDir } = app;
  await waitShown(browser, "#setup-open");
  assert.equal(await (await browser.$("#demo-banner")).isDisplayed(), true);
  assert.equal(existsSync(join(dataDir, "config.toml")), false);

  await keys(browser, "F3");
  await step(browser, "language");
  await shot(browser, "setup-1-language");
  // Esc goes back to the demo counter, which still takes keys.
  await keys(browser, "Escape");
  await browser.waitUntil(async () => !(await (await browser.$("#setup")).isDisplayed()), { timeout: 5_000 });
  await (await browser.$("#setup-open")).click();
  await step(browser, "language");
  await keys(browser, "1");

  await step(browser, "shop");
  await type(browser, "#setup-shopName", "");
  await keys(browser, "Enter");
  await waitAttr(browser, "#setup-shopName", "aria-invalid", (v) => v === "true");
  assert.match(await (await browser.$("#setup-err-shopName")).getText(), /Required/);
  await shot(browser, "setup-2-shop-error");
  await type(browser, "#setup-shopName", "Sokha Coffee");
  await keys(browser, "Enter");

  await step(browser, "terminal");
  await type(browser, "#setup-terminalId", "T-1");
  await keys(browser, "Enter");
  await waitAttr(browser, "#setup-terminalId", "aria-invalid", (v) => v === "true");
  await type(browser, "#setup-terminalId", "T7");
  await keys(browser, "Enter");

  await step(browser, "money");
  await type(browser, "#setup-rielPerUsd", "0");
  await keys(browser, "Enter");
  await waitAttr(browser, "#setup-rielPerUsd", "aria-invalid", (v) => v === "true");
  await type(browser, "#setup-rielPerUsd", "4050");
  await keys(browser, "Enter");

  await step(browser, "pin");
  await type(browser, "#setup-pin", "2468");
  await type(browser, "#setup-pinAgain", "2469");
  await keys(browser, "Enter");
  await waitAttr(browser, "#setup-pinAgain", "aria-invalid", (v) => v === "true");
  assert.equal(existsSync(join(dataDir, "config.toml")), false, "nothing is written before the end");
  await type(browser, "#setup-pinAgain", "2468");
  await keys(browser, "Enter");

  await step(browser, "mode");
  await shot(browser, "setup-3-payments");
  await keys(browser, "1"); // Keep using demo mode: the last step, saved.

  // The page reloads onto the set-up counter: no chip, the shop's name, still demo.
  await browser.waitUntil(async () => (await (await browser.$("#shop-name")).getText()) === "Sokha Coffee", { timeout: 20_000 });
  await waitAttr(browser, "body", "data-ready", (v) => v === "true");
  assert.equal(await (await browser.$("#setup-open")).isExisting(), false);
  const config = readFileSync(join(dataDir, "config.toml"), "utf8");
  assert.match(config, /terminal_id = "T7"/);
  assert.match(config, /riel_per_usd = 4050/);
  assert.equal(existsSync(join(dataDir, ".setup")), false);

  // The counter works: a charge shows its QR, billed on terminal T7.
  await keys(browser, "Escape", "5", "0", "0", "0", "Enter");
  const qr = await waitAttr(browser, "#card-qr", "data-qr", (v) => typeof v === "string" && v.length > 0);
  assert.match(qr, /Sokha Coffee/);
  assert.match(await (await browser.$("#bill")).getText(), /T7/);
});
