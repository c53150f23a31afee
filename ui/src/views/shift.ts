// The till bar and its screens (issue 12): who is signed in and the shift, in the top bar;
// F6 (or the bar's button) opens sign-in, open shift, X report, cash in/out and the close with
// its denomination helper, then the Z report on screen, printable at 80 mm. The PIN goes to
// Rust once and the session stays there; every figure is Rust's text. A shift left open from
// an earlier day is offered for closing at start.
import { h } from "../dom";
import { onLanguageChange } from "../i18n";
import { till, type CountText, type Currency, type IpcError, type ReportLine, type TillView, type ZText } from "../ipc/client";
import { printOut } from "./owner/common";
import { keyButton, tillLayer } from "./till/layer";
import { tillError, tt, type TillKey } from "./till/text";

/** The key for the till's screens. */
export const TILL_KEY = "F6";
/** Notes the close's denomination helper counts (riel, then dollars). */
const COUNT_NOTES: Record<Currency, number[]> = {
  KHR: [100, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000],
  USD: [1, 2, 5, 10, 20, 50, 100],
};

/** A table of report lines: label, riel, dollars, count. */
export function reportTable(lines: ReportLine[], id: string): HTMLTableElement {
  return h(
    "table",
    { class: "till-table", id },
    h("thead", {}, h("tr", {}, ...(["col.item", "col.khr", "col.usd", "col.count"] as const).map((k) => h("th", {}, tt(k))))),
    h(
      "tbody",
      {},
      ...lines.map((l) =>
        h("tr", { "data-line": l.key }, h("th", {}, tt(`line.${l.key}` as TillKey)), h("td", {}, l.khr), h("td", {}, l.usd), h("td", {}, l.count === null ? "" : String(l.count))),
      ),
    ),
  );
}

/** The Z report as issued, for the screen and the 80 mm print. */
function zView(z: ZText): HTMLElement {
  return h(
    "div",
    { class: "z-report", id: "z-report", "data-number": z.number },
    h("h2", {}, `${tt("till.z")} #${z.number}`),
    h("p", {}, `${tt("till.terminal")} ${z.terminalId} · ${tt("till.shift")} ${z.shiftId} · ${new Date(z.issuedAtMs).toLocaleString()}`),
    reportTable(z.lines, "z-lines"),
    reportTable(z.closing, "z-closing"),
    z.reason === null ? null : h("p", { id: "z-reason" }, `${tt("till.reason")}: ${z.reason}`),
    h("p", { class: "z-hash" }, z.hash),
  );
}

function field(id: string, label: string, attrs: Record<string, string> = {}): { wrap: HTMLElement; input: HTMLInputElement } {
  const input = h("input", { id, class: "till-input", type: "text", autocomplete: "off", ...attrs });
  return { wrap: h("label", { class: "till-field" }, h("span", {}, label), input), input };
}

/** Mounts the till bar into the top bar, before `before`. */
export function mountTillBar(topbar: HTMLElement, before: Element | null): void {
  const layer = tillLayer();
  let view: TillView | null = null;
  const who = h("span", { id: "till-who", class: "till-who" });
  const shiftLine = h("span", { id: "till-shift", class: "till-shift" });
  const openBtn = keyButton("till-open", tt("till.menu"), TILL_KEY, "till-btn");
  topbar.insertBefore(h("div", { class: "till-bar", id: "till-bar" }, who, shiftLine, openBtn), before);

  function renderBar(): void {
    who.textContent = view?.signedIn ?? tt("till.nobody");
    who.classList.toggle("nobody", view?.signedIn == null);
    const shift = view?.shift ?? null;
    shiftLine.textContent = shift === null ? tt("till.noShift") : `${tt("till.shift")} #${shift.id}`;
    shiftLine.classList.toggle("earlier", shift?.fromEarlierDay ?? false);
    openBtn.querySelector("span")!.textContent = tt("till.menu");
  }

  function update(next: TillView): void {
    view = next;
    renderBar();
  }

  /** Shows `body` in the layer with a title, an error line and Esc to leave. */
  function screen(title: string, body: HTMLElement[], onEnter: (() => void) | null, keys: Record<string, () => void> = {}): HTMLElement {
    const problem = h("p", { class: "amount-error", id: "till-error", role: "alert", hidden: true });
    const back = keyButton("till-back", tt("cash.back"), "Esc");
    back.addEventListener("click", () => layer.hide());
    const panel = h("div", { class: "till-screen" }, title === "" ? null : h("h1", {}, title), ...body, problem, h("div", { class: "actions" }, back));
    layer.show(panel, (e) => {
      if (e.key === "Escape") layer.hide();
      else if (e.key === "Enter" && onEnter !== null) onEnter();
      else if (keys[e.key.toLowerCase()] !== undefined && !(e.target instanceof HTMLInputElement)) keys[e.key.toLowerCase()]();
      else return false;
      return true;
    });
    panel.querySelector("input")?.focus();
    return panel;
  }

  function say(panel: HTMLElement, err: unknown): void {
    const line = panel.querySelector<HTMLElement>("#till-error");
    if (line === null) return;
    line.textContent = tillError(err as IpcError);
    line.hidden = false;
  }

  function signIn(): void {
    const name = field("till-name", tt("till.name"));
    const pin = field("till-pin", tt("till.pin"), { type: "password", inputmode: "numeric" });
    const go = keyButton("till-sign-in", tt("till.signIn"), "Enter", "btn btn-charge");
    const earlier = view?.shift?.fromEarlierDay ? h("p", { class: "till-warning", id: "till-earlier" }, tt("till.earlier")) : null;
    const submit = () =>
      void till.signIn(name.input.value, pin.input.value).then(
        (v) => {
          update(v);
          menu();
        },
        (err: unknown) => {
          pin.input.value = "";
          say(panel, err);
        },
      );
    go.addEventListener("click", submit);
    const panel = screen(tt("till.signIn"), [earlier ?? h("span"), name.wrap, pin.wrap, go], submit);
  }

  function openShift(): void {
    const khr = field("float-khr", tt("till.floatKhr"), { inputmode: "numeric" });
    const usd = field("float-usd", tt("till.floatUsd"), { inputmode: "decimal" });
    const go = keyButton("shift-open", tt("till.openShift"), "Enter", "btn btn-charge");
    const submit = () =>
      void till.openShift(khr.input.value, usd.input.value).then(
        (v) => {
          update(v);
          layer.hide();
        },
        (err: unknown) => say(panel, err),
      );
    go.addEventListener("click", submit);
    const panel = screen(tt("till.openShift"), [khr.wrap, usd.wrap, go], submit);
  }

  function xReport(): void {
    void till.status().then((v) => {
      update(v);
      if (v.shift === null) return menu();
      screen(`${tt("till.x")} — ${tt("till.shift")} #${v.shift.id}`, [
        h("p", {}, `${tt("till.openedBy")} ${v.shift.openedBy} · ${new Date(v.shift.openedAtMs).toLocaleString()}`),
        reportTable(v.shift.lines, "x-lines"),
      ], null);
    });
  }

  function movement(cashIn: boolean): void {
    let currency: Currency = "KHR";
    const amount = field("move-amount", tt("till.amount"), { inputmode: "decimal" });
    const curBtns = (["KHR", "USD"] as const).map((c) => h("button", { type: "button", class: "cur", "data-currency": c, id: `move-${c}` }, c));
    const pick = (c: Currency) => {
      currency = c;
      for (const b of curBtns) b.classList.toggle("active", b.dataset.currency === c);
    };
    for (const b of curBtns) b.addEventListener("click", () => pick(b.dataset.currency as Currency));
    pick("KHR");
    const reason = field("move-reason", tt("till.reason"), { maxlength: "200" });
    const go = keyButton("move-record", tt("till.record"), "Enter", "btn btn-charge");
    const submit = () =>
      void till.cashMovement(cashIn, amount.input.value, currency, reason.input.value).then(
        (v) => {
          update(v);
          layer.hide();
        },
        (err: unknown) => say(panel, err),
      );
    go.addEventListener("click", submit);
    const panel = screen(tt(cashIn ? "till.cashIn" : "till.cashOut"), [amount.wrap, h("div", { class: "currency-switch" }, ...curBtns), reason.wrap, go], submit);
  }

  function closeShift(): void {
    // The denomination helper: how many of each note; Rust turns `VALUExCOUNT` into amounts.
    const counts: Record<Currency, HTMLInputElement[]> = { KHR: [], USD: [] };
    const grid = (c: Currency) =>
      h(
        "div",
        { class: "count-grid" },
        ...COUNT_NOTES[c].map((note) => {
          const input = h("input", { class: "count-input", id: `count-${c}-${note}`, type: "text", inputmode: "numeric", autocomplete: "off", "data-note": note });
          counts[c].push(input);
          return h("label", { class: "count-cell" }, h("span", {}, c === "USD" ? `$${note}` : `${note.toLocaleString("en-US")}៛`), input);
        }),
      );
    const counted = (c: Currency) =>
      counts[c]
        .filter((i) => i.value.trim() !== "")
        .map((i) => `${i.dataset.note}x${i.value.trim()}`)
        .join(" ");
    const summary = h("div", { id: "count-summary" });
    const reason = field("close-reason", tt("till.reason"), { maxlength: "200" });
    reason.wrap.hidden = true;
    const reasonNote = h("p", { class: "till-warning", id: "close-reason-needed", hidden: true }, tt("till.reasonNeeded"));
    const go = keyButton("shift-close", tt("till.confirmClose"), "Enter", "btn btn-charge");
    let seq = 0;
    const recount = () => {
      const mine = ++seq;
      till.count(counted("KHR"), counted("USD")).then(
        (c: CountText) => {
          if (mine !== seq) return;
          summary.replaceChildren(reportTable(c.lines, "count-lines"));
          reason.wrap.hidden = !c.reasonNeeded;
          reasonNote.hidden = !c.reasonNeeded;
          panel.querySelector<HTMLElement>("#till-error")!.hidden = true;
        },
        (err: unknown) => mine === seq && say(panel, err),
      );
    };
    const submit = () =>
      void till.close(counted("KHR"), counted("USD"), reason.wrap.hidden ? null : reason.input.value).then(
        (z) => {
          void till.status().then(update);
          showZ(z);
        },
        (err: unknown) => say(panel, err),
      );
    go.addEventListener("click", submit);
    const panel = screen(tt("till.close"), [
      h("h2", {}, tt("till.countKhr")),
      grid("KHR"),
      h("h2", {}, tt("till.countUsd")),
      grid("USD"),
      summary,
      reasonNote,
      reason.wrap,
      go,
    ], submit);
    panel.classList.add("till-close");
    panel.addEventListener("input", (e) => {
      if ((e.target as HTMLElement).classList.contains("count-input")) recount();
    });
    recount();
  }

  function showZ(z: ZText): void {
    const print = keyButton("z-print", tt("till.print"), "P");
    const csv = keyButton("z-csv", tt("till.csv"), "E");
    const saved = h("p", { id: "z-csv-saved", class: "z-saved", role: "status" });
    const doPrint = () => printOut(zView(z), "80");
    const doCsv = () =>
      void till.zExportCsv(z.number).then(
        (path) => (saved.textContent = `${tt("till.saved")} ${path}`),
        (err: unknown) => say(panel, err),
      );
    print.addEventListener("click", doPrint);
    csv.addEventListener("click", doCsv);
    // The report has its own title; the keys sit above it, in view on a small screen.
    const panel = screen("", [h("div", { class: "actions" }, print, csv), saved, zView(z)], () => layer.hide(), { p: doPrint, e: doCsv });
  }

  /** The screen F6 opens: sign in first, then the shift's actions. */
  function menu(): void {
    if (view === null || view.signedIn === null) return signIn();
    if (view.shift === null) return openShift();
    if (view.shift.fromEarlierDay) return closeShift();
    const actions: Array<[string, TillKey, () => void]> = [
      ["x", "till.x", xReport],
      ["i", "till.cashIn", () => movement(true)],
      ["o", "till.cashOut", () => movement(false)],
      ["c", "till.close", closeShift],
      ["s", "till.signOut", () => void till.signOut().then((v) => (update(v), layer.hide()))],
    ];
    const buttons = actions.map(([key, label, run]) => {
      const b = keyButton(`till-${key}`, tt(label), key.toUpperCase(), "btn btn-secondary till-action");
      b.addEventListener("click", run);
      return b;
    });
    screen(`${tt("till.shift")} #${view.shift.id} — ${view.signedIn}`, [h("div", { class: "till-actions" }, ...buttons)], null, Object.fromEntries(actions.map(([k, , run]) => [k, run])));
  }

  openBtn.addEventListener("click", menu);
  window.addEventListener("keydown", (e) => {
    if (e.key !== TILL_KEY || e.defaultPrevented || layer.isOpen()) return;
    e.preventDefault();
    menu();
  });
  onLanguageChange(renderBar);
  void till.status().then((v) => {
    update(v);
    // A shift left open from an earlier day: offered for closing right away.
    if (v.shift?.fromEarlierDay) menu();
  }, () => renderBar());
}
