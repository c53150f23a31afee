//! The shop database: every counter's ledger meets the others' in one PostgreSQL database.
//!
//! Counters stay authoritative: each keeps its SQLite ledger ([`pos_store`]) and sells with the
//! shop database unreachable. This crate connects to the shop database ([`ShopDb`], whose
//! credentials never reach a log or `Debug` output) and brings its schema up to date
//! ([`Shop::open`]), then pushes a counter's ledger events exactly once ([`Shop::push`]): a
//! repeated event is a no-op, a different event under a used number is a divergence alarm
//! ([`SyncError::Divergence`]), never an overwrite, and receipts must continue their
//! terminal's hash chain as stored. The owner's shop-wide totals are read back from it
//! ([`Shop::paid_totals`], [`Shop::shop_report`], [`Shop::shop_sales`]). The shop's one Bakong check budget is
//! shared through it ([`CheckBudget`], [`Shop::reserve_checks`]), and `hub init` makes its
//! roles: a counter may add its own terminal's rows only ([`Shop::init_hub`],
//! [`Shop::add_counter`]); for a shop without a database server, [`LocalCluster`] makes and
//! starts one with the system's PostgreSQL programs. One counter at a time, elected through a
//! lease in it, checks every counter's pending sales and hands each result to the counter that
//! owns the sale ([`Shop::claim_checker`], [`Shop::open_checks`], [`Shop::check_results`]). The
//! owner sets the shop's riel rate once ([`Shop::set_shop_rate`]); each counter caches it in its
//! own rate log when it pushes ([`cache_shop_rate`]). The owner adds and disables the shop's
//! cashier accounts once ([`Shop::add_shop_cashier`]); each counter caches them in its own
//! accounts in its sync cycle ([`cache_shop_cashiers`]).
#![warn(missing_docs)]

mod budget;
mod cashiers;
mod checker;
mod cluster;
mod db;
mod error;
mod event;
mod hub;
mod push;
mod rates;
mod report;
mod schema;
mod shop;
mod tls;

pub use budget::{CheckBudget, Reservation, Source, Spent, RESERVE_TIMEOUT};
pub use cashiers::{
    cache_shop_cashiers, check_cashier_name, CashierEvent, CashierEventKind, CashiersCached,
    CASHIER_NAME_MAX_CHARS,
};
pub use checker::{CheckResult, Lease, Outcome, PendingCheck};
pub use cluster::{LocalCluster, DEFAULT_LISTEN, DEFAULT_PORT, SUPERUSER};
pub use db::ShopDb;
pub use error::{Result, SyncError};
pub use hub::{BudgetRule, HubRoles, Password};
pub use push::{BatchOutcome, PushReport};
pub use rates::{cache_shop_rate, ShopRate};
pub use report::{PaidTotal, PushState, ShopSale, ShopTotal, Tender};
pub use schema::SCHEMA_VERSION;
pub use shop::Shop;
