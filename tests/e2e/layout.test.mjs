// The counter's layout with the longest amounts the shop allows: the keypad stops at the
// shop's maximum and says why, and the entry panel never grows under the KHQR card, in
// English and Khmer, at a small counter screen (1000×700) and at full HD (1920×1080).
import { test } from "node:test";
import assert from "node:assert/strict";
import { keys, shot, appForThisFile } from "./harness.mjs";

const app = appForThisFile();

async function text(browser, selector) {
  return (await browser.$(selector)).getText();
}

/** Sizes the window so the page itself is `width`×`height` (the window may add a frame). */
async function viewport(browser, width, height) {
  await browser.setWindowSize(width, height);
  const inner = await browser.execute(() => [window.innerWidth, window.innerHeight]);
  if (inner[0] !== width || inner[1] !== height) {
    await browser.setWindowSize(2 * width - inner[0], 2 * height - inner[1]);
  }
  await browser.waitUntil(async () => {
    const [w, h] = await browser.execute(() => [window.innerWidth, window.innerHeight]);
    return w === width && h === height;
  }, { timeout: 5000, timeoutMsg: `the page did not become ${width}×${height}` });
}

/** Every part of the entry panel that must stay visible, and where the card starts. */
function measure() {
  const rect = (el) => el.getBoundingClientRect();
  const panel = rect(document.getElementById("entry-panel"));
  const box = document.querySelector(".amount-box");
  const parts = {
    key9: rect(document.getElementById("key-9")),
    backspace: rect(document.getElementById("key-backspace")),
    f2: rect(document.querySelector(".currency-switch .hint")),
    charge: rect(document.getElementById("charge")),
    amount: rect(document.getElementById("amount")),
    problem: rect(document.getElementById("amount-error")),
  };
  const cardAmount = rect(document.getElementById("card-amount"));
  const card = rect(document.getElementById("card"));
  return {
    panel: { left: panel.left, right: panel.right, bottom: panel.bottom },
    cardLeft: rect(document.getElementById("card-slot")).left,
    // Hidden parts (no problem to explain) have no box to check.
    parts: Object.fromEntries(Object.entries(parts).filter(([, r]) => r.width > 0).map(([k, r]) => [k, { left: r.left, right: r.right, bottom: r.bottom }])),
    boxOverflow: box.scrollWidth - box.clientWidth,
    cardAmountRight: cardAmount.right,
    cardRight: card.right,
    vw: window.innerWidth,
    vh: window.innerHeight,
  };
}

function assertHolds(m, where) {
  assert.ok(m.panel.right <= m.cardLeft, `${where}: the entry panel (right ${m.panel.right}) runs under the card (left ${m.cardLeft})`);
  assert.ok(m.panel.bottom <= m.vh, `${where}: the entry panel ends below the window`);
  for (const [name, r] of Object.entries(m.parts)) {
    assert.ok(r.left >= m.panel.left && r.right <= m.panel.right + 0.5, `${where}: ${name} sticks out of the panel`);
    assert.ok(r.bottom <= m.vh, `${where}: ${name} is below the window`);
  }
  assert.ok(m.boxOverflow <= 0, `${where}: the amount overflows its box by ${m.boxOverflow}px`);
  assert.ok(m.cardAmountRight <= m.cardRight, `${where}: the card's amount runs off the card`);
}

for (const [width, height] of [[1000, 700], [1920, 1080]]) {
  for (const lang of ["en", "km"]) {
    test(`${width}×${height}, ${lang}: the shop's maximum in riel and dollars fits; one more digit is refused with the reason`, async () => {
      const { browser } = app;
      await viewport(browser, width, height);
      const current = await browser.execute(() => document.documentElement.lang);
      if (current !== lang) await (await browser.$("#lang")).click();
      const where = `${width}×${height} ${lang}`;

      await (await browser.$("#cur-KHR")).click();
      await keys(browser, "Escape", ..."40000000".split(""));
      assert.equal(await text(browser, "#amount"), "40,000,000");
      assert.equal(await (await browser.$("#amount-error")).isDisplayed(), false);
      await keys(browser, "0");
      assert.equal(await text(browser, "#amount"), "40,000,000", "a ninth riel digit passes the shop's maximum");
      assert.match(await text(browser, "#amount-error"), /40,000,000 KHR/);
      assertHolds(await browser.execute(measure), `${where} KHR`);
      await shot(browser, `layout-${width}x${height}-${lang}-khr`);

      // The same digits in dollars are over the maximum: said at once, and fixed by shortening.
      await keys(browser, "F2");
      assert.match(await text(browser, "#amount-error"), /10,000\.00 USD/);
      await keys(browser, "Escape", ..."10000".split(""), "0");
      assert.equal(await text(browser, "#amount"), "10,000");
      assert.match(await text(browser, "#amount-error"), /10,000\.00 USD/);
      assertHolds(await browser.execute(measure), `${where} USD, refused`);
      await keys(browser, ".", "0", "0");
      assert.equal(await text(browser, "#amount"), "10,000.00");
      assertHolds(await browser.execute(measure), `${where} USD`);
      await shot(browser, `layout-${width}x${height}-${lang}-usd`);
      await keys(browser, "Escape");
    });
  }
}

test("a third dollar decimal is refused and explained until the amount changes", async () => {
  const { browser } = app;
  const current = await browser.execute(() => document.documentElement.lang);
  if (current !== "en") await (await browser.$("#lang")).click();
  await (await browser.$("#cur-USD")).click();
  await keys(browser, "Escape", "1", "2", ".", "3", "4", "5");
  assert.equal(await text(browser, "#amount"), "12.34");
  assert.equal(await text(browser, "#amount-error"), "Dollars take at most 2 decimals");
  await keys(browser, ".", "5");
  assert.equal(await text(browser, "#amount-error"), "Dollars take at most 2 decimals", "keys that change nothing keep it");
  await keys(browser, "Backspace");
  assert.equal(await (await browser.$("#amount-error")).isDisplayed(), false, "the amount changed");
  await keys(browser, "Escape");
  await (await browser.$("#cur-KHR")).click();
});

test("the riel sign on the currency button stands as tall as the letters", async () => {
  const { browser } = app;
  const heights = await browser.execute(() => {
    const button = document.getElementById("cur-KHR");
    const sign = button.querySelector(".cur-sign");
    const word = button.querySelector(".cur-code");
    return { sign: sign.getBoundingClientRect().height, word: word.getBoundingClientRect().height, signFont: parseFloat(getComputedStyle(sign).fontSize), wordFont: parseFloat(getComputedStyle(word).fontSize) };
  });
  assert.ok(heights.signFont > heights.wordFont, `the ៛ glyph is drawn small in its font: it needs a larger size (${JSON.stringify(heights)})`);
  await shot(browser, "layout-currency-buttons");
});
