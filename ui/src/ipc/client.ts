// The only module that talks to Rust. Every command is typed with the bindings generated from
// the Rust types (./bindings.ts), and every failure becomes an `ErrorView`: the core's own, or
// `unexpected` for a rejection that never reached it (Tauri refusing the arguments).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppInfo, CashDone, CashInput, CashQuote, ChargeInput, CheckReply, CountText, Currency, ErrorView, SaleCard, SaleStatus, TillView, UiEvent, ZText } from "./bindings";

export type { AppInfo, ChargeInput, ErrorView, SaleCard, SaleStatus, UiEvent } from "./bindings";
export type { Currency, CannotVerifyReason } from "./bindings";
export type { CashDone, CashInput, CashQuote, CountText, ReportLine, TillView, ZText } from "./bindings";
/** The counter screen's name for a failed command. */
export type IpcError = ErrorView;

/** The event name Rust emits payment progress on (see src-tauri `lib.rs`). */
const EVENT = "pos://event";

function isErrorView(value: unknown): value is ErrorView {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

/** Calls a command; a rejection that is not an `ErrorView` becomes `unexpected`. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    if (isErrorView(err)) throw err;
    throw { code: "unexpected", message: String(err), field: null, details: null } satisfies ErrorView;
  }
}

export const ipc = {
  appInfo: () => call<AppInfo>("app_info"),
  charge: (input: ChargeInput) => call<SaleCard>("charge", { input }),
  cancel: (saleId: string) => call<SaleStatus>("cancel_sale", { saleId }),
  regenerate: (saleId: string) => call<SaleCard>("regenerate", { saleId }),
  simulatePayment: (saleId: string) => call<null>("simulate_payment", { saleId }),
  waitingSale: () => call<SaleCard | null>("waiting_sale"),
  checkNow: (saleId: string) => call<CheckReply>("check_now", { saleId }),
  acceptUnverified: (saleId: string, payerRef: string) => call<SaleStatus>("accept_unverified", { saleId, payerRef }),
  onEvent: (handler: (event: UiEvent) => void): Promise<UnlistenFn> =>
    listen<UiEvent>(EVENT, (e) => handler(e.payload)),
};

/** The till: sign-in (the PIN goes in, never comes back), shifts, cash and split sales. */
export const till = {
  status: () => call<TillView>("till_status"),
  signIn: (name: string, pin: string) => call<TillView>("till_sign_in", { name, pin }),
  signOut: () => call<TillView>("till_sign_out"),
  openShift: (floatKhr: string, floatUsd: string) => call<TillView>("shift_open", { floatKhr, floatUsd }),
  cashMovement: (cashIn: boolean, amount: string, currency: Currency, reason: string) =>
    call<TillView>("shift_cash_movement", { cashIn, amount, currency, reason }),
  count: (countedKhr: string, countedUsd: string) => call<CountText>("shift_count", { countedKhr, countedUsd }),
  close: (countedKhr: string, countedUsd: string, reason: string | null) =>
    call<ZText>("shift_close", { countedKhr, countedUsd, reason }),
  zReport: (number: number) => call<ZText>("z_report", { number }),
  zExportCsv: (number: number) => call<string>("z_export_csv", { number }),
  quote: (input: CashInput) => call<CashQuote>("cash_quote", { input }),
  sale: (input: CashInput, split: boolean) => call<CashDone>("cash_sale", { input, split }),
};

export { isErrorView };
