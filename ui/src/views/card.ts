// The KHQR card as NBC's KHQR Card Guideline lays it out: portrait 20:29, red header (12%) with
// the KHQR wordmark and a folded corner, merchant name, bold amount and currency, a dashed
// divider, then the QR with a ៛/$ badge in the centre (the QR itself is level H, so the badge
// hides nothing it cannot recover). The wordmark and badge are drawn here as SVG and can be
// swapped for NBC's artwork without touching the layout.
import { amountLength, type Currency } from "../amount";
import { h, parseSvg, s } from "../dom";
import { t } from "../i18n";

/** What the card shows. `qrSvg` null draws the placeholder used while the amount is typed. */
export interface CardContent {
  merchantName: string;
  amountText: string;
  currency: Currency;
  qrSvg: string | null;
  qrText: string | null;
}

/** The KHQR wordmark: white bold letters, centred in the header. */
function wordmark(): SVGElement {
  return s(
    "svg",
    { class: "wordmark", viewBox: "0 0 100 28", "aria-label": "KHQR", role: "img" },
    s("text", { x: 50, y: 23, "text-anchor": "middle", fill: "#fff" }, "KHQR"),
  );
}

/** The currency badge: a black disc with a white ring and the currency sign. */
function badge(currency: Currency): SVGElement {
  const sign = currency === "KHR" ? "៛" : "$";
  return s(
    "svg",
    { class: `badge badge-${currency.toLowerCase()}`, viewBox: "0 0 40 40", "aria-hidden": "true" },
    s("circle", { cx: 20, cy: 20, r: 19, fill: "#fff" }),
    s("circle", { cx: 20, cy: 20, r: 16, fill: "#000" }),
    s("text", { x: 20, y: currency === "KHR" ? 31 : 28, "text-anchor": "middle", fill: "#fff" }, sign),
  );
}

/** Builds the whole card element. */
export function renderCard(content: CardContent): HTMLElement {
  const qr = content.qrSvg === null ? null : parseSvg(content.qrSvg);
  const qrBox = h(
    "div",
    { class: "qr", id: "card-qr", "data-qr": content.qrText ?? undefined },
    qr ?? h("div", { class: "qr-placeholder" }, h("span", { "data-i18n": "card.placeholder" }, t("card.placeholder"))),
    qr === null ? null : badge(content.currency),
  );
  return h(
    "article",
    { class: "khqr-card", id: "card", "aria-label": "KHQR" },
    h("header", { class: "card-header" }, wordmark()),
    h("div", { class: "card-fold", "aria-hidden": "true" }),
    h(
      "div",
      { class: "card-body" },
      h("div", { class: "card-merchant", id: "card-merchant" }, content.merchantName),
      h(
        "div",
        { class: "card-amount" },
        h("span", { class: "value", id: "card-amount", "data-length": amountLength(content.amountText) }, content.amountText),
        h("span", { class: "code", id: "card-currency" }, content.currency),
      ),
    ),
    h("div", { class: "card-divider", "aria-hidden": "true" }),
    qrBox,
    h("div", { class: "card-stamp", "data-i18n": "sale.expired" }, t("sale.expired")),
  );
}
