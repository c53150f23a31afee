// The Bakong connection: a health panel (environment, reachable, region blocked, token days
// left, checks used, last error) and token entry. The token goes to Rust in a password field
// that is cleared at once; the screen only ever learns "set, expires on D, N days left".
import { h } from "../../dom";
import type { ErrorView, OwnerHealth, TokenStatus } from "../../ipc/bindings";
import { owner } from "./api";
import { clock, errorBox, line, shopDate } from "./common";
import type { OwnerContext } from "./index";
import { ot, type OwnerKey } from "./text";

function tokenText(t: TokenStatus): string {
  if (!t.set) return ot("bk.tokenNone");
  if (t.expiresOn === null) return ot("bk.tokenUnknown");
  return `${ot("bk.tokenSet")} ${t.expiresOn} · ${t.daysLeft ?? "?"} ${ot("bk.daysLeft")}`;
}

function yes(v: boolean): string {
  return ot(v ? "bk.yes" : "bk.no");
}

function healthView(x: OwnerHealth): HTMLElement {
  const env = `set.env.${x.environment}` as OwnerKey;
  return h(
    "div",
    { class: "health", id: "bakong-health" },
    line(ot("bk.environment"), ot(env)),
    line(ot("bk.reachable"), yes(x.reachable), { class: x.reachable ? "kv" : "kv warn" }),
    line(ot("bk.region"), yes(x.regionBlocked), { class: x.regionBlocked ? "kv warn" : "kv" }),
    line(ot("bk.tokenDays"), x.token.daysLeft === null ? "—" : String(x.token.daysLeft), { class: x.token.warn ? "kv warn" : "kv" }),
    line(ot("bk.checks"), `${x.checksUsedToday} / ${x.checkBudget}`),
    line(ot("bk.pending"), String(x.pendingSales)),
    line(ot("bk.lastError"), lastErrorText(x), { id: "bakong-last-error" }),
  );
}

// Cleared by the core once Bakong answers again, so an error shown is still current; its
// time tells the owner whether it is a minute or hours old.
function lastErrorText(x: OwnerHealth): string {
  if (x.lastError === null) return ot("bk.none");
  if (x.lastErrorAtMs === null) return x.lastError;
  return `${x.lastError} · ${ot("bk.at")} ${shopDate(new Date(x.lastErrorAtMs))} ${clock(x.lastErrorAtMs)}`;
}

export function mountBakong(root: HTMLElement, ctx: OwnerContext): void {
  const health = h("div", {}, ot("common.loading"));
  const refresh = h("button", { type: "button", class: "btn btn-small btn-secondary" }, ot("bk.refresh"));
  const tokenState = h("p", { id: "token-state", class: "token-state" });
  const input = h("input", { type: "password", id: "token-input", autocomplete: "off", spellcheck: false, "aria-label": ot("bk.tokenPaste") });
  const saveBtn = h("button", { type: "submit", class: "btn btn-small", id: "token-save" }, ot("bk.tokenSave"));
  const notice = h("div", { class: "owner-notice", id: "token-notice" });
  const form = h("form", { class: "token-form" }, h("label", { class: "grow" }, ot("bk.tokenPaste"), input), saveBtn);
  root.replaceChildren(
    h(
      "div",
      { class: "bakong-page" },
      h("section", {}, h("h2", {}, ot("bk.health"), " ", refresh), health),
      h("section", {}, h("h2", {}, ot("bk.token")), tokenState, form, notice, h("p", { class: "muted" }, ot("bk.renew"))),
    ),
  );

  function failed(err: ErrorView, where: HTMLElement): void {
    if (!ctx.locked(err)) where.replaceChildren(errorBox(err));
  }

  async function load(): Promise<void> {
    try {
      const x = await owner.health();
      health.replaceChildren(healthView(x));
      tokenState.textContent = tokenText(x.token);
    } catch (err) {
      failed(err as ErrorView, health);
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const token = input.value;
    // The token must not linger in the page: clear the field before anything else.
    input.value = "";
    saveBtn.disabled = true;
    owner
      .saveToken(token)
      .then(async (t) => {
        tokenState.textContent = tokenText(t);
        notice.replaceChildren(h("p", { class: "ok" }, ot("bk.tokenSaved")));
        await ctx.refreshStatus();
        await load();
      })
      .catch((err: ErrorView) => failed(err, notice))
      .finally(() => {
        saveBtn.disabled = false;
      });
  });
  refresh.addEventListener("click", () => void load());
  void load();
}
