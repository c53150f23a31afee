// The owner views' data as pos-core serializes it (camelCase JSON of `pos_core::SalesList`,
// `owner::EndOfDay`, `owner::ReceiptView`, `owner::HistoryEntry`, `owner::Settings`). These
// come straight from the core's view types, which have no ts-rs derive; the gate's own types
// are generated (../../ipc/bindings.ts). Only fields the screens use are listed.
import type { Currency, SaleStatus } from "../../ipc/bindings";

export interface Payment {
  hash: string;
  payerAccount: string | null;
  amountText: string;
  paidAtMs: number | null;
}

export interface Sale {
  id: number;
  billNumber: string;
  terminalId: string;
  createdAtMs: number;
  expiresAtMs: number;
  amountText: string;
  currency: Currency;
  status: SaleStatus;
  needsAttention: boolean;
  md5: string;
  note: string | null;
  receiptNumber: number | null;
  payment: Payment | null;
}

export interface Total {
  currency: Currency;
  status: SaleStatus;
  count: number;
  sumText: string;
}

export interface SalesList {
  from: string;
  to: string;
  attention: Sale[];
  sales: Sale[];
  totals: Total[];
}

export interface DayReport {
  date: string;
  timeZone: string;
  terminalId: string;
  takings: Total[];
  totals: Total[];
  attention: Sale[];
  pending: number;
  checksUsed: number;
  rielPerUsd: number;
  takingsInKhrText: string;
}

export interface EndOfDay {
  report: DayReport;
  shopName: string;
  saleCount: number;
  receipts: number;
  firstReceipt: number | null;
  lastReceipt: number | null;
  gaps: number[];
  madeAtText: string;
}

export interface HistoryEntry {
  atMs: number;
  atText: string;
  kind: "status" | "check";
  detail: string;
}

export interface Receipt {
  shopName: string;
  city: string;
  terminalId: string;
  receiptNumber: number;
  billNumber: string;
  timeText: string;
  amountText: string;
  currency: Currency;
  khrEquivalentText: string | null;
  rielPerUsd: number;
  hash: string;
  shortHash: string;
  payer: string | null;
  status: SaleStatus;
  copy: boolean;
}

export interface RecheckResult {
  sales: number;
  checksSpent: number;
  answered: number;
}

export interface Settings {
  merchantKind: "individual" | "merchant";
  accountId: string;
  merchantName: string;
  city: string;
  merchantId: string | null;
  acquiringBank: string | null;
  storeLabel: string | null;
  terminalLabel: string | null;
  mcc: string;
  defaultCurrency: Currency;
  rielPerUsd: number;
  qrLifetimeMinutes: number;
  dailyCheckBudget: number;
  language: "en" | "km";
  environment: "demo" | "sit" | "production" | "custom";
  baseUrl: string | null;
  email: string | null;
}
