//! The values of the cash side of the ledger: who did something, rate changes, shifts and
//! Z reports. Plain data with serde, like [`crate::types`].

use std::fmt;

use pos_cash::{Closing, PerCurrency, Rate, ShiftTotals};
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
pub struct ZDocument {
    /// Per currency and tender.
    pub totals: ShiftTotals,
    /// Expected, counted, variance and reason.
    pub closing: Closing,
}
