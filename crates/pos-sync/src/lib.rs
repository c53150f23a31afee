//! The shop database: every counter's ledger meets the others' in one PostgreSQL database.
//!
//! Counters stay authoritative: each keeps its SQLite ledger ([`pos_store`]) and sells with the
//! shop database unreachable. This crate connects to the shop database ([`ShopDb`], whose
//! credentials never reach a log or `Debug` output) and brings its schema up to date
//! ([`Shop::open`]), then pushes a counter's ledger events exactly once ([`Shop::push`]): a
//! repeated event is a no-op, a different event under a used number is a divergence alarm
//! ([`SyncError::Divergence`]), never an overwrite, and receipts must continue their
//! terminal's hash chain as stored. The owner's shop-wide totals are read back from it
//! ([`Shop::paid_totals`]).
#![warn(missing_docs)]

mod db;
mod error;
mod event;
mod push;
mod report;
mod schema;
mod shop;

pub use db::ShopDb;
pub use error::{Result, SyncError};
pub use push::{BatchOutcome, PushReport};
pub use report::PaidTotal;
pub use schema::SCHEMA_VERSION;
pub use shop::Shop;
