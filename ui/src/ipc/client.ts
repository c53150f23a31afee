// The only module that talks to Rust. Every command is typed with the bindings generated from
// the Rust types (./bindings.ts), and every failure becomes an `IpcError` with a stable code.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppInfo, ChargeInput, IpcError, SaleCard, SaleStatus, UiEvent } from "./bindings";

export type { AppInfo, ChargeInput, IpcError, SaleCard, SaleStatus, UiEvent } from "./bindings";
export type { Currency, CannotVerifyReason } from "./bindings";

/** The event name Rust emits payment progress on (see src-tauri `events.rs`). */
const EVENT = "pos://event";

function isIpcError(value: unknown): value is IpcError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

/** Calls a command; a rejection that is not already `{code, message}` becomes `unexpected`. */
async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    if (isIpcError(err)) throw err;
    throw { code: "unexpected", message: String(err) } satisfies IpcError;
  }
}

export const ipc = {
  appInfo: () => call<AppInfo>("app_info"),
  charge: (input: ChargeInput) => call<SaleCard>("charge", { input }),
  cancel: (saleId: string) => call<SaleStatus>("cancel_sale", { saleId }),
  regenerate: (saleId: string) => call<SaleCard>("regenerate", { saleId }),
  simulatePayment: (saleId: string) => call<null>("simulate_payment", { saleId }),
  onEvent: (handler: (event: UiEvent) => void): Promise<UnlistenFn> =>
    listen<UiEvent>(EVENT, (e) => handler(e.payload)),
};

export { isIpcError };
