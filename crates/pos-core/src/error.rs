//! [`CoreError`]: every way a POS operation can fail, and [`ErrorView`], the one shape every
//! failure reaches the UI (and the CLI's JSON) in: a stable [`ErrorCode`] to branch on, an
//! English message for support, the field at fault, and the numbers a translated text needs
//! as typed [`ErrorDetails`], so no client ever reads them out of the message.

use std::path::PathBuf;

use pos_domain::{AmountError, InvalidTransition, UnknownCurrency};
use serde::Serialize;

use crate::owner::FieldError;

/// A failure of a POS operation.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The configuration file could not be read or parsed.
    #[error("cannot read the configuration {path}: {reason}")]
    ConfigRead {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A setting has an unusable value.
    #[error("invalid setting {field}: {reason}")]
    ConfigInvalid {
        /// The setting, as written in the file (`merchant.name`).
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// What the cashier typed is not a chargeable amount.
    #[error("{0}")]
    Amount(#[from] AmountError),
    /// Free text (a sale's note) that is too long or holds control characters.
    #[error("{0}")]
    Text(#[from] pos_domain::text::TextError),
    /// A currency other than KHR or USD.
    #[error("{0}")]
    Currency(#[from] UnknownCurrency),
    /// A QR lifetime outside 1–10 minutes.
    #[error("a qr must stay valid between 1 and 10 minutes, not {secs} seconds")]
    LifetimeOutOfRange {
        /// The lifetime asked for.
        secs: u64,
    },
    /// No sale with this id.
    #[error("no sale with id {sale_id}")]
    SaleNotFound {
        /// The id asked for.
        sale_id: i64,
    },
    /// The sale's status does not allow this (cancelling a paid sale).
    #[error("sale {sale_id}: {source}")]
    Transition {
        /// The sale.
        sale_id: i64,
        /// The state machine's refusal.
        source: InvalidTransition,
    },
    /// A demo-only action outside demo mode.
    #[error("simulated payments exist only in demo mode")]
    NotDemo,
    /// A real Bakong environment is configured but no token file exists.
    #[error("no bakong token at {path}: save the token from the bakong developer portal there, or use demo mode")]
    TokenMissing {
        /// Where the token was looked for.
        path: PathBuf,
    },
    /// No token is configured and this build has no demo mode (the `demo` feature) to fall
    /// back to.
    #[error("no bakong token at {token_file}, and demo mode is not built into this program: save the token from the bakong developer portal there")]
    DemoNotBuilt {
        /// Where the token was looked for.
        token_file: PathBuf,
    },
    /// The token file could not be read or written.
    #[error("token file {path}: {reason}")]
    TokenFile {
        /// The token file.
        path: PathBuf,
        /// What went wrong (never the token).
        reason: String,
    },
    /// The KHQR could not be built from the sale and merchant profile.
    #[error("cannot build the qr: {0}")]
    Qr(#[from] pos_khqr::KhqrError),
    /// The ledger failed.
    #[error("ledger: {0}")]
    Store(pos_store::StoreError),
    /// A backup or restore could not read or write a file.
    #[error("backup {path}: {reason}")]
    Backup {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A backup file is not a sound ledger: never counted as a backup, never restored.
    #[error("backup {path} is not usable: {}", problems.join("; "))]
    BackupBad {
        /// The file.
        path: PathBuf,
        /// What its checks found.
        problems: Vec<String>,
    },
    /// The backup is older than the ledger: restoring it would drop these (`--force` does).
    #[error("the backup is older than the ledger; restoring it would lose: {}", lost.join("; "))]
    RestoreWouldLose {
        /// What would be lost, in words.
        lost: Vec<String>,
    },
    /// The Bakong client could not be set up or a call failed outright.
    #[error("bakong: {0}")]
    Bakong(#[from] pos_bakong::BakongError),
    /// The demo simulator could not start or refused a request.
    #[error("demo simulator: {0}")]
    Simulator(String),
    /// A date in a query is not `YYYY-MM-DD`, or a range is backwards.
    #[error("{text:?} is not a date range: {reason}")]
    DateInvalid {
        /// The text given.
        text: String,
        /// Why.
        reason: String,
    },
    /// A background task of the POS failed.
    #[error("internal task failed: {0}")]
    Task(String),
    /// The POS was shut down; start a new one.
    #[error("the pos has been shut down")]
    Stopped,
    /// A PIN (the owner's or a cashier's) must be 4 to 8 digits.
    #[error("a pin (the owner's or a cashier's) is 4 to 8 digits")]
    PinFormat,
    /// No owner PIN has been set yet.
    #[error("no owner pin is set yet")]
    PinNotSet,
    /// The first PIN can be set only once; change it with the current one.
    #[error("an owner pin is already set")]
    PinAlreadySet,
    /// The PIN given is not the owner's.
    #[error("wrong pin: {attempts_left} attempts left before a pause")]
    PinWrong {
        /// Tries left before the gate locks.
        attempts_left: u32,
    },
    /// Too many wrong PINs: the gate is locked for a while.
    #[error("too many wrong pins: try again in {retry_after_secs} seconds")]
    PinLocked {
        /// Seconds until the next try is accepted.
        retry_after_secs: u64,
    },
    /// The owner's settings form has invalid fields.
    #[error("settings not saved: {}", errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    SettingsInvalid {
        /// Every problem, per field.
        errors: Vec<crate::owner::FieldError>,
    },
    /// An owner file (PIN hash, settings) could not be read or written.
    #[error("owner file {path}: {reason}")]
    OwnerFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// Receipts exist only for paid sales.
    #[error("sale {sale_id} has no receipt: it was not paid")]
    NoReceipt {
        /// The sale.
        sale_id: i64,
    },
    /// Text that should be a sale id (ids travel as text) is not one.
    #[error("{text:?} is not a sale id")]
    SaleIdInvalid {
        /// The text given.
        text: String,
    },
    /// The owner area is closed (never opened, locked, or idle too long): give the PIN.
    #[error("enter the owner pin first")]
    OwnerLocked,
    /// A CSV export could not be written.
    #[error("export {path}: {reason}")]
    ExportFailed {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// Cash input refused by `pos_cash` (a rate, a tender, a count, a variance reason).
    #[error("{0}")]
    Cash(#[from] pos_cash::CashError),
    /// The counter's ledger refused: shifts, cashiers, refunds (the store's error says why).
    #[error("{0}")]
    Counter(pos_store::StoreError),
    /// The cash handed over is short: take more cash, or make a split KHQR for the rest.
    #[error("still due: {cash_khr} in riel cash, or a khqr for exactly {khqr}")]
    CashShort {
        /// More riel cash that settles it (rounded to 100 riel).
        cash_khr: pos_domain::Money,
        /// The exact remainder a split KHQR is made for.
        khqr: pos_domain::Money,
    },
    /// The role signed in may not do this (a cashier refunding, setting the rate…).
    #[error("only the owner can {0}")]
    OwnerOnly(&'static str),
    /// The owner turned accepting on the customer's screen off.
    #[error("accepting a sale on the customer's screen is turned off in the owner's settings")]
    AcceptDisabled,
    /// Bakong can answer now, so the sale is checked instead of accepted unverified.
    #[error("sale {sale_id}: bakong can be checked now; use the check key instead of accepting")]
    AcceptNotNeeded {
        /// The sale.
        sale_id: i64,
    },
    /// The receipt printer could not print (none configured, unreachable, paper out…);
    /// the sale itself is never affected.
    #[error("printer: {0}")]
    Print(pos_print::PrintError),
    /// No payer's reference was typed.
    #[error("type the payer's reference shown on the customer's screen (or its last digits)")]
    PayerRefMissing,
    /// The shop database could not be read (out of reach, refused the login, …); nothing on
    /// this counter depends on it.
    #[error("shop database: {0}")]
    ShopDb(#[from] pos_sync::SyncError),
}

/// The field name a payer's reference error points at.
pub(crate) const PAYER_REF_FIELD: &str = "payer_ref";

/// The stable, machine-readable code of a failure. The UI keys its English and Khmer texts on
/// it; a code, once released, keeps its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The configuration cannot be read or has an unusable value.
    ConfigInvalid,
    /// What the cashier typed is not a chargeable amount.
    AmountInvalid,
    /// Free text (a sale's note) is too long or holds control characters; `field` names it.
    TextInvalid,
    /// A currency other than KHR or USD.
    CurrencyInvalid,
    /// A QR lifetime outside the allowed range.
    ExpiryInvalid,
    /// No such sale (or the text is not a sale id).
    SaleNotFound,
    /// The sale's status does not allow this.
    InvalidTransition,
    /// A demo-only action outside demo mode.
    NotDemo,
    /// A real Bakong environment without a token.
    TokenMissing,
    /// The token file could not be read or written, or the pasted token is unusable.
    TokenFile,
    /// The KHQR could not be built.
    QrFailed,
    /// The ledger failed.
    LedgerFailed,
    /// The Bakong client failed outright.
    BakongFailed,
    /// The demo simulator failed.
    SimulatorFailed,
    /// A date or date range is not valid.
    DateInvalid,
    /// A background task failed.
    Internal,
    /// The POS was shut down.
    Stopped,
    /// An owner PIN must be 4 to 8 digits.
    PinInvalid,
    /// No owner PIN yet.
    PinNotSet,
    /// The first PIN is already set.
    PinAlreadySet,
    /// Wrong PIN; `details` says how many tries are left.
    PinWrong,
    /// Too many wrong PINs; `details` says when to try again.
    PinLocked,
    /// The settings form has invalid fields; `details` lists them.
    SettingsInvalid,
    /// An owner file could not be read or written.
    OwnerFile,
    /// The sale was not paid, so it has no receipt.
    NoReceipt,
    /// The owner area is closed.
    OwnerLocked,
    /// A CSV export could not be written.
    ExportFailed,
    /// An exchange rate that is not a whole number of riel per dollar in 1,000–10,000.
    RateInvalid,
    /// Cash input refused: a tender, a dollar note not accepted, a count, an amount.
    CashInvalid,
    /// The cash handed over is short; `message` says what is still due.
    CashShort,
    /// A closing variance or a cash movement needs a written reason.
    ReasonNeeded,
    /// The terminal already has an open shift.
    ShiftOpen,
    /// No shift is open (sales and cash need one), or the shift named is not the open one.
    NoOpenShift,
    /// The shift is already closed.
    ShiftClosed,
    /// The role signed in may not do this.
    NotAllowed,
    /// No such cashier, a name taken, or a disabled account.
    CashierInvalid,
    /// A refund above what was paid, in another currency, without its reference…
    RefundInvalid,
    /// Accepting on the customer's screen is turned off.
    AcceptDisabled,
    /// Bakong can be checked now: accepting unverified is refused.
    AcceptNotNeeded,
    /// The receipt printer could not print: none configured, unreachable, out of paper,
    /// cover open, offline; `message` says which.
    PrinterFailed,
    /// The shop database could not be read; `message` says why.
    ShopDbFailed,
    /// Not a POS error at all (an IPC failure before the core was reached); made by the UI.
    Unexpected,
}

/// The code as it travels (`pin_wrong`): serde's name is the only spelling.
impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.serialize(f)
    }
}

/// Lets callers and tests compare with the code as written in the contract.
impl PartialEq<&str> for ErrorCode {
    // Error paths and tests only: a short allocation beats a second spelling of every code.
    #[allow(clippy::cmp_owned)]
    fn eq(&self, other: &&str) -> bool {
        self.to_string() == *other
    }
}

/// The numbers and lists a failure carries, for clients to build their own words from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ErrorDetails {
    /// `pin_wrong`.
    #[serde(rename_all = "camelCase")]
    PinWrong {
        /// Tries left before the gate pauses.
        attempts_left: u32,
    },
    /// `pin_locked`.
    #[serde(rename_all = "camelCase")]
    PinLocked {
        /// Seconds until the next try is accepted.
        retry_after_secs: u64,
    },
    /// `settings_invalid`: every field's problem.
    Fields {
        /// One entry per invalid field, in form order.
        fields: Vec<FieldError>,
    },
}

/// A failure as every command (and the CLI's JSON) reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorView {
    /// What went wrong, stably: branch and translate on this.
    pub code: ErrorCode,
    /// For people, in English (support calls, logs); never parsed.
    pub message: String,
    /// The field at fault: a settings form field, or a configuration key.
    pub field: Option<String>,
    /// Numbers and lists behind the code, when it has any.
    pub details: Option<ErrorDetails>,
}

impl ErrorView {
    /// A failure that does not come from a [`CoreError`].
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ErrorView {
        ErrorView {
            code,
            message: message.into(),
            field: None,
            details: None,
        }
    }
}

impl From<&CoreError> for ErrorView {
    fn from(err: &CoreError) -> Self {
        let (field, details) = match err {
            CoreError::PinWrong { attempts_left } => (
                None,
                Some(ErrorDetails::PinWrong {
                    attempts_left: *attempts_left,
                }),
            ),
            CoreError::PinLocked { retry_after_secs } => (
                None,
                Some(ErrorDetails::PinLocked {
                    retry_after_secs: *retry_after_secs,
                }),
            ),
            CoreError::SettingsInvalid { errors } => (
                errors.first().map(|e| e.field.clone()),
                Some(ErrorDetails::Fields {
                    fields: errors.clone(),
                }),
            ),
            CoreError::ConfigInvalid { field, .. } => (Some(field.clone()), None),
            CoreError::Text(error) => (Some(error.field.clone()), None),
            CoreError::PayerRefMissing => (Some(PAYER_REF_FIELD.to_owned()), None),
            _ => (None, None),
        };
        ErrorView {
            code: err.code(),
            message: err.to_string(),
            field,
            details,
        }
    }
}

impl From<CoreError> for ErrorView {
    fn from(err: CoreError) -> Self {
        ErrorView::from(&err)
    }
}

impl CoreError {
    /// The stable, machine-readable code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::ConfigRead { .. } | CoreError::ConfigInvalid { .. } => {
                ErrorCode::ConfigInvalid
            }
            CoreError::Amount(_) => ErrorCode::AmountInvalid,
            CoreError::Text(_) => ErrorCode::TextInvalid,
            CoreError::Currency(_) => ErrorCode::CurrencyInvalid,
            CoreError::LifetimeOutOfRange { .. } => ErrorCode::ExpiryInvalid,
            CoreError::SaleNotFound { .. } => ErrorCode::SaleNotFound,
            CoreError::Transition { .. } => ErrorCode::InvalidTransition,
            CoreError::NotDemo => ErrorCode::NotDemo,
            // The remedy is the same: save a token.
            CoreError::TokenMissing { .. } | CoreError::DemoNotBuilt { .. } => {
                ErrorCode::TokenMissing
            }
            CoreError::TokenFile { .. } => ErrorCode::TokenFile,
            CoreError::Qr(_) => ErrorCode::QrFailed,
            CoreError::Store(_)
            | CoreError::Backup { .. }
            | CoreError::BackupBad { .. }
            | CoreError::RestoreWouldLose { .. } => ErrorCode::LedgerFailed,
            CoreError::Bakong(_) => ErrorCode::BakongFailed,
            CoreError::Simulator(_) => ErrorCode::SimulatorFailed,
            CoreError::DateInvalid { .. } => ErrorCode::DateInvalid,
            CoreError::Task(_) => ErrorCode::Internal,
            CoreError::Stopped => ErrorCode::Stopped,
            CoreError::PinFormat => ErrorCode::PinInvalid,
            CoreError::PinNotSet => ErrorCode::PinNotSet,
            CoreError::PinAlreadySet => ErrorCode::PinAlreadySet,
            CoreError::PinWrong { .. } => ErrorCode::PinWrong,
            CoreError::PinLocked { .. } => ErrorCode::PinLocked,
            CoreError::SettingsInvalid { .. } => ErrorCode::SettingsInvalid,
            CoreError::OwnerFile { .. } => ErrorCode::OwnerFile,
            CoreError::NoReceipt { .. } => ErrorCode::NoReceipt,
            CoreError::SaleIdInvalid { .. } => ErrorCode::SaleNotFound,
            CoreError::OwnerLocked => ErrorCode::OwnerLocked,
            CoreError::ExportFailed { .. } => ErrorCode::ExportFailed,
            CoreError::Cash(e) => match e {
                pos_cash::CashError::RateText(_) | pos_cash::CashError::RateOutOfRange { .. } => {
                    ErrorCode::RateInvalid
                }
                pos_cash::CashError::ReasonNeeded { .. } => ErrorCode::ReasonNeeded,
                _ => ErrorCode::CashInvalid,
            },
            CoreError::Counter(e) => counter_code(e),
            CoreError::CashShort { .. } => ErrorCode::CashShort,
            CoreError::OwnerOnly(_) => ErrorCode::NotAllowed,
            CoreError::AcceptDisabled => ErrorCode::AcceptDisabled,
            CoreError::AcceptNotNeeded { .. } => ErrorCode::AcceptNotNeeded,
            CoreError::PayerRefMissing => ErrorCode::TextInvalid,
            CoreError::Print(pos_print::PrintError::NoReceipt { .. }) => ErrorCode::NoReceipt,
            CoreError::Print(_) => ErrorCode::PrinterFailed,
            CoreError::ShopDb(_) => ErrorCode::ShopDbFailed,
        }
    }
}

/// The code of a counter refusal from the ledger.
fn counter_code(error: &pos_store::StoreError) -> ErrorCode {
    use pos_store::StoreError as S;
    match error {
        S::ShiftAlreadyOpen { .. } => ErrorCode::ShiftOpen,
        S::ShiftClosed(_) => ErrorCode::ShiftClosed,
        S::NotYourShift { .. } | S::OwnerOnly(_) => ErrorCode::NotAllowed,
        S::CashierExists(_) | S::NoCashier(_) | S::CashierDisabled(_) => ErrorCode::CashierInvalid,
        S::RefundInvalid(_) | S::RefundTooLarge { .. } | S::NoReceipt { .. } => {
            ErrorCode::RefundInvalid
        }
        S::ReasonRequired => ErrorCode::ReasonNeeded,
        _ => ErrorCode::NoOpenShift,
    }
}

/// The ledger's failures under a print keep their ledger codes; the rest is the printer's.
impl From<pos_print::PrintError> for CoreError {
    fn from(error: pos_print::PrintError) -> Self {
        match error {
            pos_print::PrintError::Store(e) => e.into(),
            e => CoreError::Print(e),
        }
    }
}

/// A missing sale, a refused transition, refused cash and the counter's refusals keep their
/// own codes; the rest is a ledger failure.
impl From<pos_store::StoreError> for CoreError {
    fn from(error: pos_store::StoreError) -> Self {
        use pos_store::StoreError as S;
        match error {
            S::Cash(e) => CoreError::Cash(e),
            e @ (S::ShiftAlreadyOpen { .. }
            | S::NoShift(_)
            | S::NoZReport { .. }
            | S::ShiftClosed(_)
            | S::NotYourShift { .. }
            | S::NoOpenShift { .. }
            | S::ShiftNotOpen { .. }
            | S::ReasonRequired
            | S::CashierExists(_)
            | S::NoCashier(_)
            | S::CashierDisabled(_)
            | S::OwnerOnly(_)
            | S::NoReceipt { .. }
            | S::RefundInvalid(_)
            | S::RefundTooLarge { .. }) => CoreError::Counter(e),
            pos_store::StoreError::NotFound(id) => CoreError::SaleNotFound { sale_id: id.0 },
            pos_store::StoreError::Transition { sale_id, source } => CoreError::Transition {
                sale_id: sale_id.0,
                source,
            },
            other => CoreError::Store(other),
        }
    }
}

/// Serialized as its [`ErrorView`].
impl Serialize for CoreError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ErrorView::from(self).serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pos_domain::{Currency, Money, SaleEvent, SaleStatus};

    /// The JSON every client receives, pinned per representative variant: changing a code,
    /// a key or the shape of `details` breaks the UI and integrators, so it must show here.
    #[test]
    fn errors_reach_clients_as_code_message_field_and_details() {
        let cases: Vec<(CoreError, &str)> = vec![
            (
                CoreError::Amount(AmountError::TooManyDecimals {
                    currency: Currency::Khr,
                    max: 0,
                }),
                r#"{"code":"amount_invalid","message":"KHR takes at most 0 decimal places","field":null,"details":null}"#,
            ),
            (
                CoreError::LifetimeOutOfRange { secs: 30 },
                r#"{"code":"expiry_invalid","message":"a qr must stay valid between 1 and 10 minutes, not 30 seconds","field":null,"details":null}"#,
            ),
            (
                CoreError::PayerRefMissing,
                r#"{"code":"text_invalid","message":"type the payer's reference shown on the customer's screen (or its last digits)","field":"payer_ref","details":null}"#,
            ),
            (
                CoreError::AcceptNotNeeded { sale_id: 7 },
                r#"{"code":"accept_not_needed","message":"sale 7: bakong can be checked now; use the check key instead of accepting","field":null,"details":null}"#,
            ),
            (
                CoreError::SaleNotFound { sale_id: 7 },
                r#"{"code":"sale_not_found","message":"no sale with id 7","field":null,"details":null}"#,
            ),
            (
                CoreError::SaleIdInvalid { text: "x".into() },
                r#"{"code":"sale_not_found","message":"\"x\" is not a sale id","field":null,"details":null}"#,
            ),
            (
                CoreError::Transition {
                    sale_id: 3,
                    source: InvalidTransition {
                        from: SaleStatus::Paid,
                        event: SaleEvent::Cancelled,
                    },
                },
                r#"{"code":"invalid_transition","message":"sale 3: a paid sale cannot take Cancelled","field":null,"details":null}"#,
            ),
            (
                CoreError::Print(pos_print::PrintError::NotReady {
                    fault: pos_print::Fault::PaperOut,
                }),
                r#"{"code":"printer_failed","message":"printer: printer not ready: paper out","field":null,"details":null}"#,
            ),
            (
                CoreError::NotDemo,
                r#"{"code":"not_demo","message":"simulated payments exist only in demo mode","field":null,"details":null}"#,
            ),
            (
                CoreError::ConfigInvalid {
                    field: "merchant.name".into(),
                    reason: "must not be empty".into(),
                },
                r#"{"code":"config_invalid","message":"invalid setting merchant.name: must not be empty","field":"merchant.name","details":null}"#,
            ),
            (
                CoreError::PinWrong { attempts_left: 4 },
                r#"{"code":"pin_wrong","message":"wrong pin: 4 attempts left before a pause","field":null,"details":{"kind":"pinWrong","attemptsLeft":4}}"#,
            ),
            (
                CoreError::PinLocked {
                    retry_after_secs: 30,
                },
                r#"{"code":"pin_locked","message":"too many wrong pins: try again in 30 seconds","field":null,"details":{"kind":"pinLocked","retryAfterSecs":30}}"#,
            ),
            (
                CoreError::SettingsInvalid {
                    errors: vec![
                        FieldError {
                            code: "format".into(),
                            message: "name@bank".into(),
                            field: "accountId".into(),
                        },
                        FieldError {
                            code: "required".into(),
                            message: "required".into(),
                            field: "city".into(),
                        },
                    ],
                },
                r#"{"code":"settings_invalid","message":"settings not saved: accountId: name@bank; city: required","field":"accountId","details":{"kind":"fields","fields":[{"code":"format","message":"name@bank","field":"accountId"},{"code":"required","message":"required","field":"city"}]}}"#,
            ),
            (
                CoreError::OwnerLocked,
                r#"{"code":"owner_locked","message":"enter the owner pin first","field":null,"details":null}"#,
            ),
            (
                CoreError::ExportFailed {
                    path: "/x/sales.csv".into(),
                    reason: "read-only file system".into(),
                },
                r#"{"code":"export_failed","message":"export /x/sales.csv: read-only file system","field":null,"details":null}"#,
            ),
            (
                CoreError::CashShort {
                    cash_khr: Money::new(3_100, Currency::Khr),
                    khqr: Money::new(75, Currency::Usd),
                },
                r#"{"code":"cash_short","message":"still due: 3,100 in riel cash, or a khqr for exactly 0.75","field":null,"details":null}"#,
            ),
            (
                CoreError::OwnerOnly("make refunds"),
                r#"{"code":"not_allowed","message":"only the owner can make refunds","field":null,"details":null}"#,
            ),
            (
                CoreError::from(pos_store::StoreError::RefundTooLarge {
                    paid: Money::new(375, Currency::Usd),
                    refunded: Money::new(300, Currency::Usd),
                    asked: Money::new(100, Currency::Usd),
                }),
                r#"{"code":"refund_invalid","message":"refund of 1.00 refused: 3.75 was paid and 3.00 is already refunded","field":null,"details":null}"#,
            ),
            (
                CoreError::from(pos_store::StoreError::Cash(
                    pos_cash::CashError::RateOutOfRange {
                        riel_per_usd: 0,
                        min: 1_000,
                        max: 10_000,
                    },
                )),
                r#"{"code":"rate_invalid","message":"exchange rate 0 riel per dollar is outside 1000–10000","field":null,"details":null}"#,
            ),
        ];
        for (error, json) in cases {
            assert_eq!(serde_json::to_string(&error).unwrap(), json);
        }
    }
}
