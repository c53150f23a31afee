//! The rate log: every change of the shop's exchange rate, with when and by whom. The current
//! rate is the latest entry; sales freeze theirs in `sales.riel_per_usd`.

use pos_cash::Rate;
use rusqlite::{params, OptionalExtension, Row};

use crate::{Actor, RateChange, Result, Store, StoreError};

const COLUMNS: &str = "riel_per_usd, changed_ms, changed_by";

fn from_row(row: &Row<'_>) -> rusqlite::Result<(i64, i64, Option<i64>)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
}

fn change((rate, changed_ms, by): (i64, i64, Option<i64>)) -> Result<RateChange> {
    Ok(RateChange {
        rate: Rate::new(rate).map_err(|_| StoreError::Corrupt {
            column: "rate_log.riel_per_usd",
            value: rate.to_string(),
        })?,
        changed_ms,
        changed_by: Actor::from_column(by),
    })
}

impl Store {
    /// Logs `rate` as the shop's rate from `changed_ms`. The [`Rate`] type already refuses 0
    /// and out-of-range rates, and the table refuses them again.
    pub fn set_rate(&mut self, rate: Rate, changed_ms: i64, by: Actor) -> Result<RateChange> {
        self.conn.execute(
            "INSERT INTO rate_log (riel_per_usd, changed_ms, changed_by) VALUES (?1, ?2, ?3)",
            params![rate.riel_per_usd(), changed_ms, by.column()],
        )?;
        Ok(RateChange {
            rate,
            changed_ms,
            changed_by: by,
        })
    }

    /// The rate in force: the latest entry, or `None` before the owner set one.
    pub fn current_rate(&self) -> Result<Option<RateChange>> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM rate_log ORDER BY id DESC LIMIT 1"),
                [],
                from_row,
            )
            .optional()?
            .map(change)
            .transpose()
    }

    /// Every rate change, newest first.
    pub fn rate_history(&self) -> Result<Vec<RateChange>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM rate_log ORDER BY id DESC"))?;
        let rows = stmt.query_map([], from_row)?;
        rows.map(|r| change(r?)).collect()
    }
}
