//! What the UI and the CLI see: serializable (camelCase JSON) views of sales, charges,
//! events and health. Amounts come with their display text so no client formats money.

use pos_domain::{Currency, Money, SaleStatus};
use pos_store::{PaymentDetails, Sale, SaleTender, Total};
use serde::{Deserialize, Serialize};

use crate::CoreError;

/// Sale ids travel as text: JavaScript numbers round integers above 2^53.
mod id_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(id: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(id)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A sale id that travelled as text, back as the ledger's number.
pub fn sale_id_from_text(text: &str) -> Result<i64, CoreError> {
    text.trim().parse().map_err(|_| CoreError::SaleIdInvalid {
        text: text.to_owned(),
    })
}

/// What the cashier asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargeRequest {
    /// The amount as typed (`"1,500"`, `"12.5"`).
    pub amount: String,
    /// The currency; the shop's default when absent.
    pub currency: Option<Currency>,
    /// How long the QR stays payable; the configured lifetime when absent (1–10 minutes).
    pub expires_in_ms: Option<u64>,
    /// The cashier's optional note or reference (not put in the QR).
    pub note: Option<String>,
}

/// A charge just made: everything the KHQR card needs. The sale is already in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargeView {
    /// The ledger id.
    pub sale_id: i64,
    /// The KHQR bill number (tag 62.01).
    pub bill_number: String,
    /// The exact KHQR string to render.
    pub qr: String,
    /// Its md5, which Bakong is asked about.
    pub md5: String,
    /// The amount charged.
    pub amount: Money,
    /// The amount as the card shows it (`1,300,000`, `10.00`).
    pub amount_text: String,
    /// The currency charged.
    pub currency: Currency,
    /// When the QR was made (epoch ms).
    pub created_at_ms: i64,
    /// When it stops being payable (epoch ms).
    pub expires_at_ms: i64,
    /// The QR as an SVG document (error-correction level H).
    pub qr_svg: String,
    /// For a USD charge, the riel equivalent at the shop rate (shown beside the card).
    pub khr_equivalent: Option<Money>,
    /// Its display text.
    pub khr_equivalent_text: Option<String>,
    /// The payee name on the card.
    pub merchant_name: String,
    /// Whether this is a demo (simulated) charge.
    pub demo: bool,
}

/// A payment as Bakong reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PaymentView {
    /// The Bakong transaction hash.
    pub hash: String,
    /// The payer's account, when given.
    pub payer_account: Option<String>,
    /// The account paid.
    pub payee_account: Option<String>,
    /// The amount actually paid.
    #[cfg_attr(feature = "ts", ts(type = "Money"))]
    pub amount: Money,
    /// Its display text.
    pub amount_text: String,
    /// When the payer sent it (epoch ms).
    pub paid_at_ms: Option<i64>,
    /// When Bakong recorded it (epoch ms).
    pub acknowledged_at_ms: Option<i64>,
    /// The payer bank's reference.
    pub external_ref: Option<String>,
}

impl From<&PaymentDetails> for PaymentView {
    fn from(p: &PaymentDetails) -> Self {
        PaymentView {
            hash: p.hash.clone(),
            payer_account: p.payer_account.clone(),
            payee_account: p.payee_account.clone(),
            amount: p.amount,
            amount_text: p.amount.to_string(),
            paid_at_ms: p.created_ms,
            acknowledged_at_ms: p.acknowledged_ms,
            external_ref: p.external_ref.clone(),
        }
    }
}

/// A sale as the UI and CLI list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SaleView {
    /// The ledger id, as text (JavaScript numbers would round large ids).
    #[serde(with = "id_text")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: i64,
    /// The bill number.
    pub bill_number: String,
    /// The terminal that charged.
    pub terminal_id: String,
    /// When the sale was made (epoch ms).
    pub created_at_ms: i64,
    /// When its QR expires (epoch ms).
    pub expires_at_ms: i64,
    /// When its status last changed (epoch ms).
    pub updated_at_ms: i64,
    /// The amount asked for.
    #[cfg_attr(feature = "ts", ts(type = "Money"))]
    pub amount: Money,
    /// Its display text.
    pub amount_text: String,
    /// Its currency.
    #[cfg_attr(feature = "ts", ts(type = "Currency"))]
    pub currency: Currency,
    /// Where it stands.
    #[cfg_attr(feature = "ts", ts(type = "SaleStatus"))]
    pub status: SaleStatus,
    /// Paid late, mismatched or accepted but unconfirmed: the owner must look at it.
    pub needs_attention: bool,
    /// The QR's md5.
    pub md5: String,
    /// The cashier's note.
    pub note: Option<String>,
    /// The receipt number, once paid.
    pub receipt_number: Option<i64>,
    /// The payment, once reported.
    pub payment: Option<PaymentView>,
    /// The payer's reference typed when the cashier accepted it on the customer's screen.
    pub accepted_ref: Option<String>,
    /// How it was paid.
    #[cfg_attr(feature = "ts", ts(type = "\"khqr\" | \"cash\" | \"split\""))]
    pub tender: SaleTender,
    /// The rate frozen on it, riel per dollar (none on KHQR sales from before rates froze).
    pub riel_per_usd: Option<i64>,
    /// The shift that took it; none for a KHQR sale outside any shift.
    pub shift_id: Option<i64>,
    /// Who took it: the cashier's name, or `owner`; none outside any shift.
    pub cashier: Option<String>,
}

impl From<&Sale> for SaleView {
    fn from(s: &Sale) -> Self {
        SaleView {
            id: s.id.0,
            bill_number: s.bill_number.clone(),
            terminal_id: s.terminal_id.clone(),
            created_at_ms: s.created_ms,
            expires_at_ms: s.expires_ms,
            updated_at_ms: s.updated_ms,
            amount: s.amount,
            amount_text: s.amount.to_string(),
            currency: s.amount.currency,
            status: s.status,
            needs_attention: s.status.needs_attention(),
            md5: s.md5.clone(),
            note: s.note.clone(),
            receipt_number: s.receipt_number,
            payment: s.payment.as_ref().map(PaymentView::from),
            accepted_ref: s.accepted_ref.clone(),
            tender: s.tender(),
            riel_per_usd: s.riel_per_usd,
            shift_id: s.counter.as_ref().map(|c| c.shift.0),
            cashier: s.counter.as_ref().map(|c| {
                c.cashier_name
                    .clone()
                    .unwrap_or_else(|| crate::counter::OWNER.to_owned())
            }),
        }
    }
}

/// Count and sum of one tender (`khqr`, `cash`, `split`; for refunds `cash` or `bank`) in
/// one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TenderTotalView {
    /// The tender.
    pub tender: String,
    /// The currency.
    #[cfg_attr(feature = "ts", ts(type = "Currency"))]
    pub currency: Currency,
    /// How many.
    pub count: u64,
    /// Their total.
    #[cfg_attr(feature = "ts", ts(type = "Money"))]
    pub sum: Money,
    /// Its display text.
    pub sum_text: String,
}

/// A refund as the reports list it: its own line, pointing at the receipt it refunds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RefundView {
    /// The refund's gap-free number on its terminal.
    pub number: i64,
    /// The terminal that recorded it.
    pub terminal_id: String,
    /// The receipt it refunds.
    pub receipt_number: i64,
    /// The refunded sale's ledger id, as text.
    #[serde(with = "id_text")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub sale_id: i64,
    /// When (epoch ms).
    pub issued_at_ms: i64,
    /// How much, in the sale's currency.
    #[cfg_attr(feature = "ts", ts(type = "Money"))]
    pub amount: Money,
    /// Its display text.
    pub amount_text: String,
    /// `cash` (from the drawer) or `bank` (paid back from the shop's bank app).
    pub tender: String,
    /// The bank app's reference, for a bank refund.
    pub bank_reference: Option<String>,
    /// The shift that counted it.
    pub shift_id: Option<i64>,
    /// Why.
    pub reason: Option<String>,
}

impl RefundView {
    /// Refund `r` of `sale`.
    pub fn of(r: &pos_store::Refund, sale: &Sale) -> Self {
        let (tender, bank_reference) = match &r.tender {
            pos_store::RefundTender::Cash => ("cash", None),
            pos_store::RefundTender::Bank { reference } => ("bank", Some(reference.clone())),
        };
        RefundView {
            number: r.number,
            terminal_id: r.terminal_id.clone(),
            receipt_number: r.receipt_number,
            sale_id: sale.id.0,
            issued_at_ms: r.issued_ms,
            amount: r.amount,
            amount_text: r.amount.to_string(),
            tender: tender.to_owned(),
            bank_reference,
            shift_id: r.shift.map(|s| s.0),
            reason: r.reason.clone(),
        }
    }
}

/// Why payments cannot be verified right now. Never means "unpaid".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CannotVerifyReason {
    /// No connection to Bakong (DNS, refused, reset).
    Network,
    /// Bakong did not answer in time.
    Timeout,
    /// Bakong's servers answered with an error (5xx, broken replies).
    Server,
    /// Bakong asked us to slow down (HTTP 429).
    RateLimited,
    /// Bakong's daily quota for the token is spent (errorCode 17).
    Quota,
    /// The POS's own daily check budget is spent.
    Budget,
    /// The token is invalid or expired and could not be renewed.
    Token,
    /// Bakong refuses callers from this network (HTTP 403 outside Cambodia).
    Region,
}

impl CannotVerifyReason {
    /// What the cashier reads.
    pub fn describe(self) -> &'static str {
        match self {
            CannotVerifyReason::Network => "no connection to Bakong",
            CannotVerifyReason::Timeout => "Bakong is not answering",
            CannotVerifyReason::Server => "Bakong has a server problem",
            CannotVerifyReason::RateLimited => "Bakong asked to slow down",
            CannotVerifyReason::Quota => "today's Bakong check quota is used up",
            CannotVerifyReason::Budget => "today's check budget is used up",
            CannotVerifyReason::Token => "the Bakong token is invalid or expired",
            CannotVerifyReason::Region => "Bakong blocks this network (region)",
        }
    }
}

/// Whether the watcher can currently verify payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum Verification {
    /// Nothing to watch.
    Idle,
    /// Checks work; the next one is due at `next_check_at_ms`.
    #[serde(rename_all = "camelCase")]
    Watching {
        /// When the next check is due (epoch ms), if any is scheduled.
        next_check_at_ms: Option<i64>,
    },
    /// A check is in flight.
    #[serde(rename_all = "camelCase")]
    Checking {
        /// The sales being checked.
        sale_ids: Vec<i64>,
    },
    /// Payments cannot be verified right now; checking resumes by itself at `retry_at_ms`.
    #[serde(rename_all = "camelCase")]
    CannotVerify {
        /// Why.
        reason: CannotVerifyReason,
        /// Detail for the owner (never the token).
        message: String,
        /// When the next attempt is due (epoch ms).
        retry_at_ms: Option<i64>,
    },
}

/// What the watcher and the facade announce to subscribers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PosEvent {
    /// A sale was created or changed status.
    SaleUpdated {
        /// The sale after the change.
        sale: Box<SaleView>,
    },
    /// The watcher's ability to verify payments changed.
    Verification {
        /// The new state.
        state: Verification,
    },
    /// A sale's next check was scheduled.
    #[serde(rename_all = "camelCase")]
    NextCheck {
        /// The sale.
        sale_id: i64,
        /// When (epoch ms).
        at_ms: i64,
    },
    /// A check was spent from the day's budget.
    Budget {
        /// Checks spent today.
        used: u32,
        /// The day's budget.
        daily: u32,
    },
}

/// The Bakong connection's health for the owner's screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `demo`, `sit`, `production` or `custom`.
    pub environment: String,
    /// The base URL in use.
    pub base_url: String,
    /// Whether this is demo mode.
    pub demo: bool,
    /// Whole days until the token expires; `None` when unknown.
    pub token_days_left: Option<i64>,
    /// Checks spent today (shop time zone).
    pub checks_used_today: u32,
    /// The daily budget.
    pub check_budget: u32,
    /// Part of it kept for final checks.
    pub check_reserve: u32,
    /// The last error met since Bakong last answered, for the owner.
    pub last_error: Option<String>,
    /// When it happened (epoch ms).
    pub last_error_at_ms: Option<i64>,
    /// What the watcher is doing.
    pub verification: Verification,
    /// Sales waiting for payment.
    pub pending_sales: usize,
    /// The automatic push to the shop database; `None` without one.
    pub shop_sync: Option<crate::ShopSyncView>,
}

/// A filter for the owner's sale list. Dates are `YYYY-MM-DD` in the shop's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SalesQuery {
    /// One day (default: today unless `from`/`to` are given).
    pub date: Option<String>,
    /// First day of a range.
    pub from: Option<String>,
    /// Last day of a range (included).
    pub to: Option<String>,
    /// Only this status.
    pub status: Option<SaleStatus>,
    /// Bill number, md5, hash or amount.
    pub search: Option<String>,
    /// At most this many.
    pub limit: Option<u32>,
}

/// The owner's sale filter as the screens send it; blank text means "not given".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OwnerQuery {
    /// First day, `YYYY-MM-DD` (default today).
    pub from: Option<String>,
    /// Last day, included (default: the first).
    pub to: Option<String>,
    /// Only this status.
    #[cfg_attr(feature = "ts", ts(type = "SaleStatus | null"))]
    pub status: Option<SaleStatus>,
    /// Bill number, hash, md5 or amount.
    pub search: Option<String>,
}

impl From<OwnerQuery> for SalesQuery {
    fn from(q: OwnerQuery) -> Self {
        let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let from = given(q.from);
        SalesQuery {
            date: None,
            to: given(q.to).or_else(|| from.clone()),
            from,
            status: q.status,
            search: given(q.search),
            limit: None,
        }
    }
}

/// Count and sum for one currency and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TotalView {
    /// The currency.
    #[cfg_attr(feature = "ts", ts(type = "Currency"))]
    pub currency: Currency,
    /// The status.
    #[cfg_attr(feature = "ts", ts(type = "SaleStatus"))]
    pub status: SaleStatus,
    /// Number of sales.
    pub count: u64,
    /// Their total.
    #[cfg_attr(feature = "ts", ts(type = "Money"))]
    pub sum: Money,
    /// Its display text.
    pub sum_text: String,
}

impl From<&Total> for TotalView {
    fn from(t: &Total) -> Self {
        TotalView {
            currency: t.currency,
            status: t.status,
            count: t.count,
            sum: t.sum,
            sum_text: t.sum.to_string(),
        }
    }
}

/// The owner's list: matching sales, their totals, and what needs attention on top.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SalesList {
    /// The first day covered.
    pub from: String,
    /// The last day covered.
    pub to: String,
    /// Sales needing review (paid late, mismatch, accepted but unconfirmed), listed first by
    /// the UI.
    pub attention: Vec<SaleView>,
    /// Every matching sale, oldest first.
    pub sales: Vec<SaleView>,
    /// Totals of the whole range per currency and status (independent of the filter).
    pub totals: Vec<TotalView>,
}

/// The end-of-day report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DayReport {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The shop's time zone.
    pub time_zone: String,
    /// The terminal.
    pub terminal_id: String,
    /// Takings: paid totals per currency.
    pub takings: Vec<TotalView>,
    /// Accepted on the customer's screen and not verified by Bakong yet, per currency:
    /// counted apart, never in the takings.
    pub accepted: Vec<TotalView>,
    /// Every currency and status.
    pub totals: Vec<TotalView>,
    /// Sales needing review.
    pub attention: Vec<SaleView>,
    /// Sales still pending.
    pub pending: usize,
    /// Bakong checks spent that day.
    pub checks_used: u32,
    /// Sales whose payment Bakong confirmed that day (paid, paid late, or mismatched), to set
    /// against `checks_used`.
    pub sales_verified: usize,
    /// The sales still unverified (pending, or accepted on the customer's screen): none is
    /// unpaid, each waits for a check.
    pub unverified: Vec<SaleView>,
    /// The shop rate, riel per dollar.
    pub riel_per_usd: i64,
    /// All takings in riel at the shop rate (for VAT invoices).
    #[cfg_attr(feature = "ts", ts(type = "Money"))]
    pub takings_in_khr: Money,
    /// Its display text.
    pub takings_in_khr_text: String,
    /// Takings (paid sales) per tender and currency.
    pub by_tender: Vec<TenderTotalView>,
    /// The refunds issued that day, each its own line.
    pub refunds: Vec<RefundView>,
    /// Those refunds per tender (`cash`, `bank`) and currency.
    pub refund_totals: Vec<TenderTotalView>,
    /// Takings less refunds, in riel, each amount at the rate frozen on its sale (the
    /// rate in force for a sale from before rates froze), each rounded half up to whole
    /// riel as its receipt's riel equivalent is.
    #[cfg_attr(feature = "ts", ts(type = "Money"))]
    pub net_khr: Money,
    /// Its display text.
    pub net_khr_text: String,
    /// What rounding each dollar amount to whole riel added to `net_khr`, in hundredths of a
    /// riel (signed; 0 when every amount converted exactly).
    pub net_khr_rounding: i64,
}

/// The result of a manual recheck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RecheckView {
    /// Sales looked at.
    pub sales: usize,
    /// API calls spent.
    pub checks_spent: u32,
    /// Sales that got a verdict (paid, failed, still unpaid).
    pub answered: usize,
}

/// What `ledger verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LedgerCheck {
    /// Receipts checked.
    pub receipts: u64,
    /// SQLite's own integrity problems.
    pub integrity_problems: Vec<String>,
    /// Receipt-chain problems (edited, deleted, reordered receipts).
    pub chain_problems: Vec<String>,
    /// The last receipt per terminal: `terminal`, `number`, `hash`.
    pub heads: Vec<(String, i64, String)>,
}

impl LedgerCheck {
    /// Whether nothing is wrong.
    pub fn is_intact(&self) -> bool {
        self.integrity_problems.is_empty() && self.chain_problems.is_empty()
    }
}
