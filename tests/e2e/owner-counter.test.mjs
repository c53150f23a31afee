// End-to-end test of the owner's refunds and the day's report by tender in the real app
// (issue 12): a paid KHQR sale is refunded in part from the owner area, paid back from the
// shop's bank app with its reference; a second refund above what remains is refused with
// nothing written; the end-of-day report shows the takings per tender, the refund on its own
// line and the net in riel. One app for the file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appForThisFile, keys, openOwnerFirstTime, paidKhqrSale, shot, text, type, waitAttr, waitShown } from "./harness.mjs";

const PIN = "2580";
const app = appForThisFile();

/** A table's rows as `cell | cell | …` lines. */
async function rows(browser, selector) {
  return browser.execute(
    (sel) => [...document.querySelectorAll(`${sel} tbody tr`)].map((tr) => [...tr.cells].map((c) => c.textContent.trim()).join(" | ")),
    selector,
  );
}

test("the owner refunds part of a paid sale from the bank app, is refused above what remains, and the report shows it by tender", async () => {
  const { browser } = app;
  // A paid KHQR sale of 5,000 riel: receipt 1.
  await paidKhqrSale(browser);

  // The owner area, first use: set the PIN.
  await openOwnerFirstTime(browser, PIN);

  // Pick the sale from the day's paid sales; all 5,000 can be refunded.
  await (await browser.$('.owner-tab[data-tab="refunds"]')).click();
  await waitShown(browser, '#refund-sales-table button[data-receipt="1"]');
  await (await browser.$('#refund-sales-table button[data-receipt="1"]')).click();
  await waitShown(browser, "#refund-form");
  assert.equal(await waitAttr(browser, "#refundable", "data-remaining", (v) => v === "5,000"), "5,000");

  // 2,000 paid back from the shop's bank app, with its reference.
  await type(browser, "#refund-amount", "2000");
  await (await browser.$("#refund-bank")).click();
  await waitShown(browser, "#refund-reference");
  await type(browser, "#refund-reference", "ABA 555");
  await type(browser, "#refund-reason", "returned one cup");
  await (await browser.$("#refund-go")).click();
  await waitShown(browser, "#refund-done");
  assert.equal(await (await browser.$("#refund-done")).getAttribute("data-number"), "1");
  await waitAttr(browser, "#refundable", "data-remaining", (v) => v === "3,000");
  assert.deepEqual(await rows(browser, "#refund-history"), [`1 | ${await text(browser, "#refund-history tbody td:nth-child(2)")} | 2,000 | Shop's bank app | ABA 555 | returned one cup`]);

  // A second refund of 3,001 is above the 3,000 that remains: refused, nothing written.
  await type(browser, "#refund-amount", "3001");
  await (await browser.$("#refund-cash")).click();
  await (await browser.$("#refund-go")).click();
  await waitShown(browser, '#refund-problem .owner-error[data-code="refund_invalid"]');
  await shot(browser, "owner-9-refund");
  await (await browser.$("#refund-look")).click();
  await waitAttr(browser, "#refundable", "data-remaining", (v) => v === "3,000");
  assert.equal((await rows(browser, "#refund-history")).length, 1);

  // The day's report: KHQR takings of 5,000, the refund on its own line, 3,000 net.
  await (await browser.$('.owner-tab[data-tab="report"]')).click();
  await waitShown(browser, "#eod-by-tender");
  assert.deepEqual(await rows(browser, "#eod-by-tender"), ["KHQR | KHR | 1 | 5,000"]);
  const refunds = await rows(browser, "#eod-refunds");
  assert.equal(refunds.length, 1);
  assert.match(refunds[0], /^1 \| 1 \| .* \| 2,000 \| KHR \| Shop's bank app \| ABA 555$/);
  assert.deepEqual(await rows(browser, "#eod-refund-totals"), ["Shop's bank app | KHR | 1 | 2,000"]);
  assert.match(await text(browser, "#eod-net"), /3,000 KHR/);
  await keys(browser, "Escape");
});
