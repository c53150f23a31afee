// The end-of-day report: takings per currency (and all of them in riel at the shop rate), per
// tender (KHQR, cash, cash + KHQR), the day's refunds as their own lines, the net in riel at
// each sale's frozen rate, every currency and status, receipt numbers first to last with any
// gap called out, what needs attention, and the checks spent. Printable at 80 mm, 58 mm or A4; CSV for the
// accountant is written by Rust to the Downloads folder.
import { h } from "../../dom";
import type { EndOfDay, ErrorView, TenderTotalView } from "../../ipc/bindings";
import { owner } from "./api";
import { clock, errorBox, line, printOut, setShopTimeZone, statusBadge, table, tenderText, today, type Paper } from "./common";
import type { OwnerContext } from "./index";
import { ot } from "./text";

/** Count and sum per tender and currency. */
function tenderTable(totals: TenderTotalView[], id: string): HTMLElement {
  if (totals.length === 0) return h("p", { id }, ot("report.nothing"));
  return table(
    ["col.tender", "col.currency", "col.count", "col.total"],
    totals.map((t) => [h("span", { "data-tender": t.tender }, tenderText(t.tender)), t.currency, String(t.count), t.sumText]),
    { id },
  );
}

function reportView(day: EndOfDay): HTMLElement {
  const r = day.report;
  setShopTimeZone(r.timeZone);
  const gaps = day.gaps.length === 0 ? ot("report.noGaps") : day.gaps.join(", ");
  return h(
    "article",
    { class: "eod", id: "eod" },
    h("h1", {}, day.shopName),
    h("h2", {}, `${ot("report.title")} · ${r.date}`),
    line(ot("report.terminal"), r.terminalId),
    line(ot("report.madeAt"), day.madeAtText),
    h("h3", {}, ot("report.takings")),
    r.takings.length === 0
      ? h("p", {}, ot("report.nothing"))
      : h("div", { id: "eod-takings" }, ...r.takings.map((t) => line(`${t.currency} (${t.count})`, t.sumText, { "data-currency": t.currency, class: "kv big" }))),
    line(ot("report.inKhr"), `${r.takingsInKhrText} KHR`, { id: "eod-in-khr" }),
    h("h3", {}, ot("report.byTender")),
    tenderTable(r.byTender, "eod-by-tender"),
    h("h3", {}, ot("report.refunds")),
    r.refunds.length === 0
      ? h("p", { id: "eod-no-refunds" }, ot("report.noRefunds"))
      : h(
          "div",
          {},
          table(
            ["col.refundNo", "col.receipt", "col.time", "col.amount", "col.currency", "col.tender", "col.reference"],
            r.refunds.map((f) => [String(f.number), String(f.receiptNumber), clock(f.issuedAtMs), f.amountText, f.amount.currency, tenderText(f.tender), f.bankReference ?? ""]),
            { id: "eod-refunds" },
          ),
          h("h3", {}, ot("report.refundTotals")),
          tenderTable(r.refundTotals, "eod-refund-totals"),
        ),
    line(ot("report.net"), `${r.netKhrText} KHR`, { id: "eod-net", class: "kv big" }),
    line(ot("report.rounding"), String(r.netKhrRounding), { id: "eod-net-rounding" }),
    r.accepted.length === 0
      ? null
      : h(
          "div",
          { id: "eod-accepted" },
          h("h3", { class: "warn" }, ot("report.accepted")),
          ...r.accepted.map((t) => line(`${t.currency} (${t.count})`, t.sumText, { "data-currency": t.currency, class: "kv warn" })),
        ),
    line(ot("report.rate"), r.rielPerUsd.toLocaleString("en-US")),
    h("h3", {}, ot("report.byStatus")),
    table(
      ["col.currency", "col.status", "col.count", "col.total"],
      r.totals.map((t) => [t.currency, statusBadge(t.status), String(t.count), t.sumText]),
      { id: "eod-totals" },
    ),
    line(ot("report.sales"), String(day.saleCount), { id: "eod-sales" }),
    line(ot("report.receipts"), String(day.receipts), { id: "eod-receipts" }),
    line(ot("report.first"), day.firstReceipt === null ? "—" : String(day.firstReceipt), { id: "eod-first" }),
    line(ot("report.last"), day.lastReceipt === null ? "—" : String(day.lastReceipt), { id: "eod-last" }),
    line(ot("report.gaps"), gaps, { id: "eod-gaps", class: day.gaps.length === 0 ? "kv" : "kv warn" }),
    line(ot("report.checks"), String(r.checksUsed), { id: "eod-checks" }),
    line(ot("report.verified"), String(r.salesVerified), { id: "eod-verified" }),
    line(ot("report.pending"), String(r.pending), { id: "eod-pending", class: r.pending === 0 ? "kv" : "kv warn" }),
    r.unverified.length === 0
      ? null
      : h(
          "div",
          { id: "eod-unverified" },
          h("h3", { class: "warn" }, ot("report.unverified")),
          table(["col.bill", "col.amount", "col.status"], r.unverified.map((s) => [s.billNumber, `${s.amountText} ${s.currency}`, statusBadge(s.status)])),
        ),
    r.attention.length === 0
      ? null
      : h(
          "div",
          {},
          h("h3", { class: "warn" }, ot("sales.attention")),
          table(["col.bill", "col.amount", "col.status"], r.attention.map((s) => [s.billNumber, `${s.amountText} ${s.currency}`, statusBadge(s.status)])),
        ),
  );
}

export function mountReport(root: HTMLElement, ctx: OwnerContext): void {
  const date = h("input", { type: "date", id: "report-date", value: today() });
  const show = h("button", { type: "submit", class: "btn btn-small" }, ot("report.show"));
  const prints: Array<[Paper, HTMLButtonElement]> = [
    ["80", h("button", { type: "button", class: "btn btn-small btn-secondary", "data-paper": "80" }, ot("report.print80"))],
    ["58", h("button", { type: "button", class: "btn btn-small btn-secondary", "data-paper": "58" }, ot("report.print58"))],
    ["a4", h("button", { type: "button", class: "btn btn-small btn-secondary", "data-paper": "a4" }, ot("report.printA4"))],
  ];
  const exportBtn = h("button", { type: "button", class: "btn btn-small btn-secondary", id: "report-export" }, ot("sales.export"));
  const notice = h("div", { class: "owner-notice" });
  const body = h("div", { class: "eod-wrap", id: "report-body" }, ot("common.loading"));
  const form = h("form", { class: "filters" }, h("label", {}, ot("report.date"), date), show, ...prints.map(([, b]) => b), exportBtn);
  root.replaceChildren(h("div", { class: "report-page" }, form, notice, body));
  let current: EndOfDay | null = null;

  function failed(err: ErrorView, where: HTMLElement): void {
    if (!ctx.locked(err)) where.replaceChildren(errorBox(err));
  }

  async function load(): Promise<void> {
    try {
      current = await owner.report(date.value || null);
      body.replaceChildren(reportView(current));
    } catch (err) {
      current = null;
      failed(err as ErrorView, body);
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void load();
  });
  for (const [paper, button] of prints) {
    button.addEventListener("click", () => {
      if (current !== null) printOut(reportView(current), paper);
    });
  }
  exportBtn.addEventListener("click", () => {
    const day = date.value || null;
    owner
      .exportCsv({ from: day, to: day, status: null, search: null })
      .then((done) => notice.replaceChildren(h("p", { class: "ok", id: "report-export-done" }, `${ot("sales.exported")} `, h("code", {}, done.path), ` (${done.rows} ${ot("sales.rows")})`)))
      .catch((err: ErrorView) => failed(err, notice));
  });
  void load();
}
