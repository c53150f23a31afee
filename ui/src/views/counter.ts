// The cashier's counter screen: amount entry on the left (keypad + keyboard), the KHQR card on
// the right, the sale's progress in place of the keypad while a QR is shown, and the full-screen
// PAID state. Keyboard: digits . Backspace Delete, Enter = Charge / fresh QR, Esc = clear /
// cancel / new sale, F2 = switch KHR/USD, F9 = simulate payment (demo mode only).
import {
  displayFinal,
  displayTyped,
  emptyEntry,
  entryKeyOf,
  press,
  switchCurrency,
  type Entry,
  type EntryKey,
} from "../amount";
import { h } from "../dom";
import { applyLanguage, hasText, onLanguageChange, t, type TextKey } from "../i18n";
import { ipc, type AppInfo, type IpcError, type SaleCard, type SaleStatus, type UiEvent } from "../ipc/client";
import { playPaidChime, unlockAudio } from "../sound";
import { renderCard } from "./card";

/** How long the PAID screen stays before the next sale, unless a key is pressed. */
const PAID_HOLD_MS = 5000;

type Verification = Extract<UiEvent, { kind: "verification" }>["state"];

/** A problem shown under the amount: an i18n key, or a message from Rust as is. */
type Problem = { key: TextKey; detail?: string } | null;

interface State {
  entry: Entry;
  problem: Problem;
  busy: boolean;
  sale: SaleCard | null;
  status: SaleStatus | null;
  /** Verification is global (one watcher for all sales), so it outlives a sale. */
  verification: Verification | null;
  /** The QR's expiry passed on this clock; the core's final check may still find a payment. */
  pastExpiry: boolean;
  paid: { card: SaleCard; payer: string | null; late: boolean } | null;
}

/** Mounts the counter screen into `root` and returns nothing: it lives as long as the app. */
export function mountCounter(root: HTMLElement, info: AppInfo): void {
  const state: State = {
    entry: emptyEntry(info.defaultCurrency),
    problem: null,
    busy: false,
    sale: null,
    status: null,
    verification: null,
    pastExpiry: false,
    paid: null,
  };
  let enterPressedAt: number | null = null;
  let paymentSimulatedAt: number | null = null;
  let regenerating = false;
  let chargeAnsweredAt: number | null = null;
  let paidTimer: number | undefined;

  // ---- skeleton (built once; `update` only changes text, classes and visibility) ----
  const currencyButtons = (["KHR", "USD"] as const).map((c) =>
    h("button", { type: "button", class: "cur", "data-currency": c, id: `cur-${c}` }, c === "KHR" ? "៛ KHR" : "$ USD"),
  );
  const amountValue = h("output", { id: "amount", class: "amount-value", "aria-live": "polite" }, "0");
  const amountCode = h("span", { class: "amount-code", id: "amount-code" });
  const problemLine = h("p", { id: "amount-error", class: "amount-error", role: "alert" });
  const note = h("input", {
    id: "note",
    class: "note",
    type: "text",
    maxlength: 60,
    autocomplete: "off",
    "data-i18n-placeholder": "entry.note",
  });
  const keypad = h(
    "div",
    { class: "keypad", id: "keypad" },
    ...(["7", "8", "9", "4", "5", "6", "1", "2", "3", ".", "0", "backspace"] as const).map((k) =>
      h(
        "button",
        { type: "button", class: "key", "data-key": k, id: `key-${k === "." ? "dot" : k}` },
        k === "backspace" ? "⌫" : k,
      ),
    ),
  );
  const clearBtn = h("button", { type: "button", class: "btn btn-secondary", id: "clear" },
    h("span", { "data-i18n": "entry.clear" }), h("kbd", {}, "Esc"));
  const chargeBtn = h("button", { type: "button", class: "btn btn-charge", id: "charge" },
    h("span", { "data-i18n": "entry.charge" }), h("kbd", {}, "Enter"));
  const entryPanel = h(
    "section",
    { class: "panel entry-panel", id: "entry-panel" },
    h("div", { class: "currency-switch", role: "group" }, ...currencyButtons, h("kbd", { class: "hint" }, "F2")),
    h("div", { class: "amount-box" }, amountValue, amountCode),
    problemLine,
    keypad,
    note,
    h("div", { class: "actions" }, clearBtn, chargeBtn),
  );

  const saleTitle = h("h2", { id: "sale-title", class: "sale-title" });
  const saleNote = h("p", { id: "sale-note", class: "sale-note" });
  const countdown = h("div", { id: "countdown", class: "countdown", "aria-live": "off" });
  const progressBar = h("div", { class: "progress-bar" });
  const progress = h("div", { class: "progress" }, progressBar);
  const saleAmount = h("div", { id: "sale-amount", class: "sale-amount" });
  const saleKhr = h("div", { id: "sale-khr", class: "sale-khr" });
  const verifyLine = h("div", { id: "verify", class: "verify" });
  const billLine = h("p", { id: "bill", class: "bill" });
  const cancelBtn = h("button", { type: "button", class: "btn btn-secondary", id: "cancel" },
    h("span", { "data-i18n": "sale.cancel" }), h("kbd", {}, "Esc"));
  const freshBtn = h("button", { type: "button", class: "btn btn-charge", id: "fresh" },
    h("span", { id: "fresh-label" }), h("kbd", {}, "Enter"));
  const newSaleBtn = h("button", { type: "button", class: "btn btn-secondary", id: "new-sale" },
    h("span", { "data-i18n": "sale.newSale" }), h("kbd", {}, "Esc"));
  const simulateBtn = info.demo
    ? h("button", { type: "button", class: "btn btn-demo", id: "simulate" },
        h("span", { "data-i18n": "sale.simulate" }), h("kbd", {}, "F9"))
    : null;
  const salePanel = h(
    "section",
    { class: "panel sale-panel", id: "sale-panel", hidden: true },
    saleTitle,
    saleAmount,
    saleKhr,
    countdown,
    progress,
    verifyLine,
    saleNote,
    billLine,
    h("div", { class: "actions" }, cancelBtn, newSaleBtn, freshBtn),
    simulateBtn,
  );

  const cardSlot = h("section", { class: "card-slot", id: "card-slot" });
  const paidScreen = h(
    "section",
    { class: "paid-screen", id: "paid", hidden: true, role: "status" },
    h("div", { class: "paid-check", "aria-hidden": "true" }, "✓"),
    h("h1", { class: "paid-title", "data-i18n": "paid.title" }),
    h("div", { class: "paid-amount", id: "paid-amount" }),
    h("p", { class: "paid-payer", id: "paid-payer" }),
    h("p", { class: "paid-late", id: "paid-late", "data-i18n": "paid.late" }),
    h("p", { class: "paid-next", "data-i18n": "paid.next" }),
  );

  root.append(h("div", { class: "counter" }, h("div", { class: "left" }, entryPanel, salePanel), cardSlot), paidScreen);

  // ---- rendering ----
  function problemText(problem: Problem): string {
    if (problem === null) return "";
    return problem.detail === undefined ? t(problem.key) : `${t(problem.key)}: ${problem.detail}`;
  }

  function renderPreviewCard(): void {
    cardSlot.replaceChildren(
      renderCard({
        merchantName: info.merchantName,
        amountText: displayFinal(state.entry),
        currency: state.entry.currency,
        qrSvg: null,
        qrText: null,
      }),
    );
    cardSlot.dataset.state = "preview";
  }

  function renderSaleCard(card: SaleCard): void {
    cardSlot.replaceChildren(
      renderCard({
        merchantName: card.merchantName,
        amountText: card.amountText,
        currency: card.currency,
        qrSvg: card.qrSvg,
        qrText: card.qr,
      }),
    );
    // Timings the e2e run reads for BENCHMARKS.md (Enter → QR painted, and its IPC part).
    const cardEl = document.getElementById("card");
    cardEl?.setAttribute("data-created-at-ms", String(card.createdAtMs));
    if (enterPressedAt !== null) {
      const started = enterPressedAt;
      enterPressedAt = null;
      if (chargeAnsweredAt !== null) cardEl?.setAttribute("data-ipc-ms", (chargeAnsweredAt - started).toFixed(1));
      // Two frames: the first is when layout ran, the second when the QR has been painted.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => cardEl?.setAttribute("data-enter-to-qr-ms", (performance.now() - started).toFixed(1))),
      );
    }
  }

  function renderEntry(): void {
    amountValue.textContent = displayTyped(state.entry);
    amountCode.textContent = state.entry.currency;
    for (const b of currencyButtons) b.classList.toggle("active", b.dataset.currency === state.entry.currency);
    problemLine.textContent = problemText(state.problem);
    problemLine.hidden = state.problem === null;
    chargeBtn.disabled = state.busy;
    keypad.classList.toggle("khr", state.entry.currency === "KHR");
    const cardAmount = document.getElementById("card-amount");
    const cardCurrency = document.getElementById("card-currency");
    if (cardSlot.dataset.state === "preview" && cardAmount && cardCurrency) {
      cardAmount.textContent = displayFinal(state.entry);
      cardCurrency.textContent = state.entry.currency;
    }
  }

  function verificationText(v: Verification | null): { text: string; cannot: boolean } {
    if (v === null || v.state === "checking") return { text: t("sale.checking"), cannot: false };
    const reasonKey = `reason.${v.reason}`;
    const reason = hasText(reasonKey) ? t(reasonKey) : v.message;
    return { text: `${t("sale.cannotVerify")}: ${reason}`, cannot: true };
  }

  function renderSale(): void {
    const { sale, status } = state;
    if (sale === null || status === null) return;
    const expiredLook = status === "expired" || (status === "pending" && state.pastExpiry);
    salePanel.dataset.status = status;
    cardSlot.dataset.state = expiredLook ? "expired" : status;
    saleAmount.textContent = `${sale.amountText} ${sale.currency}`;
    // Beside the card, never on it (the card carries the charged currency only).
    saleKhr.hidden = sale.khrEquivalentText === null;
    saleKhr.textContent = sale.khrEquivalentText === null ? "" : `≈ ${sale.khrEquivalentText} KHR ${t("sale.atShopRate")}`;
    billLine.textContent = `${t("sale.bill")} ${sale.billNumber}`;
    const pending = status === "pending";
    const titles: Partial<Record<SaleStatus, [TextKey, TextKey | null]>> = {
      pending: ["sale.waiting", null],
      expired: ["sale.expired", "sale.expiredNote"],
      cancelled: ["sale.cancelled", "sale.cancelledNote"],
      failed: ["sale.failed", "sale.failedNote"],
      mismatch: ["sale.mismatch", "sale.mismatchNote"],
    };
    const [titleKey, noteKey] = expiredLook ? (["sale.expired", "sale.expiredNote"] as const) : (titles[status] ?? ["sale.waiting", null]);
    saleTitle.textContent = t(titleKey);
    saleNote.textContent = noteKey === null ? t("sale.scan") : t(noteKey);
    countdown.hidden = !pending;
    progress.hidden = !pending;
    const v = verificationText(state.verification);
    verifyLine.hidden = !pending;
    verifyLine.textContent = v.text;
    verifyLine.classList.toggle("cannot", v.cannot);
    verifyLine.dataset.state = v.cannot ? "cannot_verify" : "checking";
    const cannotNote = document.getElementById("cannot-note");
    if (v.cannot && pending) {
      if (cannotNote === null) verifyLine.after(h("p", { id: "cannot-note", class: "cannot-note", "data-i18n": "sale.cannotVerifyNote" }, t("sale.cannotVerifyNote")));
    } else {
      cannotNote?.remove();
    }
    cancelBtn.hidden = !pending;
    newSaleBtn.hidden = pending;
    freshBtn.hidden = !(status === "expired" || status === "failed");
    document.getElementById("fresh-label")!.textContent = t(status === "failed" ? "sale.tryAgain" : "sale.fresh");
    if (simulateBtn) simulateBtn.hidden = !pending || state.pastExpiry;
    tickCountdown();
  }

  function tickCountdown(): void {
    const { sale, status } = state;
    if (sale === null || status !== "pending") return;
    const total = sale.expiresAtMs - sale.createdAtMs;
    const left = Math.max(0, sale.expiresAtMs - Date.now());
    const secs = Math.ceil(left / 1000);
    const text = `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, "0")}`;
    // Touch the DOM only when something visible changes: every write costs a style pass.
    if (countdown.textContent !== text) countdown.textContent = text;
    countdown.classList.toggle("low", secs <= 30);
    // A transform, not a width: it needs no layout, so the 4 Hz tick stays cheap.
    progressBar.style.transform = `scaleX(${total > 0 ? (left / total).toFixed(3) : 0})`;
    if (left === 0 && !state.pastExpiry) {
      state.pastExpiry = true;
      renderSale();
    }
  }

  function showEntry(): void {
    entryPanel.hidden = false;
    salePanel.hidden = true;
    renderPreviewCard();
    renderEntry();
  }

  function showSale(card: SaleCard): void {
    state.sale = card;
    state.status = card.status;
    state.pastExpiry = false;
    entryPanel.hidden = true;
    salePanel.hidden = false;
    renderSaleCard(card);
    renderSale();
  }

  function showPaid(card: SaleCard, payer: string | null, late: boolean): void {
    state.paid = { card, payer, late };
    document.getElementById("paid-amount")!.textContent = `${card.amountText} ${card.currency}`;
    const payerLine = document.getElementById("paid-payer")!;
    payerLine.textContent = payer === null ? "" : `${t("paid.payer")} ${payer}`;
    payerLine.hidden = payer === null;
    document.getElementById("paid-late")!.hidden = !late;
    paidScreen.hidden = false;
    paidScreen.removeAttribute("data-pay-to-paid-ms");
    if (paymentSimulatedAt !== null) {
      const started = paymentSimulatedAt;
      paymentSimulatedAt = null;
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          paidScreen.setAttribute("data-pay-to-paid-ms", (performance.now() - started).toFixed(1));
          paidScreen.setAttribute("data-painted-at-ms", String(Date.now()));
        }),
      );
    }
    playPaidChime();
    window.clearTimeout(paidTimer);
    paidTimer = window.setTimeout(newSale, PAID_HOLD_MS);
  }

  /** Back to an empty keypad; `keepAmount` restores the last amount (after a cancel). */
  function newSale(keepAmount = false): void {
    window.clearTimeout(paidTimer);
    const previous = state.sale;
    state.paid = null;
    state.sale = null;
    state.status = null;
    state.pastExpiry = false;
    state.problem = null;
    state.entry = keepAmount && previous ? { text: previous.amountPlain, currency: previous.currency } : emptyEntry(state.entry.currency);
    if (!keepAmount) note.value = "";
    paidScreen.hidden = true;
    showEntry();
  }

  // ---- actions ----
  function fail(err: unknown): void {
    const e = err as IpcError;
    const key = `error.${e.code}`;
    state.problem = hasText(key) ? { key, detail: e.message } : { key: "error.unexpected", detail: e.message };
  }

  async function charge(): Promise<void> {
    if (state.busy) return;
    enterPressedAt = performance.now();
    state.busy = true;
    state.problem = null;
    renderEntry();
    try {
      const card = await ipc.charge({
        amount: state.entry.text,
        currency: state.entry.currency,
        note: note.value.trim() === "" ? null : note.value.trim(),
      });
      chargeAnsweredAt = performance.now();
      showSale(card);
    } catch (err) {
      enterPressedAt = null;
      fail(err);
    } finally {
      state.busy = false;
      if (state.sale === null) renderEntry();
    }
  }

  async function cancel(): Promise<void> {
    const sale = state.sale;
    if (sale === null || state.busy) return;
    state.busy = true;
    try {
      applyStatus(sale.saleId, await ipc.cancel(sale.saleId), null);
    } catch (err) {
      fail(err);
      renderSale();
    } finally {
      state.busy = false;
    }
  }

  async function regenerate(): Promise<void> {
    const sale = state.sale;
    if (sale === null || state.busy) return;
    enterPressedAt = performance.now();
    state.busy = true;
    regenerating = true;
    try {
      showSale(await ipc.regenerate(sale.saleId));
    } catch (err) {
      enterPressedAt = null;
      fail(err);
      newSale(true);
      renderEntry();
    } finally {
      state.busy = false;
      regenerating = false;
    }
  }

  async function simulatePayment(): Promise<void> {
    const sale = state.sale;
    if (!info.demo || sale === null || state.status !== "pending") return;
    paymentSimulatedAt = performance.now();
    try {
      await ipc.simulatePayment(sale.saleId);
    } catch (err) {
      fail(err);
      saleNote.textContent = problemText(state.problem);
    }
  }

  function applyStatus(saleId: string, status: SaleStatus, payer: string | null): void {
    const sale = state.sale;
    // While a fresh QR is being made the old sale is cancelled on purpose: not news.
    if (sale === null || sale.saleId !== saleId || (regenerating && status === "cancelled")) return;
    if (status === "paid" || status === "paid_late") {
      state.status = status;
      showPaid(sale, payer, status === "paid_late");
      return;
    }
    state.status = status;
    if (status === "cancelled") {
      // The cashier usually cancels to fix the amount: put it back in the keypad.
      newSale(true);
      state.problem = { key: "sale.cancelled" };
      renderEntry();
      return;
    }
    renderSale();
  }

  function onEvent(event: UiEvent): void {
    if (event.kind === "status") {
      applyStatus(event.saleId, event.status, event.payer);
    } else {
      state.verification = event.state;
      renderSale();
    }
  }

  function typeKey(key: EntryKey): void {
    const result = press(state.entry, key);
    state.entry = result.entry;
    state.problem = result.problem === null ? null : { key: `problem.${result.problem}` };
    renderEntry();
  }

  function toggleCurrency(): void {
    const result = switchCurrency(state.entry);
    state.entry = result.entry;
    state.problem = result.problem === null ? null : { key: `problem.${result.problem}` };
    renderEntry();
  }

  // ---- input ----
  function onKey(e: KeyboardEvent): void {
    unlockAudio();
    if (state.paid !== null) {
      e.preventDefault();
      newSale();
      return;
    }
    const inNote = e.target === note;
    if (e.key === "F2") {
      e.preventDefault();
      if (state.sale === null) toggleCurrency();
      return;
    }
    if (e.key === "F9") {
      e.preventDefault();
      void simulatePayment();
      return;
    }
    if (state.sale !== null) {
      const status = state.status;
      if (e.key === "Escape") {
        e.preventDefault();
        if (status === "pending") void cancel();
        else newSale();
      } else if (e.key === "Enter" && (status === "expired" || status === "failed")) {
        e.preventDefault();
        void regenerate();
      }
      return;
    }
    if (e.key === "Enter") {
      e.preventDefault();
      void charge();
      return;
    }
    if (e.key === "Escape") {
      e.preventDefault();
      if (inNote) note.blur();
      else typeKey("clear");
      return;
    }
    if (inNote) return;
    const key = entryKeyOf(e.key);
    if (key !== null && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      typeKey(key);
    }
  }

  document.addEventListener("keydown", onKey);
  paidScreen.addEventListener("click", () => newSale());
  keypad.addEventListener("click", (e) => {
    const button = (e.target as HTMLElement).closest<HTMLButtonElement>("button[data-key]");
    const key = button?.dataset.key as EntryKey | undefined;
    if (key !== undefined) typeKey(key);
  });
  for (const b of currencyButtons) {
    b.addEventListener("click", () => {
      if (b.dataset.currency !== state.entry.currency) toggleCurrency();
    });
  }
  clearBtn.addEventListener("click", () => typeKey("clear"));
  chargeBtn.addEventListener("click", () => void charge());
  cancelBtn.addEventListener("click", () => void cancel());
  freshBtn.addEventListener("click", () => void regenerate());
  newSaleBtn.addEventListener("click", () => newSale());
  simulateBtn?.addEventListener("click", () => void simulatePayment());
  // Buttons must not keep focus: Enter on a focused button would press it a second time.
  root.addEventListener("mousedown", (e) => {
    if ((e.target as HTMLElement).closest("button")) e.preventDefault();
  });

  void ipc.onEvent(onEvent);
  window.setInterval(tickCountdown, 250);
  onLanguageChange(() => {
    note.placeholder = t("entry.note");
    renderEntry();
    renderSale();
  });

  note.placeholder = t("entry.note");
  showEntry();
  applyLanguage(root);
  // When the cashier could first type (the e2e run compares it with the process start).
  requestAnimationFrame(() => document.body.setAttribute("data-interactive-at-ms", String(Date.now())));
}
