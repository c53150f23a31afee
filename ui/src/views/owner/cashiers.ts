// Cashier accounts: add one with its own PIN (kept only as a hash in Rust, never shown
// again), see them all, disable one for good (its sales, shifts and refunds keep its name).
// Once the first account exists every sale needs a cashier's open shift.
import { h } from "../../dom";
import type { CashierRow, ErrorView } from "../../ipc/bindings";
import { owner } from "./api";
import { errorBox, table } from "./common";
import type { OwnerContext } from "./index";
import { ot } from "./text";

export function mountCashiers(root: HTMLElement, ctx: OwnerContext): void {
  const name = h("input", { type: "text", id: "cashier-name", maxlength: 30, autocomplete: "off" });
  const pin = h("input", { type: "password", id: "cashier-pin", inputmode: "numeric", maxlength: 8, autocomplete: "off", class: "pin-input" });
  const form = h(
    "form",
    { class: "filters", id: "cashier-form" },
    h("label", {}, ot("col.name"), name),
    h("label", {}, ot("cash.pin"), pin),
    h("button", { type: "submit", class: "btn btn-small", id: "cashier-add" }, ot("cash.addGo")),
  );
  const problem = h("div", { id: "cashier-problem" });
  const list = h("div", { id: "cashier-list" }, ot("common.loading"));
  root.replaceChildren(h("div", { class: "cashiers-page" }, h("h2", {}, ot("cash.add")), form, problem, h("h2", {}, ot("cash.list")), list));

  function failed(err: ErrorView, where: HTMLElement): void {
    if (!ctx.locked(err)) where.replaceChildren(errorBox(err));
  }

  function render(rows: CashierRow[]): void {
    list.replaceChildren(
      rows.length === 0
        ? h("p", { class: "muted" }, ot("cash.none"))
        : table(
            ["col.name", "col.added", "col.state", "cash.disable"],
            rows.map((c) => {
              let action: Node | string = "";
              if (c.disabledText === null) {
                const off = h("button", { type: "button", class: "btn btn-small btn-secondary", "data-cashier": c.name }, ot("cash.disable"));
                off.addEventListener("click", () => {
                  if (!window.confirm(`${c.name}: ${ot("cash.disableAsk")}`)) return;
                  owner
                    .disableCashier(c.name)
                    .then(render)
                    .catch((err: ErrorView) => failed(err, problem));
                });
                action = off;
              }
              const state = c.disabledText === null ? ot("cash.active") : `${ot("cash.disabled")} ${c.disabledText}`;
              return [c.name, c.addedText, state, action];
            }),
            { id: "cashier-table" },
          ),
    );
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    owner
      .addCashier(name.value, pin.value)
      .then((rows) => {
        name.value = "";
        pin.value = "";
        problem.replaceChildren();
        render(rows);
      })
      .catch((err: ErrorView) => {
        pin.value = "";
        failed(err, problem);
      });
  });
  owner
    .cashiers()
    .then(render)
    .catch((err: ErrorView) => failed(err, list));
}
