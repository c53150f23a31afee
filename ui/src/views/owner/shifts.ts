// Shifts and Z reports: this counter's open shift (with what its drawer should hold, and the
// owner's close of it, whichever cashier opened it) and every closed shift with its Z report,
// which opens here, prints at 80 mm, 58 mm or A4 and exports as CSV for the accountant.
import { h } from "../../dom";
import type { ErrorView, ShiftRow, ZView } from "../../ipc/bindings";
import { owner } from "./api";
import { errorBox, line, printOut, table, type Paper } from "./common";
import type { OwnerContext } from "./index";
import { hasOwnerText, ot } from "./text";

/** A Z report figure's name in the screen's language. */
function figureName(section: string, item: string): string {
  const key = `z.${section}.${item}`;
  return hasOwnerText(key) ? ot(key) : item;
}

/** The Z report as shown and printed. */
function zDocument(z: ZView): HTMLElement {
  return h(
    "article",
    { class: "eod z-report", id: "z-report", "data-number": String(z.number) },
    h("h1", {}, z.shopName),
    h("h2", {}, `${ot("z.title")} #${z.number}`),
    line(ot("report.terminal"), z.terminalId),
    line(ot("col.shift"), String(z.shiftId)),
    line(ot("col.cashier"), z.cashier),
    line(ot("col.opened"), z.openedText),
    line(ot("z.issued"), z.issuedText),
    line(ot("z.closedBy"), z.closedBy),
    table(
      ["col.item", "col.khr", "col.usd"],
      z.lines.map((l) => [figureName(l.section, l.item), h("span", { class: "num" }, l.khrText), h("span", { class: "num" }, l.usdText)]),
      { id: "z-lines" },
    ),
    z.reason === null ? null : line(ot("z.reason"), z.reason),
    h("p", { class: "hash" }, z.hash),
  );
}

export function mountShifts(root: HTMLElement, ctx: OwnerContext): void {
  const list = h("div", { id: "shift-list" }, ot("common.loading"));
  const panel = h("div", { id: "shift-panel" });
  root.replaceChildren(h("div", { class: "shifts-page" }, h("h2", {}, ot("shift.list")), list, panel));

  function failed(err: ErrorView, where: HTMLElement): void {
    if (!ctx.locked(err)) where.replaceChildren(errorBox(err));
  }

  function showZ(z: ZView): void {
    const prints = (["80", "58", "a4"] as Paper[]).map((paper) => {
      const key = paper === "80" ? "report.print80" : paper === "58" ? "report.print58" : "report.printA4";
      const b = h("button", { type: "button", class: "btn btn-small btn-secondary", "data-paper": paper }, ot(key));
      b.addEventListener("click", () => printOut(zDocument(z), paper));
      return b;
    });
    const notice = h("div", { class: "owner-notice" });
    const csv = h("button", { type: "button", class: "btn btn-small btn-secondary", id: "z-csv" }, ot("sales.export"));
    csv.addEventListener("click", () => {
      owner
        .zCsv(z.number)
        .then((done) => notice.replaceChildren(h("p", { class: "ok", id: "z-csv-done" }, `${ot("sales.exported")} `, h("code", {}, done.path))))
        .catch((err: ErrorView) => failed(err, notice));
    });
    panel.replaceChildren(h("div", { class: "actions" }, ...prints, csv), notice, zDocument(z));
  }

  function closeForm(): HTMLElement {
    const khr = h("input", { type: "text", id: "close-khr", inputmode: "numeric", autocomplete: "off" });
    const usd = h("input", { type: "text", id: "close-usd", inputmode: "decimal", autocomplete: "off" });
    const reason = h("input", { type: "text", id: "close-reason", maxlength: 200, autocomplete: "off" });
    const problem = h("div", {});
    const form = h(
      "form",
      { class: "filters", id: "shift-close" },
      h("label", {}, ot("shift.countedKhr"), khr),
      h("label", {}, ot("shift.countedUsd"), usd),
      h("label", { class: "grow" }, ot("shift.reason"), reason),
      h("button", { type: "submit", class: "btn btn-small", id: "shift-close-go" }, ot("shift.closeGo")),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      owner
        .closeShift({ countedKhr: khr.value, countedUsd: usd.value, reason: reason.value.trim() || null })
        .then(async (z) => {
          await load();
          showZ(z);
        })
        .catch((err: ErrorView) => failed(err, problem));
    });
    return h("div", {}, h("h3", {}, ot("shift.closeTitle")), form, problem);
  }

  function render(rows: ShiftRow[]): void {
    const open = rows.find((r) => r.zNumber === null);
    list.replaceChildren(
      rows.length === 0
        ? h("p", { class: "muted" }, ot("shift.none"))
        : table(
            ["col.shift", "col.cashier", "col.opened", "col.closed", "z.closedBy", "col.z", "col.variance", "col.state"],
            rows.map((r) => {
              let action: Node | string = h("strong", {}, ot("shift.isOpen"));
              if (r.zNumber !== null) {
                const view = h("button", { type: "button", class: "btn btn-small btn-secondary", "data-z": String(r.zNumber) }, ot("shift.view"));
                const number = r.zNumber;
                view.addEventListener("click", () => {
                  owner
                    .zReport(number)
                    .then(showZ)
                    .catch((err: ErrorView) => failed(err, panel));
                });
                action = view;
              }
              const closed = r.closedText ?? `${ot("col.expected")}: ${r.expectedText ?? ""}`;
              return [String(r.shiftId), r.cashier, r.openedText, closed, r.closedBy ?? "", r.zNumber === null ? "" : String(r.zNumber), r.varianceText ?? "", action];
            }),
            { id: "shift-table" },
          ),
    );
    if (open !== undefined) list.append(closeForm());
  }

  async function load(): Promise<void> {
    try {
      render(await owner.shifts());
    } catch (err) {
      failed(err as ErrorView, list);
    }
  }
  void load();
}
