// The whole shop's day, from the shop database: every counter's takings per tender and the
// shop's total (the same lines as `khqr-pos report --shop`), and how far each counter's ledger
// has reached the shop database (this counter's waiting events and last push error too). A
// counter that joined no shop says how to join one.
import { h } from "../../dom";
import type { ErrorView, ShopDay, ShopLine } from "../../ipc/bindings";
import { owner } from "./api";
import { errorBox, table, tenderText, today } from "./common";
import type { OwnerContext } from "./index";
import { ot } from "./text";

function lineRow(l: ShopLine): Array<string | HTMLElement> {
  const who = l.terminalId ?? ot("shop.all");
  const tender = l.tender === null ? ot("shop.allTenders") : tenderText(l.tender);
  const row = h("strong", {}, l.paidText);
  return [l.tender === null ? h("strong", {}, who) : who, tender, l.paid.currency, String(l.count), l.tender === null ? row : l.paidText];
}

function shopView(day: ShopDay): HTMLElement {
  return h(
    "div",
    { id: "shop-day" },
    h("h2", {}, `${ot("shop.title")} · ${day.day}`),
    day.lines.length === 0
      ? h("p", { id: "shop-nothing" }, ot("report.nothing"))
      : table(["shop.counter", "col.tender", "col.currency", "col.count", "col.total"], day.lines.map(lineRow), { id: "shop-lines" }),
    h("h2", {}, ot("shop.push")),
    table(
      ["shop.counter", "shop.pushedUpTo", "shop.lastPushed", "shop.waiting", "shop.lastError"],
      day.counters.map((c) => [
        c.thisCounter ? `${c.terminalId} (${ot("shop.thisCounter")})` : c.terminalId,
        String(c.pushedUpTo),
        c.lastPushedText || ot("shop.never"),
        c.waiting === null ? "—" : String(c.waiting),
        c.lastError === null ? "—" : h("span", { class: "warn" }, c.lastError),
      ]),
      { id: "shop-counters" },
    ),
  );
}

export function mountShop(root: HTMLElement, ctx: OwnerContext): void {
  const date = h("input", { type: "date", id: "shop-date", value: today() });
  const show = h("button", { type: "submit", class: "btn btn-small" }, ot("report.show"));
  const body = h("div", { id: "shop-body" }, ot("common.loading"));
  const form = h("form", { class: "filters" }, h("label", {}, ot("report.date"), date), show);
  root.replaceChildren(h("div", { class: "shop-page" }, form, body));

  async function load(): Promise<void> {
    try {
      const day = await owner.shopDay(date.value || null);
      if (day === null) {
        form.hidden = true;
        body.replaceChildren(h("div", { id: "shop-join" }, h("h2", {}, ot("shop.notJoined")), h("p", {}, ot("shop.howToJoin")), h("pre", {}, '[shop_db]\nurl_file = "shop-db"\noffline_share = 5')));
      } else {
        body.replaceChildren(shopView(day));
      }
    } catch (err) {
      if (!ctx.locked(err as ErrorView)) body.replaceChildren(errorBox(err as ErrorView));
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void load();
  });
  void load();
}
