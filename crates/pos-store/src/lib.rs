//! The sale ledger: one SQLite file holding every sale, its append-only event log, the daily
//! count of Bakong checks, and gap-free receipt numbers per terminal chained by sha256.
//!
//! This is the only crate with SQL in it. The API is synchronous and takes the current time as
//! a parameter; callers on an async runtime run it on a blocking thread. Every status change
//! goes through [`pos_domain::SaleStatus::apply`], inside an immediate (write-locked) transaction
//! that also issues the receipt, and `receipts.sale_id` is unique: a repeated or concurrent
//! "paid" for the same sale, from any thread or process, yields exactly one receipt.
//!
//! ```no_run
//! # fn main() -> Result<(), pos_store::StoreError> {
//! let store = pos_store::Store::open(pos_store::Store::default_path()?)?;
//! let today = pos_store::day_range(
//!     pos_store::shop_day(1_764_000_000_000, pos_store::DEFAULT_TIME_ZONE),
//!     pos_store::DEFAULT_TIME_ZONE,
//! )?;
//! for total in store.totals(today)? {
//!     println!("{} {}: {} sales, {}", total.currency, total.status, total.count, total.sum);
//! }
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod backup;
mod cash_chains;
mod cash_types;
mod cashiers;
mod checks;
mod counter;
mod error;
mod print_jobs;
mod rates;
mod receipts;
mod refunds;
mod report;
mod sale_row;
mod sales;
mod schema;
mod shifts;
mod sync_log;
mod types;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use backup::LedgerSummary;
pub use cash_chains::ZFigure;
pub use cash_types::{
    Actor, CashChainProblem, CashChainReport, CashMovement, Cashier, NewCashSale, NewRefund,
    RateChange, Refund, RefundTender, Shift, ShiftClose, ShiftId, TenderLine, ZDocument, ZReport,
};
pub use cashiers::{Cached, ShopCashier};
pub use chrono::NaiveDate;
pub use chrono_tz::Tz;
pub use error::{Result, StoreError};
pub use print_jobs::{PrintAttempt, PrintJob, PrintOutcome};
pub use report::{day_range, days_range, shop_day, DEFAULT_TIME_ZONE};
pub use schema::SCHEMA_VERSION;
pub use sync_log::LogEntry;
pub use types::{
    Applied, ChainProblem, ChainReport, CheckRecord, EventKind, NewSale, PaymentDetails, Query,
    Range, Receipt, Sale, SaleCounter, SaleEventRecord, SaleId, SaleTender, Total,
};

/// How long a writer waits for another connection's write lock before giving up. Writes are
/// short (one sale), so waiting this long only happens when something is badly stuck.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The pause before opening again a ledger another process is creating at the same moment.
const OPEN_RETRY_PAUSE: Duration = Duration::from_millis(20);

/// The ledger's file name inside the app-data directory.
const LEDGER_FILE: &str = "ledger.sqlite3";

/// An open ledger. One connection; open several (one per thread or process) to share a file.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

impl Store {
    /// The default ledger file: `ledger.sqlite3` in the OS per-user app-data directory
    /// (`~/.local/share/khqr-pos` on Linux, `%APPDATA%\khqr-pos\data` on Windows,
    /// `~/Library/Application Support/khqr-pos` on macOS).
    pub fn default_path() -> Result<PathBuf> {
        directories::ProjectDirs::from("", "", "khqr-pos")
            .map(|dirs| dirs.data_dir().join(LEDGER_FILE))
            .ok_or(StoreError::NoDataDir)
    }

    /// Opens (creating it and its directory if needed) the ledger at `path` and brings its
    /// schema up to date. Refuses a ledger written by a newer version ([`StoreError::TooNew`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Open {
                path: path.to_owned(),
                source,
            })?;
        }
        // Switching a new file to WAL can answer SQLITE_BUSY at once, without the busy handler,
        // while another process opens the same new ledger (the app and a CLI command, or two
        // commands); the open is retried until the busy timeout, then the error stands.
        let started = std::time::Instant::now();
        loop {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            match Store::prepare(conn) {
                Err(StoreError::Sqlite(e))
                    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                        && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(OPEN_RETRY_PAUSE);
                }
                opened => return opened,
            }
        }
    }

    /// A ledger that lives in memory only, for tests (demo mode uses a real file).
    pub fn open_in_memory() -> Result<Store> {
        Store::prepare(Connection::open_in_memory()?)
    }

    fn prepare(mut conn: Connection) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // WAL lets owners read reports while the watcher writes; FULL syncs each commit so a
        // sale whose QR was shown survives a power cut, not just a crash of the program.
        conn.pragma_update_and_check(None, "journal_mode", "wal", |_| Ok(()))?;
        conn.pragma_update(None, "synchronous", "full")?;
        schema::migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// The schema version of the open ledger (equal to [`SCHEMA_VERSION`] once opened).
    pub fn schema_version(&self) -> Result<i64> {
        schema::user_version(&self.conn)
    }

    /// SQLite's own consistency checks (`integrity_check` and `foreign_key_check`): the
    /// problems found, empty when the file is sound.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for line in stmt.query_map([], |row| row.get::<_, String>(0))? {
            let line = line?;
            if line != "ok" {
                problems.push(line);
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt.query_map([], |row| {
            Ok(format!(
                "{} row {} refers to a missing {}",
                row.get::<_, String>(0)?,
                row.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                row.get::<_, String>(2)?
            ))
        })?;
        for row in rows {
            problems.push(row?);
        }
        Ok(problems)
    }
}
