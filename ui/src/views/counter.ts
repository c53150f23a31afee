// The cashier's counter screen, the shell around ./counter-state.ts: it builds the DOM once,
// turns keys, clicks, IPC replies, pos events and timer ticks into events for `step`, renders
// the resulting state and runs the effects (IPC, chime, timers). Layout: amount entry on the
// left (keypad + keyboard), the KHQR card on the right, the sale's progress in place of the
// keypad while a QR is shown, and the full-screen PAID state. F8 (or Cash) hands the amount
// to the cash screen (./cash.ts) instead; a split sale's QR comes back into this flow.
import { amountLength, displayFinal, displayTyped, type EntryKey } from "../amount";
import { h } from "../dom";
import { applyLanguage, hasText, onLanguageChange, t, type TextKey } from "../i18n";
import { ipc, type AppInfo, type IpcError, type SaleCard, type SaleStatus } from "../ipc/client";
import { playPaidChime, unlockAudio } from "../sound";
import { renderCard } from "./card";
import { CASH_KEY, openCash } from "./cash";
import { tt } from "./till/text";
import { budgetGauge, canAccept, initialState, step, timeLeft, type Effect, type Event, type Failure, type Problem, type State, type Verification } from "./counter-state";

/** Mounts the counter screen into `root` and returns nothing: it lives as long as the app. */
export function mountCounter(root: HTMLElement, info: AppInfo): void {
  let state: State = initialState(info.defaultCurrency, info.demo, { KHR: info.maxAmountKhr, USD: info.maxAmountUsd }, info.acceptUnverified);
  // Timings the e2e run reads for BENCHMARKS.md: measurement only, never part of the state.
  let enterPressedAt: number | null = null;
  let ipcAnsweredAt: number | null = null;
  let paymentSimulatedAt: number | null = null;
  let paidTimer: number | undefined;
  // What the card slot and the PAID screen show now, so they are rebuilt only when that changes.
  let shownCard: SaleCard | "preview" | null = null;
  let shownPaid: State["paid"] = null;
  let shownAccepted: State["accepted"] = null;

  // ---- skeleton (built once; `render` only changes text, classes and visibility) ----
  const currencyButtons = (["KHR", "USD"] as const).map((c) =>
    h("button", { type: "button", class: "cur", "data-currency": c, id: `cur-${c}` },
      h("span", { class: "cur-sign", "aria-hidden": "true" }, c === "KHR" ? "៛" : "$"), h("span", { class: "cur-code" }, c)),
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
  const cashLabel = h("span", { id: "cash-label" });
  const cashBtn = h("button", { type: "button", class: "btn btn-cash", id: "cash" }, cashLabel, h("kbd", {}, CASH_KEY));
  const entryPanel = h(
    "section",
    { class: "panel entry-panel", id: "entry-panel" },
    h("div", { class: "currency-switch", role: "group" }, ...currencyButtons, h("kbd", { class: "hint" }, "F2")),
    h("div", { class: "amount-box" }, amountValue, amountCode),
    problemLine,
    keypad,
    note,
    h("div", { class: "actions" }, clearBtn, cashBtn, chargeBtn),
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
  const freshLabel = h("span", { id: "fresh-label" });
  const freshBtn = h("button", { type: "button", class: "btn btn-charge", id: "fresh" }, freshLabel, h("kbd", {}, "Enter"));
  const checkBtn = h("button", { type: "button", class: "btn btn-check", id: "check-now" },
    h("span", { "data-i18n": "sale.checkNow" }), h("kbd", {}, "Space"));
  const checkLine = h("p", { id: "check-result", class: "check-result", role: "status" });
  // Accepting on the customer's screen while Bakong cannot answer: the offer, then the reference.
  const acceptBtn = h("button", { type: "button", class: "btn btn-accept", id: "accept", hidden: true },
    h("span", { "data-i18n": "accept.offer" }), h("kbd", {}, "A"));
  const refInput = h("input", { id: "payer-ref", class: "payer-ref", type: "text", maxlength: 64, autocomplete: "off", inputmode: "text" });
  const refProblem = h("p", { id: "payer-ref-error", class: "amount-error", role: "alert" });
  const acceptConfirmLabel = h("span", { id: "accept-confirm-label" });
  const acceptConfirmBtn = h("button", { type: "button", class: "btn btn-charge", id: "accept-confirm" }, acceptConfirmLabel, h("kbd", {}, "Enter"));
  const acceptBackBtn = h("button", { type: "button", class: "btn btn-secondary", id: "accept-back" },
    h("span", { "data-i18n": "accept.back" }), h("kbd", {}, "Esc"));
  const acceptPanel = h(
    "div",
    { class: "accept-panel", id: "accept-panel", hidden: true },
    h("h3", { class: "accept-title", "data-i18n": "accept.title" }),
    h("label", { for: "payer-ref", class: "accept-prompt", "data-i18n": "accept.prompt" }),
    refInput,
    refProblem,
    h("div", { class: "actions" }, acceptBackBtn, acceptConfirmBtn),
  );
  const budgetGaugeEl = h("p", { id: "budget-gauge", class: "budget-gauge", hidden: true });
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
    checkBtn,
    checkLine,
    acceptBtn,
    acceptPanel,
    saleNote,
    billLine,
    h("div", { class: "actions" }, cancelBtn, newSaleBtn, freshBtn),
    simulateBtn,
  );

  const cardSlot = h("section", { class: "card-slot", id: "card-slot" });
  const paidAmount = h("div", { class: "paid-amount", id: "paid-amount" });
  const paidPayer = h("p", { class: "paid-payer", id: "paid-payer" });
  const paidLate = h("p", { class: "paid-late", id: "paid-late", "data-i18n": "paid.late" });
  const paidScreen = h(
    "section",
    { class: "paid-screen", id: "paid", hidden: true, role: "status" },
    h("div", { class: "paid-check", "aria-hidden": "true" }, "✓"),
    h("h1", { class: "paid-title", "data-i18n": "paid.title" }),
    paidAmount,
    paidPayer,
    paidLate,
    h("p", { class: "paid-next", "data-i18n": "paid.next" }),
  );

  // Accepted on the customer's screen: its own full-screen state, never the PAID one.
  const acceptedAmount = h("div", { class: "paid-amount", id: "accepted-amount" });
  const acceptedRef = h("p", { class: "paid-payer", id: "accepted-ref" });
  const acceptedScreen = h(
    "section",
    { class: "accepted-screen", id: "accepted", hidden: true, role: "status" },
    h("div", { class: "accepted-mark", "aria-hidden": "true" }, "…"),
    h("h1", { class: "accepted-title", "data-i18n": "accepted.title" }),
    acceptedAmount,
    acceptedRef,
    h("p", { class: "accepted-note", "data-i18n": "accepted.note" }),
    h("p", { class: "paid-next", "data-i18n": "paid.next" }),
  );

  // Late payments, over everything else (the PAID screen too) until the cashier dismisses them.
  const noticeList = h("section", { class: "notices", id: "notices", "aria-live": "assertive" });
  let shownNotices: State["notices"] = [];

  root.append(h("div", { class: "counter" }, h("div", { class: "left" }, budgetGaugeEl, entryPanel, salePanel), cardSlot), paidScreen, acceptedScreen, noticeList);

  // ---- rendering: the state onto the skeleton ----
  function problemText(problem: Problem | null): string {
    if (problem === null) return "";
    if (problem.kind === "entry" && problem.problem === "overMax" && state.max !== null) {
      const currency = state.entry.currency;
      return `${t("problem.overMax")} ${displayFinal({ text: state.max[currency], currency })} ${currency}`;
    }
    if (problem.kind === "entry") return t(`problem.${problem.problem}`);
    if (problem.kind === "cancelled") return t("sale.cancelled");
    const key = `error.${problem.failure.code}`;
    return `${t(hasText(key) ? key : "error.unexpected")}: ${problem.failure.message}`;
  }

  function verificationText(v: Verification | null): { text: string; cannot: boolean } {
    if (v === null || v.state === "checking") return { text: t("sale.checking"), cannot: false };
    const reasonKey = `reason.${v.reason}`;
    const reason = hasText(reasonKey) ? t(reasonKey) : v.message;
    return { text: `${t("sale.cannotVerify")}: ${reason}`, cannot: true };
  }

  /** What the "customer shows paid" check said, when it was not the payment itself. */
  function checkText(check: State["check"]): { text: string; outcome: string } | null {
    if (check === null) return null;
    if (check === "asking") return { text: t("check.asking"), outcome: "asking" };
    if (check.outcome === "notFoundYet") return { text: t("check.notFoundYet"), outcome: check.outcome };
    const reasonKey = `reason.${check.reason}`;
    return { text: `${t("sale.cannotVerify")}: ${hasText(reasonKey) ? t(reasonKey) : check.message}`, outcome: check.outcome };
  }

  function renderCardSlot(): void {
    const wanted = state.sale ?? "preview";
    if (wanted === shownCard) return;
    shownCard = wanted;
    if (wanted === "preview") {
      cardSlot.replaceChildren(
        renderCard({ merchantName: info.merchantName, amountText: displayFinal(state.entry), currency: state.entry.currency, qrSvg: null, qrText: null }),
      );
      cardSlot.dataset.state = "preview";
      return;
    }
    cardSlot.replaceChildren(
      renderCard({ merchantName: wanted.merchantName, amountText: wanted.amountText, currency: wanted.currency, qrSvg: wanted.qrSvg, qrText: wanted.qr }),
    );
    const cardEl = document.getElementById("card");
    cardEl?.setAttribute("data-created-at-ms", String(wanted.createdAtMs));
    if (enterPressedAt !== null) {
      const started = enterPressedAt;
      enterPressedAt = null;
      if (ipcAnsweredAt !== null) cardEl?.setAttribute("data-ipc-ms", (ipcAnsweredAt - started).toFixed(1));
      // Two frames: the first is when layout ran, the second when the QR has been painted.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => cardEl?.setAttribute("data-enter-to-qr-ms", (performance.now() - started).toFixed(1))),
      );
    }
  }

  function renderEntry(): void {
    amountValue.textContent = displayTyped(state.entry);
    amountValue.dataset.length = amountLength(amountValue.textContent);
    amountCode.textContent = state.entry.currency;
    for (const b of currencyButtons) b.classList.toggle("active", b.dataset.currency === state.entry.currency);
    problemLine.textContent = problemText(state.problem);
    problemLine.hidden = state.problem === null;
    chargeBtn.disabled = state.busy;
    cashBtn.disabled = state.busy;
    cashLabel.textContent = tt("cash.key");
    keypad.classList.toggle("khr", state.entry.currency === "KHR");
    const cardAmount = document.getElementById("card-amount");
    const cardCurrency = document.getElementById("card-currency");
    if (cardAmount && cardCurrency) {
      cardAmount.textContent = displayFinal(state.entry);
      cardAmount.dataset.length = amountLength(cardAmount.textContent);
      cardCurrency.textContent = state.entry.currency;
    }
  }

  function renderSale(sale: SaleCard, status: SaleStatus): void {
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
    // A failed action on this sale (cancel, simulate) is said where the cashier is looking.
    saleNote.textContent = state.problem !== null ? problemText(state.problem) : t(noteKey ?? "sale.scan");
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
    checkBtn.hidden = !pending;
    checkBtn.disabled = state.check === "asking";
    const check = checkText(state.check);
    checkLine.hidden = !pending || check === null;
    checkLine.textContent = check?.text ?? "";
    checkLine.dataset.outcome = check?.outcome ?? "";
    renderAccept(pending);
    cancelBtn.hidden = !pending || state.accept !== null;
    newSaleBtn.hidden = pending;
    freshBtn.hidden = !(status === "expired" || status === "failed");
    freshLabel.textContent = t(status === "failed" ? "sale.tryAgain" : "sale.fresh");
    if (simulateBtn) simulateBtn.hidden = !pending || state.pastExpiry;
    renderCountdown();
  }

  /** The offer to accept on the customer's screen, and the reference being typed. */
  function renderAccept(pending: boolean): void {
    const { accept } = state;
    acceptBtn.hidden = !pending || accept !== null || !canAccept(state);
    acceptPanel.hidden = !pending || accept === null;
    if (accept === null) {
      // Only when there is something to clear: every write to an input costs a style pass.
      if (refInput.value !== "") refInput.value = "";
      return;
    }
    checkBtn.hidden = true;
    refInput.disabled = accept.sending;
    acceptConfirmBtn.disabled = accept.sending;
    acceptBackBtn.disabled = accept.sending;
    acceptConfirmLabel.textContent = t(accept.sending ? "accept.sending" : "accept.confirm");
    refProblem.textContent = problemText(state.problem);
    refProblem.hidden = state.problem === null;
  }

  function renderAccepted(): void {
    const { accepted } = state;
    if (accepted === shownAccepted) return;
    shownAccepted = accepted;
    acceptedScreen.hidden = accepted === null;
    if (accepted === null) return;
    acceptedAmount.textContent = `${accepted.card.amountText} ${accepted.card.currency}`;
    acceptedRef.textContent = `${t("accepted.ref")} ${accepted.payerRef}`;
  }

  /** The 4 Hz part: touches the DOM only when something visible changes (each write costs a style pass). */
  function renderCountdown(): void {
    if (state.sale === null || state.status !== "pending") return;
    const left = timeLeft(state.sale, Date.now());
    if (countdown.textContent !== left.text) countdown.textContent = left.text;
    countdown.classList.toggle("low", left.low);
    // A transform, not a width: it needs no layout, so the tick stays cheap.
    progressBar.style.transform = `scaleX(${left.fraction.toFixed(3)})`;
  }

  function renderPaid(): void {
    const { paid } = state;
    paidScreen.hidden = paid === null;
    if (paid === null) {
      shownPaid = null;
      return;
    }
    paidAmount.textContent = `${paid.card.amountText} ${paid.card.currency}`;
    paidPayer.textContent = paid.payer === null ? "" : `${t("paid.payer")} ${paid.payer}`;
    paidPayer.hidden = paid.payer === null;
    paidLate.hidden = !paid.late;
    if (paid === shownPaid) return;
    shownPaid = paid;
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
  }

  function renderNotices(): void {
    if (state.notices === shownNotices) return;
    shownNotices = state.notices;
    noticeList.replaceChildren(
      ...state.notices.map((n) =>
        h(
          "div",
          { class: "notice", role: "alert", "data-sale-id": n.saleId },
          h("strong", { class: "notice-title" }, t("notice.lateTitle")),
          h("span", { class: "notice-sale" }, `${n.amountText} ${n.currency} · ${t("sale.bill")} ${n.billNumber}`),
          h("span", { class: "notice-note" }, t("notice.lateNote")),
          h("button", { type: "button", class: "btn btn-secondary notice-dismiss", "data-dismiss": n.saleId }, t("notice.dismiss")),
        ),
      ),
    );
  }

  function renderBudget(): void {
    const gauge = budgetGauge(state.budget);
    budgetGaugeEl.hidden = gauge === null;
    if (gauge === null) return;
    budgetGaugeEl.textContent = `${t(gauge.empty ? "budget.empty" : "budget.low")} ${gauge.left} / ${gauge.daily}`;
    budgetGaugeEl.classList.toggle("empty", gauge.empty);
  }

  function render(): void {
    renderBudget();
    entryPanel.hidden = state.sale !== null;
    salePanel.hidden = state.sale === null;
    renderCardSlot();
    if (state.sale === null || state.status === null) renderEntry();
    else renderSale(state.sale, state.status);
    renderPaid();
    renderAccepted();
    renderNotices();
  }

  // ---- effects: IPC calls whose replies come back as events ----
  function failure(err: unknown): Failure {
    const e = err as IpcError;
    return { code: e.code, message: e.message };
  }

  function run(effect: Effect): void {
    switch (effect.kind) {
      case "charge": {
        enterPressedAt = performance.now();
        const text = note.value.trim();
        ipc.charge({ amount: effect.amount, currency: effect.currency, note: text === "" ? null : text }).then(
          (card) => {
            ipcAnsweredAt = performance.now();
            dispatch({ type: "charged", card });
          },
          (err: unknown) => {
            enterPressedAt = null;
            dispatch({ type: "failed", command: "charge", failure: failure(err) });
          },
        );
        return;
      }
      case "cancel":
        ipc.cancel(effect.saleId).then(
          (status) => dispatch({ type: "cancelReplied", saleId: effect.saleId, status }),
          (err: unknown) => dispatch({ type: "failed", command: "cancel", failure: failure(err) }),
        );
        return;
      case "regenerate":
        enterPressedAt = performance.now();
        ipc.regenerate(effect.saleId).then(
          (card) => {
            ipcAnsweredAt = performance.now();
            dispatch({ type: "regenerated", card });
          },
          (err: unknown) => {
            enterPressedAt = null;
            dispatch({ type: "failed", command: "regenerate", failure: failure(err) });
          },
        );
        return;
      case "simulatePayment":
        paymentSimulatedAt = performance.now();
        ipc.simulatePayment(effect.saleId).catch((err: unknown) => dispatch({ type: "failed", command: "simulate", failure: failure(err) }));
        return;
      case "checkNow":
        ipc.checkNow(effect.saleId).then(
          (reply) => dispatch({ type: "checked", saleId: effect.saleId, reply }),
          (err: unknown) => dispatch({ type: "failed", command: "checkNow", failure: failure(err) }),
        );
        return;
      case "accept":
        ipc.acceptUnverified(effect.saleId, effect.payerRef).then(
          (status) => dispatch({ type: "acceptReplied", saleId: effect.saleId, status }),
          (err: unknown) => dispatch({ type: "failed", command: "accept", failure: failure(err) }),
        );
        return;
      case "focusRef":
        // After this render shows the panel: focus on a hidden input is lost.
        requestAnimationFrame(() => refInput.focus());
        return;
      case "playChime":
        playPaidChime();
        return;
      case "holdPaid":
        window.clearTimeout(paidTimer);
        paidTimer = window.setTimeout(() => dispatch({ type: "paidHoldOver" }), effect.ms);
        return;
      case "clearNote":
        note.value = "";
        return;
      case "blurNote":
        note.blur();
        return;
    }
  }

  /** Steps the state, renders it if it changed, then runs the effects; true if a key was used. */
  function dispatch(event: Event): boolean {
    const next = step(state, event);
    if (next.state !== state) {
      state = next.state;
      render();
    }
    for (const effect of next.effects) run(effect);
    return next.handled;
  }

  /** The amount typed goes to the cash screen instead of a QR; a split comes back as a QR. */
  function payCash(): boolean {
    if (state.sale !== null || state.paid !== null || state.accepted !== null || state.busy) return false;
    const text = note.value.trim();
    openCash(
      { amount: state.entry.text, currency: state.entry.currency, note: text === "" ? null : text },
      {
        onSplit: (card) => dispatch({ type: "charged", card }),
        onClose: (finished) => {
          if (!finished) return;
          dispatch({ type: "entryKey", key: "clear" });
          note.value = "";
        },
      },
    );
    return true;
  }

  // ---- input ----
  document.addEventListener("keydown", (e) => {
    unlockAudio();
    if (e.key === CASH_KEY && payCash()) {
      e.preventDefault();
      return;
    }
    const used = dispatch({ type: "key", press: { key: e.key, inNote: e.target === note, modified: e.ctrlKey || e.altKey || e.metaKey } });
    if (used) e.preventDefault();
  });
  paidScreen.addEventListener("click", () => dispatch({ type: "newSale" }));
  acceptedScreen.addEventListener("click", () => dispatch({ type: "newSale" }));
  acceptBtn.addEventListener("click", () => dispatch({ type: "acceptStart" }));
  acceptConfirmBtn.addEventListener("click", () => dispatch({ type: "acceptConfirm" }));
  acceptBackBtn.addEventListener("click", () => dispatch({ type: "acceptBack" }));
  refInput.addEventListener("input", () => dispatch({ type: "refTyped", text: refInput.value }));
  keypad.addEventListener("click", (e) => {
    const button = (e.target as HTMLElement).closest<HTMLButtonElement>("button[data-key]");
    const key = button?.dataset.key as EntryKey | undefined;
    if (key !== undefined) dispatch({ type: "entryKey", key });
  });
  for (const b of currencyButtons) {
    b.addEventListener("click", () => dispatch({ type: "pickCurrency", currency: b.dataset.currency as "KHR" | "USD" }));
  }
  clearBtn.addEventListener("click", () => dispatch({ type: "entryKey", key: "clear" }));
  chargeBtn.addEventListener("click", () => dispatch({ type: "charge" }));
  cashBtn.addEventListener("click", () => void payCash());
  cancelBtn.addEventListener("click", () => dispatch({ type: "cancel" }));
  freshBtn.addEventListener("click", () => dispatch({ type: "fresh" }));
  newSaleBtn.addEventListener("click", () => dispatch({ type: "newSale" }));
  simulateBtn?.addEventListener("click", () => dispatch({ type: "simulate" }));
  checkBtn.addEventListener("click", () => dispatch({ type: "checkNow" }));
  noticeList.addEventListener("click", (e) => {
    const saleId = (e.target as HTMLElement).closest<HTMLButtonElement>("button[data-dismiss]")?.dataset.dismiss;
    if (saleId !== undefined) dispatch({ type: "dismissNotice", saleId });
  });
  // Buttons must not keep focus: Enter on a focused button would press it a second time.
  root.addEventListener("mousedown", (e) => {
    if ((e.target as HTMLElement).closest("button")) e.preventDefault();
  });

  // Listening first, then asking for a sale left waiting, so no change to it falls between.
  void ipc.onEvent((event) => dispatch({ type: "pos", event })).then(() =>
    ipc.waitingSale().then(
      (card) => {
        if (card !== null) dispatch({ type: "resumed", card });
      },
      (err: unknown) => dispatch({ type: "failed", command: "resume", failure: failure(err) }),
    ),
  );
  window.setInterval(() => {
    dispatch({ type: "tick", now: Date.now() });
    renderCountdown();
  }, 250);
  onLanguageChange(() => {
    note.placeholder = t("entry.note");
    shownNotices = [];
    shownAccepted = null;
    render();
  });

  note.placeholder = t("entry.note");
  render();
  applyLanguage(root);
  // When the cashier could first type (the e2e run compares it with the process start).
  requestAnimationFrame(() => document.body.setAttribute("data-interactive-at-ms", String(Date.now())));
}
