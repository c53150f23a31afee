// The whole shop's day, from the shop database: every counter's takings per tender and the
// shop's total (the same lines as `khqr-pos report --shop`), and how far each counter's ledger
// has reached the shop database (this counter's waiting events and last push error too). A
// counter that joined no shop says how to join one. And the shop's riel rate, set here once
// for every counter (Rust refuses anything but 1,000–10,000 whole riel, field by field, and
// says when the shop database is out of reach; nothing is written then).
import { h } from "../../dom";
import type { ErrorView, ShopDay, ShopLine, ShopRateView } from "../../ipc/bindings";
import { owner } from "./api";
import { errorBox, fieldErrors, line, table, tenderText, today } from "./common";
import type { OwnerContext } from "./index";
import { ot } from "./text";

function lineRow(l: ShopLine): Array<string | HTMLElement> {
  const who = l.terminalId ?? ot("shop.all");
  const tender = l.tender === null ? ot("shop.allTenders") : tenderText(l.tender);
  const row = h("strong", {}, l.paidText);
  return [l.tender === null ? h("strong", {}, who) : who, tender, l.paid.currency, String(l.count), l.tender === null ? row : l.paidText];
}

function rateText(rate: ShopRateView | null): string {
  return rate === null ? ot("shop.noRate") : rate.rielPerUsd.toLocaleString("en-US");
}

function rateBy(rate: ShopRateView | null): string {
  return rate === null ? "" : `${ot("shop.rateSetBy")} ${rate.setBy} · ${rate.setAtText}`;
}

/** The shop rate in force and, where this counter holds the owner's connection, its form. */
function rateSection(day: ShopDay, ctx: OwnerContext): HTMLElement {
  const now = line(ot("shop.rate"), rateText(day.rate), { id: "shop-rate", class: "kv big" });
  const by = h("p", { class: "muted", id: "shop-rate-by" }, rateBy(day.rate));
  const section = h("section", { id: "shop-rate-section" }, now, by);
  if (!day.canSetRate) {
    section.append(h("p", { class: "muted", id: "shop-rate-elsewhere" }, ot("shop.rateElsewhere")));
    return section;
  }
  const input = h("input", { type: "text", id: "shop-rate-new", inputmode: "numeric", autocomplete: "off", value: day.rate === null ? "" : String(day.rate.rielPerUsd) });
  const fieldProblem = h("span", { class: "field-error", id: "err-shopRate", role: "alert" });
  const outcome = h("div", { id: "shop-rate-outcome" });
  const form = h(
    "form",
    { class: "filters", id: "shop-rate-form" },
    h("label", {}, ot("shop.newRate"), input),
    h("button", { type: "submit", class: "btn btn-small", id: "shop-rate-set" }, ot("shop.setRate")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    input.removeAttribute("aria-invalid");
    fieldProblem.textContent = "";
    outcome.replaceChildren(ot("common.loading"));
    owner
      .setShopRate(input.value)
      .then((rate) => {
        now.replaceWith(line(ot("shop.rate"), rateText(rate), { id: "shop-rate", class: "kv big" }));
        by.textContent = rateBy(rate);
        outcome.replaceChildren(h("p", { class: "ok", id: "shop-rate-saved" }, ot("shop.rateSaved")));
      })
      .catch((err: ErrorView) => {
        if (ctx.locked(err)) return;
        const fields = fieldErrors(err);
        if (fields.length > 0) {
          input.setAttribute("aria-invalid", "true");
          fieldProblem.textContent = ot("error.rate_invalid");
          outcome.replaceChildren();
        } else {
          outcome.replaceChildren(errorBox(err));
        }
      });
  });
  section.append(form, fieldProblem, h("p", { class: "muted" }, ot("shop.rateNote")), outcome);
  return section;
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
  const show = h("button", { type: "submit", class: "btn btn-small", id: "shop-show" }, ot("report.show"));
  const body = h("div", { id: "shop-body" }, ot("common.loading"));
  // The rate is the shop's, not the day's: above the day picker.
  const rate = h("div", {});
  const form = h("form", { class: "filters" }, h("label", {}, ot("report.date"), date), show);
  root.replaceChildren(h("div", { class: "shop-page" }, rate, form, body));

  async function load(): Promise<void> {
    try {
      const day = await owner.shopDay(date.value || null);
      if (day === null) {
        form.hidden = true;
        body.replaceChildren(h("div", { id: "shop-join" }, h("h2", {}, ot("shop.notJoined")), h("p", {}, ot("shop.howToJoin")), h("pre", {}, '[shop_db]\nurl_file = "shop-db"\noffline_share = 5')));
      } else {
        rate.replaceChildren(rateSection(day, ctx));
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
