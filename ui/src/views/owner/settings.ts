// The settings form. Rust validates every field and answers with all problems at once
// (`fields`: code, message, field); each is shown under its own input. A saved form is applied
// at once: Rust restarts the core with it, so the next sale uses the new profile and rate.
import { h } from "../../dom";
import { isLang, setLanguage } from "../../i18n";
import type { ErrorView, Settings } from "../../ipc/bindings";
import { owner } from "./api";
import { errorBox, fieldErrors } from "./common";
import type { OwnerContext } from "./index";
import { hasOwnerText, ot, type OwnerKey } from "./text";

type Field = keyof Settings;
type Kind = "text" | "number" | { options: Array<[string, OwnerKey | string]> };

const PROFILE: Array<[Field, Kind]> = [
  ["merchantKind", { options: [["individual", "set.individual"], ["merchant", "set.merchant"]] }],
  ["accountId", "text"],
  ["merchantName", "text"],
  ["city", "text"],
  ["merchantId", "text"],
  ["acquiringBank", "text"],
  ["storeLabel", "text"],
  ["terminalLabel", "text"],
  ["mcc", "text"],
];
const SALES: Array<[Field, Kind]> = [
  ["defaultCurrency", { options: [["KHR", "KHR (៛)"], ["USD", "USD ($)"]] }],
  ["rielPerUsd", "number"],
  ["qrLifetimeMinutes", "number"],
  ["dailyCheckBudget", "number"],
  ["acceptUnverified", { options: [["true", "set.on"], ["false", "set.off"]] }],
  ["language", { options: [["en", "English"], ["km", "ភាសាខ្មែរ"]] }],
];
const CONNECTION: Array<[Field, Kind]> = [
  ["environment", { options: [["demo", "set.env.demo"], ["sit", "set.env.sit"], ["production", "set.env.production"], ["custom", "set.env.custom"]] }],
  ["baseUrl", "text"],
  ["email", "text"],
];

function optionText(text: string): string {
  return hasOwnerText(text) ? ot(text) : text;
}

export function mountSettings(root: HTMLElement, ctx: OwnerContext): void {
  root.replaceChildren(ot("common.loading"));
  owner
    .settings()
    .then((settings) => render(settings))
    .catch((err: ErrorView) => {
      if (!ctx.locked(err)) root.replaceChildren(errorBox(err));
    });

  function render(settings: Settings): void {
    const inputs = new Map<Field, HTMLInputElement | HTMLSelectElement>();
    const problems = new Map<Field, HTMLElement>();
    const section = (title: OwnerKey, fields: Array<[Field, Kind]>) =>
      h(
        "fieldset",
        {},
        h("legend", {}, ot(title)),
        ...fields.map(([field, kind]) => {
          const value = settings[field];
          const input =
            typeof kind === "object"
              ? h("select", { id: `set-${field}`, name: field }, ...kind.options.map(([v, label]) => h("option", { value: v, selected: v === String(value) }, optionText(label))))
              : h("input", { id: `set-${field}`, name: field, type: kind === "number" ? "number" : "text", value: value === null ? "" : String(value), autocomplete: "off" });
          const problem = h("span", { class: "field-error", id: `err-${field}`, role: "alert" });
          inputs.set(field, input);
          problems.set(field, problem);
          return h("label", { class: "field", "data-field": field }, h("span", {}, ot(`set.${field}` as OwnerKey)), input, problem);
        }),
      );
    const status = h("div", { class: "owner-notice", id: "settings-status" });
    const save = h("button", { type: "submit", class: "btn btn-charge", id: "settings-save" }, ot("set.save"));
    const form = h("form", { class: "settings", id: "settings-form", novalidate: true }, section("set.profile", PROFILE), section("set.sales", SALES), section("set.connection", CONNECTION), status, h("div", { class: "actions" }, save));
    root.replaceChildren(form);

    function merchantOnly(): void {
      const merchant = inputs.get("merchantKind")?.value === "merchant";
      for (const f of ["merchantId", "acquiringBank"] as Field[]) {
        const label = inputs.get(f)?.closest("label");
        if (label) label.hidden = !merchant;
      }
      const custom = inputs.get("environment")?.value === "custom";
      const url = inputs.get("baseUrl")?.closest("label");
      if (url) url.hidden = !custom;
    }
    inputs.get("merchantKind")?.addEventListener("change", merchantOnly);
    inputs.get("environment")?.addEventListener("change", merchantOnly);
    merchantOnly();

    function read(): Settings {
      const text = (f: Field) => inputs.get(f)?.value ?? "";
      const optional = (f: Field) => text(f).trim() || null;
      // Numbers go to Rust as typed; anything not a whole number becomes an out-of-range
      // value there, so the field gets Rust's message rather than a silent change.
      const whole = (f: Field) => (/^\d+$/.test(text(f).trim()) ? Number(text(f).trim()) : -1);
      return {
        merchantKind: text("merchantKind") as Settings["merchantKind"],
        accountId: text("accountId").trim(),
        merchantName: text("merchantName").trim(),
        city: text("city").trim(),
        merchantId: optional("merchantId"),
        acquiringBank: optional("acquiringBank"),
        storeLabel: optional("storeLabel"),
        terminalLabel: optional("terminalLabel"),
        mcc: text("mcc").trim(),
        defaultCurrency: text("defaultCurrency") as Settings["defaultCurrency"],
        rielPerUsd: whole("rielPerUsd"),
        qrLifetimeMinutes: whole("qrLifetimeMinutes"),
        dailyCheckBudget: whole("dailyCheckBudget"),
        acceptUnverified: text("acceptUnverified") === "true",
        language: text("language") as Settings["language"],
        environment: text("environment") as Settings["environment"],
        baseUrl: optional("baseUrl"),
        email: optional("email"),
      };
    }

    form.addEventListener("submit", (e) => {
      e.preventDefault();
      for (const [field, el] of problems) {
        el.textContent = "";
        inputs.get(field)?.removeAttribute("aria-invalid");
      }
      status.replaceChildren();
      save.disabled = true;
      const wanted = read();
      // Rust rejects negative numbers at deserialization; keep them as 0 so the field error
      // comes back named instead of a generic failure.
      for (const f of ["rielPerUsd", "qrLifetimeMinutes", "dailyCheckBudget"] as const) if (wanted[f] < 0) wanted[f] = 0;
      owner
        .saveSettings(wanted)
        .then((saved) => {
          status.replaceChildren(h("p", { class: "ok", id: "settings-saved" }, ot("set.saved")));
          const name = document.getElementById("shop-name");
          if (name) name.textContent = saved.merchantName;
          // A changed language re-renders the area; the same one keeps "saved" in view.
          if (isLang(saved.language)) setLanguage(saved.language);
        })
        .catch((err: ErrorView) => {
          if (ctx.locked(err)) return;
          status.replaceChildren(errorBox(err));
          for (const f of fieldErrors(err)) {
            const field = f.field as Field;
            const el = problems.get(field);
            if (el === undefined) continue;
            const key = `field.${f.code}`;
            el.textContent = hasOwnerText(key) ? `${ot(key)}: ${f.message}` : f.message;
            inputs.get(field)?.setAttribute("aria-invalid", "true");
          }
        })
        .finally(() => {
          save.disabled = false;
        });
    });
  }
}
