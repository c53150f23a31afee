// Generated from src-tauri/src/ipc.rs by `UPDATE_IPC_BINDINGS=1 cargo test -p khqr-pos-app bindings`.
// Do not edit: a test fails when this file and the Rust types disagree.

/** KHR or USD, as `pos_domain::Currency` serializes. */
export type Currency = "KHR" | "USD";
/** Where a sale stands, as `pos_domain::SaleStatus` serializes. */
export type SaleStatus = "pending" | "paid" | "failed" | "expired" | "cancelled" | "paid_late" | "mismatch";

/**
 * What the cashier screen needs once at start.
 */
export type AppInfo = { 
/**
 * Demo mode: the embedded simulator, a DEMO banner and the "simulate payment" button.
 */
demo: boolean, 
/**
 * The shop's name as printed on the card.
 */
merchantName: string, 
/**
 * The currency the keypad starts in.
 */
defaultCurrency: Currency, 
/**
 * The app's version.
 */
version: string, };

/**
 * A charge as the cashier typed it; Rust parses the amount text (never a float).
 */
export type ChargeInput = { 
/**
 * The amount exactly as typed (`"1300000"`, `"10.5"`).
 */
amount: string, 
/**
 * KHR or USD.
 */
currency: Currency, 
/**
 * An optional short note or reference.
 */
note: string | null, };

/**
 * A sale with its QR, ready for the KHQR card.
 */
export type SaleCard = { 
/**
 * The sale's id, as text so that JavaScript never rounds it.
 */
saleId: string, 
/**
 * The bill number written into the QR.
 */
billNumber: string, 
/**
 * The merchant name written into the QR.
 */
merchantName: string, 
/**
 * The amount for people: `1,300,000` (KHR) or `10.00` (USD).
 */
amountText: string, 
/**
 * The amount as plain text the keypad can take back: `1300000`, `10.00`.
 */
amountPlain: string, 
/**
 * KHR or USD.
 */
currency: Currency, 
/**
 * For a USD charge, the riel equivalent at the shop rate, shown beside the card.
 */
khrEquivalentText: string | null, 
/**
 * The KHQR string the QR encodes.
 */
qr: string, 
/**
 * The md5 Bakong is asked about.
 */
md5: string, 
/**
 * The QR as SVG markup (level H, room for the centre badge).
 */
qrSvg: string, 
/**
 * When the QR was made, in Unix milliseconds.
 */
createdAtMs: number, 
/**
 * When the QR stops being payable, in Unix milliseconds.
 */
expiresAtMs: number, 
/**
 * Where the sale stands.
 */
status: SaleStatus, };

/**
 * Why payments cannot be verified right now, in the four words a cashier needs (the core
 * tells eight causes apart; the detail travels in the message). Never means "unpaid".
 */
export type CannotVerifyReason = "network" | "quota" | "token" | "region";

/**
 * Where payment verification stands.
 */
export type Verification = { "state": "checking" } | { "state": "cannotVerify", 
/**
 * The kind of problem, for the translated text.
 */
reason: CannotVerifyReason, 
/**
 * The detail, in English.
 */
message: string, };

/**
 * Payment progress pushed to the web view on the `pos://event` event.
 */
export type UiEvent = { "kind": "status", 
/**
 * The sale.
 */
saleId: string, 
/**
 * Its new status.
 */
status: SaleStatus, 
/**
 * The payer's account or bank, when Bakong says.
 */
payer: string | null, } | { "kind": "verification", 
/**
 * The new state.
 */
state: Verification, };

/**
 * A failed command as the UI receives it: branch on `code`, show `message`.
 */
export type IpcError = { 
/**
 * Stable, machine-readable (`amount_invalid`, `sale_not_found`, …).
 */
code: string, 
/**
 * For people, in English.
 */
message: string, };

/**
 * A refused owner command: `field` names the settings field at fault, when there is one.
 */
export type OwnerError = { 
/**
 * Stable, machine-readable (`pin_wrong`, `owner_locked`, `required`, …).
 */
code: string, 
/**
 * For people, in English.
 */
message: string, 
/**
 * The settings field, for field-level errors.
 */
field: string | null, 
/**
 * Every field-level problem of a settings form.
 */
fields: Array<OwnerFieldError>, };

/**
 * One settings field's problem.
 */
export type OwnerFieldError = { 
/**
 * `required`, `too_long`, `format`, `range`, `token_missing`.
 */
code: string, 
/**
 * For people, in English.
 */
message: string, 
/**
 * The form field.
 */
field: string, };

/**
 * What the counter screen may know about the owner side without the PIN.
 */
export type OwnerStatus = { 
/**
 * Whether an owner PIN exists (first run: set one).
 */
pinSet: boolean, 
/**
 * Whether the owner area is open now.
 */
unlocked: boolean, 
/**
 * The owner's chosen language, `en` or `km`.
 */
language: string, 
/**
 * The token, described (never the token itself).
 */
token: TokenInfoView, };

/**
 * The Bakong token as the UI may know it.
 */
export type TokenInfoView = { 
/**
 * Whether a token is saved.
 */
set: boolean, 
/**
 * Its expiry day, `YYYY-MM-DD`.
 */
expiresOn: string | null, 
/**
 * Whole days left; negative once expired.
 */
daysLeft: number | null, 
/**
 * Show the renewal banner (expired or within seven days).
 */
warn: boolean, };

/**
 * The owner's sale filter.
 */
export type OwnerQuery = { 
/**
 * First day, `YYYY-MM-DD` (default today).
 */
from: string | null, 
/**
 * Last day, included (default: the first).
 */
to: string | null, 
/**
 * Only this status.
 */
status: SaleStatus | null, 
/**
 * Bill number, hash, md5 or amount.
 */
search: string | null, };

/**
 * Where a CSV export was written.
 */
export type ExportResult = { 
/**
 * The file.
 */
path: string, 
/**
 * Sales written.
 */
rows: number, };

/**
 * What a manual recheck would spend, shown before the owner confirms.
 */
export type RecheckPreview = { 
/**
 * Unresolved sales (pending, or closed but still watched for a late payment): at most
 * one check each.
 */
checksNeeded: number, 
/**
 * Checks left in today's budget.
 */
checksLeft: number, 
/**
 * Checks spent today.
 */
checksUsed: number, 
/**
 * Today's budget.
 */
budget: number, };

/**
 * The Bakong connection for the owner's health panel.
 */
export type OwnerHealth = { 
/**
 * `demo`, `sit`, `production`, `custom`.
 */
environment: string, 
/**
 * Whether the last checks got through (or nothing needed checking).
 */
reachable: boolean, 
/**
 * Bakong refuses this network (outside Cambodia).
 */
regionBlocked: boolean, 
/**
 * The token, described.
 */
token: TokenInfoView, 
/**
 * Checks spent today.
 */
checksUsedToday: number, 
/**
 * Today's budget.
 */
checkBudget: number, 
/**
 * The last error, if any (never the token).
 */
lastError: string | null, 
/**
 * Sales still waiting for payment.
 */
pendingSales: number, };
