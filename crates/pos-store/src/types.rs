//! The values the ledger takes and returns. Plain data with serde so the CLI and the UI can show
//! them as JSON; all times are epoch milliseconds (UTC) passed in by the caller, never read from
//! a clock here, so tests and the watcher's virtual clock stay in control.

use std::fmt;

use pos_domain::{Currency, Money, SaleStatus};
use serde::{Deserialize, Serialize};

/// The ledger's row id of a sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SaleId(pub i64);

impl fmt::Display for SaleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A sale about to be charged: written as `pending` before its QR is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSale {
    /// The KHQR bill number (tag 62.01); unique in the ledger.
    pub bill_number: String,
    /// The counter PC or CLI instance that charged; receipts are numbered per terminal.
    pub terminal_id: String,
    /// When the sale was created.
    pub created_ms: i64,
    /// What the customer is asked to pay (also the QR's amount and currency).
    pub amount: Money,
    /// The cashier's optional note or reference.
    pub note: Option<String>,
    /// The exact QR string shown; its md5 is what Bakong is asked about.
    pub qr: String,
    /// md5 of `qr`, lower-case hex; unique in the ledger.
    pub md5: String,
    /// When the QR stops being payable.
    pub expires_ms: i64,
    /// The shop rate in riel per US dollar in force when the sale was made.
    pub riel_per_usd: Option<i64>,
}

/// What Bakong reported about a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentDetails {
    /// The 64-hex Bakong transaction hash.
    pub hash: String,
    /// The payer's Bakong account (`fromAccountId`).
    pub payer_account: Option<String>,
    /// The account paid (`toAccountId`).
    pub payee_account: Option<String>,
    /// The amount and currency actually paid.
    pub amount: Money,
    /// When the payer sent the money (`createdDateMs`).
    pub created_ms: Option<i64>,
    /// When Bakong recorded it (`acknowledgedDateMs`).
    pub acknowledged_ms: Option<i64>,
    /// The payer bank's reference (`externalRef`).
    pub external_ref: Option<String>,
    /// Bakong's instruction reference (`instructionRef`).
    pub instruction_ref: Option<String>,
}

/// A sale as the ledger holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sale {
    /// Row id.
    pub id: SaleId,
    /// The KHQR bill number.
    pub bill_number: String,
    /// The terminal that charged.
    pub terminal_id: String,
    /// When the sale was created.
    pub created_ms: i64,
    /// The amount asked for.
    pub amount: Money,
    /// The cashier's note.
    pub note: Option<String>,
    /// The exact QR string; empty for a cash sale, which has none.
    pub qr: String,
    /// md5 of the QR string; empty for a cash sale.
    pub md5: String,
    /// When the QR expires.
    pub expires_ms: i64,
    /// Shop rate used, riel per US dollar.
    pub riel_per_usd: Option<i64>,
    /// Where the sale stands.
    pub status: SaleStatus,
    /// When the status last changed.
    pub updated_ms: i64,
    /// The payment, once one was reported.
    pub payment: Option<PaymentDetails>,
    /// The receipt number, once the sale has a payment.
    pub receipt_number: Option<i64>,
    /// What the QR asks for when it is not the total: the KHQR part of a split sale.
    pub qr_amount: Option<Money>,
    /// The payer's reference the cashier typed when accepting the sale on the customer's
    /// success screen, if it was accepted so.
    pub accepted_ref: Option<String>,
    /// The shift that took it and who was at the till; `None` for a KHQR sale made outside
    /// any shift (every sale before shifts existed).
    pub counter: Option<SaleCounter>,
}

/// Where a sale was taken: its shift and the cashier of that shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleCounter {
    /// The shift.
    pub shift: crate::ShiftId,
    /// Who took it (the shift's cashier, or the owner).
    pub cashier: crate::Actor,
    /// The cashier's name; `None` for the owner.
    pub cashier_name: Option<String>,
}

/// How a sale was paid, from its row: a cash sale has no QR, a split sale's QR asks for less
/// than the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SaleTender {
    /// Paid by KHQR for its total.
    Khqr,
    /// Paid in cash (dollars and/or riel).
    Cash,
    /// Cash first, a KHQR for the rest.
    Split,
}

impl SaleTender {
    /// Every tender, in report order.
    pub const ALL: [SaleTender; 3] = [SaleTender::Khqr, SaleTender::Cash, SaleTender::Split];

    /// Its lower-case name, as reports and CSV write it.
    pub fn as_str(self) -> &'static str {
        match self {
            SaleTender::Khqr => "khqr",
            SaleTender::Cash => "cash",
            SaleTender::Split => "split",
        }
    }
}

impl Sale {
    /// How it was paid.
    pub fn tender(&self) -> SaleTender {
        if self.qr_amount.is_some() {
            SaleTender::Split
        } else if self.md5.is_empty() {
            SaleTender::Cash
        } else {
            SaleTender::Khqr
        }
    }

    /// What its QR asks the customer to pay: the total, or a split sale's remainder.
    pub fn qr_due(&self) -> Money {
        self.qr_amount.unwrap_or(self.amount)
    }
}

/// A receipt: the gap-free number a paid sale gets on its terminal, chained by hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The terminal whose sequence this number belongs to.
    pub terminal_id: String,
    /// 1, 2, 3… per terminal, with no gaps.
    pub number: i64,
    /// The sale it was issued for.
    pub sale_id: SaleId,
    /// When it was issued (the time the payment was recorded).
    pub issued_ms: i64,
    /// The hash of the terminal's previous receipt (64 zeros for the first).
    pub prev_hash: String,
    /// sha256 over this receipt, its sale's payment facts and `prev_hash`, lower-case hex.
    pub hash: String,
}

/// The result of [`crate::Store::apply_event`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Applied {
    /// The sale moved from `from` to `sale.status`; `receipt` is the receipt issued with it
    /// when the new status has a payment.
    Changed {
        /// The status before.
        from: SaleStatus,
        /// The sale after the change.
        sale: Sale,
        /// The receipt issued in the same transaction, if any.
        receipt: Option<Receipt>,
    },
    /// The event repeated what already happened (a second "paid"): nothing was written.
    Unchanged {
        /// The sale as it is.
        sale: Sale,
    },
}

impl Applied {
    /// The sale after the event.
    pub fn sale(&self) -> &Sale {
        match self {
            Applied::Changed { sale, .. } | Applied::Unchanged { sale } => sale,
        }
    }

    /// The receipt this call issued (never one issued by an earlier call).
    pub fn receipt(&self) -> Option<&Receipt> {
        match self {
            Applied::Changed { receipt, .. } => receipt.as_ref(),
            Applied::Unchanged { .. } => None,
        }
    }

    /// Whether this call changed the sale.
    pub fn is_changed(&self) -> bool {
        matches!(self, Applied::Changed { .. })
    }
}

/// The outcome of one Bakong status check, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckRecord {
    /// When the check was made.
    pub at_ms: i64,
    /// The HTTP status, when a response arrived.
    pub http_status: Option<u16>,
    /// Bakong's `responseCode` (0 success, 1 error), when the body was JSON.
    pub response_code: Option<i64>,
    /// Bakong's `errorCode`, when present.
    pub error_code: Option<i64>,
    /// Free text: what the watcher concluded ("not found", "timeout", "quota"…).
    pub note: Option<String>,
}

/// One entry of a sale's append-only history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleEventRecord {
    /// Position in the whole log (increasing).
    pub id: i64,
    /// The sale it belongs to.
    pub sale_id: SaleId,
    /// When it happened.
    pub at_ms: i64,
    /// What happened.
    pub kind: EventKind,
}

/// What a logged event records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A status change; `from` is `None` for the sale's creation.
    Status {
        /// The status before, if any.
        from: Option<SaleStatus>,
        /// The status after.
        to: SaleStatus,
    },
    /// A status check against Bakong.
    Check(CheckRecord),
}

/// A half-open time range `[from_ms, to_ms)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// Inclusive start.
    pub from_ms: i64,
    /// Exclusive end.
    pub to_ms: i64,
}

/// A filter for the owner's sale list; every part is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Query {
    /// Only sales created in this range.
    pub range: Option<Range>,
    /// Only sales with this status.
    pub status: Option<SaleStatus>,
    /// Text matched against the bill number (anywhere), md5 and Bakong hash (prefix), and the
    /// amount when it reads as one (`"5000"`, `"1.50"`).
    pub search: Option<String>,
    /// At most this many sales (oldest first).
    pub limit: Option<u32>,
}

/// Count and sum of the asked amounts for one currency and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Total {
    /// The sales' currency.
    pub currency: Currency,
    /// The sales' status.
    pub status: SaleStatus,
    /// How many sales.
    pub count: u64,
    /// Sum of their amounts, in minor units of `currency`.
    pub sum: Money,
}

/// What [`crate::Store::verify_chain`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChainReport {
    /// How many receipts were checked.
    pub receipts: u64,
    /// The last receipt of each terminal (terminal, number, hash): write these down elsewhere
    /// (e.g. on the printed end-of-day report) to detect a truncated ledger later.
    pub heads: Vec<(String, i64, String)>,
    /// Everything that does not add up; empty when the chain is intact.
    pub problems: Vec<ChainProblem>,
}

impl ChainReport {
    /// Whether no problem was found.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One way the receipt chain does not add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ChainProblem {
    /// Receipt numbers jump: the ones in between were deleted.
    Gap {
        /// The terminal.
        terminal_id: String,
        /// The number that should have come next.
        expected: i64,
        /// The number found instead.
        found: i64,
    },
    /// The receipt's `prev_hash` is not the previous receipt's hash: a receipt before it was
    /// deleted, replaced, or the two were reordered.
    BrokenLink {
        /// The terminal.
        terminal_id: String,
        /// The receipt whose link is broken.
        number: i64,
    },
    /// The receipt or its sale's payment facts were edited after it was issued.
    Edited {
        /// The terminal.
        terminal_id: String,
        /// The receipt whose hash no longer matches.
        number: i64,
        /// Its sale.
        sale_id: SaleId,
    },
    /// The receipt's sale row is gone.
    MissingSale {
        /// The terminal.
        terminal_id: String,
        /// The receipt.
        number: i64,
        /// The sale it names.
        sale_id: SaleId,
    },
    /// A sale was paid (by its row or its event log) but has no receipt: the receipt was
    /// deleted, or the status edited.
    MissingReceipt {
        /// The sale.
        sale_id: SaleId,
    },
}

impl fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainProblem::Gap {
                terminal_id,
                expected,
                found,
            } => write!(
                f,
                "terminal {terminal_id}: receipt {expected} missing (next found is {found})"
            ),
            ChainProblem::BrokenLink {
                terminal_id,
                number,
            } => write!(
                f,
                "terminal {terminal_id}: receipt {number} does not follow the receipt before it (deleted or reordered)"
            ),
            ChainProblem::Edited {
                terminal_id,
                number,
                sale_id,
            } => write!(
                f,
                "terminal {terminal_id}: receipt {number} (sale {sale_id}) was edited"
            ),
            ChainProblem::MissingSale {
                terminal_id,
                number,
                sale_id,
            } => write!(
                f,
                "terminal {terminal_id}: receipt {number} names sale {sale_id}, which is missing"
            ),
            ChainProblem::MissingReceipt { sale_id } => {
                write!(f, "sale {sale_id} was paid but has no receipt")
            }
        }
    }
}
