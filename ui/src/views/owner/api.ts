// The owner commands (src-tauri/src/owner.rs). Failures arrive as `OwnerError`: `{code,
// message, field, fields}`, where `fields` lists every invalid settings field.
import { invoke } from "@tauri-apps/api/core";
import type {
  ExportResult,
  OwnerError,
  OwnerHealth,
  OwnerQuery,
  OwnerStatus,
  RecheckPreview,
  TokenInfoView,
} from "../../ipc/bindings";
import type { EndOfDay, HistoryEntry, Receipt, RecheckResult, SalesList, Settings } from "./types";

export type { ExportResult, OwnerError, OwnerHealth, OwnerQuery, OwnerStatus, RecheckPreview, TokenInfoView };

type Rejection = Pick<OwnerError, "code" | "message"> & Partial<OwnerError>;

function isRejection(value: unknown): value is Rejection {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    // A start-up failure arrives as a plain `{code, message}`: give it the owner shape.
    if (isRejection(err)) throw { code: err.code, message: err.message, field: err.field ?? null, fields: err.fields ?? [] } satisfies OwnerError;
    throw { code: "unexpected", message: String(err), field: null, fields: [] } satisfies OwnerError;
  }
}

export const owner = {
  status: () => call<OwnerStatus>("owner_status"),
  setPin: (pin: string) => call<null>("owner_set_pin", { pin }),
  unlock: (pin: string) => call<null>("owner_unlock", { pin }),
  lock: () => call<null>("owner_lock"),
  changePin: (current: string, newPin: string) => call<null>("owner_change_pin", { current, newPin }),
  sales: (query: OwnerQuery) => call<SalesList>("owner_sales", { query }),
  history: (saleId: string) => call<HistoryEntry[]>("owner_sale_history", { saleId }),
  receipt: (saleId: string) => call<Receipt>("owner_receipt", { saleId }),
  report: (date: string | null) => call<EndOfDay>("owner_report", { date }),
  exportCsv: (query: OwnerQuery) => call<ExportResult>("owner_export_csv", { query }),
  recheckPreview: () => call<RecheckPreview>("owner_recheck_preview"),
  recheck: () => call<RecheckResult>("owner_recheck"),
  health: () => call<OwnerHealth>("owner_health"),
  saveToken: (token: string) => call<TokenInfoView>("owner_save_token", { token }),
  settings: () => call<Settings>("owner_settings"),
  saveSettings: (settings: Settings) => call<Settings>("owner_save_settings", { settings }),
};
