//! What the counter's commands take and return, as the CLI prints them with `--json` (and the
//! app will show them). Amounts the cashier types travel as text and go through
//! [`pos_domain::Money::parse_cashier`], like a charge's amount.

use pos_cash::{Change, PerCurrency, Settlement, ShiftTotals, Tendered};
use pos_domain::{Currency, Money};
use pos_store::{Actor, Shift};
use serde::{Deserialize, Serialize};

use crate::{ChargeView, SaleView};

/// The rate in force and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateView {
    /// Riel per US dollar.
    pub riel_per_usd: i64,
    /// When the owner set it; `None` while the configured rate is used.
    pub changed_at_ms: Option<i64>,
    /// Who set it.
    pub changed_by: Option<Actor>,
}

/// A cash sale as the cashier rings it up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CashSaleRequest {
    /// The total, as typed.
    pub amount: String,
    /// Its currency (default: the shop's).
    pub currency: Option<Currency>,
    /// Dollars handed over, as typed (whole accepted notes).
    pub usd_given: Option<String>,
    /// Riel handed over, as typed.
    pub khr_given: Option<String>,
    /// The per-sale "all change in riel" key.
    pub all_riel: bool,
    /// When the cash is short, make a KHQR for exactly the rest (else the sale is refused
    /// with what is still due).
    pub split: bool,
    /// The cashier's note.
    pub note: Option<String>,
}

/// A cash sale finished (or a split sale waiting for its KHQR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CashSaleView {
    /// The sale (paid with its receipt; pending for a split sale).
    pub sale: SaleView,
    /// The rate frozen on it.
    pub riel_per_usd: i64,
    /// The total in riel at that rate.
    pub due_khr: Money,
    /// The total in dollars at that rate (rounded up for a riel total).
    pub due_usd: Money,
    /// Cash handed over.
    pub tendered: Tendered,
    /// Change to give.
    pub change: Change,
    /// The rounding line, riel (positive: the shop kept it).
    pub rounding: Money,
    /// A split sale's QR for the rest.
    pub khqr: Option<ChargeView>,
}

/// A cash sale settled but not recorded: the change shown live as the cashier types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CashPreview {
    /// The rate in force, which finishing now would freeze.
    pub riel_per_usd: i64,
    /// The total in riel at that rate.
    pub due_khr: Money,
    /// The total in dollars at that rate.
    pub due_usd: Money,
    /// Cash handed over.
    pub tendered: Tendered,
    /// The change and rounding line, or what is still due.
    pub settlement: Settlement,
}

/// Cash into or out of the drawer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MovementRequest {
    /// In (true) or out.
    pub cash_in: bool,
    /// How much, as typed.
    pub amount: String,
    /// In which currency.
    pub currency: Currency,
    /// Why.
    pub reason: String,
}

/// The drawer counted at close: per currency an amount as typed (`38,000`), or the
/// denomination helper's note counts (`50,000x1 + 1,000x3`; dollar notes in dollars, `20x2`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloseShiftRequest {
    /// Riel counted.
    pub counted_khr: String,
    /// Dollars counted.
    pub counted_usd: String,
    /// Why the variance, when it is above the shop's threshold.
    pub reason: Option<String>,
}

/// The drawer counted against expected before the close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CountPreview {
    /// What the drawer should hold.
    pub expected: PerCurrency,
    /// What was counted.
    pub counted: PerCurrency,
    /// `counted − expected`.
    pub variance: PerCurrency,
    /// The variance is above the shop's threshold: closing needs a written reason.
    pub reason_needed: bool,
}

/// A shift with its X report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShiftView {
    /// The shift.
    pub shift: Shift,
    /// Its totals per currency and tender so far.
    pub totals: ShiftTotals,
    /// What the drawer should hold now.
    pub expected: PerCurrency,
    /// Opened on an earlier shop day: offer to close it.
    pub from_earlier_day: bool,
}

/// A refund as the owner enters it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundRequest {
    /// The original receipt's number.
    pub receipt: i64,
    /// Its terminal (default: this one).
    pub receipt_terminal: Option<String>,
    /// How much, as typed, in the sale's currency.
    pub amount: String,
    /// The currency the owner means (checked against the sale's; `None`: the sale's).
    pub currency: Option<Currency>,
    /// Paid back from the shop's bank app with this reference; `None`: cash from the drawer.
    pub bank_reference: Option<String>,
    /// Why.
    pub reason: Option<String>,
}
