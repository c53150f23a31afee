//! The values of the cash side of the ledger: who did something, rate changes, shifts and
//! Z reports. Plain data with serde, like [`crate::types`].

use std::fmt;

use pos_cash::{Change, Closing, PerCurrency, Rate, ShiftTotals, Tendered};
use pos_domain::Money;
use serde::{Deserialize, Serialize};

/// Who did something: the owner (PIN in the settings) or a cashier account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "role", content = "id", rename_all = "lowercase")]
pub enum Actor {
    /// The shop owner.
    Owner,
    /// A cashier, by row id.
    Cashier(i64),
}

impl Actor {
    /// The column value: NULL for the owner.
    pub(crate) fn column(self) -> Option<i64> {
        match self {
            Actor::Owner => None,
            Actor::Cashier(id) => Some(id),
        }
    }

    pub(crate) fn from_column(id: Option<i64>) -> Actor {
        id.map_or(Actor::Owner, Actor::Cashier)
    }
}

/// One entry of the rate log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateChange {
    /// The rate set.
    pub rate: Rate,
    /// When.
    pub changed_ms: i64,
    /// By whom.
    pub changed_by: Actor,
}

/// The ledger's row id of a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ShiftId(pub i64);

impl fmt::Display for ShiftId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A shift as the ledger holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shift {
    /// Row id.
    pub id: ShiftId,
    /// The terminal whose drawer it is.
    pub terminal_id: String,
    /// Who opened it.
    pub cashier: Actor,
    /// When it opened.
    pub opened_ms: i64,
    /// The counted opening float.
    pub opening: PerCurrency,
    /// Its close, once closed.
    pub closed: Option<ShiftClose>,
}

/// How a shift was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShiftClose {
    /// When.
    pub closed_ms: i64,
    /// By whom (the cashier, or the owner closing another cashier's shift).
    pub closed_by: Actor,
    /// Expected, counted, variance and reason.
    pub closing: Closing,
}

/// A Z report: the immutable totals of a closed shift, gap-free per terminal and chained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZReport {
    /// The terminal whose sequence the number belongs to.
    pub terminal_id: String,
    /// 1, 2, 3… per terminal, with no gaps.
    pub number: i64,
    /// The shift it closes.
    pub shift_id: ShiftId,
    /// When it was issued.
    pub issued_ms: i64,
    /// The document as issued: the shift's totals and its closing.
    pub document: ZDocument,
    /// The hash of the terminal's previous Z report (64 zeros for the first).
    pub prev_hash: String,
    /// sha256 over this report and `prev_hash`, lower-case hex.
    pub hash: String,
}

/// What a Z report says, stored as JSON exactly as issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZDocument {
    /// Per currency and tender.
    pub totals: ShiftTotals,
    /// Expected, counted, variance and reason.
    pub closing: Closing,
}

/// A cash sale (or a split sale whose cash was short) as the counter finishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewCashSale {
    /// The sale: bill number, terminal, time, total, note; for a split sale also the QR for
    /// the remainder (`qr`, `md5`, `expires_ms`). Its rate is taken from `rate`.
    pub sale: crate::NewSale,
    /// The shop rate frozen on the sale.
    pub rate: Rate,
    /// Cash handed over.
    pub cash: Tendered,
    /// Change given back.
    pub change: Change,
    /// The rounding line, riel (positive: the shop kept it).
    pub rounding: Money,
    /// A split sale's KHQR part: exactly what the cash left.
    pub khqr: Option<Money>,
}

/// One tender line of a sale: `cash`, `change`, `khqr` or `rounding`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenderLine {
    /// The kind of line.
    pub kind: String,
    /// Its amount (the rounding line is signed riel).
    pub amount: Money,
}

/// Cash put into or taken out of a drawer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CashMovement {
    /// In (true) or out.
    pub cash_in: bool,
    /// How much; positive.
    pub amount: Money,
    /// Why (required).
    pub reason: String,
    /// When.
    pub at_ms: i64,
    /// Who.
    pub by: Actor,
}

/// A cashier account (its PIN hash is never part of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cashier {
    /// Row id: [`Actor::Cashier`]'s id.
    pub id: i64,
    /// The name the cashier signs in with; unique.
    pub name: String,
    /// When the account was added.
    pub created_ms: i64,
    /// When it was disabled, if it was.
    pub disabled_ms: Option<i64>,
}

/// How a refund was paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RefundTender {
    /// From the drawer of the terminal's open shift, which counts it.
    Cash,
    /// Paid back from the shop's bank app; the reference the owner typed.
    Bank {
        /// The bank app's reference.
        reference: String,
    },
}

/// A refund to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewRefund {
    /// The terminal recording it (its own gap-free numbers).
    pub terminal_id: String,
    /// The receipt's terminal.
    pub receipt_terminal_id: String,
    /// The receipt's number.
    pub receipt_number: i64,
    /// When.
    pub issued_ms: i64,
    /// How much, in the sale's currency.
    pub amount: Money,
    /// How it was paid.
    pub tender: RefundTender,
    /// Who (the owner alone may).
    pub by: Actor,
    /// Why, optionally.
    pub reason: Option<String>,
}

/// A refund as the ledger holds it: gap-free per terminal and chained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    /// The terminal whose sequence the number belongs to.
    pub terminal_id: String,
    /// 1, 2, 3… per terminal, with no gaps.
    pub number: i64,
    /// The original receipt's terminal.
    pub receipt_terminal_id: String,
    /// The original receipt's number.
    pub receipt_number: i64,
    /// When.
    pub issued_ms: i64,
    /// How much.
    pub amount: Money,
    /// How it was paid.
    pub tender: RefundTender,
    /// The shift that counts it: always for cash, the open one (if any) for bank.
    pub shift: Option<ShiftId>,
    /// Who.
    pub by: Actor,
    /// Why.
    pub reason: Option<String>,
    /// The terminal's previous refund hash (64 zeros for the first).
    pub prev_hash: String,
    /// sha256 over this refund and `prev_hash`.
    pub hash: String,
}

/// Something wrong in the refund or Z report chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CashChainProblem {
    /// `refunds` or `z_reports`.
    pub chain: String,
    /// The terminal.
    pub terminal_id: String,
    /// The record's number.
    pub number: i64,
    /// What is wrong: a gap, a broken link, an edited record.
    pub problem: String,
}

/// The refund and Z report chains, walked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CashChainReport {
    /// Refunds walked.
    pub refunds: u64,
    /// Z reports walked.
    pub z_reports: u64,
    /// Everything found wrong.
    pub problems: Vec<CashChainProblem>,
}
