// The receipt printer's chip in the top bar: ready, or why receipts wait (paper out, cover
// open, offline, unreachable) in large clear words, with "print now" when a receipt waits and
// a reprint of the last receipt, always marked COPY by Rust. The core pushes no printer
// events, so the chip asks for the spooler's last state (a copy in memory, cheap) every few
// seconds and right after a sale changes. Hidden when no printer is configured.
import { h } from "../dom";
import { onLanguageChange, t, type TextKey } from "../i18n";
import type { PrinterFault, PrinterView } from "../ipc/bindings";
import { call, ipc, type IpcError } from "../ipc/client";
import "./printer.css";

/** How often the chip asks; the spooler itself retries every 5 s. */
const POLL_MS = 3000;

const FAULT_TEXT: Record<PrinterFault, TextKey> = {
  paperOut: "printer.paperOut",
  coverOpen: "printer.coverOpen",
  offline: "printer.offline",
  unreachable: "printer.unreachable",
  other: "printer.other",
};

/** Mounts the chip into the top bar, before the language switch. */
export function mountPrinter(topbar: HTMLElement): void {
  const label = h("span", { class: "printer-label", id: "printer-label" });
  const printNow = h("button", { type: "button", class: "printer-action", id: "printer-print-now", hidden: true });
  const reprint = h("button", { type: "button", class: "printer-action", id: "printer-reprint", hidden: true });
  const count = h("span", { class: "printer-count", id: "printer-count", hidden: true });
  const chip = h("div", { class: "printer-chip", id: "printer-chip", role: "status", hidden: true }, label, count, printNow, reprint);
  topbar.insertBefore(chip, topbar.querySelector("#lang"));
  let last: PrinterView | null = null;
  let note: TextKey | null = null;

  const render = (): void => {
    printNow.textContent = t("printer.printNow");
    reprint.textContent = t("printer.reprint");
    if (last === null || !last.configured) {
      chip.hidden = true;
      return;
    }
    chip.hidden = false;
    chip.dataset.state = last.fault === null ? "ready" : "waiting";
    const head = last.fault === null ? t("printer.ready") : t(FAULT_TEXT[last.fault]);
    label.textContent = note !== null ? t(note) : head;
    count.textContent = String(last.waiting);
    count.hidden = last.waiting === 0;
    count.title = t("printer.waiting");
    chip.title = [last.message, last.unsure > 0 ? t("printer.unsure") : null].filter(Boolean).join("\n");
    // One action at a time keeps the chip small at 1024 px: while the printer is faulted a
    // reprint would fail too, so only "print now" shows then.
    printNow.hidden = last.waiting === 0;
    reprint.hidden = last.fault !== null || last.lastSaleId === null;
  };

  const refresh = async (): Promise<void> => {
    try {
      last = await call<PrinterView>("printer_state");
    } catch {
      last = null; // No POS: the counter shows why; the chip stays out of the way.
    }
    render();
  };

  printNow.addEventListener("click", () => {
    void call("printer_print_now").then(() => window.setTimeout(() => void refresh(), 500));
  });
  reprint.addEventListener("click", () => {
    const saleId = last?.lastSaleId;
    if (saleId === null || saleId === undefined) return;
    call("printer_reprint", { saleId })
      .then(() => {
        note = "printer.reprinted";
      })
      .catch((err: IpcError) => {
        chip.title = err.message;
        note = "error.printer_failed";
      })
      .finally(() => {
        render();
        window.setTimeout(() => {
          note = null;
          void refresh();
        }, 3000);
      });
  });
  onLanguageChange(render);
  void ipc.onEvent((event) => {
    if (event.kind === "status") window.setTimeout(() => void refresh(), 300);
  });
  window.setInterval(() => void refresh(), POLL_MS);
  void refresh();
}
