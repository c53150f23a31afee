// The owner commands (src-tauri/src/owner.rs), typed with the generated bindings. Failures
// arrive as `ErrorView` like every other command's.
import { call } from "../../ipc/client";
import type {
  DiagnosticsExport,
  EndOfDay,
  ExportResult,
  HistoryEntry,
  OwnerHealth,
  OwnerQuery,
  OwnerStatus,
  ReceiptView,
  RecheckPreview,
  RecheckView,
  SalesList,
  Settings,
  TokenStatus,
} from "../../ipc/bindings";

export const owner = {
  status: () => call<OwnerStatus>("owner_status"),
  setPin: (pin: string) => call<null>("owner_set_pin", { pin }),
  unlock: (pin: string) => call<null>("owner_unlock", { pin }),
  lock: () => call<null>("owner_lock"),
  changePin: (current: string, newPin: string) => call<null>("owner_change_pin", { current, newPin }),
  sales: (query: OwnerQuery) => call<SalesList>("owner_sales", { query }),
  history: (saleId: string) => call<HistoryEntry[]>("owner_sale_history", { saleId }),
  receipt: (saleId: string) => call<ReceiptView>("owner_receipt", { saleId }),
  report: (date: string | null) => call<EndOfDay>("owner_report", { date }),
  exportCsv: (query: OwnerQuery) => call<ExportResult>("owner_export_csv", { query }),
  recheckPreview: () => call<RecheckPreview>("owner_recheck_preview"),
  recheck: () => call<RecheckView>("owner_recheck"),
  health: () => call<OwnerHealth>("owner_health"),
  saveToken: (token: string) => call<TokenStatus>("owner_save_token", { token }),
  renewToken: () => call<TokenStatus>("owner_renew_token"),
  exportDiagnostics: () => call<DiagnosticsExport>("owner_export_diagnostics"),
  settings: () => call<Settings>("owner_settings"),
  saveSettings: (settings: Settings) => call<Settings>("owner_save_settings", { settings }),
};
