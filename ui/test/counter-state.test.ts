// Unit tests of the counter's state machine: the cashier's real flows, event by event, with the
// effects the shell would run. The IPC replies and pos events are fed in as Rust sends them.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { SaleCard, SaleStatus, UiEvent } from "../src/ipc/bindings.js";
import { budgetGauge, initialState, PAID_HOLD_MS, step, timeLeft, type Effect, type Event, type State } from "../src/views/counter-state.js";

const T0 = 1_700_000_000_000;

function card(over: Partial<SaleCard> = {}): SaleCard {
  return {
    saleId: "1",
    billNumber: "B-0001",
    merchantName: "Noodle Shop",
    amountText: "1,300,000",
    amountPlain: "1300000",
    currency: "KHR",
    khrEquivalentText: null,
    qr: "000201…",
    md5: "d41d8cd98f00b204e9800998ecf8427e",
    qrSvg: "<svg/>",
    createdAtMs: T0,
    expiresAtMs: T0 + 180_000,
    status: "pending",
    ...over,
  };
}

/** The watcher's status event for sale `saleId` (the card's bill and amount). */
function statusEvent(saleId: string, status: SaleStatus, payer: string | null): UiEvent {
  return { kind: "status", saleId, status, payer, billNumber: "B-0001", amountText: "1,300,000", currency: "KHR" };
}

const key = (k: string, inNote = false, modified = false): Event => ({ type: "key", press: { key: k, inNote, modified } });

/** Runs events in order; returns the last state and every effect, in order. */
function run(state: State, ...events: Event[]): { state: State; effects: Effect[] } {
  const effects: Effect[] = [];
  let current = state;
  for (const event of events) {
    const next = step(current, event);
    current = next.state;
    effects.push(...next.effects);
  }
  return { state: current, effects };
}

/** The counter with `digits` typed and Enter pressed, and Rust's reply with `sale`. */
function waiting(sale: SaleCard = card(), start: State = initialState(sale.currency, true)): State {
  const typed = run(start, ...sale.amountPlain.split("").map((d) => key(d)), key("Enter"));
  return run(typed.state, { type: "charged", card: sale }).state;
}

test("typing digits on the keyboard builds the amount; other keys and shortcuts with Ctrl are left alone", () => {
  const { state } = run(initialState("KHR", false), key("1"), key("3"), key("0"), key("0"));
  assert.equal(state.entry.text, "1300");
  assert.equal(step(state, key("a")).handled, false);
  assert.equal(step(state, key("5", false, true)).handled, false);
  assert.equal(step(state, key("5", true)).handled, false, "digits typed into the note are the note's");
  const deleted = step(state, key("Delete"));
  assert.equal(deleted.handled, true);
  assert.equal(deleted.state.entry.text, "");
});

test("a refused key is explained and a valid key clears the explanation", () => {
  const refused = step(initialState("KHR", false), key("."));
  assert.deepEqual(refused.state.problem, { kind: "entry", problem: "khrNoDecimals" });
  assert.equal(step(refused.state, key("5")).state.problem, null);
});

test("F2 switches the currency and keeps the digits; decimals left in riel are explained", () => {
  const usd = run(initialState("USD", false), key("1"), key("0"), key("."), key("5")).state;
  const khr = step(usd, key("F2"));
  assert.equal(khr.handled, true);
  assert.deepEqual(khr.state.entry, { text: "10.5", currency: "KHR" });
  assert.deepEqual(khr.state.problem, { kind: "entry", problem: "khrNoDecimals" });
  assert.equal(step(khr.state, { type: "pickCurrency", currency: "KHR" }).state, khr.state, "clicking the current currency changes nothing");
  assert.equal(step(khr.state, { type: "pickCurrency", currency: "USD" }).state.entry.currency, "USD");
});

test("Enter charges the typed amount once; a second Enter while Rust works sends nothing", () => {
  const typed = run(initialState("USD", false), key("1"), key("0"), key("."), key("5")).state;
  const first = step(typed, key("Enter"));
  assert.deepEqual(first.effects, [{ kind: "charge", amount: "10.5", currency: "USD" }]);
  assert.equal(first.state.busy, true);
  assert.deepEqual(step(first.state, key("Enter")).effects, []);
});

test("charge → waiting → paid: the QR is shown, the payment chimes, and the PAID hold ends in a new sale", () => {
  const sale = card();
  const shown = waiting(sale);
  assert.equal(shown.sale, sale);
  assert.equal(shown.status, "pending");
  assert.equal(shown.busy, false);
  const paid = step(shown, { type: "pos", event: statusEvent("1", "paid", "Sok Dara") });
  assert.deepEqual(paid.state.paid, { card: sale, payer: "Sok Dara", late: false });
  assert.deepEqual(paid.effects, [{ kind: "playChime" }, { kind: "holdPaid", ms: PAID_HOLD_MS }]);
  const repeated = step(paid.state, { type: "pos", event: statusEvent("1", "paid", "Sok Dara") });
  assert.deepEqual(repeated.effects, [], "the same news twice chimes once");
  assert.equal(repeated.state, paid.state);
  const next = step(paid.state, { type: "paidHoldOver" });
  assert.equal(next.state.paid, null);
  assert.equal(next.state.sale, null);
  assert.deepEqual(next.state.entry, { text: "", currency: "KHR" });
  assert.deepEqual(next.effects, [{ kind: "clearNote" }]);
});

test("a cancel that lost the race to the payment shows PAID, and the watcher's event adds the payer", () => {
  const asked = step(waiting(), key("Escape")).state;
  const replied = step(asked, { type: "cancelReplied", saleId: "1", status: "paid" });
  assert.deepEqual(replied.state.paid, { card: asked.sale, payer: null, late: false });
  assert.equal(replied.state.busy, false);
  assert.deepEqual(replied.effects, [{ kind: "playChime" }, { kind: "holdPaid", ms: PAID_HOLD_MS }]);
  const told = step(replied.state, { type: "pos", event: statusEvent("1", "paid", "Sok Dara") });
  assert.equal(told.state.paid?.payer, "Sok Dara");
  assert.deepEqual(told.effects, []);
});

test("any key on the PAID screen starts the next sale; a hold that fires later changes nothing", () => {
  const paid = step(waiting(), { type: "pos", event: statusEvent("1", "paid_late", null) }).state;
  assert.equal(paid.paid?.late, true);
  const keyed = step(paid, key(" "));
  assert.equal(keyed.handled, true);
  assert.equal(keyed.state.sale, null);
  assert.equal(step(keyed.state, { type: "paidHoldOver" }).state, keyed.state);
});

test("F9 simulates the payment only in demo mode and only while the sale waits", () => {
  assert.deepEqual(step(waiting(), key("F9")).effects, [{ kind: "simulatePayment", saleId: "1" }]);
  assert.deepEqual(step(waiting(card(), initialState("KHR", false)), key("F9")).effects, []);
  assert.deepEqual(step(initialState("KHR", true), key("F9")).effects, []);
});

test("news about another sale is ignored", () => {
  const shown = waiting();
  const other = step(shown, { type: "pos", event: statusEvent("2", "paid", null) });
  assert.equal(other.state, shown);
});

test("the countdown runs out: the QR looks expired before the core's final check says so", () => {
  const shown = waiting();
  assert.equal(step(shown, { type: "tick", now: T0 + 179_999 }).state, shown);
  const past = step(shown, { type: "tick", now: T0 + 180_000 }).state;
  assert.equal(past.pastExpiry, true);
  assert.equal(past.status, "pending");
  assert.deepEqual(step(past, key("Enter")).effects, [], "Enter waits for the final check");
  assert.deepEqual(timeLeft(shown.sale!, T0 + 150_500), { text: "0:30", low: true, fraction: 29_500 / 180_000 });
  assert.deepEqual(timeLeft(shown.sale!, T0 + 200_000), { text: "0:00", low: true, fraction: 0 });
  assert.equal(timeLeft(shown.sale!, T0).text, "3:00");
});

test("expired → Enter makes a fresh QR for the same amount; the old sale's cancellation is not news", () => {
  const expired = step(waiting(), { type: "pos", event: statusEvent("1", "expired", null) }).state;
  assert.equal(expired.status, "expired");
  const asked = step(expired, key("Enter"));
  assert.equal(asked.handled, true);
  assert.deepEqual(asked.effects, [{ kind: "regenerate", saleId: "1" }]);
  const oldCancelled = step(asked.state, { type: "pos", event: statusEvent("1", "cancelled", null) });
  assert.equal(oldCancelled.state, asked.state);
  const fresh = card({ saleId: "2", billNumber: "B-0002", createdAtMs: T0 + 200_000, expiresAtMs: T0 + 380_000 });
  const shown = step(asked.state, { type: "regenerated", card: fresh }).state;
  assert.equal(shown.sale, fresh);
  assert.equal(shown.status, "pending");
  assert.equal(shown.pastExpiry, false);
  assert.equal(shown.busy, false);
  assert.equal(shown.regenerating, false);
});

test("a fresh QR that cannot be made puts the amount back in the keypad with the reason", () => {
  const expired = step(waiting(), { type: "pos", event: statusEvent("1", "expired", null) }).state;
  const asked = step(expired, key("Enter")).state;
  const failure = { code: "busy", message: "core restarting" };
  const back = step(asked, { type: "failed", command: "regenerate", failure }).state;
  assert.equal(back.sale, null);
  assert.deepEqual(back.entry, { text: "1300000", currency: "KHR" });
  assert.deepEqual(back.problem, { kind: "failed", failure });
  assert.equal(back.busy, false);
});

test("Esc cancels the waiting sale; Rust's reply puts the amount back and says it was cancelled", () => {
  const asked = step(waiting(card({ amountPlain: "2500", amountText: "2,500" })), key("Escape"));
  assert.equal(asked.handled, true);
  assert.deepEqual(asked.effects, [{ kind: "cancel", saleId: "1" }]);
  const back = step(asked.state, { type: "cancelReplied", saleId: "1", status: "cancelled" });
  assert.equal(back.state.sale, null);
  assert.deepEqual(back.state.entry, { text: "2500", currency: "KHR" });
  assert.deepEqual(back.state.problem, { kind: "cancelled" });
  assert.deepEqual(back.effects, [], "the note stays for the corrected charge");
  assert.equal(back.state.busy, false);
});

test("a failed cancel keeps the sale waiting and says why", () => {
  const asked = step(waiting(), key("Escape")).state;
  const failure = { code: "unexpected", message: "database locked" };
  const after = step(asked, { type: "failed", command: "cancel", failure }).state;
  assert.equal(after.status, "pending");
  assert.deepEqual(after.problem, { kind: "failed", failure });
  assert.equal(after.busy, false);
  const moved = step(after, { type: "pos", event: statusEvent("1", "expired", null) }).state;
  assert.equal(moved.problem, null, "a new status replaces the old complaint");
});

test("Esc after the sale ended starts a new sale; Esc in the note leaves the note", () => {
  const failed = step(waiting(), { type: "pos", event: statusEvent("1", "failed", null) }).state;
  assert.deepEqual(step(failed, key("Enter")).effects, [{ kind: "regenerate", saleId: "1" }], "Enter tries a failed payment again");
  const next = step(failed, key("Escape"));
  assert.equal(next.state.sale, null);
  assert.deepEqual(next.effects, [{ kind: "clearNote" }]);
  const inNote = step(initialState("KHR", false), key("Escape", true));
  assert.deepEqual(inNote.effects, [{ kind: "blurNote" }]);
  assert.equal(inNote.handled, true);
});

test("cannot verify is its own state: the sale stays pending and recovers when checks answer again", () => {
  const shown = waiting();
  const cannot = step(shown, { type: "pos", event: { kind: "verification", state: { state: "cannotVerify", reason: "region", message: "403" } } }).state;
  assert.deepEqual(cannot.verification, { state: "cannotVerify", reason: "region", message: "403" });
  assert.equal(cannot.status, "pending");
  assert.equal(cannot.sale, shown.sale);
  const back = step(cannot, { type: "pos", event: { kind: "verification", state: { state: "checking" } } }).state;
  assert.deepEqual(back.verification, { state: "checking" });
  const nextSale = step(step(back, key("Escape")).state, { type: "cancelReplied", saleId: "1", status: "cancelled" }).state;
  assert.deepEqual(nextSale.verification, { state: "checking" }, "verification outlives a sale");
});

test("a bad amount is explained inline and nothing is shown to scan", () => {
  const asked = run(initialState("KHR", true), key("0"), key("Enter")).state;
  const failure = { code: "amount_invalid", message: "the amount must be more than zero" };
  const after = step(asked, { type: "failed", command: "charge", failure }).state;
  assert.equal(after.sale, null);
  assert.equal(after.busy, false);
  assert.deepEqual(after.problem, { kind: "failed", failure });
  assert.equal(after.entry.text, "0", "the amount stays for correction");
  assert.equal(step(after, key("Escape")).state.problem, null, "Esc clears the amount and the explanation");
});

test("Space or F8 on the waiting screen checks the sale now, once per press; a payment found shows PAID", () => {
  const shown = waiting();
  for (const k of [" ", "F8"]) {
    const pressed = step(shown, key(k));
    assert.equal(pressed.handled, true);
    assert.deepEqual(pressed.effects, [{ kind: "checkNow", saleId: "1" }]);
    assert.equal(pressed.state.check, "asking");
    assert.deepEqual(step(pressed.state, key(k)).effects, [], "a second press while Bakong is asked spends nothing");
  }
  assert.deepEqual(step(shown, { type: "checkNow" }).effects, [{ kind: "checkNow", saleId: "1" }], "the button does the same");
  const asked = step(shown, key(" ")).state;
  const found = step(asked, { type: "checked", saleId: "1", reply: { outcome: "found", status: "paid" } });
  assert.deepEqual(found.state.paid, { card: shown.sale, payer: null, late: false });
  assert.equal(found.state.check, null);
  assert.deepEqual(found.effects, [{ kind: "playChime" }, { kind: "holdPaid", ms: PAID_HOLD_MS }]);
  const event = step(found.state, { type: "pos", event: statusEvent("1", "paid", "Sok Dara") });
  assert.deepEqual(event.effects, [], "the watcher's event for the same payment chimes no second time");
  assert.equal(event.state.paid?.payer, "Sok Dara");
});

test("not found yet is said and the sale keeps waiting; the key works again", () => {
  const asked = step(waiting(), key("F8")).state;
  const notYet = step(asked, { type: "checked", saleId: "1", reply: { outcome: "notFoundYet" } }).state;
  assert.deepEqual(notYet.check, { outcome: "notFoundYet" });
  assert.equal(notYet.status, "pending");
  assert.equal(notYet.paid, null);
  assert.deepEqual(step(notYet, key(" ")).effects, [{ kind: "checkNow", saleId: "1" }]);
});

test("a key check that cannot get an answer says why and never reads as unpaid", () => {
  const asked = step(waiting(), key(" ")).state;
  const reply = { outcome: "cannotVerify", reason: "quota", message: "budget spent" } as const;
  const cannot = step(asked, { type: "checked", saleId: "1", reply }).state;
  assert.deepEqual(cannot.check, reply);
  assert.equal(cannot.status, "pending");
  const failure = { code: "stopped", message: "the core is restarting" };
  const failed = step(step(waiting(), key(" ")).state, { type: "failed", command: "checkNow", failure }).state;
  assert.equal(failed.check, null);
  assert.deepEqual(failed.problem, { kind: "failed", failure });
});

test("the check keys do nothing without a waiting sale, and a reply for an old sale is ignored", () => {
  const idle = initialState("KHR", false);
  assert.deepEqual(step(idle, key(" ")).effects, []);
  const expired = step(waiting(), { type: "pos", event: statusEvent("1", "expired", null) }).state;
  assert.deepEqual(step(expired, key(" ")).effects, []);
  const shown = waiting();
  assert.equal(step(shown, { type: "checked", saleId: "9", reply: { outcome: "notFoundYet" } }).state, shown);
  assert.deepEqual(step(shown, key(" ", false, true)).effects, [], "Ctrl+Space is not the key");
});

test("the keypad stops at the shop's maximum and says so; shortening the amount clears it", () => {
  const start = initialState("KHR", false, { KHR: "40000000", USD: "10000.00" });
  const full = run(start, ...("40000000".split("").map((d) => key(d)))).state;
  const refused = step(full, key("0")).state;
  assert.equal(refused.entry.text, "40000000");
  assert.deepEqual(refused.problem, { kind: "entry", problem: "overMax" });
  assert.equal(step(refused, key("Backspace")).state.problem, null);
});

test("a refused third decimal stays explained until the amount changes", () => {
  const typed = run(initialState("USD", false), key("1"), key("0"), key("."), key("5"), key("0"), key("1")).state;
  assert.deepEqual(typed.problem, { kind: "entry", problem: "usdTwoDecimals" });
  const again = run(typed, key("."), key("Shift"), key("7")).state;
  assert.equal(again.entry.text, "10.50");
  assert.deepEqual(again.problem, { kind: "entry", problem: "usdTwoDecimals" });
  assert.equal(step(again, key("Backspace")).state.problem, null);
});

test("a payment landing on a QR no longer on screen is announced with amount and bill until dismissed", () => {
  const idle = initialState("KHR", false);
  const late = { kind: "status", saleId: "7", status: "paid_late", payer: null, billNumber: "T1-0007", amountText: "700", currency: "KHR" } as const;
  const told = step(idle, { type: "pos", event: late }).state;
  assert.deepEqual(told.notices, [{ saleId: "7", billNumber: "T1-0007", amountText: "700", currency: "KHR" }]);
  assert.equal(told.paid, null, "not the PAID screen: that sale is not the one on screen");
  assert.equal(step(told, { type: "pos", event: late }).state.notices.length, 1, "told twice, shown once");
  const typing = run(told, key("5"), key("Escape"), key("Enter")).state;
  assert.equal(typing.notices.length, 1, "the notice outlives keys and sales");
  assert.deepEqual(step(typing, { type: "dismissNotice", saleId: "7" }).state.notices, []);
  assert.deepEqual(step(idle, { type: "pos", event: statusEvent("7", "expired", null) }).state.notices, [], "only payments are news");
});

test("a sale left waiting by the last run comes back: still waiting with its QR, or with its result", () => {
  const idle = initialState("KHR", true);
  const pending = step(idle, { type: "resumed", card: card() }).state;
  assert.equal(pending.sale?.saleId, "1");
  assert.equal(pending.status, "pending");
  const paid = step(idle, { type: "resumed", card: card({ status: "paid" }) });
  assert.equal(paid.state.paid?.card.saleId, "1");
  assert.deepEqual(paid.effects, [{ kind: "playChime" }, { kind: "holdPaid", ms: PAID_HOLD_MS }]);
  const expired = step(idle, { type: "resumed", card: card({ status: "expired" }) }).state;
  assert.equal(expired.status, "expired");
  assert.equal(step(waiting(), { type: "resumed", card: card({ saleId: "9" }) }).state.sale?.saleId, "1", "a sale already on screen stays");
});

test("the budget gauge appears when 30 % or less of the day's checks is left, and says when none is", () => {
  const budget = (left: number) => step(waiting(), { type: "pos", event: { kind: "budget", left, daily: 100 } }).state.budget;
  assert.deepEqual(budget(42), { left: 42, daily: 100 });
  assert.equal(budgetGauge(budget(42)), null);
  assert.equal(budgetGauge(null), null, "no check spent this run: nothing to show");
  assert.deepEqual(budgetGauge(budget(30)), { left: 30, daily: 100, empty: false });
  assert.deepEqual(budgetGauge(budget(0)), { left: 0, daily: 100, empty: true });
});

const outage: UiEvent = { kind: "verification", state: { state: "cannotVerify", reason: "network", message: "network: 503" } };

/** A waiting sale with accepting allowed and Bakong unreachable. */
function unreachable(): State {
  const start = waiting(card(), initialState("KHR", false, null, true));
  return step(start, { type: "pos", event: outage }).state;
}

test("accepting on the customer's screen is offered only while Bakong cannot answer and the owner allows it", () => {
  const answering = waiting(card(), initialState("KHR", false, null, true));
  assert.equal(step(answering, key("a")).handled, false, "Bakong answers: the check key is the way");
  const off = step(waiting(), { type: "pos", event: outage }).state;
  assert.equal(step(off, key("a")).handled, false, "the owner turned it off");
  assert.equal(step(off, { type: "acceptStart" }).state, off);
  for (const k of ["a", "A", "F7"]) {
    const r = step(unreachable(), key(k));
    assert.equal(r.handled, true, k);
    assert.deepEqual(r.state.accept, { text: "", sending: false });
    assert.deepEqual(r.effects, [{ kind: "focusRef" }]);
  }
  // The key's own "cannot verify" answer is enough, whatever the banner says meanwhile.
  const keyAnswer = step(waiting(card(), initialState("KHR", false, null, true)), {
    type: "checked",
    saleId: "1",
    reply: { outcome: "cannotVerify", reason: "quota", message: "budget spent" },
  }).state;
  assert.equal(step(keyAnswer, key("A")).handled, true);
});

test("the payer's reference is typed, Enter sends it once, and the accepted sale is shown apart from PAID, then a new sale", () => {
  const typing = run(unreachable(), key("A"), { type: "refTyped", text: "…4821" }).state;
  assert.equal(step(typing, key("a")).handled, false, "letters go into the reference");
  assert.equal(step(typing, key("Escape")).state.status, "pending");
  const sent = step(typing, key("Enter"));
  assert.deepEqual(sent.effects, [{ kind: "accept", saleId: "1", payerRef: "…4821" }]);
  assert.equal(step(sent.state, key("Enter")).effects.length, 0, "a second Enter sends nothing");
  const accepted = step(sent.state, { type: "acceptReplied", saleId: "1", status: "accepted_unverified" });
  assert.equal(accepted.state.paid, null, "never PAID");
  assert.deepEqual(accepted.state.accepted, { card: card(), payerRef: "…4821" });
  assert.deepEqual(accepted.effects, [{ kind: "holdPaid", ms: PAID_HOLD_MS }], "no chime");
  // The watcher's event for the same change shows nothing twice.
  assert.equal(step(accepted.state, { type: "pos", event: statusEvent("1", "accepted_unverified", null) }).state, accepted.state);
  const next = step(accepted.state, { type: "paidHoldOver" }).state;
  assert.equal(next.sale, null);
  assert.equal(next.accepted, null);
  assert.equal(next.entry.text, "");
  assert.equal(step(accepted.state, key("x")).state.sale, null, "any key starts the next sale");
});

test("Esc backs out of the reference to the waiting sale; a refused reference is explained and can be fixed", () => {
  const typing = run(unreachable(), key("a"), { type: "refTyped", text: "  " }).state;
  const back = step(typing, key("Escape"));
  assert.equal(back.handled, true);
  assert.equal(back.state.accept, null);
  assert.equal(back.state.sale?.saleId, "1");
  assert.deepEqual(back.effects, [], "backing out cancels nothing");
  const sent = step(typing, key("Enter")).state;
  const failure = { code: "text_invalid", message: "type the payer's reference" };
  const refused = step(sent, { type: "failed", command: "accept", failure });
  assert.deepEqual(refused.state.problem, { kind: "failed", failure });
  assert.deepEqual(refused.state.accept, { text: "  ", sending: false });
  assert.deepEqual(refused.effects, [{ kind: "focusRef" }]);
  const fixed = run(refused.state, { type: "refTyped", text: "4821" }, key("Enter"));
  assert.deepEqual(fixed.effects, [{ kind: "accept", saleId: "1", payerRef: "4821" }]);
});

test("a payment Bakong confirms while the reference is typed is PAID, not accepted", () => {
  const typing = run(unreachable(), key("a"), { type: "refTyped", text: "4821" }).state;
  const paid = step(typing, { type: "pos", event: statusEvent("1", "paid", "payer@abaa") }).state;
  assert.equal(paid.accept, null);
  assert.equal(paid.accepted, null);
  assert.equal(paid.paid?.payer, "payer@abaa");
  const sent = step(typing, key("Enter")).state;
  assert.equal(step(sent, { type: "acceptReplied", saleId: "1", status: "paid" }).state.paid?.card.saleId, "1");
});
