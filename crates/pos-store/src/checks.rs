//! The persisted count of Bakong status checks per day, so the daily quota survives restarts
//! and is shared by every process using the same ledger.

use chrono::NaiveDate;
use rusqlite::OptionalExtension;

use crate::{Result, Store};

impl Store {
    /// Spends `n` checks of `day`'s `budget` if they fit, atomically: two callers racing for
    /// the last checks cannot both get them. Returns whether the checks were granted; when
    /// they were not, nothing is counted.
    pub fn try_spend_checks(&mut self, day: NaiveDate, n: u32, budget: u32) -> Result<bool> {
        if n > budget {
            return Ok(false);
        }
        // One statement, so the test and the increment happen under the same write lock; the
        // WHERE on the upsert leaves the row untouched when the budget would be exceeded.
        let changed = self.conn.execute(
            "INSERT INTO check_days (day, used) VALUES (?1, ?2) \
             ON CONFLICT (day) DO UPDATE SET used = used + excluded.used \
             WHERE used + excluded.used <= ?3",
            rusqlite::params![day.to_string(), n, budget],
        )?;
        Ok(changed == 1)
    }

    /// How many checks were spent on `day`.
    pub fn checks_used(&self, day: NaiveDate) -> Result<u32> {
        Ok(self
            .conn
            .query_row(
                "SELECT used FROM check_days WHERE day = ?1",
                [day.to_string()],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }
}
