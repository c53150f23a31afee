// The receipt printer and the customer display: how the printer is reached (none, network
// host:port, a USB device path, a serial PATH@BAUD), its paper, its drawer, auto-print, the
// printers found on this computer, and the monitor the customer display opens on. Rust checks
// every field by the configuration file's own rules and names each bad setting
// (`printer.address`…); a saved form restarts the core, so the next receipt goes to the new
// printer. "Print test page" tries the form as typed, before saving.
import { h } from "../../dom";
import type { ErrorView, PrinterForm, PrinterScreen } from "../../ipc/bindings";
import { owner } from "./api";
import { errorBox, fieldErrors } from "./common";
import type { OwnerContext } from "./index";
import { hasOwnerText, ot, type OwnerKey } from "./text";

/** The file's setting each input edits, as Rust names it in a field error. */
type Setting = "printer.kind" | "printer.address" | "printer.width_mm" | "printer.drawer_pin" | "printer.auto_print" | "customer_display.monitor";

const KINDS: Array<[string, OwnerKey]> = [
  ["none", "prn.kind.none"],
  ["network", "prn.kind.network"],
  ["device", "prn.kind.device"],
  ["serial", "prn.kind.serial"],
];
/** What an address looks like for each kind, as the input's hint. */
const EXAMPLE: Record<string, string> = { none: "", network: "192.168.1.50:9100", device: "/dev/usb/lp0", serial: "/dev/ttyUSB0@9600" };

export function mountPrinterSettings(root: HTMLElement, ctx: OwnerContext): void {
  root.replaceChildren(ot("common.loading"));
  owner
    .printerSettings()
    .then(render)
    .catch((err: ErrorView) => {
      if (!ctx.locked(err)) root.replaceChildren(errorBox(err));
    });

  function render(screen: PrinterScreen): void {
    const form0 = screen.form;
    const inputs = new Map<Setting, HTMLInputElement | HTMLSelectElement>();
    const problems = new Map<Setting, HTMLElement>();
    const select = (options: Array<[string, string]>, value: string) =>
      h("select", {}, ...options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)));
    const field = (setting: Setting, label: OwnerKey, input: HTMLInputElement | HTMLSelectElement) => {
      input.id = `prn-${setting.replace(/[._]/g, "-")}`;
      input.setAttribute("name", setting);
      const problem = h("span", { class: "field-error", role: "alert" });
      inputs.set(setting, input);
      problems.set(setting, problem);
      return h("label", { class: "field", "data-field": setting }, h("span", {}, ot(label)), input, problem);
    };

    const kind = select(KINDS.map(([v, k]) => [v, ot(k)]), form0.kind);
    const address = h("input", { type: "text", value: form0.address, autocomplete: "off", spellcheck: "false" });
    const width = select([["80", "80 mm"], ["58", "58 mm"]], String(form0.widthMm));
    const drawer = select(
      [["", ot("prn.noDrawer")], ["2", `${ot("prn.pin")} 2`], ["5", `${ot("prn.pin")} 5`]],
      form0.drawerPin === null ? "" : String(form0.drawerPin),
    );
    const auto = select([["true", ot("prn.on")], ["false", ot("prn.off")]], String(form0.autoPrint));
    // Connected monitors by number, and a saved number that is not connected now.
    const monitorOptions: Array<[string, string]> = [["auto", ot("prn.monitorAuto")], ...screen.monitors.map((m, i): [string, string] => [String(i + 1), `${i + 1} — ${m}`])];
    if (!monitorOptions.some(([v]) => v === form0.customerMonitor)) monitorOptions.push([form0.customerMonitor, `${form0.customerMonitor} — ${ot("prn.notConnected")}`]);
    const monitor = select(monitorOptions, form0.customerMonitor);

    const addressHint = () => {
      address.placeholder = EXAMPLE[kind.value] ?? "";
      address.disabled = kind.value === "none";
    };
    kind.addEventListener("change", addressHint);
    addressHint();

    const found =
      screen.devices.length === 0
        ? h("p", { class: "muted", id: "prn-devices" }, ot("prn.noneFound"))
        : h(
            "ul",
            { class: "prn-devices", id: "prn-devices" },
            ...screen.devices.map((d) => {
              const use = h("button", { type: "button", class: "btn btn-secondary btn-small" }, ot("prn.use"));
              use.addEventListener("click", () => {
                kind.value = d.kind;
                address.value = d.address;
                addressHint();
                address.focus();
              });
              return h("li", {}, h("code", {}, d.address), use);
            }),
          );

    const status = h("div", { class: "owner-notice", id: "printer-status", role: "status" });
    const save = h("button", { type: "submit", class: "btn btn-charge", id: "printer-save" }, ot("prn.save"));
    const test = h("button", { type: "button", class: "btn btn-secondary", id: "printer-test" }, ot("prn.test"));
    const open = h("button", { type: "button", class: "btn btn-secondary", id: "printer-drawer" }, ot("prn.openDrawer"));
    const form = h(
      "form",
      { class: "settings", id: "printer-form", novalidate: true },
      h(
        "fieldset",
        {},
        h("legend", {}, ot("prn.printer")),
        field("printer.kind", "prn.kind", kind),
        field("printer.address", "prn.address", address),
        field("printer.width_mm", "prn.width", width),
        field("printer.drawer_pin", "prn.drawer", drawer),
        field("printer.auto_print", "prn.autoPrint", auto),
        h("div", { class: "field prn-found" }, h("span", {}, ot("prn.found")), found),
      ),
      h("fieldset", {}, h("legend", {}, ot("prn.display")), field("customer_display.monitor", "prn.monitor", monitor)),
      status,
      h("div", { class: "actions" }, save, test, open),
    );
    root.replaceChildren(form);
    kind.focus();

    function read(): PrinterForm {
      return {
        kind: kind.value,
        address: address.value.trim(),
        // Anything but 58 or 80 cannot be chosen; Rust still checks it.
        widthMm: Number(width.value),
        drawerPin: drawer.value === "" ? null : Number(drawer.value),
        autoPrint: auto.value === "true",
        customerMonitor: monitor.value,
      };
    }

    function clear(): void {
      for (const [setting, el] of problems) {
        el.textContent = "";
        inputs.get(setting)?.removeAttribute("aria-invalid");
      }
      status.replaceChildren();
    }

    function failed(err: ErrorView): void {
      if (ctx.locked(err)) return;
      status.replaceChildren(errorBox(err));
      for (const f of fieldErrors(err)) {
        const el = problems.get(f.field as Setting);
        if (el === undefined) continue;
        const key = `field.${f.code}`;
        el.textContent = hasOwnerText(key) ? `${ot(key)}: ${f.message}` : f.message;
        inputs.get(f.field as Setting)?.setAttribute("aria-invalid", "true");
      }
      const first = fieldErrors(err)[0];
      if (first !== undefined) inputs.get(first.field as Setting)?.focus();
    }

    /** Runs `action` with the buttons off, then says `done` or shows the failure. */
    function run<T>(action: () => Promise<T>, done: (result: T) => OwnerKey): void {
      clear();
      for (const b of [save, test, open]) b.disabled = true;
      action()
        .then((result) => status.replaceChildren(h("p", { class: "ok", id: "printer-done" }, ot(done(result)))))
        .catch(failed)
        .finally(() => {
          for (const b of [save, test, open]) b.disabled = false;
        });
    }

    form.addEventListener("submit", (e) => {
      e.preventDefault();
      run(
        () => owner.savePrinter(read()),
        () => "prn.saved",
      );
    });
    test.addEventListener("click", () =>
      run(
        () => owner.printTestPage(read()),
        () => "prn.tested",
      ),
    );
    open.addEventListener("click", () =>
      run(
        () => owner.openDrawer(),
        (opened) => (opened ? "prn.drawerOpened" : "prn.noDrawerSaved"),
      ),
    );
  }
}
