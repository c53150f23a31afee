// The exchange rate: the riel per dollar in force, the owner's new rate (Rust refuses text, 0
// and anything outside 1,000–10,000), and every change with when and who. Each sale keeps the
// rate it was made at, so reports never move when the rate does.
import { h } from "../../dom";
import type { ErrorView, RateInfo } from "../../ipc/bindings";
import { owner } from "./api";
import { errorBox, line, table } from "./common";
import type { OwnerContext } from "./index";
import { ot } from "./text";

export function mountRate(root: HTMLElement, ctx: OwnerContext): void {
  const body = h("div", { id: "rate-body" }, ot("common.loading"));
  root.replaceChildren(h("div", { class: "rate-page" }, body));

  function failed(err: ErrorView, where: HTMLElement): void {
    if (!ctx.locked(err)) where.replaceChildren(errorBox(err));
  }

  function render(info: RateInfo, saved = false): void {
    const rate = h("input", { type: "text", id: "rate-new", inputmode: "numeric", autocomplete: "off", value: String(info.rielPerUsd) });
    const problem = h("div", {}, saved ? h("p", { class: "ok", id: "rate-saved" }, ot("rate.saved")) : null);
    const form = h("form", { class: "filters" }, h("label", {}, ot("rate.new"), rate), h("button", { type: "submit", class: "btn btn-small", id: "rate-set" }, ot("rate.set")));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      owner
        .setRate(rate.value)
        .then((next) => render(next, true))
        .catch((err: ErrorView) => failed(err, problem));
    });
    body.replaceChildren(
      line(ot("rate.now"), `${info.rielPerUsd.toLocaleString("en-US")}${info.fromConfig ? ` (${ot("rate.fromConfig")})` : ""}`, { id: "rate-now", class: "kv big" }),
      h("p", { class: "muted" }, ot("rate.note")),
      form,
      problem,
      h("h2", {}, ot("rate.log")),
      info.log.length === 0
        ? h("p", { class: "muted" }, ot("rate.noLog"))
        : table(["col.when", "col.rate", "col.by"], info.log.map((c) => [c.atText, c.rielPerUsd.toLocaleString("en-US"), c.by]), { id: "rate-log" }),
    );
  }

  owner
    .rate()
    .then((info) => render(info))
    .catch((err: ErrorView) => failed(err, body));
}
