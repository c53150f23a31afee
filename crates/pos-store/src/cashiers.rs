//! Cashier accounts: a name and a PIN hash (made and checked by the caller; the ledger never
//! sees a PIN), never deleted, disabled once.

use rusqlite::{params, ErrorCode, OptionalExtension, Row};

use crate::{Actor, Cashier, Result, Store, StoreError};

const COLUMNS: &str = "id, name, created_ms, disabled_ms";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Cashier> {
    Ok(Cashier {
        id: row.get(0)?,
        name: row.get(1)?,
        created_ms: row.get(2)?,
        disabled_ms: row.get(3)?,
    })
}

impl Store {
    /// Adds a cashier. A name already taken (disabled accounts keep theirs) is refused.
    pub fn add_cashier(&mut self, name: &str, pin_hash: &str, created_ms: i64) -> Result<Cashier> {
        self.conn
            .execute(
                "INSERT INTO cashiers (name, pin_hash, created_ms) VALUES (?1, ?2, ?3)",
                params![name, pin_hash, created_ms],
            )
            .map_err(|err| match &err {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == ErrorCode::ConstraintViolation =>
                {
                    StoreError::CashierExists(name.to_owned())
                }
                _ => StoreError::Sqlite(err),
            })?;
        Ok(Cashier {
            id: self.conn.last_insert_rowid(),
            name: name.to_owned(),
            created_ms,
            disabled_ms: None,
        })
    }

    /// Every cashier, in the order they were added.
    pub fn cashiers(&self) -> Result<Vec<Cashier>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM cashiers ORDER BY id"))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The cashier with this name, if any.
    pub fn cashier_named(&self, name: &str) -> Result<Option<Cashier>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM cashiers WHERE name = ?1"),
                [name],
                from_row,
            )
            .optional()?)
    }

    /// The stored PIN hash of cashier `id`, to check a PIN against; never part of [`Cashier`].
    pub fn cashier_pin_hash(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT pin_hash FROM cashiers WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()?)
    }

    /// Disables cashier `name` from `at_ms`, once: a disabled cashier stays disabled.
    pub fn disable_cashier(&mut self, name: &str, at_ms: i64) -> Result<Cashier> {
        let cashier = self
            .cashier_named(name)?
            .ok_or_else(|| StoreError::NoCashier(name.to_owned()))?;
        if cashier.disabled_ms.is_some() {
            return Err(StoreError::CashierDisabled(name.to_owned()));
        }
        self.conn.execute(
            "UPDATE cashiers SET disabled_ms = ?2 WHERE id = ?1",
            params![cashier.id, at_ms],
        )?;
        Ok(Cashier {
            disabled_ms: Some(at_ms),
            ..cashier
        })
    }

    /// Whether `actor` can act: the owner always, a cashier while the account is enabled.
    pub fn actor_enabled(&self, actor: Actor) -> Result<bool> {
        match actor {
            Actor::Owner => Ok(true),
            Actor::Cashier(id) => Ok(self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM cashiers WHERE id = ?1 AND disabled_ms IS NULL)",
                [id],
                |row| row.get(0),
            )?),
        }
    }
}
