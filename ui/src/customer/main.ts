// The customer display's window (ui/customer.html). It follows the counter through the core's
// `pos://event` events only: a new pending sale brings its card (asked once from Rust), its
// payment brings PAID (and a cash sale's change), a cancel or expiry brings the idle screen back. The one timer ticks the
// countdown once a second while a QR waits.
import "@fontsource/nunito-sans/400.css";
import "@fontsource/nunito-sans/700.css";
import "@fontsource/nunito-sans/800.css";
import "@fontsource/noto-sans-khmer/400.css";
import "@fontsource/noto-sans-khmer/700.css";
import "../styles.css";
import "./customer.css";

import { byId } from "../dom";
import type { CustomerSale } from "../ipc/bindings";
import { call, ipc, type UiEvent } from "../ipc/client";
import { renderScreen, timeLeft, type Screen } from "./view";

/** How long PAID stays before the idle screen. */
const PAID_MS = 8000;

async function start(): Promise<void> {
  const root = byId("customer");
  const info = await ipc.appInfo();
  let screen: Screen = { kind: "idle" };
  let back: number | undefined;
  const show = (next: Screen): void => {
    screen = next;
    window.clearTimeout(back);
    if (next.kind === "paid") back = window.setTimeout(() => show({ kind: "idle" }), PAID_MS);
    root.replaceChildren(renderScreen(next, info.merchantName, Date.now()));
  };
  const onEvent = async (event: UiEvent): Promise<void> => {
    if (event.kind !== "status") return;
    const current = screen.kind === "waiting" ? screen.sale.card.saleId : null;
    if (event.status === "pending") {
      show({ kind: "waiting", sale: await call<CustomerSale>("customer_sale", { saleId: event.saleId }) });
    } else if (event.status === "paid") {
      // A cash sale is paid without a QR first (with its change); a KHQR one closes the card.
      const change = await call<string[]>("customer_change", { saleId: event.saleId });
      show({ kind: "paid", amountText: event.amountText, currency: event.currency, change });
    } else if (event.saleId === current) {
      show({ kind: "idle" });
    }
  };
  await ipc.onEvent((event) => void onEvent(event).catch(() => show({ kind: "idle" })));
  window.setInterval(() => {
    if (screen.kind !== "waiting") return;
    const countdown = document.getElementById("cd-countdown");
    if (countdown !== null) countdown.textContent = timeLeft(screen.sale.card.expiresAtMs, Date.now());
  }, 1000);
  show(screen);
  document.body.dataset.ready = "true";
}

void start();
