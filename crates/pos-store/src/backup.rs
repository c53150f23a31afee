//! Online backups of the ledger with SQLite's backup API, read-only opening of a backup to
//! check it, restoring one into the live ledger, and the counts that compare two ledgers.

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::{schema, Result, Store, StoreError, SCHEMA_VERSION};

/// Pages copied per step: small steps release the read lock often, so the counter keeps
/// writing sales while a backup runs.
const PAGES_PER_STEP: i32 = 256;
/// Pause between steps, for the same reason.
const STEP_PAUSE: Duration = Duration::from_millis(5);

/// What a ledger holds, to compare a backup with the ledger it would replace.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LedgerSummary {
    /// The file's schema version.
    pub schema_version: i64,
    /// Sales recorded, in any status.
    pub sales: u64,
    /// Receipts issued.
    pub receipts: u64,
    /// When the newest receipt was issued (Unix ms), if any.
    pub last_receipt_ms: Option<i64>,
    /// The last receipt number of each terminal.
    pub heads: Vec<(String, i64)>,
}

impl Store {
    /// Copies the ledger to `dest` (created or overwritten) with SQLite's online backup API:
    /// a consistent snapshot, WAL content included, while other connections keep writing. The
    /// copy is a single self-contained file (rollback journal, not WAL).
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        let mut dst = Connection::open(dest)?;
        Backup::new(&self.conn, &mut dst)?.run_to_completion(PAGES_PER_STEP, STEP_PAUSE, None)?;
        dst.pragma_update_and_check(None, "journal_mode", "delete", |_| Ok(()))?;
        Ok(())
    }

    /// Opens a ledger file without changing it (no migration, nothing created), e.g. a backup
    /// to check. Refuses a file written by a newer version ([`StoreError::TooNew`]).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let found = schema::user_version(&conn)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(Store { conn })
    }

    /// Replaces the ledger's whole content with the ledger file at `source` (through the
    /// backup API, so other connections see either the old or the new content), then brings
    /// its schema up to date. Check the source first: this does not.
    pub fn restore_from(&mut self, source: &Path) -> Result<()> {
        let src = Connection::open_with_flags(
            source,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Backup::new(&src, &mut self.conn)?.run_to_completion(PAGES_PER_STEP, STEP_PAUSE, None)?;
        // The copied header says "rollback journal": the live ledger goes back to WAL.
        self.conn
            .pragma_update_and_check(None, "journal_mode", "wal", |_| Ok(()))?;
        schema::migrate(&mut self.conn)?;
        Ok(())
    }

    /// The counts that say what a ledger holds.
    pub fn summary(&self) -> Result<LedgerSummary> {
        let (sales, receipts, last_receipt_ms) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM sales), (SELECT count(*) FROM receipts), \
             (SELECT max(issued_ms) FROM receipts)",
            [],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get(2)?)),
        )?;
        let mut stmt = self.conn.prepare(
            "SELECT terminal_id, max(number) FROM receipts GROUP BY terminal_id ORDER BY terminal_id",
        )?;
        let heads = stmt
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(LedgerSummary {
            schema_version: schema::user_version(&self.conn)?,
            sales: u64::try_from(sales).unwrap_or_default(),
            receipts: u64::try_from(receipts).unwrap_or_default(),
            last_receipt_ms,
            heads,
        })
    }
}
