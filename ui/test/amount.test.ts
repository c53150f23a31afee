// Unit tests of the amount buffer: what each keystroke does to the text the cashier sees.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  amountLength,
  displayFinal,
  displayTyped,
  emptyEntry,
  entryKeyOf,
  groupDigits,
  press,
  switchCurrency,
  type Entry,
  type EntryKey,
} from "../src/amount.js";

function typeKeys(entry: Entry, keys: EntryKey[]): { entry: Entry; problems: (string | null)[] } {
  const problems: (string | null)[] = [];
  let current = entry;
  for (const key of keys) {
    const r = press(current, key);
    current = r.entry;
    problems.push(r.problem);
  }
  return { entry: current, problems };
}

test("riel amounts are grouped by thousands as they are typed", () => {
  const { entry } = typeKeys(emptyEntry("KHR"), ["1", "3", "0", "0", "0", "0", "0"]);
  assert.equal(entry.text, "1300000");
  assert.equal(displayTyped(entry), "1,300,000");
  assert.equal(displayFinal(entry), "1,300,000");
});

test("a decimal point in riel is refused with its reason", () => {
  const r = press({ text: "15", currency: "KHR" }, ".");
  assert.equal(r.entry.text, "15");
  assert.equal(r.problem, "khrNoDecimals");
});

test("dollars take two decimals and refuse a third", () => {
  const { entry, problems } = typeKeys(emptyEntry("USD"), ["1", "0", ".", "5", "0", "1"]);
  assert.equal(entry.text, "10.50");
  assert.deepEqual(problems, [null, null, null, null, null, "usdTwoDecimals"]);
  assert.equal(displayFinal({ text: "10", currency: "USD" }), "10.00");
  assert.equal(displayFinal({ text: ".5", currency: "USD" }), "0.50");
});

test("a leading point becomes zero point and a second point is ignored", () => {
  const { entry } = typeKeys(emptyEntry("USD"), [".", ".", "5"]);
  assert.equal(entry.text, "0.5");
});

test("a leading zero is replaced by the next digit", () => {
  const { entry } = typeKeys(emptyEntry("KHR"), ["0", "0", "7"]);
  assert.equal(entry.text, "7");
});

test("backspace removes one character and delete clears everything", () => {
  assert.equal(press({ text: "123", currency: "KHR" }, "backspace").entry.text, "12");
  assert.equal(press({ text: "", currency: "KHR" }, "backspace").entry.text, "");
  assert.equal(press({ text: "123", currency: "KHR" }, "clear").entry.text, "");
});

test("overlong amounts are refused instead of overflowing the display", () => {
  const r = press({ text: "123456789012", currency: "KHR" }, "3");
  assert.equal(r.problem, "tooLong");
  assert.equal(r.entry.text, "123456789012");
});

const SHOP_MAX = { KHR: "40000000", USD: "10000.00" } as const;

test("digits beyond the shop's maximum are refused; the maximum itself can be typed", () => {
  const max = typeKeys(emptyEntry("KHR"), ["4", "0", "0", "0", "0", "0", "0", "0"]);
  assert.equal(max.entry.text, "40000000");
  const over = press({ text: "4000001", currency: "KHR" }, "0", SHOP_MAX);
  assert.deepEqual(over, { entry: { text: "4000001", currency: "KHR" }, problem: "overMax" });
  assert.equal(press({ text: "40000000", currency: "KHR" }, "0", SHOP_MAX).problem, "overMax");
  assert.equal(press({ text: "10000.0", currency: "USD" }, "0", SHOP_MAX).entry.text, "10000.00");
  assert.equal(press({ text: "10000.0", currency: "USD" }, "1", SHOP_MAX).problem, "overMax");
  assert.equal(press({ text: "10000", currency: "USD" }, "0", SHOP_MAX).problem, "overMax");
});

test("an amount over the maximum after a currency switch is explained and can be shortened", () => {
  const r = switchCurrency({ text: "50000", currency: "KHR" }, SHOP_MAX);
  assert.deepEqual(r, { entry: { text: "50000", currency: "USD" }, problem: "overMax" });
  assert.deepEqual(press(r.entry, "backspace", SHOP_MAX), { entry: { text: "5000", currency: "USD" }, problem: null });
  assert.equal(press({ text: "500000", currency: "USD" }, "backspace", SHOP_MAX).entry.text, "50000");
});

test("long amounts get a smaller font step", () => {
  assert.equal(amountLength("1,300,000"), "");
  assert.equal(amountLength("40,000,000"), "mid");
  assert.equal(amountLength("999,999,999,999"), "long");
});

test("switching to riel with decimals typed keeps the text and explains the problem", () => {
  const r = switchCurrency({ text: "2.50", currency: "USD" });
  assert.equal(r.entry.currency, "KHR");
  assert.equal(r.problem, "khrNoDecimals");
  assert.equal(switchCurrency(r.entry).problem, null);
});

test("keyboard keys map to entry keys, including the numpad decimal and comma", () => {
  assert.equal(entryKeyOf("7"), "7");
  assert.equal(entryKeyOf(","), ".");
  assert.equal(entryKeyOf("Backspace"), "backspace");
  assert.equal(entryKeyOf("Delete"), "clear");
  assert.equal(entryKeyOf("a"), null);
  assert.equal(groupDigits("1000"), "1,000");
});
