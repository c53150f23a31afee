//! [`CoreError`]: every way a POS operation can fail. The UI receives it as
//! `{"code": …, "message": …}` and branches on the stable `code`, never on the message.

use std::path::PathBuf;

use pos_domain::{AmountError, InvalidTransition, UnknownCurrency};
use serde::ser::SerializeStruct;

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
    /// An owner PIN must be 4 to 8 digits.
    #[error("an owner pin is 4 to 8 digits")]
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
}

impl CoreError {
    /// The stable, machine-readable code the UI branches on.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::ConfigRead { .. } | CoreError::ConfigInvalid { .. } => "config_invalid",
            CoreError::Amount(_) => "amount_invalid",
            CoreError::Text(_) => "text_invalid",
            CoreError::Currency(_) => "currency_invalid",
            CoreError::LifetimeOutOfRange { .. } => "expiry_invalid",
            CoreError::SaleNotFound { .. } => "sale_not_found",
            CoreError::Transition { .. } => "invalid_transition",
            CoreError::NotDemo => "not_demo",
            // The remedy is the same: save a token.
            CoreError::TokenMissing { .. } | CoreError::DemoNotBuilt { .. } => "token_missing",
            CoreError::TokenFile { .. } => "token_file",
            CoreError::Qr(_) => "qr_failed",
            CoreError::Store(_) => "ledger_failed",
            CoreError::Bakong(_) => "bakong_failed",
            CoreError::Simulator(_) => "simulator_failed",
            CoreError::DateInvalid { .. } => "date_invalid",
            CoreError::Task(_) => "internal",
            CoreError::Stopped => "stopped",
            CoreError::PinFormat => "pin_invalid",
            CoreError::PinNotSet => "pin_not_set",
            CoreError::PinAlreadySet => "pin_already_set",
            CoreError::PinWrong { .. } => "pin_wrong",
            CoreError::PinLocked { .. } => "pin_locked",
            CoreError::SettingsInvalid { .. } => "settings_invalid",
            CoreError::OwnerFile { .. } => "owner_file",
            CoreError::NoReceipt { .. } => "no_receipt",
        }
    }
}

/// A missing sale or a refused transition keeps its own code; the rest is a ledger failure.
impl From<pos_store::StoreError> for CoreError {
    fn from(error: pos_store::StoreError) -> Self {
        match error {
            pos_store::StoreError::NotFound(id) => CoreError::SaleNotFound { sale_id: id.0 },
            pos_store::StoreError::Transition { sale_id, source } => CoreError::Transition {
                sale_id: sale_id.0,
                source,
            },
            other => CoreError::Store(other),
        }
    }
}

/// Serialized as `{"code": …, "message": …}` for the UI.
impl serde::Serialize for CoreError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("CoreError", 2)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pos_domain::{Currency, SaleEvent, SaleStatus};

    #[test]
    fn errors_reach_the_ui_as_code_and_message() {
        let cases: Vec<(CoreError, &str)> = vec![
            (
                CoreError::Amount(AmountError::TooManyDecimals {
                    currency: Currency::Khr,
                    max: 0,
                }),
                r#"{"code":"amount_invalid","message":"KHR takes at most 0 decimal places"}"#,
            ),
            (
                CoreError::LifetimeOutOfRange { secs: 30 },
                r#"{"code":"expiry_invalid","message":"a qr must stay valid between 1 and 10 minutes, not 30 seconds"}"#,
            ),
            (
                CoreError::SaleNotFound { sale_id: 7 },
                r#"{"code":"sale_not_found","message":"no sale with id 7"}"#,
            ),
            (
                CoreError::Transition {
                    sale_id: 3,
                    source: InvalidTransition {
                        from: SaleStatus::Paid,
                        event: SaleEvent::Cancelled,
                    },
                },
                r#"{"code":"invalid_transition","message":"sale 3: a paid sale cannot take Cancelled"}"#,
            ),
            (
                CoreError::NotDemo,
                r#"{"code":"not_demo","message":"simulated payments exist only in demo mode"}"#,
            ),
            (
                CoreError::ConfigInvalid {
                    field: "merchant.name".into(),
                    reason: "must not be empty".into(),
                },
                r#"{"code":"config_invalid","message":"invalid setting merchant.name: must not be empty"}"#,
            ),
        ];
        for (error, json) in cases {
            assert_eq!(serde_json::to_string(&error).unwrap(), json);
        }
    }
}
