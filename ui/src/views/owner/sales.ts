// Transactions: a day (today by default) or a range, filtered by status or searched by bill
// number, hash, md5 or amount; each sale with its tender, cashier and shift. Totals per currency and status come first, then what needs
// attention (paid late, wrong amount, or still unverified after the QR expired), then every
// sale. A row opens its details with the full history and, when paid, a printable receipt.
import { h } from "../../dom";
import type { ErrorView, OwnerQuery, SaleStatus, SaleView, SalesList } from "../../ipc/bindings";
import { owner } from "./api";
import { clock, errorBox, statusBadge, statusText, table, tenderText, today } from "./common";
import type { OwnerContext } from "./index";
import { printReceipt } from "./receipt";
import { ot } from "./text";

const STATUSES: SaleStatus[] = [
  "pending",
  "paid",
  "accepted_unverified",
  "paid_late",
  "mismatch",
  "unconfirmed",
  "expired",
  "cancelled",
  "failed",
];

/** Sales the owner must look at: flagged by the core, or pending past their QR's expiry. */
function needsLook(sale: SaleView, now: number): boolean {
  return sale.needsAttention || (sale.status === "pending" && sale.expiresAtMs < now);
}

export function mountSales(root: HTMLElement, ctx: OwnerContext): void {
  const from = h("input", { type: "date", id: "sales-from", value: today() });
  const to = h("input", { type: "date", id: "sales-to", value: today() });
  const status = h(
    "select",
    { id: "sales-status" },
    h("option", { value: "" }, ot("sales.all")),
    ...STATUSES.map((s) => h("option", { value: s }, statusText(s))),
  );
  const search = h("input", { type: "search", id: "sales-search", placeholder: ot("sales.search") });
  const show = h("button", { type: "submit", class: "btn btn-small", id: "sales-show" }, ot("sales.show"));
  const exportBtn = h("button", { type: "button", class: "btn btn-small btn-secondary", id: "sales-export" }, ot("sales.export"));
  const recheckBtn = h("button", { type: "button", class: "btn btn-small btn-secondary", id: "sales-recheck" }, ot("sales.recheck"));
  const notice = h("div", { class: "owner-notice", id: "sales-notice" });
  const results = h("div", { class: "sales-results", id: "sales-results" }, ot("common.loading"));
  const detail = h("aside", { class: "sale-detail", id: "sale-detail", hidden: true });
  const form = h(
    "form",
    { class: "filters" },
    h("label", {}, ot("sales.from"), from),
    h("label", {}, ot("sales.to"), to),
    h("label", {}, ot("sales.status"), status),
    h("label", { class: "grow" }, ot("sales.search"), search),
    show,
    exportBtn,
    recheckBtn,
  );
  root.replaceChildren(h("div", { class: "sales-page" }, form, notice, h("div", { class: "sales-split" }, results, detail)));

  const query = (): OwnerQuery => ({
    from: from.value || null,
    to: to.value || null,
    status: (status.value || null) as SaleStatus | null,
    search: search.value.trim() || null,
  });

  function failed(err: ErrorView, where: HTMLElement): void {
    if (!ctx.locked(err)) where.replaceChildren(errorBox(err));
  }

  async function load(): Promise<void> {
    try {
      renderList(await owner.sales(query()));
    } catch (err) {
      failed(err as ErrorView, results);
    }
  }

  function saleRow(sale: SaleView): Array<Node | string> {
    const pick = h("button", { type: "button", class: "link", "data-sale": sale.id }, sale.billNumber);
    pick.addEventListener("click", () => void openDetail(sale));
    return [
      clock(sale.createdAtMs),
      pick,
      sale.receiptNumber === null ? "" : String(sale.receiptNumber),
      h("span", { class: "num" }, sale.amountText),
      sale.currency,
      statusBadge(sale.status),
      h("span", { "data-tender": sale.tender }, tenderText(sale.tender)),
      sale.cashier ?? "",
      sale.shiftId === null ? "" : String(sale.shiftId),
      sale.payment?.payerAccount ?? "",
      h("code", { title: sale.payment?.hash ?? "" }, sale.payment?.hash.slice(0, 8) ?? ""),
    ];
  }

  const saleHeads = ["col.time", "col.bill", "col.receipt", "col.amount", "col.currency", "col.status", "col.tender", "col.cashier", "col.shift", "col.payer", "col.hash"] as const;

  function renderList(list: SalesList): void {
    const now = Date.now();
    const attention = [...list.attention];
    for (const sale of list.sales) {
      if (needsLook(sale, now) && !attention.some((a) => a.id === sale.id)) attention.push(sale);
    }
    const totals = table(
      ["col.currency", "col.status", "col.count", "col.total"],
      list.totals.map((t) => [t.currency, statusBadge(t.status), String(t.count), h("span", { class: "num" }, t.sumText)]),
      { id: "sales-totals" },
    );
    results.replaceChildren(
      h("h2", {}, ot("sales.totals"), " ", h("small", { class: "muted" }, list.from === list.to ? list.from : `${list.from} – ${list.to}`)),
      list.totals.length === 0 ? h("p", { class: "muted" }, ot("sales.none")) : totals,
      h("h2", { class: attention.length > 0 ? "warn" : "" }, ot("sales.attention"), ` (${attention.length})`),
      attention.length === 0
        ? h("p", { class: "muted", id: "sales-attention-none" }, ot("sales.noAttention"))
        : table([...saleHeads], attention.map(saleRow), { id: "sales-attention", class: "owner-table attention" }),
      h("h2", {}, ot("sales.list"), ` (${list.sales.length})`),
      list.sales.length === 0 ? h("p", { class: "muted" }, ot("sales.none")) : table([...saleHeads], list.sales.map(saleRow), { id: "sales-table" }),
    );
  }

  async function openDetail(sale: SaleView): Promise<void> {
    detail.hidden = false;
    detail.replaceChildren(ot("common.loading"));
    try {
      const history = await owner.history(sale.id);
      const closeBtn = h("button", { type: "button", class: "btn btn-small btn-secondary" }, ot("detail.close"));
      closeBtn.addEventListener("click", () => {
        detail.hidden = true;
      });
      const printBtn = h("button", { type: "button", class: "btn btn-small", id: "detail-print" }, ot("detail.print"));
      printBtn.addEventListener("click", () => {
        printReceipt(sale.id).catch((err: ErrorView) => failed(err, detail));
      });
      detail.replaceChildren(
        h("h2", {}, ot("detail.title")),
        h(
          "dl",
          { class: "detail-list" },
          h("dt", {}, ot("col.bill")), h("dd", {}, sale.billNumber),
          h("dt", {}, ot("col.amount")), h("dd", {}, `${sale.amountText} ${sale.currency}`),
          h("dt", {}, ot("col.status")), h("dd", {}, statusBadge(sale.status)),
          h("dt", {}, ot("col.tender")), h("dd", {}, tenderText(sale.tender)),
          h("dt", {}, ot("col.cashier")), h("dd", {}, sale.cashier === null ? "—" : `${sale.cashier} · ${ot("col.shift")} ${sale.shiftId ?? ""}`),
          h("dt", {}, ot("col.receipt")), h("dd", {}, sale.receiptNumber === null ? "—" : String(sale.receiptNumber)),
          h("dt", {}, ot("col.payer")), h("dd", {}, sale.payment?.payerAccount ?? "—"),
          h("dt", {}, ot("col.hash")), h("dd", {}, h("code", { class: "wrap" }, sale.payment?.hash ?? "—")),
          h("dt", {}, ot("detail.md5")), h("dd", {}, h("code", { class: "wrap" }, sale.md5)),
          sale.acceptedRef ? h("dt", {}, ot("detail.acceptedRef")) : null,
          sale.acceptedRef ? h("dd", { id: "detail-accepted-ref" }, sale.acceptedRef) : null,
          sale.note ? h("dt", {}, ot("detail.note")) : null,
          sale.note ? h("dd", {}, sale.note) : null,
        ),
        h("h3", {}, ot("detail.history")),
        h("ol", { class: "history", id: "sale-history" }, ...history.map((e) => h("li", { "data-kind": e.kind }, h("time", {}, e.atText), " ", e.detail))),
        h("div", { class: "actions" }, sale.receiptNumber !== null ? printBtn : null, closeBtn),
      );
    } catch (err) {
      failed(err as ErrorView, detail);
    }
  }

  async function exportCsv(): Promise<void> {
    exportBtn.disabled = true;
    try {
      const done = await owner.exportCsv(query());
      notice.replaceChildren(h("p", { class: "ok", id: "export-done", "data-path": done.path }, `${ot("sales.exported")} `, h("code", {}, done.path), ` (${done.rows} ${ot("sales.rows")})`));
    } catch (err) {
      failed(err as ErrorView, notice);
    } finally {
      exportBtn.disabled = false;
    }
  }

  async function recheck(): Promise<void> {
    try {
      const preview = await owner.recheckPreview();
      if (preview.checksNeeded === 0) {
        notice.replaceChildren(h("p", { class: "muted", id: "recheck-nothing" }, ot("sales.nothingToCheck")));
        return;
      }
      const go = h("button", { type: "button", class: "btn btn-small", id: "recheck-go" }, ot("sales.recheckGo"));
      const cancel = h("button", { type: "button", class: "btn btn-small btn-secondary" }, ot("sales.cancel"));
      cancel.addEventListener("click", () => notice.replaceChildren());
      go.addEventListener("click", () => {
        go.disabled = true;
        owner
          .recheck()
          .then(async (done) => {
            notice.replaceChildren(h("p", { class: "ok", id: "recheck-done" }, `${ot("sales.recheckDone")} ${done.sales} / ${done.checksSpent}`));
            await load();
          })
          .catch((err: ErrorView) => failed(err, notice));
      });
      notice.replaceChildren(
        h(
          "div",
          { class: "confirm", id: "recheck-confirm" },
          h("p", {}, ot("sales.recheckAsk")),
          h("p", {}, `${ot("sales.recheckCost")} `, h("strong", { id: "recheck-cost" }, String(preview.checksNeeded)), ` · ${ot("sales.recheckLeft")} `, h("strong", {}, `${preview.checksLeft} / ${preview.budget}`)),
          h("div", { class: "actions" }, go, cancel),
        ),
      );
    } catch (err) {
      failed(err as ErrorView, notice);
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void load();
  });
  exportBtn.addEventListener("click", () => void exportCsv());
  recheckBtn.addEventListener("click", () => void recheck());
  void load();
}
