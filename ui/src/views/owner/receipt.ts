// A printable receipt for one paid sale: payment proof with bilingual labels (Khmer first,
// English beneath, as Cambodian receipts do), the KHR equivalent of a dollar payment at the
// shop rate, and COPY on every print after the first.
import { h } from "../../dom";
import { owner } from "./api";
import { printOut } from "./common";
import type { ReceiptView } from "../../ipc/bindings";

/** Khmer and English label, both printed whatever the screen language. */
function both(km: string, en: string): HTMLElement {
  return h("span", { class: "k" }, h("span", { class: "km" }, km), h("span", { class: "en" }, en));
}

function row(km: string, en: string, value: string, cls = ""): HTMLElement {
  return h("div", { class: `kv ${cls}` }, both(km, en), h("span", { class: "v" }, value));
}

/** The receipt as printed. */
export function receiptView(r: ReceiptView): HTMLElement {
  return h(
    "article",
    { class: "receipt", id: "receipt", "data-copy": r.copy },
    r.copy ? h("p", { class: "copy-mark" }, "ច្បាប់ចម្លង / COPY") : null,
    h("h1", {}, r.shopName),
    h("p", { class: "center" }, r.city),
    h("p", { class: "center" }, both("បង្កាន់ដៃ", "Receipt")),
    row("លេខបង្កាន់ដៃ", "Receipt no.", `${r.terminalId}-${r.receiptNumber}`),
    row("វិក្កយបត្រ", "Bill", r.billNumber),
    row("ពេលវេលា", "Time", r.timeText),
    row("ចំនួនទឹកប្រាក់", "Amount", `${r.amountText} ${r.currency}`, "big"),
    r.khrEquivalentText !== null ? row("ជាប្រាក់រៀល", "In riel", `${r.khrEquivalentText} KHR`) : null,
    r.khrEquivalentText !== null ? row("អត្រា", "Rate", `${r.rielPerUsd.toLocaleString("en-US")} KHR/USD`) : null,
    row("បង់ដោយ", "Paid by", r.payer ?? "—"),
    row("Hash បាគង", "Bakong hash", r.shortHash),
    h("p", { class: "hash" }, r.hash),
    h("p", { class: "center" }, both("សូមអរគុណ", "Thank you")),
  );
}

/** Fetches the receipt (recording the print) and sends it to the printer. */
export async function printReceipt(saleId: string): Promise<ReceiptView> {
  const r = await owner.receipt(saleId);
  printOut(receiptView(r), "80");
  return r;
}
