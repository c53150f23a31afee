// The installed package's app (run by scripts/package-test.sh with E2E_APP=/usr/bin/khqr-pos-app):
// it starts, shows the counter, and a typed amount becomes a KHQR from its embedded demo
// simulator, so the package carries the web assets and everything the counter needs at run time.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { APP, appPid, keys, shot, startApp, waitAttr } from "./harness.mjs";

let app;
after(async () => {
  await app?.close();
  app?.cleanup();
});

test("the installed app opens the counter and makes a QR", async () => {
  app = await startApp();
  const { browser } = app;
  assert.ok(appPid(app.dataDir), `the session runs ${APP}`);
  await keys(browser, "5", "0", "0", "0");
  assert.equal(await (await browser.$("#amount")).getText(), "5,000");
  await shot(browser, "installed-counter");
  await keys(browser, "Enter");
  const qr = await waitAttr(browser, "#card-qr", "data-qr", (v) => typeof v === "string" && v.startsWith("000201"));
  assert.ok(qr.length > 100, `a full KHQR string, got ${qr.length} characters`);
  console.log(`installed app: cold start to ready ${Math.round(app.coldStartMs)} ms`);
});
