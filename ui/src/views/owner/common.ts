// Small pieces every owner screen uses: error text, status labels, tables and the print area.
import { h } from "../../dom";
import type { OwnerError } from "./api";
import { hasOwnerText, ot, type OwnerKey } from "./text";
import type { SaleStatus } from "../../ipc/bindings";

/** The owner's words for a failure; counts (tries left, seconds) are taken from the message. */
export function errorText(err: OwnerError): string {
  const key = `error.${err.code}`;
  if (!hasOwnerText(key)) return err.message;
  if (err.code === "pin_wrong" || err.code === "pin_locked") {
    const n = /\d+/.exec(err.message)?.[0] ?? "";
    return `${ot(key)} ${n}`;
  }
  return ot(key);
}

/** An alert line showing `err`, with the English detail for the owner's support call. */
export function errorBox(err: OwnerError): HTMLElement {
  return h("p", { class: "owner-error", role: "alert", "data-code": err.code, title: err.message }, errorText(err));
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

/** Today in the machine's local time, `YYYY-MM-DD` (the shop's PC runs on shop time). */
export function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local wall-clock time of epoch milliseconds, `HH:MM:SS`. */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString("en-GB", { hour12: false });
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
