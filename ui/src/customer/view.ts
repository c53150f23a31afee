// What the customer display shows, as pure rendering from its state: the shop's name when
// idle; the amount in both currencies with the same KHQR card as the cashier's (rendered by
// views/card.ts) and its countdown while waiting; PAID and thanks after. Every text is in
// Khmer and English at once: the customer does not switch languages.
import { h } from "../dom";
import { textIn, type TextKey } from "../i18n";
import type { CustomerSale } from "../ipc/bindings";
import { renderCard } from "../views/card";

export type Screen =
  | { kind: "idle" }
  | { kind: "waiting"; sale: CustomerSale }
  | { kind: "paid"; amountText: string; currency: string; change: string[] };

/** Khmer above English. */
function both(key: TextKey, cls: string): HTMLElement {
  return h("div", { class: `both ${cls}` }, h("span", { lang: "km" }, textIn("km", key)), h("span", { lang: "en" }, textIn("en", key)));
}

/** `m:ss` left until `expiresAtMs`. */
export function timeLeft(expiresAtMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.ceil((expiresAtMs - nowMs) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** Builds the screen for `screen` (`shop` is the merchant name). */
export function renderScreen(screen: Screen, shop: string, nowMs: number): HTMLElement {
  switch (screen.kind) {
    case "idle":
      return h("section", { class: "cd cd-idle", "data-state": "idle" }, both("customer.welcome", "cd-title"), h("div", { class: "cd-shop" }, shop));
    case "paid":
      return h(
        "section",
        { class: "cd cd-paid", "data-state": "paid" },
        both("customer.paid", "cd-title"),
        h("div", { class: "cd-amount", id: "cd-paid-amount" }, `${screen.amountText} ${screen.currency}`),
        screen.change.length === 0
          ? null
          : h("div", { class: "cd-change", id: "cd-change" }, both("customer.change", "cd-label"), ...screen.change.map((c) => h("div", { class: "cd-amount" }, c))),
      );
    case "waiting": {
      const card = screen.sale.card;
      return h(
        "section",
        { class: "cd cd-waiting", "data-state": "waiting", "data-sale": card.saleId },
        h(
          "div",
          { class: "cd-side" },
          both("customer.due", "cd-label"),
          h("div", { class: "cd-amount", id: "cd-khr" }, `${screen.sale.khrText} KHR`),
          h("div", { class: "cd-amount cd-second", id: "cd-usd" }, `${screen.sale.usdText} USD`),
          both("customer.scan", "cd-scan"),
          h("div", { class: "cd-countdown", id: "cd-countdown" }, timeLeft(card.expiresAtMs, nowMs)),
        ),
        h(
          "div",
          { class: "cd-card" },
          renderCard({ merchantName: card.merchantName, amountText: card.amountText, currency: card.currency, qrSvg: card.qrSvg, qrText: card.qr }),
        ),
      );
    }
  }
}
