// The cash screen (issue 12): after the amount, F8 instead of Enter. It shows what is due in
// both currencies at the frozen rate, takes what the customer hands over per currency (typed,
// or quick note keys), and shows the change live: whole dollars plus riel rounded to 100, the
// rounding on its own line. Every figure is computed in Rust (`cash_quote`); this screen only
// sends what was typed and shows the text it gets back. Short cash can be finished by a KHQR
// for exactly the rest, which the counter's waiting and PAID flow then takes.
import { h } from "../dom";
import { till, type CashDone, type CashInput, type CashQuote, type Currency, type IpcError, type SaleCard } from "../ipc/client";
import { keyButton, tillLayer } from "./till/layer";
import { addNote } from "./till/notes";
import { tillError, tt } from "./till/text";
import "../till.css";

/** The counter's key for cash, beside Enter for KHQR. */
export const CASH_KEY = "F8";
const ALL_RIEL_KEY = "F9";
const REST_KHQR_KEY = "F10";
/** Quick notes: dollars on F1–F6, riel on Shift+F1–F7. */
const USD_NOTES = [1, 5, 10, 20, 50, 100];
const KHR_NOTES = [1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];

/** The sale the counter hands over: the amount as typed on its keypad. */
export interface CashSale {
  amount: string;
  currency: Currency;
  note: string | null;
}

/** What the counter does when the cash screen ends. */
export interface CashHooks {
  /** A split sale's QR for the rest: the counter shows it and waits for payment. */
  onSplit(card: SaleCard): void;
  /** A cash sale finished (or abandoned with `false`). */
  onClose(finished: boolean): void;
}

function noteLabel(note: number, currency: Currency): string {
  return currency === "USD" ? `$${note}` : `${note.toLocaleString("en-US")}៛`;
}

/** Opens the cash screen for `sale`. */
export function openCash(sale: CashSale, hooks: CashHooks): void {
  const layer = tillLayer();
  let allRiel = false;
  let quote: CashQuote | null = null;
  let problem: IpcError | null = null;
  let busy = false;
  let done: CashDone | null = null;
  // Measurement for BENCHMARKS.md (keypress → change painted), never part of the logic.
  let typedAt: number | null = null;
  let seq = 0;

  const usdInput = h("input", { id: "cash-usd", class: "cash-input", type: "text", inputmode: "decimal", autocomplete: "off" });
  const khrInput = h("input", { id: "cash-khr", class: "cash-input", type: "text", inputmode: "numeric", autocomplete: "off" });
  const givenUsd = h("output", { id: "cash-given-usd", class: "cash-given-total" });
  const givenKhr = h("output", { id: "cash-given-khr", class: "cash-given-total" });
  const dueUsd = h("strong", { id: "cash-due-usd" });
  const dueKhr = h("strong", { id: "cash-due-khr" });
  const rate = h("span", { id: "cash-rate", class: "cash-rate" });
  const result = h("div", { id: "cash-change", class: "cash-result", "aria-live": "polite" });
  const problemLine = h("p", { id: "cash-error", class: "amount-error", role: "alert" });
  const backBtn = keyButton("cash-back", tt("cash.back"), "Esc");
  const allRielBtn = keyButton("cash-all-riel", tt("cash.allRiel"), ALL_RIEL_KEY, "btn btn-secondary btn-toggle");
  const restBtn = keyButton("cash-rest-khqr", tt("cash.restKhqr"), REST_KHQR_KEY, "btn btn-khqr");
  const finishBtn = keyButton("cash-finish", tt("cash.finish"), "Enter", "btn btn-charge");

  const noteButtons = (notes: number[], currency: Currency, keyPrefix: string) =>
    h(
      "div",
      { class: "cash-notes", role: "group" },
      ...notes.map((note, i) => {
        const b = h("button", { type: "button", class: "note-key", id: `note-${currency}-${note}` },
          h("span", {}, noteLabel(note, currency)), h("kbd", {}, `${keyPrefix}F${i + 1}`));
        b.addEventListener("click", () => addGiven(currency, note));
        return b;
      }),
    );

  const screen = h(
    "div",
    { class: "cash", id: "cash-screen" },
    h("header", { class: "cash-head" }, h("h1", {}, tt("cash.title")), rate),
    h("div", { class: "cash-due" }, h("span", { class: "cash-label" }, tt("cash.due")), dueUsd, h("span", { class: "cash-or" }, "·"), dueKhr),
    h(
      "div",
      { class: "cash-given" },
      h(
        "div",
        { class: "cash-col" },
        h("label", { for: "cash-usd", class: "cash-label" }, tt("cash.givenUsd")),
        h("div", { class: "cash-field" }, usdInput, givenUsd),
        noteButtons(USD_NOTES, "USD", ""),
      ),
      h(
        "div",
        { class: "cash-col" },
        h("label", { for: "cash-khr", class: "cash-label" }, tt("cash.givenKhr")),
        h("div", { class: "cash-field" }, khrInput, givenKhr),
        noteButtons(KHR_NOTES, "KHR", "⇧"),
      ),
    ),
    result,
    problemLine,
    h("div", { class: "actions" }, backBtn, allRielBtn, restBtn, finishBtn),
  );

  function input(): CashInput {
    return { amount: sale.amount, currency: sale.currency, usdGiven: usdInput.value, khrGiven: khrInput.value, allRiel, note: sale.note };
  }

  function requote(): void {
    const mine = ++seq;
    typedAt = performance.now();
    till.quote(input()).then(
      (q) => shown(mine, q, null),
      (err: unknown) => shown(mine, null, err as IpcError),
    );
  }

  function shown(mine: number, q: CashQuote | null, err: IpcError | null): void {
    // A reply to an older keystroke never overwrites a newer one.
    if (mine !== seq) return;
    quote = q ?? quote;
    problem = err;
    render();
    const started = typedAt;
    // Two frames: the first is when layout ran, the second when the change has been painted.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        if (started !== null) result.dataset.keyToChangeMs = (performance.now() - started).toFixed(1);
        result.dataset.quoteSeq = String(mine);
      }),
    );
  }

  function addGiven(currency: Currency, note: number): void {
    const field = currency === "USD" ? usdInput : khrInput;
    field.value = addNote(field.value, note);
    requote();
  }

  function changeLines(change: { usd: string; khr: string; roundingKhr: string }): HTMLElement[] {
    const rounding = change.roundingKhr;
    const roundingNote = rounding === "0" ? "" : ` — ${tt(rounding.startsWith("-") ? "cash.roundingCustomer" : "cash.roundingShop")}`;
    return [
      h("div", { class: "cash-change-label" }, tt("cash.change")),
      h(
        "div",
        { class: "cash-change-amounts" },
        h("span", { id: "change-usd", class: "change-usd" }, `${change.usd} USD`),
        h("span", { class: "cash-or" }, "+"),
        h("span", { id: "change-khr", class: "change-khr" }, `${change.khr} KHR`),
      ),
      h("div", { id: "cash-rounding", class: "cash-rounding" }, `${tt("cash.rounding")}: ${rounding} KHR${roundingNote}`),
    ];
  }

  function render(): void {
    if (done !== null) return renderDone(done);
    const q = quote;
    rate.textContent = q === null ? "" : `${tt("cash.rate")} ${q.rielPerUsd.toLocaleString("en-US")} KHR`;
    dueUsd.textContent = q === null ? "" : `${q.dueUsd} USD`;
    dueKhr.textContent = q === null ? "" : `${q.dueKhr} KHR`;
    givenUsd.textContent = q === null ? "" : `= ${q.givenUsd} USD`;
    givenKhr.textContent = q === null ? "" : `= ${q.givenKhr} KHR`;
    const stale = problem !== null;
    result.classList.toggle("stale", stale);
    if (q?.change) {
      result.dataset.state = "change";
      result.replaceChildren(...changeLines(q.change));
    } else if (q?.stillDue) {
      const d = q.stillDue;
      result.dataset.state = "short";
      result.replaceChildren(
        h("div", { class: "cash-change-label" }, tt("cash.stillDue")),
        h("div", { class: "cash-change-amounts" }, h("span", { id: "still-due" }, `${d.khqr} ${d.khqrCurrency}`)),
        h("div", { class: "cash-rounding" }, `${tt("cash.orRiel")}: ${d.cashKhr} KHR`),
      );
    }
    problemLine.textContent = problem === null ? "" : tillError(problem);
    problemLine.hidden = problem === null;
    allRielBtn.setAttribute("aria-pressed", String(allRiel));
    finishBtn.disabled = busy || stale || !q?.change;
    restBtn.disabled = busy || stale || !q?.stillDue;
  }

  function renderDone(d: CashDone): void {
    const lines = d.change === null ? [] : changeLines(d.change);
    const panel = h(
      "div",
      { class: "cash cash-done", id: "cash-done", role: "status" },
      h("div", { class: "paid-check", "aria-hidden": "true" }, "✓"),
      h("h1", { class: "paid-title" }, tt("cash.done")),
      ...lines,
      d.receiptNumber === null ? null : h("p", { class: "cash-receipt" }, `${tt("cash.receipt")} #${d.receiptNumber}`),
      h("p", { class: "paid-next" }, tt("cash.next")),
    );
    panel.addEventListener("click", () => close(true));
    layer.show(panel, () => {
      close(true);
      return true;
    });
  }

  function close(finished: boolean): void {
    layer.hide();
    hooks.onClose(finished);
  }

  function finish(split: boolean): void {
    if (busy || (split ? restBtn.disabled : finishBtn.disabled)) return;
    busy = true;
    render();
    till.sale(input(), split).then(
      (d) => {
        busy = false;
        if (d.khqr !== null) {
          layer.hide();
          hooks.onSplit(d.khqr);
          return;
        }
        done = d;
        render();
      },
      (err: unknown) => {
        busy = false;
        problem = err as IpcError;
        render();
      },
    );
  }

  function onKey(e: KeyboardEvent): boolean {
    const actions: Record<string, () => void> = {
      Escape: () => close(false),
      Enter: () => finish(false),
      [ALL_RIEL_KEY]: toggleAllRiel,
      [REST_KHQR_KEY]: () => finish(true),
    };
    const action = actions[e.key];
    if (action !== undefined) {
      action();
      return true;
    }
    const f = /^F(\d+)$/.exec(e.key);
    if (f !== null) {
      const i = Number(f[1]) - 1;
      const notes = e.shiftKey ? KHR_NOTES : USD_NOTES;
      if (i < notes.length) addGiven(e.shiftKey ? "KHR" : "USD", notes[i]);
      return true;
    }
    return false;
  }

  function toggleAllRiel(): void {
    allRiel = !allRiel;
    requote();
  }

  usdInput.addEventListener("input", requote);
  khrInput.addEventListener("input", requote);
  backBtn.addEventListener("click", () => close(false));
  allRielBtn.addEventListener("click", toggleAllRiel);
  restBtn.addEventListener("click", () => finish(true));
  finishBtn.addEventListener("click", () => finish(false));

  layer.show(screen, onKey);
  render();
  requote();
  usdInput.focus();
}
