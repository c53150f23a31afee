//! The shop owner's side of the POS: the owner PIN and the gate it opens (closing itself when
//! idle), the editable settings (validated field by field and saved atomically into the
//! configuration file), the end-of-day summary with receipt numbering, printable receipts,
//! CSV export, the Bakong connection's health, the token entry that never hands the token
//! back, and the whole shop's day from the shop database.

pub mod counter;
mod export;
mod files;
mod health;
pub(crate) mod pin;
mod printer;
mod review;
mod session;
mod settings;
mod shop;
mod token;

pub use export::{export_csv, export_dir, ExportResult, ENV_EXPORT_DIR};
pub use health::{health, recheck_preview, OwnerHealth, RecheckPreview};
pub use pin::{OwnerPin, PIN_LENGTH, PIN_LOCKOUT};
pub use printer::{found_printers, FoundPrinter, PrinterForm};
pub use review::{
    receipt, sale_history, summary, unresolved_count, EndOfDay, HistoryEntry, ReceiptView,
};
pub use session::{OwnerGate, OwnerSession, OwnerStatus, IDLE_LOCK};
pub(crate) use settings::is_account_id;
pub use settings::{FieldError, Settings};
pub use shop::{set_shop_rate, shop_day, CounterPush, ShopDay, ShopLine, ShopRateView};
pub use token::{save_token, TokenStatus};

/// The owner's file in `data_dir` as a table (empty when there is none yet).
pub(crate) fn read_owner_table(
    data_dir: &std::path::Path,
) -> Result<toml::Table, crate::CoreError> {
    files::read_table(&files::owner_file(data_dir))
}
