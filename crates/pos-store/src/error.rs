//! [`StoreError`]: every way a ledger operation can fail, with the data needed to say why.

use std::path::PathBuf;

use pos_domain::InvalidTransition;

use crate::{Actor, SaleId, ShiftId};

/// A ledger failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused or failed an operation.
    #[error("ledger database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The ledger file or its directory could not be opened or created.
    #[error("cannot open the ledger at {path}: {source}")]
    Open {
        /// The ledger path.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// No per-user app-data directory could be determined; a path must be given.
    #[error("no app-data directory is known for this user: give the ledger path explicitly")]
    NoDataDir,
    /// The database was written by a newer version of the program.
    #[error(
        "the ledger has schema version {found}, newer than the {supported} this program knows: \
         update khqr-pos instead of opening it with an older version"
    )]
    TooNew {
        /// Schema version found in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// No sale with this id.
    #[error("no sale with id {0}")]
    NotFound(SaleId),
    /// The bill number is already used by another sale.
    #[error("bill number {0:?} is already in the ledger")]
    DuplicateBill(String),
    /// The QR md5 is already used by another sale.
    #[error("a sale with qr md5 {0} is already in the ledger")]
    DuplicateMd5(String),
    /// The sale's status does not allow the event.
    #[error("sale {sale_id}: {source}")]
    Transition {
        /// The sale.
        sale_id: SaleId,
        /// The refusal from the state machine.
        source: InvalidTransition,
    },
    /// A payment event arrived without the payment's details.
    #[error("sale {0}: a payment needs its details (hash, amount) to be recorded")]
    MissingPayment(SaleId),
    /// A stored value cannot be read back (edited by hand or corrupted).
    #[error("stored {column} {value:?} is not valid")]
    Corrupt {
        /// The column.
        column: &'static str,
        /// The value found.
        value: String,
    },
    /// Writing the CSV export failed.
    #[error("csv export failed: {0}")]
    Csv(#[from] csv::Error),
    /// A date has no local midnight in the time zone (a daylight-saving gap).
    #[error("{date} has no midnight in time zone {time_zone}")]
    NoMidnight {
        /// The date asked for.
        date: chrono::NaiveDate,
        /// The time zone's name.
        time_zone: String,
    },
    /// Cash arithmetic refused the input (a negative float, a variance without a reason…).
    #[error("{0}")]
    Cash(#[from] pos_cash::CashError),
    /// The terminal already has an open shift.
    #[error("terminal {terminal_id} already has shift {shift_id} open: close it first")]
    ShiftAlreadyOpen {
        /// The terminal.
        terminal_id: String,
        /// The shift that is open.
        shift_id: ShiftId,
    },
    /// No shift with this id.
    #[error("no shift with id {0}")]
    NoShift(ShiftId),
    /// No Z report with this number on the terminal.
    #[error("no z report #{number} on terminal {terminal_id}")]
    NoZReport {
        /// The terminal.
        terminal_id: String,
        /// The number asked for.
        number: i64,
    },
    /// The shift is already closed.
    #[error("shift {0} is already closed")]
    ShiftClosed(ShiftId),
    /// A cashier tried to close another cashier's shift (only the owner may).
    #[error("shift {shift_id} belongs to another cashier: only the owner can close it")]
    NotYourShift {
        /// The shift.
        shift_id: ShiftId,
        /// Who tried.
        by: Actor,
    },
    /// No shift is open on the terminal, and the shop works in shifts (it has cashiers).
    #[error("no shift is open on terminal {terminal_id}: open one first")]
    NoOpenShift {
        /// The terminal.
        terminal_id: String,
    },
    /// The shift named is not the terminal's open shift.
    #[error("shift {shift_id} is not the open shift of terminal {terminal_id}")]
    ShiftNotOpen {
        /// The shift named.
        shift_id: ShiftId,
        /// The terminal.
        terminal_id: String,
    },
    /// A cash movement needs a reason.
    #[error("a cash movement needs a reason")]
    ReasonRequired,
    /// A cashier with this name exists (disabled ones keep their names).
    #[error("a cashier named {0:?} already exists")]
    CashierExists(String),
    /// No cashier with this name.
    #[error("no cashier named {0:?}")]
    NoCashier(String),
    /// The cashier is disabled.
    #[error("cashier {0:?} is disabled")]
    CashierDisabled(String),
    /// Only the owner may do this.
    #[error("only the owner can make {0}")]
    OwnerOnly(&'static str),
    /// No receipt with this number.
    #[error("no receipt {number} on terminal {terminal_id}")]
    NoReceipt {
        /// The terminal.
        terminal_id: String,
        /// The number.
        number: i64,
    },
    /// A refund that cannot be (wrong currency, not positive, blank reference…).
    #[error("refund refused: {0}")]
    RefundInvalid(String),
    /// The refunds would add up to more than was paid.
    #[error("refund of {asked} refused: {paid} was paid and {refunded} is already refunded")]
    RefundTooLarge {
        /// What was paid.
        paid: pos_domain::Money,
        /// What earlier refunds returned.
        refunded: pos_domain::Money,
        /// What this refund asked for.
        asked: pos_domain::Money,
    },
    /// A Z report document could not be written as JSON.
    #[error("z report document: {0}")]
    Document(#[from] serde_json::Error),
}

/// Shorthand for results of this crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
