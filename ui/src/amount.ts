// What the cashier is typing: a small, pure state machine for the amount buffer (keypad and
// keyboard share it) and the display formatting of amounts. The Rust side parses the final text
// again and is the authority; this only stops impossible keystrokes early and explains why.

import type { Currency } from "./ipc/bindings.js";

/** The two currencies a KHQR can carry (generated from `pos_domain::Currency`). */
export type { Currency };

/** The amount being typed: the raw text (digits and at most one `.`) and its currency. */
export interface Entry {
  readonly text: string;
  readonly currency: Currency;
}

/** A key the amount buffer understands. */
export type EntryKey = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "." | "backspace" | "clear";

/**
 * Why a keystroke was refused; the UI explains it inline (i18n key `problem.<name>`).
 * `overMax`: the amount would pass the shop's maximum for its currency.
 */
export type EntryProblem = "khrNoDecimals" | "usdTwoDecimals" | "tooLong" | "overMax";

/** The shop's largest chargeable amount per currency, as plain text (`40000000`, `10000.00`). */
export type MaxAmounts = Readonly<Record<Currency, string>>;

/** The result of a keystroke: the new entry and, when the key was refused, why. */
export interface Pressed {
  readonly entry: Entry;
  readonly problem: EntryProblem | null;
}

/** Whole-number digits allowed: 12 for riel (under a trillion), 9 for dollars. */
const MAX_INT_DIGITS: Record<Currency, number> = { KHR: 12, USD: 9 };
const DECIMALS: Record<Currency, number> = { KHR: 0, USD: 2 };

/** An empty entry in the given currency. */
export function emptyEntry(currency: Currency): Entry {
  return { text: "", currency };
}

/** An amount's text in minor units (riel, cents): integers, so money is never a float. */
function minorUnits(text: string, currency: Currency): bigint {
  const [intPart, frac = ""] = text.split(".");
  return BigInt(`${intPart === "" ? "0" : intPart}${frac.padEnd(DECIMALS[currency], "0")}`);
}

/** Whether `entry` is more than the shop allows for its currency (`max` null: no maximum known). */
export function overMax(entry: Entry, max: MaxAmounts | null): boolean {
  return max !== null && minorUnits(entry.text, entry.currency) > minorUnits(max[entry.currency], entry.currency);
}

/**
 * Applies one key to the entry. Refused keys leave the text unchanged and name the problem;
 * a digit that would pass the shop's maximum `max` is refused too.
 */
export function press(entry: Entry, key: EntryKey, max: MaxAmounts | null = null): Pressed {
  const refuse = (problem: EntryProblem): Pressed => ({ entry, problem });
  const shorten = (text: string): Pressed => ({ entry: { ...entry, text }, problem: null });
  const accept = (text: string): Pressed => (overMax({ ...entry, text }, max) ? refuse("overMax") : shorten(text));
  const { text, currency } = entry;
  switch (key) {
    // Taking digits away is always allowed: it is how an amount over the maximum is fixed.
    case "clear":
      return shorten("");
    case "backspace":
      return shorten(text.slice(0, -1));
    case ".": {
      if (DECIMALS[currency] === 0) return refuse("khrNoDecimals");
      if (text.includes(".")) return { entry, problem: null };
      return accept(text === "" ? "0." : `${text}.`);
    }
    default: {
      const [intPart, frac] = text.split(".");
      if (frac !== undefined) {
        if (frac.length >= DECIMALS[currency]) return refuse("usdTwoDecimals");
        return accept(text + key);
      }
      // A leading zero is replaced rather than kept ("0" then "5" is "5", not "05").
      if (intPart === "0") return accept(key);
      if (intPart.length >= MAX_INT_DIGITS[currency]) return refuse("tooLong");
      return accept(text + key);
    }
  }
}

/**
 * Switches the currency, keeping the digits; decimals typed for USD are a problem in KHR, and
 * riel digits may be more dollars than the shop allows.
 */
export function switchCurrency(entry: Entry, max: MaxAmounts | null = null): Pressed {
  const currency: Currency = entry.currency === "KHR" ? "USD" : "KHR";
  const next = { ...entry, currency };
  const frac = entry.text.split(".")[1];
  if (currency === "KHR" && frac !== undefined) return { entry: next, problem: "khrNoDecimals" };
  return { entry: next, problem: overMax(next, max) ? "overMax" : null };
}

/** Inserts thousands separators into a run of digits: `1300000` → `1,300,000`. */
export function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** The typed text as the amount display shows it: grouped, decimals as typed, `0` when empty. */
export function displayTyped(entry: Entry): string {
  if (entry.text === "") return "0";
  const [intPart, frac] = entry.text.split(".");
  const grouped = groupDigits(intPart === "" ? "0" : intPart);
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** The typed text as it will be charged: USD always with two decimals (`10` → `10.00`). */
export function displayFinal(entry: Entry): string {
  if (entry.currency === "KHR") return displayTyped(entry);
  const [intPart, frac = ""] = entry.text.split(".");
  return `${groupDigits(intPart === "" ? "0" : intPart)}.${frac.padEnd(2, "0")}`;
}

/** Long amounts step their font down (styles.css) so no panel grows under the card. */
export function amountLength(text: string): "" | "mid" | "long" {
  return text.length > 13 ? "long" : text.length > 9 ? "mid" : "";
}

/** Maps a keyboard event's `key` to an entry key, or null for keys the buffer ignores. */
export function entryKeyOf(key: string): EntryKey | null {
  if (/^[0-9]$/.test(key)) return key as EntryKey;
  if (key === "." || key === "," || key === "Decimal") return ".";
  if (key === "Backspace") return "backspace";
  if (key === "Delete") return "clear";
  return null;
}
