// End-to-end test of the owner's Shop tab over a real shop database (issue 15): the CLI's own
// `khqr-pos hub init --pgdata` makes and starts a throwaway PostgreSQL cluster, the app joins it
// as counter T1 (its role's connection in shop-db, the owner's role's in shop-db-owner, both
// named by config.toml's [shop_db]), a paid sale reaches the shop database by itself, and the
// owner sets the shop rate from the Shop tab: a bad rate is refused under its field, a good one
// is shown with who set it, and `khqr-pos rate --shop` reads it back from PostgreSQL. The
// cluster is stopped in `after`, whatever happened. One app for the file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { cli, keys, openOwnerFirstTime, paidKhqrSale, shot, startApp, text, type, waitAttr, waitShown } from "./harness.mjs";

const PIN = "2580";
const PASSWORDS = {
  KHQR_POS_HUB_ADMIN_PASSWORD: "e2e-admin-pw",
  KHQR_POS_HUB_PASSWORD_T1: "e2e-t1-pw",
  KHQR_POS_HUB_OWNER_PASSWORD: "e2e-owner-pw",
};
const pgdata = mkdtempSync(join(tmpdir(), "khqr-e2e-pg-"));
const dataDir = mkdtempSync(join(tmpdir(), "khqr-e2e-data-"));
let app;
let counterUrl;

/** A loopback port nothing listens on now. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Stops the cluster's server however the test ended: SIGQUIT to the postmaster (PostgreSQL's
 * immediate shutdown), SIGKILL after five seconds; no PostgreSQL program or user switch needed.
 */
async function stopPostgres() {
  const pidFile = join(pgdata, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!pid || !alive()) return;
  process.kill(pid, "SIGQUIT");
  const deadline = Date.now() + 5_000;
  while (alive() && Date.now() < deadline) await sleep(50);
  if (alive()) process.kill(pid, "SIGKILL");
}

before(async () => {
  const port = await freePort();
  const hub = JSON.parse(cli(["hub", "init", "--pgdata", pgdata, "--port", String(port), "--counter", "T1", "--daily-checks", "100", "--json"], PASSWORDS));
  counterUrl = hub.counters[0].url.replace("<password>", PASSWORDS.KHQR_POS_HUB_PASSWORD_T1);
  const ownerUrl = `postgres://${hub.roles.owner}:${PASSWORDS.KHQR_POS_HUB_OWNER_PASSWORD}@127.0.0.1:${port}/shop`;
  // As the README has a counter join: private files for the connection strings.
  writeFileSync(join(dataDir, "shop-db"), counterUrl, { mode: 0o600 });
  writeFileSync(join(dataDir, "shop-db-owner"), ownerUrl, { mode: 0o600 });
  writeFileSync(
    join(dataDir, "config.toml"),
    `terminal_id = "T1"\n[shop_db]\nurl_file = "shop-db"\noffline_share = ${hub.budget.offline_share}\nowner_url_file = "shop-db-owner"\n`,
  );
  app = await startApp({}, dataDir);
});

after(async () => {
  try {
    await app?.close();
  } finally {
    await stopPostgres();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(pgdata, { recursive: true, force: true });
  }
});

test("the owner sets the shop rate from the Shop tab and the shop database holds it", async () => {
  const { browser } = app;
  // A paid KHQR sale of 5,000 riel: the counter pushes it to the shop database by itself.
  await paidKhqrSale(browser);

  // The owner area, first use: set the PIN; then the Shop tab.
  await openOwnerFirstTime(browser, PIN);
  await (await browser.$('.owner-tab[data-tab="shop"]')).click();
  await waitShown(browser, "#shop-rate-form");
  assert.match(await text(browser, "#shop-rate"), /not set yet/);

  // A bad rate: refused under its field, nothing written.
  await type(browser, "#shop-rate-new", "0");
  await (await browser.$("#shop-rate-set")).click();
  await waitAttr(browser, "#shop-rate-new", "aria-invalid", (v) => v === "true");
  assert.match(await text(browser, "#err-shopRate"), /1,000 to 10,000/);
  assert.match(cli(["rate", "--shop"], { KHQR_POS_SHOP_DB: counterUrl }), /no rate yet/);

  // 4,150: shown with the owner's role and the time, and read back by the CLI from PostgreSQL.
  await type(browser, "#shop-rate-new", "4,150");
  await (await browser.$("#shop-rate-set")).click();
  await waitShown(browser, "#shop-rate-saved");
  assert.match(await text(browser, "#shop-rate"), /4,150/);
  assert.match(await text(browser, "#shop-rate-by"), /shop_owner · \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  assert.equal(await (await browser.$("#shop-rate-new")).getAttribute("aria-invalid"), null);
  const read = JSON.parse(cli(["rate", "--shop", "--json"], { KHQR_POS_SHOP_DB: counterUrl }));
  assert.equal(read.riel_per_usd, 4150);
  assert.equal(read.set_by, "shop_owner");

  // The day's lines show the sale pushed from this counter (reload the tab until it arrived).
  await browser.waitUntil(
    async () => {
      await (await browser.$("#shop-show")).click();
      return (await browser.$("#shop-lines")).isExisting();
    },
    { timeout: 15_000, interval: 500, timeoutMsg: "the sale did not reach the shop database" },
  );
  assert.match(await text(browser, "#shop-lines"), /T1[\s\S]*5,000/);
  assert.match(await text(browser, "#shop-rate"), /4,150/);
  await shot(browser, "owner-shop");
});
