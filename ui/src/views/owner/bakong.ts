// The Bakong connection and the shop's upkeep: a health panel (environment, reachable, region
// blocked, token days left, checks used, last error), token entry and "renew now" with where
// the token is kept, the owner PIN change, and backups with the diagnostics export. The token
// goes to Rust in a password field that is cleared at once; the screen only ever learns "set,
// expires on D, N days left, kept in the keyring or a file". PIN fields are cleared likewise.
import { h } from "../../dom";
import type { BackupStatus, DiagnosticsExport, ErrorView, OwnerHealth, TokenStatus } from "../../ipc/bindings";
import { owner } from "./api";
import { alertLine, clock, errorBox, line, shopDate } from "./common";
import type { OwnerContext } from "./index";
import { ot, type OwnerKey } from "./text";
import { ut, type UpkeepKey } from "./upkeep-text";

function tokenText(t: TokenStatus): string {
  if (!t.set) return ot("bk.tokenNone");
  if (t.expiresOn === null) return ot("bk.tokenUnknown");
  return `${ot("bk.tokenSet")} ${t.expiresOn} · ${t.daysLeft ?? "?"} ${ot("bk.daysLeft")}`;
}

function storeText(t: TokenStatus): string {
  return t.store === null ? "" : `${ut("up.store")}: ${ut(`up.store.${t.store}`)}`;
}

function at(ms: number): string {
  return `${shopDate(new Date(ms))} ${clock(ms)}`;
}

// The newest verified backup, and the last automatic attempt when it failed or is newer.
function backupView(b: BackupStatus): HTMLElement {
  const last = b.lastAttempt;
  const attempt =
    last === null
      ? "—"
      : `${at(last.atMs)} · ${ut(`up.trigger.${last.trigger}`)} · ${last.ok ? ut("up.backupOk") : `${ut("up.backupFailed")}: ${last.error ?? ""}`}`;
  return h(
    "div",
    { class: "health", id: "backup-status" },
    line(ut("up.backupLast"), b.lastGoodMs === null ? ut("up.backupNone") : at(b.lastGoodMs), {
      id: "backup-last",
      class: b.lastGoodMs === null ? "kv warn" : "kv",
    }),
    line(ut("up.backupAttempt"), attempt, { id: "backup-attempt", class: last !== null && !last.ok ? "kv warn" : "kv" }),
    line(ut("up.backupDir"), h("code", { class: "wrap" }, b.dir)),
    line(ut("up.backupKeep"), b.keepDays === 0 ? ut("up.backupKeepAll") : String(b.keepDays)),
  );
}

// Renewal refusals worded for this screen; anything else as every owner screen words it.
function renewError(err: ErrorView): HTMLElement {
  const words: Partial<Record<string, UpkeepKey>> = {
    "bakong.email": "up.renewNoEmail",
    "bakong.environment": "up.renewDemo",
  };
  const key = err.code === "bakong_failed" ? "up.renewRefused" : words[err.field ?? ""];
  return key === undefined ? errorBox(err) : alertLine(ut(key), err.code, err.message);
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
  const backups = h("div", {});
  const refresh = h("button", { type: "button", class: "btn btn-small btn-secondary" }, ot("bk.refresh"));
  const tokenState = h("p", { id: "token-state", class: "token-state" });
  const tokenStore = h("p", { id: "token-store", class: "muted" });
  const input = h("input", { type: "password", id: "token-input", autocomplete: "off", spellcheck: false, "aria-label": ot("bk.tokenPaste") });
  const saveBtn = h("button", { type: "submit", class: "btn btn-small", id: "token-save" }, ot("bk.tokenSave"));
  const renewBtn = h("button", { type: "button", class: "btn btn-small btn-secondary", id: "token-renew" }, ut("up.renewNow"));
  const notice = h("div", { class: "owner-notice", id: "token-notice" });
  const form = h("form", { class: "token-form" }, h("label", { class: "grow" }, ot("bk.tokenPaste"), input), saveBtn);
  const pinField = (id: string, key: UpkeepKey): HTMLInputElement =>
    h("input", { type: "password", id, inputmode: "numeric", autocomplete: "off", maxlength: "8", "aria-label": ut(key) });
  const pinCurrent = pinField("pin-current", "up.pinCurrent");
  const pinNew = pinField("pin-new", "up.pinNew");
  const pinRepeat = pinField("pin-repeat", "up.pinRepeat");
  const pinBtn = h("button", { type: "submit", class: "btn btn-small", id: "pin-change" }, ut("up.pinChange"));
  const pinNotice = h("div", { class: "owner-notice", id: "pin-notice" });
  const pinForm = h(
    "form",
    { class: "token-form", id: "pin-form" },
    h("label", {}, ut("up.pinCurrent"), pinCurrent),
    h("label", {}, ut("up.pinNew"), pinNew),
    h("label", {}, ut("up.pinRepeat"), pinRepeat),
    pinBtn,
  );
  const diagBtn = h("button", { type: "button", class: "btn btn-small btn-secondary", id: "diagnostics-export" }, ut("up.diagnostics"));
  const diagNotice = h("div", { class: "owner-notice", id: "diagnostics-notice" });
  root.replaceChildren(
    h(
      "div",
      { class: "bakong-page" },
      h("section", {}, h("h2", {}, ot("bk.health"), " ", refresh), health),
      h(
        "section",
        {},
        h("h2", {}, ot("bk.token")),
        tokenState,
        tokenStore,
        form,
        h("p", {}, renewBtn, " ", h("span", { class: "muted" }, ut("up.renewHelp"))),
        notice,
        h("p", { class: "muted" }, ot("bk.renew")),
      ),
      h("section", {}, h("h2", {}, ut("up.backups")), backups, h("p", {}, diagBtn), h("p", { class: "muted" }, ut("up.diagnosticsHelp")), diagNotice),
      h("section", {}, h("h2", {}, ut("up.pin")), pinForm, pinNotice),
    ),
  );

  function failed(err: ErrorView, where: HTMLElement, box: (e: ErrorView) => HTMLElement = errorBox): void {
    if (!ctx.locked(err)) where.replaceChildren(box(err));
  }

  function showToken(t: TokenStatus): void {
    tokenState.textContent = tokenText(t);
    tokenStore.textContent = storeText(t);
  }

  async function load(): Promise<void> {
    try {
      const x = await owner.health();
      health.replaceChildren(healthView(x));
      backups.replaceChildren(backupView(x.backup));
      showToken(x.token);
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
        showToken(t);
        notice.replaceChildren(h("p", { class: "ok" }, ot("bk.tokenSaved")));
        await ctx.refreshStatus();
        await load();
      })
      .catch((err: ErrorView) => failed(err, notice))
      .finally(() => {
        saveBtn.disabled = false;
      });
  });
  renewBtn.addEventListener("click", () => {
    renewBtn.disabled = true;
    notice.replaceChildren();
    owner
      .renewToken()
      .then(async (t) => {
        showToken(t);
        notice.replaceChildren(h("p", { class: "ok" }, ut("up.renewed")));
        await ctx.refreshStatus();
        await load();
      })
      .catch((err: ErrorView) => failed(err, notice, renewError))
      .finally(() => {
        renewBtn.disabled = false;
      });
  });
  pinForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const [current, next, again] = [pinCurrent.value, pinNew.value, pinRepeat.value];
    // PINs must not linger in the page either.
    pinCurrent.value = pinNew.value = pinRepeat.value = "";
    pinNotice.replaceChildren();
    if (next !== again) {
      pinNotice.replaceChildren(alertLine(ut("up.pinMismatch"), "pin_mismatch"));
      return;
    }
    pinBtn.disabled = true;
    owner
      .changePin(current, next)
      .then(() => pinNotice.replaceChildren(h("p", { class: "ok" }, ut("up.pinChanged"))))
      .catch((err: ErrorView) => failed(err, pinNotice))
      .finally(() => {
        pinBtn.disabled = false;
      });
  });
  diagBtn.addEventListener("click", () => {
    diagBtn.disabled = true;
    diagNotice.replaceChildren();
    owner
      .exportDiagnostics()
      .then((d: DiagnosticsExport) =>
        diagNotice.replaceChildren(h("p", { class: "ok" }, `${ut("up.diagnosticsSaved")} `, h("code", { class: "wrap", id: "diagnostics-path" }, d.path))),
      )
      .catch((err: ErrorView) =>
        failed(err, diagNotice, (e) => (e.code === "export_failed" ? alertLine(ut("up.diagnosticsFailed"), e.code, e.message) : errorBox(e))),
      )
      .finally(() => {
        diagBtn.disabled = false;
      });
  });
  refresh.addEventListener("click", () => void load());
  void load();
}
