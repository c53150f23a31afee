// First-run setup. With no configuration the app still opens on the demo counter (automated
// runs and the README's run command expect it); the top bar then shows "Set up this shop"
// (F3), which opens these steps as a full-screen layer over the counter. Esc goes back to the
// demo counter at any step. Rust checks every value (`setup_check`, then `setup_save`) and
// answers field by field; the token goes to Rust and only its expiry comes back. Once saved,
// the page reloads onto the set-up counter, where the chip is gone.
import "../../setup.css";
import { h } from "../../dom";
import { lang, onLanguageChange, setLanguage } from "../../i18n";
import { call } from "../../ipc/client";
import type { ErrorView, FieldError, SetupForm, TokenPreview } from "../../ipc/bindings";
import { keyButton, mountLayer } from "../till/layer";
import { fieldErrorText, st, type SetupKey } from "./text";

const setup = {
  needed: () => call<boolean>("setup_needed"),
  check: (form: SetupForm) => call<FieldError[]>("setup_check", { form }),
  token: (token: string) => call<TokenPreview>("setup_token", { token }),
  save: (form: SetupForm) => call<null>("setup_save", { form }),
};

/** The key that opens setup (F2, F4, F6–F10 belong to the counter and the till). */
const OPEN_KEY = "F3";

type Field = keyof SetupForm;
type Input = { field: Field; label: SetupKey; type?: "password" | "text"; inputmode?: string; maxlength?: number };

/** One screen of setup: its title, note and the fields it asks for (or a choice of two). */
interface Step {
  id: string;
  title: SetupKey;
  note: SetupKey;
  inputs?: Input[];
  choice?: { field: "language" | "bakong"; options: Array<[string, string | SetupKey]> };
  /** Whether this step is shown for the form so far. */
  shown?: (form: SetupForm) => boolean;
}

const STEPS: readonly Step[] = [
  { id: "language", title: "setup.language", note: "setup.languageNote", choice: { field: "language", options: [["en", "English"], ["km", "ភាសាខ្មែរ"]] } },
  { id: "shop", title: "setup.shop", note: "setup.shopNote", inputs: [{ field: "shopName", label: "setup.shopName", maxlength: 25 }, { field: "city", label: "setup.city", maxlength: 15 }] },
  { id: "terminal", title: "setup.terminal", note: "setup.terminalNote", inputs: [{ field: "terminalId", label: "setup.terminalId", maxlength: 8 }] },
  { id: "money", title: "setup.money", note: "setup.moneyNote", inputs: [{ field: "defaultCurrency", label: "setup.defaultCurrency" }, { field: "rielPerUsd", label: "setup.rielPerUsd", inputmode: "numeric" }] },
  { id: "pin", title: "setup.pin", note: "setup.pinNote", inputs: [{ field: "pin", label: "setup.pinFirst", type: "password", inputmode: "numeric", maxlength: 8 }, { field: "pinAgain", label: "setup.pinAgain", type: "password", inputmode: "numeric", maxlength: 8 }] },
  { id: "mode", title: "setup.mode", note: "setup.modeNote", choice: { field: "bakong", options: [["false", "setup.demo"], ["true", "setup.bakong"]] } },
  {
    id: "bakong",
    title: "setup.connect",
    note: "setup.connectNote",
    inputs: [{ field: "accountId", label: "setup.accountId" }, { field: "token", label: "setup.token", type: "password" }, { field: "email", label: "setup.email" }],
    shown: (form) => form.bakong,
  },
];

function emptyForm(): SetupForm {
  return { language: lang(), shopName: "", city: "Phnom Penh", terminalId: "T1", defaultCurrency: "KHR", rielPerUsd: "4100", pin: "", pinAgain: "", bakong: false, accountId: "", token: "", email: "" };
}

/** Adds the setup chip before `before` in the top bar when the shop is not set up yet. */
export async function mountSetup(topbar: HTMLElement, before: Element | null): Promise<void> {
  if (!(await setup.needed().catch(() => false))) return;
  const layer = mountLayer("setup");
  const chip = keyButton("setup-open", st("setup.chip"), OPEN_KEY, "setup-chip");
  topbar.insertBefore(chip, before);
  document.body.classList.add("needs-setup");
  const form = emptyForm();
  let index = 0;
  let errors: FieldError[] = [];
  let busy = false;

  const steps = (): Step[] => STEPS.filter((s) => s.shown?.(form) ?? true);
  const isLast = (): boolean => index === steps().length - 1;

  function open(): void {
    index = 0;
    errors = [];
    render();
  }

  function close(): void {
    layer.hide();
  }

  chip.addEventListener("click", open);
  window.addEventListener("keydown", (e) => {
    if (e.key === OPEN_KEY && !layer.isOpen() && !document.body.classList.contains("owner-open")) {
      e.preventDefault();
      open();
    }
  });
  onLanguageChange(() => {
    chip.querySelector("span")!.textContent = st("setup.chip");
    if (layer.isOpen()) render();
  });

  function render(): void {
    const step = steps()[index];
    const focusable: HTMLElement[] = [];
    const body: HTMLElement[] = [];
    if (step.choice !== undefined) {
      const { field, options } = step.choice;
      body.push(
        h(
          "div",
          { class: "setup-choices" },
          ...options.map(([value, label], i) => {
            const chosen = String(form[field]) === value;
            const b = h("button", { type: "button", class: `setup-choice${chosen ? " chosen" : ""}`, id: `setup-${field}-${value}`, "data-value": value }, h("kbd", {}, String(i + 1)), h("span", {}, label.startsWith("setup.") ? st(label as SetupKey) : label));
            if (field === "bakong") b.append(h("small", {}, st(value === "true" ? "setup.bakongNote" : "setup.demoNote")));
            b.addEventListener("click", () => choose(field, value));
            focusable.push(b);
            return b;
          }),
        ),
      );
    }
    for (const input of step.inputs ?? []) {
      const value = String(form[input.field]);
      const el =
        input.field === "defaultCurrency"
          ? h("select", { id: `setup-${input.field}`, name: input.field }, ...["KHR", "USD"].map((c) => h("option", { value: c, selected: c === value }, c === "KHR" ? "KHR (៛)" : "USD ($)")))
          : h("input", { id: `setup-${input.field}`, name: input.field, type: input.type ?? "text", value: input.type === "password" ? "" : value, autocomplete: "off", spellcheck: "false", inputmode: input.inputmode, maxlength: input.maxlength });
      if (input.type === "password") (el as HTMLInputElement).value = value;
      el.addEventListener("input", () => ((form[input.field] as string) = el.value));
      el.addEventListener("change", () => ((form[input.field] as string) = el.value));
      const problem = errors.find((e) => e.field === input.field);
      if (problem) el.setAttribute("aria-invalid", "true");
      const extra = input.field === "token" ? h("span", { class: "setup-hint", id: "setup-token-expiry" }) : null;
      if (input.field === "token") el.addEventListener("change", () => void previewToken(extra as HTMLElement));
      focusable.push(el);
      body.push(
        h(
          "label",
          { class: "setup-field", "data-field": input.field },
          h("span", {}, st(input.label)),
          el,
          extra,
          h("span", { class: "field-error", id: `setup-err-${input.field}`, role: "alert" }, problem ? fieldErrorText(problem.field, problem.code, problem.message) : ""),
        ),
      );
    }
    const other = errors.filter((e) => !(step.inputs ?? []).some((i) => i.field === e.field));
    const total = steps().length;
    const next = keyButton("setup-next", st(isLast() ? "setup.save" : "setup.next"), "Enter", "btn btn-charge");
    next.disabled = busy;
    next.addEventListener("click", () => void advance());
    const back = keyButton("setup-back", st("setup.back"), "⇧Tab", "btn btn-secondary");
    back.hidden = index === 0;
    back.addEventListener("click", () => go(index - 1));
    const closeBtn = keyButton("setup-close", st("setup.close"), "Esc", "btn btn-secondary setup-close");
    closeBtn.addEventListener("click", close);
    const content = h(
      "div",
      { class: "setup", id: "setup-screen", "data-step": step.id },
      h("div", { class: "setup-head" }, h("h1", {}, st("setup.title")), h("span", { class: "setup-count" }, `${st("setup.step")} ${index + 1} ${st("setup.of")} ${total}`), closeBtn),
      h("h2", {}, st(step.title)),
      h("p", { class: "setup-note" }, st(step.note)),
      ...body,
      ...other.map((e) => h("p", { class: "owner-error", role: "alert", "data-code": e.code }, fieldErrorText(e.field, e.code, e.message))),
      h("div", { class: "actions setup-actions" }, back, step.choice === undefined ? next : null),
      h("p", { class: "setup-keys" }, st("setup.keys")),
    );
    layer.show(content, onKey);
    (focusable.find((el) => el.getAttribute("aria-invalid") === "true") ?? focusable.find((el) => el.classList.contains("chosen")) ?? focusable[0])?.focus();
  }

  function onKey(e: KeyboardEvent): boolean {
    const step = steps()[index];
    if (e.key === "Escape") {
      close();
      return true;
    }
    if (e.key === "Enter" && !busy) {
      if (step.choice !== undefined) {
        const focused = document.activeElement as HTMLElement | null;
        const value = focused?.dataset.value;
        if (value !== undefined) choose(step.choice.field, value);
      } else void advance();
      return true;
    }
    if (step.choice !== undefined && /^[1-9]$/.test(e.key)) {
      const option = step.choice.options[Number(e.key) - 1];
      if (option !== undefined) choose(step.choice.field, option[0]);
      return true;
    }
    if (e.key === "Tab" && e.shiftKey && index > 0 && document.activeElement === layerFirst()) {
      go(index - 1);
      return true;
    }
    return false;
  }

  function layerFirst(): Element | null {
    return document.querySelector("#setup-screen input, #setup-screen select, #setup-screen .setup-choice");
  }

  function choose(field: "language" | "bakong", value: string): void {
    if (field === "language") {
      form.language = value;
      if (value === "en" || value === "km") setLanguage(value);
      go(index + 1);
    } else {
      form.bakong = value === "true";
      if (form.bakong) go(index + 1);
      else void advance();
    }
  }

  function go(to: number): void {
    index = Math.max(0, Math.min(to, steps().length - 1));
    errors = [];
    render();
  }

  /** Checks this step's fields with Rust; the last step saves. */
  async function advance(): Promise<void> {
    const step = steps()[index];
    busy = true;
    try {
      if (isLast()) {
        await setup.save(form);
        location.reload();
        return;
      }
      const fields = new Set<string>((step.inputs ?? []).map((i) => i.field));
      errors = (await setup.check(form)).filter((e) => fields.has(e.field));
      if (errors.length === 0) index += 1;
    } catch (err) {
      const e = err as ErrorView;
      errors = e.details?.kind === "fields" ? e.details.fields : [{ field: "form", code: e.code, message: e.message }];
      // Show the first step that has a problem.
      const at = steps().findIndex((s) => (s.inputs ?? []).some((i) => errors.some((x) => x.field === i.field)));
      if (at >= 0) index = at;
    } finally {
      busy = false;
    }
    render();
  }

  async function previewToken(out: HTMLElement): Promise<void> {
    out.textContent = "";
    const problem = document.getElementById("setup-err-token");
    if (form.token.trim() === "") return;
    try {
      const p = await setup.token(form.token);
      out.textContent = `${st("setup.expires")} ${p.expiresOn} (${p.daysLeft} ${st("setup.daysLeft")})`;
      if (problem) problem.textContent = "";
    } catch (err) {
      const e = err as ErrorView;
      const f = e.details?.kind === "fields" ? e.details.fields[0] : undefined;
      if (problem) problem.textContent = f ? fieldErrorText(f.field, f.code, f.message) : e.message;
    }
  }
}
