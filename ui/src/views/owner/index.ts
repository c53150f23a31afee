// The owner area: a full-screen layer over the counter, opened with F4 or the "Owner" tab,
// behind the owner PIN. Closing it locks it again, so the next person at the counter needs the
// PIN too; Rust also locks it after ten idle minutes and refuses every owner command meanwhile.
import "../../owner.css";
import { h } from "../../dom";
import { onLanguageChange, t, toggleLanguage } from "../../i18n";
import type { ErrorView, OwnerStatus } from "../../ipc/bindings";
import { owner } from "./api";
import { mountBakong } from "./bakong";
import { mountCashiers } from "./cashiers";
import { alertLine, errorBox } from "./common";
import { mountPrinterSettings } from "./printer";
import { mountRate } from "./rate";
import { mountRefunds } from "./refunds";
import { mountReport } from "./report";
import { mountSales } from "./sales";
import { mountSettings } from "./settings";
import { mountShifts } from "./shifts";
import { mountShop } from "./shop";
import { ot, type OwnerKey } from "./text";

/** One owner screen: a tab of the owner area, shown only after the PIN. */
interface Screen {
  /** The tab's `data-tab` (the e2e tests select tabs by it). */
  id: string;
  /** Its title in ./text.ts, in both languages. */
  title: OwnerKey;
  /** Fills the area below the tabs; runs again on every visit and language switch. */
  mount: (root: HTMLElement, ctx: OwnerContext) => void;
}

/** The owner screens in tab order; the first one opens first. A new screen is one entry here. */
const SCREENS: readonly Screen[] = [
  { id: "sales", title: "owner.tabSales", mount: mountSales },
  { id: "report", title: "owner.tabReport", mount: mountReport },
  { id: "refunds", title: "owner.tabRefunds", mount: mountRefunds },
  { id: "shifts", title: "owner.tabShifts", mount: mountShifts },
  { id: "rate", title: "owner.tabRate", mount: mountRate },
  { id: "cashiers", title: "owner.tabCashiers", mount: mountCashiers },
  { id: "settings", title: "owner.tabSettings", mount: mountSettings },
  { id: "printer", title: "owner.tabPrinter", mount: mountPrinterSettings },
  { id: "bakong", title: "owner.tabBakong", mount: mountBakong },
  { id: "shop", title: "owner.tabShop", mount: mountShop },
];
/** The key that opens the owner area (F2 and F9 belong to the counter). */
const OPEN_KEY = "F4";

/** Adds the owner tab to the top bar, the F4 shortcut and the token-expiry banner. */
export function mountOwner(nav: HTMLElement, topbar: HTMLElement): void {
  const layer = h("section", { class: "owner", id: "owner", hidden: true, "aria-label": "owner" });
  const banner = h("div", { class: "token-banner", id: "token-banner", role: "status", hidden: true });
  topbar.after(banner);
  document.body.append(layer);
  const openBtn = h("button", { type: "button", class: "view-tab", id: "owner-open", "data-view": "owner" });
  nav.append(openBtn);
  let screen = SCREENS[0];
  let status: OwnerStatus | null = null;

  function label(): void {
    openBtn.replaceChildren(ot("owner.open"), h("kbd", {}, OPEN_KEY));
  }

  function showBanner(s: OwnerStatus): void {
    const days = s.token.daysLeft;
    banner.hidden = !s.token.warn;
    banner.textContent = days !== null && days < 0 ? ot("banner.tokenExpired") : `${ot("banner.token")} ${days ?? "?"}`;
  }

  async function refreshStatus(): Promise<void> {
    try {
      status = await owner.status();
      showBanner(status);
    } catch {
      // The counter shows start-up failures itself; the banner just stays hidden.
    }
  }

  function isOpen(): boolean {
    return !layer.hidden;
  }

  async function open(): Promise<void> {
    layer.hidden = false;
    openBtn.classList.add("active");
    document.body.classList.add("owner-open");
    await refreshStatus();
    if (status?.unlocked === true) render();
    else gate();
  }

  function close(): void {
    layer.hidden = true;
    openBtn.classList.remove("active");
    document.body.classList.remove("owner-open");
    layer.replaceChildren();
    void owner.lock();
  }

  function gate(err?: ErrorView): void {
    const first = status?.pinSet === false;
    const pin = h("input", { type: "password", inputmode: "numeric", autocomplete: "off", maxlength: 8, id: "owner-pin", class: "pin-input", "aria-label": ot("gate.pin") });
    const confirm = h("input", { type: "password", inputmode: "numeric", autocomplete: "off", maxlength: 8, id: "owner-pin-confirm", class: "pin-input", "aria-label": ot("gate.confirm") });
    const problem = h("div", { class: "gate-problem" }, err ? errorBox(err) : null);
    const submit = h("button", { type: "submit", class: "btn btn-charge", id: "owner-pin-submit" }, ot(first ? "gate.set" : "gate.open"));
    const form = h(
      "form",
      { class: "gate", id: "owner-gate", "data-first": first ? "yes" : "no" },
      h("h2", {}, ot(first ? "gate.setTitle" : "gate.enterTitle")),
      h("p", { class: "muted" }, ot(first ? "gate.setNote" : "gate.enterNote")),
      h("label", {}, ot("gate.pin"), pin),
      first ? h("label", {}, ot("gate.confirm"), confirm) : null,
      problem,
      h("div", { class: "actions" }, submit, h("button", { type: "button", class: "btn btn-secondary", id: "owner-gate-cancel" }, ot("sales.cancel"))),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (first && pin.value !== confirm.value) {
        problem.replaceChildren(alertLine(ot("gate.mismatch"), "mismatch"));
        return;
      }
      submit.disabled = true;
      const attempt = first ? owner.setPin(pin.value) : owner.unlock(pin.value);
      attempt
        .then(async () => {
          await refreshStatus();
          render();
        })
        .catch((e2: ErrorView) => {
          submit.disabled = false;
          pin.value = "";
          confirm.value = "";
          problem.replaceChildren(errorBox(e2));
          pin.focus();
        });
    });
    form.querySelector("#owner-gate-cancel")?.addEventListener("click", close);
    layer.replaceChildren(h("div", { class: "gate-wrap" }, form));
    pin.focus();
  }

  /** When Rust says the area locked itself (idle), go back to the gate. */
  function locked(err: ErrorView): boolean {
    if (err.code !== "owner_locked") return false;
    gate(err);
    return true;
  }

  function render(): void {
    const body = h("div", { class: "owner-body", id: "owner-body" });
    const tabs = h(
      "nav",
      { class: "owner-tabs", "aria-label": ot("owner.title") },
      ...SCREENS.map((s) => {
        const b = h("button", { type: "button", class: `owner-tab${s === screen ? " active" : ""}`, "data-tab": s.id }, ot(s.title));
        b.addEventListener("click", () => {
          screen = s;
          render();
        });
        return b;
      }),
    );
    const closeBtn = h("button", { type: "button", class: "btn btn-secondary owner-close", id: "owner-close" }, ot("owner.close"), h("kbd", {}, "Esc"));
    closeBtn.addEventListener("click", close);
    // The top bar's language switch is under this layer: the owner gets one here.
    const langBtn = h("button", { type: "button", class: "lang", id: "owner-lang" }, t("lang.switch"));
    langBtn.addEventListener("click", toggleLanguage);
    layer.replaceChildren(h("header", { class: "owner-head" }, h("h1", {}, ot("owner.title")), tabs, langBtn, closeBtn), body);
    screen.mount(body, { locked, refreshStatus });
  }

  openBtn.addEventListener("click", () => void (isOpen() ? close() : open()));
  // Capture phase: while the owner area is open, the counter must not see the keys (digits
  // would ring up an amount, Enter would charge it). Typing into the owner's inputs still
  // works: that is the keys' default action, which is not prevented.
  window.addEventListener(
    "keydown",
    (e) => {
      if (e.key === OPEN_KEY) {
        e.preventDefault();
        e.stopPropagation();
        void (isOpen() ? close() : open());
        return;
      }
      if (!isOpen()) return;
      if (e.key === "Escape") {
        e.preventDefault();
        close();
      }
      e.stopPropagation();
    },
    true,
  );
  onLanguageChange(() => {
    label();
    if (status !== null) showBanner(status);
    if (isOpen()) {
      if (layer.querySelector("#owner-gate") !== null) gate();
      else render();
    }
  });
  label();
  void refreshStatus();
}

export interface OwnerContext {
  /** Handles `owner_locked` (back to the gate); true when it did. */
  locked: (err: ErrorView) => boolean;
  /** Re-reads the gate's state and the token banner. */
  refreshStatus: () => Promise<void>;
}
