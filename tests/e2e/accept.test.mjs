// End-to-end test of accepting a sale on the customer's success screen while Bakong cannot
// answer (issue 10): the offer appears only in an outage, A opens the payer's reference, Esc
// backs out, Enter records it; the sale shows as ACCEPTED (never PAID) and the counter goes on
// to a new sale; once the outage ends the watcher verifies it and it becomes paid with its
// receipt.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { cli, keys, shot, sim, appForThisFile, waitAttr, waitShown } from "./harness.mjs";

const app = appForThisFile();

/** The sale with this QR as the ledger holds it, through the CLI. */
function ledgerSale(qr) {
  const md5 = createHash("md5").update(qr).digest("hex");
  const list = JSON.parse(cli(["sales", "--json"], { KHQR_POS_DATA_DIR: app.dataDir }));
  return list.sales.find((s) => s.md5 === md5);
}

async function displayed(browser, selector) {
  return (await browser.$(selector)).isDisplayed();
}

test("under an outage the cashier accepts the customer's paid screen with the reference, and Bakong verifies it when the outage ends", async () => {
  const { browser, simUrl } = app;
  await keys(browser, "Escape", "6", "5", "0", "0", "Enter");
  const qr = await waitAttr(browser, "#card-qr", "data-qr", (v) => typeof v === "string" && v.length > 0);
  // Bakong answers: no offer to accept, the A key does nothing.
  assert.equal(await displayed(browser, "#accept"), false);
  await sim(simUrl, "POST", "faults", { endpoint: null, when: "always", fault: { kind: "server_error", status: 503 } });
  let outage = true;
  try {
    // The customer pays; Bakong has it but cannot say so.
    await sim(simUrl, "POST", "pay", { qr });
    await waitAttr(browser, "#verify", "data-state", (v) => v === "cannot_verify", 60_000);
    await waitShown(browser, "#accept");
    await keys(browser, "a");
    await waitShown(browser, "#payer-ref");
    // Esc backs out to the waiting sale: nothing cancelled, nothing recorded.
    await keys(browser, "Escape");
    await browser.waitUntil(async () => !(await displayed(browser, "#accept-panel")), { timeout: 5_000, interval: 20 });
    assert.equal(await (await browser.$("#sale-panel")).getAttribute("data-status"), "pending");
    assert.equal(ledgerSale(qr).status, "pending");

    await (await browser.$("#accept")).click();
    await waitShown(browser, "#payer-ref");
    await browser.waitUntil(async () => (await browser.execute(() => document.activeElement?.id)) === "payer-ref", { timeout: 5_000, interval: 20 });
    await keys(browser, "4", "8", "2", "1");
    await shot(browser, "9-accept-reference");
    await keys(browser, "Enter");
    await waitShown(browser, "#accepted", 10_000);
    await shot(browser, "10-accepted");
    assert.equal(await displayed(browser, "#paid"), false, "accepted is never PAID");
    assert.match(await (await browser.$("#accepted-ref")).getText(), /4821/);
    assert.match(await (await browser.$("#accepted-amount")).getText(), /6,500 KHR/);
    const accepted = ledgerSale(qr);
    assert.equal(accepted.status, "accepted_unverified");
    assert.equal(accepted.acceptedRef, "4821");
    assert.equal(accepted.receiptNumber, null);
    const report = JSON.parse(cli(["report", "--json"], { KHQR_POS_DATA_DIR: app.dataDir }));
    assert.deepEqual(report.takings, [], "not in the takings while unverified");
    assert.deepEqual(report.accepted.map((t) => [t.count, t.sumText]), [[1, "6,500"]]);
    // Any key: the counter is ready for the next sale.
    await keys(browser, "Escape");
    await waitShown(browser, "#entry-panel");

    await sim(simUrl, "DELETE", "faults");
    outage = false;
  } finally {
    if (outage) await sim(simUrl, "DELETE", "faults");
  }
  // The watcher retries on its backoff ladder and then finds the payment.
  const deadline = Date.now() + 150_000;
  let sale = ledgerSale(qr);
  while (sale.status === "accepted_unverified" && Date.now() < deadline) {
    await sleep(1_000);
    sale = ledgerSale(qr);
  }
  assert.equal(sale.status, "paid");
  assert.notEqual(sale.receiptNumber, null);
  assert.equal(sale.acceptedRef, "4821", "the reference typed stays on record");
  // The counter was not interrupted: no PAID screen over the next sale.
  assert.equal(await displayed(browser, "#paid"), false);
});
