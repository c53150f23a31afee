// Generated from the IPC types (src-tauri/src/ipc.rs and pos-core's views) by
// `UPDATE_IPC_BINDINGS=1 cargo test -p khqr-pos-app bindings`.
// Do not edit: a test fails when this file and the Rust types disagree.

/** KHR or USD, as `pos_domain::Currency` serializes. */
export type Currency = "KHR" | "USD";
/** Where a sale stands, as `pos_domain::SaleStatus` serializes. */
export type SaleStatus = "pending" | "paid" | "failed" | "expired" | "cancelled" | "paid_late" | "mismatch" | "accepted_unverified" | "unconfirmed";
/** An exact amount in minor units (riel, cents), as `pos_domain::Money` serializes. */
export type Money = { minor: number, currency: Currency };

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
 * The shop's largest charge in riel, as plain text (`40000000`): the keypad stops there.
 */
maxAmountKhr: string, 
/**
 * The shop's largest charge in dollars, as plain text (`10000.00`).
 */
maxAmountUsd: string, 
/**
 * The app's version.
 */
version: string, 
/**
 * The owner allows accepting a sale on the customer's success screen while Bakong
 * cannot answer.
 */
acceptUnverified: boolean, };

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
 * What the "customer shows paid" key found for the sale on screen.
 */
export type CheckReply = { "outcome": "found", 
/**
 * Where the sale stands now; the `pos://event` says the same.
 */
status: SaleStatus, } | { "outcome": "notFoundYet" } | { "outcome": "cannotVerify", 
/**
 * The kind of problem, for the translated text.
 */
reason: CannotVerifyReason, 
/**
 * The detail, in English.
 */
message: string, };

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
payer: string | null, 
/**
 * The bill number, the amount's text and currency: a payment landing on a QR no
 * longer on screen (paid late) is announced at the counter with them.
 */
billNumber: string, 
/**
 * The amount asked for, as the card shows it (`1,300,000`, `10.00`).
 */
amountText: string, 
/**
 * Its currency.
 */
currency: Currency, } | { "kind": "verification", 
/**
 * The new state.
 */
state: Verification, } | { "kind": "budget", 
/**
 * Checks left today.
 */
left: number, 
/**
 * The day's budget.
 */
daily: number, };

/**
 * The printer as the counter's chip shows it.
 */
export type PrinterView = { 
/**
 * A printer is configured (without one the chip is hidden).
 */
configured: boolean, 
/**
 * Why receipts wait; `None`: ready.
 */
fault: PrinterFault | null, 
/**
 * The fault in English, for the tooltip and the log.
 */
message: string | null, 
/**
 * Receipts waiting for the printer ("print now" sends them).
 */
waiting: number, 
/**
 * Receipts that may be half on paper: the cashier checks and reprints a COPY.
 */
unsure: number, 
/**
 * The last sale that got a receipt in this run, for "reprint" (id as text).
 */
lastSaleId: string | null, };

/**
 * Why the printer cannot print now, in the words a cashier needs.
 */
export type PrinterFault = "paperOut" | "coverOpen" | "offline" | "unreachable" | "other";

/**
 * What the customer display shows for a sale waiting for its KHQR payment.
 */
export type CustomerSale = { 
/**
 * The same card as the cashier's (same QR payload).
 */
card: SaleCard, 
/**
 * The amount in riel at the shop rate (`1,300,000`).
 */
khrText: string, 
/**
 * The amount in dollars at the shop rate, rounded up for a riel sale (`317.08`).
 */
usdText: string, };

/**
 * The owner's printer settings screen: the form as configured, the printers found on this
 * machine and the monitors the customer display can open on.
 */
export type PrinterScreen = { form: PrinterForm, 
/**
 * USB printers and serial ports found in `/dev`.
 */
devices: Array<FoundPrinter>, 
/**
 * The monitors, numbered from 1 as `customer_display.monitor` counts them.
 */
monitors: Array<string>, };

/**
 * The printer settings form.
 */
export type PrinterForm = { 
/**
 * `none`, `network`, `device` (a USB printer's device file) or `serial`.
 */
kind: string, 
/**
 * `host:port`, a device path, or `PATH@BAUD` for a serial port; ignored for `none`.
 */
address: string, 
/**
 * 58 or 80.
 */
widthMm: number, 
/**
 * The cash drawer's pin, 2 or 5; `None`: no drawer.
 */
drawerPin: number | null, 
/**
 * Print each receipt as it is issued; off: only on "print now".
 */
autoPrint: boolean, 
/**
 * `auto` or a monitor number from 1, for the customer display.
 */
customerMonitor: string, };

/**
 * A printer found on this machine, as the form would take it.
 */
export type FoundPrinter = { 
/**
 * `device` or `serial`.
 */
kind: string, 
/**
 * The address to fill in (a serial port with 9600 baud, the usual default).
 */
address: string, };

/**
 * The till bar: who is signed in and the open shift.
 */
export type TillView = { 
/**
 * The name signed in (`owner` for the owner), if anyone.
 */
signedIn: string | null, 
/**
 * The rate in force, riel per dollar.
 */
rielPerUsd: number, 
/**
 * This terminal's open shift.
 */
shift: ShiftText | null, };

/**
 * The open shift with its X report.
 */
export type ShiftText = { 
/**
 * The shift's number in the ledger.
 */
id: number, 
/**
 * Who opened it.
 */
openedBy: string, 
/**
 * When, Unix ms.
 */
openedAtMs: number, 
/**
 * Opened on an earlier shop day: offer to close it.
 */
fromEarlierDay: boolean, 
/**
 * The X report: totals so far, then what the drawer should hold.
 */
lines: Array<ReportLine>, };

/**
 * One line of an X or Z report: riel and dollars as text, and a count where it has one.
 */
export type ReportLine = { 
/**
 * What the line is (`float`, `cashReceived`, … `variance`), for the translated label.
 */
key: string, 
/**
 * Riel.
 */
khr: string, 
/**
 * Dollars.
 */
usd: string, 
/**
 * How many (sales, payments, refunds), for the lines that count.
 */
count: number | null, };

/**
 * The drawer as counted so far against expected: what the close would record.
 */
export type CountText = { 
/**
 * Expected, counted and variance per currency.
 */
lines: Array<ReportLine>, 
/**
 * Closing needs a written reason.
 */
reasonNeeded: boolean, };

/**
 * A Z report as issued.
 */
export type ZText = { 
/**
 * 1, 2, 3… per terminal, without gaps.
 */
number: number, 
/**
 * The terminal.
 */
terminalId: string, 
/**
 * The shift it closes.
 */
shiftId: number, 
/**
 * When it was issued, Unix ms.
 */
issuedAtMs: number, 
/**
 * The totals per currency and tender.
 */
lines: Array<ReportLine>, 
/**
 * Expected, counted and variance per currency.
 */
closing: Array<ReportLine>, 
/**
 * Why the variance, when one was needed.
 */
reason: string | null, 
/**
 * Its place in the hash chain.
 */
hash: string, };

/**
 * A cash sale as the cashier types it; Rust parses every amount (never a float).
 */
export type CashInput = { 
/**
 * The total as typed on the keypad.
 */
amount: string, 
/**
 * Its currency.
 */
currency: Currency, 
/**
 * Dollars handed over: an amount (`20`) or the quick keys' note counts (`20x1 5x1`).
 */
usdGiven: string, 
/**
 * Riel handed over, the same way (`10,000` or `10000x1 1000x2`).
 */
khrGiven: string, 
/**
 * The "all change in riel" key.
 */
allRiel: boolean, 
/**
 * The sale's note.
 */
note: string | null, };

/**
 * The cash screen's figures: due in both currencies at the frozen rate, what was handed
 * over, and the change or what is still due.
 */
export type CashQuote = { 
/**
 * The rate (riel per dollar) this sale uses.
 */
rielPerUsd: number, 
/**
 * Due in riel.
 */
dueKhr: string, 
/**
 * Due in dollars.
 */
dueUsd: string, 
/**
 * Dollars handed over.
 */
givenUsd: string, 
/**
 * Riel handed over.
 */
givenKhr: string, 
/**
 * Paid in full: the change.
 */
change: ChangeText | null, 
/**
 * Short: what remains.
 */
stillDue: StillDueText | null, };

/**
 * Change to give and the rounding line, as text (`2.00`, `3,100`, `-25`).
 */
export type ChangeText = { 
/**
 * Whole dollars.
 */
usd: string, 
/**
 * Riel, a multiple of 100.
 */
khr: string, 
/**
 * The rounding line in riel: positive the shop keeps it, negative the customer does.
 */
roundingKhr: string, };

/**
 * What is still due when the cash is short.
 */
export type StillDueText = { 
/**
 * More riel cash that would settle it (rounded to 100 riel).
 */
cashKhr: string, 
/**
 * Exactly what a KHQR for the rest asks.
 */
khqr: string, 
/**
 * The KHQR's currency.
 */
khqrCurrency: Currency, };

/**
 * A cash sale recorded: the change to give and its receipt, or for a split sale the KHQR
 * card for the rest (the counter's waiting and PAID flow takes it from there).
 */
export type CashDone = { 
/**
 * The change as recorded (none for a split sale).
 */
change: ChangeText | null, 
/**
 * The receipt number of a finished cash sale.
 */
receiptNumber: number | null, 
/**
 * A split sale's QR for exactly the rest.
 */
khqr: SaleCard | null, };

/**
 * A failure as every command (and the CLI's JSON) reports it.
 */
export type ErrorView = { 
/**
 * What went wrong, stably: branch and translate on this.
 */
code: ErrorCode, 
/**
 * For people, in English (support calls, logs); never parsed.
 */
message: string, 
/**
 * The field at fault: a settings form field, or a configuration key.
 */
field: string | null, 
/**
 * Numbers and lists behind the code, when it has any.
 */
details: ErrorDetails | null, };

/**
 * The stable, machine-readable code of a failure. The UI keys its English and Khmer texts on
 * it; a code, once released, keeps its meaning.
 */
export type ErrorCode = "config_invalid" | "amount_invalid" | "text_invalid" | "currency_invalid" | "expiry_invalid" | "sale_not_found" | "invalid_transition" | "not_demo" | "token_missing" | "token_file" | "qr_failed" | "ledger_failed" | "bakong_failed" | "simulator_failed" | "date_invalid" | "internal" | "stopped" | "pin_invalid" | "pin_not_set" | "pin_already_set" | "pin_wrong" | "pin_locked" | "settings_invalid" | "owner_file" | "no_receipt" | "owner_locked" | "export_failed" | "rate_invalid" | "cash_invalid" | "cash_short" | "reason_needed" | "shift_open" | "no_open_shift" | "shift_closed" | "not_allowed" | "cashier_invalid" | "refund_invalid" | "accept_disabled" | "accept_not_needed" | "printer_failed" | "shop_db_failed" | "unexpected";

/**
 * The numbers and lists a failure carries, for clients to build their own words from.
 */
export type ErrorDetails = { "kind": "pinWrong", 
/**
 * Tries left before the gate pauses.
 */
attemptsLeft: number, } | { "kind": "pinLocked", 
/**
 * Seconds until the next try is accepted.
 */
retryAfterSecs: number, } | { "kind": "fields", 
/**
 * One entry per invalid field, in form order.
 */
fields: Array<FieldError>, };

/**
 * One problem with one form field.
 */
export type FieldError = { 
/**
 * Stable: `required`, `too_long`, `format`, `range`, `token_missing`.
 */
code: string, 
/**
 * For people, in English.
 */
message: string, 
/**
 * The form field (`accountId`, `merchantName`, …).
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
token: TokenStatus, };

/**
 * What the owner may know about the token.
 */
export type TokenStatus = { 
/**
 * Whether a token is saved.
 */
set: boolean, 
/**
 * Its expiry day (`YYYY-MM-DD`, shop time), when it is a readable JWT.
 */
expiresOn: string | null, 
/**
 * Whole days left; negative once expired.
 */
daysLeft: number | null, 
/**
 * Expired or expiring within seven days: show the renewal banner.
 */
warn: boolean, 
/**
 * Where it is kept: the OS keyring, or the private file when no keyring answered.
 */
store: TokenStore | null, };

/**
 * The owner's sale filter as the screens send it; blank text means "not given".
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
 * The owner's list: matching sales, their totals, and what needs attention on top.
 */
export type SalesList = { 
/**
 * The first day covered.
 */
from: string, 
/**
 * The last day covered.
 */
to: string, 
/**
 * Sales needing review (paid late, mismatch, accepted but unconfirmed), listed first by
 * the UI.
 */
attention: Array<SaleView>, 
/**
 * Every matching sale, oldest first.
 */
sales: Array<SaleView>, 
/**
 * Totals of the whole range per currency and status (independent of the filter).
 */
totals: Array<TotalView>, };

/**
 * A sale as the UI and CLI list it.
 */
export type SaleView = { 
/**
 * The ledger id, as text (JavaScript numbers would round large ids).
 */
id: string, 
/**
 * The bill number.
 */
billNumber: string, 
/**
 * The terminal that charged.
 */
terminalId: string, 
/**
 * When the sale was made (epoch ms).
 */
createdAtMs: number, 
/**
 * When its QR expires (epoch ms).
 */
expiresAtMs: number, 
/**
 * When its status last changed (epoch ms).
 */
updatedAtMs: number, 
/**
 * The amount asked for.
 */
amount: Money, 
/**
 * Its display text.
 */
amountText: string, 
/**
 * Its currency.
 */
currency: Currency, 
/**
 * Where it stands.
 */
status: SaleStatus, 
/**
 * Paid late, mismatched or accepted but unconfirmed: the owner must look at it.
 */
needsAttention: boolean, 
/**
 * The QR's md5.
 */
md5: string, 
/**
 * The cashier's note.
 */
note: string | null, 
/**
 * The receipt number, once paid.
 */
receiptNumber: number | null, 
/**
 * The payment, once reported.
 */
payment: PaymentView | null, 
/**
 * The payer's reference typed when the cashier accepted it on the customer's screen.
 */
acceptedRef: string | null, 
/**
 * How it was paid.
 */
tender: "khqr" | "cash" | "split", 
/**
 * The rate frozen on it, riel per dollar (none on KHQR sales from before rates froze).
 */
rielPerUsd: number | null, 
/**
 * The shift that took it; none for a KHQR sale outside any shift.
 */
shiftId: number | null, 
/**
 * Who took it: the cashier's name, or `owner`; none outside any shift.
 */
cashier: string | null, };

/**
 * A payment as Bakong reported it.
 */
export type PaymentView = { 
/**
 * The Bakong transaction hash.
 */
hash: string, 
/**
 * The payer's account, when given.
 */
payerAccount: string | null, 
/**
 * The account paid.
 */
payeeAccount: string | null, 
/**
 * The amount actually paid.
 */
amount: Money, 
/**
 * Its display text.
 */
amountText: string, 
/**
 * When the payer sent it (epoch ms).
 */
paidAtMs: number | null, 
/**
 * When Bakong recorded it (epoch ms).
 */
acknowledgedAtMs: number | null, 
/**
 * The payer bank's reference.
 */
externalRef: string | null, };

/**
 * Count and sum for one currency and status.
 */
export type TotalView = { 
/**
 * The currency.
 */
currency: Currency, 
/**
 * The status.
 */
status: SaleStatus, 
/**
 * Number of sales.
 */
count: number, 
/**
 * Their total.
 */
sum: Money, 
/**
 * Its display text.
 */
sumText: string, };

/**
 * One entry of a sale's history.
 */
export type HistoryEntry = { 
/**
 * When (epoch ms).
 */
atMs: number, 
/**
 * When, shop time (`HH:MM:SS`).
 */
atText: string, 
/**
 * `status` or `check`.
 */
kind: string, 
/**
 * What happened, in English (`pending → paid`, `check: http 200, not found`).
 */
detail: string, };

/**
 * A printable receipt: payment proof for one paid sale.
 */
export type ReceiptView = { 
/**
 * The shop.
 */
shopName: string, 
/**
 * Its city.
 */
city: string, 
/**
 * The terminal whose sequence the number belongs to.
 */
terminalId: string, 
/**
 * The gap-free receipt number.
 */
receiptNumber: number, 
/**
 * The bill number in the QR.
 */
billNumber: string, 
/**
 * When it was paid (or made), shop time.
 */
timeText: string, 
/**
 * The amount paid, for people.
 */
amountText: string, 
/**
 * Its currency.
 */
currency: Currency, 
/**
 * For USD, the riel equivalent at the shop rate.
 */
khrEquivalentText: string | null, 
/**
 * The shop rate used for it.
 */
rielPerUsd: number, 
/**
 * The Bakong transaction hash.
 */
hash: string, 
/**
 * Its first eight characters, as bank apps show it.
 */
shortHash: string, 
/**
 * The payer's account, when Bakong says.
 */
payer: string | null, 
/**
 * Paid or paid late.
 */
status: SaleStatus, 
/**
 * A reprint: the receipt was printed before.
 */
copy: boolean, };

/**
 * The printable end-of-day report.
 */
export type EndOfDay = { 
/**
 * Totals, takings and what needs attention.
 */
report: DayReport, 
/**
 * The shop's name for the report's heading.
 */
shopName: string, 
/**
 * Sales made that day.
 */
saleCount: number, 
/**
 * Receipts issued that day on this terminal.
 */
receipts: number, 
/**
 * The day's first receipt number.
 */
firstReceipt: number | null, 
/**
 * The day's last receipt number.
 */
lastReceipt: number | null, 
/**
 * Receipt numbers missing between the first and the last (should be none).
 */
gaps: Array<number>, 
/**
 * When the report was made, shop time.
 */
madeAtText: string, };

/**
 * The end-of-day report.
 */
export type DayReport = { 
/**
 * The day, `YYYY-MM-DD`.
 */
date: string, 
/**
 * The shop's time zone.
 */
timeZone: string, 
/**
 * The terminal.
 */
terminalId: string, 
/**
 * Takings: paid totals per currency.
 */
takings: Array<TotalView>, 
/**
 * Accepted on the customer's screen and not verified by Bakong yet, per currency:
 * counted apart, never in the takings.
 */
accepted: Array<TotalView>, 
/**
 * Every currency and status.
 */
totals: Array<TotalView>, 
/**
 * Sales needing review.
 */
attention: Array<SaleView>, 
/**
 * Sales still pending.
 */
pending: number, 
/**
 * Bakong checks spent that day.
 */
checksUsed: number, 
/**
 * Sales whose payment Bakong confirmed that day (paid, paid late, or mismatched), to set
 * against `checks_used`.
 */
salesVerified: number, 
/**
 * The sales still unverified (pending, or accepted on the customer's screen): none is
 * unpaid, each waits for a check.
 */
unverified: Array<SaleView>, 
/**
 * The shop rate, riel per dollar.
 */
rielPerUsd: number, 
/**
 * All takings in riel at the shop rate (for VAT invoices).
 */
takingsInKhr: Money, 
/**
 * Its display text.
 */
takingsInKhrText: string, 
/**
 * Takings (paid sales) per tender and currency.
 */
byTender: Array<TenderTotalView>, 
/**
 * The refunds issued that day, each its own line.
 */
refunds: Array<RefundView>, 
/**
 * Those refunds per tender (`cash`, `bank`) and currency.
 */
refundTotals: Array<TenderTotalView>, 
/**
 * Takings less refunds, in riel, each amount at the rate frozen on its sale (the
 * rate in force for a sale from before rates froze), each rounded half up to whole
 * riel as its receipt's riel equivalent is.
 */
netKhr: Money, 
/**
 * Its display text.
 */
netKhrText: string, 
/**
 * What rounding each dollar amount to whole riel added to `net_khr`, in hundredths of a
 * riel (signed; 0 when every amount converted exactly).
 */
netKhrRounding: number, };

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
 * The result of a manual recheck.
 */
export type RecheckView = { 
/**
 * Sales looked at.
 */
sales: number, 
/**
 * API calls spent.
 */
checksSpent: number, 
/**
 * Sales that got a verdict (paid, failed, still unpaid).
 */
answered: number, };

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
token: TokenStatus, 
/**
 * Checks spent today.
 */
checksUsedToday: number, 
/**
 * Today's budget.
 */
checkBudget: number, 
/**
 * The last error since Bakong last answered, if any (never the token).
 */
lastError: string | null, 
/**
 * When it happened (epoch ms).
 */
lastErrorAtMs: number | null, 
/**
 * Sales still waiting for payment.
 */
pendingSales: number, 
/**
 * The ledger's backups: the newest good one and how the last automatic one went.
 */
backup: BackupStatus, };

/**
 * Backups for the owner's health panel.
 */
export type BackupStatus = { 
/**
 * The folder.
 */
dir: string, 
/**
 * Days kept (0: all).
 */
keepDays: number, 
/**
 * When the newest verified backup in the folder was taken (epoch ms).
 */
lastGoodMs: number | null, 
/**
 * The last automatic attempt of this run, good or not.
 */
lastAttempt: BackupAttempt | null, };

/**
 * How the last automatic backup went.
 */
export type BackupAttempt = { 
/**
 * When (epoch ms).
 */
atMs: number, 
/**
 * Why.
 */
trigger: BackupTrigger, 
/**
 * Written and verified.
 */
ok: boolean, 
/**
 * Why not, when it failed.
 */
error: string | null, };

/**
 * Why a backup was taken.
 */
export type BackupTrigger = "daily" | "shift_close";

/**
 * Where a saved token is kept.
 */
export type TokenStore = "keyring" | "file";

/**
 * A diagnostics bundle written.
 */
export type DiagnosticsExport = { 
/**
 * The zip file.
 */
path: string, 
/**
 * Its size in bytes.
 */
bytes: number, 
/**
 * The files inside, in order.
 */
entries: Array<string>, };

/**
 * The owner's settings form.
 */
export type Settings = { 
/**
 * Individual (KHQR tag 29) or merchant (tag 30) account.
 */
merchantKind: MerchantKind, 
/**
 * The Bakong account id, `name@bank`.
 */
accountId: string, 
/**
 * Shown in the customer's bank app, at most 25 characters.
 */
merchantName: string, 
/**
 * At most 15 characters.
 */
city: string, 
/**
 * Merchant accounts only.
 */
merchantId: string | null, 
/**
 * Merchant accounts only.
 */
acquiringBank: string | null, 
/**
 * Optional KHQR store label.
 */
storeLabel: string | null, 
/**
 * Optional KHQR terminal label.
 */
terminalLabel: string | null, 
/**
 * Merchant category code, 4 digits.
 */
mcc: string, 
/**
 * The currency the keypad starts in.
 */
defaultCurrency: Currency, 
/**
 * Riel per US dollar.
 */
rielPerUsd: number, 
/**
 * How long a QR can be paid, 1–10 minutes.
 */
qrLifetimeMinutes: number, 
/**
 * Bakong checks the POS may spend per day.
 */
dailyCheckBudget: number, 
/**
 * Whether the cashier may accept a sale on the customer's success screen while Bakong
 * cannot answer (verified later).
 */
acceptUnverified: boolean, 
/**
 * `en` or `km`.
 */
language: string, 
/**
 * `demo`, `sit`, `production` or `custom`.
 */
environment: string, 
/**
 * The base URL of a custom environment.
 */
baseUrl: string | null, 
/**
 * The email registered with Bakong, for token renewal.
 */
email: string | null, };

/**
 * Whose account the QR pays into: KHQR tag 29 (individual) or tag 30 (merchant).
 */
export type MerchantKind = "individual" | "merchant";

/**
 * Count and sum of one tender (`khqr`, `cash`, `split`; for refunds `cash` or `bank`) in
 * one currency.
 */
export type TenderTotalView = { 
/**
 * The tender.
 */
tender: string, 
/**
 * The currency.
 */
currency: Currency, 
/**
 * How many.
 */
count: number, 
/**
 * Their total.
 */
sum: Money, 
/**
 * Its display text.
 */
sumText: string, };

/**
 * A refund as the reports list it: its own line, pointing at the receipt it refunds.
 */
export type RefundView = { 
/**
 * The refund's gap-free number on its terminal.
 */
number: number, 
/**
 * The terminal that recorded it.
 */
terminalId: string, 
/**
 * The receipt it refunds.
 */
receiptNumber: number, 
/**
 * The refunded sale's ledger id, as text.
 */
saleId: string, 
/**
 * When (epoch ms).
 */
issuedAtMs: number, 
/**
 * How much, in the sale's currency.
 */
amount: Money, 
/**
 * Its display text.
 */
amountText: string, 
/**
 * `cash` (from the drawer) or `bank` (paid back from the shop's bank app).
 */
tender: string, 
/**
 * The bank app's reference, for a bank refund.
 */
bankReference: string | null, 
/**
 * The shift that counted it.
 */
shiftId: number | null, 
/**
 * Why.
 */
reason: string | null, };

/**
 * How a refund is paid back.
 */
export type RefundKind = "cash" | "bank";

/**
 * A refund as the owner enters it: explicit tender, amount in the sale's currency.
 */
export type RefundInput = { 
/**
 * The receipt's number on this terminal.
 */
receipt: number, 
/**
 * How much, as typed.
 */
amount: string, 
/**
 * The currency the owner sees on the screen (the sale's; checked).
 */
currency: Currency, 
/**
 * Cash or bank.
 */
tender: RefundKind, 
/**
 * The bank app's reference (bank refunds only).
 */
bankReference: string | null, 
/**
 * Why.
 */
reason: string | null, };

/**
 * A paid sale's receipt with what was paid, refunded and what remains refundable.
 */
export type Refundable = { 
/**
 * The receipt.
 */
receiptNumber: number, 
/**
 * The sale's bill number.
 */
billNumber: string, 
/**
 * How it was paid.
 */
saleTender: "khqr" | "cash" | "split", 
/**
 * The refunds' currency: the sale's.
 */
currency: Currency, 
/**
 * What was paid.
 */
paidText: string, 
/**
 * Refunded so far.
 */
refundedText: string, 
/**
 * What may still be refunded.
 */
remaining: Money, 
/**
 * Its display text.
 */
remainingText: string, 
/**
 * The refunds made so far, oldest first.
 */
refunds: Array<RefundView>, };

/**
 * One change of the exchange rate.
 */
export type RateEntry = { 
/**
 * Riel per dollar.
 */
rielPerUsd: number, 
/**
 * When, shop time.
 */
atText: string, 
/**
 * Who: `owner` or a cashier's name.
 */
by: string, };

/**
 * The rate in force and every change of it.
 */
export type RateInfo = { 
/**
 * Riel per dollar now.
 */
rielPerUsd: number, 
/**
 * The configured rate is in force: the owner never set one here.
 */
fromConfig: boolean, 
/**
 * Every change, newest first.
 */
log: Array<RateEntry>, };

/**
 * A cashier account as the owner lists it (never its PIN).
 */
export type CashierRow = { 
/**
 * The name it signs in with.
 */
name: string, 
/**
 * When it was added, shop time.
 */
addedText: string, 
/**
 * When it was disabled, if it was.
 */
disabledText: string | null, };

/**
 * A new cashier account.
 */
export type NewCashier = { 
/**
 * The name.
 */
name: string, 
/**
 * Its PIN, 4 to 8 digits (stored only as its hash).
 */
pin: string, };

/**
 * A shift in the owner's list: the open one first, then the closed ones with their Z report.
 */
export type ShiftRow = { 
/**
 * The shift's id.
 */
shiftId: number, 
/**
 * Who opened it.
 */
cashier: string, 
/**
 * When, shop time.
 */
openedText: string, 
/**
 * Its Z report's number, once closed.
 */
zNumber: number | null, 
/**
 * When it closed, shop time.
 */
closedText: string | null, 
/**
 * Who closed it.
 */
closedBy: string | null, 
/**
 * The variance per currency at close, for people (`-1,000 KHR · 0.00 USD`).
 */
varianceText: string | null, 
/**
 * For the open shift: what the drawer should hold now.
 */
expectedText: string | null, };

/**
 * One figure of a Z report, ready to show.
 */
export type ZLine = { 
/**
 * `drawer`, `cash`, `khqr`, `refunds` or `close` (the screen translates it).
 */
section: string, 
/**
 * The item (the screen translates it).
 */
item: string, 
/**
 * Riel, or the count.
 */
khrText: string, 
/**
 * Dollars; empty for a count.
 */
usdText: string, };

/**
 * A Z report as the owner reads and prints it.
 */
export type ZView = { 
/**
 * The shop.
 */
shopName: string, 
/**
 * The terminal.
 */
terminalId: string, 
/**
 * The gap-free number.
 */
number: number, 
/**
 * The shift it closed.
 */
shiftId: number, 
/**
 * Who opened the shift.
 */
cashier: string, 
/**
 * Who closed it.
 */
closedBy: string, 
/**
 * When the shift opened and when the report was issued, shop time.
 */
openedText: string, 
/**
 * When issued.
 */
issuedText: string, 
/**
 * The variance reason, if one was written.
 */
reason: string | null, 
/**
 * The figures in print order.
 */
lines: Array<ZLine>, 
/**
 * Its chain hash.
 */
hash: string, };

/**
 * The owner's close of this terminal's open shift, whoever opened it.
 */
export type OwnerClose = { 
/**
 * Riel counted, as typed.
 */
countedKhr: string, 
/**
 * Dollars counted, as typed.
 */
countedUsd: string, 
/**
 * Why the variance, when above the threshold.
 */
reason: string | null, };

/**
 * The setup form, as the screen fills it. The rate is text so that "abc" is the core's
 * error to word, like every other value.
 */
export type SetupForm = { 
/**
 * `en` or `km`.
 */
language: string, 
/**
 * Shown in the customer's bank app, at most 25 characters.
 */
shopName: string, 
/**
 * At most 15 characters.
 */
city: string, 
/**
 * 1–8 letters or digits.
 */
terminalId: string, 
/**
 * The currency the keypad starts in.
 */
defaultCurrency: Currency, 
/**
 * Riel per US dollar, as typed.
 */
rielPerUsd: string, 
/**
 * The owner PIN, typed twice.
 */
pin: string, 
/**
 * The owner PIN again.
 */
pinAgain: string, 
/**
 * Connect to Bakong (else: keep using demo mode).
 */
bakong: boolean, 
/**
 * The Bakong account id, `name@bank` (Bakong only).
 */
accountId: string, 
/**
 * The token pasted from the Bakong developer portal (Bakong only); never sent back.
 */
token: string, 
/**
 * The email registered with Bakong, for renewing the token (optional).
 */
email: string, };

/**
 * What the screen may know about a pasted token: when it expires.
 */
export type TokenPreview = { 
/**
 * Its expiry day, `YYYY-MM-DD` in the shop's time zone.
 */
expiresOn: string, 
/**
 * Whole days left.
 */
daysLeft: number, };

/**
 * The shop's day as the owner sees it.
 */
export type ShopDay = { 
/**
 * The day, `YYYY-MM-DD`.
 */
day: string, 
/**
 * Per counter (by id) then the shop, each tender before its total, by currency.
 */
lines: Array<ShopLine>, 
/**
 * Every counter the shop database knows.
 */
counters: Array<CounterPush>, 
/**
 * The shop rate, `None` before the owner set one.
 */
rate: ShopRateView | null, 
/**
 * Whether the shop rate can be set from this counter (it holds the owner's connection).
 */
canSetRate: boolean, };

/**
 * One line of the shop's day: a counter (or the shop), a tender (or all), one currency.
 */
export type ShopLine = { 
/**
 * The counter, or `None` for the whole shop.
 */
terminalId: string | null, 
/**
 * `cash`, `khqr`, or `None` for every tender.
 */
tender: string | null, 
/**
 * Receipts counted.
 */
count: number, 
/**
 * What came in.
 */
paid: Money, 
/**
 * Its display text.
 */
paidText: string, };

/**
 * How far a counter's ledger reached the shop database.
 */
export type CounterPush = { 
/**
 * The counter.
 */
terminalId: string, 
/**
 * Whether it is this counter.
 */
thisCounter: boolean, 
/**
 * Its last event in the shop database (0: none yet).
 */
pushedUpTo: number, 
/**
 * When the last one arrived, in the shop's time (empty: never).
 */
lastPushedText: string, 
/**
 * This counter only: its events not yet in the shop database.
 */
waiting: number | null, 
/**
 * This counter only: why its last push failed, until one succeeds.
 */
lastError: string | null, };

/**
 * The shop's riel rate as the shop database holds it.
 */
export type ShopRateView = { 
/**
 * Riel per dollar.
 */
rielPerUsd: number, 
/**
 * When the owner set it, in the shop's time.
 */
setAtText: string, 
/**
 * The database role that set it (`shop_owner`).
 */
setBy: string, };
