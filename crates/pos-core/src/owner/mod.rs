//! The shop owner's side of the POS: the owner PIN that keeps cashiers out of the owner
//! screens, the editable settings (validated field by field and saved atomically into the
//! configuration file), the end-of-day summary with receipt numbering, printable receipts,
//! and the Bakong token entry that never hands the token back.

mod files;
mod pin;
mod review;
mod settings;
mod token;

pub use pin::{OwnerPin, PIN_LENGTH, PIN_LOCKOUT};
pub use review::{
    receipt, sale_history, summary, unresolved_count, EndOfDay, HistoryEntry, ReceiptView,
};
pub use settings::{FieldError, Settings};
pub use token::{save_token, TokenStatus};
