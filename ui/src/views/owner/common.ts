// Small pieces every owner screen uses: error text, status labels, tables and the print area.
import { h } from "../../dom";
import type { ErrorView, FieldError, SaleStatus } from "../../ipc/bindings";
import { hasOwnerText, ot, type OwnerKey } from "./text";

/** The owner's words for a failure, from its code and the numbers in its details. */
export function errorText(err: ErrorView): string {
  const key = `error.${err.code}`;
  if (!hasOwnerText(key)) return err.message;
  const details = err.details;
  if (details?.kind === "pinWrong") return `${ot(key)} ${details.attemptsLeft}`;
  if (details?.kind === "pinLocked") return `${ot(key)} ${details.retryAfterSecs}`;
  return ot(key);
}

/** Every invalid field of a refused settings form (none for other failures). */
export function fieldErrors(err: ErrorView): FieldError[] {
  return err.details?.kind === "fields" ? err.details.fields : [];
}

/** An alert line: `text` for the owner, `detail` (English) on hover for a support call. */
export function alertLine(text: string, code: string, detail = ""): HTMLElement {
  return h("p", { class: "owner-error", role: "alert", "data-code": code, title: detail }, text);
}

/** An alert line showing `err`, with the English message for the owner's support call. */
export function errorBox(err: ErrorView): HTMLElement {
  return alertLine(errorText(err), err.code, err.message);
}

/** A tender's name: a sale's (`khqr`, `cash`, `split`) or a refund's (`cash`, `bank`). */
export function tenderText(tender: string): string {
  const key = `tender.${tender}`;
  return hasOwnerText(key) ? ot(key) : tender;
}

export function statusText(status: SaleStatus): string {
  return ot(`status.${status}` as OwnerKey);
}

export function statusBadge(status: SaleStatus): HTMLElement {
  return h("span", { class: `st-badge status-${status}`, "data-status": status }, statusText(status));
}

/** A table with translated headings; `rows` are lists of cells. */
export function table(heads: OwnerKey[], rows: Array<Array<Node | string>>, attrs: Record<string, string> = {}): HTMLTableElement {
  return h(
    "table",
    { class: "owner-table", ...attrs },
    h("thead", {}, h("tr", {}, ...heads.map((k) => h("th", {}, ot(k))))),
    h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((c) => h("td", {}, c))))),
  );
}

/**
 * The shop's time zone: days and times on the owner's screens are the shop's, as the ledger
 * counts them, whatever zone the PC's clock is set to. Updated from each report the core sends.
 */
let shopTimeZone = "Asia/Phnom_Penh";

/** Adopts the time zone the core reports for the shop. */
export function setShopTimeZone(zone: string): void {
  shopTimeZone = zone;
}

/**
 * A day in the shop's time zone, `YYYY-MM-DD`, from the formatter's numeric parts: a locale's
 * whole format is not to be relied on (WebKitGTK writes `en-CA` dates as `MM/DD/YYYY`).
 */
export function shopDate(date: Date, zone: string = shopTimeZone): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** Today in the shop's time zone, `YYYY-MM-DD`. */
export function today(): string {
  return shopDate(new Date());
}

/** Shop wall-clock time of epoch milliseconds, `HH:MM:SS`. */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString("en-GB", { hour12: false, timeZone: shopTimeZone });
}

export type Paper = "80" | "58" | "a4";

/** Prints `content` alone through the system print dialog, at the given paper width. */
export function printOut(content: HTMLElement, paper: Paper): void {
  let area = document.getElementById("print-area");
  if (area === null) {
    area = h("div", { id: "print-area" });
    document.body.append(area);
  }
  area.dataset.paper = paper;
  area.replaceChildren(content);
  window.print();
}

/** A labelled line `label: value` for reports and receipts, Khmer above English when printed. */
export function line(label: string, value: Node | string, attrs: Record<string, string> = {}): HTMLElement {
  return h("div", { class: "kv", ...attrs }, h("span", { class: "k" }, label), h("span", { class: "v" }, value));
}
