// The counter's logic as a pure state machine: `step(state, event)` returns the next state and
// the effects to run (IPC calls, the chime, timers) as data. No DOM, no IPC, no clock: the
// shell in ./counter.ts renders the state and runs the effects, so every flow (typing, charge →
// waiting → paid, expiry, cancel, cannot-verify, "customer shows paid") is testable without a
// web view.
import { emptyEntry, entryKeyOf, press, switchCurrency, type Currency, type Entry, type EntryKey, type EntryProblem, type MaxAmounts } from "../amount.js";
import type { CheckReply, SaleCard, SaleStatus, UiEvent, Verification } from "../ipc/bindings.js";

export type { Verification };

/** The keys for "customer shows paid": the biggest key on the keyboard, and one beside F9. */
export const CHECK_KEYS: readonly string[] = [" ", "F8"];

/**
 * The keys for "customer shows paid — accept" while Bakong cannot answer: A, and F7 for a
 * keyboard in the Khmer layout (where A types a Khmer letter).
 */
export const ACCEPT_KEYS: readonly string[] = ["a", "A", "F7"];

/** How long the PAID screen stays before the next sale, unless a key is pressed. */
export const PAID_HOLD_MS = 5000;

/** A failed command as Rust reported it: a stable code and its message. */
export interface Failure {
  code: string;
  message: string;
}

/**
 * What to explain to the cashier: a refused keystroke, a failed command, or that the sale was
 * cancelled. The shell puts it into words.
 */
export type Problem =
  | { kind: "entry"; problem: EntryProblem }
  | { kind: "failed"; failure: Failure }
  | { kind: "cancelled" };

export interface State {
  /** Demo mode: F9 and the button may simulate the customer's payment. */
  readonly demo: boolean;
  /** The owner allows accepting a sale on the customer's success screen when Bakong cannot answer. */
  readonly acceptAllowed: boolean;
  /** The shop's maximum per currency: the keypad refuses digits beyond it. */
  readonly max: MaxAmounts | null;
  readonly entry: Entry;
  /** Shown under the amount, or as the sale's note while a QR is shown. */
  readonly problem: Problem | null;
  /** A charge, cancel or fresh QR is on its way to Rust: a second one must wait. */
  readonly busy: boolean;
  /** A fresh QR is being made: the core cancels the old sale on purpose, which is not news. */
  readonly regenerating: boolean;
  readonly sale: SaleCard | null;
  readonly status: SaleStatus | null;
  /** Verification is global (one watcher for all sales), so it outlives a sale. */
  readonly verification: Verification | null;
  /** The QR's expiry passed on this clock; the core's final check may still find a payment. */
  readonly pastExpiry: boolean;
  readonly paid: { card: SaleCard; payer: string | null; late: boolean } | null;
  /**
   * Accepting on the customer's screen: the payer's reference being typed, or on its way to
   * Rust (`sending`).
   */
  readonly accept: { text: string; sending: boolean } | null;
  /** Shown after a sale was accepted on the customer's screen: not PAID, verified later. */
  readonly accepted: { card: SaleCard; payerRef: string } | null;
  /** What is left of the day's Bakong checks, once one was spent this run. */
  readonly budget: { left: number; daily: number } | null;
  /**
   * The "customer shows paid" check for this sale: on its way, or what Bakong said when it was
   * not a payment (a payment arrives as the sale's new status).
   */
  readonly check: "asking" | Exclude<CheckReply, { outcome: "found" }> | null;
  /** Late payments to announce, oldest first. */
  readonly notices: readonly LateNotice[];
}

/**
 * A payment that landed on a QR no longer on screen (cancelled or expired): the cashier must
 * not ask the customer to pay again. Shown until dismissed.
 */
export interface LateNotice {
  readonly saleId: string;
  readonly billNumber: string;
  readonly amountText: string;
  readonly currency: Currency;
}

/** A key as the counter sees it; `inNote` when the note field has focus. */
export interface KeyPress {
  key: string;
  inNote: boolean;
  /** Ctrl, Alt or Meta is held: not an amount key. */
  modified: boolean;
}

export type Event =
  // The cashier: a keyboard key, or a click on the screen's buttons.
  | { type: "key"; press: KeyPress }
  | { type: "entryKey"; key: EntryKey }
  | { type: "pickCurrency"; currency: Currency }
  | { type: "charge" }
  | { type: "cancel" }
  | { type: "fresh" }
  | { type: "newSale" }
  | { type: "simulate" }
  | { type: "checkNow" }
  | { type: "acceptStart" }
  | { type: "refTyped"; text: string }
  | { type: "acceptConfirm" }
  | { type: "acceptBack" }
  | { type: "dismissNotice"; saleId: string }
  // Replies to the effects' IPC calls.
  | { type: "charged"; card: SaleCard }
  | { type: "cancelReplied"; saleId: string; status: SaleStatus }
  | { type: "regenerated"; card: SaleCard }
  | { type: "checked"; saleId: string; reply: CheckReply }
  | { type: "acceptReplied"; saleId: string; status: SaleStatus }
  // At start: the sale that was waiting when the app last stopped, as it stands now.
  | { type: "resumed"; card: SaleCard }
  | { type: "failed"; command: Command; failure: Failure }
  // What the payment watcher reports.
  | { type: "pos"; event: UiEvent }
  // Timers: the countdown's clock, and the end of the PAID hold.
  | { type: "tick"; now: number }
  | { type: "paidHoldOver" };

/** The commands whose failure the counter explains. */
export type Command = "charge" | "cancel" | "regenerate" | "simulate" | "checkNow" | "accept" | "resume";

export type Effect =
  | { kind: "charge"; amount: string; currency: Currency }
  | { kind: "cancel"; saleId: string }
  | { kind: "regenerate"; saleId: string }
  | { kind: "simulatePayment"; saleId: string }
  | { kind: "checkNow"; saleId: string }
  | { kind: "accept"; saleId: string; payerRef: string }
  | { kind: "focusRef" }
  | { kind: "playChime" }
  | { kind: "holdPaid"; ms: number }
  | { kind: "clearNote" }
  | { kind: "blurNote" };

export interface Step {
  state: State;
  effects: Effect[];
  /** A key event the counter used: the shell stops the web view's default action for it. */
  handled: boolean;
}

export function initialState(currency: Currency, demo: boolean, max: MaxAmounts | null = null, acceptAllowed = false): State {
  return {
    demo,
    acceptAllowed,
    max,
    entry: emptyEntry(currency),
    problem: null,
    busy: false,
    regenerating: false,
    sale: null,
    status: null,
    verification: null,
    pastExpiry: false,
    paid: null,
    accept: null,
    accepted: null,
    check: null,
    budget: null,
    notices: [],
  };
}

const same = (state: State): Step => ({ state, effects: [], handled: false });
const to = (state: State, ...effects: Effect[]): Step => ({ state, effects, handled: false });

/** The next state and the effects to run for one event. */
export function step(state: State, event: Event): Step {
  switch (event.type) {
    case "key":
      return onKey(state, event.press);
    case "entryKey": {
      const r = press(state.entry, event.key, state.max);
      // An explanation stays until the amount changes: a key that changed nothing keeps it.
      const kept = r.problem === null && r.entry.text === state.entry.text ? state.problem : null;
      return to({ ...state, entry: r.entry, problem: entryProblem(r.problem) ?? kept });
    }
    case "pickCurrency": {
      if (event.currency === state.entry.currency) return same(state);
      const r = switchCurrency(state.entry, state.max);
      return to({ ...state, entry: r.entry, problem: entryProblem(r.problem) });
    }
    case "charge":
      if (state.busy) return same(state);
      return to({ ...state, busy: true, problem: null }, { kind: "charge", amount: state.entry.text, currency: state.entry.currency });
    case "cancel":
      if (state.sale === null || state.busy) return same(state);
      return to({ ...state, busy: true }, { kind: "cancel", saleId: state.sale.saleId });
    case "fresh":
      if (state.sale === null || state.busy) return same(state);
      return to({ ...state, busy: true, regenerating: true }, { kind: "regenerate", saleId: state.sale.saleId });
    case "newSale":
      return newSale(state, false);
    case "simulate":
      if (!state.demo || state.sale === null || state.status !== "pending") return same(state);
      return to(state, { kind: "simulatePayment", saleId: state.sale.saleId });
    case "checkNow":
      // One check per press: a second press while Bakong is being asked spends nothing.
      if (state.sale === null || state.status !== "pending" || state.check === "asking") return same(state);
      return to({ ...state, check: "asking" }, { kind: "checkNow", saleId: state.sale.saleId });
    case "checked":
      return checked(state, event.saleId, event.reply);
    case "acceptStart":
      if (!canAccept(state) || state.accept !== null) return same(state);
      return to({ ...state, accept: { text: "", sending: false }, problem: null }, { kind: "focusRef" });
    case "refTyped":
      if (state.accept === null || state.accept.sending) return same(state);
      return to({ ...state, accept: { text: event.text, sending: false } });
    case "acceptConfirm":
      // The core checks the reference (blank, too long, control characters) and says why.
      if (state.sale === null || state.accept === null || state.accept.sending) return same(state);
      return to({ ...state, accept: { ...state.accept, sending: true } }, { kind: "accept", saleId: state.sale.saleId, payerRef: state.accept.text });
    case "acceptBack":
      if (state.accept === null || state.accept.sending) return same(state);
      return to({ ...state, accept: null, problem: null });
    case "acceptReplied":
      return applyStatus(state, event.saleId, event.status, null);
    case "dismissNotice":
      return to({ ...state, notices: state.notices.filter((n) => n.saleId !== event.saleId) });
    case "resumed":
      // Shown as it was (waiting), then brought to where it stands: a result the watcher
      // found while the app was down is announced as if it had just happened.
      if (state.sale !== null || state.busy) return same(state);
      return applyStatus(showSale(state, { ...event.card, status: "pending" }), event.card.saleId, event.card.status, null);
    case "charged":
      return to(showSale({ ...state, busy: false }, event.card));
    case "regenerated":
      return to(showSale({ ...state, busy: false, regenerating: false }, event.card));
    case "cancelReplied":
      return applyStatus({ ...state, busy: false }, event.saleId, event.status, null);
    case "failed":
      return failed(state, event.command, event.failure);
    case "pos":
      if (event.event.kind === "status") return onStatus(state, event.event);
      if (event.event.kind === "budget") return to({ ...state, budget: { left: event.event.left, daily: event.event.daily } });
      return to({ ...state, verification: event.event.state });
    case "tick": {
      const { sale } = state;
      if (sale === null || state.status !== "pending" || state.pastExpiry || event.now < sale.expiresAtMs) return same(state);
      return to({ ...state, pastExpiry: true });
    }
    case "paidHoldOver":
      // A hold that outlived its screen (a key ended it early) has nothing left to end.
      return state.paid === null && state.accepted === null ? same(state) : newSale(state, false);
  }
}

/**
 * Whether the waiting sale may be accepted on the customer's screen now: the owner allows it
 * and Bakong cannot answer (the core decides again when the reference is sent).
 */
export function canAccept(state: State): boolean {
  const { check } = state;
  const cannot = state.verification?.state === "cannotVerify" || (check !== null && check !== "asking" && check.outcome === "cannotVerify");
  return state.acceptAllowed && state.sale !== null && state.status === "pending" && cannot;
}

function entryProblem(problem: EntryProblem | null): Problem | null {
  return problem === null ? null : { kind: "entry", problem };
}

function showSale(state: State, card: SaleCard): State {
  return { ...state, sale: card, status: card.status, pastExpiry: false, problem: null, check: null };
}

/** Bakong's answer to the key: a payment is the sale's new status; anything else is said. */
function checked(state: State, saleId: string, reply: CheckReply): Step {
  if (state.sale === null || state.sale.saleId !== saleId) return same(state);
  if (reply.outcome === "found") return applyStatus({ ...state, check: null }, saleId, reply.status, null);
  return to({ ...state, check: reply });
}

/** Back to the keypad; `keepAmount` puts the sale's amount back (after a cancel). */
function newSale(state: State, keepAmount: boolean): Step {
  const previous = state.sale;
  const entry = keepAmount && previous !== null ? { text: previous.amountPlain, currency: previous.currency } : emptyEntry(state.entry.currency);
  const next: State = { ...state, entry, paid: null, accept: null, accepted: null, sale: null, status: null, pastExpiry: false, problem: null, check: null };
  return keepAmount ? to(next) : to(next, { kind: "clearNote" });
}

function failed(state: State, command: Command, failure: Failure): Step {
  const problem: Problem = { kind: "failed", failure };
  switch (command) {
    case "charge":
    case "cancel":
      return to({ ...state, busy: false, problem });
    case "regenerate": {
      // No fresh QR: the amount goes back to the keypad, with the reason beside it.
      const back = newSale({ ...state, busy: false, regenerating: false }, true).state;
      return to({ ...back, problem });
    }
    case "simulate":
    case "resume":
      return to({ ...state, problem });
    case "checkNow":
      return to({ ...state, problem, check: null });
    case "accept":
      // Back to the reference, with the reason: the cashier fixes it or backs out with Esc.
      return to({ ...state, problem, accept: state.accept === null ? null : { ...state.accept, sending: false } }, { kind: "focusRef" });
  }
}

/** A sale's new status from the watcher: the sale on screen moves; a late payment elsewhere is announced. */
function onStatus(state: State, event: Extract<UiEvent, { kind: "status" }>): Step {
  const onScreen = state.sale !== null && state.sale.saleId === event.saleId;
  if (onScreen || event.status !== "paid_late") return applyStatus(state, event.saleId, event.status, event.payer);
  if (state.notices.some((n) => n.saleId === event.saleId)) return same(state);
  const notice: LateNotice = { saleId: event.saleId, billNumber: event.billNumber, amountText: event.amountText, currency: event.currency };
  return to({ ...state, notices: [...state.notices, notice] });
}

function applyStatus(state: State, saleId: string, status: SaleStatus, payer: string | null): Step {
  const { sale } = state;
  if (sale === null || sale.saleId !== saleId || (state.regenerating && status === "cancelled")) return same(state);
  if (status === "paid" || status === "paid_late") {
    // Told twice (the cancel's reply, then the watcher's event): chime once, keep any payer.
    if (state.paid !== null) {
      return payer === null || payer === state.paid.payer ? same(state) : to({ ...state, paid: { ...state.paid, payer } });
    }
    const paid = { card: sale, payer, late: status === "paid_late" };
    return to({ ...state, status, paid, accept: null }, { kind: "playChime" }, { kind: "holdPaid", ms: PAID_HOLD_MS });
  }
  if (status === "accepted_unverified") {
    // Told twice (the accept's reply, then the watcher's event): shown once. No chime: not paid.
    if (state.accepted !== null) return same(state);
    const accepted = { card: sale, payerRef: state.accept?.text.trim() ?? "" };
    return to({ ...state, status, accepted, accept: null, problem: null }, { kind: "holdPaid", ms: PAID_HOLD_MS });
  }
  if (status === "cancelled") {
    // The cashier usually cancels to fix the amount: put it back in the keypad.
    const back = newSale(state, true).state;
    return to({ ...back, problem: { kind: "cancelled" } });
  }
  // A new status replaces whatever the last failed action on this sale said.
  return to({ ...state, status, problem: status === state.status ? state.problem : null });
}

/**
 * The keyboard: digits . Backspace Delete type the amount, Enter = Charge / fresh QR, Esc =
 * clear / cancel / new sale, F2 = switch KHR/USD, Space or F8 = the customer shows paid (check
 * now), A or F7 = accept on the customer's screen when Bakong cannot answer (then Enter
 * confirms the reference, Esc backs out), F9 = simulate payment, any key ends PAID or ACCEPTED.
 */
function onKey(state: State, { key, inNote, modified }: KeyPress): Step {
  const handle = (event: Event): Step => ({ ...step(state, event), handled: true });
  if (state.paid !== null || state.accepted !== null) return handle({ type: "newSale" });
  // The reference input takes every key but these two.
  if (state.accept !== null) {
    if (key === "Enter") return handle({ type: "acceptConfirm" });
    if (key === "Escape") return handle({ type: "acceptBack" });
    return same(state);
  }
  if (key === "F2") {
    const other = state.entry.currency === "KHR" ? "USD" : "KHR";
    return state.sale === null ? handle({ type: "pickCurrency", currency: other }) : { ...same(state), handled: true };
  }
  if (key === "F9") return handle({ type: "simulate" });
  if (state.sale !== null) {
    if (CHECK_KEYS.includes(key) && !modified) return handle({ type: "checkNow" });
    if (ACCEPT_KEYS.includes(key) && !modified && canAccept(state)) return handle({ type: "acceptStart" });
    if (key === "Escape") return handle(state.status === "pending" ? { type: "cancel" } : { type: "newSale" });
    if (key === "Enter" && (state.status === "expired" || state.status === "failed")) return handle({ type: "fresh" });
    return same(state);
  }
  if (key === "Enter") return handle({ type: "charge" });
  if (key === "Escape") return inNote ? { state, effects: [{ kind: "blurNote" }], handled: true } : handle({ type: "entryKey", key: "clear" });
  // The note field takes its own keys.
  if (inNote) return same(state);
  const entryKey = entryKeyOf(key);
  if (entryKey === null || modified) return same(state);
  return handle({ type: "entryKey", key: entryKey });
}

/** The counter shows the budget gauge from this share of the day's checks left, in percent. */
export const BUDGET_LOW_PERCENT = 30;

/** The gauge's text parts when the day's checks run low (else null): the key saves checks then. */
export function budgetGauge(budget: State["budget"]): { left: number; daily: number; empty: boolean } | null {
  if (budget === null || budget.left * 100 > budget.daily * BUDGET_LOW_PERCENT) return null;
  return { left: budget.left, daily: budget.daily, empty: budget.left === 0 };
}

/** What the countdown shows at `now`: `m:ss`, whether time is short, and the share left. */
export function timeLeft(sale: SaleCard, now: number): { text: string; low: boolean; fraction: number } {
  const total = sale.expiresAtMs - sale.createdAtMs;
  const left = Math.max(0, sale.expiresAtMs - now);
  const secs = Math.ceil(left / 1000);
  return {
    text: `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, "0")}`,
    low: secs <= 30,
    fraction: total > 0 ? left / total : 0,
  };
}
