// Refunds: the owner picks a paid sale of a day (or types its receipt number), sees what was
// paid, refunded so far and what can still be refunded, and records a full or partial refund
// in the sale's currency: cash from the open shift's drawer, or paid back from the shop's bank
// app with the reference the owner types. Rust refuses anything above what remains; a refund
// is a new record, the sale never changes.
import { h } from "../../dom";
import type { ErrorView, Refundable, SaleView } from "../../ipc/bindings";
import { owner } from "./api";
import { clock, errorBox, table, tenderText, today } from "./common";
import type { OwnerContext } from "./index";
import { ot } from "./text";

export function mountRefunds(root: HTMLElement, ctx: OwnerContext): void {
  const day = h("input", { type: "date", id: "refund-day", value: today() });
  const receipt = h("input", { type: "number", min: "1", id: "refund-receipt", class: "short", inputmode: "numeric" });
  const look = h("button", { type: "submit", class: "btn btn-small", id: "refund-look" }, ot("refund.look"));
  const form = h("form", { class: "filters" }, h("label", {}, ot("report.date"), day), h("label", {}, ot("col.receipt"), receipt), look);
  const panel = h("div", { class: "refund-panel", id: "refund-panel" });
  const sales = h("div", { id: "refund-sales" }, ot("common.loading"));
  root.replaceChildren(h("div", { class: "refunds-page" }, h("p", { class: "muted" }, ot("refund.pick")), form, panel, h("h2", {}, ot("refund.sales")), sales));

  function failed(err: ErrorView, where: HTMLElement): void {
    if (!ctx.locked(err)) where.replaceChildren(errorBox(err));
  }

  async function loadSales(): Promise<void> {
    try {
      const list = await owner.sales({ from: day.value || null, to: day.value || null, status: null, search: null });
      const paid = list.sales.filter((s: SaleView) => s.receiptNumber !== null);
      sales.replaceChildren(
        paid.length === 0
          ? h("p", { class: "muted" }, ot("sales.none"))
          : table(
              ["col.receipt", "col.time", "col.bill", "col.amount", "col.currency", "col.tender", "col.cashier", "refund.choose"],
              paid.map((s) => {
                const pick = h("button", { type: "button", class: "btn btn-small btn-secondary", "data-receipt": String(s.receiptNumber) }, ot("refund.choose"));
                pick.addEventListener("click", () => void open(s.receiptNumber ?? 0));
                return [String(s.receiptNumber), clock(s.createdAtMs), s.billNumber, s.amountText, s.currency, tenderText(s.tender), s.cashier ?? "", pick];
              }),
              { id: "refund-sales-table" },
            ),
      );
    } catch (err) {
      failed(err as ErrorView, sales);
    }
  }

  async function open(number: number, done?: HTMLElement): Promise<void> {
    receipt.value = String(number);
    panel.replaceChildren(ot("common.loading"));
    try {
      render(await owner.refundable(number), done);
    } catch (err) {
      failed(err as ErrorView, panel);
    }
  }

  function render(r: Refundable, done?: HTMLElement): void {
    const amount = h("input", { type: "text", id: "refund-amount", inputmode: "decimal", autocomplete: "off" });
    const full = h("button", { type: "button", class: "btn btn-small btn-secondary", id: "refund-full" }, ot("refund.full"));
    full.addEventListener("click", () => {
      amount.value = r.remainingText;
    });
    const cash = h("input", { type: "radio", name: "refund-tender", value: "cash", id: "refund-cash", checked: true });
    const bank = h("input", { type: "radio", name: "refund-tender", value: "bank", id: "refund-bank" });
    const reference = h("input", { type: "text", id: "refund-reference", maxlength: 100, autocomplete: "off" });
    const refLabel = h("label", { hidden: true }, ot("refund.reference"), reference);
    const sync = (): void => {
      refLabel.hidden = !bank.checked;
    };
    cash.addEventListener("change", sync);
    bank.addEventListener("change", sync);
    const reason = h("input", { type: "text", id: "refund-reason", maxlength: 100, autocomplete: "off" });
    const go = h("button", { type: "submit", class: "btn btn-charge", id: "refund-go" }, ot("refund.go"));
    const problem = h("div", { id: "refund-problem" }, done ?? null);
    const left = r.remaining.minor > 0;
    const form = h(
      "form",
      { class: "refund-form", id: "refund-form" },
      h("label", {}, `${ot("refund.amount")} (${r.currency})`, h("span", { class: "row" }, amount, full)),
      h("fieldset", {}, h("legend", {}, ot("refund.tender")), h("label", { class: "choice" }, cash, ot("refund.cash")), h("label", { class: "choice" }, bank, ot("refund.bank"))),
      refLabel,
      h("label", {}, ot("refund.reason"), reason),
      problem,
      h("div", { class: "actions" }, go),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      go.disabled = true;
      owner
        .refund({
          receipt: r.receiptNumber,
          amount: amount.value,
          currency: r.currency,
          tender: bank.checked ? "bank" : "cash",
          bankReference: bank.checked ? reference.value : null,
          reason: reason.value.trim() || null,
        })
        .then((made) => open(r.receiptNumber, h("p", { class: "ok", id: "refund-done", "data-number": String(made.number) }, `${ot("refund.done")} ${made.number}: ${made.amountText} ${made.amount.currency}`)))
        .catch((err: ErrorView) => {
          go.disabled = false;
          failed(err, problem);
        });
    });
    panel.replaceChildren(
      h(
        "article",
        { class: "refundable", id: "refundable", "data-remaining": r.remainingText },
        h("h2", {}, `${ot("col.receipt")} ${r.receiptNumber} · ${r.billNumber} · ${tenderText(r.saleTender)}`),
        h(
          "dl",
          { class: "detail-list" },
          h("dt", {}, ot("refund.paid")), h("dd", {}, `${r.paidText} ${r.currency}`),
          h("dt", {}, ot("refund.refunded")), h("dd", { id: "refund-refunded" }, `${r.refundedText} ${r.currency}`),
          h("dt", {}, ot("refund.remaining")), h("dd", { id: "refund-remaining", class: "big" }, `${r.remainingText} ${r.currency}`),
        ),
        left ? form : h("div", {}, done ?? null, h("p", { class: "muted", id: "refund-nothing-left" }, ot("refund.none"))),
        r.refunds.length === 0
          ? null
          : h(
              "div",
              {},
              h("h3", {}, ot("refund.history")),
              table(
                ["col.refundNo", "col.time", "col.amount", "col.tender", "col.reference", "col.reason"],
                r.refunds.map((f) => [String(f.number), clock(f.issuedAtMs), f.amountText, tenderText(f.tender), f.bankReference ?? "", f.reason ?? ""]),
                { id: "refund-history" },
              ),
            ),
        h("p", { class: "muted" }, ot("refund.note")),
      ),
    );
    if (left) amount.focus();
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const n = Number(receipt.value);
    if (Number.isInteger(n) && n > 0) void open(n);
    void loadSales();
  });
  void loadSales();
}
