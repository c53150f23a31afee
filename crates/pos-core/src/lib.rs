//! The POS core shared by the desktop app and the `khqr-pos` CLI: configuration, charging
//! (the pending sale is written before its QR is returned), the quota-aware payment watcher,
//! and the [`Pos`] facade that ties them together.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pos_core::CoreError> {
//! use pos_core::{ChargeRequest, Config, Currency, Pos};
//! let pos = Pos::start(Config::demo("/tmp/khqr-pos-demo")?).await?;
//! let mut events = pos.subscribe();
//! let charge = pos
//!     .charge(ChargeRequest {
//!         amount: "5000".into(),
//!         currency: Some(Currency::Khr),
//!         ..ChargeRequest::default()
//!     })
//!     .await?;
//! pos.demo_pay(charge.sale_id).await?;
//! while let Ok(event) = events.recv().await {
//!     println!("{}", serde_json::to_string(&event).unwrap_or_default());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Demo mode (the embedded Bakong simulator, used above) is the `demo` feature, on by
//! default; without it the crate links no simulator and [`Pos::start`] refuses the demo
//! environment with [`CoreError::DemoNotBuilt`].
//!
//! Money and the sale state machine come from `pos-domain` and are re-exported here, so
//! callers need only this crate.
#![warn(missing_docs)]

mod auto_backup;
pub mod backup;
mod charge;
mod clock;
mod config;
pub mod counter;
mod demo;
pub mod diagnostics;
mod duration;
mod error;
mod ledger;
pub mod logs;
pub mod owner;
pub mod pace;
mod pos;
pub mod printing;
mod private_file;
mod restart;
pub mod schedule;
pub mod setup;
mod shop_sync;
mod store;
mod token_file;
mod views;
mod watcher;

pub use auto_backup::{BackupAttempt, BackupStatus, BackupTrigger};
pub use clock::{Clock, SystemClock};
pub use config::{
    BakongConfig, CashConfig, Config, DisplayMonitor, EnvOverride, Environment, LoadOptions,
    MerchantKind, MerchantProfile, ShopDbConfig, TokenInfo, ENV_CONFIG, ENV_DATA_DIR,
    QR_LIFETIME_RANGE,
};
pub use duration::{format_duration, parse_duration};
pub use error::{CoreError, ErrorCode, ErrorDetails, ErrorView};
pub use ledger::Ledger;
pub use pos::{Pos, StartOptions};
pub use pos_domain::{
    AmountError, Currency, InvalidTransition, Money, SaleEvent, SaleStatus, Transition,
    UnknownCurrency, UnknownStatus,
};
pub use restart::Restarted;
pub use shop_sync::ShopSyncView;
pub use token_file::TokenStore;
pub use views::{
    sale_id_from_text, CannotVerifyReason, ChargeRequest, ChargeView, DayReport, Health,
    LedgerCheck, OwnerQuery, PaymentView, PosEvent, RecheckView, RefundView, SaleView, SalesList,
    SalesQuery, TenderTotalView, TotalView, Verification,
};
pub use watcher::CheckNow;
